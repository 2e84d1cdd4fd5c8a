//! `shiplight pins`: the digests file for the images a project's Dockerfile uses. Every image
//! is listed as `image:tag@sha256:...`, the form the digests file, Renovate and Dependabot read.
//! Without `--resolve` no registry is asked, so an image the current file does not pin is
//! printed with an empty digest, a line the digests file refuses until it is filled; with
//! `--resolve` every digest is looked up ([`crate::registry`]) and the digests file and the
//! Dockerfile are written together, or nothing is written.

use crate::cli::PinsArgs;
use crate::error::{EXIT_FAILURE, EXIT_OK, Error};
use crate::pipeline::{self, Environment};
use crate::registry::{self, Client};
use crate::settings::{Layer, Place};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Prints the pin file for the project at `args.path`; with `--check`, exit 1 when an image is
/// not pinned yet.
pub fn run(args: &PinsArgs, env: &Environment, out: &mut dyn Write) -> Result<u8, Error> {
    if args.resolve {
        return resolve(args, env, out);
    }
    let flags = args.overrides.layer().map_err(Error::Usage)?;
    let generated = pipeline::generate(&args.path, args.overrides.config.as_deref(), flags, env)?;
    let dockerfile = generated
        .outputs
        .iter()
        .find(|output| output.name == "Dockerfile")
        .map(|output| output.contents.as_str())
        .unwrap_or_default();
    let runtime = &generated.plan.runtime;
    let mut images = from_images(dockerfile);
    for image in [&runtime.image, &runtime.debug_image] {
        if !images.contains(image) {
            images.push(image.clone());
        }
    }
    images.sort();
    writeln!(
        out,
        "# Image pins for `digests = \"FILE\"` (or --digests FILE): one image:tag@sha256:<64 hex> per line."
    )?;
    writeln!(
        out,
        "# An empty digest is to be filled: docker buildx imagetools inspect IMAGE shows it."
    )?;
    let mut open = 0;
    for image in &images {
        if image.contains("@sha256:") {
            writeln!(out, "{image}")?;
        } else {
            open += 1;
            writeln!(out, "{image}@sha256:")?;
        }
    }
    Ok(if args.check && open > 0 {
        EXIT_FAILURE
    } else {
        EXIT_OK
    })
}

/// Looks up the digest of every image the Dockerfile uses and writes the digests file the
/// settings name together with the Dockerfile pinned by it. Nothing is written when a lookup
/// fails or when the Dockerfile on disk differs from what shiplight generates in more than its
/// digests.
fn resolve(args: &PinsArgs, env: &Environment, out: &mut dyn Write) -> Result<u8, Error> {
    let root = &args.path;
    pipeline::check_dir(root)?;
    let base = pipeline::base_layers(root, args.overrides.config.as_deref(), env)?;
    let flags = args.overrides.layer().map_err(Error::Usage)?;
    let place = base
        .iter()
        .chain([&flags])
        .rev()
        .find_map(|layer| layer.digests.clone())
        .ok_or_else(|| {
            Error::Usage(
                "pins --resolve writes the digests file the settings name, and none is named: add `digests = \"images.lock\"` to shiplight.toml (or give --digests FILE)".to_string(),
            )
        })?;
    let rel = inside(root, &place.path()).ok_or_else(|| {
        Error::Usage(format!(
            "the digests file {} is outside the project {}: pins --resolve writes it together with the Dockerfile, so it must be inside",
            place.path().display(),
            root.display()
        ))
    })?;
    let unpinned_layers = |layers: &[Layer]| -> Vec<Layer> {
        layers
            .iter()
            .cloned()
            .map(|mut layer| {
                layer.digests = None;
                layer
            })
            .collect()
    };
    let unpinned = pipeline::generate_layers(
        root,
        &unpinned_layers(&base),
        unpinned_layers(std::slice::from_ref(&flags)).remove(0),
    )?;
    let on_disk = crate::repo::Repo::new(root)
        .read_text("Dockerfile", crate::repo::MANIFEST_CAP)
        .map_err(|err| {
            Error::Usage(format!(
                "{}: {}",
                root.join("Dockerfile").display(),
                err.cause
            ))
        })?
        .ok_or_else(|| {
            Error::Usage(format!(
                "{} does not exist: run `shiplight init` first; pins --resolve updates a Dockerfile shiplight wrote",
                root.join("Dockerfile").display()
            ))
        })?;
    let current = pipeline::generate_layers(root, &base, flags.clone()).ok();
    let current = [Some(&unpinned), current.as_ref()]
        .into_iter()
        .flatten()
        .any(|generated| {
            crate::pinned::same_but_digests(&on_disk, dockerfile_of(&generated.outputs))
        });
    if !current {
        return Err(Error::Usage(format!(
            "{} differs from what shiplight generates in more than its image digests (`shiplight check` shows how): nothing was written; regenerate it with `shiplight init --force`, then run pins --resolve again",
            root.join("Dockerfile").display()
        )));
    }
    let mut images = from_images(dockerfile_of(&unpinned.outputs));
    for image in [
        &unpinned.plan.runtime.image,
        &unpinned.plan.runtime.debug_image,
    ] {
        if !images.contains(image) {
            images.push(image.clone());
        }
    }
    images.retain(|image| !image.contains('@'));
    images.sort();

    let insecure = env
        .vars
        .iter()
        .find(|(name, _)| name == registry::INSECURE_ENV)
        .map(|(_, value)| value.as_str())
        .unwrap_or("");
    let client = Client::new(insecure);
    let mut digests = BTreeMap::new();
    let mut failures = Vec::new();
    for image in &images {
        match client.digest(image) {
            Ok(digest) => {
                digests.insert(image.clone(), digest);
            }
            Err(err) => failures.push(err.to_string()),
        }
    }
    if !failures.is_empty() {
        return Err(Error::Registry(format!(
            "pins --resolve: {} of {} digests could not be looked up, and nothing was written:\n  {}",
            failures.len(),
            images.len(),
            failures.join("\n  ")
        )));
    }

    let old_text = std::fs::read_to_string(place.path()).ok();
    let (text, moved) = digests_file(old_text.as_deref(), &digests);
    let scratch = tempfile::tempdir()
        .map_err(|err| Error::Registry(format!("cannot stage the digests file: {err}")))?;
    let staged = scratch.path().join("digests");
    std::fs::write(&staged, &text)
        .map_err(|err| Error::Registry(format!("cannot stage the digests file: {err}")))?;
    let mut pinned_flags = flags;
    pinned_flags.digests = Some(Place::Anywhere(staged));
    let pinned = pipeline::generate_layers(root, &base, pinned_flags)?;
    let dockerfile = dockerfile_of(&pinned.outputs);
    let written = crate::repo::Repo::new(root).write_all(
        [
            (rel.as_str(), text.as_bytes()),
            ("Dockerfile", dockerfile.as_bytes()),
        ],
        true,
    )?;
    for (image, digest) in &digests {
        match moved.get(image) {
            Some(old) if old != digest => writeln!(out, "{image}@{digest} (was {old})")?,
            _ => writeln!(out, "{image}@{digest}")?,
        }
    }
    for path in written {
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(EXIT_OK)
}

/// The Dockerfile among generated outputs.
fn dockerfile_of(outputs: &[crate::render::Output]) -> &str {
    outputs
        .iter()
        .find(|output| output.name == "Dockerfile")
        .map(|output| output.contents.as_str())
        .unwrap_or_default()
}

/// `path` relative to the project `root`, when it lies inside (its directory exists).
fn inside(root: &Path, path: &Path) -> Option<String> {
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dir = parent.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    let rel = dir.strip_prefix(&root).ok()?.join(name);
    rel.to_str().map(str::to_string)
}

/// The digests file with `digests` (image -> digest) written in: a line pinning one of the
/// images gets its new digest (comments and other images' lines are kept), the images it did not
/// hold are added, in order. Returns the text and the digests the old lines held.
fn digests_file(
    old: Option<&str>,
    digests: &BTreeMap<String, String>,
) -> (String, BTreeMap<String, String>) {
    let mut text = String::new();
    let mut before = BTreeMap::new();
    let mut done = Vec::new();
    match old {
        Some(old) if !old.trim().is_empty() => {
            for line in old.lines() {
                let pin = line.split('#').next().unwrap_or("").trim();
                let image = pin.split_once('@').map(|(image, _)| image).unwrap_or(pin);
                match digests.get(image) {
                    Some(digest) if !done.contains(&image) => {
                        if let Some((_, old_digest)) = pin.split_once('@')
                            && registry::is_digest(old_digest)
                        {
                            before.insert(image.to_string(), old_digest.to_string());
                        }
                        done.push(image);
                        text.push_str(&format!("{image}@{digest}\n"));
                    }
                    Some(_) => {}
                    None => {
                        text.push_str(line);
                        text.push('\n');
                    }
                }
            }
        }
        _ => text.push_str(
            "# Image digests for shiplight (`digests` in shiplight.toml): one image:tag@sha256:<64 hex> per line.\n# Written by `shiplight pins --resolve`; update bots move these lines with the Dockerfile's.\n",
        ),
    }
    for (image, digest) in digests {
        if !done.contains(&image.as_str()) {
            text.push_str(&format!("{image}@{digest}\n"));
        }
    }
    (text, before)
}

/// The image references of the Dockerfile's `FROM` lines: not earlier stages, not references
/// built from build-args.
fn from_images(dockerfile: &str) -> Vec<String> {
    let mut stages: Vec<&str> = Vec::new();
    let mut images = Vec::new();
    for line in dockerfile.lines() {
        let mut words = line.split_whitespace();
        if words.next() != Some("FROM") {
            continue;
        }
        let rest: Vec<&str> = words.filter(|word| !word.starts_with("--")).collect();
        let Some(&image) = rest.first() else {
            continue;
        };
        if !image.contains('$') && !stages.contains(&image) && !images.iter().any(|i| i == image) {
            images.push(image.to_string());
        }
        if let [_, as_word, name] = rest.as_slice()
            && as_word.eq_ignore_ascii_case("AS")
        {
            stages.push(name);
        }
    }
    images
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_file_keeps_comments_and_other_images_and_adds_the_new() {
        let digests: BTreeMap<String, String> = [
            ("a:1".to_string(), format!("sha256:{}", "1".repeat(64))),
            ("b:2".to_string(), format!("sha256:{}", "2".repeat(64))),
        ]
        .into();
        let old = format!(
            "# mine\nother:3@sha256:{}\na:1@sha256:{} # pinned\nb:2@sha256:\n",
            "3".repeat(64),
            "0".repeat(64)
        );
        let (text, before) = digests_file(Some(&old), &digests);
        assert_eq!(
            text,
            format!(
                "# mine\nother:3@sha256:{}\na:1@sha256:{}\nb:2@sha256:{}\n",
                "3".repeat(64),
                "1".repeat(64),
                "2".repeat(64)
            )
        );
        assert_eq!(before["a:1"], format!("sha256:{}", "0".repeat(64)));
        let (fresh, _) = digests_file(None, &digests);
        assert!(fresh.starts_with("# Image digests"));
        assert!(fresh.ends_with(&format!("b:2@sha256:{}\n", "2".repeat(64))));
    }

    #[test]
    fn from_lines_give_images_not_stages_or_arguments() {
        let text = "ARG RUNTIME_TAG=nonroot\nFROM --platform=$BUILDPLATFORM golang:1.26-trixie AS build\nFROM build AS test\nFROM gcr.io/distroless/static-debian13:${RUNTIME_TAG}\nFROM node:22@sha256:ab AS web\n";
        assert_eq!(
            from_images(text),
            vec![
                "golang:1.26-trixie".to_string(),
                "node:22@sha256:ab".to_string()
            ]
        );
    }
}
