//! shiplight.toml and the SHIPLIGHT_* environment: the setting keys (one serde struct shared by
//! the file, the environment and the messages that name them), reading both into a [`Layer`]
//! with errors naming the key and its source (a file's line from the value's span), and writing
//! the file `init` leaves behind.

use crate::catalog::{Family, Vendor};
use crate::repo::{self, Repo};
use crate::settings::{Layer, Place};
use crate::shown;
use crate::stack::Stack;
use clap::ValueEnum;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

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
/// Environment variable that turns `--strict` on.
pub const STRICT_ENV: &str = "SHIPLIGHT_STRICT";
/// Environment variables with the SHIPLIGHT_ prefix that are not setting keys: the configuration
/// file, strict mode, the Rust stack's switch, and install.sh's (a user who exports them to
/// install must not see every later run refused).
const OTHER_ENV: &[&str] = &[
    CONFIG_ENV,
    STRICT_ENV,
    "SHIPLIGHT_CARGO_METADATA",
    "SHIPLIGHT_INSTALL_DIR",
    "SHIPLIGHT_DOWNLOAD_URL",
    "SHIPLIGHT_VERSION",
    crate::registry::INSECURE_ENV,
];

macro_rules! values {
    ($($module:ident $variant:ident $title:literal $doc:literal
        [$($field:ident $key:literal $value:literal $help:literal)?],)*) => {
        /// The keys of shiplight.toml, each value as its source gave it (`V`): a spanned TOML value
        /// from the file, text from the environment, a flag or the wizard. Serde names the keys
        /// (kebab-case) and refuses any other; [`Values::layer`] checks the values.
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "kebab-case")]
        struct Values<V> {
            /// The stack, by its flag name ([`Stack`]).
            stack: Option<V>,
            /// The image vendor, by its flag name ([`Vendor`]).
            vendor: Option<V>,
            /// The runtime image family, by its flag name ([`Family`]).
            runtime: Option<V>,
            /// Language version for the builder.
            lang_version: Option<V>,
            $($(
                #[doc = $help]
                $field: Option<V>,
            )?)*
            /// Rust features to build, comma-separated.
            features: Option<V>,
            /// Workspace package or module.
            package: Option<V>,
            /// Maven profile to activate.
            profile: Option<V>,
            /// Port the application listens on.
            port: Option<V>,
            /// HTTP path the image's HEALTHCHECK asks, such as /healthz.
            health_path: Option<V>,
            /// Omit the # syntax= line.
            no_syntax: Option<V>,
            /// Also generate compose.yaml.
            compose: Option<V>,
            /// Also generate docker-bake.hcl for a release build.
            bake: Option<V>,
            /// Directory of templates overriding the embedded ones.
            templates: Option<V>,
            /// File of image digest pins.
            digests: Option<V>,
            /// Registry prefix rewrites, FROM = TO.
            mirrors: Option<V>,
            /// Debian packages installed in the build stage.
            build_packages: Option<V>,
            /// Libraries copied into the runtime: Debian package names or sonames.
            runtime_libraries: Option<V>,
            /// The final stage's image, instead of the catalogue's.
            runtime_image: Option<V>,
            /// The debug variant of runtime-image.
            runtime_image_debug: Option<V>,
            /// The command the image runs: an array of words, or a string split into words.
            start: Option<V>,
            /// Commands run in the build stage after the dependency step.
            build: Option<V>,
            /// Variables the runtime stage sets, NAME = "value".
            env: Option<V>,
        }

        impl<V: Given> Values<V> {
            /// The layer these values give, each checked against its key; a refused value comes back
            /// with its reason.
            fn layer(&self, base: Base<'_>) -> Result<Layer, (&V, String)> {
                fn check<'v, V: Given, T>(
                    value: &'v Option<V>,
                    read: impl FnOnce(Raw<'v>) -> Result<T, String>,
                ) -> Result<Option<T>, (&'v V, String)> {
                    value
                        .as_ref()
                        .map(|given| read(given.raw()).map_err(|message| (given, message)))
                        .transpose()
                }
                Ok(Layer {
                    stack: check(&self.stack, |raw| choice::<Stack>("stack", raw))?,
                    vendor: check(&self.vendor, |raw| choice::<Vendor>("vendor", raw))?,
                    runtime: check(&self.runtime, |raw| choice::<Family>("runtime", raw))?,
                    lang_version: check(&self.lang_version, |raw| word("lang-version", raw))?,
                    targets: crate::settings::Targets {
                        $($($field: check(&self.$field, |raw| word($key, raw))?,)?)*
                    },
                    features: check(&self.features, |raw| features("features", raw))?,
                    package: check(&self.package, |raw| word("package", raw))?,
                    profile: check(&self.profile, |raw| word("profile", raw))?,
                    port: check(&self.port, |raw| port("port", raw))?,
                    health_path: check(&self.health_path, |raw| {
                        crate::safe::url_path(&word("health-path", raw)?)
                    })?,
                    no_syntax: check(&self.no_syntax, |raw| boolean("no-syntax", raw))?,
                    compose: check(&self.compose, |raw| boolean("compose", raw))?,
                    bake: check(&self.bake, |raw| boolean("bake", raw))?,
                    templates: check(&self.templates, |raw| path("templates", raw, base))?,
                    digests: check(&self.digests, |raw| path("digests", raw, base))?,
                    mirrors: check(&self.mirrors, |raw| mirrors("mirrors", raw))?.unwrap_or_default(),
                    system: crate::system::SystemLayer {
                        build_packages: check(&self.build_packages, |raw| {
                            list("build-packages", raw, crate::system::package_name)
                        })?,
                        runtime_libraries: check(&self.runtime_libraries, |raw| {
                            list("runtime-libraries", raw, crate::system::library_name)
                        })?,
                        runtime_image: check(&self.runtime_image, |raw| {
                            crate::system::image_reference("runtime-image", string("runtime-image", raw, "a string")?)
                        })?,
                        runtime_image_debug: check(&self.runtime_image_debug, |raw| {
                            crate::system::image_reference("runtime-image-debug", string("runtime-image-debug", raw, "a string")?)
                        })?,
                    },
                    recorded: false,
                    commands: crate::commands::Commands {
                        start: check(&self.start, start)?,
                        build: check(&self.build, build)?,
                        env: check(&self.env, env)?.unwrap_or_default(),
                        found: Default::default(),
                    },
                })
            }
        }
    };
}

crate::stack::with_stacks!(values);

/// Every key shiplight.toml and the environment accept, in order: the names serde gives the
/// fields of the struct they are read into.
pub fn keys() -> &'static [&'static str] {
    let mut names: &'static [&'static str] = &[];
    let _ = Values::<String>::deserialize(FieldNames(&mut names));
    names
}

/// A deserializer that gives no value and records the field names of the struct asked of it.
struct FieldNames<'a>(&'a mut &'static [&'static str]);

impl<'de> serde::Deserializer<'de> for FieldNames<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom(
            "only a struct's field names are read",
        ))
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(serde::de::Error::custom(
            "only a struct's field names are read",
        ))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// A configuration source that cannot be used; names the source and the key.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct ConfigError {
    /// The file path, or the environment variable.
    pub source_name: String,
    pub message: String,
}

/// A value as a source gave it, before it is checked against its key.
#[derive(Clone, Copy)]
enum Raw<'a> {
    Text(&'a str),
    Toml(&'a toml::Value),
}

/// A value of [`Values`] as one kind of source holds it.
trait Given {
    fn raw(&self) -> Raw<'_>;
}

impl Given for String {
    fn raw(&self) -> Raw<'_> {
        Raw::Text(self)
    }
}

impl Given for Spanned<toml::Value> {
    fn raw(&self) -> Raw<'_> {
        Raw::Toml(self.get_ref())
    }
}

/// Parses shiplight.toml text; `source_name` names it in errors, and relative paths resolve
/// against `base`.
pub fn parse(text: &str, source_name: &str, base: Base<'_>) -> Result<Layer, ConfigError> {
    let fail = |span: Option<Range<usize>>, message: &str| ConfigError {
        source_name: source_name.to_string(),
        message: match span {
            Some(span) => format!("line {}: {message}", line(text, span.start)),
            None => message.to_string(),
        },
    };
    let root =
        toml::de::DeTable::parse(text).map_err(|err| fail(err.span(), err.message().trim()))?;
    let values =
        Values::<Spanned<toml::Value>>::deserialize(toml::Deserializer::from(root.clone()))
            .map_err(|err| {
                let unknown = root
                    .get_ref()
                    .keys()
                    .find(|key| Some(key.span()) == err.span());
                match unknown {
                    Some(key) => fail(err.span(), &unknown_key(key.get_ref())),
                    None => fail(err.span(), err.message().trim()),
                }
            })?;
    let mut layer = values
        .layer(base)
        .map_err(|(value, message)| fail(Some(value.span()), &message))?;
    layer.commands = layer.commands.set_by(source_name);
    Ok(Layer {
        recorded: recorded(text),
        ..layer
    })
}

/// The line of `text` that byte `at` is on, from 1.
fn line(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

/// The refusal of a key no source accepts, with the ones they do.
fn unknown_key(name: &str) -> String {
    format!(
        "unknown key `{}`; known keys: {}",
        shown_key(name),
        keys().join(", ")
    )
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
        let key = keys()
            .iter()
            .find(|key| env_name(key) == name)
            .ok_or_else(|| ConfigError {
                source_name: format!("environment variable {}", shown::line(&name)),
                message: format!(
                    "unknown setting; known: {}, {}",
                    keys()
                        .iter()
                        .map(|key| env_name(key))
                        .collect::<Vec<_>>()
                        .join(", "),
                    OTHER_ENV.join(", ")
                ),
            })?;
        let mut given = Layer::default();
        set_text(&mut given, key, &value, cwd).map_err(|message| ConfigError {
            source_name: format!("environment variable {name}"),
            message,
        })?;
        given.commands = given.commands.set_by(&name);
        layer = layer.overlay(given);
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
    let mut layer = parse(&text, &source_name, Base::Project { repo: &repo, dir })?;
    layer.commands = layer.commands.set_by(&rel);
    Ok(layer)
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
    let pair = toml::Table::from_iter([(name.to_string(), toml::Value::from(value))]);
    let values =
        Values::<String>::deserialize(toml::Value::Table(pair)).map_err(|_| unknown_key(name))?;
    let given = values.layer(base).map_err(|(_, message)| message)?;
    *layer = std::mem::take(layer).overlay(given);
    Ok(())
}

fn must(key: &str, what: &str) -> String {
    format!("`{key}` must be {what}")
}

/// A string value.
fn string<'a>(key: &str, raw: Raw<'a>, what: &str) -> Result<&'a str, String> {
    match raw {
        Raw::Text(text) => Some(text),
        Raw::Toml(value) => value.as_str(),
    }
    .ok_or_else(|| must(key, what))
}

/// A word value, checked by [`setting_text`].
fn word(key: &str, raw: Raw<'_>) -> Result<String, String> {
    setting_text(key, string(key, raw, "a string")?)
}

/// One of the value names of `T`.
fn choice<T: ValueEnum>(key: &str, raw: Raw<'_>) -> Result<T, String> {
    let text = word(key, raw)?;
    T::from_str(&text, true).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        format!("`{key}` = {text:?} is not one of {}", names.join(", "))
    })
}

/// A list of words separated by commas or spaces, kept comma-separated.
fn features(key: &str, raw: Raw<'_>) -> Result<String, String> {
    let features: Vec<String> = string(key, raw, "a string")?
        .split([',', ' '])
        .filter(|f| !f.is_empty())
        .map(|f| setting_text(key, f))
        .collect::<Result<_, _>>()?;
    if features.is_empty() {
        return Err(must(key, "one or more feature names, comma-separated"));
    }
    Ok(features.join(","))
}

/// A list of names: a TOML array of strings, or text with the names separated by commas or
/// spaces; each checked by `name`.
fn list(
    key: &str,
    raw: Raw<'_>,
    name: fn(&str, &str) -> Result<String, String>,
) -> Result<Vec<String>, String> {
    let what = "a list of names (an array of strings, or one string separated by commas)";
    let items: Vec<&str> = match raw {
        Raw::Text(text) => text.split([',', ' ']).collect(),
        Raw::Toml(toml::Value::String(text)) => text.split([',', ' ']).collect(),
        Raw::Toml(toml::Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().ok_or_else(|| must(key, what)))
            .collect::<Result<_, _>>()?,
        Raw::Toml(_) => return Err(must(key, what)),
    };
    let names: Vec<String> = items
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| name(key, item))
        .collect::<Result<_, _>>()?;
    if names.is_empty() {
        return Err(must(key, what));
    }
    Ok(names)
}

fn port(key: &str, raw: Raw<'_>) -> Result<u16, String> {
    match raw {
        Raw::Toml(value) => value.as_integer().and_then(|n| u16::try_from(n).ok()),
        Raw::Text(text) => text.trim().parse::<u16>().ok(),
    }
    .filter(|p| *p > 0)
    .ok_or_else(|| must(key, "a port number from 1 to 65535"))
}

fn boolean(key: &str, raw: Raw<'_>) -> Result<bool, String> {
    match raw {
        Raw::Toml(value) => value.as_bool(),
        Raw::Text(text) => match text.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Some(true),
            "0" | "false" | "no" | "off" | "" => Some(false),
            _ => None,
        },
    }
    .ok_or_else(|| must(key, "true or false"))
}

fn path(key: &str, raw: Raw<'_>, base: Base<'_>) -> Result<Place, String> {
    let text = string(key, raw, "a path (string)")?;
    if text.is_empty() || text.chars().any(char::is_control) {
        return Err(must(key, "a non-empty path without control characters"));
    }
    place(key, text, base)
}

/// Registry prefix rewrites: a TOML table of `"FROM" = "TO"`, or text `FROM=TO` pairs
/// separated by commas.
fn mirrors(key: &str, raw: Raw<'_>) -> Result<BTreeMap<String, String>, String> {
    let pairs: Vec<(String, String)> = match raw {
        Raw::Toml(value) => value
            .as_table()
            .ok_or_else(|| must(key, "a table of \"FROM\" = \"TO\" registry prefixes"))?
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
                    .ok_or_else(|| must(key, "FROM=TO pairs separated by commas"))
            })
            .collect::<Result<_, _>>()?,
    };
    pairs
        .into_iter()
        .map(|(from, to)| mirror(&from, &to))
        .collect()
}

/// A value not yet marked with its source ([`crate::commands::Commands::set_by`]).
fn unmarked<T>(value: T) -> crate::commands::Set<T> {
    crate::commands::Set {
        value,
        by: String::new(),
    }
}

/// `start`: a TOML array of words or a string, or text, split into words without a shell.
fn start(raw: Raw<'_>) -> Result<crate::commands::Set<Vec<String>>, String> {
    use crate::commands::{command, command_toml, split};
    match raw {
        Raw::Toml(value) => command_toml("start", value),
        Raw::Text(text) => command("start", split("start", text)?),
    }
    .map(unmarked)
}

/// `build`: a command or an array of commands in TOML; one command per line in text.
fn build(raw: Raw<'_>) -> Result<crate::commands::Set<Vec<Vec<String>>>, String> {
    use crate::commands::{build_text, build_toml};
    match raw {
        Raw::Toml(value) => build_toml("build", value),
        Raw::Text(text) => build_text("build", text),
    }
    .map(unmarked)
}

/// `env`: a TOML table of NAME = "value"; `NAME=value` pairs separated by commas in text.
fn env(raw: Raw<'_>) -> Result<BTreeMap<String, crate::commands::Set<String>>, String> {
    use crate::commands::{env_text, env_toml};
    let pairs = match raw {
        Raw::Toml(value) => env_toml(value)?,
        Raw::Text(text) => env_text(text)?,
    };
    Ok(pairs.into_iter().map(|(k, v)| (k, unmarked(v))).collect())
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

/// The header of a written shiplight.toml, naming the version that wrote it.
const HEADER: &str = concat!(
    "# shiplight.toml generated by shiplight ",
    env!("CARGO_PKG_VERSION"),
    ".\n",
    "# The choices made for this project (flags, the wizard's answers, this file).
# Detection decides everything else, again on every run; the Dockerfile's `# Evidence:` lines
# record what it read, and `shiplight check` names the line that moved when a decision changes.
# Precedence: defaults < detection < this file < SHIPLIGHT_* environment < flags.
"
);

/// The first line of the header older versions wrote, when the file recorded every detected
/// value as if a person had chosen it.
pub const RECORDED_HEADER: &str =
    "# shiplight.toml: the inputs of every decision shiplight made for this project.";

/// Whether a shiplight.toml's text was written by an older version, which recorded detected
/// values beside the chosen ones.
pub fn recorded(text: &str) -> bool {
    text.starts_with(RECORDED_HEADER)
}

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

/// The text of the shiplight.toml that reproduces a plan: the `chosen` layer (every setting a
/// person gave: the file, the environment, the flags and the wizard's answers, merged), never a
/// value detection found, with its paths made portable for the project at `root`.
pub fn written(chosen: &Layer, root: &Path) -> String {
    let layer = Layer {
        recorded: false,
        templates: chosen.templates.as_ref().map(|p| portable(root, p)),
        digests: chosen.digests.as_ref().map(|p| portable(root, p)),
        ..chosen.clone()
    };
    let body = toml::to_string(&layer).expect("plain data serializes as TOML");
    format!("{HEADER}\n{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(text: &str) -> String {
        parse(text, FILE_NAME, Base::Anywhere(Path::new(".")))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn keys_are_the_fields_in_order() {
        assert_eq!(
            keys().join(" "),
            "stack vendor runtime lang-version go-main rust-bin features package profile port \
             health-path no-syntax compose bake templates digests mirrors build-packages \
             runtime-libraries runtime-image runtime-image-debug start build env"
        );
    }

    #[test]
    fn refusals_name_the_line_of_the_key_or_of_its_table() {
        assert!(
            refusal("port = 1\n\n[stak]\nx = 1\n")
                .starts_with("shiplight.toml: line 3: unknown key `stak`; known keys: stack, ")
        );
        assert_eq!(
            refusal("port = 1\n[mirrors]\n\"a\" = 1\n"),
            "shiplight.toml: line 2: mirrors.a must be a string"
        );
        assert_eq!(
            refusal("port = 1\nbake = \"\"\"\nyes\"\"\"\n"),
            "shiplight.toml: line 2: `bake` must be true or false"
        );
    }

    #[test]
    fn text_values_read_as_the_environment_gives_them() {
        let mut layer = Layer::default();
        let here = Base::Anywhere(Path::new("."));
        set_text(&mut layer, "mirrors", "a.io=b.io, c.io=d.io", here).unwrap();
        set_text(&mut layer, "port", " 8081 ", here).unwrap();
        set_text(&mut layer, "no-syntax", "on", here).unwrap();
        assert_eq!(layer.mirrors.len(), 2);
        assert_eq!((layer.port, layer.no_syntax), (Some(8081), Some(true)));
        let unknown = set_text(&mut layer, "lang_version", "x", here).unwrap_err();
        assert!(unknown.starts_with("unknown key `lang_version`; known keys: stack, "));
    }
}
