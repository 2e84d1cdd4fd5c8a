//! A `start` setting on a Node project: the entry it names, resolved against what the image
//! holds (node is the runtime's entrypoint, the project's files and its production
//! dependencies' binaries are in /app).

use super::package::{Entry, NODE_VALUE_OPTIONS, Package, Start, bin_command};
use crate::commands::Set;
use crate::evidence::Evidence;
use crate::facts::DetectError;
use std::collections::BTreeSet;

/// Script extensions node runs as they are.
const SCRIPTS: &[&str] = &[".js", ".mjs", ".cjs"];

/// The entry `start` names for `package`: `node [OPTIONS] SCRIPT [ARGS]`, a script run by node
/// (`dist/main.js ARGS`), or a binary of a production dependency (`remix-serve build/...`). A
/// development server, a package manager or a program the image does not hold is refused.
pub fn entry(
    package: &Package,
    start: &Set<Vec<String>>,
    found: &BTreeSet<String>,
) -> Result<Entry, DetectError> {
    let words = &start.value;
    let shown = crate::commands::shown(words);
    let evidence = crate::commands::steps::evidence("start", start, &shown);
    let refuse = |why: String| DetectError::Broken {
        file: "settings".to_string(),
        line: None,
        cause: format!("start = {shown} (set by {}) cannot run: {why}", start.by),
    };
    let program = words[0].as_str();
    let start = if program == "node" {
        let mut options = Vec::new();
        let mut rest = words[1..].iter();
        let mut script = None;
        while let Some(word) = rest.next() {
            if word.starts_with('-') {
                options.push(word.clone());
                if NODE_VALUE_OPTIONS.contains(&word.as_str()) {
                    options.extend(rest.next().cloned());
                }
            } else {
                script = Some(word.clone());
                break;
            }
        }
        let path = script.ok_or_else(|| {
            refuse("node needs the script to run (the image runs no REPL): name it, such as `node dist/main.js`".to_string())
        })?;
        Start::Script {
            path: inside(package, &path).map_err(&refuse)?,
            options,
            args: rest.cloned().collect(),
        }
    } else if SCRIPTS.iter().any(|ext| program.ends_with(ext)) {
        Start::Script {
            path: inside(package, program).map_err(&refuse)?,
            options: Vec::new(),
            args: words[1..].to_vec(),
        }
    } else {
        match bin_command(package, &words.join(" "), &evidence, &None) {
            Some(start @ Start::Bin { .. }) if !words.iter().any(|w| w.contains(' ')) => start,
            _ => {
                return Err(refuse(format!(
                    "the Node image runs node alone, so a start is `node [OPTIONS] SCRIPT [ARGS]`, a script (.js, .mjs, .cjs) of the project, or a binary of one of {}'s production dependencies ({program} is none of these; development servers, package managers and npm scripts are not run in the image)",
                    package.manifest
                )));
            }
        }
    };
    let in_repository = match &start {
        Start::Script { path, .. } => found.contains(&crate::repo::join(&package.dir, path)),
        _ => true,
    };
    let mut detail = evidence.detail.clone();
    if !in_repository {
        detail.push_str("; the script is not in the repository, so the build must write it");
    }
    if let Some(detected) = &package.entry {
        detail.push_str(&format!("; replaces the detected start ({})", detected.evidence));
    }
    Ok(Entry {
        framework: None,
        start,
        evidence: Evidence { detail, ..evidence },
        server: None,
        env: Vec::new(),
        before: Vec::new(),
        build_env: Vec::new(),
        layout: None,
    })
}

/// `path` (relative to the package, `./` allowed) kept inside the project.
fn inside(package: &Package, path: &str) -> Result<String, String> {
    crate::repo::within(&package.dir, path)
        .map_err(|_| format!("{path} is outside the project"))?;
    Ok(path.trim_start_matches("./").to_string())
}
