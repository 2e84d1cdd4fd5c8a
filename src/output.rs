//! How shiplight talks to a person or a pipeline, chosen once per run by the global flags:
//! `--quiet` (errors and asked-for output only), `--verbose` (what was decided, on standard
//! error), `--color auto|always|never` (auto: standard error is a terminal and `NO_COLOR` is
//! empty or unset; `CLICOLOR_FORCE` forces it) and `--json` (errors as JSON on standard error).
//! Colour is added around the prefixes shiplight writes itself (`error:` red, `warning:`
//! yellow), never inside text a repository supplies, which goes through [`crate::shown`].

use crate::shown::{Terminal, line};
use serde::Serialize;
use std::io::{self, Write};
use std::sync::OnceLock;

/// The version of every JSON document shiplight prints; raised when a field changes meaning or
/// goes away (a new field keeps it).
pub const SCHEMA_VERSION: u32 = 1;

/// When to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set to something.
    #[default]
    Auto,
    Always,
    Never,
}

/// The output settings of this run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Output {
    pub quiet: bool,
    pub verbose: bool,
    pub color: bool,
    pub json: bool,
}

static OUTPUT: OnceLock<Output> = OnceLock::new();

/// Whether `choice` colours standard error, given the environment variable reader `var`.
pub fn colors(choice: ColorChoice, terminal: bool, var: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| var(name).is_some_and(|value| !value.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("NO_COLOR") => false,
        ColorChoice::Auto
            if set("CLICOLOR_FORCE") && var("CLICOLOR_FORCE").as_deref() != Some("0") =>
        {
            true
        }
        ColorChoice::Auto => terminal && var("TERM").as_deref() != Some("dumb"),
    }
}

/// Sets this run's output settings (once, before anything is printed).
pub fn init(output: Output) {
    let _ = OUTPUT.set(output);
}

fn current() -> Output {
    OUTPUT.get().copied().unwrap_or_default()
}

/// Whether `--quiet` was given: only errors and the output asked for are printed.
pub fn quiet() -> bool {
    current().quiet
}

/// Whether `--verbose` was given.
pub fn verbose() -> bool {
    current().verbose
}

/// Whether errors are printed as JSON.
pub fn json() -> bool {
    current().json
}

fn prefixed(label: &str, color: &str, message: &str) {
    let mut err = io::stderr().lock();
    let _ = if current().color {
        write!(err, "\x1b[{color}m{label}:\x1b[0m ")
    } else {
        write!(err, "{label}: ")
    };
    let mut shown = Terminal::new(err);
    let _ = writeln!(shown, "{message}");
}

/// Prints a warning on standard error (not with `--quiet`), and records it for `--strict`
/// ([`crate::shown::noted`]).
pub fn warn(message: &str) {
    crate::shown::noted(message);
    if !quiet() {
        prefixed("warning", "33", &line(message));
    }
}

/// Prints a note on standard error: something the reader may not expect (not with `--quiet`).
pub fn note(message: &str) {
    if !quiet() {
        prefixed("note", "36", &line(message));
    }
}

/// Prints a line of detail on standard error with `--verbose`; `text` may span lines.
pub fn detail(text: &str) {
    if verbose() {
        let mut shown = Terminal::new(io::stderr().lock());
        let _ = write!(shown, "{text}");
    }
}

/// Prints a line about what was done (`wrote Dockerfile`) on `out`, unless `--quiet`.
pub fn done(out: &mut dyn Write, message: &str) -> io::Result<()> {
    if quiet() {
        return Ok(());
    }
    writeln!(out, "{message}")
}

/// A JSON document as printed: `schema_version` first, then the value's own fields.
#[derive(Serialize)]
pub struct Versioned<'a, T: Serialize> {
    pub schema_version: u32,
    #[serde(flatten)]
    pub value: &'a T,
}

/// `value` as pretty JSON with `schema_version` at the top level, every value read with its
/// evidence in one shape (see [`evidenced`]).
pub fn json_document(value: &impl Serialize) -> String {
    let text = serde_json::to_string(&Versioned {
        schema_version: SCHEMA_VERSION,
        value,
    })
    .expect("plain data serializes");
    let node: Node = serde_json::from_str(&text).expect("serde_json reads what it wrote");
    serde_json::to_string_pretty(&evidenced(node)).expect("plain data serializes")
}

/// A JSON value whose objects keep their keys in the order written.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Number(n) => n.serialize(serializer),
            Node::String(s) => serializer.serialize_str(s),
            Node::Array(items) => items.serialize(serializer),
            Node::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
                Ok(Node::Bool(b))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Node, E> {
                Ok(Node::Number(n.into()))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Node, E> {
                Ok(Node::Number(n.into()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Node, E> {
                Ok(serde_json::Number::from_f64(n).map_or(Node::Null, Node::Number))
            }
            fn visit_str<E>(self, s: &str) -> Result<Node, E> {
                Ok(Node::String(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Node, E> {
                Ok(Node::String(s))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Node::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Node::Object(entries))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Whether `node` is an evidence object: `file` and `detail`, and `line` at most.
fn is_evidence(node: &Node) -> bool {
    let Node::Object(entries) = node else {
        return false;
    };
    let has = |name: &str| entries.iter().any(|(key, _)| key == name);
    has("file")
        && has("detail")
        && entries
            .iter()
            .all(|(key, _)| matches!(key.as_str(), "file" | "line" | "detail"))
}

/// One shape for a value read with its evidence, wherever it appears: `{"value": ...,
/// "evidence": {...}}`. The stacks' facts hold such values as pairs (`[value, evidence]`,
/// serialized as arrays) or as a field beside `FIELD_evidence`; both become the object. A list
/// of evidence alone stays a list.
pub fn evidenced(node: Node) -> Node {
    match node {
        Node::Array(items) => {
            let mut items: Vec<Node> = items.into_iter().map(evidenced).collect();
            let pair = items.len() >= 2
                && items.last().is_some_and(is_evidence)
                && !items[..items.len() - 1].iter().any(is_evidence);
            if !pair {
                return Node::Array(items);
            }
            let evidence = items.pop().expect("two or more");
            let value = if items.len() == 1 {
                items.pop().expect("one")
            } else {
                Node::Array(items)
            };
            Node::Object(vec![
                ("value".to_string(), value),
                ("evidence".to_string(), evidence),
            ])
        }
        Node::Object(entries) => {
            let mut entries: Vec<(String, Node)> = entries
                .into_iter()
                .map(|(key, value)| (key, evidenced(value)))
                .collect();
            let paired: Vec<String> = entries
                .iter()
                .filter_map(|(key, value)| {
                    let field = key.strip_suffix("_evidence")?;
                    let fits = matches!(value, Node::Null) || is_evidence(value);
                    (fits && entries.iter().any(|(other, _)| other == field))
                        .then(|| field.to_string())
                })
                .collect();
            for field in paired {
                let at = entries
                    .iter()
                    .position(|(key, _)| *key == format!("{field}_evidence"))
                    .expect("found above");
                let (_, evidence) = entries.remove(at);
                let slot = entries
                    .iter_mut()
                    .find(|(key, _)| *key == field)
                    .expect("found above");
                let value = std::mem::replace(&mut slot.1, Node::Null);
                slot.1 = Node::Object(vec![
                    ("value".to_string(), value),
                    ("evidence".to_string(), evidence),
                ]);
            }
            Node::Object(entries)
        }
        other => other,
    }
}

/// An error as JSON: `{"schema_version":1,"error":{"code":..,"kind":..,"message":..}}`.
pub fn error_json(code: u8, kind: &str, message: &str) -> String {
    #[derive(Serialize)]
    struct Failure<'a> {
        code: u8,
        kind: &'a str,
        message: &'a str,
    }
    #[derive(Serialize)]
    struct Document<'a> {
        schema_version: u32,
        error: Failure<'a>,
    }
    serde_json::to_string(&Document {
        schema_version: SCHEMA_VERSION,
        error: Failure {
            code,
            kind,
            message,
        },
    })
    .expect("plain data serializes")
}

/// Prints an error on standard error: `error: ...` (red on colour), or JSON with `--json`.
pub fn error(code: u8, kind: &str, message: &str) {
    if json() {
        let mut err = io::stderr().lock();
        let _ = writeln!(
            err,
            "{}",
            error_json(code, kind, &crate::shown::block(message))
        );
    } else {
        prefixed("error", "1;31", message);
    }
}

/// Whether `err` is a write to a reader that has gone (`shiplight explain | head -1`).
pub fn is_closed_pipe(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::BrokenPipe
}

/// Ends the process as `cat` and `grep` end when their reader has gone: killed by SIGPIPE, so
/// the shell sees status 141 and prints nothing. SIGPIPE stays ignored for the rest of a run
/// (the engine's pipes in `verify` report their own errors); only this end restores it.
pub fn end_on_closed_pipe() -> ! {
    #[cfg(unix)]
    // SAFETY: restoring a signal's default disposition and raising it in this thread; nothing
    // runs after it but the exit below, should the signal somehow be blocked.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::raise(libc::SIGPIPE);
    }
    std::process::exit(141)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_and_the_flag_decide_colour() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_string())
            }
        };
        assert!(colors(ColorChoice::Auto, true, env(&[])));
        assert!(!colors(ColorChoice::Auto, false, env(&[])));
        assert!(!colors(ColorChoice::Auto, true, env(&[("NO_COLOR", "1")])));
        assert!(colors(ColorChoice::Auto, true, env(&[("NO_COLOR", "")])));
        assert!(colors(
            ColorChoice::Always,
            false,
            env(&[("NO_COLOR", "1")])
        ));
        assert!(!colors(ColorChoice::Never, true, env(&[])));
        assert!(colors(
            ColorChoice::Auto,
            false,
            env(&[("CLICOLOR_FORCE", "1")])
        ));
        assert!(!colors(
            ColorChoice::Auto,
            false,
            env(&[("CLICOLOR_FORCE", "0")])
        ));
        assert!(!colors(ColorChoice::Auto, true, env(&[("TERM", "dumb")])));
    }

    #[test]
    fn values_with_evidence_have_one_shape() {
        let doc = json_document(&serde_json::json!({
            "go_version": ["1.26", {"file": "go.mod", "line": 3, "detail": "go 1.26"}],
            "module": "example.com/x",
            "module_evidence": {"file": "go.mod", "line": 1, "detail": "module"},
            "scripts": [["a", "b", {"file": "f", "detail": "d"}]],
            "evidence": [{"file": "a", "detail": "x"}, {"file": "b", "detail": "y"}],
        }));
        let value: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(value["go_version"]["value"], "1.26");
        assert_eq!(value["go_version"]["evidence"]["line"], 3);
        assert_eq!(value["module"]["value"], "example.com/x");
        assert!(value.get("module_evidence").is_none());
        assert_eq!(value["scripts"][0]["value"], serde_json::json!(["a", "b"]));
        assert_eq!(value["evidence"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn json_documents_carry_the_schema_version_first() {
        let doc = json_document(&serde_json::json!({"a": 1}));
        assert!(doc.starts_with("{\n  \"schema_version\": 1,"), "{doc}");
        let err: serde_json::Value = serde_json::from_str(&error_json(2, "usage", "bad")).unwrap();
        assert_eq!(err["error"]["code"], 2);
        assert_eq!(err["schema_version"], 1);
    }
}
