//! The Go part of the plan: which main package, the builder's Go version, cgo and
//! cross-compilation, vendoring, and which manifests to copy before `go mod download`.

use super::{GoFacts, MainPackage, gomod};
use crate::catalog::{self, Vendor};
use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::safe;
use crate::settings::{Layer, Settings};
use crate::stacks::{Application, StackPlan};
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
    /// `-tags` for go build: the tags the project's own build uses, comma-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
    /// Arguments the image passes to the binary (the plan's `app.args`).
    #[serde(skip)]
    pub args: Vec<String>,
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
    if facts.mains.len() > 1
        && let Some((main, step)) = by_deployment(facts)
    {
        return Ok((main, Some(step)));
    }
    match facts.mains.as_slice() {
        [one] => Ok((one, None)),
        [] => Err(DetectError::Broken {
            file: facts.module_evidence.file.clone(),
            line: None,
            cause: "has no main package: looked for package main at the module root, in cmd/*/ and in its top-level directories; a library cannot be run".to_string(),
        }),
        several => {
            let (apps, tools) = split_dev_tools(facts, several);
            match by_convention(facts, &apps, &tools) {
                Some((main, step)) => Ok((main, Some(step))),
                None => Err(DetectError::Several {
                    what: "main packages".to_string(),
                    candidates: apps.iter().map(|m| m.package.clone()).collect(),
                    flag: "--go-main".to_string(),
                }),
            }
        }
    }
}

/// The module's applications when choosing one main package is a tie and the settings name
/// none: each main package that is not a dev tool, in its own directory.
pub fn applications(facts: &GoFacts, settings: &Settings) -> Vec<Application> {
    if settings.targets.go_main.is_some()
        || !matches!(select(facts, settings), Err(DetectError::Several { .. }))
    {
        return Vec::new();
    }
    let (apps, _) = split_dev_tools(facts, &facts.mains);
    if apps.len() < 2 {
        return Vec::new();
    }
    apps.into_iter()
        .map(|main| Application {
            name: main.binary.clone(),
            dir: main
                .package
                .trim_start_matches("./")
                .trim_start_matches('.')
                .to_string(),
            manifest: main.evidence.file.clone(),
            choice: Layer {
                targets: crate::settings::Targets {
                    go_main: Some(main.package.clone()),
                    ..Default::default()
                },
                ..Layer::default()
            },
        })
        .collect()
}

/// The main package the project's own deployment names: the only one whose binary its images
/// run, else the only one its builds compile.
fn by_deployment(facts: &GoFacts) -> Option<(&MainPackage, Step)> {
    let dir = |m: &MainPackage| m.package.trim_start_matches("./").trim_start_matches('.').to_string();
    let ran: Vec<(&MainPackage, &Evidence)> = facts
        .deployed
        .runs
        .iter()
        .filter_map(|run| {
            let main = facts.mains.iter().find(|m| m.binary == run.program())?;
            Some((main, &run.evidence))
        })
        .collect();
    let built: Vec<(&MainPackage, &Evidence)> = facts
        .deployed
        .builds
        .iter()
        .filter_map(|b| Some((facts.mains.iter().find(|m| dir(m) == b.package)?, &b.evidence)))
        .collect();
    for (found, how) in [(ran, "runs its binary"), (built, "builds it")] {
        let (main, evidence) = found.first()?.to_owned();
        if found.iter().all(|(m, _)| m.package == main.package) {
            return Some((
                main,
                Step {
                    question: "Which main package is the application?".to_string(),
                    answer: format!("{} (the project's own deployment {how})", main.package),
                    evidence: vec![evidence.clone(), main.evidence.clone()],
                },
            ));
        }
    }
    None
}

/// Words of a main package's name that make it a code or documentation generator.
const GENERATOR_WORDS: &[&str] = &[
    "gen", "generate", "generator", "codegen", "docgen", "gendoc", "gendocs", "mockgen",
];

/// Directories whose main packages are dev tools, not the application.
const DEV_TOOL_DIRS: &[&str] = &["hack", "tools", "tool", "scripts", "examples", "example"];

/// The main packages that are applications, and the dev tools among them (with why): a package
/// the build scripts start with `go run`, one under a dev-tool directory (a workspace module in
/// tools/), or a generator by its name (`gen-docs`); when all are tools, all are kept as
/// candidates.
fn split_dev_tools<'a>(
    facts: &GoFacts,
    mains: &'a [MainPackage],
) -> (Vec<&'a MainPackage>, Vec<(&'a MainPackage, Evidence)>) {
    let mut apps = Vec::new();
    let mut tools = Vec::new();
    for main in mains {
        let path = main.package.trim_start_matches("./");
        let name = path.rsplit('/').next().unwrap_or(path);
        let run = facts.scripts.runs.get(path).cloned().or_else(|| {
            path.split('/')
                .any(|part| DEV_TOOL_DIRS.contains(&part))
                .then(|| Evidence::file(main.evidence.file.clone(), "under a dev-tool directory"))
        });
        let generator = name
            .split(['-', '_'])
            .any(|word| GENERATOR_WORDS.contains(&word))
            .then(|| Evidence::file(main.evidence.file.clone(), "named as a generator"));
        match run.or(generator) {
            Some(why) => tools.push((main, why)),
            None => apps.push(main),
        }
    }
    if apps.is_empty() {
        return (mains.iter().collect(), Vec::new());
    }
    (apps, tools)
}

/// The main package a module's own layout names among several applications: the only one left
/// beside dev tools; the module root's `package main` when the others are `cmd/*` tools beside
/// it; the one the Makefile's default target builds; the one named like the module path's last
/// element (module `example.com/foo`: `cmd/foo`, not `cmd/fooctl`); or the one whose name
/// prefixes every other's (`weed` beside `weed-db` and `weed-sql`, its companions).
fn by_convention<'a>(
    facts: &GoFacts,
    apps: &[&'a MainPackage],
    tools: &[(&'a MainPackage, Evidence)],
) -> Option<(&'a MainPackage, Step)> {
    let step = |answer: String, evidence: Vec<Evidence>| Step {
        question: "Which main package is the application?".to_string(),
        answer,
        evidence,
    };
    let tool_names = || {
        tools
            .iter()
            .map(|(m, _)| m.package.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let tool_evidence = || tools.iter().map(|(_, e)| e.clone()).collect::<Vec<_>>();
    if let [main] = apps {
        let mut evidence = vec![main.evidence.clone()];
        evidence.extend(tool_evidence());
        return Some((
            main,
            step(
                format!("{} (the others are dev tools: {})", main.package, tool_names()),
                evidence,
            ),
        ));
    }
    let root = facts.modules.first()?;
    if let Some(main) = apps
        .iter()
        .find(|m| m.package == super::display_dir(&root.dir))
    {
        let others = apps.iter().filter(|m| m.package != main.package);
        if others.clone().all(|m| m.package.contains("/cmd/")) {
            let names: Vec<&str> = others.map(|m| m.package.as_str()).collect();
            return Some((
                main,
                step(
                    format!(
                        "{} (package main at the module root; {} beside it are tools)",
                        main.package,
                        names.join(", ")
                    ),
                    vec![main.evidence.clone()],
                ),
            ));
        }
    }
    if let Some(found) = by_default_target(facts, apps) {
        return Some((found.0, step(found.1, found.2)));
    }
    let name = super::binary_name_of_module(&facts.module);
    if let Some(main) = only(apps.iter().filter(|m| {
        m.package.rsplit('/').next() == Some(name.as_str()) || m.binary == name
    })) {
        return Some((
            main,
            step(
                format!("{} (named like the module, {})", main.package, facts.module),
                vec![facts.module_evidence.clone(), main.evidence.clone()],
            ),
        ));
    }
    let main = only(apps.iter().filter(|m| {
        apps.iter().all(|other| {
            other.package == m.package
                || other.binary.starts_with(&format!("{}-", m.binary))
                || other.binary.starts_with(&format!("{}_", m.binary))
        })
    }))?;
    Some((
        main,
        step(
            format!(
                "{} (the others are its companions, named {}-*)",
                main.package, main.binary
            ),
            vec![main.evidence.clone()],
        ),
    ))
}

/// The one application the Makefile's default target builds.
fn by_default_target<'a>(
    facts: &GoFacts,
    apps: &[&'a MainPackage],
) -> Option<(&'a MainPackage, String, Vec<Evidence>)> {
    let named = facts.scripts.default_target.iter().filter_map(|(package, evidence)| {
        apps.iter()
            .find(|m| m.package.trim_start_matches("./") == package)
            .map(|m| (*m, evidence.clone()))
    });
    let mut named: Vec<_> = named.collect();
    named.dedup_by(|a, b| a.0.package == b.0.package);
    let [(main, evidence)] = named.as_slice() else {
        return None;
    };
    Some((
        main,
        format!("{} (what `make` builds by default)", main.package),
        vec![evidence.clone(), main.evidence.clone()],
    ))
}

fn only<'a, 'b>(
    mut found: impl Iterator<Item = &'b &'a MainPackage>,
) -> Option<&'a MainPackage>
where
    'a: 'b,
{
    let first = found.next()?;
    found.next().is_none().then_some(*first)
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
    let dir = main.package.trim_start_matches("./").trim_start_matches('.');
    let cgo_off = facts.deployed.cgo_off(dir);
    let cgo = (!main.cgo.is_empty() || !main.cgo_imports.is_empty()) && cgo_off.is_none();
    let tags = deployed_tags(facts, dir);
    let (args, args_step) = crate::stacks::run_args::choose(&facts.deployed.runs, &binary);
    let vendored = facts.vendored.is_some();
    let (builder_version, version_step, mut warnings) = builder_version(facts, settings)?;

    let manifests = manifests(facts)?;
    let detected = detected(facts, main, &package, cgo);
    if decision.vendor == Vendor::Chainguard && cgo {
        warnings.push("cgo binaries built on Chainguard's go image link Wolfi's glibc; run them only on Chainguard runtimes".to_string());
    }
    let missing = missing_libraries(main, decision, cgo);
    let copy_libraries = !missing.is_empty();
    for evidence in &main.built_embeds {
        warnings.push(format!(
            "{}:{} {}; build it (the front-end's build) before this image, or go build fails",
            evidence.file,
            evidence.line.unwrap_or(0),
            evidence.detail
        ));
    }
    let mut steps = vec![version_step];
    if let Some((tags, evidence)) = &tags {
        steps.push(Step {
            question: "Build tags?".to_string(),
            answer: format!("{tags} (the project's own build uses them)"),
            evidence: vec![evidence.clone()],
        });
    }
    steps.extend(args_step);
    if !main.built_embeds.is_empty() {
        steps.push(Step {
            question: "Does it embed files a build step makes?".to_string(),
            answer: "yes: the directories //go:embed names are not in the sources; the image builds from what the build context holds".to_string(),
            evidence: main.built_embeds.clone(),
        });
    }
    if let Some(evidence) = &main.binary_evidence {
        steps.push(Step {
            question: "Binary name?".to_string(),
            answer: format!("{binary} (the name the project's build gives {package})"),
            evidence: vec![evidence.clone()],
        });
    }
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
            tags: tags.map(|(tags, _)| tags),
            args,
        }),
    })
}

/// The build tags the deployment's build of the package at `dir` uses, when they pass as one
/// command word (evidence that does not is passed over).
fn deployed_tags(facts: &GoFacts, dir: &str) -> Option<(String, Evidence)> {
    let built = facts.deployed.builds_of(dir).find(|b| b.tags.is_some())?;
    let tags = built.tags.as_deref()?;
    let tags = safe::argument(&built.evidence.file, "build tags", tags).ok()?;
    Some((tags, built.evidence.clone()))
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
        catalog::known_go(&version)
            .map_err(|known| DetectError::setting("lang-version", &version, known))?;
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
