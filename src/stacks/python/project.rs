//! Reading Python manifests: pyproject.toml (PEP 621, Poetry, uv workspaces), requirements
//! files with their `-r` includes, Pipfile, setup.py/setup.cfg, and the package names of the
//! lock files (uv.lock, poetry.lock, Pipfile.lock).

use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::lines::{KeyLines, QuotedLines};
use crate::manifest::{self, key_line, parse_toml};
use crate::repo::{self, Repo};
use crate::repo::{LOCK_CAP, MANIFEST_CAP};
use std::collections::{BTreeMap, HashSet};
use toml::{Table, Value};

/// Requirement files that name the production dependencies, in order of preference.
pub const REQUIREMENT_FILES: &[&str] = &[
    "requirements.txt",
    "requirements-prod.txt",
    "requirements-production.txt",
    "requirements/prod.txt",
    "requirements/production.txt",
    "requirements/base.txt",
    "requirements/main.txt",
];

/// How deep `-r` includes are followed.
const INCLUDE_DEPTH: usize = 8;

/// One Python project (the root, or a uv workspace member).
#[derive(Debug, Clone, Default)]
pub struct Project {
    /// Directory relative to the root, `""` for the root.
    pub dir: String,
    /// `[project].name` or `[tool.poetry].name`.
    pub name: Option<String>,
    /// pyproject.toml exists in `dir`.
    pub pyproject: bool,
    /// `[project]` table present (PEP 621).
    pub pep621: bool,
    /// `[project].dependencies` is present.
    pub pep621_dependencies: bool,
    /// A `[build-system]` table: the project is a package that installs into the venv.
    pub build_system: bool,
    /// The top requirement file and every file it includes, relative to the root.
    pub requirements: Vec<String>,
    /// A requirement line that installs the project itself (`-e .`, `.`).
    pub installs_itself: Option<Evidence>,
    /// setup.py or setup.cfg without pyproject metadata.
    pub setup_script: Option<String>,
    /// Direct dependencies: normalized name -> where declared.
    pub dependencies: BTreeMap<String, Evidence>,
    /// requires-python (or Poetry's python) as a PEP 440 specifier set.
    pub requires_python: Option<(String, Evidence)>,
    /// Console scripts: name, target (`module:function`) and where declared.
    pub scripts: Vec<(String, String, Evidence)>,
    /// `[tool.poetry]` table present.
    pub poetry: bool,
    /// `[project]` (else `[tool.poetry]`) version and license, for the image's labels.
    pub about: crate::manifest::About,
    /// Poetry's `package-mode = false`.
    pub poetry_no_package: bool,
    /// `[tool.uv.workspace] members` patterns, on a workspace root.
    pub workspace_members: Vec<String>,
}

/// Normalizes a distribution name (PEP 503): lower case, runs of `-_.` become `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            dash = true;
        } else {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

/// The distribution name at the start of a PEP 508 requirement (`Django>=5 ; python_version...`).
pub fn requirement_name(requirement: &str) -> Option<String> {
    let name: String = requirement
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    (!name.is_empty()).then(|| normalize(&name))
}

fn broken(file: &str, line: Option<usize>, cause: impl Into<String>) -> DetectError {
    DetectError::Broken {
        file: file.to_string(),
        line,
        cause: cause.into(),
    }
}

/// Reads the project in `dir`; `None` when it has none of the Python manifests.
pub fn read(repo: &Repo, dir: &str) -> Result<Option<Project>, DetectError> {
    let mut project = Project {
        dir: dir.to_string(),
        ..Project::default()
    };
    let pyproject_file = repo::join(dir, "pyproject.toml");
    if let Some(text) = repo.read_text(&pyproject_file, MANIFEST_CAP)? {
        project.pyproject = true;
        read_pyproject(&pyproject_file, &text, &mut project)?;
    }
    for candidate in REQUIREMENT_FILES {
        let file = repo::join(dir, candidate);
        if repo.has_file(&file)? {
            read_requirements(repo, &file, 0, &mut project)?;
            break;
        }
    }
    for script in ["setup.py", "setup.cfg"] {
        let file = repo::join(dir, script);
        if project.setup_script.is_none() && !project.pep621 && repo.has_file(&file)? {
            project.setup_script = Some(file);
        }
    }
    let pipfile = repo::join(dir, "Pipfile");
    if let Some(text) = repo.read_text(&pipfile, MANIFEST_CAP)? {
        let table = parse_toml(&pipfile, &text)?;
        if let Some(packages) = table.get("packages").and_then(Value::as_table) {
            let keys = KeyLines::new(&text);
            for name in packages.keys() {
                project
                    .dependencies
                    .entry(normalize(name))
                    .or_insert_with(|| {
                        Evidence::line(&pipfile, keys.line(name).unwrap_or(1), name.clone())
                    });
            }
        }
        if project.requires_python.is_none()
            && let Some(version) = table
                .get("requires")
                .and_then(|r| r.get("python_version"))
                .and_then(Value::as_str)
        {
            project.requires_python = Some((
                format!("=={version}.*"),
                Evidence::line(
                    &pipfile,
                    key_line(&text, "python_version").unwrap_or(1),
                    format!("python_version = \"{version}\""),
                ),
            ));
        }
    }
    let found = project.pyproject
        || !project.requirements.is_empty()
        || project.setup_script.is_some()
        || repo.has_file(&pipfile)?;
    Ok(found.then_some(project))
}

/// Reads pyproject.toml into `project`: the build system, `[project]`, `[tool.poetry]` and
/// the uv workspace members.
fn read_pyproject(file: &str, text: &str, project: &mut Project) -> Result<(), DetectError> {
    let table = parse_toml(file, text)?;
    let keys = KeyLines::new(text);
    project.build_system = table.contains_key("build-system");
    if let Some(pep621) = table.get("project") {
        let pep621 = pep621
            .as_table()
            .ok_or_else(|| broken(file, key_line(text, "project"), "[project] is not a table"))?;
        read_pep621(file, text, &keys, pep621, project)?;
    }
    let tool = table.get("tool").and_then(Value::as_table);
    if let Some(poetry) = tool.and_then(|t| t.get("poetry")).and_then(Value::as_table) {
        read_poetry(file, text, &keys, poetry, project);
    }
    if let Some(members) = tool
        .and_then(|t| t.get("uv"))
        .and_then(|uv| uv.get("workspace"))
        .and_then(|w| w.get("members"))
    {
        read_workspace_members(file, text, members, project)?;
    }
    Ok(())
}

/// The `[project]` table (PEP 621): name, labels, requires-python, dependencies and scripts.
fn read_pep621(
    file: &str,
    text: &str,
    keys: &KeyLines,
    pep621: &Table,
    project: &mut Project,
) -> Result<(), DetectError> {
    project.pep621 = true;
    project.about = crate::manifest::About::from_table(file, text, Some(pep621));
    project.name = pep621
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(spec) = pep621.get("requires-python") {
        let spec = spec.as_str().ok_or_else(|| {
            broken(
                file,
                key_line(text, "requires-python"),
                "requires-python is not a string",
            )
        })?;
        project.requires_python = Some((
            spec.to_string(),
            Evidence::line(
                file,
                key_line(text, "requires-python").unwrap_or(1),
                format!("requires-python = \"{spec}\""),
            ),
        ));
    }
    if let Some(deps) = pep621.get("dependencies") {
        read_pep621_dependencies(file, text, deps, project)?;
    }
    if let Some(scripts) = pep621.get("scripts").and_then(Value::as_table) {
        collect_scripts(file, keys, scripts, project);
    }
    Ok(())
}

/// `[project].dependencies`: each requirement's name, with the line that declares it.
fn read_pep621_dependencies(
    file: &str,
    text: &str,
    deps: &Value,
    project: &mut Project,
) -> Result<(), DetectError> {
    project.pep621_dependencies = true;
    let deps = deps.as_array().ok_or_else(|| {
        broken(
            file,
            key_line(text, "dependencies"),
            "[project].dependencies is not a list",
        )
    })?;
    let quoted = QuotedLines::new(text);
    for dep in deps {
        let Some(dep) = dep.as_str() else {
            return Err(broken(
                file,
                key_line(text, "dependencies"),
                "[project].dependencies holds a value that is not a string",
            ));
        };
        if let Some(name) = requirement_name(dep) {
            let line = quoted.line(dep);
            project
                .dependencies
                .entry(name)
                .or_insert_with(|| Evidence::line(file, line.unwrap_or(1), dep));
        }
    }
    Ok(())
}

/// The `[tool.poetry]` table: what `[project]` left unsaid (name, labels, python), package
/// mode, dependencies and scripts.
fn read_poetry(file: &str, text: &str, keys: &KeyLines, poetry: &Table, project: &mut Project) {
    project.poetry = true;
    if !project.pep621 {
        project.about = crate::manifest::About::from_table(file, text, Some(poetry));
    }
    project.poetry_no_package = poetry.get("package-mode").and_then(Value::as_bool) == Some(false);
    if project.name.is_none() {
        project.name = poetry
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string);
    }
    if !project.pep621 {
        project.build_system = project.build_system || !project.poetry_no_package;
    }
    if let Some(deps) = poetry.get("dependencies").and_then(Value::as_table) {
        for (name, spec) in deps {
            if name == "python" {
                if project.requires_python.is_none()
                    && let Some(spec) = spec.as_str()
                {
                    project.requires_python = Some((
                        poetry_to_pep440(spec),
                        Evidence::line(
                            file,
                            key_line(text, "python").unwrap_or(1),
                            format!("python = \"{spec}\""),
                        ),
                    ));
                }
                continue;
            }
            project
                .dependencies
                .entry(normalize(name))
                .or_insert_with(|| {
                    Evidence::line(file, keys.line(name).unwrap_or(1), name.clone())
                });
        }
    }
    if let Some(scripts) = poetry.get("scripts").and_then(Value::as_table) {
        collect_scripts(file, keys, scripts, project);
    }
}

/// `[tool.uv.workspace] members`: the member patterns of a workspace root.
fn read_workspace_members(
    file: &str,
    text: &str,
    members: &Value,
    project: &mut Project,
) -> Result<(), DetectError> {
    let members = members.as_array().ok_or_else(|| {
        broken(
            file,
            key_line(text, "members"),
            "[tool.uv.workspace] members is not a list",
        )
    })?;
    for member in members {
        let member = member.as_str().ok_or_else(|| {
            broken(
                file,
                key_line(text, "members"),
                "[tool.uv.workspace] members holds a value that is not a string",
            )
        })?;
        project.workspace_members.push(member.to_string());
    }
    Ok(())
}

fn collect_scripts(file: &str, keys: &KeyLines, scripts: &Table, project: &mut Project) {
    let known: HashSet<String> = project.scripts.iter().map(|(n, _, _)| n.clone()).collect();
    for (name, target) in scripts {
        let target = match target {
            Value::String(target) => target.clone(),
            Value::Table(t) => t
                .get("reference")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            _ => String::new(),
        };
        if known.contains(name) {
            continue;
        }
        let line = keys.line(name).unwrap_or(1);
        project.scripts.push((
            name.clone(),
            target.clone(),
            Evidence::line(file, line, format!("{name} = \"{target}\"")),
        ));
    }
}

/// Turns a Poetry constraint (`^3.11`, `~3.11`, `3.11`, `>=3.9,<3.13`) into PEP 440.
pub fn poetry_to_pep440(spec: &str) -> String {
    let spec = spec.trim();
    if spec.contains("||") || spec == "*" {
        return String::new();
    }
    let bump = |version: &str, index: usize| -> Option<String> {
        let parts: Vec<u64> = version
            .split('.')
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        let mut upper: Vec<u64> = parts.iter().copied().take(index + 1).collect();
        while upper.len() <= index {
            upper.push(0);
        }
        upper[index] += 1;
        Some(
            upper
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join("."),
        )
    };
    if let Some(version) = spec.strip_prefix('^') {
        let first_nonzero = version.split('.').position(|p| p != "0").unwrap_or(0);
        return match bump(version, first_nonzero) {
            Some(upper) => format!(">={version},<{upper}"),
            None => spec.to_string(),
        };
    }
    if let Some(version) = spec.strip_prefix('~').filter(|v| !v.starts_with('=')) {
        let index = if version.split('.').count() > 1 { 1 } else { 0 };
        return match bump(version, index) {
            Some(upper) => format!(">={version},<{upper}"),
            None => spec.to_string(),
        };
    }
    if spec.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return if spec.contains('*') {
            format!("=={spec}")
        } else {
            format!("=={spec}.*")
        };
    }
    spec.to_string()
}

fn read_requirements(
    repo: &Repo,
    file: &str,
    depth: usize,
    project: &mut Project,
) -> Result<(), DetectError> {
    if project.requirements.iter().any(|f| f == file) {
        return Ok(());
    }
    if depth > INCLUDE_DEPTH {
        return Err(broken(
            file,
            None,
            format!("-r includes nest deeper than {INCLUDE_DEPTH} files"),
        ));
    }
    let text = repo
        .read_text(file, MANIFEST_CAP)?
        .ok_or_else(|| broken(file, None, "is included with -r but does not exist"))?;
    project.requirements.push(file.to_string());
    let dir = file.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    for (index, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let include = ["-r", "--requirement", "-c", "--constraint"]
            .iter()
            .find_map(|flag| {
                line.strip_prefix(flag)
                    .filter(|rest| rest.starts_with([' ', '=', '\t']))
                    .map(|rest| rest.trim_start_matches(['=', ' ', '\t']).trim())
            });
        if let Some(include) = include {
            let target = if include.contains("://") {
                return Err(broken(
                    file,
                    Some(index + 1),
                    format!("includes {include:?}, which is outside the project"),
                ));
            } else {
                crate::facts::inside(file, Some(index + 1), "includes", dir, include)?
            };
            read_requirements(repo, &target, depth + 1, project)?;
            continue;
        }
        let editable = line.strip_prefix("-e").map(str::trim);
        let target = editable.unwrap_or(line);
        if target == "." || target.starts_with("./") || target.starts_with("file:") {
            project.installs_itself.get_or_insert_with(|| {
                Evidence::line(file, index + 1, format!("installs a local path: {line}"))
            });
            continue;
        }
        if line.starts_with('-') {
            continue;
        }
        if let Some(name) = requirement_name(line) {
            project
                .dependencies
                .entry(name)
                .or_insert_with(|| Evidence::line(file, index + 1, line));
        }
    }
    Ok(())
}

/// What a lock file holds: every package name of the resolved graph, and, where the lock
/// records the files it installs (uv.lock, poetry.lock), the packages whose install differs by
/// platform (a wheel other than `-none-any`, or a source distribution only, built during the
/// install), each with its line.
#[derive(Debug, Clone, Default)]
pub struct LockGraph {
    pub names: BTreeMap<String, Evidence>,
    pub platform_specific: Option<Vec<Evidence>>,
}

/// Reads a lock file (uv.lock, poetry.lock, Pipfile.lock).
pub fn lock_packages(repo: &Repo, file: &str) -> Result<LockGraph, DetectError> {
    let mut graph = LockGraph::default();
    let names = &mut graph.names;
    let Some(text) = repo.read_text(file, LOCK_CAP)? else {
        return Ok(graph);
    };
    if file.ends_with(".json") || file.ends_with("Pipfile.lock") {
        let json = manifest::parse_json(file, &text)?;
        let lines = first_lines(&text, |line| {
            line.strip_prefix('"')
                .and_then(|rest| rest.split_once("\":"))
                .map(|(key, _)| key)
        });
        if let Some(packages) = json.get("default").and_then(|s| s.as_object()) {
            for name in packages.keys() {
                let line = lines.get(name.as_str()).copied().unwrap_or(1);
                names.insert(normalize(name), Evidence::line(file, line, name.clone()));
            }
        }
        return Ok(graph);
    }
    let table = parse_toml(file, &text)?;
    let lines = first_lines(&text, |line| {
        line.strip_prefix("name = \"")
            .and_then(|rest| rest.strip_suffix('"'))
    });
    let mut specific = Vec::new();
    if let Some(packages) = table.get("package").and_then(Value::as_array) {
        let installed = installed(packages);
        for package in packages {
            if let Some(name) = package.get("name").and_then(Value::as_str) {
                let line = lines.get(name).copied().unwrap_or(1);
                let key = normalize(name);
                let taken = installed.contains(&key);
                names.insert(key, Evidence::line(file, line, name));
                if !taken {
                    continue;
                }
                if let Some(why) = platform_specific(package) {
                    specific.push(Evidence::line(file, line, format!("{name} {why}")));
                }
            }
        }
    }
    graph.platform_specific = Some(specific);
    Ok(graph)
}

/// The lock's packages a production install can take, by normalized name, erring on the side of
/// more: without development dependencies and nothing else. poetry.lock (2.1) lists each
/// package's `groups`: `poetry install --only main` takes those in `main`. uv.lock records the
/// graph: from the project's own packages, every dependency, extra and group but `dev` (what
/// `uv sync --no-dev` leaves out), then everything those reach. A lock without either, or whose
/// own packages record no dependencies beside others, takes all.
fn installed(packages: &[Value]) -> std::collections::BTreeSet<String> {
    let name_of = |package: &Value| package.get("name").and_then(Value::as_str).map(normalize);
    let all = || packages.iter().filter_map(name_of).collect();
    if packages.iter().any(|p| p.get("groups").is_some()) {
        return packages
            .iter()
            .filter(|p| {
                p.get("groups")
                    .and_then(Value::as_array)
                    .is_none_or(|groups| groups.iter().any(|g| g.as_str() == Some("main")))
            })
            .filter_map(name_of)
            .collect();
    }
    let mut by_name: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for package in packages {
        if let Some(name) = name_of(package) {
            by_name.entry(name).or_default().push(package);
        }
    }
    let mut queue: Vec<&Value> = packages.iter().filter(|p| uv_own(p)).collect();
    let edges = |p: &&Value| {
        ["dependencies", "optional-dependencies", "dev-dependencies"]
            .iter()
            .any(|key| p.get(*key).is_some())
    };
    if queue.is_empty() || (queue.len() < packages.len() && !queue.iter().any(edges)) {
        return all();
    }
    let mut seen: std::collections::BTreeSet<String> =
        queue.iter().filter_map(|p| name_of(p)).collect();
    while let Some(package) = queue.pop() {
        let mut lists: Vec<&Value> = package.get("dependencies").into_iter().collect();
        for key in ["optional-dependencies", "dev-dependencies"] {
            if let Some(table) = package.get(key).and_then(Value::as_table) {
                lists.extend(
                    table
                        .iter()
                        .filter(|(group, _)| !(key == "dev-dependencies" && *group == "dev"))
                        .map(|(_, list)| list),
                );
            }
        }
        for dependency in lists.iter().filter_map(|l| l.as_array()).flatten() {
            let Some(name) = dependency
                .get("name")
                .and_then(Value::as_str)
                .map(normalize)
            else {
                continue;
            };
            if let Some(next) = by_name.get(&name)
                && seen.insert(name)
            {
                queue.extend(next);
            }
        }
    }
    seen
}

/// A uv.lock entry for one of the project's own packages: an editable, virtual or directory
/// source.
fn uv_own(package: &Value) -> bool {
    package
        .get("source")
        .and_then(Value::as_table)
        .is_some_and(|source| {
            ["editable", "virtual", "directory"]
                .iter()
                .any(|key| source.contains_key(*key))
        })
}

/// Why a lock entry installs differently by platform, if it does: uv.lock's `wheels` (`url`,
/// `path` or `filename`) and poetry.lock's `files` (`file`) name the wheels; a project's own
/// package (uv's editable, virtual or directory source; Poetry's directory) is not installed
/// from the lock.
fn platform_specific(package: &Value) -> Option<&'static str> {
    let poetry_directory = package
        .get("source")
        .and_then(|source| source.get("type"))
        .and_then(Value::as_str)
        == Some("directory");
    if uv_own(package) || poetry_directory {
        return None;
    }
    let files: Vec<&str> = ["wheels", "files"]
        .iter()
        .filter_map(|key| package.get(*key).and_then(Value::as_array))
        .flatten()
        .filter_map(|file| {
            ["url", "path", "filename", "file"]
                .iter()
                .find_map(|key| file.get(*key).and_then(Value::as_str))
        })
        .map(|name| name.rsplit('/').next().unwrap_or(name))
        .collect();
    let wheels: Vec<&&str> = files.iter().filter(|f| f.ends_with(".whl")).collect();
    if wheels.is_empty() {
        Some("has no wheel: its source is built during the install")
    } else if wheels.iter().any(|f| !f.ends_with("-none-any.whl")) {
        Some("has wheels built for each platform")
    } else {
        None
    }
}

/// The first line each key appears on, in one pass: `key` reads a key from a trimmed line.
fn first_lines<'a>(
    text: &'a str,
    key: impl Fn(&'a str) -> Option<&'a str>,
) -> BTreeMap<&'a str, usize> {
    let mut lines = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        if let Some(found) = key(line.trim()) {
            lines.entry(found).or_insert(index + 1);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(lock: &str) -> Vec<(String, Option<&'static str>)> {
        let table: toml::Table = lock.parse().unwrap();
        table["package"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_string(),
                    platform_specific(p),
                )
            })
            .collect()
    }

    fn installed_of(lock: &str) -> Vec<String> {
        let table: toml::Table = lock.parse().unwrap();
        installed(table["package"].as_array().unwrap())
            .into_iter()
            .collect()
    }

    #[test]
    fn development_dependencies_are_not_installed() {
        let uv = r#"
[[package]]
name = "api"
source = { editable = "." }
dependencies = [{ name = "uvicorn", extra = ["standard"] }]

[package.optional-dependencies]
cli = [{ name = "click" }]

[package.dev-dependencies]
dev = [{ name = "mypy" }]
lint = [{ name = "ruff" }]

[[package]]
name = "uvicorn"
dependencies = [{ name = "h11" }]

[package.optional-dependencies]
standard = [{ name = "uvloop" }]

[[package]]
name = "h11"

[[package]]
name = "uvloop"

[[package]]
name = "click"

[[package]]
name = "mypy"
dependencies = [{ name = "mypy-extensions" }]

[[package]]
name = "mypy-extensions"

[[package]]
name = "ruff"
"#;
        assert_eq!(
            installed_of(uv),
            ["api", "click", "h11", "ruff", "uvicorn", "uvloop"]
        );
        let poetry = r#"
[[package]]
name = "flask"
groups = ["main"]

[[package]]
name = "pytest"
groups = ["dev"]

[[package]]
name = "black"
groups = ["dev", "main"]
"#;
        assert_eq!(installed_of(poetry), ["black", "flask"]);
        let unknown = "[[package]]\nname = \"a\"\n\n[[package]]\nname = \"b\"\n";
        assert_eq!(installed_of(unknown), ["a", "b"]);
        let no_edges = "[[package]]\nname = \"a\"\nsource = { virtual = \".\" }\n\n[[package]]\nname = \"b\"\n";
        assert_eq!(installed_of(no_edges), ["a", "b"]);
    }

    #[test]
    fn only_none_any_wheels_are_the_same_on_every_platform() {
        let uv = r#"
[[package]]
name = "anyio"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/a/anyio-4.8.0.tar.gz" }
wheels = [{ url = "https://files.pythonhosted.org/a/anyio-4.8.0-py3-none-any.whl" }]

[[package]]
name = "charset-normalizer"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://files.pythonhosted.org/c/charset_normalizer-3.4.1-cp313-cp313-manylinux_2_17_x86_64.whl" },
    { url = "https://files.pythonhosted.org/c/charset_normalizer-3.4.1-py3-none-any.whl" },
]

[[package]]
name = "legacy"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/l/legacy-1.0.tar.gz" }

[[package]]
name = "notes-api"
source = { editable = "." }
"#;
        assert_eq!(
            judged(uv),
            vec![
                ("anyio".to_string(), None),
                (
                    "charset-normalizer".to_string(),
                    Some("has wheels built for each platform")
                ),
                (
                    "legacy".to_string(),
                    Some("has no wheel: its source is built during the install")
                ),
                ("notes-api".to_string(), None),
            ]
        );
        let poetry = r#"
[[package]]
name = "idna"
files = [{file = "idna-3.10-py3-none-any.whl", hash = "sha256:0"}, {file = "idna-3.10.tar.gz", hash = "sha256:1"}]

[[package]]
name = "pyyaml"
files = [{file = "PyYAML-6.0.2-cp313-cp313-manylinux_2_17_aarch64.whl", hash = "sha256:2"}]
"#;
        assert_eq!(
            judged(poetry),
            vec![
                ("idna".to_string(), None),
                (
                    "pyyaml".to_string(),
                    Some("has wheels built for each platform")
                ),
            ]
        );
    }

    #[test]
    fn names_normalize() {
        assert_eq!(normalize("Flask_SQLAlchemy"), "flask-sqlalchemy");
        assert_eq!(
            requirement_name("Django>=5.0 ; python_version>'3'"),
            Some("django".into())
        );
        assert_eq!(
            requirement_name("uvicorn[standard]==0.30"),
            Some("uvicorn".into())
        );
    }

    #[test]
    fn poetry_constraints() {
        assert_eq!(poetry_to_pep440("^3.11"), ">=3.11,<4");
        assert_eq!(poetry_to_pep440("~3.11"), ">=3.11,<3.12");
        assert_eq!(poetry_to_pep440("3.12"), "==3.12.*");
        assert_eq!(poetry_to_pep440(">=3.9,<3.13"), ">=3.9,<3.13");
    }
}
