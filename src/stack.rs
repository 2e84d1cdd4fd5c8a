//! The stacks shiplight knows, as one enum; the knowledge of each lives in `stacks/<name>`.

use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A language ecosystem shiplight can containerise.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Stack {
    /// Go modules and workspaces.
    Go,
    /// Rust packages and Cargo workspaces.
    Rust,
    /// Python applications (pip, uv, Poetry, Pipenv).
    Python,
    /// Node.js applications (npm, Yarn, pnpm).
    Node,
    /// JVM applications built with Maven or Gradle.
    Java,
    /// PHP applications (Composer, or plain PHP).
    Php,
}

impl Stack {
    /// Whether `lang-version` applies to this stack (PHP's version follows its runtime image).
    pub fn has_lang_version(self) -> bool {
        self != Stack::Php
    }

    /// Every stack, in the order detection reports them.
    pub const ALL: &'static [Stack] = &[
        Stack::Go,
        Stack::Rust,
        Stack::Python,
        Stack::Node,
        Stack::Java,
        Stack::Php,
    ];

    /// Lower-case name used in flags, templates and output.
    pub fn name(self) -> &'static str {
        match self {
            Stack::Go => "go",
            Stack::Rust => "rust",
            Stack::Python => "python",
            Stack::Node => "node",
            Stack::Java => "java",
            Stack::Php => "php",
        }
    }

    /// Human name used in messages.
    pub fn title(self) -> &'static str {
        match self {
            Stack::Go => "Go",
            Stack::Rust => "Rust",
            Stack::Python => "Python",
            Stack::Node => "Node.js",
            Stack::Java => "Java",
            Stack::Php => "PHP",
        }
    }
}

impl fmt::Display for Stack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
