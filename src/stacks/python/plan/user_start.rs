//! A start command the user set (`start`), resolved against what the Python build produces:
//! the runtime's interpreter through the venv (`python`, `python3`), a `.py` file of the
//! project run by it, or a program in the venv's bin (a console script of the project, or one
//! a dependency installs: `gunicorn`, `uvicorn`, `celery`, `waitress-serve`). gunicorn and
//! uvicorn, when no dependency installs them, are installed at a pinned version as the
//! never-a-development-server default installs them; any other program the venv will not hold
//! is refused, naming what was looked for.

use super::{Planner, VENV};
use crate::catalog;
use crate::commands::steps::evidence;
use crate::commands::{Set, shown, start_port};
use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::settings::Settings;
use crate::stacks::python::entry::Entry;
use crate::trace::Step;

/// Whether `name` is an interpreter name: `python`, `python3` or `python3.N`.
fn interpreter(name: &str) -> bool {
    name == "python"
        || name == "python3"
        || name
            .strip_prefix("python3.")
            .is_some_and(|minor| !minor.is_empty() && minor.chars().all(|c| c.is_ascii_digit()))
}

impl Planner<'_> {
    /// The command, the summary's start line, the port and the step for a start the settings
    /// give, replacing the detected entry (named in the step) when there is one.
    pub(super) fn user_start(
        &mut self,
        start: &Set<Vec<String>>,
        entry: Option<&Entry>,
        settings: &Settings,
    ) -> Result<(Vec<String>, String, Option<u16>, Step), DetectError> {
        let words = &start.value;
        let text = shown(words);
        let program = words[0]
            .strip_prefix(&format!("{VENV}/bin/"))
            .unwrap_or(&words[0]);
        let rest = &words[1..];
        let python = format!("{VENV}/bin/python");
        let project_file = |path: &str| {
            let path = path.trim_start_matches("./");
            settings
                .commands
                .found
                .contains(&crate::repo::join(&self.app.dir, path))
        };
        let (program_path, how) = if interpreter(program) {
            if let Some(script) = rest.first().filter(|w| w.ends_with(".py"))
                && !project_file(script)
            {
                return Err(self.refuse_start(&text, &format!("the script {script}")));
            }
            (
                python,
                format!("{program} is the runtime's interpreter, through the venv"),
            )
        } else if program.ends_with(".py") {
            if !project_file(program) {
                return Err(self.refuse_start(&text, &format!("the script {program}")));
            }
            let mut command = vec![python, program.trim_start_matches("./").to_string()];
            command.extend(rest.iter().cloned());
            return Ok(self.started(
                start,
                entry,
                command,
                format!("{program} is a file of the project, run by the runtime's interpreter"),
            ));
        } else if !program.contains('/') && self.venv_holds(program) {
            (
                format!("{VENV}/bin/{program}"),
                format!("{program} is in the venv's bin ({})", self.installed_by(program)),
            )
        } else if matches!(program, "gunicorn" | "uvicorn") {
            let (server, version, looked_for) = match program {
                "gunicorn" => ("gunicorn", catalog::GUNICORN_VERSION, "gunicorn"),
                _ => ("uvicorn", catalog::UVICORN_VERSION, "uvicorn"),
            };
            self.add_server(server, version, looked_for)?;
            (
                format!("{VENV}/bin/{program}"),
                format!("{program} is in the venv's bin (installed by shiplight)"),
            )
        } else {
            return Err(self.refuse_start(&text, program));
        };
        let mut command = vec![program_path];
        command.extend(rest.iter().cloned());
        Ok(self.started(start, entry, command, how))
    }

    /// The result of a resolved start: the step says the setting and the entry it replaces.
    fn started(
        &self,
        start: &Set<Vec<String>>,
        entry: Option<&Entry>,
        command: Vec<String>,
        how: String,
    ) -> (Vec<String>, String, Option<u16>, Step) {
        let text = shown(&start.value);
        let replaced = match entry {
            Some(entry) => format!(
                "; replaces the detected start {}",
                super::super::describe_start(&entry.start)
            ),
            None => "; detection found no entry point".to_string(),
        };
        let mut evidence_list = vec![evidence("start", start, &text)];
        evidence_list.extend(entry.map(|entry| entry.evidence.clone()));
        let port = start_port(&start.value);
        let step = Step {
            question: "How does the application start?".to_string(),
            answer: format!(
                "{} (set by {}: {how}{replaced})",
                command.join(" "),
                start.by
            ),
            evidence: evidence_list,
        };
        (command, format!("{text} (the start setting)"), port, step)
    }

    /// Whether the venv's bin will hold `program`: a console script of the project, or a
    /// program a dependency named like it installs (`gunicorn`, or `waitress-serve` of
    /// `waitress`).
    fn venv_holds(&self, program: &str) -> bool {
        self.app.project.scripts.iter().any(|(name, _, _)| name == program)
            || self.dependency_of(program).is_some()
    }

    /// The dependency that installs `program`: one named like it, or its prefix before a `-`.
    fn dependency_of(&self, program: &str) -> Option<Evidence> {
        let name = super::super::project::normalize(program);
        let mut candidates = vec![name.clone()];
        let mut rest = name.as_str();
        while let Some((head, _)) = rest.rsplit_once('-') {
            candidates.push(head.to_string());
            rest = head;
        }
        candidates.iter().find_map(|candidate| {
            self.app
                .project
                .dependencies
                .get(candidate)
                .or_else(|| self.facts.packages.get(candidate))
                .cloned()
        })
    }

    /// What installs `program` into the venv's bin, for the step.
    fn installed_by(&self, program: &str) -> String {
        match self.app.project.scripts.iter().find(|(name, _, _)| name == program) {
            Some((_, _, seen)) => format!("a console script of the project, {}", seen.place()),
            None => match self.dependency_of(program) {
                Some(seen) => format!("installed by a dependency, {}", seen.place()),
                None => "installed by a dependency".to_string(),
            },
        }
    }

    /// The refusal of a start whose program the image will not hold.
    fn refuse_start(&self, text: &str, missing: &str) -> DetectError {
        let scripts: Vec<&str> = self
            .app
            .project
            .scripts
            .iter()
            .map(|(name, _, _)| name.as_str())
            .collect();
        DetectError::Broken {
            file: "settings".to_string(),
            line: None,
            cause: format!(
                "start = {text}: the image will not hold {missing}. Looked for python or python3 (the runtime's interpreter), a .py file of the project{}, a console script of the project ({}) and a program a dependency installs into {VENV}/bin (a dependency named like it, such as gunicorn or waitress for waitress-serve)",
                if self.app.dir.is_empty() {
                    String::new()
                } else {
                    format!(" (under {})", self.app.dir)
                },
                if scripts.is_empty() {
                    "none".to_string()
                } else {
                    scripts.join(", ")
                }
            ),
        }
    }
}
