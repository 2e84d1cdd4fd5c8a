//! The `shiplight` binary: starts the helper threads ([`shiplight::repo::pool`]) and has them
//! compile the templates ([`shiplight::render::compile_ahead`]), parses arguments, sets how
//! output is shown ([`shiplight::output`]), hands them to the library, and shows its output and
//! errors through [`Terminal`], so nothing read from a repository can steer a terminal. A reader
//! that goes away (`| head -1`) ends the run as it ends `cat`: by SIGPIPE, silently.

use shiplight::output;
use shiplight::shown::Terminal;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// The allocator of the musl builds the release ships: musl's own takes twice as long on the
/// many small allocations of reading a project (docs/release.md).
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How the musl builds' allocator ends with the process.
#[cfg(target_env = "musl")]
mod allocator {
    /// `mi_option_destroy_on_exit`, the 23rd of mimalloc.h's `mi_option_e` in the sources
    /// libmimalloc-sys 0.1.49 builds (versions 2 and 3 alike): read again when it is updated.
    const DESTROY_ON_EXIT: i32 = 22;

    unsafe extern "C" {
        fn mi_option_set(option: i32, value: std::ffi::c_long);
    }

    /// Leaves the heap to the kernel when the process ends: above 1, mimalloc's exit handler
    /// returns at once instead of collecting every thread's pages and handing them back with
    /// `madvise` (eight calls on a small project's run, one of them over 30 MiB), memory the
    /// kernel takes back with the process anyway.
    pub fn leave_heap_at_exit() {
        // SAFETY: sets one option by its index; mimalloc reads it only in its exit handler.
        unsafe { mi_option_set(DESTROY_ON_EXIT, 2) }
    }
}

fn main() -> ExitCode {
    #[cfg(target_env = "musl")]
    allocator::leave_heap_at_exit();
    // The helper threads start while the arguments are parsed: starting costs the most when
    // it is first asked for, and a helper's core needs a moment to wake. Their first work is
    // compiling the templates a rendering will use, until other work comes.
    shiplight::repo::pool::start();
    shiplight::render::compile_ahead();
    let cli = <shiplight::cli::Cli as clap::Parser>::parse();
    output::init(output::Output {
        quiet: cli.output.quiet,
        verbose: cli.output.verbose,
        color: output::colors(cli.output.color, std::io::stderr().is_terminal(), |name| {
            std::env::var(name).ok()
        }),
        json: cli.json(),
    });
    let mut stdout = Terminal::new(std::io::stdout().lock());
    let result = shiplight::run(cli, &mut stdout);
    if let Err(err) = stdout.flush()
        && output::is_closed_pipe(&err)
    {
        output::end_on_closed_pipe();
    }
    match result {
        Ok(code) => ExitCode::from(code),
        Err(shiplight::error::Error::Output(err)) if output::is_closed_pipe(&err) => {
            output::end_on_closed_pipe()
        }
        Err(err) => {
            output::error(err.exit_code(), err.kind(), &err.to_string());
            ExitCode::from(err.exit_code())
        }
    }
}
