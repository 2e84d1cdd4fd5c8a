//! The stacks: one folder each (`go`, `rust`, `python`, `node`, `java`, `php`) holding that stack's detection, decision tree and
//! plan. This module only dispatches on the stack; adding a stack adds a folder and one arm here.

pub mod go;
pub mod health;
pub mod java;
pub mod node;
pub mod output;
pub mod php;
pub mod python;
pub mod rust;

use crate::catalog::Family;
use crate::evidence::Evidence;
use crate::facts::{DetectError, Fact};
use crate::repo::Repo;
use crate::settings::{Layer, Settings};
use crate::stack::Stack;
use crate::trace::Node;
use serde::Serialize;

/// What a stack's detector found.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Facts {
    Go(Box<go::GoFacts>),
    Rust(Box<rust::RustFacts>),
    Python(Box<python::PythonFacts>),
    Node(Box<node::NodeFacts>),
    Java(Box<java::JavaFacts>),
    Php(Box<php::PhpFacts>),
}

/// The stack's own part of the plan, serialized under the stack's name.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StackPlan {
    Go(go::plan::GoPlan),
    Rust(rust::plan::RustPlan),
    Python(python::plan::PythonPlan),
    Node(node::plan::NodePlan),
    Java(java::plan::JavaPlan),
    Php(php::plan::PhpPlan),
}

impl Facts {
    /// The stack these facts belong to.
    pub fn stack(&self) -> Stack {
        match self {
            Facts::Go(_) => Stack::Go,
            Facts::Rust(_) => Stack::Rust,
            Facts::Python(_) => Stack::Python,
            Facts::Node(_) => Stack::Node,
            Facts::Java(_) => Stack::Java,
            Facts::Php(_) => Stack::Php,
        }
    }

    /// The directories of the workspace members whose install reads settings files of their
    /// own (a Node member's `.npmrc`, `.yarnrc`, `.yarnrc.yml`).
    pub fn member_dirs(&self) -> Vec<String> {
        match self {
            Facts::Node(facts) => facts.members.iter().map(|m| m.dir.clone()).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether the project holds something to run (a main package, a binary, an entry point, a
    /// runnable module, an application) and what it is, with its evidence; `None` when not.
    pub fn runnable(&self) -> Option<Evidence> {
        match self {
            Facts::Go(facts) => facts.mains.first().map(|m| m.evidence.clone()),
            Facts::Rust(facts) => facts
                .bins
                .first()
                .map(|b| Evidence::file(b.src.clone(), format!("binary {}", b.name))),
            Facts::Python(facts) => facts
                .apps
                .iter()
                .find_map(|a| a.entry.as_ref())
                .map(|e| e.evidence.clone()),
            Facts::Node(facts) => facts
                .candidates()
                .first()
                .and_then(|p| p.entry.as_ref())
                .map(|e| e.evidence.clone()),
            Facts::Java(facts) => facts
                .modules
                .iter()
                .find(|m| m.runnable.is_some())
                .map(|m| Evidence::file(m.manifest.clone(), "a runnable artefact")),
            Facts::Php(facts) => Some(facts.app_evidence.clone()),
        }
    }

    /// Whether everything runnable here is a static site (files a front-end build writes):
    /// beside a server of another stack, those files are that server's assets.
    pub fn only_static_files(&self) -> bool {
        match self {
            Facts::Node(facts) => {
                let candidates = facts.candidates();
                !candidates.is_empty()
                    && candidates.iter().all(|p| {
                        p.entry
                            .as_ref()
                            .is_some_and(|e| matches!(e.start, node::package::Start::Static(_)))
                    })
            }
            _ => false,
        }
    }

    /// The separate applications one build holds, as (name, directory), when there are
    /// several and the settings choose none: the modules of a Maven or Gradle reactor that each
    /// produce something runnable. `init --all` writes a Dockerfile for each.
    pub fn applications(&self, settings: &Settings) -> Vec<(String, String)> {
        match self {
            Facts::Java(facts) if settings.package.is_none() => {
                let candidates = facts.candidates(settings.profile.as_deref());
                if candidates.len() < 2 {
                    return Vec::new();
                }
                candidates
                    .iter()
                    .map(|m| (m.name.clone(), m.dir.clone()))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// The facts for display.
    pub fn listing(&self) -> Vec<Fact> {
        match self {
            Facts::Go(facts) => facts.listing(),
            Facts::Rust(facts) => facts.listing(),
            Facts::Python(facts) => facts.listing(),
            Facts::Node(facts) => facts.listing(),
            Facts::Java(facts) => facts.listing(),
            Facts::Php(facts) => facts.listing(),
        }
    }
}

/// Files whose presence lets some stack's detector find a project (a `public` directory or any
/// `.php` file too); a directory without any of them holds no project.
pub const MARKERS: &[&str] = &[
    "go.mod",
    "go.work",
    "Cargo.toml",
    "pyproject.toml",
    "requirements.txt",
    "requirements",
    "Pipfile",
    "setup.py",
    "setup.cfg",
    "package.json",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "settings.gradle",
    "settings.gradle.kts",
    "composer.json",
    "public",
];

/// Whether a directory listing holds anything a detector could find a project by.
pub fn may_hold_project(entries: &[(String, crate::repo::Entry)]) -> bool {
    entries
        .iter()
        .any(|(name, _)| MARKERS.contains(&name.as_str()) || name.ends_with(".php"))
}

/// Runs one stack's detector.
pub fn detect(stack: Stack, repo: &Repo) -> Detection {
    match stack {
        Stack::Go => go::detect(repo),
        Stack::Rust => rust::detect(repo),
        Stack::Python => python::detect(repo),
        Stack::Node => node::detect(repo),
        Stack::Java => java::detect(repo),
        Stack::Php => php::detect(repo),
    }
}

/// A stack's decision tree.
pub fn tree(stack: Stack) -> Node {
    match stack {
        Stack::Go => go::tree::tree(),
        Stack::Rust => rust::tree::tree(),
        Stack::Python => python::tree::tree(),
        Stack::Node => node::tree::tree(),
        Stack::Java => java::tree::tree(),
        Stack::Php => php::tree::tree(),
    }
}

/// The runtime families a stack's artefacts can run on.
pub fn usable_families(stack: Stack) -> &'static [Family] {
    match stack {
        Stack::Go => go::tree::USABLE,
        Stack::Rust => rust::tree::USABLE,
        Stack::Python => python::tree::USABLE,
        Stack::Node => node::tree::USABLE,
        Stack::Java => java::tree::USABLE,
        Stack::Php => php::tree::USABLE,
    }
}

impl StackPlan {
    /// Files the stack generates besides the Dockerfile and .dockerignore: (file, template id).
    pub fn extra_files(&self) -> Vec<(&'static str, &'static str)> {
        match self {
            StackPlan::Php(plan) => php::plan::extra_files(plan),
            StackPlan::Node(plan) => node::plan::extra_files(plan),
            _ => Vec::new(),
        }
    }

    /// Whether the application needs compose.yaml to run at all (PHP-FPM behind nginx).
    pub fn always_compose(&self) -> bool {
        match self {
            StackPlan::Php(plan) => plan.web,
            _ => false,
        }
    }

    /// Image references of the stack's own stages, for mirrors and digest pins.
    pub fn images_mut(&mut self) -> Vec<&mut String> {
        match self {
            StackPlan::Php(plan) => vec![&mut plan.node_image, &mut plan.web_image],
            _ => Vec::new(),
        }
    }

    /// The stack's target as settings (main package, binary, workspace package, profile), so
    /// shiplight.toml reproduces the choice.
    pub fn pins(&self) -> Layer {
        let mut layer = Layer::default();
        match self {
            StackPlan::Go(plan) => layer.go_main = Some(plan.package.clone()),
            StackPlan::Rust(plan) => {
                layer.rust_bin = Some(plan.bin.clone());
                layer.package = plan.package_setting.clone();
                layer.features = plan.features.clone();
            }
            StackPlan::Python(plan) => layer.package = plan.package.clone(),
            StackPlan::Node(plan) => layer.package = plan.workspace_package.clone(),
            StackPlan::Java(plan) => {
                layer.package = java::plan::module_setting(plan);
                layer.profile = plan.profile.clone();
            }
            StackPlan::Php(_) => {}
        }
        layer
    }
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
