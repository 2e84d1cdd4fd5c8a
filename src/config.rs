//! shiplight.toml and the SHIPLIGHT_* environment: the setting keys (one table shared by the
//! file, the environment and the messages that name them), reading both into a [`Layer`] with
//! errors naming the key and its source, and writing the file `init` leaves behind.

use crate::catalog::{Family, Vendor};
use crate::repo::{self, Repo};
use crate::settings::{Layer, Place};
use crate::shown;
use crate::stack::Stack;
use clap::ValueEnum;
use std::path::{Path, PathBuf};

/// Largest shiplight.toml read.
pub const FILE_CAP: u64 = 256 << 10;

/// Where the relative paths of a settings source resolve, and how far they may reach.
#[derive(Debug, Clone, Copy)]
pub enum Base<'a> {
    /// A source of the person running shiplight (flags, environment, a file outside the
    /// project): paths resolve against this directory and may name any place.
    Anywhere(&'a Path),
    /// A file inside the project (its own shiplight.toml): paths resolve against `dir`
    /// (relative to the root) and must stay inside the project.
    Project { repo: &'a Repo, dir: &'a str },
}

/// The configuration file's name in a project's root.
pub use crate::settings::{FILE_NAME, env_name, ways};
/// Environment variable naming another configuration file.
pub const CONFIG_ENV: &str = "SHIPLIGHT_CONFIG";
/// Environment variables with the SHIPLIGHT_ prefix that are not setting keys.
const OTHER_ENV: &[&str] = &[CONFIG_ENV, "SHIPLIGHT_CARGO_METADATA"];

/// The type of a key's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Port,
    Bool,
    Path,
    Mirrors,
}

/// A setting key: its name in shiplight.toml, and what it does.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    pub kind: Kind,
    pub help: &'static str,
}

/// Every key shiplight.toml and the environment accept.
pub const KEYS: &[Key] = &[
    Key {
        name: "stack",
        kind: Kind::Text,
        help: "go, rust, python, node, java or php",
    },
    Key {
        name: "vendor",
        kind: Kind::Text,
        help: "distroless or chainguard",
    },
    Key {
        name: "runtime",
        kind: Kind::Text,
        help: "static, base, cc or language",
    },
    Key {
        name: "lang-version",
        kind: Kind::Text,
        help: "language version for the builder",
    },
    Key {
        name: "go-main",
        kind: Kind::Text,
        help: "Go main package, such as ./cmd/api",
    },
    Key {
        name: "features",
        kind: Kind::Text,
        help: "Rust features to build, comma-separated",
    },
    Key {
        name: "rust-bin",
        kind: Kind::Text,
        help: "Rust binary to build",
    },
    Key {
        name: "package",
        kind: Kind::Text,
        help: "workspace package or module",
    },
    Key {
        name: "profile",
        kind: Kind::Text,
        help: "Maven profile to activate",
    },
    Key {
        name: "port",
        kind: Kind::Port,
        help: "port the application listens on",
    },
    Key {
        name: "health-path",
        kind: Kind::Text,
        help: "HTTP path the image's HEALTHCHECK asks, such as /healthz",
    },
    Key {
        name: "no-syntax",
        kind: Kind::Bool,
        help: "omit the # syntax= line",
    },
    Key {
        name: "compose",
        kind: Kind::Bool,
        help: "also generate compose.yaml",
    },
    Key {
        name: "bake",
        kind: Kind::Bool,
        help: "also generate docker-bake.hcl for a release build",
    },
    Key {
        name: "templates",
        kind: Kind::Path,
        help: "directory of templates overriding the embedded ones",
    },
    Key {
        name: "digests",
        kind: Kind::Path,
        help: "file of image digest pins",
    },
    Key {
        name: "mirrors",
        kind: Kind::Mirrors,
        help: "registry prefix rewrites, FROM = TO",
    },
];

/// A configuration source that cannot be used; names the source and the key.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct ConfigError {
    /// The file path, or the environment variable.
    pub source_name: String,
    pub message: String,
}

/// A value as a source gave it, before it is checked against its key.
enum Raw<'a> {
    Text(&'a str),
    Toml(&'a toml::Value),
}

/// Parses shiplight.toml text; `source_name` names it in errors, and relative paths resolve
/// against `base`.
pub fn parse(text: &str, source_name: &str, base: Base<'_>) -> Result<Layer, ConfigError> {
    let fail = |message: String| ConfigError {
        source_name: source_name.to_string(),
        message,
    };
    let table: toml::Table = toml::from_str(text).map_err(|err| {
        let line = err
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        let message = err.message().trim().to_string();
        fail(match line {
            Some(line) => format!("line {line}: {message}"),
            None => message,
        })
    })?;
    let mut layer = Layer::default();
    for (name, value) in &table {
        let at = key_line(text, name)
            .map(|line| format!("line {line}: "))
            .unwrap_or_default();
        set(&mut layer, name, Raw::Toml(value), base)
            .map_err(|message| fail(format!("{at}{message}")))?;
    }
    Ok(layer)
}

fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(key)
                .or_else(|| line.strip_prefix(&format!("[{key}]")))
                .or_else(|| line.strip_prefix(&format!("\"{key}\"")))
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '=', '\t', '.']))
        })
        .map(|index| index + 1)
        .or_else(|| {
            let table = toml::de::DeTable::parse(text).ok()?;
            let (found, _) = table
                .get_ref()
                .iter()
                .find(|(name, _)| name.get_ref() == key)?;
            Some(
                text[..found.span().start.min(text.len())]
                    .matches('\n')
                    .count()
                    + 1,
            )
        })
}

/// Reads the SHIPLIGHT_* variables among `vars`. An unknown SHIPLIGHT_ variable is an error, so
/// a misspelt one is not silently ignored. Relative paths resolve against `cwd`.
pub fn from_env(
    vars: impl IntoIterator<Item = (String, String)>,
    cwd: &Path,
) -> Result<Layer, ConfigError> {
    let cwd = Base::Anywhere(cwd);
    let mut layer = Layer::default();
    let mut vars: Vec<(String, String)> = vars
        .into_iter()
        .filter(|(name, _)| name.starts_with("SHIPLIGHT_") && !OTHER_ENV.contains(&name.as_str()))
        .collect();
    vars.sort();
    for (name, value) in vars {
        let key = KEYS
            .iter()
            .find(|key| env_name(key.name) == name)
            .ok_or_else(|| ConfigError {
                source_name: format!("environment variable {}", shown::line(&name)),
                message: format!(
                    "unknown setting; known: {}, {}",
                    KEYS.iter()
                        .map(|key| env_name(key.name))
                        .collect::<Vec<_>>()
                        .join(", "),
                    OTHER_ENV.join(", ")
                ),
            })?;
        set_text(&mut layer, key.name, &value, cwd).map_err(|message| ConfigError {
            source_name: format!("environment variable {name}"),
            message,
        })?;
    }
    Ok(layer)
}

/// The configuration file to read for a project: `explicit` (a flag or SHIPLIGHT_CONFIG), which
/// must exist, else `root/shiplight.toml` when it exists. A file inside the project is
/// repository content: read through the project's boundary, its paths must stay inside it.
pub fn file_layer(root: &Path, explicit: Option<&Path>) -> Result<Layer, ConfigError> {
    let repo = Repo::new(root);
    let (rel, shown) = match explicit {
        None => (FILE_NAME.to_string(), root.join(FILE_NAME)),
        Some(path) => match inside(root, path) {
            Some(rel) => (rel, path.to_path_buf()),
            None => {
                let text = repo::read_outside(path, FILE_CAP).map_err(|message| ConfigError {
                    source_name: path.display().to_string(),
                    message,
                })?;
                let dir = path.parent().unwrap_or(Path::new("."));
                return parse(&text, &path.display().to_string(), Base::Anywhere(dir));
            }
        },
    };
    let source_name = shown.display().to_string();
    let text = repo.read_text(&rel, FILE_CAP).map_err(|err| ConfigError {
        source_name: source_name.clone(),
        message: err.cause,
    })?;
    let Some(text) = text else {
        return match explicit {
            Some(_) => Err(ConfigError {
                source_name,
                message: "cannot read it: no such file".to_string(),
            }),
            None => Ok(Layer::default()),
        };
    };
    let dir = rel.rsplit_once('/').map_or("", |(dir, _)| dir);
    parse(&text, &source_name, Base::Project { repo: &repo, dir })
}

/// `path` relative to `root` when it lies inside the project, compared as written and, when
/// that does not tell, with both made canonical.
fn inside(root: &Path, path: &Path) -> Option<String> {
    let relative = |root: &Path, path: &Path| -> Option<String> {
        let rel = path.strip_prefix(root).ok()?;
        repo::normalize(rel.to_str()?).ok()
    };
    relative(root, path).or_else(|| {
        let root = std::fs::canonicalize(root).ok()?;
        let path = std::fs::canonicalize(path).ok()?;
        relative(&root, &path)
    })
}

/// Whether `init` writes `dir/shiplight.toml`: not when another file was named (`--config`),
/// and an existing one is the user's input, replaced only with `force`.
pub fn init_writes(dir: &Path, explicit: bool, force: bool) -> bool {
    !explicit && (force || dir.join(FILE_NAME).symlink_metadata().is_err())
}

/// Sets key `name` from a text value, as the environment gives it (the wizard's answers too).
pub fn set_text(layer: &mut Layer, name: &str, value: &str, base: Base<'_>) -> Result<(), String> {
    set(layer, name, Raw::Text(value), base)
}

fn set(layer: &mut Layer, name: &str, raw: Raw<'_>, base: Base<'_>) -> Result<(), String> {
    let key = KEYS.iter().find(|key| key.name == name).ok_or_else(|| {
        format!(
            "unknown key `{}`; known keys: {}",
            shown_key(name),
            KEYS.iter()
                .map(|key| key.name)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let bad = |what: &str| format!("`{name}` must be {what}");
    match key.kind {
        Kind::Text if name == "features" => {
            let text = text(&raw).ok_or_else(|| bad("a string"))?;
            let features: Vec<String> = text
                .split([',', ' '])
                .filter(|f| !f.is_empty())
                .map(|f| setting_text(name, f))
                .collect::<Result<_, _>>()?;
            if features.is_empty() {
                return Err(bad("one or more feature names, comma-separated"));
            }
            layer.features = Some(features.join(","));
        }
        Kind::Text => {
            let text = text(&raw).ok_or_else(|| bad("a string"))?;
            let text = setting_text(name, text)?;
            match name {
                "stack" => layer.stack = Some(choice::<Stack>(name, &text)?),
                "vendor" => layer.vendor = Some(choice::<Vendor>(name, &text)?),
                "runtime" => layer.runtime = Some(choice::<Family>(name, &text)?),
                "lang-version" => layer.lang_version = Some(text),
                "go-main" => layer.go_main = Some(text),
                "rust-bin" => layer.rust_bin = Some(text),
                "package" => layer.package = Some(text),
                "profile" => layer.profile = Some(text),
                "health-path" => layer.health_path = Some(crate::safe::url_path(&text)?),
                _ => unreachable!("every text key is handled"),
            }
        }
        Kind::Port => {
            let port = match raw {
                Raw::Toml(value) => value.as_integer().and_then(|n| u16::try_from(n).ok()),
                Raw::Text(text) => text.trim().parse::<u16>().ok(),
            };
            layer.port = Some(
                port.filter(|p| *p > 0)
                    .ok_or_else(|| bad("a port number from 1 to 65535"))?,
            );
        }
        Kind::Bool => {
            let value = match raw {
                Raw::Toml(value) => value.as_bool(),
                Raw::Text(text) => match text.trim().to_ascii_lowercase().as_str() {
                    "1" | "true" | "yes" | "on" => Some(true),
                    "0" | "false" | "no" | "off" | "" => Some(false),
                    _ => None,
                },
            };
            let value = value.ok_or_else(|| bad("true or false"))?;
            match name {
                "no-syntax" => layer.no_syntax = Some(value),
                "compose" => layer.compose = Some(value),
                "bake" => layer.bake = Some(value),
                _ => unreachable!("every boolean key is handled"),
            }
        }
        Kind::Path => {
            let text = text(&raw).ok_or_else(|| bad("a path (string)"))?;
            if text.is_empty() || text.chars().any(char::is_control) {
                return Err(bad("a non-empty path without control characters"));
            }
            let place = place(name, text, base)?;
            match name {
                "templates" => layer.templates = Some(place),
                "digests" => layer.digests = Some(place),
                _ => unreachable!("every path key is handled"),
            }
        }
        Kind::Mirrors => {
            let pairs: Vec<(String, String)> = match raw {
                Raw::Toml(value) => value
                    .as_table()
                    .ok_or_else(|| bad("a table of \"FROM\" = \"TO\" registry prefixes"))?
                    .iter()
                    .map(|(from, to)| {
                        to.as_str()
                            .map(|to| (from.clone(), to.to_string()))
                            .ok_or_else(|| format!("mirrors.{} must be a string", shown_key(from)))
                    })
                    .collect::<Result<_, _>>()?,
                Raw::Text(text) => text
                    .split(',')
                    .filter(|pair| !pair.trim().is_empty())
                    .map(|pair| {
                        pair.split_once('=')
                            .map(|(from, to)| (from.trim().to_string(), to.trim().to_string()))
                            .ok_or_else(|| bad("FROM=TO pairs separated by commas"))
                    })
                    .collect::<Result<_, _>>()?,
            };
            for (from, to) in pairs {
                let (from, to) = mirror(&from, &to)?;
                layer.mirrors.insert(from, to);
            }
        }
    }
    Ok(())
}

/// The place a path setting names, kept inside the project when the source is repository
/// content.
fn place(name: &str, text: &str, base: Base<'_>) -> Result<Place, String> {
    match base {
        Base::Anywhere(dir) => Ok(Place::Anywhere(dir.join(text))),
        Base::Project { repo, dir } => {
            let rel = repo::within(dir, text).map_err(|escape| {
                format!(
                    "`{name}` = {text:?} {escape}. A repository's {FILE_NAME} names only places inside the project; {} may name others",
                    ways_outside(name)
                )
            })?;
            let real = repo
                .real(&rel)
                .map_err(|err| format!("`{name}` = {text:?}: {}", err.cause))?
                .unwrap_or(rel);
            Ok(Place::Project {
                root: repo.root().to_path_buf(),
                rel: real,
            })
        }
    }
}

/// A key as a file gave it, for a message: a bare key (letters, digits, `-`, `_`) as it is,
/// anything else quoted with its newlines, control, bidirectional and tag characters escaped
/// like a value, so a key can never forge a line of the log or reorder what is read.
fn shown_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
    {
        name.to_string()
    } else {
        shown::line(&format!("{name:?}"))
    }
}

/// The flag and variable of a path key, which the person running shiplight sets.
fn ways_outside(key: &str) -> String {
    format!("--{key} or {}", env_name(key))
}

fn text<'a>(raw: &'a Raw<'a>) -> Option<&'a str> {
    match raw {
        Raw::Text(text) => Some(text),
        Raw::Toml(value) => value.as_str(),
    }
}

/// A setting value before its stack checks it in context: a short word of letters, digits and
/// `. _ - / @ : +`. Anything that could shape a file (quotes, `$`, spaces, newlines) is refused.
pub fn setting_text(key: &str, value: &str) -> Result<String, String> {
    let ok = !value.is_empty()
        && value.len() <= 256
        && value.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '@' | ':' | '+')
        });
    if ok {
        Ok(value.to_string())
    } else {
        Err(format!(
            "`{key}` = {value:?} cannot be used: letters, digits and . _ - / @ : + only"
        ))
    }
}

fn choice<T: ValueEnum>(key: &str, value: &str) -> Result<T, String> {
    T::from_str(value, true).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        format!("`{key}` = {value:?} is not one of {}", names.join(", "))
    })
}

/// A registry prefix rewrite, both sides checked as image name prefixes.
pub fn mirror(from: &str, to: &str) -> Result<(String, String), String> {
    let valid = |value: &str| {
        !value.is_empty()
            && value.len() <= 256
            && !value.starts_with(['/', '.', '-'])
            && !value.ends_with('/')
            && !value.contains("//")
            && value.chars().all(|c| {
                c.is_ascii_lowercase()
                    || c.is_ascii_digit()
                    || matches!(c, '.' | '_' | '-' | '/' | ':')
            })
    };
    for value in [from, to] {
        if !valid(value) {
            return Err(format!(
                "mirror {from:?} = {to:?}: {value:?} is not a registry prefix (lowercase letters, digits, . _ - / :, such as registry.example.com/distroless)"
            ));
        }
    }
    Ok((from.to_string(), to.to_string()))
}

/// The header of a written shiplight.toml.
const HEADER: &str = "\
# shiplight.toml: the inputs of every decision shiplight made for this project. `shiplight init`
# and `shiplight check` read it, so the generated files are reproduced byte for byte.
# Precedence: defaults < detection < this file < SHIPLIGHT_* environment < flags.
# Delete a line to let detection decide it again.
";

/// `path` as written into shiplight.toml: relative to `root` when inside it (the file's paths
/// resolve against its own directory), else absolute; always valid UTF-8.
pub fn portable_path(root: &Path, path: &Path) -> PathBuf {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let relative: Option<PathBuf> = path.strip_prefix(&root).ok().map(Path::to_path_buf);
    let shown = relative
        .filter(|rel| !rel.as_os_str().is_empty())
        .unwrap_or(path)
        .display()
        .to_string();
    PathBuf::from(shown)
}

/// A place as written into shiplight.toml: a project place as it is, another one through
/// [`portable_path`].
fn portable(root: &Path, place: &Place) -> Place {
    match place {
        Place::Project { .. } => place.clone(),
        Place::Anywhere(path) => Place::Anywhere(portable_path(root, path)),
    }
}

/// The text of the shiplight.toml that reproduces a plan made with `settings` for the project
/// at `root`: the plan's pins (its target as settings) and the settings that are not decisions
/// of the tree.
pub fn written(pins: &Layer, settings: &crate::settings::Settings, root: &Path) -> String {
    let layer = Layer {
        no_syntax: (!settings.syntax).then_some(true),
        compose: settings.compose.then_some(true),
        bake: settings.bake.then_some(true),
        templates: settings.templates.as_ref().map(|p| portable(root, p)),
        digests: settings.digests.as_ref().map(|p| portable(root, p)),
        mirrors: settings.mirrors.clone(),
        health_path: settings.health_path.clone(),
        ..pins.clone()
    };
    let body = toml::to_string(&layer).expect("plain data serializes as TOML");
    format!("{HEADER}\n{body}")
}
