//! Writing generated files into a project: all or nothing, never replacing without `force`,
//! never through a symbolic link. The mechanics live in [`crate::repo::write`].

use crate::render::Output;
use crate::repo::Repo;
pub use crate::repo::WriteError;
use std::path::{Path, PathBuf};

/// Writes `outputs` into `dir`. Without `force`, fails before touching anything if any exists.
pub fn write_all(dir: &Path, outputs: &[Output], force: bool) -> Result<Vec<PathBuf>, WriteError> {
    Repo::new(dir).write_all(
        outputs
            .iter()
            .map(|output| (output.name.as_str(), output.contents.as_bytes())),
        force,
    )
}
