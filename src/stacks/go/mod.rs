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
mod walk;
pub use kind::Kind;

use crate::evidence::Evidence;
use crate::facts::{self, DetectError, Fact, Signals};
use crate::repo::{self, Pending, Repo};
use crate::repo::{MANIFEST_CAP, SOURCE_CAP};
use crate::stacks::Detection;
use serde::Serialize;
use walk::buildable_files;

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
pub fn detect(repo: &Repo, deployed: &Pending<'_, crate::deployed::Deployed>) -> Detection {
    match read(repo, deployed) {
        Ok(Some(facts)) => Detection::Found {
            facts: Box::new(crate::stacks::Facts::Go(Box::new(facts))),
        },
        Ok(None) => Detection::Absent {
            looked_for: "go.mod or go.work".to_string(),
        },
        Err(error) => Detection::Broken { error },
    }
}

fn read(
    repo: &Repo,
    deployed: &Pending<'_, crate::deployed::Deployed>,
) -> Result<Option<GoFacts>, DetectError> {
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

    // The main packages are looked for, and the packages they import explored, while the
    // deployed evidence may still be read.
    let mut deployed_go = None;
    let mut scanned = walk::Scanned::default();
    let mut searched = Vec::new();
    for m in &modules {
        let mut dirs = main_candidates(repo, &m.dir)?;
        let deployed: &deployed::DeployedGo =
            deployed_go.get_or_insert_with(|| deployed::read(deployed.get()));
        dirs.extend(deployed_dirs(repo, &modules, m, deployed, &dirs));
        scanned.explore(repo, &modules, &dirs);
        searched.push((m, dirs));
    }
    let deployed = deployed_go.unwrap_or_else(|| deployed::read(deployed.get()));
    // The build scripts are read on a thread of their own, through a Repo of its own, while
    // the main packages are walked (on this thread alone); only naming the binaries found
    // waits for them.
    let root = repo.root();
    let read_scripts = || scripts::read(&Repo::new(root));
    let found = repo::pending(&read_scripts, |scripts| -> Result<_, DetectError> {
        let mut mains = Vec::new();
        for (m, dirs) in searched {
            for dir in dirs {
                if let Some(mut main) = walk::analyse_main(repo, &mut scanned, &modules, m, &dir)? {
                    if let Some((name, evidence)) = scripts.get().outputs.get(dir.as_str()) {
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
        Ok((mains, scripts.take(), deployed))
    });
    let (mains, scripts, deployed) = found?;
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

/// The module of `table` that import path `path` is in.
fn matching_module<'a>(table: &[&'a str], path: &str) -> Option<&'a str> {
    table
        .iter()
        .copied()
        .find(|module| in_module(module, path).is_some())
}

/// What follows module path `module` in import path `path` (`""` for the module itself, else
/// what follows its `/`), when `path` is in that module. The byte at the boundary is looked at
/// before the prefix is compared: it alone tells most imports apart.
fn in_module<'p>(module: &str, path: &'p str) -> Option<&'p str> {
    let rest = match path.as_bytes().get(module.len()) {
        None if path.len() == module.len() => "",
        Some(b'/') => &path[module.len() + 1..],
        _ => return None,
    };
    path.starts_with(module).then_some(rest)
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
    fn pure_go_sqlite_is_not_cgo() {
        assert_eq!(in_module("a.com/x", "a.com/x"), Some(""));
        assert_eq!(in_module("a.com/x", "a.com/x/y/z"), Some("y/z"));
        assert_eq!(in_module("a.com/x", "a.com/xy"), None);
        assert_eq!(in_module("a.com/x", "b.com/x/y"), None);
        assert_eq!(in_module("a.com/x", "a.com"), None);
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
