//! Reading Cargo manifests without a Rust toolchain: packages, their binaries (explicit and
//! auto-discovered), workspace members and default members, rust-version and the direct
//! dependencies' features. `metadata.rs` gives the same answers from `cargo metadata`.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use crate::evidence::Evidence;
use crate::facts::{self, DetectError};
pub use crate::manifest::parse_toml;
use crate::manifest::{expand, key_line};
use crate::repo::MANIFEST_CAP;
use crate::repo::{self, Repo};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use toml::{Table, Value};

/// A package of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    /// Directory relative to the root, `""` for the root.
    pub dir: String,
    pub bins: Vec<Bin>,
    pub rust_version: Option<String>,
    /// `default-run`: the binary `cargo run` starts.
    pub default_run: Option<String>,
    /// The package's version (inherited from `[workspace.package]` when it says so).
    pub version: Option<String>,
    /// The licence, an SPDX expression (inherited likewise).
    pub license: Option<String>,
    /// Optional dependencies: the key a feature names them by -> the crate's name.
    pub optional: BTreeMap<String, String>,
    /// `[features]`: name -> what it enables.
    pub features: BTreeMap<String, Vec<String>>,
}

/// A binary target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bin {
    pub name: String,
    /// Source file relative to the root.
    pub src: String,
}

/// A Cargo project as read from its manifests.
#[derive(Debug, Clone)]
pub struct Project {
    pub packages: Vec<Package>,
    /// Whether the root manifest has a `[workspace]` table.
    pub workspace: bool,
    /// What this reading does not model, with where it was read (`cargo-features` beyond
    /// profile settings, an exclude path outside the workspace, a member that names its own
    /// workspace root): `cargo metadata` answers instead.
    pub unmodelled: Vec<String>,
    /// Directories of `default-members`, when set.
    pub default_members: Option<Vec<String>>,
    /// Direct dependencies of every package: crate name -> features asked for.
    pub dependencies: BTreeMap<String, Vec<String>>,
    /// Where a dependency's `vendored` feature is asked for only by a feature off by default or
    /// under a target that is not Linux with glibc
    /// (`file: [target.'cfg(target_env = "musl")'.dependencies]`), when no manifest asks for it
    /// by default for the linux-gnu build.
    pub vendored_elsewhere: Option<String>,
    /// The features, off by default, that ask for a dependency's `vendored` feature:
    /// (package, feature). Turned on, they ask for it in the linux-gnu build.
    pub vendoring_features: Vec<(String, String)>,
    /// Members that are git submodules not checked out: .gitmodules names their path, and
    /// the directory holds no Cargo.toml.
    pub unfetched: Vec<Evidence>,
}

/// Where manifests ask for a dependency's `vendored` feature: for the linux-gnu build, and for
/// other targets only (the first such table).
#[derive(Debug, Default)]
struct Vendored {
    here: bool,
    elsewhere: Option<String>,
    features: Vec<(String, String)>,
}

/// What members inherit from `[workspace.package]`: rust-version, version and license.
type Inherited = (Option<String>, Option<String>, Option<String>);

fn broken(file: &str, cause: impl Into<String>) -> DetectError {
    DetectError::Broken {
        file: file.to_string(),
        line: None,
        cause: cause.into(),
    }
}

/// Reads the project whose root manifest is `root/Cargo.toml`; `Ok(None)` when there is none.
pub fn read(repo: &Repo) -> Result<Option<Project>, DetectError> {
    let Some(text) = repo.read_text("Cargo.toml", MANIFEST_CAP)? else {
        return Ok(None);
    };
    let manifest = parse_toml("Cargo.toml", &text)?;
    let workspace = manifest.get("workspace").and_then(Value::as_table);
    let inherited_field = |key: &str| {
        workspace
            .and_then(|w| w.get("package"))
            .and_then(|p| p.get(key))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let inherited = (
        inherited_field("rust-version"),
        inherited_field("version"),
        inherited_field("license"),
    );
    let mut project = Project {
        packages: Vec::new(),
        unmodelled: Vec::new(),
        workspace: workspace.is_some(),
        default_members: None,
        dependencies: BTreeMap::new(),
        vendored_elsewhere: None,
        vendoring_features: Vec::new(),
        unfetched: Vec::new(),
    };
    let mut vendored = Vendored::default();
    if manifest.contains_key("package") {
        let package = read_package(repo, "", "Cargo.toml", &text, &manifest, &inherited)?;
        collect_dependencies(&manifest, &mut project.dependencies);
        vendored_requests("Cargo.toml", &manifest, &package, &mut vendored);
        project.packages.push(package);
    }
    if !profile_only(manifest.get("cargo-features")) {
        project
            .unmodelled
            .push("Cargo.toml: cargo-features (unstable manifest keys)".to_string());
    }
    if let Some(workspace) = workspace {
        read_members(repo, &text, workspace, &inherited, &mut project, &mut vendored)?;
        project.default_members =
            default_members(repo, &text, workspace, manifest.contains_key("package"))?;
    }
    if !vendored.here {
        project.vendored_elsewhere = vendored.elsewhere;
    }
    project.vendoring_features = vendored.features;
    if project.packages.is_empty() {
        return Err(broken(
            "Cargo.toml",
            "defines no package: neither [package] nor workspace members with a Cargo.toml",
        ));
    }
    Ok(Some(project))
}

/// The .gitmodules line declaring `dir` a git submodule, if it does.
fn submodule(repo: &Repo, dir: &str) -> Result<Option<Evidence>, DetectError> {
    let Some(text) = repo.read_text(".gitmodules", MANIFEST_CAP)? else {
        return Ok(None);
    };
    let line = text.lines().position(|line| {
        line.trim()
            .strip_prefix("path")
            .and_then(|rest| rest.trim_start().strip_prefix('='))
            .is_some_and(|path| path.trim().trim_end_matches('/') == dir)
    });
    Ok(line.map(|index| {
        Evidence::line(
            ".gitmodules",
            index + 1,
            format!("{dir} is a git submodule that is not checked out"),
        )
    }))
}

/// Adds the workspace's members (each `members` pattern expanded, less `exclude`) to
/// `project`, with their dependencies and what of them this reading does not model.
fn read_members(
    repo: &Repo,
    text: &str,
    workspace: &Table,
    inherited: &Inherited,
    project: &mut Project,
    vendored: &mut Vendored,
) -> Result<(), DetectError> {
    let exclude = string_list("Cargo.toml", workspace, "exclude")?;
    if exclude.iter().any(|e| e.starts_with('/') || e.split('/').any(|part| part == "..")) {
        project
            .unmodelled
            .push("Cargo.toml: a workspace.exclude path outside the workspace".to_string());
    }
    let line = key_line(text, "members");
    let members = string_list("Cargo.toml", workspace, "members")?;
    let mut member_dirs: HashSet<String> = project.packages.iter().map(|p| p.dir.clone()).collect();
    let mut expanded = Vec::new();
    for pattern in &members {
        for dir in expand(repo, "Cargo.toml", line, pattern)? {
            if !excluded(&dir, &exclude, &members) && !member_dirs.contains(&dir) {
                expanded.push((pattern.clone(), dir));
            }
        }
    }
    let mut files: Vec<String> = Vec::new();
    let mut slots: HashMap<String, usize> = HashMap::new();
    for (_, dir) in &expanded {
        let file = repo::join(dir, "Cargo.toml");
        if !slots.contains_key(&file) {
            slots.insert(file.clone(), files.len());
            files.push(file);
        }
    }
    let mut parsed = repo.map_texts(&files, MANIFEST_CAP, |text| text.parse::<Table>().ok());
    for (pattern, dir) in expanded {
        if member_dirs.contains(&dir) {
            continue;
        }
        let file = repo::join(&dir, "Cargo.toml");
        // The parsed table is taken, not copied: a manifest two patterns name is parsed again
        // below the second time.
        let read = match &mut parsed[slots[&file]] {
            Ok(Some((text, member))) => Ok(Some((Rc::clone(text), member.take()))),
            Ok(None) => Ok(None),
            Err(err) => Err(err.clone()),
        };
        let Some((text, member)) = read? else {
            if pattern.contains('*') {
                continue;
            }
            if let Some(evidence) = submodule(repo, &dir)? {
                project.unfetched.push(evidence);
                continue;
            }
            return Err(broken(
                "Cargo.toml",
                format!("workspace member {dir} has no Cargo.toml"),
            ));
        };
        let member = match member {
            Some(member) => member,
            None => parse_toml(&file, &text)?,
        };
        if !member.contains_key("package") {
            continue;
        }
        if member
            .get("package")
            .and_then(|p| p.get("workspace"))
            .is_some()
        {
            project.unmodelled.push(format!(
                "{file}: package.workspace names the workspace root"
            ));
        }
        collect_dependencies(&member, &mut project.dependencies);
        let package = read_package(repo, &dir, &file, &text, &member, inherited)?;
        vendored_requests(&file, &member, &package, vendored);
        project.packages.push(package);
        member_dirs.insert(dir);
    }
    Ok(())
}

/// Cargo's unstable features that only unlock settings of `[profile]` tables, which this
/// reading does not read.
const PROFILE_FEATURES: &[&str] = &["profile-rustflags", "codegen-backend", "trim-paths"];

/// Whether a manifest's `cargo-features` (`features`) asks for nothing but
/// [`PROFILE_FEATURES`], so that this reading answers as cargo would.
fn profile_only(features: Option<&Value>) -> bool {
    match features {
        None => true,
        Some(Value::Array(items)) => items
            .iter()
            .all(|item| item.as_str().is_some_and(|name| PROFILE_FEATURES.contains(&name))),
        Some(_) => false,
    }
}

/// Whether cargo leaves the member in `dir` out of the workspace: a path of `exclude` holds its
/// manifest and no entry of `members`, read as a path too, does. Cargo reads both as paths,
/// never as patterns (a `*` of an `exclude` entry is a character of a name).
fn excluded(dir: &str, exclude: &[String], members: &[String]) -> bool {
    let holds = |path: &String| holds_manifest(path, dir);
    exclude.iter().any(holds) && !members.iter().any(holds)
}

/// Whether the path `path` (relative to the root) is `dir/Cargo.toml` or a directory above it,
/// compared by whole components as cargo compares paths.
fn holds_manifest(path: &str, dir: &str) -> bool {
    let mut manifest = components(dir).chain(["Cargo.toml"]);
    components(path).all(|part| manifest.next() == Some(part))
}

/// The components of a relative path, without empty ones and `.`.
fn components(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|part| !part.is_empty() && *part != ".")
}

/// The directories cargo builds by default: `default-members` expanded, else the root
/// package beside `[workspace]` (`root_package`), else every member (`None`).
fn default_members(
    repo: &Repo,
    text: &str,
    workspace: &Table,
    root_package: bool,
) -> Result<Option<Vec<String>>, DetectError> {
    if !workspace.contains_key("default-members") {
        return Ok(root_package.then(|| vec![String::new()]));
    }
    let mut dirs = Vec::new();
    let line = key_line(text, "default-members");
    for pattern in string_list("Cargo.toml", workspace, "default-members")? {
        dirs.extend(expand(repo, "Cargo.toml", line, &pattern)?);
    }
    Ok(Some(dirs))
}

fn string_list(file: &str, table: &Table, key: &str) -> Result<Vec<String>, DetectError> {
    match table.get(key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(|s| s.trim_start_matches("./").trim_end_matches('/').to_string())
                    .ok_or_else(|| broken(file, format!("workspace.{key} must list strings")))
            })
            .collect(),
        Some(_) => Err(broken(
            file,
            format!("workspace.{key} must be an array of strings"),
        )),
    }
}

fn read_package(
    repo: &Repo,
    dir: &str,
    file: &str,
    text: &str,
    manifest: &Table,
    inherited: &Inherited,
) -> Result<Package, DetectError> {
    let package = manifest
        .get("package")
        .and_then(Value::as_table)
        .ok_or_else(|| broken(file, "[package] must be a table"))?;
    let name = package
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| broken(file, "[package] has no name"))?
        .to_string();
    let rust_version = own_or_inherited(package.get("rust-version"), &inherited.0);
    let mut bins = explicit_bins(repo, dir, file, text, manifest, &name)?;
    if package.get("autobins").and_then(Value::as_bool) != Some(false) {
        add_discovered(repo, dir, &name, &mut bins);
    }
    bins.sort_by(|a, b| a.name.cmp(&b.name));
    let version = match package.get("version") {
        None => Some("0.0.0".to_string()),
        value => own_or_inherited(value, &inherited.1),
    };
    let license = own_or_inherited(package.get("license"), &inherited.2);
    let default_run = package
        .get("default-run")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(Package {
        name,
        dir: dir.to_string(),
        bins,
        rust_version,
        default_run,
        version,
        license,
        optional: optional_dependencies(manifest),
        features: features(manifest),
    })
}

/// A package field's value: its own string, or the workspace's (`inherited`) when it says
/// `{ workspace = true }`.
fn own_or_inherited(value: Option<&Value>, inherited: &Option<String>) -> Option<String> {
    match value {
        Some(Value::String(value)) => Some(value.clone()),
        Some(Value::Table(t)) if t.get("workspace").and_then(Value::as_bool) == Some(true) => {
            inherited.clone()
        }
        _ => None,
    }
}

/// The `[[bin]]` targets of package `name` in `dir`, each with its source: its `path`, checked
/// to stay inside the package, else where cargo looks for it.
fn explicit_bins(
    repo: &Repo,
    dir: &str,
    file: &str,
    text: &str,
    manifest: &Table,
    name: &str,
) -> Result<Vec<Bin>, DetectError> {
    let mut bins: Vec<Bin> = Vec::new();
    if let Some(explicit) = manifest.get("bin") {
        let explicit = explicit
            .as_array()
            .ok_or_else(|| broken(file, "bin must be an array of tables ([[bin]])"))?;
        for target in explicit {
            let bin_name = target
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| broken(file, "a [[bin]] has no name"))?;
            let src = match target.get("path").and_then(Value::as_str) {
                Some(path) => {
                    facts::inside(file, None, "[[bin]] path", dir, path).map_err(|_| {
                        let line = crate::manifest::line_of(text, |line| {
                            line.trim_start().starts_with("path") && line.contains(path)
                        });
                        facts::inside(file, line, "[[bin]] path", dir, path)
                            .expect_err("refused without its line, so refused with it")
                    })?
                }
                None => default_bin_path(repo, dir, name, bin_name),
            };
            bins.push(Bin {
                name: bin_name.to_string(),
                src,
            });
        }
    }
    Ok(bins)
}

/// Adds the binaries cargo discovers (src/main.rs, src/bin/*.rs, src/bin/*/main.rs) to `bins`,
/// but none whose name or source a `[[bin]]` already has.
fn add_discovered(repo: &Repo, dir: &str, name: &str, bins: &mut Vec<Bin>) {
    let mut discovered = Vec::new();
    let main = repo::join(dir, "src/main.rs");
    if repo.is_file(&main) {
        discovered.push(Bin {
            name: name.to_string(),
            src: main,
        });
    }
    let bin_dir = repo::join(dir, "src/bin");
    for entry in repo.list_dir(&bin_dir, |_, _| true) {
        let path = repo::join(&bin_dir, &entry);
        if let Some(stem) = entry.strip_suffix(".rs") {
            if repo.is_file(&path) {
                discovered.push(Bin {
                    name: stem.to_string(),
                    src: path,
                });
            }
        } else if repo.is_file(&repo::join(&path, "main.rs")) {
            discovered.push(Bin {
                name: entry.clone(),
                src: repo::join(&path, "main.rs"),
            });
        }
    }
    let mut names: HashSet<String> = bins.iter().map(|b| b.name.clone()).collect();
    let mut sources: HashSet<String> = bins.iter().map(|b| b.src.clone()).collect();
    for bin in discovered {
        if !names.contains(&bin.name) && !sources.contains(&bin.src) {
            names.insert(bin.name.clone());
            sources.insert(bin.src.clone());
            bins.push(bin);
        }
    }
}

/// `[features]`: each feature with what it enables.
fn features(manifest: &Table) -> BTreeMap<String, Vec<String>> {
    manifest
        .get("features")
        .and_then(Value::as_table)
        .map(|table| {
            table
                .iter()
                .map(|(name, items)| {
                    let items = items
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect();
                    (name.clone(), items)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn default_bin_path(repo: &Repo, dir: &str, package: &str, bin: &str) -> String {
    let single = repo::join(dir, &format!("src/bin/{bin}.rs"));
    let nested = repo::join(dir, &format!("src/bin/{bin}/main.rs"));
    if bin == package && repo.is_file(&repo::join(dir, "src/main.rs")) {
        repo::join(dir, "src/main.rs")
    } else if repo.is_file(&nested) {
        nested
    } else {
        single
    }
}

/// The dependency tables of a manifest: `[dependencies]`, `[build-dependencies]` and every
/// `[target.*.dependencies]`.
fn dependency_tables(manifest: &Table) -> Vec<&Table> {
    let mut tables: Vec<&Table> = Vec::new();
    for key in ["dependencies", "build-dependencies"] {
        tables.extend(manifest.get(key).and_then(Value::as_table));
    }
    if let Some(targets) = manifest.get("target").and_then(Value::as_table) {
        for target in targets.values() {
            tables.extend(target.get("dependencies").and_then(Value::as_table));
        }
    }
    tables
}

/// Optional dependencies of a manifest (all sections, all targets): the key features name them
/// by -> the crate's name (`package = ...` renames it).
fn optional_dependencies(manifest: &Table) -> BTreeMap<String, String> {
    dependency_tables(manifest)
        .into_iter()
        .flatten()
        .filter(|(_, spec)| spec.get("optional").and_then(Value::as_bool) == Some(true))
        .map(|(key, spec)| {
            let name = spec.get("package").and_then(Value::as_str).unwrap_or(key);
            (key.clone(), name.to_string())
        })
        .collect()
}

/// The crates of `package`'s optional dependencies that no feature of `requested` (with
/// `default` first when it exists) turns on, following features that enable features.
pub fn disabled_optional(package: &Package, requested: &[String]) -> BTreeSet<String> {
    let (_, on) = enabled(package, requested);
    package
        .optional
        .iter()
        .filter(|(key, _)| !on.contains(key.as_str()))
        .map(|(_, name)| name.clone())
        .collect()
}

/// The features each package of the workspace builds with when `requested` are asked for: a
/// plain name asks every package that declares it, `NAME/feature` asks package NAME, and a
/// feature turned on that forwards `dep/feature` to another package of the workspace asks that
/// package too (`heif = ["sd-images/heif"]`), until nothing changes.
pub fn requested_per_package(
    packages: &[Package],
    requested: &[String],
) -> BTreeMap<String, Vec<String>> {
    let mut asked: BTreeMap<String, BTreeSet<String>> = packages
        .iter()
        .map(|p| {
            let own = requested
                .iter()
                .filter_map(|r| match r.split_once('/') {
                    Some((name, feature)) => (name == p.name).then(|| feature.to_string()),
                    None => Some(r.clone()),
                })
                .collect();
            (p.name.clone(), own)
        })
        .collect();
    loop {
        let mut changed = false;
        for package in packages {
            let wanted: Vec<String> = asked
                .get(&package.name)
                .map(|set| set.iter().cloned().collect())
                .unwrap_or_default();
            let (on, _) = enabled(package, &wanted);
            let mut forwarded = Vec::new();
            for feature in on {
                for item in package.features.get(feature).into_iter().flatten() {
                    if let Some((dep, feature)) = item.split_once('/')
                        && !dep.ends_with('?')
                    {
                        let name = package.optional.get(dep).map_or(dep, String::as_str);
                        forwarded.push((name.to_string(), feature.to_string()));
                    }
                }
            }
            for (name, feature) in forwarded {
                if let Some(set) = asked.get_mut(&name)
                    && name != package.name
                {
                    changed |= set.insert(feature);
                }
            }
        }
        if !changed {
            break;
        }
    }
    asked
        .into_iter()
        .map(|(name, set)| (name, set.into_iter().collect()))
        .collect()
}

/// The dependency features `package` forwards (`dep/feature`, `dep?/feature`): the names those
/// of its features that `requested` (with `default`) turn on forward, and for each feature left
/// off, the items of it that forward one (feature, item).
pub fn forwarded(
    package: &Package,
    requested: &[String],
) -> (BTreeSet<String>, Vec<(String, String)>) {
    let (on, _) = enabled(package, requested);
    let mut forwarded_on = BTreeSet::new();
    let mut forwarded_off = Vec::new();
    for (feature, items) in &package.features {
        for item in items {
            let Some((_, name)) = item.split_once('/') else {
                continue;
            };
            if on.contains(feature.as_str()) {
                forwarded_on.insert(name.to_string());
            } else {
                forwarded_off.push((feature.clone(), item.clone()));
            }
        }
    }
    (forwarded_on, forwarded_off)
}

/// The features of `package` that `requested` (with `default` when it exists) turn on,
/// following features that enable features.
pub fn enabled_features(package: &Package, requested: &[String]) -> BTreeSet<String> {
    enabled(package, requested)
        .0
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// The features of `package` but `default` that turn on one of `wanted` when asked for alone
/// (with `default`), in name order: those from which following features that enable features
/// reaches one of `wanted`, found by walking those edges backwards once from `wanted`.
pub fn enablers(package: &Package, wanted: &[String]) -> Vec<String> {
    let mut enabled_by: HashMap<&str, Vec<&str>> = HashMap::new();
    for (feature, items) in &package.features {
        for item in items {
            if let Some(next) = next_feature(item) {
                enabled_by.entry(next).or_default().push(feature);
            }
        }
    }
    let mut reaching: HashSet<&str> = HashSet::new();
    let mut pending: Vec<&str> = wanted.iter().map(String::as_str).collect();
    while let Some(feature) = pending.pop() {
        if reaching.insert(feature)
            && let Some(enablers) = enabled_by.get(feature)
        {
            pending.extend(enablers);
        }
    }
    let by_default = enabled(package, &[])
        .0
        .iter()
        .any(|on| reaching.contains(on));
    package
        .features
        .keys()
        .filter(|f| *f != "default")
        .filter(|f| by_default || reaching.contains(f.as_str()))
        .cloned()
        .collect()
}

/// The feature an item of a feature's list turns on, if any: `name` itself, or `dep` of
/// `dep/feature` (not of `dep?/feature`); `dep:name` turns on only the optional dependency.
fn next_feature(item: &str) -> Option<&str> {
    if item.starts_with("dep:") {
        None
    } else if let Some((dep, _)) = item.split_once('/') {
        (!dep.ends_with('?')).then_some(dep)
    } else {
        Some(item)
    }
}

/// (features on, optional dependency keys on) for `requested` plus `default`.
fn enabled<'a>(
    package: &'a Package,
    requested: &'a [String],
) -> (BTreeSet<&'a str>, BTreeSet<&'a str>) {
    let mut on: BTreeSet<&str> = BTreeSet::new();
    let mut pending: Vec<&str> = requested.iter().map(String::as_str).collect();
    if package.features.contains_key("default") {
        pending.push("default");
    }
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    while let Some(feature) = pending.pop() {
        if !seen.insert(feature) {
            continue;
        }
        match package.features.get(feature) {
            Some(items) => {
                for item in items {
                    if let Some(dep) = item.strip_prefix("dep:") {
                        on.insert(dep);
                    } else if let Some((dep, _)) = item.split_once('/') {
                        if !dep.ends_with('?') {
                            on.insert(dep);
                            pending.push(dep);
                        }
                    } else {
                        pending.push(item);
                    }
                }
            }
            None => {
                on.insert(feature);
            }
        }
    }
    (seen, on)
}

/// Records in `found` where `manifest` (`file`, of `package`) asks for a dependency's feature
/// naming `vendored`: in a feature on by default or a table every target reads (`here`), or
/// only in a feature off by default or a `[target.X.dependencies]` table whose X does not hold
/// on Linux with glibc (`elsewhere`).
fn vendored_requests(file: &str, manifest: &Table, package: &Package, found: &mut Vendored) {
    let asks = |table: &Table| {
        table.values().any(|spec| {
            spec.get("features")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .any(|f| f.contains("vendored"))
        })
    };
    let on = enabled_features(package, &[]);
    for (feature, items) in &package.features {
        let vendors = items.iter().any(|item| {
            item.split_once('/')
                .is_some_and(|(_, f)| f.contains("vendored"))
        });
        if !vendors {
            continue;
        }
        if on.contains(feature) {
            found.here = true;
        } else {
            found.features.push((package.name.clone(), feature.clone()));
            if found.elsewhere.is_none() {
                found.elsewhere = Some(format!("{file}: feature {feature}, off by default"));
            }
        }
    }
    let in_common = ["dependencies", "build-dependencies"]
        .iter()
        .filter_map(|key| manifest.get(*key).and_then(Value::as_table))
        .any(asks);
    found.here |= in_common;
    let targets = manifest.get("target").and_then(Value::as_table);
    for (key, target) in targets.into_iter().flatten() {
        let Some(table) = target.get("dependencies").and_then(Value::as_table) else {
            continue;
        };
        if !asks(table) {
            continue;
        }
        if super::cfg::holds_on_linux_gnu(key) {
            found.here = true;
        } else if found.elsewhere.is_none() {
            found.elsewhere = Some(format!("{file}: [target.'{key}'.dependencies]"));
        }
    }
}

/// Direct dependencies (all sections, all targets) with the features each asks for.
fn collect_dependencies(manifest: &Table, out: &mut BTreeMap<String, Vec<String>>) {
    for table in dependency_tables(manifest) {
        for (key, spec) in table {
            let name = spec
                .get("package")
                .and_then(Value::as_str)
                .unwrap_or(key)
                .to_string();
            let features: Vec<String> = spec
                .get("features")
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            out.entry(name).or_default().extend(features);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small pseudo-random feature graph: features naming features, `dep:` items,
    /// `dep/feature` and `dep?/feature` items, names that are no feature, and cycles.
    fn graph(seed: u64) -> Package {
        let mut state = seed;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let mut features = BTreeMap::new();
        for feature in 0..8 {
            let items = (0..next(4))
                .map(|_| {
                    let target = format!("f{}", next(10));
                    match next(4) {
                        0 => format!("dep:{target}"),
                        1 => format!("{target}/x"),
                        2 => format!("{target}?/x"),
                        _ => target,
                    }
                })
                .collect();
            let name = if feature == 0 && next(2) == 0 {
                "default".to_string()
            } else {
                format!("f{feature}")
            };
            features.insert(name, items);
        }
        Package {
            name: "p".to_string(),
            dir: String::new(),
            bins: Vec::new(),
            rust_version: None,
            default_run: None,
            version: None,
            license: None,
            optional: BTreeMap::new(),
            features,
        }
    }

    #[test]
    fn enablers_are_the_features_whose_expansion_reaches_a_wanted_one() {
        for seed in 0..500 {
            let package = graph(seed);
            for wanted in [vec!["f3".to_string()], vec!["f1".into(), "f9".into()]] {
                let expanded: Vec<String> = package
                    .features
                    .keys()
                    .filter(|f| *f != "default")
                    .filter(|f| {
                        enabled_features(&package, std::slice::from_ref(*f))
                            .iter()
                            .any(|on| wanted.contains(on))
                    })
                    .cloned()
                    .collect();
                assert_eq!(enablers(&package, &wanted), expanded, "{package:?}");
            }
        }
    }

    #[test]
    fn exclude_entries_are_paths_as_cargo_reads_them() {
        let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let members = list(&["crates/*", "tools/keep"]);
        let exclude = list(&["crates/skip", "tools", "extensions/*", "*.md"]);
        assert!(excluded("crates/skip", &exclude, &members));
        assert!(!excluded("crates/skipped", &exclude, &members));
        assert!(!excluded("crates/core", &exclude, &members));
        assert!(excluded("tools/other", &exclude, &members), "under an excluded directory");
        assert!(!excluded("tools/keep", &exclude, &members), "named by members");
        assert!(!excluded("extensions/photos", &exclude, &members), "* is no pattern");
        assert!(excluded("extensions/*", &exclude, &members));
        assert!(excluded("a", &list(&["./a/Cargo.toml"]), &[]));
        assert!(excluded("a/b", &list(&["."]), &[]));
    }

    #[test]
    fn a_member_two_patterns_name_is_read_once_and_its_manifest_stays_readable() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "Cargo.toml",
            "[workspace]\nmembers = [\"crates/*\", \"crates/app\", \"crates/nested\"]\n",
        );
        write("crates/app/Cargo.toml", "[package]\nname = \"app\"\nversion = \"0.1.0\"\n");
        write("crates/app/src/main.rs", "fn main() {}\n");
        write("crates/nested/Cargo.toml", "[workspace]\n");
        let project = read(&Repo::new(dir.path())).unwrap().unwrap();
        let names: Vec<&str> = project.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["app"]);
    }

    #[test]
    fn only_profile_features_are_read_without_cargo() {
        let features = |text: &str| parse_toml("Cargo.toml", text).unwrap();
        let profile = features("cargo-features = [\"profile-rustflags\"]\n");
        assert!(profile_only(profile.get("cargo-features")));
        assert!(profile_only(None));
        let other = features("cargo-features = [\"trim-paths\", \"different-binary-name\"]\n");
        assert!(!profile_only(other.get("cargo-features")));
        assert!(!profile_only(features("cargo-features = 1\n").get("cargo-features")));
    }

    #[test]
    fn toml_errors_carry_the_line() {
        let err = parse_toml("Cargo.toml", "[package]\nname = \"x\"\nversion = \n").unwrap_err();
        match err {
            DetectError::Broken { file, line, .. } => {
                assert_eq!(file, "Cargo.toml");
                assert_eq!(line, Some(3));
            }
            other => panic!("{other:?}"),
        }
    }
}
