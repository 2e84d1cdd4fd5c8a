//! Python behind the stack trait: markers, detection, tree and plan as the registry reaches
//! them, and the manifests the image carries.

use super::plan::{self, PythonPlan};
use super::{PythonFacts, tree};
use crate::catalog::Family;
use crate::credentials::{self, Credential};
use crate::deployed::Deployed;
use crate::evidence::Evidence;
use crate::facts::Fact;
use crate::repo::{Pending, Repo};
use crate::settings::{Layer, Settings};
use crate::stacks::{Application, Decider, Detection, PlanError, Planned, StackKind};
use crate::trace::Node;

/// The Python stack.
pub struct Kind;

impl StackKind for Kind {
    const RUNTIME_LIBRARIES: bool = true;
    type Facts = PythonFacts;
    type Plan = PythonPlan;
    const MARKERS: &'static [&'static str] = &[
        "pyproject.toml",
        "requirements.txt",
        "requirements",
        "Pipfile",
        "setup.py",
        "setup.cfg",
    ];
    const USABLE: &'static [Family] = tree::USABLE;
    const CREDENTIALS: &'static [Credential] = &[credentials::PIP_CONF];
    /// The requirement files a Dockerfile installs make a project of a directory with no
    /// conventionally named manifest.
    const DEPLOYED_FIRST: bool = true;
    const BUILD_TOOLS: &'static [&'static str] = &["pip", "pip3", "uv", "poetry", "pipenv"];

    fn detect(repo: &Repo, deployed: &Pending<'_, Deployed>) -> Detection {
        super::detect(repo, deployed)
    }

    fn tree() -> Node {
        tree::tree()
    }

    fn plan(
        facts: &PythonFacts,
        settings: &Settings,
        decider: &dyn Decider,
    ) -> Result<Planned, PlanError> {
        let (app, chosen) = plan::select(facts, settings)?;
        let release = facts.python_release(app, settings.vendor);
        let decision = decider.decide(&facts.signals(app), settings, release)?;
        let mut output = plan::plan(facts, app, &decision, settings)?;
        output.steps.splice(0..0, chosen);
        Ok(Planned {
            decision,
            preface: Vec::new(),
            output,
        })
    }

    /// Resolved while planning, against the venv and the project's files.
    fn start(
        _plan: &mut PythonPlan,
        _start: &crate::commands::Set<Vec<String>>,
        _binary: &str,
        _found: &std::collections::BTreeSet<String>,
    ) -> Result<Option<crate::trace::Step>, String> {
        Ok(None)
    }

    fn dependencies_need_source(plan: &PythonPlan) -> bool {
        plan.source_first
    }

    fn applications(facts: &PythonFacts, settings: &Settings) -> Vec<Application> {
        plan::applications(facts, settings)
    }

    fn listing(facts: &PythonFacts) -> Vec<Fact> {
        facts.listing()
    }

    fn runnable(facts: &PythonFacts) -> Option<Evidence> {
        facts
            .apps
            .iter()
            .find_map(|a| a.entry.as_ref())
            .map(|e| e.evidence.clone())
    }

    /// The runtime holds the application's directory with its manifests, locks and
    /// requirements files.
    fn carried(repo: &Repo) -> Option<(Vec<String>, &'static str)> {
        let mut files: Vec<String> = [
            "pyproject.toml",
            "uv.lock",
            "poetry.lock",
            "Pipfile",
            "Pipfile.lock",
            "setup.cfg",
            "uv.toml",
            "poetry.toml",
        ]
        .map(String::from)
        .to_vec();
        let requirements = |name: &str, kind: &crate::repo::Kind| {
            kind.is_file()
                && name.ends_with(".txt")
                && (name.starts_with("requirements") || name.starts_with("constraints"))
        };
        files.extend(repo.list_dir("", requirements));
        files.extend(
            repo.list_dir("requirements", |name, kind| {
                kind.is_file() && name.ends_with(".txt")
            })
            .into_iter()
            .map(|name| format!("requirements/{name}")),
        );
        Some((
            files,
            "pip reads index credentials from pip.conf, which the install step mounts as a secret, or from ${VARIABLE}s in the URL",
        ))
    }

    fn pins(plan: &PythonPlan) -> Layer {
        Layer {
            package: plan.package.clone(),
            ..Layer::default()
        }
    }
}
