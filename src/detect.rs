//! Detection: runs every stack's detector on a repository (found / broken / absent, never a
//! bare bool) and chooses the stack to generate for, with the step that says why. What a stack
//! looks for lives in `stacks/<name>`; the shared vocabulary lives in [`crate::facts`].

use crate::deployed::Deployed;
use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::render;
use crate::repo::{self, Repo};
use crate::settings::Settings;
use crate::shown;
use crate::stack::Stack;
use crate::stacks::{self, Facts};
use crate::trace::Step;
use std::path::Path;

pub use crate::stacks::{Detection, Report};

/// Runs every stack's detector on the project, each given what the project's own deployment
/// descriptors say, read once, on a thread of its own (through a [`Repo`] of its own) while the
/// detectors run: the stacks that need them first are detected last. The reports come in the
/// order of [`Stack::ALL`]. The first stack found is the one whose templates are compiled
/// ahead of the rendering ([`render::expect`]).
pub fn detect_all(repo: &Repo) -> Vec<Report> {
    let root = repo.root();
    let read = || Deployed::read(&Repo::new(root));
    repo::pending(&read, |deployed| {
        let (later, first): (Vec<Stack>, Vec<Stack>) = Stack::ALL
            .iter()
            .partition(|&&stack| stacks::deployed_first(stack));
        let mut reports: Vec<Report> = first
            .into_iter()
            .chain(later)
            .map(|stack| {
                let detection = stacks::detect(stack, repo, &deployed);
                if matches!(detection, Detection::Found { .. }) {
                    render::expect(stack);
                }
                Report { stack, detection }
            })
            .collect();
        reports.sort_by_key(|report| report.stack.index());
        reports
    })
}

/// Picks the one stack to generate for: the one the settings name, or the only one found.
/// Several found without a choice is a question for the user, not an accident of order.
/// When several are found and exactly one has something to run, that one is chosen, with the
/// step that says why.
pub fn choose(
    reports: Vec<Report>,
    root: &Path,
    settings: &Settings,
) -> Result<(Facts, Option<Step>), DetectError> {
    let mut found = Vec::new();
    let mut broken = Vec::new();
    let mut looked_for = Vec::new();
    let mut elsewhere = Vec::new();
    for report in reports {
        if settings.stack.is_some_and(|wanted| wanted != report.stack) {
            if matches!(report.detection, Detection::Found { .. }) {
                elsewhere.push(report.stack);
            }
            continue;
        }
        match report.detection {
            Detection::Found { facts } => found.push(*facts),
            Detection::Broken { error } => broken.push(error),
            Detection::Absent { looked_for: what } => {
                looked_for.push(format!("{what} ({})", report.stack.title()))
            }
        }
    }
    if let Some(error) = broken.into_iter().next() {
        return Err(error);
    }
    match found.len() {
        0 if !elsewhere.is_empty() => Err(DetectError::OtherStack {
            root: shown::line(&root.display().to_string()),
            wanted: settings
                .stack
                .map(|s| s.title().to_string())
                .unwrap_or_default(),
            looked_for: looked_for.join("; "),
            found: elsewhere.iter().map(|s| s.title().to_string()).collect(),
            names: elsewhere.iter().map(|s| s.name().to_string()).collect(),
        }),
        0 => Err(DetectError::NothingFound {
            root: shown::line(&root.display().to_string()),
            looked_for,
        }),
        1 => Ok((found.pop().expect("one element"), None)),
        _ => {
            let runnable: Vec<(usize, Evidence)> = found
                .iter()
                .enumerate()
                .filter_map(|(index, facts)| Some((index, facts.runnable()?)))
                .collect();
            let servers: Vec<&(usize, Evidence)> = runnable
                .iter()
                .filter(|(index, _)| !found[*index].only_static_files())
                .collect();
            if runnable.len() > 1
                && let [(index, evidence)] = servers.as_slice()
            {
                let sites: Vec<Evidence> = runnable
                    .iter()
                    .filter(|(other, _)| other != index)
                    .map(|(_, evidence)| evidence.clone())
                    .collect();
                let facts = found.swap_remove(*index);
                let step = Step {
                    question: "Which stack runs?".to_string(),
                    answer: format!(
                        "{} (the front-end build beside it only writes static files: the server's assets, not an application of their own)",
                        facts.stack().title()
                    ),
                    evidence: std::iter::once(evidence.clone()).chain(sites).collect(),
                };
                return Ok((facts, Some(step)));
            }
            if let [(index, evidence)] = runnable.as_slice() {
                let others: Vec<&str> = found
                    .iter()
                    .enumerate()
                    .filter(|(other, _)| other != index)
                    .map(|(_, facts)| facts.stack().title())
                    .collect();
                let facts = found.swap_remove(*index);
                let step = Step {
                    question: "Which stack runs?".to_string(),
                    answer: format!(
                        "{} (the only one with something to run; {} found nothing runnable)",
                        facts.stack().title(),
                        others.join(", ")
                    ),
                    evidence: vec![evidence.clone()],
                };
                return Ok((facts, Some(step)));
            }
            Err(DetectError::Several {
                what: "stacks".to_string(),
                candidates: found.iter().map(|f| f.stack().name().to_string()).collect(),
                flag: "--stack".to_string(),
            })
        }
    }
}
