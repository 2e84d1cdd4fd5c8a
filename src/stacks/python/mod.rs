//! Python: detection of the package manager (pip, uv, Poetry, Pipenv), the projects (a uv
//! workspace points at its members), the Python constraint, the entry point and framework, and
//! the dependencies that need shared libraries no wheel carries.

pub mod declared;
pub mod deployment;
pub mod entry;
pub mod kind;
pub mod plan;
pub mod project;
pub mod scripts;
pub mod tree;
pub use kind::Kind;

use crate::catalog::{self, Language, RuntimeImage, Vendor};
use crate::deployed::Deployed;
use crate::evidence::Evidence;
use crate::facts::{DetectError, Fact, Signals};
use crate::repo::MANIFEST_CAP;
use crate::repo::{Pending, Repo};
use crate::stack::Stack;
use crate::stacks::Detection;
use entry::Entry;
use pep440_rs::{Version, VersionSpecifiers};
use project::Project;
use serde::Serialize;
use std::collections::BTreeMap;
use std::str::FromStr;

/// One row of [`NATIVE_LIBRARIES`].
pub type NativeLibrary = (&'static str, &'static str, &'static str, &'static str);

/// Packages that, built from source, link a shared library the runtime image lacks:
/// (package, library, Debian package of the library, what to use instead).
pub const NATIVE_LIBRARIES: &[NativeLibrary] = &[
    (
        "psycopg2",
        "libpq.so.5",
        "libpq5",
        "psycopg2-binary or psycopg[binary], whose wheels carry libpq",
    ),
    (
        "pycurl",
        "libcurl.so.4",
        "libcurl4t64",
        "requests or httpx, which need no libcurl",
    ),
    (
        "mysqlclient",
        "libmariadb.so.3",
        "libmariadb3",
        "PyMySQL, which is pure Python",
    ),
];

/// The tool that installs the dependencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Manager {
    Pip,
    Uv,
    Poetry,
    Pipenv,
}

impl Manager {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Manager::Pip => "pip",
            Manager::Uv => "uv",
            Manager::Poetry => "poetry",
            Manager::Pipenv => "pipenv",
        }
    }
}

/// One runnable project: the root, or a member of a uv workspace.
#[derive(Debug, Clone, Serialize)]
pub struct App {
    #[serde(skip)]
    pub project: Project,
    pub dir: String,
    pub name: Option<String>,
    pub entry: Option<Entry>,
}

/// Everything detected about a Python project.
#[derive(Debug, Clone, Serialize)]
pub struct PythonFacts {
    pub manager: Manager,
    pub manager_evidence: Evidence,
    /// uv.lock, poetry.lock or Pipfile.lock.
    pub lock: Option<String>,
    /// `[tool.uv.workspace]` on the root pyproject.toml.
    pub workspace: Option<Evidence>,
    /// The root project (for a workspace root: its own pyproject.toml).
    #[serde(skip)]
    pub root: Project,
    pub apps: Vec<App>,
    /// The local pin of `.python-version` or `runtime.txt`, as a PEP 440 specifier.
    pub python_version_file: Option<(String, Evidence)>,
    /// Every package of the lock file, or the direct dependencies without one.
    pub packages: BTreeMap<String, Evidence>,
    /// The lock's packages that install differently by platform; None: the lock does not
    /// record the files it installs, or there is no lock.
    pub platform_specific: Option<Vec<Evidence>>,
}

impl PythonFacts {
    /// The facts for display.
    pub fn listing(&self) -> Vec<Fact> {
        let mut facts = vec![Fact::new(
            "package manager",
            self.manager.name(),
            self.manager_evidence.clone(),
        )];
        if let Some(workspace) = &self.workspace {
            facts.push(Fact::new("workspace", "uv workspace", workspace.clone()));
        }
        for app in &self.apps {
            if let Some(entry) = &app.entry {
                facts.push(Fact::new(
                    "entry",
                    format!(
                        "{}{}",
                        entry
                            .framework
                            .map(|f| format!("{f}: "))
                            .unwrap_or_default(),
                        describe_start(&entry.start)
                    ),
                    entry.evidence.clone(),
                ));
            }
        }
        if let Some((spec, evidence)) = self.constraint(self.apps.first()) {
            facts.push(Fact::new("python", spec, evidence));
        }
        facts
    }

    /// The Python constraint for an app: its requires-python, or the workspace root's. A local
    /// pin (`.python-version`, `runtime.txt`) is not a constraint: it only warns.
    pub fn constraint(&self, app: Option<&App>) -> Option<(String, Evidence)> {
        app.and_then(|a| a.project.requires_python.clone())
            .or_else(|| self.root.requires_python.clone())
            .filter(|(spec, _)| !spec.is_empty())
    }

    /// Signals for the decision tree, for the chosen app.
    pub fn signals(&self, app: &App) -> Signals {
        let mut signals = Signals::default();
        if let Some((spec, evidence)) = self.constraint(Some(app)) {
            let verdicts = admitted(&spec);
            let fits = self.fits(app, &verdicts);
            for verdict in &verdicts {
                let (signal, detail) = match (verdict.vendor, verdict.chosen) {
                    (_, Some(row)) if !copied(row) => continue,
                    (Vendor::Distroless, Some(row)) => (
                        tree::COPIED_INTERPRETER,
                        format!(
                            "{} excludes Python {}, the interpreter of {}; Python {} is the newest supported CPython release it admits: the interpreter of {} is copied into {}",
                            evidence.detail,
                            verdict.own.version,
                            verdict.own_image,
                            language(row).selector,
                            builder_image(Vendor::Distroless, language(row).selector),
                            row.repository
                        ),
                    ),
                    (Vendor::Distroless, None) => (
                        tree::REJECTS_DISTROLESS,
                        format!(
                            "{} admits none of the CPython releases distroless can run ({}); {fits}",
                            evidence.detail,
                            verdict.releases.join(", ")
                        ),
                    ),
                    (Vendor::Chainguard, _) => (
                        tree::REJECTS_CHAINGUARD,
                        format!(
                            "{} excludes Python {}, the interpreter of {}, the one Python image the {} free tier publishes; {fits}",
                            evidence.detail, verdict.own.version, verdict.own_image, verdict.vendor
                        ),
                    ),
                };
                signals.add(
                    signal,
                    [Evidence {
                        detail,
                        ..evidence.clone()
                    }],
                );
            }
        }
        for ((_, library, _, instead), found) in self.native_libraries(app) {
            signals.add(
                tree::SYSTEM_LIBRARY,
                [Evidence {
                    detail: format!(
                        "{}: built from source against {library}; {instead}",
                        found.detail
                    ),
                    ..found.clone()
                }],
            );
        }
        signals
    }

    /// Which vendor's runtime fits the constraint's verdicts, or exactly what to change when
    /// none does: the Pythons requires-python must admit, and a dependency Chainguard cannot
    /// build.
    fn fits(&self, app: &App, verdicts: &[Verdict]) -> String {
        let library = self.native_libraries(app).next();
        let mut fits = Vec::new();
        let mut blocked = Vec::new();
        for verdict in verdicts {
            let vendor = verdict.vendor;
            match (verdict.chosen, vendor, library) {
                (None, _, _) => {}
                (Some(row), Vendor::Chainguard, Some(((package, library, _, instead), _))) => {
                    blocked.push(format!(
                        "--vendor {vendor} (Python {}) admits it, but {package} builds against {library}, which that vendor lacks: use {instead}",
                        language(row).version
                    ))
                }
                (Some(row), _, _) => fits.push(format!(
                    "--vendor {vendor} (Python {}) fits",
                    language(row).selector
                )),
            }
        }
        if !fits.is_empty() {
            return fits.join(", ");
        }
        let pythons: Vec<String> = verdicts
            .iter()
            .map(|verdict| match verdict.releases.as_slice() {
                [one] => format!("Python {one} ({})", verdict.vendor),
                several => format!("one of Python {} ({})", several.join(", "), verdict.vendor),
            })
            .collect();
        let mut text = format!(
            "no runtime image fits: requires-python must admit {}",
            pythons.join(", or ")
        );
        for reason in blocked {
            text.push_str("; or ");
            text.push_str(&reason);
        }
        text
    }

    /// The Python release the runtime runs for `app` under `vendor`, as the catalogue's
    /// selector: the vendor's own image's when the constraint admits it (or there is none),
    /// else the newest supported release the constraint admits; None when it admits none.
    pub fn python_release(&self, app: &App, vendor: Vendor) -> Option<&'static str> {
        let spec = self.constraint(Some(app)).map(|(spec, _)| spec);
        admitted(spec.as_deref().unwrap_or(""))
            .into_iter()
            .find(|verdict| verdict.vendor == vendor)
            .and_then(|verdict| verdict.chosen)
            .map(|row| language(row).selector)
    }

    /// The NATIVE_LIBRARIES rows whose package the app installs (locked or declared), each with
    /// the evidence that it does.
    pub fn native_libraries<'a>(
        &'a self,
        app: &'a App,
    ) -> impl Iterator<
        Item = (
            &'static (&'static str, &'static str, &'static str, &'static str),
            &'a Evidence,
        ),
    > {
        NATIVE_LIBRARIES.iter().filter_map(move |row| {
            self.packages
                .get(row.0)
                .or_else(|| app.project.dependencies.get(row.0))
                .map(|found| (row, found))
        })
    }
}

/// What a constraint admits of one vendor's Pythons.
pub struct Verdict {
    pub vendor: Vendor,
    /// The interpreter of the vendor's own python image.
    pub own: Language,
    /// That image.
    pub own_image: &'static str,
    /// The row the runtime takes: the own image's when admitted, else the newest admitted
    /// release whose interpreter is copied in; None when the constraint admits none.
    pub chosen: Option<&'static RuntimeImage>,
    /// The minor of every release the vendor can run, oldest first.
    pub releases: Vec<&'static str>,
}

/// For each vendor: what `spec` admits of the Pythons its runtimes carry. An unparsable
/// specifier admits everything (and is reported by the planner).
pub fn admitted(spec: &str) -> Vec<Verdict> {
    let parsed = VersionSpecifiers::from_str(spec).ok();
    let admits = |row: &RuntimeImage| match (&parsed, Version::from_str(language(row).version)) {
        (Some(spec), Ok(v)) => spec.contains(&v),
        _ => true,
    };
    [Vendor::Distroless, Vendor::Chainguard]
        .into_iter()
        .filter_map(|vendor| {
            let rows = catalog::language_runtimes(Stack::Python, vendor);
            let own = rows.iter().copied().find(|row| !copied(row))?;
            let chosen = if admits(own) {
                Some(own)
            } else {
                rows.iter()
                    .copied()
                    .rfind(|row| copied(row) && admits(row))
            };
            Some(Verdict {
                vendor,
                own: *language(own),
                own_image: own.repository,
                chosen,
                releases: rows.iter().map(|row| language(row).selector).collect(),
            })
        })
        .collect()
}

/// The interpreter of a Python runtime row.
fn language(row: &RuntimeImage) -> &Language {
    row.language
        .as_ref()
        .expect("the Python runtime rows carry their interpreter")
}

/// Whether a Python runtime row's interpreter is copied in from the builder.
fn copied(row: &RuntimeImage) -> bool {
    language(row).copied
}

/// The builder image for a Python release under `vendor`.
fn builder_image(vendor: Vendor, minor: &str) -> String {
    catalog::builder(Stack::Python, vendor)
        .map(|row| row.reference(minor))
        .unwrap_or_default()
}

/// The start command in words, for listings.
pub fn describe_start(start: &entry::Start) -> String {
    match start {
        entry::Start::Gunicorn { target } => format!("gunicorn {target}"),
        entry::Start::Uvicorn { target } => format!("uvicorn {target}"),
        entry::Start::Script { name } => format!("console script {name}"),
        entry::Start::File { path, args } if args.is_empty() => format!("python {path}"),
        entry::Start::File { path, args } => format!("python {path} {}", args.join(" ")),
        entry::Start::Module { module } => format!("python -m {module}"),
    }
}

/// Runs Python detection on `root`, with what the project's deployment runs as evidence.
pub fn detect(repo: &Repo, deployed: &Pending<'_, Deployed>) -> Detection {
    match read(repo, deployed.get()) {
        Ok(Some(facts)) => Detection::Found {
            facts: Box::new(super::Facts::Python(Box::new(facts))),
        },
        Ok(None) => Detection::Absent {
            looked_for: "pyproject.toml, requirements.txt (or requirements/prod.txt), Pipfile, setup.py, setup.cfg".to_string(),
        },
        Err(error) => Detection::Broken { error },
    }
}

/// Directories whose workspace members are tests, benchmarks, examples or documentation: they
/// are installed with the workspace, but nothing in them is the application.
const NOT_APPLICATIONS: &[&str] = &[
    "test", "tests", "testing", "bench", "benches", "benchmark", "benchmarks", "example",
    "examples", "sample", "samples", "fixtures", "docs",
];

/// Whether a member's directory lies under one of [`NOT_APPLICATIONS`].
fn not_an_application(dir: &str) -> bool {
    dir.split('/').any(|part| NOT_APPLICATIONS.contains(&part))
}

fn read(repo: &Repo, deployed: &Deployed) -> Result<Option<PythonFacts>, DetectError> {
    let installed = deployment::installed_requirements(deployed);
    let Some(root_project) = project::read(repo, "", &installed)? else {
        return Ok(None);
    };
    let (manager, manager_evidence, lock) = manager(repo, &root_project)?;
    let workspace = (!root_project.workspace_members.is_empty()).then(|| {
        Evidence::line(
            "pyproject.toml",
            1,
            format!(
                "[tool.uv.workspace] members = {:?}",
                root_project.workspace_members
            ),
        )
    });
    let mut projects = Vec::new();
    if root_project.pep621 || root_project.poetry || workspace.is_none() {
        projects.push(root_project.clone());
    }
    for pattern in &root_project.workspace_members {
        for dir in crate::manifest::expand(repo, "pyproject.toml", None, pattern)? {
            if let Some(member) = project::read(repo, &dir, &installed)? {
                projects.push(member);
            }
        }
    }
    let mut apps = Vec::new();
    for project in projects {
        let entry = if not_an_application(&project.dir) {
            None
        } else {
            let declared = match deployment::find(repo, &project, deployed) {
                Some(entry) => Some(entry),
                None => declared::find(repo, &project)?
                    .or_else(|| deployment::start_script(repo, &project)),
            };
            entry::find(repo, &project, declared)?
        };
        apps.push(App {
            dir: project.dir.clone(),
            name: project.name.clone(),
            entry,
            project,
        });
    }
    let (packages, platform_specific) = match &lock {
        Some(lock) => {
            let graph = project::lock_packages(repo, lock)?;
            (graph.names, graph.platform_specific)
        }
        None => (
            apps.iter()
                .flat_map(|app| app.project.dependencies.clone())
                .collect(),
            None,
        ),
    };
    Ok(Some(PythonFacts {
        manager,
        manager_evidence,
        lock,
        workspace,
        root: root_project,
        apps,
        python_version_file: python_version_file(repo)?,
        packages,
        platform_specific,
    }))
}

fn manager(
    repo: &Repo,
    project: &Project,
) -> Result<(Manager, Evidence, Option<String>), DetectError> {
    if repo.has_file("uv.lock")? {
        return Ok((
            Manager::Uv,
            Evidence::file("uv.lock", "locked with uv"),
            Some("uv.lock".to_string()),
        ));
    }
    if repo.has_file("poetry.lock")? {
        return Ok((
            Manager::Poetry,
            Evidence::file("poetry.lock", "locked with Poetry"),
            Some("poetry.lock".to_string()),
        ));
    }
    if project.poetry && project.requirements.is_empty() {
        return Ok((
            Manager::Poetry,
            Evidence::file("pyproject.toml", "[tool.poetry], no lock file"),
            None,
        ));
    }
    if repo.has_file("Pipfile")? {
        let lock = repo
            .has_file("Pipfile.lock")?
            .then(|| "Pipfile.lock".to_string());
        return Ok((
            Manager::Pipenv,
            Evidence::file("Pipfile", "Pipenv project"),
            lock,
        ));
    }
    let evidence = match (project.requirements.first(), &project.requirements_installed_by) {
        (Some(_), Some(installed)) => installed.clone(),
        (Some(file), None) => Evidence::file(file, "requirements file"),
        (None, _) if project.pep621 => {
            Evidence::file("pyproject.toml", "[project] dependencies, no lock file")
        }
        (None, _) => Evidence::file(
            project.setup_script.as_deref().unwrap_or("pyproject.toml"),
            "setuptools project",
        ),
    };
    Ok((Manager::Pip, evidence, None))
}

/// The developer's local interpreter pin, as a specifier: `.python-version` (`3.12` ->
/// `==3.12.*`, `3.12.4` -> `==3.12.4`), else Heroku's `runtime.txt` (`python-3.12.4`). A pin
/// says which Python someone runs, not which the project supports: it never excludes a runtime.
fn python_version_file(repo: &Repo) -> Result<Option<(String, Evidence)>, DetectError> {
    for file in [".python-version", "runtime.txt"] {
        let Some(text) = repo.read_text(file, MANIFEST_CAP)? else {
            continue;
        };
        let Some((number, line)) = crate::manifest::first_value_line(&text) else {
            continue;
        };
        let version = line
            .trim_start_matches("cpython-")
            .trim_start_matches("python-")
            .trim_start_matches("python");
        if !version.chars().next().is_some_and(|c| c.is_ascii_digit())
            || !version.chars().all(|c| c.is_ascii_digit() || c == '.')
        {
            continue;
        }
        let spec = if version.split('.').count() >= 3 {
            format!("=={version}")
        } else {
            format!("=={version}.*")
        };
        return Ok(Some((
            spec,
            Evidence::line(file, number, format!("{file} {version}")),
        )));
    }
    Ok(None)
}
