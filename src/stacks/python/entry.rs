//! How a Python project starts: Django (manage.py and its settings module), a FastAPI,
//! Starlette or Flask application object, an application a package's `__main__.py` hands
//! uvicorn by name or one in a console script's module, a console script (the server among
//! several), a Python script of `script-files`, or a main.py / app.py script; and the port.

use super::project::Project;
use crate::evidence::Evidence;
use crate::facts::{self, DetectError};
use crate::repo::SOURCE_CAP;
use crate::repo::{self, Repo};
use serde::Serialize;

/// Port gunicorn and uvicorn are told to bind, and the one shiplight exposes for them.
pub const SERVER_PORT: u16 = 8000;

/// How the application is started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Start {
    /// A WSGI application under gunicorn: `module:object`.
    Gunicorn { target: String },
    /// An ASGI application under uvicorn: `module:object`.
    Uvicorn { target: String },
    /// A console script installed into the venv.
    Script { name: String },
    /// A Python file run by the interpreter, relative to the project directory, with the
    /// arguments the deployment passes it.
    File {
        path: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        args: Vec<String>,
    },
    /// A package run by the interpreter as a module (`python -m pkg`, its `__main__.py`).
    Module { module: String },
}

/// The entry point with the framework that implies it and the evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub framework: Option<&'static str>,
    pub start: Start,
    /// Directory added to PYTHONPATH (src layout), relative to the project directory.
    pub source_dir: Option<String>,
    pub evidence: Evidence,
    pub port: Option<(u16, Evidence)>,
    /// A health route the entry's source file names.
    pub health: Option<(String, Evidence)>,
    /// The ASGI application beside a Django WSGI one (`site.asgi:application`), for an ASGI
    /// server when the dependencies carry no WSGI server.
    pub asgi: Option<String>,
    /// A `requirements.txt` beside a served module that lies outside the project's packages
    /// (a deployment directory's own), which the project's install does not cover.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirements_beside: Option<String>,
}

/// Files searched for a FastAPI, Starlette or Flask application object; `{pkg}` is the project's import name.
const APP_FILES: &[&str] = &[
    "main.py",
    "app.py",
    "server.py",
    "api.py",
    "wsgi.py",
    "asgi.py",
    "application.py",
    "app/main.py",
    "app/__init__.py",
    "app/app.py",
    "src/main.py",
    "src/app.py",
    "{pkg}/main.py",
    "{pkg}/app.py",
    "{pkg}/__init__.py",
    "src/{pkg}/main.py",
    "src/{pkg}/app.py",
    "src/{pkg}/__init__.py",
];

/// Scripts run directly when nothing else is found.
const SCRIPT_FILES: &[&str] = &[
    "main.py",
    "app.py",
    "server.py",
    "src/main.py",
    "__main__.py",
];

/// Finds the entry point of `project`, given the one its own files declare (a Procfile, a
/// Dockerfile, console scripts), which comes first.
pub fn find(
    repo: &Repo,
    project: &Project,
    declared: Option<Entry>,
) -> Result<Option<Entry>, DetectError> {
    let mut entry = start(repo, project, declared)?;
    if let Some(entry) = entry.as_mut()
        && entry.evidence.file.ends_with(".py")
    {
        entry.health = crate::facts::health_in(repo, &entry.evidence.file, SOURCE_CAP);
    }
    Ok(entry)
}

/// How the application starts, without its health route.
fn start(
    repo: &Repo,
    project: &Project,
    declared: Option<Entry>,
) -> Result<Option<Entry>, DetectError> {
    if let Some(mut entry) = declared {
        if let Some(django) = django(repo, project)?
            && let (Start::Gunicorn { target }, Start::Gunicorn { target: own }) =
                (&entry.start, &django.start)
            && target == own
        {
            entry.framework = django.framework;
            entry.asgi = django.asgi;
        }
        return Ok(Some(entry));
    }
    if let Some(entry) = django(repo, project)? {
        return Ok(Some(entry));
    }
    if let Some(entry) = application_object(repo, project)? {
        return Ok(Some(entry));
    }
    if let Some(entry) = wsgi_module(repo, project)? {
        return Ok(Some(entry));
    }
    if let Some(entry) = served_by_main(repo, project)? {
        return Ok(Some(entry));
    }
    if let Some(entry) = script_module_app(repo, project)? {
        return Ok(Some(entry));
    }
    let script = project.build_system.then(|| pick_script(repo, project)).flatten();
    let console = |(name, _, evidence): (String, String, Evidence)| Entry {
        health: None,
        framework: None,
        start: Start::Script { name },
        source_dir: None,
        evidence,
        asgi: None,
        requirements_beside: None,
        port: None,
    };
    match script {
        Some((found, true)) => return Ok(Some(console(found))),
        Some((found, false)) => {
            let candidates = super::scripts::candidates(repo, project);
            let run = super::scripts::run_by_the_project(repo, project, &candidates);
            return Ok(Some(run.map(program).unwrap_or_else(|| console(found))));
        }
        None => {}
    }
    if project.build_system
        && let Some(entry) = installed_script_file(repo, project)
    {
        return Ok(Some(entry));
    }
    let candidates = super::scripts::candidates(repo, project);
    if let Some(chosen) = super::scripts::find(repo, project, &candidates) {
        return Ok(Some(program(chosen)));
    }
    if let Some(entry) = script_file(repo, project)? {
        return Ok(Some(entry));
    }
    Ok(super::scripts::only(project, &candidates).map(program))
}

/// The only script of `[tool.setuptools] script-files` that starts with a Python shebang:
/// the install puts it in the venv's bin with the shebang pointed at the venv's interpreter.
fn installed_script_file(repo: &Repo, project: &Project) -> Option<Entry> {
    let python: Vec<&(String, Evidence)> = project
        .script_files
        .iter()
        .filter(|(path, _)| {
            let file = repo::join(&project.dir, path);
            repo.read_text(&file, SOURCE_CAP)
                .ok()
                .flatten()
                .and_then(|text| text.lines().next().map(str::to_string))
                .is_some_and(|first| first.starts_with("#!") && first.contains("python"))
        })
        .collect();
    let [(path, evidence)] = python.as_slice() else {
        return None;
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    crate::safe::name(&evidence.file, "script file", name).ok()?;
    let mut evidence = evidence.clone();
    evidence.detail = format!(
        "{}: the only one with a Python shebang, installed into the venv's bin",
        evidence.detail
    );
    Some(Entry {
        health: None,
        framework: None,
        start: Start::Script {
            name: name.to_string(),
        },
        source_dir: None,
        evidence,
        asgi: None,
        requirements_beside: None,
        port: None,
    })
}

/// The entry that runs a program the interpreter starts.
fn program(chosen: super::scripts::Chosen) -> Entry {
    let start = match chosen.program {
        super::scripts::Program::File(path) => Start::File {
            path,
            args: Vec::new(),
        },
        super::scripts::Program::Module(module) => Start::Module { module },
    };
    Entry {
        health: None,
        framework: None,
        start,
        source_dir: chosen.source_dir,
        evidence: chosen.evidence,
        port: chosen.port,
        asgi: None,
        requirements_beside: None,
    }
}

/// The project's import name (`my_app` of `My-App`), empty when it has none.
fn import_name(project: &Project) -> String {
    project
        .name
        .as_deref()
        .map(|n| n.replace(['-', '.'], "_").to_lowercase())
        .filter(|n| identifier(n))
        .unwrap_or_default()
}

/// The web frameworks whose application object shiplight serves, with the call that builds one.
const FRAMEWORKS: [(&str, &str); 3] = [
    ("FastAPI", "FastAPI("),
    ("Starlette", "Starlette("),
    ("Flask", "Flask("),
];

/// A FastAPI, Starlette or Flask application object (of a framework the project depends on)
/// in one of the usual files, and the server that runs it.
fn application_object(repo: &Repo, project: &Project) -> Result<Option<Entry>, DetectError> {
    let pkg = import_name(project);
    for framework in FRAMEWORKS {
        for pattern in APP_FILES {
            if pattern.contains("{pkg}") && pkg.is_empty() {
                continue;
            }
            let rel = pattern.replace("{pkg}", &pkg);
            if let Some(entry) = app_in(repo, project, &rel, &[framework], None)? {
                return Ok(Some(entry));
            }
        }
    }
    Ok(None)
}

/// A FastAPI, Starlette or Flask application object at module level in the module a console
/// script names (`web.site` of `site-run = web.site:run`), in the project directory or its
/// `src/`: served by the production server rather than through the script.
fn script_module_app(repo: &Repo, project: &Project) -> Result<Option<Entry>, DetectError> {
    let mut scripts: Vec<&(String, String, Evidence)> = project.scripts.iter().collect();
    scripts.sort_by_key(|(_, _, evidence)| (evidence.file.clone(), evidence.line));
    for (name, target, _) in scripts {
        let module = target.split(':').next().unwrap_or_default().trim();
        if !module.split('.').all(identifier) {
            continue;
        }
        let path = module.replace('.', "/");
        for base in ["", "src"] {
            for rel in [format!("{path}.py"), format!("{path}/__init__.py")] {
                let rel = repo::join(base, &rel);
                if let Some(entry) = app_in(repo, project, &rel, &FRAMEWORKS, Some(name))? {
                    return Ok(Some(entry));
                }
            }
        }
    }
    Ok(None)
}

/// The application object of one of `frameworks` (that the project depends on) at module
/// level in `rel`, relative to the project directory; `script` names the console script whose
/// module it is.
fn app_in(
    repo: &Repo,
    project: &Project,
    rel: &str,
    frameworks: &[(&'static str, &str)],
    script: Option<&str>,
) -> Result<Option<Entry>, DetectError> {
    let has = |name: &str| project.dependencies.contains_key(name);
    let file = repo::join(&project.dir, rel);
    let mut text = None;
    for &(framework, constructor) in frameworks {
        if !has(&framework.to_lowercase()) {
            continue;
        }
        if text.is_none() {
            match repo.read_text(&file, SOURCE_CAP)? {
                Some(read) => text = Some(read),
                None => return Ok(None),
            }
        }
        let Some((object, line)) = text.as_deref().and_then(|t| app_object(t, constructor)) else {
            continue;
        };
        let (module, source_dir) = module_of(rel);
        let target = format!("{module}:{object}");
        let why = match script {
            Some(script) => {
                format!("{object} = {constructor}...), in the module of console script {script}")
            }
            None => format!("{object} = {constructor}...)"),
        };
        let start = match framework {
            "FastAPI" | "Starlette" => Start::Uvicorn { target },
            _ => Start::Gunicorn { target },
        };
        return Ok(Some(Entry {
            health: None,
            framework: Some(framework),
            start,
            source_dir,
            evidence: Evidence::line(&file, line, why),
            asgi: None,
            requirements_beside: None,
            port: Some((SERVER_PORT, server_port_evidence(framework))),
        }));
    }
    Ok(None)
}

/// A script the interpreter runs directly, with the port its source names.
fn script_file(repo: &Repo, project: &Project) -> Result<Option<Entry>, DetectError> {
    for rel in SCRIPT_FILES {
        let file = repo::join(&project.dir, rel);
        if let Some(text) = repo.read_text(&file, SOURCE_CAP)? {
            let port = source_port(&text)
                .map(|(port, line)| (port, Evidence::line(&file, line, format!("port {port}"))));
            return Ok(Some(Entry {
                health: None,
                framework: None,
                start: Start::File {
                    path: rel.to_string(),
                    args: Vec::new(),
                },
                source_dir: None,
                evidence: Evidence::file(&file, "script run by the interpreter"),
                port,
                asgi: None,
                requirements_beside: None,
            }));
        }
    }
    Ok(None)
}

fn server_port_evidence(framework: &str) -> Evidence {
    Evidence::file(
        "shiplight",
        format!("{framework} is served on {SERVER_PORT}, the port the start command binds"),
    )
}

/// The console script to run, in the order the manifest declares them: among several, the one
/// whose module starts a server (`uvicorn.run(`); else the one named like the project, else
/// one named like a part of its name (`interpreter` of `open-interpreter`), else the first
/// that is not a helper named `<project>-<task>`, else the first; with whether it is chosen
/// by its module or its name (a script that is not yields to one the README runs).
fn pick_script(repo: &Repo, project: &Project) -> Option<((String, String, Evidence), bool)> {
    let name = project.name.as_deref().map(super::project::normalize);
    let mut scripts: Vec<&(String, String, Evidence)> = project.scripts.iter().collect();
    scripts.sort_by_key(|(_, _, evidence)| (evidence.file.clone(), evidence.line));
    if scripts.len() > 1
        && let Some((script, target, evidence)) = scripts
            .iter()
            .find(|(_, target, _)| starts_server(repo, project, target))
    {
        let mut evidence = evidence.clone();
        evidence.detail = format!("{}; its module starts a server (uvicorn.run)", evidence.detail);
        return Some(((script.clone(), target.clone(), evidence), true));
    }
    let normalized = |script: &str| super::project::normalize(script);
    let named = name.as_ref().and_then(|name| {
        scripts
            .iter()
            .find(|(script, _, _)| normalized(script) == *name)
            .or_else(|| {
                scripts.iter().find(|(script, _, _)| {
                    let script = normalized(script);
                    name.split('-').any(|part| part == script)
                })
            })
    });
    if let Some(found) = named {
        return Some(((*found).clone(), true));
    }
    let product = name.as_ref().and_then(|name| {
        scripts
            .iter()
            .find(|(script, _, _)| !normalized(script).starts_with(&format!("{name}-")))
    });
    product
        .or(scripts.first())
        .map(|found| ((*found).clone(), false))
}

/// Whether the module a console script's `target` (`pkg.mod:main`) names, in the project
/// directory or its `src/`, calls `uvicorn.run(`.
fn starts_server(repo: &Repo, project: &Project, target: &str) -> bool {
    let module = target.split(':').next().unwrap_or_default().trim();
    if !module.split('.').all(identifier) {
        return false;
    }
    let path = module.replace('.', "/");
    ["", "src"].into_iter().any(|base| {
        [format!("{path}.py"), format!("{path}/__init__.py")]
            .iter()
            .any(|rel| {
                let file = repo::join(&project.dir, &repo::join(base, rel));
                repo.read_text(&file, SOURCE_CAP)
                    .ok()
                    .flatten()
                    .is_some_and(|text| text.contains("uvicorn.run("))
            })
    })
}

/// Conventional server modules at the project's top or in the package named after it:
/// `wsgi.py` (served by gunicorn) or `asgi.py` (by uvicorn), exist only to hand a server the
/// application, as a module-level `application` or `app`, or an `app()` / `create_app()`
/// factory.
fn wsgi_module(repo: &Repo, project: &Project) -> Result<Option<Entry>, DetectError> {
    let package = import_name(project);
    let places = ["", "{pkg}", "src/{pkg}"]
        .into_iter()
        .filter(|place| !place.contains("{pkg}") || !package.is_empty())
        .map(|place| place.replace("{pkg}", &package));
    let modules = places.flat_map(|place| [(place.clone(), "wsgi", false), (place, "asgi", true)]);
    for (place, name, asgi) in modules {
        let rel = repo::join(&place, &format!("{name}.py"));
        let (module, source_dir) = module_of(&rel);
        let file = repo::join(&project.dir, &rel);
        let Some(text) = repo.read_text(&file, SOURCE_CAP)? else {
            continue;
        };
        let Some((object, line)) = server_object(&text) else {
            continue;
        };
        let target = format!("{module}:{object}");
        let start = if asgi {
            Start::Uvicorn { target }
        } else {
            Start::Gunicorn { target }
        };
        return Ok(Some(Entry {
            health: None,
            framework: None,
            start,
            source_dir,
            evidence: Evidence::line(
                &file,
                line,
                format!("{object}: the application the {name} module hands its server"),
            ),
            port: Some((SERVER_PORT, server_port_evidence(name))),
            asgi: None,
            requirements_beside: None,
        }));
    }
    Ok(None)
}

/// An ASGI application that a package's `__main__.py` (of a top-level package, in the project
/// directory or its `src/`, or of one of its subpackages) hands uvicorn by name,
/// `uvicorn.run("pkg.server:app", ...)`, when that module is in the project and defines the
/// object at module level: the project's own way to serve it, run by uvicorn directly.
fn served_by_main(repo: &Repo, project: &Project) -> Result<Option<Entry>, DetectError> {
    let package_dirs = |dir: &str| {
        repo.list_dir(dir, |name, kind| kind.is_dir() && identifier(name))
            .into_iter()
            .map(|name| repo::join(dir, &name))
            .collect::<Vec<_>>()
    };
    for base in ["", "src"] {
        let root = repo::join(&project.dir, base);
        for package in package_dirs(&root) {
            let places = std::iter::once(package.clone()).chain(package_dirs(&package));
            for place in places {
                let main = repo::join(&place, "__main__.py");
                let Some(text) = repo.read_text(&main, SOURCE_CAP)? else {
                    continue;
                };
                let Some((target, line)) = uvicorn_target(&text) else {
                    continue;
                };
                let Some((module, object)) = target.split_once(':') else {
                    continue;
                };
                let path = module.replace('.', "/");
                let mut defined = false;
                for rel in [format!("{path}.py"), format!("{path}/__init__.py")] {
                    if let Some(source) = repo.read_text(&repo::join(&root, &rel), SOURCE_CAP)? {
                        defined = defined_at(&source, object).is_some();
                        break;
                    }
                }
                if !defined {
                    continue;
                }
                return Ok(Some(Entry {
                    health: None,
                    framework: None,
                    start: Start::Uvicorn {
                        target: target.clone(),
                    },
                    source_dir: (!base.is_empty()).then(|| base.to_string()),
                    evidence: Evidence::line(
                        &main,
                        line,
                        format!("uvicorn.run(\"{target}\"): the application the package serves"),
                    ),
                    port: Some((SERVER_PORT, server_port_evidence("uvicorn"))),
                    asgi: None,
                    requirements_beside: None,
                }));
            }
        }
    }
    Ok(None)
}

/// The `module:object` string a `uvicorn.run(` call is given first, with its line, when both
/// parts are dotted Python names.
fn uvicorn_target(text: &str) -> Option<(String, usize)> {
    let at = text.find("uvicorn.run(")? + "uvicorn.run(".len();
    let rest = &text[at..];
    let start = rest.len() - rest.trim_start().len();
    let rest = &rest[start..];
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let value = rest[1..].split(quote).next()?;
    let (module, object) = value.split_once(':')?;
    let dotted = |name: &str| name.split('.').all(identifier);
    if !dotted(module) || !identifier(object) {
        return None;
    }
    let line = text[..at + start].matches('\n').count() + 1;
    Some((value.to_string(), line))
}

/// The line where `name` is bound at module level, by assignment or by `from ... import`.
fn defined_at(text: &str, name: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let assigned = line.strip_prefix(name).is_some_and(|rest| {
                rest.trim_start().starts_with('=') && !rest.trim_start().starts_with("==")
            });
            let imported = line.starts_with("from ")
                && line.split_once(" import ").is_some_and(|(_, names)| {
                    names.split(',').any(|n| {
                        let n = n.trim();
                        n == name || n.ends_with(&format!(" as {name}"))
                    })
                });
            assigned || imported
        })
        .map(|index| index + 1)
}

/// A module-level `application` or `app` (assigned or imported), else an `app` or
/// `create_app` factory (`app()`), with its line.
fn server_object(text: &str) -> Option<(String, usize)> {
    for name in ["application", "app"] {
        if let Some(line) = defined_at(text, name) {
            return Some((name.to_string(), line));
        }
    }
    ["app", "create_app"].into_iter().find_map(|name| {
        text.lines()
            .position(|line| line.starts_with(&format!("def {name}(")))
            .map(|index| (format!("{name}()"), index + 1))
    })
}

/// Django: manage.py at the project root, or in `src/` (then `src` goes on the path).
fn django(repo: &Repo, project: &Project) -> Result<Option<Entry>, DetectError> {
    for base in ["", "src"] {
        if let Some(entry) = django_in(repo, project, base)? {
            return Ok(Some(entry));
        }
    }
    Ok(None)
}

fn django_in(repo: &Repo, project: &Project, base: &str) -> Result<Option<Entry>, DetectError> {
    let code_dir = repo::join(&project.dir, base);
    let manage = repo::join(&code_dir, "manage.py");
    let Some(text) = repo.read_text(&manage, SOURCE_CAP)? else {
        return Ok(None);
    };
    for (index, line) in text.lines().enumerate() {
        let Some(at) = line.find("DJANGO_SETTINGS_MODULE") else {
            continue;
        };
        let rest = line[at + "DJANGO_SETTINGS_MODULE".len()..].trim_start_matches(['"', '\'']);
        let Some(settings) = quoted_values(rest).into_iter().next() else {
            continue;
        };
        let Some(package) = settings.strip_suffix(".settings").or_else(|| {
            settings
                .rsplit_once(".settings.")
                .map(|(package, _)| package)
        }) else {
            continue;
        };
        if !package.split('.').all(identifier) {
            return Err(DetectError::Broken {
                file: manage,
                line: Some(index + 1),
                cause: format!(
                    "DJANGO_SETTINGS_MODULE {settings:?} is not a dotted Python module name"
                ),
            });
        }
        let module_file = |module: &str| {
            let base = repo::join(
                &code_dir,
                &format!("{}/{module}", package.replace('.', "/")),
            );
            repo.is_file(&format!("{base}.py")) || repo.is_file(&repo::join(&base, "__init__.py"))
        };
        let asgi = module_file("asgi").then(|| format!("{package}.asgi:application"));
        let start = if module_file("wsgi") {
            Start::Gunicorn {
                target: format!("{package}.wsgi:application"),
            }
        } else if let Some(target) = asgi.clone() {
            Start::Uvicorn { target }
        } else {
            let dir = package.replace('.', "/");
            return Err(DetectError::Broken {
                file: manage,
                line: Some(index + 1),
                cause: format!(
                    "names the settings module {settings}, but neither {dir}/wsgi.py nor {dir}/asgi.py exists; a server needs the WSGI or ASGI module"
                ),
            });
        };
        return Ok(Some(Entry {
            health: None,
            framework: Some("Django"),
            start,
            source_dir: (!base.is_empty()).then(|| base.to_string()),
            evidence: Evidence::line(
                &manage,
                index + 1,
                format!("DJANGO_SETTINGS_MODULE {settings}"),
            ),
            asgi,
            requirements_beside: None,
            port: Some((SERVER_PORT, server_port_evidence("Django"))),
        }));
    }
    Ok(None)
}

/// `name = Constructor(` at the start of a line, or in every branch of a module-level
/// `if`/`elif`/`else` chain (so the name is bound whichever branch runs): the object's name and
/// the line.
fn app_object(text: &str, constructor: &str) -> Option<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    lines.iter().enumerate().find_map(|(index, line)| {
        let name = assigned_object(line, constructor)?;
        let bound = !line.starts_with([' ', '\t'])
            || every_branch_assigns(&lines, index, &name, constructor);
        bound.then(|| (name, index + 1))
    })
}

/// The name a line (at any indentation) assigns a `constructor` object to.
fn assigned_object(line: &str, constructor: &str) -> Option<String> {
    let (left, right) = line.split_once('=')?;
    let name = left.trim().split(':').next()?.trim();
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    (valid && right.trim_start().starts_with(constructor)).then(|| name.to_string())
}

/// Whether the indented line at `index` lies in a module-level `if` chain that ends in
/// `else:` and whose every branch assigns `name` a `constructor` object at its own top level.
fn every_branch_assigns(lines: &[&str], index: usize, name: &str, constructor: &str) -> bool {
    let code = |line: &str| line.split('#').next().unwrap_or("").trim_end().to_string();
    let top = |line: &str| !code(line).trim().is_empty() && !line.starts_with([' ', '\t']);
    let branch = |line: &str| line.starts_with("elif ") || code(line) == "else:";
    let Some(mut start) = (0..index).rev().find(|&at| top(lines[at])) else {
        return false;
    };
    while branch(lines[start]) {
        match (0..start).rev().find(|&at| top(lines[at])) {
            Some(before) => start = before,
            None => return false,
        }
    }
    if !lines[start].starts_with("if ") {
        return false;
    }
    let mut headers = vec![start];
    let mut end = lines.len();
    for (at, line) in lines.iter().enumerate().skip(start + 1) {
        if top(line) {
            if branch(line) {
                headers.push(at);
            } else {
                end = at;
                break;
            }
        }
    }
    let indent = |line: &str| line.len() - line.trim_start().len();
    headers.iter().any(|&at| code(lines[at]) == "else:")
        && headers.iter().enumerate().all(|(k, &at)| {
            let body = &lines[at + 1..headers.get(k + 1).copied().unwrap_or(end)];
            let Some(first) = body.iter().find(|line| !code(line).trim().is_empty()) else {
                return false;
            };
            body.iter().any(|line| {
                indent(line) == indent(first)
                    && assigned_object(line, constructor).as_deref() == Some(name)
            })
        })
}

/// Module path of a file relative to the project (`app/main.py` -> `app.main`), and `src` when
/// the file sits in a src layout.
/// A Python identifier (ASCII): what a module or package name in a path may be.
fn identifier(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn module_of(rel: &str) -> (String, Option<String>) {
    let (source_dir, rel) = match rel.strip_prefix("src/") {
        Some(rest) => (Some("src".to_string()), rest),
        None => (None, rel),
    };
    let without = rel.trim_end_matches(".py");
    let without = without.strip_suffix("/__init__").unwrap_or(without);
    (without.replace('/', "."), source_dir)
}

fn quoted_values(text: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['"', '\'']) {
        let quote = rest.as_bytes()[start] as char;
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        values.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    values
}

/// A port number on a line that mentions a port: `port=8080`, `PORT", "5000")`.
pub fn source_port(text: &str) -> Option<(u16, usize)> {
    facts::port_after_word(text, &["port"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_objects() {
        assert_eq!(
            app_object("from fastapi import FastAPI\napp = FastAPI()\n", "FastAPI("),
            Some(("app".into(), 2))
        );
        assert_eq!(
            app_object("api: FastAPI = FastAPI(title='x')", "FastAPI("),
            Some(("api".into(), 1))
        );
        assert_eq!(app_object("    app = Flask(__name__)", "Flask("), None);
        let both = "if debug():\n    app = FastAPI(debug=True)\nelse:  # production\n    app = FastAPI(docs_url=None)\n";
        assert_eq!(app_object(both, "FastAPI("), Some(("app".into(), 2)));
        let one = "if debug():\n    app = FastAPI(debug=True)\nx = 1\n";
        assert_eq!(app_object(one, "FastAPI("), None);
        let partial = "if a:\n    app = FastAPI()\nelif b:\n    pass\nelse:\n    app = FastAPI()\n";
        assert_eq!(app_object(partial, "FastAPI("), None);
        let function = "def make():\n    app = FastAPI()\n    return app\n";
        assert_eq!(app_object(function, "FastAPI("), None);
    }

    #[test]
    fn uvicorn_targets() {
        assert_eq!(
            uvicorn_target("import uvicorn\n\nuvicorn.run(\n    'pkg.server.listen:app',\n)\n"),
            Some(("pkg.server.listen:app".into(), 4))
        );
        assert_eq!(uvicorn_target("uvicorn.run(app, port=8000)"), None);
        assert_eq!(uvicorn_target("uvicorn.run(\"../x:app\")"), None);
    }

    #[test]
    fn modules() {
        assert_eq!(module_of("app/main.py"), ("app.main".into(), None));
        assert_eq!(
            module_of("src/pkg/__init__.py"),
            ("pkg".into(), Some("src".into()))
        );
    }

    #[test]
    fn ports() {
        assert_eq!(
            source_port("app.run(host='0.0.0.0', port=5001)"),
            Some((5001, 1))
        );
        assert_eq!(
            source_port("PORT = int(os.environ.get('PORT', '8080'))"),
            Some((8080, 1))
        );
        assert_eq!(source_port("print('hello')"), None);
    }
}
