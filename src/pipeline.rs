//! The pipeline, one pass: detect -> decide and plan -> render, for the commands above it. The
//! settings layers (shiplight.toml or the file `--config` names, then the SHIPLIGHT_* variables,
//! then the flags) are resolved here, the trace is assembled by [`plan::build`], and nothing
//! changes the plan after it is built: rendering reads only the plan.

use crate::error::Error;
use crate::render::{self, Output, Templates};
use crate::settings::{Layer, Settings};
use crate::{config, credentials, detect, plan, promise, repo, stacks};
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

/// Everything generated for one project: the plan, the files, the settings it was made with,
/// the shiplight.toml that reproduces it, and the warnings to show (the plan's, then those of
/// rendering).
#[derive(Debug, Clone)]
pub struct Generated {
    pub plan: plan::Plan,
    pub outputs: Vec<Output>,
    pub settings: Settings,
    pub config: Output,
    pub warnings: Vec<String>,
    /// Values of a shiplight.toml an older version wrote that differ from what detection finds
    /// now ([`crate::recorded`]): `check` fails naming them.
    pub recorded: Vec<String>,
}

/// The settings layers below the flags for a project: shiplight.toml (or the file `--config` or
/// SHIPLIGHT_CONFIG names), then the SHIPLIGHT_* environment.
pub fn base_layers(
    root: &Path,
    config: Option<&Path>,
    env: &Environment,
) -> Result<Vec<Layer>, Error> {
    let explicit = config.map(Path::to_path_buf).or_else(|| {
        env.vars
            .iter()
            .find(|(name, _)| name == config::CONFIG_ENV)
            .map(|(_, value)| env.cwd.join(value))
    });
    let file = config::file_layer(root, explicit.as_deref())?;
    let environment = config::from_env(env.vars.iter().cloned(), &env.cwd)?;
    Ok(vec![file, environment])
}

/// Compose files of a project other than the compose.yaml shiplight writes: when one exists,
/// compose.yaml would shadow it.
const OTHER_COMPOSE_FILES: &[&str] = &["compose.yml", "docker-compose.yaml", "docker-compose.yml"];

/// Detects, decides, plans and renders for the project at `root` with the flags' layer, reading
/// shiplight.toml (or the file `config` names) and the SHIPLIGHT_* variables of `env`.
pub fn generate(
    root: &Path,
    config: Option<&Path>,
    flags: Layer,
    env: &Environment,
) -> Result<Generated, Error> {
    check_dir(root)?;
    let base = base_layers(root, config, env)?;
    generate_layers(root, &base, flags)
}

/// Generates from settings layers (lowest first) and the flags layer on top.
pub fn generate_layers(root: &Path, base: &[Layer], flags: Layer) -> Result<Generated, Error> {
    let repo = repo::Repo::new(root);
    generate_detected(&repo, detect::detect_all(&repo), base, flags, None)
}

/// [`generate_layers`] for detection reports already made for `repo` (whose reads they share),
/// with the Dockerfile's path from the build context when it is not `Dockerfile` there.
pub fn generate_detected(
    repo: &repo::Repo,
    reports: Vec<detect::Report>,
    base: &[Layer],
    flags: Layer,
    dockerfile: Option<String>,
) -> Result<Generated, Error> {
    let Some(at) = base.iter().position(|layer| layer.recorded) else {
        return generate_chosen(repo, reports, base, flags, dockerfile);
    };
    let mut layers = base.to_vec();
    layers[at] = crate::recorded::stripped(&base[at]);
    let detected = generate_chosen(
        repo,
        reports.clone(),
        &layers,
        flags.clone(),
        dockerfile.clone(),
    );
    let sorted = match detected {
        Ok(detected) => crate::recorded::sort(&base[at], &detected.plan.pins),
        Err(_) => crate::recorded::Sorted::kept(&base[at]),
    };
    layers[at] = sorted.kept.clone();
    let mut generated = generate_chosen(repo, reports, &layers, flags, dockerfile)?;
    generated.warnings.extend(sorted.warning());
    generated.recorded = sorted.differs;
    Ok(generated)
}

/// [`generate_detected`] for layers that hold only choices.
fn generate_chosen(
    repo: &repo::Repo,
    reports: Vec<detect::Report>,
    base: &[Layer],
    flags: Layer,
    dockerfile: Option<String>,
) -> Result<Generated, Error> {
    let root = repo.root();
    let given = base
        .iter()
        .cloned()
        .chain([flags])
        .fold(Layer::default(), Layer::overlay);
    let mut settings = Settings::resolve([given.clone()]);
    let (facts, chosen) = detect::choose(reports, root, &settings)?;
    settings.commands.found =
        crate::commands::files_found(repo, &settings.commands, &facts.member_dirs());
    let stack = facts.stack();
    if let Some((files, instead)) = stacks::carried(stack, repo) {
        credentials::refuse_in_copied(repo, files, instead)?;
    }
    let credentials = credentials::present(repo, stacks::credentials(stack), &facts.member_dirs());
    let inputs = plan::Inputs {
        facts: &facts,
        chosen,
        credentials: &credentials,
        other_compose: OTHER_COMPOSE_FILES
            .iter()
            .copied()
            .find(|file| repo.exists(file)),
        dockerfile,
    };
    let plan = plan::build(inputs, &settings)?;
    let templates = Templates::load(settings.templates.as_ref())?;
    let outputs = render::render(&plan, &templates)?;
    let mut warnings = plan.warnings.clone();
    warnings.extend(custom_promises(&plan, &templates, &outputs));
    let config = Output {
        name: config::FILE_NAME.to_string(),
        contents: config::written(&given, root),
    };
    Ok(Generated {
        plan,
        outputs,
        settings,
        config,
        warnings,
        recorded: Vec::new(),
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

/// Refuses a project root that is not a directory.
pub fn check_dir(root: &Path) -> Result<(), Error> {
    if root.is_dir() {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "{} is not a directory: pass the project's root",
            root.display()
        )))
    }
}
