//! The process's helper threads: started once, as early as the process can ([`start`]), lent
//! to the scoped work of [`super::in_parallel`], [`super::pending`] and [`super::Repo::explore`],
//! and given work nothing waits for ([`detach`]). Starting a thread costs its starter tens of
//! microseconds, and the thread hundreds more before it runs when its core was asleep (a
//! virtual machine's idle core is halted until another wakes it); a helper started once, while
//! the arguments are parsed, and kept awake for a moment between tasks pays that once.

use std::any::Any;
use std::collections::VecDeque;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, Once};
use std::time::{Duration, Instant};

/// A task as the helpers hold it: its scope's number and the work.
type Task = (usize, Box<dyn FnOnce() + Send + 'static>);

/// The tasks waiting for a helper.
struct Pool {
    queue: Mutex<Queue>,
    /// Woken when a task is queued and a helper sleeps.
    wake: Condvar,
    /// How many tasks wait, read without the lock by the helpers keeping awake.
    queued: AtomicUsize,
}

struct Queue {
    tasks: VecDeque<Task>,
    /// Helpers asleep on [`Pool::wake`].
    sleeping: usize,
}

static POOL: Pool = Pool {
    queue: Mutex::new(Queue {
        tasks: VecDeque::new(),
        sleeping: 0,
    }),
    wake: Condvar::new(),
    queued: AtomicUsize::new(0),
};

static STARTED: Once = Once::new();

/// Helpers started.
static HELPERS: AtomicUsize = AtomicUsize::new(0);

/// The scope number of work nothing waits for ([`detach`]): no scope takes it back.
const DETACHED: usize = usize::MAX;

/// Scope numbers handed out so far.
static SCOPES: AtomicUsize = AtomicUsize::new(0);

/// How long a helper, or a thread waiting for one, keeps its core awake looking for work
/// before it sleeps: longer than most gaps between a run's parallel parts, short beside a
/// run (measured: 100 to 300 microseconds did best; two milliseconds made a small project's
/// run a millisecond longer, the process ending with a helper still looking).
pub(super) const AWAKE: Duration = Duration::from_micros(200);

/// The stack of a helper: the main thread's, since a task may parse documents as deep as the
/// parsers allow.
const STACK: usize = 8 << 20;

/// Starts the helpers, one fewer than [`super::readers`] allows (the thread that hands out the
/// work takes its share): once per process, whoever asks first.
pub fn start() {
    STARTED.call_once(|| {
        for _ in 1..super::readers() {
            let spawned = std::thread::Builder::new().stack_size(STACK).spawn(|| {
                look_up_features();
                loop {
                    let (_, task) = next_task();
                    task();
                }
            });
            if spawned.is_err() {
                break;
            }
            HELPERS.fetch_add(1, Ordering::Release);
        }
    });
}

/// How many helpers this process has: started here if they were not yet, and fewer than
/// [`super::readers`] allows only when the system refused a thread. Every part that shares
/// work out asks this, so that none queues work for helpers that do not exist.
pub fn helpers() -> usize {
    start();
    HELPERS.load(Ordering::Acquire)
}

/// Queues `task`, which owns all it uses, for a helper, with nothing waiting for it: work that
/// is worth doing only while a helper has nothing else to do, and may be left unfinished when
/// the process ends. Nothing is queued when the process has no helper.
pub fn detach(task: impl FnOnce() + Send + 'static) {
    if helpers() > 0 {
        push(DETACHED, Box::new(task));
    }
}

/// Whether some work waits for a helper: detached work steps aside for it ([`detach`]).
pub fn others_waiting() -> bool {
    POOL.queued.load(Ordering::Acquire) > 0
}

/// Puts the task of scope `id` at the back of the queue and wakes a sleeping helper for it.
fn push(id: usize, task: Box<dyn FnOnce() + Send + 'static>) {
    let mut queue = queue();
    queue.tasks.push_back((id, task));
    POOL.queued.fetch_add(1, Ordering::Release);
    if queue.sleeping > 0 {
        POOL.wake.notify_one();
    }
}

/// Looks up the processor's features, which the SIMD searches and UTF-8 checks look up on
/// first use: a helper does it first thing, while the main thread parses the arguments, since
/// under a hypervisor each `cpuid` costs microseconds (five here, about six of them).
fn look_up_features() {
    #[cfg(target_arch = "x86_64")]
    let _ = std::arch::is_x86_feature_detected!("avx2");
}

fn queue() -> MutexGuard<'static, Queue> {
    POOL.queue.lock().unwrap_or_else(|e| e.into_inner())
}

/// Looks for `ready` until `until`, keeping the core awake (a virtual machine's core that
/// sleeps takes long to wake): whether it came. Waiting threads look for [`AWAKE`] before they
/// sleep.
pub(super) fn look_until(until: Instant, ready: impl Fn() -> bool) -> bool {
    let mut turns = 0u32;
    loop {
        if ready() {
            return true;
        }
        turns = turns.wrapping_add(1);
        if turns.is_multiple_of(64) && Instant::now() >= until {
            return false;
        }
        std::hint::spin_loop();
    }
}

/// The next task for a helper: looked for while awake for [`AWAKE`], then slept for.
fn next_task() -> Task {
    look_until(Instant::now() + AWAKE, || {
        POOL.queued.load(Ordering::Acquire) > 0
    });
    let mut queue = queue();
    loop {
        if let Some(task) = queue.tasks.pop_front() {
            POOL.queued.fetch_sub(1, Ordering::Release);
            return task;
        }
        queue.sleeping += 1;
        queue = POOL.wake.wait(queue).unwrap_or_else(|e| e.into_inner());
        queue.sleeping -= 1;
    }
}

/// A scope whose tasks run on the helpers and may borrow what lives outside it: [`scope`]
/// returns only once every task spawned in it has finished.
pub struct Scope<'scope, 'env: 'scope> {
    id: usize,
    /// Tasks spawned and not finished.
    running: AtomicUsize,
    done: Mutex<()>,
    /// Woken when the last task running finishes, and when a task is spawned.
    finished: Condvar,
    /// The first panic of a task, passed on when the scope ends.
    panic: Mutex<Option<Box<dyn Any + Send>>>,
    scope: PhantomData<&'scope mut &'scope ()>,
    env: PhantomData<&'env mut &'env ()>,
}

/// Runs `body` with a scope to spawn tasks in, then runs the tasks no helper has taken and
/// waits for those the helpers run; a task's panic is passed on then.
pub fn scope<'env, F, T>(body: F) -> T
where
    F: for<'scope> FnOnce(&'scope Scope<'scope, 'env>) -> T,
{
    start();
    let scope = Scope {
        id: SCOPES.fetch_add(1, Ordering::Relaxed),
        running: AtomicUsize::new(0),
        done: Mutex::new(()),
        finished: Condvar::new(),
        panic: Mutex::new(None),
        scope: PhantomData,
        env: PhantomData,
    };
    let result = catch_unwind(AssertUnwindSafe(|| body(&scope)));
    scope.finish();
    if let Some(panic) = scope.panic.lock().unwrap_or_else(|e| e.into_inner()).take() {
        resume_unwind(panic);
    }
    result.unwrap_or_else(|panic| resume_unwind(panic))
}

impl<'scope> Scope<'scope, '_> {
    /// Queues `task` for a helper; the scope's own thread runs it when it ends, if no helper has.
    pub fn spawn<F: FnOnce() + Send + 'scope>(&'scope self, task: F) {
        self.running.fetch_add(1, Ordering::AcqRel);
        let task: Box<dyn FnOnce() + Send + 'scope> = Box::new(move || {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(task)) {
                self.panic
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_or_insert(panic);
            }
            let _done = self.done.lock().unwrap_or_else(|e| e.into_inner());
            if self.running.fetch_sub(1, Ordering::AcqRel) == 1 {
                self.finished.notify_all();
            }
        });
        // SAFETY: the task borrows only what outlives 'scope, and `scope` does not return (nor
        // unwind) before every task spawned in it has run: `finish` runs those still queued
        // and waits until `running`, counted down by each task as its last step, is zero.
        let task: Box<dyn FnOnce() + Send + 'static> = unsafe { std::mem::transmute(task) };
        push(self.id, task);
        let _done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        self.finished.notify_all();
    }

    /// Runs the scope's tasks still queued, here, and waits for those running elsewhere. It
    /// returns holding, then dropping, the lock each task takes last: no task touches the
    /// scope after that.
    fn finish(&self) {
        loop {
            if let Some(task) = self.take_queued() {
                task();
                continue;
            }
            look_until(Instant::now() + AWAKE, || {
                self.running.load(Ordering::Acquire) == 0
            });
            let done = self.done.lock().unwrap_or_else(|e| e.into_inner());
            if self.running.load(Ordering::Acquire) == 0 {
                return;
            }
            if self.has_queued() {
                continue;
            }
            drop(self.finished.wait(done));
        }
    }

    /// A task of this scope still queued, taken out of the queue.
    fn take_queued(&self) -> Option<Box<dyn FnOnce() + Send + 'static>> {
        let mut queue = queue();
        let at = queue.tasks.iter().position(|(id, _)| *id == self.id)?;
        let (_, task) = queue.tasks.remove(at)?;
        POOL.queued.fetch_sub(1, Ordering::Release);
        Some(task)
    }

    fn has_queued(&self) -> bool {
        queue().tasks.iter().any(|(id, _)| *id == self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_runs_once_before_its_scope_returns() {
        let count = AtomicUsize::new(0);
        scope(|s| {
            for _ in 0..50 {
                s.spawn(|| {
                    count.fetch_add(1, Ordering::SeqCst);
                });
            }
        });
        assert_eq!(count.load(Ordering::SeqCst), 50);
    }

    #[test]
    fn detached_work_runs_on_a_helper_or_not_at_all() {
        start();
        let (sent, received) = std::sync::mpsc::channel();
        detach(move || {
            let _ = sent.send(std::thread::current().id());
        });
        let ran_on = received.recv_timeout(Duration::from_secs(10));
        if helpers() > 0 {
            assert_ne!(
                ran_on.expect("a helper runs it"),
                std::thread::current().id()
            );
        } else {
            assert!(
                ran_on.is_err(),
                "nothing runs detached work without a helper"
            );
        }
    }

    #[test]
    fn a_tasks_panic_reaches_the_scope_after_the_others_finished() {
        let count = AtomicUsize::new(0);
        let caught = catch_unwind(AssertUnwindSafe(|| {
            scope(|s| {
                s.spawn(|| panic!("task failed"));
                for _ in 0..10 {
                    s.spawn(|| {
                        std::thread::sleep(Duration::from_millis(1));
                        count.fetch_add(1, Ordering::SeqCst);
                    });
                }
            })
        }));
        assert!(caught.is_err());
        assert_eq!(count.load(Ordering::SeqCst), 10);
    }
}
