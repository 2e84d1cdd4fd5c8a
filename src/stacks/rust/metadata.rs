//! Packages and binaries from `cargo metadata --no-deps --offline`, when cargo is installed.
//! Cargo runs from a neutral working directory, so neither the project's `.cargo/config.toml`
//! nor its `rust-toolchain.toml` is acted on; no dependency is resolved and nothing is built.

use super::manifest::{Bin, Package};
use crate::repo::Repo;
use std::path::Path;

/// Environment variable that chooses when cargo reads the project: `never`, `always`, or (unset
/// or anything else) only when the manifest reading meets something it does not model.
pub const SWITCH: &str = "SHIPLIGHT_CARGO_METADATA";

/// Whether to ask cargo, given what the manifest reading could not model. Cargo's start-up
/// costs more than the whole of shiplight's own reading, so it is asked only when needed.
pub fn wanted(unmodelled: &[String]) -> bool {
    match std::env::var(SWITCH).as_deref() {
        Ok("never") => false,
        Ok("always") => true,
        _ => !unmodelled.is_empty(),
    }
}

/// Packages and default-member directories as cargo sees them; `None` when cargo is not
/// installed or cannot read the project (the plain reading then stands).
pub fn read(repo: &Repo) -> Option<(Vec<Package>, Option<Vec<String>>)> {
    let root = repo.root().canonicalize().ok()?;
    let metadata = cargo_metadata::MetadataCommand::new()
        .manifest_path(root.join("Cargo.toml"))
        .current_dir(std::env::temp_dir())
        .no_deps()
        .other_options(vec!["--offline".to_string()])
        .exec()
        .ok()?;
    let relative = |path: &Path| -> Option<String> {
        let rel = path.strip_prefix(&root).ok()?;
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        Some(parts?.join("/"))
    };
    let mut packages = Vec::new();
    for package in metadata.workspace_packages() {
        let dir = relative(package.manifest_path.parent()?.as_std_path())?;
        let mut bins: Vec<Bin> = package
            .targets
            .iter()
            .filter(|t| t.is_bin())
            .filter_map(|t| {
                Some(Bin {
                    name: t.name.clone(),
                    src: relative(t.src_path.as_std_path())?,
                })
            })
            .collect();
        bins.sort_by(|a, b| a.name.cmp(&b.name));
        packages.push(Package {
            name: package.name.to_string(),
            dir,
            bins,
            rust_version: package.rust_version.as_ref().map(|v| {
                let text = v.to_string();
                text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
            }),
            default_run: package.default_run.clone(),
            version: Some(package.version.to_string()),
            license: package.license.clone(),
            optional: package
                .dependencies
                .iter()
                .filter(|d| d.optional)
                .map(|d| {
                    (
                        d.rename.clone().unwrap_or_else(|| d.name.clone()),
                        d.name.clone(),
                    )
                })
                .collect(),
            features: package
                .features
                .iter()
                .map(|(name, items)| (name.clone(), items.clone()))
                .collect(),
        });
    }
    packages.sort_by(|a, b| a.dir.cmp(&b.dir));
    let default_members = if metadata.workspace_default_members.is_available()
        && metadata.workspace_default_members.len() < metadata.workspace_members.len()
    {
        let ids = &*metadata.workspace_default_members;
        Some(
            metadata
                .packages
                .iter()
                .filter(|p| ids.contains(&p.id))
                .filter_map(|p| relative(p.manifest_path.parent()?.as_std_path()))
                .collect(),
        )
    } else {
        None
    };
    Some((packages, default_members))
}
