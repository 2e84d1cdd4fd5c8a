//! A repository's own Dockerfiles: the command the production stage (the last) runs, with
//! `ENTRYPOINT` and `CMD` inherited through the stages it is built on, its `EXPOSE`d ports and
//! the paths it copies out of build stages; and every stage's `RUN` commands with the stage's
//! environment. An entrypoint script the repository holds is followed to the program it `exec`s,
//! and a supervisord it starts to the programs of its configuration.

use super::copied::{Copy, placed};
use super::shell::{self, expand, expanded, launched};
use super::{Base, Build, Deployed, Env, Installed, Port, Run, Shipped, Source, base_name};
use crate::evidence::Evidence;
use crate::repo::{Repo, join};

/// Directories (besides the root) where repositories keep their Dockerfiles.
const DIRS: &[&str] = &[
    "docker",
    ".docker",
    "dockerfiles",
    "build",
    "build/docker",
    "deploy",
    "deployment",
    "container",
    "contrib/docker",
    "scripts/docker",
];

/// Whether a file name is a Dockerfile's: `Dockerfile`, `Dockerfile.prod`, `Dockerfile-api`,
/// `api.Dockerfile`, `Containerfile`.
fn is_dockerfile(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") {
        return false;
    }
    lower.starts_with("dockerfile")
        || lower.starts_with("containerfile")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
}

/// The Dockerfiles of the project: the root's (`Dockerfile` first), then those of the usual
/// directories.
pub fn candidates(repo: &Repo) -> Vec<String> {
    let mut found = Vec::new();
    for dir in std::iter::once("").chain(DIRS.iter().copied()) {
        let mut names = repo.list_dir(if dir.is_empty() { "." } else { dir }, |name, kind| {
            kind.is_file() && is_dockerfile(name)
        });
        names.sort_by_key(|name| (name != "Dockerfile" && name != "Containerfile", name.len()));
        found.extend(names.into_iter().map(|name| join(dir, &name)));
    }
    found
}

/// One stage: its name, what it is built `FROM`, and what it sets.
#[derive(Default)]
struct Stage {
    name: Option<String>,
    base: String,
    /// The line of its `FROM`.
    from_line: usize,
    env: Vec<(String, String)>,
    entrypoint: Option<(Vec<String>, usize)>,
    cmd: Option<(Vec<String>, usize)>,
    /// `COPY` sources into the stage.
    copies: Vec<Copy>,
    expose: Vec<(u16, usize)>,
    /// The lines of its `RUN` instructions.
    runs: Vec<usize>,
}

/// The logical lines of a Dockerfile (its `lines`): continuations joined, comments and heredoc
/// bodies dropped; each with the number of its first line.
fn logical_lines(lines: &[&str]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    let mut heredoc: Option<String> = None;
    for (index, raw) in lines.iter().enumerate() {
        if let Some(end) = &heredoc {
            if raw.trim() == end {
                heredoc = None;
            }
            continue;
        }
        let trimmed = raw.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && !current.is_empty()) {
            continue;
        }
        if current.is_empty() {
            start = index + 1;
        }
        match trimmed.strip_suffix('\\') {
            Some(part) => {
                current.push_str(part);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                if let Some(at) = current.find("<<") {
                    let marker = current[at + 2..].trim_start_matches('-').trim();
                    let marker = marker.split_whitespace().next().unwrap_or("");
                    let marker = marker.trim_matches(['"', '\'']);
                    if !marker.is_empty()
                        && marker
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        heredoc = Some(marker.to_string());
                    }
                }
                if !current.is_empty() {
                    out.push((start, std::mem::take(&mut current)));
                }
            }
        }
    }
    out
}

/// The words of `CMD`/`ENTRYPOINT`/`RUN`'s argument: exec form (a JSON list) or shell form
/// (`/bin/sh -c LINE`).
fn instruction_words(rest: &str) -> Option<Vec<String>> {
    if rest.starts_with('[') {
        return serde_json::from_str(rest).ok();
    }
    Some(vec!["/bin/sh".into(), "-c".into(), rest.to_string()])
}

/// Reads one Dockerfile into `deployed`.
pub fn read(repo: &Repo, file: &str, text: &str, deployed: &mut Deployed) {
    let mut global: Vec<(String, String)> = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    let mut builds = Vec::new();
    let mut installs: Vec<(usize, usize, String, usize)> = Vec::new();
    // The environment of the last command that added no variable: its stage's index, how many
    // variables the stage had set, and the shared copy.
    let mut shared: Option<(usize, usize, Env)> = None;
    let lines: Vec<&str> = text.lines().collect();
    let logical = logical_lines(&lines);
    let ends: Vec<usize> = logical
        .iter()
        .skip(1)
        .map(|(start, _)| start - 1)
        .chain(std::iter::once(lines.len()))
        .collect();
    for ((line, logical), end) in logical.into_iter().zip(ends) {
        let (keyword, rest) = logical
            .split_once(char::is_whitespace)
            .unwrap_or((&logical, ""));
        let rest = rest.trim();
        let keyword = keyword.to_ascii_uppercase();
        if keyword == "FROM" {
            let words: Vec<&str> = rest
                .split_whitespace()
                .filter(|w| !w.starts_with("--"))
                .collect();
            stages.push(Stage {
                base: words.first().map(|w| w.to_string()).unwrap_or_default(),
                from_line: line,
                name: match words.as_slice() {
                    [_, as_, name] if as_.eq_ignore_ascii_case("as") => {
                        Some(name.to_ascii_lowercase())
                    }
                    _ => None,
                },
                env: global.clone(),
                ..Stage::default()
            });
            continue;
        }
        let current = stages.len().saturating_sub(1);
        let Some(stage) = stages.last_mut() else {
            if keyword == "ARG" {
                global.extend(pairs(rest));
            }
            continue;
        };
        match keyword.as_str() {
            "ENV" | "ARG" => {
                let found = pairs(rest);
                let expanded: Vec<_> = found
                    .into_iter()
                    .map(|(name, value)| {
                        let value = expand(&value, &stage.env);
                        (name, value)
                    })
                    .collect();
                stage.env.extend(expanded);
            }
            "CMD" => stage.cmd = instruction_words(rest).map(|w| (w, line)),
            "ENTRYPOINT" => {
                stage.entrypoint = instruction_words(rest).map(|w| (w, line));
                stage.cmd = None;
            }
            "EXPOSE" => stage.expose.extend(
                rest.split_whitespace()
                    .filter_map(|p| expand(p, &stage.env).split('/').next()?.parse().ok())
                    .map(|port| (port, line)),
            ),
            "COPY" | "ADD" => stage.copies.extend(copies(rest, line)),
            "RUN" => {
                stage.runs.push(line);
                let body = rest
                    .split_whitespace()
                    .skip_while(|w| w.starts_with("--"))
                    .collect::<Vec<_>>()
                    .join(" ");
                if body.starts_with('[') {
                    continue;
                }
                for (assigned, argv) in shell::commands(&body) {
                    for package in apt_packages(&argv) {
                        let at = word_line(&lines, line, end, &package);
                        installs.push((current, line, package, at));
                    }
                    let env: Env = if assigned.is_empty() {
                        match &shared {
                            Some((at, set, env)) if *at == current && *set == stage.env.len() => {
                                env.clone()
                            }
                            _ => {
                                let env: Env = stage.env.as_slice().into();
                                shared = Some((current, stage.env.len(), env.clone()));
                                env
                            }
                        }
                    } else {
                        let mut env = stage.env.clone();
                        env.extend(assigned);
                        env.into()
                    };
                    let argv = argv.iter().map(|w| expand(w, &env)).collect();
                    builds.push(Build {
                        argv,
                        env,
                        source: Source::Dockerfile,
                        evidence: Evidence::line(file, line, "RUN"),
                    });
                }
            }
            _ => {}
        }
    }
    deployed.builds.extend(builds);
    for (stage, run, package, at) in installs {
        let runs_with = (stage..stages.len())
            .filter(|&other| other == stage || chain(&stages, other).contains(&stage))
            .flat_map(|other| stages[other].runs.iter().copied())
            .filter(|&line| line >= run)
            .collect();
        deployed.installed.push(Installed {
            evidence: Evidence::line(file, at, format!("apt-get install {package}")),
            package,
            runs_with,
        });
    }
    let Some(last) = stages.len().checked_sub(1) else {
        return;
    };
    let chain = chain(&stages, last);
    production(repo, file, &stages, &chain, deployed);
}

/// Options of apt-get and apt that take a value as the next word.
const APT_VALUE_OPTIONS: &[&str] = &[
    "-o",
    "-c",
    "-t",
    "--option",
    "--config-file",
    "--target-release",
    "--default-release",
];

/// The packages an `apt-get install` or `apt install` command names literally: the words after
/// `install` that are neither options nor an option's value, each without a version (`=1.2`)
/// or release (`/bookworm-backports`); a word holding a variable names nothing known, and a
/// word that is no Debian package name (or that asks for a removal with a trailing `-`) is
/// left out.
fn apt_packages(argv: &[String]) -> Vec<String> {
    let Some((program, args)) = argv.split_first() else {
        return Vec::new();
    };
    if !matches!(base_name(program), "apt-get" | "apt") {
        return Vec::new();
    }
    let mut words = args.iter();
    let mut installing = false;
    let mut packages = Vec::new();
    while let Some(word) = words.next() {
        if word.starts_with('-') {
            if APT_VALUE_OPTIONS.contains(&word.as_str()) {
                words.next();
            }
            continue;
        }
        if !installing {
            if word != "install" {
                return Vec::new();
            }
            installing = true;
            continue;
        }
        let name = word.split(['=', '/']).next().unwrap_or_default();
        if !word.contains('$')
            && !name.ends_with('-')
            && crate::system::package_name("apt-get install", name).is_ok()
        {
            packages.push(name.to_string());
        }
    }
    packages
}

/// The line (1-based) between `from` and `to` where `word` stands as a word of its own, comment
/// lines passed over; `from` when none does.
fn word_line(lines: &[&str], from: usize, to: usize, word: &str) -> usize {
    let separator = |c: char| c.is_whitespace() || matches!(c, '\\' | '"' | '\'' | ';' | '&' | '|');
    lines
        .iter()
        .enumerate()
        .take(to)
        .skip(from.saturating_sub(1))
        .filter(|(_, raw)| !raw.trim_start().starts_with('#'))
        .find(|(_, raw)| {
            raw.split(separator)
                .any(|w| w.split(['=', '/']).next() == Some(word))
        })
        .map_or(from, |(index, _)| index + 1)
}

/// The stage at `index` and the stages it is built on, nearest first.
fn chain(stages: &[Stage], index: usize) -> Vec<usize> {
    let mut chain = vec![index];
    while chain.len() < stages.len() {
        let base = stages[*chain.last().expect("one")]
            .base
            .to_ascii_lowercase();
        let Some(found) = stages[..*chain.last().expect("one")]
            .iter()
            .rposition(|stage| stage.name.as_deref() == Some(base.as_str()))
        else {
            break;
        };
        chain.push(found);
    }
    chain
}

/// The run, ports and shipped paths of the production stage (the first of `chain`).
fn production(repo: &Repo, file: &str, stages: &[Stage], chain: &[usize], deployed: &mut Deployed) {
    let entrypoint = chain.iter().find_map(|&i| stages[i].entrypoint.clone());
    let entry_at = chain.iter().position(|&i| stages[i].entrypoint.is_some());
    let cmd = chain
        .iter()
        .take(entry_at.map_or(chain.len(), |at| at + 1))
        .find_map(|&i| stages[i].cmd.clone());
    let stage = &stages[chain[0]];
    let root = &stages[*chain.last().expect("one")];
    deployed.bases.push(Base {
        image: root.base.clone(),
        evidence: Evidence::line(file, root.from_line, format!("FROM {}", root.base)),
    });
    for &(port, line) in chain.iter().flat_map(|&i| &stages[i].expose) {
        deployed.ports.push(Port {
            port,
            source: Source::Dockerfile,
            evidence: Evidence::line(file, line, format!("EXPOSE {port}")),
        });
    }
    for (from, source, _, line) in &stage.copies {
        if from.is_some() {
            deployed.shipped.push(Shipped {
                path: source.clone(),
                evidence: Evidence::line(file, *line, format!("COPY --from {source}")),
            });
        }
    }
    let (mut argv, line, what) = match (entrypoint, cmd) {
        (Some((mut entry, line)), cmd) => {
            entry.extend(cmd.map(|(words, _)| words).unwrap_or_default());
            (entry, line, "ENTRYPOINT")
        }
        (None, Some((words, line))) => (words, line, "CMD"),
        (None, None) => return,
    };
    argv = expanded(&argv, &stage.env, &[]);
    let (env, argv) = launched(&argv);
    let argv = expanded(&argv, &stage.env, &[]);
    if argv.first().is_none_or(|first| !shell::is_program(first)) {
        return;
    }
    let mut all_env = stage.env.clone();
    all_env.extend(env);
    let run = Run {
        argv,
        env: all_env,
        role: None,
        source: Source::Dockerfile,
        evidence: Evidence::line(file, line, what),
    };
    let copies: Vec<_> = chain
        .iter()
        .flat_map(|&i| stages[i].copies.iter().cloned())
        .collect();
    let script = script(repo, file, &copies, &run);
    let started = script.as_ref().unwrap_or(&run);
    let programs = super::supervisor::programs(repo, file, &copies, started);
    deployed.runs.push(run);
    deployed.runs.extend(script);
    deployed.runs.extend(programs);
}

/// The `COPY`/`ADD` of one line: (`--from` stage, each source, destination, line).
fn copies(rest: &str, line: usize) -> Vec<(Option<String>, String, String, usize)> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    let from = words
        .iter()
        .find_map(|w| w.strip_prefix("--from="))
        .map(|w| w.to_ascii_lowercase());
    let paths: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !w.starts_with("--"))
        .collect();
    let Some((dest, sources)) = paths.split_last() else {
        return Vec::new();
    };
    sources
        .iter()
        .map(|source| {
            (
                from.clone(),
                source.trim_matches(['[', ']', '"', ',']).to_string(),
                dest.trim_matches(['[', ']', '"']).to_string(),
                line,
            )
        })
        .collect()
}

/// `KEY=value` pairs of an `ENV`/`ARG` line (and the legacy `ENV KEY value`).
fn pairs(rest: &str) -> Vec<(String, String)> {
    let Some(words) = shell::words(rest) else {
        return Vec::new();
    };
    if words.len() >= 2
        && !words[0].contains('=')
        && shell::assignment(&format!("{}=x", words[0])).is_some()
        && !words.iter().skip(1).any(|w| shell::assignment(w).is_some())
    {
        return vec![(words[0].clone(), words[1..].join(" "))];
    }
    words.iter().filter_map(|w| shell::assignment(w)).collect()
}

/// When the run starts a shell script of the repository (copied in by the stage or a stage it
/// is built on, or found by name beside the Dockerfile or at the root), the program that script
/// `exec`s last; a script that `exec`s nothing runs its last foreground command (outside its
/// functions, not sent to the background with `&`), with the script's own variables and its
/// positional parameters (`${1-start}`) expanded.
fn script(repo: &Repo, file: &str, copies: &[Copy], run: &Run) -> Option<Run> {
    let program = &run.argv[0];
    let name = base_name(program);
    let is_script =
        name.ends_with(".sh") || name.contains("entrypoint") || name.starts_with("start");
    if !is_script {
        return None;
    }
    let place = placed(repo, file, copies, program)?;
    let text = repo.read_text(&place, super::CAP).ok()??;
    let mut passes_through = None;
    let mut found = None;
    let mut env = run.env.clone();
    let mut last = None;
    let mut function = 0usize;
    let mut opening = false;
    let mut functions = Vec::new();
    let mut joined = String::new();
    for (index, raw) in text.lines().enumerate() {
        if let Some(part) = raw.trim_end().strip_suffix('\\') {
            joined.push_str(part);
            joined.push(' ');
            continue;
        }
        joined.push_str(raw);
        let whole = std::mem::take(&mut joined);
        let line = whole.trim();
        if function > 0 || opening || opens_function(line) {
            if function == 0 && !opening {
                functions.push(function_name(line));
            }
            opening = function == 0 && !line.contains('{');
            function =
                (function + line.matches('{').count()).saturating_sub(line.matches('}').count());
            continue;
        }
        if let Some(assigned) = assigned(line, &env, run.args()) {
            env.extend(assigned);
            continue;
        }
        let Some(rest) = line.strip_prefix("exec ") else {
            let commands = shell::commands(line);
            match commands.last() {
                Some((_, words)) if words.first().is_some_and(|first| first == "wait") => {
                    last = None;
                }
                _ if line.ends_with('&') => {}
                _ => {
                    if let Some((_, words)) = shell::last_program_of(commands)
                        && !functions.contains(&words[0])
                    {
                        last = Some((index + 1, words));
                    }
                }
            }
            continue;
        };
        let Some((_, words)) = shell::commands(rest).pop() else {
            continue;
        };
        let (_, words) = launched(&words);
        let Some(first) = words.first() else {
            continue;
        };
        if matches!(first.as_str(), "$@" | "$*") {
            passes_through = Some(index + 1);
            continue;
        }
        let words = expanded(&words, &env, run.args());
        if words
            .first()
            .is_some_and(|first| shell::is_program(first) && !first.starts_with('$'))
        {
            found = Some((index + 1, words));
        }
    }
    let foreground = last.and_then(|(line, words)| {
        let (_, words) = launched(&words);
        let words = expanded(&words, &env, run.args());
        words
            .first()
            .is_some_and(|first| shell::is_program(first) && !first.starts_with('$'))
            .then_some((line, words))
    });
    if found.is_none() && passes_through.is_none() {
        let (line, words) = foreground?;
        return Some(Run {
            argv: words,
            env: run.env.clone(),
            role: None,
            source: Source::Script,
            evidence: Evidence::line(place, line, "runs last"),
        });
    }
    let (line, words) = match (found, passes_through) {
        (Some(found), _) => found,
        (None, Some(line))
            if run
                .args()
                .first()
                .is_some_and(|first| shell::is_program(first)) =>
        {
            (line, run.args().to_vec())
        }
        _ => return None,
    };
    Some(Run {
        argv: words,
        env: run.env.clone(),
        role: None,
        source: Source::Script,
        evidence: Evidence::line(place, line, "exec"),
    })
}

/// A script of the repository followed as [`script`] follows an entrypoint: the program it
/// `exec`s, else its last foreground command, run with no arguments.
pub fn followed(repo: &Repo, path: &str) -> Option<Run> {
    let run = Run {
        argv: vec![path.to_string()],
        env: Vec::new(),
        role: None,
        source: Source::Script,
        evidence: Evidence::file(path, "script"),
    };
    script(repo, path, &[], &run)
}

/// The name a line opening a shell function gives it.
fn function_name(line: &str) -> String {
    line.strip_prefix("function ")
        .unwrap_or(line)
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// Whether a script line opens a shell function (`name() {`, `function name {`).
fn opens_function(line: &str) -> bool {
    let head = line.strip_prefix("function ").unwrap_or(line).trim_start();
    let name = function_name(line);
    !name.is_empty()
        && (line.starts_with("function ") || head[name.len()..].trim_start().starts_with("()"))
}

/// The variables a script line sets when it only assigns (`action="${1-start}"`), their values
/// expanded from `env` and the script's positional parameters `args`.
fn assigned(
    line: &str,
    env: &[(String, String)],
    args: &[String],
) -> Option<Vec<(String, String)>> {
    let line = line.strip_prefix("export ").unwrap_or(line);
    let words = shell::words(line)?;
    if words.is_empty() || words.iter().any(|word| shell::assignment(word).is_none()) {
        return None;
    }
    Some(
        words
            .iter()
            .filter_map(|word| shell::assignment(word))
            .map(|(name, value)| (name, expand(&positional(&value, args), env)))
            .collect(),
    )
}

/// A value with its positional parameters (`$1`, `${1}`, `${1-default}`, `${1:-default}`)
/// replaced by the script's arguments, or by the default when the argument is not given.
fn positional(value: &str, args: &[String]) -> String {
    let Some(inner) = value
        .strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
        .or_else(|| value.strip_prefix('$'))
    else {
        return value.to_string();
    };
    let digits: String = inner.chars().take_while(char::is_ascii_digit).collect();
    let Ok(number) = digits.parse::<usize>() else {
        return value.to_string();
    };
    let rest = &inner[digits.len()..];
    let default = rest.strip_prefix(":-").or_else(|| rest.strip_prefix('-'));
    if number == 0 || (!rest.is_empty() && default.is_none()) {
        return value.to_string();
    }
    match (args.get(number - 1), default) {
        (Some(arg), _) => arg.clone(),
        (None, Some(default)) => default.to_string(),
        (None, None) => String::new(),
    }
}
