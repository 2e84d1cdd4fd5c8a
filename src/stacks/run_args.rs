//! The arguments a project's own image passes to its program after the binary (`relay`,
//! `serve --http 0.0.0.0:8090`), taken as the generated image's `CMD` when every word is a
//! plain command word (`crate::safe::argument`) and none names a file or directory, which the
//! generated image, holding the binary alone, would not have. A compose file's `command` is a
//! run-time override of one deployment, not what the image passes, and is not read here.

use crate::deployed::{Run, Source};
use crate::safe;
use crate::trace::Step;

/// File extensions that make a word name a file (a configuration, a database, a key).
const FILE_EXTENSIONS: &[&str] = &[
    "yml",
    "yaml",
    "toml",
    "json",
    "conf",
    "cfg",
    "ini",
    "env",
    "db",
    "sqlite",
    "sqlite3",
    "pem",
    "key",
    "crt",
    "txt",
    "xml",
    "properties",
    "sh",
    "lua",
    "js",
    "html",
];

/// The arguments for `binary` from the first run of it that passes any, with the step saying
/// where they come from, or why those found were not taken.
pub fn choose(runs: &[Run], binary: &str) -> (Vec<String>, Option<Step>) {
    let Some(run) = runs.iter().find(|run| {
        run.source != Source::Compose && run.program() == binary && !run.args().is_empty()
    }) else {
        return (Vec::new(), None);
    };
    let question = "Arguments after the binary?".to_string();
    let words = run.args();
    let shown = words.join(" ");
    let refused = words.iter().find_map(|word| {
        if safe::argument(&run.evidence.file, "argument", word).is_err() {
            Some(format!("`{word}` is not a plain command word"))
        } else if names_path(word) {
            Some(format!(
                "`{word}` names a path the image, holding the binary alone, does not have"
            ))
        } else {
            None
        }
    });
    match refused {
        Some(why) => (
            Vec::new(),
            Some(Step {
                question,
                answer: format!("none: the project's image passes `{shown}`, but {why}"),
                evidence: vec![run.evidence.clone()],
            }),
        ),
        None => (
            words.to_vec(),
            Some(Step {
                question,
                answer: format!("{shown} (what the project's own image passes to {binary})"),
                evidence: vec![run.evidence.clone()],
            }),
        ),
    }
}

/// Whether a word (or the value of `--flag=value`) names a file or directory.
fn names_path(word: &str) -> bool {
    let value = word.rsplit('=').next().unwrap_or(word);
    if word.contains('/') || value.starts_with('~') || value == "." || value == ".." {
        return true;
    }
    value.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && FILE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Evidence;

    fn run(argv: &[&str], source: Source) -> Run {
        Run {
            argv: argv.iter().map(|w| w.to_string()).collect(),
            env: Vec::new(),
            role: None,
            source,
            evidence: Evidence::line("Dockerfile", 9, "CMD"),
        }
    }

    #[test]
    fn subcommands_are_taken_and_paths_are_not() {
        let runs = [run(
            &["/usr/bin/app", "serve", "--http=0.0.0.0:8090"],
            Source::Dockerfile,
        )];
        assert_eq!(choose(&runs, "app").0, ["serve", "--http=0.0.0.0:8090"]);
        assert!(choose(&runs, "other").1.is_none());
        let runs = [run(
            &["app", "--config", "/etc/app/app.yml"],
            Source::Dockerfile,
        )];
        let (args, step) = choose(&runs, "app");
        assert!(args.is_empty());
        assert!(step.unwrap().answer.starts_with("none"));
        assert!(names_path("--sqlitedb=data.sqlite"));
        assert!(!names_path("0.0.0.0:8090"));
        let runs = [run(&["app", "relay"], Source::Compose)];
        assert!(choose(&runs, "app").0.is_empty());
        let runs = [run(&["app", "$PORT"], Source::Dockerfile)];
        assert!(choose(&runs, "app").0.is_empty());
    }
}
