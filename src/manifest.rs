//! Reading manifests shared by every stack: TOML and JSON parsed into errors that name the
//! file and line, the line a key sits on, and workspace member patterns expanded into
//! directories without following links or leaving the project.

use crate::evidence::Evidence;
use crate::facts::{self, DetectError};
pub use crate::lines::{key_line, line_of};
use crate::repo::{self, Repo};
use globset::GlobBuilder;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use toml::Table;

/// What a manifest says of the project itself, for the image's OCI labels: its version and its
/// licence (an SPDX expression), each with the line it was read from. Only plain strings count;
/// whether they are safe to write into a Dockerfile is decided by the plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct About {
    pub version: Option<(String, Evidence)>,
    pub licenses: Option<(String, Evidence)>,
}

impl About {
    /// `version` and `license` of a manifest whose text is `text`, given as strings.
    pub fn new(file: &str, text: &str, version: Option<&str>, license: Option<&str>) -> About {
        let read = |key: &str, value: Option<&str>| {
            value.filter(|value| !value.trim().is_empty()).map(|value| {
                (
                    value.to_string(),
                    Evidence::line(
                        file,
                        key_line(text, key).unwrap_or(1),
                        format!("{key} {}", crate::shown::line(value)),
                    ),
                )
            })
        };
        About {
            version: read("version", version),
            licenses: read("license", license),
        }
    }

    /// The top-level `version` and `license` strings of a JSON manifest (package.json,
    /// composer.json; a list of licences is read as a choice among them).
    pub fn from_json(file: &str, text: &str, json: &serde_json::Value) -> About {
        let license = match json.get("license") {
            Some(serde_json::Value::String(license)) => Some(license.clone()),
            Some(serde_json::Value::Array(items)) => {
                let names: Vec<&str> = items.iter().filter_map(|item| item.as_str()).collect();
                (!names.is_empty() && names.len() == items.len()).then(|| names.join(" OR "))
            }
            _ => None,
        };
        About::new(
            file,
            text,
            json.get("version").and_then(|v| v.as_str()),
            license.as_deref(),
        )
    }

    /// The `version` and `license` strings of a TOML table (`[project]`, `[tool.poetry]`).
    pub fn from_table(file: &str, text: &str, table: Option<&Table>) -> About {
        let get = |key: &str| table.and_then(|t| t.get(key)).and_then(|v| v.as_str());
        About::new(file, text, get("version"), get("license"))
    }
}

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

/// Deepest nesting of YAML flow collections (`[`, `{`) or block indentation levels accepted.
const YAML_DEPTH: usize = 64;

/// Parses YAML, turning an error into one that names the file and line. Nesting deeper than
/// `YAML_DEPTH` is refused by a linear scan first (the YAML parser's time grows much faster
/// than the input with deep flow nesting); alias expansion is bounded by the parser itself.
pub fn parse_yaml(file: &str, text: &str) -> Result<serde_yaml_ng::Value, DetectError> {
    if let Some(line) = yaml_too_deep(text) {
        return Err(DetectError::Broken {
            file: file.to_string(),
            line: Some(line),
            cause: format!("YAML nested deeper than {YAML_DEPTH} levels; refusing to parse it"),
        });
    }
    serde_yaml_ng::from_str(text).map_err(|err| DetectError::Broken {
        file: file.to_string(),
        line: err.location().map(|l| l.line()),
        cause: format!("invalid YAML: {err}"),
    })
}

/// The line where YAML nesting first exceeds [`YAML_DEPTH`]: flow brackets outside quotes and
/// comments, or block indentation.
fn yaml_too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (index, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches([' ', '-']).len();
        if quote.is_none() && depth == 0 && indent / 2 > YAML_DEPTH {
            return Some(index + 1);
        }
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > YAML_DEPTH {
                        return Some(index + 1);
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if quote == Some('\'') && depth == 0 {
            quote = None;
        }
    }
    None
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

/// Longest workspace member pattern read, and most directories one pattern may give.
const PATTERN_CAP: usize = 256;
const MEMBERS_CAP: usize = 1000;

/// Expands a member pattern (`crates/*`, `tools/cli`) read from `file` at `line` into existing
/// directories, sorted. A pattern that leaves the project is refused naming the file and line;
/// wildcards are matched by globset (linear time, one segment at a time, never across `/`).
pub fn expand(
    repo: &Repo,
    file: &str,
    line: Option<usize>,
    pattern: &str,
) -> Result<Vec<String>, DetectError> {
    let broken = |cause: String| DetectError::Broken {
        file: file.to_string(),
        line,
        cause,
    };
    if pattern.len() > PATTERN_CAP {
        return Err(broken(format!(
            "workspace member pattern is longer than {PATTERN_CAP} characters"
        )));
    }
    let normal = facts::inside(file, line, "workspace member pattern", "", pattern)?;
    let mut dirs = vec![String::new()];
    for segment in normal.split('/').filter(|s| !s.is_empty()) {
        let mut next = Vec::new();
        if let Some((prefix, suffix)) = one_star(segment) {
            for dir in &dirs {
                next.extend(
                    repo.list_dir(dir, |name, kind| {
                        kind.is_dir() && star_fits(prefix, suffix, name)
                    })
                    .into_iter()
                    .map(|name| repo::join(dir, &name)),
                );
            }
        } else if segment.contains(['*', '?', '[', '{', '\\']) {
            let glob = GlobBuilder::new(segment)
                .literal_separator(true)
                .build()
                .map_err(|err| {
                    broken(format!(
                        "workspace member pattern {pattern:?} is not a glob: {}",
                        err.kind()
                    ))
                })?
                .compile_matcher();
            for dir in &dirs {
                next.extend(
                    repo.list_dir(dir, |name, kind| kind.is_dir() && glob.is_match(name))
                        .into_iter()
                        .map(|name| repo::join(dir, &name)),
                );
            }
        } else {
            next.extend(dirs.iter().map(|dir| repo::join(dir, segment)));
        }
        if next.len() > MEMBERS_CAP {
            return Err(broken(format!(
                "workspace member pattern {pattern:?} matches more than {MEMBERS_CAP} directories"
            )));
        }
        dirs = next;
    }
    dirs.retain(|dir| !dir.is_empty() || normal.is_empty());
    Ok(dirs)
}

/// The text before and after the only wildcard of a segment like `*`, `svc-*` or `*-api`, which
/// is matched without building a glob; `None` for anything else.
fn one_star(segment: &str) -> Option<(&str, &str)> {
    let (prefix, suffix) = segment.split_once('*')?;
    let plain = |part: &str| !part.contains(['*', '?', '[', ']', '{', '}', '\\']);
    (plain(prefix) && plain(suffix)).then_some((prefix, suffix))
}

/// Whether `name` matches the one-wildcard segment `prefix*suffix`.
fn star_fits(prefix: &str, suffix: &str, name: &str) -> bool {
    name.len() >= prefix.len() + suffix.len() && name.starts_with(prefix) && name.ends_with(suffix)
}

/// A value read from JSON by its shape: an object, a list or a string gives what the type reads
/// of it, and any other value is skipped and gives the default. [`shaped`] reads one; every
/// value goes through `deserialize_any`, so serde_json's nesting limit holds as it does for a
/// document (which serde's `IgnoredAny` would not keep).
pub trait Shaped<'de>: Default {
    /// The value an object gives; by default it is skipped.
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        skip_map(map).map(|()| Self::default())
    }
    /// The value a list gives; by default it is skipped.
    fn from_seq<A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        skip_seq(seq).map(|()| Self::default())
    }
    /// The value a string gives; by default nothing.
    fn from_text(_: &str) -> Self {
        Self::default()
    }
}

/// Deserializes a [`Shaped`] value.
pub fn shaped<'de, T: Shaped<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    struct ShapeVisitor<T>(std::marker::PhantomData<T>);
    impl<'de, T: Shaped<'de>> Visitor<'de> for ShapeVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("any value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<T, E> {
            Ok(T::default())
        }
        fn visit_i64<E>(self, _: i64) -> Result<T, E> {
            Ok(T::default())
        }
        fn visit_u64<E>(self, _: u64) -> Result<T, E> {
            Ok(T::default())
        }
        fn visit_f64<E>(self, _: f64) -> Result<T, E> {
            Ok(T::default())
        }
        fn visit_unit<E>(self) -> Result<T, E> {
            Ok(T::default())
        }
        fn visit_str<E>(self, text: &str) -> Result<T, E> {
            Ok(T::from_text(text))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
            T::from_seq(seq)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_map(map)
        }
    }
    deserializer.deserialize_any(ShapeVisitor(std::marker::PhantomData))
}

/// Implements `Deserialize` for [`Shaped`] types, through [`shaped`] (a blanket implementation
/// over a foreign trait is not allowed).
macro_rules! deserialize_shaped {
    ($($ty:ty),*) => {$(
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                $crate::manifest::shaped(deserializer)
            }
        }
    )*};
}

pub(crate) use deserialize_shaped;

/// Any JSON value, skipped without keeping any of it.
#[derive(Default)]
pub struct Skip;

impl Shaped<'_> for Skip {}

deserialize_shaped!(Skip);

/// Skips every element of a list.
pub fn skip_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<Skip>()?.is_some() {}
    Ok(())
}

/// Skips every entry of an object.
pub fn skip_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<Skip, Skip>()?.is_some() {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_yaml_is_refused_quickly() {
        let deep = format!("packages: {}{}\n", "[".repeat(500_000), "]".repeat(500_000));
        let started = std::time::Instant::now();
        let err = parse_yaml("pnpm-workspace.yaml", &deep)
            .unwrap_err()
            .to_string();
        assert!(err.contains("nested deeper than 64 levels"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_millis(500));
        assert!(parse_yaml("x.yaml", "packages:\n  - 'apps/*'\n  - \"[x\"\n").is_ok());
    }

    #[test]
    fn member_patterns() {
        let dir = tempfile::tempdir().unwrap();
        for member in ["crates/svc-api", "crates/lib", "tools/cli"] {
            std::fs::create_dir_all(dir.path().join(member)).unwrap();
        }
        let repo = Repo::new(dir.path());
        let expand = |pattern| expand(&repo, "Cargo.toml", Some(3), pattern);
        assert_eq!(expand("crates/svc-*").unwrap(), ["crates/svc-api"]);
        assert_eq!(
            expand("crates/*").unwrap(),
            ["crates/lib", "crates/svc-api"]
        );
        assert_eq!(expand("crates/*-api").unwrap(), ["crates/svc-api"]);
        assert_eq!(expand("crates/l*b").unwrap(), ["crates/lib"]);
        assert_eq!(expand("crates/lib*lib").unwrap(), Vec::<String>::new());
        assert_eq!(expand("./tools/cli").unwrap(), ["tools/cli"]);
        let refused = expand("../*").unwrap_err().to_string();
        assert!(
            refused.starts_with("Cargo.toml:3: workspace member pattern"),
            "{refused}"
        );
        assert!(expand("/etc/*").is_err());
        let started = std::time::Instant::now();
        let hostile = format!("crates/{}b", "*a".repeat(100));
        assert!(expand(&hostile).unwrap().is_empty());
        assert!(started.elapsed() < std::time::Duration::from_millis(500));
    }

    #[test]
    fn one_wildcard_matches_as_globset_does() {
        let names = [
            "", "a", "ab", "aab", "api", "svc-api", ".hidden", "lib", "libb", "b",
        ];
        for pattern in [
            "*", "a*", "*b", "a*b", "ab*ab", ".*", "svc-*", "*-api", "lib*",
        ] {
            let (prefix, suffix) = one_star(pattern).unwrap();
            let glob = GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .unwrap()
                .compile_matcher();
            for name in names {
                assert_eq!(
                    star_fits(prefix, suffix, name),
                    glob.is_match(name),
                    "{pattern} on {name:?}"
                );
            }
        }
        for other in ["a*b*", "a?", "[ab]*", "{a,b}*", "a\\*", "plain"] {
            assert_eq!(one_star(other), None, "{other}");
        }
    }

    #[test]
    fn key_lines() {
        let text = "[project]\nname = \"x\"\nrequires-python = \">=3.11\"\n";
        assert_eq!(key_line(text, "requires-python"), Some(3));
        assert_eq!(key_line("{\n  \"main\": \"a.js\"\n}", "main"), Some(2));
        assert_eq!(key_line(text, "version"), None);
    }
}
