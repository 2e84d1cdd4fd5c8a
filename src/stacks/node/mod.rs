//! Node.js: detection of the package manager (npm, Yarn classic or Berry, pnpm), workspaces,
//! the Node version the project asks for, native addons, and each package's entry point.
//! A package.json that carries only tooling (linters, asset builds) is not a Node service.

pub mod deployed;
pub mod frontend;
pub mod package;
pub mod plan;
pub mod platform;
pub mod script;
pub mod tree;
mod typescript;
pub mod user_start;
pub mod kind;
pub use kind::Kind;

use foldhash::{HashSet, HashSetExt};
use crate::deployed::Deployed;
use crate::evidence::Evidence;
use crate::facts::{self, DetectError, Fact, Signals};
use crate::repo::{Pending, Repo};
use crate::repo::{LOCK_CAP, MANIFEST_CAP};
use crate::stacks::Detection;
use package::{Package, Start};
use serde::Serialize;

/// Packages with native addons that fall back to node-gyp, so the builder needs compilers.
pub const NATIVE_PACKAGES: &[&str] = &[
    "bcrypt",
    "sqlite3",
    "better-sqlite3",
    "canvas",
    "node-sass",
    "re2",
    "cpu-features",
    "node-gyp-build",
    "node-gyp",
];

/// The package manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Manager {
    Npm,
    YarnClassic,
    YarnBerry,
    Pnpm,
    Bun,
}

impl Manager {
    /// Name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Manager::Npm => "npm",
            Manager::YarnClassic => "yarn (classic)",
            Manager::YarnBerry => "yarn (berry)",
            Manager::Pnpm => "pnpm",
            Manager::Bun => "bun",
        }
    }
}

/// Everything detected about a Node.js project.
#[derive(Debug, Clone, Serialize)]
pub struct NodeFacts {
    pub manager: Manager,
    pub manager_evidence: Evidence,
    /// The version in `packageManager` (`pnpm@9.12.0` -> 9.12.0).
    pub manager_version: Option<(String, Evidence)>,
    /// package-lock.json, yarn.lock or pnpm-lock.yaml.
    pub lock: Option<String>,
    /// pnpm-workspace.yaml or package.json `workspaces`.
    pub workspace: Option<Evidence>,
    /// Extra files the install reads and the build copies (pnpm-workspace.yaml, the Yarn release
    /// yarnPath names). Its settings files (.npmrc, .yarnrc, .yarnrc.yml) are secret mounts
    /// instead (see `crate::credentials`).
    pub install_files: Vec<String>,
    pub root: Package,
    /// Workspace members (empty without workspaces).
    pub members: Vec<Package>,
    /// Node version constraints from .nvmrc, .node-version.
    pub version_files: Vec<(String, Evidence)>,
    /// Native addon packages found in the lock file.
    pub native: Vec<Evidence>,
    /// The production packages' platform-specific code, as package-lock.json records it.
    pub platform_code: platform::PlatformCode,
    /// Yarn Plug'n'Play (no node_modules).
    pub pnp: Option<Evidence>,
    /// `yarnPath` of .yarnrc.yml: the Yarn release the repository carries, run by node.
    pub yarn_path: Option<(String, Evidence)>,
    /// The deployment's build copies the root's package.json from another directory
    /// (`root.manifest`): the build command that does.
    pub manifest_from: Option<Evidence>,
}

impl NodeFacts {
    /// Packages that can be containerised: runnable members, or the root. Members under an
    /// examples or tests directory are samples of the product, not the product.
    pub fn candidates(&self) -> Vec<&Package> {
        self.runnable()
            .into_iter()
            .filter(|p| !sample_dir(&p.dir))
            .collect()
    }

    /// The workspace members set aside because their start cannot be containerised, each with
    /// its refusal as evidence.
    pub fn set_aside(&self) -> Vec<(&Package, Evidence)> {
        self.members
            .iter()
            .filter_map(|member| match &member.refused {
                Some(DetectError::Broken { file, line, cause }) => Some((
                    member,
                    Evidence {
                        file: file.clone(),
                        line: *line,
                        detail: cause.clone(),
                    },
                )),
                _ => None,
            })
            .collect()
    }

    /// Every runnable package, samples included (what `--package` may name).
    pub fn runnable(&self) -> Vec<&Package> {
        let mut runnable: Vec<&Package> = Vec::new();
        if self.root.entry.is_some() {
            runnable.push(&self.root);
        }
        runnable.extend(self.members.iter().filter(|m| m.entry.is_some()));
        runnable
    }

    /// The facts for display.
    pub fn listing(&self) -> Vec<Fact> {
        let mut facts = vec![Fact::new(
            "package manager",
            self.manager.name(),
            self.manager_evidence.clone(),
        )];
        if let Some(evidence) = &self.manifest_from {
            facts.push(Fact::new(
                "package.json",
                format!("{}, copied to the root", self.root.manifest),
                evidence.clone(),
            ));
        }
        if let Some(workspace) = &self.workspace {
            facts.push(Fact::new(
                "workspace",
                format!("{} packages", self.members.len()),
                workspace.clone(),
            ));
        }
        for package in self.candidates() {
            if let Some(entry) = &package.entry {
                facts.push(Fact::new(
                    "entry",
                    format!(
                        "{}{}",
                        package
                            .name
                            .as_deref()
                            .map(|n| format!("{n}: "))
                            .unwrap_or_default(),
                        describe_start(&entry.start)
                    ),
                    entry.evidence.clone(),
                ));
            }
        }
        for evidence in &self.native {
            facts.push(Fact::new(
                "native addon",
                evidence.detail.clone(),
                evidence.clone(),
            ));
        }
        facts
    }

    /// Signals for the decision tree.
    pub fn signals(&self, package: &Package) -> Signals {
        let mut signals = Signals::default();
        signals.add(tree::NATIVE_ADDON, self.native.iter().cloned());
        signals.add(tree::NATIVE_ADDON, package.gypfile.iter().cloned());
        if let Some(entry) = &package.entry
            && let Start::Static(site) = &entry.start
        {
            signals.add(tree::STATIC_SITE, [site.evidence.clone()]);
        }
        signals
    }
}

/// Directories that hold samples, tests or fixtures of a workspace rather than its product.
const SAMPLE_DIRS: &[&str] = &[
    "example", "examples", "test", "tests", "e2e", "fixtures", "__tests__",
];

/// Whether a member lies in a directory of samples or tests.
fn sample_dir(dir: &str) -> bool {
    dir.split('/').any(|segment| SAMPLE_DIRS.contains(&segment))
}

/// The start command in words.
pub fn describe_start(start: &Start) -> String {
    match start {
        Start::NextStandalone => "Next.js standalone server.js".to_string(),
        Start::NextStart => "next start".to_string(),
        Start::Script { path, .. } => format!("node {path}"),
        Start::Bin { package, bin, .. } => format!("{bin} (the bin of {package}) under node"),
        Start::Static(site) => format!("static files in {}, served by nginx", site.dir),
    }
}

/// Runs Node detection on `root`, with what the deployment descriptors say.
pub fn detect(repo: &Repo, deployed: &Pending<'_, Deployed>) -> Detection {
    match read(repo, deployed) {
        Ok(Ok(facts)) => Detection::Found {
            facts: Box::new(super::Facts::Node(Box::new(facts))),
        },
        Ok(Err(looked_for)) => Detection::Absent { looked_for },
        Err(error) => Detection::Broken { error },
    }
}

/// Reads the Node facts of the repository: `Err` says what was looked for when there is no
/// runnable package.
fn read(
    repo: &Repo,
    deployed: &Pending<'_, Deployed>,
) -> Result<Result<NodeFacts, String>, DetectError> {
    let (mut root_package, manifest_from) = match package::read(repo, "", None)? {
        Some(package) => (package, None),
        None => match deployed::copied_manifest(repo, deployed.get()) {
            Some((file, evidence)) => match package::read_manifest(repo, "", &file, None)? {
                Some(package) => (package, Some(evidence)),
                None => return Ok(Err("package.json".to_string())),
            },
            None => return Ok(Err("package.json".to_string())),
        },
    };
    let mut install_files = Vec::new();
    let (patterns, workspace, pattern_file) =
        workspace_patterns(repo, &root_package, &mut install_files)?;
    refuse_meteor(repo)?;
    let members = members(repo, &patterns, &pattern_file, &root_package)?;
    let mut runnable = root_package.entry.is_some() || members.iter().any(|m| m.entry.is_some());
    if !runnable && members.is_empty() {
        runnable = package::deployed_entry(repo, &mut root_package, deployed.get())?;
    }
    if !runnable && let Some(refusal) = members.iter().find_map(|m| m.refused.clone()) {
        return Err(refusal);
    }
    if !runnable {
        return Ok(Err(
            "package.json with a start script running node, a main file, a server dependency with an entry file, Next.js or NestJS (the package.json here carries only tooling)".to_string(),
        ));
    }
    let Yarnrc { mut pnp, yarn_path } = yarnrc(repo, &mut install_files)?;
    let (manager, manager_evidence, lock, lock_text) = manager(repo, &root_package)?;
    if manager == Manager::YarnBerry && pnp.is_none() && !repo.is_file(".yarnrc.yml") {
        pnp = Some(Evidence::file(
            "yarn.lock",
            "Yarn Berry without .yarnrc.yml defaults to Plug'n'Play",
        ));
    }
    let manager_version = root_package
        .package_manager
        .as_ref()
        .and_then(|(value, evidence)| {
            let (_, version) = value.split_once('@')?;
            let version = version.split('+').next()?.to_string();
            Some((version, evidence.clone()))
        })
        .or_else(|| match (manager, &lock, &lock_text) {
            (Manager::Pnpm, Some(lock), Some(text)) => pnpm_for_lockfile(lock, text),
            _ => None,
        });
    let (platform_code, native) = match (&lock, &lock_text) {
        (Some(lock), Some(text)) => {
            let (platform_code, first) = platform::platform_code(lock, text, NATIVE_PACKAGES);
            (platform_code, native_in_lock(lock, text, first))
        }
        _ => (
            platform::PlatformCode::Unknown("there is no lock file".to_string()),
            Vec::new(),
        ),
    };
    refuse_copied_credentials(repo, &root_package, &members, &install_files)?;
    if let (Some(lock), Some(text)) = (&lock, &lock_text) {
        refuse_credential(lock, text)?;
    }
    Ok(Ok(NodeFacts {
        manager,
        manager_evidence,
        manager_version,
        lock,
        workspace,
        install_files,
        root: root_package,
        members,
        version_files: version_files(repo)?,
        native,
        platform_code,
        pnp,
        yarn_path,
        manifest_from,
    }))
}

/// Refuses a Meteor application (.meteor/release): `meteor build` writes its server bundle,
/// and the meteor tool is not an npm package a Node builder installs.
fn refuse_meteor(repo: &Repo) -> Result<(), DetectError> {
    let Some(text) = repo.read_text(".meteor/release", MANIFEST_CAP)? else {
        return Ok(());
    };
    let release = crate::manifest::first_value_line(&text).map(|(line, value)| (line, value.trim()));
    Err(DetectError::Broken {
        file: ".meteor/release".to_string(),
        line: release.map(|(line, _)| line),
        cause: format!(
            "a Meteor application ({}): its server bundle is written by `meteor build`, and the meteor tool is not something shiplight installs in a Node builder; build the bundle with meteor and run its main.js with node",
            crate::safe::comment(release.map(|(_, value)| value).unwrap_or("Meteor"))
        ),
    })
}

/// The workspace patterns, where they are declared, and the file they are relative to:
/// pnpm-workspace.yaml's `packages` (the file is then copied for the install), else
/// package.json's `workspaces`.
fn workspace_patterns(
    repo: &Repo,
    root_package: &Package,
    install_files: &mut Vec<String>,
) -> Result<(Vec<String>, Option<Evidence>, String), DetectError> {
    let mut patterns = root_package.workspaces.clone();
    let mut workspace = root_package.workspaces_evidence.clone();
    let mut pattern_file = "package.json".to_string();
    if let Some(text) = repo.read_text("pnpm-workspace.yaml", MANIFEST_CAP)? {
        install_files.push("pnpm-workspace.yaml".to_string());
        let yaml = crate::manifest::parse_yaml("pnpm-workspace.yaml", &text)?;
        let listed: Vec<String> = yaml
            .get("packages")
            .and_then(|p| p.as_sequence())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if !listed.is_empty() {
            workspace = Some(Evidence::file(
                "pnpm-workspace.yaml",
                format!("packages {listed:?}"),
            ));
            patterns = listed;
            pattern_file = "pnpm-workspace.yaml".to_string();
        }
    }
    Ok((patterns, workspace, pattern_file))
}

/// The workspace members: each directory the patterns match (negations skipped) that holds a
/// package.json, once.
fn members(
    repo: &Repo,
    patterns: &[String],
    pattern_file: &str,
    root: &Package,
) -> Result<Vec<Package>, DetectError> {
    let mut members = Vec::new();
    let mut expanded = HashSet::new();
    let mut member_dirs = HashSet::new();
    for pattern in patterns {
        if pattern.starts_with('!') {
            continue;
        }
        let pattern = pattern.replace("**", "*");
        if !expanded.insert(pattern.clone()) {
            continue;
        }
        for dir in crate::manifest::expand(repo, pattern_file, None, &pattern)? {
            if dir.is_empty() || member_dirs.contains(&dir) {
                continue;
            }
            if let Some(member) = package::read(repo, &dir, Some(root))? {
                member_dirs.insert(dir);
                members.push(member);
            }
        }
    }
    Ok(members)
}

/// What .yarnrc.yml says.
struct Yarnrc {
    /// `nodeLinker: pnp`.
    pnp: Option<Evidence>,
    /// `yarnPath`: the Yarn release the repository carries.
    yarn_path: Option<(String, Evidence)>,
}

/// What .yarnrc.yml says: Plug'n'Play (`nodeLinker: pnp`) and the Yarn release the repository
/// carries (`yarnPath`, then copied for the install).
fn yarnrc(repo: &Repo, install_files: &mut Vec<String>) -> Result<Yarnrc, DetectError> {
    let mut pnp = None;
    let mut yarn_path = None;
    if let Some(text) = repo.read_text(".yarnrc.yml", MANIFEST_CAP)? {
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if let Some(path) = line.strip_prefix("yarnPath:") {
                let path = path.trim().trim_matches(['"', '\'']);
                let path = facts::inside(".yarnrc.yml", Some(index + 1), "yarnPath", "", path)?;
                if repo.is_file(&path) {
                    install_files.push(path.clone());
                    yarn_path = Some((
                        path.clone(),
                        Evidence::line(".yarnrc.yml", index + 1, format!("yarnPath: {path}")),
                    ));
                }
            }
            if let Some(linker) = line.strip_prefix("nodeLinker:")
                && linker.trim().trim_matches(['"', '\'']) == "pnp"
            {
                pnp = Some(Evidence::line(".yarnrc.yml", index + 1, "nodeLinker: pnp"));
            }
        }
    }
    Ok(Yarnrc { pnp, yarn_path })
}

/// Refuses a credential in the manifests the build copies: the root's and each member's
/// package.json, and pnpm-workspace.yaml.
fn refuse_copied_credentials(
    repo: &Repo,
    root: &Package,
    members: &[Package],
    install_files: &[String],
) -> Result<(), DetectError> {
    let mut copied: Vec<&str> = vec![root.manifest.as_str()];
    copied.extend(members.iter().map(|m| m.manifest.as_str()));
    copied.extend(
        install_files
            .iter()
            .map(String::as_str)
            .filter(|file| *file == "pnpm-workspace.yaml"),
    );
    for file in copied {
        if let Some(text) = repo.read_text(file, MANIFEST_CAP)? {
            refuse_credential(file, &text)?;
        }
    }
    Ok(())
}

/// The Node versions .nvmrc and .node-version pin, as ranges.
fn version_files(repo: &Repo) -> Result<Vec<(String, Evidence)>, DetectError> {
    let mut version_files = Vec::new();
    for file in [".nvmrc", ".node-version"] {
        if let Some(text) = repo.read_text(file, MANIFEST_CAP)?
            && let Some((number, line)) = crate::manifest::first_value_line(&text)
            && let Some(range) = nvmrc_range(line)
        {
            version_files.push((range, Evidence::line(file, number, line.to_string())));
        }
    }
    Ok(version_files)
}

/// Refuses a manifest or lock file the build copies (and the image carries) that holds a
/// credential in the open, naming the line and never the value.
fn refuse_credential(file: &str, text: &str) -> Result<(), DetectError> {
    match crate::credentials::copied_secret(text) {
        Some((line, what)) => Err(DetectError::Broken {
            file: file.to_string(),
            line: Some(line),
            cause: format!(
                "holds {what}, and the build copies this file into the image; take the credential out (npm, pnpm and Yarn read registry credentials from .npmrc or .yarnrc.yml, which the install steps mount as secrets)"
            ),
        }),
        None => Ok(()),
    }
}

/// The native addon packages a lock file holds, each with the line of its first entry: the
/// places that hold each name are found with a vectorized search, and only their lines are
/// read as entries. package-lock.json names what it installs only in its entries' keys
/// (`"node_modules/.../NAME": {`), so there the keys are found instead, in one search. `read`:
/// the first lines [`platform::platform_code`] found reading the lock's lines, when it did.
fn native_in_lock(lock: &str, text: &str, read: Option<platform::FirstEntries>) -> Vec<Evidence> {
    let bytes = text.as_bytes();
    let first: Vec<Option<usize>> = if let Some(first) = read {
        first
    } else if lock == platform::LOCK {
        let mut first = vec![None; NATIVE_PACKAGES.len()];
        for at in memchr::memmem::find_iter(bytes, platform::KEY.as_bytes()) {
            let (start, line) = crate::lines::line_around(text, at);
            if let Some(name) = entry_name(line)
                && let Some(owner) = NATIVE_PACKAGES.iter().position(|native| *native == name)
                && first[owner].is_none()
            {
                first[owner] = Some(crate::lines::number_at(text, start));
            }
        }
        first
    } else {
        NATIVE_PACKAGES
            .iter()
            .map(|name| {
                memchr::memmem::find_iter(bytes, name.as_bytes()).find_map(|at| {
                    let (start, line) = crate::lines::line_around(text, at);
                    (entry_name(line) == Some(*name))
                        .then(|| crate::lines::number_at(text, start))
                })
            })
            .collect()
    };
    first
        .iter()
        .enumerate()
        .filter_map(|(owner, line)| {
            Some(Evidence::line(
                lock,
                (*line)?,
                format!("{} (native addon)", NATIVE_PACKAGES[owner]),
            ))
        })
        .collect()
}

/// The package an entry line of a lock file is about: package-lock.json's
/// `"node_modules/.../NAME": {`, yarn.lock's `NAME@...` or `"NAME@...`, pnpm-lock.yaml's
/// `  NAME@...`, `  /NAME@...` or `  'NAME@...`. Lines deeper than an entry name none.
fn entry_name(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    if let Some(path) = trimmed.strip_prefix(platform::KEY) {
        return platform::keyed_name(path);
    }
    if line.len() - trimmed.len() > 2 {
        return None;
    }
    let name = trimmed.trim_start_matches(['"', '\'', '/']);
    name.find('@').map(|end| &name[..end])
}

/// The pnpm release that reads an older pnpm-lock.yaml, from its `lockfileVersion`.
fn pnpm_for_lockfile(lock: &str, text: &str) -> Option<(String, Evidence)> {
    let (index, line) = text
        .lines()
        .enumerate()
        .take(20)
        .find(|(_, line)| line.starts_with("lockfileVersion:"))?;
    let version = line["lockfileVersion:".len()..]
        .trim()
        .trim_matches(['\'', '"']);
    let (_, pnpm) = crate::catalog::PNPM_FOR_LOCKFILE
        .iter()
        .find(|(prefix, _)| version.starts_with(prefix))?;
    Some((
        pnpm.to_string(),
        Evidence::line(
            lock,
            index + 1,
            format!("lockfileVersion {version}: written by pnpm {}", &pnpm[..1]),
        ),
    ))
}

type ManagerFound = (Manager, Evidence, Option<String>, Option<std::rc::Rc<String>>);

fn manager(repo: &Repo, package: &Package) -> Result<ManagerFound, DetectError> {
    let declared = package
        .package_manager
        .as_ref()
        .and_then(|(value, evidence)| {
            let (name, version) = value.split_once('@')?;
            let manager = match name {
                "npm" => Manager::Npm,
                "pnpm" => Manager::Pnpm,
                "bun" => Manager::Bun,
                "yarn" if version.starts_with("1.") => Manager::YarnClassic,
                "yarn" => Manager::YarnBerry,
                _ => return None,
            };
            Some((manager, evidence.clone()))
        });
    let locks = [
        ("pnpm-lock.yaml", Manager::Pnpm),
        ("yarn.lock", Manager::YarnClassic),
        ("package-lock.json", Manager::Npm),
        ("npm-shrinkwrap.json", Manager::Npm),
        ("bun.lock", Manager::Bun),
        ("bun.lockb", Manager::Bun),
    ];
    for (file, mut manager) in locks {
        let text = match file {
            "bun.lockb" if repo.is_file(file) => Some(std::rc::Rc::new(String::new())),
            "bun.lockb" => None,
            _ => repo.text(file, LOCK_CAP)?,
        };
        let Some(text) = text else {
            continue;
        };
        if manager == Manager::YarnClassic && text.contains("__metadata:") {
            manager = Manager::YarnBerry;
        }
        if let Some((declared, evidence)) = &declared
            && std::mem::discriminant(declared) != std::mem::discriminant(&manager)
            && !(matches!(declared, Manager::YarnBerry | Manager::YarnClassic)
                && matches!(manager, Manager::YarnBerry | Manager::YarnClassic))
        {
            return Err(DetectError::Broken {
                file: evidence.file.clone(),
                line: evidence.line,
                cause: format!(
                    "packageManager says {}, but the lock file is {file}; keep one package manager",
                    declared.name()
                ),
            });
        }
        let evidence = match &declared {
            Some((declared, evidence))
                if matches!(declared, Manager::YarnBerry | Manager::YarnClassic) =>
            {
                manager = *declared;
                evidence.clone()
            }
            _ => Evidence::file(file, format!("lock file of {}", manager.name())),
        };
        return Ok((manager, evidence, Some(file.to_string()), Some(text)));
    }
    Ok(match declared {
        Some((manager, evidence)) => (manager, evidence, None, None),
        None => (
            Manager::Npm,
            Evidence::file(&package.manifest, "no lock file: npm"),
            None,
            None,
        ),
    })
}

/// An .nvmrc / .node-version line as a semver range; `None` for aliases that name no version.
pub fn nvmrc_range(line: &str) -> Option<String> {
    const CODENAMES: &[(&str, &str)] = &[
        ("argon", "4"),
        ("boron", "6"),
        ("carbon", "8"),
        ("dubnium", "10"),
        ("erbium", "12"),
        ("fermium", "14"),
        ("gallium", "16"),
        ("hydrogen", "18"),
        ("iron", "20"),
        ("jod", "22"),
        ("krypton", "24"),
    ];
    let line = line.trim();
    if let Some(name) = line.strip_prefix("lts/") {
        return CODENAMES
            .iter()
            .find(|(codename, _)| *codename == name.to_ascii_lowercase())
            .map(|(_, major)| major.to_string());
    }
    let version = line.trim_start_matches('v');
    (version.chars().next().is_some_and(|c| c.is_ascii_digit())
        && version
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == 'x'))
    .then(|| version.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_entry_names() {
        assert_eq!(entry_name("    \"node_modules/bcrypt\": {"), Some("bcrypt"));
        assert_eq!(
            entry_name("    \"node_modules/a/node_modules/canvas\": {"),
            Some("canvas")
        );
        assert_eq!(entry_name("bcrypt@^5.1.1:"), Some("bcrypt"));
        assert_eq!(entry_name("\"bcrypt@npm:^5.1.1\":"), Some("bcrypt"));
        assert_eq!(entry_name("  /bcrypt@5.1.1:"), Some("bcrypt"));
        assert_eq!(entry_name("  'bcrypt@5.1.1':"), Some("bcrypt"));
        assert_eq!(entry_name("      bcrypt: 5.1.1"), None);
        assert_eq!(
            entry_name("  resolved \"https://x/bcrypt/-/bcrypt-5.1.1.tgz\""),
            None
        );
        assert_eq!(
            native_in_lock("yarn.lock", "a@1:\n  version \"1\"\n\nbcrypt@^5:\n", None),
            vec![Evidence::line("yarn.lock", 4, "bcrypt (native addon)")]
        );
    }

    #[test]
    fn a_package_lock_names_its_native_addons_in_its_entries_keys_only() {
        let lock = r#"{
  "lockfileVersion": 3,
  "packages": {
    "node_modules/app-util": {
      "dependencies": {
        "bcrypt": "^5.1.1",
        "node-gyp-build": "^4"
      }
    },
    "node_modules/sqlite3-helper": {
      "version": "1.0.0"
    },
    "node_modules/x/node_modules/node-gyp-build": {
      "version": "4.8.0"
    },
    "node_modules/bcrypt": {
      "version": "5.1.1"
    },
    "node_modules/bcrypt/node_modules/nan": {
      "version": "2.0.0"
    }
  }
}
"#;
        let expected = vec![
            Evidence::line(platform::LOCK, 16, "bcrypt (native addon)"),
            Evidence::line(platform::LOCK, 13, "node-gyp-build (native addon)"),
        ];
        assert_eq!(native_in_lock(platform::LOCK, lock, None), expected);
        let (_, first) = platform::platform_code(platform::LOCK, lock, NATIVE_PACKAGES);
        assert!(first.is_some(), "a lock of version 3 is read by lines");
        assert_eq!(native_in_lock(platform::LOCK, lock, first), expected);
        // Read by lines as searched: an entry key at any depth, and a line near the top
        // holding one after a name (as yarn.lock's entry lines are read).
        let odd = lock
            .replace("    \"node_modules/bcrypt\": {", "\t\t\"node_modules/bcrypt\": {")
            .replace("  \"packages\": {", "  \"canvas@2\": \"node_modules/canvas\",\n  \"packages\": {");
        let (_, first) = platform::platform_code(platform::LOCK, &odd, NATIVE_PACKAGES);
        let by_lines = native_in_lock(platform::LOCK, &odd, first);
        assert_eq!(by_lines, native_in_lock(platform::LOCK, &odd, None));
        assert_eq!(by_lines.len(), 3, "{by_lines:?}");
    }

    #[test]
    fn nvmrc() {
        assert_eq!(nvmrc_range("v22.3.0"), Some("22.3.0".into()));
        assert_eq!(nvmrc_range("lts/iron"), Some("20".into()));
        assert_eq!(nvmrc_range("lts/*"), None);
        assert_eq!(nvmrc_range("node"), None);
    }
}
