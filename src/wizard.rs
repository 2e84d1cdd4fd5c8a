//! The interactive `init`, used only when standard input and output are terminals and `--yes`
//! is not given: asks only what is open (which stack, main package, binary or package when
//! there are several; vendor, then the runtime image of that vendor, when no setting chose them;
//! the port when none was found), then explains the plan and previews the Dockerfile, and writes
//! the files once confirmed, asking once before replacing files that exist.
//!
//! The questions are read key by key on the terminal: Esc, `q` (in a menu) and Ctrl-D end the
//! wizard with nothing written and exit status 1, Ctrl-C with 130; the cursor is shown again on
//! every way out.

use crate::catalog::{self, Family, Vendor};
use crate::config;
use crate::error::{EXIT_FAILURE, EXIT_OK, Error};
use crate::facts::DetectError;
use crate::pipeline::{Generated, generate_layers};
use crate::settings::Layer;
use crate::{explain, stacks, write};
use dialoguer::console::{Key, Term};
use std::io::Write;
use std::path::Path;

/// The exit status of a wizard ended by Ctrl-C (128 + SIGINT, as a shell reports it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Why the wizard stopped before its end.
enum Stop {
    /// Esc, `q` or Ctrl-D: the user left.
    Quit,
    /// Ctrl-C.
    Interrupt,
    Failed(Error),
}

impl From<Error> for Stop {
    fn from(err: Error) -> Stop {
        Stop::Failed(err)
    }
}

impl From<std::io::Error> for Stop {
    fn from(err: std::io::Error) -> Stop {
        Stop::Failed(Error::Output(err))
    }
}

/// Runs the wizard for the project at `root` and writes the files the user accepts.
pub fn run(
    root: &Path,
    base: &[Layer],
    flags: Layer,
    force: bool,
    explicit_config: bool,
    out: &mut dyn Write,
) -> Result<u8, Error> {
    let term = Term::stderr();
    match ask_and_write(&term, root, base, flags, force, explicit_config, out) {
        Ok(code) => Ok(code),
        Err(Stop::Failed(err)) => Err(err),
        Err(stop) => {
            term.show_cursor().ok();
            term.write_line("cancelled: nothing was written").ok();
            Ok(match stop {
                Stop::Interrupt => EXIT_INTERRUPTED,
                _ => EXIT_FAILURE,
            })
        }
    }
}

fn ask_and_write(
    term: &Term,
    root: &Path,
    base: &[Layer],
    mut flags: Layer,
    force: bool,
    explicit_config: bool,
    out: &mut dyn Write,
) -> Result<u8, Stop> {
    writeln!(
        out,
        "shiplight: a production Dockerfile for {}",
        root.display()
    )?;
    out.flush()?;
    let mut generated = settle(term, root, base, &mut flags)?;

    if !generated.settings.vendor_chosen && stacks::vendor_choice(generated.plan.stack) {
        let vendors = [Vendor::Distroless, Vendor::Chainguard];
        let current = vendors
            .iter()
            .position(|v| *v == generated.plan.vendor)
            .unwrap_or(0);
        let index = menu(
            term,
            "Which image vendor?",
            &[
                "distroless (gcr.io/distroless, Debian 13)".to_string(),
                "chainguard (cgr.dev/chainguard, Wolfi)".to_string(),
            ],
            current,
        )?;
        flags.vendor = Some(vendors[index]);
        if index != current {
            generated = settle(term, root, base, &mut flags)?;
        }
    }
    if generated.settings.runtime.is_none() {
        let options = runtime_options(&generated);
        if options.len() > 1 {
            let labels: Vec<String> = options
                .iter()
                .enumerate()
                .map(|(index, (_, repository))| {
                    if index == 0 {
                        format!("{repository} (the smallest that runs it)")
                    } else {
                        repository.clone()
                    }
                })
                .collect();
            let index = menu(term, "Which runtime image?", &labels, 0)?;
            if index != 0 {
                flags.runtime = Some(options[index].0);
                generated = settle(term, root, base, &mut flags)?;
            }
        }
    }
    if generated.plan.app.port.is_none() && generated.settings.port.is_none() {
        let answer = text(
            term,
            "Which port does the application listen on? (empty: none)",
            |text| {
                if text.trim().is_empty() || text.trim().parse::<u16>().is_ok_and(|p| p > 0) {
                    Ok(())
                } else {
                    Err("a port from 1 to 65535, or empty".to_string())
                }
            },
        )?;
        if let Ok(port) = answer.trim().parse::<u16>() {
            flags.port = Some(port);
            generated = settle(term, root, base, &mut flags)?;
        }
    }

    write!(out, "\n{}\n", explain::plan(&generated.plan))?;
    let dockerfile = generated
        .outputs
        .iter()
        .find(|o| o.name == "Dockerfile")
        .map(|o| o.contents.as_str())
        .unwrap_or("");
    writeln!(out, "\n==> Dockerfile (preview) <==\n{dockerfile}")?;
    out.flush()?;
    if !yes_no(term, "Write the files?", true)? {
        writeln!(out, "nothing was written")?;
        return Ok(EXIT_OK);
    }

    let mut files = generated.outputs.clone();
    if !explicit_config {
        files.push(generated.config.clone());
    }
    let repo = crate::repo::Repo::new(root);
    let existing: Vec<String> = files
        .iter()
        .filter(|file| repo.exists(&file.name))
        .map(|file| crate::shown::line(&file.name))
        .collect();
    let replace = force
        || existing.is_empty()
        || yes_no(
            term,
            &format!(
                "{} already {}. Replace {}?",
                existing.join(", "),
                if existing.len() == 1 {
                    "exists"
                } else {
                    "exist"
                },
                if existing.len() == 1 { "it" } else { "them" }
            ),
            false,
        )?;
    let (accepted, kept): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|file| replace || !repo.exists(&file.name));
    for path in write::write_all(root, &accepted, true).map_err(Error::from)? {
        writeln!(out, "wrote {}", path.display())?;
    }
    for file in &kept {
        writeln!(
            out,
            "kept {} (it exists; --force replaces it)",
            root.join(&file.name).display()
        )?;
    }
    if accepted.is_empty() {
        writeln!(out, "nothing was written")?;
    }
    Ok(EXIT_OK)
}

/// The runtime families the plan's vendor can run the project on, each with its image, the
/// smallest first; families one image serves are offered once.
fn runtime_options(generated: &Generated) -> Vec<(Family, String)> {
    let plan = &generated.plan;
    let needed = plan.runtime.family;
    let mut options = vec![(needed, plan.runtime.repository.clone())];
    for family in stacks::usable_families(plan.stack) {
        if *family <= needed || (*family == Family::Web) != (needed == Family::Web) {
            continue;
        }
        let Some(row) = catalog::runtime(plan.stack, plan.vendor, *family, None) else {
            continue;
        };
        if options
            .iter()
            .all(|(_, repository)| repository != row.repository)
        {
            options.push((*family, row.repository.to_string()));
        }
    }
    options
}

/// Generates, asking for each choice detection leaves open until none is left.
fn settle(term: &Term, root: &Path, base: &[Layer], flags: &mut Layer) -> Result<Generated, Stop> {
    loop {
        match generate_layers(root, base, flags.clone()) {
            Ok(generated) => return Ok(generated),
            Err(Error::Detect(DetectError::Several {
                what,
                candidates,
                flag,
            })) => {
                let labels: Vec<String> =
                    candidates.iter().map(|c| crate::shown::line(c)).collect();
                let index = menu(
                    term,
                    &format!("Several {what} found. Which one?"),
                    &labels,
                    0,
                )?;
                choose(flags, &flag, &candidates[index])?;
            }
            Err(Error::Detect(err))
                if crate::commands::steps::wants_start(&err) && flags.commands.start.is_none() =>
            {
                term.write_line(&crate::shown::line(&err.to_string()))?;
                let answer = text(
                    term,
                    "No entry point was found. What is the command to run your app? (exec form, no shell; such as gunicorn app:wsgi -b 0.0.0.0:8000)",
                    |text| start_words(text).map(|_| ()),
                )?;
                flags.commands.start = Some(crate::commands::Set {
                    value: start_words(&answer).map_err(Error::Usage)?,
                    by: "the wizard's answer".to_string(),
                });
            }
            Err(other) => return Err(other.into()),
        }
    }
}

/// The words of a start command the wizard was given, checked as `--start` is.
fn start_words(text: &str) -> Result<Vec<String>, String> {
    crate::commands::split("start", text).and_then(|words| crate::commands::command("start", words))
}

/// Sets the setting a `Several` error names to the chosen candidate (its label up to ` (`).
fn choose(flags: &mut Layer, flag: &str, label: &str) -> Result<(), Error> {
    let value = label.split(" (").next().unwrap_or(label);
    config::set_text(
        flags,
        flag.trim_start_matches("--"),
        value,
        config::Base::Anywhere(Path::new(".")),
    )
    .map_err(|err| Error::Usage(format!("{flag}: {err}")))
}

/// Hides the cursor while it lives and shows it again however its owner ends.
struct HiddenCursor<'a>(&'a Term);

impl<'a> HiddenCursor<'a> {
    fn new(term: &'a Term) -> std::io::Result<HiddenCursor<'a>> {
        term.hide_cursor()?;
        Ok(HiddenCursor(term))
    }
}

impl Drop for HiddenCursor<'_> {
    fn drop(&mut self) {
        let _ = self.0.show_cursor();
        let _ = self.0.flush();
    }
}

/// The stop a cancel key asks for, if `key` is one; `q` only where it is not text.
fn cancel(key: &Key, q_quits: bool) -> Option<Stop> {
    match key {
        Key::CtrlC => Some(Stop::Interrupt),
        Key::Escape | Key::Char('\x04') => Some(Stop::Quit),
        Key::Char('q') if q_quits => Some(Stop::Quit),
        _ => None,
    }
}

/// A line cut to the terminal's width, so that redrawing a menu clears exactly what it drew.
fn fitted(term: &Term, line: &str) -> String {
    let width = usize::from(term.size().1).saturating_sub(1).max(20);
    if line.chars().count() <= width {
        line.to_string()
    } else {
        let mut cut: String = line.chars().take(width - 3).collect();
        cut.push_str("...");
        cut
    }
}

/// Asks for one of `items` with the arrow keys (or j and k) and Enter.
fn menu(term: &Term, question: &str, items: &[String], default: usize) -> Result<usize, Stop> {
    let _cursor = HiddenCursor::new(term)?;
    let mut selected = default.min(items.len().saturating_sub(1));
    loop {
        term.write_line(&fitted(term, question))?;
        for (index, item) in items.iter().enumerate() {
            let marker = if index == selected { ">" } else { " " };
            term.write_line(&fitted(term, &format!("{marker} {item}")))?;
        }
        term.flush()?;
        let key = term.read_key_raw()?;
        term.clear_last_lines(items.len() + 1)?;
        if let Some(stop) = cancel(&key, true) {
            return Err(stop);
        }
        match key {
            Key::ArrowUp | Key::BackTab | Key::Char('k') => {
                selected = (selected + items.len() - 1) % items.len();
            }
            Key::ArrowDown | Key::Tab | Key::Char('j') => {
                selected = (selected + 1) % items.len();
            }
            Key::Enter | Key::Char(' ') => {
                term.write_line(&fitted(term, &format!("{question} {}", items[selected])))?;
                return Ok(selected);
            }
            _ => {}
        }
    }
}

/// Asks a yes-or-no question; Enter gives `default`.
fn yes_no(term: &Term, question: &str, default: bool) -> Result<bool, Stop> {
    let hint = if default { "[Y/n]" } else { "[y/N]" };
    term.write_str(&format!("{question} {hint} "))?;
    term.flush()?;
    let answer = loop {
        let key = term.read_key_raw()?;
        if let Some(stop) = cancel(&key, true) {
            term.write_line("")?;
            return Err(stop);
        }
        match key {
            Key::Char('y' | 'Y') => break true,
            Key::Char('n' | 'N') => break false,
            Key::Enter => break default,
            _ => {}
        }
    };
    term.write_line(if answer { "yes" } else { "no" })?;
    Ok(answer)
}

/// Asks for a line of text, asking again while `check` refuses it.
fn text(
    term: &Term,
    question: &str,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<String, Stop> {
    loop {
        term.write_str(&format!("{question} "))?;
        term.flush()?;
        let mut answer = String::new();
        loop {
            let key = term.read_key_raw()?;
            if let Some(stop) = cancel(&key, false) {
                term.write_line("")?;
                return Err(stop);
            }
            match key {
                Key::Enter => break,
                Key::Backspace if answer.pop().is_some() => {
                    term.write_str("\x08 \x08")?;
                }
                Key::Char(c) if !c.is_control() => {
                    answer.push(c);
                    term.write_str(c.encode_utf8(&mut [0; 4]))?;
                }
                _ => {}
            }
            term.flush()?;
        }
        term.write_line("")?;
        match check(&answer) {
            Ok(()) => return Ok(answer),
            Err(message) => term.write_line(&format!("  {message}"))?,
        }
    }
}
