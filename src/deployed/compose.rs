//! Compose files: each service's `command` (with its `entrypoint`), its published ports'
//! container side, and the Dockerfile its `build` names.

use super::shell::{launched, words};
use super::{Deployed, Port, Run, Source, line_of};
use crate::evidence::Evidence;
use crate::repo::{Repo, join};
use serde_yaml_ng::Value;

/// Directories (besides the root) where repositories keep compose files.
const DIRS: &[&str] = &["docker", "deploy", "deployment"];

/// The compose files of the project: `compose.yaml`, `docker-compose.yml`, and variants such
/// as `docker-compose.prod.yml`, the plain names first.
pub fn candidates(repo: &Repo) -> Vec<String> {
    let mut found = Vec::new();
    for dir in std::iter::once("").chain(DIRS.iter().copied()) {
        let mut names = repo.list_dir(if dir.is_empty() { "." } else { dir }, |name, kind| {
            let lower = name.to_ascii_lowercase();
            kind.is_file()
                && (lower.starts_with("compose") || lower.starts_with("docker-compose"))
                && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
        });
        names.sort_by_key(|name| name.len());
        found.extend(names.into_iter().map(|name| join(dir, &name)));
    }
    found
}

/// A compose file's text as YAML; `None` when it is not YAML.
pub fn parse(text: &str) -> Option<Value> {
    serde_yaml_ng::from_str::<Value>(text).ok()
}

/// Reads one compose file (its text and [`parse`] of it) into `deployed`; returns the
/// Dockerfiles its services build.
pub fn read(
    file: &str,
    text: &str,
    document: Option<Value>,
    deployed: &mut Deployed,
) -> Vec<String> {
    let Some(document) = document else {
        return Vec::new();
    };
    let Some(services) = document.get("services").and_then(Value::as_mapping) else {
        return Vec::new();
    };
    let dir = file.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut dockerfiles = Vec::new();
    for (name, service) in services {
        let Some(name) = name.as_str() else { continue };
        if service.get("image").is_some() && service.get("build").is_none() {
            continue;
        }
        let at = line_of(text, 0, &format!("{name}:")).unwrap_or(1);
        if let Some(build) = service.get("build") {
            let (context, dockerfile) = match build {
                Value::String(context) => (context.as_str(), "Dockerfile"),
                _ => (
                    build.get("context").and_then(Value::as_str).unwrap_or("."),
                    build
                        .get("dockerfile")
                        .and_then(Value::as_str)
                        .unwrap_or("Dockerfile"),
                ),
            };
            if let Ok(path) = crate::repo::path::normalize(&join(&join(dir, context), dockerfile)) {
                dockerfiles.push(path);
            }
        }
        let mut argv = command(service.get("entrypoint"));
        argv.extend(command(service.get("command")));
        if !argv.is_empty() {
            let (env, argv) = launched(&argv);
            if argv
                .first()
                .is_some_and(|first| super::shell::is_program(first))
            {
                let line = line_of(text, at - 1, "command:")
                    .or_else(|| line_of(text, at - 1, "entrypoint:"))
                    .unwrap_or(at);
                deployed.runs.push(Run {
                    argv,
                    env,
                    role: Some(name.to_string()),
                    source: Source::Compose,
                    evidence: Evidence::line(file, line, format!("service {name}: command")),
                });
            }
        }
        for port in service
            .get("ports")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            let target = match port {
                Value::Mapping(_) => port
                    .get("target")
                    .and_then(Value::as_u64)
                    .map(|p| p.to_string()),
                Value::Number(number) => Some(number.to_string()),
                Value::String(text) => text
                    .split('/')
                    .next()
                    .and_then(|p| p.rsplit(':').next())
                    .map(str::to_string),
                _ => None,
            };
            if let Some(port) = target.and_then(|p| p.parse::<u16>().ok()) {
                let line = line_of(text, at - 1, &port.to_string()).unwrap_or(at);
                deployed.ports.push(Port {
                    port,
                    source: Source::Compose,
                    evidence: Evidence::line(file, line, format!("service {name}: port {port}")),
                });
            }
        }
    }
    dockerfiles
}

/// A `command`/`entrypoint`/`args` value as words: a list, or a string split like a shell line.
pub(super) fn command(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(line)) => words(line).unwrap_or_default(),
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(word) => Some(word.clone()),
                Value::Number(number) => Some(number.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}
