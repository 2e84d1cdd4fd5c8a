//! The directories a plain PHP web application writes to at run time: those the repository
//! keeps empty, holding only placeholders that make git keep them or deny the web server.

use crate::evidence::Evidence;
use crate::repo::{self, Repo};
use crate::safe;

/// Files that keep an otherwise empty directory in git, or keep the web server out of it.
const PLACEHOLDERS: &[&str] = &[
    ".gitkeep",
    ".keep",
    ".gitignore",
    ".htaccess",
    "index.html",
    "web.config",
];

/// How deep a tree of kept-empty directories is followed (`data/cache/.gitkeep`).
const DEPTH: usize = 3;

/// The root's directories that hold only placeholders (at least one of them a file git keeps:
/// `.gitkeep`, `.keep` or `.gitignore`), possibly in kept-empty subdirectories, each with the
/// placeholder that shows it.
pub fn kept_empty(repo: &Repo) -> Vec<(String, Evidence)> {
    repo.list_dir("", |name, kind| kind.is_dir() && !name.starts_with('.'))
        .into_iter()
        .filter(|dir| safe::relative_path(dir, "directory", dir).is_ok())
        .filter_map(|dir| {
            let keeper = placeholder_tree(repo, &dir, DEPTH)?;
            let evidence = Evidence::file(
                keeper,
                format!("{dir}/ is kept empty in the repository: the application writes there"),
            );
            Some((dir, evidence))
        })
        .collect()
}

/// The file that makes git keep `dir`, when everything under it (to `depth` levels) is a
/// placeholder.
fn placeholder_tree(repo: &Repo, dir: &str, depth: usize) -> Option<String> {
    let entries = repo.list_dir(dir, |_, _| true);
    if entries.is_empty() || depth == 0 {
        return None;
    }
    let mut keeper = None;
    for name in &entries {
        let path = repo::join(dir, name);
        if repo.is_file(&path) {
            if !PLACEHOLDERS.contains(&name.as_str()) {
                return None;
            }
            if matches!(name.as_str(), ".gitkeep" | ".keep" | ".gitignore") && keeper.is_none() {
                keeper = Some(path);
            }
        } else {
            let inner = placeholder_tree(repo, &path, depth - 1)?;
            keeper.get_or_insert(inner);
        }
    }
    keeper
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_with(files: &[&str]) -> (tempfile::TempDir, Repo) {
        let dir = tempfile::tempdir().unwrap();
        for file in files {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let repo = Repo::new(dir.path());
        (dir, repo)
    }

    #[test]
    fn a_directory_holding_only_placeholders_is_written_to() {
        let (_dir, repo) = repo_with(&[
            "index.php",
            "cache/.gitkeep",
            "data/logs/.gitignore",
            "data/.htaccess",
            "lib/Util.php",
            "lib/.gitkeep",
            "deny/.htaccess",
        ]);
        let found: Vec<String> = kept_empty(&repo).into_iter().map(|(d, _)| d).collect();
        assert_eq!(found, ["cache", "data"]);
    }
}
