//! Text output of `detect` and `explain`: facts with evidence, and the decision path with the
//! evidence of each step, ending in the builder and runtime images.

use crate::plan::Plan;
use crate::shown::line;
use crate::stacks::{Detection, Report};
use std::fmt::Write as _;

/// `detect` as text: each stack, found / broken / absent, and the facts with their evidence.
pub fn detection(reports: &[Report]) -> String {
    let mut out = String::new();
    for report in reports {
        match &report.detection {
            Detection::Found { facts } => {
                let _ = writeln!(out, "{}: found", report.stack);
                for fact in facts.listing() {
                    let _ = writeln!(out, "  {}: {}", fact.name, line(&fact.value));
                    for evidence in &fact.evidence {
                        let _ = writeln!(out, "      {evidence}");
                    }
                }
            }
            Detection::Broken { error } => {
                let _ = writeln!(out, "{}: broken: {error}", report.stack);
            }
            Detection::Absent { looked_for } => {
                let _ = writeln!(out, "{}: absent (no {looked_for})", report.stack);
            }
        }
    }
    out
}

/// `explain` as text: numbered steps with evidence, then images, reason and warnings.
pub fn plan(plan: &Plan) -> String {
    let mut out = format!("{} project, vendor {}\n", plan.stack_title, plan.vendor);
    for (index, step) in plan.trace.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>2}. {} -> {}",
            index + 1,
            line(&step.question),
            line(&step.answer)
        );
        for evidence in &step.evidence {
            let _ = writeln!(out, "      {evidence}");
        }
    }
    let _ = writeln!(out, "builder: {}", plan.builder.image);
    let _ = writeln!(
        out,
        "runtime: {} ({}): {}",
        plan.runtime.image, plan.runtime.family, plan.reason
    );
    let _ = writeln!(
        out,
        "debug:   --build-arg {}={}",
        plan.runtime.arg_name, plan.runtime.arg_debug
    );
    for warning in &plan.warnings {
        let _ = writeln!(out, "warning: {}", line(warning));
    }
    out
}
