//! The evidence record and what moved: every step of the trace that a line of a project file
//! decided is written into the Dockerfile's header as one `# Evidence:` line (question, short
//! answer, the file lines that gave it). `check` reads the record of the Dockerfile on disk and
//! names, for each decision whose answer is not the same now, the line that decides it now (or
//! the line that decided it before, when none does any more).

use crate::evidence::Evidence;
use crate::trace::Step;

/// The prefix of a record line in the Dockerfile.
pub const PREFIX: &str = "# Evidence: ";

/// Between a record line's question and its answer.
const ANSWER: &str = " -> ";

/// Between a record line's answer and its evidence.
const BY: &str = " <- ";

/// Longest answer or evidence detail a record line holds.
const CAP: usize = 80;

/// The record of a trace: one line (without [`PREFIX`], comment-safe) per step that a line of
/// a project file decided.
pub fn record(trace: &[Step]) -> Vec<String> {
    trace
        .iter()
        .filter_map(|step| {
            let lines = file_lines(step);
            (!lines.is_empty()).then(|| {
                crate::safe::comment(&format!(
                    "{}{ANSWER}{}{BY}{}",
                    step.question,
                    short(&step.answer),
                    lines
                        .iter()
                        .map(|e| format!("{}: {}", e.place(), detail(&e.detail)))
                        .collect::<Vec<_>>()
                        .join("; ")
                ))
            })
        })
        .collect()
}

/// Whether `line` of a generated file is a record line.
pub fn is_record(line: &str) -> bool {
    line.starts_with(PREFIX)
}

/// The evidence of a step read from a line of a project file (not a setting or the catalogue,
/// which have no line).
fn file_lines(step: &Step) -> Vec<&Evidence> {
    step.evidence.iter().filter(|e| e.line.is_some()).collect()
}

/// The leading part of an answer or detail, up to its first clause break, at most [`CAP`]
/// characters, and never holding the record's separators.
fn short(text: &str) -> String {
    let cut = [": ", "; ", " ("]
        .iter()
        .filter_map(|sep| text.find(sep))
        .min()
        .unwrap_or(text.len());
    short_cap(&text[..cut].replace(ANSWER, " ").replace(BY, " "))
}

/// An evidence detail as a record line holds it: up to its first `; `, at most [`CAP`]
/// characters (its value stays: `packageManager: "pnpm@9.12.0"`).
fn detail(text: &str) -> String {
    let head = text.split("; ").next().unwrap_or(text);
    short_cap(&head.replace(ANSWER, " ").replace(BY, " "))
}

fn short_cap(head: &str) -> String {
    match head.char_indices().nth(CAP) {
        Some((at, _)) => format!("{}...", &head[..at]),
        None => head.to_string(),
    }
}

/// One record line of a Dockerfile on disk.
struct Recorded<'a> {
    question: &'a str,
    answer: &'a str,
    by: &'a str,
}

fn parse(line: &str) -> Option<Recorded<'_>> {
    let rest = line.strip_prefix(PREFIX)?;
    let (question, rest) = rest.split_once(ANSWER)?;
    let (answer, by) = rest.split_once(BY).unwrap_or((rest, ""));
    Some(Recorded {
        question,
        answer,
        by,
    })
}

/// The decisions that changed between the Dockerfile on disk (`on_disk`, its text) and the
/// trace it would be generated from now, one line each naming the file line that decides it
/// now, or the one that decided it before. Empty when the file on disk holds no record (written
/// by an older version) or no recorded decision changed.
pub fn moved(on_disk: &str, trace: &[Step]) -> Vec<String> {
    let before: Vec<Recorded> = on_disk.lines().filter_map(parse).collect();
    if before.is_empty() {
        return Vec::new();
    }
    let mut lines = Vec::new();
    for old in &before {
        let Some(step) = trace.iter().find(|s| s.question == old.question) else {
            lines.push(format!(
                "{} was {}, decided by {}; it is no longer asked",
                old.question, old.answer, old.by
            ));
            continue;
        };
        let answer = crate::safe::comment(&short(&step.answer));
        if answer == old.answer {
            continue;
        }
        let now = file_lines(step);
        lines.push(if now.is_empty() {
            format!(
                "{} {} -> {}: {} no longer decides it",
                old.question, old.answer, answer, old.by
            )
        } else {
            let now = places(&now);
            let was = if now == old.by {
                String::new()
            } else {
                format!(" (was {})", old.by)
            };
            format!("{} {} -> {answer}: {now}{was}", old.question, old.answer)
        });
    }
    for step in trace {
        let now = file_lines(step);
        if now.is_empty() || before.iter().any(|old| old.question == step.question) {
            continue;
        }
        lines.push(format!(
            "{} -> {}: {} (new)",
            step.question,
            crate::safe::comment(&short(&step.answer)),
            places(&now)
        ));
    }
    lines
}

fn places(evidence: &[&Evidence]) -> String {
    crate::safe::comment(
        &evidence
            .iter()
            .map(|e| format!("{}: {}", e.place(), detail(&e.detail)))
            .collect::<Vec<_>>()
            .join("; "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(question: &str, answer: &str, evidence: Vec<Evidence>) -> Step {
        Step {
            question: question.to_string(),
            answer: answer.to_string(),
            evidence,
        }
    }

    fn dockerfile(trace: &[Step]) -> String {
        record(trace)
            .iter()
            .map(|line| format!("{PREFIX}{line}\n"))
            .collect()
    }

    #[test]
    fn a_changed_answer_names_the_line_deciding_it_now() {
        let before = [
            step(
                "Go version?",
                "1.26",
                vec![Evidence::line("go.mod", 3, "go directive")],
            ),
            step(
                "cgo?",
                "yes",
                vec![Evidence::line("main.go", 7, "import \"C\"")],
            ),
        ];
        let disk = dockerfile(&before);
        assert_eq!(
            disk,
            "# Evidence: Go version? -> 1.26 <- go.mod:3: go directive\n\
             # Evidence: cgo? -> yes <- main.go:7: import \"C\"\n"
        );
        assert!(moved(&disk, &before).is_empty());
        let now = [
            step(
                "Go version?",
                "1.27",
                vec![Evidence::line("go.mod", 4, "go directive")],
            ),
            step("cgo?", "no", Vec::new()),
            step(
                "Node major?",
                "24: the newest",
                vec![Evidence::line("package.json", 5, "engines.node")],
            ),
        ];
        assert_eq!(
            moved(&disk, &now),
            [
                "Go version? 1.26 -> 1.27: go.mod:4: go directive (was go.mod:3: go directive)",
                "cgo? yes -> no: main.go:7: import \"C\" no longer decides it",
                "Node major? -> 24: package.json:5: engines.node (new)",
            ]
        );
    }

    #[test]
    fn lines_that_move_without_a_new_answer_are_not_reported() {
        let before = [step("Q?", "a", vec![Evidence::line("f", 3, "x")])];
        let now = [step("Q?", "a", vec![Evidence::line("f", 9, "x")])];
        assert!(moved(&dockerfile(&before), &now).is_empty());
        assert!(moved("# no record\n", &now).is_empty());
    }

    #[test]
    fn answers_are_cut_at_their_first_clause_and_cannot_forge_a_line() {
        assert_eq!(short("yes: because"), "yes");
        assert_eq!(short("a (b); c"), "a");
        assert_eq!(short("x -> y <- z"), "x y z");
        assert_eq!(short(&"a".repeat(100)).len(), CAP + 3);
        let forged = record(&[step("Q?", "a\nRUN x", vec![Evidence::line("f", 1, "d")])]);
        assert!(!forged[0].contains('\n'));
    }
}
