//! Parallel exploration of a graph of directories, such as Go packages and the packages they
//! import: every directory is resolved inside the root on the calling thread, as every path
//! is; its listing, the reads of the regular files asked for (each opened in the directory's
//! own descriptor, the one its listing was read from) and what the caller makes of them run on
//! worker threads, and on the calling thread while it has nothing else to do.

use foldhash::{HashSet, HashSetExt};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::os::fd::OwnedFd;
use std::sync::{Mutex, mpsc};

use super::{Entry, Repo, entries_of_fd, head_in_dir, join, open_dir};

/// One directory for a worker: the path as asked for and its real path under the root.
type Job = (String, String);
/// What a worker gives back for a [`Job`]: the job, the directory's raw entries and, when every
/// file asked for was read, the caller's value and the directories to explore next.
type Done<T> = (Job, Vec<(String, Entry)>, Option<(T, Vec<String>)>);

impl Repo {
    /// Explores directories from `starts`, breadth first and in parallel. For each directory
    /// that resolves inside the root (at most `limit` of them), the files `read` picks are read
    /// and scanned as it says; `visit` turns the directory's path and those files (path and
    /// scan, in name order) into a value and the directories to explore next. A directory
    /// where a picked name is a link, or a picked file cannot be read as text, gives no value:
    /// the caller's own reads answer for it, with the refusal they give. The directories each
    /// listing holds are kept for resolving the paths that lead through them.
    pub fn explore<P, E, S, F: Send, T: Send>(
        &self,
        starts: &[String],
        limit: usize,
        read: Reading<P, E, S>,
        visit: impl Fn(&str, Vec<(String, F)>) -> (T, Vec<String>) + Sync,
    ) -> Vec<(String, T)>
    where
        P: Fn(&str) -> bool + Sync,
        E: Fn(&str) -> bool + Sync,
        S: Fn(&str) -> F + Sync,
    {
        let root = self.root.as_path();
        let work = |(rel, real): Job, spread: bool| {
            let dir = open_dir(root, &real);
            let entries = dir.as_ref().map_or_else(Vec::new, entries_of_fd);
            let files = match &dir {
                Some(dir) => read.files(&rel, dir, &entries, spread),
                None => Some(Vec::new()),
            };
            let found = files.map(|files| visit(&rel, files));
            ((rel, real), entries, found)
        };
        let (job_tx, job_rx) = mpsc::channel::<Job>();
        let (done_tx, done_rx) = mpsc::channel::<Done<T>>();
        let jobs = Mutex::new(job_rx);
        let mut walk = Walk {
            queue: starts.iter().cloned().collect(),
            asked: starts.iter().cloned().collect(),
            reals: HashSet::new(),
            found: Vec::new(),
        };
        std::thread::scope(|scope| {
            let job_tx = job_tx;
            let mut workers = None;
            let mut pending = 0;
            loop {
                while let Some(job) = self.next_job(&mut walk, limit) {
                    if workers.is_none() && walk.queue.len() >= WORKERS_FROM {
                        workers = Some(start_workers(scope, &jobs, &done_tx, &work));
                    }
                    let unsent = match workers {
                        Some(1..) => job_tx.send(job).err().map(|mpsc::SendError(job)| job),
                        _ => Some(job),
                    };
                    match unsent {
                        None => pending += 1,
                        Some(job) => self.take(work(job, true), &mut walk),
                    }
                }
                if pending == 0 {
                    break;
                }
                // A result first, for the directories it leads to; then a job no worker has
                // taken yet; waiting only when there is neither.
                let helped = || jobs.try_lock().ok().and_then(|rx| rx.try_recv().ok());
                let done = match done_rx.try_recv() {
                    Ok(done) => done,
                    Err(_) => match helped() {
                        Some(job) => work(job, false),
                        None => match done_rx.recv() {
                            Ok(done) => done,
                            Err(_) => break,
                        },
                    },
                };
                pending -= 1;
                self.take(done, &mut walk);
            }
        });
        walk.found
    }

    /// The next directory of `walk` to explore, resolved inside the root: `None` when the queue
    /// is empty or `limit` directories were explored.
    fn next_job<T>(&self, walk: &mut Walk<T>, limit: usize) -> Option<Job> {
        while let Some(rel) = walk.queue.pop_front() {
            if walk.reals.len() >= limit {
                walk.queue.clear();
                return None;
            }
            if let Ok(Some(resolved)) = self.resolve(&rel)
                && resolved.kind.is_dir()
                && walk.reals.insert(resolved.real.clone())
            {
                return Some((rel, resolved.real));
            }
        }
        None
    }

    /// Keeps what a worker gave back and queues the directories it leads to, each once.
    fn take<T>(&self, ((rel, real), entries, value): Done<T>, walk: &mut Walk<T>) {
        self.keep_subdirs(&real, &entries);
        if let Some((value, next)) = value {
            walk.found.push((rel, value));
            for dir in next {
                if walk.asked.insert(dir.clone()) {
                    walk.queue.push_back(dir);
                }
            }
        }
    }
}

/// Where a [`Repo::explore`] stands.
struct Walk<T> {
    /// Directories to explore, as asked for.
    queue: VecDeque<String>,
    /// Every directory queued so far, as asked for.
    asked: HashSet<String>,
    /// The real paths of the directories explored.
    reals: HashSet<String>,
    /// The value of each directory explored, by the path asked for.
    found: Vec<(String, T)>,
}

/// Fewest directories waiting for workers to start: a small graph is read on the calling
/// thread, where starting threads would cost more than they save.
const WORKERS_FROM: usize = 8;

/// Starts the workers of a [`Repo::explore`], one fewer than [`super::readers`] allows (the
/// calling thread takes jobs too): each takes the next job, does `work` and sends back what it
/// gives. How many started.
fn start_workers<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    jobs: &'scope Mutex<mpsc::Receiver<Job>>,
    done_tx: &mpsc::Sender<Done<T>>,
    work: &'scope (impl Fn(Job, bool) -> Done<T> + Sync),
) -> usize {
    let mut started = 0;
    for _ in 1..super::readers() {
        let done_tx = done_tx.clone();
        let spawned = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn_scoped(scope, move || {
                while let Ok(job) = jobs
                    .lock()
                    .map_err(drop)
                    .and_then(|rx| rx.recv().map_err(drop))
                {
                    if done_tx.send(work(job, false)).is_err() {
                        return;
                    }
                }
            });
        if spawned.is_err() {
            break;
        }
        started += 1;
    }
    started
}

thread_local! {
    /// What a thread reads the files of a [`Repo::explore`] into: one buffer per thread, not
    /// one allocation per file.
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// What [`Repo::explore`] reads of each directory, and what it keeps of each file.
pub struct Reading<P, E, S> {
    /// Bytes read of a file at most, as [`Repo::read_head`] reads them.
    pub cap: u64,
    /// Whether a file, by its name, is read.
    pub pick: P,
    /// Whether the first part of a larger file is all `scan` needs, the rest left unread.
    pub enough: E,
    /// What is kept of a file's text.
    pub scan: S,
}

impl<P, E, S, F> Reading<P, E, S>
where
    P: Fn(&str) -> bool + Sync,
    E: Fn(&str) -> bool + Sync,
    S: Fn(&str) -> F + Sync,
    F: Send,
{
    /// The entries of a listing whose names `pick` keeps, read as text, scanned and named under
    /// `rel`, in name order, each opened in the directory `dir` lists; `None` when one is a link
    /// or cannot be read. With `spread`, many files are read on the machine's threads (the
    /// calling thread explores alone).
    fn files(
        &self,
        rel: &str,
        dir: &OwnedFd,
        entries: &[(String, Entry)],
        spread: bool,
    ) -> Option<Vec<(String, F)>> {
        let mut picked: Vec<&(String, Entry)> = entries
            .iter()
            .filter(|(name, entry)| matches!(entry, Entry::File | Entry::Link) && (self.pick)(name))
            .collect();
        picked.sort_by(|a, b| a.0.cmp(&b.0));
        if picked.iter().any(|(_, entry)| *entry == Entry::Link) {
            return None;
        }
        let one = |(at, (name, _)): (usize, &&(String, Entry))| {
            BUFFER.with_borrow_mut(|buffer| {
                let (text, _) = head_in_dir(dir, name, self.cap, &self.enough, buffer).ok()?;
                Some((at, (join(rel, name), (self.scan)(text))))
            })
        };
        let mut read: Vec<(usize, (String, F))> = if spread {
            let jobs: Vec<_> = picked.iter().enumerate().collect();
            super::in_parallel(&jobs, super::PARALLEL_FROM, |job| one(*job))
                .into_iter()
                .collect::<Option<_>>()?
        } else {
            picked.iter().enumerate().map(one).collect::<Option<_>>()?
        };
        read.sort_by_key(|(at, _)| *at);
        Some(read.into_iter().map(|(_, file)| file).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A graph of directories, each file naming the directories it leads to: `pkg/NAME` with
    /// files whose lines are the next directories.
    fn graph(size: usize) -> (tempfile::TempDir, Repo) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        for n in 0..size {
            std::fs::create_dir_all(root.join(format!("pkg/p{n}"))).unwrap();
            let next = format!("pkg/p{}\npkg/p{}\n", (n * 2 + 1) % size, (n * 2 + 2) % size);
            std::fs::write(root.join(format!("pkg/p{n}/a.go")), next).unwrap();
            std::fs::write(root.join(format!("pkg/p{n}/b.txt")), "not picked\n").unwrap();
        }
        std::fs::write(dir.path().join("secret.go"), "outside\n").unwrap();
        (dir, Repo::new(root))
    }

    fn explored(repo: &Repo, starts: &[&str], limit: usize) -> Vec<(String, Vec<String>)> {
        let starts: Vec<String> = starts.iter().map(|s| s.to_string()).collect();
        let read = Reading {
            cap: 1 << 10,
            pick: |name: &str| name.ends_with(".go"),
            enough: |_: &str| false,
            scan: |text: &str| text.lines().map(str::to_string).collect::<Vec<_>>(),
        };
        let mut found = repo.explore(&starts, limit, read, |_, files| {
            let names: Vec<String> = files.iter().map(|(rel, _)| rel.clone()).collect();
            let next = files.into_iter().flat_map(|(_, lines)| lines).collect();
            (names, next)
        });
        found.sort();
        found
    }

    #[test]
    fn every_directory_reached_is_read_once_whatever_the_threads() {
        let (_dir, repo) = graph(40);
        let found = explored(&repo, &["pkg/p0"], 1000);
        assert_eq!(found.len(), 40);
        assert!(found.contains(&("pkg/p7".to_string(), vec!["pkg/p7/a.go".to_string()])));
        assert_eq!(explored(&repo, &["pkg/p0"], 5).len(), 5);
    }

    #[test]
    fn links_are_left_to_the_caller_and_nothing_outside_is_read() {
        let (_dir, repo) = graph(3);
        let root = repo.root().to_path_buf();
        symlink("../../../secret.go", root.join("pkg/p1/up.go")).unwrap();
        symlink("/", root.join("pkg/abs")).unwrap();
        symlink("p2", root.join("pkg/alias")).unwrap();
        std::fs::write(
            root.join("pkg/p0/a.go"),
            "pkg/p1\npkg/abs\npkg/alias\n../x\n",
        )
        .unwrap();
        let found = explored(&repo, &["pkg/p0"], 1000);
        let dirs: Vec<&str> = found.iter().map(|(dir, _)| dir.as_str()).collect();
        assert_eq!(dirs, ["pkg/alias", "pkg/p0"]);
    }
}
