//! Where a path of the image comes from in the repository: the `COPY` and `ADD` lines of a
//! Dockerfile's stages, read back from destination to source.

use super::base_name;
use crate::repo::{Kind, Repo, join};

/// A `COPY` or `ADD` source: (from stage or context, source, destination, line).
pub type Copy = (Option<String>, String, String, usize);

/// The file of the repository an image path stands for: the source a `COPY` into the stage
/// (or a stage it is built on) puts there, a directory's file copied with a wildcard
/// (`COPY deploy/*  /app/`) included; else the path itself, or its name beside the Dockerfile
/// or at the root.
pub fn placed(repo: &Repo, file: &str, copies: &[Copy], path: &str) -> Option<String> {
    let name = base_name(path);
    let dir = file.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut places: Vec<String> = copies
        .iter()
        .filter(|(from, _, _, _)| from.is_none())
        .filter_map(|(_, source, dest, _)| {
            let source = source.trim_start_matches("./");
            if dest == path || base_name(dest) == name {
                return Some(source.to_string());
            }
            if !dest.ends_with('/') {
                return None;
            }
            let (from_dir, pattern) = source.rsplit_once('/').unwrap_or(("", source));
            (pattern == name || wildcard(pattern, name)).then(|| join(from_dir, name))
        })
        .collect();
    places.push(
        path.trim_start_matches("./")
            .trim_start_matches('/')
            .to_string(),
    );
    places.push(join(dir, name));
    places.push(name.to_string());
    places
        .into_iter()
        .find(|place| matches!(repo.kind(place), Ok(Some(Kind::File))))
}

/// Whether `name` matches a pattern with one `*` (`*`, `*.sh`, `entry*`).
fn wildcard(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        Some((head, tail)) if !tail.contains('*') => {
            name.len() >= head.len() + tail.len() && name.starts_with(head) && name.ends_with(tail)
        }
        _ => false,
    }
}
