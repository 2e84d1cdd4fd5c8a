//! The one way into a project: every file shiplight reads or writes there goes through a
//! [`Repo`]. Paths are relative to the root and resolved here, one segment at a time, so that
//! nothing outside the root is ever opened, stat-ed or probed:
//! - `..` that climbs above the root and absolute paths are refused before any lookup;
//! - a symbolic link is followed only when its target, resolved lexically, stays inside the
//!   root (an absolute target never does); its target is read, never stat-ed, before that;
//! - only regular files are opened, never FIFOs, devices, sockets or directories, and every read
//!   has a size cap;
//! - writes never pass through a symbolic link and replace a whole set of files or none.
//!
//! This module stands on the bottom floor: it knows files, not stacks or plans.

mod explore;
pub mod path;
mod pending;
pub mod pool;
pub mod write;

pub use explore::Reading;
pub use path::{Escape, join, normalize, within};
pub use pending::{Pending, pending};
pub use write::{Fresh, WriteError};

use foldhash::{HashMap, HashMapExt};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::io::Read;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Largest manifest shiplight reads; larger files are refused, not truncated.
pub const MANIFEST_CAP: u64 = 1 << 20;
/// Largest lock file shiplight reads.
pub const LOCK_CAP: u64 = 16 << 20;
/// Largest source file read while looking for `import "C"` or a port.
pub const SOURCE_CAP: u64 = 1 << 20;
/// How many symbolic links one lookup may pass through.
const MAX_LINKS: usize = 32;

/// A file that cannot be used, with why: names the path as the project spells it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {cause}", crate::shown::line(file))]
pub struct RepoError {
    /// The path relative to the project root, as it was asked for.
    pub file: String,
    pub cause: String,
}

/// What is at a path once links inside the root are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    /// A FIFO, socket or device: never opened.
    Special(&'static str),
}

impl Kind {
    /// Whether it is a regular file.
    pub fn is_file(&self) -> bool {
        *self == Kind::File
    }

    /// Whether it is a directory.
    pub fn is_dir(&self) -> bool {
        *self == Kind::Dir
    }

    fn of(meta: &std::fs::Metadata) -> Kind {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_file() {
            Kind::File
        } else if kind.is_dir() {
            Kind::Dir
        } else if kind.is_fifo() {
            Kind::Special("a FIFO")
        } else if kind.is_socket() {
            Kind::Special("a socket")
        } else if kind.is_block_device() || kind.is_char_device() {
            Kind::Special("a device")
        } else {
            Kind::Special("not a regular file")
        }
    }
}

/// What a directory entry is, as its directory lists it (links not followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    File,
    Dir,
    Link,
    Special,
}

/// A path resolved inside the root: its real segments (no links left) and what is there.
#[derive(Debug, Clone)]
struct Resolved {
    real: String,
    kind: Kind,
    /// The links followed on the way, counted against [`MAX_LINKS`].
    links: usize,
}

/// A project directory, the boundary of everything shiplight reads and writes in it.
#[derive(Debug, Clone)]
pub struct Repo {
    root: PathBuf,
    /// Every whole-file read of this run, by path and cap: a file several questions ask about
    /// is read once.
    reads: RefCell<HashMap<(String, u64), WholeRead>>,
    /// The same for reads of a file as text.
    texts: RefCell<HashMap<(String, u64), TextRead>>,
    /// The same for reads of a file's head.
    heads: RefCell<HashMap<(String, u64), HeadRead>>,
    /// What each real path under the root is, as one `lstat` found it: resolution walks the
    /// same directories and misses the same files many times in a run.
    looks: RefCell<HashMap<String, Look>>,
    /// Every resolution of this run, by the path asked for.
    resolved: RefCell<HashMap<String, Resolution>>,
    /// Directories (real paths) asked about more than once for a name they lack: their listing,
    /// which answers further misses without an lstat each (`None`: too large to list).
    listings: RefCell<HashMap<String, Listing>>,
    /// Every directory [`Repo::list_dir`] listed, by real path: its entries with the kind of
    /// each (links followed inside the root, the others left out), sorted by name.
    lists: RefCell<HashMap<String, Listed>>,
}

/// What is known of a directory's names for lookups.
#[derive(Debug, Clone)]
enum Listing {
    /// One name was missing there.
    Missed,
    /// Its names (`None`: too many to list, or unreadable).
    Listed(Option<Rc<BTreeSet<String>>>),
}

/// A directory with more entries than this is not listed for lookups.
const LISTED_MAX: usize = 512;

type Resolution = Result<Option<Resolved>, RepoError>;

/// One `lstat` of a real path under the root, links not followed.
#[derive(Debug, Clone)]
enum Look {
    Missing,
    Link(Result<String, String>),
    Found(Kind),
    Unreadable(String),
}

/// A directory's entries with their kinds, sorted by name.
type Listed = Rc<[(String, Kind)]>;
type HeadRead = Result<Option<(Rc<String>, bool)>, RepoError>;
type WholeRead = Result<Option<Rc<[u8]>>, RepoError>;
type TextRead = Result<Option<Rc<String>>, RepoError>;
/// A text [`Repo::map_texts`] read, with what its function made of it.
pub type MappedText<T> = Result<Option<(Rc<String>, T)>, RepoError>;

impl Repo {
    /// The project at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Repo {
        Repo {
            root: root.into(),
            reads: RefCell::new(HashMap::new()),
            texts: RefCell::new(HashMap::new()),
            heads: RefCell::new(HashMap::new()),
            looks: RefCell::new(HashMap::new()),
            resolved: RefCell::new(HashMap::new()),
            listings: RefCell::new(HashMap::new()),
            lists: RefCell::new(HashMap::new()),
        }
    }

    /// The root as given.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A repository for directory `rel` inside this one (a service of a monorepo).
    pub fn sub(&self, rel: &str) -> Result<Repo, RepoError> {
        match self.resolve(rel)? {
            Some(found) if found.kind.is_dir() => Ok(Repo::new(self.root.join(&found.real))),
            _ => Err(refusal(rel, "is not a directory inside the project")),
        }
    }

    /// Follows `rel` from the root one segment at a time. `Ok(None)` when nothing is there.
    fn resolve(&self, rel: &str) -> Resolution {
        if let Some(done) = self.resolved.borrow().get(rel) {
            return done.clone();
        }
        let found = self.resolve_uncached(rel);
        self.resolved
            .borrow_mut()
            .insert(rel.to_string(), found.clone());
        found
    }

    /// A path of several segments continues from its parent's resolution (cached, so a walk
    /// resolves each directory once); a single segment, or a parent that failed (the message
    /// names the path asked about), starts from the root.
    fn resolve_uncached(&self, rel: &str) -> Resolution {
        let first = path::segments(rel).map_err(|escape| refusal(rel, &escape.to_string()))?;
        if let Some((last, parents)) = first.split_last()
            && !parents.is_empty()
        {
            match self.resolve(&parents.join("/")) {
                Ok(None) => return Ok(None),
                Ok(Some(parent)) => return self.walk(rel, parent, vec![last.to_string()]),
                Err(_) => {}
            }
        }
        let root = Resolved {
            real: String::new(),
            kind: Kind::Dir,
            links: 0,
        };
        self.walk(
            rel,
            root,
            first.iter().rev().map(|s| s.to_string()).collect(),
        )
    }

    /// Follows the `pending` segments (the next last) from `from`, one at a time.
    fn walk(&self, rel: &str, from: Resolved, mut pending: Vec<String>) -> Resolution {
        let fail = |cause: String| refusal(rel, &cause);
        let Resolved {
            mut real,
            mut kind,
            mut links,
        } = from;
        while let Some(segment) = pending.pop() {
            if !kind.is_dir() {
                return Ok(None);
            }
            if segment == ".." {
                if real.is_empty() {
                    return Err(fail(
                        "is reached through a symbolic link that leaves the project; shiplight follows links only inside it".to_string(),
                    ));
                }
                real.truncate(real.rfind('/').unwrap_or(0));
                kind = Kind::Dir;
                continue;
            }
            let parent = real.len();
            if !real.is_empty() {
                real.push('/');
            }
            real.push_str(&segment);
            let target = match self.look(&real) {
                Look::Missing => return Ok(None),
                Look::Unreadable(err) => return Err(fail(format!("cannot read it: {err}"))),
                Look::Found(found) => {
                    kind = found;
                    continue;
                }
                Look::Link(target) => target,
            };
            real.truncate(parent);
            links += 1;
            if links > MAX_LINKS {
                return Err(fail("is behind a loop of symbolic links".to_string()));
            }
            let target = target.map_err(fail)?;
            if target.starts_with('/') {
                return Err(fail(
                    "is a symbolic link to an absolute path; shiplight follows links only inside the project".to_string(),
                ));
            }
            let target_segments = target.split('/').filter(|s| !s.is_empty() && *s != ".");
            pending.extend(
                target_segments
                    .rev()
                    .map(str::to_string)
                    .collect::<Vec<_>>(),
            );
            kind = Kind::Dir;
        }
        Ok(Some(Resolved { real, kind, links }))
    }

    /// `lstat` of `real` (a path of real segments under the root), once per run; none for a
    /// name the listing of its directory lacks (a listing for [`Repo::list_dir`] names every
    /// entry but links it left out, and those were looked at when it was made).
    fn look(&self, real: &str) -> Look {
        if let Some(found) = self.looks.borrow().get(real) {
            return found.clone();
        }
        let (dir, name) = real.rsplit_once('/').unwrap_or(("", real));
        if let Some(Listing::Listed(Some(names))) = self.listings.borrow().get(dir)
            && !names.contains(name)
        {
            return Look::Missing;
        }
        if let Some(listed) = self.lists.borrow().get(dir)
            && listed
                .binary_search_by(|(known, _)| known.as_str().cmp(name))
                .is_err()
        {
            return Look::Missing;
        }
        let full = self.root.join(real);
        let found = match std::fs::symlink_metadata(&full) {
            Err(err) if missing(&err) => Look::Missing,
            Err(err) => Look::Unreadable(err.to_string()),
            Ok(meta) if meta.file_type().is_symlink() => Look::Link(
                std::fs::read_link(&full)
                    .map_err(|err| format!("cannot read the symbolic link: {err}"))
                    .and_then(|target| {
                        target
                            .into_os_string()
                            .into_string()
                            .map_err(|_| "is a symbolic link whose target is not UTF-8".to_string())
                    }),
            ),
            Ok(meta) => Look::Found(Kind::of(&meta)),
        };
        if matches!(found, Look::Missing) {
            self.miss_in(dir);
        }
        self.looks
            .borrow_mut()
            .insert(real.to_string(), found.clone());
        found
    }

    /// Records a miss in directory `dir`: on its second, the directory is listed once, so that
    /// the many names detection asks about and a project lacks cost no lstat each.
    fn miss_in(&self, dir: &str) {
        let mut listings = self.listings.borrow_mut();
        match listings.get(dir) {
            Some(Listing::Listed(_)) => return,
            Some(Listing::Missed) => {}
            None => {
                listings.insert(dir.to_string(), Listing::Missed);
                return;
            }
        }
        let names = open_dir(&self.root, dir).and_then(|fd| {
            let mut names = BTreeSet::new();
            let mut whole = true;
            let read = each_entry(&fd, |name, _| {
                match std::str::from_utf8(name) {
                    Ok(name) if names.len() < LISTED_MAX => {
                        names.insert(name.to_string());
                    }
                    _ => whole = false,
                }
                whole
            });
            (read && whole).then(|| Rc::new(names))
        });
        listings.insert(dir.to_string(), Listing::Listed(names));
    }

    /// Forgets what this run has seen, after shiplight itself changed the project.
    pub(crate) fn forget(&self) {
        self.looks.borrow_mut().clear();
        self.resolved.borrow_mut().clear();
        self.listings.borrow_mut().clear();
        self.lists.borrow_mut().clear();
        self.reads.borrow_mut().clear();
        self.texts.borrow_mut().clear();
        self.heads.borrow_mut().clear();
    }

    /// What is at `rel`: `Ok(None)` when nothing is, an error when it cannot be used.
    pub fn kind(&self, rel: &str) -> Result<Option<Kind>, RepoError> {
        Ok(self.resolve(rel)?.map(|found| found.kind))
    }

    /// Whether anything is at `rel`, usable or not (a link that leaves the project counts, so
    /// that reading it names the refusal).
    pub fn exists(&self, rel: &str) -> bool {
        !matches!(self.resolve(rel), Ok(None))
    }

    /// Whether `rel` is a regular file inside the project.
    pub fn is_file(&self, rel: &str) -> bool {
        matches!(self.kind(rel), Ok(Some(Kind::File)))
    }

    /// Whether a manifest or lock file is at `rel`: `Ok(false)` when nothing is there, `Ok(true)`
    /// for a regular file, and the refusal [`Repo::read`] would give for anything else (a link
    /// leaving the project, a directory, a FIFO), so that such a file is never passed over for
    /// another one.
    pub fn has_file(&self, rel: &str) -> Result<bool, RepoError> {
        match self.resolve(rel)? {
            None => Ok(false),
            Some(found) => regular(found.kind)
                .map(|()| true)
                .map_err(|cause| refusal(rel, &cause)),
        }
    }

    /// Whether `rel` is a directory inside the project.
    pub fn is_dir(&self, rel: &str) -> bool {
        matches!(self.kind(rel), Ok(Some(Kind::Dir)))
    }

    /// Whether `rel` is a regular file with an execute bit.
    pub fn is_executable(&self, rel: &str) -> bool {
        use std::os::unix::fs::PermissionsExt;
        match self.resolve(rel) {
            Ok(Some(found)) if found.kind.is_file() => {
                std::fs::symlink_metadata(self.root.join(&found.real))
                    .is_ok_and(|meta| meta.permissions().mode() & 0o111 != 0)
            }
            _ => false,
        }
    }

    /// Reads `rel` as bytes, at most `cap` of them. `Ok(None)` when nothing is there; an error
    /// naming the file when it is a link leaving the project, not a regular file, unreadable or
    /// larger than `cap`.
    pub fn read(&self, rel: &str, cap: u64) -> Result<Option<Vec<u8>>, RepoError> {
        let key = (rel.to_string(), cap);
        if let Some(done) = self.reads.borrow().get(&key) {
            return done.clone().map(|found| found.map(|bytes| bytes.to_vec()));
        }
        let result = self.read_uncached(rel, cap);
        self.reads.borrow_mut().insert(
            key,
            result
                .as_ref()
                .map(|found| found.as_deref().map(Rc::from))
                .map_err(Clone::clone),
        );
        result
    }

    fn read_uncached(&self, rel: &str, cap: u64) -> Result<Option<Vec<u8>>, RepoError> {
        let Some(found) = self.resolve(rel)? else {
            return Ok(None);
        };
        whole_bytes(&self.root.join(&found.real), found.kind, cap)
            .map(Some)
            .map_err(|cause| refusal(rel, &cause))
    }

    /// Reads the first `limit` bytes of `rel` as UTF-8 text (a character cut at the end is
    /// dropped), with whether that is the whole file: for questions answered at the top of a
    /// file (Go's package clause and imports), however large the file is.
    pub fn read_head(&self, rel: &str, limit: u64) -> HeadRead {
        let key = (rel.to_string(), limit);
        if let Some(done) = self.heads.borrow().get(&key) {
            return done.clone();
        }
        let result = self.read_head_uncached(rel, limit);
        self.heads.borrow_mut().insert(key, result.clone());
        result
    }

    fn read_head_uncached(&self, rel: &str, limit: u64) -> HeadRead {
        let Some(found) = self.resolve(rel)? else {
            return Ok(None);
        };
        let (text, whole) = head(&self.root.join(&found.real), found.kind, limit)
            .map_err(|cause| refusal(rel, &cause))?;
        Ok(Some((Rc::new(text), whole)))
    }

    /// [`Repo::text`] of each of `rels`, mapped by `f`, in the order of `rels`, the reads and
    /// `f` run in parallel as [`Repo::map_heads`] runs them, from two texts on (`f` parses):
    /// for the manifests of a workspace, the compose files of a project. Each text read here is
    /// kept for [`Repo::text`] too, and handed to `f` with what `f` makes of it.
    pub fn map_texts<T: Send>(
        &self,
        rels: &[String],
        cap: u64,
        f: impl Fn(&str) -> T + Sync,
    ) -> Vec<MappedText<T>> {
        let (mut results, jobs) = self.to_read(rels, |rel| {
            let known = self.texts.borrow().get(&(rel.to_string(), cap)).cloned()?;
            Some(known.map(|found| {
                found.map(|text| {
                    let mapped = f(&text);
                    (text, mapped)
                })
            }))
        });
        let work = |(index, path, kind): &ReadJob| {
            let mapped = whole_bytes(path, *kind, cap).and_then(text).map(|text| {
                let made = f(&text);
                (text, made)
            });
            (*index, mapped)
        };
        for (index, mapped) in in_parallel(&jobs, PARSED_PARALLEL_FROM, work) {
            let rel = &rels[index];
            let mapped = mapped
                .map(|(text, made)| Some((Rc::new(text), made)))
                .map_err(|cause| refusal(rel, &cause));
            let kept = mapped
                .as_ref()
                .map(|found| found.as_ref().map(|(text, _)| Rc::clone(text)))
                .map_err(Clone::clone);
            self.texts.borrow_mut().insert((rel.clone(), cap), kept);
            results[index] = Some(mapped);
        }
        answered(results)
    }

    /// Reads the heads of `rels` as [`Repo::map_heads`] does, in parallel, and keeps them for
    /// [`Repo::read_head`] to answer from memory.
    pub fn read_heads(&self, rels: &[String], limit: u64) {
        let read = self.map_heads(rels, limit, |text, whole| (text.to_string(), whole));
        let mut heads = self.heads.borrow_mut();
        for (rel, result) in rels.iter().zip(read) {
            let result = result.map(|found| found.map(|(text, whole)| (Rc::new(text), whole)));
            heads.entry((rel.clone(), limit)).or_insert(result);
        }
    }

    /// [`Repo::read_head`] of each of `rels`, mapped by `f` (the text and whether it is the
    /// whole file), in the order of `rels`: for the many small files one question reads (a Go
    /// program's packages). Every path is resolved here, on the calling thread, through the
    /// same boundary; only the reads of regular files already resolved inside the root and `f`
    /// run on up to [`READERS`] threads. Heads already read this run are mapped from memory;
    /// the texts read here are not kept.
    pub fn map_heads<T: Send>(
        &self,
        rels: &[String],
        limit: u64,
        f: impl Fn(&str, bool) -> T + Sync,
    ) -> Vec<Result<Option<T>, RepoError>> {
        let (mut results, jobs) = self.to_read(rels, |rel| {
            let known = self
                .heads
                .borrow()
                .get(&(rel.to_string(), limit))
                .cloned()?;
            Some(known.map(|found| found.map(|(text, whole)| f(&text, whole))))
        });
        let work = |(index, path, kind): &ReadJob| {
            let mapped = head(path, *kind, limit)
                .map(|(text, whole)| Some(f(&text, whole)))
                .map_err(|cause| refusal(&rels[*index], &cause));
            (*index, mapped)
        };
        for (index, mapped) in in_parallel(&jobs, PARALLEL_FROM, work) {
            results[index] = Some(mapped);
        }
        answered(results)
    }

    /// For each of `rels`, in order: the answer `known` gives from memory, else what resolving
    /// it inside the root answers (nothing there, or a refusal), else `None` and a job to read
    /// the regular file or directory it resolved to, with its index.
    fn to_read<T>(
        &self,
        rels: &[String],
        known: impl Fn(&str) -> Option<Answer<T>>,
    ) -> (Vec<Option<Answer<T>>>, Vec<ReadJob>) {
        let mut results = Vec::new();
        let mut jobs = Vec::new();
        for (index, rel) in rels.iter().enumerate() {
            results.push(known(rel).or_else(|| match self.resolve(rel) {
                Ok(Some(found)) => {
                    jobs.push((index, self.root.join(&found.real), found.kind));
                    None
                }
                Ok(None) => Some(Ok(None)),
                Err(err) => Some(Err(err)),
            }));
        }
        (results, jobs)
    }

    /// Reads `rel` as UTF-8 text of at most `cap` bytes, without a leading byte-order mark.
    pub fn read_text(&self, rel: &str, cap: u64) -> Result<Option<String>, RepoError> {
        Ok(self.text(rel, cap)?.map(|text| String::clone(&text)))
    }

    /// [`Repo::read_text`], the text shared with every other reader of this run rather than
    /// copied: for the large files (lock files) several questions read whole.
    pub fn text(&self, rel: &str, cap: u64) -> TextRead {
        let key = (rel.to_string(), cap);
        if let Some(done) = self.texts.borrow().get(&key) {
            return done.clone();
        }
        let result = self.read_uncached(rel, cap).and_then(|found| {
            found
                .map(|bytes| text(bytes).map(Rc::new))
                .transpose()
                .map_err(|cause| refusal(rel, &cause))
        });
        self.texts.borrow_mut().insert(key, result.clone());
        result
    }

    /// Names of the entries of directory `rel` that satisfy `keep`, sorted; empty when the
    /// directory does not exist. A link is listed with the kind of its target when that stays
    /// inside the project, and left out otherwise; names that are not UTF-8 are left out.
    pub fn list_dir(&self, rel: &str, keep: impl Fn(&str, &Kind) -> bool) -> Vec<String> {
        let Ok(Some(found)) = self.resolve(rel) else {
            return Vec::new();
        };
        if !found.kind.is_dir() {
            return Vec::new();
        }
        self.listing(&found.real)
            .iter()
            .filter(|(name, kind)| keep(name, kind))
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// Lists the directories `rels` as [`Repo::list_dir`] does, the listings read in parallel
    /// when there are many, and keeps them for [`Repo::list_dir`] to answer from memory. Every
    /// path is resolved here, on the calling thread; only the reads of directories already
    /// resolved inside the root run on other threads.
    pub fn list_dirs(&self, rels: &[impl AsRef<str>]) {
        let mut reals: Vec<String> = Vec::new();
        for rel in rels {
            if let Ok(Some(found)) = self.resolve(rel.as_ref())
                && found.kind.is_dir()
                && !self.lists.borrow().contains_key(&found.real)
                && !reals.contains(&found.real)
            {
                reals.push(found.real);
            }
        }
        if reals.len() < PARALLEL_FROM {
            return;
        }
        let root = &self.root;
        let read = in_parallel(&reals, PARALLEL_FROM, |real| {
            (real.clone(), entries_at(root, real))
        });
        for (real, entries) in read {
            self.keep_listing(&real, entries);
        }
    }

    /// The entries of the directory at real path `real` with their kinds, sorted by name, read
    /// once per run.
    fn listing(&self, real: &str) -> Listed {
        if let Some(done) = self.lists.borrow().get(real) {
            return Rc::clone(done);
        }
        self.keep_listing(real, self.entries_of(real))
    }

    /// The listing of the directory at real path `real` from its raw `entries` (links followed
    /// inside the root, the others left out), sorted by name and kept for the run.
    fn keep_listing(&self, real: &str, raw: Vec<(String, Entry)>) -> Listed {
        if let Some(done) = self.lists.borrow().get(real) {
            return Rc::clone(done);
        }
        let mut entries = Vec::new();
        for (name, entry) in raw {
            let kind = match entry {
                Entry::File => Kind::File,
                Entry::Dir => Kind::Dir,
                Entry::Special => Kind::Special("not a regular file"),
                Entry::Link => match self.kind(&join(real, &name)) {
                    Ok(Some(kind)) => kind,
                    _ => continue,
                },
            };
            if matches!(entry, Entry::File | Entry::Dir) {
                self.looks
                    .borrow_mut()
                    .entry(join(real, &name))
                    .or_insert(Look::Found(kind));
            }
            entries.push((name, kind));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let entries: Listed = entries.into();
        self.lists
            .borrow_mut()
            .insert(real.to_string(), Rc::clone(&entries));
        entries
    }

    /// Keeps what a listing of the directory at real path `real` says of its subdirectories,
    /// for resolving the paths that lead through them without an `lstat` each.
    fn keep_subdirs(&self, real: &str, entries: &[(String, Entry)]) {
        let mut looks = self.looks.borrow_mut();
        for (name, _) in entries.iter().filter(|(_, entry)| *entry == Entry::Dir) {
            looks
                .entry(join(real, name))
                .or_insert(Look::Found(Kind::Dir));
        }
    }

    /// The entries of directory `rel` (which must be a real directory, not reached through a
    /// link) with what each is, links not followed and nothing stat-ed: the directory listing's
    /// own types. Names that are not UTF-8 are left out; the order is the file system's.
    pub fn entries(&self, rel: &str) -> Vec<(String, Entry)> {
        let Ok(normal) = normalize(rel) else {
            return Vec::new();
        };
        self.entries_of(&normal)
    }

    /// The entries of the directory at real path `real`, as [`Repo::entries`] gives them.
    fn entries_of(&self, real: &str) -> Vec<(String, Entry)> {
        entries_at(&self.root, real)
    }

    /// Where `rel` really is under the root (links inside it followed), when something is.
    pub fn real(&self, rel: &str) -> Result<Option<String>, RepoError> {
        Ok(self.resolve(rel)?.map(|found| found.real))
    }
}

/// The entries of the directory at real path `real` under `root`, with the listing's own
/// types: what [`Repo::entries`] gives, on any thread.
fn entries_at(root: &Path, real: &str) -> Vec<(String, Entry)> {
    open_dir(root, real).map_or_else(Vec::new, |dir| entries_of_fd(&dir))
}

/// The directory at real path `real` under `root`, opened for listing and for opening its files.
fn open_dir(root: &Path, real: &str) -> Option<OwnedFd> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NONBLOCK | OFlags::CLOEXEC;
    rustix::fs::open(root.join(real), flags, Mode::empty()).ok()
}

thread_local! {
    /// What a thread reads directory entries into: one buffer per thread, not one per listing.
    static LISTING: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Bytes of directory entries one `getdents64` call may give: as many as the C library's own
/// directory stream reads at once.
const LISTING_BUFFER: usize = 32 << 10;

/// The entries of the open directory `dir` (all but `.` and `..`), with the types the listing
/// gives; a name that is not UTF-8 is left out, and so is an entry whose type the file system
/// leaves to `lstat` when that fails.
fn entries_of_fd(dir: &OwnedFd) -> Vec<(String, Entry)> {
    use rustix::fs::FileType;
    let mut entries = Vec::new();
    each_entry(dir, |name, kind| {
        let Ok(name) = std::str::from_utf8(name) else {
            return true;
        };
        let kind = match kind {
            FileType::Unknown => {
                match rustix::fs::statat(dir, name, rustix::fs::AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(stat) => FileType::from_raw_mode(stat.st_mode),
                    Err(_) => return true,
                }
            }
            known => known,
        };
        let kind = match kind {
            FileType::Symlink => Entry::Link,
            FileType::Directory => Entry::Dir,
            FileType::RegularFile => Entry::File,
            _ => Entry::Special,
        };
        entries.push((name.to_string(), kind));
        true
    });
    entries
}

/// Calls `each` with the name and listed type of every entry of the open directory `dir` but
/// `.` and `..`, until it answers `false`, reading through the thread's buffer: whether no read
/// of the listing failed.
fn each_entry(dir: &OwnedFd, mut each: impl FnMut(&[u8], rustix::fs::FileType) -> bool) -> bool {
    LISTING.with_borrow_mut(|buffer| {
        buffer.reserve_exact(LISTING_BUFFER);
        let mut listing = rustix::fs::RawDir::new(dir, buffer.spare_capacity_mut());
        while let Some(entry) = listing.next() {
            let Ok(entry) = entry else {
                return false;
            };
            let name = entry.file_name().to_bytes();
            if name != b"." && name != b".." && !each(name, entry.file_type()) {
                break;
            }
        }
        true
    })
}

/// Reads a file named by the person running shiplight (a flag or a variable): it may lie
/// anywhere, but it must be a regular file of at most `cap` bytes of UTF-8 text (or
/// `/dev/null`, read as empty: `--config /dev/null` means "no settings file").
pub fn read_outside(path: &Path, cap: u64) -> Result<String, String> {
    if path == Path::new("/dev/null") {
        return Ok(String::new());
    }
    let meta = std::fs::metadata(path).map_err(|err| format!("cannot read it: {err}"))?;
    let (bytes, whole) = read_regular(path, Kind::of(&meta), cap)?;
    if !whole {
        return Err(too_large(cap));
    }
    text(bytes)
}

/// The bytes of `path`, which resolution found to be of `kind`: at most `limit` of them, with
/// whether that is the whole file. Only a regular file is opened. The file is read as it was
/// when opened: up to the size `fstat` gave then, in one call when nothing interrupts it, with
/// no further call to find its end (a file reporting size 0, as /proc does, is read to its end).
fn read_regular(path: &Path, kind: Kind, limit: u64) -> Result<(Vec<u8>, bool), String> {
    let mut bytes = Vec::new();
    let (read, whole) = read_regular_into(path, kind, limit, &mut bytes)?;
    bytes.truncate(read);
    Ok((bytes, whole))
}

/// [`read_regular`] into the start of `buffer`, which is grown when the file is larger and
/// never shrunk, so that reading many files one after another allocates and clears it only
/// when a larger one comes: how many bytes of the file it now starts with, and whether that
/// is the whole file.
fn read_regular_into(
    path: &Path,
    kind: Kind,
    limit: u64,
    buffer: &mut Vec<u8>,
) -> Result<(usize, bool), String> {
    regular(kind)?;
    read_opened_into(open_regular(path), limit, buffer)
}

/// [`read_regular_into`] for the file `opened` gave (with its size), or why it could not be
/// opened.
fn read_opened_into(
    opened: std::io::Result<(std::fs::File, u64)>,
    limit: u64,
    buffer: &mut Vec<u8>,
) -> Result<(usize, bool), String> {
    read_opened_until(opened, limit, buffer, None::<fn(&[u8]) -> bool>)
}

/// Bytes a file larger than that is read in first, when its reader may stop there
/// ([`read_opened_until`]).
const FIRST_PART: usize = 16 << 10;

/// [`read_opened_into`]; with `enough`, a file larger than [`FIRST_PART`] bytes is read in two
/// calls, and when `enough` holds for the first part, that part is all that is read, given as a
/// part of the file. Without it, a file is read in one call.
fn read_opened_until(
    opened: std::io::Result<(std::fs::File, u64)>,
    limit: u64,
    buffer: &mut Vec<u8>,
    enough: Option<impl Fn(&[u8]) -> bool>,
) -> Result<(usize, bool), String> {
    let fail = |err: std::io::Error| format!("cannot read it: {err}");
    let (mut file, size) = opened.map_err(fail)?;
    let most = limit.saturating_add(1);
    let read = match usize::try_from(size.min(most)) {
        Ok(want) if want > 0 => {
            if buffer.capacity() == 0 {
                *buffer = vec![0; want];
            } else if buffer.len() < want {
                buffer.resize(want, 0);
            }
            let mut filled = 0;
            let mut pause = if enough.is_some() {
                want.min(FIRST_PART)
            } else {
                want
            };
            while filled < want {
                match file.read(&mut buffer[filled..pause]) {
                    Ok(0) => break,
                    Ok(read) => filled += read,
                    Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(err) => return Err(fail(err)),
                }
                if filled == pause && pause < want {
                    if enough
                        .as_ref()
                        .is_some_and(|enough| enough(&buffer[..filled]))
                    {
                        return Ok((filled, false));
                    }
                    pause = want;
                }
            }
            filled
        }
        _ => {
            buffer.clear();
            file.take(most).read_to_end(buffer).map_err(fail)?
        }
    };
    let whole = read as u64 <= limit;
    Ok((
        read.min(usize::try_from(limit).unwrap_or(usize::MAX)),
        whole,
    ))
}

/// The whole regular file at `path`, refused when it is larger than `cap`.
fn whole_bytes(path: &Path, kind: Kind, cap: u64) -> Result<Vec<u8>, String> {
    let (bytes, whole) = read_regular(path, kind, cap)?;
    if !whole {
        return Err(too_large(cap));
    }
    Ok(bytes)
}

/// A file [`Repo::to_read`] resolved, to read on any thread: its index among the paths asked
/// for, its real path and what is there.
type ReadJob = (usize, PathBuf, Kind);
/// What reading one path answers: what is there, nothing, or why it cannot be used.
type Answer<T> = Result<Option<T>, RepoError>;

/// The answers of a [`Repo::to_read`] once its jobs are read.
fn answered<T>(results: Vec<Option<T>>) -> Vec<T> {
    results
        .into_iter()
        .map(|done| done.expect("every path is read or answered"))
        .collect()
}

/// The first `limit` bytes of the regular file at `path` as UTF-8 text (a character cut at the
/// end dropped, a leading byte-order mark too), with whether that is the whole file.
fn head(path: &Path, kind: Kind, limit: u64) -> Result<(String, bool), String> {
    let mut bytes = Vec::new();
    let (text, whole) = head_in(path, kind, limit, &mut bytes)?;
    Ok((text.to_string(), whole))
}

/// [`head`] read into `buffer`, whose capacity is kept for the next file, the text borrowed
/// from it: for reading many files one after another without an allocation each.
fn head_in<'b>(
    path: &Path,
    kind: Kind,
    limit: u64,
    buffer: &'b mut Vec<u8>,
) -> Result<(&'b str, bool), String> {
    let read = read_regular_into(path, kind, limit, buffer)?;
    text_in(read, buffer)
}

/// [`head_in`] for the regular file `name` in the open directory `dir`, only its first part
/// read when the file is larger and `enough` holds for the text of that part.
fn head_in_dir<'b>(
    dir: &OwnedFd,
    name: &str,
    limit: u64,
    enough: &dyn Fn(&str) -> bool,
    buffer: &'b mut Vec<u8>,
) -> Result<(&'b str, bool), String> {
    let part =
        |bytes: &[u8]| text_in((bytes.len(), false), bytes).is_ok_and(|(text, _)| enough(text));
    let read = read_opened_until(open_regular_in(dir, name), limit, buffer, Some(part))?;
    text_in(read, buffer)
}

/// The text of the first `read` bytes of `buffer` (with whether they are the whole file), as
/// [`head_in`] gives it.
fn text_in((read, whole): (usize, bool), buffer: &[u8]) -> Result<(&str, bool), String> {
    let bytes = &buffer[..read];
    let not_text = || "is not UTF-8 text".to_string();
    let valid = match simdutf8::compat::from_utf8(bytes) {
        Ok(text) => text,
        // A head that ends inside a character: the text up to that character.
        // SAFETY: `valid_up_to` is the length of the prefix just validated as UTF-8.
        Err(err) if !whole && err.error_len().is_none() => unsafe {
            std::str::from_utf8_unchecked(&bytes[..err.valid_up_to()])
        },
        Err(_) => return Err(not_text()),
    };
    Ok((valid.strip_prefix('\u{feff}').unwrap_or(valid), whole))
}

/// Most threads [`Repo::map_heads`] reads on.
const READERS: usize = 4;
/// Fewest files worth a second thread: below this, starting it costs more than it saves.
const PARALLEL_FROM: usize = 16;
/// Fewest texts worth a second thread when each is parsed as it is read ([`Repo::map_texts`]):
/// parsing a manifest or a compose file costs more than starting a thread.
const PARSED_PARALLEL_FROM: usize = 2;

/// How many threads may read at once: as many cores as this process may run on, at most
/// [`READERS`]; [`pool::start`] starts one helper fewer (the thread that hands out the work
/// reads too).
///
/// The cores are counted from the affinity mask alone, without the standard library's reading
/// of the cgroup's CPU quota (two or three more files opened and read on every run, for readers
/// that wait on the disk as much as they compute).
fn readers() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| {
        rustix::thread::sched_getaffinity(None)
            .map_or(1, |cores| usize::try_from(cores.count()).unwrap_or(1))
            .clamp(1, READERS)
    })
}

/// `work` applied to every job, on the calling thread and every helper ([`pool::helpers`], at
/// most [`READERS`] threads in all; the calling thread alone when there are fewer than `from`
/// jobs), each taking the next job not yet taken: the results in the order of the jobs.
pub fn in_parallel<J: Sync, R: Send>(
    jobs: &[J],
    from: usize,
    work: impl Fn(&J) -> R + Sync,
) -> Vec<R> {
    let threads = if jobs.len() < from {
        1
    } else {
        1 + pool::helpers()
    };
    if threads == 1 {
        return jobs.iter().map(work).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let all = std::sync::Mutex::new(Vec::with_capacity(jobs.len()));
    let run = || {
        let mut done = Vec::new();
        loop {
            let at = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(job) = jobs.get(at) else { break };
            done.push((at, work(job)));
        }
        all.lock().unwrap_or_else(|e| e.into_inner()).extend(done);
    };
    pool::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(run);
        }
        run();
    });
    let mut all = all.into_inner().unwrap_or_else(|e| e.into_inner());
    all.sort_unstable_by_key(|(at, _)| *at);
    all.into_iter().map(|(_, result)| result).collect()
}

/// Why what is there cannot be read as a file, when it is not a regular file.
fn regular(kind: Kind) -> Result<(), String> {
    match kind {
        Kind::File => Ok(()),
        Kind::Dir => Err("is a directory, not a file".to_string()),
        Kind::Special(what) => Err(format!(
            "is {what}, not a regular file; shiplight reads only regular files"
        )),
    }
}

/// Why a file over `cap` bytes is refused.
fn too_large(cap: u64) -> String {
    format!(
        "is larger than {} KiB, more than any real manifest; refusing to read it",
        cap / 1024
    )
}

/// Text from bytes: UTF-8, a leading byte-order mark dropped.
fn text(bytes: Vec<u8>) -> Result<String, String> {
    simdutf8::basic::from_utf8(&bytes).map_err(|_| "is not UTF-8 text".to_string())?;
    // SAFETY: the line above has just validated `bytes` as UTF-8.
    let mut text = unsafe { String::from_utf8_unchecked(bytes) };
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// Opens a path known to be a regular file without following a link or blocking on a FIFO
/// swapped in since, and checks again what it opened.
fn open_regular(path: &Path) -> std::io::Result<(std::fs::File, u64)> {
    opened_regular(rustix::fs::open(
        path,
        READ_FLAGS,
        rustix::fs::Mode::empty(),
    )?)
}

/// [`open_regular`] for a name in the open directory `dir`.
fn open_regular_in(dir: &OwnedFd, name: &str) -> std::io::Result<(std::fs::File, u64)> {
    opened_regular(rustix::fs::openat(
        dir,
        name,
        READ_FLAGS,
        rustix::fs::Mode::empty(),
    )?)
}

/// How a file is opened for reading: never through a link, never waiting on a FIFO.
const READ_FLAGS: rustix::fs::OFlags = rustix::fs::OFlags::RDONLY
    .union(rustix::fs::OFlags::NOFOLLOW)
    .union(rustix::fs::OFlags::NONBLOCK)
    .union(rustix::fs::OFlags::CLOEXEC);

/// The file just opened as `fd` with its size, when it is a regular file.
fn opened_regular(fd: OwnedFd) -> std::io::Result<(std::fs::File, u64)> {
    let stat = rustix::fs::fstat(&fd)?;
    if rustix::fs::FileType::from_raw_mode(stat.st_mode) != rustix::fs::FileType::RegularFile {
        return Err(std::io::Error::other("not a regular file"));
    }
    Ok((
        std::fs::File::from(fd),
        u64::try_from(stat.st_size).unwrap_or(0),
    ))
}

fn missing(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
    )
}

fn refusal(file: &str, cause: &str) -> RepoError {
    RepoError {
        file: file.to_string(),
        cause: cause.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn work_done_in_parallel_comes_back_in_the_order_of_the_jobs() {
        let jobs: Vec<u64> = (0..200).collect();
        let done = in_parallel(&jobs, 2, |&job| {
            if job % 7 == 0 {
                std::thread::sleep(std::time::Duration::from_micros(50));
            }
            job * 3
        });
        assert_eq!(done, jobs.iter().map(|job| job * 3).collect::<Vec<_>>());
    }

    fn project() -> (tempfile::TempDir, Repo) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("project/conf")).unwrap();
        std::fs::write(dir.path().join("project/conf/real.toml"), "x = 1\n").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "outside\n").unwrap();
        let repo = Repo::new(dir.path().join("project"));
        (dir, repo)
    }

    #[test]
    fn heads_read_in_parallel_answer_as_one_by_one() {
        let (dir, repo) = project();
        let mut rels = Vec::new();
        for n in 0..40 {
            let name = format!("conf/f{n:02}.go");
            std::fs::write(repo.root().join(&name), format!("package p{n}\n")).unwrap();
            rels.push(name);
        }
        symlink("../../secret.txt", repo.root().join("conf/up.go")).unwrap();
        symlink("real.toml", repo.root().join("conf/inside.go")).unwrap();
        rels.extend(["conf/up.go", "conf/inside.go", "conf/missing.go", "conf"].map(String::from));
        repo.read_head("conf/f03.go", 100).unwrap();
        let mapped = repo.map_heads(&rels, 100, |text, whole| (text.to_string(), whole));
        assert_eq!(mapped.len(), rels.len());
        for (rel, got) in rels.iter().zip(mapped) {
            let want = fresh(&dir).read_head(rel, 100);
            let want = want.map(|found| found.map(|(text, whole)| (String::clone(&text), whole)));
            assert_eq!(got, want, "{rel}");
        }
        repo.read_heads(&rels, 100);
        assert!(
            repo.read_head("conf/up.go", 100)
                .unwrap_err()
                .cause
                .contains("project")
        );
        assert_eq!(
            &*repo.read_head("conf/f39.go", 100).unwrap().unwrap().0,
            "package p39\n"
        );
    }

    fn fresh(dir: &tempfile::TempDir) -> Repo {
        Repo::new(dir.path().join("project"))
    }

    #[test]
    fn links_inside_are_followed() {
        let (_dir, repo) = project();
        symlink("conf/real.toml", repo.root().join("linked.toml")).unwrap();
        symlink("conf", repo.root().join("confs")).unwrap();
        assert_eq!(
            repo.read_text("linked.toml", 100).unwrap().unwrap(),
            "x = 1\n"
        );
        assert_eq!(
            repo.read_text("confs/real.toml", 100).unwrap().unwrap(),
            "x = 1\n"
        );
        assert_eq!(
            repo.real("confs/../linked.toml").unwrap().unwrap(),
            "conf/real.toml"
        );
        assert_eq!(
            repo.list_dir("", |_, kind| kind.is_dir()),
            ["conf", "confs"]
        );
    }

    #[test]
    fn a_path_resolved_after_its_parent_counts_every_link_on_the_way() {
        let (_dir, repo) = project();
        let root = repo.root().to_path_buf();
        std::fs::create_dir_all(root.join("d/e")).unwrap();
        std::fs::write(root.join("d/e/file.txt"), "x").unwrap();
        for index in 0..20 {
            let to = if index == 19 {
                "d".to_string()
            } else {
                format!("l{}", index + 1)
            };
            symlink(&to, root.join(format!("l{index}"))).unwrap();
            let to = if index == 19 {
                "e".to_string()
            } else {
                format!("m{}", index + 1)
            };
            symlink(&to, root.join(format!("d/m{index}"))).unwrap();
        }
        let fresh = Repo::new(&root);
        assert_eq!(repo.real("l0").unwrap().unwrap(), "d");
        assert_eq!(repo.real("l0/e/file.txt").unwrap().unwrap(), "d/e/file.txt");
        assert_eq!(
            repo.real("l0/m19/file.txt").unwrap().unwrap(),
            "d/e/file.txt"
        );
        for repo in [&repo, &fresh] {
            for path in ["l0/m0/file.txt", "l0/m0"] {
                let err = repo.real(path).unwrap_err().to_string();
                assert!(err.contains(path), "{err}");
                assert!(err.contains("loop of symbolic links"), "{err}");
            }
        }
    }

    #[test]
    fn links_leaving_the_root_are_refused_without_looking_outside() {
        let (dir, repo) = project();
        symlink("../secret.txt", repo.root().join("up.toml")).unwrap();
        symlink(dir.path().join("secret.txt"), repo.root().join("abs.toml")).unwrap();
        symlink("conf/../../secret.txt", repo.root().join("sneaky.toml")).unwrap();
        for name in ["up.toml", "abs.toml", "sneaky.toml", "../secret.txt"] {
            let err = repo.read_text(name, 100).unwrap_err();
            assert!(err.cause.contains("project"), "{name}: {err}");
            assert!(!repo.is_file(name));
        }
        assert!(repo.list_dir("", |_, _| true).iter().all(|n| n == "conf"));
    }

    #[test]
    fn long_listings_and_odd_names_answer_as_lookups_would() {
        use std::os::unix::ffi::OsStrExt;
        let (dir, repo) = project();
        let big = dir.path().join("project/big");
        std::fs::create_dir(&big).unwrap();
        let long = "n".repeat(200);
        for at in 0..LISTED_MAX + 300 {
            std::fs::write(big.join(format!("{long}{at}")), "").unwrap();
        }
        let odd = dir.path().join("project/odd");
        std::fs::create_dir(&odd).unwrap();
        std::fs::write(odd.join("a.txt"), "").unwrap();
        std::fs::write(odd.join(std::ffi::OsStr::from_bytes(b"\xff.txt")), "").unwrap();
        std::fs::create_dir(odd.join("sub")).unwrap();

        let entries = repo.entries("big");
        assert_eq!(
            entries.len(),
            LISTED_MAX + 300,
            "a listing larger than one read of entries is read to its end"
        );
        assert!(entries.iter().all(|(_, entry)| *entry == Entry::File));
        let mut odd_entries = repo.entries("odd");
        odd_entries.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            odd_entries,
            [
                ("a.txt".to_string(), Entry::File),
                ("sub".to_string(), Entry::Dir)
            ],
            "a name that is not UTF-8 is left out, types come from the listing"
        );

        for dir in ["big", "odd"] {
            for _ in 0..3 {
                assert!(!repo.exists(&format!("{dir}/none.toml")));
            }
        }
        assert!(repo.exists(&format!("big/{long}{}", LISTED_MAX + 299)));
        assert!(repo.exists("odd/a.txt"));
        assert!(repo.is_dir("odd/sub"));
        assert!(!repo.exists("odd/b.txt"));
    }

    #[test]
    fn a_listed_directory_answers_as_its_entries_would() {
        let (dir, repo) = project();
        symlink("../secret.txt", repo.root().join("up.toml")).unwrap();
        symlink("missing.toml", repo.root().join("broken.toml")).unwrap();
        symlink("conf/real.toml", repo.root().join("alias.toml")).unwrap();
        let fresh = Repo::new(dir.path().join("project"));
        assert_eq!(
            repo.list_dir("", |_, _| true),
            ["alias.toml", "conf"],
            "links leaving the root or leading nowhere are left out of the listing"
        );
        for name in [
            "up.toml",
            "broken.toml",
            "alias.toml",
            "conf",
            "conf/real.toml",
            "nothing.toml",
            "nothing/x",
        ] {
            assert_eq!(
                format!("{:?}", repo.kind(name)),
                format!("{:?}", fresh.kind(name)),
                "{name}"
            );
        }
        assert!(repo.kind("up.toml").is_err());
        assert_eq!(repo.kind("nothing.toml").unwrap(), None);
    }

    #[test]
    fn a_manifest_that_is_not_a_regular_file_is_refused_not_skipped() {
        let (_dir, repo) = project();
        symlink("../secret.txt", repo.root().join("up.txt")).unwrap();
        let fifo = std::ffi::CString::new(repo.root().join("fifo").to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        assert_eq!(repo.has_file("conf/real.toml"), Ok(true));
        assert_eq!(repo.has_file("missing.txt"), Ok(false));
        assert!(
            repo.has_file("up.txt")
                .unwrap_err()
                .cause
                .contains("symbolic link")
        );
        assert!(
            repo.has_file("fifo")
                .unwrap_err()
                .cause
                .contains("is a FIFO")
        );
        assert!(
            repo.has_file("conf")
                .unwrap_err()
                .cause
                .contains("is a directory")
        );
    }

    #[test]
    fn special_files_loops_and_caps() {
        let (_dir, repo) = project();
        let fifo = std::ffi::CString::new(repo.root().join("fifo").to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        assert!(repo.read("fifo", 10).unwrap_err().cause.contains("FIFO"));
        symlink("b", repo.root().join("a")).unwrap();
        symlink("a", repo.root().join("b")).unwrap();
        assert!(repo.read("a", 10).unwrap_err().cause.contains("loop"));
        assert!(
            repo.read("conf", 10)
                .unwrap_err()
                .cause
                .contains("directory")
        );
        assert!(
            repo.read("conf/real.toml", 3)
                .unwrap_err()
                .cause
                .contains("larger")
        );
        assert_eq!(repo.read("missing", 10).unwrap(), None);
    }

    #[test]
    fn files_named_by_the_person_running_shiplight() {
        assert_eq!(read_outside(Path::new("/dev/null"), 10).unwrap(), "");
        assert!(
            read_outside(Path::new("/dev/zero"), 10)
                .unwrap_err()
                .contains("device")
        );
        assert!(
            read_outside(Path::new("/"), 10)
                .unwrap_err()
                .contains("directory")
        );
    }

    #[test]
    fn one_buffer_reads_files_of_any_size_one_after_another() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        std::fs::write(path("long"), "x".repeat(20_000)).unwrap();
        std::fs::write(path("short"), "\u{feff}short").unwrap();
        std::fs::write(path("cut"), "abcé").unwrap();
        std::fs::write(path("empty"), "").unwrap();
        std::fs::write(path("binary"), [0xff, 0xfe, 0x41]).unwrap();
        let mut buffer = Vec::new();
        let mut read = |name: &str, limit: u64| {
            head_in(&path(name), Kind::File, limit, &mut buffer)
                .map(|(text, whole)| (text.to_string(), whole))
        };
        assert_eq!(read("long", 1 << 20).unwrap(), ("x".repeat(20_000), true));
        assert_eq!(read("short", 1 << 20).unwrap(), ("short".to_string(), true));
        assert_eq!(read("long", 100).unwrap(), ("x".repeat(100), false));
        assert_eq!(read("cut", 4).unwrap(), ("abc".to_string(), false));
        assert_eq!(read("cut", 5).unwrap(), ("abcé".to_string(), true));
        assert_eq!(read("empty", 10).unwrap(), (String::new(), true));
        assert!(read("binary", 10).unwrap_err().contains("UTF-8"));
        assert_eq!(
            read_regular(&path("long"), Kind::File, 10).unwrap(),
            (b"xxxxxxxxxx".to_vec(), false)
        );
    }

    #[test]
    fn long_texts_are_validated_as_short_ones_are() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        let long = "a".repeat(300);
        std::fs::write(path("cut"), format!("{long}é{long}")).unwrap();
        let mut invalid = long.clone().into_bytes();
        invalid.push(0xff);
        invalid.extend(long.as_bytes());
        std::fs::write(path("invalid"), &invalid).unwrap();
        let mut buffer = Vec::new();
        let mut read = |name: &str, limit: u64| {
            head_in(&path(name), Kind::File, limit, &mut buffer)
                .map(|(text, whole)| (text.to_string(), whole))
        };
        assert_eq!(read("cut", 301).unwrap(), (long.clone(), false));
        assert_eq!(read("cut", 302).unwrap(), (format!("{long}é"), false));
        assert!(read("invalid", 200).is_ok());
        assert!(read("invalid", 1 << 20).unwrap_err().contains("UTF-8"));
        assert!(text(invalid).unwrap_err().contains("UTF-8"));
        assert_eq!(
            text(format!("\u{feff}{long}é").into_bytes()).unwrap(),
            format!("{long}é")
        );
    }

    #[test]
    fn a_first_part_that_is_enough_is_all_that_is_read() {
        let (dir, _) = project();
        let fd = open_dir(dir.path(), "").unwrap();
        let text = format!("{}é{}", "a".repeat(FIRST_PART - 1), "b".repeat(FIRST_PART));
        std::fs::write(dir.path().join("big.txt"), &text).unwrap();
        std::fs::write(dir.path().join("small.txt"), "small").unwrap();
        let mut buffer = Vec::new();
        let mut read = |name: &str, enough: &dyn Fn(&str) -> bool| {
            head_in_dir(&fd, name, 1 << 20, enough, &mut buffer)
                .map(|(text, whole)| (text.to_string(), whole))
                .unwrap()
        };
        let seen = std::cell::Cell::new(0);
        let part = read("big.txt", &|part: &str| {
            seen.set(part.len());
            true
        });
        assert_eq!(
            part,
            ("a".repeat(FIRST_PART - 1), false),
            "the part, its last character cut in two left out"
        );
        assert_eq!(seen.get(), FIRST_PART - 1);
        assert_eq!(read("big.txt", &|_: &str| false), (text, true));
        assert_eq!(
            read("small.txt", &|_: &str| panic!(
                "a file within the first part is read whole"
            )),
            ("small".to_string(), true)
        );
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        let (_dir, repo) = project();
        std::fs::write(repo.root().join("bom.json"), "\u{feff}{}").unwrap();
        assert_eq!(repo.read_text("bom.json", 100).unwrap().unwrap(), "{}");
    }
}
