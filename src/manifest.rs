//! Reading manifests shared by every stack: TOML and JSON parsed into errors that name the
//! file and line, the line a key sits on, and workspace member patterns expanded into
//! directories without following links or leaving the project.

use crate::detect::DetectError;
use crate::repo::{self, Repo};
use toml::Table;

/// Parses TOML, turning an error into one that names the file and line.
pub fn parse_toml(file: &str, text: &str) -> Result<Table, DetectError> {
    text.parse::<Table>().map_err(|err| DetectError::Broken {
        file: file.to_string(),
        line: err
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1),
        cause: format!("invalid TOML: {}", err.message()),
    })
}

/// Parses JSON, turning an error into one that names the file and line.
pub fn parse_json(file: &str, text: &str) -> Result<serde_json::Value, DetectError> {
    serde_json::from_str(text).map_err(|err| DetectError::Broken {
        file: file.to_string(),
        line: Some(err.line()),
        cause: format!("invalid JSON: {err}"),
    })
}

/// The 1-based number of the first line for which `matches` holds.
pub fn line_of(text: &str, matches: impl Fn(&str) -> bool) -> Option<usize> {
    text.lines().position(matches).map(|i| i + 1)
}

/// The first line that is neither blank nor a `#` comment, trimmed, with its 1-based number
/// (version files such as .nvmrc, .node-version and .python-version).
pub fn first_value_line(text: &str) -> Option<(usize, &str)> {
    text.lines()
        .map(str::trim)
        .enumerate()
        .find(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(index, line)| (index + 1, line))
}

/// The line of the first `key =` or `"key":` assignment in a TOML or JSON text.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    line_of(text, |line| {
        let line = line.trim_start();
        let rest = line
            .strip_prefix(key)
            .or_else(|| line.strip_prefix(&format!("\"{key}\"")));
        rest.is_some_and(|rest| {
            let rest = rest.trim_start();
            rest.starts_with('=') || rest.starts_with(':')
        })
    })
}

/// Expands a member pattern (`crates/*`, `tools/cli`) into existing directories, sorted.
pub fn expand(repo: &Repo, pattern: &str) -> Vec<String> {
    let mut dirs = vec![String::new()];
    for segment in pattern.split('/').filter(|s| !s.is_empty() && *s != ".") {
        let mut next = Vec::new();
        for dir in &dirs {
            if segment.contains(['*', '?', '[']) {
                next.extend(
                    repo.list_dir(dir, |name, kind| kind.is_dir() && wildcard(segment, name))
                        .into_iter()
                        .map(|name| repo::join(dir, &name)),
                );
            } else if segment != ".." {
                next.push(repo::join(dir, segment));
            }
        }
        dirs = next;
    }
    dirs.retain(|dir| !dir.is_empty() || pattern.trim_matches(['.', '/']).is_empty());
    dirs
}

/// Matches a name against a glob segment with `*` and `?`.
pub fn wildcard(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    p.len() <= 64 && n.len() <= 255 && go(&p, &n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard("*", "api"));
        assert!(wildcard("svc-*", "svc-api"));
        assert!(!wildcard("svc-*", "lib"));
        assert!(wildcard("a?c", "abc"));
    }

    #[test]
    fn key_lines() {
        let text = "[project]\nname = \"x\"\nrequires-python = \">=3.11\"\n";
        assert_eq!(key_line(text, "requires-python"), Some(3));
        assert_eq!(key_line("{\n  \"main\": \"a.js\"\n}", "main"), Some(2));
        assert_eq!(key_line(text, "version"), None);
    }
}
