//! The floors the README's architecture section describes: every module of `src/` stands on one,
//! and no module imports from a floor above its own. A new module must be given its floor here.

use std::collections::BTreeMap;
use std::path::Path;

/// Module (first path component under `src/`) -> floor, bottom first.
const FLOORS: &[(&str, &[&str])] = &[
    (
        "ground: repository access, evidence, safe values, catalogue, settings",
        &[
            "shown",
            "stack",
            "evidence",
            "repo",
            "catalog",
            "settings",
            "config",
            "images",
            "credentials",
            "safe",
            "manifest",
            "lines",
            "facts",
            "trace",
        ],
    ),
    ("stacks", &["stacks"]),
    (
        "pipeline: detect, decide, plan, render, write, check",
        &[
            "detect", "decide", "plan", "render", "promise", "write", "check", "pipeline", "error",
        ],
    ),
    (
        "commands",
        &[
            "lib", "main", "cli", "explain", "monorepo", "pins", "verify", "wizard",
        ],
    ),
];

fn floor_of(module: &str) -> Option<usize> {
    FLOORS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The crate modules a source text names outside comments: `crate::NAME`, and each name of
/// `crate::{A, B::...}`.
fn named(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        names.push(name);
                    }
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.push(name);
            }
        }
    }
    names
}

#[test]
fn no_module_imports_from_a_floor_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut violations = BTreeMap::new();
    for file in all {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        let floor = floor_of(&module).unwrap_or_else(|| {
            panic!(
                "src/{}: module {module} has no floor in tests/floors.rs",
                rel.display()
            )
        });
        let text = std::fs::read_to_string(&file).unwrap();
        for target in named(&text) {
            // Items of lib.rs itself (crate::check_dir) belong to the commands floor.
            let target_floor = floor_of(&target).unwrap_or(floor_of("lib").unwrap());
            if target_floor > floor {
                violations
                    .entry(format!("src/{}", rel.display()))
                    .or_insert_with(Vec::new)
                    .push(format!("{target} ({})", FLOORS[target_floor].0));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports from a floor above: {violations:#?}"
    );
}

#[test]
fn the_scan_sees_grouped_and_plain_imports() {
    assert_eq!(
        named(
            "use crate::{plan, stacks::Facts};\nlet x = crate::error::Error::Usage; // crate::wizard"
        ),
        vec!["plan", "stacks", "error"]
    );
}
