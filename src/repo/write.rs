//! Writing a set of files into a project, all or nothing: nothing existing is replaced without
//! `force`; no write passes through a symbolic link (a `docker/` that links elsewhere is
//! refused); every file is staged as a temporary file beside its target first, and when a
//! rename fails part-way, the files already replaced are put back as they were. A file made
//! for a moment (`verify`'s marker) gets a name nothing has yet, and only that file is removed.

use super::{Kind, Repo, path};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Why files were not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{} already exist{}; nothing was written. Pass --force to replace{}", list(paths), if paths.len() == 1 { "s" } else { "" }, if *printable { ", or --stdout to print" } else { "" })]
    Exists {
        paths: Vec<PathBuf>,
        /// The command can print instead of writing (`init --stdout`), so the message says so.
        printable: bool,
    },
    #[error("cannot write {}: {cause}; nothing was written", path.display())]
    Refused { path: PathBuf, cause: String },
    #[error("cannot write {}: {source}; nothing was written", path.display())]
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

impl WriteError {
    /// The same error from a command that can print its files instead (`init --stdout`).
    pub fn printable(self) -> WriteError {
        match self {
            WriteError::Exists { paths, .. } => WriteError::Exists {
                paths,
                printable: true,
            },
            other => other,
        }
    }
}

/// One file to write: where it goes and what is already there.
struct Target<'a> {
    rel: String,
    contents: &'a [u8],
    exists: bool,
}

/// A file [`Repo::create_fresh`] made at the root of a project: its name and identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fresh {
    name: String,
    dev: u64,
    ino: u64,
}

impl Fresh {
    /// Its name at the project's root.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A file replaced so far, to put back if a later one fails.
struct Placed {
    target: PathBuf,
    backup: Option<tempfile::TempPath>,
}

impl Repo {
    /// Writes every `(path, contents)` under the root, or none of them. Returns the paths
    /// written.
    pub fn write_all<'a>(
        &self,
        files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
        force: bool,
    ) -> Result<Vec<PathBuf>, WriteError> {
        let mut targets = Vec::new();
        let mut to_create: Vec<String> = Vec::new();
        for (name, contents) in files {
            let rel = path::normalize(name)
                .ok()
                .filter(|rel| !rel.is_empty())
                .ok_or_else(|| self.refused(name, "is not a file name inside the project"))?;
            let segments: Vec<&str> = rel.split('/').collect();
            for depth in 1..segments.len() {
                let dir = segments[..depth].join("/");
                match self.entry(&dir)? {
                    None => {
                        if !to_create.contains(&dir) {
                            to_create.push(dir);
                        }
                    }
                    Some(Entry::Dir) => {}
                    Some(Entry::Link) => {
                        return Err(self.refused(
                            &dir,
                            "is a symbolic link; shiplight never writes through a link",
                        ));
                    }
                    Some(Entry::Other(what)) => {
                        return Err(self.refused(&dir, &format!("is {what}, not a directory")));
                    }
                }
            }
            let exists = match self.entry(&rel)? {
                None => false,
                Some(Entry::Dir) => return Err(self.refused(&rel, "is a directory")),
                Some(Entry::Other(what)) if what != "a regular file" => {
                    return Err(self.refused(&rel, &format!("is {what}, not a regular file")));
                }
                Some(_) => true,
            };
            targets.push(Target {
                rel,
                contents,
                exists,
            });
        }
        if !force {
            let existing: Vec<PathBuf> = targets
                .iter()
                .filter(|t| t.exists)
                .map(|t| self.root.join(&t.rel))
                .collect();
            if !existing.is_empty() {
                return Err(WriteError::Exists {
                    paths: existing,
                    printable: false,
                });
            }
        }
        let mut created = Vec::new();
        if std::fs::symlink_metadata(&self.root).is_err() {
            std::fs::create_dir_all(&self.root).map_err(|source| WriteError::Io {
                path: self.root.clone(),
                source,
            })?;
        }
        let result = self
            .create_dirs(&to_create, &mut created)
            .and_then(|()| self.stage_and_place(&targets));
        self.forget();
        if result.is_err() {
            for dir in created.iter().rev() {
                let _ = std::fs::remove_dir(dir);
            }
        }
        result
    }

    fn create_dirs(&self, dirs: &[String], created: &mut Vec<PathBuf>) -> Result<(), WriteError> {
        for dir in dirs {
            let full = self.root.join(dir);
            match std::fs::create_dir(&full) {
                Ok(()) => created.push(full),
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                    if !matches!(self.entry(dir)?, Some(Entry::Dir)) {
                        return Err(self.refused(dir, "appeared while writing, not a directory"));
                    }
                }
                Err(source) => return Err(WriteError::Io { path: full, source }),
            }
        }
        Ok(())
    }

    fn stage_and_place(&self, targets: &[Target<'_>]) -> Result<Vec<PathBuf>, WriteError> {
        let mut staged = Vec::new();
        for target in targets {
            staged.push(self.stage(target)?);
        }
        let mut placed: Vec<Placed> = Vec::new();
        let mut written = Vec::new();
        for (temp, target) in staged.into_iter().zip(targets) {
            let path = self.root.join(&target.rel);
            match place(temp, &path, target.exists) {
                Ok(done) => {
                    placed.push(done);
                    written.push(path);
                }
                Err(source) => {
                    for done in placed.into_iter().rev() {
                        match done.backup {
                            Some(backup) => {
                                let _ = std::fs::rename(&backup, &done.target);
                            }
                            None => {
                                let _ = std::fs::remove_file(&done.target);
                            }
                        }
                    }
                    return Err(WriteError::Io { path, source });
                }
            }
        }
        Ok(written)
    }

    fn stage(&self, target: &Target<'_>) -> Result<tempfile::NamedTempFile, WriteError> {
        let path = self.root.join(&target.rel);
        let io = |source| WriteError::Io {
            path: path.clone(),
            source,
        };
        let parent = path.parent().unwrap_or(&self.root);
        let mut temp = tempfile::Builder::new()
            .prefix(".shiplight-")
            .tempfile_in(parent)
            .map_err(io)?;
        temp.write_all(target.contents).map_err(io)?;
        temp.as_file().sync_all().map_err(io)?;
        set_readable(temp.as_file()).map_err(io)?;
        Ok(temp)
    }

    /// Creates a file at the root of the project under a name nothing there has yet
    /// (`PREFIX-<pid>-<n>`, made with create-new semantics, so that no existing file, link or
    /// directory is ever replaced or written through), holding `contents`.
    pub fn create_fresh(&self, prefix: &str, contents: &[u8]) -> Result<Fresh, WriteError> {
        use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
        for n in 0..1000 {
            let name = format!("{prefix}-{}-{n}", std::process::id());
            let full = self.root.join(&name);
            let opened = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o644)
                .custom_flags(libc::O_NOFOLLOW)
                .open(&full);
            let mut file = match opened {
                Ok(file) => file,
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(source) => return Err(WriteError::Io { path: full, source }),
            };
            let made = file.metadata().map(|meta| Fresh {
                name: name.clone(),
                dev: meta.dev(),
                ino: meta.ino(),
            });
            let written = made.and_then(|fresh| file.write_all(contents).map(|()| fresh));
            self.forget();
            return written.map_err(|source| {
                let _ = std::fs::remove_file(&full);
                WriteError::Io { path: full, source }
            });
        }
        Err(self.refused(prefix, "every fresh name for it is taken"))
    }

    /// Removes the file [`Repo::create_fresh`] made, when it is still that very file (same
    /// device and inode, not a link); anything else found under its name is left alone.
    pub fn remove_fresh(&self, fresh: &Fresh) -> Result<(), WriteError> {
        use std::os::unix::fs::MetadataExt;
        let full = self.root.join(&fresh.name);
        let same = std::fs::symlink_metadata(&full).is_ok_and(|meta| {
            meta.file_type().is_file() && meta.dev() == fresh.dev && meta.ino() == fresh.ino
        });
        if same {
            std::fs::remove_file(&full).map_err(|source| WriteError::Io { path: full, source })?;
            self.forget();
        }
        Ok(())
    }

    /// What is at `rel` itself, links not followed.
    fn entry(&self, rel: &str) -> Result<Option<Entry>, WriteError> {
        match std::fs::symlink_metadata(self.root.join(rel)) {
            Ok(meta) if meta.file_type().is_symlink() => Ok(Some(Entry::Link)),
            Ok(meta) => Ok(Some(match Kind::of(&meta) {
                Kind::Dir => Entry::Dir,
                Kind::File => Entry::Other("a regular file"),
                Kind::Special(what) => Entry::Other(what),
            })),
            Err(err) if super::missing(&err) => Ok(None),
            Err(source) => Err(WriteError::Io {
                path: self.root.join(rel),
                source,
            }),
        }
    }

    fn refused(&self, rel: &str, cause: &str) -> WriteError {
        WriteError::Refused {
            path: self.root.join(rel),
            cause: cause.to_string(),
        }
    }
}

enum Entry {
    Dir,
    Link,
    Other(&'static str),
}

/// Renames `temp` onto `target`, first moving an existing target aside to a backup.
fn place(temp: tempfile::NamedTempFile, target: &Path, exists: bool) -> std::io::Result<Placed> {
    let backup = if exists {
        let parent = target.parent().unwrap_or(Path::new("."));
        let reserved = tempfile::Builder::new()
            .prefix(".shiplight-old-")
            .tempfile_in(parent)?
            .into_temp_path();
        std::fs::rename(target, &reserved)?;
        Some(reserved)
    } else {
        None
    };
    match temp.persist(target) {
        Ok(_) => Ok(Placed {
            target: target.to_path_buf(),
            backup,
        }),
        Err(err) => {
            if let Some(backup) = &backup {
                let _ = std::fs::rename(backup, target);
            }
            Err(err.error)
        }
    }
}

fn set_readable(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_rename_puts_back_every_file_already_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repo::new(dir.path());
        std::fs::write(dir.path().join("Dockerfile"), "ORIGINAL\n").unwrap();
        // A directory appears where the second file goes after the checks: its rename fails.
        std::fs::create_dir_all(dir.path().join("compose.yaml/inside")).unwrap();
        let targets = [
            Target {
                rel: "Dockerfile".to_string(),
                contents: b"NEW\n",
                exists: true,
            },
            Target {
                rel: "compose.yaml".to_string(),
                contents: b"services: {}\n",
                exists: false,
            },
        ];
        assert!(repo.stage_and_place(&targets).is_err());
        let kept = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
        assert_eq!(kept, "ORIGINAL\n");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.starts_with(".shiplight-"))
            .collect();
        assert!(left.is_empty(), "temporary files left behind: {left:?}");
    }

    #[test]
    fn nothing_is_written_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("docker")).unwrap();
        let err = Repo::new(dir.path())
            .write_all(
                [
                    ("Dockerfile", b"x".as_slice()),
                    ("docker/nginx.conf", b"y".as_slice()),
                ],
                false,
            )
            .unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(!dir.path().join("Dockerfile").exists());
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_fresh_file_never_takes_an_existing_name_and_only_it_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let pid = std::process::id();
        std::fs::write(dir.path().join(format!(".m-{pid}-0")), "OWN\n").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("target"),
            dir.path().join(format!(".m-{pid}-1")),
        )
        .unwrap();
        let repo = Repo::new(dir.path());
        let fresh = repo.create_fresh(".m", b"stamp").unwrap();
        assert_eq!(fresh.name(), format!(".m-{pid}-2"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(format!(".m-{pid}-0"))).unwrap(),
            "OWN\n"
        );
        assert!(!outside.path().join("target").exists());
        repo.remove_fresh(&fresh).unwrap();
        assert!(!dir.path().join(fresh.name()).exists());

        let again = repo.create_fresh(".m", b"stamp").unwrap();
        std::fs::write(dir.path().join("other"), "SOMEONE ELSE\n").unwrap();
        std::fs::rename(dir.path().join("other"), dir.path().join(again.name())).unwrap();
        repo.remove_fresh(&again).unwrap();
        assert!(dir.path().join(again.name()).exists());
    }
}
