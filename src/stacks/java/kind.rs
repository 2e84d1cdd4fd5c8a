//! Java behind the stack trait: markers, detection, tree and plan as the registry reaches them,
//! and the applications of a reactor.

use super::plan::{self, JavaPlan};
use super::{JavaFacts, tree};
use crate::catalog::Family;
use crate::credentials::{self, Credential};
use crate::deployed::Deployed;
use crate::evidence::Evidence;
use crate::facts::Fact;
use crate::repo::{Pending, Repo};
use crate::settings::{Layer, Settings};
use crate::stacks::{Application, Decider, Detection, PlanError, Planned, StackKind};
use crate::trace::Node;

/// The Java stack.
pub struct Kind;

impl StackKind for Kind {
    fn start(
        plan: &mut JavaPlan,
        start: &crate::commands::Set<Vec<String>>,
        _binary: &str,
        _found: &std::collections::BTreeSet<String>,
    ) -> Result<Option<crate::trace::Step>, String> {
        super::plan::user_start(plan, start).map(Some)
    }

    type Facts = JavaFacts;
    type Plan = JavaPlan;
    const MARKERS: &'static [&'static str] = &[
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
        "settings.gradle",
        "settings.gradle.kts",
    ];
    const RUNTIME_LIBRARIES: bool = true;
    const USABLE: &'static [Family] = tree::USABLE;
    const CREDENTIALS: &'static [Credential] = &[
        credentials::MAVEN_SETTINGS_ROOT,
        credentials::MAVEN_SETTINGS_MVN,
    ];
    const BUILD_TOOLS: &'static [&'static str] = &["javac", "mvn", "gradle"];

    fn detect(repo: &Repo, deployed: &Pending<'_, Deployed>) -> Detection {
        super::detect(repo, deployed)
    }

    fn tree() -> Node {
        tree::tree()
    }

    fn plan(
        facts: &JavaFacts,
        settings: &Settings,
        decider: &dyn Decider,
    ) -> Result<Planned, PlanError> {
        let (module, runnable, chosen) = plan::select(facts, settings)?;
        let (major, too_new, step, warnings) = plan::runtime_major(module, settings)?;
        let signals = JavaFacts::signals(runnable, &too_new);
        let decision = decider.decide(&signals, settings, Some(&major))?;
        let mut output = plan::plan(facts, module, runnable, settings, &major)?;
        output.steps.insert(0, step);
        if let Some(chosen) = chosen {
            output.steps.insert(0, chosen);
        }
        output.warnings.splice(0..0, warnings);
        Ok(Planned {
            decision,
            preface: Vec::new(),
            output,
        })
    }

    fn listing(facts: &JavaFacts) -> Vec<Fact> {
        facts.listing()
    }

    fn runnable(facts: &JavaFacts) -> Option<Evidence> {
        facts
            .modules
            .iter()
            .find(|m| m.runnable.is_some())
            .map(|m| Evidence::file(m.manifest.clone(), "a runnable artefact"))
    }

    /// The modules of a Maven or Gradle reactor that each produce something runnable, when
    /// choosing one is a tie between them.
    fn applications(facts: &JavaFacts, settings: &Settings) -> Vec<Application> {
        if settings.package.is_some()
            || !matches!(
                plan::select(facts, settings),
                Err(crate::facts::DetectError::Several { .. })
            )
        {
            return Vec::new();
        }
        let candidates = facts.products(settings.profile.as_deref()).modules;
        if candidates.len() < 2 {
            return Vec::new();
        }
        candidates
            .iter()
            .map(|m| Application {
                name: m.name.clone(),
                dir: m.dir.clone(),
                manifest: m.manifest.clone(),
                choice: Layer {
                    package: Some(m.name.clone()),
                    ..Layer::default()
                },
            })
            .collect()
    }

    fn pins(plan: &JavaPlan) -> Layer {
        Layer {
            package: plan::module_setting(plan),
            profile: plan.profile.clone(),
            ..Layer::default()
        }
    }
}
