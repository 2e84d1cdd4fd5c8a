//! Monorepos: `init --all` and `check --all`. A bounded walk finds every service (a directory
//! where a stack is detected; its own subdirectories belong to it), each is generated with its
//! own shiplight.toml, and one docker-bake.hcl builds them all.

use crate::cli::{InitArgs, Overrides};
use crate::error::{EXIT_FAILURE, EXIT_OK, Error};
use crate::pipeline::{Environment, Generated, base_layers, check_dir, generate_detected};
use crate::render::BakeTarget;
use crate::render::{Output, Templates};
use crate::repo::{self, Entry, Repo};
use crate::settings::Settings;
use crate::stacks::{self, Application};
use crate::{check, config, detect, write};
use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How deep below the root the walk looks for services.
pub const MAX_DEPTH: usize = 4;
/// How many directories the walk lists at most: far more than a monorepo's source tree holds
/// once dependencies and build output are skipped, and few enough that a tree of 100,000
/// empty directories is walked well within a second.
pub const MAX_DIRS: usize = 20_000;
/// The bake file's name.
pub use crate::render::BAKE_FILE;
/// Directories never entered: dependencies, build output, virtual environments, VCS data.
const SKIP: &[&str] = &[
    "node_modules",
    "target",
    "vendor",
    "build",
    "dist",
    "out",
    "venv",
    "env",
    "site-packages",
    "__pycache__",
    "bower_components",
    "testdata",
];

/// A service found under the root.
#[derive(Debug, Clone)]
pub struct Service {
    /// Path relative to the root, `/`-separated; empty for the root itself: the build context.
    pub dir: String,
    /// One application of several the build at `dir` holds (a reactor module, a workspace
    /// package, a main package), whose Dockerfile lives in its own directory and is built
    /// from `dir`.
    pub application: Option<Application>,
    pub generated: Generated,
}

impl Service {
    /// Where the Dockerfile and its ignore file are written, relative to the root.
    fn files_dir(&self) -> String {
        match &self.application {
            Some(app) => repo::join(&self.dir, &app.dir),
            None => self.dir.clone(),
        }
    }

    /// The Dockerfile's path from the root.
    pub fn dockerfile(&self) -> String {
        repo::join(&self.files_dir(), "Dockerfile")
    }
}

/// The directories under `root` where a stack is detected, sorted, with their detection
/// reports, without descending into a found service, a skipped or hidden directory, or a link,
/// listing at most [`MAX_DIRS`] directories (breadth first, so the shallow ones come first).
/// Detection runs only where a directory lists one of the stacks' marker files.
pub fn find(root: &Path) -> Walk {
    let repo = Repo::new(root);
    let mut found = Vec::new();
    let mut queue = VecDeque::from([(String::new(), 0usize)]);
    let mut listed = 0;
    while let Some((dir, depth)) = queue.pop_front() {
        if listed == MAX_DIRS {
            break;
        }
        listed += 1;
        let entries = repo.entries(&dir);
        if stacks::may_hold_project(&entries) {
            let path = root.join(&dir);
            let service = Repo::new(&path);
            let reports = detect::detect_all(&service);
            let is_service = reports
                .iter()
                .any(|r| !matches!(r.detection, detect::Detection::Absent { .. }));
            if is_service {
                found.push((dir, path, service, reports));
                continue;
            }
        }
        if depth < MAX_DEPTH {
            let mut dirs: Vec<String> = entries
                .into_iter()
                .filter(|(name, kind)| {
                    *kind == Entry::Dir && !name.starts_with('.') && !SKIP.contains(&name.as_str())
                })
                .map(|(name, _)| name)
                .collect();
            dirs.sort();
            queue.extend(
                dirs.into_iter()
                    .map(|name| (repo::join(&dir, &name), depth + 1)),
            );
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Walk {
        stopped: !queue.is_empty(),
        services: found
            .into_iter()
            .map(|(_, path, service, reports)| (path, service, reports))
            .collect(),
    }
}

/// What the walk found: each service's path, repository and detection reports, and whether it
/// stopped at [`MAX_DIRS`] with directories left unlisted.
pub struct Walk {
    pub services: Vec<(PathBuf, Repo, Vec<detect::Report>)>,
    pub stopped: bool,
}

/// Generates every service under `root`; all errors are collected and reported together.
fn generate_all(
    root: &Path,
    overrides: &Overrides,
    env: &Environment,
) -> Result<Vec<Service>, Error> {
    check_dir(root)?;
    let walk = find(root);
    if walk.stopped {
        crate::output::warn(&format!(
            "the walk listed {MAX_DIRS} directories and stopped; a service beyond them is not included: run shiplight init in its directory, or from a directory closer to it"
        ));
    }
    let dirs = walk.services;
    if dirs.is_empty() {
        return Err(Error::Usage(format!(
            "no service found under {} (looked {MAX_DEPTH} levels deep for go.mod, Cargo.toml, pyproject.toml, requirements.txt, package.json, pom.xml, build.gradle and composer.json, skipping {} and hidden directories)",
            root.display(),
            SKIP.join(", ")
        )));
    }
    let flags = overrides.layer().map_err(Error::Usage)?;
    let mut services = Vec::new();
    let mut failures = Vec::new();
    for (dir, service, reports) in dirs {
        let relative = relative(root, &dir);
        let shown = if relative.is_empty() {
            ".".to_string()
        } else {
            relative.clone()
        };
        let result = base_layers(&dir, overrides.config.as_deref(), env).and_then(|base| {
            let settings = Settings::resolve(base.iter().cloned().chain([flags.clone()]));
            let applications = match detect::choose(reports.clone(), &dir, &settings) {
                Ok((facts, _)) => facts.applications(&settings),
                Err(_) => Vec::new(),
            };
            if applications.is_empty() {
                return Ok(vec![Service {
                    dir: relative.clone(),
                    application: None,
                    generated: generate_detected(&service, reports, &base, flags.clone(), None)?,
                }]);
            }
            applications
                .into_iter()
                .map(|application| {
                    let layer = flags.clone().overlay(application.choice.clone());
                    let dockerfile = crate::safe::relative_path(
                        &application.manifest,
                        "application directory",
                        &repo::join(&application.dir, "Dockerfile"),
                    )?;
                    let generated = generate_detected(
                        &service,
                        reports.clone(),
                        &base,
                        layer,
                        Some(dockerfile),
                    )
                    .map_err(|err| {
                        Error::Usage(format!(
                            "application {} ({}): {err}",
                            crate::shown::line(&application.name),
                            repo::join(&relative, &application.dir)
                        ))
                    })?;
                    Ok(Service {
                        dir: relative.clone(),
                        application: Some(application),
                        generated,
                    })
                })
                .collect()
        });
        match result {
            Ok(found) => services.extend(found),
            Err(err) => failures.push(format!("{shown}: {err}")),
        }
    }
    if !failures.is_empty() {
        return Err(Error::Usage(format!(
            "{} of {} services cannot be generated; nothing was written. Settle each in its own shiplight.toml:\n{}",
            failures.len(),
            failures.len() + services.len(),
            failures.join("\n")
        )));
    }
    for service in &services {
        let dir = if service.dir.is_empty() {
            "."
        } else {
            &service.dir
        };
        for warning in &service.generated.warnings {
            crate::shown::noted(&format!("{dir}: {warning}"));
        }
    }
    Ok(services)
}

fn relative(root: &Path, dir: &Path) -> String {
    dir.strip_prefix(root)
        .unwrap_or(dir)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The files of every service, prefixed by its directory, and the bake file.
fn outputs(
    services: &[Service],
    settings: &Settings,
    with_config: impl Fn(&Service) -> bool,
) -> Result<Vec<Output>, Error> {
    let prefix = |dir: &str, name: &str| {
        if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    };
    let mut all = Vec::new();
    for service in services {
        for output in service
            .generated
            .outputs
            .iter()
            .filter(|output| output.name != BAKE_FILE)
        {
            let name = match (&service.application, output.name.as_str()) {
                (None, name) => prefix(&service.dir, name),
                (Some(_), ".dockerignore") => {
                    prefix(&service.files_dir(), "Dockerfile.dockerignore")
                }
                (Some(_), name) => prefix(&service.files_dir(), name),
            };
            all.push(Output {
                name,
                contents: output.contents.clone(),
            });
        }
        if service.application.is_none() && with_config(service) {
            all.push(Output {
                name: prefix(&service.dir, config::FILE_NAME),
                contents: service.generated.config.contents.clone(),
            });
        }
    }
    all.push(bake(services, settings)?);
    Ok(all)
}

/// docker-bake.hcl: one target per service (two for PHP-FPM: the app and its nginx stage).
fn bake(services: &[Service], settings: &Settings) -> Result<Output, Error> {
    let mut targets: Vec<BakeTarget> = Vec::new();
    for service in services {
        let base = target_name(service);
        let web = service.generated.plan.web_stage.is_some();
        let taken = |name: &str| targets.iter().any(|t: &BakeTarget| t.name == name);
        let mut name = base.clone();
        let mut n = 2;
        while taken(&name) || (web && taken(&format!("{name}-web"))) {
            name = format!("{base}-{n}");
            n += 1;
        }
        let context = if service.dir.is_empty() {
            ".".to_string()
        } else {
            service.dir.clone()
        };
        let context = crate::safe::relative_path(BAKE_FILE, "service directory", &context)?;
        targets.extend(BakeTarget::of(
            &service.generated.plan,
            &name,
            &name,
            &context,
        ));
    }
    let templates = Templates::load(settings.templates.as_ref())?;
    Ok(Output {
        name: BAKE_FILE.to_string(),
        contents: crate::render::bake(&templates, &mut targets)?,
    })
}

/// A bake target name from the service's directory, or its image name for the root and for
/// one application of several (the name its Dockerfile's build line tags).
fn target_name(service: &Service) -> String {
    let last = match &service.application {
        Some(_) => "",
        None => service.dir.rsplit('/').next().unwrap_or(""),
    };
    let source = if last.is_empty() {
        service.generated.plan.app.image_name.as_str()
    } else {
        last
    };
    crate::safe::bake_target(source)
}

/// What `init --all` writes under `root` where no file is yet: every service, and the files
/// (paths from the root), the bake file last.
pub fn generate(
    root: &Path,
    overrides: &Overrides,
    env: &Environment,
) -> Result<(Vec<Service>, Vec<Output>), Error> {
    let services = generate_all(root, overrides, env)?;
    let settings = root_settings(root, overrides, env)?;
    let files = outputs(&services, &settings, |_| true)?;
    Ok((services, files))
}

/// `init --all`: writes every service's files and the bake file, all or nothing.
pub fn init(args: &InitArgs, env: &Environment, out: &mut dyn Write) -> Result<u8, Error> {
    let root = &args.path;
    let services = generate_all(root, &args.overrides, env)?;
    let settings = root_settings(root, &args.overrides, env)?;
    let files = outputs(&services, &settings, |service| {
        config::init_writes(
            &root.join(&service.dir),
            args.overrides.config.is_some(),
            args.force,
        )
    })?;
    let written = write::write_all(root, &files, args.force)?;
    for path in written {
        crate::output::done(out, &format!("wrote {}", path.display()))?;
    }
    for service in &services {
        let plan = &service.generated.plan;
        let shown = if service.dir.is_empty() {
            "."
        } else {
            service.dir.as_str()
        };
        match &plan.app.dockerfile {
            Some(dockerfile) => writeln!(
                out,
                "{shown}: {} on {} ({}), application {} built with -f {dockerfile}",
                plan.stack_title,
                plan.runtime.image,
                plan.runtime.family,
                crate::shown::line(
                    &service
                        .application
                        .as_ref()
                        .map(|a| a.name.clone())
                        .unwrap_or_default()
                )
            )?,
            None => writeln!(
                out,
                "{shown}: {} on {} ({})",
                plan.stack_title, plan.runtime.image, plan.runtime.family
            )?,
        }
    }
    writeln!(
        out,
        "build them all: docker buildx bake -f {}",
        root.join(BAKE_FILE).display()
    )?;
    Ok(EXIT_OK)
}

/// `check --all`: every service's files and the bake file against what `init --all` writes.
pub fn check(
    root: &Path,
    overrides: &Overrides,
    env: &Environment,
    out: &mut dyn Write,
) -> Result<u8, Error> {
    let services = generate_all(root, overrides, env)?;
    let settings = root_settings(root, overrides, env)?;
    let files = outputs(&services, &settings, |_| false)?;
    let decided: Vec<check::Decided> = services
        .iter()
        .map(|service| check::Decided {
            dockerfile: service.dockerfile(),
            trace: &service.generated.plan.trace,
            digests: service
                .generated
                .settings
                .digests
                .as_ref()
                .map(crate::pinned::shown),
        })
        .collect();
    let drift = check::compare(root, &files, &decided, out)?;
    Ok(if drift { EXIT_FAILURE } else { EXIT_OK })
}

/// Settings at the root (for the bake file's templates): the environment and the flags.
fn root_settings(root: &Path, overrides: &Overrides, env: &Environment) -> Result<Settings, Error> {
    let mut layers = base_layers(root, overrides.config.as_deref(), env)?;
    layers.push(overrides.layer().map_err(Error::Usage)?);
    Ok(Settings::resolve(layers))
}
