//! A value worked out on a thread of its own while the caller goes on, taken when first needed.

use std::sync::{Mutex, OnceLock};
use std::thread::ScopedJoinHandle;

/// The result of some work started ahead ([`pending`]): [`Pending::get`] waits for it the first
/// time and hands it out after that, [`Pending::take`] hands it over. Work started and never
/// asked for is finished before [`pending`] returns; on one core, work never asked for is never
/// done.
pub struct Pending<'scope, T> {
    running: Mutex<Option<ScopedJoinHandle<'scope, T>>>,
    work: &'scope (dyn Fn() -> T + Sync),
    value: OnceLock<T>,
}

impl<T> Pending<'_, T> {
    /// The value, once the work is done.
    pub fn get(&self) -> &T {
        self.value.get_or_init(|| self.finished())
    }

    /// The value itself, once the work is done.
    pub fn take(mut self) -> T {
        match self.value.take() {
            Some(value) => value,
            None => self.finished(),
        }
    }

    /// The work's result: taken from its thread, or worked out here when no thread took it.
    fn finished(&self) -> T {
        let running = self.running.lock().ok().and_then(|mut slot| slot.take());
        match running {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => (self.work)(),
        }
    }
}

/// Starts `work` on a thread of its own (when the machine has more than one core) and runs
/// `then` meanwhile, with the [`Pending`] result to take when it needs it.
pub fn pending<T: Send, R>(
    work: &(dyn Fn() -> T + Sync),
    then: impl FnOnce(Pending<'_, T>) -> R,
) -> R {
    std::thread::scope(|scope| {
        let running = (super::readers() > 1)
            .then(|| {
                std::thread::Builder::new()
                    .stack_size(STACK)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .flatten();
        let pending = Pending {
            running: Mutex::new(running),
            work,
            value: OnceLock::new(),
        };
        then(pending)
    })
}

/// The stack of the thread: the main thread's, since the work may parse documents as deep as
/// the parsers allow.
const STACK: usize = 8 << 20;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn the_work_runs_once_and_its_value_is_the_one_handed_out() {
        let runs = AtomicUsize::new(0);
        let work = || {
            runs.fetch_add(1, Ordering::SeqCst);
            vec![1, 2, 3]
        };
        let total = pending(&work, |value| {
            let first: i32 = value.get().iter().sum();
            let second: i32 = value.get().iter().sum();
            first + second
        });
        assert_eq!(total, 12);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_value_is_handed_over_whether_or_not_it_was_looked_at() {
        let work = || String::from("done");
        assert_eq!(pending(&work, |value| value.take()), "done");
        let seen = pending(&work, |value| {
            let length = value.get().len();
            (length, value.take())
        });
        assert_eq!(seen, (4, "done".to_string()));
    }

    #[test]
    fn work_nobody_takes_is_finished_before_the_caller_goes_on() {
        let runs = AtomicUsize::new(0);
        let work = || runs.fetch_add(1, Ordering::SeqCst);
        pending(&work, |_| ());
        let started = usize::from(super::super::readers() > 1);
        assert_eq!(runs.load(Ordering::SeqCst), started);
    }
}
