//! Writing generated files: nothing existing is replaced without `force`, every file goes to a
//! temporary file in the same directory and is renamed into place, and the set is written all or
//! nothing (a failure before the renames leaves every previous file as it was).

use crate::render::Output;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Why files were not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{} already exist{}; nothing was written. Pass --force to replace, or --stdout to print", list(paths), if paths.len() == 1 { "s" } else { "" })]
    Exists { paths: Vec<PathBuf> },
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn list(paths: &[PathBuf]) -> String {
    let shown: Vec<String> = paths
        .iter()
        .take(3)
        .map(|p| p.display().to_string())
        .collect();
    match paths.len() {
        0..=3 => shown.join(" and "),
        n => format!("{} and {} more files", shown.join(", "), n - 3),
    }
}

/// Writes `outputs` into `dir`. Without `force`, fails before touching anything if any exists.
pub fn write_all(dir: &Path, outputs: &[Output], force: bool) -> Result<Vec<PathBuf>, WriteError> {
    let targets: Vec<PathBuf> = outputs.iter().map(|o| dir.join(&o.name)).collect();
    if !force {
        let existing: Vec<PathBuf> = targets
            .iter()
            .filter(|p| p.symlink_metadata().is_ok())
            .cloned()
            .collect();
        if !existing.is_empty() {
            return Err(WriteError::Exists { paths: existing });
        }
    }
    let mut staged = Vec::new();
    for (output, target) in outputs.iter().zip(&targets) {
        match stage(dir, output) {
            Ok(temp) => staged.push((temp, target)),
            Err(err) => {
                for (temp, _) in staged {
                    let _ = temp.close();
                }
                return Err(err);
            }
        }
    }
    for (temp, target) in staged {
        temp.persist(target).map_err(|err| WriteError::Io {
            path: target.clone(),
            source: err.error,
        })?;
    }
    Ok(targets)
}

fn stage(dir: &Path, output: &Output) -> Result<tempfile::NamedTempFile, WriteError> {
    let io = |source| WriteError::Io {
        path: dir.join(&output.name),
        source,
    };
    let parent = dir.join(&output.name);
    let parent = parent.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent).map_err(io)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".shiplight-")
        .tempfile_in(parent)
        .map_err(io)?;
    temp.write_all(output.contents.as_bytes()).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    set_readable(&temp).map_err(io)?;
    Ok(temp)
}

#[cfg(unix)]
fn set_readable(temp: &tempfile::NamedTempFile) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    temp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_readable(_: &tempfile::NamedTempFile) -> std::io::Result<()> {
    Ok(())
}
