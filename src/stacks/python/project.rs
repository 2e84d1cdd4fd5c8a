//! Reading Python manifests: pyproject.toml (PEP 621, Poetry, uv workspaces), requirements
//! files with their `-r` includes, Pipfile, setup.py/setup.cfg, and the package names of the
//! lock files (uv.lock, poetry.lock, Pipfile.lock).

use foldhash::HashSet;
use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::lines::{
    KeyLines, QuotedLines, TomlItem, TomlItems, toml_elements, toml_entries, toml_fields,
    toml_table_fields,
    toml_string, toml_tables_read, toml_trim,
};
use crate::manifest::{key_line, parse_toml};
use crate::manifest::{Shaped, Skip, deserialize_shaped};
use crate::repo::{self, Repo};
use crate::repo::{LOCK_CAP, MANIFEST_CAP};
use serde::de::MapAccess;
use std::borrow::Cow;
use std::collections::BTreeMap;
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
    /// Where the dependencies are left to the build backend: `[project] dynamic` naming
    /// `dependencies`, or setup.py beside a `[project]` that lists none.
    pub dynamic_dependencies: Option<Evidence>,
    /// Where the build backend is told to take the version from version control (hatch-vcs,
    /// setuptools-scm).
    pub scm_version: Option<Evidence>,
    /// The top requirement file and every file it includes, relative to the root.
    pub requirements: Vec<String>,
    /// Further top requirement files the deployment installs beside the first (`pip install
    /// -r a.txt -r b.txt`), in its order.
    pub more_requirements: Vec<String>,
    /// The deployment's install command that named the requirement files, when none has a
    /// conventional name.
    pub requirements_installed_by: Option<Evidence>,
    /// A requirement line that installs the project itself (`-e .`, `.`).
    pub installs_itself: Option<Evidence>,
    /// The first requirement line that pins by hash (`--hash=`) or asks pip to
    /// (`--require-hashes`).
    pub hashed: Option<Evidence>,
    /// setup.py or setup.cfg without pyproject metadata.
    pub setup_script: Option<String>,
    /// Direct dependencies: normalized name -> where declared.
    pub dependencies: BTreeMap<String, Evidence>,
    /// requires-python (or Poetry's python) as a PEP 440 specifier set.
    pub requires_python: Option<(String, Evidence)>,
    /// Console scripts: name, target (`module:function`) and where declared.
    pub scripts: Vec<(String, String, Evidence)>,
    /// Files setuptools installs into the environment's `bin` as they are
    /// (`[tool.setuptools] script-files`): path and where declared.
    pub script_files: Vec<(String, Evidence)>,
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

/// Reads the project in `dir`; `None` when it has none of the Python manifests. `installed`
/// are the requirement files the project's own deployment installs (`pip install -r PATH`,
/// each with the command's evidence), read when no file has a conventional name.
pub fn read(
    repo: &Repo,
    dir: &str,
    installed: &[(String, Evidence)],
) -> Result<Option<Project>, DetectError> {
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
    if project.requirements.is_empty() {
        for (path, evidence) in installed {
            let Some(file) = in_project(repo, dir, path)? else {
                continue;
            };
            if project.requirements.is_empty() {
                project.requirements_installed_by = Some(evidence.clone());
            } else if !project.requirements.contains(&file) {
                project.more_requirements.push(file.clone());
            }
            read_requirements(repo, &file, 0, &mut project)?;
        }
    }
    for script in ["setup.py", "setup.cfg"] {
        let file = repo::join(dir, script);
        if project.setup_script.is_none() && !project.pep621 && repo.has_file(&file)? {
            project.setup_script = Some(file);
        }
    }
    let setup_py = repo::join(dir, "setup.py");
    if project.pep621
        && !project.pep621_dependencies
        && project.dynamic_dependencies.is_none()
        && repo.has_file(&setup_py)?
    {
        project.dynamic_dependencies = Some(Evidence::file(
            &setup_py,
            "beside a [project] that lists no dependencies",
        ));
    }
    if project.scripts.is_empty() {
        for script in ["setup.cfg", "setup.py"] {
            let file = repo::join(dir, script);
            if let Ok(Some(text)) = repo.read_text(&file, MANIFEST_CAP) {
                project.scripts.extend(setup_console_scripts(&file, &text));
            }
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
    project.scm_version = scm_version(file, text, &table, tool);
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
    if let Some(files) = tool
        .and_then(|t| t.get("setuptools"))
        .and_then(|s| s.get("script-files"))
        .and_then(Value::as_array)
    {
        let line = key_line(text, "script-files").unwrap_or(1);
        project.script_files = files
            .iter()
            .filter_map(Value::as_str)
            .map(|path| {
                (
                    path.to_string(),
                    Evidence::line(file, line, format!("script-files: {path}")),
                )
            })
            .collect();
    }
    Ok(())
}

/// Where pyproject.toml has the build take the version from version control: hatch's
/// `[tool.hatch.version] source = "vcs"`, a `[tool.setuptools_scm]` table, or a build
/// requirement on hatch-vcs or setuptools-scm.
fn scm_version(file: &str, text: &str, table: &Table, tool: Option<&Table>) -> Option<Evidence> {
    let hatch_vcs = tool
        .and_then(|t| t.get("hatch"))
        .and_then(|h| h.get("version"))
        .and_then(|v| v.get("source"))
        .and_then(Value::as_str)
        == Some("vcs");
    let header = |name: &str| {
        text.lines()
            .position(|l| l.trim() == name)
            .map_or(1, |i| i + 1)
    };
    if hatch_vcs {
        return Some(Evidence::line(
            file,
            header("[tool.hatch.version]"),
            "[tool.hatch.version] source = \"vcs\"",
        ));
    }
    if tool.is_some_and(|t| t.contains_key("setuptools_scm")) {
        return Some(Evidence::line(
            file,
            header("[tool.setuptools_scm]"),
            "[tool.setuptools_scm]",
        ));
    }
    let requirement = table
        .get("build-system")
        .and_then(|b| b.get("requires"))
        .and_then(Value::as_array)?
        .iter()
        .filter_map(Value::as_str)
        .find(|r| {
            requirement_name(r).is_some_and(|n| n == "setuptools-scm" || n == "hatch-vcs")
        })?;
    let line = QuotedLines::new(text).line(requirement).unwrap_or(1);
    Some(Evidence::line(
        file,
        line,
        format!("build-system requires {requirement}"),
    ))
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
    if let Some(dynamic) = pep621.get("dynamic").and_then(Value::as_array)
        && dynamic.iter().any(|v| v.as_str() == Some("dependencies"))
    {
        project.dynamic_dependencies = Some(Evidence::line(
            file,
            key_line(text, "dynamic").unwrap_or(1),
            "dynamic = [\"dependencies\", ...]",
        ));
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

/// The `console_scripts` entry points setuptools declares: in setup.cfg, the indented
/// `name = module:function` lines after `console_scripts =`; in setup.py, the quoted
/// `"name = module:function"` strings of the list after `"console_scripts"`. Read as text:
/// setup.py is never run.
pub fn setup_console_scripts(file: &str, text: &str) -> Vec<(String, String, Evidence)> {
    let mut found = Vec::new();
    let mut inside = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if !inside {
            if let Some(at) = trimmed.find("console_scripts") {
                inside = true;
                let rest = &trimmed[at + "console_scripts".len()..];
                found.extend(entry_points_on(rest).map(|(n, t)| (n, t, index + 1)));
                if rest.contains(']') {
                    inside = false;
                }
            }
            continue;
        }
        let setup_cfg = file.ends_with(".cfg");
        if (setup_cfg && (!line.starts_with([' ', '\t']) && !trimmed.is_empty()))
            || trimmed.starts_with(']')
        {
            break;
        }
        let entries: Vec<(String, String)> = if setup_cfg {
            entry_point(trimmed).into_iter().collect()
        } else {
            entry_points_on(trimmed).collect()
        };
        found.extend(entries.into_iter().map(|(n, t)| (n, t, index + 1)));
        if !setup_cfg && trimmed.contains(']') {
            break;
        }
    }
    found
        .into_iter()
        .map(|(name, target, line)| {
            let detail = format!("{name} = {target}");
            (name, target, Evidence::line(file, line, detail))
        })
        .collect()
}

/// The quoted `name = module:function` strings on a line.
fn entry_points_on(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    text.split(['"', '\'']).filter_map(entry_point)
}

/// `name = module:function` with a console script's name and a dotted target.
fn entry_point(text: &str) -> Option<(String, String)> {
    let (name, target) = text.split_once('=')?;
    let (name, target) = (name.trim(), target.trim());
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let target_ok = target.contains(':')
        && target.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | ' ' | '[' | ']' | ',')
        });
    (name_ok && target_ok).then(|| (name.to_string(), target.to_string()))
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

/// The file of the project in `dir` an install command's path names: the path itself, or
/// its longest tail that is a file of the project (a Dockerfile installs from where it copied
/// the file, `/tmp/requirements_versions.txt`).
fn in_project(repo: &Repo, dir: &str, path: &str) -> Result<Option<String>, DetectError> {
    let path = path.trim_start_matches("./");
    let tails = std::iter::once(path).chain(path.match_indices('/').map(|(at, _)| &path[at + 1..]));
    for tail in tails {
        if tail.is_empty() || tail.starts_with('/') || tail.split('/').any(|part| part == "..") {
            continue;
        }
        let file = repo::join(dir, tail);
        if repo.has_file(&file)? {
            return Ok(Some(file));
        }
    }
    Ok(None)
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
        if let Some(option) = ["--require-hashes", "--hash"]
            .into_iter()
            .find(|option| line.split_whitespace().any(|word| word.starts_with(option)))
        {
            project
                .hashed
                .get_or_insert_with(|| Evidence::line(file, index + 1, option));
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LockGraph {
    pub names: BTreeMap<String, Evidence>,
    pub platform_specific: Option<Vec<Evidence>>,
}

/// Reads a lock file (uv.lock, poetry.lock, Pipfile.lock). A uv.lock or poetry.lock is read
/// by lines ([`locked_by_lines`]): parsing the whole document takes most of the run (a lock of
/// a few hundred KiB, milliseconds), and a larger one, seconds. A lock no larger than a
/// manifest may be ([`MANIFEST_CAP`]) with a line not in the form uv and Poetry write is
/// parsed whole as TOML instead, which reads it as before or names what is broken.
pub fn lock_packages(repo: &Repo, file: &str) -> Result<LockGraph, DetectError> {
    let mut graph = LockGraph::default();
    let names = &mut graph.names;
    let Some(text) = repo.text(file, LOCK_CAP)? else {
        return Ok(graph);
    };
    if file.ends_with(".json") || file.ends_with("Pipfile.lock") {
        let defaults = pipfile_defaults(file, &text)?;
        let wanted: HashSet<&str> = defaults.iter().map(String::as_str).collect();
        let lines = first_lines(&text, |line| {
            line.strip_prefix('"')
                .and_then(|rest| rest.split_once("\":"))
                .map(|(key, _)| key)
                .filter(|key| wanted.contains(key))
        });
        for name in defaults {
            let line = lines.get(name.as_str()).copied().unwrap_or(1);
            names.insert(normalize(&name), Evidence::line(file, line, name));
        }
        return Ok(graph);
    }
    let (packages, unread) = locked_by_lines(&text);
    if text.len() as u64 > MANIFEST_CAP {
        return Ok(lock_graph(file, &packages, None, unread));
    }
    if unread.is_some() {
        return parsed_lock(file, &text);
    }
    Ok(lock_graph(file, &packages, Some(&name_lines(&text)), None))
}

/// The packages the `default` section of a Pipfile.lock (`text`) lists, as the parsed document
/// gives them: nothing when the lock is not an object or its `default` is not an object. The
/// lock is deserialized into those names alone ([`Defaults`]), skipping every other value.
fn pipfile_defaults(file: &str, text: &str) -> Result<Vec<String>, DetectError> {
    serde_json::from_str::<Defaults>(text)
        .map(|defaults| defaults.0)
        .map_err(|err| DetectError::Broken {
            file: file.to_string(),
            line: Some(err.line()),
            cause: format!("invalid JSON: {err}"),
        })
}

/// The names [`pipfile_defaults`] takes, from the whole parsed document.
#[cfg(test)]
fn document_defaults(file: &str, text: &str) -> Result<Vec<String>, DetectError> {
    Ok(crate::manifest::parse_json(file, text)?
        .get("default")
        .and_then(|s| s.as_object())
        .map(|packages| packages.keys().cloned().collect())
        .unwrap_or_default())
}

/// The keys of a Pipfile.lock's `default` object (the last `default` counts), every other
/// value skipped.
#[derive(Debug, Default, PartialEq, Eq)]
struct Defaults(Vec<String>);

/// An object's keys, sorted, or nothing for any other value.
#[derive(Default)]
struct Keys(Vec<String>);

impl<'de> Shaped<'de> for Keys {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut keys = std::collections::BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            map.next_value::<Skip>()?;
            keys.insert(key);
        }
        Ok(Keys(keys.into_iter().collect()))
    }
}

impl<'de> Shaped<'de> for Defaults {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut defaults = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "default" {
                defaults = map.next_value::<Keys>()?.0;
            } else {
                map.next_value::<Skip>()?;
            }
        }
        Ok(Defaults(defaults))
    }
}

deserialize_shaped!(Keys, Defaults);

/// The graph of a uv.lock or poetry.lock parsed whole.
fn parsed_lock(file: &str, text: &str) -> Result<LockGraph, DetectError> {
    let table = parse_toml(file, text)?;
    let lines = name_lines(text);
    let packages: Vec<Locked> = table
        .get("package")
        .and_then(Value::as_array)
        .map(|packages| packages.iter().map(locked).collect())
        .unwrap_or_default();
    Ok(lock_graph(file, &packages, Some(&lines), None))
}

/// The line of the first `name = "..."` of each name in a uv.lock or poetry.lock.
fn name_lines(text: &str) -> BTreeMap<&str, usize> {
    const NAME: &str = "name = \"";
    let bytes = text.as_bytes();
    let mut lines = BTreeMap::new();
    let mut line = 1;
    let mut counted = 0;
    for at in memchr::memmem::find_iter(bytes, NAME) {
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |found| found + 1);
        if !text[start..at].trim_start().is_empty() {
            continue;
        }
        line += memchr::memchr_iter(b'\n', &bytes[counted..start]).count();
        counted = start;
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |found| at + found);
        if let Some(name) = text[at + NAME.len()..end].trim_end().strip_suffix('"') {
            lines.entry(name).or_insert(line);
        }
    }
    lines
}

/// The graph of a uv.lock or poetry.lock read by lines ([`locked_by_lines`]).
#[cfg(test)]
fn lock_by_lines(file: &str, text: &str) -> LockGraph {
    let (packages, unread) = locked_by_lines(text);
    lock_graph(file, &packages, None, unread)
}

/// The lock's graph from its `packages`, each at the line of the first `name = "..."` with its
/// name (`first_lines`, by name), or, for a lock read by lines, as [`ByName::lines`] has it.
/// `unread`: the lock was read by lines and this line of it was not, so every package counts
/// as installed, and as installing differently by platform.
fn lock_graph(
    file: &str,
    packages: &[Locked],
    first_lines: Option<&BTreeMap<&str, usize>>,
    unread: Option<usize>,
) -> LockGraph {
    let by_name = ByName::new(packages);
    let lines = match first_lines {
        Some(first) => packages
            .iter()
            .map(|p| p.name.and_then(|n| first.get(n)).copied().unwrap_or(1))
            .collect(),
        None => by_name.lines(packages),
    };
    let taken = match unread {
        None => installed(packages, &by_name),
        Some(_) => vec![true; by_name.groups.len()],
    };
    let names = by_name
        .groups
        .iter()
        .filter_map(|(key, members)| {
            let last = *members.last()?;
            let name = packages[last].name?;
            Some((key.to_string(), Evidence::line(file, lines[last], name)))
        })
        .collect();
    let mut specific = Vec::new();
    if let Some(line) = unread {
        specific.push(Evidence::line(
            file,
            line,
            format!(
                "{file} is larger than {} MiB and was read by lines, and this line is not in the form uv and Poetry write: every package counts as installed, and as built for each platform",
                MANIFEST_CAP >> 20
            ),
        ));
    }
    for ((package, group), line) in packages.iter().zip(&by_name.group_of).zip(lines) {
        let (Some(name), Some(group)) = (package.name, group) else {
            continue;
        };
        if !taken[*group] {
            continue;
        }
        if let Some(why) = platform_specific(package) {
            specific.push(Evidence::line(file, line, format!("{name} {why}")));
        }
    }
    LockGraph {
        names,
        platform_specific: Some(specific),
    }
}

/// The packages of a lock by normalized name: each name with its packages (indexes, in the
/// lock's order), in name order, and each package's group.
#[derive(Debug)]
struct ByName<'a> {
    groups: Vec<(Cow<'a, str>, Vec<usize>)>,
    group_of: Vec<Option<usize>>,
}

impl<'a> ByName<'a> {
    fn new(packages: &[Locked<'a>]) -> ByName<'a> {
        let mut named: Vec<(Cow<'a, str>, usize)> = packages
            .iter()
            .enumerate()
            .filter_map(|(index, package)| Some((normalized(package.name?), index)))
            .collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
        let mut groups: Vec<(Cow<'a, str>, Vec<usize>)> = Vec::new();
        let mut group_of = vec![None; packages.len()];
        for (key, index) in named {
            match groups.last_mut() {
                Some((last, members)) if *last == key => members.push(index),
                _ => groups.push((key, vec![index])),
            }
            group_of[index] = Some(groups.len() - 1);
        }
        ByName { groups, group_of }
    }

    /// The line of each package of a lock read by lines: the first `name = "..."` line of the
    /// packages of its group with the same name as the group's first (the line of its own
    /// otherwise), 1 when there is none.
    fn lines(&self, packages: &[Locked]) -> Vec<usize> {
        let mut lines = vec![1; packages.len()];
        for (_, members) in &self.groups {
            let first = packages[members[0]].name;
            let first_line = members
                .iter()
                .map(|index| &packages[*index])
                .find(|package| package.name == first && package.line > 0)
                .map_or(1, |package| package.line);
            for index in members {
                let package = &packages[*index];
                lines[*index] = match package.line {
                    _ if package.name == first => first_line,
                    0 => 1,
                    line => line,
                };
            }
        }
        lines
    }

    /// The group of the packages named `key` (normalized).
    fn find(&self, key: &str) -> Option<usize> {
        self.groups
            .binary_search_by(|(name, _)| name.as_ref().cmp(key))
            .ok()
    }
}

/// [`normalize`], without a copy for a name that is already normalized.
fn normalized(name: &str) -> Cow<'_, str> {
    let bytes = name.as_bytes();
    let mut plain = !bytes.is_empty() && bytes[0] != b'-' && bytes[bytes.len() - 1] != b'-';
    let mut at = 0;
    while plain && at < bytes.len() {
        let byte = bytes[at];
        plain = byte.is_ascii_lowercase()
            || byte.is_ascii_digit()
            || (byte == b'-' && bytes[at - 1] != b'-');
        at += 1;
    }
    if plain {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(normalize(name))
    }
}

/// One `[[package]]` of a uv.lock or poetry.lock, with what the install judgement reads of it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Locked<'a> {
    name: Option<&'a str>,
    /// In a lock read by lines, the line of its `name = "..."` when written so (else 0).
    line: usize,
    /// It has `groups` (poetry.lock 2.1).
    grouped: bool,
    /// Its `groups` hold `main`, or are not a list (or absent).
    main: bool,
    /// One of the project's own packages in a uv.lock: an editable, virtual or directory source.
    own: bool,
    /// A directory source in a poetry.lock.
    directory: bool,
    /// It records `dependencies`, `optional-dependencies` or `dev-dependencies`.
    edges: bool,
    /// The names it depends on along what a production install takes: its dependencies, every
    /// extra, and every dependency group but `dev`.
    deps: Vec<&'a str>,
    /// The file names of its wheels and files (after the last `/`).
    files: Vec<&'a str>,
}

impl Default for Locked<'_> {
    fn default() -> Self {
        Locked {
            name: None,
            line: 0,
            grouped: false,
            main: true,
            own: false,
            directory: false,
            edges: false,
            deps: Vec::new(),
            files: Vec::new(),
        }
    }
}

/// Keys of a uv.lock `source` that make the package one of the project's own.
const OWN_SOURCES: [&str; 3] = ["editable", "virtual", "directory"];

/// Keys of a wheel or file entry that name the file, in order of preference.
const FILE_KEYS: [&str; 4] = ["url", "path", "filename", "file"];

/// The file name at the end of a URL or path.
fn file_name(path: &str) -> &str {
    memchr::memrchr(b'/', path.as_bytes()).map_or(path, |slash| &path[slash + 1..])
}

/// A package of a parsed lock.
fn locked(package: &Value) -> Locked<'_> {
    let groups = package.get("groups");
    let source = package.get("source");
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
    Locked {
        name: package.get("name").and_then(Value::as_str),
        line: 0,
        grouped: groups.is_some(),
        main: groups
            .and_then(Value::as_array)
            .is_none_or(|groups| groups.iter().any(|g| g.as_str() == Some("main"))),
        own: source
            .and_then(Value::as_table)
            .is_some_and(|source| OWN_SOURCES.iter().any(|key| source.contains_key(*key))),
        directory: source
            .and_then(|source| source.get("type"))
            .and_then(Value::as_str)
            == Some("directory"),
        edges: ["dependencies", "optional-dependencies", "dev-dependencies"]
            .iter()
            .any(|key| package.get(*key).is_some()),
        deps: lists
            .iter()
            .filter_map(|list| list.as_array())
            .flatten()
            .filter_map(|dependency| dependency.get("name").and_then(Value::as_str))
            .collect(),
        files: ["wheels", "files"]
            .iter()
            .filter_map(|key| package.get(*key).and_then(Value::as_array))
            .flatten()
            .filter_map(|file| {
                FILE_KEYS
                    .iter()
                    .find_map(|key| file.get(*key).and_then(Value::as_str))
            })
            .map(file_name)
            .collect(),
    }
}

/// Where a line of a lock read by lines belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Outside any package.
    Outside,
    /// A `[[package]]` table itself.
    Package,
    /// `[package.optional-dependencies]`: every extra's list.
    Extras,
    /// `[package.dev-dependencies]`: each group's list.
    Groups,
    /// `[package.source]`.
    Source,
    /// Another table of the package (`[package.metadata]`, Poetry's `[package.dependencies]`
    /// and `[package.extras]`, ...).
    Other,
}

/// Reads a uv.lock or poetry.lock by lines, as uv and Poetry write them: each
/// `[[package]]` with what [`locked`] takes from the parsed document, and the line of each
/// name written as `name = "..."`. The file is not checked to be valid TOML. Also the first
/// line of a package that is not read that way (a table or dotted key where a list or an
/// inline table is read, a value of another shape, a bracket or string that does not close).
/// A large lock is read in parts at once ([`toml_tables_read`]).
fn locked_by_lines(text: &str) -> (Vec<Locked<'_>>, Option<usize>) {
    toml_tables_read(text, "package", locked_in, |package| &mut package.line)
}

/// [`locked_by_lines`] in one pass over `text`, its lines counted from 1.
fn locked_in(text: &str) -> (Vec<Locked<'_>>, Option<usize>) {
    let mut packages: Vec<Locked> = Vec::new();
    let mut unread: Option<usize> = None;
    let mut section = Section::Outside;
    for item in TomlItems::new(text) {
        let (key, value, line) = match item {
            TomlItem::Table { name, array, line } => {
                let inside = section != Section::Outside;
                let edges = inside
                    && !array
                    && matches!(
                        name,
                        "package.optional-dependencies"
                            | "package.dev-dependencies"
                            | "package.dependencies"
                    );
                section = match (array, name) {
                    (true, "package") => {
                        packages.push(Locked::default());
                        Section::Package
                    }
                    (false, "package.optional-dependencies") if inside => Section::Extras,
                    (false, "package.dev-dependencies") if inside => Section::Groups,
                    (false, "package.source") if inside => Section::Source,
                    (false, "package.dependencies" | "package.metadata" | "package.extras")
                        if inside =>
                    {
                        Section::Other
                    }
                    (false, other)
                        if inside
                            && other.starts_with("package.metadata.")
                            && !other.contains(['"', '\'']) =>
                    {
                        Section::Other
                    }
                    (_, other) if other == "package" || other.starts_with("package.") => {
                        unread.get_or_insert(line);
                        Section::Other
                    }
                    _ => Section::Outside,
                };
                if edges && let Some(package) = packages.last_mut() {
                    package.edges = true;
                }
                continue;
            }
            TomlItem::Pair {
                key,
                value,
                written,
                line,
            } => {
                if key == "name"
                    && section == Section::Package
                    && let Some(package) = packages.last_mut()
                    && package.name.is_none()
                    && let Some(name) = toml_trim(written)
                        .strip_prefix("name = \"")
                        .and_then(|rest| rest.strip_suffix('"'))
                {
                    package.line = line;
                    package.name = Some(name);
                }
                (key, value, line)
            }
            TomlItem::Unread { line } => {
                unread.get_or_insert(line);
                continue;
            }
        };
        let Some(package) = packages.last_mut().filter(|_| section != Section::Outside) else {
            if key == "package" || key.starts_with("package.") {
                unread.get_or_insert(line);
            }
            continue;
        };
        let read = match section {
            Section::Package => read_package_pair(package, key, value),
            Section::Extras => add_dependencies(package, value),
            Section::Groups if key == "dev" => true,
            Section::Groups => add_dependencies(package, value),
            Section::Source => {
                if OWN_SOURCES.contains(&key) {
                    package.own = true;
                }
                if key == "type" && toml_string(value) == Some("directory") {
                    package.directory = true;
                }
                !key.contains('.')
            }
            Section::Outside | Section::Other => true,
        };
        if !read {
            unread.get_or_insert(line);
        }
    }
    (packages, unread)
}
/// Reads a pair of a `[[package]]` table into `package`; false when its value is not of the
/// shape the tools write.
fn read_package_pair<'a>(package: &mut Locked<'a>, key: &str, value: &'a str) -> bool {
    match key {
        "name" => match toml_string(value) {
            Some(name) => {
                package.name.get_or_insert(name);
                true
            }
            None => false,
        },
        "groups" => {
            package.grouped = true;
            if value.as_bytes().first() != Some(&b'[') {
                return true;
            }
            let Some(groups) = toml_elements(value) else {
                return false;
            };
            package.main = groups.iter().any(|g| toml_string(g) == Some("main"));
            true
        }
        "source" => {
            if value.as_bytes().first() != Some(&b'{') {
                return true;
            }
            let [editable, r#virtual, directory, kind] =
                match toml_fields(value, ["editable", "virtual", "directory", "type"]) {
                    Some(fields) => fields,
                    None => return false,
                };
            package.own |= editable.is_some() || r#virtual.is_some() || directory.is_some();
            package.directory |= kind.and_then(toml_string) == Some("directory");
            true
        }
        "dependencies" => {
            package.edges = true;
            add_dependencies(package, value)
        }
        "optional-dependencies" | "dev-dependencies" => {
            package.edges = true;
            if value.as_bytes().first() != Some(&b'{') {
                return true;
            }
            let Some(entries) = toml_entries(value) else {
                return false;
            };
            entries
                .into_iter()
                .filter(|(group, _)| !(key == "dev-dependencies" && *group == "dev"))
                .all(|(_, list)| add_dependencies(package, list))
        }
        "wheels" | "files" => {
            if value.as_bytes().first() != Some(&b'[') {
                return true;
            }
            let Some((tables, whole)) = toml_table_fields(value, FILE_KEYS) else {
                return false;
            };
            for fields in tables {
                let mut named = None;
                for field in fields {
                    if named.is_none()
                        && let Some(field) = field
                    {
                        named = toml_string(field);
                    }
                }
                package.files.extend(named.map(file_name));
            }
            whole
        }
        _ => {
            !key.contains('.')
                || ![
                    "name.",
                    "groups.",
                    "source.",
                    "dependencies.",
                    "optional-dependencies.",
                    "dev-dependencies.",
                    "wheels.",
                    "files.",
                ]
                .iter()
                .any(|dotted| key.starts_with(dotted))
        }
    }
}

/// Adds the names of a list of dependencies (`[{ name = "..." }, ...]`) to `package`; false
/// when the list is not of the shape the tools write.
fn add_dependencies<'a>(package: &mut Locked<'a>, value: &'a str) -> bool {
    if value.as_bytes().first() != Some(&b'[') {
        return true;
    }
    let Some((dependencies, whole)) = toml_table_fields(value, ["name"]) else {
        return false;
    };
    for [name] in dependencies {
        package.deps.extend(name.and_then(toml_string));
    }
    whole
}

/// The lock's packages a production install can take, by normalized name, erring on the side of
/// more: without development dependencies and nothing else. poetry.lock (2.1) lists each
/// package's `groups`: `poetry install --only main` takes those in `main`. uv.lock records the
/// graph: from the project's own packages, every dependency, extra and group but `dev` (what
/// `uv sync --no-dev` leaves out), then everything those reach. A lock without either, or whose
/// own packages record no dependencies beside others, takes all.
fn installed(packages: &[Locked], by_name: &ByName) -> Vec<bool> {
    let groups = &by_name.groups;
    if packages.iter().any(|p| p.grouped) {
        return groups
            .iter()
            .map(|(_, members)| members.iter().any(|index| packages[*index].main))
            .collect();
    }
    let mut queue: Vec<usize> = (0..packages.len()).filter(|i| packages[*i].own).collect();
    if queue.is_empty()
        || (queue.len() < packages.len() && !queue.iter().any(|i| packages[*i].edges))
    {
        return vec![true; groups.len()];
    }
    let mut seen = vec![false; groups.len()];
    for index in &queue {
        if let Some(group) = by_name.group_of[*index] {
            seen[group] = true;
        }
    }
    while let Some(index) = queue.pop() {
        for dependency in &packages[index].deps {
            if let Some(group) = by_name.find(&normalized(dependency))
                && !seen[group]
            {
                seen[group] = true;
                queue.extend(&groups[group].1);
            }
        }
    }
    seen
}

/// Why a lock entry installs differently by platform, if it does: uv.lock's `wheels` (`url`,
/// `path` or `filename`) and poetry.lock's `files` (`file`) name the wheels; a project's own
/// package (uv's editable, virtual or directory source; Poetry's directory) is not installed
/// from the lock.
fn platform_specific(package: &Locked) -> Option<&'static str> {
    if package.own || package.directory {
        return None;
    }
    let wheels: Vec<&&str> = package
        .files
        .iter()
        .filter(|f| f.ends_with(".whl"))
        .collect();
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

    /// A poetry.lock of `count` packages, each with a few wheels, large enough to be read in
    /// parts from about 400 packages.
    fn long_lock(count: usize, extra: &str) -> String {
        let mut text = String::from("# This file is generated\n\n");
        for index in 0..count {
            text.push_str(&format!(
                "[[package]]\nname = \"p{index}\"\nversion = \"1.0\"\ngroups = [\"main\"]\nfiles = [\n    {{file = \"p{index}-1.0-py3-none-any.whl\", hash = \"sha256:{:064}\"}},\n    {{file = \"p{index}-1.0-cp311-manylinux_x86_64.whl\", hash = \"sha256:{:064}\"}},\n]\n\n[package.dependencies]\np{} = \">=1\"\n\n",
                index,
                index,
                (index + 1) % count,
            ));
            if index == count / 2 {
                text.push_str(extra);
            }
        }
        text.push_str("[metadata]\nlock-version = \"2.1\"\n");
        text
    }

    #[test]
    fn a_large_lock_read_in_parts_reads_as_in_one_pass() {
        let text = long_lock(600, "");
        assert!(text.len() >= crate::lines::PARTS_FROM);
        let (packages, unread) = locked_by_lines(&text);
        assert_eq!((packages.clone(), unread), locked_in(&text));
        assert_eq!(packages.len(), 600);
        assert_eq!(unread, None);
        let last = text.rfind("name = \"p599\"").unwrap();
        assert_eq!(packages[599].line, text[..last].matches('\n').count() + 1);
    }

    #[test]
    fn a_value_across_the_cut_reads_the_lock_in_one_pass() {
        let text = long_lock(
            600,
            "description = \"\"\"\n[[package]]\nname = \"inside\"\n\"\"\"\n\n",
        );
        let middle = text.len() / 2;
        let cut = middle + text[middle..].find("\n[[package]]").unwrap() + 1;
        let inside = text.find("[[package]]\nname = \"inside\"").unwrap();
        assert_eq!(cut, inside, "the cut falls inside the string");
        let (packages, unread) = locked_by_lines(&text);
        assert_eq!((packages.clone(), unread), locked_in(&text));
        assert!(packages.iter().all(|p| p.name != Some("inside")));
    }

    #[test]
    fn name_lines_are_the_first_lines_that_name_a_package() {
        let texts = [
            "[[package]]\nname = \"a\"\n  name = \"b\"  \r\nname = \"a\"\n",
            "x name = \"no\"\nname = \"\"\nname = \"\nname = \"c\"",
            "\u{3000}name = \"wide\"\n\tname = \"name = \"d\"\"\nname = \"e\" # no\n",
            "",
            "name = \"only\"",
        ];
        for text in texts {
            let by_lines = first_lines(text, |line| {
                line.strip_prefix("name = \"")
                    .and_then(|rest| rest.strip_suffix('"'))
            });
            assert_eq!(name_lines(text), by_lines, "{text:?}");
        }
        assert_eq!(
            name_lines("a\n\nname = \"x\"\n").into_iter().collect::<Vec<_>>(),
            [("x", 3)]
        );
    }

    #[test]
    fn pipfile_defaults_as_the_document_gives_them() {
        let locks = [
            r#"{"_meta": {"hash": {"sha256": "0"}}, "default": {"flask": {"hashes": ["sha256:0"], "version": "==3.0"}, "Psycopg2": {}, "flask": 1}, "develop": {"pytest": {}}}"#,
            r#"{"default": {"a": {}}, "default": {"b": {}}}"#,
            r#"{"default": ["a"]}"#,
            r#"[{"default": {"a": {}}}]"#,
            r#"{"default": {"caf\u00e9\"x": {"default": {"no": 1}}}}"#,
        ];
        for lock in locks {
            let document = document_defaults("Pipfile.lock", lock).unwrap();
            let names = pipfile_defaults("Pipfile.lock", lock).unwrap();
            assert_eq!(names, document, "{lock}");
        }
        assert_eq!(
            pipfile_defaults("Pipfile.lock", locks[0]).unwrap(),
            ["Psycopg2", "flask"]
        );
        let broken = "{\n\"default\": {\n\"a\": {},\n}}";
        let document = document_defaults("Pipfile.lock", broken)
            .unwrap_err()
            .to_string();
        let names = pipfile_defaults("Pipfile.lock", broken).unwrap_err();
        assert!(
            document.contains(&names.to_string()),
            "{document} / {names}"
        );
    }

    fn judged(lock: &str) -> Vec<(String, Option<&'static str>)> {
        let table: toml::Table = lock.parse().unwrap();
        table["package"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_string(),
                    platform_specific(&locked(p)),
                )
            })
            .collect()
    }

    fn installed_of(lock: &str) -> Vec<String> {
        let table: toml::Table = lock.parse().unwrap();
        let packages: Vec<Locked> = table["package"]
            .as_array()
            .unwrap()
            .iter()
            .map(locked)
            .collect();
        let by_name = ByName::new(&packages);
        let taken = installed(&packages, &by_name);
        by_name
            .groups
            .iter()
            .zip(taken)
            .filter(|(_, taken)| *taken)
            .map(|((name, _), _)| name.to_string())
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

    /// A uv.lock of a workspace, with optional, dev and platform-specific packages.
    const UV_SAMPLE: &str = r#"version = 1
revision = 2
requires-python = ">=3.12"

[manifest]
members = ["api", "worker"]

[[package]]
name = "api"
version = "0.1.0"
source = { editable = "api" }
dependencies = [
    { name = "uvicorn", extra = ["standard"] },
    { name = "Flask_Login" },
    { name = "numpy", version = "2.0.0", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version < '3.13'" },
]

[package.optional-dependencies]
cli = [
    { name = "click" },
]

[package.dev-dependencies]
dev = [
    { name = "mypy" },
]
lint = [{ name = "ruff" }]

[package.metadata]
requires-dist = [
    { name = "uvicorn", extras = ["standard"], specifier = ">=0.30" },
    { name = "mypy-extensions" },
]

[package.metadata.requires-dev]
dev = [{ name = "mypy", specifier = ">=1" }]

[[package]]
name = "uvicorn"
version = "0.30.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "h11" },
]
sdist = { url = "https://files.pythonhosted.org/u/uvicorn-0.30.0.tar.gz", hash = "sha256:0", size = 1 }
wheels = [
    { url = "https://files.pythonhosted.org/u/uvicorn-0.30.0-py3-none-any.whl", hash = "sha256:0", size = 1, upload-time = "2024-01-01T00:00:00Z" },
]

[package.optional-dependencies]
standard = [
    { name = "uvloop", marker = "sys_platform != 'win32' and platform_python_implementation != 'PyPy'" },
]

[[package]]
name = "h11"
version = "0.14.0"
source = { registry = "https://pypi.org/simple" }
wheels = [{ filename = "h11-0.14.0-py3-none-any.whl" }]

[[package]]
name = "uvloop"
version = "0.21.0"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://files.pythonhosted.org/u/uvloop-0.21.0-cp312-cp312-manylinux_2_17_x86_64.whl", hash = "sha256:0" },
]

[[package]]
name = "flask-login"
version = "0.6.3"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/f/flask-login-0.6.3.tar.gz" }

[[package]]
name = "numpy"
version = "1.26.0"
source = { registry = "https://pypi.org/simple" }
wheels = [{ path = "wheels/numpy-1.26.0-cp312-cp312-manylinux_2_17_x86_64.whl" }]

[[package]]
name = "numpy"
version = "2.0.0"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://x/numpy-2.0.0-cp313-cp313-manylinux_2_17_x86_64.whl" }]

[[package]]
name = "click"
version = "8.1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "mypy"
version = "1.0.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "ruff"
version = "0.5.0"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://x/ruff-0.5.0-py3-none-musllinux_1_2_x86_64.whl" }]

[[package]]
name = "worker"
version = "0.1.0"
source = { virtual = "worker" }
"#;

    /// A poetry.lock with main and dev groups, a platform wheel and the project itself.
    const POETRY_SAMPLE: &str = r#"# This file is automatically @generated by Poetry 2.1.1 and should not be changed by hand.

[[package]]
name = "flask"
version = "3.1.0"
description = "A simple framework for building complex web applications. [name = \"x\"]"
optional = false
python-versions = ">=3.9"
groups = ["main"]
files = [
    {file = "flask-3.1.0-py3-none-any.whl", hash = "sha256:0"},
    {file = "flask-3.1.0.tar.gz", hash = "sha256:1"},
]

[package.dependencies]
blinker = ">=1.9"
importlib-metadata = {version = ">=3.6", markers = "python_version < \"3.10\""}

[package.extras]
async = ["asgiref (>=3.2)"]

[[package]]
name = "pytest"
version = "8.0.0"
groups = ["dev"]
files = [
    {file = "pytest-8.0.0-py3-none-any.whl", hash = "sha256:2"},
]

[[package]]
name = "PyYAML"
version = "6.0.2"
groups = ["main", "dev"]
files = [
    {file = "PyYAML-6.0.2-cp313-cp313-manylinux_2_17_aarch64.whl", hash = "sha256:3"},
]

[[package]]
name = "app"
version = "0.1.0"
groups = ["main"]
files = []

[package.source]
type = "directory"
url = "."

[metadata]
lock-version = "2.1"
python-versions = "^3.12"
content-hash = "0"
"#;

    #[test]
    fn locks_read_by_lines_as_parsed() {
        for (file, text) in [("uv.lock", UV_SAMPLE), ("poetry.lock", POETRY_SAMPLE)] {
            let parsed = parsed_lock(file, text).unwrap();
            assert_eq!(lock_by_lines(file, text), parsed, "{file}");
            let (packages, unread) = locked_by_lines(text);
            assert_eq!(unread, None, "{file}");
            let named = lock_graph(file, &packages, Some(&name_lines(text)), None);
            assert_eq!(named, parsed, "{file}");
            assert!(
                !parsed.platform_specific.as_ref().unwrap().is_empty(),
                "{file}"
            );
        }
        let parsed = parsed_lock("uv.lock", UV_SAMPLE).unwrap();
        let specific: Vec<&str> = parsed
            .platform_specific
            .as_ref()
            .unwrap()
            .iter()
            .map(|e| e.detail.as_str())
            .collect();
        assert_eq!(
            specific,
            [
                "uvloop has wheels built for each platform",
                "flask-login has no wheel: its source is built during the install",
                "numpy has wheels built for each platform",
                "numpy has wheels built for each platform",
                "click has no wheel: its source is built during the install",
                "ruff has wheels built for each platform",
            ]
        );
        assert!(
            !parsed.names.contains_key("flask_login") && parsed.names.contains_key("flask-login")
        );
    }

    #[test]
    fn a_lock_line_not_read_counts_every_package() {
        let uv = "[[package]]\nname = \"api\"\nsource = { editable = \".\" }\ndependencies = [{ name = \"a\" }]\n\n[[package]]\nname = \"a\"\nwheels = [{ url = \"https://x/a-1-py3-none-any.whl\" }]\n\n[[package]]\nname = \"dev-only\"\nwheels = [{ url = \"https://x/d-1-py3-none-any.whl\" }]\nsource.registry = \"https://pypi.org/simple\"\n";
        let parsed = parsed_lock("uv.lock", uv).unwrap();
        assert_eq!(parsed.platform_specific, Some(Vec::new()));
        let lined = lock_by_lines("uv.lock", uv);
        assert_eq!(lined.names, parsed.names);
        let specific = lined.platform_specific.unwrap();
        assert_eq!(specific.len(), 1);
        assert_eq!(specific[0].line, Some(13));
        assert!(
            specific[0]
                .detail
                .starts_with("uv.lock is larger than 1 MiB and was read by lines")
        );
    }

    #[test]
    fn setup_console_scripts_read_as_text() {
        let setup_py = "setup(\n    entry_points={\n        \"console_scripts\": [\n            \"gallery-dl = gallery_dl:main\",\n        ],\n    },\n)\n";
        let found = setup_console_scripts("setup.py", setup_py);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].0.as_str(), found[0].1.as_str(), found[0].2.line),
            ("gallery-dl", "gallery_dl:main", Some(4))
        );
        let one_line = "    entry_points={\"console_scripts\": [\"tool=tool.cli:main\"]},\n    extras=[\"x = y:z\"]\n";
        let found = setup_console_scripts("setup.py", one_line);
        assert_eq!(
            found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
            ["tool"]
        );
        let setup_cfg = "[options.entry_points]\nconsole_scripts =\n    serve = app.main:run\n    admin = app.admin:main\n[flake8]\nx = a:b\n";
        let found = setup_console_scripts("setup.cfg", setup_cfg);
        assert_eq!(
            found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
            ["serve", "admin"]
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
