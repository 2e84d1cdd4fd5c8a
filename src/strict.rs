//! `--strict` (or `SHIPLIGHT_STRICT=1`): the warnings a command gave (printed on standard error,
//! written as a Dockerfile's `# Warning:` lines and shown by `explain`, and check's notes on a
//! file written by another version) fail the run with exit 1, naming them. Without it a warning
//! informs and the exit code is the command's own.

use crate::config::STRICT_ENV;
use crate::error::{EXIT_FAILURE, EXIT_OK, Error};
use crate::pipeline::Environment;
use crate::shown::Terminal;
use std::io::Write;

/// Whether the run is strict: the flag, or `SHIPLIGHT_STRICT` set to a true value (1, true, yes,
/// on; 0, false, no, off and empty leave it off; anything else is refused).
pub fn enabled(flag: bool, env: &Environment) -> Result<bool, Error> {
    let Some((_, value)) = env.vars.iter().find(|(name, _)| name == STRICT_ENV) else {
        return Ok(flag);
    };
    let from_env = match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => true,
        "" | "0" | "false" | "no" | "off" => false,
        _ => {
            return Err(Error::Usage(format!(
                "{STRICT_ENV}={}: expected 1, true, yes or on (or 0, false, no, off)",
                crate::shown::line(value)
            )));
        }
    };
    Ok(flag || from_env)
}

/// The exit code of a command that exited with `code` and gave `warnings`: under `strict`, a
/// successful run with warnings exits 1, after a message on standard error naming them.
pub fn verdict(strict: bool, code: u8, warnings: &[String]) -> u8 {
    if !strict || warnings.is_empty() || code != EXIT_OK {
        return code;
    }
    let mut err = Terminal::new(std::io::stderr().lock());
    let _ = writeln!(
        err,
        "error: --strict: {} warning{} fail{} the run:",
        warnings.len(),
        if warnings.len() == 1 { "" } else { "s" },
        if warnings.len() == 1 { "s" } else { "" }
    );
    for warning in warnings {
        let _ = writeln!(err, "  - {}", crate::shown::line(warning));
    }
    EXIT_FAILURE
}
