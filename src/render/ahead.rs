//! Compiling templates ahead of the rendering, on a helper thread while it has nothing else to
//! do: first the partials every stack's templates use, then, once detection has found a stack
//! ([`expect`]), what that stack's templates use, in the order a rendering first uses them.
//! Other stacks' templates are left alone: compiling every embedded template took more
//! instructions than the rest of a small project's run.

use super::{by_id, embedded_environment, stack_templates};
use crate::repo::pool;
use crate::stack::Stack;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// The stack detection found first, as its place in [`Stack::ALL`] plus one (0: none yet).
static EXPECTED: AtomicUsize = AtomicUsize::new(0);

/// Whether the compilation is queued for a helper or running on one: there is never more than
/// one (two would each step aside for the other, and neither compile).
static SCHEDULED: AtomicBool = AtomicBool::new(false);

/// Compiles, on a helper, the templates [`next`] hands out, one at a time, unless that is
/// queued or running already: between two it steps aside when other work waits for the helper,
/// and goes on after that work; it ends when nothing is left to hand out, and what is left when
/// the process ends is not done.
pub fn compile_ahead() {
    if !SCHEDULED.swap(true, Ordering::SeqCst) {
        pool::detach(compile);
    }
}

/// The work [`compile_ahead`] queues.
fn compile() {
    loop {
        if pool::others_waiting() {
            pool::detach(compile);
            return;
        }
        let Some(id) = next(true) else {
            SCHEDULED.store(false, Ordering::SeqCst);
            // A stack expected since `next` looked found the work scheduled and left it here:
            // it goes on unless a new compilation has been queued for it meanwhile.
            if next(false).is_some() && !SCHEDULED.swap(true, Ordering::SeqCst) {
                continue;
            }
            return;
        };
        // A template that fails to compile is reported by the rendering that uses it.
        let _ = embedded_environment().get_template(id);
    }
}

/// Tells the compilation ahead which stack a rendering will most likely use: the first stack
/// detection finds. Its templates are compiled next, after the template being compiled.
pub fn expect(stack: Stack) {
    if EXPECTED
        .compare_exchange(0, stack.index() + 1, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
    {
        compile_ahead();
    }
}

/// The next template to compile ahead, handed out once when `take`: what the expected stack
/// uses, or before a stack is expected, what every stack uses.
fn next(take: bool) -> Option<&'static str> {
    static HANDED_OUT: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let order = match EXPECTED.load(Ordering::SeqCst) {
        0 => shared(),
        place => uses(Stack::ALL[place - 1]),
    };
    let mut handed_out = HANDED_OUT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let id = order.iter().copied().find(|id| !handed_out.contains(id))?;
    if take {
        handed_out.insert(id);
    }
    Some(id)
}

/// The templates every stack's rendering uses, in the order the first stack's uses them.
fn shared() -> &'static [&'static str] {
    static SHARED: OnceLock<Vec<&'static str>> = OnceLock::new();
    SHARED.get_or_init(|| {
        let mut shared = uses(Stack::ALL[0]).to_vec();
        shared.retain(|id| Stack::ALL.iter().all(|&stack| uses(stack).contains(id)));
        shared
    })
}

/// The embedded templates a rendering of `stack` uses: its Dockerfile's and .dockerignore's
/// templates and those they include or import by name, in the order they are first named.
fn uses(stack: Stack) -> &'static [&'static str] {
    static USES: OnceLock<Vec<Vec<&'static str>>> = OnceLock::new();
    let all = USES.get_or_init(|| {
        Stack::ALL
            .iter()
            .map(|&stack| {
                let mut seen = vec![false; by_id().len()];
                let mut order = Vec::new();
                for id in stack_templates(stack) {
                    if let Some(at) = place(&id) {
                        named_from(at, &mut seen, &mut order);
                    }
                }
                order
            })
            .collect()
    });
    &all[stack.index()]
}

/// Adds the embedded template at `at` of [`by_id`], then the templates it names, to `order`,
/// each once.
fn named_from(at: usize, seen: &mut [bool], order: &mut Vec<&'static str>) {
    if std::mem::replace(&mut seen[at], true) {
        return;
    }
    order.push(by_id()[at].0.as_str());
    for &named in &named()[at] {
        named_from(named, seen, order);
    }
}

/// The place in [`by_id`] of each embedded template each one names, read once.
fn named() -> &'static [Vec<usize>] {
    static NAMED: OnceLock<Vec<Vec<usize>>> = OnceLock::new();
    NAMED.get_or_init(|| {
        by_id()
            .iter()
            .map(|(_, file)| {
                names(file.contents_utf8().unwrap_or_default())
                    .filter_map(place)
                    .collect()
            })
            .collect()
    })
}

/// The place of embedded template `id` in [`by_id`].
fn place(id: &str) -> Option<usize> {
    by_id()
        .binary_search_by(|(known, _)| known.as_str().cmp(id))
        .ok()
}

/// The templates a template's text names in `include`, `import` and `from` tags, in the order
/// it names them (a name built from a variable is not one).
fn names(text: &str) -> impl Iterator<Item = &str> {
    memchr::memchr_iter(b'{', text.as_bytes()).filter_map(move |at| {
        let tag = text[at + 1..].strip_prefix('%')?;
        let tag = tag.trim_start_matches(['-', '+']).trim_start();
        let rest = ["include", "import", "from"]
            .iter()
            .find_map(|word| tag.strip_prefix(word))?;
        let (name, after) = rest.trim_start().strip_prefix('"')?.split_once('"')?;
        (!after.trim_start().starts_with('~')).then_some(name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_in_order_and_built_names_left_out() {
        let text = "{% from \"partials/exec.j2\" import x %}\n{%- include \"partials/header.j2\" %}\n\
                    {% from \"node/\" ~ pm ~ \".j2\" import install %}\n{% import \"a.j2\" as a %}\n\
                    {% if x %}include \"b.j2\"{% endif %}";
        assert_eq!(
            names(text).collect::<Vec<_>>(),
            vec!["partials/exec.j2", "partials/header.j2", "a.j2"]
        );
    }

    #[test]
    fn a_stack_uses_its_own_templates_and_the_partials_they_name() {
        for &stack in Stack::ALL {
            let used = uses(stack);
            let [dockerfile, dockerignore] = stack_templates(stack);
            assert_eq!(used[0], dockerfile);
            assert!(used.contains(&dockerignore.as_str()), "{stack:?}");
            assert!(used.contains(&"partials/header.j2"), "{stack:?}");
            for id in used {
                assert!(super::super::template(id).is_some(), "{id}");
            }
        }
        assert!(shared().contains(&"partials/header.j2"));
        assert!(!shared().iter().any(|id| id.ends_with("/Dockerfile.j2")));
    }
}
