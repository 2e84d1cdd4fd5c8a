//! Detection: what each stack found in a repository (found / broken / absent, never a bare bool),
//! the facts with their evidence, and the bounded, capped file reading every stack uses.
//! What a stack looks for lives in `stacks/<name>`; this module owns the shared vocabulary.

use crate::evidence::Evidence;
use crate::settings::Settings;
use crate::stack::Stack;
use crate::stacks::{self, Facts};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Largest manifest shiplight reads; larger files are refused, not truncated.
pub const MANIFEST_CAP: u64 = 1 << 20;
/// Largest lock file shiplight reads.
pub const LOCK_CAP: u64 = 16 << 20;
/// Largest source file read while looking for `import "C"` or a port.
pub const SOURCE_CAP: u64 = 1 << 20;

/// Why detection stopped, or why its result cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
pub enum DetectError {
    #[error(
        "no supported project found in {root}: looked for {}. Run shiplight in the project's root, or pass its path",
        looked_for.join("; ")
    )]
    NothingFound {
        root: String,
        looked_for: Vec<String>,
    },
    #[error("{}: {cause}", location(file, *line))]
    Broken {
        file: String,
        line: Option<usize>,
        cause: String,
    },
    #[error(
        "found several {what}: {}. Choose one with {}",
        candidates.join(", "),
        crate::config::ways(flag.trim_start_matches("--"))
    )]
    Several {
        what: String,
        candidates: Vec<String>,
        flag: String,
    },
    #[error("{flag} {value}: no such {what}; found: {}", list_or_none(candidates))]
    NoSuchCandidate {
        what: String,
        flag: String,
        value: String,
        candidates: Vec<String>,
    },
    #[error(
        "{}: {field} {value:?} cannot be used in a Dockerfile: {allowed}",
        location(file, *line)
    )]
    Unsafe {
        file: String,
        line: Option<usize>,
        field: String,
        value: String,
        allowed: String,
    },
}

impl DetectError {
    /// A value given in the settings (a flag) that cannot be used: names the setting.
    pub fn setting(field: &str, value: &str, allowed: impl Into<String>) -> DetectError {
        DetectError::Unsafe {
            file: "settings".to_string(),
            line: None,
            field: field.to_string(),
            value: value.to_string(),
            allowed: allowed.into(),
        }
    }

    /// The same error pointing at `line` of its file, when it names no line yet.
    pub fn at_line(self, at: Option<usize>) -> DetectError {
        match self {
            DetectError::Unsafe {
                file,
                line: None,
                field,
                value,
                allowed,
            } => DetectError::Unsafe {
                file,
                line: at,
                field,
                value,
                allowed,
            },
            DetectError::Broken {
                file,
                line: None,
                cause,
            } => DetectError::Broken {
                file,
                line: at,
                cause,
            },
            other => other,
        }
    }
}

/// `file:line`, or `file` when there is no line.
pub fn location(file: &str, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{file}:{line}"),
        None => file.to_string(),
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// What one stack's detector concluded.
#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Detection {
    /// The stack's manifest is there and was understood.
    Found { facts: Box<Facts> },
    /// The stack's manifest is there but cannot be used.
    Broken { error: DetectError },
    /// Nothing of this stack: what was looked for.
    Absent { looked_for: String },
}

/// One stack's detection result.
#[derive(Debug, Serialize)]
pub struct Report {
    pub stack: Stack,
    #[serde(flatten)]
    pub detection: Detection,
}

/// One fact for display: a name, its value, and where it was read.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub name: String,
    pub value: String,
    pub evidence: Vec<Evidence>,
}

impl Fact {
    /// A fact with one piece of evidence.
    pub fn new(name: &str, value: impl Into<String>, evidence: Evidence) -> Fact {
        Fact {
            name: name.to_string(),
            value: value.into(),
            evidence: vec![evidence],
        }
    }
}

/// Named yes/no observations the decision tree asks about, each with its evidence.
/// A signal that is present is true.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Signals(BTreeMap<&'static str, Vec<Evidence>>);

impl Signals {
    /// Records a signal with its evidence (several calls add evidence).
    pub fn add(&mut self, name: &'static str, evidence: impl IntoIterator<Item = Evidence>) {
        let evidence: Vec<Evidence> = evidence.into_iter().collect();
        if !evidence.is_empty() {
            self.0.entry(name).or_default().extend(evidence);
        }
    }

    /// The evidence for a signal, if it is present.
    pub fn get(&self, name: &str) -> Option<&[Evidence]> {
        self.0.get(name).map(Vec::as_slice)
    }
}

/// Runs every stack's detector on `root`.
pub fn detect_all(root: &Path) -> Vec<Report> {
    Stack::ALL
        .iter()
        .map(|&stack| Report {
            stack,
            detection: stacks::detect(stack, root),
        })
        .collect()
}

/// Picks the one stack to generate for: the one the settings name, or the only one found.
/// Several found without a choice is a question for the user, not an accident of order.
pub fn choose(
    reports: Vec<Report>,
    root: &Path,
    settings: &Settings,
) -> Result<Facts, DetectError> {
    let mut found = Vec::new();
    let mut broken = Vec::new();
    let mut looked_for = Vec::new();
    for report in reports {
        if settings.stack.is_some_and(|wanted| wanted != report.stack) {
            continue;
        }
        match report.detection {
            Detection::Found { facts } => found.push(*facts),
            Detection::Broken { error } => broken.push(error),
            Detection::Absent { looked_for: what } => {
                looked_for.push(format!("{what} ({})", report.stack.title()))
            }
        }
    }
    if let Some(error) = broken.into_iter().next() {
        return Err(error);
    }
    match found.len() {
        0 => Err(DetectError::NothingFound {
            root: root.display().to_string(),
            looked_for,
        }),
        1 => Ok(found.pop().expect("one element")),
        _ => Err(DetectError::Several {
            what: "stacks".to_string(),
            candidates: found.iter().map(|f| f.stack().name().to_string()).collect(),
            flag: "--stack".to_string(),
        }),
    }
}

/// Reads `root/rel` as UTF-8 text of at most `cap` bytes. `Ok(None)` when the file does not
/// exist; an error naming the file when it is unreadable, too large, or not text.
pub fn read_text(root: &Path, rel: &str, cap: u64) -> Result<Option<String>, DetectError> {
    let path = root.join(rel);
    let broken = |cause: String| DetectError::Broken {
        file: rel.to_string(),
        line: None,
        cause,
    };
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(broken(format!("cannot read it: {err}"))),
    };
    if meta.file_type().is_symlink() {
        return Err(broken(
            "is a symbolic link; shiplight reads only regular files inside the project".to_string(),
        ));
    }
    if !meta.is_file() {
        return Err(broken("is not a regular file".to_string()));
    }
    let file =
        std::fs::File::open(&path).map_err(|err| broken(format!("cannot read it: {err}")))?;
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| broken(format!("cannot read it: {err}")))?;
    if bytes.len() as u64 > cap {
        return Err(broken(format!(
            "is larger than {} KiB, more than any real manifest; refusing to read it",
            cap / 1024
        )));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| broken("is not UTF-8 text".to_string()))
}

/// Whether anything (file, directory or link) is at `root/rel`.
pub fn exists(root: &Path, rel: &str) -> bool {
    std::fs::symlink_metadata(root.join(rel)).is_ok()
}

/// Whether `root/rel` exists as a regular file (a symbolic link does not count).
pub fn is_file(root: &Path, rel: &str) -> bool {
    std::fs::symlink_metadata(root.join(rel)).is_ok_and(|meta| meta.is_file())
}

/// Names of the entries of directory `root/rel` that satisfy `keep`, sorted; empty when the
/// directory does not exist. Names that are not UTF-8 are skipped.
pub fn list_dir(
    root: &Path,
    rel: &str,
    keep: impl Fn(&str, &std::fs::FileType) -> bool,
) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let kind = entry.file_type().ok()?;
            let name = entry.file_name().into_string().ok()?;
            keep(&name, &kind).then_some(name)
        })
        .collect();
    names.sort();
    names
}

/// Joins a relative directory and a name with `/`, treating `""` and `"."` as the root.
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() || dir == "." {
        name.to_string()
    } else {
        format!("{}/{}", dir.trim_end_matches('/'), name)
    }
}

/// A port from a listen-address string literal on the line: `":8080"`, `"0.0.0.0:8080"`.
pub fn listen_port(line: &str) -> Option<u16> {
    let mut rest = line;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let end = after.find('"')?;
        let literal = &after[..end];
        if let Some((host, port)) = literal.rsplit_once(':') {
            let host_ok = host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '[' || c == ']');
            if host_ok
                && (2..=5).contains(&port.len())
                && port.chars().all(|c| c.is_ascii_digit())
                && let Ok(port) = port.parse::<u16>()
                && port > 0
            {
                return Some(port);
            }
        }
        rest = &after[end + 1..];
    }
    None
}

/// The first port number after one of `words` (matched case-insensitively) on a line, with the
/// line number: `port=8080`, `PORT || 3000`, `listen(8080)`. Numbers below 80 are not ports.
pub fn port_after_word(text: &str, words: &[&str]) -> Option<(u16, usize)> {
    text.lines().enumerate().find_map(|(index, line)| {
        let lower = line.to_ascii_lowercase();
        let at = words.iter().find_map(|word| lower.find(word))?;
        let digits: String = line[at..]
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        let port: u16 = digits.parse().ok()?;
        (digits.len() >= 2 && port >= 80).then_some((port, index + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        assert_eq!(listen_port("addr := \":9090\""), Some(9090));
        assert_eq!(listen_port("\"0.0.0.0:3000\""), Some(3000));
        assert_eq!(listen_port("fmt.Println(\"a:b\")"), None);
        assert_eq!(listen_port("\"http://x:99999\""), None);
    }
}
