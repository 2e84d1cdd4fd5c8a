//! The interactive `init` (dialoguer), used only when standard input and output are terminals
//! and `--yes` is not given: shows what was detected, asks only what is open (which stack,
//! main package, binary or package when there are several; vendor and runtime family when no
//! setting chose them; the port when none was found), previews the Dockerfile, and confirms each
//! existing file before replacing it.

use crate::catalog::{Family, Vendor};
use crate::config;
use crate::error::{EXIT_OK, Error};
use crate::facts::DetectError;
use crate::pipeline::{Generated, generate_layers};
use crate::settings::Layer;
use crate::{explain, stacks, write};
use dialoguer::theme::SimpleTheme;
use dialoguer::{Confirm, Input, Select};
use std::io::Write;
use std::path::Path;

/// Runs the wizard for the project at `root` and writes the files the user accepts.
pub fn run(
    root: &Path,
    base: &[Layer],
    mut flags: Layer,
    force: bool,
    explicit_config: bool,
    out: &mut dyn Write,
) -> Result<u8, Error> {
    let theme = SimpleTheme;
    writeln!(
        out,
        "shiplight: a production Dockerfile for {}",
        root.display()
    )?;
    let mut generated = settle(root, base, &mut flags, &theme)?;
    write!(out, "\n{}\n", explain::plan(&generated.plan))?;

    let mut changed = false;
    if !generated.settings.vendor_chosen && stacks::vendor_choice(generated.plan.stack) {
        let vendors = [Vendor::Distroless, Vendor::Chainguard];
        let current = vendors
            .iter()
            .position(|v| *v == generated.plan.vendor)
            .unwrap_or(0);
        let index = prompt(
            Select::with_theme(&theme)
                .with_prompt("Image vendor")
                .items([
                    "distroless (gcr.io/distroless, Debian 13)",
                    "chainguard (cgr.dev/chainguard, Wolfi)",
                ])
                .default(current)
                .interact(),
        )?;
        flags.vendor = Some(vendors[index]);
        changed |= index != current;
    }
    if generated.settings.runtime.is_none() {
        let needed = generated.plan.runtime.family;
        let options: Vec<Family> = stacks::usable_families(generated.plan.stack)
            .iter()
            .copied()
            .filter(|family| {
                *family >= needed && (*family == Family::Web) == (needed == Family::Web)
            })
            .collect();
        if options.len() > 1 {
            let labels: Vec<String> = options
                .iter()
                .map(|family| {
                    if *family == needed {
                        format!(
                            "{family} (the smallest that runs it: {})",
                            generated.plan.reason
                        )
                    } else {
                        format!("{family}")
                    }
                })
                .collect();
            let index = prompt(
                Select::with_theme(&theme)
                    .with_prompt("Runtime image family")
                    .items(&labels)
                    .default(0)
                    .interact(),
            )?;
            if options[index] != needed {
                flags.runtime = Some(options[index]);
                changed = true;
            }
        }
    }
    if generated.plan.app.port.is_none() && generated.settings.port.is_none() {
        let answer: String = prompt(
            Input::with_theme(&theme)
                .with_prompt("Port the application listens on (empty: none)")
                .allow_empty(true)
                .validate_with(|text: &String| -> Result<(), String> {
                    if text.trim().is_empty() || text.trim().parse::<u16>().is_ok_and(|p| p > 0) {
                        Ok(())
                    } else {
                        Err("a port from 1 to 65535, or empty".to_string())
                    }
                })
                .interact_text(),
        )?;
        if let Ok(port) = answer.trim().parse::<u16>() {
            flags.port = Some(port);
            changed = true;
        }
    }
    if changed {
        generated = settle(root, base, &mut flags, &theme)?;
    }

    let dockerfile = generated
        .outputs
        .iter()
        .find(|o| o.name == "Dockerfile")
        .map(|o| o.contents.as_str())
        .unwrap_or("");
    writeln!(out, "\n==> Dockerfile (preview) <==\n{dockerfile}")?;
    if !prompt(
        Confirm::with_theme(&theme)
            .with_prompt("Write the files?")
            .default(true)
            .interact(),
    )? {
        writeln!(out, "nothing was written")?;
        return Ok(EXIT_OK);
    }

    let mut files = generated.outputs.clone();
    if !explicit_config {
        files.push(generated.config.clone());
    }
    let mut accepted = Vec::new();
    for file in files {
        let path = root.join(&file.name);
        let exists = crate::repo::Repo::new(root).exists(&file.name);
        let keep = exists
            && !force
            && !prompt(
                Confirm::with_theme(&theme)
                    .with_prompt(format!(
                        "{} exists. Replace it?",
                        crate::shown::line(&path.display().to_string())
                    ))
                    .default(false)
                    .interact(),
            )?;
        if keep {
            writeln!(out, "kept {}", path.display())?;
        } else {
            accepted.push(file);
        }
    }
    for path in write::write_all(root, &accepted, true)? {
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(EXIT_OK)
}

/// Generates, asking for each choice detection leaves open until none is left.
fn settle(
    root: &Path,
    base: &[Layer],
    flags: &mut Layer,
    theme: &SimpleTheme,
) -> Result<Generated, Error> {
    loop {
        match generate_layers(root, base, flags.clone()) {
            Ok(generated) => return Ok(generated),
            Err(Error::Detect(DetectError::Several {
                what,
                candidates,
                flag,
            })) => {
                let index = prompt(
                    Select::with_theme(theme)
                        .with_prompt(format!("Several {what} found. Which one?"))
                        .items(
                            candidates
                                .iter()
                                .map(|c| crate::shown::line(c))
                                .collect::<Vec<_>>(),
                        )
                        .default(0)
                        .interact(),
                )?;
                choose(flags, &flag, &candidates[index])?;
            }
            Err(Error::Detect(err))
                if crate::commands::steps::wants_start(&err) && flags.commands.start.is_none() =>
            {
                writeln!(std::io::stderr(), "{err}").ok();
                let answer: String = prompt(
                    Input::with_theme(theme)
                        .with_prompt(
                            "No entry point was found. What is the command to run your app? (exec form, no shell; such as gunicorn app:wsgi -b 0.0.0.0:8000)",
                        )
                        .validate_with(|text: &String| -> Result<(), String> {
                            start_words(text).map(|_| ())
                        })
                        .interact_text(),
                )?;
                flags.commands.start = Some(crate::commands::Set {
                    value: start_words(&answer).map_err(Error::Usage)?,
                    by: "the wizard's answer".to_string(),
                });
            }
            Err(other) => return Err(other),
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

fn prompt<T>(result: dialoguer::Result<T>) -> Result<T, Error> {
    result.map_err(|dialoguer::Error::IO(err)| Error::Output(err))
}
