//! Settings: the user's choices that override detection. Each source (shiplight.toml, the
//! SHIPLIGHT_* environment, the command line) gives a [`Layer`] whose fields are all optional;
//! layers merge in order (later wins) into one [`Settings`].

use crate::catalog::{Family, Vendor};
use crate::stack::Stack;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A path a setting names. A repository's own shiplight.toml may name only places inside the
/// project; a flag or variable of the person running shiplight may name any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// `rel` (normal form, links inside the project already followed) under the project `root`.
    Project { root: PathBuf, rel: String },
    /// A path given by the person running shiplight.
    Anywhere(PathBuf),
}

impl Place {
    /// The path on this machine.
    pub fn path(&self) -> PathBuf {
        match self {
            Place::Project { root, rel } => root.join(rel),
            Place::Anywhere(path) => path.clone(),
        }
    }
}

impl Serialize for Place {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Place::Project { rel, .. } => serializer.serialize_str(rel),
            Place::Anywhere(path) => serializer.serialize_str(&path.display().to_string()),
        }
    }
}

impl From<&Path> for Place {
    fn from(path: &Path) -> Place {
        Place::Anywhere(path.to_path_buf())
    }
}

/// One source of settings; `None` means "this source says nothing". Serialized (kebab-case,
/// unset fields left out) it is the shiplight.toml `init` writes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Layer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack: Option<Stack>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<Vendor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Family>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang_version: Option<String>,
    /// The artefact to build among several, by the key of the stack that owns it.
    #[serde(flatten)]
    pub targets: Targets,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Rust features to build, comma-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// HTTP path of the health check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_syntax: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compose: Option<bool>,
    /// Also generate docker-bake.hcl for a release build.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bake: Option<bool>,
    /// Directory whose templates override the embedded ones (already resolved against the
    /// source's base directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub templates: Option<Place>,
    /// File of digest pins (already resolved against the source's base directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digests: Option<Place>,
    /// Registry prefix rewrites, merged key by key across layers (last: a TOML table).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub mirrors: BTreeMap<String, String>,
    /// The settings naming what the project needs outside it (packages, libraries, image).
    #[serde(flatten)]
    pub system: crate::system::SystemLayer,
    /// The layer is a shiplight.toml an older version wrote, which recorded detected values as
    /// if chosen ([`crate::recorded`] sorts them apart).
    #[serde(skip)]
    pub recorded: bool,
    /// `start`, `build` and `env`, each with the source that set it (`env` last: a table).
    #[serde(flatten)]
    pub commands: crate::commands::Commands,
}

impl Layer {
    /// This layer with every field `other` sets taken from `other`.
    pub fn overlay(self, other: Layer) -> Layer {
        let mut mirrors = self.mirrors;
        mirrors.extend(other.mirrors);
        Layer {
            stack: other.stack.or(self.stack),
            vendor: other.vendor.or(self.vendor),
            runtime: other.runtime.or(self.runtime),
            lang_version: other.lang_version.or(self.lang_version),
            targets: self.targets.overlay(other.targets),
            package: other.package.or(self.package),
            profile: other.profile.or(self.profile),
            features: other.features.or(self.features),
            port: other.port.or(self.port),
            health_path: other.health_path.or(self.health_path),
            no_syntax: other.no_syntax.or(self.no_syntax),
            compose: other.compose.or(self.compose),
            bake: other.bake.or(self.bake),
            templates: other.templates.or(self.templates),
            mirrors,
            digests: other.digests.or(self.digests),
            system: self.system.overlay(other.system),
            recorded: self.recorded || other.recorded,
            commands: self.commands.overlay(other.commands),
        }
    }
}

/// The resolved settings: defaults filled in, nothing left to merge.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The stack to use when detection finds several, or to insist on one.
    pub stack: Option<Stack>,
    pub vendor: Vendor,
    /// Whether the vendor was chosen by a setting rather than defaulted.
    pub vendor_chosen: bool,
    /// Runtime family chosen by the user instead of the decision tree's.
    pub runtime: Option<Family>,
    /// Language version for the builder instead of the detected one.
    pub lang_version: Option<String>,
    /// The artefact to build when a project has several, by the key of the stack that owns it.
    pub targets: Targets,
    /// Workspace member (Node or Python package name) when a workspace has several.
    pub package: Option<String>,
    /// Maven profile to activate for the build (its plugins count).
    pub profile: Option<String>,
    /// Rust features to build beyond the defaults.
    pub features: Vec<String>,
    pub port: Option<u16>,
    /// HTTP path the HEALTHCHECK asks, instead of the one detection found.
    pub health_path: Option<String>,
    /// Emit the `# syntax=docker/dockerfile:1` line.
    pub syntax: bool,
    /// Also generate compose.yaml.
    pub compose: bool,
    /// Also generate docker-bake.hcl (SBOM and provenance, platforms, cache settings).
    pub bake: bool,
    /// Directory of templates overriding the embedded ones.
    pub templates: Option<Place>,
    /// Registry prefix rewrites (`gcr.io/distroless` -> `mirror.example/distroless`).
    pub mirrors: BTreeMap<String, String>,
    /// File of digest pins.
    pub digests: Option<Place>,
    /// Debian packages for the build stage, libraries for the runtime, the runtime image.
    pub system: crate::system::SystemSettings,
    /// The command the image runs, build commands and runtime variables of the user's own.
    pub commands: crate::commands::Commands,
}

impl Settings {
    /// Merges layers, later ones winning, onto the built-in defaults.
    pub fn resolve(layers: impl IntoIterator<Item = Layer>) -> Settings {
        let merged = layers.into_iter().fold(Layer::default(), Layer::overlay);
        Settings {
            stack: merged.stack,
            vendor: merged.vendor.unwrap_or_default(),
            vendor_chosen: merged.vendor.is_some(),
            runtime: merged.runtime,
            lang_version: merged.lang_version,
            targets: merged.targets,
            package: merged.package,
            profile: merged.profile,
            features: merged
                .features
                .map(|list| list.split(',').map(str::to_string).collect())
                .unwrap_or_default(),
            port: merged.port,
            health_path: merged.health_path,
            syntax: !merged.no_syntax.unwrap_or(false),
            compose: merged.compose.unwrap_or(false),
            bake: merged.bake.unwrap_or(false),
            templates: merged.templates,
            mirrors: merged.mirrors,
            digests: merged.digests,
            system: merged.system.resolve(),
            commands: merged.commands,
        }
    }
}

impl Settings {
    /// These settings without a language version, to compare a pinned version with the one
    /// detection gives: a pin equal to it changes nothing, not even the explanation.
    pub fn detecting_version(&self) -> Settings {
        Settings {
            lang_version: None,
            ..self.clone()
        }
    }
}

macro_rules! targets {
    ($($module:ident $variant:ident $title:literal $doc:literal
        [$($field:ident $key:literal $value:literal $help:literal)?],)*) => {
        // The settings the stacks own: for a stack whose project can hold several artefacts,
        // the one to build (a flag, a shiplight.toml key and a SHIPLIGHT_* variable each, named
        // by the registry). No doc comment: flattened into the subcommands' arguments, clap
        // would show it as their description (`cli::Command`).
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, clap::Args)]
        pub struct Targets {
            $($(
                #[doc = $help]
                #[arg(long = $key, value_name = $value)]
                #[serde(rename = $key, skip_serializing_if = "Option::is_none")]
                pub $field: Option<String>,
            )?)*
        }

        impl Targets {
            /// These targets with every one `other` sets taken from `other`.
            pub fn overlay(self, other: Targets) -> Targets {
                Targets {
                    $($($field: other.$field.or(self.$field),)?)*
                }
            }
        }
    };
}

crate::stack::with_stacks!(targets);

/// The settings file of a project.
pub const FILE_NAME: &str = "shiplight.toml";

/// The environment variable of a key (`go-main` -> `SHIPLIGHT_GO_MAIN`).
pub fn env_name(key: &str) -> String {
    format!("SHIPLIGHT_{}", key.to_ascii_uppercase().replace('-', "_"))
}

/// How a key can be given, for messages: flag, file key and environment variable.
pub fn ways(key: &str) -> String {
    let flag = match key {
        "mirrors" => "--mirror FROM=TO".to_string(),
        "env" => "--image-env NAME=VALUE".to_string(),
        _ => format!("--{key}"),
    };
    format!("{flag}, `{key}` in {FILE_NAME} or {}", env_name(key))
}
