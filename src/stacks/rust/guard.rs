//! Feature guards: a `compile_error!` under `#[cfg(not(any(feature = "a", feature = "b")))]`
//! in a package's build script or crate root stops the build unless one of those features is on
//! (a database backend chosen at build time, say). Read here, checked by the plan.

use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::repo::{self, Repo, SOURCE_CAP};
use serde::Serialize;

/// A build stop: `package` builds only with one of `features` enabled.
#[derive(Debug, Clone, Serialize)]
pub struct Guard {
    pub package: String,
    pub features: Vec<String>,
    pub evidence: Evidence,
}

/// The guards in `package`'s build script (`build.rs`) and the given crate roots.
pub fn find(
    repo: &Repo,
    package: &str,
    dir: &str,
    roots: &[&str],
) -> Result<Vec<Guard>, DetectError> {
    let build = repo::join(dir, "build.rs");
    let mut files: Vec<&str> = vec![&build];
    files.extend(roots.iter().copied());
    let mut guards = Vec::new();
    for file in files {
        let Some(text) = repo.read_text(file, SOURCE_CAP).unwrap_or(None) else {
            continue;
        };
        if !text.contains("compile_error!") {
            continue;
        }
        for (line, features) in scan(&text) {
            guards.push(Guard {
                package: package.to_string(),
                evidence: Evidence::line(
                    file,
                    line,
                    format!(
                        "compile_error! unless one of the features {} is enabled",
                        features.join(", ")
                    ),
                ),
                features,
            });
        }
    }
    Ok(guards)
}

/// Each `compile_error!` directly under a `#[cfg(not(...feature = "x"...))]` attribute: its
/// line and the features the attribute names.
fn scan(text: &str) -> Vec<(usize, Vec<String>)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if !line.trim_start().starts_with("compile_error!") {
            continue;
        }
        let mut attribute = String::new();
        for previous in lines[..index].iter().rev().take(6) {
            let previous = previous.trim();
            if previous.is_empty() || previous.starts_with("//") {
                continue;
            }
            attribute.insert_str(0, previous);
            if previous.starts_with("#[") {
                break;
            }
        }
        let compact: String = attribute.split_whitespace().collect();
        if !compact.starts_with("#[cfg(not(") || compact.contains("all(") {
            continue;
        }
        let features = feature_names(&compact);
        if !features.is_empty() {
            found.push((index + 1, features));
        }
    }
    found
}

fn feature_names(compact: &str) -> Vec<String> {
    compact
        .split("feature=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(name, _)| name.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_under_cfg_not_any() {
        let text = "fn main() {\n    #[cfg(not(any(\n        feature = \"sqlite\",\n        feature = \"postgresql\"\n    )))]\n    compile_error!(\"pick one\");\n}\n";
        assert_eq!(
            scan(text),
            vec![(6, vec!["sqlite".to_string(), "postgresql".to_string()])]
        );
    }

    #[test]
    fn other_compile_errors_are_not_guards() {
        assert!(
            scan("#[cfg(all(feature = \"a\", feature = \"b\"))]\ncompile_error!(\"x\");\n")
                .is_empty()
        );
        assert!(scan("#[cfg(target_os = \"windows\")]\ncompile_error!(\"x\");\n").is_empty());
        assert!(scan("compile_error!(\"x\");\n").is_empty());
        assert_eq!(
            scan("#[cfg(not(feature = \"std\"))]\ncompile_error!(\"x\");\n"),
            vec![(2, vec!["std".to_string()])]
        );
    }
}
