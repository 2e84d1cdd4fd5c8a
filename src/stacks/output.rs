//! What a stack hands to the plan once its target is chosen and the tree has decided, and the
//! pieces of the plan's shape every stack fills the same way (manifest copies, the app's
//! directory). Above the stacks, [`crate::plan`] assembles these into the plan.

use super::StackPlan;
use crate::evidence::Evidence;
use crate::trace::Step;
use serde::Serialize;

/// Directory of the artefact in the runtime stage.
pub const APP_DIR: &str = "/app";

/// The trace step saying how `docker stop` ends the container (which signal, and why it works
/// for the process that is PID 1).
pub fn stop_step(answer: impl Into<String>, evidence: Vec<Evidence>) -> Step {
    Step {
        question: "How does docker stop end the container?".to_string(),
        answer: answer.into(),
        evidence,
    }
}

/// The platforms a multi-platform build (docker-bake.hcl) targets when the build stage
/// cross-compiles from `$BUILDPLATFORM`.
pub const MULTI_ARCH: &[&str] = &["linux/amd64", "linux/arm64"];

/// How an explanation of a build for the build machine's platform ends when the install takes
/// each platform's own builds of packages.
pub const INSTALL_ON_TARGET: &str = "so the install runs on the target platform; another platform needs emulation (QEMU) on the builder";

/// The first of `found` with its place, and how many more there are:
/// `bcrypt runs an install script (package-lock.json:25) and 2 more`.
pub fn first_of(found: &[Evidence]) -> String {
    let Some(first) = found.first() else {
        return String::new();
    };
    let more = match found.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    format!("{} ({}){more}", first.detail, first.place())
}

/// The platforms a release build targets (empty: the build machine's own), and why.
#[derive(Debug, Clone)]
pub struct Platforms {
    pub list: &'static [&'static str],
    pub why: String,
}

impl Platforms {
    /// Built for linux/amd64 and linux/arm64 from `$BUILDPLATFORM`, because of `why`.
    pub fn multi(why: impl Into<String>) -> Platforms {
        Platforms {
            list: MULTI_ARCH,
            why: why.into(),
        }
    }

    /// Built for the build machine's platform only, because of `why`.
    pub fn native(why: impl Into<String>) -> Platforms {
        Platforms {
            list: &[],
            why: why.into(),
        }
    }
}

/// One `COPY` of manifests (validated relative paths) into their directory, before the
/// dependency step, so that step is cached until a manifest changes.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestCopy {
    pub sources: Vec<String>,
    pub dest: String,
}

/// Groups files by directory into `COPY` steps, root first, keeping the files' order.
pub fn manifest_copies(files: &[String]) -> Vec<ManifestCopy> {
    let mut copies: Vec<ManifestCopy> = Vec::new();
    for file in files {
        let dest = match file.rsplit_once('/') {
            Some((dir, _)) => format!("./{dir}/"),
            None => "./".to_string(),
        };
        match copies.iter_mut().find(|copy| copy.dest == dest) {
            Some(copy) => copy.sources.push(file.clone()),
            None => copies.push(ManifestCopy {
                sources: vec![file.clone()],
                dest,
            }),
        }
    }
    copies.sort_by_key(|copy| copy.dest != "./");
    copies
}

/// What a stack contributes to the plan once its target is chosen and the tree has decided.
#[derive(Debug, Clone)]
pub struct StackOutput {
    pub binary: String,
    pub port: Option<u16>,
    /// The version put into the builder tag.
    pub builder_version: String,
    /// Use the builder variant with compilers and C headers.
    pub builder_full: bool,
    /// Which of the stack's builders (catalogue `variant`; empty for stacks with one).
    pub builder_variant: &'static str,
    pub detected: Vec<String>,
    pub warnings: Vec<String>,
    /// Steps that explain stack-specific choices (builder version, build mode).
    pub steps: Vec<Step>,
    pub build: StackPlan,
    /// Copy the system libraries the binary links that the runtime lacks (the plan's
    /// `app.copy_libraries`).
    pub copy_libraries: bool,
    /// The signal `docker stop` sends when SIGTERM would not stop the process promptly (the
    /// plan's `app.stop_signal`); `None` keeps SIGTERM.
    pub stop_signal: Option<&'static str>,
    /// The HEALTHCHECK (the plan's `app.health`), when a health path and a port are known and
    /// the runtime can ask it.
    pub health: Option<crate::stacks::health::Health>,
    /// The project's version and licence as its manifest states them, for the OCI labels.
    pub about: crate::manifest::About,
    /// The platforms of a release build.
    pub platforms: Platforms,
}
