//! The walk: follows a stack's tree (see [`crate::trace`]) for the signals and settings, applies
//! a `--runtime` override, picks the catalogue's image, and prints trees for `explain --tree`.
//! Each stack's tree lives in `stacks/<name>/tree.rs`.

use crate::catalog::{self, Family};
use crate::evidence::Evidence;
use crate::facts::Signals;
use crate::settings::Settings;
use crate::stack::Stack;
pub use crate::trace::{Condition, Context, DecideError, Decision, Node, Step};
use std::fmt::Write as _;

/// Walks `tree` for the signals and settings, then applies a `--runtime` override if it is at
/// least what the tree requires and one of the families the stack can run on. `version` picks
/// among a vendor's language images (Node majors); compiled stacks pass `None`.
pub fn decide(
    stack: Stack,
    tree: &Node,
    signals: &Signals,
    settings: &Settings,
    usable: &[Family],
    version: Option<&str>,
) -> Result<Decision, DecideError> {
    let ctx = Context {
        signals,
        vendor: settings.vendor,
    };
    let mut trace = Vec::new();
    let mut node = tree;
    let (mut family, mut reason) = loop {
        match node {
            Node::Ask {
                question,
                when,
                yes,
                no,
            } => {
                let (holds, evidence) = when.eval(&ctx);
                trace.push(Step {
                    question: question.to_string(),
                    answer: if holds { "yes" } else { "no" }.to_string(),
                    evidence,
                });
                node = if holds { yes } else { no };
            }
            Node::Use { family, reason } => break (*family, reason.to_string()),
            Node::Refuse { reason } => {
                return Err(DecideError::Refused {
                    reason: reason.to_string(),
                    trace,
                });
            }
        }
    };
    if let Some(wanted) = settings.runtime {
        if !usable.contains(&wanted) {
            let names: Vec<String> = usable.iter().map(Family::to_string).collect();
            return Err(DecideError::RuntimeNotUsable {
                wanted,
                reason: format!("{} runs on {} only", stack.title(), names.join(", ")),
            });
        }
        if (wanted == Family::Web) != (family == Family::Web) {
            return Err(DecideError::RuntimeNotUsable {
                wanted,
                reason: if family == Family::Web {
                    "the build only writes files, which a web server serves; nothing of the project runs".to_string()
                } else {
                    format!(
                        "the project runs a process ({family}: {reason}); a web server only serves files"
                    )
                },
            });
        }
        if wanted < family {
            return Err(DecideError::RuntimeNotUsable {
                wanted,
                reason: format!("the project needs at least {family}: {reason}"),
            });
        }
        if wanted != family {
            trace.push(Step {
                question: "Runtime family chosen in the settings?".to_string(),
                answer: format!("{wanted} (the tree chose {family})"),
                evidence: vec![Evidence::setting("runtime", wanted)],
            });
            reason = format!("{wanted} chosen in the settings ({family} would do: {reason})");
            family = wanted;
        }
    }
    let runtime = catalog::runtime(stack, settings.vendor, family, version).ok_or_else(|| {
        DecideError::RuntimeNotUsable {
            wanted: family,
            reason: format!("{} publishes no {family} image", settings.vendor),
        }
    })?;
    trace.push(Step {
        question: "Runtime image".to_string(),
        answer: runtime.repository.to_string(),
        evidence: Vec::new(),
    });
    Ok(Decision {
        stack,
        vendor: settings.vendor,
        family,
        reason,
        trace,
        runtime,
    })
}

/// The whole tree as indented text, for `explain --tree`.
pub fn print_tree(stack: Stack, tree: &Node) -> String {
    let mut out = format!("{}\n", stack.title());
    print_node(tree, "", &mut out);
    out
}

fn print_node(node: &Node, indent: &str, out: &mut String) {
    match node {
        Node::Ask {
            question,
            when,
            yes,
            no,
        } => {
            let _ = writeln!(out, "{indent}? {question}  [{}]", when.describe());
            let _ = writeln!(out, "{indent}  yes:");
            print_node(yes, &format!("{indent}    "), out);
            let _ = writeln!(out, "{indent}  no:");
            print_node(no, &format!("{indent}    "), out);
        }
        Node::Use { family, reason } => {
            let _ = writeln!(out, "{indent}=> {family}: {reason}");
        }
        Node::Refuse { reason } => {
            let _ = writeln!(out, "{indent}=> refuse: {reason}");
        }
    }
}
