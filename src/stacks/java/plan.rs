//! The Java part of the plan: which module, which Java major (the lowest runtime image at or
//! above the release the build compiles for), which builder (the wrapper on a plain JDK, or the
//! build tool's image), how the artefact is packaged and laid out, and how it is started.

use super::{Artefact, JavaFacts, Module, Runnable, Tool, tree};
use crate::catalog::{self, Vendor};
use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::safe;
use crate::settings::Settings;
use crate::stack::Stack;
use crate::stacks::StackPlan;
use crate::stacks::health;
use crate::stacks::output::{APP_DIR, ManifestCopy, StackOutput, manifest_copies};
use crate::trace::Step;
use serde::Serialize;


/// Port of Spring Boot and Quarkus when the configuration names none.
pub const FRAMEWORK_PORT: u16 = 8080;

/// JVM options for containers: heap from the container's memory limit, and exit (so the
/// orchestrator restarts the container) rather than limp on after an OutOfMemoryError.
pub const JAVA_TOOL_OPTIONS: &str = "-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError";

/// What the Java template reads.
#[derive(Debug, Clone, Serialize)]
pub struct JavaPlan {
    pub tool: Tool,
    /// `mvn`, `gradle`, or the wrapper (`./mvnw`, `sh ./gradlew` when it is not executable).
    pub command: String,
    /// Build files copied before the dependency step, and directories (.mvn, gradle, buildSrc).
    pub manifests: Vec<ManifestCopy>,
    pub dirs: Vec<String>,
    /// The module's directory (`""` for the root).
    pub module_dir: String,
    /// Every module's directory, for the build output the .dockerignore leaves out.
    pub module_dirs: Vec<String>,
    /// Maven: `-pl DIR -am` selects the module (DIR relative to its reactor); Gradle: the task
    /// path prefix (`:api:`).
    pub maven_projects: Option<String>,
    /// Maven: the directory of the module's reactor when the root's does not build it; the
    /// root's reactor is installed first, then that one builds the module (`-f DIR/pom.xml`).
    pub reactor: Option<String>,
    /// Maven: the plugins only `<reporting>` names, which the dependency step leaves out (a
    /// package build never runs them, and one may not even resolve).
    pub skip_reports: Option<SkipReports>,
    pub gradle_prefix: String,
    /// Gradle task that produces the artefact.
    pub gradle_task: &'static str,
    pub profile: Option<String>,
    /// `spring-boot`, `quarkus`, `fat-jar` or `classpath`.
    pub kind: &'static str,
    /// Spring Boot 3.3+: extract the jar into layers (dependencies first) for caching.
    pub layered: bool,
    /// Maven: the artefact's path from the build root.
    pub artefact: Option<String>,
    /// An ENTRYPOINT replacing the image's (classpath launch), or none.
    pub entrypoint: Option<Vec<String>>,
    /// CMD words (the jar path, after `-jar` when the image's entrypoint lacks it).
    pub command_args: Vec<String>,
    pub java_options: &'static str,
    /// The Java major of the builder and runtime.
    pub major: String,
}

/// The module to containerise: the one `--package` names, else the one the project's own
/// deployment ships, else the only product (see [`JavaFacts::products`]), with the step that
/// chose it among several.
pub fn select<'a>(
    facts: &'a JavaFacts,
    settings: &Settings,
) -> Result<(&'a Module, &'a Runnable, Option<Step>), DetectError> {
    let profile = settings.profile.as_deref();
    if let Some(profile) = profile {
        safe::name("settings", "profile", profile)?;
        if facts.tool == Tool::Gradle {
            return Err(DetectError::setting(
                "profile",
                profile,
                "Maven profiles only; Gradle has none",
            ));
        }
        if !facts.profile_ids.iter().any(|id| id == profile) {
            return Err(DetectError::NoSuchCandidate {
                what: "profile in the build's poms".to_string(),
                flag: "--profile".to_string(),
                value: profile.to_string(),
                candidates: facts.profile_ids.clone(),
            });
        }
    }
    let profile = profile.or_else(|| profile_of_package(facts, settings));
    let products = facts.products(profile);
    let release = products.profile.clone();
    let profile = release.as_ref().map_or(profile, |(id, _)| Some(id.as_str()));
    let all = facts.candidates(profile);
    let candidates = products.modules;
    let label = |m: &Module| {
        if m.dir.is_empty() || m.dir == m.name {
            m.name.clone()
        } else {
            format!("{} ({})", m.name, m.dir)
        }
    };
    let names: Vec<String> = candidates.iter().map(|m| label(m)).collect();
    let mut step = None;
    let chosen = if let Some(wanted) = &settings.package {
        all.iter()
            .copied()
            .find(|m| &m.name == wanted || &m.dir == wanted)
            .ok_or_else(|| DetectError::NoSuchCandidate {
                what: "module with a runnable artefact".to_string(),
                flag: "--package".to_string(),
                value: wanted.clone(),
                candidates: all.iter().map(|m| label(m)).collect(),
            })?
    } else if let Some((module, evidence)) = deployed_choice(facts, &all) {
        step = Some(Step {
            question: "Which module does the project's own deployment ship?".to_string(),
            answer: module.name.clone(),
            evidence: vec![evidence.clone()],
        });
        module
    } else {
        match candidates.as_slice() {
            [one] => {
                if let Some((id, evidence)) = release.clone() {
                    let mut answer = format!(
                        "{} under profile {id}: what the default build makes runnable is samples or tests",
                        one.name
                    );
                    let mut evidence = vec![evidence];
                    if let Some((reason, why)) = products.why {
                        answer.push_str(&format!("; {reason}"));
                        evidence.push(why);
                    }
                    step = Some(Step {
                        question: "Which of the runnable modules is the application?".to_string(),
                        answer,
                        evidence,
                    });
                } else if all.len() > 1 {
                    step = Some(product_step(&all, one, products.why));
                }
                one
            }
            [] => {
                let groups = crate::facts::advised(
                    facts
                        .modules
                        .iter()
                        .filter(|m| m.hint.as_deref() != Some("packaging pom: an aggregator"))
                        .filter_map(|m| Some((m.name.clone(), m.hint.clone()?))),
                );
                return Err(DetectError::Listed {
                    file: facts
                        .modules
                        .first()
                        .map(|m| m.manifest.clone())
                        .unwrap_or_default(),
                    line: None,
                    cause: "the build produces nothing that runs".to_string(),
                    what: "for the modules".to_string(),
                    groups,
                });
            }
            _ => {
                let mut names = names;
                names.extend(
                    facts
                        .modules
                        .iter()
                        .filter(|m| !m.is_sample() && !m.profiles.is_empty())
                        .filter_map(|m| {
                            let (id, _) = m.added_by.as_ref()?;
                            Some(format!("{} (profile {id})", label(m)))
                        }),
                );
                return Err(DetectError::Several {
                    what: "modules with a runnable artefact".to_string(),
                    candidates: names,
                    flag: "--package".to_string(),
                });
            }
        }
    };
    let runnable = chosen.runnable_with(profile).expect("candidates have one");
    if let Some((id, evidence)) = &chosen.added_by {
        match step.as_mut() {
            Some(step) => step.evidence.push(evidence.clone()),
            None => {
                step = Some(Step {
                    question: "Which profile adds the module to the build?".to_string(),
                    answer: format!("{id}: the build names -P {id}"),
                    evidence: vec![evidence.clone()],
                })
            }
        }
    }
    Ok((chosen, runnable, step))
}

/// The profile `--package` needs when it names a module that only a profile not active by
/// default adds to the reactor.
fn profile_of_package<'a>(facts: &'a JavaFacts, settings: &Settings) -> Option<&'a str> {
    let wanted = settings.package.as_ref()?;
    facts
        .modules
        .iter()
        .find(|m| &m.name == wanted || &m.dir == wanted)
        .and_then(|m| m.added_by.as_ref())
        .map(|(id, _)| id.as_str())
}

/// The runnable module the deployment ships, when there are several to choose from.
fn deployed_choice<'a>(facts: &'a JavaFacts, all: &[&'a Module]) -> Option<(&'a Module, &'a Evidence)> {
    let (dir, evidence) = facts.deployed.as_ref()?;
    if all.len() < 2 {
        return None;
    }
    let module = all.iter().copied().find(|m| &m.dir == dir)?;
    Some((module, evidence))
}

/// The step that says why `chosen` is the product among the runnable modules `all`: it
/// assembles the others, or the others are samples, examples, tests or benchmarks.
fn product_step(
    all: &[&Module],
    chosen: &Module,
    why: Option<(&'static str, Evidence)>,
) -> Step {
    let others: Vec<&str> = all
        .iter()
        .filter(|m| m.name != chosen.name)
        .map(|m| m.name.as_str())
        .collect();
    let (answer, evidence) = match why {
        Some((reason, evidence)) => (format!("{}: {reason}", chosen.name), vec![evidence]),
        None => (
            format!(
                "{}: the others ({}) are samples, examples, tests or benchmarks, or modules a profile adds",
                chosen.name,
                others.join(", ")
            ),
            all.iter()
                .filter(|m| m.is_sample() || m.by_profile)
                .map(|m| {
                    let what = if m.is_sample() {
                        "a sample, example, test or benchmark module"
                    } else {
                        "a module only an active profile's <modules> adds"
                    };
                    Evidence::file(m.manifest.clone(), what)
                })
                .collect(),
        ),
    };
    Step {
        question: "Which of the runnable modules is the application?".to_string(),
        answer,
        evidence,
    }
}

/// The Java major of the runtime: `--lang-version`, else the lowest published image at or
/// above the module's release. Returns the major, the signals that make the tree refuse a
/// release newer than a vendor's newest image, the step and warnings.
#[allow(clippy::type_complexity)]
pub fn runtime_major(
    module: &Module,
    settings: &Settings,
) -> Result<(String, Vec<(&'static str, Evidence)>, Step, Vec<String>), DetectError> {
    let published: Vec<u32> = catalog::language_runtimes(Stack::Java, Vendor::Distroless)
        .iter()
        .filter_map(|row| row.language.and_then(|l| l.version.parse().ok()))
        .collect();
    let chainguard: u32 = catalog::language_runtimes(Stack::Java, Vendor::Chainguard)
        .first()
        .and_then(|row| row.language.and_then(|l| l.version.parse().ok()))
        .unwrap_or(26);
    let question = "Java major for the builder and runtime?".to_string();
    if let Some(wanted) = &settings.lang_version {
        if let Ok(found) = runtime_major(module, &settings.detecting_version())
            && found.0 == *wanted
        {
            return Ok(found);
        }
        published_major(wanted, settings.vendor, &published, chainguard)?;
        let step = Step::setting(question, "lang-version", wanted);
        return Ok((wanted.clone(), Vec::new(), step, Vec::new()));
    }
    let (release, evidence) = match &module.release {
        Some((release, evidence)) => (*release, vec![evidence.clone()]),
        None => (catalog::JAVA_DEFAULT_RELEASE, Vec::new()),
    };
    let oldest = published.first().copied().unwrap_or(17);
    let newest = published.last().copied().unwrap_or(25);
    let too_new = too_new(module, release, newest, chainguard);
    let major = published
        .iter()
        .copied()
        .find(|m| *m >= release)
        .unwrap_or(newest);
    let mut warnings = Vec::new();
    if release < oldest {
        warnings.push(format!(
            "the build compiles for Java {release}, which has no runtime image; it runs on Java {major} (the oldest distroless Java image), which runs older class files: test it there"
        ));
    }
    if settings.vendor == Vendor::Chainguard && release < chainguard {
        warnings.push(format!(
            "Chainguard's free jre:latest is Java {chainguard}; the build compiles for Java {release}, which it runs (pinned majors are a paid Chainguard tier)"
        ));
    }
    let answer = if module.release.is_none() {
        format!("{major} (no release declared: the build compiles for Java {major})")
    } else if settings.vendor == Vendor::Chainguard {
        format!(
            "{chainguard} (what the catalogue assumes Chainguard's jre:latest carries; the tag floats to each new release, which still runs the Java {release} the build targets)"
        )
    } else {
        major.to_string()
    };
    let step = Step {
        question,
        answer,
        evidence,
    };
    Ok((major.to_string(), too_new, step, warnings))
}

/// Whether `--lang-version` `wanted` is a major `vendor` publishes a runtime image of
/// (`published` on distroless, `chainguard` on Chainguard); an error listing them if not.
fn published_major(
    wanted: &str,
    vendor: Vendor,
    published: &[u32],
    chainguard: u32,
) -> Result<(), DetectError> {
    let major: Option<u32> = wanted.parse().ok();
    let fits = match vendor {
        Vendor::Distroless => major.is_some_and(|m| published.contains(&m)),
        Vendor::Chainguard => major == Some(chainguard),
    };
    if fits {
        return Ok(());
    }
    let list: Vec<String> = published.iter().map(u32::to_string).collect();
    Err(DetectError::setting(
        "lang-version",
        wanted,
        format!(
            "a published Java runtime major: {} on distroless, {chainguard} on chainguard",
            list.join(", ")
        ),
    ))
}

/// The signals that make the tree refuse `release` on a vendor whose newest image is older:
/// distroless's `newest`, Chainguard's `chainguard`.
fn too_new(
    module: &Module,
    release: u32,
    newest: u32,
    chainguard: u32,
) -> Vec<(&'static str, Evidence)> {
    let mut too_new = Vec::new();
    if release > newest {
        too_new.push((
            tree::TOO_NEW_DISTROLESS,
            Evidence::file(
                module.manifest.clone(),
                format!(
                    "Java {release} is newer than distroless' newest image (java{newest}){}",
                    if release <= chainguard {
                        format!("; --vendor chainguard (Java {chainguard}) fits")
                    } else {
                        String::new()
                    }
                ),
            ),
        ));
    }
    if release > chainguard {
        too_new.push((
            tree::TOO_NEW_CHAINGUARD,
            Evidence::file(
                module.manifest.clone(),
                format!("Java {release} is newer than Chainguard's jre:latest (Java {chainguard})"),
            ),
        ));
    }
    too_new
}

/// The Java part of the plan for the chosen module and artefact.
pub fn plan(
    facts: &JavaFacts,
    module: &Module,
    runnable: &Runnable,
    settings: &Settings,
    major: &str,
) -> Result<StackOutput, DetectError> {
    let runtime = catalog::runtime(
        Stack::Java,
        settings.vendor,
        catalog::Family::Language,
        Some(major),
    )
    .and_then(|row| row.language)
    .expect("the catalogue has a Java runtime for each vendor");
    let java = java_plan(facts, module, runnable, &runtime, major)?;
    let wrapper = facts.wrapper.as_ref();
    let port = settings
        .port
        .or(module.port.as_ref().map(|(p, _)| *p))
        .or(matches!(
            runnable.artefact,
            Artefact::SpringBoot { .. } | Artefact::Quarkus
        )
        .then_some(FRAMEWORK_PORT));
    let mut steps = vec![Step {
        question: "Which artefact runs?".to_string(),
        answer: super::describe(&runnable.artefact),
        evidence: vec![runnable.evidence.clone()],
    }];
    steps.push(Step {
        question: "Build with the project's wrapper?".to_string(),
        answer: match wrapper {
            Some((script, _)) => format!("yes, {script} on a plain JDK image"),
            None => "no wrapper: the build tool's image".to_string(),
        },
        evidence: wrapper
            .map(|(script, _)| vec![Evidence::file(script.clone(), "wrapper script")])
            .unwrap_or_default(),
    });
    if let Some((dir, evidence)) = &module.reactor {
        steps.push(Step {
            question: "Which reactor builds the module?".to_string(),
            answer: format!(
                "{dir}/pom.xml, which the root pom does not list: the root's reactor is installed first, then {dir}/pom.xml builds {}",
                module.name
            ),
            evidence: vec![evidence.clone()],
        });
    }
    if !facts.reports.is_empty() {
        steps.push(reports_step(&facts.reports));
    }
    if let Some(evidence) = &module.spring.loopback {
        steps.push(Step {
            question: "Does the server need to be told to listen on every interface?".to_string(),
            answer: format!("yes: its configuration binds a loopback address, which nothing outside the container reaches; the image passes {LISTEN_EVERYWHERE} (Spring's command-line arguments win over its configuration files)"),
            evidence: vec![evidence.clone()],
        });
    }
    let detected_health = module.health.as_ref().map(|(path, evidence)| {
        match &module.spring.context_path {
            Some((prefix, at)) => (
                format!("{prefix}{path}"),
                Evidence {
                    detail: format!(
                        "{}, under context path {prefix} ({}:{})",
                        evidence.detail,
                        at.file,
                        at.line.unwrap_or(0)
                    ),
                    ..evidence.clone()
                },
            ),
            None => (path.clone(), evidence.clone()),
        }
    });
    let (health, health_step) = health::choose(
        settings.health_path.as_deref(),
        detected_health.as_ref(),
        port,
        health::Asker::program(
            |ask| {
                vec![
                    runtime.interpreter.to_string(),
                    "-cp".to_string(),
                    health::PROBE_DIR.to_string(),
                    "Health".to_string(),
                    ask.url.to_string(),
                ]
            },
            Some("java"),
        ),
        "a probe class compiled in the build stage and run by the image's java",
    );
    steps.push(health_step);
    steps.push(crate::stacks::output::stop_step(
        "SIGTERM: the JVM runs the application's shutdown hooks and exits, also as PID 1"
            .to_string(),
        vec![Evidence::file(
            "catalog",
            "the JVM installs its own SIGTERM handler",
        )],
    ));
    Ok(StackOutput {
        platforms: crate::stacks::output::Platforms::multi(
            "linux/amd64 and linux/arm64: the build stage runs on $BUILDPLATFORM, since the jar it makes is the same for every platform, and the JRE image is published for both",
        ),
        about: module.about.clone(),
        health,
        stop_signal: None,
        copy_libraries: false,
        builder_variant: if wrapper.is_some() {
            "jdk"
        } else if facts.tool == Tool::Maven {
            "maven"
        } else {
            "gradle"
        },
        binary: safe::image_name(&module.name),
        port,
        builder_version: major.to_string(),
        builder_full: false,
        detected: detected(facts, module, runnable),
        warnings: Vec::new(),
        steps,
        build: StackPlan::Java(java),
    })
}

/// How the template builds and lays out the module: the build command, the build files copied
/// first, the module's selection in the build, the task and artefact, and how it starts.
fn java_plan(
    facts: &JavaFacts,
    module: &Module,
    runnable: &Runnable,
    runtime: &catalog::Language,
    major: &str,
) -> Result<JavaPlan, DetectError> {
    let command = match (facts.tool, facts.wrapper.as_ref()) {
        (_, Some((script, true))) => format!("./{script}"),
        (_, Some((script, false))) => format!("sh ./{script}"),
        (Tool::Maven, None) => "mvn".to_string(),
        (Tool::Gradle, None) => "gradle".to_string(),
    };
    let mut files = Vec::new();
    for file in &facts.build_files {
        files.push(safe::relative_path(file, "build file", file)?);
    }
    let mut dirs = Vec::new();
    for dir in &facts.build_dirs {
        dirs.push(safe::relative_path(dir, "build directory", dir)?);
    }
    let module_dir = safe::relative_path(&module.manifest, "module directory", &module.dir)?;
    let (kind, layered, gradle_task) = match &runnable.artefact {
        Artefact::SpringBoot { layered, .. } => ("spring-boot", *layered, "bootJar"),
        Artefact::Quarkus => ("quarkus", false, "quarkusBuild"),
        Artefact::FatJar => ("fat-jar", false, "shadowJar"),
        Artefact::Classpath { .. }
            if facts.tool == Tool::Gradle
                && runnable.path.as_deref() == Some(super::gradle::RUNTIME_LIBS) =>
        {
            ("classpath", false, "runtimeLibs")
        }
        Artefact::Classpath { .. } => ("classpath", false, "installDist"),
    };
    let (mut entrypoint, mut command_args) = launch(runtime, &runnable.artefact);
    if module.spring.loopback.is_some() {
        match entrypoint.as_mut() {
            Some(words) => words.push(LISTEN_EVERYWHERE.to_string()),
            None => command_args.push(LISTEN_EVERYWHERE.to_string()),
        }
    }
    let artefact = runnable
        .path
        .as_ref()
        .map(|path| {
            safe::relative_path(
                &module.manifest,
                "artefact",
                &crate::repo::join(&module_dir, path),
            )
        })
        .transpose()?;
    let gradle_prefix = if module.dir.is_empty() {
        ":".to_string()
    } else {
        format!(":{}:", module_dir.replace('/', ":"))
    };
    let reactor = module
        .reactor
        .as_ref()
        .map(|(dir, _)| safe::relative_path(&module.manifest, "reactor directory", dir))
        .transpose()?;
    let projects = match &reactor {
        Some(reactor) => module_dir
            .strip_prefix(reactor.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
            .map(str::to_string),
        None => (!module.dir.is_empty()).then(|| module_dir.clone()),
    };
    Ok(JavaPlan {
        tool: facts.tool,
        command,
        manifests: manifest_copies(&files),
        dirs,
        maven_projects: projects,
        reactor,
        skip_reports: (!facts.reports.is_empty()).then(|| SkipReports {
            plugin: catalog::MAVEN_DEPENDENCY_PLUGIN,
            artifacts: facts
                .reports
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(","),
        }),
        module_dirs: facts
            .modules
            .iter()
            .map(|m| safe::relative_path(&m.manifest, "module directory", &m.dir))
            .collect::<Result<_, _>>()?,
        module_dir,
        gradle_prefix,
        gradle_task,
        profile: runnable.profile.clone(),
        kind,
        layered,
        artefact,
        entrypoint,
        command_args,
        java_options: JAVA_TOOL_OPTIONS,
        major: major.to_string(),
    })
}

/// The `<reporting>` plugins the dependency step leaves out, and the dependency plugin whose
/// go-offline filters plugins by artifactId.
#[derive(Debug, Clone, Serialize)]
pub struct SkipReports {
    /// The plugin's coordinates, without the goal.
    pub plugin: &'static str,
    /// The artifactIds, comma-separated (each passed [`crate::safe::name`]).
    pub artifacts: String,
}

/// The step saying the dependency step leaves the `<reporting>` plugins out.
fn reports_step(reports: &[(String, Evidence)]) -> Step {
    let names: Vec<&str> = reports.iter().map(|(n, _)| n.as_str()).collect();
    Step {
        question: "Which plugins does the dependency step leave out?".to_string(),
        answer: format!(
            "the reporting plugins {}: a package build never runs them",
            names.join(", ")
        ),
        evidence: reports.iter().map(|(_, e)| e.clone()).collect(),
    }
}

/// A start setting on a Java project: the application's own arguments, after the jar or the
/// main class the build makes (`--spring.profiles.active=prod`, `server config.yml`). A start
/// naming `java` is refused: the image runs its artefact, and JVM options belong in
/// JAVA_TOOL_OPTIONS.
pub fn user_start(
    plan: &mut JavaPlan,
    start: &crate::commands::Set<Vec<String>>,
) -> Result<Step, String> {
    let words = &start.value;
    if matches!(words[0].as_str(), "java" | "/usr/bin/java" | "mvn" | "gradle" | "./mvnw" | "./gradlew") {
        return Err(format!(
            "the image runs the artefact the build makes with the runtime's java, so a start gives the application's arguments alone (such as `--spring.profiles.active=prod`); {} is not run as a program, and JVM options go in JAVA_TOOL_OPTIONS (`--image-env`), which then replaces shiplight's -XX:MaxRAMPercentage=75.0",
            words[0]
        ));
    }
    match plan.entrypoint.as_mut() {
        Some(entrypoint) => entrypoint.extend(words.iter().cloned()),
        None => plan.command_args.extend(words.iter().cloned()),
    }
    let shown = crate::commands::shown(words);
    Ok(Step {
        question: "Arguments after the artefact?".to_string(),
        answer: format!(
            "{shown} (set by {}: a Java start gives the application's arguments, after the jar or main class)",
            start.by
        ),
        evidence: vec![crate::commands::steps::evidence("start", start, &shown)],
    })
}

/// The argument that makes a Spring Boot server listen on every interface.
const LISTEN_EVERYWHERE: &str = "--server.address=0.0.0.0";

/// How `artefact` starts on `runtime`: an ENTRYPOINT putting the libraries on the classpath
/// for a main class, else the jar as CMD (after `-jar` when the image's entrypoint lacks it).
fn launch(runtime: &catalog::Language, artefact: &Artefact) -> (Option<Vec<String>>, Vec<String>) {
    let launch = |path: &str| -> Vec<String> {
        if runtime.entrypoint.last() == Some(&"-jar") {
            vec![path.to_string()]
        } else {
            vec!["-jar".to_string(), path.to_string()]
        }
    };
    match artefact {
        Artefact::Classpath { main_class } => (
            Some(vec![
                runtime.interpreter.to_string(),
                "-cp".to_string(),
                format!("{APP_DIR}/lib/*"),
                main_class.clone(),
            ]),
            Vec::new(),
        ),
        Artefact::Quarkus => (None, launch(&format!("{APP_DIR}/quarkus-run.jar"))),
        _ => (None, launch(&format!("{APP_DIR}/app.jar"))),
    }
}

/// What the plan reports as detected: the build tool, module and artefact, the release and
/// the wrapper.
fn detected(facts: &JavaFacts, module: &Module, runnable: &Runnable) -> Vec<String> {
    let mut detected = vec![format!(
        "{} build, module {}: {} ({})",
        match facts.tool {
            Tool::Maven => "Maven",
            Tool::Gradle => "Gradle",
        },
        module.name,
        super::describe(&runnable.artefact),
        runnable.evidence
    )];
    if let Some((release, evidence)) = &module.release {
        detected.push(format!("Java release {release} ({evidence})"));
    }
    if let Some((script, _)) = &facts.wrapper {
        detected.push(format!("build tool wrapper {script}"));
    }
    detected
}

/// The chosen module as a `package` setting: its directory, or `None` for the root project.
pub fn module_setting(plan: &JavaPlan) -> Option<String> {
    (!plan.module_dir.is_empty() && plan.module_dir != ".").then(|| plan.module_dir.clone())
}
