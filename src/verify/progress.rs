//! A build's progress while `verify` waits for it, on standard error: on a terminal one line,
//! rewritten in place, naming the build step under way; elsewhere (CI logs) one plain line per
//! step as it starts. The lines are the engine's own (BuildKit's plain progress, `#N [stage
//! i/n] INSTRUCTION`), escaped, since a step's text comes from the Dockerfile and the project.

use super::engine::Progress;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Widest step shown on a terminal's one line.
const WIDTH: usize = 100;

/// The progress reporter for standard error, a terminal or not.
pub fn reporter(terminal: bool) -> Progress {
    let last = Mutex::new(String::new());
    Arc::new(move |line: &str| {
        let Some(step) = step(line) else {
            return;
        };
        let Ok(mut last) = last.lock() else {
            return;
        };
        if *last == step {
            return;
        }
        last.clone_from(&step);
        let mut err = std::io::stderr().lock();
        let _ = if terminal {
            let cut: String = step.chars().take(WIDTH).collect();
            write!(err, "\r\x1b[Kbuilding: {cut}")
        } else {
            writeln!(err, "building: {step}")
        };
        let _ = err.flush();
    })
}

/// Clears the terminal's progress line before the next check is printed.
pub fn clear(terminal: bool) {
    if terminal {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[K");
        let _ = err.flush();
    }
}

/// The step a progress line starts (`#7 [build 3/6] RUN go mod download`), escaped; `None` for
/// the lines in between (output, timings, DONE and CACHED).
fn step(line: &str) -> Option<String> {
    let rest = line.strip_prefix('#')?;
    let digits = rest.find(|c: char| !c.is_ascii_digit())?;
    (digits > 0 && rest[digits..].starts_with(" [")).then(|| crate::shown::line(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_step_lines_are_shown_and_escaped() {
        assert_eq!(
            step("#7 [build 3/6] RUN go mod download").as_deref(),
            Some("#7 [build 3/6] RUN go mod download")
        );
        assert_eq!(step("#7 DONE 0.3s"), None);
        assert_eq!(step("#7 0.215 go: downloading"), None);
        assert_eq!(step("# [x]"), None);
        assert_eq!(
            step("#3 [build 1/2] RUN echo \u{1b}[2J").as_deref(),
            Some("#3 [build 1/2] RUN echo \\u001b[2J")
        );
    }
}
