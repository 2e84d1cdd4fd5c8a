//! A value worked out on a helper thread while the caller goes on, taken when first needed.

use super::pool;
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};

/// The result of some work started ahead ([`pending`]): [`Pending::get`] waits for it the first
/// time and hands it out after that, [`Pending::take`] hands it over. Work a helper has not
/// started when it is first asked for is done by the asking thread; work started and never
/// asked for is finished before [`pending`] returns, and work not started by then is not done
/// (on one core, work never asked for is never done).
pub struct Pending<'a, T> {
    slot: &'a Slot<T>,
    work: &'a (dyn Fn() -> T + Sync),
    value: OnceLock<T>,
}

/// Where the work's result meets the thread that asks for it.
struct Slot<T> {
    /// Whether a thread has taken the work on (a helper, or the first to ask).
    claimed: AtomicBool,
    /// What the helper's work gave, until asked for.
    result: Mutex<Option<Result<T, Box<dyn Any + Send>>>>,
    ready: Condvar,
}

impl<T> Slot<T> {
    /// Takes the work on: whether no thread had.
    fn claim(&self) -> bool {
        !self.claimed.swap(true, Ordering::AcqRel)
    }

    /// Runs the work, if no thread has taken it on, and keeps what it gives.
    fn run(&self, work: &(dyn Fn() -> T + Sync)) {
        if self.claim() {
            let result = catch_unwind(AssertUnwindSafe(work));
            *self.result.lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
            self.ready.notify_all();
        }
    }

    /// The work's result: worked out here when no helper took it on, else waited for.
    fn finished(&self, work: &(dyn Fn() -> T + Sync)) -> T {
        if self.claim() {
            return work();
        }
        pool::look_until(std::time::Instant::now() + pool::AWAKE, || {
            self.result.lock().is_ok_and(|result| result.is_some())
        });
        let mut result = self.result.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            match result.take() {
                Some(Ok(value)) => return value,
                Some(Err(panic)) => resume_unwind(panic),
                None => result = self.ready.wait(result).unwrap_or_else(|e| e.into_inner()),
            }
        }
    }
}

/// Takes the work on when `then` ends, returning or unwinding, so that work no helper has
/// started by then is not done.
struct Cancel<'a, T>(&'a Slot<T>);

impl<T> Drop for Cancel<'_, T> {
    fn drop(&mut self) {
        self.0.claim();
    }
}

impl<T> Pending<'_, T> {
    /// The value, once the work is done.
    pub fn get(&self) -> &T {
        self.value.get_or_init(|| self.slot.finished(self.work))
    }

    /// The value itself, once the work is done.
    pub fn take(mut self) -> T {
        match self.value.take() {
            Some(value) => value,
            None => self.slot.finished(self.work),
        }
    }
}

/// Starts `work` on a helper thread (when the machine has more than one core) and runs `then`
/// meanwhile, with the [`Pending`] result to take when it needs it.
pub fn pending<T: Send, R>(
    work: &(dyn Fn() -> T + Sync),
    then: impl FnOnce(Pending<'_, T>) -> R,
) -> R {
    let slot = Slot {
        claimed: AtomicBool::new(false),
        result: Mutex::new(None),
        ready: Condvar::new(),
    };
    let slot = &slot;
    let outcome = pool::scope(|scope| {
        if pool::helpers() > 0 {
            scope.spawn(move || slot.run(work));
        }
        let _cancel = Cancel(slot);
        then(Pending {
            slot,
            work,
            value: OnceLock::new(),
        })
    });
    if let Some(Err(panic)) = slot.result.lock().unwrap_or_else(|e| e.into_inner()).take() {
        resume_unwind(panic);
    }
    outcome
}

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
    fn work_nobody_takes_is_finished_before_the_caller_goes_on_or_not_done() {
        for _ in 0..20 {
            let started = AtomicUsize::new(0);
            let ended = AtomicUsize::new(0);
            let work = || {
                started.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(1));
                ended.fetch_add(1, Ordering::SeqCst);
            };
            pending(&work, |_| ());
            let runs = started.load(Ordering::SeqCst);
            assert!(runs <= 1);
            assert_eq!(ended.load(Ordering::SeqCst), runs);
        }
    }
}
