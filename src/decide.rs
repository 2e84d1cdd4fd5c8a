//! The decision tree as data: conditions and nodes are values, so the same tree decides,
//! prints itself (`explain --tree`) and records the path it took with the evidence of each step.
//! Each stack's tree lives in `stacks/<name>/tree.rs`; this module owns the machinery.

use crate::catalog::{self, Family, RuntimeImage, Vendor};
use crate::detect::Signals;
use crate::evidence::Evidence;
use crate::settings::Settings;
use crate::stack::Stack;
use serde::Serialize;
use std::fmt::Write as _;

/// A yes/no question about the facts or the settings.
#[derive(Debug, Clone)]
pub enum Condition {
    /// A detection signal is present.
    Signal(&'static str),
    /// The chosen vendor is this one.
    Vendor(Vendor),
    /// At least one holds.
    Any(Vec<Condition>),
    /// Every one holds.
    All(Vec<Condition>),
    /// The inner condition does not hold.
    Not(Box<Condition>),
}

/// A node of a decision tree.
#[derive(Debug, Clone)]
pub enum Node {
    /// Ask a question and follow the matching branch.
    Ask {
        question: &'static str,
        when: Condition,
        yes: Box<Node>,
        no: Box<Node>,
    },
    /// Use this runtime family, for this reason.
    Use {
        family: Family,
        reason: &'static str,
    },
    /// No runtime of this vendor can run the project; the reason says what to change.
    Refuse { reason: &'static str },
}

impl Node {
    /// An `Ask` node.
    pub fn ask(question: &'static str, when: Condition, yes: Node, no: Node) -> Node {
        Node::Ask {
            question,
            when,
            yes: Box::new(yes),
            no: Box::new(no),
        }
    }

    /// Every leaf of the tree, in order (used by completeness tests).
    pub fn leaves(&self) -> Vec<&Node> {
        match self {
            Node::Ask { yes, no, .. } => {
                let mut leaves = yes.leaves();
                leaves.extend(no.leaves());
                leaves
            }
            leaf => vec![leaf],
        }
    }
}

/// What is needed to evaluate conditions.
pub struct Context<'a> {
    pub signals: &'a Signals,
    pub vendor: Vendor,
}

impl Condition {
    /// Whether the condition holds, and the evidence behind the answer.
    pub fn eval(&self, ctx: &Context) -> (bool, Vec<Evidence>) {
        match self {
            Condition::Signal(name) => match ctx.signals.get(name) {
                Some(evidence) => (true, evidence.to_vec()),
                None => (false, Vec::new()),
            },
            Condition::Vendor(vendor) => (
                ctx.vendor == *vendor,
                vec![Evidence::setting("vendor", ctx.vendor)],
            ),
            Condition::Any(items) => {
                let mut evidence = Vec::new();
                let mut any = false;
                for item in items {
                    let (holds, found) = item.eval(ctx);
                    if holds {
                        any = true;
                        evidence.extend(found);
                    }
                }
                (any, evidence)
            }
            Condition::All(items) => {
                let mut evidence = Vec::new();
                for item in items {
                    let (holds, found) = item.eval(ctx);
                    if !holds {
                        return (false, found);
                    }
                    evidence.extend(found);
                }
                (true, evidence)
            }
            Condition::Not(inner) => {
                let (holds, evidence) = inner.eval(ctx);
                (!holds, evidence)
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Condition::Signal(name) => format!("signal {name}"),
            Condition::Vendor(vendor) => format!("vendor is {vendor}"),
            Condition::Any(items) => join_conditions(items, " or "),
            Condition::All(items) => join_conditions(items, " and "),
            Condition::Not(inner) => format!("not ({})", inner.describe()),
        }
    }
}

fn join_conditions(items: &[Condition], sep: &str) -> String {
    items
        .iter()
        .map(Condition::describe)
        .collect::<Vec<_>>()
        .join(sep)
}

/// One step of the path taken: a question and its answer, or the conclusion.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub question: String,
    pub answer: String,
    pub evidence: Vec<Evidence>,
}

impl Step {
    /// A step answered by the user's settings (`--lang-version 21`), not by the repository.
    pub fn setting(question: String, key: &str, value: &str) -> Step {
        Step {
            question,
            answer: value.to_string(),
            evidence: vec![Evidence::setting(key, value)],
        }
    }
}

/// The outcome of the decision tree, with the path that led to it.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub stack: Stack,
    pub vendor: Vendor,
    pub family: Family,
    /// Why this family: the leaf's reason, or the override.
    pub reason: String,
    pub trace: Vec<Step>,
    #[serde(skip)]
    pub runtime: &'static RuntimeImage,
}

/// Why no Dockerfile can be generated for the facts and settings.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DecideError {
    #[error("{reason}\n{}", format_trace(trace))]
    Refused { reason: String, trace: Vec<Step> },
    #[error("--runtime {wanted}: {reason}")]
    RuntimeNotUsable { wanted: Family, reason: String },
}

fn format_trace(trace: &[Step]) -> String {
    let mut out = String::from("decision path:");
    for step in trace {
        let _ = write!(out, "\n  {} -> {}", step.question, step.answer);
        for evidence in &step.evidence {
            let _ = write!(out, "\n      {evidence}");
        }
    }
    out
}

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
