//! Detection: what each stack found in a repository (found / broken / absent, never a bare bool),
//! the facts with their evidence. Files are read through [`crate::repo`].
//! What a stack looks for lives in `stacks/<name>`; this module owns the shared vocabulary.

use crate::decide::Step;
use crate::evidence::Evidence;
use crate::repo::{Repo, RepoError};
use crate::settings::Settings;
use crate::shown;
use crate::stack::Stack;
use crate::stacks::{self, Facts};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

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
    #[error("{}: {}", location(file, *line), shown::line(cause))]
    Broken {
        file: String,
        line: Option<usize>,
        cause: String,
    },
    #[error(
        "found several {what}: {}. Choose one with {}",
        shown::line(&candidates.join(", ")),
        crate::config::ways(flag.trim_start_matches("--"))
    )]
    Several {
        what: String,
        candidates: Vec<String>,
        flag: String,
    },
    #[error("{flag} {}: no such {what}; found: {}", shown::line(value), shown::line(&list_or_none(candidates)))]
    NoSuchCandidate {
        what: String,
        flag: String,
        value: String,
        candidates: Vec<String>,
    },
    #[error(
        "{}: the build stops unless one of the features {} is enabled, and no enabled feature turns one on. Features that do: {}. Choose one with {}",
        location(file, *line),
        shown::line(&features.join(", ")),
        shown::line(&enablers.join(", ")),
        crate::config::ways("features")
    )]
    FeatureNeeded {
        file: String,
        line: Option<usize>,
        features: Vec<String>,
        /// Every declared feature that turns one of `features` on (them included).
        enablers: Vec<String>,
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

impl From<RepoError> for DetectError {
    fn from(err: RepoError) -> DetectError {
        DetectError::Broken {
            file: err.file,
            line: None,
            cause: err.cause,
        }
    }
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

/// A path read from a repository file (`file`, at `line`), resolved against directory `dir`
/// and kept inside the project: its normal form, or a refusal naming the file, line and field.
/// Nothing is looked up; the value is refused before any file outside could be touched.
pub fn inside(
    file: &str,
    line: Option<usize>,
    field: &str,
    dir: &str,
    value: &str,
) -> Result<String, DetectError> {
    crate::repo::within(dir, value).map_err(|escape| DetectError::Broken {
        file: file.to_string(),
        line,
        cause: format!("{field} {value:?} {escape}"),
    })
}

/// `file:line`, or `file` when there is no line; shown safely.
pub fn location(file: &str, line: Option<usize>) -> String {
    let file = shown::line(file);
    match line {
        Some(line) => format!("{file}:{line}"),
        None => file,
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
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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

/// Runs every stack's detector on the project.
pub fn detect_all(repo: &Repo) -> Vec<Report> {
    Stack::ALL
        .iter()
        .map(|&stack| Report {
            stack,
            detection: stacks::detect(stack, repo),
        })
        .collect()
}

/// Picks the one stack to generate for: the one the settings name, or the only one found.
/// Several found without a choice is a question for the user, not an accident of order.
/// When several are found and exactly one has something to run, that one is chosen, with the
/// step that says why.
pub fn choose(
    reports: Vec<Report>,
    root: &Path,
    settings: &Settings,
) -> Result<(Facts, Option<Step>), DetectError> {
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
            root: shown::line(&root.display().to_string()),
            looked_for,
        }),
        1 => Ok((found.pop().expect("one element"), None)),
        _ => {
            let runnable: Vec<(usize, Evidence)> = found
                .iter()
                .enumerate()
                .filter_map(|(index, facts)| Some((index, facts.runnable()?)))
                .collect();
            let servers: Vec<&(usize, Evidence)> = runnable
                .iter()
                .filter(|(index, _)| !found[*index].only_static_files())
                .collect();
            if runnable.len() > 1
                && let [(index, evidence)] = servers.as_slice()
            {
                let sites: Vec<Evidence> = runnable
                    .iter()
                    .filter(|(other, _)| other != index)
                    .map(|(_, evidence)| evidence.clone())
                    .collect();
                let facts = found.swap_remove(*index);
                let step = Step {
                    question: "Which stack runs?".to_string(),
                    answer: format!(
                        "{} (the front-end build beside it only writes static files: the server's assets, not an application of their own)",
                        facts.stack().title()
                    ),
                    evidence: std::iter::once(evidence.clone()).chain(sites).collect(),
                };
                return Ok((facts, Some(step)));
            }
            if let [(index, evidence)] = runnable.as_slice() {
                let others: Vec<&str> = found
                    .iter()
                    .enumerate()
                    .filter(|(other, _)| other != index)
                    .map(|(_, facts)| facts.stack().title())
                    .collect();
                let facts = found.swap_remove(*index);
                let step = Step {
                    question: "Which stack runs?".to_string(),
                    answer: format!(
                        "{} (the only one with something to run; {} found nothing runnable)",
                        facts.stack().title(),
                        others.join(", ")
                    ),
                    evidence: vec![evidence.clone()],
                };
                return Ok((facts, Some(step)));
            }
            Err(DetectError::Several {
                what: "stacks".to_string(),
                candidates: found.iter().map(|f| f.stack().name().to_string()).collect(),
                flag: "--stack".to_string(),
            })
        }
    }
}

/// A port from a listen-address string literal on the line: `":8080"`, `"0.0.0.0:8080"`.
/// A loopback address (`localhost:6060`, a profiler say) is no service port: nothing outside the
/// container can reach it.
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
            let loopback =
                matches!(host, "localhost" | "[::1]" | "::1") || host.starts_with("127.");
            if host_ok
                && !loopback
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
        assert_eq!(
            listen_port("http.ListenAndServe(\"localhost:6060\", nil)"),
            None
        );
        assert_eq!(listen_port("\"127.0.0.1:6060\""), None);
        assert_eq!(listen_port("\"[::1]:6060\""), None);
    }
}
