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

use crate::catalog::{self, Vendor};
use crate::deployed::Deployed;
use crate::evidence::Evidence;
use crate::facts::{DetectError, Fact, Signals};
use crate::repo::MANIFEST_CAP;
use crate::repo::Repo;
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
            for (vendor, version, ok) in verdicts {
                if ok {
                    continue;
                }
                let signal = match vendor {
                    Vendor::Distroless => tree::REJECTS_DISTROLESS,
                    Vendor::Chainguard => tree::REJECTS_CHAINGUARD,
                };
                signals.add(
                    signal,
                    [Evidence {
                        detail: format!(
                            "{} excludes Python {version}, the interpreter of the {vendor} runtime; {fits}",
                            evidence.detail
                        ),
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
    fn fits(&self, app: &App, verdicts: &[(Vendor, &'static str, bool)]) -> String {
        let library = self.native_libraries(app).next();
        let mut fits = Vec::new();
        let mut blocked = Vec::new();
        for (vendor, version, ok) in verdicts {
            match (ok, vendor, library) {
                (false, _, _) => {}
                (true, Vendor::Chainguard, Some(((package, library, _, instead), _))) => {
                    blocked.push(format!(
                        "--vendor {vendor} (Python {version}) admits it, but {package} builds against {library}, which that vendor lacks: use {instead}"
                    ))
                }
                (true, _, _) => fits.push(format!("--vendor {vendor} (Python {version})")),
            }
        }
        if !fits.is_empty() {
            return format!("{} fits", fits.join(", "));
        }
        let pythons: Vec<String> = verdicts
            .iter()
            .filter(|(_, _, ok)| !ok)
            .map(|(vendor, version, _)| format!("{} ({vendor})", minor_of(version)))
            .collect();
        let mut text = format!(
            "no runtime image fits: requires-python must admit Python {}",
            pythons.join(" or ")
        );
        for reason in blocked {
            text.push_str("; or ");
            text.push_str(&reason);
        }
        text
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

/// For each vendor: its runtime's Python version and whether `spec` admits it. An unparsable
/// specifier admits everything (and is reported by the planner).
pub fn admitted(spec: &str) -> Vec<(Vendor, &'static str, bool)> {
    let parsed = VersionSpecifiers::from_str(spec).ok();
    [Vendor::Distroless, Vendor::Chainguard]
        .into_iter()
        .filter_map(|vendor| {
            let row = catalog::language_runtimes(Stack::Python, vendor)
                .into_iter()
                .next()?;
            let version = row.language?.version;
            let ok = match (&parsed, Version::from_str(version)) {
                (Some(spec), Ok(v)) => spec.contains(&v),
                _ => true,
            };
            Some((vendor, version, ok))
        })
        .collect()
}

/// `3.13` of `3.13.5`.
fn minor_of(version: &str) -> &str {
    version.rsplit_once('.').map_or(version, |(minor, _)| minor)
}

/// The start command in words, for listings.
pub fn describe_start(start: &entry::Start) -> String {
    match start {
        entry::Start::Gunicorn { target } => format!("gunicorn {target}"),
        entry::Start::Uvicorn { target } => format!("uvicorn {target}"),
        entry::Start::Script { name } => format!("console script {name}"),
        entry::Start::File { path } => format!("python {path}"),
        entry::Start::Module { module } => format!("python -m {module}"),
    }
}

/// Runs Python detection on `root`, with what the project's deployment runs as evidence.
pub fn detect(repo: &Repo, deployed: &Deployed) -> Detection {
    match read(repo, deployed) {
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
    let Some(root_project) = project::read(repo, "")? else {
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
            if let Some(member) = project::read(repo, &dir)? {
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
                None => declared::find(repo, &project)?,
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
    let evidence = match project.requirements.first() {
        Some(file) => Evidence::file(file, "requirements file"),
        None if project.pep621 => {
            Evidence::file("pyproject.toml", "[project] dependencies, no lock file")
        }
        None => Evidence::file(
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
