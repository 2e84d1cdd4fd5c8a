//! Java: Maven and Gradle builds, their modules, the Java release they compile for, and the
//! runnable artefact each module's default build produces (Spring Boot jar, Quarkus fast-jar,
//! shaded or assembled jar, or a plain jar with a main class and its dependencies).

pub mod gradle;
pub mod maven;
pub mod plan;
pub mod tree;
pub mod kind;
pub use kind::Kind;

use crate::evidence::Evidence;
use crate::facts::{self, DetectError, Fact, Signals};
use crate::repo::{self, Repo};
use crate::stacks::Detection;
use serde::Serialize;

/// Most modules a build may list; a reactor larger than this is refused, not walked.
pub const MAX_MODULES: usize = 64;

/// The build tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tool {
    Maven,
    Gradle,
}

/// What kind of runnable artefact a module's build produces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Artefact {
    /// A Spring Boot executable jar; `layered` when Boot (3.3+) can extract it into layers.
    SpringBoot {
        version: Option<String>,
        layered: bool,
    },
    /// Quarkus' fast-jar directory (`quarkus-app/` with `quarkus-run.jar`).
    Quarkus,
    /// A jar carrying its dependencies (shade, assembly, shadow).
    FatJar,
    /// A plain jar and its runtime dependencies, started by main class.
    Classpath { main_class: String },
}

/// A runnable artefact a module's build produces, and what produces it.
#[derive(Debug, Clone, Serialize)]
pub struct Runnable {
    pub artefact: Artefact,
    /// The plugin (Maven) or plugin line (Gradle) that produces it.
    pub evidence: Evidence,
    /// Maven: the artefact's path under the module (`target/app-1.0.jar`, `target/quarkus-app`).
    pub path: Option<String>,
    /// The Maven profile that must be named for the plugin to run (`None`: the default build).
    pub profile: Option<String>,
}

/// One module (Maven) or project (Gradle) that can be built.
#[derive(Debug, Clone, Serialize)]
pub struct Module {
    /// Directory relative to the root, `""` for the root.
    pub dir: String,
    /// artifactId, or the Gradle project name.
    pub name: String,
    /// The module's build file.
    pub manifest: String,
    /// The Java release it compiles for, with where that was read.
    pub release: Option<(u32, Evidence)>,
    /// What the default build produces that can run.
    pub runnable: Option<Runnable>,
    /// What profiles that are not active by default would produce instead.
    pub profiles: Vec<Runnable>,
    /// Why the default build has nothing runnable, when it has not.
    pub hint: Option<String>,
    pub port: Option<(u16, Evidence)>,
    /// The health endpoint a framework dependency serves (Spring Boot Actuator, SmallRye Health).
    pub health: Option<(String, Evidence)>,
    /// The project's version, for the image's labels.
    pub about: crate::manifest::About,
}

impl Module {
    /// The runnable artefact with `profile` named (or none named).
    pub fn runnable_with(&self, profile: Option<&str>) -> Option<&Runnable> {
        profile
            .and_then(|wanted| {
                self.profiles
                    .iter()
                    .find(|r| r.profile.as_deref() == Some(wanted))
            })
            .or(self.runnable.as_ref())
    }
}

/// Everything detected about a Java build.
#[derive(Debug, Clone, Serialize)]
pub struct JavaFacts {
    pub tool: Tool,
    pub tool_evidence: Evidence,
    /// mvnw or gradlew, with whether it is executable.
    pub wrapper: Option<(String, bool)>,
    /// Build files and directories the dependency step needs, relative to the root.
    pub build_files: Vec<String>,
    pub build_dirs: Vec<String>,
    pub modules: Vec<Module>,
}

impl JavaFacts {
    /// Modules that produce a runnable artefact with `profile` named.
    pub fn candidates(&self, profile: Option<&str>) -> Vec<&Module> {
        self.modules
            .iter()
            .filter(|m| m.runnable_with(profile).is_some())
            .collect()
    }

    /// The facts for display.
    pub fn listing(&self) -> Vec<Fact> {
        let mut facts = vec![Fact::new(
            "build tool",
            match self.tool {
                Tool::Maven => "Maven",
                Tool::Gradle => "Gradle",
            },
            self.tool_evidence.clone(),
        )];
        if let Some((wrapper, _)) = &self.wrapper {
            facts.push(Fact::new(
                "wrapper",
                wrapper.clone(),
                Evidence::file(wrapper.clone(), "build tool wrapper"),
            ));
        }
        for module in &self.modules {
            if let Some((release, evidence)) = &module.release {
                facts.push(Fact::new(
                    "java release",
                    format!("{}: {release}", module.name),
                    evidence.clone(),
                ));
            }
            for runnable in module.runnable.iter().chain(&module.profiles) {
                facts.push(Fact::new(
                    "artefact",
                    format!(
                        "{}: {}{}",
                        module.name,
                        describe(&runnable.artefact),
                        runnable
                            .profile
                            .as_deref()
                            .map(|p| format!(" (profile {p})"))
                            .unwrap_or_default()
                    ),
                    runnable.evidence.clone(),
                ));
            }
        }
        facts
    }

    /// Signals for the decision tree (the release checks happen when the image is chosen).
    pub fn signals(runnable: &Runnable, too_new: &[(&'static str, Evidence)]) -> Signals {
        let mut signals = Signals::default();
        for (name, evidence) in too_new {
            signals.add(name, [evidence.clone()]);
        }
        signals.add(tree::RUNNABLE, [runnable.evidence.clone()]);
        signals
    }
}

/// The artefact in words.
pub fn describe(artefact: &Artefact) -> String {
    match artefact {
        Artefact::SpringBoot { version, layered } => format!(
            "Spring Boot{} jar{}",
            version
                .as_deref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default(),
            if *layered {
                ", extracted into layers"
            } else {
                ""
            }
        ),
        Artefact::Quarkus => "Quarkus fast-jar".to_string(),
        Artefact::FatJar => "jar with its dependencies".to_string(),
        Artefact::Classpath { main_class } => {
            format!("jar and dependencies, main class {main_class}")
        }
    }
}

/// Whether a Spring Boot version extracts into layers with `-Djarmode=tools` (3.3 and later).
pub fn boot_layered(version: &str) -> bool {
    let mut parts = version.split(|c: char| !c.is_ascii_digit());
    let major: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let minor: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    major > 3 || (major == 3 && minor >= 3)
}

/// A Java release from `17`, `1.8`, `JavaVersion.VERSION_21` or `VERSION_1_8`.
pub fn parse_release(value: &str) -> Option<u32> {
    let value = value.trim().trim_matches(['"', '\'']);
    let value = value
        .rsplit_once("VERSION_")
        .map_or(value, |(_, rest)| rest)
        .replace('_', ".");
    let value = value.strip_prefix("1.").unwrap_or(&value);
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|r| (5..=99).contains(r))
}

/// Runs Java detection on `root`.
pub fn detect(repo: &Repo) -> Detection {
    let has = |file: &str| repo.has_file(file).map_err(DetectError::from);
    let result = match has("pom.xml") {
        Ok(true) => maven::read(repo),
        Ok(false) => match gradle::BUILD_FILES
            .iter()
            .map(|file| has(file))
            .find(|found| !matches!(found, Ok(false)))
        {
            Some(Ok(_)) => gradle::read(repo),
            Some(Err(error)) => Err(error),
            None => {
                return Detection::Absent {
                    looked_for: "pom.xml, build.gradle(.kts) or settings.gradle(.kts)".to_string(),
                };
            }
        },
        Err(error) => Err(error),
    };
    match result {
        Ok(facts) => Detection::Found {
            facts: Box::new(super::Facts::Java(Box::new(facts))),
        },
        Err(error) => Detection::Broken { error },
    }
}

/// The one class under `dir/src/main/java` with `public static void main`, as its fully
/// qualified name with the file and line; `None` when there is none or more than one. A bounded
/// walk (200 files, 12 levels).
pub fn single_main_class(
    repo: &Repo,
    dir: &str,
) -> Result<Option<(String, Evidence)>, DetectError> {
    let root = repo::join(dir, "src/main/java");
    let mut found = Vec::new();
    let mut budget = 200usize;
    let mut stack = vec![(root.clone(), 0usize)];
    while let Some((current, depth)) = stack.pop() {
        for name in repo.list_dir(&current, |_, kind| kind.is_dir() || kind.is_file()) {
            let path = repo::join(&current, &name);
            if repo.is_dir(&path) {
                if depth < 12 {
                    stack.push((path, depth + 1));
                }
                continue;
            }
            let Some(class) = name.strip_suffix(".java") else {
                continue;
            };
            if budget == 0 {
                return Ok(None);
            }
            budget -= 1;
            let Some(text) = repo.read_text(&path, repo::SOURCE_CAP)? else {
                continue;
            };
            let Some(line) = text.lines().position(|l| {
                let squashed: String = l.split_whitespace().collect::<Vec<_>>().join(" ");
                squashed.contains("public static void main(")
                    || squashed.contains("static public void main(")
            }) else {
                continue;
            };
            let package = text.lines().find_map(|l| {
                l.trim()
                    .strip_prefix("package ")
                    .map(|p| p.trim_end_matches(';').trim().to_string())
            });
            let fqcn = match package {
                Some(package) => format!("{package}.{class}"),
                None => class.to_string(),
            };
            found.push((
                fqcn,
                Evidence::line(path, line + 1, "public static void main"),
            ));
        }
    }
    Ok(match found.len() {
        1 => found.pop(),
        _ => None,
    })
}

/// A wrapper script at the root, with whether its executable bit is set.
pub fn wrapper(
    repo: &Repo,
    script: &str,
    properties: &str,
) -> Result<Option<(String, bool)>, DetectError> {
    if !(repo.has_file(script)? && repo.has_file(properties)?) {
        return Ok(None);
    }
    let executable = repo.is_executable(script);
    Ok(Some((script.to_string(), executable)))
}

/// The server port from Spring or Quarkus configuration, or from the Java sources of a plain
/// server (`new InetSocketAddress(8080)`), searched in a bounded number of files.
/// Health endpoints that a dependency named in the build file serves by default.
const HEALTH_DEPENDENCIES: &[(&str, &str)] = &[
    ("spring-boot-starter-actuator", "/actuator/health"),
    ("quarkus-smallrye-health", "/q/health"),
];

/// The health endpoint the module's build file brings in through a framework dependency.
pub fn health(repo: &Repo, manifest: &str) -> Result<Option<(String, Evidence)>, DetectError> {
    let Some(text) = repo.read_text(manifest, repo::MANIFEST_CAP)? else {
        return Ok(None);
    };
    Ok(HEALTH_DEPENDENCIES.iter().find_map(|(dependency, path)| {
        let line = text.lines().position(|line| line.contains(dependency))?;
        Some((
            path.to_string(),
            Evidence::line(manifest, line + 1, format!("{dependency} serves {path}")),
        ))
    }))
}

pub fn port(
    repo: &Repo,
    dir: &str,
    framework: bool,
) -> Result<Option<(u16, Evidence)>, DetectError> {
    let resources = repo::join(dir, "src/main/resources");
    for name in [
        "application.properties",
        "application.yml",
        "application.yaml",
    ] {
        let file = repo::join(&resources, name);
        if let Some(text) = repo.read_text(&file, repo::MANIFEST_CAP)? {
            let keys = ["server.port", "quarkus.http.port", "port:"];
            if let Some((port, line)) = facts::port_after_word(&text, &keys) {
                return Ok(Some((
                    port,
                    Evidence::line(file, line, format!("port {port}")),
                )));
            }
        }
    }
    if framework {
        return Ok(None);
    }
    let mut budget = 200usize;
    let mut stack = vec![(repo::join(dir, "src/main/java"), 0usize)];
    while let Some((current, depth)) = stack.pop() {
        for name in repo.list_dir(&current, |_, kind| kind.is_dir() || kind.is_file()) {
            let path = repo::join(&current, &name);
            if repo.is_file(&path) {
                if !name.ends_with(".java") || budget == 0 {
                    continue;
                }
                budget -= 1;
                let Ok(Some(text)) = repo.read_text(&path, repo::SOURCE_CAP) else {
                    continue;
                };
                if let Some((port, line)) =
                    facts::port_after_word(&text, &["inetsocketaddress(", "port ="])
                {
                    return Ok(Some((
                        port,
                        Evidence::line(path, line, format!("port {port}")),
                    )));
                }
            } else if depth < 12 {
                stack.push((path, depth + 1));
            }
        }
    }
    Ok(None)
}
