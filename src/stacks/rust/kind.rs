//! Rust behind the stack trait: markers, detection, tree and plan as the registry reaches them.

use super::plan::{self, RustPlan};
use super::{RustFacts, tree};
use crate::catalog::Family;
use crate::credentials::Credential;
use crate::deployed::Deployed;
use crate::evidence::Evidence;
use crate::facts::Fact;
use crate::repo::{Pending, Repo};
use crate::settings::{Layer, Settings};
use crate::stacks::{Application, Decider, Detection, PlanError, Planned, StackKind};
use crate::trace::Node;

/// The Rust stack.
pub struct Kind;

impl StackKind for Kind {
    const RUNTIME_LIBRARIES: bool = true;
    type Facts = RustFacts;
    type Plan = RustPlan;
    const MARKERS: &'static [&'static str] = &["Cargo.toml"];
    const USABLE: &'static [Family] = tree::USABLE;
    const CREDENTIALS: &'static [Credential] = &[];
    const BUILD_TOOLS: &'static [&'static str] = &["cargo", "rustc"];

    fn detect(repo: &Repo, deployed: &Pending<'_, Deployed>) -> Detection {
        super::detect(repo, deployed)
    }

    fn tree() -> Node {
        tree::tree()
    }

    fn plan(
        facts: &RustFacts,
        settings: &Settings,
        decider: &dyn Decider,
    ) -> Result<Planned, PlanError> {
        let deployed = plan::deployed_features(facts, settings);
        let settings = deployed.as_ref().map_or(settings, |(wanted, _)| wanted);
        let facts = plan::with_features(facts, settings)?;
        let facts = facts.as_ref();
        let (bin, chosen) = plan::select(facts, settings)?;
        let decision = decider.decide(&facts.signals(), settings, None)?;
        let mut output = plan::plan(facts, bin, &decision, settings)?;
        output.steps.splice(0..0, chosen);
        output.steps.splice(0..0, deployed.map(|(_, step)| step));
        Ok(Planned {
            decision,
            preface: Vec::new(),
            output,
        })
    }

    fn applications(facts: &RustFacts, settings: &Settings) -> Vec<Application> {
        plan::applications(facts, settings)
    }

    fn listing(facts: &RustFacts) -> Vec<Fact> {
        facts.listing()
    }

    /// The binary the project's own deployment runs, else the first by source path (the same
    /// whichever way the manifests were read).
    fn runnable(facts: &RustFacts) -> Option<Evidence> {
        facts
            .bins
            .iter()
            .find(|b| facts.deployed.runs.iter().any(|r| r.program() == b.name))
            .or_else(|| facts.bins.iter().min_by(|a, b| a.src.cmp(&b.src)))
            .map(|b| Evidence::file(b.src.clone(), format!("binary {}", b.name)))
    }

    fn build_packages(plan: &RustPlan) -> Option<&crate::system::Found> {
        plan.build_packages.as_ref()
    }

    fn own_unit(plan: &RustPlan) -> Option<&str> {
        Some(&plan.package)
    }

    fn run(plan: &RustPlan) -> (Vec<String>, Vec<(String, String)>) {
        (plan.args.clone(), plan.env.clone())
    }

    fn start(
        plan: &mut RustPlan,
        start: &crate::commands::Set<Vec<String>>,
        binary: &str,
        _found: &std::collections::BTreeSet<String>,
    ) -> Result<Option<crate::trace::Step>, String> {
        let (args, step) = crate::commands::steps::binary_start(binary, crate::stacks::output::APP_DIR, start)?;
        plan.args = args;
        Ok(Some(step))
    }

    fn pins(plan: &RustPlan) -> Layer {
        Layer {
            targets: crate::settings::Targets {
                rust_bin: Some(plan.bin.clone()),
                ..Default::default()
            },
            package: plan.package_setting.clone(),
            features: plan.features.clone(),
            ..Layer::default()
        }
    }
}
