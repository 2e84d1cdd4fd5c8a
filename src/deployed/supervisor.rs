//! supervisord configurations a deployment starts: when the production command (or the
//! entrypoint script it runs) starts `supervisord`, the configuration it reads (`-c PATH`, else
//! the places supervisord looks by default) is found in the repository through the image's
//! `COPY` lines, and each `[program:NAME]` section's `command=` is a run of its own, as a
//! Procfile's process would be.

use super::copied::{Copy, placed};
use super::shell::{self, launched};
use super::{Run, Source, base_name};
use crate::evidence::Evidence;
use crate::repo::Repo;

/// Where supervisord looks for its configuration when told none (its `-c` default search).
const DEFAULT_PLACES: &[&str] = &[
    "/etc/supervisord.conf",
    "/etc/supervisor/supervisord.conf",
    "supervisord.conf",
    "etc/supervisord.conf",
];

/// The programs of the configuration `started` (a run of the Dockerfile `file`) hands
/// supervisord, each a run with its program name as role; none when it starts no supervisord
/// or its configuration is not in the repository.
pub fn programs(repo: &Repo, file: &str, copies: &[Copy], started: &Run) -> Vec<Run> {
    if !matches!(started.program(), "supervisord" | "supervisor") {
        return Vec::new();
    }
    let args = started.args();
    let named = args
        .iter()
        .enumerate()
        .find_map(|(at, word)| match word.as_str() {
            "-c" | "--configuration" => args.get(at + 1).cloned(),
            other => other.strip_prefix("--configuration=").map(str::to_string),
        });
    let beside = started.evidence.file.as_str();
    let config = match named {
        Some(path) => {
            placed(repo, beside, copies, &path).or_else(|| placed(repo, file, copies, &path))
        }
        None => DEFAULT_PLACES
            .iter()
            .find_map(|path| placed(repo, file, copies, path)),
    };
    let Some(config) = config else {
        return Vec::new();
    };
    let Ok(Some(text)) = repo.read_text(&config, super::CAP) else {
        return Vec::new();
    };
    read(&config, &text)
}

/// The `command=` of each `[program:NAME]` section of a configuration, in order.
fn read(config: &str, text: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut program: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(section) = line.strip_prefix('[') {
            let section = section.split(']').next().unwrap_or("").trim();
            program = section
                .strip_prefix("program:")
                .map(|name| name.trim().to_string());
            continue;
        }
        let Some(name) = &program else {
            continue;
        };
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim() != "command" {
            continue;
        }
        let value = match value.find(" ;") {
            Some(at) => &value[..at],
            None => value,
        };
        let Some(words) = shell::words(value.trim()) else {
            continue;
        };
        let (env, argv) = launched(&words);
        if argv.first().is_none_or(|first| !shell::is_program(first)) {
            continue;
        }
        runs.push(Run {
            argv,
            env,
            role: Some(name.clone()),
            source: Source::Supervisor,
            evidence: Evidence::line(
                config,
                index + 1,
                format!("[program:{name}] command {}", base_name(&words[0])),
            ),
        });
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_of_a_configuration() {
        let text = "[supervisord]\nnodaemon=true ; foreground\n\n[program:redis]\ncommand=/usr/bin/redis-server --bind 127.0.0.1\n\n[program:web]\n; the API\ncommand=/usr/local/bin/gunicorn --bind \"%(ENV_BIND)s\" server:app ; served\ndirectory=/app\n";
        let runs = read("deploy/supervisord.conf", text);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].role.as_deref(), Some("redis"));
        assert_eq!(
            runs[1].argv,
            [
                "/usr/local/bin/gunicorn",
                "--bind",
                "%(ENV_BIND)s",
                "server:app"
            ]
        );
        assert_eq!(runs[1].evidence.line, Some(9));
        assert_eq!(runs[1].source, Source::Supervisor);
    }
}
