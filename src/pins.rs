//! `shiplight pins`: the digests file for the images a project's Dockerfile uses. Every image
//! is listed as `image:tag@sha256:...`, the form the digests file, Renovate and Dependabot read;
//! fetching a digest needs a registry, so an image the current file does not pin is printed
//! with an empty digest, a line the digests file refuses until it is filled.

use crate::cli::PinsArgs;
use crate::error::{EXIT_FAILURE, EXIT_OK, Error};
use crate::pipeline::{self, Environment};
use std::io::Write;

/// Prints the pin file for the project at `args.path`; with `--check`, exit 1 when an image is
/// not pinned yet.
pub fn run(args: &PinsArgs, env: &Environment, out: &mut dyn Write) -> Result<u8, Error> {
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
