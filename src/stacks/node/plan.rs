//! The Node.js part of the plan: which package, which Node major (the lowest published one the
//! project admits), how dependencies are installed and pruned to production, and the CMD.

use super::frontend::Site;
use super::package::{Entry, Package, Start};
use super::{Manager, NodeFacts};
use crate::catalog::{self, Vendor};
use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::safe;
use crate::settings::{Layer, Settings};
use crate::stack::Stack;
use crate::stacks::{Application, StackPlan};
use crate::stacks::health;
use crate::stacks::output::{ManifestCopy, StackOutput, manifest_copies};
use crate::trace::Step;
use nodejs_semver::Range;
use serde::Serialize;

/// How docker stop ends a Node server: the stop step's answer.
pub const PRELOADED_STOP: &str = "SIGTERM, through a module node preloads: node runs as PID 1, where a signal without a handler is ignored and the container would be killed after the grace period; the module exits on SIGTERM unless the application handles SIGTERM itself, whose shutdown then runs";

/// Port of Next.js and NestJS when the source names none.
pub const FRAMEWORK_PORT: u16 = 3000;

/// A package-manager tool installed in the builder.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: String,
}

/// What the Node template reads.
#[derive(Debug, Clone, Serialize)]
pub struct NodePlan {
    /// `npm`, `yarn-classic`, `yarn-berry`, `pnpm` or `bun`.
    pub manager: Manager,
    /// A lock file is installed exactly (`npm ci`, `--frozen-lockfile`, `--immutable`).
    pub locked: bool,
    /// The package's directory relative to the root (`""` for the root).
    pub package_dir: String,
    /// Working directory in the runtime stage.
    pub workdir: String,
    /// The workspace package's name, for `--workspace` / `--filter`.
    pub workspace_package: Option<String>,
    /// Installed in the builder before the dependencies (distroless builders only; bun on
    /// both vendors).
    pub tool: Option<Tool>,
    /// The official Bun image whose binary the builder installs with, for a Bun project.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bun_image: Option<String>,
    pub manifests: Vec<ManifestCopy>,
    /// Run the package's build script, then prune to production dependencies.
    pub build: bool,
    /// Next.js standalone output.
    pub standalone: bool,
    /// Copy public/ beside the standalone server.
    pub public_dir: bool,
    /// CMD: node's options and the script (the runtime's entrypoint is node).
    pub command: Vec<String>,
    /// Variables the server reads for its address (a framework's host variable), and those the
    /// start script's wrappers set.
    pub env: Vec<(String, String)>,
    /// Variables the build runs with (a Next.js config that chooses standalone output by one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub build_env: Vec<(String, String)>,
    /// A dependency's binary to start: linked at a fixed path in the build stage, from the
    /// dependency's own package.json.
    pub bin: Option<BinLink>,
    /// A static site served by the web server instead of a node process.
    pub site: Option<SitePlan>,
    /// The web server's configuration file from the build context, for a static site.
    pub nginx_file: Option<String>,
    /// Native addons are compiled: the shared libraries they link that the runtime lacks are
    /// copied from the builder, with what those link.
    pub native: bool,
    /// The package builds its own addon (binding.gyp): its sources arrive with `COPY . .`, after
    /// the install, so `npm rebuild` compiles it then.
    pub own_addon: bool,
    /// Yarn Plug'n'Play: the install state (.pnp.cjs, .yarn/cache, .yarn/unplugged) is the
    /// dependency tree, and node starts with the PnP runtime.
    pub pnp: bool,
    /// How Yarn is run: the release the repository carries (`node .yarn/releases/...`), else
    /// `yarn` from corepack.
    pub yarn: String,
}

/// A dependency's binary, found after the install and linked at `link`.
#[derive(Debug, Clone, Serialize)]
pub struct BinLink {
    pub package: String,
    pub bin: String,
    /// Relative to the package's directory.
    pub link: String,
}

/// Where the built files are and how the web server answers.
#[derive(Debug, Clone, Serialize)]
pub struct SitePlan {
    pub framework: &'static str,
    /// The build's output, relative to the builder's working directory.
    pub dir: String,
    /// Page for paths that are not files (client-side routing); none for a site of pages.
    pub fallback: Option<String>,
    /// nginx location regex of hashed file names; empty when the build hashes none.
    pub hashed: &'static str,
    /// Where the web server serves from.
    pub root: &'static str,
}

/// Where the nginx configuration of a static site is written, relative to the package.
pub const NGINX_FILE: &str = "docker/nginx.conf";

/// The node option that makes SIGTERM end the process when the application installs no handler
/// of its own (node as PID 1 would ignore it): a module given inline, so no file is added.
const STOP_ON_SIGTERM: &str = r#"--import=data:text/javascript,process.once("SIGTERM",function(){process.listenerCount("SIGTERM")||process.exit(143)})"#;

/// Yarn's Plug'n'Play runtime and ESM loader in the image.
const PNP_RUNTIME: &str = "/app/.pnp.cjs";
const PNP_LOADER: &str = "file:///app/.pnp.loader.mjs";

/// Where a dependency's binary is linked, relative to the package.
const BIN_DIR: &str = "node_modules/.shiplight";

/// The package to containerise: the one `--package` names, or the only runnable one.
/// With several, the workspace's roles may choose; the step says which and why.
pub fn select<'a>(
    facts: &'a NodeFacts,
    settings: &Settings,
) -> Result<(&'a Package, Option<Step>), DetectError> {
    let label = |p: &Package| p.name.clone().unwrap_or_else(|| p.dir.clone());
    let candidates = facts.candidates();
    let names: Vec<String> = candidates.iter().map(|p| label(p)).collect();
    if let Some(wanted) = &settings.package {
        if let Some(refusal) = facts
            .members
            .iter()
            .find(|p| p.name.as_deref() == Some(wanted.as_str()) || &p.dir == wanted)
            .and_then(|p| p.refused.clone())
        {
            return Err(refusal);
        }
        return facts
            .runnable()
            .iter()
            .copied()
            .find(|p| p.name.as_deref() == Some(wanted.as_str()) || &p.dir == wanted)
            .map(|p| (p, None))
            .ok_or_else(|| DetectError::NoSuchCandidate {
                what: "workspace package".to_string(),
                flag: "--package".to_string(),
                value: wanted.clone(),
                candidates: names.clone(),
            });
    }
    match candidates.as_slice() {
        [one] => Ok((one, None)),
        several => by_workspace_roles(facts, several).ok_or_else(|| DetectError::Several {
            what: "runnable workspace packages".to_string(),
            candidates: names,
            flag: "--package".to_string(),
        }),
    }
}

/// The step naming the workspace members set aside as candidates, each with the refusal of its
/// start as evidence; `None` when there are none.
pub fn set_aside_step(facts: &NodeFacts) -> Option<Step> {
    let set_aside = facts.set_aside();
    if set_aside.is_empty() {
        return None;
    }
    let names: Vec<String> = set_aside
        .iter()
        .map(|(p, _)| p.name.clone().unwrap_or_else(|| p.dir.clone()))
        .collect();
    Some(Step {
        question: "Which workspace packages cannot be containerised?".to_string(),
        answer: format!(
            "{} (set aside: none of them can run in the image, and the workspace has other candidates; choosing one with --package gives its refusal)",
            names.join(", ")
        ),
        evidence: set_aside.into_iter().map(|(_, evidence)| evidence).collect(),
    })
}

/// Among several runnable packages of a workspace, the application its roles name: the root
/// package when it has its own `start` script (what `npm start` runs there), else the only
/// member that is not a library (a member others depend on, with no start script, and with no
/// server dependency or a library's field: `exports`, `types`).
fn by_workspace_roles<'a>(
    facts: &'a NodeFacts,
    candidates: &[&'a Package],
) -> Option<(&'a Package, Option<Step>)> {
    let question = "Which workspace package is the application?".to_string();
    let label = |p: &Package| p.name.clone().unwrap_or_else(|| p.dir.clone());
    if let Some((member, evidence)) = pointed_member(facts, candidates) {
        return Some((
            member,
            Some(Step {
                question,
                answer: format!(
                    "{} (the workspace root's start script runs it)",
                    label(member)
                ),
                evidence: vec![evidence.clone()],
            }),
        ));
    }
    if let Some((_, evidence)) = facts.root.scripts.get("start")
        && facts.root.entry.is_some()
    {
        return Some((
            &facts.root,
            Some(Step {
                question,
                answer: format!(
                    "{} (the workspace root: its start script is what `npm start` runs)",
                    label(&facts.root)
                ),
                evidence: vec![evidence.clone()],
            }),
        ));
    }
    let (libraries, applications) = libraries_apart(facts, candidates);
    let [application] = applications.as_slice() else {
        return None;
    };
    Some((
        application,
        Some(Step {
            question,
            answer: format!(
                "{} ({} {} a library other members depend on)",
                label(application),
                libraries
                    .iter()
                    .map(|(name, _)| name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                if libraries.len() == 1 {
                    "is"
                } else {
                    "are each"
                }
            ),
            evidence: libraries
                .into_iter()
                .map(|(_, evidence)| evidence)
                .collect(),
        }),
    ))
}

/// The candidates that are libraries of the others (a member another depends on, with no
/// start script and no server dependency), each with the dependency's evidence, and the rest.
#[allow(clippy::type_complexity)]
pub(super) fn libraries_apart<'a>(
    facts: &'a NodeFacts,
    candidates: &[&'a Package],
) -> (Vec<(String, Evidence)>, Vec<&'a Package>) {
    let label = |p: &Package| p.name.clone().unwrap_or_else(|| p.dir.clone());
    let depended_on = |package: &Package| {
        let name = package.name.as_ref()?;
        std::iter::once(&facts.root)
            .chain(&facts.members)
            .filter(|other| other.dir != package.dir)
            .find_map(|other| {
                other
                    .dependencies
                    .get(name)
                    .or_else(|| other.dev_dependencies.get(name))
            })
    };
    let mut libraries = Vec::new();
    let mut applications = Vec::new();
    for package in candidates {
        let serves = super::package::SERVER_DEPENDENCIES
            .iter()
            .any(|dep| package.dependencies.contains_key(*dep));
        match depended_on(package) {
            Some(evidence)
                if (!serves || package.library.is_some())
                    && !package.scripts.contains_key("start") =>
            {
                libraries.push((label(package), evidence.clone()))
            }
            _ => applications.push(*package),
        }
    }
    (libraries, applications)
}

/// The workspace's applications when choosing one is a tie between its packages and the
/// settings name none: the runnable packages that are not libraries of the others.
pub fn applications(facts: &NodeFacts, settings: &Settings) -> Vec<Application> {
    if settings.package.is_some()
        || !matches!(select(facts, settings), Err(DetectError::Several { .. }))
    {
        return Vec::new();
    }
    let (_, packages) = libraries_apart(facts, &facts.candidates());
    if packages.len() < 2 {
        return Vec::new();
    }
    packages
        .into_iter()
        .map(|package| {
            let name = package.name.clone().unwrap_or_else(|| package.dir.clone());
            Application {
                dir: package.dir.clone(),
                manifest: package.manifest.clone(),
                choice: Layer {
                    package: Some(name.clone()),
                    ..Layer::default()
                },
                name,
            }
        })
        .collect()
}

/// The member the workspace root's start script runs in (`yarn --cwd app start`, `pnpm
/// --filter api start`, `npm start -w api`, `yarn workspace api start`, `cd app && ...`), when
/// it is a candidate.
fn pointed_member<'a>(
    facts: &'a NodeFacts,
    candidates: &[&'a Package],
) -> Option<(&'a Package, &'a Evidence)> {
    let (command, evidence) = ["start", "start:prod", "prod"]
        .iter()
        .find_map(|script| facts.root.scripts.get(*script))?;
    let words: Vec<&str> = command
        .split_whitespace()
        .filter(|word| !matches!(*word, "&&" | "||" | ";"))
        .collect();
    let mut dirs = Vec::new();
    let mut names = Vec::new();
    for (index, word) in words.iter().enumerate() {
        let next = words.get(index + 1).copied();
        let (flag, value) = match word.split_once('=') {
            Some((flag, value)) if flag.starts_with('-') => (flag, Some(value)),
            _ => (*word, next),
        };
        let Some(value) = value else { continue };
        match flag {
            "--cwd" | "--prefix" | "-C" | "--dir" | "cd" => dirs.push(value),
            "--filter" | "-F" | "-w" | "--workspace" | "--scope" | "workspace" => names.push(value),
            _ => {}
        }
    }
    let within = |dir: &str, member: &str| {
        let dir = dir.trim_start_matches("./").trim_end_matches('/');
        !member.is_empty() && (dir == member || dir.starts_with(&format!("{member}/")))
    };
    let found = candidates.iter().copied().find(|member| {
        dirs.iter().any(|dir| within(dir, &member.dir))
            || names
                .iter()
                .any(|name| member.name.as_deref() == Some(name.trim_matches(['"', '\''])))
    })?;
    Some((found, evidence))
}

/// The Node major of the runtime: the settings' choice, else the lowest published major every
/// constraint admits (a warning when none does). Returns the major, its step and warnings.
pub fn runtime_major(
    facts: &NodeFacts,
    package: &Package,
    settings: &Settings,
) -> Result<(String, Vec<Step>, Vec<String>), DetectError> {
    let published: Vec<&'static str> = catalog::language_runtimes(Stack::Node, Vendor::Distroless)
        .iter()
        .filter_map(|row| row.language.map(|l| l.version))
        .collect();
    if let Some(wanted) = &settings.lang_version {
        return requested_major(facts, package, settings, wanted, &published);
    }
    let mut warnings = Vec::new();
    let constraints = constraints(facts, package, &mut warnings);
    let evidence: Vec<Evidence> = constraints.iter().map(|(_, e)| e.clone()).collect();
    let major = match published.iter().find(|m| admits(&constraints, m)) {
        Some(major) => major.to_string(),
        None => {
            let chosen = unpublished_major(&constraints, &published);
            warnings.push(format!(
                "{} asks for a Node version no published runtime image has (distroless publishes {}); using Node {chosen}: test the app on it and update the constraint",
                evidence
                    .iter()
                    .map(|e| format!("{} ({})", e.detail, e.file))
                    .collect::<Vec<_>>()
                    .join(", "),
                published.join(", ")
            ));
            chosen.to_string()
        }
    };
    if settings.vendor == Vendor::Chainguard {
        warnings.extend(chainguard_warning(&constraints, &major));
    }
    let mut steps = vec![Step {
        question: MAJOR_QUESTION.to_string(),
        answer: if evidence.is_empty() {
            format!("{major} (no constraint: the oldest published major)")
        } else {
            major.clone()
        },
        evidence,
    }];
    if settings.vendor == Vendor::Chainguard {
        steps.extend(chainguard_step());
    }
    Ok((major, steps, warnings))
}

/// The question the Node major's step answers.
const MAJOR_QUESTION: &str = "Node major for the runtime?";

/// The major a `lang-version` setting asks for: what the constraints choose anyway (with their
/// steps), else the setting itself, which must be a published major.
fn requested_major(
    facts: &NodeFacts,
    package: &Package,
    settings: &Settings,
    wanted: &str,
    published: &[&str],
) -> Result<(String, Vec<Step>, Vec<String>), DetectError> {
    if let Ok(found) = runtime_major(facts, package, &settings.detecting_version())
        && found.0 == wanted
    {
        return Ok(found);
    }
    if !published.contains(&wanted) {
        return Err(DetectError::setting(
            "lang-version",
            wanted,
            format!("a published Node runtime major: {}", published.join(", ")),
        ));
    }
    let step = Step::setting(MAJOR_QUESTION.to_string(), "lang-version", wanted);
    Ok((wanted.to_string(), vec![step], Vec::new()))
}

/// The Node version constraints that apply to `package`: its engines and Volta pin, the
/// root's, and the version files; a warning for each that cannot be read.
fn constraints(
    facts: &NodeFacts,
    package: &Package,
    warnings: &mut Vec<String>,
) -> Vec<(Range, Evidence)> {
    let mut constraints: Vec<(Range, Evidence)> = Vec::new();
    let mut sources: Vec<&(String, Evidence)> = Vec::new();
    sources.extend(package.engines.iter());
    if package.dir != facts.root.dir {
        sources.extend(facts.root.engines.iter());
    }
    sources.extend(package.volta.iter());
    sources.extend(
        facts
            .root
            .volta
            .iter()
            .filter(|_| package.dir != facts.root.dir),
    );
    sources.extend(facts.version_files.iter());
    for (spec, evidence) in sources {
        match Range::parse(spec) {
            Ok(range) => constraints.push((range, evidence.clone())),
            Err(_) => warnings.push(format!(
                "{}:{}: the Node version {spec:?} could not be read, so it was not applied",
                evidence.file,
                evidence.line.unwrap_or(1)
            )),
        }
    }
    constraints
}

/// Whether every constraint admits some release of `major`.
fn admits(constraints: &[(Range, Evidence)], major: &str) -> bool {
    let whole = Range::parse(format!("{major}.x")).expect("a major is a valid range");
    constraints
        .iter()
        .all(|(range, _)| range.allows_any(&whole))
}

/// The major when no published one satisfies the constraints: the lowest when they ask for an
/// older Node, else the highest.
fn unpublished_major(
    constraints: &[(Range, Evidence)],
    published: &[&'static str],
) -> &'static str {
    let lowest = published.first().copied().unwrap_or("22");
    let highest = published.last().copied().unwrap_or("26");
    let asks_older = constraints.iter().any(|(range, _)| {
        range
            .min_version()
            .is_some_and(|v| v.major() < lowest.parse::<u64>().unwrap_or(0))
    });
    if asks_older { lowest } else { highest }
}

/// A warning when the constraints exclude the Node of Chainguard's free node:latest, or the
/// next major it moves to.
fn chainguard_warning(constraints: &[(Range, Evidence)], major: &str) -> Option<String> {
    let latest = catalog::language_runtimes(Stack::Node, Vendor::Chainguard)
        .first()
        .and_then(|row| row.language.map(|l| l.version))
        .unwrap_or("26");
    let next = catalog::next_release(latest);
    if !admits(constraints, latest) {
        Some(format!(
            "Chainguard's free node:latest is Node {latest}, which the project's Node constraint excludes; pinned majors are a paid Chainguard tier, or use --vendor distroless (Node {major})"
        ))
    } else if !constraints.is_empty() && !admits(constraints, &next) {
        Some(format!(
            "the project's Node constraint excludes Node {next}, which Chainguard's free node:latest (Node {latest} in the catalogue) moves to with the next Node major; pin the image digests (`digests = \"FILE\"` in shiplight.toml) or widen the bound before then"
        ))
    } else {
        None
    }
}

/// The step saying which Node Chainguard's free node:latest carries, as the catalogue assumes.
fn chainguard_step() -> Option<Step> {
    let latest = catalog::language_runtimes(Stack::Node, Vendor::Chainguard)
        .first()
        .and_then(|row| row.language)?;
    Some(Step {
        question: "Which Node does Chainguard's free node:latest carry?".to_string(),
        answer: format!(
            "Node {}, as the catalogue assumes; the tag floats to each new major, and nothing generated depends on the number",
            latest.version
        ),
        evidence: vec![Evidence::file(
            "catalog",
            "the free tier publishes only latest and latest-dev",
        )],
    })
}

/// The Node part of the plan for the chosen package.
pub fn plan(
    facts: &NodeFacts,
    package: &Package,
    settings: &Settings,
    major: &str,
) -> Result<StackOutput, DetectError> {
    let manifest = &package.manifest;
    let user = settings
        .commands
        .start
        .as_ref()
        .map(|start| super::user_start::entry(package, start, &settings.commands.found))
        .transpose()?;
    let entry = match &user {
        Some(entry) => entry,
        None => package.entry.as_ref().ok_or_else(|| DetectError::Broken {
            file: manifest.clone(),
            line: None,
            cause: "has no entry point".to_string(),
        })?,
    };
    let package_dir = safe::relative_path(manifest, "workspace directory", &package.dir)?;
    let workspace_package = workspace_package(facts, package)?;
    let mut planner = Planner::new(facts, package, entry);
    let port = port(package, entry, settings);
    let launch = planner.launch(&package_dir, workspace_package.is_some())?;
    let locked = facts.lock.is_some();
    if !locked {
        planner.warnings.push("no lock file: the build resolves dependencies afresh and cannot install them exactly; commit the lock file for reproducible images".to_string());
    }
    let tool = tool(facts, settings)?;
    let files = manifest_files(facts)?;
    let native = !facts.native.is_empty() || package.gypfile.is_some();
    if native && settings.vendor == Vendor::Chainguard {
        planner.warnings.push("a native addon is built during the install: Chainguard's node:latest-dev carries make and a C++ compiler (build-base) but no Python, which node-gyp needs to compile from source, so the install works only where the package fetches a prebuilt binary; otherwise use --vendor distroless".to_string());
    }
    planner.install_steps(tool.as_ref(), locked);
    planner.start_step(&launch, port);
    if native {
        planner.steps.push(native_step(facts, package));
    }
    let detected = detected(facts, package, entry);
    let Launch {
        mut command,
        bin,
        site,
    } = launch;
    let pnp = facts.pnp.is_some() && facts.manager == Manager::YarnBerry && site.is_none();
    let yarn = yarn(facts)?;
    if pnp {
        planner.plug_n_play(&mut command);
    }
    let health = planner.health_and_stop(settings, major, port, site.is_some(), &mut command);
    let binary = package.name.clone().unwrap_or_else(|| "app".to_string());
    let binary = binary.rsplit('/').next().unwrap_or("app").to_string();
    Ok(StackOutput {
        platforms: platforms(facts, package, site.is_some()),
        about: package.about.clone(),
        health,
        stop_signal: site.as_ref().map(|_| "SIGQUIT"),
        copy_libraries: false,
        builder_variant: "",
        binary: safe::image_name(&binary),
        port,
        builder_version: major.to_string(),
        builder_full: native,
        detected,
        warnings: planner.warnings,
        steps: planner.steps,
        build: StackPlan::Node(NodePlan {
            manager: facts.manager,
            locked,
            workdir: workdir(&package_dir),
            package_dir,
            workspace_package,
            bun_image: bun_image(tool.as_ref(), settings.vendor),
            tool,
            manifests: manifests(&files),
            build: package.build_script().is_some(),
            standalone: entry.start == Start::NextStandalone,
            public_dir: package.public_dir,
            command,
            env: server_env(entry)?,
            build_env: checked_env(entry, &entry.build_env)?,
            bin,
            nginx_file: site.as_ref().map(|_| NGINX_FILE.to_string()),
            native: native && site.is_none(),
            own_addon: package.gypfile.is_some() && site.is_none(),
            pnp,
            yarn,
            site,
        }),
    })
}

/// The workspace package's name, by which a member is installed and built; none at the root.
fn workspace_package(facts: &NodeFacts, package: &Package) -> Result<Option<String>, DetectError> {
    let manifest = &package.manifest;
    match (&facts.workspace, package.dir.is_empty()) {
        (Some(_), false) => {
            let name = package.name.as_deref().ok_or_else(|| DetectError::Broken {
                file: manifest.clone(),
                line: None,
                cause: "has no \"name\"; a workspace package is installed and built by name"
                    .to_string(),
            })?;
            Ok(Some(safe::package_name(manifest, "name", name)?))
        }
        _ => Ok(None),
    }
}

/// The port: the web server's for a static site; else the setting's, the source's, the
/// server-rendered framework's, or the framework default.
fn port(package: &Package, entry: &Entry, settings: &Settings) -> Option<u16> {
    if matches!(entry.start, Start::Static(_)) {
        return Some(settings.port.unwrap_or(catalog::WEB_PORT));
    }
    settings.port.or(package.port.as_ref().map(|(p, _)| *p)).or(
        match (&entry.start, entry.framework, &entry.server) {
            (_, _, Some(server)) => Some(server.port),
            (Start::NextStandalone | Start::NextStart | Start::Bin { .. }, _, _)
            | (_, Some("NestJS"), _) => Some(FRAMEWORK_PORT),
            _ => None,
        },
    )
}

/// The variables a server-rendered framework's server reads to listen on every interface, and
/// those the start script's wrappers set (NODE_ENV aside: the image sets it).
fn server_env(entry: &Entry) -> Result<Vec<(String, String)>, DetectError> {
    let mut env: Vec<(String, String)> = entry
        .server
        .iter()
        .map(|server| (server.host_variable.to_string(), "0.0.0.0".to_string()))
        .collect();
    let wrapped: Vec<(String, String)> = entry
        .env
        .iter()
        .filter(|(name, _)| name != "NODE_ENV" && !env.iter().any(|(n, _)| n == name))
        .cloned()
        .collect();
    env.extend(checked_env(entry, &wrapped)?);
    Ok(env)
}

/// Variables read from the repository, each name and value checked as a command word.
fn checked_env(
    entry: &Entry,
    env: &[(String, String)],
) -> Result<Vec<(String, String)>, DetectError> {
    let at = |e: DetectError| e.at_line(entry.evidence.line);
    env.iter()
        .map(|(name, value)| {
            let name = safe::name(&entry.evidence.file, "variable", name).map_err(at)?;
            let value = safe::argument(&entry.evidence.file, "variable value", value).map_err(at)?;
            Ok((name, value))
        })
        .collect()
}

/// The runtime stage's working directory: the package's directory under the app directory.
fn workdir(package_dir: &str) -> String {
    if package_dir.is_empty() {
        crate::stacks::output::APP_DIR.to_string()
    } else {
        format!("{}/{package_dir}", crate::stacks::output::APP_DIR)
    }
}

/// node's options, the entry script and its arguments, each checked as a command word.
fn script_command(
    entry: &Entry,
    path: &str,
    options: &[String],
    args: &[String],
) -> Result<Vec<String>, DetectError> {
    let mut command = Vec::new();
    for option in options {
        command.push(
            safe::argument(&entry.evidence.file, "node option", option)
                .map_err(|e| e.at_line(entry.evidence.line))?,
        );
    }
    command.push(
        safe::relative_path(&entry.evidence.file, "entry script", path)
            .map_err(|e| e.at_line(entry.evidence.line))?,
    );
    for arg in args {
        command.push(
            safe::argument(&entry.evidence.file, "script argument", arg)
                .map_err(|e| e.at_line(entry.evidence.line))?,
        );
    }
    Ok(command)
}

/// A dependency's binary, linked at a fixed path, with its arguments.
fn bin_command(
    entry: &Entry,
    owner: &str,
    name: &str,
    args: &[String],
) -> Result<(Vec<String>, BinLink), DetectError> {
    let at = |e: DetectError| e.at_line(entry.evidence.line);
    let owner = safe::package_name(&entry.evidence.file, "package", owner).map_err(at)?;
    let name = safe::name(&entry.evidence.file, "binary", name).map_err(at)?;
    let link = format!("{BIN_DIR}/{name}");
    let mut command = vec![link.clone()];
    for arg in args {
        command.push(safe::argument(&entry.evidence.file, "script argument", arg).map_err(at)?);
    }
    let bin = BinLink {
        package: owner,
        bin: name,
        link,
    };
    Ok((command, bin))
}

/// Where a static site's build output is, relative to the builder's working directory, and
/// its fallback page; an output directory that is the whole package is refused.
fn site_plan(found: &Site, package_dir: &str) -> Result<SitePlan, DetectError> {
    let at = |e: DetectError| e.at_line(found.evidence.line);
    let dir =
        safe::relative_path(&found.evidence.file, "output directory", &found.dir).map_err(at)?;
    if crate::repo::normalize(&dir).is_ok_and(|dir| dir.is_empty()) {
        return Err(super::frontend::whole_package(
            &found.evidence.file,
            found.evidence.line,
            "output directory",
            &found.dir,
        ));
    }
    let fallback = match &found.fallback {
        Some(page) => {
            Some(safe::relative_path(&found.evidence.file, "fallback page", page).map_err(at)?)
        }
        None => None,
    };
    Ok(SitePlan {
        framework: found.framework,
        dir: crate::repo::join(package_dir, &dir),
        fallback,
        hashed: found.hashed,
        root: catalog::WEB_ROOT,
    })
}

/// The package-manager tool the builder installs: pnpm at the declared version, corepack for
/// Yarn without a release in the repository, bun (from its official image) for Bun on either
/// vendor; none for npm or otherwise on Chainguard.
fn tool(facts: &NodeFacts, settings: &Settings) -> Result<Option<Tool>, DetectError> {
    Ok(match (settings.vendor, facts.manager) {
        (_, Manager::Bun) => {
            let version = match &facts.manager_version {
                Some((version, evidence)) => {
                    safe::version(&evidence.file, "packageManager version", version)?
                }
                None => catalog::BUN_DEFAULT.to_string(),
            };
            Some(Tool {
                name: "bun",
                version,
            })
        }
        (Vendor::Chainguard, _) | (_, Manager::Npm) => None,
        (_, Manager::Pnpm) => {
            let version = match &facts.manager_version {
                Some((version, evidence)) => {
                    safe::version(&evidence.file, "packageManager version", version)?
                }
                None => catalog::PNPM_DEFAULT.to_string(),
            };
            Some(Tool {
                name: "pnpm",
                version,
            })
        }
        (_, Manager::YarnBerry) if facts.yarn_path.is_some() => None,
        (_, Manager::YarnClassic | Manager::YarnBerry) => Some(Tool {
            name: "corepack",
            version: catalog::COREPACK_VERSION.to_string(),
        }),
    })
}

/// The official Bun image at the version the builder installs with, from the catalogue.
fn bun_image(tool: Option<&Tool>, vendor: Vendor) -> Option<String> {
    let tool = tool.filter(|tool| tool.name == "bun")?;
    catalog::builder_variant(crate::stack::Stack::Node, vendor, "bun")
        .map(|row| row.reference(&tool.version))
}

/// The `COPY` steps of the manifests: the root's package.json lands in the root even when the
/// deployment copies it from another directory.
fn manifests(files: &[String]) -> Vec<ManifestCopy> {
    let mut copies = manifest_copies(&files[1..]);
    match copies.iter_mut().find(|copy| copy.dest == "./") {
        Some(root) => root.sources.insert(0, files[0].clone()),
        None => copies.insert(
            0,
            ManifestCopy {
                sources: vec![files[0].clone()],
                dest: "./".to_string(),
            },
        ),
    }
    copies
}

/// The files copied before the install: the root's package.json first, the lock, the
/// manager's own files, every member's package.json and the Prisma schemas.
fn manifest_files(facts: &NodeFacts) -> Result<Vec<String>, DetectError> {
    let mut files = vec![facts.root.manifest.clone()];
    files.extend(facts.lock.iter().cloned());
    files.extend(facts.install_files.iter().cloned());
    files.extend(facts.members.iter().map(|m| m.manifest.clone()));
    files.extend(
        std::iter::once(&facts.root)
            .chain(&facts.members)
            .filter_map(|p| p.prisma_schema.as_ref())
            .map(|schema| schema.file.clone()),
    );
    for file in &files {
        safe::relative_path(file, "manifest path", file)?;
    }
    Ok(files)
}

/// The step saying the builder compiles native addons and copies the libraries they link.
fn native_step(facts: &NodeFacts, package: &Package) -> Step {
    Step {
        question: "Does the builder need compilers?".to_string(),
        answer: "yes: node-gyp builds the addon; the shared libraries the built addons (*.node) link that the runtime lacks are copied from the builder, with what they link".to_string(),
        evidence: facts
            .native
            .iter()
            .chain(package.gypfile.iter())
            .cloned()
            .collect(),
    }
}

/// The summary's lines: the package, its manager and lock, the start, the port.
fn detected(facts: &NodeFacts, package: &Package, entry: &Entry) -> Vec<String> {
    let mut detected = vec![format!(
        "Node.js package{} ({})",
        package
            .name
            .as_deref()
            .map(|n| format!(" {n}"))
            .unwrap_or_default(),
        package.manifest
    )];
    detected.push(format!(
        "dependencies: {} ({})",
        facts.manager.name(),
        facts.lock.as_deref().unwrap_or("no lock file")
    ));
    detected.push(format!(
        "start: {}{} ({})",
        entry
            .framework
            .map(|f| format!("{f}, "))
            .unwrap_or_default(),
        super::describe_start(&entry.start),
        crate::facts::location(&entry.evidence.file, entry.evidence.line)
    ));
    if let Some((port, evidence)) = &package.port {
        detected.push(format!(
            "port {port} ({}:{})",
            evidence.file,
            evidence.line.unwrap_or(1)
        ));
    }
    detected
}

/// How Yarn is run: the release the repository carries, else `yarn` from corepack.
fn yarn(facts: &NodeFacts) -> Result<String, DetectError> {
    Ok(match &facts.yarn_path {
        Some((path, evidence)) if facts.manager == Manager::YarnBerry => format!(
            "node {}",
            safe::relative_path(&evidence.file, "yarnPath", path)
                .map_err(|e| e.at_line(evidence.line))?
        ),
        _ => "yarn".to_string(),
    })
}

/// What starts the package: node's arguments, with the dependency's binary they name or the
/// static site served instead.
struct Launch {
    command: Vec<String>,
    bin: Option<BinLink>,
    site: Option<SitePlan>,
}

/// The package being planned, with the steps and warnings the plan has gathered so far.
struct Planner<'a> {
    facts: &'a NodeFacts,
    package: &'a Package,
    entry: &'a Entry,
    steps: Vec<Step>,
    warnings: Vec<String>,
}

impl<'a> Planner<'a> {
    /// A plan for `package` started by `entry`, with no steps or warnings yet.
    fn new(facts: &'a NodeFacts, package: &'a Package, entry: &'a Entry) -> Self {
        Planner {
            facts,
            package,
            entry,
            steps: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// How the package starts: node's arguments, the binary they link, or the static site.
    fn launch(&mut self, package_dir: &str, workspace: bool) -> Result<Launch, DetectError> {
        let entry = self.entry;
        let mut launch = Launch {
            command: Vec::new(),
            bin: None,
            site: None,
        };
        match &entry.start {
            Start::NextStandalone => launch.command = vec!["server.js".to_string()],
            Start::NextStart => launch.command = self.next_start(package_dir, workspace),
            Start::Script {
                path,
                options,
                args,
            } => {
                launch.command = script_command(entry, path, options, args)?;
                self.skipped_steps();
            }
            Start::Bin {
                package: owner,
                bin: name,
                args,
            } => {
                let (command, bin) = bin_command(entry, owner, name, args)?;
                launch.command = command;
                launch.bin = Some(bin);
            }
            Start::Static(found) => launch.site = Some(site_plan(found, package_dir)?),
        }
        Ok(launch)
    }

    /// The warning that the image runs only the last command of the start script's chain.
    fn skipped_steps(&mut self) {
        if self.entry.before.is_empty() {
            return;
        }
        self.warnings.push(format!(
            "the start script ({}:{}) runs {} before the server; the image runs only the server, so run those steps (migrations, set-up) as a release step or an init container",
            self.entry.evidence.file,
            self.entry.evidence.line.unwrap_or(1),
            self.entry
                .before
                .iter()
                .map(|step| format!("`{}`", crate::safe::comment(step)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    /// `next start` from node_modules (hoisted to the root in an npm or Yarn workspace), with
    /// the warning that standalone output makes a smaller image.
    fn next_start(&mut self, package_dir: &str, workspace: bool) -> Vec<String> {
        self.warnings.push(
            "Next.js without `output: \"standalone\"`: the image carries every production dependency; set output: \"standalone\" in next.config for an image a fraction of the size"
        .to_string(),
        );
        let hoisted = workspace && self.facts.manager != Manager::Pnpm;
        let prefix = if hoisted {
            "../".repeat(package_dir.split('/').count())
        } else {
            String::new()
        };
        vec![
            format!("{prefix}node_modules/next/dist/bin/next"),
            "start".to_string(),
        ]
    }

    /// The steps of the install: the manager and lock, code generated from the Prisma schema,
    /// and the build script.
    fn install_steps(&mut self, tool: Option<&Tool>, locked: bool) {
        let facts = self.facts;
        if let Some(evidence) = &facts.manifest_from {
            self.steps.push(Step {
                question: "Where does package.json come from?".to_string(),
                answer: format!(
                    "{}: the deployment's build copies it to the project root, which holds none",
                    facts.root.manifest
                ),
                evidence: vec![evidence.clone()],
            });
        }
        self.steps.push(Step {
            question: "How are the dependencies installed?".to_string(),
            answer: format!(
                "{}{}{}",
                facts.manager.name(),
                tool.filter(|t| t.name == "pnpm")
                    .map(|t| format!(" {}", t.version))
                    .unwrap_or_default(),
                if locked {
                    ", from the lock file"
                } else {
                    ", without a lock file"
                }
            ),
            evidence: std::iter::once(facts.manager_evidence.clone())
                .chain(
                    facts
                        .manager_version
                        .iter()
                        .map(|(_, evidence)| evidence.clone())
                        .filter(|evidence| *evidence != facts.manager_evidence),
                )
                .collect(),
        });
        let schemas: Vec<Evidence> = std::iter::once(&facts.root)
            .chain(&facts.members)
            .filter_map(|p| p.prisma_schema.clone())
            .collect();
        if !schemas.is_empty() {
            self.steps.push(Step {
                question: "Does the install generate code from other files?".to_string(),
                answer: "yes: the Prisma client, so its schema is copied with the manifests"
                    .to_string(),
                evidence: schemas,
            });
        }
        if let Some((script, evidence)) = self.package.build_script() {
            self.steps.push(Step {
                question: "Is there a build step?".to_string(),
                answer: if matches!(self.entry.start, Start::Static(_)) {
                    format!("yes: {script}; only its output reaches the image")
                } else {
                    format!("yes: {script}, then prune to production dependencies")
                },
                evidence: vec![evidence.clone()],
            });
        }
    }

    /// The step saying how the package starts: the static site and how nginx serves it, the
    /// linked binary, or node's command with the server's address variables.
    fn start_step(&mut self, launch: &Launch, port: Option<u16>) {
        let entry = self.entry;
        let step = match (&launch.site, &launch.bin, &entry.server) {
            (Some(site), _, _) => site_step(entry, site, port),
            (None, Some(bin), _) => Step {
                question: "How does the application start?".to_string(),
                answer: format!(
                    "node {} ({} of {}, linked in the build stage from the package's own bin entry)",
                    launch.command.join(" "),
                    bin.bin,
                    bin.package
                ),
                evidence: vec![entry.evidence.clone()],
            },
            (None, None, server) => Step {
                question: "How does the application start?".to_string(),
                answer: format!(
                    "node {}{}",
                    launch.command.join(" "),
                    server
                        .as_ref()
                        .map(|s| format!(
                            " ({} server: {}=0.0.0.0 so it listens on every interface, {}={})",
                            s.framework,
                            s.host_variable,
                            s.port_variable,
                            port.unwrap_or(s.port)
                        ))
                        .unwrap_or_default()
                ),
                evidence: std::iter::once(entry.evidence.clone())
                    .chain(
                        server
                            .iter()
                            .map(|s| s.evidence.clone())
                            .filter(|e| *e != entry.evidence),
                    )
                    .chain(entry.layout.clone())
                    .collect(),
            },
        };
        self.steps.push(step);
    }

    /// Yarn Plug'n'Play: node starts with the PnP runtime (and its ESM loader for ES modules);
    /// the step says where the dependencies are.
    fn plug_n_play(&mut self, command: &mut Vec<String>) {
        let mut options = vec!["--require".to_string(), PNP_RUNTIME.to_string()];
        let esm = self.package.esm || command.iter().any(|word| word.ends_with(".mjs"));
        if esm {
            options.push("--experimental-loader".to_string());
            options.push(PNP_LOADER.to_string());
        }
        command.splice(0..0, options);
        let pnp_evidence = self.facts.pnp.clone().expect("pnp is set");
        self.steps.push(Step {
            question: "Where are the dependencies?".to_string(),
            answer: format!(
                "Yarn Plug'n'Play: .pnp.cjs, .yarn/cache and .yarn/unplugged go into the image, pruned to production with `yarn workspaces focus --production`; node starts with --require {PNP_RUNTIME}{}",
                if esm {
                    format!(" and the ESM loader {PNP_LOADER}")
                } else {
                    String::new()
                }
            ),
            evidence: vec![pnp_evidence],
        });
    }

    /// The health check and the stop signal: for node, a check through its fetch and a
    /// preloaded module that ends on SIGTERM; for a static site, nginx's graceful SIGQUIT.
    fn health_and_stop(
        &mut self,
        settings: &Settings,
        major: &str,
        port: Option<u16>,
        static_site: bool,
        command: &mut Vec<String>,
    ) -> Option<health::Health> {
        if static_site {
            self.steps.push(crate::stacks::output::stop_step(
                "SIGQUIT: nginx finishes the requests it is serving and exits".to_string(),
                vec![Evidence::file(
                    "catalog",
                    "nginx treats SIGQUIT as a graceful stop, SIGTERM as a fast one",
                )],
            ));
            return None;
        }
        let node = catalog::runtime(
            Stack::Node,
            settings.vendor,
            catalog::Family::Language,
            Some(major),
        )
        .and_then(|row| row.language)
        .map_or("node", |language| language.interpreter);
        let (check, health_step) = health::choose(
            settings.health_path.as_deref(),
            self.package.health.as_ref(),
            port,
            health::Asker::program(
                |ask| {
                    vec![
                        node.to_string(),
                        "-e".to_string(),
                        format!(
                            "fetch(\"{}\").then(function(r){{process.exit(Math.floor(r.status/500))}},function(){{process.exit(1)}})",
                            ask.url
                        ),
                    ]
                },
                None,
            ),
            "the image's node and its fetch",
        );
        self.steps.push(health_step);
        command.insert(0, STOP_ON_SIGTERM.to_string());
        self.steps.push(crate::stacks::output::stop_step(
            PRELOADED_STOP.to_string(),
            vec![Evidence::file(
                "catalog",
                "node installs no SIGTERM handler of its own",
            )],
        ));
        check
    }
}

/// The step saying what a static site's build writes and how nginx serves it.
fn site_step(entry: &Entry, site: &SitePlan, port: Option<u16>) -> Step {
    let mut evidence = vec![entry.evidence.clone()];
    if let Start::Static(found) = &entry.start {
        evidence.extend(found.spa_evidence.iter().cloned());
    }
    Step {
        question: "What does the build write, and how is it served?".to_string(),
        answer: format!(
            "{} files in {}, served by nginx on {}{}",
            site.framework,
            site.dir,
            port.unwrap_or(catalog::WEB_PORT),
            match &site.fallback {
                Some(page) =>
                    format!("; paths that are not files get {page} (client-side routing)"),
                None => "; a missing path is a 404".to_string(),
            }
        ),
        evidence,
    }
}

/// The nginx configuration of a static site, with its template id.
pub fn extra_files(plan: &NodePlan) -> Vec<(&'static str, &'static str)> {
    match plan.nginx_file {
        Some(_) => vec![(NGINX_FILE, "node/nginx.conf.j2")],
        None => Vec::new(),
    }
}

/// The nginx configuration named from the build context, the Dockerfile being in `dir`.
pub fn relocate(plan: &mut NodePlan, dir: &str) {
    if let Some(file) = &mut plan.nginx_file {
        *file = crate::repo::join(dir, NGINX_FILE);
    }
}

/// The platforms of a release build. A static site's output and a production node_modules that
/// package-lock.json shows free of install scripts and per-CPU builds are the same on every
/// platform, so the build runs on $BUILDPLATFORM; otherwise the install runs on the target.
fn platforms(facts: &NodeFacts, package: &Package, site: bool) -> crate::stacks::output::Platforms {
    use super::platform::PlatformCode;
    use crate::stacks::output::{INSTALL_ON_TARGET as NATIVE, Platforms, first_of};
    if site {
        return Platforms::multi(
            "linux/amd64 and linux/arm64: a static site's build runs on $BUILDPLATFORM, its output is the same for every platform, and nginx is published for both",
        );
    }
    if let Some(found) = facts.native.first().or(package.gypfile.as_ref()) {
        return Platforms::native(format!(
            "the build machine's: {}, {}, is built for the platform it installs on, {NATIVE}",
            found.detail,
            found.place()
        ));
    }
    if let Some(found) = &package.prisma_schema {
        return Platforms::native(format!(
            "the build machine's: Prisma ({}) generates its query engine for the platform it runs on, {NATIVE}",
            found.place()
        ));
    }
    for root in [&facts.root, package] {
        for script in ["preinstall", "install", "postinstall"] {
            if let Some((_, found)) = root.scripts.get(script) {
                return Platforms::native(format!(
                    "the build machine's: the `{script}` script ({}) runs during the install and may fetch or build for that platform, {NATIVE}",
                    found.place()
                ));
            }
        }
    }
    match &facts.platform_code {
        PlatformCode::Packages(found) if found.is_empty() => Platforms::multi(format!(
            "linux/amd64 and linux/arm64: {} shows no production package with an install script or a per-CPU build, so node_modules is the same on every platform and the build stage runs on $BUILDPLATFORM",
            super::platform::LOCK
        )),
        PlatformCode::Packages(found) => Platforms::native(format!(
            "the build machine's: {}, and npm installs the platform's own build, {NATIVE}",
            first_of(found)
        )),
        PlatformCode::Unknown(why) => Platforms::native(format!(
            "the build machine's: which packages run install scripts or have per-CPU builds is known from a package-lock.json only, and {why}, {NATIVE}"
        )),
    }
}
