//! Java: Maven and Gradle builds, their modules, the Java release they compile for, and the
//! runnable artefact each module's default build produces (Spring Boot jar, Quarkus fast-jar,
//! shaded or assembled jar, or a plain jar with a main class and its dependencies).

pub mod gradle;
pub mod maven;
pub mod plan;
pub mod readme;
pub mod shipped;
pub mod spring;
pub mod tree;
pub mod kind;
pub use kind::Kind;

use foldhash::{HashSet, HashSetExt};
use crate::evidence::Evidence;
use crate::facts::{self, DetectError, Fact, Signals};
use crate::repo::{self, Pending, Repo};
use crate::stacks::Detection;
use serde::Serialize;

/// Most modules a build may list; a reactor larger than this is refused, not walked (each
/// module is one small build file read once).
pub const MAX_MODULES: usize = 512;

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
    /// What a Spring Boot module's configuration says about where its server listens.
    pub spring: spring::Spring,
    /// The project's version, for the image's labels.
    pub about: crate::manifest::About,
    /// What other modules of the build call it by: `groupId:artifactId` (Maven), the
    /// project's directory (Gradle).
    pub key: String,
    /// Maven: the module is in the reactor only through a profile's `<modules>` (active by
    /// default), a variant of the build rather than what it always builds.
    pub by_profile: bool,
    /// Maven: the profile not active by default whose `<modules>` alone adds the module to
    /// the reactor (its build then names `-P ID`), with the line.
    pub added_by: Option<(String, Evidence)>,
    /// Keys of the build's modules this one depends on.
    pub depends: Vec<String>,
    /// Maven: its build assembles a distribution of its own (maven-assembly-plugin), so it is
    /// shipped by itself, not only inside a module that assembles the build.
    pub distributed: bool,
    /// Maven: the classes of other modules the start scripts of its distribution launch.
    pub launches: Vec<(String, Evidence)>,
    /// Maven: the jar its build writes (`target/FINALNAME.jar`).
    pub jar: Option<String>,
    /// Maven: the directory of the reactor that builds it when that is not the root's (a pom
    /// below the root inheriting from it that the root does not list), with why.
    pub reactor: Option<(String, Evidence)>,
}

/// Words that mark a module as a sample, example, demo, test or benchmark rather than the
/// application, as a whole directory name or one word of the module's name.
const NOT_PRODUCT: &[&str] = &[
    "sample",
    "samples",
    "example",
    "examples",
    "demo",
    "demos",
    "test",
    "tests",
    "testing",
    "benchmark",
    "benchmarks",
    "jmh",
];

impl Module {
    /// Whether the module is a sample, example, demo, test or benchmark: by a directory on its
    /// path, or a word of its name (split at `-`, `_`, `.`).
    pub fn is_sample(&self) -> bool {
        let words = |text: &str| {
            text.split(['-', '_', '.', '/'])
                .any(|word| NOT_PRODUCT.contains(&word.to_ascii_lowercase().as_str()))
        };
        words(&self.dir) || words(&self.name)
    }

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

/// The modules a build produces to be started (see [`JavaFacts::products`]).
#[derive(Debug, Clone)]
pub struct Products<'a> {
    pub modules: Vec<&'a Module>,
    /// The profile the products need when none was named, with why it is the one.
    pub profile: Option<(String, Evidence)>,
    /// Why the one module left was chosen among several, with the evidence.
    pub why: Option<(&'static str, Evidence)>,
}

/// The lower-case words of a module's name or directory, split at `-`, `_` and `.`.
fn words(text: &str) -> Vec<String> {
    text.split(['-', '_', '.'])
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
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
    /// The directory of the module the project's own deployment ships, with the descriptor
    /// line that says so (see [`shipped::module`]).
    pub deployed: Option<(String, Evidence)>,
    /// The directory of the module a root README starts with `java -jar`, with the line (see
    /// [`readme::module`]).
    pub documented: Option<(String, Evidence)>,
    /// Maven: the plugins only `<reporting>` names, which the dependency step leaves out.
    pub reports: Vec<(String, Evidence)>,
    /// Maven: the id of every profile the build's poms declare, sorted, for a profile the
    /// settings name that none declares.
    #[serde(skip)]
    pub profile_ids: Vec<String>,
}

impl JavaFacts {
    /// Modules that produce a runnable artefact with `profile` named.
    pub fn candidates(&self, profile: Option<&str>) -> Vec<&Module> {
        self.modules
            .iter()
            .filter(|m| m.runnable_with(profile).is_some())
            .collect()
    }

    /// The modules a build produces to be started, with `profile` named: the candidates that
    /// are not samples, examples, demos, tests or benchmarks (unless all are), of those the
    /// ones the build always lists over those a profile adds (unless all are); then the one
    /// that assembles the others, when exactly one does (see [`JavaFacts::assembler`]), else
    /// the project's server or the one module that starts it (see [`JavaFacts::server`]), else
    /// the one a root README starts (see [`readme::module`]), with the evidence for the choice.
    /// With no profile named, when every module the default build makes runnable is a sample
    /// or a test and the application modules become runnable under one profile only, the
    /// products are theirs under that profile (see [`JavaFacts::release_profile`]).
    pub fn products(&self, profile: Option<&str>) -> Products<'_> {
        let (profile, because) = match profile {
            Some(named) => (Some(named), None),
            None => match self.release_profile() {
                Some((id, evidence)) => (Some(id), Some((id.to_string(), evidence))),
                None => (None, None),
            },
        };
        let candidates = self.candidates(profile);
        let applications: Vec<&Module> = candidates
            .iter()
            .copied()
            .filter(|m| !m.is_sample())
            .collect();
        let chosen = if applications.is_empty() {
            candidates
        } else {
            applications
        };
        let listed: Vec<&Module> = chosen.iter().copied().filter(|m| !m.by_profile).collect();
        let chosen = if listed.is_empty() { chosen } else { listed };
        let mut products = Products {
            modules: chosen,
            profile: because,
            why: None,
        };
        if products.modules.len() < 2 {
            return products;
        }
        let picked = self
            .assembler(&products.modules)
            .map(|(one, evidence)| (one, "it assembles the build", evidence))
            .or_else(|| {
                self.server(&products.modules)
            })
            .or_else(|| {
                self.readme(&products.modules)
                    .map(|(one, evidence)| (one, "the README starts it", evidence))
            });
        if let Some((one, reason, evidence)) = picked {
            products.modules = vec![one];
            products.why = Some((reason, evidence));
        }
        products
    }

    /// The one profile under which the build's application modules produce something to run,
    /// when every module its default build makes runnable is a sample or a test (a mock server
    /// beside a server released through a profile), with the first such module's evidence.
    fn release_profile(&self) -> Option<(&str, Evidence)> {
        let defaults = self.candidates(None);
        if defaults.is_empty() || defaults.iter().any(|m| !m.is_sample()) {
            return None;
        }
        let found: Vec<(&Module, &Runnable)> = self
            .modules
            .iter()
            .filter(|m| !m.is_sample() && m.runnable.is_none())
            .flat_map(|m| m.profiles.iter().map(move |r| (m, r)))
            .collect();
        let (first, runnable) = found.first()?;
        let id = runnable.profile.as_deref()?;
        if found.iter().any(|(_, r)| r.profile.as_deref() != Some(id)) {
            return None;
        }
        let detail = format!(
            "{} is runnable under profile {id}; the default build's runnable modules ({}) are samples or tests",
            first.name,
            defaults
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        Some((id, Evidence::file(first.manifest.clone(), detail)))
    }

    /// Among several runnable modules, the one a root README starts with `java -jar`.
    fn readme<'a>(&self, chosen: &[&'a Module]) -> Option<(&'a Module, Evidence)> {
        let (dir, evidence) = self.documented.as_ref()?;
        let one = chosen.iter().find(|m| &m.dir == dir)?;
        Some((*one, evidence.clone()))
    }

    /// Among several runnable modules, the project's server: the only one named after the
    /// build's root module then `server` (`acme-server` in build `acme` or `acme-parent`), by
    /// its name or a directory on its path (`acme-server/acme-server-starter`); when no runnable
    /// module is so named, the one that starts a server library so named (see
    /// [`JavaFacts::server_launcher`]). With the reason in words.
    fn server<'a>(&self, chosen: &[&'a Module]) -> Option<(&'a Module, &'static str, Evidence)> {
        let root = self.modules.iter().find(|m| m.dir.is_empty())?;
        let mut project = words(&root.name);
        if project.len() > 1
            && project
                .last()
                .is_some_and(|w| ["parent", "root", "build", "all", "project"].contains(&w.as_str()))
        {
            project.pop();
        }
        project.push("server".to_string());
        let named = |m: &Module| {
            words(&m.name) == project || m.dir.split('/').any(|part| words(part) == project)
        };
        let servers: Vec<&&Module> = chosen.iter().filter(|m| named(m)).collect();
        match servers.as_slice() {
            [one] => {
                let detail = format!(
                    "named after the build's root module {} then server: the project's server",
                    root.name
                );
                let evidence = Evidence::file(one.manifest.clone(), detail);
                Some((**one, "it is the project's server", evidence))
            }
            [] => self
                .server_launcher(chosen, &named)
                .map(|(one, evidence)| (one, "it starts the project's server", evidence)),
            _ => None,
        }
    }

    /// Among several runnable modules, the one that starts the project's server when that
    /// server is a library module (named after the build's root module then `server`, building
    /// nothing runnable itself): the only runnable module that depends on it, directly or
    /// through other modules.
    fn server_launcher<'a>(
        &self,
        chosen: &[&'a Module],
        named: &dyn Fn(&Module) -> bool,
    ) -> Option<(&'a Module, Evidence)> {
        let libraries: Vec<&Module> = self
            .modules
            .iter()
            .filter(|m| named(m) && m.runnable.is_none() && m.profiles.is_empty())
            .filter(|m| m.hint.as_deref() != Some("packaging pom: an aggregator"))
            .collect();
        let [server] = libraries.as_slice() else {
            return None;
        };
        let launchers: Vec<&&Module> = chosen
            .iter()
            .filter(|m| self.reached(m).contains(&server.key))
            .collect();
        let [one] = launchers.as_slice() else {
            return None;
        };
        let detail = format!(
            "the only runnable module that depends on {}, the project's server (a library named after the build's root module then server)",
            server.name
        );
        Some((**one, Evidence::file(one.manifest.clone(), detail)))
    }

    /// Among several runnable modules, the one that assembles the build: the only one that
    /// depends (directly or through other modules) on every other, else the one that depends
    /// on at least twice as many of the build's modules as any other and ten more. None when it
    /// assembles no distribution while several of the others assemble their own: those are
    /// shipped by themselves and the bundle is a convenience.
    fn assembler<'a>(&self, chosen: &[&'a Module]) -> Option<(&'a Module, Evidence)> {
        let (one, evidence) = self.bundler(chosen)?;
        let distributed = chosen
            .iter()
            .filter(|m| m.key != one.key && m.distributed)
            .count();
        (one.distributed || distributed < 2).then_some((one, evidence))
    }

    /// The runnable module that depends on every other, or on far more of the build.
    fn bundler<'a>(&self, chosen: &[&'a Module]) -> Option<(&'a Module, Evidence)> {
        let reached: Vec<(&Module, HashSet<String>)> =
            chosen.iter().map(|m| (*m, self.reached(m))).collect();
        let all: Vec<&(&Module, HashSet<String>)> = reached
            .iter()
            .filter(|(m, set)| {
                chosen
                    .iter()
                    .all(|other| other.key == m.key || set.contains(&other.key))
            })
            .collect();
        if let [(one, _)] = all.as_slice() {
            let others: Vec<&str> = chosen
                .iter()
                .filter(|m| m.key != one.key)
                .map(|m| m.name.as_str())
                .collect();
            let detail = format!(
                "depends on the other runnable modules ({}): it assembles them",
                others.join(", ")
            );
            return Some((one, Evidence::file(one.manifest.clone(), detail)));
        }
        let mut sizes: Vec<(&Module, usize)> =
            reached.iter().map(|(m, set)| (*m, set.len())).collect();
        sizes.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
        let ((top, most), (next, second)) = (sizes[0], sizes[1]);
        (most >= 2 * second && most >= second + 10).then(|| {
            let detail = format!(
                "depends on {most} of the build's modules, at least twice as many as any other runnable module ({}: {second})",
                next.name
            );
            (top, Evidence::file(top.manifest.clone(), detail))
        })
    }

    /// The keys of the build's modules `module` depends on, directly or through others.
    fn reached(&self, module: &Module) -> HashSet<String> {
        let mut seen = HashSet::new();
        let mut stack: Vec<&str> = module.depends.iter().map(String::as_str).collect();
        while let Some(key) = stack.pop() {
            if !seen.insert(key.to_string()) {
                continue;
            }
            if let Some(next) = self.modules.iter().find(|m| m.key == key) {
                stack.extend(next.depends.iter().map(String::as_str));
            }
        }
        seen
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

/// Runs Java detection on `root`, with what the project's own deployment ships.
pub fn detect(repo: &Repo, deployed: &Pending<'_, crate::deployed::Deployed>) -> Detection {
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
        Ok(mut facts) => {
            facts.deployed = shipped::module(&facts, deployed.get());
            facts.documented = readme::module(repo, &facts);
            Detection::Found {
                facts: Box::new(super::Facts::Java(Box::new(facts))),
            }
        }
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

/// Most start scripts read from a module's `src/main/bin`.
const SCRIPTS_READ: usize = 8;

/// The fully qualified class names a module's start scripts launch, in order, each with the
/// script's file and line: the scripts of its `src/main/bin` and of the directories `bins`
/// (those its distribution assembly copies to `bin/`), which a distribution ships.
pub fn script_classes(
    repo: &Repo,
    dir: &str,
    bins: &[String],
) -> Result<Vec<(String, Evidence)>, DetectError> {
    let mut found = Vec::new();
    let own = repo::join(dir, "src/main/bin");
    for bin in std::iter::once(&own).chain(bins) {
        let mut scripts =
            repo.list_dir(bin, |name, kind| kind.is_file() && name.ends_with(".sh"));
        scripts.sort();
        for name in scripts.into_iter().take(SCRIPTS_READ) {
            let file = repo::join(bin, &name);
            let Some(text) = repo.read_text(&file, repo::SOURCE_CAP)? else {
                continue;
            };
            for (index, line) in text.lines().enumerate() {
                if line.trim_start().starts_with('#') {
                    continue;
                }
                for word in line.split_whitespace() {
                    let word = word.trim_matches(['"', '\'', ';']);
                    if is_class_name(word) {
                        found.push((
                            word.to_string(),
                            Evidence::line(file.clone(), index + 1, format!("{name} starts {word}")),
                        ));
                    }
                }
            }
        }
    }
    Ok(found)
}

/// Whether the module in `dir` holds the source of `class` (`src/main/java/...`).
pub fn holds_class(repo: &Repo, dir: &str, class: &str) -> Result<bool, DetectError> {
    let source = format!("src/main/java/{}.java", class.replace('.', "/"));
    Ok(repo.has_file(&repo::join(dir, &source))?)
}

/// Whether `word` is a fully qualified class name: lower-case package segments, then a class
/// starting with a capital.
fn is_class_name(word: &str) -> bool {
    let parts: Vec<&str> = word.split('.').collect();
    let identifier = |part: &str| {
        !part.is_empty()
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !part.starts_with(|c: char| c.is_ascii_digit())
    };
    parts.len() >= 2
        && parts.iter().all(|part| identifier(part))
        && parts[..parts.len() - 1]
            .iter()
            .all(|part| part.starts_with(|c: char| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].starts_with(|c: char| c.is_ascii_uppercase())
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

/// The server port from Spring or Quarkus configuration, or from the Java sources of a plain
/// server (`new InetSocketAddress(8080)`), searched in a bounded number of files: the walk
/// ends once that many are read.
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
            if budget == 0 {
                return Ok(None);
            }
            let path = repo::join(&current, &name);
            if repo.is_file(&path) {
                if !name.ends_with(".java") {
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
