//! Decision trees as data, below the stacks that define them: conditions and nodes are values,
//! so one tree decides, prints itself and records the path it took ([`Step`]) with the evidence
//! of each answer. The walk itself is [`crate::decide`]'s.

use crate::catalog::{Family, RuntimeImage, Vendor};
use crate::evidence::Evidence;
use crate::facts::Signals;
use crate::stack::Stack;
use serde::Serialize;

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

    /// The condition in words, for `explain --tree`.
    pub fn describe(&self) -> String {
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
    use std::fmt::Write as _;
    let mut out = String::from("decision path:");
    for step in trace {
        let _ = write!(out, "\n  {} -> {}", step.question, step.answer);
        for evidence in &step.evidence {
            let _ = write!(out, "\n      {evidence}");
        }
    }
    out
}
