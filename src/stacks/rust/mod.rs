//! Rust: detection of packages and workspaces, their binaries, the toolchain and rust-version,
//! and the native needs of the dependency graph. Works without a Rust toolchain (plain TOML
//! reading); `cargo metadata` is asked only when that reading meets something it does not model
//! (see [`metadata::wanted`]).

pub mod cfg;
pub mod deployed;
pub mod guard;
pub mod lock;
pub mod makefile;
pub mod manifest;
pub mod metadata;
pub mod plan;
pub mod tree;
pub mod kind;
pub use kind::Kind;

use foldhash::{HashMap, HashMapExt};
use crate::evidence::Evidence;
use crate::facts::{self, DetectError, Fact, Signals};
use crate::repo::{self, Pending, Repo};
use crate::repo::{LOCK_CAP, MANIFEST_CAP, SOURCE_CAP};
use crate::stacks::Detection;
use lock::Crates;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Everything detected about a Rust project.
#[derive(Debug, Clone, Serialize)]
pub struct RustFacts {
    pub manifest: Evidence,
    pub workspace: Option<Evidence>,
    pub bins: Vec<RustBin>,
    /// `default-run` of each package that sets it: (package, binary, where).
    pub default_runs: Vec<(String, String, Evidence)>,
    /// Directories of the workspace's default members, when set.
    pub default_members: Option<Vec<String>>,
    /// The lowest rust-version among the packages (a minimum, not a pin).
    pub rust_version: Option<(String, Evidence)>,
    /// The toolchain channel pinned by rust-toolchain(.toml).
    pub toolchain: Option<(String, Evidence)>,
    pub lock: Option<Evidence>,
    pub system_openssl: Vec<Evidence>,
    pub vendored_openssl: Vec<Evidence>,
    pub cxx: Vec<Evidence>,
    pub system_libs: Vec<Evidence>,
    /// Dependencies that replace the C allocator (jemalloc).
    pub allocator: Vec<Evidence>,
    /// Dependencies through which the program handles signals (lock::SIGNAL_CRATES).
    pub signal_handling: Vec<Evidence>,
    /// Which reading found the packages: `cargo metadata` or `Cargo.toml`.
    pub read_with: &'static str,
    #[serde(skip)]
    pub graph: Graph,
    #[serde(skip)]
    pub packages: Vec<manifest::Package>,
    #[serde(skip)]
    pub sqlite_bundled: bool,
    /// Where `vendored` is asked for only for another target (see
    /// [`manifest::Project::vendored_elsewhere`]).
    #[serde(skip)]
    pub vendored_elsewhere: Option<String>,
    /// The features off by default that ask for `vendored` (see
    /// [`manifest::Project::vendoring_features`]).
    #[serde(skip)]
    pub vendoring_features: Vec<(String, String)>,
    /// Whether a manifest asks jemalloc to take the C allocator's names ([`UNPREFIXED`]).
    #[serde(skip)]
    pub jemalloc_unprefixed: bool,
    /// Features asked for beyond each package's defaults (the `features` setting).
    pub features: Vec<String>,
    /// Optional dependencies no enabled feature turns on (not linked, so no evidence).
    pub optional_off: Vec<String>,
    /// Native needs reached only through features the build leaves off: the tree signal of
    /// the need (see [`tree::left_off`]) with the feature that alone would bring it.
    #[serde(skip)]
    pub left_off: Vec<(&'static str, Evidence)>,
    /// Direct dependencies of every package, with the features their declarations ask for.
    #[serde(skip)]
    pub asked: BTreeMap<String, Vec<String>>,
    /// Where each package's manifest forwards a dependency feature: (package, item) -> line.
    #[serde(skip)]
    pub forward_lines: BTreeMap<(String, String), Evidence>,
    /// Build stops unless a feature is on (`compile_error!` under `cfg(not(feature))`).
    pub guards: Vec<guard::Guard>,
    /// What the project's own deployment builds and runs.
    #[serde(skip)]
    pub deployed: deployed::DeployedRust,
    /// Workspace members that are git submodules not checked out (.gitmodules).
    #[serde(skip)]
    pub unfetched: Vec<Evidence>,
    /// A dependency on Rocket, which listens on 127.0.0.1 unless told otherwise.
    #[serde(skip)]
    pub rocket: Option<Evidence>,
}

/// A binary target of the project.
#[derive(Debug, Clone, Serialize)]
pub struct RustBin {
    pub name: String,
    pub package: String,
    /// What `cargo build --package` is given: nothing for a project of one package (so no
    /// dependency of the same name can make it ambiguous), else the name, or `name@version`
    /// when Cargo.lock also holds another package of that name.
    pub package_spec: Option<String>,
    /// Package directory relative to the root.
    pub package_dir: String,
    pub src: String,
    pub port: Option<(u16, Evidence)>,
    /// A health route the binary's main source file names.
    pub health: Option<(String, Evidence)>,
    /// The package's version and licence, for the image's labels.
    pub about: crate::manifest::About,
}

impl RustFacts {
    /// The facts for display, each with its evidence.
    pub fn listing(&self) -> Vec<Fact> {
        let mut facts = vec![Fact::new("manifest", "Cargo.toml", self.manifest.clone())];
        if let Some(workspace) = &self.workspace {
            facts.push(Fact::new("workspace", "yes", workspace.clone()));
        }
        for bin in &self.bins {
            facts.push(Fact::new(
                "binary",
                format!("{} (package {})", bin.name, bin.package),
                Evidence::file(bin.src.clone(), format!("read with {}", self.read_with)),
            ));
            if let Some((port, evidence)) = &bin.port {
                facts.push(Fact::new(
                    &format!("port ({})", bin.name),
                    port.to_string(),
                    evidence.clone(),
                ));
            }
        }
        if let Some((version, evidence)) = &self.toolchain {
            facts.push(Fact::new("toolchain", version, evidence.clone()));
        }
        if let Some((version, evidence)) = &self.rust_version {
            facts.push(Fact::new("rust-version", version, evidence.clone()));
        }
        match &self.lock {
            Some(lock) => facts.push(Fact::new("lock file", "yes", lock.clone())),
            None => facts.push(Fact::new(
                "lock file",
                "no: native needs judged from direct dependencies",
                Evidence::file("Cargo.lock", "missing"),
            )),
        }
        for guard in &self.guards {
            facts.push(Fact::new(
                &format!("needs a feature ({})", guard.package),
                guard.features.join(" | "),
                guard.evidence.clone(),
            ));
        }
        for (name, evidence) in [
            ("system OpenSSL", &self.system_openssl),
            ("vendored OpenSSL", &self.vendored_openssl),
            ("C++", &self.cxx),
            ("system libraries", &self.system_libs),
            ("allocator", &self.allocator),
        ] {
            if !evidence.is_empty() {
                facts.push(Fact {
                    name: name.to_string(),
                    value: "yes".to_string(),
                    evidence: evidence.clone(),
                });
            }
        }
        facts
    }

    /// These facts with the native needs judged for `features` (beyond each package's
    /// defaults): an optional dependency no enabled feature turns on is not linked, so what it
    /// would pull in (a `-sys` crate in Cargo.lock) is no evidence.
    pub fn with_features(mut self, features: &[String]) -> RustFacts {
        let asked = manifest::requested_per_package(&self.packages, features);
        let disabled: BTreeMap<String, BTreeSet<String>> = self
            .packages
            .iter()
            .map(|p| (p.name.clone(), manifest::disabled_optional(p, &asked[&p.name])))
            .collect();
        let mut left_off = Vec::new();
        let native = match &self.graph {
            Graph::Lock(graph) => {
                let roots: Vec<String> = self.packages.iter().map(|p| p.name.clone()).collect();
                let walk = lock::Walk::new(graph, &roots, &disabled);
                let whole = walk.reach(&[]);
                let all = lock::classify("Cargo.lock", &whole, self.sqlite_bundled);
                let mut routes = self.features_left_off(graph, &asked);
                for (_, crates) in &mut routes {
                    crates.retain(|name| whole.line(name).is_some());
                }
                routes.retain(|(_, crates)| !crates.is_empty());
                if routes.is_empty() {
                    all
                } else {
                    let judged = |cut: &BTreeSet<String>| {
                        lock::classify("Cargo.lock", &walk.reach(cut), self.sqlite_bundled)
                    };
                    let cut: BTreeSet<String> =
                        routes.iter().flat_map(|(_, crates)| crates.clone()).collect();
                    let (native, dropped) = only_dropped(all, judged(&cut));
                    for (signal, need) in &dropped {
                        let alone = |crates: &BTreeSet<String>| !holds(&judged(crates), signal);
                        for evidence in explained(need, &routes, alone) {
                            left_off.push((*signal, evidence));
                        }
                    }
                    native
                }
            }
            Graph::Direct(direct) => {
                let off: BTreeSet<&String> = disabled.values().flatten().collect();
                let on: BTreeMap<String, usize> = direct
                    .iter()
                    .filter(|(name, _)| !off.contains(name))
                    .map(|(name, line)| (name.clone(), *line))
                    .collect();
                lock::classify("Cargo.toml", &on, self.sqlite_bundled)
            }
        };
        let vendoring_on = self.vendoring_features.iter().any(|(package, feature)| {
            self.packages
                .iter()
                .find(|p| &p.name == package)
                .is_some_and(|p| manifest::enabled_features(p, &asked[&p.name]).contains(feature))
        });
        let elsewhere = if vendoring_on { &None } else { &self.vendored_elsewhere };
        let (system_openssl, vendored_openssl) =
            other_target_vendoring(native.system_openssl, native.vendored_openssl, elsewhere);
        self.system_openssl = system_openssl;
        self.vendored_openssl = vendored_openssl;
        self.cxx = native.cxx;
        self.system_libs = native.system_libs;
        self.allocator = if self.jemalloc_unprefixed {
            native.allocator
        } else {
            Vec::new()
        };
        self.signal_handling = native.signal_handling;
        self.features = features.to_vec();
        left_off.retain(|(signal, _)| *signal != tree::ALLOCATOR || self.jemalloc_unprefixed);
        left_off.dedup();
        self.left_off = left_off;
        self.optional_off = disabled.into_values().flatten().collect();
        self.optional_off.sort();
        self.optional_off.dedup();
        self
    }

    /// The dependency features the packages forward only from features `requested` (with
    /// the defaults) leaves off, each with the crates of `graph` named for it (see
    /// [`lock::Names::named_for`]). A feature an enabled feature also forwards, one a
    /// dependency's declaration asks for, or one named like a direct dependency or a package of
    /// the project (which may be linked anyway) is not among them; none is while a member's
    /// manifest is missing (a submodule not checked out), since it may ask for any of them.
    fn features_left_off(
        &self,
        graph: &lock::Lock,
        requested: &BTreeMap<String, Vec<String>>,
    ) -> Vec<(Evidence, BTreeSet<String>)> {
        if !self.unfetched.is_empty() {
            return Vec::new();
        }
        let mut on: BTreeSet<String> = self.asked.values().flatten().cloned().collect();
        let mut off = Vec::new();
        for package in &self.packages {
            let (forwarded_on, forwarded_off) = manifest::forwarded(package, &requested[&package.name]);
            on.extend(forwarded_on);
            off.extend(forwarded_off.into_iter().map(|(f, item)| (package.name.clone(), f, item)));
        }
        let direct = |name: &str| {
            self.asked.contains_key(name) || self.packages.iter().any(|p| p.name == name)
        };
        let mut routes: Vec<(Evidence, BTreeSet<String>)> = Vec::new();
        let mut seen = BTreeSet::new();
        let mut names = None;
        for (package, feature, item) in off {
            let Some((_, name)) = item.split_once('/') else {
                continue;
            };
            if on.contains(name) || direct(name) || !seen.insert(name.to_string()) {
                continue;
            }
            let crates = names
                .get_or_insert_with(|| lock::Names::of(graph))
                .named_for(name);
            if crates.is_empty() {
                continue;
            }
            let detail = format!("feature {feature} is off in this build and forwards {item}");
            let evidence = match self.forward_lines.get(&(package, item.clone())) {
                Some(found) => Evidence { detail, ..found.clone() },
                None => Evidence::file("Cargo.toml", detail),
            };
            routes.push((evidence, crates));
        }
        routes
    }

    /// The signals the decision tree asks about (the graph is shared by every binary).
    pub fn signals(&self) -> Signals {
        let mut signals = Signals::default();
        for (need, evidence) in &self.left_off {
            signals.add(tree::left_off(need), [evidence.clone()]);
        }
        signals.add(tree::SYSTEM_LIBS, self.system_libs.iter().cloned());
        signals.add(tree::SYSTEM_OPENSSL, self.system_openssl.iter().cloned());
        signals.add(tree::CXX, self.cxx.iter().cloned());
        signals.add(tree::ALLOCATOR, self.allocator.iter().cloned());
        signals.add(
            tree::SHIPPED_STATIC,
            self.deployed
                .on_scratch
                .iter()
                .filter(|(program, _)| self.bins.iter().any(|b| &b.name == program))
                .map(|(_, evidence)| evidence.clone())
                .take(1),
        );
        signals
    }
}

/// The native needs of `some` (the graph without the crates of features left off), taken from
/// `all` (the whole graph) so that leaving crates out only ever drops a need, with the needs
/// dropped: (tree signal, evidence found in the whole graph).
fn only_dropped(all: lock::Native, some: lock::Native) -> (lock::Native, Vec<(&'static str, Evidence)>) {
    let mut dropped = Vec::new();
    let mut keep = |signal: &'static str, whole: Vec<Evidence>, part: &[Evidence]| {
        if part.is_empty() {
            dropped.extend(whole.into_iter().map(|e| (signal, e)));
            Vec::new()
        } else {
            whole
        }
    };
    let system_openssl = keep(tree::SYSTEM_OPENSSL, all.system_openssl, &some.system_openssl);
    let vendored_openssl = if some.system_openssl.is_empty() && some.vendored_openssl.is_empty() {
        Vec::new()
    } else {
        all.vendored_openssl
    };
    let native = lock::Native {
        cxx: keep(tree::CXX, all.cxx, &some.cxx),
        system_libs: keep(tree::SYSTEM_LIBS, all.system_libs, &some.system_libs),
        allocator: keep(tree::ALLOCATOR, all.allocator, &some.allocator),
        signal_handling: some.signal_handling,
        system_openssl,
        vendored_openssl,
    };
    (native, dropped)
}

/// Whether `native` holds the need a tree signal asks about.
fn holds(native: &lock::Native, signal: &str) -> bool {
    !match signal {
        tree::SYSTEM_OPENSSL => &native.system_openssl,
        tree::CXX => &native.cxx,
        tree::SYSTEM_LIBS => &native.system_libs,
        _ => &native.allocator,
    }
    .is_empty()
}

/// Why a need (found as `need`) is dropped: each feature left off whose crates alone
/// cut every route to it (`alone` says whether a route's crates do), or all of them together.
fn explained(
    need: &Evidence,
    routes: &[(Evidence, BTreeSet<String>)],
    alone: impl Fn(&BTreeSet<String>) -> bool,
) -> Vec<Evidence> {
    let crate_name = need.detail.split([':', ' ']).next().unwrap_or(&need.detail);
    let single: Vec<&(Evidence, BTreeSet<String>)> =
        routes.iter().filter(|(_, crates)| alone(crates)).collect();
    let (chosen, which) = if single.is_empty() {
        (routes.iter().collect::<Vec<_>>(), "only those features turn on")
    } else {
        (single, "only that feature turns on")
    };
    chosen
        .into_iter()
        .map(|(forward, crates)| {
            let names: Vec<&str> = crates.iter().map(String::as_str).collect();
            let mut evidence = forward.clone();
            evidence.detail = format!(
                "{}: every route to {crate_name} goes through {}, which {which}, so it is not linked",
                forward.detail,
                names.join(", ")
            );
            evidence
        })
        .collect()
}

/// OpenSSL vendored (openssl-src in the graph) only because a manifest asks for it under
/// another target or in a feature off by default (`elsewhere`): the linux-gnu build with the
/// default features links the system OpenSSL instead.
fn other_target_vendoring(
    system: Vec<Evidence>,
    vendored: Vec<Evidence>,
    elsewhere: &Option<String>,
) -> (Vec<Evidence>, Vec<Evidence>) {
    match (elsewhere, vendored.first()) {
        (Some(table), Some(found)) if system.is_empty() => {
            let mut moved = found.clone();
            moved.detail = format!(
                "openssl-sys, with openssl-src asked for only by {table}: the linux-gnu build links the system OpenSSL (libssl.so.3)"
            );
            (vec![moved], Vec::new())
        }
        _ => (system, vendored),
    }
}

/// The jemalloc feature that gives its functions the C allocator's names (`malloc`, `free`),
/// replacing glibc's.
pub const UNPREFIXED: &str = "unprefixed_malloc_on_supported_platforms";

/// Detects a Cargo package or workspace at `root`, with what its deployment builds and runs.
pub fn detect(repo: &Repo, deployed: &Pending<'_, crate::deployed::Deployed>) -> Detection {
    match read(repo, deployed) {
        Ok(Some(facts)) => Detection::Found {
            facts: Box::new(crate::stacks::Facts::Rust(Box::new(facts))),
        },
        Ok(None) => Detection::Absent {
            looked_for: "Cargo.toml".to_string(),
        },
        Err(error) => Detection::Broken { error },
    }
}

/// Smallest Cargo.lock parsed on a thread of its own while the packages' sources are read:
/// below it, starting the thread costs more than the parse.
const LOCK_ON_ITS_OWN: usize = 32 << 10;

fn read(
    repo: &Repo,
    deployed: &Pending<'_, crate::deployed::Deployed>,
) -> Result<Option<RustFacts>, DetectError> {
    let Some(project) = manifest::read(repo)? else {
        return Ok(None);
    };
    let made = makefile::read(repo);
    let cargo = if metadata::wanted(&project.unmodelled) {
        metadata::read(repo)
    } else {
        None
    };
    let (packages, default_members, read_with) = match cargo {
        Some((packages, default_members)) => (packages, default_members, "cargo metadata"),
        None => (
            project.packages.clone(),
            project.default_members.clone(),
            "Cargo.toml",
        ),
    };

    let lock_text = repo.text("Cargo.lock", LOCK_CAP)?;
    let lock_text = lock_text.as_deref().map(String::as_str);
    let entries = lock_entries(lock_text, &packages);
    let sources = || -> Result<_, DetectError> {
        let mut bins = Vec::new();
        let mut default_runs = Vec::new();
        let mut guards = Vec::new();
        for package in &packages {
            let lib = repo::join(&package.dir, "src/lib.rs");
            let mut roots: Vec<&str> = package.bins.iter().map(|b| b.src.as_str()).collect();
            roots.push(&lib);
            guards.extend(guard::find(repo, &package.name, &package.dir, &roots)?);
            let spec = package_spec(package, packages.len(), &entries);
            bins.extend(package_bins(repo, package, spec)?);
            default_runs.extend(default_run(repo, package)?);
        }
        let rocket = rocket(repo, &project, &packages)?;
        let forward_lines = forward_lines(repo, &packages)?;
        Ok((bins, default_runs, guards, rocket, forward_lines))
    };
    let parse = || lock_text.map(lock::read);
    let (parsed, sources) = if lock_text.is_some_and(|text| text.len() >= LOCK_ON_ITS_OWN) {
        repo::pending(&parse, |parsed| {
            let sources = sources();
            (parsed.take(), sources)
        })
    } else {
        (parse(), sources())
    };
    let (bins, default_runs, guards, rocket, forward_lines) = sources?;
    // The deployed evidence is waited for only now: a helper reads it while the lock and the
    // sources are read here.
    let mut deployed = deployed::read(deployed.get());
    deployed.made = made;
    let deployed = deployed::members(repo, deployed, &packages, default_members.as_deref());
    let rust_version = rust_version(&packages);
    let sqlite_bundled = ["rusqlite", "libsqlite3-sys"].iter().any(|name| {
        project
            .dependencies
            .get(*name)
            .is_some_and(|features| features.iter().any(|f| f.starts_with("bundled")))
    });
    let jemalloc_unprefixed = project
        .dependencies
        .values()
        .flatten()
        .chain(packages.iter().flat_map(|p| p.features.values().flatten()))
        .any(|feature| feature.ends_with(UNPREFIXED));
    let graph = match parsed {
        Some(lock) => Graph::Lock(lock?),
        None => Graph::Direct(direct_graph(&project.dependencies)),
    };
    let sqlite_bundled = sqlite_bundled || bundles_sqlite(&graph);
    let lock = match &graph {
        Graph::Lock(lock) => Some(
            lock.by_lines
                .clone()
                .unwrap_or_else(|| Evidence::file("Cargo.lock", "resolved dependency graph")),
        ),
        Graph::Direct(_) => None,
    };

    Ok(Some(
        RustFacts {
            manifest: Evidence::file(
                "Cargo.toml",
                if project.workspace {
                    "workspace manifest"
                } else {
                    "package manifest"
                },
            ),
            workspace: project.workspace.then(|| {
                Evidence::file(
                    "Cargo.toml",
                    format!("[workspace] with {} packages", packages.len()),
                )
            }),
            bins,
            default_runs,
            default_members,
            rust_version,
            toolchain: toolchain(repo)?,
            lock,
            system_openssl: Vec::new(),
            vendored_openssl: Vec::new(),
            cxx: Vec::new(),
            system_libs: Vec::new(),
            allocator: Vec::new(),
            signal_handling: Vec::new(),
            read_with,
            graph,
            packages,
            sqlite_bundled,
            vendored_elsewhere: project.vendored_elsewhere.clone(),
            vendoring_features: project.vendoring_features.clone(),
            jemalloc_unprefixed,
            features: Vec::new(),
            optional_off: Vec::new(),
            left_off: Vec::new(),
            asked: project.dependencies.clone(),
            forward_lines,
            guards,
            deployed,
            unfetched: project.unfetched.clone(),
            rocket,
        }
        .with_features(&[]),
    ))
}

/// Where a package depends on Rocket: its server listens on 127.0.0.1:8000 unless
/// ROCKET_ADDRESS (and ROCKET_PORT) say otherwise.
fn rocket(
    repo: &Repo,
    project: &manifest::Project,
    packages: &[manifest::Package],
) -> Result<Option<Evidence>, DetectError> {
    if !project.dependencies.contains_key("rocket") {
        return Ok(None);
    }
    for package in packages {
        let file = repo::join(&package.dir, "Cargo.toml");
        let Some(text) = repo.read_text(&file, MANIFEST_CAP)? else {
            continue;
        };
        let line = text.lines().position(|line| {
            let line = line.trim_start();
            line.starts_with("rocket ") || line.starts_with("rocket=") || line.starts_with("rocket.")
        });
        if let Some(index) = line {
            return Ok(Some(Evidence::line(
                file,
                index + 1,
                "depends on rocket, whose server listens on 127.0.0.1:8000 unless ROCKET_ADDRESS and ROCKET_PORT are set",
            )));
        }
    }
    Ok(Some(Evidence::file(
        "Cargo.toml",
        "depends on rocket, whose server listens on 127.0.0.1:8000 unless ROCKET_ADDRESS and ROCKET_PORT are set",
    )))
}

/// Where each package's manifest forwards a dependency feature (`dep/feature`, `dep?/feature`
/// in `[features]`): the first line that holds the item as a string.
fn forward_lines(
    repo: &Repo,
    packages: &[manifest::Package],
) -> Result<BTreeMap<(String, String), Evidence>, DetectError> {
    let mut lines = BTreeMap::new();
    for package in packages {
        let items: BTreeSet<&String> = package
            .features
            .values()
            .flatten()
            .filter(|item| item.contains('/'))
            .collect();
        if items.is_empty() {
            continue;
        }
        let file = repo::join(&package.dir, "Cargo.toml");
        let text = repo.read_text(&file, MANIFEST_CAP)?.unwrap_or_default();
        for item in items {
            let quoted = format!("\"{item}\"");
            let evidence = match text.lines().position(|line| line.contains(&quoted)) {
                Some(index) => Evidence::line(file.clone(), index + 1, item.clone()),
                None => Evidence::file(file.clone(), item.clone()),
            };
            lines.insert((package.name.clone(), item.clone()), evidence);
        }
    }
    Ok(lines)
}

/// Whether Cargo.lock gives libsqlite3-sys the C compiler crate: `cc` is its optional build
/// dependency, which only its `bundled` features turn on (SQLite compiled in, linked
/// statically).
fn bundles_sqlite(graph: &Graph) -> bool {
    let Graph::Lock(lock) = graph else {
        return false;
    };
    lock.dependencies("libsqlite3-sys")
        .any(|dep| dep == "cc" || dep.starts_with("cc "))
}

/// The dependency graph native needs are judged from.
#[derive(Debug, Clone)]
pub enum Graph {
    /// Cargo.lock's whole resolved graph.
    Lock(lock::Lock),
    /// Without a lock file, the direct dependencies stand in for it.
    Direct(BTreeMap<String, usize>),
}

/// The `--package` argument for a package among `count` (see [`RustBin::package_spec`]);
/// `entries` counts each package's [`lock_line`] in Cargo.lock ([`lock_entries`]).
fn package_spec(
    package: &manifest::Package,
    count: usize,
    entries: &HashMap<String, usize>,
) -> Option<String> {
    if count == 1 {
        return None;
    }
    let namesakes = entries.get(&lock_line(package)).copied().unwrap_or(0);
    match &package.version {
        Some(version) if namesakes > 1 => Some(format!("{}@{version}", package.name)),
        _ => Some(package.name.clone()),
    }
}

/// The line that opens `package`'s entries in Cargo.lock (and those of its namesakes).
fn lock_line(package: &manifest::Package) -> String {
    format!("name = \"{}\"", package.name)
}

/// How many times Cargo.lock (`lock_text`) has the `name = "..."` line of each of `packages`,
/// counted only when there are several, for [`package_spec`]: the lines that start so are
/// found with one vectorized search, and only those naming a package of the project counted.
fn lock_entries(lock_text: Option<&str>, packages: &[manifest::Package]) -> HashMap<String, usize> {
    let mut entries: HashMap<String, usize> = HashMap::new();
    let Some(text) = lock_text.filter(|_| packages.len() > 1) else {
        return entries;
    };
    for package in packages {
        entries.insert(lock_line(package), 0);
    }
    let first = text.starts_with("name = \"").then_some(0);
    let others = memchr::memmem::find_iter(text.as_bytes(), b"\nname = \"").map(|at| at + 1);
    for start in first.into_iter().chain(others) {
        let (_, line) = crate::lines::line_around(text, start);
        if let Some(count) = entries.get_mut(line) {
            *count += 1;
        }
    }
    entries
}

/// The binaries of `package`, each with the `--package` argument `spec`, its port and health
/// route, and the package's version and licence.
fn package_bins(
    repo: &Repo,
    package: &manifest::Package,
    spec: Option<String>,
) -> Result<Vec<RustBin>, DetectError> {
    let manifest_file = repo::join(&package.dir, "Cargo.toml");
    let about = crate::manifest::About::new(
        &manifest_file,
        &repo
            .read_text(&manifest_file, MANIFEST_CAP)?
            .unwrap_or_default(),
        package.version.as_deref(),
        package.license.as_deref(),
    );
    let mut bins = Vec::new();
    for bin in &package.bins {
        bins.push(RustBin {
            name: bin.name.clone(),
            package: package.name.clone(),
            package_spec: spec.clone(),
            package_dir: package.dir.clone(),
            src: bin.src.clone(),
            port: port_of(repo, &bin.src)?,
            health: facts::health_in(repo, &bin.src, SOURCE_CAP),
            about: about.clone(),
        });
    }
    Ok(bins)
}

/// The `default-run` of `package`, if it sets one: (package, binary, the line that sets it).
fn default_run(
    repo: &Repo,
    package: &manifest::Package,
) -> Result<Option<(String, String, Evidence)>, DetectError> {
    let Some(bin) = &package.default_run else {
        return Ok(None);
    };
    let file = repo::join(&package.dir, "Cargo.toml");
    let line = match repo.read_text(&file, MANIFEST_CAP)? {
        Some(text) => crate::manifest::key_line(&text, "default-run"),
        None => None,
    };
    let evidence = match line {
        Some(line) => Evidence::line(file, line, format!("default-run = {bin}")),
        None => Evidence::file(file, format!("default-run = {bin}")),
    };
    Ok(Some((package.name.clone(), bin.clone(), evidence)))
}

/// The lowest rust-version among the packages, with the manifest that sets it.
fn rust_version(packages: &[manifest::Package]) -> Option<(String, Evidence)> {
    packages
        .iter()
        .filter_map(|p| {
            let version = p.rust_version.clone()?;
            Some((
                version.clone(),
                Evidence::file(
                    repo::join(&p.dir, "Cargo.toml"),
                    format!("rust-version = {version}"),
                ),
            ))
        })
        .min_by(|a, b| version_key(&a.0).cmp(&version_key(&b.0)))
}

/// Without a lock file, the direct dependencies stand in for the graph: `openssl` and
/// `native-tls` mean openssl-sys, and their `vendored` feature means openssl-src.
fn direct_graph(dependencies: &BTreeMap<String, Vec<String>>) -> BTreeMap<String, usize> {
    let mut graph: BTreeMap<String, usize> =
        dependencies.keys().map(|name| (name.clone(), 0)).collect();
    for name in ["openssl", "openssl-sys", "native-tls"] {
        if let Some(features) = dependencies.get(name) {
            graph.insert("openssl-sys".to_string(), 0);
            if features.iter().any(|f| f == "vendored") {
                graph.insert("openssl-src".to_string(), 0);
            }
        }
    }
    graph
}

/// A dotted version as numbers for ordering (`1.85.0` -> [1, 85, 0]; non-numbers count as 0).
pub(crate) fn version_key(version: &str) -> Vec<u32> {
    version
        .split('.')
        .map(|part| part.parse().unwrap_or(0))
        .collect()
}

/// The channel pinned by rust-toolchain.toml or the legacy rust-toolchain file.
fn toolchain(repo: &Repo) -> Result<Option<(String, Evidence)>, DetectError> {
    for file in ["rust-toolchain.toml", "rust-toolchain"] {
        let Some(text) = repo.read_text(file, MANIFEST_CAP)? else {
            continue;
        };
        let trimmed = text.trim();
        let channel = if file.ends_with(".toml") || trimmed.starts_with('[') {
            let table = manifest::parse_toml(file, &text)?;
            table
                .get("toolchain")
                .and_then(|t| t.get("channel"))
                .and_then(|c| c.as_str())
                .map(str::to_string)
        } else {
            Some(trimmed.to_string())
        };
        if let Some(channel) = channel {
            return Ok(Some((
                channel.clone(),
                Evidence::file(file, format!("channel = {channel}")),
            )));
        }
    }
    Ok(None)
}

/// A listen port in a binary's main source file: `"0.0.0.0:8080"` or `([0, 0, 0, 0], 8080)`.
fn port_of(repo: &Repo, src: &str) -> Result<Option<(u16, Evidence)>, DetectError> {
    let Some(text) = repo.read_text(src, SOURCE_CAP).unwrap_or(None) else {
        return Ok(None);
    };
    for (index, line) in text.lines().enumerate() {
        let port = facts::listen_port(line).or_else(|| socket_tuple_port(line));
        if let Some(port) = port {
            return Ok(Some((
                port,
                Evidence::line(src, index + 1, format!("listen address :{port}")),
            )));
        }
    }
    Ok(None)
}

fn socket_tuple_port(line: &str) -> Option<u16> {
    let bytes = line.as_bytes();
    let start = memchr::memchr_iter(b']', bytes).find(|at| bytes[at + 1..].starts_with(b", "))? + 3;
    let digits: String = line[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let rest = &line[start + digits.len()..];
    (rest.starts_with(')') && (2..=5).contains(&digits.len()))
        .then(|| digits.parse().ok())
        .flatten()
        .filter(|port: &u16| *port > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_that_shares_its_name_in_the_lock_is_built_by_name_and_version() {
        let package = |name: &str| manifest::Package {
            name: name.to_string(),
            dir: name.to_string(),
            bins: Vec::new(),
            rust_version: None,
            default_run: None,
            version: Some("0.2.0".to_string()),
            license: None,
            optional: BTreeMap::new(),
            features: BTreeMap::new(),
        };
        let packages = [package("app"), package("core")];
        let lock = "name = \"app\"\r\nversion = \"0.2.0\"\r\n\r\n[[package]]\r\n\
                    name = \"app\"\r\nversion = \"1.0.0\"\r\n\r\n[[package]]\r\n\
                    name = \"core\"\r\nversion = \"0.2.0\"\r\n\r\n[[package]]\r\n\
                    name = \"corelib\"\r\nname = \"core\" ";
        let entries = lock_entries(Some(lock), &packages);
        let spec = |at: usize| package_spec(&packages[at], packages.len(), &entries);
        assert_eq!(spec(0).as_deref(), Some("app@0.2.0"));
        assert_eq!(spec(1).as_deref(), Some("core"));
        assert_eq!(lock_entries(Some(lock), &packages[..1]).len(), 0, "one package: no spec");
    }

    #[test]
    fn socket_tuples() {
        assert_eq!(
            socket_tuple_port("let addr = SocketAddr::from(([0, 0, 0, 0], 3000));"),
            Some(3000)
        );
        assert_eq!(socket_tuple_port("v[0], 1)"), None);
    }

    #[test]
    fn direct_openssl_without_lock() {
        let deps = BTreeMap::from([("openssl".to_string(), vec![])]);
        assert!(direct_graph(&deps).contains_key("openssl-sys"));
        let deps = BTreeMap::from([("openssl".to_string(), vec!["vendored".to_string()])]);
        assert!(direct_graph(&deps).contains_key("openssl-src"));
    }
}
