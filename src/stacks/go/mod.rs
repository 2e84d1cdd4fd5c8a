//! Go: detection of modules and workspaces, their main packages, and whether a main package
//! needs cgo (and C++). Reads go.mod/go.work, vendor/modules.txt, and the non-test Go files of
//! the packages a main package builds from the project itself; never the module cache.

pub mod deployed;
pub mod gomod;
pub mod plan;
pub mod scripts;
pub mod source;
pub mod tree;
pub mod kind;
pub use kind::Kind;

use crate::evidence::Evidence;
use crate::facts::{self, DetectError, Fact, Signals};
use crate::repo::{self, Repo};
use crate::repo::{MANIFEST_CAP, SOURCE_CAP};
use crate::stacks::Detection;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::rc::Rc;

/// Modules whose Go packages need cgo to build (a pure-Go sqlite such as modernc.org/sqlite is
/// deliberately absent).
pub const CGO_MODULES: &[&str] = &[
    "github.com/mattn/go-sqlite3",
    "github.com/confluentinc/confluent-kafka-go",
    "github.com/DataDog/zstd",
    "github.com/valyala/gozstd",
    "github.com/ceph/go-ceph",
    "github.com/go-gl/glfw",
    "github.com/tecbot/gorocksdb",
    "github.com/linxGnu/grocksdb",
    "gorm.io/driver/sqlite",
    "github.com/tensorflow/tensorflow/tensorflow/go",
    "github.com/davidbyttow/govips",
];

/// Database drivers that still build with CGO_ENABLED=0 (a stub that fails when opened), each
/// with the quoted driver name a program opens them by: imported only for their side effect
/// (`_ "path"`), they need cgo only where the program names that driver.
pub const STUBBED_WITHOUT_CGO: &[(&str, &str)] = &[
    ("github.com/mattn/go-sqlite3", "\"sqlite3\""),
    ("github.com/jinzhu/gorm/dialects/sqlite", "\"sqlite3\""),
];

/// Cgo modules that also link the C++ standard library.
pub const CXX_MODULES: &[&str] = &["github.com/tecbot/gorocksdb", "github.com/linxGnu/grocksdb"];

/// Most packages followed from one main package before the walk stops.
const PACKAGE_LIMIT: usize = 2000;

/// Everything detected about a Go project.
#[derive(Debug, Clone, Serialize)]
pub struct GoFacts {
    /// The module at the root, or the first module of the workspace.
    pub module: String,
    pub module_evidence: Evidence,
    /// The highest `go` line among go.work and the modules.
    pub go_version: Option<(String, Evidence)>,
    pub toolchain: Option<(String, Evidence)>,
    /// go.work, when the project is a workspace.
    pub workspace: Option<Evidence>,
    /// Whether go.work.sum exists beside go.work.
    pub work_sum: bool,
    /// Every module built from, root first.
    pub modules: Vec<Module>,
    /// vendor/modules.txt, when dependencies are vendored.
    pub vendored: Option<Evidence>,
    pub mains: Vec<MainPackage>,
    /// go.mod requires of cgo-only modules. Listed, not decisive: a requirement (direct or
    /// `// indirect`) may serve only tests or another program; the imports a main package
    /// builds decide.
    pub cgo_requires: Vec<Evidence>,
    /// go.mod requires of modules that link C++.
    pub cxx_requires: Vec<Evidence>,
    /// What the project's build scripts say about its main packages.
    #[serde(skip)]
    pub scripts: scripts::Scripts,
    /// What the project's own deployment builds and runs.
    #[serde(skip)]
    pub deployed: deployed::DeployedGo,
}

/// One module of the build.
#[derive(Debug, Clone, Serialize)]
pub struct Module {
    /// Directory relative to the root, `""` for the root.
    pub dir: String,
    pub path: String,
    pub has_sum: bool,
}

/// A `package main` the project can build.
#[derive(Debug, Clone, Serialize)]
pub struct MainPackage {
    /// Package path for `go build`, such as `./cmd/api` or `.`.
    pub package: String,
    /// Name of the binary: the one the project's build scripts give it (`go build -o`), else
    /// the one the go command would give it.
    pub binary: String,
    /// The script line that names the binary, when one does.
    pub binary_evidence: Option<Evidence>,
    pub evidence: Evidence,
    /// `import "C"` in the packages it builds from the project.
    pub cgo: Vec<Evidence>,
    /// Imports of cgo-only modules.
    pub cgo_imports: Vec<Evidence>,
    /// C++ sources or `-lstdc++` in those packages.
    pub cxx: Vec<Evidence>,
    /// Libraries `#cgo LDFLAGS` directives link (`-lNAME`), by name.
    pub cgo_libraries: Vec<(String, Evidence)>,
    pub port: Option<(u16, Evidence)>,
    /// A health route the main package names.
    pub health: Option<(String, Evidence)>,
    /// `//go:embed` directories absent from the sources: something (a front-end build) must
    /// produce them before `go build`.
    pub built_embeds: Vec<Evidence>,
}

impl GoFacts {
    /// The facts for display, each with its evidence.
    pub fn listing(&self) -> Vec<Fact> {
        let mut facts = vec![Fact::new(
            "module",
            &self.module,
            self.module_evidence.clone(),
        )];
        if let Some(work) = &self.workspace {
            let dirs: Vec<String> = self.modules.iter().map(|m| display_dir(&m.dir)).collect();
            facts.push(Fact::new("workspace", dirs.join(", "), work.clone()));
        }
        if let Some((version, evidence)) = &self.go_version {
            facts.push(Fact::new("go version", version, evidence.clone()));
        }
        if let Some((toolchain, evidence)) = &self.toolchain {
            facts.push(Fact::new("toolchain", toolchain, evidence.clone()));
        }
        if let Some(vendored) = &self.vendored {
            facts.push(Fact::new("vendored modules", "yes", vendored.clone()));
        }
        for main in &self.mains {
            facts.push(Fact::new(
                "main package",
                &main.package,
                main.evidence.clone(),
            ));
            if let Some(evidence) = &main.binary_evidence {
                facts.push(Fact::new(
                    &format!("binary ({})", main.package),
                    &main.binary,
                    evidence.clone(),
                ));
            }
            let cgo: Vec<Evidence> = main.cgo.iter().chain(&main.cgo_imports).cloned().collect();
            if !cgo.is_empty() {
                facts.push(Fact {
                    name: format!("cgo ({})", main.package),
                    value: "yes".to_string(),
                    evidence: cgo,
                });
            }
            if !main.cxx.is_empty() {
                facts.push(Fact {
                    name: format!("c++ ({})", main.package),
                    value: "yes".to_string(),
                    evidence: main.cxx.clone(),
                });
            }
            if let Some((port, evidence)) = &main.port {
                facts.push(Fact::new(
                    &format!("port ({})", main.package),
                    port.to_string(),
                    evidence.clone(),
                ));
            }
        }
        if !self.cgo_requires.is_empty() {
            facts.push(Fact {
                name: "cgo-only dependencies in go.mod (decided by imports)".to_string(),
                value: "yes".to_string(),
                evidence: self.cgo_requires.clone(),
            });
        }
        facts
    }

    /// The signals the decision tree asks about, for one main package.
    pub fn signals(&self, main: &MainPackage) -> Signals {
        let mut signals = Signals::default();
        signals.add(tree::CGO_IMPORT, main.cgo.iter().cloned());
        signals.add(tree::CGO_DEPENDENCY, main.cgo_imports.iter().cloned());
        signals.add(tree::CXX, main.cxx.iter().cloned());
        let package = main.package.trim_start_matches("./").trim_start_matches('.');
        signals.add(tree::CGO_OFF, self.deployed.cgo_off(package));
        signals
    }
}

fn display_dir(dir: &str) -> String {
    if dir.is_empty() {
        ".".to_string()
    } else {
        format!("./{dir}")
    }
}

/// Detects a Go module or workspace at `root`, with what its deployment builds and runs.
pub fn detect(repo: &Repo, deployed: &crate::deployed::Deployed) -> Detection {
    match read(repo, deployed::read(deployed)) {
        Ok(Some(facts)) => Detection::Found {
            facts: Box::new(crate::stacks::Facts::Go(Box::new(facts))),
        },
        Ok(None) => Detection::Absent {
            looked_for: "go.mod or go.work".to_string(),
        },
        Err(error) => Detection::Broken { error },
    }
}

fn read(repo: &Repo, deployed: deployed::DeployedGo) -> Result<Option<GoFacts>, DetectError> {
    let mut directives = Directives::default();
    let Some(module_dirs) = directives.work(repo)? else {
        return Ok(None);
    };
    let mut modules = Vec::new();
    let mut first_module = None;
    for dir in &module_dirs {
        let (module, directive) = directives.module(repo, dir)?;
        first_module.get_or_insert(directive);
        modules.push(module);
    }
    let Directives {
        workspace,
        versions,
        toolchains,
        cgo_requires,
        cxx_requires,
    } = directives;
    let (module, module_evidence) = first_module.expect("at least one module");

    let vendored = (workspace.is_none() && repo.has_file("vendor/modules.txt")?)
        .then(|| Evidence::file("vendor/modules.txt", "dependencies are vendored"));

    let scripts = scripts::read(repo);
    let mut mains = Vec::new();
    let mut scanned = Scanned::default();
    for m in &modules {
        let mut dirs = main_candidates(repo, &m.dir)?;
        dirs.extend(deployed_dirs(repo, &modules, m, &deployed, &dirs));
        scanned.prefetch(repo, dirs.iter());
        for dir in dirs {
            if let Some(mut main) = analyse_main(repo, &mut scanned, &modules, m, &dir)? {
                if let Some((name, evidence)) = scripts.outputs.get(dir.as_str()) {
                    main.binary = name.clone();
                    main.binary_evidence = Some(evidence.clone());
                }
                if let Some(built) = deployed.builds_of(&dir).find(|b| b.binary.is_some()) {
                    main.binary = built.binary.clone().unwrap_or_default();
                    main.binary_evidence = Some(built.evidence.clone());
                }
                mains.push(main);
            }
        }
    }
    if mains.is_empty() && !modules.iter().any(|m| has_go_files(repo, &m.dir)) {
        return Ok(None);
    }

    Ok(Some(GoFacts {
        module,
        module_evidence,
        go_version: highest(versions),
        toolchain: highest(
            toolchains
                .into_iter()
                .filter(|(name, _)| name != "default")
                .map(|(name, evidence)| (name.trim_start_matches("go").to_string(), evidence))
                .collect(),
        ),
        work_sum: workspace.is_some() && repo.has_file("go.work.sum")?,
        workspace,
        modules,
        vendored,
        mains,
        cgo_requires,
        cxx_requires,
        scripts,
        deployed,
    }))
}

/// The package directories of `module` the deployment builds that the search did not reach
/// (`found`): a main package under examples/ that a release ships, for one. Each must be a
/// directory of this module, not of a module nested in it.
fn deployed_dirs(
    repo: &Repo,
    modules: &[Module],
    module: &Module,
    deployed: &deployed::DeployedGo,
    found: &[String],
) -> Vec<String> {
    let mut dirs: Vec<String> = Vec::new();
    for built in &deployed.builds {
        let dir = &built.package;
        let owner = modules
            .iter()
            .filter(|m| m.dir.is_empty() || *dir == m.dir || dir.starts_with(&format!("{}/", m.dir)))
            .max_by_key(|m| m.dir.len());
        let ours = owner.is_some_and(|m| m.dir == module.dir);
        if ours && repo.is_dir(if dir.is_empty() { "." } else { dir })
            && !found.contains(dir)
            && !dirs.contains(dir)
        {
            dirs.push(dir.clone());
        }
    }
    dirs
}

/// What go.work and the go.mod files declare across the modules: the workspace, `go` and
/// `toolchain` lines, and requirements that need cgo or link C++.
#[derive(Default)]
struct Directives {
    workspace: Option<Evidence>,
    versions: Vec<(String, Evidence)>,
    toolchains: Vec<(String, Evidence)>,
    cgo_requires: Vec<Evidence>,
    cxx_requires: Vec<Evidence>,
}

impl Directives {
    /// The module directories: go.work's `use` directives (the workspace), else the root when
    /// go.mod is there, else `None` (no Go project).
    fn work(&mut self, repo: &Repo) -> Result<Option<Vec<String>>, DetectError> {
        let Some(text) = repo.read_text("go.work", MANIFEST_CAP)? else {
            return Ok(repo.exists("go.mod").then(|| vec![String::new()]));
        };
        let work = gomod::parse_go_work("go.work", &text)?;
        self.workspace = Some(Evidence::file(
            "go.work",
            format!("{} modules", work.uses.len()),
        ));
        self.versions.extend(
            work.go
                .map(|go| (go.value, Evidence::line("go.work", go.line, "go directive"))),
        );
        self.toolchains.extend(work.toolchain.map(|t| {
            (
                t.value,
                Evidence::line("go.work", t.line, "toolchain directive"),
            )
        }));
        let mut module_dirs = Vec::new();
        for used in work.uses {
            module_dirs.push(facts::inside(
                "go.work",
                Some(used.line),
                "use directive",
                "",
                &used.value,
            )?);
        }
        Ok(Some(module_dirs))
    }

    /// The module in `dir` read from its go.mod, with its `module` directive; its `go`,
    /// `toolchain` and cgo or C++ requirements join the others.
    fn module(
        &mut self,
        repo: &Repo,
        dir: &str,
    ) -> Result<(Module, (String, Evidence)), DetectError> {
        let file = repo::join(dir, "go.mod");
        let text = repo
            .read_text(&file, MANIFEST_CAP)?
            .ok_or_else(|| DetectError::Broken {
                file: "go.work".to_string(),
                line: None,
                cause: format!("uses {}, which has no go.mod", display_dir(dir)),
            })?;
        let parsed = gomod::parse_go_mod(&file, &text)?;
        let directive = (
            parsed.module.value.clone(),
            Evidence::line(&file, parsed.module.line, "module directive"),
        );
        self.versions.extend(
            parsed
                .go
                .map(|go| (go.value, Evidence::line(&file, go.line, "go directive"))),
        );
        self.toolchains.extend(parsed.toolchain.map(|t| {
            (
                t.value,
                Evidence::line(&file, t.line, "toolchain directive"),
            )
        }));
        for require in &parsed.requires {
            if let Some(cgo) = matching_module(CGO_MODULES, &require.value) {
                self.cgo_requires.push(Evidence::line(
                    &file,
                    require.line,
                    format!("requires {cgo}, which builds only with cgo"),
                ));
            }
            if let Some(cxx) = matching_module(CXX_MODULES, &require.value) {
                self.cxx_requires.push(Evidence::line(
                    &file,
                    require.line,
                    format!("requires {cxx}, which links C++"),
                ));
            }
        }
        let module = Module {
            dir: dir.to_string(),
            path: parsed.module.value,
            has_sum: repo.has_file(&repo::join(dir, "go.sum"))?,
        };
        Ok((module, directive))
    }
}

fn matching_module<'a>(table: &[&'a str], path: &str) -> Option<&'a str> {
    table.iter().copied().find(|module| {
        path.strip_prefix(module)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

fn highest(candidates: Vec<(String, Evidence)>) -> Option<(String, Evidence)> {
    candidates
        .into_iter()
        .max_by_key(|(version, _)| gomod::major_minor(version).unwrap_or((0, 0)))
}

/// Directories searched for main packages beside the module root and `cmd/*`: none that holds
/// vendored code, test data, examples, dev tools, documentation or build scripts.
const NOT_SEARCHED: &[&str] = &[
    "vendor", "testdata", "example", "examples", "_examples", "hack", "tools", "tool", "test",
    "tests", "e2e", "integration", "internal", "docs", "doc", "scripts", "script", "build",
    "third_party", "contrib", "bench", "benchmark", "benchmarks", "misc", "node_modules", "cmd",
];

/// Most directories whose package clause the widened search reads.
const SEARCH_LIMIT: usize = 64;

/// Directories that may hold a main package: the module root, each `cmd/NAME`, each
/// top-level directory of the module (`main/`, `server/`) and, when none of those holds one, the
/// directories one level further down (`apps/NAME`); never the directories [`NOT_SEARCHED`] nor
/// a nested module (a directory with its own go.mod builds apart).
fn main_candidates(repo: &Repo, module_dir: &str) -> Result<Vec<String>, DetectError> {
    let subdirs = |dir: &str| -> Vec<String> {
        repo.list_dir(dir, |name, kind| {
            kind.is_dir() && !name.starts_with(['.', '_']) && !NOT_SEARCHED.contains(&name)
        })
        .into_iter()
        .map(|name| repo::join(dir, &name))
        .filter(|sub| !repo.exists(&repo::join(sub, "go.mod")))
        .collect()
    };
    let mut dirs = vec![module_dir.to_string()];
    let cmd = repo::join(module_dir, "cmd");
    dirs.extend(
        repo.list_dir(&cmd, |name, kind| kind.is_dir() && !name.starts_with('.'))
            .into_iter()
            .map(|name| repo::join(&cmd, &name)),
    );
    let top = subdirs(module_dir);
    let mut found = Vec::new();
    repo.list_dirs(&top);
    read_first_files(repo, top.iter().take(SEARCH_LIMIT));
    for dir in top.iter().take(SEARCH_LIMIT) {
        if is_main_dir(repo, dir)? {
            found.push(dir.clone());
        }
    }
    if found.is_empty() && !dirs.iter().any(|d| has_go_files(repo, d)) {
        let nested = top
            .iter()
            .filter(|dir| !has_go_files(repo, dir))
            .flat_map(|dir| subdirs(dir))
            .take(SEARCH_LIMIT)
            .collect::<Vec<_>>();
        repo.list_dirs(&nested);
        read_first_files(repo, nested.iter());
        for dir in nested {
            if is_main_dir(repo, &dir)? {
                found.push(dir);
            }
        }
    }
    dirs.extend(found);
    Ok(dirs)
}

/// Reads the first Go file of each of `dirs` in parallel, for [`is_main_dir`] to find.
fn read_first_files<'d>(repo: &Repo, dirs: impl Iterator<Item = &'d String>) {
    let firsts: Vec<String> = dirs
        .filter_map(|dir| {
            let first = buildable_files(repo, dir).into_iter().next()?;
            Some(repo::join(dir, &first))
        })
        .collect();
    repo.read_heads(&firsts, SOURCE_CAP);
}

/// Whether a directory holds Go files a build could compile.
fn has_go_files(repo: &Repo, dir: &str) -> bool {
    !buildable_files(repo, dir).is_empty()
}

/// Whether the first Go file a linux build compiles in `dir` says `package main`: one file's
/// header read, not the package.
fn is_main_dir(repo: &Repo, dir: &str) -> Result<bool, DetectError> {
    for name in buildable_files(repo, dir).iter().take(4) {
        if let Some((text, _)) = repo.read_head(&repo::join(dir, name), SOURCE_CAP)? {
            let scanned = source::scan_header(&text);
            if scanned.built_on_linux() {
                return Ok(scanned.package.as_deref() == Some("main"));
            }
        }
    }
    Ok(false)
}

/// The scanned Go files of each package directory read so far: the main packages of a project
/// share most of what they import, and each package is read and scanned once.
#[derive(Default)]
struct Scanned(
    HashMap<String, Rc<[(String, source::GoFile)]>>,
    HashMap<String, Rc<Summary>>,
);

impl Scanned {
    /// What the package in `dir` contributes to a main package that builds it, gathered once.
    fn summary(
        &mut self,
        repo: &Repo,
        modules: &[Module],
        dir: &str,
    ) -> Result<Rc<Summary>, DetectError> {
        if let Some(summary) = self.1.get(dir) {
            return Ok(Rc::clone(summary));
        }
        let files = self.package(repo, dir)?;
        let summary = Rc::new(summarize(repo, modules, dir, &files));
        self.1.insert(dir.to_string(), Rc::clone(&summary));
        Ok(summary)
    }

    /// The files of the package in `dir`, as [`package_files`] finds them.
    fn package(
        &mut self,
        repo: &Repo,
        dir: &str,
    ) -> Result<Rc<[(String, source::GoFile)]>, DetectError> {
        if let Some(files) = self.0.get(dir) {
            return Ok(Rc::clone(files));
        }
        let files: Rc<[(String, source::GoFile)]> = package_files(repo, dir)?.into();
        self.0.insert(dir.to_string(), Rc::clone(&files));
        Ok(files)
    }

    /// Reads and scans the packages of `dirs` not read yet, their files in parallel: what
    /// [`Scanned::package`] then finds in memory. A package with a file that cannot be read is
    /// left for [`Scanned::package`] to report, at its turn.
    fn prefetch<'d>(&mut self, repo: &Repo, dirs: impl Iterator<Item = &'d String>) {
        let dirs: Vec<&String> = dirs.filter(|dir| !self.0.contains_key(*dir)).collect();
        repo.list_dirs(&dirs);
        let mut owners = Vec::new();
        let mut rels = Vec::new();
        for dir in dirs {
            if owners.iter().any(|(d, _)| d == dir) {
                continue;
            }
            let names = buildable_files(repo, dir);
            owners.push((dir.clone(), names.len()));
            rels.extend(names.into_iter().map(|name| repo::join(dir, &name)));
        }
        let mut results = repo
            .map_heads(&rels, SOURCE_CAP, |text, _| source::scan(text))
            .into_iter();
        let mut rels = rels.into_iter();
        for (dir, count) in owners {
            let read: Result<Vec<_>, _> = rels
                .by_ref()
                .take(count)
                .zip(results.by_ref().take(count))
                .filter_map(|(rel, result)| result.map(|found| found.map(|file| (rel, file))).transpose())
                .collect();
            if let Ok(read) = read {
                self.0.insert(dir, package_of(read).into());
            }
        }
    }
}

/// The names of the files in `dir` a Go build could compile.
fn buildable_files(repo: &Repo, dir: &str) -> Vec<String> {
    repo.list_dir(dir, |name, kind| {
        kind.is_file() && source::is_buildable_name(name)
    })
}

/// The Go files of one package directory that a linux build compiles, read and scanned. A file
/// over the source cap (generated protobuf code runs to megabytes) is scanned in its first
/// megabyte: the package clause, build constraints and imports sit at its top. When the
/// package offers a `!cgo` variant, its cgo-only files are left out: a CGO_ENABLED=0 build
/// takes the variant, so what they import is not needed.
fn package_files(repo: &Repo, dir: &str) -> Result<Vec<(String, source::GoFile)>, DetectError> {
    let mut files = Vec::new();
    for name in buildable_files(repo, dir) {
        let rel = repo::join(dir, &name);
        if let Some((text, _)) = repo.read_head(&rel, SOURCE_CAP)? {
            files.push((rel, source::scan(&text)));
        }
    }
    Ok(package_of(files))
}

/// The files of a package a linux build compiles, of its scanned files: those its constraints
/// keep, without the cgo-only ones when the package offers a `!cgo` variant.
fn package_of(mut files: Vec<(String, source::GoFile)>) -> Vec<(String, source::GoFile)> {
    files.retain(|(_, f)| f.built_on_linux());
    if files.iter().any(|(_, f)| f.is_no_cgo_variant()) {
        files.retain(|(_, f)| !f.needs_cgo());
    }
    files
}

/// If `dir` holds a main package, walks the project packages it imports and gathers cgo, C++
/// and port evidence.
fn analyse_main(
    repo: &Repo,
    scanned: &mut Scanned,
    modules: &[Module],
    module: &Module,
    dir: &str,
) -> Result<Option<MainPackage>, DetectError> {
    let files = scanned.package(repo, dir)?;
    let Some((main_file, _)) = files
        .iter()
        .find(|(_, f)| f.package.as_deref() == Some("main"))
    else {
        return Ok(None);
    };
    let evidence = Evidence::file(main_file.clone(), "package main");
    let last = dir.rsplit('/').next().unwrap_or(dir);
    let binary = if dir == module.dir || last == "main" {
        binary_name_of_module(&module.path)
    } else {
        last.to_string()
    };
    let mut main = MainPackage {
        package: display_dir(dir),
        binary,
        binary_evidence: None,
        evidence,
        cgo: Vec::new(),
        cgo_imports: Vec::new(),
        cxx: Vec::new(),
        cgo_libraries: Vec::new(),
        port: None,
        health: None,
        built_embeds: Vec::new(),
    };

    let mut seen = BTreeSet::from([dir.to_string()]);
    let mut queue = VecDeque::from([dir.to_string()]);
    let mut stubbed = Vec::new();
    let mut drivers = BTreeSet::new();
    while let Some(pkg_dir) = queue.pop_front() {
        if !scanned.0.contains_key(&pkg_dir) {
            scanned.prefetch(repo, std::iter::once(&pkg_dir).chain(queue.iter()));
        }
        let summary = scanned.summary(repo, modules, &pkg_dir)?;
        main.cgo.extend(summary.cgo.iter().cloned());
        main.cgo_libraries.extend(summary.cgo_libraries.iter().cloned());
        main.cxx.extend(summary.cxx.iter().cloned());
        main.cgo_imports.extend(summary.cgo_imports.iter().cloned());
        main.built_embeds.extend(summary.built_embeds.iter().cloned());
        if main.port.is_none() {
            main.port.clone_from(&summary.port);
        }
        if main.health.is_none() {
            main.health.clone_from(&summary.health);
        }
        stubbed.extend(summary.stubbed.iter().cloned());
        drivers.extend(summary.drivers.iter().cloned());
        for local in summary.locals.iter() {
            let local = local.as_ref().map_err(Clone::clone)?;
            if seen.len() < PACKAGE_LIMIT && !seen.contains(local) {
                seen.insert(local.clone());
                queue.push_back(local.clone());
            }
        }
    }
    main.cgo_imports.extend(
        stubbed
            .into_iter()
            .filter(|(driver, _)| drivers.contains(*driver))
            .map(|(_, evidence)| evidence),
    );
    Ok(Some(main))
}

/// What one package contributes to every main package that builds it: cgo, C++ and port
/// evidence, imports of modules that build without cgo as a stub, the driver names its files
/// quote, and the project packages it imports, in the order its files name them. Gathered once
/// per package however many main packages import it.
#[derive(Default)]
struct Summary {
    cgo: Vec<Evidence>,
    cgo_libraries: Vec<(String, Evidence)>,
    cxx: Vec<Evidence>,
    cgo_imports: Vec<Evidence>,
    built_embeds: Vec<Evidence>,
    port: Option<(u16, Evidence)>,
    health: Option<(String, Evidence)>,
    stubbed: Vec<(&'static str, Evidence)>,
    drivers: BTreeSet<String>,
    /// The project package directories its imports name (or why one cannot be used).
    locals: Vec<Result<String, DetectError>>,
}

fn summarize(
    repo: &Repo,
    modules: &[Module],
    dir: &str,
    files: &[(String, source::GoFile)],
) -> Summary {
    let mut summary = Summary::default();
    let mut uses_cgo = false;
    for (rel, file) in files {
        summary
            .drivers
            .extend(file.drivers.iter().map(|(driver, _)| driver.clone()));
        if let Some(line) = file.cgo_import {
            uses_cgo = true;
            summary
                .cgo
                .push(Evidence::line(rel.clone(), line, "import \"C\""));
        }
        for (name, line) in &file.cgo_libraries {
            summary.cgo_libraries.push((
                name.clone(),
                Evidence::line(rel.clone(), *line, format!("#cgo LDFLAGS links lib{name}")),
            ));
        }
        if let Some(line) = file.cxx_directive {
            summary.cxx.push(Evidence::line(
                rel.clone(),
                line,
                "#cgo directive links libstdc++",
            ));
        }
        for (import, line) in &file.imports {
            let stubbed = STUBBED_WITHOUT_CGO
                .iter()
                .find(|(module, _)| matching_module(&[module], import).is_some())
                .filter(|_| file.blank_imports.contains(import));
            if let Some((module, driver)) = stubbed {
                summary.stubbed.push((
                    driver,
                    Evidence::line(
                        rel.clone(),
                        *line,
                        format!("imports {module}, which works only with cgo, and the program opens driver {driver}"),
                    ),
                ));
            } else if let Some(module) = matching_module(CGO_MODULES, import) {
                summary.cgo_imports.push(Evidence::line(
                    rel.clone(),
                    *line,
                    format!("imports {module}, which builds only with cgo"),
                ));
            }
            if let Some(module) = matching_module(CXX_MODULES, import) {
                summary.cxx.push(Evidence::line(
                    rel.clone(),
                    *line,
                    format!("imports {module}, which links C++"),
                ));
            }
        }
        for (pattern, line) in &file.embeds {
            let path = pattern.trim_start_matches("all:");
            let top = path.split(['*', '?', '[']).next().unwrap_or("");
            let top = top.trim_end_matches('/');
            if !top.is_empty() && !repo.exists(&repo::join(dir, top)) {
                summary.built_embeds.push(Evidence::line(
                    rel.clone(),
                    *line,
                    format!("embeds {path}, which the sources do not hold: a build step makes it"),
                ));
            }
        }
        if summary.port.is_none()
            && let Some((port, line)) = file.port
        {
            summary.port = Some((
                port,
                Evidence::line(rel.clone(), line, format!("listen address :{port}")),
            ));
        }
        if summary.health.is_none()
            && let Some((route, line)) = file.health
        {
            summary.health = Some((
                route.to_string(),
                Evidence::line(rel.clone(), line, format!("route {route}")),
            ));
        }
    }
    if uses_cgo {
        let cxx_sources = repo.list_dir(dir, |name, kind| {
            kind.is_file()
                && [".cc", ".cpp", ".cxx"]
                    .iter()
                    .any(|ext| name.ends_with(ext))
        });
        summary.cxx.extend(
            cxx_sources
                .into_iter()
                .map(|name| Evidence::file(repo::join(dir, &name), "C++ source compiled by cgo")),
        );
    }
    for (rel, file) in files {
        for (import, line) in &file.imports {
            if let Some(local) = local_dir(modules, import) {
                summary
                    .locals
                    .push(facts::inside(rel, Some(*line), "import", "", &local));
            }
        }
    }
    summary
}

/// The project directory of an import path, when a module of the build provides it.
fn local_dir(modules: &[Module], import: &str) -> Option<String> {
    modules
        .iter()
        .filter_map(|m| {
            let rest = if import == m.path {
                ""
            } else {
                import.strip_prefix(&m.path)?.strip_prefix('/')?
            };
            Some((m.path.len(), repo::join(&m.dir, rest)))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, dir)| dir)
        .filter(|dir| {
            !dir.split('/')
                .any(|part| part == "vendor" || part == "testdata")
        })
}

/// Last elements of a module path that name the module's role in a larger project rather than
/// a program: `go.etcd.io/etcd/server/v3` is etcd's server, built as `etcd`.
const ROLE_ELEMENTS: &[&str] = &["server", "daemon", "service", "app", "main"];

/// The binary name of a main package at a module root: the last path element, skipping a
/// major-version suffix such as `/v2`; when that element names a role (`server`), the element
/// before it, the project the module serves.
fn binary_name_of_module(path: &str) -> String {
    let is_major = |part: &str| {
        part.len() > 1 && part.starts_with('v') && part[1..].chars().all(|c| c.is_ascii_digit())
    };
    let mut parts = path.rsplit('/').filter(|part| !is_major(part));
    let last = parts.next().unwrap_or(path);
    match parts.next() {
        Some(project) if ROLE_ELEMENTS.contains(&last) && !project.contains('.') => {
            project.to_string()
        }
        _ => last.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_names() {
        assert_eq!(binary_name_of_module("example.com/api"), "api");
        assert_eq!(binary_name_of_module("example.com/api/v2"), "api");
        assert_eq!(binary_name_of_module("tool"), "tool");
        assert_eq!(binary_name_of_module("go.etcd.io/etcd/server/v3"), "etcd");
        assert_eq!(binary_name_of_module("example.com/server"), "server");
        assert_eq!(binary_name_of_module("server"), "server");
    }

    #[test]
    fn local_imports_resolve_to_longest_module() {
        let modules = vec![
            Module {
                dir: String::new(),
                path: "example.com/x".into(),
                has_sum: false,
            },
            Module {
                dir: "lib".into(),
                path: "example.com/x/lib".into(),
                has_sum: false,
            },
        ];
        assert_eq!(
            local_dir(&modules, "example.com/x/internal/db").as_deref(),
            Some("internal/db")
        );
        assert_eq!(
            local_dir(&modules, "example.com/x/lib/util").as_deref(),
            Some("lib/util")
        );
        assert_eq!(local_dir(&modules, "example.com/xy"), None);
        assert_eq!(local_dir(&modules, "fmt"), None);
    }

    #[test]
    fn pure_go_sqlite_is_not_cgo() {
        assert_eq!(matching_module(CGO_MODULES, "modernc.org/sqlite"), None);
        assert_eq!(
            matching_module(CGO_MODULES, "zombiezen.com/go/sqlite"),
            None
        );
        assert!(matching_module(CGO_MODULES, "github.com/mattn/go-sqlite3").is_some());
        assert!(
            matching_module(CGO_MODULES, "github.com/confluentinc/confluent-kafka-go/v2").is_some()
        );
    }
}
