//! The Python part of the plan: which project, how its dependencies are installed into a venv
//! whose interpreter path exists in the runtime image, and the exec-form start command.

use super::entry::{Entry, SERVER_PORT, Start};
use super::{App, Manager, PythonFacts};
use crate::catalog::{self, Language, Vendor};
use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::safe;
use crate::settings::{Layer, Settings};
use crate::stacks::{Application, StackPlan};
use crate::stacks::health;
use crate::stacks::output::{ManifestCopy, StackOutput, manifest_copies};
use crate::trace::{Decision, Step};
use serde::Serialize;

mod user_start;

/// Where the virtual environment lives, in the builder and in the runtime alike.
pub const VENV: &str = "/app/venv";

/// A tool installed into its own venv in the builder (never into the image).
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

/// A variable set on the commands that build the project, standing in for what the build
/// backend would read from version control.
#[derive(Debug, Clone, Serialize)]
pub struct ScmVersion {
    pub variable: &'static str,
    pub value: &'static str,
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
    /// The server installed into the venv with the dependencies, which carry none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<Tool>,
    /// Manifests copied before the dependency step.
    pub manifests: Vec<ManifestCopy>,
    /// pip: the top requirement file.
    pub requirements: Option<String>,
    /// pip: further top requirement files installed with it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub more_requirements: Vec<String>,
    /// pip: dependencies read from `[project].dependencies`.
    pub pyproject_dependencies: bool,
    /// The dependency step needs the whole source (`-e .`, setup.py only).
    pub source_first: bool,
    /// Install the project itself into the venv after the source copy.
    pub install_project: bool,
    /// The version the project is built with when its build reads it from version control.
    pub scm_version: Option<ScmVersion>,
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
    /// The builder's interpreter, copied into a runtime that has none (distroless `cc`).
    pub copied_interpreter: Option<CopiedInterpreter>,
}

/// The parts of the standard library a copied interpreter leaves behind: the test suite, IDLE,
/// Tk, the pip bootstrapper and the builder's own site-packages (pip; the venv has its own).
pub const STDLIB_LEFT_OUT: &[&str] = &[
    "test",
    "idlelib",
    "tkinter",
    "turtledemo",
    "ensurepip",
    "site-packages",
];

/// An interpreter the runtime gets from the builder, at the same paths: the official python
/// image's layout (`PREFIX/bin/pythonX.Y`, `PREFIX/lib/pythonX.Y`).
#[derive(Debug, Clone, Serialize)]
pub struct CopiedInterpreter {
    /// `/usr/local/bin/python3.12`.
    pub binary: String,
    /// `/usr/local/bin`.
    pub bin_dir: String,
    /// `/usr/local/lib`.
    pub lib_dir: String,
    /// `/usr/local/lib/python3.12`.
    pub stdlib: String,
    /// Directories of the standard library left out.
    pub left_out: &'static [&'static str],
}

impl CopiedInterpreter {
    /// The layout around an interpreter at `binary` (`PREFIX/bin/NAME`).
    fn at(binary: &str) -> CopiedInterpreter {
        let (bin_dir, name) = binary.rsplit_once('/').unwrap_or(("", binary));
        let prefix = bin_dir.strip_suffix("/bin").unwrap_or(bin_dir);
        let lib_dir = format!("{prefix}/lib");
        CopiedInterpreter {
            binary: binary.to_string(),
            bin_dir: bin_dir.to_string(),
            stdlib: format!("{lib_dir}/{name}"),
            lib_dir,
            left_out: STDLIB_LEFT_OUT,
        }
    }
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

/// The workspace's applications when choosing one is a tie between its runnable members and
/// the settings name none.
pub fn applications(facts: &PythonFacts, settings: &Settings) -> Vec<Application> {
    if settings.package.is_some()
        || !matches!(select(facts, settings), Err(DetectError::Several { .. }))
    {
        return Vec::new();
    }
    let runnable: Vec<&App> = facts.apps.iter().filter(|a| a.entry.is_some()).collect();
    if runnable.len() < 2 {
        return Vec::new();
    }
    runnable
        .into_iter()
        .map(|app| {
            let name = app.name.clone().unwrap_or_else(|| app.dir.clone());
            Application {
                dir: app.dir.clone(),
                manifest: crate::repo::join(&app.dir, "pyproject.toml"),
                choice: Layer {
                    package: Some(name.clone()),
                    ..Layer::default()
                },
                name,
            }
        })
        .collect()
}

/// Servers that stop gracefully on SIGTERM; anything else is stopped with SIGINT.
const SIGTERM_SERVERS: &[&str] = &["gunicorn", "uvicorn", "hypercorn", "daphne", "granian"];

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
/// gunicorn, which the plan then installs (never a framework's development server).
fn wsgi_server(has: &dyn Fn(&str) -> bool, asgi: bool) -> &'static str {
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
    "gunicorn"
}

/// The server that runs an ASGI application: the first the dependencies install, else uvicorn
/// (which the plan then installs).
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
    let mut planner = Planner::new(facts, app);
    let project_dir = safe::relative_path(&planner.pyproject, "workspace member", &project.dir)?;
    let language = decision
        .runtime
        .language
        .expect("the Python runtime rows carry their interpreter");
    let minor = minor_version(language);
    let user_start = settings.commands.start.as_ref();
    let entry = match user_start {
        Some(_) => app.entry.as_ref(),
        None => Some(planner.entry()?),
    };
    requested_version(settings, &minor)?;
    let port = settings.port.unwrap_or(SERVER_PORT);
    let (command, start_line, app_port, start_step) = match (user_start, entry) {
        (Some(start), _) => planner.user_start(start, entry, settings)?,
        (None, Some(entry)) => {
            let (command, start_text) = planner.start_command(entry, port)?;
            let step = Step {
                question: "How does the application start?".to_string(),
                answer: command.join(" "),
                evidence: vec![entry.evidence.clone()],
            };
            let start_line = format!(
                "{}{} ({})",
                entry
                    .framework
                    .map(|f| format!("{f}, "))
                    .unwrap_or_default(),
                start_text,
                crate::facts::location(&entry.evidence.file, entry.evidence.line)
            );
            (command, start_line, app_port(entry, port), step)
        }
        (None, None) => unreachable!("without a start setting the entry is required"),
    };
    let stop_signal = planner.stop_signal(&command, entry, user_start);
    let install = planner.install()?;
    let (needs_compiler, native_libraries) = planner.native_libraries(decision)?;
    planner.constraint_step(language, decision, settings);
    planner.version_file_warning(language);
    let builder_full = !needs_compiler.is_empty();
    planner.builder_steps(
        settings,
        language,
        &minor,
        needs_compiler,
        &native_libraries,
    );
    planner.steps.push(planner.install_step());
    planner.steps.push(start_step);
    let detected = planner.detected(&start_line);
    let binary = app.name.clone().unwrap_or_else(|| "app".to_string());
    let detected_health = entry
        .filter(|_| user_start.is_none())
        .and_then(|entry| entry.health.as_ref());
    let (health, health_step) = health::choose(
        settings.health_path.as_deref(),
        detected_health,
        app_port,
        health::Asker::program(
            |ask| {
                vec![
                    format!("{VENV}/bin/python"),
                    "-c".to_string(),
                    format!(
                        "import sys, urllib.request, urllib.error\ntry:\n    urllib.request.urlopen(\"{}\", timeout=4)\nexcept urllib.error.HTTPError as error:\n    sys.exit(error.code // 500)\nexcept Exception:\n    sys.exit(1)",
                        ask.url
                    ),
                ]
            },
            None,
        ),
        "the venv's python and urllib",
    );
    planner.steps.push(health_step);
    let pythonpath = entry.and_then(|entry| planner.pythonpath(entry, install.install_project));
    if let Some((file, dir)) = entry.and_then(|entry| {
        entry
            .requirements_beside
            .as_ref()
            .zip(entry.source_dir.as_ref())
    }) && !project.requirements.contains(file)
        && !project.more_requirements.contains(file)
    {
        planner.warnings.push(format!(
            "{file}: the served module's directory {dir} holds requirements of its own, which this image does not install (it installs the project's dependencies); declare them in the project, or the server may fail to import them"
        ));
    }
    let copied_interpreter = language
        .copied
        .then(|| CopiedInterpreter::at(language.interpreter));
    Ok(StackOutput {
        platforms: platforms(facts, &native_libraries, language),
        about: project.about.clone(),
        health,
        stop_signal,
        copy_libraries: false,
        builder_variant: "",
        binary: safe::image_name(&binary),
        port: app_port,
        builder_version: minor.clone(),
        builder_full,
        detected,
        warnings: planner.warnings,
        steps: planner.steps,
        build: StackPlan::Python(PythonPlan {
            manager: facts.manager,
            workdir: workdir(&project_dir),
            project_dir,
            venv: VENV,
            interpreter: language.interpreter.to_string(),
            link_from: link_from(settings, language, &minor),
            tool: install.tool,
            server: planner.server.clone(),
            manifests: manifest_copies(&install.files),
            requirements: install.requirements,
            more_requirements: install.more_requirements,
            pyproject_dependencies: install.pyproject_dependencies,
            source_first: install.source_first,
            install_project: install.install_project,
            scm_version: install.scm_version,
            package: install.package,
            locked: install.locked,
            command,
            native_libraries,
            pythonpath,
            copied_interpreter,
        }),
    })
}

/// The interpreter's minor version (`3.12` of `3.12.4`): the builder's tag.
fn minor_version(language: Language) -> String {
    language
        .version
        .rsplit_once('.')
        .map_or(language.version, |(minor, _)| minor)
        .to_string()
}

/// The builder's interpreter to link at the runtime's path, where the two differ (distroless
/// python3; not an interpreter copied from the builder, whose path is the builder's own).
fn link_from(settings: &Settings, language: Language, minor: &str) -> Option<String> {
    match settings.vendor {
        Vendor::Distroless if !language.copied => Some(format!("/usr/local/bin/python{minor}")),
        _ => None,
    }
}

/// The runtime stage's working directory: the project's directory under the app directory.
fn workdir(project_dir: &str) -> String {
    if project_dir.is_empty() {
        crate::stacks::output::APP_DIR.to_string()
    } else {
        format!("{}/{project_dir}", crate::stacks::output::APP_DIR)
    }
}

/// The port the application listens on: the server's for a server start, else the one the
/// source names, if any.
fn app_port(entry: &Entry, port: u16) -> Option<u16> {
    match entry.start {
        Start::Gunicorn { .. } | Start::Uvicorn { .. } => Some(port),
        _ => entry.port.as_ref().map(|(p, _)| *p),
    }
}

/// A `lang-version` setting other than the Python the runtime runs: the python3 image's, or
/// the one the project's constraint chose, and the builder must match it.
fn requested_version(settings: &Settings, minor: &str) -> Result<(), DetectError> {
    if let Some(wanted) = &settings.lang_version
        && wanted != minor
        && settings.vendor == Vendor::Distroless
    {
        return Err(DetectError::setting(
            "lang-version",
            wanted,
            format!(
                "the distroless runtime runs Python {minor} (distroless python3's, or the newest release the project's Python constraint admits), and the builder must match it"
            ),
        ));
    }
    Ok(())
}

/// The application target an entry names (`module:object`), checked as a Python target.
fn application(entry: &Entry, target: &str) -> Result<String, DetectError> {
    application_reference(&entry.evidence.file, "application", target)
        .map_err(|e| e.at_line(entry.evidence.line))
}

/// How the dependencies get into the venv.
#[derive(Default)]
struct Install {
    /// Manifests copied before the dependency step.
    files: Vec<String>,
    requirements: Option<String>,
    more_requirements: Vec<String>,
    pyproject_dependencies: bool,
    source_first: bool,
    tool: Option<Tool>,
    package: Option<String>,
    locked: bool,
    install_project: bool,
    scm_version: Option<ScmVersion>,
}

/// The app being planned, with the steps and warnings the plan has gathered so far.
struct Planner<'a> {
    facts: &'a PythonFacts,
    app: &'a App,
    /// The project's `pyproject.toml`, relative to the root.
    pyproject: String,
    steps: Vec<Step>,
    warnings: Vec<String>,
    /// The server installed into the venv because the dependencies carry none.
    server: Option<Tool>,
}

impl<'a> Planner<'a> {
    /// A plan for `app`, with no steps or warnings yet.
    fn new(facts: &'a PythonFacts, app: &'a App) -> Self {
        Planner {
            facts,
            app,
            pyproject: crate::repo::join(&app.project.dir, "pyproject.toml"),
            steps: Vec::new(),
            warnings: Vec::new(),
            server: None,
        }
    }

    /// The app's entry point; without one the app cannot be planned.
    fn entry(&self) -> Result<&'a Entry, DetectError> {
        self.app.entry.as_ref().ok_or_else(|| self.no_entry())
    }

    /// The manifest that names the project: its pyproject.toml, else the manager's file.
    fn manifest(&self) -> String {
        if self.app.project.pyproject {
            self.pyproject.clone()
        } else {
            self.facts.manager_evidence.file.clone()
        }
    }

    /// The error when the app has no entry point, listing where one was looked for.
    fn no_entry(&self) -> DetectError {
        DetectError::Broken {
            file: self.manifest(),
            line: None,
            cause: format!("{}: looked for manage.py with DJANGO_SETTINGS_MODULE, a FastAPI, Starlette or Flask application object (main.py, app.py, app/main.py, src/...), an application in wsgi.py or asgi.py, one a package's __main__.py hands uvicorn.run by name, a FastAPI, Starlette or Flask application object in the module a console script names, a console script of an installable project ([project.scripts], or console_scripts in setup.cfg or setup.py), the only Python script of [tool.setuptools] script-files, a top-level script with an `if __name__ == \"__main__\":` block (the one the README or a shell script runs, the one named after the project, or the only one beside no installable package), a package holding __main__.py (named after the project, or the only one), and main.py, app.py, server.py. Name the command the image runs with {}", crate::commands::NO_ENTRY, crate::settings::ways("start")),
        }
    }

    /// Whether a dependency (locked or declared) installs `name`.
    fn has(&self, name: &str) -> bool {
        self.facts.packages.contains_key(name) || self.app.project.dependencies.contains_key(name)
    }

    /// The exec-form start command, and how the summary names the start.
    fn start_command(
        &mut self,
        entry: &Entry,
        port: u16,
    ) -> Result<(Vec<String>, String), DetectError> {
        let python = format!("{VENV}/bin/python");
        let start_text = super::describe_start(&entry.start);
        let command = match &entry.start {
            Start::Gunicorn { target } => {
                return self.wsgi_command(entry, target, port, start_text);
            }
            Start::Uvicorn { target } => return self.asgi_command(entry, target, port),
            Start::Script { name } => {
                vec![format!(
                    "{VENV}/bin/{}",
                    safe::name(&self.pyproject, "console script", name)?
                )]
            }
            Start::File { path, args } => {
                let mut command = vec![
                    python,
                    safe::relative_path(&entry.evidence.file, "script", path)?,
                ];
                for arg in args {
                    command.push(safe::argument(&entry.evidence.file, "argument", arg)?);
                }
                command
            }
            Start::Module { module } => {
                vec![
                    python,
                    "-m".into(),
                    module_name(&entry.evidence.file, module)?,
                ]
            }
        };
        Ok((command, start_text))
    }

    /// A WSGI application's server (the step says which) and the start's name in the summary.
    fn wsgi_command(
        &mut self,
        entry: &Entry,
        target: &str,
        port: u16,
        start_text: String,
    ) -> Result<(Vec<String>, String), DetectError> {
        let target = application(entry, target)?;
        let asgi = entry
            .asgi
            .as_deref()
            .map(|asgi| application(entry, asgi))
            .transpose()?;
        let server = wsgi_server(&|name| self.has(name), asgi.is_some());
        if self.has(server) {
            self.installed_server_step(server);
        } else {
            let looked_for = if asgi.is_some() {
                "gunicorn, waitress, or uvicorn, hypercorn or daphne for the ASGI module"
            } else {
                "gunicorn or waitress"
            };
            self.add_server(server, catalog::GUNICORN_VERSION, looked_for)?;
        }
        let start_text = match server {
            "gunicorn" => start_text,
            "uvicorn" | "hypercorn" | "daphne" => {
                format!("{server} {}", asgi.as_deref().unwrap_or(&target))
            }
            _ => format!("{server} {target}"),
        };
        let command = self.wsgi_run(server, target, asgi, port);
        Ok((command, start_text))
    }

    /// The step naming the server the dependencies install.
    fn installed_server_step(&mut self, server: &str) {
        self.steps.push(Step {
            question: "Which server runs the application?".to_string(),
            answer: format!("{server}, which the dependencies install"),
            evidence: dependency_evidence(self.facts, &self.app.project, server)
                .into_iter()
                .collect(),
        });
    }

    /// Installs `name` at `version` into the venv for an application whose dependencies carry
    /// none of the servers `looked_for`, with the step and the warning that say so. Refused
    /// when pip installs requirements pinned by hash: the added server would be the one
    /// package installed unverified.
    fn add_server(
        &mut self,
        name: &'static str,
        version: &'static str,
        looked_for: &str,
    ) -> Result<(), DetectError> {
        if let (Manager::Pip, Some(hashed)) = (self.facts.manager, &self.app.project.hashed) {
            return Err(DetectError::Broken {
                file: hashed.file.clone(),
                line: hashed.line,
                cause: format!(
                    "pins the requirements by hash ({}), and none of {looked_for} is among them. The image never runs a development server, and one shiplight installed would be the only package not checked against a hash: add {name} (pinned, with its --hash) to {}",
                    hashed.detail, hashed.file
                ),
            });
        }
        let manifest = match self.facts.manager {
            Manager::Pip => self
                .app
                .project
                .requirements
                .first()
                .cloned()
                .unwrap_or_else(|| self.manifest()),
            Manager::Pipenv => self.facts.manager_evidence.file.clone(),
            Manager::Uv | Manager::Poetry => self.pyproject.clone(),
        };
        let locked = match &self.facts.lock {
            Some(lock) => format!(", nor does {lock}"),
            None => String::new(),
        };
        self.steps.push(Step {
            question: "Which server runs the application?".to_string(),
            answer: format!(
                "{name} {version}, added by shiplight: no production server it can run is among the dependencies"
            ),
            evidence: vec![Evidence::file(
                &manifest,
                format!("lists none of {looked_for}{locked}"),
            )],
        });
        self.warnings.push(format!(
            "{manifest}: no production server shiplight can run ({looked_for}) is among the dependencies, so it installs {name} {version} into the image (never a development server); add {name} to your dependencies to choose its version"
        ));
        self.server = Some(Tool { name, version });
        Ok(())
    }

    /// The command that runs a WSGI application with `server`.
    fn wsgi_run(
        &self,
        server: &str,
        target: String,
        asgi: Option<String>,
        port: u16,
    ) -> Vec<String> {
        let python = format!("{VENV}/bin/python");
        let bind = format!("0.0.0.0:{port}");
        match server {
            "waitress" => {
                let mut command = vec![
                    python,
                    "-m".into(),
                    "waitress".into(),
                    format!("--listen={bind}"),
                ];
                match target.strip_suffix("()") {
                    Some(factory) => command.extend(["--call".into(), factory.to_string()]),
                    None => command.push(target),
                }
                command
            }
            "uvicorn" | "hypercorn" | "daphne" => {
                asgi_run(server, python, asgi.unwrap_or(target), port)
            }
            _ => vec![
                python,
                "-m".into(),
                "gunicorn".into(),
                "--bind".into(),
                bind,
                target,
            ],
        }
    }

    /// An ASGI application's server (a step names it when it is not uvicorn) and the start's
    /// name in the summary.
    fn asgi_command(
        &mut self,
        entry: &Entry,
        target: &str,
        port: u16,
    ) -> Result<(Vec<String>, String), DetectError> {
        let target = application(entry, target)?;
        let server = asgi_server(&|name| self.has(name));
        if !self.has(server) {
            self.add_server(
                server,
                catalog::UVICORN_VERSION,
                "uvicorn, hypercorn, daphne or granian",
            )?;
        }
        let mut start_text = super::describe_start(&entry.start);
        if server != "uvicorn" {
            start_text = format!("{server} {target}");
            self.installed_server_step(server);
        }
        let python = format!("{VENV}/bin/python");
        Ok((asgi_run(server, python, target, port), start_text))
    }

    /// The stop signal: none (SIGTERM) for a server that shuts down gracefully on it, else
    /// SIGINT; the step says why.
    fn stop_signal(
        &mut self,
        command: &[String],
        entry: Option<&Entry>,
        user_start: Option<&crate::commands::Set<Vec<String>>>,
    ) -> Option<&'static str> {
        let server = match command.get(1..3) {
            Some([flag, server]) if flag == "-m" => Some(server.as_str()),
            _ if user_start.is_some() => command[0].rsplit('/').next(),
            _ => None,
        }
        .filter(|server| SIGTERM_SERVERS.contains(server));
        let evidence = match (user_start, entry) {
            (Some(start), _) => {
                crate::commands::steps::evidence("start", start, &crate::commands::shown(&start.value))
            }
            (None, Some(entry)) => entry.evidence.clone(),
            (None, None) => unreachable!("a start comes from the settings or the entry"),
        };
        let handles_sigterm = server.is_some();
        self.steps.push(crate::stacks::output::stop_step(
            if let Some(server) = server {
                format!("SIGTERM, which {server} handles with a graceful shutdown")
            } else {
                "SIGINT: Python runs as PID 1, where SIGTERM without a handler is ignored, while SIGINT raises KeyboardInterrupt and ends the server".to_string()
            },
            vec![evidence],
        ));
        (!handles_sigterm).then_some("SIGINT")
    }

    /// How the manager installs the dependencies: the tool, the manifests copied first, and
    /// whether the project itself is installed.
    fn install(&mut self) -> Result<Install, DetectError> {
        let facts = self.facts;
        let project = &self.app.project;
        let mut install = Install {
            locked: facts.lock.is_some(),
            ..Install::default()
        };
        match facts.manager {
            Manager::Pip => self.pip_install(&mut install)?,
            Manager::Uv => self.uv_install(&mut install)?,
            Manager::Poetry => {
                install.tool = Some(Tool {
                    name: "poetry",
                    version: catalog::POETRY_VERSION,
                });
                install.files.push("pyproject.toml".to_string());
                if install.locked {
                    install.files.push("poetry.lock".to_string());
                } else {
                    self.warnings.push("no poetry.lock: Poetry resolves the dependencies afresh at every build; commit poetry.lock for reproducible images".to_string());
                }
            }
            Manager::Pipenv => {
                if !install.locked {
                    return Err(DetectError::Broken {
                        file: "Pipfile".to_string(),
                        line: None,
                        cause: "has no Pipfile.lock beside it: the image installs exactly what the lock says. Run `pipenv lock` and commit Pipfile.lock".to_string(),
                    });
                }
                install.tool = Some(Tool {
                    name: "pipenv",
                    version: catalog::PIPENV_VERSION,
                });
                install.files.push("Pipfile".to_string());
                install.files.push("Pipfile.lock".to_string());
            }
        }
        for file in &install.files {
            safe::relative_path(file, "manifest path", file)?;
        }
        install.install_project = match facts.manager {
            Manager::Pip => project.build_system && !install.source_first,
            Manager::Poetry => project.build_system && !project.poetry_no_package,
            _ => false,
        };
        let builds_project = install.install_project
            || install.source_first
            || (facts.manager == Manager::Uv && project.build_system);
        if builds_project {
            install.scm_version = self.scm_version();
        }
        Ok(install)
    }

    /// The version a build that reads it from version control gets instead (the build context
    /// has no .git), with the step that says why.
    fn scm_version(&mut self) -> Option<ScmVersion> {
        let evidence = self.app.project.scm_version.clone()?;
        self.steps.push(Step {
            question: "Where does the build take the project's version?".to_string(),
            answer: format!(
                "from version control, which the build context leaves out (.git is in .dockerignore): {}={} stands in",
                catalog::SCM_VERSION_VARIABLE,
                catalog::SCM_FALLBACK_VERSION
            ),
            evidence: vec![evidence],
        });
        Some(ScmVersion {
            variable: catalog::SCM_VERSION_VARIABLE,
            value: catalog::SCM_FALLBACK_VERSION,
        })
    }

    /// pip: what the dependency step reads (a requirement file, pyproject.toml's
    /// dependencies) or that it needs the whole source.
    fn pip_install(&mut self, install: &mut Install) -> Result<(), DetectError> {
        let project = &self.app.project;
        if let Some(evidence) = &project.installs_itself {
            install.source_first = true;
            self.warnings.push(format!(
                "{evidence}: the dependency step needs the whole source, so any change reinstalls every dependency; list the dependencies without the local path to get a cached layer"
            ));
        } else if let Some(top) = project.requirements.first() {
            install.requirements = Some(safe::relative_path(top, "requirement file", top)?);
            for more in &project.more_requirements {
                install
                    .more_requirements
                    .push(safe::relative_path(more, "requirement file", more)?);
            }
            install.files.extend(project.requirements.iter().cloned());
        } else if let Some(evidence) = &project.dynamic_dependencies {
            install.source_first = true;
            self.steps.push(Step {
                question: "Where are the dependencies declared?".to_string(),
                answer: "by the build backend, not listed in pyproject.toml: the project installs with its dependencies after the source copy".to_string(),
                evidence: vec![evidence.clone()],
            });
            self.warnings.push(format!(
                "{evidence}: the dependencies are left to the build backend, so they install after the source copy, uncached; list them in [project].dependencies to get a cached layer"
            ));
        } else if project.pep621 {
            install.pyproject_dependencies = project.pep621_dependencies;
            install.files.push(self.pyproject.clone());
            self.warnings.push(format!(
                "no lock file: {} dependencies are resolved afresh at every build; pin them in a lock (uv lock) or requirements.txt for reproducible images",
                self.pyproject
            ));
        } else {
            install.source_first = true;
            self.warnings.push(format!(
                "{} declares the dependencies only by running setup code, so they install after the source copy, uncached; move them to pyproject.toml",
                project.setup_script.as_deref().unwrap_or("setup.py")
            ));
        }
        Ok(())
    }

    /// uv: the lock and every member's pyproject.toml, and the workspace member to sync.
    fn uv_install(&self, install: &mut Install) -> Result<(), DetectError> {
        install.tool = Some(Tool {
            name: "uv",
            version: catalog::UV_VERSION,
        });
        install.files.push("uv.lock".to_string());
        if self.facts.root.pyproject {
            install.files.insert(0, "pyproject.toml".to_string());
        }
        for other in &self.facts.apps {
            if !other.dir.is_empty() {
                install
                    .files
                    .push(crate::repo::join(&other.dir, "pyproject.toml"));
            }
        }
        if self.facts.workspace.is_some() {
            let name = self
                .app
                .project
                .name
                .as_deref()
                .ok_or_else(|| DetectError::Broken {
                    file: self.pyproject.clone(),
                    line: None,
                    cause: "has no [project] name; uv sync --package needs it".to_string(),
                })?;
            install.package = Some(safe::name(&self.pyproject, "project name", name)?);
        }
        Ok(())
    }

    /// The shared libraries compiled packages link that the runtime lacks, with the evidence
    /// that the builder needs compilers for them.
    fn native_libraries(
        &self,
        decision: &Decision,
    ) -> Result<(Vec<Evidence>, Vec<String>), DetectError> {
        let mut needs_compiler = Vec::new();
        let mut native_libraries = Vec::new();
        for ((_, library, _, instead), found) in self.facts.native_libraries(self.app) {
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
        Ok((needs_compiler, native_libraries))
    }

    /// Whether the project's Python constraint admits the runtime's interpreter, warning when
    /// it cannot be read or excludes the next release a floating tag moves to.
    fn constraint_step(&mut self, language: Language, decision: &Decision, settings: &Settings) {
        let Some((spec, evidence)) = self.facts.constraint(Some(self.app)) else {
            return;
        };
        if pep440_rs::VersionSpecifiers::from_str(&spec).is_err() {
            self.warnings.push(format!(
                "{}: the Python constraint {spec:?} could not be read; check it admits Python {}",
                evidence.file, language.version
            ));
        }
        let answer = match settings.vendor {
            Vendor::Distroless if language.copied => format!(
                "yes, Python {}: the builder's, copied into {}",
                language.selector, decision.runtime.repository
            ),
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
            self.warnings.push(format!(
                "{}: requires-python {spec:?} excludes Python {next}, which {}:{} moves to with the next Python release; pin the image digests (`digests = \"FILE\"` in shiplight.toml) or widen the bound before then",
                evidence.file, decision.runtime.repository, decision.runtime.production_tag
            ));
        }
        self.steps.push(Step {
            question: "Does the Python constraint admit the runtime's interpreter?".to_string(),
            answer,
            evidence: vec![evidence],
        });
    }

    /// A warning when a local interpreter pin (.python-version) differs from the runtime's.
    fn version_file_warning(&mut self, language: Language) {
        if let Some((file_spec, file_evidence)) = &self.facts.python_version_file
            && let Ok(spec) = pep440_rs::VersionSpecifiers::from_str(file_spec)
            && let Ok(version) = pep440_rs::Version::from_str(language.version)
            && !spec.contains(&version)
        {
            let bound = if self.facts.constraint(Some(self.app)).is_some() {
                "requires-python admits it"
            } else {
                "no requires-python excludes it"
            };
            self.warnings.push(format!(
                "{file_evidence} is a local interpreter pin and differs from the runtime's Python {}; {bound}, so the image uses it. Declare requires-python if the project needs a bound",
                language.version
            ));
        }
    }

    /// The builder's Python version, and whether it needs compilers and C headers.
    fn builder_steps(
        &mut self,
        settings: &Settings,
        language: Language,
        minor: &str,
        needs_compiler: Vec<Evidence>,
        native_libraries: &[String],
    ) {
        self.steps.push(Step {
            question: "Python version for the builder?".to_string(),
            answer: if settings.vendor == Vendor::Distroless {
                minor.to_string()
            } else {
                format!(
                    "latest-dev (Python {} as the catalogue assumes; the tag floats to each new release, and the venv is made by whichever Python it carries)",
                    language.version
                )
            },
            evidence: vec![Evidence::file(
                "catalog",
                if language.copied {
                    format!(
                        "the runtime's interpreter is the builder's own {}, copied in; the venv is built by it",
                        language.interpreter
                    )
                } else {
                    format!(
                        "the runtime's interpreter is {}; the venv must be built by the same Python",
                        language.interpreter
                    )
                },
            )],
        });
        if !needs_compiler.is_empty() {
            self.steps.push(Step {
                question: "Does the builder need compilers and C headers?".to_string(),
                answer: format!(
                    "yes; the runtime gets {} and the libraries it links, which it lacks",
                    native_libraries.join(", ")
                ),
                evidence: needs_compiler,
            });
        }
    }

    /// The step naming the manager's install command.
    fn install_step(&self) -> Step {
        Step {
            question: "How are the dependencies installed?".to_string(),
            answer: match self.facts.manager {
                Manager::Pip => "pip into the venv".to_string(),
                Manager::Uv => "uv sync --frozen --no-dev".to_string(),
                Manager::Poetry => "poetry install --only main".to_string(),
                Manager::Pipenv => "pipenv requirements, then pip".to_string(),
            },
            evidence: vec![self.facts.manager_evidence.clone()],
        }
    }

    /// The summary's lines: the project, its manager and lock, the start, the uv workspace.
    fn detected(&self, start_line: &str) -> Vec<String> {
        let facts = self.facts;
        let mut detected = vec![format!(
            "Python project{} ({})",
            self.app
                .name
                .as_deref()
                .map(|n| format!(" {n}"))
                .unwrap_or_default(),
            self.manifest()
        )];
        detected.push(format!(
            "dependencies: {} ({})",
            facts.manager.name(),
            facts
                .lock
                .as_deref()
                .unwrap_or(&facts.manager_evidence.file)
        ));
        detected.push(format!("start: {start_line}"));
        if let Some(workspace) = &facts.workspace {
            detected.push(format!("uv workspace ({})", workspace.file));
        }
        detected
    }

    /// PYTHONPATH for a src layout whose project is not installed into the venv, or for a
    /// directory outside the project's packages that holds the served module.
    fn pythonpath(&self, entry: &Entry, install_project: bool) -> Option<String> {
        let installed =
            install_project || (self.facts.manager == Manager::Uv && self.app.project.build_system);
        entry
            .source_dir
            .as_ref()
            .filter(|dir| !installed || dir.as_str() != "src")
            .map(|dir| {
            format!(
                "{}/{}",
                crate::stacks::output::APP_DIR,
                crate::repo::join(&self.app.dir, dir)
            )
        })
    }
}

use std::str::FromStr;

/// The platforms of a release build. A venv whose every locked package installs the same
/// `-none-any` wheels on every platform is built on $BUILDPLATFORM; otherwise the install runs
/// on the target platform.
fn platforms(
    facts: &super::PythonFacts,
    native_libraries: &[String],
    language: Language,
) -> crate::stacks::output::Platforms {
    use crate::stacks::output::{INSTALL_ON_TARGET as NATIVE, Platforms, first_of};
    if language.copied {
        return Platforms::native(format!(
            "the build machine's: the runtime's interpreter ({}) is copied from the builder, {NATIVE}",
            language.interpreter
        ));
    }
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

/// A Python application reference for gunicorn, uvicorn or flask: `package.module:object`, or
/// `module:factory()` for an application factory.
fn application_reference(file: &str, field: &str, value: &str) -> Result<String, DetectError> {
    let identifier = |s: &str| {
        !s.is_empty()
            && s.len() <= 128
            && !s.starts_with(|c: char| c.is_ascii_digit())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let ok = match value.split_once(':') {
        Some((module, object)) => {
            module.split('.').all(identifier)
                && identifier(object.strip_suffix("()").unwrap_or(object))
        }
        None => false,
    };
    safe::accept(
        ok,
        file,
        field,
        value,
        "a Python reference such as package.module:app or module:create_app()",
    )
}

/// A dotted Python module name for `python -m`.
fn module_name(file: &str, value: &str) -> Result<String, DetectError> {
    let ok = value.split('.').all(|part| {
        !part.is_empty()
            && part.len() <= 128
            && !part.starts_with(|c: char| c.is_ascii_digit())
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    safe::accept(
        ok,
        file,
        "module",
        value,
        "a dotted Python module name such as pkg.cli",
    )
}
