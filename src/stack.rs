//! The registry: the one list of the stacks shiplight knows. The [`Stack`] enum is made from it
//! here, and `stacks/mod.rs` makes every dispatch from it (the facts and plan enums, the calls
//! into each stack's [`StackKind`](crate::stacks::StackKind) implementation). Adding a stack adds
//! one row here, its folder under `src/stacks/`, its templates folder and its catalogue rows.

/// Calls macro `$then` with the registry's rows: `module Variant "Title" "what it covers"
/// [target]`, where a stack whose project can hold several artefacts names the setting that
/// chooses one (`field "key" "VALUE" "help"`: the Layer field, the shiplight.toml key and
/// flag, the flag's value name and its help).
macro_rules! with_stacks {
    ($then:ident) => {
        $then! {
            go Go "Go" "Go modules and workspaces."
                [go_main "go-main" "PACKAGE" "Go main package to build, such as ./cmd/api."],
            rust Rust "Rust" "Rust packages and Cargo workspaces."
                [rust_bin "rust-bin" "NAME" "Rust binary to build."],
            python Python "Python" "Python applications (pip, uv, Poetry, Pipenv)." [],
            node Node "Node.js" "Node.js applications (npm, Yarn, pnpm)." [],
            java Java "Java" "JVM applications built with Maven or Gradle." [],
            php Php "PHP" "PHP applications (Composer, or plain PHP)." [],
        }
    };
}

pub(crate) use with_stacks;

macro_rules! stack_enum {
    ($($module:ident $variant:ident $title:literal $doc:literal [$($target:tt)*],)*) => {
        /// A language ecosystem shiplight can containerise.
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            clap::ValueEnum,
        )]
        #[serde(rename_all = "lowercase")]
        pub enum Stack {
            $(#[doc = $doc] $variant,)*
        }

        impl Stack {
            /// Every stack, in the order detection reports them.
            pub const ALL: &'static [Stack] = &[$(Stack::$variant,)*];

            /// Its place in [`Stack::ALL`].
            pub fn index(self) -> usize {
                self as usize
            }

            /// Lower-case name used in flags, templates and output (the stack's folder).
            pub fn name(self) -> &'static str {
                match self {
                    $(Stack::$variant => stringify!($module),)*
                }
            }

            /// Human name used in messages.
            pub fn title(self) -> &'static str {
                match self {
                    $(Stack::$variant => $title,)*
                }
            }
        }
    };
}

with_stacks!(stack_enum);

impl std::fmt::Display for Stack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stack_is_known_by_its_place_among_all() {
        for (at, &stack) in Stack::ALL.iter().enumerate() {
            assert_eq!(stack.index(), at);
        }
    }
}
