//! shiplight turns a source repository into a production container recipe.
//!
//! Data flows one way: [`detect`] (facts and evidence per stack) -> [`decide`] (the tree as
//! data, with its trace) -> [`plan`] (one serializable struct) -> [`render`] (embedded minijinja
//! templates) -> [`write`](mod@write) (atomic, no clobbering).
//!
//! The modules stand on four floors; a module imports only from its own floor or those below
//! (`tests/floors.rs` checks it):
//! 1. ground: [`repo`] (the only way into a project's files), [`evidence`], [`facts`],
//!    [`trace`], [`safe`], [`shown`], [`manifest`], [`catalog`], [`settings`], [`config`],
//!    [`images`], [`credentials`], [`stack`];
//! 2. stacks: [`stacks`] (one directory per stack, and what a stack hands the plan);
//! 3. pipeline: [`detect`], [`decide`], [`plan`], [`render`], [`write`](mod@write), [`check`];
//! 4. commands: this module (init, check, explain, detect), [`monorepo`], [`wizard`],
//!    [`explain`], [`cli`], [`error`] (every area's error folded into one, with its exit code).

pub mod catalog;
pub mod check;
pub mod cli;
pub mod config;
pub mod credentials;
pub mod decide;
pub mod detect;
pub mod error;
pub mod evidence;
pub mod explain;
pub mod facts;
pub mod images;
pub mod lines;
pub mod manifest;
pub mod monorepo;
pub mod pins;
pub mod plan;
pub mod promise;
pub mod render;
pub mod repo;
pub mod safe;
pub mod settings;
pub mod shown;
pub mod stack;
pub mod stacks;
pub mod trace;
pub mod verify;
pub mod wizard;
pub mod write;

use clap::CommandFactory;
use cli::{Cli, Command, InitArgs, OnlyFile, Overrides, TemplatesCommand};
use error::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE, Error};
use render::{Output, Templates};
use settings::{Layer, Settings};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Where settings come from besides the flags: the process environment and working directory.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub vars: Vec<(String, String)>,
    pub cwd: PathBuf,
}

impl Environment {
    /// The current process's environment.
    pub fn current() -> Environment {
        Environment {
            vars: std::env::vars().collect(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        }
    }
}

/// Everything generated for one project: the plan, the files, the settings it was made with and
/// the shiplight.toml that reproduces it.
#[derive(Debug, Clone)]
pub struct Generated {
    pub plan: plan::Plan,
    pub outputs: Vec<Output>,
    pub settings: Settings,
    pub config: Output,
}

/// The settings layers below the flags for a project: shiplight.toml (or the file `--config` or
/// SHIPLIGHT_CONFIG names), then the SHIPLIGHT_* environment.
pub fn base_layers(
    root: &Path,
    overrides: &Overrides,
    env: &Environment,
) -> Result<Vec<Layer>, Error> {
    let explicit = overrides.config.clone().or_else(|| {
        env.vars
            .iter()
            .find(|(name, _)| name == config::CONFIG_ENV)
            .map(|(_, value)| env.cwd.join(value))
    });
    let file = config::file_layer(root, explicit.as_deref())?;
    let environment = config::from_env(env.vars.iter().cloned(), &env.cwd)?;
    Ok(vec![file, environment])
}

/// Runs a parsed command, writing its normal output to `out`; returns the exit code.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<u8, Error> {
    let env = Environment::current();
    match cli.command {
        Command::Init(args) if args.all => monorepo::init(&args, &env, out),
        Command::Init(args) => init(&args, &env, out),
        Command::Verify(args) => verify::run(&args, &env, out),
        Command::Pins(args) => pins::run(&args, &env, out),
        Command::Check(args) if args.all => monorepo::check(&args.path, &args.overrides, &env, out),
        Command::Check(args) => {
            let generated = generate_in(&args.path, &args.overrides, &env)?;
            let drift = check::compare(&args.path, &generated.outputs, out)?;
            Ok(if drift { EXIT_FAILURE } else { EXIT_OK })
        }
        Command::Detect(args) => {
            check_dir(&args.path)?;
            let reports = detect::detect_all(&repo::Repo::new(&args.path));
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
            if args.json {
                writeln!(out, "{}", to_json(&generated.plan))?;
            } else {
                write!(out, "{}", explain::plan(&generated.plan))?;
            }
            Ok(EXIT_OK)
        }
        Command::Templates(TemplatesCommand::Export { dir, force }) => {
            let written = write::write_all(&dir, &render::embedded(), force)?;
            writeln!(
                out,
                "wrote {} templates under {}; use them with --templates {} or `templates` in shiplight.toml",
                written.len(),
                dir.display(),
                dir.display()
            )?;
            Ok(EXIT_OK)
        }
        Command::Completions(args) => {
            clap_complete::generate(args.shell, &mut Cli::command(), "shiplight", out);
            Ok(EXIT_OK)
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command()).render(out)?;
            Ok(EXIT_OK)
        }
    }
}

fn init(args: &InitArgs, env: &Environment, out: &mut dyn Write) -> Result<u8, Error> {
    check_dir(&args.path)?;
    let base = base_layers(&args.path, &args.overrides, env)?;
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
    for warning in &generated.plan.warnings {
        shown::warn(warning);
    }
    if args.stdout {
        print_outputs(out, &generated.outputs, args.only)?;
        return Ok(EXIT_OK);
    }
    let mut outputs = generated.outputs.clone();
    if config::init_writes(&args.path, args.overrides.config.is_some(), args.force) {
        outputs.push(generated.config.clone());
    }
    let written = write::write_all(&args.path, &outputs, args.force)?;
    for path in written {
        writeln!(out, "wrote {}", path.display())?;
    }
    writeln!(
        out,
        "runtime: {} ({}): {}",
        generated.plan.runtime.image, generated.plan.runtime.family, generated.plan.reason
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

/// Compose files of a project other than the compose.yaml shiplight writes: when one exists,
/// compose.yaml would shadow it.
const OTHER_COMPOSE_FILES: &[&str] = &["compose.yml", "docker-compose.yaml", "docker-compose.yml"];

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
    check_dir(root)?;
    let base = base_layers(root, overrides, env)?;
    let flags = overrides.layer().map_err(Error::Usage)?;
    generate_layers(root, &base, flags)
}

/// Generates from settings layers (lowest first) and the flags layer on top.
pub fn generate_layers(root: &Path, base: &[Layer], flags: Layer) -> Result<Generated, Error> {
    let repo = repo::Repo::new(root);
    generate_detected(&repo, detect::detect_all(&repo), base, flags)
}

/// [`generate_layers`] for detection reports already made for `repo` (whose reads they share).
pub fn generate_detected(
    repo: &repo::Repo,
    reports: Vec<detect::Report>,
    base: &[Layer],
    flags: Layer,
) -> Result<Generated, Error> {
    let root = repo.root();
    let settings = Settings::resolve(base.iter().cloned().chain([flags]));
    let (facts, chosen) = detect::choose(reports, root, &settings)?;
    credentials::refuse_in_copied(repo, facts.stack())?;
    let credentials = credentials::present(repo, facts.stack(), &facts.member_dirs());
    let mut plan = plan::build(&facts, &credentials, &settings)?;
    plan.trace.splice(0..0, chosen);
    if plan.compose
        && let Some(other) = OTHER_COMPOSE_FILES.iter().find(|file| repo.exists(file))
    {
        plan.compose = false;
        plan.warnings.push(format!(
            "{other} exists, so compose.yaml is not generated: Compose would prefer compose.yaml and silently stop reading {other}. Merge the service from `shiplight init --stdout --compose` into it"
        ));
    }
    let templates = Templates::load(settings.templates.as_ref())?;
    let outputs = render::render(&plan, &templates)?;
    plan.warnings
        .extend(custom_promises(&plan, &templates, &outputs));
    let config = Output {
        name: config::FILE_NAME.to_string(),
        contents: config::written(&plan.pins, &settings, root),
    };
    Ok(Generated {
        plan,
        outputs,
        settings,
        config,
    })
}

/// One warning per promise the Dockerfile breaks, when a templates directory took part in
/// rendering it, naming its Dockerfile template (or, when only partials were replaced, those).
fn custom_promises(plan: &plan::Plan, templates: &Templates, outputs: &[Output]) -> Vec<String> {
    let overrides = templates.overrides();
    if overrides.is_empty() {
        return Vec::new();
    }
    let Some(dockerfile) = outputs.iter().find(|output| output.name == "Dockerfile") else {
        return Vec::new();
    };
    let [id, _] = render::stack_templates(plan.stack);
    let template = match overrides.get(&id) {
        Some(path) => path.display().to_string(),
        None => overrides
            .values()
            .map(|path| path.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    };
    promise::broken(&dockerfile.contents)
        .into_iter()
        .map(|broken| {
            format!(
                "the Dockerfile rendered with custom template {template} is written, but {broken}"
            )
        })
        .collect()
}

pub(crate) fn check_dir(root: &Path) -> Result<(), Error> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

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
