//! The stacks: one folder each holding that stack's detection, decision tree and plan, behind
//! one trait, [`StackKind`]. The registry ([`crate::stack`]) lists them; the enums of facts and
//! plans and every dispatch below are made from it, so no code here names a particular stack.

pub mod health;
pub mod makefile;
pub mod output;
pub mod run_args;

use crate::catalog::Family;
use crate::credentials::Credential;
use crate::deployed::Deployed;
use crate::evidence::Evidence;
use crate::facts::{DetectError, Fact, Signals};
use crate::repo::{Pending, Repo};
use crate::settings::{Layer, Settings};
use crate::stack::Stack;
use crate::trace::{DecideError, Decision, Node, Step};
use output::StackOutput;
use serde::Serialize;

/// Why no plan can be made: the stack's detection or target choice, the tree, the image
/// catalogue or the digests file said no. Folded into the top-level error by the commands.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Detect(#[from] DetectError),
    #[error(transparent)]
    Decide(#[from] DecideError),
    #[error(transparent)]
    Digests(#[from] crate::images::DigestsError),
    /// The catalogue has no image for what was asked.
    #[error("{0}")]
    Unavailable(String),
}

/// The walk of a stack's decision tree, handed to the stack's plan by the pipeline: the plan
/// calls it once, with the signals of the target it chose (and, for a language runtime with
/// several majors, the one it needs).
pub trait Decider {
    /// Walks the tree for `signals` under `settings`.
    fn decide(
        &self,
        signals: &Signals,
        settings: &Settings,
        version: Option<&str>,
    ) -> Result<Decision, DecideError>;
}

/// What a stack's plan hands back: the tree's decision, the steps that come before the tree's
/// in the trace (a rule the stack applies before walking it), and the stack's part of the plan.
pub struct Planned {
    pub decision: Decision,
    pub preface: Vec<Step>,
    pub output: StackOutput,
}

/// One stack: everything shiplight knows about it, reached only through the registry.
pub trait StackKind {
    /// What the detector found.
    type Facts: std::fmt::Debug + Clone + Serialize;
    /// The stack's own part of the plan.
    type Plan: std::fmt::Debug + Clone + Serialize;

    /// Files whose presence lets the detector find a project.
    const MARKERS: &'static [&'static str];
    /// The runtime families the stack's artefacts can run on.
    const USABLE: &'static [Family];
    /// The credential files the stack's install steps read, mounted as secrets.
    const CREDENTIALS: &'static [Credential];
    /// The stack's build tools (compilers, package managers), which no production image may
    /// carry.
    const BUILD_TOOLS: &'static [&'static str];
    /// Whether `lang-version` applies (it does not where the version follows the runtime image).
    const LANG_VERSION: bool = true;
    /// Whether the vendor is a choice: not for a stack planned on one vendor whatever is asked
    /// (then a refusal is not tried again on the other vendor, and the wizard does not ask).
    const VENDOR_CHOICE: bool = true;
    /// Whether the stack's templates copy the libraries `runtime-libraries` names into the
    /// runtime.
    const RUNTIME_LIBRARIES: bool = false;
    /// Whether the detector needs what the deployment descriptors say ([`Deployed`]) before it
    /// can tell whether a project is there at all: such stacks are detected after the others,
    /// so that reading the descriptors, on a thread of its own, overlaps the others' detection.
    const DEPLOYED_FIRST: bool = false;

    /// Whether a file name in a directory lets the detector find a project there.
    fn marks(name: &str) -> bool {
        Self::MARKERS.contains(&name)
    }
    /// Runs the detector, with what the repository's own deployment descriptors say (read
    /// once for every stack, while the detectors run: taken with [`Pending::get`] where needed).
    fn detect(repo: &Repo, deployed: &Pending<'_, Deployed>) -> Detection;
    /// The decision tree.
    fn tree() -> Node;
    /// Chooses the target, walks the tree through `decider` and plans the stack's part.
    fn plan(
        facts: &Self::Facts,
        settings: &Settings,
        decider: &dyn Decider,
    ) -> Result<Planned, PlanError>;
    /// The facts for display.
    fn listing(facts: &Self::Facts) -> Vec<Fact>;
    /// What the project holds to run, with its evidence; `None` when nothing.
    fn runnable(facts: &Self::Facts) -> Option<Evidence>;
    /// Files the image carries whose credentials in the open refuse the project, and where the
    /// credential belongs instead.
    fn carried(_repo: &Repo) -> Option<(Vec<String>, &'static str)> {
        None
    }
    /// Directories of workspace members whose install reads settings files of their own.
    fn member_dirs(_facts: &Self::Facts) -> Vec<String> {
        Vec::new()
    }
    /// Whether everything runnable here is a static site.
    fn only_static_files(_facts: &Self::Facts) -> bool {
        false
    }
    /// The separate applications one build holds, when the stack's own choice of one ends in a
    /// tie between several build units (modules, packages, main packages) and the settings
    /// choose none; empty otherwise (then a tie inside one unit stays a refusal).
    fn applications(_facts: &Self::Facts, _settings: &Settings) -> Vec<Application> {
        Vec::new()
    }
    /// Files generated besides the Dockerfile and .dockerignore: (file, template id), the file
    /// relative to the Dockerfile's own directory.
    fn extra_files(_plan: &Self::Plan) -> Vec<(&'static str, &'static str)> {
        Vec::new()
    }
    /// Names the files of [`StackKind::extra_files`] from the build context when the Dockerfile
    /// lives in `dir` (one application's directory of several) instead of the context's root.
    fn relocate(_plan: &mut Self::Plan, _dir: &str) {}
    /// The port of the Dockerfile's own `web` stage (a web server in front of the application,
    /// which then needs compose.yaml to run at all), when it has one.
    fn web_stage(_plan: &Self::Plan) -> Option<u16> {
        None
    }
    /// The name of the project's own build unit, which a warm rebuild may compile again while
    /// every dependency stays cached (a Rust package).
    fn own_unit(_plan: &Self::Plan) -> Option<&str> {
        None
    }
    /// Whether the dependency step needs the source (it runs after the source copy), so a
    /// change to the project installs the dependencies again by design.
    fn dependencies_need_source(_plan: &Self::Plan) -> bool {
        false
    }
    /// Image references of the stack's own stages, for mirrors and digest pins.
    fn images_mut(_plan: &mut Self::Plan) -> Vec<&mut String> {
        Vec::new()
    }
    /// The arguments after the program and the variables the runtime stage sets for it, for
    /// stacks whose runtime stage is the shared one (`partials/runtime.j2`).
    fn run(_plan: &Self::Plan) -> (Vec<String>, Vec<(String, String)>) {
        (Vec::new(), Vec::new())
    }
    /// The Debian packages the project's own Dockerfile installs for the build, which the
    /// build stage installs when the settings name none.
    fn build_packages(_plan: &Self::Plan) -> Option<&crate::system::Found> {
        None
    }
    /// The stack's target as settings, so shiplight.toml reproduces the choice.
    fn pins(plan: &Self::Plan) -> Layer;
    /// Applies a start command the settings give to a plan whose program is `binary`, with
    /// the step saying how it resolved; refused with the reason where the stack cannot run it.
    /// A stack that resolves `start` while planning returns `None`.
    fn start(
        _plan: &mut Self::Plan,
        _start: &crate::commands::Set<Vec<String>>,
        _binary: &str,
        _found: &std::collections::BTreeSet<String>,
    ) -> Result<Option<Step>, String> {
        Err("its start comes from detection alone".to_string())
    }
}

macro_rules! stack_dispatch {
    ($($module:ident $variant:ident $title:literal $doc:literal [$($target:tt)*],)*) => {
        $(pub mod $module;)*

        /// What a stack's detector found.
        #[derive(Debug, Clone, Serialize)]
        #[serde(untagged)]
        pub enum Facts {
            $($variant(Box<<$module::Kind as StackKind>::Facts>),)*
        }

        /// The stack's own part of the plan, serialized under the stack's name.
        #[derive(Debug, Clone, Serialize)]
        #[serde(rename_all = "lowercase")]
        pub enum StackPlan {
            $($variant(<$module::Kind as StackKind>::Plan),)*
        }

        impl Facts {
            /// The stack these facts belong to.
            pub fn stack(&self) -> Stack {
                match self {
                    $(Facts::$variant(_) => Stack::$variant,)*
                }
            }

            /// The facts for display.
            pub fn listing(&self) -> Vec<Fact> {
                match self {
                    $(Facts::$variant(facts) => $module::Kind::listing(facts),)*
                }
            }

            /// Whether the project holds something to run (a main package, a binary, an entry
            /// point, a runnable module, an application) and what it is, with its evidence.
            pub fn runnable(&self) -> Option<Evidence> {
                match self {
                    $(Facts::$variant(facts) => $module::Kind::runnable(facts),)*
                }
            }

            /// The directories of the workspace members whose install reads settings files of
            /// their own.
            pub fn member_dirs(&self) -> Vec<String> {
                match self {
                    $(Facts::$variant(facts) => $module::Kind::member_dirs(facts),)*
                }
            }

            /// Whether everything runnable here is a static site (files a front-end build
            /// writes): beside a server of another stack, those files are that server's assets.
            pub fn only_static_files(&self) -> bool {
                match self {
                    $(Facts::$variant(facts) => $module::Kind::only_static_files(facts),)*
                }
            }

            /// The separate applications one build holds, when there are several and the
            /// settings choose none; `init --all` writes a Dockerfile for each.
            pub fn applications(&self, settings: &Settings) -> Vec<Application> {
                match self {
                    $(Facts::$variant(facts) => $module::Kind::applications(facts, settings),)*
                }
            }

            /// Chooses the target, walks the tree through `decider` and plans the stack's part.
            pub fn plan(
                &self,
                settings: &Settings,
                decider: &dyn Decider,
            ) -> Result<Planned, PlanError> {
                match self {
                    $(Facts::$variant(facts) => $module::Kind::plan(facts, settings, decider),)*
                }
            }
        }

        impl StackPlan {
            /// Files the stack generates besides the Dockerfile and .dockerignore.
            pub fn extra_files(&self) -> Vec<(&'static str, &'static str)> {
                match self {
                    $(StackPlan::$variant(plan) => $module::Kind::extra_files(plan),)*
                }
            }

            /// Names the stack's extra files from the context, the Dockerfile being in `dir`.
            pub fn relocate(&mut self, dir: &str) {
                match self {
                    $(StackPlan::$variant(plan) => $module::Kind::relocate(plan, dir),)*
                }
            }

        /// The port of the Dockerfile's own `web` stage, when it has one.
            pub fn web_stage(&self) -> Option<u16> {
                match self {
                    $(StackPlan::$variant(plan) => $module::Kind::web_stage(plan),)*
                }
            }

            /// The name of the project's own build unit.
            pub fn own_unit(&self) -> Option<&str> {
                match self {
                    $(StackPlan::$variant(plan) => $module::Kind::own_unit(plan),)*
                }
            }

            /// Whether the dependency step needs the source.
            pub fn dependencies_need_source(&self) -> bool {
                match self {
                    $(StackPlan::$variant(plan) => $module::Kind::dependencies_need_source(plan),)*
                }
            }

            /// Image references of the stack's own stages, for mirrors and digest pins.
            pub fn images_mut(&mut self) -> Vec<&mut String> {
                match self {
                    $(StackPlan::$variant(plan) => $module::Kind::images_mut(plan),)*
                }
            }

            /// The arguments after the program and the runtime variables for it.
            pub fn run(&self) -> (Vec<String>, Vec<(String, String)>) {
                match self {
                    $(StackPlan::$variant(plan) => $module::Kind::run(plan),)*
                }
            }

            /// Applies a start command the settings give, with the step that explains it.
            pub fn start(
                &mut self,
                start: &crate::commands::Set<Vec<String>>,
                binary: &str,
                found: &std::collections::BTreeSet<String>,
            ) -> Result<Option<Step>, String> {
                match self {
                    $(StackPlan::$variant(plan) => $module::Kind::start(plan, start, binary, found),)*
                }
            }

            /// The Debian packages the project's own Dockerfile installs for the build.
            pub fn build_packages(&self) -> Option<&crate::system::Found> {
                match self {
                    $(StackPlan::$variant(plan) => $module::Kind::build_packages(plan),)*
                }
            }

            /// The stack's target as settings, so shiplight.toml reproduces the choice.
            pub fn pins(&self) -> Layer {
                match self {
                    $(StackPlan::$variant(plan) => $module::Kind::pins(plan),)*
                }
            }
        }

        /// Runs one stack's detector.
        pub fn detect(stack: Stack, repo: &Repo, deployed: &Pending<'_, Deployed>) -> Detection {
            match stack {
                $(Stack::$variant => $module::Kind::detect(repo, deployed),)*
            }
        }

        /// Whether a stack's detector needs the deployment descriptors first
        /// ([`StackKind::DEPLOYED_FIRST`]).
        pub fn deployed_first(stack: Stack) -> bool {
            match stack {
                $(Stack::$variant => <$module::Kind as StackKind>::DEPLOYED_FIRST,)*
            }
        }

        /// A stack's decision tree.
        pub fn tree(stack: Stack) -> Node {
            match stack {
                $(Stack::$variant => $module::Kind::tree(),)*
            }
        }

        /// The runtime families a stack's artefacts can run on.
        pub fn usable_families(stack: Stack) -> &'static [Family] {
            match stack {
                $(Stack::$variant => <$module::Kind as StackKind>::USABLE,)*
            }
        }

        /// The credential files a stack's install steps read.
        pub fn credentials(stack: Stack) -> &'static [Credential] {
            match stack {
                $(Stack::$variant => <$module::Kind as StackKind>::CREDENTIALS,)*
            }
        }

        /// The build tools of every stack.
        pub fn build_tools() -> Vec<&'static str> {
            [$(<$module::Kind as StackKind>::BUILD_TOOLS,)*].concat()
        }

        /// Whether `lang-version` applies to a stack.
        pub fn has_lang_version(stack: Stack) -> bool {
            match stack {
                $(Stack::$variant => <$module::Kind as StackKind>::LANG_VERSION,)*
            }
        }

        /// Whether the stack's templates copy the libraries `runtime-libraries` names.
        pub fn runtime_libraries(stack: Stack) -> bool {
            match stack {
                $(Stack::$variant => <$module::Kind as StackKind>::RUNTIME_LIBRARIES,)*
            }
        }

        /// Whether the vendor is a choice for a stack.
        pub fn vendor_choice(stack: Stack) -> bool {
            match stack {
                $(Stack::$variant => <$module::Kind as StackKind>::VENDOR_CHOICE,)*
            }
        }

        /// Files a stack's image carries, refused when they hold a credential in the open.
        pub fn carried(stack: Stack, repo: &Repo) -> Option<(Vec<String>, &'static str)> {
            match stack {
                $(Stack::$variant => $module::Kind::carried(repo),)*
            }
        }

        /// Whether a directory listing holds anything a detector could find a project by.
        pub fn may_hold_project(entries: &[(String, crate::repo::Entry)]) -> bool {
            entries.iter().any(|(name, _)| false $(|| $module::Kind::marks(name))*)
        }
    };
}

crate::stack::with_stacks!(stack_dispatch);

/// One of several applications a build holds: `init --all` writes a Dockerfile for each in its
/// own directory, built from the build's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Its name, which names its bake target.
    pub name: String,
    /// Its directory from the build's root, `/`-separated (`""` for the root itself): where
    /// its Dockerfile goes.
    pub dir: String,
    /// The file that makes it a build unit of its own (its manifest, its main package's file).
    pub manifest: String,
    /// The settings that choose it, as a flag or shiplight.toml would.
    pub choice: Layer,
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
