//! shiplight turns a source repository into a production container recipe.
//!
//! Data flows one way: [`detect`] (facts and evidence per stack) -> [`decide`] (the tree as
//! data, with its trace) -> [`plan`] (one serializable struct) -> [`render`] (embedded minijinja
//! templates) -> [`write`] (atomic, no clobbering).

pub mod catalog;
pub mod cli;
pub mod decide;
pub mod detect;
pub mod error;
pub mod evidence;
pub mod explain;
pub mod manifest;
pub mod plan;
pub mod render;
pub mod safe;
pub mod settings;
pub mod stack;
pub mod stacks;
pub mod write;

use cli::{Cli, Command, OnlyFile, Overrides};
use error::{EXIT_OK, EXIT_USAGE, Error};
use render::Output;
use settings::Settings;
use std::io::Write;
use std::path::Path;

/// Runs a parsed command, writing its normal output to `out`; returns the exit code.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<u8, Error> {
    match cli.command {
        Command::Init(args) => {
            let (plan, outputs) = generate(&args.path, &args.overrides)?;
            for warning in &plan.warnings {
                eprintln!("warning: {warning}");
            }
            if args.stdout {
                print_outputs(out, &outputs, args.only)?;
            } else {
                let written = write::write_all(&args.path, &outputs, args.force)?;
                for path in written {
                    writeln!(out, "wrote {}", path.display())?;
                }
                writeln!(
                    out,
                    "runtime: {} ({}): {}",
                    plan.runtime.image, plan.runtime.family, plan.reason
                )?;
            }
            Ok(EXIT_OK)
        }
        Command::Detect(args) => {
            check_dir(&args.path)?;
            let reports = detect::detect_all(&args.path);
            if args.json {
                writeln!(out, "{}", to_json(&reports))?;
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
                for &stack in stack::Stack::ALL {
                    if args.overrides.stack.is_none_or(|wanted| wanted == stack) {
                        write!(out, "{}", decide::print_tree(stack, &stacks::tree(stack)))?;
                    }
                }
                return Ok(EXIT_OK);
            }
            let (plan, _) = generate(&args.path, &args.overrides)?;
            if args.json {
                writeln!(out, "{}", to_json(&plan))?;
            } else {
                write!(out, "{}", explain::plan(&plan))?;
            }
            Ok(EXIT_OK)
        }
    }
}

/// Detects, decides, plans and renders for the project at `root` with the given overrides.
pub fn generate(root: &Path, overrides: &Overrides) -> Result<(plan::Plan, Vec<Output>), Error> {
    check_dir(root)?;
    let settings = Settings::resolve([overrides.layer()]);
    let facts = detect::choose(detect::detect_all(root), root, &settings)?;
    let plan = plan::build(&facts, &settings)?;
    let outputs = render::render(&plan)?;
    Ok((plan, outputs))
}

fn check_dir(root: &Path) -> Result<(), Error> {
    if root.is_dir() {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "{} is not a directory: pass the project's root",
            root.display()
        )))
    }
}

fn print_outputs(
    out: &mut dyn Write,
    outputs: &[Output],
    only: Option<OnlyFile>,
) -> Result<(), Error> {
    let wanted = only.map(|only| match only {
        OnlyFile::Dockerfile => "Dockerfile",
        OnlyFile::Dockerignore => ".dockerignore",
    });
    for output in outputs {
        match wanted {
            Some(name) if name != output.name => {}
            Some(_) => write!(out, "{}", output.contents)?,
            None => write!(out, "==> {} <==\n{}", output.name, output.contents)?,
        }
    }
    Ok(())
}

fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("plain data serializes")
}
