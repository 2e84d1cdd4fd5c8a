//! The walk from a main package through the project packages it imports: each package read
//! and scanned once (on the machine's threads when there are many), what it contributes to a
//! main package gathered once, and every main package's cgo, C++, port, health and embed
//! evidence gathered from them.

use foldhash::{HashMap, HashSet};
use super::{
    CGO_MODULES, CXX_MODULES, MainPackage, Module, STUBBED_WITHOUT_CGO, binary_name_of_module,
    display_dir, in_module, matching_module, source,
};
use crate::evidence::Evidence;
use crate::facts::{self, DetectError};
use crate::repo::{self, Repo, SOURCE_CAP};
use std::collections::{BTreeSet, VecDeque};
use std::rc::Rc;

/// Most packages followed from one main package before the walk stops.
const PACKAGE_LIMIT: usize = 2000;

/// The scanned files of a package.
type Files = Rc<[(String, source::GoFile)]>;

/// The packages of the project read so far: the main packages of a project share most of what
/// they import, and each package is read, scanned and summarized once. Every package directory
/// met has an index, and the walk from a main package goes by index.
#[derive(Default)]
pub(super) struct Scanned {
    /// The scanned files of each package directory read.
    files: HashMap<String, Files>,
    /// The package directories met, by index.
    dirs: Vec<String>,
    /// The index of each directory in `dirs`.
    ids: HashMap<String, usize>,
    /// What each package contributes to a main package, by index, once gathered.
    summaries: Vec<Option<Rc<Summary>>>,
    /// What [`gather`] made of the packages explored, by directory, until summarized.
    gathered: HashMap<String, Gathered>,
}

/// What [`gather`] gives.
type Gathered = (Summary, Vec<Result<String, DetectError>>);

impl Scanned {
    /// The index of package directory `dir`, given it on first meeting.
    fn id(&mut self, dir: &str) -> usize {
        if let Some(id) = self.ids.get(dir) {
            return *id;
        }
        let id = self.dirs.len();
        self.dirs.push(dir.to_string());
        self.ids.insert(dir.to_string(), id);
        self.summaries.push(None);
        id
    }

    /// What the package `id` contributes to a main package that builds it, gathered once.
    fn summary(
        &mut self,
        repo: &Repo,
        modules: &[Module],
        id: usize,
    ) -> Result<Rc<Summary>, DetectError> {
        if let Some(summary) = &self.summaries[id] {
            return Ok(Rc::clone(summary));
        }
        let dir = self.dirs[id].clone();
        let files = self.package(repo, &dir)?;
        let (mut summary, locals) = self
            .gathered
            .remove(&dir)
            .unwrap_or_else(|| gather(modules, &files));
        finish(repo, &dir, &files, &mut summary);
        summary.imports = locals
            .into_iter()
            .map(|local| local.map(|local| self.id(&local)))
            .collect();
        let summary = Rc::new(summary);
        self.summaries[id] = Some(Rc::clone(&summary));
        Ok(summary)
    }

    /// The files of the package in `dir`, as [`package_files`] finds them.
    fn package(&mut self, repo: &Repo, dir: &str) -> Result<Files, DetectError> {
        if let Some(files) = self.files.get(dir) {
            return Ok(Rc::clone(files));
        }
        let files: Files = package_files(repo, dir)?.into();
        self.files.insert(dir.to_string(), Rc::clone(&files));
        Ok(files)
    }

    /// Reads and scans the packages of `dirs` and the project packages they import, directly
    /// or not, on the machine's threads: what [`Scanned::package`] then finds in memory. A
    /// package the exploration cannot answer for is left for [`Scanned::package`] to read.
    /// Packages read before (by the exploration for another module of a workspace) are not
    /// read again, nor followed: what they import was explored with them, or is read by the
    /// walk itself when it meets a package not read yet ([`Scanned::prefetch`]).
    pub(super) fn explore(&mut self, repo: &Repo, modules: &[Module], dirs: &[String]) {
        let known: HashSet<&String> = self.files.keys().collect();
        let starts: Vec<String> = dirs.iter().filter(|dir| !known.contains(dir)).cloned().collect();
        let read = repo::Reading {
            cap: SOURCE_CAP,
            pick: source::is_buildable_name,
            enough: source::part_is_enough,
            scan: source::scan,
        };
        let found = repo.explore(
            &starts,
            PACKAGE_LIMIT,
            read,
            |_, files| {
                let files = package_of(files);
                let gathered = gather(modules, &files);
                let next = gathered
                    .1
                    .iter()
                    .filter_map(|local| local.as_ref().ok())
                    .filter(|local| !known.contains(local))
                    .cloned()
                    .collect();
                ((files, gathered), next)
            },
        );
        for (dir, (files, gathered)) in found {
            if !self.files.contains_key(&dir) {
                self.files.insert(dir.clone(), files.into());
                self.gathered.insert(dir, gathered);
            }
        }
    }

    /// Reads and scans the packages of `dirs` not read yet, their files in parallel: what
    /// [`Scanned::package`] then finds in memory. A package with a file that cannot be read is
    /// left for [`Scanned::package`] to report, at its turn.
    pub(super) fn prefetch<'d>(&mut self, repo: &Repo, dirs: impl Iterator<Item = &'d String>) {
        let dirs: Vec<&String> = dirs.filter(|dir| !self.files.contains_key(*dir)).collect();
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
                self.files.insert(dir, package_of(read).into());
            }
        }
    }
}

/// The names of the files in `dir` a Go build could compile.
pub(super) fn buildable_files(repo: &Repo, dir: &str) -> Vec<String> {
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
pub(super) fn analyse_main(
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

    let start = scanned.id(dir);
    let mut seen = Seen::default();
    seen.insert(start);
    let mut queue = VecDeque::from([start]);
    let mut stubbed = Vec::new();
    let mut drivers = BTreeSet::new();
    while let Some(id) = queue.pop_front() {
        if !scanned.files.contains_key(&scanned.dirs[id]) {
            let dirs: Vec<String> = std::iter::once(id)
                .chain(queue.iter().copied())
                .map(|id| scanned.dirs[id].clone())
                .collect();
            scanned.prefetch(repo, dirs.iter());
        }
        let summary = scanned.summary(repo, modules, id)?;
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
        for local in summary.imports.iter() {
            let local = *local.as_ref().map_err(Clone::clone)?;
            if seen.count < PACKAGE_LIMIT && seen.insert(local) {
                queue.push_back(local);
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

/// The packages one walk has met, by index.
#[derive(Default)]
struct Seen {
    met: Vec<bool>,
    count: usize,
}

impl Seen {
    /// Marks package `id` met: whether it was not before.
    fn insert(&mut self, id: usize) -> bool {
        if id >= self.met.len() {
            self.met.resize(id + 1, false);
        }
        let new = !self.met[id];
        self.met[id] = true;
        self.count += usize::from(new);
        new
    }
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
    /// Whether a file of the package imports "C".
    uses_cgo: bool,
    /// The project packages its imports name, by index (or why one cannot be used).
    imports: Vec<Result<usize, DetectError>>,
}

/// What the package of `files` contributes to a main package as far as its files tell (what
/// [`finish`] adds from the directory, and its imports, left for [`Scanned::summary`]), with
/// the project package directories its imports name, each once, where a file first imports
/// it. Reads nothing: it runs on any thread.
fn gather(
    modules: &[Module],
    files: &[(String, source::GoFile)],
) -> (Summary, Vec<Result<String, DetectError>>) {
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
        for (import, line) in file.imports.iter() {
            if !names_a_host(import) {
                continue;
            }
            let stubbed = STUBBED_WITHOUT_CGO
                .iter()
                .find(|(module, _)| matching_module(&[module], import).is_some())
                .filter(|_| file.imports.blank(import));
            if let Some((module, driver)) = stubbed {
                summary.stubbed.push((
                    driver,
                    Evidence::line(
                        rel.clone(),
                        line,
                        format!("imports {module}, which works only with cgo, and the program opens driver {driver}"),
                    ),
                ));
            } else if let Some(module) = matching_module(CGO_MODULES, import) {
                summary.cgo_imports.push(Evidence::line(
                    rel.clone(),
                    line,
                    format!("imports {module}, which builds only with cgo"),
                ));
            }
            if let Some(module) = matching_module(CXX_MODULES, import) {
                summary.cxx.push(Evidence::line(
                    rel.clone(),
                    line,
                    format!("imports {module}, which links C++"),
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
    summary.uses_cgo = uses_cgo;
    let mut locals = Vec::new();
    let mut named = HashSet::default();
    for (rel, file) in files {
        for (import, line) in file.imports.iter() {
            let in_project = modules.iter().any(|m| in_module(&m.path, import).is_some());
            if !in_project || !named.insert(import) {
                continue;
            }
            if let Some(local) = local_dir(modules, import) {
                locals.push(facts::inside(rel, Some(line), "import", "", &local));
            }
        }
    }
    (summary, locals)
}

/// Whether an import path starts with a host name (a dot in its first element): the modules
/// of [`CGO_MODULES`], [`CXX_MODULES`] and [`STUBBED_WITHOUT_CGO`] all do, the standard
/// library's packages never.
fn names_a_host(import: &str) -> bool {
    import
        .bytes()
        .take_while(|&byte| byte != b'/')
        .any(|byte| byte == b'.')
}

/// Adds to the summary of the package in `dir` what its directory tells: the embedded paths
/// the sources do not hold and, when the package uses cgo, the C++ sources cgo compiles.
fn finish(repo: &Repo, dir: &str, files: &[(String, source::GoFile)], summary: &mut Summary) {
    let embeds = files
        .iter()
        .flat_map(|(rel, file)| file.embeds.iter().map(move |embed| (rel, embed)));
    for (rel, (pattern, line)) in embeds {
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
    if summary.uses_cgo {
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
}

/// The project directory of an import path, when a module of the build provides it.
fn local_dir(modules: &[Module], import: &str) -> Option<String> {
    modules
        .iter()
        .filter_map(|m| {
            let rest = in_module(&m.path, import)?;
            Some((m.path.len(), repo::join(&m.dir, rest)))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, dir)| dir)
        .filter(|dir| {
            !dir.split('/')
                .any(|part| part == "vendor" || part == "testdata")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_of_the_tables_names_a_host() {
        let modules = CGO_MODULES
            .iter()
            .chain(CXX_MODULES)
            .chain(STUBBED_WITHOUT_CGO.iter().map(|(module, _)| module));
        for module in modules {
            assert!(names_a_host(module), "{module}");
        }
        assert!(!names_a_host("net/http"));
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
}
