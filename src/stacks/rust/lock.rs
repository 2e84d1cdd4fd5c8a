//! Classifying native needs from Cargo.lock, which holds the whole resolved graph:
//! system OpenSSL versus vendored, C++ crates, and system libraries no runtime has.

use super::manifest::parse_toml;
use crate::evidence::Evidence;
use crate::facts::DetectError;
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

/// Native needs found in the dependency graph, each with evidence.
#[derive(Debug, Clone, Default)]
pub struct Native {
    pub system_openssl: Vec<Evidence>,
    pub vendored_openssl: Vec<Evidence>,
    pub cxx: Vec<Evidence>,
    pub system_libs: Vec<Evidence>,
    /// Crates through which the program can handle SIGTERM (tokio's signal support, signal-hook,
    /// ctrlc).
    pub signal_handling: Vec<Evidence>,
}

/// Crates in a dependency graph that install signal handlers for the program: tokio's `signal`
/// feature (which actix-web, Rocket and axum's graceful shutdown use) and signal-hook go through
/// signal-hook-registry; ctrlc installs its own.
const SIGNAL_CRATES: &[&str] = &["signal-hook-registry", "signal-hook", "ctrlc"];

/// What shiplight reads from a Cargo.lock: each package name with the line of its first
/// `name = "..."`, and which packages each depends on (by name).
#[derive(Debug, Clone, Default)]
pub struct Lock {
    pub lines: BTreeMap<String, usize>,
    pub edges: BTreeMap<String, BTreeSet<String>>,
}

/// Reads a Cargo.lock once: package names with their lines, and the dependency edges.
pub fn read(text: &str) -> Result<Lock, DetectError> {
    let lock = parse_toml("Cargo.lock", text)?;
    let mut names = BTreeSet::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
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
            names.insert(name.to_string());
            let deps = package
                .get("dependencies")
                .and_then(|d| d.as_array())
                .into_iter()
                .flatten()
                .filter_map(|d| d.as_str())
                .map(|d| d.split(' ').next().unwrap_or(d).to_string());
            edges.entry(name.to_string()).or_default().extend(deps);
        }
    }
    let mut lines = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        if let Some(name) = line
            .strip_prefix("name = \"")
            .and_then(|rest| rest.strip_suffix('"'))
            && names.contains(name)
        {
            lines.entry(name.to_string()).or_insert(index + 1);
        }
    }
    for name in names {
        lines.entry(name).or_insert(0);
    }
    Ok(Lock { lines, edges })
}

/// The packages reachable from `roots` along the lock's edges, never along an edge from a root
/// to one of its optional dependencies that no enabled feature turns on (`disabled`: root ->
/// crate names).
pub fn reachable(
    lock: &Lock,
    roots: &[String],
    disabled: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, usize> {
    let linked = roots
        .iter()
        .any(|root| lock.edges.get(root).is_some_and(|deps| !deps.is_empty()));
    if !linked {
        // A lock without edges from the project's packages (written by hand, or by a tool
        // that drops them): every package in it counts.
        return lock.lines.clone();
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<String> = roots.to_vec();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let off = disabled.get(&name);
        for next in lock.edges.get(&name).into_iter().flatten() {
            if off.is_some_and(|off| off.contains(next)) {
                continue;
            }
            stack.push(next.clone());
        }
    }
    lock.lines
        .iter()
        .filter(|(name, _)| seen.contains(*name))
        .map(|(name, line)| (name.clone(), *line))
        .collect()
}

/// Classifies the graph. `sqlite_bundled` says whether the manifests ask for SQLite's bundled build.
pub fn classify(file: &str, crates: &BTreeMap<String, usize>, sqlite_bundled: bool) -> Native {
    let at = |name: &str, detail: String| match crates.get(name) {
        Some(&line) if line > 0 => Evidence::line(file, line, detail),
        _ => Evidence::file(file, detail),
    };
    let has = |name: &str| crates.contains_key(name);
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
    for name in crates.keys().filter(|name| links_cxx(name)) {
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

    fn lock(names: &[&str]) -> BTreeMap<String, usize> {
        let text: String = names
            .iter()
            .map(|n| format!("[[package]]\nname = \"{n}\"\nversion = \"1.0.0\"\n\n"))
            .collect();
        read(&format!("version = 4\n\n{text}")).unwrap().lines
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
        let all = reachable(&lock, &roots, &BTreeMap::new());
        assert!(all.contains_key("pq-sys"));
        let off = BTreeMap::from([("app".to_string(), BTreeSet::from(["pq-sys".to_string()]))]);
        let some = reachable(&lock, &roots, &off);
        assert!(!some.contains_key("pq-sys") && some.contains_key("serde"));
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
    fn broken_lock_names_file() {
        let err = read("[[package]\nname=").unwrap_err();
        assert!(err.to_string().starts_with("Cargo.lock:1:"), "{err}");
    }
}
