//! PHP behind the stack trait: markers, detection, tree and plan as the registry reaches them.
//! Distroless publishes no PHP image, so PHP plans on Chainguard whatever vendor is asked.

use super::plan::{self, PhpPlan};
use super::{PhpFacts, tree};
use crate::catalog::{Family, Vendor};
use crate::credentials::{self, Credential};
use crate::deployed::Deployed;
use crate::evidence::Evidence;
use crate::facts::Fact;
use crate::repo::{Pending, Repo};
use crate::settings::{Layer, Settings};
use crate::stacks::{Decider, Detection, PlanError, Planned, StackKind};
use crate::trace::Node;

/// The PHP stack.
pub struct Kind;

impl StackKind for Kind {
    fn start(
        plan: &mut PhpPlan,
        start: &crate::commands::Set<Vec<String>>,
        _binary: &str,
        found: &std::collections::BTreeSet<String>,
    ) -> Result<Option<crate::trace::Step>, String> {
        super::plan::user_start(plan, start, found).map(Some)
    }

    type Facts = PhpFacts;
    type Plan = PhpPlan;
    const MARKERS: &'static [&'static str] = &["composer.json", "public"];
    const USABLE: &'static [Family] = tree::USABLE;
    const CREDENTIALS: &'static [Credential] = &[credentials::NPMRC, credentials::COMPOSER_AUTH];
    const BUILD_TOOLS: &'static [&'static str] = &["composer"];
    const LANG_VERSION: bool = false;
    const VENDOR_CHOICE: bool = false;

    /// Any `.php` file marks a plain PHP project too.
    fn marks(name: &str) -> bool {
        Self::MARKERS.contains(&name) || name.ends_with(".php")
    }

    fn detect(repo: &Repo, _deployed: &Pending<'_, Deployed>) -> Detection {
        super::detect(repo)
    }

    fn tree() -> Node {
        tree::tree()
    }

    fn plan(
        facts: &PhpFacts,
        settings: &Settings,
        decider: &dyn Decider,
    ) -> Result<Planned, PlanError> {
        let mut settings = settings.clone();
        let distroless = settings.vendor == Vendor::Distroless;
        settings.vendor = Vendor::Chainguard;
        let selector = if facts.app.is_web() { "fpm" } else { "cli" };
        let decision = decider.decide(&facts.signals(), &settings, Some(selector))?;
        let preface = if distroless {
            vec![plan::no_distroless_php()]
        } else {
            Vec::new()
        };
        let output = plan::plan(facts, settings.health_path.as_deref())?;
        Ok(Planned {
            decision,
            preface,
            output,
        })
    }

    fn listing(facts: &PhpFacts) -> Vec<Fact> {
        facts.listing()
    }

    fn runnable(facts: &PhpFacts) -> Option<Evidence> {
        Some(facts.app_evidence.clone())
    }

    /// The runtime holds the application's directory with its manifests and locks.
    fn carried(_repo: &Repo) -> Option<(Vec<String>, &'static str)> {
        Some((
            [
                "composer.json",
                "composer.lock",
                "package.json",
                "package-lock.json",
            ]
            .map(String::from)
            .to_vec(),
            "Composer reads repository credentials from auth.json and npm from .npmrc, which the install steps mount as secrets",
        ))
    }

    fn extra_files(plan: &PhpPlan) -> Vec<(&'static str, &'static str)> {
        plan::extra_files(plan)
    }

    fn web_stage(plan: &PhpPlan) -> Option<u16> {
        plan.web.then_some(plan.web_port)
    }

    fn images_mut(plan: &mut PhpPlan) -> Vec<&mut String> {
        vec![&mut plan.node_image, &mut plan.web_image]
    }

    fn pins(_plan: &PhpPlan) -> Layer {
        Layer::default()
    }
}
