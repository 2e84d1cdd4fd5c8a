//! The top-level error: each area's error folded into one, with the process exit code.

use crate::decide::DecideError;
use crate::facts::DetectError;
use crate::render::RenderError;
use crate::write::WriteError;

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code for a failure or for drift found by `check`.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for bad usage or unusable input.
pub const EXIT_USAGE: u8 = 2;

/// Anything that stops a shiplight command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Detect(#[from] DetectError),
    #[error(transparent)]
    Decide(#[from] DecideError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Digests(#[from] crate::images::DigestsError),
    /// An image registry did not give a digest (`pins --resolve`), with its answer.
    #[error("{0}")]
    Registry(String),
    /// A flag or value that cannot be used, with what to do instead.
    #[error("{0}")]
    Usage(String),
    /// Output could not be printed.
    #[error("cannot write to standard output: {0}")]
    Output(#[from] std::io::Error),
}

impl From<crate::plan::PlanError> for Error {
    fn from(err: crate::plan::PlanError) -> Error {
        use crate::plan::PlanError;
        match err {
            PlanError::Detect(err) => Error::Detect(err),
            PlanError::Decide(err) => Error::Decide(err),
            PlanError::Digests(err) => Error::Digests(err),
            PlanError::Unavailable(message) => Error::Usage(message),
        }
    }
}

impl Error {
    /// A word for the kind of error, for `--json` errors: detect, decide, render, write,
    /// config, digests, registry, usage or output.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Detect(_) => "detect",
            Error::Decide(_) => "decide",
            Error::Render(_) => "render",
            Error::Write(_) => "write",
            Error::Config(_) => "config",
            Error::Digests(_) => "digests",
            Error::Registry(_) => "registry",
            Error::Usage(_) => "usage",
            Error::Output(_) => "output",
        }
    }

    /// The process exit code for this error: 2 for usage or input problems, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Detect(_)
            | Error::Decide(_)
            | Error::Usage(_)
            | Error::Config(_)
            | Error::Digests(_) => EXIT_USAGE,
            Error::Render(err) if err.custom => EXIT_USAGE,
            Error::Write(crate::write::WriteError::Refused { .. }) => EXIT_USAGE,
            Error::Render(_) | Error::Write(_) | Error::Output(_) | Error::Registry(_) => {
                EXIT_FAILURE
            }
        }
    }
}
