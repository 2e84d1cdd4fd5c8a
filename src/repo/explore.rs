//! Parallel exploration of a graph of directories, such as Go packages and the packages they
//! import: every directory is resolved inside the root on the calling thread, as every path
//! is; its listing, the reads of the regular files asked for (each opened in the directory's
//! own descriptor, the one its listing was read from) and what the caller makes of them run on
//! worker threads, and on the calling thread while it has nothing else to do. The files of one
//! directory are read a few at a time, so a large package is shared among the threads too.

use foldhash::{HashSet, HashSetExt};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use super::{Entry, Repo, entries_of_fd, head_in_dir, join, open_dir};

/// One directory to explore: the path as asked for and its real path under the root.
type Dir = (String, String);
/// What a directory gave: the directory, its raw entries and, when every file asked for was
/// read, the caller's value and the directories to explore next.
type Done<T> = (Dir, Vec<(String, Entry)>, Option<(T, Vec<String>)>);

/// Files of one directory read as one job: few enough that the threads share a large
/// package, enough that taking a job costs little beside reading them.
const FILES_PER_JOB: usize = 4;

/// Fewest files waiting to be read for the workers to start: a small graph is read on the
/// calling thread, where starting a thread would cost more than it saves.
const WORKERS_FROM_FILES: usize = 16;

/// Fewest directories waiting to be listed for the workers to start.
const WORKERS_FROM_DIRS: usize = 8;

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
        let shared = Shared::new();
        let run = |job: Job<F>| job.run(root, &read, &visit, &shared);
        let mut walk = Walk {
            queue: starts.iter().cloned().collect(),
            asked: starts.iter().cloned().collect(),
            reals: HashSet::new(),
            found: Vec::new(),
        };
        super::pool::scope(|scope| {
            let _close = CloseOnDrop(&shared);
            let mut started = false;
            let mut pending = 0;
            loop {
                while let Some(dir) = self.next_job(&mut walk, limit) {
                    shared.push(Job::List(dir));
                    pending += 1;
                }
                if pending == 0 {
                    break;
                }
                if !started && shared.worth_workers() {
                    started = true;
                    start_workers(scope, &shared, &run);
                }
                // A result first, for the directories it leads to; then a job no worker has
                // taken yet; waiting only when there is neither.
                match shared.next_for_caller() {
                    Some(Next::Done(done)) => {
                        pending -= 1;
                        self.take(done, &mut walk);
                    }
                    Some(Next::Job(job)) => run(job),
                    None => break,
                }
            }
        });
        walk.found
    }

    /// The next directory of `walk` to explore, resolved inside the root: `None` when the queue
    /// is empty or `limit` directories were explored.
    fn next_job<T>(&self, walk: &mut Walk<T>, limit: usize) -> Option<Dir> {
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

    /// Keeps what a directory gave and queues the directories it leads to, each once.
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

/// One piece of work of an exploration.
enum Job<F> {
    /// Listing a directory, then reading its files.
    List(Dir),
    /// Reading and scanning some files of a listed directory: `picked[range]`.
    Read(Arc<Listed<F>>, std::ops::Range<usize>),
}

/// A directory listed, whose picked files are being read.
struct Listed<F> {
    dir: Dir,
    fd: OwnedFd,
    /// The names of the files read, in name order.
    picked: Vec<String>,
    held: Mutex<Held<F>>,
}

/// What the jobs reading a directory's files fill in; the job that reads the last of them
/// takes the scans and the entries.
struct Held<F> {
    /// Each picked file's scan once read: `None` while unread, or when it could not be read.
    files: Vec<Option<F>>,
    entries: Vec<(String, Entry)>,
    /// Picked files not read yet.
    left: usize,
}

impl<F: Send> Job<F> {
    /// Does the job: a listing queues the reads of its picked files, and the job that reads a
    /// directory's last files hands the directory to `visit` and its result to the caller.
    fn run<T, P, E, S>(
        self,
        root: &std::path::Path,
        read: &Reading<P, E, S>,
        visit: &(impl Fn(&str, Vec<(String, F)>) -> (T, Vec<String>) + Sync),
        shared: &Shared<F, T>,
    ) where
        P: Fn(&str) -> bool + Sync,
        E: Fn(&str) -> bool + Sync,
        S: Fn(&str) -> F + Sync,
    {
        match self {
            Job::List((rel, real)) => {
                let Some(fd) = open_dir(root, &real) else {
                    let value = visit(&rel, Vec::new());
                    shared.finish(((rel, real), Vec::new(), Some(value)));
                    return;
                };
                let entries = entries_of_fd(&fd);
                let mut picked: Vec<(&String, Entry)> = entries
                    .iter()
                    .filter(|(name, entry)| {
                        matches!(entry, Entry::File | Entry::Link) && (read.pick)(name)
                    })
                    .map(|(name, entry)| (name, *entry))
                    .collect();
                picked.sort_by(|a, b| a.0.cmp(b.0));
                if picked.iter().any(|(_, entry)| *entry == Entry::Link) {
                    shared.finish(((rel, real), entries, None));
                    return;
                }
                if picked.is_empty() {
                    let value = visit(&rel, Vec::new());
                    shared.finish(((rel, real), entries, Some(value)));
                    return;
                }
                let picked: Vec<String> =
                    picked.into_iter().map(|(name, _)| name.clone()).collect();
                let count = picked.len();
                let listed = Arc::new(Listed {
                    dir: (rel, real),
                    fd,
                    picked,
                    held: Mutex::new(Held {
                        files: (0..count).map(|_| None).collect(),
                        entries,
                        left: count,
                    }),
                });
                let mut jobs = (0..count).step_by(FILES_PER_JOB).map(|from| {
                    Job::Read(Arc::clone(&listed), from..(from + FILES_PER_JOB).min(count))
                });
                let first = jobs.next();
                shared.push_reads(jobs, count.saturating_sub(FILES_PER_JOB));
                if let Some(first) = first {
                    first.run(root, read, visit, shared);
                }
            }
            Job::Read(listed, range) => {
                let count = range.len();
                let scanned: Vec<Option<F>> = listed.picked[range.clone()]
                    .iter()
                    .map(|name| {
                        BUFFER.with_borrow_mut(|buffer| {
                            let (text, _) =
                                head_in_dir(&listed.fd, name, read.cap, &read.enough, buffer)
                                    .ok()?;
                            Some((read.scan)(text))
                        })
                    })
                    .collect();
                let (files, entries) = {
                    let mut held = listed.held.lock().unwrap_or_else(|e| e.into_inner());
                    for (slot, file) in held.files[range].iter_mut().zip(scanned) {
                        *slot = file;
                    }
                    held.left -= count;
                    if held.left > 0 {
                        return;
                    }
                    (
                        std::mem::take(&mut held.files),
                        std::mem::take(&mut held.entries),
                    )
                };
                let rel = &listed.dir.0;
                let value = listed
                    .picked
                    .iter()
                    .zip(files)
                    .map(|(name, file)| Some((join(rel, name), file?)))
                    .collect::<Option<Vec<_>>>()
                    .map(|files| visit(rel, files));
                shared.finish((listed.dir.clone(), entries, value));
            }
        }
    }
}

/// What the threads of an exploration share: the jobs waiting, the directories done, and
/// whether the calling thread is done with the workers.
struct Shared<F, T> {
    state: Mutex<State<F, T>>,
    /// Woken when a job or a result arrives, and when the exploration ends.
    wake: Condvar,
    /// Counts those events, for a thread looking again without the lock.
    changes: AtomicUsize,
}

struct State<F, T> {
    jobs: VecDeque<Job<F>>,
    done: VecDeque<Done<T>>,
    /// Files waiting in the read jobs queued.
    files_waiting: usize,
    /// Directories waiting to be listed.
    dirs_waiting: usize,
    /// Threads waiting on [`Shared::wake`].
    idle: usize,
    /// Whether the exploration has ended, or a worker stopped before it did.
    closed: bool,
}

/// What the calling thread takes next.
enum Next<F, T> {
    Done(Done<T>),
    Job(Job<F>),
}

impl<F, T> Shared<F, T> {
    fn new() -> Self {
        Shared {
            state: Mutex::new(State {
                jobs: VecDeque::new(),
                done: VecDeque::new(),
                files_waiting: 0,
                dirs_waiting: 0,
                idle: 0,
                closed: false,
            }),
            wake: Condvar::new(),
            changes: AtomicUsize::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<F, T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wakes the threads waiting, if any: waking costs a system call.
    fn wake_idle(&self, state: &State<F, T>) {
        self.changes.fetch_add(1, Ordering::Release);
        if state.idle > 0 {
            self.wake.notify_all();
        }
    }

    /// Queues a directory's listing, before the reads waiting: a listing leads to more work.
    fn push(&self, job: Job<F>) {
        let mut state = self.lock();
        state.dirs_waiting += 1;
        state.jobs.push_front(job);
        self.wake_idle(&state);
    }

    /// Queues the reads of a directory's files, `files` of them in all.
    fn push_reads(&self, jobs: impl Iterator<Item = Job<F>>, files: usize) {
        let mut state = self.lock();
        let before = state.jobs.len();
        state.jobs.extend(jobs);
        if state.jobs.len() > before {
            state.files_waiting += files;
            self.wake_idle(&state);
        }
    }

    /// Hands a directory's result to the calling thread.
    fn finish(&self, done: Done<T>) {
        let mut state = self.lock();
        state.done.push_back(done);
        self.wake_idle(&state);
    }

    /// Whether enough is waiting to be worth starting the workers.
    fn worth_workers(&self) -> bool {
        let state = self.lock();
        state.files_waiting >= WORKERS_FROM_FILES || state.dirs_waiting >= WORKERS_FROM_DIRS
    }

    /// Takes a job out of the queue, keeping the counts of what waits.
    fn take_job(state: &mut State<F, T>) -> Option<Job<F>> {
        let job = state.jobs.pop_front()?;
        match &job {
            Job::List(_) => state.dirs_waiting -= 1,
            Job::Read(_, range) => {
                state.files_waiting = state.files_waiting.saturating_sub(range.len());
            }
        }
        Some(job)
    }

    /// What the calling thread does next: a result, else a job, else it waits for either.
    /// `None` when a worker stopped (it panicked; the scope passes the panic on).
    fn next_for_caller(&self) -> Option<Next<F, T>> {
        let mut state = self.lock();
        let until = std::time::Instant::now() + super::pool::AWAKE;
        loop {
            if let Some(done) = state.done.pop_front() {
                return Some(Next::Done(done));
            }
            if let Some(job) = Self::take_job(&mut state) {
                return Some(Next::Job(job));
            }
            if state.closed {
                return None;
            }
            state = self.rest(state, until);
        }
    }

    /// Waits for the state to change: looking again for a while, keeping the core awake (a
    /// virtual machine's core that sleeps takes long to wake), then asleep until woken.
    fn rest<'a>(
        &'a self,
        state: std::sync::MutexGuard<'a, State<F, T>>,
        until: std::time::Instant,
    ) -> std::sync::MutexGuard<'a, State<F, T>> {
        let seen = self.changes.load(Ordering::Acquire);
        if std::time::Instant::now() < until {
            drop(state);
            super::pool::look_until(until, || self.changes.load(Ordering::Acquire) != seen);
            return self.lock();
        }
        let mut state = state;
        state.idle += 1;
        state = self.wake.wait(state).unwrap_or_else(|e| e.into_inner());
        state.idle -= 1;
        state
    }

    /// The next job for a worker, waiting for one: `None` once the exploration has ended.
    fn next_for_worker(&self) -> Option<Job<F>> {
        let mut state = self.lock();
        let until = std::time::Instant::now() + super::pool::AWAKE;
        loop {
            if state.closed {
                return None;
            }
            if let Some(job) = Self::take_job(&mut state) {
                return Some(job);
            }
            state = self.rest(state, until);
        }
    }

    /// Ends the exploration: the workers stop.
    fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        self.wake_idle(&state);
    }
}

/// Closes the exploration when the thread holding it ends: the workers stop when the calling
/// thread is done (or unwinds), and the calling thread stops waiting when a worker ends
/// before the exploration did (a panic in the caller's code).
struct CloseOnDrop<'a, F, T>(&'a Shared<F, T>);

impl<F, T> Drop for CloseOnDrop<'_, F, T> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Starts the workers of a [`Repo::explore`], one per helper thread (the calling thread takes
/// jobs too): each takes the next job and does it until the exploration ends.
fn start_workers<'scope, F: Send + 'scope, T: Send + 'scope>(
    scope: &'scope super::pool::Scope<'scope, '_>,
    shared: &'scope Shared<F, T>,
    run: &'scope (impl Fn(Job<F>) + Sync),
) {
    for _ in 0..super::pool::helpers() {
        scope.spawn(move || {
            let _close = CloseOnDrop(shared);
            while let Some(job) = shared.next_for_worker() {
                run(job);
            }
        });
    }
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
    fn a_large_directory_read_in_pieces_gives_its_files_in_name_order() {
        let (_dir, repo) = graph(3);
        let big = repo.root().join("pkg/big");
        std::fs::create_dir_all(&big).unwrap();
        for n in 0..23 {
            std::fs::write(big.join(format!("f{n:02}.go")), format!("pkg/p{}\n", n % 3)).unwrap();
        }
        let found = explored(&repo, &["pkg/big"], 1000);
        let names: Vec<String> = (0..23).map(|n| format!("pkg/big/f{n:02}.go")).collect();
        assert_eq!(found.len(), 4);
        assert!(found.contains(&("pkg/big".to_string(), names)));
        std::fs::write(big.join("f07.go"), [0xff, 0xfe]).unwrap();
        let found = explored(&repo, &["pkg/big"], 1000);
        assert!(
            found.is_empty(),
            "a file that is not text leaves its directory to the caller"
        );
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
