//! The vocabulary every stack speaks, below the stacks: why detection stopped
//! ([`DetectError`]), facts and signals with their evidence, and the small readings several
//! stacks share (listen ports, paths from repository content kept inside the project).

use crate::evidence::Evidence;
use crate::repo::RepoError;
use crate::shown;
use serde::Serialize;
use std::collections::BTreeMap;

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
    #[error(
        "the {wanted} stack was asked for (--stack, `stack` in shiplight.toml or SHIPLIGHT_STACK), but {root} has no {looked_for}; it holds a {} project: drop the stack setting, or choose {}",
        found.join(" and a "),
        names.iter().map(|name| format!("--stack {name}")).collect::<Vec<_>>().join(" or ")
    )]
    OtherStack {
        root: String,
        wanted: String,
        looked_for: String,
        /// The stacks found instead, by title, and by the name `--stack` takes.
        found: Vec<String>,
        names: Vec<String>,
    },
    #[error("{}: {}", location(file, *line), shown::line(cause))]
    Broken {
        file: String,
        line: Option<usize>,
        cause: String,
    },
    #[error(
        "found several {what}{}Choose one with {}",
        choices(candidates),
        crate::settings::ways(flag.trim_start_matches("--"))
    )]
    Several {
        what: String,
        candidates: Vec<String>,
        flag: String,
    },
    #[error(
        "{flag} {}: no such {what}; found{}",
        shown::line(value),
        choices_or_none(candidates)
    )]
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
        crate::settings::ways("features")
    )]
    FeatureNeeded {
        file: String,
        line: Option<usize>,
        features: Vec<String>,
        /// Every declared feature that turns one of `features` on (them included).
        enablers: Vec<String>,
    },
    /// A refusal whose choices are listed one per line, under the advice they share, each
    /// advice once (a reactor whose modules all lack the same plugin).
    #[error("{}: {}{}", location(file, *line), shown::line(cause), grouped(what, groups))]
    Listed {
        file: String,
        line: Option<usize>,
        cause: String,
        /// What the items are, plural (`modules`).
        what: String,
        groups: Vec<Advised>,
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

/// Choices that share one piece of advice, for [`DetectError::Listed`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advised {
    pub advice: String,
    pub items: Vec<String>,
}

/// Most items listed under one piece of advice; the rest are counted.
const LISTED: usize = 20;

/// A list that fits one short line stays on it (`: a, b. `); a longer one gets a line per item.
fn choices(items: &[String]) -> String {
    let shown: Vec<String> = items.iter().map(|item| shown::line(item)).collect();
    let inline = shown.join(", ");
    if shown.len() <= 4 && inline.chars().count() <= 60 {
        format!(": {inline}. ")
    } else {
        format!(
            ":\n{}",
            shown
                .iter()
                .map(|item| format!("  {item}\n"))
                .collect::<String>()
        )
    }
}

/// [`choices`], or `: none`.
fn choices_or_none(items: &[String]) -> String {
    if items.is_empty() {
        ": none".to_string()
    } else {
        choices(items)
            .trim_end_matches(['.', ' ', '\n'])
            .to_string()
    }
}

/// Groups of items: each advice once, on a line of its own, then the items it is for, one per
/// line.
fn grouped(what: &str, groups: &[Advised]) -> String {
    let mut out = String::new();
    for group in groups {
        out.push_str(&format!("\n{}; {what}:", shown::line(&group.advice)));
        for item in group.items.iter().take(LISTED) {
            out.push_str(&format!("\n  {}", shown::line(item)));
        }
        if group.items.len() > LISTED {
            out.push_str(&format!("\n  and {} more", group.items.len() - LISTED));
        }
    }
    out
}

/// Groups `(item, advice)` pairs by advice, in the order each advice first appears.
pub fn advised(pairs: impl IntoIterator<Item = (String, String)>) -> Vec<Advised> {
    let mut groups: Vec<Advised> = Vec::new();
    for (item, advice) in pairs {
        match groups.iter_mut().find(|group| group.advice == advice) {
            Some(group) => group.items.push(item),
            None => groups.push(Advised {
                advice,
                items: vec![item],
            }),
        }
    }
    groups
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

/// Whether `host` names this machine only (`localhost`, `127.x.y.z`, `::1`): a server bound
/// there cannot be reached from outside its container.
pub fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "[::1]" | "::1") || host.starts_with("127.")
}

/// A port from a listen-address string literal on the line: `":8080"`, `"0.0.0.0:8080"`.
/// A loopback address (`localhost:6060`, a profiler say) is no service port: nothing outside the
/// container can reach it.
pub fn listen_port(line: &str) -> Option<u16> {
    if !line.contains(':') {
        return None;
    }
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
                && !is_loopback(host)
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

/// The health routes a service's source may name, most specific first.
pub const HEALTH_ROUTES: &[&str] = &["/healthz", "/api/health", "/health"];

/// The first health route the text names as a whole string literal (`"/healthz"`, `'/health'`,
/// `` `/api/health` ``), with its line.
pub fn health_route(text: &str) -> Option<(&'static str, usize)> {
    let hits = memchr::memmem::find_iter(text.as_bytes(), HEALTH_STEM.as_bytes());
    crate::lines::lines_at(text, 1, hits).find_map(|(line, number)| {
        HEALTH_ROUTES
            .iter()
            .find(|route| {
                line.match_indices(*route).any(|(at, _)| {
                    let before = line[..at].chars().next_back();
                    let after = line[at + route.len()..].chars().next();
                    matches!(before, Some('"' | '\'' | '`')) && before == after
                })
            })
            .map(|route| (*route, number))
    })
}

/// What every one of [`HEALTH_ROUTES`] holds: only the lines holding it are looked at.
const HEALTH_STEM: &str = "/health";

/// The health route the project's source file `file` names, as evidence.
pub fn health_in(repo: &crate::repo::Repo, file: &str, cap: u64) -> Option<(String, Evidence)> {
    let text = repo.read_text(file, cap).ok()??;
    let (route, line) = health_route(&text)?;
    Some((
        route.to_string(),
        Evidence::line(file, line, format!("route {route}")),
    ))
}

/// The first port number after one of `words` (matched case-insensitively) on a line, with the
/// line number: `port=8080`, `PORT || 3000`, `listen(8080)`. Numbers below 80 are not ports.
pub fn port_after_word(text: &str, words: &[&str]) -> Option<(u16, usize)> {
    let lower = text.to_ascii_lowercase();
    let mut hits: Vec<usize> = words
        .iter()
        .flat_map(|word| memchr::memmem::find_iter(lower.as_bytes(), word.as_bytes()))
        .collect();
    hits.sort_unstable();
    crate::lines::lines_at(text, 1, hits.into_iter()).find_map(|(line, number)| {
        let lower = line.to_ascii_lowercase();
        let at = words
            .iter()
            .find_map(|word| memchr::memmem::find(lower.as_bytes(), word.as_bytes()))?;
        let digits: String = line[at..]
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        let port: u16 = digits.parse().ok()?;
        (digits.len() >= 2 && port >= 80).then_some((port, number))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_routes_are_whole_literals() {
        assert_eq!(
            health_route("app.get('/healthz', (req, res) => res.send('ok'))"),
            Some(("/healthz", 1))
        );
        assert_eq!(
            health_route("x\n    http.HandleFunc(\"/health\", health)"),
            Some(("/health", 2))
        );
        assert_eq!(
            health_route("@app.get(`/api/health`)"),
            Some(("/api/health", 1))
        );
        assert_eq!(health_route("fetch('/healthcheck')"), None);
        assert_eq!(health_route("\"/health\\'"), None);
        assert_eq!(health_route("// see /health"), None);
    }

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
