//! Settings: the user's choices that override detection. Each source (today the command line)
//! gives a [`Layer`] whose fields are all optional; layers merge in order into one [`Settings`].

use crate::catalog::{Family, Vendor};
use crate::stack::Stack;

/// One source of settings; `None` means "this source says nothing".
#[derive(Debug, Clone, Default)]
pub struct Layer {
    pub stack: Option<Stack>,
    pub vendor: Option<Vendor>,
    pub runtime: Option<Family>,
    pub lang_version: Option<String>,
    pub go_main: Option<String>,
    pub rust_bin: Option<String>,
    pub package: Option<String>,
    pub profile: Option<String>,
    pub port: Option<u16>,
    pub no_syntax: Option<bool>,
}

impl Layer {
    /// This layer with every field `other` sets taken from `other`.
    pub fn overlay(self, other: Layer) -> Layer {
        Layer {
            stack: other.stack.or(self.stack),
            vendor: other.vendor.or(self.vendor),
            runtime: other.runtime.or(self.runtime),
            lang_version: other.lang_version.or(self.lang_version),
            go_main: other.go_main.or(self.go_main),
            rust_bin: other.rust_bin.or(self.rust_bin),
            package: other.package.or(self.package),
            profile: other.profile.or(self.profile),
            port: other.port.or(self.port),
            no_syntax: other.no_syntax.or(self.no_syntax),
        }
    }
}

/// The resolved settings: defaults filled in, nothing left to merge.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The stack to use when detection finds several, or to insist on one.
    pub stack: Option<Stack>,
    pub vendor: Vendor,
    /// Runtime family chosen by the user instead of the decision tree's.
    pub runtime: Option<Family>,
    /// Language version for the builder instead of the detected one.
    pub lang_version: Option<String>,
    /// Go main package (`./cmd/api`) when a module has several.
    pub go_main: Option<String>,
    /// Rust binary name when a package or workspace has several.
    pub rust_bin: Option<String>,
    /// Workspace member (Node or Python package name) when a workspace has several.
    pub package: Option<String>,
    /// Maven profile to activate for the build (its plugins count).
    pub profile: Option<String>,
    pub port: Option<u16>,
    /// Emit the `# syntax=docker/dockerfile:1` line.
    pub syntax: bool,
}

impl Settings {
    /// Merges layers, later ones winning, onto the built-in defaults.
    pub fn resolve(layers: impl IntoIterator<Item = Layer>) -> Settings {
        let merged = layers.into_iter().fold(Layer::default(), Layer::overlay);
        Settings {
            stack: merged.stack,
            vendor: merged.vendor.unwrap_or_default(),
            runtime: merged.runtime,
            lang_version: merged.lang_version,
            go_main: merged.go_main,
            rust_bin: merged.rust_bin,
            package: merged.package,
            profile: merged.profile,
            port: merged.port,
            syntax: !merged.no_syntax.unwrap_or(false),
        }
    }
}
