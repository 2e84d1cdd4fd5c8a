//! Classifying native needs from Cargo.lock, which holds the whole resolved graph:
//! system OpenSSL versus vendored, C++ crates, and system libraries no runtime has.

use foldhash::{HashMap, HashMapExt};
use super::manifest::parse_toml;
use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::lines::{TomlItem, TomlItems, toml_elements, toml_string, toml_tables_read};
use crate::repo::MANIFEST_CAP;
use std::collections::{BTreeMap, BTreeSet};

/// Crates that link the C++ standard library.
pub const CXX_CRATES: &[&str] = &[
    "cxx",
    "link-cplusplus",
    "librocksdb-sys",
    "libduckdb-sys",
    "snappy-sys",
    "leveldb-sys",
    "grpcio-sys",
    "hyperscan-sys",
    "skia-bindings",
    "torch-sys",
    "v8",
    "opencv",
];

/// Whether a crate links the C++ standard library: one of [`CXX_CRATES`], or a renamed fork of
/// RocksDB's bindings (`rust-librocksdb-sys`, `ckb-librocksdb-sys`, `rocksdb-sys`, ...).
fn links_cxx(name: &str) -> bool {
    CXX_CRATES.contains(&name) || (name.contains("rocksdb") && name.ends_with("-sys"))
}

/// Crates that link a system library dynamically unless their bundled source crate is present:
/// (crate, crate that bundles it, library the runtime would need).
pub const SYSTEM_LIBRARY_CRATES: &[(&str, &str, &str)] = &[
    ("pq-sys", "pq-src", "libpq.so.5"),
    ("mysqlclient-sys", "mysqlclient-src", "libmysqlclient"),
];

/// Crates that link system libraries no runtime image carries and whose headers come from
/// Debian packages the builder image is not known to carry, with no bundled build a crate of
/// the graph shows: (crate, libraries, Debian packages the build stage needs for them).
pub const SYSTEM_HEADERS: &[(&str, &str, &[&str])] = &[
    ("libheif-sys", "libheif.so.1", &["libheif-dev"]),
    ("ffmpeg-sys-next", FFMPEG, FFMPEG_PACKAGES),
    ("ffmpeg-sys", FFMPEG, FFMPEG_PACKAGES),
];

/// FFmpeg's libraries, as the `-sys` crates link them by default.
const FFMPEG: &str =
    "FFmpeg's libavcodec, libavformat, libavutil, libavfilter, libavdevice, libswscale and libswresample";

/// The Debian packages of FFmpeg's headers, and libclang for the bindings bindgen generates.
const FFMPEG_PACKAGES: &[&str] = &[
    "libavcodec-dev",
    "libavformat-dev",
    "libavutil-dev",
    "libavfilter-dev",
    "libavdevice-dev",
    "libswscale-dev",
    "libswresample-dev",
    "libclang-dev",
];

/// Debian packages that serve the build as one of [`SYSTEM_HEADERS`]' packages does:
/// (package, the package it stands for). `clang` brings the libclang (libclang1-N) and the
/// compiler headers (libclang-common-N-dev) that bindgen loads, as libclang-dev does.
const SERVES_AS: &[(&str, &str)] = &[("clang", "libclang-dev")];

/// Whether an installed Debian package gives the build what `needed` (a package of
/// [`SYSTEM_HEADERS`]) gives it.
pub fn serves(installed: &str, needed: &str) -> bool {
    installed == needed || SERVES_AS.contains(&(installed, needed))
}

/// Crates that build jemalloc. Asked to replace the C allocator (`super::UNPREFIXED`), its
/// `malloc` collides with a statically linked glibc's (duplicate symbols), so the binary links
/// glibc dynamically.
pub const ALLOCATOR_CRATES: &[&str] = &["jemalloc-sys", "tikv-jemalloc-sys"];

/// Crates that embed an interpreter's C library, linked dynamically: (crate, library).
pub const EMBEDDED_RUNTIMES: &[(&str, &str)] = &[("pyo3-ffi", "libpython3 (Python embedded)")];

/// Native needs found in the dependency graph, each with evidence.
#[derive(Debug, Clone, Default)]
pub struct Native {
    pub system_openssl: Vec<Evidence>,
    pub vendored_openssl: Vec<Evidence>,
    pub cxx: Vec<Evidence>,
    pub system_libs: Vec<Evidence>,
    /// Crates that replace the C allocator (see [`ALLOCATOR_CRATES`]).
    pub allocator: Vec<Evidence>,
    /// Crates through which the program can handle SIGTERM (tokio's signal support, signal-hook,
    /// ctrlc).
    pub signal_handling: Vec<Evidence>,
}

/// Crates in a dependency graph that install signal handlers for the program: tokio's `signal`
/// feature (which actix-web, Rocket and axum's graceful shutdown use) and signal-hook go through
/// signal-hook-registry; ctrlc installs its own.
const SIGNAL_CRATES: &[&str] = &["signal-hook-registry", "signal-hook", "ctrlc"];

/// What shiplight reads from a Cargo.lock: each package name with the line of its first
/// `name = "..."`, and which packages each depends on. Every name (a package's, or one only
/// depended on) is held once, in name order; its index stands for it in the edges.
#[derive(Debug, Clone, Default)]
pub struct Lock {
    names: Vec<String>,
    /// The line of each package's first `name = "..."` (0 when not written plainly), `None`
    /// for a name that is only depended on.
    lines: Vec<Option<usize>>,
    /// Each name's dependencies, sorted and without repeats.
    deps: Vec<Vec<u32>>,
    /// Set when the file was too large to parse whole and was read by lines instead: says so,
    /// at the first line not in the form cargo writes when there is one (then the graph has
    /// no edges, and every locked package counts).
    pub by_lines: Option<Evidence>,
}

impl Lock {
    /// The lock of `packages` (a name locked twice, in two versions, merges its dependencies
    /// and keeps the first line written plainly).
    fn new(packages: &[Package<'_>]) -> Lock {
        let (names, slots) = held_names(packages);
        let index = |name: &str| slots[name];
        let mut lines = vec![None; names.len()];
        let mut deps: Vec<Vec<u32>> = vec![Vec::new(); names.len()];
        for package in packages {
            let at = index(package.name) as usize;
            if matches!(lines[at], None | Some(0)) {
                lines[at] = Some(package.line);
            }
            deps[at].extend(package.deps.iter().map(|dep| index(dep)));
        }
        for list in &mut deps {
            list.sort_unstable();
            list.dedup();
        }
        Lock {
            names: names.into_iter().map(str::to_string).collect(),
            lines,
            deps,
            by_lines: None,
        }
    }

    /// The index of `name`, if the lock holds it.
    fn index(&self, name: &str) -> Option<u32> {
        self.names
            .binary_search_by(|held| held.as_str().cmp(name))
            .ok()
            .map(|at| at as u32)
    }

    /// The locked packages in name order, each with the line of its entry.
    pub fn packages(&self) -> impl Iterator<Item = (&str, usize)> {
        self.names
            .iter()
            .zip(&self.lines)
            .filter_map(|(name, line)| Some((name.as_str(), (*line)?)))
    }

    /// The names package `name` depends on, in name order.
    pub fn dependencies(&self, name: &str) -> impl Iterator<Item = &str> {
        let deps = self.index(name).map_or(&[][..], |at| &self.deps[at as usize]);
        deps.iter().map(|&dep| self.names[dep as usize].as_str())
    }

    /// Whether one of `roots` has a dependency in the lock.
    fn linked(&self, roots: &[u32]) -> bool {
        roots.iter().any(|&root| !self.deps[root as usize].is_empty())
    }
}

/// Every name of `packages` in name order (theirs, and those only depended on, which a lock
/// cargo wrote has none of), with the index of each.
fn held_names<'a>(packages: &[Package<'a>]) -> (Vec<&'a str>, HashMap<&'a str, u32>) {
    let slots = |names: &[&'a str]| -> HashMap<&'a str, u32> {
        names.iter().enumerate().map(|(at, name)| (*name, at as u32)).collect()
    };
    let mut names: Vec<&str> = packages.iter().map(|p| p.name).collect();
    names.sort_unstable();
    names.dedup();
    let mut index = slots(&names);
    let others: Vec<&str> = packages
        .iter()
        .flat_map(|p| p.deps.iter().copied())
        .filter(|dep| !index.contains_key(dep))
        .collect();
    if !others.is_empty() {
        names.extend(others);
        names.sort_unstable();
        names.dedup();
        index = slots(&names);
    }
    (names, index)
}

/// Reads a Cargo.lock once: package names with their lines, and the dependency edges. The lock
/// is read by lines ([`package_tables`]): parsing the whole document takes most of the run (a
/// lock of a few hundred KiB, milliseconds), and a larger one, seconds ([`by_lines`]). A lock no
/// larger than a manifest may be ([`MANIFEST_CAP`]) with a line not in the form cargo writes
/// is parsed whole as TOML instead, which reads it as before or names what is broken.
pub fn read(text: &str) -> Result<Lock, DetectError> {
    if text.len() as u64 > MANIFEST_CAP {
        return Ok(by_lines(text));
    }
    let (packages, unread) = package_tables(text);
    if unread.is_none() {
        return Ok(Lock::new(&packages));
    }
    parsed(text)
}

/// A Cargo.lock parsed whole as TOML: what [`read`] takes from it.
fn parsed(text: &str) -> Result<Lock, DetectError> {
    let lock = parse_toml("Cargo.lock", text)?;
    let mut packages: Vec<Package> = Vec::new();
    if let Some(list) = lock.get("package") {
        let list = list.as_array().ok_or_else(|| DetectError::Broken {
            file: "Cargo.lock".to_string(),
            line: None,
            cause: "package must be an array of tables".to_string(),
        })?;
        for package in list {
            let Some(name) = package.get("name").and_then(|n| n.as_str()) else {
                continue;
            };
            let deps = package
                .get("dependencies")
                .and_then(|d| d.as_array())
                .into_iter()
                .flatten()
                .filter_map(|d| d.as_str())
                .map(|d| d.split(' ').next().unwrap_or(d))
                .collect();
            packages.push(Package { name, line: 0, deps });
        }
    }
    let lines = name_lines(text);
    for package in &mut packages {
        package.line = lines.get(package.name).copied().unwrap_or(0);
    }
    Ok(Lock::new(&packages))
}

/// Each name of an unindented `name = "..."` line with the line of its first one.
fn name_lines(text: &str) -> HashMap<&str, usize> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (index, line) in text.lines().enumerate() {
        if let Some(name) = line
            .strip_prefix("name = \"")
            .and_then(|rest| rest.strip_suffix('"'))
        {
            first.entry(name).or_insert(index + 1);
        }
    }
    first
}

/// Reads a Cargo.lock by lines, in one pass, as cargo writes it: each `[[package]]` table's
/// `name` and the first word of each string of its `dependencies` array, which is what
/// [`read`] takes from the parsed document. The file is not checked to be valid TOML. A line
/// of a package that is not read that way (a `[package.*]` table, a `name` or `dependencies`
/// of another shape, a bracket or string that does not close) drops the edges, so every
/// locked package counts, and [`Lock::by_lines`] names it.
pub fn by_lines(text: &str) -> Lock {
    let (mut packages, unread) = package_tables(text);
    let size = MANIFEST_CAP >> 20;
    let by_lines = match unread {
        None => Evidence::file(
            "Cargo.lock",
            format!("resolved dependency graph, read by lines: the file is larger than {size} MiB"),
        ),
        Some(line) => {
            for package in &mut packages {
                package.deps.clear();
            }
            Evidence::line(
                "Cargo.lock",
                line,
                format!(
                    "resolved dependency graph, read by lines since the file is larger than {size} MiB; this line is not in the form cargo writes, so every locked package counts"
                ),
            )
        }
    };
    Lock {
        by_lines: Some(by_lines),
        ..Lock::new(&packages)
    }
}

/// The `[[package]]` tables of a Cargo.lock read by lines, with the first line not read the way
/// cargo writes it, if any; a large lock in parts at once ([`toml_tables_read`]).
fn package_tables(text: &str) -> (Vec<Package<'_>>, Option<usize>) {
    toml_tables_read(text, "package", tables_in, |package| &mut package.line)
}

/// [`package_tables`] in one pass over `text`, its lines counted from 1.
fn tables_in(text: &str) -> (Vec<Package<'_>>, Option<usize>) {
    let mut packages: Vec<Package> = Vec::new();
    let mut unread: Option<usize> = None;
    let mut block: Option<Package> = None;
    for item in TomlItems::new(text) {
        match item {
            TomlItem::Table { name, array, line } => {
                packages.extend(block.take().filter(|p| !p.name.is_empty()));
                if array && name == "package" {
                    block = Some(Package::default());
                } else if name == "package" || name.starts_with("package.") {
                    unread.get_or_insert(line);
                }
            }
            TomlItem::Pair {
                key,
                value,
                written,
                line,
            } => {
                let Some(package) = &mut block else {
                    if key == "package" || key.starts_with("package.") {
                        unread.get_or_insert(line);
                    }
                    continue;
                };
                match key {
                    "name" => match toml_string(value) {
                        Some(name) if package.name.is_empty() && !name.is_empty() => {
                            package.name = name;
                            let plain = written
                                .strip_prefix("name = \"")
                                .and_then(|rest| rest.strip_suffix('"'));
                            package.line = if plain == Some(name) { line } else { 0 };
                        }
                        Some(_) => {}
                        None => {
                            unread.get_or_insert(line);
                        }
                    },
                    "dependencies" => {
                        let Some(elements) = toml_elements(value) else {
                            unread.get_or_insert(line);
                            continue;
                        };
                        for element in elements {
                            match toml_string(element) {
                                Some(dep) => package.deps.push(dep.split(' ').next().unwrap_or(dep)),
                                None if element.starts_with(['"', '\'']) => {
                                    unread.get_or_insert(line);
                                }
                                None => {}
                            }
                        }
                    }
                    _ if key.starts_with("name.") || key.starts_with("dependencies.") => {
                        unread.get_or_insert(line);
                    }
                    _ => {}
                }
            }
            TomlItem::Unread { line } => {
                unread.get_or_insert(line);
            }
        }
    }
    packages.extend(block.filter(|p| !p.name.is_empty()));
    (packages, unread)
}

/// One `[[package]]` table of a Cargo.lock read by lines: its name, the line of its
/// `name = "..."` when written plainly (else 0), and the first words of its dependencies.
#[derive(Debug, Default, PartialEq, Eq)]
struct Package<'a> {
    name: &'a str,
    line: usize,
    deps: Vec<&'a str>,
}

/// The crates a build reaches in the lock's graph: those reachable from the project's packages
/// along the lock's edges, never along an edge from a package to one of its optional
/// dependencies that no enabled feature turns on. Made once per set of features, it answers
/// for any crates cut off ([`Walk::reach`]).
pub struct Walk<'a> {
    lock: &'a Lock,
    roots: Vec<u32>,
    /// For each package of the project (by index), the dependencies its features leave off,
    /// sorted.
    off: HashMap<u32, Vec<u32>>,
}

impl<'a> Walk<'a> {
    /// The walk from `roots` with the optional dependencies `disabled` leaves off (package ->
    /// crate names).
    pub fn new(lock: &'a Lock, roots: &[String], disabled: &BTreeMap<String, BTreeSet<String>>) -> Walk<'a> {
        let off = disabled
            .iter()
            .filter_map(|(package, crates)| {
                let mut crates: Vec<u32> = crates.iter().filter_map(|c| lock.index(c)).collect();
                crates.sort_unstable();
                Some((lock.index(package)?, crates))
            })
            .collect();
        Walk {
            lock,
            roots: roots.iter().filter_map(|root| lock.index(root)).collect(),
            off,
        }
    }

    /// The packages reached, never going into a crate named in `cut` (see
    /// [`Names::named_for`]). A lock without edges from the project's packages (written by
    /// hand, or by a tool that drops them) reaches every package in it.
    pub fn reach<'c>(&self, cut: impl IntoIterator<Item = &'c String>) -> Reached<'a> {
        let lock = self.lock;
        if !lock.linked(&self.roots) {
            return Reached {
                lock,
                on: lock.lines.iter().map(Option::is_some).collect(),
            };
        }
        let mut blocked = vec![false; lock.names.len()];
        for at in cut.into_iter().filter_map(|name| lock.index(name)) {
            blocked[at as usize] = true;
        }
        let mut on = vec![false; lock.names.len()];
        let mut stack = self.roots.clone();
        while let Some(at) = stack.pop() {
            if std::mem::replace(&mut on[at as usize], true) {
                continue;
            }
            let off = self.off.get(&at).map_or(&[][..], Vec::as_slice);
            for &next in &lock.deps[at as usize] {
                if !on[next as usize] && !blocked[next as usize] && off.binary_search(&next).is_err() {
                    stack.push(next);
                }
            }
        }
        for (on, line) in on.iter_mut().zip(&lock.lines) {
            *on &= line.is_some();
        }
        Reached { lock, on }
    }
}

/// The packages of a lock a walk reached ([`Walk::reach`]).
pub struct Reached<'a> {
    lock: &'a Lock,
    on: Vec<bool>,
}

/// Crates to classify, each with the line of its entry (0 when not known): the packages a
/// walk of Cargo.lock reached, or the direct dependencies of the manifests.
pub trait Crates {
    /// The line of crate `name`'s entry, if it is among them.
    fn line(&self, name: &str) -> Option<usize>;
    /// Their names, in name order.
    fn names(&self) -> impl Iterator<Item = &str>;
}

impl Crates for Reached<'_> {
    fn line(&self, name: &str) -> Option<usize> {
        let at = self.lock.index(name)? as usize;
        if self.on[at] { self.lock.lines[at] } else { None }
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.lock
            .names
            .iter()
            .zip(&self.on)
            .filter_map(|(name, on)| on.then_some(name.as_str()))
    }
}

impl Crates for BTreeMap<String, usize> {
    fn line(&self, name: &str) -> Option<usize> {
        self.get(name).copied()
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.keys().map(String::as_str)
    }
}

/// The packages reachable from `roots`, as [`Walk::reach`] finds them, each with its line.
#[cfg(test)]
fn reachable(
    lock: &Lock,
    roots: &[String],
    disabled: &BTreeMap<String, BTreeSet<String>>,
    cut: &BTreeSet<String>,
) -> BTreeMap<String, usize> {
    let reached = Walk::new(lock, roots, disabled).reach(cut);
    reached
        .names()
        .map(|name| (name.to_string(), reached.line(name).unwrap_or(0)))
        .collect()
}

/// The package names of a lock, each with `_` written `-`, one after another in one text: what
/// [`Names::named_for`] searches once per feature, instead of each name once per feature.
pub struct Names<'a> {
    /// The names as the lock spells them.
    names: Vec<&'a str>,
    /// The names with `-` for `_`, one after another, each followed by a newline.
    dashed: String,
    /// Where each name starts in `dashed`.
    starts: Vec<usize>,
}

impl<'a> Names<'a> {
    /// The names of the packages of `lock`.
    pub fn of(lock: &'a Lock) -> Names<'a> {
        let names: Vec<&str> = lock.packages().map(|(name, _)| name).collect();
        let mut dashed = String::with_capacity(names.iter().map(|name| name.len() + 1).sum());
        let mut starts = Vec::with_capacity(names.len());
        for name in &names {
            starts.push(dashed.len());
            dashed.extend(name.chars().map(|c| if c == '_' { '-' } else { c }));
            dashed.push('\n');
        }
        Names {
            names,
            dashed,
            starts,
        }
    }

    /// The crates named for a dependency feature `feature`: the crate of that name (the
    /// optional dependency a feature of the same name turns on) and those that carry it as a
    /// hyphenated part of their name (`tokio-openssl`, `openssl-probe` for `openssl`). Crates
    /// that link or build the native code themselves (`-sys`, `-src`) are not among them: they
    /// count as reached when another route leads to them.
    pub fn named_for(&self, feature: &str) -> BTreeSet<String> {
        let feature = feature.replace('_', "-");
        if feature.is_empty() {
            return BTreeSet::new();
        }
        let (prefix, suffix, part) = (format!("{feature}-"), format!("-{feature}"), format!("-{feature}-"));
        let named = |name: &str| {
            !name.ends_with("-sys")
                && !name.ends_with("-src")
                && (name == feature
                    || name.starts_with(&prefix)
                    || name.ends_with(&suffix)
                    || name.contains(&part))
        };
        // Every name `named` keeps holds the feature, so the hits of one search of the text
        // lead to all of them: a hit lies inside one name unless the feature holds the newline
        // that ends each, and then a hit across two names could hide one inside the next, so
        // each name is asked alone.
        let candidates: Vec<usize> = if feature.contains('\n') {
            (0..self.names.len()).collect()
        } else {
            let mut hits: Vec<usize> = memchr::memmem::find_iter(self.dashed.as_bytes(), feature.as_bytes())
                .map(|hit| self.starts.partition_point(|start| *start <= hit) - 1)
                .collect();
            hits.dedup();
            hits
        };
        candidates
            .into_iter()
            .filter(|at| named(self.dashed_name(*at)))
            .map(|at| self.names[at].to_string())
            .collect()
    }

    /// The `at`th name with `-` for `_`.
    fn dashed_name(&self, at: usize) -> &str {
        let end = self.starts.get(at + 1).map_or(self.dashed.len(), |next| *next) - 1;
        &self.dashed[self.starts[at]..end]
    }
}

/// Classifies the graph. `sqlite_bundled` says whether the manifests ask for SQLite's bundled build.
pub fn classify(file: &str, crates: &impl Crates, sqlite_bundled: bool) -> Native {
    let at = |name: &str, detail: String| match crates.line(name) {
        Some(line) if line > 0 => Evidence::line(file, line, detail),
        _ => Evidence::file(file, detail),
    };
    let has = |name: &str| crates.line(name).is_some();
    let mut native = Native::default();
    if has("openssl-sys") {
        if has("openssl-src") {
            native.vendored_openssl.push(at(
                "openssl-src",
                "openssl-src: OpenSSL is vendored and linked statically".to_string(),
            ));
        } else {
            native.system_openssl.push(at(
                "openssl-sys",
                "openssl-sys without openssl-src: links the system OpenSSL (libssl.so.3)"
                    .to_string(),
            ));
        }
    }
    for name in crates.names().filter(|name| links_cxx(name)) {
        native.cxx.push(at(name, format!("{name} links libstdc++")));
    }
    for (name, bundle, library) in SYSTEM_LIBRARY_CRATES {
        if has(name) && !has(bundle) {
            native.system_libs.push(at(
                name,
                format!("{name} without {bundle}: links {library}, which no runtime image carries"),
            ));
        }
    }
    for (name, library, _) in SYSTEM_HEADERS.iter().filter(|(name, _, _)| has(name)) {
        native.system_libs.push(at(
            name,
            format!("{name}: links {library}, which no runtime image carries"),
        ));
    }
    for (name, library) in EMBEDDED_RUNTIMES.iter().filter(|(name, _)| has(name)) {
        native.system_libs.push(at(
            name,
            format!("{name}: links {library}, which no runtime image carries"),
        ));
    }
    for name in ALLOCATOR_CRATES.iter().filter(|name| has(name)) {
        native.allocator.push(at(
            name,
            format!("{name} with {}: jemalloc replaces malloc, which a statically linked glibc also defines", super::UNPREFIXED),
        ));
    }
    for name in SIGNAL_CRATES.iter().filter(|name| has(name)) {
        native.signal_handling.push(at(
            name,
            format!("{name}: the program can handle SIGTERM itself"),
        ));
    }
    if has("libsqlite3-sys") && !sqlite_bundled && !has("sqlx-sqlite") {
        native.system_libs.push(at(
            "libsqlite3-sys",
            "libsqlite3-sys without the bundled feature: links libsqlite3.so.0, which no runtime image carries".to_string(),
        ));
    }
    native
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_lock_read_in_parts_reads_as_in_one_pass() {
        let mut text = String::from("version = 4\n\n");
        for index in 0..1500 {
            text.push_str(&format!(
                "[[package]]\nname = \"c{index}\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{index:064}\"\ndependencies = [\n \"c{} 1.0.0\",\n \"c{}\",\n]\n\n",
                (index + 1) % 1500,
                (index + 7) % 1500,
            ));
        }
        assert!(text.len() >= crate::lines::PARTS_FROM);
        let (tables, unread) = package_tables(&text);
        assert_eq!((&tables, unread), (&tables_in(&text).0, None));
        assert_eq!(tables.len(), 1500);
        let last = text.rfind("name = \"c1499\"").unwrap();
        assert_eq!(tables[1499].line, text[..last].matches('\n').count() + 1);
        assert_eq!(tables[1499].deps, ["c0", "c6"]);
    }

    fn lock(names: &[&str]) -> BTreeMap<String, usize> {
        let text: String = names
            .iter()
            .map(|n| format!("[[package]]\nname = \"{n}\"\nversion = \"1.0.0\"\n\n"))
            .collect();
        let lock = read(&format!("version = 4\n\n{text}")).unwrap();
        lock.packages().map(|(name, line)| (name.to_string(), line)).collect()
    }

    /// The lock's packages with their lines, and each package's dependencies.
    fn graph(lock: &Lock) -> (Vec<(&str, usize)>, Vec<Vec<&str>>) {
        let packages: Vec<(&str, usize)> = lock.packages().collect();
        let deps = packages.iter().map(|(name, _)| lock.dependencies(name).collect()).collect();
        (packages, deps)
    }

    #[test]
    fn signal_handling_crates() {
        let native = classify(
            "Cargo.lock",
            &lock(&["app", "tokio", "signal-hook-registry"]),
            false,
        );
        assert_eq!(native.signal_handling.len(), 1);
        assert!(
            native.signal_handling[0]
                .detail
                .starts_with("signal-hook-registry")
        );
        let native = classify("Cargo.lock", &lock(&["app", "tokio", "mio"]), false);
        assert!(native.signal_handling.is_empty());
    }

    #[test]
    fn openssl_system_versus_vendored() {
        let native = classify(
            "Cargo.lock",
            &lock(&["app", "openssl", "openssl-sys"]),
            false,
        );
        assert_eq!(native.system_openssl.len(), 1);
        assert_eq!(native.system_openssl[0].line, Some(12));
        let native = classify("Cargo.lock", &lock(&["openssl-sys", "openssl-src"]), false);
        assert!(native.system_openssl.is_empty());
        assert_eq!(native.vendored_openssl.len(), 1);
    }

    #[test]
    fn optional_dependencies_off_are_not_reached() {
        let text = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"1.0.0\"\ndependencies = [\"pq-sys\", \"serde\"]\n\n[[package]]\nname = \"pq-sys\"\nversion = \"0.6.0\"\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\n";
        let lock = read(text).unwrap();
        let roots = vec!["app".to_string()];
        let all = reachable(&lock, &roots, &BTreeMap::new(), &BTreeSet::new());
        assert!(all.contains_key("pq-sys"));
        let off = BTreeMap::from([("app".to_string(), BTreeSet::from(["pq-sys".to_string()]))]);
        let some = reachable(&lock, &roots, &off, &BTreeSet::new());
        assert!(!some.contains_key("pq-sys") && some.contains_key("serde"));
    }

    #[test]
    fn crates_named_for_a_feature() {
        let text = "[[package]]\nname = \"app\"\ndependencies = [\"web\", \"native-tls\"]\n\n[[package]]\nname = \"web\"\ndependencies = [\"openssl\", \"tokio-openssl\"]\n\n[[package]]\nname = \"tokio-openssl\"\ndependencies = [\"openssl-sys\"]\n\n[[package]]\nname = \"openssl\"\ndependencies = [\"openssl-sys\"]\n\n[[package]]\nname = \"native-tls\"\ndependencies = [\"openssl-sys\"]\n\n[[package]]\nname = \"openssl-sys\"\n\n[[package]]\nname = \"opensslx\"\n";
        let lock = read(text).unwrap();
        let named = Names::of(&lock).named_for("openssl");
        assert_eq!(
            named.iter().map(String::as_str).collect::<Vec<_>>(),
            ["openssl", "tokio-openssl"]
        );
        let roots = ["app".to_string()];
        let reached = reachable(&lock, &roots, &BTreeMap::new(), &named);
        assert!(reached.contains_key("openssl-sys"), "native-tls still leads to it");
        let only_web = ["web".to_string()];
        let reached = reachable(&lock, &only_web, &BTreeMap::new(), &named);
        assert!(!reached.contains_key("openssl-sys"));
    }

    #[test]
    fn names_are_matched_dashed_and_given_as_locked() {
        let text = "[[package]]\nname = \"app\"\n\n[[package]]\nname = \"tokio_openssl\"\n\n[[package]]\nname = \"openssl_probe\"\n\n[[package]]\nname = \"openssl\"\n\n[[package]]\nname = \"not-openssl-sys\"\n";
        let lock = read(text).unwrap();
        let names = Names::of(&lock);
        assert_eq!(
            names.named_for("openssl").into_iter().collect::<Vec<_>>(),
            ["openssl", "openssl_probe", "tokio_openssl"]
        );
        assert_eq!(
            names.named_for("openssl_probe").into_iter().collect::<Vec<_>>(),
            ["openssl_probe"]
        );
        assert!(names.named_for("").is_empty());
        assert!(names.named_for("l\nt").is_empty());
    }

    #[test]
    fn renamed_rocksdb_forks_link_cxx() {
        for fork in ["rust-librocksdb-sys", "ckb-librocksdb-sys", "rocksdb-sys"] {
            let native = classify("Cargo.lock", &lock(&["app", fork]), false);
            assert_eq!(native.cxx.len(), 1, "{fork}");
        }
        assert!(
            classify("Cargo.lock", &lock(&["rocksdb-types"]), false)
                .cxx
                .is_empty()
        );
    }

    #[test]
    fn cxx_and_system_libraries() {
        let native = classify(
            "Cargo.lock",
            &lock(&["cxx", "pq-sys", "libsqlite3-sys"]),
            false,
        );
        assert_eq!(native.cxx.len(), 1);
        assert_eq!(native.system_libs.len(), 2);
        let native = classify(
            "Cargo.lock",
            &lock(&["pq-sys", "pq-src", "libsqlite3-sys"]),
            true,
        );
        assert!(native.system_libs.is_empty());
    }

    #[test]
    fn embedded_python_and_jemalloc() {
        let native = classify(
            "Cargo.lock",
            &lock(&["pyo3", "pyo3-ffi", "tikv-jemalloc-sys"]),
            false,
        );
        assert_eq!(native.system_libs.len(), 1);
        assert!(native.system_libs[0].detail.contains("libpython3"));
        assert_eq!(native.allocator.len(), 1);
    }

    #[test]
    fn statically_built_c_is_pure() {
        let native = classify(
            "Cargo.lock",
            &lock(&["ring", "zstd-sys", "aws-lc-sys"]),
            false,
        );
        assert!(
            native.system_openssl.is_empty()
                && native.cxx.is_empty()
                && native.system_libs.is_empty()
        );
    }

    #[test]
    fn read_by_lines_as_parsed() {
        let text = r#"# This file is automatically @generated by Cargo.
# It is not intended for manual editing.
version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "openssl",
 "serde 1.0.0",
 "serde 2.0.0 (registry+https://github.com/rust-lang/crates.io-index)",
]

[[package]]
name = "openssl"
version = "0.10.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "00"
dependencies = ["openssl-sys", "libc"]

[[package]]
name = "openssl-sys"
version = "0.9.0"
dependencies = [
 "libc", # the ] in this comment closes nothing
]

[[package]]
name = "libc"
version = "0.2.0"

[[package]]
name = "serde"
version = "1.0.0"

[[package]]
name = "serde"
version = "2.0.0"
dependencies = [
 "serde_derive",
]

[[package]]
name = "serde_derive"
version = "2.0.0"

[metadata]
"checksum serde 1.0.0" = "name = \"x\""
"#;
        let parsed = parsed(text).unwrap();
        let small = read(text).unwrap();
        assert_eq!(graph(&parsed), graph(&small));
        assert!(small.by_lines.is_none());
        let lined = by_lines(text);
        assert_eq!(graph(&parsed), graph(&lined));
        assert_eq!(lined.dependencies("app").count(), 2);
        assert_eq!(lined.by_lines.unwrap().line, None);
        let big = format!("{text}#{}\n", "x".repeat(MANIFEST_CAP as usize));
        assert!(read(&big).unwrap().by_lines.is_some());
    }

    #[test]
    fn a_line_not_read_counts_every_package() {
        let text = "[[package]]\nname = \"app\"\ndependencies = [\"a\"]\n\n[package.extra]\nx = 1\n\n[[package]]\nname = \"a\"\n\n[[package]]\nname = \"b\"\n";
        let lock = by_lines(text);
        assert!(lock.deps.iter().all(Vec::is_empty));
        assert_eq!(lock.packages().count(), 3);
        assert_eq!(lock.by_lines.as_ref().unwrap().line, Some(5));
        let all = reachable(&lock, &["app".to_string()], &BTreeMap::new(), &BTreeSet::new());
        assert_eq!(all.len(), 3);
        assert_eq!(read(text).unwrap().dependencies("app").count(), 1);
        let unclosed = by_lines("[[package]]\nname = \"app\"\ndependencies = [\n \"a\",\n");
        assert_eq!(unclosed.by_lines.unwrap().line, Some(3));
    }

    #[test]
    fn a_name_only_depended_on_is_no_package() {
        let text = "[[package]]\nname = \"app\"\ndependencies = [\"zed\", \"ghost\"]\n\n[[package]]\nname = \"zed\"\n";
        let lock = read(text).unwrap();
        assert_eq!(lock.dependencies("app").collect::<Vec<_>>(), ["ghost", "zed"]);
        assert_eq!(lock.packages().collect::<Vec<_>>(), [("app", 2), ("zed", 6)]);
        let reached = reachable(&lock, &["app".to_string()], &BTreeMap::new(), &BTreeSet::new());
        assert_eq!(reached.keys().collect::<Vec<_>>(), ["app", "zed"]);
    }

    #[test]
    fn broken_lock_names_file() {
        let err = read("[[package]\nname=").unwrap_err();
        assert!(err.to_string().starts_with("Cargo.lock:1:"), "{err}");
    }

    #[test]
    fn clang_serves_as_libclang_dev_and_nothing_else_stands_in() {
        assert!(serves("libclang-dev", "libclang-dev"));
        assert!(serves("clang", "libclang-dev"));
        assert!(!serves("clang-14", "libclang-dev"));
        assert!(!serves("clang", "libheif-dev"));
        assert!(!serves("libheif1", "libheif-dev"));
    }
}
