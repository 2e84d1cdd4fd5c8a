//! shiplight turns a source repository into a production container recipe.
//!
//! Data flows one way, in one pass ([`pipeline`]): [`detect`] (facts and evidence per stack) ->
//! the stack's plan, which walks its tree through [`decide`] -> [`plan`] (one serializable
//! struct, its trace assembled there) -> [`render`] (templates embedded by folder) ->
//! [`write`](mod@write) (atomic, no clobbering) or [`check`].
//!
//! The modules stand on four floors; a module imports only from its own floor or those below,
//! and no modules import from each other in a circle (`tests/floors.rs`):
//! 1. ground: [`repo`] (the only way into a project's files), [`evidence`], [`facts`],
//!    [`trace`], [`safe`], [`shown`], [`output`], [`manifest`], [`lines`], [`catalog`],
//!    [`settings`], [`recorded`], [`config`], [`images`], [`credentials`], [`version`],
//!    [`registry`], and [`stack`], the registry that lists the stacks;
//! 2. stacks: [`stacks`] (the trait each stack implements, one folder per stack, and every
//!    dispatch, made from the registry);
//! 3. pipeline: [`pipeline`], [`detect`], [`decide`], [`plan`], [`render`], [`promise`],
//!    [`write`](mod@write), [`check`], [`moved`], [`pinned`], [`error`] (every area's error folded into one, with its
//!    exit code);
//! 4. commands: this module (init, check, explain, detect), [`monorepo`], [`wizard`],
//!    [`explain`], [`pins`], [`verify`], [`strict`], [`cli`].

pub mod catalog;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod credentials;
pub mod decide;
pub mod deployed;
pub mod detect;
pub mod error;
pub mod evidence;
pub mod explain;
pub mod facts;
pub mod images;
pub mod lines;
pub mod manifest;
pub mod monorepo;
pub mod moved;
pub mod output;
pub mod pinned;
pub mod pins;
pub mod pipeline;
pub mod plan;
pub mod promise;
pub mod recorded;
pub mod registry;
pub mod render;
pub mod repo;
pub mod safe;
pub mod settings;
pub mod shown;
pub mod stack;
pub mod stacks;
pub mod strict;
pub mod system;
pub mod system_plan;
pub mod trace;
pub mod verify;
pub mod version;
pub mod wizard;
pub mod write;

use clap::CommandFactory;
use cli::{Cli, Command, InitArgs, ManArgs, OnlyFile, Overrides, TemplatesCommand};
use error::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE, Error};
pub use pipeline::{Environment, Generated, check_dir, generate_detected, generate_layers};
use render::Output;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Runs a parsed command, writing its normal output to `out`; returns the exit code, which is 1
/// when the command warned under `--strict` ([`strict`]).
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<u8, Error> {
    let env = Environment::current();
    let strict = strict::enabled(cli.strict, &env)?;
    shown::take_warnings();
    let code = run_command(cli.command, env, out)?;
    out.flush()?;
    Ok(strict::verdict(strict, code, &shown::take_warnings()))
}

fn run_command(command: Command, env: Environment, out: &mut dyn Write) -> Result<u8, Error> {
    match command {
        Command::Init(args) if args.all => monorepo::init(&args, &env, out),
        Command::Init(args) => init(&args, &env, out),
        Command::Verify(args) => verify::run(&args, &env, out),
        Command::Pins(args) => pins::run(&args, &env, out),
        Command::Check(args) if args.all => monorepo::check(&args.path, &args.overrides, &env, out),
        Command::Check(args) => {
            let generated = match generate_in(&args.path, &args.overrides, &env) {
                Err(err @ Error::Detect(crate::facts::DetectError::Several { .. })) => {
                    writeln!(
                        out,
                        "{err}\ndrift: a choice the files were generated without is open now; make it in {} and run `shiplight init --force`",
                        config::FILE_NAME
                    )?;
                    return Ok(EXIT_FAILURE);
                }
                other => other?,
            };
            for warning in &generated.warnings {
                output::warn(warning);
            }
            output::detail(&explain::plan(&generated.plan));
            let decided = [check::Decided {
                dockerfile: "Dockerfile".to_string(),
                trace: &generated.plan.trace,
                digests: generated.settings.digests.as_ref().map(pinned::shown),
            }];
            let drift = check::compare(&args.path, &generated.outputs, &decided, out)?;
            for value in &generated.recorded {
                writeln!(
                    out,
                    "{}: {value}, written by an older shiplight that recorded detected values: delete the line to follow the project, or run `shiplight init --force` to keep it as a choice",
                    args.path.join(config::FILE_NAME).display()
                )?;
            }
            Ok(if drift || !generated.recorded.is_empty() {
                EXIT_FAILURE
            } else {
                EXIT_OK
            })
        }
        Command::Detect(args) => {
            check_dir(&args.path)?;
            let reports = detect::detect_all(&repo::Repo::new(&args.path));
            if args.json {
                #[derive(serde::Serialize)]
                struct Detected<'a> {
                    stacks: &'a [detect::Report],
                }
                writeln!(
                    out,
                    "{}",
                    output::json_document(&Detected { stacks: &reports })
                )?;
            } else {
                write!(out, "{}", explain::detection(&reports))?;
            }
            let found = reports
                .iter()
                .any(|r| matches!(r.detection, detect::Detection::Found { .. }));
            Ok(if found { EXIT_OK } else { EXIT_USAGE })
        }
        Command::Explain(args) => {
            if args.tree {
                writeln!(
                    out,
                    "Vendors: distroless (default) and chainguard (--vendor). {}\n",
                    catalog::DHI_NOT_OFFERED
                )?;
                for &stack in stack::Stack::ALL {
                    if args.overrides.stack.is_none_or(|wanted| wanted == stack) {
                        write!(out, "{}", decide::print_tree(stack, &stacks::tree(stack)))?;
                    }
                }
                return Ok(EXIT_OK);
            }
            let generated = generate_in(&args.path, &args.overrides, &env)?;
            for warning in &generated.warnings {
                shown::noted(warning);
            }
            if args.json {
                writeln!(out, "{}", output::json_document(&generated.plan))?;
            } else {
                write!(out, "{}", explain::plan(&generated.plan))?;
            }
            Ok(EXIT_OK)
        }
        Command::Templates(TemplatesCommand::Export { dir, force }) => {
            let written = write::write_all(&dir, &render::embedded(), force)?;
            output::done(
                out,
                &format!(
                    "wrote {} templates under {}; use them with --templates {} or `templates` in shiplight.toml",
                    written.len(),
                    dir.display(),
                    dir.display()
                ),
            )?;
            Ok(EXIT_OK)
        }
        Command::Completions(args) => {
            clap_complete::generate(args.shell, &mut Cli::command(), "shiplight", out);
            Ok(EXIT_OK)
        }
        Command::Man(args) => man(&args, out),
    }
}

/// `man`: the page of shiplight or of the subcommand named, or every page written into a
/// directory. The pages are made from the built command, without the `help` subcommand, so
/// each page another names (`shiplight-init(1)`) is one `--dir` writes.
fn man(args: &ManArgs, out: &mut dyn Write) -> Result<u8, Error> {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    if let Some(dir) = &args.dir {
        std::fs::create_dir_all(dir)?;
        clap_mangen::generate_to(command, dir)?;
        output::done(out, &format!("wrote the man pages under {}", dir.display()))?;
        return Ok(EXIT_OK);
    }
    let mut page = command;
    for name in &args.command {
        let names: Vec<String> = page
            .get_subcommands()
            .map(|sub| sub.get_name().to_string())
            .collect();
        page = page.find_subcommand(name).cloned().ok_or_else(|| {
            Error::Usage(format!(
                "man: {} has no subcommand {:?}; it has: {}",
                page.get_display_name().unwrap_or(page.get_name()),
                shown::line(name),
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ))
        })?;
    }
    clap_mangen::Man::new(page).render(out)?;
    Ok(EXIT_OK)
}

fn init(args: &InitArgs, env: &Environment, out: &mut dyn Write) -> Result<u8, Error> {
    check_dir(&args.path)?;
    let base = pipeline::base_layers(&args.path, args.overrides.config.as_deref(), env)?;
    let flags = args.overrides.layer().map_err(Error::Usage)?;
    let interactive = !args.yes
        && !args.stdout
        && std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal();
    if interactive {
        return wizard::run(
            &args.path,
            &base,
            flags,
            args.force,
            args.overrides.config.is_some(),
            out,
        );
    }
    let generated = generate_layers(&args.path, &base, flags).map_err(unattended)?;
    for warning in &generated.warnings {
        output::warn(warning);
    }
    output::detail(&explain::plan(&generated.plan));
    if args.stdout {
        print_outputs(out, &generated.outputs, args.only, Sink::of_stdout())?;
        return Ok(EXIT_OK);
    }
    let mut outputs = generated.outputs.clone();
    if config::init_writes(&args.path, args.overrides.config.is_some(), args.force) {
        outputs.push(generated.config.clone());
    }
    let written =
        write::write_all(&args.path, &outputs, args.force).map_err(write::WriteError::printable)?;
    for path in written {
        output::done(out, &format!("wrote {}", path.display()))?;
    }
    output::done(
        out,
        &format!(
            "runtime: {} ({}): {}",
            generated.plan.runtime.image, generated.plan.runtime.family, generated.plan.reason
        ),
    )?;
    Ok(EXIT_OK)
}

/// An error of an unattended run: a choice left open says so, with what settles it.
fn unattended(err: Error) -> Error {
    match err {
        Error::Detect(crate::facts::DetectError::Several { .. }) => Error::Usage(format!(
            "{err}\n(no terminal to ask on, or --yes given: shiplight does not guess)"
        )),
        other => other,
    }
}

/// Detects, decides, plans and renders for the project at `root` with the given flags, reading
/// shiplight.toml and the SHIPLIGHT_* environment of this process.
pub fn generate(root: &Path, overrides: &Overrides) -> Result<(plan::Plan, Vec<Output>), Error> {
    let generated = generate_in(root, overrides, &Environment::current())?;
    Ok((generated.plan, generated.outputs))
}

/// [`generate`] with an explicit environment, returning everything generated.
pub fn generate_in(
    root: &Path,
    overrides: &Overrides,
    env: &Environment,
) -> Result<Generated, Error> {
    let flags = overrides.layer().map_err(Error::Usage)?;
    pipeline::generate(root, overrides.config.as_deref(), flags, env)
}

/// Where standard output goes, which decides how `init --stdout` prints several files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sink {
    /// A person reads it.
    Terminal,
    /// A redirection into one file (`> Dockerfile`).
    File,
    /// A pipe or anything else a program reads.
    Pipe,
}

impl Sink {
    /// Where this process's standard output goes.
    pub fn of_stdout() -> Sink {
        use std::os::fd::AsFd;
        let stdout = std::io::stdout();
        if stdout.is_terminal() {
            return Sink::Terminal;
        }
        let is_file = stdout
            .as_fd()
            .try_clone_to_owned()
            .map(std::fs::File::from)
            .and_then(|file| file.metadata())
            .is_ok_and(|meta| meta.is_file());
        if is_file { Sink::File } else { Sink::Pipe }
    }
}

/// Prints the generated files: the one `--only` names alone; one file alone when no person
/// reads; the Dockerfile alone when standard output is a file (saying on standard error what
/// was left out); else each after a `==> NAME <==` line.
fn print_outputs(
    out: &mut dyn Write,
    outputs: &[Output],
    only: Option<OnlyFile>,
    sink: Sink,
) -> Result<(), Error> {
    let wanted = match only {
        Some(OnlyFile::Dockerfile) => Some("Dockerfile"),
        Some(OnlyFile::Dockerignore) => Some(".dockerignore"),
        None if sink != Sink::Terminal && outputs.len() == 1 => Some(outputs[0].name.as_str()),
        None if sink == Sink::File => {
            let left: Vec<&str> = outputs
                .iter()
                .map(|output| output.name.as_str())
                .filter(|name| *name != "Dockerfile")
                .collect();
            if !left.is_empty() {
                output::note(&format!(
                    "standard output is a file, so it holds the Dockerfile alone; not printed: {} (`--only dockerignore` prints the .dockerignore; `init` without --stdout writes them all)",
                    left.join(", ")
                ));
            }
            Some("Dockerfile")
        }
        None => None,
    };
    for output in outputs {
        match wanted {
            Some(name) if name != output.name => {}
            Some(_) => write!(out, "{}", output.contents)?,
            None => write!(out, "==> {} <==\n{}", output.name, output.contents)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use std::path::PathBuf;

    /// Every fixture rendered with `--vendor chainguard`, once with the catalogue as written
    /// and once as it will read when each `latest` tag has moved to its next release: the files
    /// must be the same apart from comments, or a Dockerfile depends on a floating version.
    fn chainguard_outputs(next_release: bool) -> Vec<(String, String)> {
        catalog::assume_next_release(next_release);
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&fixtures)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.is_dir())
            .collect();
        dirs.sort();
        let mut out = Vec::new();
        for dir in dirs {
            let args = std::fs::read_to_string(dir.with_extension("args")).unwrap_or_default();
            if args.contains("--vendor") {
                continue;
            }
            let line = ["shiplight", "init", "--stdout", "--vendor", "chainguard"]
                .into_iter()
                .map(str::to_string)
                .chain([dir.display().to_string()])
                .chain(args.split_whitespace().map(str::to_string));
            let Command::Init(init) = Cli::parse_from(line).command else {
                unreachable!("init parses as init")
            };
            let env = Environment {
                vars: Vec::new(),
                cwd: dir.clone(),
            };
            let name = dir.file_name().unwrap().to_string_lossy().to_string();
            match generate_in(&dir, &init.overrides, &env) {
                Ok(generated) => {
                    for output in generated.outputs {
                        let text: Vec<&str> = output
                            .contents
                            .lines()
                            .filter(|line| !line.trim_start().starts_with('#'))
                            .collect();
                        out.push((format!("{name}/{}", output.name), text.join("\n")));
                    }
                }
                Err(err) => out.push((name, format!("refused: {}", err.exit_code()))),
            }
        }
        catalog::assume_next_release(false);
        out
    }

    #[test]
    fn chainguard_output_survives_latest_moving_to_the_next_release() {
        let today = chainguard_outputs(false);
        let next = chainguard_outputs(true);
        assert!(today.len() > 60, "{} outputs", today.len());
        assert!(
            today
                .iter()
                .any(|(name, text)| name.starts_with("python-") && text.contains("/usr/bin/python"))
        );
        assert_eq!(today.len(), next.len());
        for ((name, now), (_, later)) in today.iter().zip(&next) {
            assert_eq!(
                now, later,
                "{name} changes when Chainguard's latest moves to its next release"
            );
        }
    }

    #[test]
    fn next_releases() {
        assert_eq!(catalog::next_release("3.14.0"), "3.15.0");
        assert_eq!(catalog::next_release("1.27"), "1.28");
        assert_eq!(catalog::next_release("26"), "27");
        assert_eq!(catalog::next_release("8.5"), "8.6");
    }
}
