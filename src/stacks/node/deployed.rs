//! What Node detection takes from the project's deployment descriptors (see
//! `crate::deployed`): a package.json the build copies to the project root from a directory of
//! the repository, when the root holds none.

use crate::deployed::{Deployed, base_name};
use crate::evidence::Evidence;
use crate::repo::Repo;

/// The repository file a deployment's build copies to the project root as package.json
/// (`cp /app/install/package.json /app/`, `cp install/package.json .`), with the build
/// command as evidence. The copy must land where the rest of the repository lies: the
/// directory the source path sits under once the repository file is taken off.
pub fn copied_manifest(repo: &Repo, deployed: &Deployed) -> Option<(String, Evidence)> {
    deployed.builds_with("cp").find_map(|build| {
        let operands: Vec<&str> = build.argv[1..]
            .iter()
            .map(String::as_str)
            .filter(|word| !word.starts_with('-'))
            .collect();
        let [source, dest] = operands.as_slice() else {
            return None;
        };
        let (file, prefix) = repository_file(repo, source)?;
        let dest = match base_name(dest) {
            "package.json" => dest.strip_suffix("package.json").unwrap_or(dest),
            _ => dest,
        };
        if normal_dir(dest) != normal_dir(prefix) {
            return None;
        }
        let detail = format!("the build copies {file} to the project root as package.json");
        Some((
            file,
            Evidence {
                detail,
                ..build.evidence.clone()
            },
        ))
    })
}

/// The package.json in a directory of the repository that `source` names, found by taking
/// leading directories off it, and the part taken off.
fn repository_file<'a>(repo: &Repo, source: &'a str) -> Option<(String, &'a str)> {
    if base_name(source) != "package.json" || source.split('/').any(|part| part == "..") {
        return None;
    }
    let starts = std::iter::once(0).chain(source.match_indices('/').map(|(at, _)| at + 1));
    starts
        .map(|start| (&source[start..], &source[..start]))
        .find(|(file, _)| {
            let file = file.trim_start_matches("./");
            file.contains('/') && crate::safe::relative_path(file, "", file).is_ok() && repo.is_file(file)
        })
        .map(|(file, prefix)| (file.trim_start_matches("./").to_string(), prefix))
}

/// A directory path without `./` or trailing slashes (`.` and `./` are the empty path).
fn normal_dir(dir: &str) -> &str {
    let dir = dir.trim_end_matches('/');
    let dir = dir.strip_prefix("./").unwrap_or(dir);
    if dir == "." { "" } else { dir }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployed::{Build, Source};

    fn deployed(argv: &[&str]) -> Deployed {
        Deployed {
            builds: vec![Build {
                argv: argv.iter().map(|word| word.to_string()).collect(),
                env: Vec::new().into(),
                source: Source::Dockerfile,
                evidence: Evidence::line("Dockerfile", 7, "RUN"),
            }],
            ..Deployed::default()
        }
    }

    #[test]
    fn a_manifest_copied_to_the_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("install")).unwrap();
        std::fs::write(dir.path().join("install/package.json"), "{}").unwrap();
        let repo = Repo::new(dir.path());
        let found = |argv: &[&str]| copied_manifest(&repo, &deployed(argv)).map(|(file, _)| file);
        let install = Some("install/package.json".to_string());
        assert_eq!(found(&["cp", "/app/install/package.json", "/app/"]), install);
        assert_eq!(found(&["cp", "install/package.json", "."]), install);
        assert_eq!(found(&["cp", "-f", "./install/package.json", "./package.json"]), install);
        assert_eq!(found(&["cp", "/app/install/package.json", "/srv/"]), None);
        assert_eq!(found(&["cp", "/app/install/package.json", "/app/web/"]), None);
        assert_eq!(found(&["cp", "/app/other/package.json", "/app/"]), None);
        assert_eq!(found(&["cp", "/app/install/../install/package.json", "/app/"]), None);
        let (_, evidence) = copied_manifest(&repo, &deployed(&["cp", "install/package.json", "."])).unwrap();
        assert_eq!(evidence.place(), "Dockerfile:7");
    }
}
