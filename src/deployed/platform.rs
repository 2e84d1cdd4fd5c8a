//! The platforms' descriptors: a Procfile's processes, .goreleaser.yml builds (each as
//! `BUILDER build [-tags T] [-o BINARY] MAIN`, BUILDER being its `builder`, `goreleaser` when it
//! names none), fly.toml processes and ports, App Engine's app.yaml entrypoint,
//! render.yaml and railway start and build commands, and Kubernetes workloads' container
//! commands and ports.

use super::shell::{commands, is_program, last_program, launched};
use super::{Build, Deployed, Port, Run, Source, line_of};
use crate::evidence::Evidence;
use crate::repo::{Repo, join};
use serde_yaml_ng::Value;

/// Root files read, with their kind.
const FILES: &[(&str, Source)] = &[
    ("Procfile", Source::Procfile),
    (".goreleaser.yml", Source::Goreleaser),
    (".goreleaser.yaml", Source::Goreleaser),
    ("goreleaser.yml", Source::Goreleaser),
    ("goreleaser.yaml", Source::Goreleaser),
    ("fly.toml", Source::Fly),
    ("app.yaml", Source::AppYaml),
    ("render.yaml", Source::Render),
    ("railway.json", Source::Railway),
    ("railway.toml", Source::Railway),
];

/// Directories whose YAML files may be Kubernetes manifests, and how many files of each are
/// read at most.
const KUBERNETES_DIRS: &[&str] = &[
    "k8s",
    "kubernetes",
    "deploy",
    "deploy/k8s",
    "deployment",
    "manifests",
];
const KUBERNETES_FILES: usize = 12;

/// The platform descriptors present.
pub fn candidates(repo: &Repo) -> Vec<String> {
    let mut found: Vec<String> = FILES
        .iter()
        .filter(|(name, _)| repo.is_file(name))
        .map(|(name, _)| name.to_string())
        .collect();
    for dir in KUBERNETES_DIRS {
        let names = repo.list_dir(dir, |name, kind| {
            kind.is_file() && (name.ends_with(".yaml") || name.ends_with(".yml"))
        });
        found.extend(
            names
                .into_iter()
                .take(KUBERNETES_FILES)
                .map(|name| join(dir, &name)),
        );
    }
    found
}

/// Reads one platform descriptor into `deployed`; returns the Dockerfiles it names.
pub fn read(file: &str, text: &str, deployed: &mut Deployed) -> Vec<String> {
    let source = FILES
        .iter()
        .find(|(name, _)| *name == file)
        .map_or(Source::Kubernetes, |(_, source)| *source);
    match source {
        Source::Procfile => procfile(file, text, deployed),
        Source::Goreleaser => goreleaser(file, text, deployed),
        Source::Fly => return fly(file, text, deployed),
        Source::AppYaml => {
            if let Ok(document) = serde_yaml_ng::from_str::<Value>(text)
                && let Some(line) = document.get("entrypoint").and_then(Value::as_str)
            {
                push_run(
                    deployed,
                    line,
                    None,
                    source,
                    file,
                    line_of(text, 0, "entrypoint:"),
                );
            }
        }
        Source::Render => render(file, text, deployed),
        Source::Railway => railway(file, text, deployed),
        _ => kubernetes(file, text, deployed),
    }
    Vec::new()
}

/// A shell line run by a platform, as a [`Run`].
fn push_run(
    deployed: &mut Deployed,
    line: &str,
    role: Option<String>,
    source: Source,
    file: &str,
    at: Option<usize>,
) {
    let Some((mut env, argv)) = last_program(line) else {
        return;
    };
    let (more, argv) = launched(&argv);
    env.extend(more);
    if argv.first().is_none_or(|first| !is_program(first)) {
        return;
    }
    let detail = match &role {
        Some(role) => format!("process {role}"),
        None => "start command".to_string(),
    };
    deployed.runs.push(Run {
        argv,
        env,
        role,
        source,
        evidence: match at {
            Some(line) => Evidence::line(file, line, detail),
            None => Evidence::file(file, detail),
        },
    });
}

/// A shell line a platform builds with, as [`Build`]s.
fn push_builds(deployed: &mut Deployed, line: &str, source: Source, file: &str, at: Option<usize>) {
    for (env, argv) in commands(line) {
        deployed.builds.push(Build {
            argv,
            env: env.into(),
            source,
            evidence: match at {
                Some(line) => Evidence::line(file, line, "build command"),
                None => Evidence::file(file, "build command"),
            },
        });
    }
}

/// `process: command` lines.
fn procfile(file: &str, text: &str, deployed: &mut Deployed) {
    for (index, line) in text.lines().enumerate() {
        let Some((role, command)) = line.split_once(':') else {
            continue;
        };
        let role = role.trim();
        if role.is_empty()
            || role.starts_with('#')
            || !role
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            continue;
        }
        push_run(
            deployed,
            command.trim(),
            Some(role.to_string()),
            Source::Procfile,
            file,
            Some(index + 1),
        );
    }
}

/// `builds:` entries: `main` (default `.`), `binary`, `env`, `tags` and `-tags` flags, `dir`.
fn goreleaser(file: &str, text: &str, deployed: &mut Deployed) {
    let Some(document) = top_level_section(text, "builds")
        .and_then(|section| serde_yaml_ng::from_str::<Value>(section).ok())
        .or_else(|| serde_yaml_ng::from_str::<Value>(text).ok())
    else {
        return;
    };
    let Some(builds) = document.get("builds").and_then(Value::as_sequence) else {
        return;
    };
    let strings = |value: Option<&Value>| -> Vec<String> {
        value
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    for (index, build) in builds.iter().enumerate() {
        if build.get("skip").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let builder = build
            .get("builder")
            .and_then(Value::as_str)
            .unwrap_or("goreleaser");
        let main = build.get("main").and_then(Value::as_str).unwrap_or(".");
        let dir = build.get("dir").and_then(Value::as_str).unwrap_or("");
        let main = if dir.is_empty() {
            main.to_string()
        } else {
            format!("./{}", join(dir, main.trim_start_matches("./")))
        };
        let mut argv = vec![builder.to_string(), "build".to_string()];
        let mut tags = strings(build.get("tags"));
        for flag in strings(build.get("flags")) {
            if let Some(list) = flag
                .strip_prefix("-tags=")
                .or_else(|| flag.strip_prefix("--tags="))
            {
                tags.extend(list.split(',').map(str::to_string));
            }
        }
        if !tags.is_empty() {
            argv.extend(["-tags".to_string(), tags.join(",")]);
        }
        if let Some(binary) = build.get("binary").and_then(Value::as_str) {
            argv.extend(["-o".to_string(), binary.to_string()]);
        }
        argv.push(main);
        let env: Vec<(String, String)> = strings(build.get("env"))
            .iter()
            .filter_map(|w| super::shell::assignment(w))
            .collect();
        let at = nth_line(text, "main:", index).or_else(|| line_of(text, 0, "builds:"));
        deployed.builds.push(Build {
            argv,
            env: env.into(),
            source: Source::Goreleaser,
            evidence: match at {
                Some(line) => Evidence::line(file, line, "goreleaser build"),
                None => Evidence::file(file, "goreleaser build"),
            },
        });
    }
}

/// The lines of a one-document YAML text that hold its top-level `key` and its value: from the
/// line that starts with `key:` to the next line that starts another top-level key. Parsed
/// alone, it gives the value the whole document gives, in a fraction of the time, when it
/// parses: an alias to an anchor outside it fails, and the whole document is then read. `None`
/// when the key is not at the start of a line, or the text may hold several documents (a
/// document marker after content).
fn top_level_section<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let mut content = false;
    for line in text.lines() {
        if line.starts_with("...") || (content && line.starts_with("---")) {
            return None;
        }
        content |= starts_other_key(line) && !line.starts_with("---");
    }
    let mut start = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        match start {
            None if line
                .strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(':')) =>
            {
                start = Some(at);
            }
            Some(from) if starts_other_key(line) => return Some(&text[from..at]),
            _ => {}
        }
        at += line.len();
    }
    start.map(|from| &text[from..])
}

/// Whether a YAML line starts a top-level key: it begins with neither blank, comment nor
/// sequence entry.
fn starts_other_key(line: &str) -> bool {
    !matches!(
        line.as_bytes().first(),
        None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'#' | b'-')
    )
}

/// The 1-based line of the `n`th (0-based) line containing `needle`.
fn nth_line(text: &str, needle: &str, n: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.contains(needle))
        .nth(n)
        .map(|(index, _)| index + 1)
}

/// `[processes]`, `[experimental] cmd`, `internal_port`s and `[build] dockerfile`.
fn fly(file: &str, text: &str, deployed: &mut Deployed) -> Vec<String> {
    let Ok(document) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    if let Some(processes) = document.get("processes").and_then(toml::Value::as_table) {
        for (role, command) in processes {
            if let Some(line) = command.as_str() {
                push_run(
                    deployed,
                    line,
                    Some(role.clone()),
                    Source::Fly,
                    file,
                    line_of(text, 0, &format!("{role} ")),
                );
            }
        }
    }
    let cmd = document.get("experimental").and_then(|e| e.get("cmd"));
    if let Some(words) = cmd.and_then(toml::Value::as_array) {
        let argv: Vec<String> = words
            .iter()
            .filter_map(|w| w.as_str().map(str::to_string))
            .collect();
        push_run(
            deployed,
            &shlex::try_join(argv.iter().map(String::as_str)).unwrap_or_default(),
            None,
            Source::Fly,
            file,
            line_of(text, 0, "cmd"),
        );
    }
    let mut ports = Vec::new();
    if let Some(port) = document
        .get("http_service")
        .and_then(|s| s.get("internal_port"))
    {
        ports.push(port.clone());
    }
    for service in document
        .get("services")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(port) = service.get("internal_port") {
            ports.push(port.clone());
        }
    }
    for port in ports
        .iter()
        .filter_map(toml::Value::as_integer)
        .filter_map(|p| u16::try_from(p).ok())
    {
        deployed.ports.push(Port {
            port,
            source: Source::Fly,
            evidence: Evidence::line(
                file,
                line_of(text, 0, "internal_port").unwrap_or(1),
                format!("internal_port {port}"),
            ),
        });
    }
    document
        .get("build")
        .and_then(|b| b.get("dockerfile"))
        .and_then(toml::Value::as_str)
        .and_then(|path| crate::repo::path::normalize(path).ok())
        .into_iter()
        .collect()
}

/// render.yaml `services[]`: `startCommand`, `buildCommand`.
fn render(file: &str, text: &str, deployed: &mut Deployed) {
    let Ok(document) = serde_yaml_ng::from_str::<Value>(text) else {
        return;
    };
    for service in document
        .get("services")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
    {
        let role = service
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(line) = service.get("buildCommand").and_then(Value::as_str) {
            push_builds(
                deployed,
                line,
                Source::Render,
                file,
                line_of(text, 0, "buildCommand"),
            );
        }
        if let Some(line) = service.get("startCommand").and_then(Value::as_str) {
            push_run(
                deployed,
                line,
                role,
                Source::Render,
                file,
                line_of(text, 0, "startCommand"),
            );
        }
    }
}

/// railway.json / railway.toml: `deploy.startCommand`, `build.buildCommand`.
fn railway(file: &str, text: &str, deployed: &mut Deployed) {
    let document: Option<serde_json::Value> = if file.ends_with(".json") {
        serde_json::from_str(text).ok()
    } else {
        text.parse::<toml::Table>()
            .ok()
            .and_then(|t| serde_json::to_value(t).ok())
    };
    let Some(document) = document else {
        return;
    };
    if let Some(line) = document
        .pointer("/build/buildCommand")
        .and_then(serde_json::Value::as_str)
    {
        push_builds(
            deployed,
            line,
            Source::Railway,
            file,
            line_of(text, 0, "buildCommand"),
        );
    }
    if let Some(line) = document
        .pointer("/deploy/startCommand")
        .and_then(serde_json::Value::as_str)
    {
        push_run(
            deployed,
            line,
            None,
            Source::Railway,
            file,
            line_of(text, 0, "startCommand"),
        );
    }
}

/// Workloads' containers: `command` + `args`, and `ports[].containerPort`.
fn kubernetes(file: &str, text: &str, deployed: &mut Deployed) {
    if !text.contains("containers:") {
        return;
    }
    for document in serde_yaml_ng::Deserializer::from_str(text) {
        let Ok(document) = <Value as serde::Deserialize>::deserialize(document) else {
            return;
        };
        let spec = document.get("spec").and_then(|s| {
            s.get("template")
                .or(s.get("jobTemplate"))
                .and_then(|t| t.get("spec"))
                .or(Some(s))
        });
        let containers = spec
            .and_then(|s| s.get("containers"))
            .and_then(Value::as_sequence);
        for container in containers.into_iter().flatten() {
            let role = container
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string);
            let mut argv = super::compose::command(container.get("command"));
            argv.extend(super::compose::command(container.get("args")));
            if !argv.is_empty() {
                let (env, argv) = launched(&argv);
                if argv.first().is_some_and(|first| is_program(first)) {
                    deployed.runs.push(Run {
                        argv,
                        env,
                        role: role.clone(),
                        source: Source::Kubernetes,
                        evidence: Evidence::line(
                            file,
                            line_of(text, 0, "command:")
                                .or_else(|| line_of(text, 0, "args:"))
                                .unwrap_or(1),
                            "container command",
                        ),
                    });
                }
            }
            for port in container
                .get("ports")
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
            {
                if let Some(port) = port
                    .get("containerPort")
                    .and_then(Value::as_u64)
                    .and_then(|p| u16::try_from(p).ok())
                {
                    deployed.ports.push(Port {
                        port,
                        source: Source::Kubernetes,
                        evidence: Evidence::line(
                            file,
                            line_of(text, 0, "containerPort").unwrap_or(1),
                            format!("containerPort {port}"),
                        ),
                    });
                }
            }
        }
    }
}
