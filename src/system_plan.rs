//! The plan's part for the system settings ([`crate::system`]): the runtime when the settings
//! name its image, the build stage's Debian packages and the libraries copied into the runtime,
//! each with the step `explain` shows beside the evidence it replaces ("set by ...").

use crate::catalog::{self, DebugSwitch, Family, RuntimeImage, Vendor};
use crate::evidence::Evidence;
use crate::images::Images;
use crate::settings::ways;
use crate::stack::Stack;
use crate::system::{Found, SystemSettings, is_soname, split_tag};
use crate::trace::{Decision, Step};
use serde::Serialize;

/// A reference without its tag and digest.
fn repository_of(reference: &str) -> &str {
    let name = reference.split('@').next().unwrap_or(reference);
    split_tag(name).0
}

/// One library the runtime gets from the build stage.
#[derive(Debug, Clone, Serialize)]
pub struct Library {
    pub name: String,
    /// A Debian package name (its shared objects, from `dpkg -L`), not a soname.
    pub package: bool,
}

/// What the templates read of the system settings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct System {
    /// Debian packages for the build stage, apt-installed before the build.
    pub packages: Vec<String>,
    /// The project's own Dockerfile, when the packages are those it installs (see [`Found`]),
    /// shown in a comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Some of the packages are those the build needs for what its dependencies link, which
    /// no Dockerfile installs (see [`Found`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub linked: bool,
    /// Libraries copied into the runtime with what they link.
    pub libraries: Vec<Library>,
}

impl System {
    /// Whether the settings name no package and no library.
    pub fn is_empty(&self) -> bool {
        self.packages.is_empty() && self.libraries.is_empty()
    }
}

/// How a key is set, for a step: `set by --key, `key` in shiplight.toml or SHIPLIGHT_KEY`.
fn set_by(key: &str) -> String {
    format!("set by {}", ways(key))
}

/// The build stage's packages (the settings', else those the project's Dockerfile installs
/// for the build, `found`) and the runtime's libraries for a plan, with their steps; a refusal
/// says why they cannot be used here.
pub fn plan(
    settings: &SystemSettings,
    found: Option<&Found>,
    stack: Stack,
    decision: &Decision,
    builder: &str,
    runtime_image: &str,
    steps: &mut Vec<Step>,
) -> Result<System, String> {
    let found = found.filter(|_| settings.build_packages.is_empty());
    let packages = match found {
        Some(found) => found.packages.clone(),
        None => settings.build_packages.clone(),
    };
    if !packages.is_empty() {
        if decision.vendor == Vendor::Chainguard {
            return Err(format!(
                "build-packages names Debian packages{}, installed with apt-get; Chainguard's builders are Wolfi, whose apk names its packages differently and whose builders run as a non-root user: use --vendor distroless (Debian builders), or name only libraries the builder already has in runtime-libraries ({})",
                found.map_or(String::new(), |found| match &found.file {
                    Some(file) => format!(" (here those {file} installs for the build, and those the build needs that it does not install)"),
                    None => " (here those the build needs for what its dependencies link)".to_string(),
                }),
                ways("build-packages")
            ));
        }
        let (by, mut evidence) = match found {
            Some(found) => (
                format!(
                    "{}: {}; build-packages ({}) would replace these",
                    found_from(found),
                    found.why,
                    ways("build-packages")
                ),
                found.evidence.clone(),
            ),
            None => (
                set_by("build-packages"),
                vec![Evidence::setting("build-packages", packages.join(", "))],
            ),
        };
        evidence.push(Evidence::file(
            "catalog",
            format!("builder {builder}: what it carries"),
        ));
        steps.push(Step {
            question: "Debian packages for the build stage?".to_string(),
            answer: format!(
                "{}, {by}: apt-get installs them before the build from the Debian release the builder's tag fixes (not version-pinned, as for the cross toolchain), its caches in cache mounts; they stay in the build stage",
                packages.join(", "),
            ),
            evidence,
        });
    }
    let libraries: Vec<Library> = settings
        .runtime_libraries
        .iter()
        .map(|name| Library {
            name: name.clone(),
            package: !is_soname(name),
        })
        .collect();
    if !libraries.is_empty() {
        if decision.family == Family::Web {
            return Err(format!(
                "runtime-libraries names libraries a program loads, and the project's runtime only serves files ({}): nothing in it would load them",
                decision.runtime.repository
            ));
        }
        if !crate::stacks::runtime_libraries(stack) {
            return Err(format!(
                "runtime-libraries is not available for {} projects: their native code comes as extensions of the runtime image, which its vendor builds with their libraries; name the image that carries them with runtime-image",
                stack.title()
            ));
        }
        if !decision.runtime.has_libc() {
            return Err(format!(
                "runtime-libraries needs a runtime with a C library, and the project runs on {} ({}): choose one with --runtime base or cc",
                decision.family, decision.runtime.repository
            ));
        }
        if decision.vendor == Vendor::Chainguard
            && let Some(package) = libraries.iter().find(|library| library.package)
        {
            return Err(format!(
                "runtime-libraries: {} is a Debian package name, and Chainguard's Wolfi builders have no dpkg to list its files: name the library by its soname (such as libpq.so.5)",
                package.name
            ));
        }
        let named: Vec<String> = libraries
            .iter()
            .map(|library| {
                if library.package {
                    format!("{} (package: its shared objects)", library.name)
                } else {
                    library.name.clone()
                }
            })
            .collect();
        steps.push(Step {
            question: "Libraries copied into the runtime?".to_string(),
            answer: format!(
                "{}, {}: copied from the build stage with every library they link that {runtime_image} lacks, and the build stops when one cannot be found (the linkage check); the build runs on the target platform",
                named.join(", "),
                set_by("runtime-libraries")
            ),
            evidence: vec![
                Evidence::setting("runtime-libraries", settings.runtime_libraries.join(", ")),
                Evidence::file(
                    "catalog",
                    format!(
                        "{} carries {}",
                        decision.runtime.repository,
                        decision.runtime.library_names().join(" ")
                    ),
                ),
            ],
        });
    }
    Ok(System {
        packages,
        source: found
            .and_then(|found| found.file.as_deref())
            .map(crate::safe::comment),
        linked: found.is_some_and(|found| !found.added.is_empty()),
        libraries,
    })
}

/// Where the packages `found` come from, for its step.
fn found_from(found: &Found) -> String {
    match &found.file {
        Some(file) if found.added.is_empty() => format!(
            "from the project's own Dockerfile ({file}), which installs them for the build (the other packages it installs are not taken: nothing known of the build needs them)"
        ),
        Some(file) => format!(
            "those the project's own Dockerfile ({file}) installs for the build as it names them (the other packages it installs are not taken: nothing known of the build needs them), and {}, which the build needs too and it does not install",
            found.added.join(", ")
        ),
        None => "which the build needs for what its dependencies link and the builder image does not carry".to_string(),
    }
}

/// The catalogue row whose repository `reference` names, preferring the decision's own row.
fn known(reference: &str, decision: &Decision) -> Option<&'static RuntimeImage> {
    let repository = repository_of(reference);
    if decision.runtime.repository == repository {
        return Some(decision.runtime);
    }
    catalog::RUNTIMES
        .iter()
        .find(|row| row.repository == repository)
}

/// Whether a catalogue image of `row` can run what the decision needs.
fn carries(row: &RuntimeImage, decision: &Decision) -> bool {
    match decision.family {
        Family::Language | Family::Web => {
            row.family == decision.family
                && row.language.map(|l| (l.stack, l.interpreter))
                    == decision.runtime.language.map(|l| (l.stack, l.interpreter))
        }
        needed => row.family >= needed && row.family != Family::Web,
    }
}

/// The runtime stage's image when the settings name it: the plan's runtime takes these fields.
#[derive(Debug, Clone)]
pub struct Named {
    pub repository: String,
    pub image: String,
    pub from: String,
    pub arg_name: &'static str,
    pub arg_default: String,
    pub arg_debug: String,
    pub has_libc: bool,
    pub libraries: String,
    pub debug_image: String,
    pub pinned: bool,
}

/// The runtime for an image the settings name instead of the catalogue's, with its step; a
/// refusal when the catalogue knows the image cannot run the project, or when an image it does
/// not know comes without its debug variant.
pub fn named_runtime(
    settings: &SystemSettings,
    decision: &Decision,
    images: &Images,
    catalogue: &str,
) -> Result<Option<(Named, Step)>, String> {
    let Some(named) = settings.runtime_image.as_deref() else {
        return Ok(None);
    };
    let needs = match decision.runtime.language {
        Some(language) => format!(
            "{} with {} at {} (as {} has it)",
            decision.family, language.stack, language.interpreter, catalogue
        ),
        None if decision.runtime.has_libc() => format!(
            "{} (glibc and the shared libraries {catalogue} carries)",
            decision.family
        ),
        None => format!("{} (no C library needed)", decision.family),
    };
    let row = known(named, decision);
    let (debug, debug_said, libraries, has_libc) = match (row, &settings.runtime_image_debug) {
        (Some(row), _) if !carries(row, decision) => {
            return Err(format!(
                "runtime-image {named} is the catalogue's {} image ({}), and the project needs {needs}: name an image that carries it, or leave runtime-image out",
                row.family, row.repository
            ));
        }
        (row, Some(debug)) => (
            debug.clone(),
            set_by("runtime-image-debug"),
            row.unwrap_or(decision.runtime).library_names().join(" "),
            row.unwrap_or(decision.runtime).has_libc(),
        ),
        (Some(row), None) => {
            let debug = match row.debug {
                DebugSwitch::Tag { debug, .. } => format!("{}:{debug}", row.repository),
                DebugSwitch::Image { debug } => debug.to_string(),
            };
            (
                debug,
                format!("the catalogue's debug variant of {}", row.repository),
                row.library_names().join(" "),
                row.has_libc(),
            )
        }
        (None, None) => {
            return Err(format!(
                "runtime-image {named} is not an image shiplight's catalogue knows, so its debug variant is unknown: name it with {} (the same reference when the image has none); the runtime stage runs as 65532:65532 on any image",
                ways("runtime-image-debug")
            ));
        }
    };
    let resolve = |reference: &str| match reference.split_once('@') {
        Some((name, digest)) => format!("{}@{digest}", images.reference(name)),
        None => images.reference(reference),
    };
    let image = resolve(named);
    let debug_image = resolve(&debug);
    let pinned = image.contains('@');
    let (arg_name, arg_default, arg_debug, from) = crate::catalog::debug_switch();
    let step = Step {
        question: "Runtime image named in the settings?".to_string(),
        answer: format!(
            "{named}, {}, instead of {}; the project needs {needs}: {}; debug variant {debug} ({debug_said}); runs as 65532:65532 whatever user the image names",
            set_by("runtime-image"),
            catalogue,
            match row {
                Some(row) => format!("the catalogue's {} image carries it", row.family),
                None =>
                    "the image you named must carry it, and verify checks that it runs".to_string(),
            }
        ),
        evidence: vec![
            Evidence::setting("runtime-image", named),
            Evidence::file(
                "catalog",
                format!("{} ({}) for this project", catalogue, decision.family),
            ),
        ],
    };
    let runtime = Named {
        repository: resolve(repository_of(named)),
        image,
        from,
        arg_name,
        arg_default,
        arg_debug,
        has_libc,
        libraries,
        debug_image,
        pinned,
    };
    Ok(Some((runtime, step)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_drops_tag_and_digest() {
        assert_eq!(
            repository_of("localhost:5000/a/b:1@sha256:x"),
            "localhost:5000/a/b"
        );
        assert_eq!(repository_of("localhost:5000/a/b"), "localhost:5000/a/b");
    }
}
