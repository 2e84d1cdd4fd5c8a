//! Spring Boot's own configuration files (`src/main/resources/application*.properties` and
//! `.yml`): the interface the server binds and the context path its endpoints live under.

use crate::evidence::Evidence;
use crate::facts::{self, DetectError};
use crate::repo::{self, Repo};
use serde::Serialize;

/// The files Spring Boot reads by default come first, then the profile files
/// (`application-NAME.*`, also what `@PropertySource` names), by name.
const BASE_NAMES: &[&str] = &[
    "application.properties",
    "application.yml",
    "application.yaml",
];

/// What a module's Spring configuration says about where the server listens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Spring {
    /// `server.address` bound to a loopback address (literally or as a placeholder's default):
    /// nothing outside the container could reach the server.
    pub loopback: Option<Evidence>,
    /// `server.servlet.context-path`, the prefix of every endpoint (actuator's included).
    pub context_path: Option<(String, Evidence)>,
}

/// Reads the Spring configuration files of the module in `dir`.
pub fn read(repo: &Repo, dir: &str) -> Result<Spring, DetectError> {
    let resources = repo::join(dir, "src/main/resources");
    let mut profiles: Vec<String> = repo.list_dir(&resources, |name, kind| {
        kind.is_file()
            && name.starts_with("application-")
            && [".properties", ".yml", ".yaml"]
                .iter()
                .any(|ext| name.ends_with(ext))
    });
    profiles.sort();
    let names = BASE_NAMES
        .iter()
        .map(|name| name.to_string())
        .chain(profiles);
    let mut spring = Spring::default();
    for name in names {
        let file = repo::join(&resources, &name);
        let Some(text) = repo.text(&file, repo::MANIFEST_CAP)? else {
            continue;
        };
        for (key, value, line) in entries(&text, name.ends_with(".properties")) {
            let value = resolved(value);
            match key.as_str() {
                "server.address" if spring.loopback.is_none() && facts::is_loopback(value) => {
                    spring.loopback = Some(Evidence::line(
                        file.clone(),
                        line,
                        format!("server.address {value}"),
                    ));
                }
                "server.servlet.context-path" if spring.context_path.is_none() => {
                    if let Some(path) = context_path(value) {
                        spring.context_path = Some((
                            path.to_string(),
                            Evidence::line(file.clone(), line, format!("context path {path}")),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    Ok(spring)
}

/// (dotted key, raw value, line) of each entry: `key=value` lines of a properties file, or the
/// keys of a YAML file, nested blocks joined with dots (`server:` then `  address: x`).
fn entries(text: &str, properties: bool) -> Vec<(String, &str, usize)> {
    let mut found = Vec::new();
    let mut parents: Vec<(usize, String)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('!') {
            continue;
        }
        if properties {
            if let Some((key, value)) = trimmed.split_once(['=', ':']) {
                found.push((key.trim().to_string(), value.trim(), index + 1));
            }
            continue;
        }
        if trimmed == "---" {
            parents.clear();
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let Some((key, value)) = trimmed.split_once(':') else {
            continue;
        };
        parents.retain(|(depth, _)| *depth < indent);
        let mut dotted: Vec<&str> = parents.iter().map(|(_, key)| key.as_str()).collect();
        dotted.push(key.trim());
        let dotted = dotted.join(".");
        let value = value.split(" #").next().unwrap_or("").trim();
        if value.is_empty() {
            parents.push((indent, key.trim().to_string()));
        } else {
            found.push((dotted, value.trim_matches(['"', '\'']), index + 1));
        }
    }
    found
}

/// The value a placeholder falls back to (`${WEBGOAT_HOST:127.0.0.1}` -> `127.0.0.1`), or the
/// value itself.
fn resolved(value: &str) -> &str {
    match value
        .strip_prefix("${")
        .and_then(|inner| inner.strip_suffix('}'))
    {
        Some(inner) => inner.split_once(':').map(|(_, fallback)| fallback).unwrap_or(""),
        None => value,
    }
}

/// A context path that can stand in a health check's URL as it is: `/` and a plain path.
fn context_path(value: &str) -> Option<&str> {
    let path = value.trim_end_matches('/');
    (path.starts_with('/')
        && path.len() > 1
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-._~".contains(c)))
    .then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_and_placeholder_defaults() {
        let text = "server.servlet.context-path=${WEBGOAT_CONTEXT:/WebGoat}\nserver.address=${WEBGOAT_HOST:127.0.0.1}\n";
        let entries = entries(text, true);
        assert_eq!(resolved(entries[0].1), "/WebGoat");
        assert_eq!(resolved(entries[1].1), "127.0.0.1");
        assert!(facts::is_loopback(resolved(entries[1].1)));
        assert_eq!(resolved("${webwolf.host}"), "");
        assert!(!facts::is_loopback(""));
    }

    #[test]
    fn yaml_keys_are_joined() {
        let text = "spring:\n  application:\n    name: x\nserver:\n  address: localhost # local only\n  servlet:\n    context-path: \"/api\"\n";
        let keys: Vec<(String, &str)> = entries(text, false)
            .into_iter()
            .map(|(k, v, _)| (k, v))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("spring.application.name".to_string(), "x"),
                ("server.address".to_string(), "localhost"),
                ("server.servlet.context-path".to_string(), "/api"),
            ]
        );
    }

    #[test]
    fn context_paths_are_plain() {
        assert_eq!(context_path("/WebGoat/"), Some("/WebGoat"));
        assert_eq!(context_path("/"), None);
        assert_eq!(context_path("/a b"), None);
        assert_eq!(context_path("/a\"]"), None);
    }
}
