//! The Rust part of the plan: which binary of which package, the builder's Rust version,
//! `--locked`, and whether to link statically with +crt-static.

use super::{RustBin, RustFacts, lock};
use crate::catalog::{self, Family, Vendor};
use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::safe;
use crate::settings::{Layer, Settings};
use crate::stacks::{Application, StackPlan};
use crate::stacks::health;
use crate::stacks::output::StackOutput;
use crate::system::Found;
use crate::trace::{Decision, Step};
use serde::Serialize;
use std::borrow::Cow;

/// What the Rust template reads.
#[derive(Debug, Clone, Serialize)]
pub struct RustPlan {
    pub bin: String,
    pub package: String,
    /// The `package` setting shiplight.toml keeps: the package, when another package of the
    /// project has a binary of the same name (the binary's name alone does not choose).
    #[serde(skip)]
    pub package_setting: Option<String>,
    /// `--package` for cargo build, when the project has several packages.
    pub package_spec: Option<String>,
    /// `--features` for cargo build: the features the settings ask for, comma-separated.
    pub features: Option<String>,
    /// Pass `--locked` (Cargo.lock exists).
    pub locked: bool,
    /// Link statically with `-C target-feature=+crt-static` on the gnu target.
    pub crt_static: bool,
    /// The build stage runs on `$BUILDPLATFORM` and compiles for `$TARGETARCH`, adding that
    /// target's standard library and Debian's cross C toolchain when the two differ.
    pub cross_compile: bool,
    /// rust-toolchain(.toml), copied before the target is added so rustup adds it to the
    /// pinned toolchain (cross-compiling builds only).
    pub toolchain_file: Option<String>,
    /// Arguments the image passes to the binary (the plan's `app.args`).
    #[serde(skip)]
    pub args: Vec<String>,
    /// Variables the runtime sets for the binary (the plan's `app.env`).
    #[serde(skip)]
    pub env: Vec<(String, String)>,
    /// The Debian packages of the headers the build needs, some perhaps as the project's own
    /// Dockerfile installs them (see [`header_packages`]).
    #[serde(skip)]
    pub build_packages: Option<Found>,
}

/// The settings with the features the project's own build uses for the binary its deployment
/// names, when the settings ask for none and every one is declared; the step says which and
/// where they were read. Without a build of the descriptors about the binary, the release
/// build of the project's Makefile speaks for the binary chosen (see [`made_features`]).
pub fn deployed_features(facts: &RustFacts, settings: &Settings) -> Option<(Settings, Step)> {
    if !settings.features.is_empty() {
        return None;
    }
    let described = facts.bins.iter().find_map(|bin| {
        let ran = facts.deployed.runs.iter().any(|r| r.program() == bin.name);
        let built = facts.deployed.builds.iter().any(|b| b.bin.as_deref() == Some(bin.name.as_str()));
        if !(ran || built || facts.bins.len() == 1) {
            return None;
        }
        facts.deployed.features_for(&bin.name, &bin.package)
    });
    let (features, evidence, whose) = match described {
        Some((features, evidence)) => (features, evidence, "the project's own build"),
        None => {
            let (features, evidence) = made_features(facts, settings)?;
            (features, evidence, "the release build of the project's Makefile")
        }
    };
    let mut wanted = settings.clone();
    wanted.features = features.clone();
    declared(facts, &wanted.features).ok()?;
    Some((
        wanted,
        Step {
            question: "Which features does the build turn on?".to_string(),
            answer: format!("{} ({whose} turns them on)", features.join(",")),
            evidence: vec![evidence],
        },
    ))
}

/// The features the Makefile's release build gives the binary the settings and the manifests
/// choose, when no build of the descriptors is about that binary and its package declares
/// every feature named without a package (a workspace build turns a feature on in the
/// packages that have it).
fn made_features(facts: &RustFacts, settings: &Settings) -> Option<(Vec<String>, Evidence)> {
    if facts.deployed.made.is_empty() {
        return None;
    }
    let (bin, _) = select(facts, settings).ok()?;
    if facts.deployed.builds_bin(&bin.name, &bin.package) {
        return None;
    }
    let (features, evidence) = facts
        .deployed
        .made_features_for(&bin.name, &bin.package, &bin.package_dir)?;
    let package = facts.packages.iter().find(|p| p.name == bin.package)?;
    let declared = |feature: &String| {
        feature.contains('/')
            || package.features.contains_key(feature)
            || package.optional.contains_key(feature)
    };
    features.iter().all(declared).then_some((features, evidence))
}

/// The binary the project's own deployment names: the only one of the project's binaries its
/// images run, else the only one its builds name with `--bin`.
fn by_deployment<'a>(facts: &RustFacts, candidates: &[&'a RustBin]) -> Option<(&'a RustBin, Step)> {
    let ran = facts.deployed.runs.iter().filter_map(|run| {
        let bin = candidates.iter().find(|b| b.name == run.program())?;
        Some((*bin, run.evidence.clone()))
    });
    let built = facts.deployed.builds.iter().filter_map(|build| {
        let bin = candidates.iter().find(|b| Some(b.name.as_str()) == build.bin.as_deref())?;
        Some((*bin, build.evidence.clone()))
    });
    let ran: Vec<(&RustBin, Evidence)> = ran.collect();
    let built: Vec<(&RustBin, Evidence)> = built.collect();
    for (found, how) in [(ran, "runs it"), (built, "builds it")] {
        let Some((bin, evidence)) = found.first().cloned() else {
            continue;
        };
        if found.iter().all(|(b, _)| b.name == bin.name && b.package == bin.package) {
            return Some((
                bin,
                Step {
                    question: "Which binary is the application?".to_string(),
                    answer: format!("{} (the project's own deployment {how})", bin.name),
                    evidence: vec![evidence],
                },
            ));
        }
    }
    None
}

/// The facts with native needs judged for the features the settings ask for; a feature no
/// package declares is refused, naming the ones that exist.
/// Without features asked for, the facts as detection judged them (for the defaults) serve.
pub fn with_features<'a>(
    facts: &'a RustFacts,
    settings: &Settings,
) -> Result<Cow<'a, RustFacts>, DetectError> {
    if settings.features.is_empty() {
        return Ok(Cow::Borrowed(facts));
    }
    declared(facts, &settings.features)?;
    Ok(Cow::Owned(facts.clone().with_features(&settings.features)))
}

/// Refuses a feature of `features` no package declares, naming the ones that exist.
fn declared(facts: &RustFacts, features: &[String]) -> Result<(), DetectError> {
    let declared: Vec<String> = facts
        .packages
        .iter()
        .flat_map(|p| {
            p.features
                .keys()
                .cloned()
                .chain(p.optional.keys().cloned())
                .chain(p.optional.keys().map(|k| format!("{}/{k}", p.name)))
        })
        .filter(|f| f != "default")
        .collect();
    for feature in features {
        let known = declared.contains(feature)
            || feature.split_once('/').is_some_and(|(dep, _)| {
                facts
                    .packages
                    .iter()
                    .any(|p| p.name == dep || p.optional.contains_key(dep))
            });
        if !known {
            let mut names = declared.clone();
            names.sort();
            names.dedup();
            return Err(DetectError::NoSuchCandidate {
                what: "feature".to_string(),
                flag: "--features".to_string(),
                value: feature.clone(),
                candidates: names,
            });
        }
    }
    Ok(())
}

/// The binary to build: the one the settings name, the only one among the default members,
/// or the only one.
/// With several, a package's `default-run` among them decides; the step says so.
pub fn select<'a>(
    facts: &'a RustFacts,
    settings: &Settings,
) -> Result<(&'a RustBin, Option<Step>), DetectError> {
    let all = package_bins(facts, settings)?;
    if let Some(wanted) = &settings.targets.rust_bin {
        return named_bin(&all, wanted).map(|bin| (bin, None));
    }
    let members: Vec<&RustBin> = match &facts.default_members {
        Some(dirs) => all
            .iter()
            .copied()
            .filter(|b| dirs.contains(&b.package_dir))
            .collect(),
        None => all.clone(),
    };
    let (apps, tools): (Vec<&RustBin>, Vec<&RustBin>) =
        members.iter().partition(|b| tool_reason(b).is_none());
    if all.len() > 1
        && let Some((bin, step)) = by_deployment(facts, &all)
    {
        return Ok((bin, Some(step)));
    }
    let defaults = if apps.is_empty() { members } else { apps };
    if defaults.len() > 1
        && let Some((bin, step)) = default_run(facts, &defaults)
            .or_else(|| root_binary(&defaults))
            .or_else(|| server_binary(&defaults))
            .or_else(|| project_binary(&defaults, &facts.packages))
    {
        return Ok((bin, Some(with_tools(step, &tools))));
    }
    match (defaults.as_slice(), all.as_slice()) {
        ([one], _) if !tools.is_empty() => Ok((one, Some(only_application(one, &tools)))),
        ([one], several) if several.len() > 1 => Ok((one, Some(only_default_member(one)))),
        ([one], _) | (_, [one]) => Ok((one, None)),
        (_, []) => Err(DetectError::Broken {
            file: "Cargo.toml".to_string(),
            line: None,
            cause: "has no binary target: looked for src/main.rs, src/bin/ and [[bin]]; a library cannot be run".to_string(),
        }),
        _ => Err(DetectError::Several {
            what: if all
                .iter()
                .any(|b| all.iter().any(|o| o.name == b.name && o.package != b.package))
            {
                "binaries (where packages share a binary's name, --package chooses the package)"
                    .to_string()
            } else {
                "binaries".to_string()
            },
            candidates: bin_names(if tools.is_empty() { &all } else { &defaults }),
            flag: "--rust-bin".to_string(),
        }),
    }
}

/// The workspace's applications when choosing one binary is a tie between packages and the
/// settings name none: each package holding one of the tied binaries (those that are not tools
/// when there are any), once. A tie between the binaries of one package stays the refusal.
pub fn applications(facts: &RustFacts, settings: &Settings) -> Vec<Application> {
    if settings.package.is_some() || settings.targets.rust_bin.is_some() {
        return Vec::new();
    }
    let Ok(facts) = with_features(facts, settings) else {
        return Vec::new();
    };
    let facts = facts.as_ref();
    if !matches!(select(facts, settings), Err(DetectError::Several { .. })) {
        return Vec::new();
    }
    let members: Vec<&RustBin> = facts
        .bins
        .iter()
        .filter(|b| {
            facts
                .default_members
                .as_ref()
                .is_none_or(|dirs| dirs.contains(&b.package_dir))
        })
        .collect();
    let apps: Vec<&RustBin> = members
        .iter()
        .copied()
        .filter(|b| tool_reason(b).is_none())
        .collect();
    let mut packages: Vec<&RustBin> = Vec::new();
    for bin in if apps.is_empty() { members } else { apps } {
        if !packages.iter().any(|p| p.package_dir == bin.package_dir) {
            packages.push(bin);
        }
    }
    if packages.len() < 2 {
        return Vec::new();
    }
    packages
        .into_iter()
        .map(|bin| Application {
            name: bin.package.clone(),
            dir: bin.package_dir.clone(),
            manifest: crate::repo::join(&bin.package_dir, "Cargo.toml"),
            choice: Layer {
                package: Some(bin.package.clone()),
                ..Layer::default()
            },
        })
        .collect()
}

/// The binaries a choice is made among: those of the package `--package` names (by name or
/// directory), else every binary; a package with none is refused, naming those with one.
fn package_bins<'a>(
    facts: &'a RustFacts,
    settings: &Settings,
) -> Result<Vec<&'a RustBin>, DetectError> {
    let Some(wanted) = &settings.package else {
        return Ok(facts.bins.iter().collect());
    };
    let dir = wanted.trim_start_matches("./").trim_end_matches('/');
    let chosen: Vec<&RustBin> = facts
        .bins
        .iter()
        .filter(|b| &b.package == wanted || (!dir.is_empty() && b.package_dir == dir))
        .collect();
    if chosen.is_empty() {
        let mut packages: Vec<String> = facts.bins.iter().map(|b| b.package.clone()).collect();
        packages.sort();
        packages.dedup();
        return Err(DetectError::NoSuchCandidate {
            what: "package with a binary".to_string(),
            flag: "--package".to_string(),
            value: wanted.clone(),
            candidates: packages,
        });
    }
    Ok(chosen)
}

/// The binary `--rust-bin` names among `all`: refused when none has the name, or when
/// several packages have a binary of that name (`--package` then chooses).
fn named_bin<'a>(all: &[&'a RustBin], wanted: &str) -> Result<&'a RustBin, DetectError> {
    let matching: Vec<&RustBin> = all.iter().copied().filter(|b| b.name == wanted).collect();
    match matching.as_slice() {
        [one] => Ok(one),
        [] => Err(DetectError::NoSuchCandidate {
            what: "binary".to_string(),
            flag: "--rust-bin".to_string(),
            value: wanted.to_string(),
            candidates: bin_names(all),
        }),
        several => Err(DetectError::Several {
            what: format!("packages with a binary named {wanted}"),
            candidates: several.iter().map(|b| b.package.clone()).collect(),
            flag: "--package".to_string(),
        }),
    }
}

/// Directories whose packages hold a project's tooling, not what it ships.
const TOOL_DIRS: &[&str] = &[
    "fuzz", "xtask", "tests", "test", "testing", "benches", "bench", "benchmarks", "examples",
    "example", "tools", "scripts", "ci",
];

/// Words of a package's or binary's name (split at `-` and `_`) that mark a fuzz target, a
/// benchmark, a test harness, a code generator, a mock or a development tool.
const TOOL_WORDS: &[&str] = &[
    "fuzz", "fuzzer", "fuzzing", "bench", "benchmark", "benches", "test", "tests", "testing",
    "xtask", "gen", "codegen", "generator", "mock", "mocked", "dev",
];

/// The tooling directory (`tools`, `benches`, `examples`...) a package directory lies under,
/// if any.
pub fn tool_dir(package_dir: &str) -> Option<&str> {
    package_dir
        .split('/')
        .find(|part| TOOL_DIRS.contains(part))
}

/// Why `bin` is a tool of the project rather than an application (its package lies under a
/// tooling directory, or its package's or its own name says so), if it is one.
pub fn tool_reason(bin: &RustBin) -> Option<String> {
    if let Some(dir) = tool_dir(&bin.package_dir) {
        return Some(format!("package {} is under {dir}/", bin.package));
    }
    [(&bin.package, "package"), (&bin.name, "binary")]
        .into_iter()
        .find_map(|(name, what)| {
            let word = name
                .split(['-', '_'])
                .find(|w| TOOL_WORDS.contains(&w.to_ascii_lowercase().as_str()))?;
            Some(format!("the name of {what} {name} marks a {word} tool"))
        })
}

/// The step choosing `one`, the only binary that is not one of the project's `tools`.
fn only_application(one: &RustBin, tools: &[&RustBin]) -> Step {
    Step {
        question: "Which binary is the application?".to_string(),
        answer: format!("{} (the only binary that is not a tool)", one.name),
        evidence: tool_evidence(tools),
    }
}

/// `step` with the evidence that `tools` were set aside, when there are any.
fn with_tools(mut step: Step, tools: &[&RustBin]) -> Step {
    step.evidence.extend(tool_evidence(tools));
    step
}

fn tool_evidence(tools: &[&RustBin]) -> Vec<Evidence> {
    tools
        .iter()
        .filter_map(|b| {
            let reason = tool_reason(b)?;
            Some(Evidence::file(
                b.src.clone(),
                format!("binary {} set aside: {reason}", b.name),
            ))
        })
        .collect()
}

/// A container runs a service: among `candidates`, the one binary whose name says it is the
/// server or daemon (`*server`, `*daemon`, or another candidate's name with a `d` appended),
/// the others being its clients and tools.
fn server_binary<'a>(candidates: &[&'a RustBin]) -> Option<(&'a RustBin, Step)> {
    let is_server = |b: &RustBin| {
        let name = b.name.to_ascii_lowercase();
        name.ends_with("server")
            || name.ends_with("daemon")
            || candidates
                .iter()
                .any(|o| name.strip_suffix('d') == Some(o.name.as_str()))
    };
    let mut servers = candidates.iter().copied().filter(|b| is_server(b));
    let bin = servers.next()?;
    if servers.next().is_some() {
        return None;
    }
    let others: Vec<&str> = candidates
        .iter()
        .filter(|b| b.name != bin.name)
        .map(|b| b.name.as_str())
        .collect();
    Some((
        bin,
        Step {
            question: "Which binary is the application?".to_string(),
            answer: format!(
                "{} (its name says it is the server; the other candidates, {}, are its clients and tools)",
                bin.name,
                others.join(", ")
            ),
            evidence: vec![Evidence::file(
                bin.src.clone(),
                format!("binary {}", bin.name),
            )],
        },
    ))
}

/// The binary named as the project: the only candidate whose name begins the names of a family
/// of the workspace's packages (at least two: `risingwave` for `risingwave_meta`,
/// `risingwave_storage`, ...), no shorter part of its name beginning more of them (then it
/// is a component, as `app-meta` beside `app-query`).
fn project_binary<'a>(
    candidates: &[&'a RustBin],
    packages: &[super::manifest::Package],
) -> Option<(&'a RustBin, Step)> {
    let norm = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    let prefixed = |bin: &RustBin| {
        let prefix = format!("{}_", norm(&bin.name));
        packages
            .iter()
            .filter(|p| norm(&p.name).starts_with(&prefix))
            .count()
    };
    let mut counts: Vec<(usize, &RustBin)> =
        candidates.iter().map(|b| (prefixed(b), *b)).collect();
    counts.sort_by_key(|c| std::cmp::Reverse(c.0));
    let (count, bin) = counts[0];
    if count < 2 || counts.get(1).is_some_and(|(next, _)| *next > 1) {
        return None;
    }
    let name = norm(&bin.name);
    let shorter = name.match_indices('_').any(|(at, _)| {
        let prefix = format!("{}_", &name[..at]);
        packages
            .iter()
            .filter(|p| norm(&p.name).starts_with(&prefix))
            .count()
            > count
    });
    if shorter {
        return None;
    }
    Some((
        bin,
        Step {
            question: "Which binary is the application?".to_string(),
            answer: format!(
                "{} (named as the project: the names of {count} of the workspace's packages begin with {})",
                bin.name, bin.name
            ),
            evidence: vec![Evidence::file(
                bin.src.clone(),
                format!("binary {}", bin.name),
            )],
        },
    ))
}

/// The binaries' names as a choice lists them: with the package where two share a name.
fn bin_names(bins: &[&RustBin]) -> Vec<String> {
    bins.iter()
        .map(|b| {
            if bins.iter().filter(|other| other.name == b.name).count() > 1 {
                format!("{} (package {})", b.name, b.package)
            } else {
                b.name.clone()
            }
        })
        .collect()
}

/// The step choosing `one`, the only binary of the workspace's default members (the root
/// package's, when the root is a package beside `[workspace]`).
fn only_default_member(one: &RustBin) -> Step {
    Step {
        question: "Which binary is the application?".to_string(),
        answer: format!(
            "{} (the only binary of the workspace's default members{})",
            one.name,
            if one.package_dir.is_empty() {
                ": the root package"
            } else {
                ""
            }
        ),
        evidence: vec![Evidence::file(
            "Cargo.toml",
            if one.package_dir.is_empty() {
                "[package] beside [workspace]: cargo builds the root package by default"
            } else {
                "default-members"
            },
        )],
    }
}

/// In a workspace whose root is itself a package, that package's binary (the only one, or the
/// one named like the package) is the application; the members' binaries are its tools.
fn root_binary<'a>(candidates: &[&'a RustBin]) -> Option<(&'a RustBin, Step)> {
    let root: Vec<&RustBin> = candidates
        .iter()
        .copied()
        .filter(|b| b.package_dir.is_empty())
        .collect();
    let members: Vec<&str> = candidates
        .iter()
        .filter(|b| !b.package_dir.is_empty())
        .map(|b| b.name.as_str())
        .collect();
    if members.is_empty() {
        return None;
    }
    let bin = match root.as_slice() {
        [one] => *one,
        several => several.iter().copied().find(|b| b.name == b.package)?,
    };
    Some((
        bin,
        Step {
            question: "Which binary is the application?".to_string(),
            answer: format!(
                "{} (the binary of the root package {}; {} belong to workspace members)",
                bin.name,
                bin.package,
                members.join(", ")
            ),
            evidence: vec![Evidence::file(
                bin.src.clone(),
                format!("binary {}", bin.name),
            )],
        },
    ))
}

/// The binary a `default-run` names among `candidates`, when exactly one package's does.
fn default_run<'a>(facts: &RustFacts, candidates: &[&'a RustBin]) -> Option<(&'a RustBin, Step)> {
    let mut named = facts
        .default_runs
        .iter()
        .filter_map(|(package, bin, evidence)| {
            candidates
                .iter()
                .find(|b| &b.package == package && &b.name == bin)
                .map(|b| (*b, evidence))
        });
    let (bin, evidence) = named.next()?;
    if named.next().is_some() {
        return None;
    }
    Some((
        bin,
        Step {
            question: "Which binary is the application?".to_string(),
            answer: format!("{} (the default-run of package {})", bin.name, bin.package),
            evidence: vec![evidence.clone()],
        },
    ))
}

/// The Rust part of the plan for the chosen binary and decision.
pub fn plan(
    facts: &RustFacts,
    bin: &RustBin,
    decision: &Decision,
    settings: &Settings,
) -> Result<StackOutput, DetectError> {
    let manifest = crate::repo::join(&bin.package_dir, "Cargo.toml");
    let name = safe::name(&manifest, "binary name", &bin.name)?;
    let package = safe::name(&manifest, "package name", &bin.package)?;
    let package_spec = package_spec(&manifest, bin)?;
    let features_step = guarded_features(facts, bin)?;
    let build_packages = header_packages(facts, bin, settings)?;
    let crt_static = decision.family == Family::Static;
    let cross_compile = crt_static && settings.vendor == Vendor::Distroless;
    let locked = facts.lock.is_some();
    let (builder_version, version_step, mut warnings) = builder_version(facts, settings)?;
    if !locked {
        warnings.push("no Cargo.lock: the build resolves dependencies afresh and cannot use --locked; native needs were judged from direct dependencies only. Commit Cargo.lock for reproducible images".to_string());
    }
    let detected = detected(facts, bin, &name, &package);
    let build_step = Step {
        question: "Link statically (+crt-static)?".to_string(),
        answer: if crt_static { "yes" } else { "no" }.to_string(),
        evidence: vec![Evidence::file(
            "decision",
            format!("runtime family {}", decision.family),
        )],
    };
    let copy_libraries = decision.family == Family::Cc
        && (!facts.system_libs.is_empty()
            || (settings.vendor == Vendor::Chainguard && !facts.system_openssl.is_empty()));
    let (args, args_step) = crate::stacks::run_args::choose(&facts.deployed.runs, &name);
    let (env, port, rocket_step) = rocket(facts, bin, settings);
    for unfetched in &facts.unfetched {
        warnings.push(format!(
            "{}:{} {}: check it out (git submodule update --init) before building, or cargo cannot build the workspace",
            unfetched.file,
            unfetched.line.unwrap_or(0),
            unfetched.detail
        ));
    }
    let handles_signals = !facts.signal_handling.is_empty();
    let stop_step = stop_step(facts);
    let (health, health_step) = health::choose(
        settings.health_path.as_deref(),
        bin.health.as_ref(),
        settings.port.or(port),
        health::Asker::probe("rust"),
        "a static probe built from a few lines of Rust in the build stage (the runtime has no shell or HTTP client)",
    );
    Ok(StackOutput {
        platforms: platforms(cross_compile, decision.family),
        about: bin.about.clone(),
        health,
        stop_signal: (!handles_signals).then_some("SIGKILL"),
        copy_libraries,
        builder_variant: "",
        binary: name.clone(),
        port,
        builder_version,
        builder_full: false,
        detected,
        warnings,
        steps: [
            Some(version_step),
            features_step,
            args_step,
            rocket_step,
            Some(build_step),
            Some(health_step),
            Some(stop_step),
        ]
        .into_iter()
        .flatten()
        .collect(),
        build: StackPlan::Rust(RustPlan {
            package_setting: facts
                .bins
                .iter()
                .any(|other| other.name == bin.name && other.package != bin.package)
                .then(|| package.clone()),
            bin: name,
            package,
            package_spec,
            features: (!facts.features.is_empty()).then(|| facts.features.join(",")),
            locked,
            crt_static,
            cross_compile,
            toolchain_file: facts
                .toolchain
                .as_ref()
                .filter(|_| cross_compile)
                .map(|(_, found)| found.file.clone()),
            args,
            env,
            build_packages,
        }),
    })
}

/// Rocket's default port.
const ROCKET_PORT: u16 = 8000;

/// The runtime variables and port of a Rocket server: it listens on 127.0.0.1 unless
/// ROCKET_ADDRESS says otherwise, so the image sets it to every interface, with ROCKET_PORT at
/// the port the image exposes (the setting's, the source's, or Rocket's 8000). Without Rocket,
/// the source's port and nothing to set.
fn rocket(
    facts: &RustFacts,
    bin: &RustBin,
    settings: &Settings,
) -> (Vec<(String, String)>, Option<u16>, Option<Step>) {
    let found = bin.port.as_ref().map(|(port, _)| *port);
    let Some(evidence) = &facts.rocket else {
        return (Vec::new(), found, None);
    };
    let port = settings.port.or(found).unwrap_or(ROCKET_PORT);
    let env = vec![
        ("ROCKET_ADDRESS".to_string(), "0.0.0.0".to_string()),
        ("ROCKET_PORT".to_string(), port.to_string()),
    ];
    let step = Step {
        question: "Does the server need to be told to listen on every interface?".to_string(),
        answer: format!("yes: Rocket listens on 127.0.0.1 by default; the image sets ROCKET_ADDRESS=0.0.0.0 and ROCKET_PORT={port}"),
        evidence: vec![evidence.clone()],
    };
    (env, Some(port), Some(step))
}

/// `--package` for cargo build: the package spec, name and version checked as arguments.
fn package_spec(manifest: &str, bin: &RustBin) -> Result<Option<String>, DetectError> {
    Ok(match &bin.package_spec {
        Some(spec) => Some(match spec.split_once('@') {
            Some((name, version)) => format!(
                "{}@{}",
                safe::name(manifest, "package name", name)?,
                safe::argument(manifest, "package version", version)?
            ),
            None => safe::name(manifest, "package name", spec)?,
        }),
        None => None,
    })
}

/// The Debian packages of the headers the build needs for the system libraries of
/// [`lock::SYSTEM_HEADERS`] its graph links, when the `build-packages` setting names none: those
/// the project's own Dockerfile installs for its build of `bin` (in the stage that runs the
/// cargo build, or a stage that stage is built on) that serve one of them, and the packages of
/// that table the Dockerfile does not install (or every one, without a Dockerfile), each with
/// the line of the `-sys` crate that needs it. The runtime (cc) gets the libraries copied from
/// the builder. A setting that names packages but lacks one is refused: the build would stop at
/// the `-sys` crate; the refusal names the libraries, where the graph reaches them and the
/// packages to set.
fn header_packages(
    facts: &RustFacts,
    bin: &RustBin,
    settings: &Settings,
) -> Result<Option<Found>, DetectError> {
    let needs: Vec<(&Evidence, &str, &str, &[&str])> = facts
        .system_libs
        .iter()
        .filter_map(|evidence| {
            let crate_name = evidence.detail.split([':', ' ']).next().unwrap_or_default();
            let (name, library, packages) = lock::SYSTEM_HEADERS
                .iter()
                .find(|(name, _, _)| *name == crate_name)?;
            Some((evidence, *name, *library, *packages))
        })
        .collect();
    if needs.is_empty() {
        return Ok(None);
    }
    let setting = &settings.system.build_packages;
    if !setting.is_empty() {
        return lacking_from_setting(facts, &needs, setting).map(|()| None);
    }
    let deployed = facts.deployed.installed_for(&bin.name, &bin.package);
    let mut taken: Vec<(String, &Evidence)> = Vec::new();
    let mut added: Vec<(&str, &Evidence)> = Vec::new();
    for (evidence, _, _, packages) in &needs {
        for needed in packages.iter().copied() {
            let installed = deployed.as_ref().and_then(|(_, installed)| {
                installed
                    .iter()
                    .find(|i| lock::serves(&i.package, needed))
            });
            match installed {
                Some(i) => {
                    if !taken.iter().any(|(p, _)| *p == i.package) {
                        taken.push((i.package.clone(), &i.evidence));
                    }
                }
                None => {
                    if !added.iter().any(|(p, _)| *p == needed) {
                        added.push((needed, evidence));
                    }
                }
            }
        }
    }
    let mut packages = Vec::new();
    let mut evidence = Vec::new();
    for (package, at) in &taken {
        packages.push(crate::safe::debian_package(&at.file, "apt-get install", package)?);
        evidence.push((*at).clone());
    }
    let file = match &deployed {
        Some((build, _)) if !taken.is_empty() => {
            evidence.push(build.evidence.clone());
            Some(build.evidence.file.clone())
        }
        _ => None,
    };
    for (package, at) in &added {
        packages.push((*package).to_string());
        if !evidence.contains(*at) {
            evidence.push((*at).clone());
        }
    }
    let why = needs
        .iter()
        .map(|(_, name, library, _)| format!("the headers of what {name} links ({library})"))
        .collect::<Vec<_>>()
        .join("; ");
    Ok(Some(Found {
        packages,
        evidence,
        file,
        why,
        added: added.iter().map(|(p, _)| (*p).to_string()).collect(),
    }))
}

/// Refuses a `build-packages` setting that lacks a package [`header_packages`] knows the build
/// needs, naming the libraries, where the graph reaches them, and the packages to set.
fn lacking_from_setting(
    facts: &RustFacts,
    needs: &[(&Evidence, &str, &str, &[&str])],
    setting: &[String],
) -> Result<(), DetectError> {
    let mut missing: Vec<&str> = Vec::new();
    let mut first: Option<&Evidence> = None;
    let mut libraries = Vec::new();
    for (evidence, name, library, packages) in needs {
        let lacking: Vec<&str> = packages
            .iter()
            .copied()
            .filter(|needed| !setting.iter().any(|w| w == needed) && !missing.contains(needed))
            .collect();
        if lacking.is_empty() {
            continue;
        }
        first.get_or_insert(evidence);
        libraries.push(format!(
            "{name} ({}:{}) links {library}",
            evidence.file,
            evidence.line.unwrap_or(0)
        ));
        missing.extend(lacking);
    }
    let Some(first) = first else {
        return Ok(());
    };
    let all: Vec<&str> = setting
        .iter()
        .map(String::as_str)
        .chain(missing.iter().copied())
        .collect();
    Err(DetectError::Broken {
        file: first.file.clone(),
        line: first.line,
        cause: format!(
            "{}{}: no runtime image carries these libraries, and the build needs their headers from Debian packages build-packages does not name ({}); set build-packages = {:?} ({}): the build stage installs them, and the runtime (distroless cc) gets the libraries, with what they link, copied from the builder",
            if facts.features.is_empty() {
                String::new()
            } else {
                format!("with the features {}, ", facts.features.join(","))
            },
            libraries.join("; "),
            missing.join(", "),
            all,
            crate::settings::ways("build-packages")
        ),
    })
}

/// What the plan reports as detected: the binary `name` of `package`, the workspace, the
/// native code the build links (or that optional dependencies stay off), and the port.
fn detected(facts: &RustFacts, bin: &RustBin, name: &str, package: &str) -> Vec<String> {
    let locked = facts.lock.is_some();
    let mut detected = vec![format!(
        "Rust binary {name} of package {package} ({})",
        bin.src
    )];
    if facts.workspace.is_some() {
        detected.push("Cargo workspace (Cargo.toml)".to_string());
    }
    let mut native: Vec<String> = facts
        .system_openssl
        .iter()
        .chain(&facts.vendored_openssl)
        .chain(&facts.cxx)
        .chain(&facts.system_libs)
        .chain(&facts.allocator)
        .map(|e| e.detail.clone())
        .collect();
    if native.is_empty() {
        native.push("no system OpenSSL, no C++".to_string());
    }
    if !facts.optional_off.is_empty() {
        native.push(format!(
            "optional {} off: no enabled feature turns {} on",
            facts.optional_off.join(", "),
            if facts.optional_off.len() == 1 {
                "it"
            } else {
                "them"
            }
        ));
    }
    for (signal, evidence) in &facts.left_off {
        let need = match *signal {
            super::tree::SYSTEM_OPENSSL => "system OpenSSL",
            super::tree::CXX => "C++",
            super::tree::SYSTEM_LIBS => "system library",
            _ => "jemalloc as malloc",
        };
        native.push(format!(
            "{need} not linked: reached only through a feature off in this build ({}:{})",
            evidence.file,
            evidence.line.unwrap_or(0)
        ));
    }
    detected.push(format!(
        "native code ({}): {}",
        if locked {
            "Cargo.lock"
        } else {
            "Cargo.toml, no lock"
        },
        native.join("; ")
    ));
    if let Some((port, evidence)) = &bin.port {
        detected.push(format!(
            "port {port} ({}:{})",
            evidence.file,
            evidence.line.unwrap_or(0)
        ));
    }
    detected
}

/// How the container stops: SIGTERM when a dependency installs a signal handler, else
/// SIGKILL at once (PID 1 without a handler ignores SIGTERM).
fn stop_step(facts: &RustFacts) -> Step {
    let handles_signals = !facts.signal_handling.is_empty();
    crate::stacks::output::stop_step(
        if handles_signals {
            "SIGTERM, which the program can handle (a signal crate is among its dependencies)"
                .to_string()
        } else {
            "SIGKILL: no dependency installs a signal handler, and as PID 1 a program without one ignores SIGTERM until the grace period ends in SIGKILL; sending it at once ends the container the same way, without the wait".to_string()
        },
        if handles_signals {
            facts.signal_handling.clone()
        } else {
            vec![Evidence::file(
                facts
                    .lock
                    .as_ref()
                    .map_or("Cargo.toml", |lock| lock.file.as_str()),
                "no signal-hook-registry (tokio's signal support), signal-hook or ctrlc",
            )]
        },
    )
}

/// The platforms of a release build, from whether the build cross-compiles (a static binary on
/// distroless: rust:*-trixie has rustup for the target's standard library and Debian's cross
/// gcc and libc for the linker and the C of -sys crates). A static binary otherwise is built on
/// Chainguard's builder, which has no rustup; a binary linking system libraries or C++ would
/// need them for the target too.
fn platforms(cross_compile: bool, family: Family) -> crate::stacks::output::Platforms {
    use crate::stacks::output::Platforms;
    match family {
        _ if cross_compile => Platforms::multi(
            "linux/amd64 and linux/arm64: the build stage runs on $BUILDPLATFORM and compiles for $TARGETARCH; for another platform than its own it adds that target's standard library (rustup target add) and Debian's cross gcc and static glibc, the linker and the compiler for C built by -sys crates; no emulation",
        ),
        Family::Static => Platforms::native(
            "the build machine's: Chainguard's rust builder has Wolfi's Rust with its own platform's standard library and no rustup to add another's, and no cross C toolchain; another platform needs emulation (QEMU) on the builder",
        ),
        _ => Platforms::native(
            "the build machine's: the binary links C++ or system libraries, which a cross build would need built for the target platform; the build stage runs on the target platform, so another platform needs emulation (QEMU) on the builder",
        ),
    }
}

/// The build's feature guards for `bin`'s package: each needs one of its features enabled
/// (by `default` or the `features` setting), else the build would stop at its `compile_error!`
/// and the project is refused, naming the features that would let it build.
fn guarded_features(facts: &RustFacts, bin: &RustBin) -> Result<Option<Step>, DetectError> {
    let guards: Vec<&super::guard::Guard> = facts
        .guards
        .iter()
        .filter(|g| g.package == bin.package)
        .collect();
    let Some(package) = facts.packages.iter().find(|p| p.name == bin.package) else {
        return Ok(None);
    };
    if guards.is_empty() {
        return Ok(None);
    }
    let on = super::manifest::enabled_features(package, &facts.features);
    let mut answers = Vec::new();
    for guard in &guards {
        let chosen: Vec<&String> = guard.features.iter().filter(|f| on.contains(*f)).collect();
        if chosen.is_empty() {
            let enablers = super::manifest::enablers(package, &guard.features);
            return Err(DetectError::FeatureNeeded {
                file: guard.evidence.file.clone(),
                line: guard.evidence.line,
                features: guard.features.clone(),
                enablers,
            });
        }
        answers.push(
            chosen
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    let how = if facts.features.is_empty() {
        "by default".to_string()
    } else {
        format!("with --features {}", facts.features.join(","))
    };
    Ok(Some(Step {
        question: "Does the build need a feature turned on?".to_string(),
        answer: format!("yes: {} is on ({how})", answers.join("; ")),
        evidence: guards.iter().map(|g| g.evidence.clone()).collect(),
    }))
}

/// The Rust version in the builder tag: the settings' version, a numeric toolchain pin that has
/// trixie images, else the floating `1` tag (rust-version is a minimum, which `1` satisfies).
fn builder_version(
    facts: &RustFacts,
    settings: &Settings,
) -> Result<(String, Step, Vec<String>), DetectError> {
    let mut warnings = Vec::new();
    let question = "Rust version for the builder?".to_string();
    if let Some(version) = &settings.lang_version {
        if let Ok(found) = builder_version(facts, &settings.detecting_version())
            && found.0 == *version
        {
            return Ok(found);
        }
        let version = safe::version("settings", "lang-version", version)?;
        catalog::known_rust(&version)
            .map_err(|known| DetectError::setting("lang-version", &version, known))?;
        let step = Step::setting(question, "lang-version", &version);
        return Ok((version, step, warnings));
    }
    let mut version = catalog::RUST_DEFAULT_TAG.to_string();
    let mut evidence = Vec::new();
    if let Some((channel, found)) = &facts.toolchain {
        evidence.push(found.clone());
        let numeric = channel.chars().next().is_some_and(|c| c.is_ascii_digit());
        if numeric {
            let channel = safe::version(&found.file, "toolchain channel", channel)?;
            if version_at_least(&channel, catalog::RUST_FIRST_TRIXIE) {
                version = channel;
            } else {
                warnings.push(format!(
                    "{} pins Rust {channel}, older than the first rust:*-trixie image ({}); using rust:1-trixie, where rustup installs {channel} during the build",
                    found.file,
                    catalog::RUST_FIRST_TRIXIE
                ));
            }
        } else if channel != "stable" {
            warnings.push(format!(
                "{} asks for the {channel} channel; the builder has stable Rust, and rustup installs {channel} during the build",
                found.file
            ));
        }
        if settings.vendor == Vendor::Chainguard && numeric {
            warnings.push(format!(
                "Chainguard's free rust:latest-dev has Rust {}, not the pinned {channel}",
                catalog::rust_chainguard_latest()
            ));
        }
    } else if let Some((msrv, found)) = &facts.rust_version {
        evidence.push(Evidence::file(
            found.file.clone(),
            format!("rust-version = {msrv} is a minimum; rust:1 satisfies it"),
        ));
    }
    let step = Step {
        question,
        answer: version.clone(),
        evidence,
    };
    Ok((version, step, warnings))
}

fn version_at_least(version: &str, floor: &str) -> bool {
    super::version_key(version) >= super::version_key(floor)
}
