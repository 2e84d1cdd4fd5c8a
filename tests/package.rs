//! The published crate: `cargo package --list` holds what builds the binary (the sources, every
//! template the binary embeds, the build script, the lock file) and the documents, and nothing
//! else: no tests, fixtures, snapshots, fuzz crate, CI scripts or build output.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Files under `dir` (relative to the crate root), recursively.
fn files_under(root: &Path, dir: &str, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(root.join(dir)).unwrap() {
        let entry = entry.unwrap();
        let rel = format!("{dir}/{}", entry.file_name().to_string_lossy());
        if entry.file_type().unwrap().is_dir() {
            files_under(root, &rel, out);
        } else {
            out.insert(rel);
        }
    }
}

#[test]
fn the_crate_holds_its_build_inputs_and_nothing_else() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "cargo package --list: {stderr}");
    let listed: BTreeSet<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();

    let top = [
        "Cargo.toml",
        "Cargo.toml.orig",
        "Cargo.lock",
        ".cargo_vcs_info.json",
        "build.rs",
        "README.md",
        "CHANGELOG.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
    ];
    let stray: Vec<&String> = listed
        .iter()
        .filter(|path| {
            !(top.contains(&path.as_str())
                || (path.starts_with("src/") && path.ends_with(".rs"))
                || (path.starts_with("templates/") && path.ends_with(".j2")))
        })
        .collect();
    assert!(stray.is_empty(), "not part of the crate: {stray:?}");

    // Every embedded template and source file, the build script and the documents are in.
    let mut wanted = BTreeSet::new();
    files_under(root, "templates", &mut wanted);
    files_under(root, "src", &mut wanted);
    wanted.extend(
        top.iter()
            .filter(|name| !matches!(**name, "Cargo.toml.orig" | ".cargo_vcs_info.json"))
            .map(|name| name.to_string()),
    );
    let missing: Vec<&String> = wanted.difference(&listed).collect();
    assert!(missing.is_empty(), "missing from the crate: {missing:?}");
    for forbidden in [
        "tests/",
        "snapshots/",
        "fuzz/",
        "target/",
        ".ci/",
        ".github/",
    ] {
        assert!(
            !listed.iter().any(|path| path.starts_with(forbidden)),
            "{forbidden} is in the crate"
        );
    }
}
