//! Node.js behind the stack trait: markers, detection, tree and plan as the registry reaches
//! them, the members' settings files and the static sites.

use super::plan::{self, NodePlan};
use super::{NodeFacts, package::Start, tree};
use crate::catalog::Family;
use crate::credentials::{self, Credential};
use crate::deployed::Deployed;
use crate::evidence::Evidence;
use crate::facts::Fact;
use crate::repo::{Pending, Repo};
use crate::settings::{Layer, Settings};
use crate::stacks::{Application, Decider, Detection, PlanError, Planned, StackKind};
use crate::trace::Node;

/// The Node.js stack.
pub struct Kind;

impl StackKind for Kind {
    fn start(
        _plan: &mut NodePlan,
        _start: &crate::commands::Set<Vec<String>>,
        _binary: &str,
        _found: &std::collections::BTreeSet<String>,
    ) -> Result<Option<crate::trace::Step>, String> {
        Ok(None)
    }

    type Facts = NodeFacts;
    type Plan = NodePlan;
    const MARKERS: &'static [&'static str] = &["package.json"];
    const RUNTIME_LIBRARIES: bool = true;
    /// A package.json a Dockerfile copies from elsewhere makes a project of a directory with
    /// none of its own.
    const DEPLOYED_FIRST: bool = true;
    const USABLE: &'static [Family] = tree::USABLE;
    const CREDENTIALS: &'static [Credential] = &[
        credentials::NPMRC,
        credentials::YARNRC,
        credentials::YARNRC_YML,
    ];
    const BUILD_TOOLS: &'static [&'static str] = &["npm", "npx", "corepack", "pnpm", "yarn"];

    fn detect(repo: &Repo, deployed: &Pending<'_, Deployed>) -> Detection {
        super::detect(repo, deployed)
    }

    fn tree() -> Node {
        tree::tree()
    }

    fn plan(
        facts: &NodeFacts,
        settings: &Settings,
        decider: &dyn Decider,
    ) -> Result<Planned, PlanError> {
        let (package, chosen) = plan::select(facts, settings)?;
        let (major, mut steps, warnings) = plan::runtime_major(facts, package, settings)?;
        let decision = decider.decide(&facts.signals(package), settings, Some(&major))?;
        let mut output = plan::plan(facts, package, settings, &major)?;
        steps.splice(0..0, plan::set_aside_step(facts).into_iter().chain(chosen));
        steps.append(&mut output.steps);
        output.steps = steps;
        output.warnings.splice(0..0, warnings);
        Ok(Planned {
            decision,
            preface: Vec::new(),
            output,
        })
    }

    fn listing(facts: &NodeFacts) -> Vec<Fact> {
        facts.listing()
    }

    /// The entry of the first candidate that is no library of the others (else of the first).
    fn runnable(facts: &NodeFacts) -> Option<Evidence> {
        let candidates = facts.candidates();
        let (_, applications) = plan::libraries_apart(facts, &candidates);
        applications
            .first()
            .or(candidates.first())
            .and_then(|p| p.entry.as_ref())
            .map(|e| e.evidence.clone())
    }

    fn member_dirs(facts: &NodeFacts) -> Vec<String> {
        facts.members.iter().map(|m| m.dir.clone()).collect()
    }

    /// Whether every candidate that is no library of the others is a static site.
    fn only_static_files(facts: &NodeFacts) -> bool {
        let candidates = facts.candidates();
        let (_, applications) = plan::libraries_apart(facts, &candidates);
        !applications.is_empty()
            && applications.iter().all(|p| {
                p.entry
                    .as_ref()
                    .is_some_and(|e| matches!(e.start, Start::Static(_)))
            })
    }

    fn extra_files(plan: &NodePlan) -> Vec<(&'static str, &'static str)> {
        plan::extra_files(plan)
    }

    fn applications(facts: &NodeFacts, settings: &Settings) -> Vec<Application> {
        plan::applications(facts, settings)
    }

    fn relocate(plan: &mut NodePlan, dir: &str) {
        plan::relocate(plan, dir);
    }

    fn images_mut(plan: &mut NodePlan) -> Vec<&mut String> {
        plan.bun_image.iter_mut().collect()
    }

    fn pins(plan: &NodePlan) -> Layer {
        Layer {
            package: plan.workspace_package.clone(),
            ..Layer::default()
        }
    }
}
