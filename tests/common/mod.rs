//! The fixture projects under tests/fixtures/ and their flags, shared by the snapshot tests, the
//! command tests and the benchmark (each uses part of it).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Every fixture directory, sorted.
pub fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut list: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    list.sort();
    list
}

/// Flags for a fixture, from `tests/fixtures/NAME.args` when present.
pub fn args(fixture: &Path) -> Vec<String> {
    std::fs::read_to_string(fixture.with_extension("args"))
        .map(|text| text.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Whether the fixture is one shiplight must refuse (`tests/fixtures/NAME.refused` exists):
/// its snapshot holds the error message instead of the files.
pub fn refused(fixture: &Path) -> bool {
    fixture.with_extension("refused").exists()
}

/// Whether the fixture holds several applications that `init --all` writes a Dockerfile for
/// each of (`tests/fixtures/NAME.all` exists): its snapshot holds every file `init --all`
/// writes, and it takes no flags.
pub fn all(fixture: &Path) -> bool {
    fixture.with_extension("all").exists()
}

/// Copies a directory tree (a fixture into a temporary directory).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The path of fixture `name`.
pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A temporary project holding `files` (path, text).
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}
