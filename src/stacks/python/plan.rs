//! The Python part of the plan: which project, how its dependencies are installed into a venv
//! whose interpreter path exists in the runtime image, and the exec-form start command.

use super::entry::{SERVER_PORT, Start};
use super::{App, Manager, PythonFacts};
use crate::catalog::{self, Vendor};
use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::safe;
use crate::settings::Settings;
use crate::stacks::StackPlan;
use crate::stacks::health;
use crate::stacks::output::{ManifestCopy, StackOutput, manifest_copies};
use crate::trace::{Decision, Step};
use serde::Serialize;

/// Where the virtual environment lives, in the builder and in the runtime alike.
pub const VENV: &str = "/app/venv";

/// A tool installed into its own venv in the builder (never into the image).
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

/// What the Python template reads.
#[derive(Debug, Clone, Serialize)]
pub struct PythonPlan {
    pub manager: Manager,
    /// The project's directory relative to the root (`""` for the root).
    pub project_dir: String,
    /// Working directory of the runtime stage.
    pub workdir: String,
    pub venv: &'static str,
    /// The runtime image's interpreter; the venv is created through this path.
    pub interpreter: String,
    /// The builder's own interpreter, linked at `interpreter` when the paths differ.
    pub link_from: Option<String>,
    /// uv, Poetry or Pipenv, installed in the builder.
    pub tool: Option<Tool>,
    /// Manifests copied before the dependency step.
    pub manifests: Vec<ManifestCopy>,
    /// pip: the top requirement file.
    pub requirements: Option<String>,
    /// pip: dependencies read from `[project].dependencies`.
    pub pyproject_dependencies: bool,
    /// The dependency step needs the whole source (`-e .`, setup.py only).
    pub source_first: bool,
    /// Install the project itself into the venv after the source copy.
    pub install_project: bool,
    /// uv workspace member to sync.
    pub package: Option<String>,
    /// A lock file is used as is (`--frozen`, `--deploy`).
    pub locked: bool,
    /// Exec-form start command.
    pub command: Vec<String>,
    /// PYTHONPATH for a src layout that is not installed.
    pub pythonpath: Option<String>,
    /// Shared libraries compiled packages link that the runtime lacks (`libpq.so.5`): each,
    /// with what it links beyond glibc, is copied from the builder into the runtime.
    pub native_libraries: Vec<String>,
}

/// The app to containerise: the one `--package` names, or the only one.
/// The app to build: the one the settings name, the only runnable one, or the workspace root's
/// own project among its members (the step says so).
pub fn select<'a>(
    facts: &'a PythonFacts,
    settings: &Settings,
) -> Result<(&'a App, Option<Step>), DetectError> {
    let label = |app: &App| app.name.clone().unwrap_or_else(|| app.dir.clone());
    let names: Vec<String> = facts.apps.iter().map(label).collect();
    if let Some(wanted) = &settings.package {
        let wanted_norm = super::project::normalize(wanted);
        return facts
            .apps
            .iter()
            .find(|app| {
                app.name.as_deref().map(super::project::normalize) == Some(wanted_norm.clone())
                    || &app.dir == wanted
            })
            .map(|app| (app, None))
            .ok_or_else(|| DetectError::NoSuchCandidate {
                what: "workspace package".to_string(),
                flag: "--package".to_string(),
                value: wanted.clone(),
                candidates: names.clone(),
            });
    }
    let runnable: Vec<&App> = facts.apps.iter().filter(|a| a.entry.is_some()).collect();
    if runnable.len() > 1
        && let Some(root) = runnable.iter().find(|app| app.dir.is_empty())
    {
        let members: Vec<String> = runnable
            .iter()
            .filter(|app| !app.dir.is_empty())
            .map(|app| label(app))
            .collect();
        return Ok((
            root,
            Some(Step {
                question: "Which workspace package is the application?".to_string(),
                answer: format!(
                    "{} (the workspace root's own [project], beside its members {})",
                    label(root),
                    members.join(", ")
                ),
                evidence: vec![Evidence::file(
                    "pyproject.toml",
                    "[project] at the workspace root",
                )],
            }),
        ));
    }
    match (facts.apps.as_slice(), runnable.as_slice()) {
        ([one], _) => Ok((one, None)),
        (_, [one]) => Ok((one, None)),
        ([], _) => Err(DetectError::Broken {
            file: "pyproject.toml".to_string(),
            line: None,
            cause: "is a workspace root whose members have no pyproject.toml".to_string(),
        }),
        _ => Err(DetectError::Several {
            what: "workspace packages".to_string(),
            candidates: names,
            flag: "--package".to_string(),
        }),
    }
}

/// Servers that stop gracefully on SIGTERM; anything else is stopped with SIGINT.
const SIGTERM_SERVERS: &[&str] = &["gunicorn", "uvicorn", "hypercorn", "daphne", "granian"];

/// The warning when Flask's own server runs the application.
const FLASK_SERVER_WARNING: &str = "gunicorn is not among the dependencies, so the image runs Flask's development server: add gunicorn for production";

/// Flask's own server for `target`, bound on all interfaces at `port`.
fn flask_run(python: String, target: String, port: u16) -> Vec<String> {
    vec![
        python,
        "-m".into(),
        "flask".into(),
        "--app".into(),
        target,
        "run".into(),
        "--host".into(),
        "0.0.0.0".into(),
        "--port".into(),
        port.to_string(),
    ]
}

/// An ASGI server started on `target` (`module:object`, or `module:factory()`) and all
/// interfaces at `port`: uvicorn (with `--factory` for a factory), hypercorn, daphne or granian.
fn asgi_run(server: &str, python: String, target: String, port: u16) -> Vec<String> {
    let mut command = vec![python, "-m".into(), server.to_string()];
    match server {
        "hypercorn" => command.extend(["--bind".into(), format!("0.0.0.0:{port}"), target]),
        "daphne" => command.extend([
            "--bind".into(),
            "0.0.0.0".into(),
            "--port".into(),
            port.to_string(),
            target,
        ]),
        "granian" => command.extend([
            "--interface".into(),
            "asgi".into(),
            "--host".into(),
            "0.0.0.0".into(),
            "--port".into(),
            port.to_string(),
            target,
        ]),
        _ => {
            match target.strip_suffix("()") {
                Some(factory) => command.extend([factory.to_string(), "--factory".into()]),
                None => command.push(target),
            }
            command.extend([
                "--host".into(),
                "0.0.0.0".into(),
                "--port".into(),
                port.to_string(),
            ]);
        }
    }
    command
}

/// The server that runs a WSGI application: gunicorn or waitress when a dependency installs
/// it; else an ASGI server (uvicorn, hypercorn, daphne) for the ASGI module beside it; else
/// Django's own server for Django, or gunicorn (with a warning) for anything else.
fn wsgi_server(has: &dyn Fn(&str) -> bool, asgi: bool, framework: &str) -> &'static str {
    for server in ["gunicorn", "waitress"] {
        if has(server) {
            return server;
        }
    }
    if asgi {
        for server in ["uvicorn", "hypercorn", "daphne"] {
            if has(server) {
                return server;
            }
        }
    }
    match framework {
        "Django" => "runserver",
        "Flask" => "flask",
        _ => "gunicorn",
    }
}

/// The server that runs an ASGI application: the first the dependencies install, else uvicorn
/// (with a warning).
fn asgi_server(has: &dyn Fn(&str) -> bool) -> &'static str {
    ["uvicorn", "hypercorn", "daphne", "granian"]
        .into_iter()
        .find(|server| has(server))
        .unwrap_or("uvicorn")
}

/// Where a dependency is declared: the project's manifest, else the lock file.
fn dependency_evidence(
    facts: &PythonFacts,
    project: &super::project::Project,
    name: &str,
) -> Option<Evidence> {
    project
        .dependencies
        .get(name)
        .or_else(|| facts.packages.get(name))
        .cloned()
}

/// The Python part of the plan for the chosen app and decision.
pub fn plan(
    facts: &PythonFacts,
    app: &App,
    decision: &Decision,
    settings: &Settings,
) -> Result<StackOutput, DetectError> {
    let project = &app.project;
    let pyproject = crate::repo::join(&project.dir, "pyproject.toml");
    let project_dir = safe::relative_path(&pyproject, "workspace member", &project.dir)?;
    let language = decision
        .runtime
        .language
        .expect("the Python runtime rows carry their interpreter");
    let interpreter = language.interpreter.to_string();
    let minor = language
        .version
        .rsplit_once('.')
        .map_or(language.version, |(minor, _)| minor)
        .to_string();
    let mut warnings = Vec::new();
    let mut steps = Vec::new();

    let entry = app.entry.as_ref().ok_or_else(|| DetectError::Broken {
        file: if project.pyproject {
            pyproject.clone()
        } else {
            facts.manager_evidence.file.clone()
        },
        line: None,
        cause: "no entry point found: looked for manage.py with DJANGO_SETTINGS_MODULE, a FastAPI, Starlette or Flask application object (main.py, app.py, app/main.py, src/...), a [project.scripts] console script of an installable project, and main.py, app.py, server.py".to_string(),
    })?;

    if let Some(wanted) = &settings.lang_version
        && wanted != &minor
        && settings.vendor == Vendor::Distroless
    {
        return Err(DetectError::setting(
            "lang-version",
            wanted,
            format!(
                "the distroless python3 runtime carries Python {minor} only, and the builder must match it"
            ),
        ));
    }

    let has =
        |name: &str| facts.packages.contains_key(name) || project.dependencies.contains_key(name);
    let port = settings.port.unwrap_or(SERVER_PORT);
    let bind = format!("0.0.0.0:{port}");
    let python = format!("{VENV}/bin/python");
    let mut start_text = super::describe_start(&entry.start);
    let command: Vec<String> = match &entry.start {
        Start::Gunicorn { target } => {
            let target = safe::python_target(&entry.evidence.file, "application", target)
                .map_err(|e| e.at_line(entry.evidence.line))?;
            let asgi = match &entry.asgi {
                Some(asgi) => Some(
                    safe::python_target(&entry.evidence.file, "application", asgi)
                        .map_err(|e| e.at_line(entry.evidence.line))?,
                ),
                None => None,
            };
            let framework = entry.framework.unwrap_or("the app");
            let server = wsgi_server(&has, asgi.is_some(), framework);
            let evidence = dependency_evidence(facts, project, server);
            steps.push(Step {
                question: "Which server runs the application?".to_string(),
                answer: match server {
                    "runserver" => {
                        "Django's own server (no WSGI or ASGI server among the dependencies)"
                            .to_string()
                    }
                    "gunicorn" if !has("gunicorn") => {
                        "gunicorn (no WSGI or ASGI server among the dependencies)".to_string()
                    }
                    name => format!("{name}, which the dependencies install"),
                },
                evidence: evidence.into_iter().collect(),
            });
            if server != "gunicorn" {
                let app = match server {
                    "uvicorn" | "hypercorn" | "daphne" => asgi.as_deref().unwrap_or(&target),
                    _ => &target,
                };
                start_text = match server {
                    "runserver" => "manage.py runserver".to_string(),
                    "flask" => format!("flask --app {target} run"),
                    _ => format!("{server} {app}"),
                };
            }
            match server {
                "waitress" => vec![
                    python,
                    "-m".into(),
                    "waitress".into(),
                    format!("--listen={bind}"),
                    target,
                ],
                "uvicorn" | "hypercorn" | "daphne" => {
                    asgi_run(server, python, asgi.unwrap_or(target), port)
                }
                "flask" => {
                    warnings.push(FLASK_SERVER_WARNING.to_string());
                    flask_run(python, target, port)
                }
                "runserver" => {
                    warnings.push("no WSGI or ASGI server is among the dependencies, so the image runs Django's development server: add gunicorn (or waitress, uvicorn) for production".to_string());
                    vec![
                        python,
                        safe::relative_path(
                            &entry.evidence.file,
                            "manage.py",
                            &entry.evidence.file,
                        )?,
                        "runserver".into(),
                        "--noreload".into(),
                        bind,
                    ]
                }
                _ => {
                    if !has("gunicorn") {
                        warnings.push(format!(
                            "gunicorn is not among the dependencies, but the image starts {framework} with it: add gunicorn"
                        ));
                    }
                    vec![
                        python,
                        "-m".into(),
                        "gunicorn".into(),
                        "--bind".into(),
                        bind,
                        target,
                    ]
                }
            }
        }
        Start::Uvicorn { target } => {
            let target = safe::python_target(&entry.evidence.file, "application", target)
                .map_err(|e| e.at_line(entry.evidence.line))?;
            let server = asgi_server(&has);
            if !has(server) {
                warnings.push("uvicorn is not among the dependencies, but the image starts the ASGI app with it: add uvicorn (or fastapi[standard])".to_string());
            }
            if server != "uvicorn" {
                start_text = format!("{server} {target}");
                steps.push(Step {
                    question: "Which server runs the application?".to_string(),
                    answer: format!("{server}, which the dependencies install"),
                    evidence: dependency_evidence(facts, project, server)
                        .into_iter()
                        .collect(),
                });
            }
            asgi_run(server, python, target, port)
        }
        Start::FlaskRun { target } => {
            let target = safe::python_target(&entry.evidence.file, "application", target)
                .map_err(|e| e.at_line(entry.evidence.line))?;
            warnings.push(FLASK_SERVER_WARNING.to_string());
            flask_run(python, target, port)
        }
        Start::Script { name } => {
            vec![format!(
                "{VENV}/bin/{}",
                safe::name(&pyproject, "console script", name)?
            )]
        }
        Start::File { path } => {
            vec![
                python,
                safe::relative_path(&entry.evidence.file, "script", path)?,
            ]
        }
    };

    let handles_sigterm = matches!(
        command.get(1..3),
        Some([flag, server]) if flag == "-m" && SIGTERM_SERVERS.contains(&server.as_str())
    );
    let stop_signal = (!handles_sigterm).then_some("SIGINT");
    steps.push(crate::stacks::output::stop_step(
        if handles_sigterm {
            format!("SIGTERM, which {} handles with a graceful shutdown", command[2])
        } else {
            "SIGINT: Python runs as PID 1, where SIGTERM without a handler is ignored, while SIGINT raises KeyboardInterrupt and ends the server".to_string()
        },
        vec![entry.evidence.clone()],
    ));

    let mut files: Vec<String> = Vec::new();
    let mut requirements = None;
    let mut pyproject_dependencies = false;
    let mut source_first = false;
    let mut tool = None;
    let mut package = None;
    let locked = facts.lock.is_some();
    let root_pyproject = facts.root.pyproject;
    match facts.manager {
        Manager::Pip => {
            if let Some(evidence) = &project.installs_itself {
                source_first = true;
                warnings.push(format!(
                    "{evidence}: the dependency step needs the whole source, so any change reinstalls every dependency; list the dependencies without the local path to get a cached layer"
                ));
            } else if let Some(top) = project.requirements.first() {
                requirements = Some(safe::relative_path(top, "requirement file", top)?);
                files.extend(project.requirements.iter().cloned());
            } else if project.pep621 {
                pyproject_dependencies = project.pep621_dependencies;
                files.push(pyproject.clone());
                warnings.push(format!(
                    "no lock file: {pyproject} dependencies are resolved afresh at every build; pin them in a lock (uv lock) or requirements.txt for reproducible images"
                ));
            } else {
                source_first = true;
                warnings.push(format!(
                    "{} declares the dependencies only by running setup code, so they install after the source copy, uncached; move them to pyproject.toml",
                    project.setup_script.as_deref().unwrap_or("setup.py")
                ));
            }
        }
        Manager::Uv => {
            tool = Some(Tool {
                name: "uv",
                version: catalog::UV_VERSION,
            });
            files.push("uv.lock".to_string());
            if root_pyproject {
                files.insert(0, "pyproject.toml".to_string());
            }
            for other in &facts.apps {
                if !other.dir.is_empty() {
                    files.push(crate::repo::join(&other.dir, "pyproject.toml"));
                }
            }
            if facts.workspace.is_some() {
                let name = project.name.as_deref().ok_or_else(|| DetectError::Broken {
                    file: pyproject.clone(),
                    line: None,
                    cause: "has no [project] name; uv sync --package needs it".to_string(),
                })?;
                package = Some(safe::name(&pyproject, "project name", name)?);
            }
        }
        Manager::Poetry => {
            tool = Some(Tool {
                name: "poetry",
                version: catalog::POETRY_VERSION,
            });
            files.push("pyproject.toml".to_string());
            if locked {
                files.push("poetry.lock".to_string());
            } else {
                warnings.push("no poetry.lock: Poetry resolves the dependencies afresh at every build; commit poetry.lock for reproducible images".to_string());
            }
        }
        Manager::Pipenv => {
            if !locked {
                return Err(DetectError::Broken {
                    file: "Pipfile".to_string(),
                    line: None,
                    cause: "has no Pipfile.lock beside it: the image installs exactly what the lock says. Run `pipenv lock` and commit Pipfile.lock".to_string(),
                });
            }
            tool = Some(Tool {
                name: "pipenv",
                version: catalog::PIPENV_VERSION,
            });
            files.push("Pipfile".to_string());
            files.push("Pipfile.lock".to_string());
        }
    }
    for file in &files {
        safe::relative_path(file, "manifest path", file)?;
    }
    let install_project = match facts.manager {
        Manager::Pip => project.build_system && !source_first,
        Manager::Poetry => project.build_system && !project.poetry_no_package,
        _ => false,
    };

    let mut needs_compiler = Vec::new();
    let mut native_libraries = Vec::new();
    for ((_, library, _, instead), found) in facts.native_libraries(app) {
        needs_compiler.push(Evidence {
            detail: format!(
                "{}: built from source against {library}, which {} lacks; the library and what it links are copied into the runtime (or use {instead})",
                found.detail,
                decision.runtime.repository
            ),
            ..found.clone()
        });
        native_libraries.push(safe::name(&found.file, "shared library", library)?);
    }

    if let Some((spec, evidence)) = facts.constraint(Some(app)) {
        if pep440_rs::VersionSpecifiers::from_str(&spec).is_err() {
            warnings.push(format!(
                "{}: the Python constraint {spec:?} could not be read; check it admits Python {}",
                evidence.file, language.version
            ));
        }
        let answer = match settings.vendor {
            Vendor::Distroless => format!("yes, Python {}", language.version),
            Vendor::Chainguard => format!(
                "yes, Python {}: what the catalogue assumes {}:{} carries; the tag floats to each new release",
                language.version, decision.runtime.repository, decision.runtime.production_tag
            ),
        };
        if settings.vendor == Vendor::Chainguard
            && let Ok(specifiers) = pep440_rs::VersionSpecifiers::from_str(&spec)
            && let Ok(next) = pep440_rs::Version::from_str(&catalog::next_release(language.version))
            && !specifiers.contains(&next)
        {
            warnings.push(format!(
                "{}: requires-python {spec:?} excludes Python {next}, which {}:{} moves to with the next Python release; pin the image digests (`digests = \"FILE\"` in shiplight.toml) or widen the bound before then",
                evidence.file, decision.runtime.repository, decision.runtime.production_tag
            ));
        }
        steps.push(Step {
            question: "Does the Python constraint admit the runtime's interpreter?".to_string(),
            answer,
            evidence: vec![evidence],
        });
    }
    if let Some((file_spec, file_evidence)) = &facts.python_version_file
        && let Ok(spec) = pep440_rs::VersionSpecifiers::from_str(file_spec)
        && let Ok(version) = pep440_rs::Version::from_str(language.version)
        && !spec.contains(&version)
    {
        let bound = if facts.constraint(Some(app)).is_some() {
            "requires-python admits it"
        } else {
            "no requires-python excludes it"
        };
        warnings.push(format!(
            "{file_evidence} is a local interpreter pin and differs from the runtime's Python {}; {bound}, so the image uses it. Declare requires-python if the project needs a bound",
            language.version
        ));
    }

    let builder_full = !needs_compiler.is_empty();
    steps.push(Step {
        question: "Python version for the builder?".to_string(),
        answer: if settings.vendor == Vendor::Distroless {
            minor.clone()
        } else {
            format!(
                "latest-dev (Python {} as the catalogue assumes; the tag floats to each new release, and the venv is made by whichever Python it carries)",
                language.version
            )
        },
        evidence: vec![Evidence::file(
            "catalog",
            format!("the runtime's interpreter is {interpreter}; the venv must be built by the same Python"),
        )],
    });
    if builder_full {
        steps.push(Step {
            question: "Does the builder need compilers and C headers?".to_string(),
            answer: format!(
                "yes; the runtime gets {} and the libraries it links, which it lacks",
                native_libraries.join(", ")
            ),
            evidence: needs_compiler,
        });
    }
    steps.push(Step {
        question: "How are the dependencies installed?".to_string(),
        answer: match facts.manager {
            Manager::Pip => "pip into the venv".to_string(),
            Manager::Uv => "uv sync --frozen --no-dev".to_string(),
            Manager::Poetry => "poetry install --only main".to_string(),
            Manager::Pipenv => "pipenv requirements, then pip".to_string(),
        },
        evidence: vec![facts.manager_evidence.clone()],
    });
    steps.push(Step {
        question: "How does the application start?".to_string(),
        answer: command.join(" "),
        evidence: vec![entry.evidence.clone()],
    });

    let link_from = match settings.vendor {
        Vendor::Distroless => Some(format!("/usr/local/bin/python{minor}")),
        Vendor::Chainguard => None,
    };
    let mut detected = vec![format!(
        "Python project{} ({})",
        app.name
            .as_deref()
            .map(|n| format!(" {n}"))
            .unwrap_or_default(),
        if project.pyproject {
            pyproject.clone()
        } else {
            facts.manager_evidence.file.clone()
        }
    )];
    detected.push(format!(
        "dependencies: {} ({})",
        facts.manager.name(),
        facts
            .lock
            .as_deref()
            .unwrap_or(&facts.manager_evidence.file)
    ));
    detected.push(format!(
        "start: {}{} ({})",
        entry
            .framework
            .map(|f| format!("{f}, "))
            .unwrap_or_default(),
        start_text,
        crate::facts::location(&entry.evidence.file, entry.evidence.line)
    ));
    if let Some(workspace) = &facts.workspace {
        detected.push(format!("uv workspace ({})", workspace.file));
    }
    let app_port = match entry.start {
        Start::Gunicorn { .. } | Start::Uvicorn { .. } | Start::FlaskRun { .. } => Some(port),
        _ => entry.port.as_ref().map(|(p, _)| *p),
    };
    let binary = app.name.clone().unwrap_or_else(|| "app".to_string());
    let (health, health_step) = health::choose(
        settings.health_path.as_deref(),
        entry.health.as_ref(),
        app_port,
        health::Asker::Python(&format!("{VENV}/bin/python")),
        "the venv's python and urllib",
    );
    steps.push(health_step);
    Ok(StackOutput {
        platforms: platforms(facts, &native_libraries),
        about: project.about.clone(),
        health,
        stop_signal,
        copy_libraries: false,
        builder_variant: "",
        binary: safe::image_name(&binary),
        port: app_port,
        builder_version: minor,
        builder_full,
        detected,
        warnings,
        steps,
        build: StackPlan::Python(PythonPlan {
            manager: facts.manager,
            workdir: if project_dir.is_empty() {
                crate::stacks::output::APP_DIR.to_string()
            } else {
                format!("{}/{project_dir}", crate::stacks::output::APP_DIR)
            },
            project_dir,
            venv: VENV,
            interpreter,
            link_from,
            tool,
            manifests: manifest_copies(&files),
            requirements,
            pyproject_dependencies,
            source_first,
            install_project,
            package,
            locked,
            command,
            native_libraries,
            pythonpath: entry
                .source_dir
                .as_ref()
                .filter(|_| {
                    !(install_project || (facts.manager == Manager::Uv && project.build_system))
                })
                .map(|dir| {
                    format!(
                        "{}/{}",
                        crate::stacks::output::APP_DIR,
                        crate::repo::join(&app.dir, dir)
                    )
                }),
        }),
    })
}

use std::str::FromStr;

/// The platforms of a release build. A venv whose every locked package installs the same
/// `-none-any` wheels on every platform is built on $BUILDPLATFORM; otherwise the install runs
/// on the target platform.
fn platforms(
    facts: &super::PythonFacts,
    native_libraries: &[String],
) -> crate::stacks::output::Platforms {
    use crate::stacks::output::{INSTALL_ON_TARGET as NATIVE, Platforms, first_of};
    if let Some(library) = native_libraries.first() {
        return Platforms::native(format!(
            "the build machine's: a compiled package links {library}, copied from the builder, {NATIVE}"
        ));
    }
    match (&facts.platform_specific, &facts.lock) {
        (Some(found), Some(lock)) if found.is_empty() => Platforms::multi(format!(
            "linux/amd64 and linux/arm64: every package a production install takes from {lock} is a -none-any wheel, the same on every platform, so the build stage runs on $BUILDPLATFORM"
        )),
        (Some(found), _) if !found.is_empty() => Platforms::native(format!(
            "the build machine's: {}, {NATIVE}",
            first_of(found)
        )),
        (_, lock) => Platforms::native(format!(
            "the build machine's: which wheels an install takes is recorded by uv.lock and poetry.lock only, and {}, {NATIVE}",
            match lock {
                Some(lock) => format!("{lock} does not record them"),
                None => "there is no lock file".to_string(),
            }
        )),
    }
}
