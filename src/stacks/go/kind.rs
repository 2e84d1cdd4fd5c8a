//! Go behind the stack trait: markers, detection, tree and plan as the registry reaches them.

use super::plan::{self, GoPlan};
use super::{GoFacts, tree};
use crate::catalog::Family;
use crate::credentials::Credential;
use crate::deployed::Deployed;
use crate::evidence::Evidence;
use crate::facts::Fact;
use crate::repo::{Pending, Repo};
use crate::settings::{Layer, Settings};
use crate::stacks::{Application, Decider, Detection, PlanError, Planned, StackKind};
use crate::trace::Node;

/// The Go stack.
pub struct Kind;

impl StackKind for Kind {
    const RUNTIME_LIBRARIES: bool = true;
    type Facts = GoFacts;
    type Plan = GoPlan;
    const MARKERS: &'static [&'static str] = &["go.mod", "go.work"];
    const USABLE: &'static [Family] = tree::USABLE;
    const CREDENTIALS: &'static [Credential] = &[];
    const BUILD_TOOLS: &'static [&'static str] = &["go", "gofmt"];

    fn detect(repo: &Repo, deployed: &Pending<'_, Deployed>) -> Detection {
        super::detect(repo, deployed)
    }

    fn tree() -> Node {
        tree::tree()
    }

    fn plan(
        facts: &GoFacts,
        settings: &Settings,
        decider: &dyn Decider,
    ) -> Result<Planned, PlanError> {
        let (main, chosen) = plan::select(facts, settings)?;
        let decision = decider.decide(&facts.signals(main), settings, None)?;
        let mut output = plan::plan(facts, main, &decision, settings)?;
        output.steps.splice(0..0, chosen);
        Ok(Planned {
            decision,
            preface: Vec::new(),
            output,
        })
    }

    fn applications(facts: &GoFacts, settings: &Settings) -> Vec<Application> {
        plan::applications(facts, settings)
    }

    fn listing(facts: &GoFacts) -> Vec<Fact> {
        facts.listing()
    }

    fn runnable(facts: &GoFacts) -> Option<Evidence> {
        facts.mains.first().map(|m| m.evidence.clone())
    }

    fn run(plan: &GoPlan) -> (Vec<String>, Vec<(String, String)>) {
        (plan.args.clone(), Vec::new())
    }

    fn start(
        plan: &mut GoPlan,
        start: &crate::commands::Set<Vec<String>>,
        binary: &str,
        _found: &std::collections::BTreeSet<String>,
    ) -> Result<Option<crate::trace::Step>, String> {
        let (args, step) = crate::commands::steps::binary_start(binary, crate::stacks::output::APP_DIR, start)?;
        plan.args = args;
        Ok(Some(step))
    }

    fn pins(plan: &GoPlan) -> Layer {
        Layer {
            targets: crate::settings::Targets {
                go_main: Some(plan.package.clone()),
                ..Default::default()
            },
            ..Layer::default()
        }
    }
}
