//! The Go part of the plan: which main package, the builder's Go version, cgo and
//! cross-compilation, vendoring, and which manifests to copy before `go mod download`.

use super::{GoFacts, MainPackage, gomod};
use crate::catalog::{self, Vendor};
use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::safe;
use crate::settings::Settings;
use crate::stacks::StackPlan;
use crate::stacks::health;
use crate::stacks::output::StackOutput;
use crate::trace::{Decision, Step};
use serde::Serialize;

/// What the Go template reads.
#[derive(Debug, Clone, Serialize)]
pub struct GoPlan {
    /// Package path for `go build`.
    pub package: String,
    pub cgo: bool,
    /// Build on the build platform for the target platform (only without cgo).
    pub cross_compile: bool,
    pub vendored: bool,
    /// Manifest copies before `go mod download`, one per module directory.
    pub manifests: Vec<ManifestCopy>,
}

pub use crate::stacks::output::ManifestCopy;

/// The main package to build: the one the settings name, or the only one.
/// With several, a rule of the module's own layout may choose; the step says which and why.
pub fn select<'a>(
    facts: &'a GoFacts,
    settings: &Settings,
) -> Result<(&'a MainPackage, Option<Step>), DetectError> {
    let candidates = || {
        facts
            .mains
            .iter()
            .map(|m| m.package.clone())
            .collect::<Vec<_>>()
    };
    if let Some(wanted) = &settings.targets.go_main {
        let wanted_clean = format!(
            "./{}",
            wanted.trim_start_matches("./").trim_end_matches('/')
        );
        let wanted_clean = if wanted_clean == "./" || wanted_clean == "./." {
            ".".to_string()
        } else {
            wanted_clean
        };
        return facts
            .mains
            .iter()
            .find(|m| m.package == wanted_clean)
            .map(|m| (m, None))
            .ok_or_else(|| DetectError::NoSuchCandidate {
                what: "main package".to_string(),
                flag: "--go-main".to_string(),
                value: wanted.clone(),
                candidates: candidates(),
            });
    }
    match facts.mains.as_slice() {
        [one] => Ok((one, None)),
        [] => Err(DetectError::Broken {
            file: facts.module_evidence.file.clone(),
            line: None,
            cause: "has no main package: looked for package main at the module root and in cmd/*/; a library cannot be run".to_string(),
        }),
        several => match by_convention(facts, several) {
            Some((main, step)) => Ok((main, Some(step))),
            None => Err(DetectError::Several {
                what: "main packages".to_string(),
                candidates: candidates(),
                flag: "--go-main".to_string(),
            }),
        },
    }
}

/// The main package a module's own layout names among several: the module root's `package
/// main` when the others are `cmd/*` tools beside it, else the one `cmd/NAME` whose NAME is the
/// module path's last element (module `example.com/foo`: `cmd/foo`, not `cmd/fooctl`).
fn by_convention<'a>(facts: &GoFacts, mains: &'a [MainPackage]) -> Option<(&'a MainPackage, Step)> {
    let question = "Which main package is the application?";
    let root = facts.modules.first()?;
    if let Some(main) = mains
        .iter()
        .find(|m| m.package == super::display_dir(&root.dir))
    {
        let tools = mains.iter().filter(|m| m.package != main.package);
        if tools.clone().all(|m| m.package.contains("/cmd/")) {
            return Some((
                main,
                Step {
                    question: question.to_string(),
                    answer: format!(
                        "{} (package main at the module root; {} beside it are tools)",
                        main.package,
                        tools
                            .map(|m| m.package.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    evidence: vec![main.evidence.clone()],
                },
            ));
        }
    }
    let name = super::binary_name_of_module(&facts.module);
    let mut named = mains.iter().filter(|m| {
        m.package.rsplit('/').next() == Some(name.as_str()) && m.package.contains("/cmd/")
    });
    let main = named.next()?;
    if named.next().is_some() {
        return None;
    }
    Some((
        main,
        Step {
            question: question.to_string(),
            answer: format!("{} (named like the module, {})", main.package, facts.module),
            evidence: vec![facts.module_evidence.clone(), main.evidence.clone()],
        },
    ))
}

/// The Go part of the plan for the chosen main package and decision.
pub fn plan(
    facts: &GoFacts,
    main: &MainPackage,
    decision: &Decision,
    settings: &Settings,
) -> Result<StackOutput, DetectError> {
    let source = &main.evidence.file;
    let package = safe::relative_path(source, "main package", &main.package)?;
    let binary = safe::name(source, "binary name", &main.binary)?;
    let cgo =
        !main.cgo.is_empty() || !main.cgo_imports.is_empty() || !facts.cgo_requires.is_empty();
    let vendored = facts.vendored.is_some();
    let (builder_version, version_step, mut warnings) = builder_version(facts, settings)?;

    let manifests = manifests(facts)?;
    let detected = detected(facts, main, &package, cgo);
    if decision.vendor == Vendor::Chainguard && cgo {
        warnings.push("cgo binaries built on Chainguard's go image link Wolfi's glibc; run them only on Chainguard runtimes".to_string());
    }
    let missing = missing_libraries(main, decision, cgo);
    let copy_libraries = !missing.is_empty();
    let mut steps = vec![version_step];
    if copy_libraries {
        steps.push(Step {
            question: "Does it link a system library the runtime lacks?".to_string(),
            answer:
                "yes: the build copies it, with what it links, from the builder into the runtime"
                    .to_string(),
            evidence: missing,
        });
    }
    let (health, health_step) = health::choose(
        settings.health_path.as_deref(),
        main.health.as_ref(),
        settings.port.or(main.port.as_ref().map(|(port, _)| *port)),
        health::Asker::probe("go"),
        "a static probe built from a few lines of Go in the build stage (the runtime has no shell or HTTP client)",
    );
    steps.push(health_step);
    steps.push(crate::stacks::output::stop_step(
        "SIGTERM: the Go runtime ends the program on it, also as PID 1, unless the program handles it with signal.Notify".to_string(),
        vec![Evidence::file("catalog", "Go installs its own handlers for SIGTERM and SIGINT")],
    ));
    Ok(StackOutput {
        platforms: if !cgo {
            crate::stacks::output::Platforms::multi(
                "linux/amd64 and linux/arm64: with CGO_ENABLED=0 the build stage runs on $BUILDPLATFORM and cross-compiles through GOOS=$TARGETOS GOARCH=$TARGETARCH, no emulation",
            )
        } else {
            crate::stacks::output::Platforms::native(
                "the build machine's: cgo needs a C toolchain for the target platform, so the build stage runs on it; another platform needs emulation (QEMU) on the builder",
            )
        },
        about: crate::manifest::About::default(),
        health,
        stop_signal: None,
        copy_libraries,
        builder_variant: "",
        binary,
        port: main.port.as_ref().map(|(port, _)| *port),
        builder_version,
        builder_full: false,
        detected,
        warnings,
        steps,
        build: StackPlan::Go(GoPlan {
            package,
            cgo,
            cross_compile: !cgo,
            vendored,
            manifests,
        }),
    })
}

/// The module files copied before the download step (none when the modules are vendored):
/// go.work and go.work.sum, then each module's go.mod and go.sum at its directory.
fn manifests(facts: &GoFacts) -> Result<Vec<ManifestCopy>, DetectError> {
    if facts.vendored.is_some() {
        return Ok(Vec::new());
    }
    let mut copies = Vec::new();
    if facts.workspace.is_some() {
        let mut sources = vec!["go.work".to_string()];
        if facts.work_sum {
            sources.push("go.work.sum".to_string());
        }
        copies.push(ManifestCopy {
            sources,
            dest: "./".to_string(),
        });
    }
    for module in &facts.modules {
        let dir = safe::relative_path("go.work", "use directory", &module.dir)?;
        let mut sources = vec![crate::repo::join(&dir, "go.mod")];
        if module.has_sum {
            sources.push(crate::repo::join(&dir, "go.sum"));
        }
        let dest = if dir.is_empty() {
            "./".to_string()
        } else {
            format!("./{dir}/")
        };
        copies.push(ManifestCopy { sources, dest });
    }
    Ok(copies)
}

/// What the plan reports as detected: the module, the workspace, the main `package`, whether
/// it builds with `cgo`, vendoring, and the port.
fn detected(facts: &GoFacts, main: &MainPackage, package: &str, cgo: bool) -> Vec<String> {
    let vendored = facts.vendored.is_some();
    let mut detected = vec![format!(
        "Go module {} ({})",
        facts.module, facts.module_evidence.file
    )];
    if let Some(work) = &facts.workspace {
        detected.push(format!(
            "workspace of {} modules ({})",
            facts.modules.len(),
            work.file
        ));
    }
    detected.push(format!("main package {} ({})", package, main.evidence.file));
    detected.push(if cgo {
        "cgo: yes, built with CGO_ENABLED=1 on the target platform".to_string()
    } else {
        "cgo: no, built with CGO_ENABLED=0".to_string()
    });
    if vendored {
        detected.push("vendored modules (vendor/modules.txt), built with -mod=vendor".to_string());
    }
    if let Some((port, evidence)) = &main.port {
        detected.push(format!(
            "port {port} ({}:{})",
            evidence.file,
            evidence.line.unwrap_or(0)
        ));
    }
    detected
}

/// The system libraries a `cgo` build links that the decided runtime does not carry, which
/// the build then copies from the builder.
fn missing_libraries(main: &MainPackage, decision: &Decision, cgo: bool) -> Vec<Evidence> {
    main.cgo_libraries
        .iter()
        .filter(|(name, _)| {
            let soname = format!("lib{name}.so");
            cgo && !decision
                .runtime
                .library_names()
                .iter()
                .any(|carried| carried.starts_with(&soname))
        })
        .map(|(_, evidence)| evidence.clone())
        .collect()
}

/// The Go version in the builder tag: the settings' version, else the oldest supported release
/// that satisfies the `go` and `toolchain` lines, else the newest supported release.
fn builder_version(
    facts: &GoFacts,
    settings: &Settings,
) -> Result<(String, Step, Vec<String>), DetectError> {
    let mut warnings = Vec::new();
    let question = "Go version for the builder?".to_string();
    if let Some(version) = &settings.lang_version {
        if let Ok(found) = builder_version(facts, &settings.detecting_version())
            && found.0 == *version
        {
            return Ok(found);
        }
        let version = safe::version("settings", "lang-version", version)?;
        let step = Step::setting(question, "lang-version", &version);
        return Ok((version, step, warnings));
    }
    let required: Vec<&(String, Evidence)> = facts
        .go_version
        .iter()
        .chain(facts.toolchain.iter())
        .collect();
    let needed = required
        .iter()
        .filter_map(|(version, evidence)| Some((gomod::major_minor(version)?, evidence)))
        .max_by_key(|(mm, _)| *mm);
    let newest = catalog::GO_RELEASES
        .last()
        .expect("catalogue lists Go releases");
    let (version, evidence) = match needed {
        None => (newest.to_string(), Vec::new()),
        Some(((major, minor), evidence)) => {
            let supported = catalog::GO_RELEASES
                .iter()
                .find(|release| gomod::major_minor(release).is_some_and(|mm| mm >= (major, minor)));
            let version = match supported {
                Some(release) => release.to_string(),
                None => {
                    warnings.push(format!(
                        "the project asks for Go {major}.{minor}, newer than the releases shiplight knows ({}); using golang:{major}.{minor}-trixie",
                        catalog::GO_RELEASES.join(", ")
                    ));
                    format!("{major}.{minor}")
                }
            };
            (version, vec![(*evidence).clone()])
        }
    };
    if settings.vendor == Vendor::Chainguard
        && let (Some(want), Some(latest)) = (
            gomod::major_minor(&version),
            gomod::major_minor(catalog::go_chainguard_latest()),
        )
        && want > latest
    {
        warnings.push(format!(
                    "Chainguard's free go:latest-dev has Go {}, older than the {version} the project asks for",
                    catalog::go_chainguard_latest()
                ));
    }
    let step = Step {
        question,
        answer: version.clone(),
        evidence,
    };
    Ok((version, step, warnings))
}
