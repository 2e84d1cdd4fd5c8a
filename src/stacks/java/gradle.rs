//! Gradle: settings.gradle(.kts) and build.gradle(.kts) read line by line (the scripts are
//! programs, so shiplight reads only the declarations it knows: plugins, toolchain, main class,
//! included projects), and the runnable artefact each project's plugins produce.

use super::{Artefact, JavaFacts, MAX_MODULES, Module, Runnable, Tool};
use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::repo::MANIFEST_CAP;
use crate::repo::{self, Repo};
use crate::safe;

/// Files whose presence at the root makes a Gradle build.
pub const BUILD_FILES: &[&str] = &[
    "settings.gradle.kts",
    "settings.gradle",
    "build.gradle.kts",
    "build.gradle",
];

/// Every string literal on a line, single- or double-quoted.
fn quoted(line: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find(['"', '\'']) {
        let quote = rest[start..].chars().next().expect("found a quote");
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        found.push(&after[..end]);
        rest = &after[end + 1..];
    }
    found
}

/// The line without a trailing `//` comment.
fn code(line: &str) -> &str {
    let code = memchr::memmem::find(line.as_bytes(), b"//").map_or(line, |at| &line[..at]);
    code.trim()
}

/// The first text for which `find` answers, with its 1-based line.
fn find_line<T>(text: &str, find: impl Fn(&str) -> Option<T>) -> Option<(T, usize)> {
    text.lines()
        .enumerate()
        .find_map(|(index, line)| find(code(line)).map(|value| (value, index + 1)))
}

/// The line that applies one of the plugins `ids` to the project (a declaration ending in
/// `apply false` only puts it on the build's classpath for other projects).
fn plugin_line(text: &str, ids: &[&str]) -> Option<(String, usize)> {
    find_line(text, |line| {
        let applies = line.starts_with("id")
            || line.starts_with("apply")
            || line.starts_with("alias")
            || line.starts_with('`');
        if !applies || line.replace(char::is_whitespace, "").ends_with("applyfalse") {
            return None;
        }
        let literals = quoted(line);
        let named = ids.iter().any(|id| literals.contains(id))
            || (line.starts_with("alias") && ids.iter().any(|id| alias_matches(line, id)));
        named.then(|| line.to_string())
    })
}

/// `alias(libs.plugins.spring.boot)` names org.springframework.boot through the version catalog.
fn alias_matches(line: &str, id: &str) -> bool {
    let last = id.rsplit('.').next().unwrap_or(id);
    let line = line.to_ascii_lowercase();
    line.contains(last) && (last != "boot" || line.contains("spring"))
}

fn version_after(line: &str) -> Option<String> {
    let (_, rest) = line.split_once("version")?;
    quoted(rest).first().map(|v| v.to_string())
}

/// Reads the settings file, then the build file of the root and of every included project.
pub fn read(repo: &Repo) -> Result<JavaFacts, DetectError> {
    let settings = SettingsFile::read(repo)?;
    let settings_file = settings.file;
    let mut build_files: Vec<String> = settings_file.iter().map(|f| f.to_string()).collect();
    let mut modules = Vec::new();
    let mut kotlin = settings_file.is_some_and(|f| f.ends_with(".kts"));
    for dir in &settings.dirs {
        let Some(file) = build_file(repo, dir, settings.named_build_files)? else {
            continue;
        };
        kotlin |= file.ends_with(".kts");
        let text = repo.read_text(&file, MANIFEST_CAP)?.unwrap_or_default();
        build_files.push(file.clone());
        let name = if dir.is_empty() {
            settings
                .root_name
                .clone()
                .unwrap_or_else(|| "app".to_string())
        } else {
            dir.rsplit('/').next().unwrap_or(dir).to_string()
        };
        modules.push(project(repo, dir, &name, &file, &text)?);
    }
    if modules.is_empty() {
        return Err(DetectError::Broken {
            file: settings_file.unwrap_or("settings.gradle").to_string(),
            line: None,
            cause: "no build.gradle or build.gradle.kts in the root or the included projects"
                .to_string(),
        });
    }
    if let Some(root_release) = modules.first().and_then(|m| m.release.clone()) {
        for module in modules.iter_mut().skip(1) {
            module.release.get_or_insert_with(|| root_release.clone());
        }
    }
    if repo.has_file("gradle.properties")? {
        build_files.push("gradle.properties".to_string());
    }
    let wrapper = super::wrapper(repo, "gradlew", "gradle/wrapper/gradle-wrapper.properties")?;
    if let Some((script, _)) = &wrapper {
        build_files.insert(0, script.clone());
    }
    let build_dirs = repo.list_dir("", |name, kind| {
        kind.is_dir() && (name == "gradle" || name == "buildSrc")
    });
    let first = build_files
        .iter()
        .find(|f| f.contains("gradle"))
        .cloned()
        .unwrap_or_default();
    Ok(JavaFacts {
        tool: Tool::Gradle,
        tool_evidence: Evidence::file(
            first,
            if kotlin {
                "Gradle (Kotlin DSL)"
            } else {
                "Gradle (Groovy DSL)"
            },
        ),
        wrapper,
        build_files,
        build_dirs,
        modules,
        deployed: None,
        documented: None,
        reports: Vec::new(),
        profile_ids: Vec::new(),
    })
}

/// What the settings file declares: which one it is, the root project's name, and the
/// directories of the root and every included project.
struct SettingsFile {
    file: Option<&'static str>,
    root_name: Option<String>,
    dirs: Vec<String>,
    /// The settings set a project's `buildFileName`: an included project's build file may be
    /// named after it (`zap/zap.gradle.kts`).
    named_build_files: bool,
}

impl SettingsFile {
    /// Reads settings.gradle(.kts) if there is one; without it the build is the root alone.
    fn read(repo: &Repo) -> Result<SettingsFile, DetectError> {
        let mut settings = SettingsFile {
            file: None,
            root_name: None,
            dirs: vec![String::new()],
            named_build_files: false,
        };
        for file in ["settings.gradle.kts", "settings.gradle"] {
            if repo.has_file(file)? {
                settings.file = Some(file);
                break;
            }
        }
        let Some(file) = settings.file else {
            return Ok(settings);
        };
        let text = repo.read_text(file, MANIFEST_CAP)?.unwrap_or_default();
        for (index, line) in text.lines().enumerate() {
            let line = code(line);
            if line.starts_with("rootProject.name") {
                settings.root_name = quoted(line).first().map(|n| n.to_string());
            }
            if line.contains("buildFileName") {
                settings.named_build_files = true;
            }
            if !line.starts_with("include") || line.starts_with("includeBuild") {
                continue;
            }
            for project in quoted(line) {
                settings.include(file, index + 1, project)?;
            }
        }
        Ok(settings)
    }

    /// Adds the directory of the project `include` names at `line`, once, within the bound.
    fn include(&mut self, file: &str, line: usize, project: &str) -> Result<(), DetectError> {
        let dir = project.trim_start_matches(':').replace(':', "/");
        let dir = safe::relative_path(file, "include", &dir).map_err(|e| e.at_line(Some(line)))?;
        if self.dirs.len() >= MAX_MODULES {
            return Err(DetectError::Broken {
                file: file.to_string(),
                line: Some(line),
                cause: format!("more than {MAX_MODULES} projects; shiplight does not walk them"),
            });
        }
        if !self.dirs.contains(&dir) {
            self.dirs.push(dir);
        }
        Ok(())
    }
}

/// The build file of the project in `dir`: build.gradle.kts, else build.gradle, else (when
/// the settings rename build files, `named`) one named after the project's directory
/// (`zap/zap.gradle.kts`), else none.
fn build_file(repo: &Repo, dir: &str, named: bool) -> Result<Option<String>, DetectError> {
    let project = dir.rsplit('/').next().unwrap_or(dir);
    let own = [format!("{project}.gradle.kts"), format!("{project}.gradle")];
    let renamed = own.iter().filter(|_| named && !dir.is_empty());
    for name in ["build.gradle.kts", "build.gradle"]
        .into_iter()
        .chain(renamed.map(String::as_str))
    {
        let file = repo::join(dir, name);
        if repo.has_file(&file)? {
            return Ok(Some(file));
        }
    }
    Ok(None)
}

/// The module of the project in `dir`: its release, runnable artefact, port and health check,
/// or why it builds nothing runnable.
fn project(
    repo: &Repo,
    dir: &str,
    name: &str,
    file: &str,
    text: &str,
) -> Result<Module, DetectError> {
    let mut module = Module {
        dir: dir.to_string(),
        name: safe::name(file, "project name", name)?,
        manifest: file.to_string(),
        release: release(file, text),
        runnable: None,
        profiles: Vec::new(),
        hint: None,
        port: None,
        health: None,
        spring: Default::default(),
        key: dir.to_string(),
        by_profile: false,
        added_by: None,
        depends: Vec::new(),
        distributed: false,
        launches: Vec::new(),
        jar: None,
        reactor: None,
        about: crate::manifest::About::default(),
    };
    module.depends = project_dependencies(text);
    if let Some((_, at)) = plugin_line(text, &["java-platform"]) {
        module.hint = Some(format!(
            "{file}:{at}: a java-platform project is a BOM: it constrains versions and builds nothing that runs"
        ));
        return Ok(module);
    }
    match artefact(file, text, &mut module.hint)? {
        Some((artefact, at, plugin)) => {
            let framework = matches!(artefact, Artefact::SpringBoot { .. } | Artefact::Quarkus);
            let path = (plugin == MANIFEST).then(|| RUNTIME_LIBS.to_string());
            module.port = super::port(repo, dir, framework)?;
            module.health = super::health(repo, &module.manifest)?;
            if matches!(artefact, Artefact::SpringBoot { .. }) {
                module.spring = super::spring::read(repo, dir)?;
            }
            module.runnable = Some(Runnable {
                artefact,
                evidence: Evidence::line(
                    file,
                    at,
                    if plugin == MANIFEST {
                        plugin.to_string()
                    } else {
                        format!("plugin {plugin}")
                    },
                ),
                path,
                profile: None,
            });
        }
        None => {
            module.hint.get_or_insert_with(|| {
                "no runnable artefact: apply the Spring Boot, Quarkus, shadow or application plugin, or name a Main-Class in the jar task's manifest".to_string()
            });
        }
    }
    Ok(module)
}

/// The directories of the build's projects a build file names with `project(":path")`.
fn project_dependencies(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for line in text.lines().map(code) {
        for (_, after) in line.match_indices("project(").map(|(at, _)| line.split_at(at)) {
            if let Some(path) = quoted(after).first().filter(|p| p.starts_with(':')) {
                let dir = path.trim_start_matches(':').replace(':', "/");
                if !found.contains(&dir) {
                    found.push(dir);
                }
            }
        }
    }
    found
}

/// The Java release the build file sets: the toolchain's language version, jvmToolchain,
/// sourceCompatibility or options.release, whichever comes first.
fn release(file: &str, text: &str) -> Option<(u32, Evidence)> {
    find_line(text, |line| {
        let after = [
            "JavaLanguageVersion.of(",
            "jvmToolchain(",
            "sourceCompatibility",
            "options.release",
        ]
        .iter()
        .find_map(|key| line.find(key).map(|at| &line[at + key.len()..]))?;
        let value = after
            .trim_start_matches([' ', '=', '('])
            .trim_end_matches(')');
        let value = value.strip_prefix("set(").unwrap_or(value);
        super::parse_release(value.trim_end_matches(')'))
    })
    .map(|(release, line)| {
        (
            release,
            Evidence::line(file, line, format!("Java {release}")),
        )
    })
}

/// The runnable artefact the build file's plugins produce, with the plugin's line and name:
/// Spring Boot, Quarkus, shadow, or the application plugin with a mainClass (without one,
/// `hint` says so).
fn artefact(
    file: &str,
    text: &str,
    hint: &mut Option<String>,
) -> Result<Option<(Artefact, usize, &'static str)>, DetectError> {
    let main_class = find_line(text, |line| {
        if !line.starts_with("mainClass") {
            return None;
        }
        quoted(line).first().map(|v| v.to_string())
    });
    Ok(
        if let Some((line, at)) = plugin_line(text, &["org.springframework.boot"]) {
            let version = version_after(&line)
                .map(|v| {
                    safe::version(file, "Spring Boot plugin version", &v)
                        .map_err(|e| e.at_line(Some(at)))
                })
                .transpose()?;
            let layered = version.as_deref().is_some_and(super::boot_layered);
            Some((
                Artefact::SpringBoot { version, layered },
                at,
                "org.springframework.boot",
            ))
        } else if let Some((_, at)) = plugin_line(text, &["io.quarkus"]) {
            Some((Artefact::Quarkus, at, "io.quarkus"))
        } else if let Some((_, at)) = plugin_line(
            text,
            &["com.gradleup.shadow", "com.github.johnrengelman.shadow"],
        ) {
            Some((Artefact::FatJar, at, "shadow"))
        } else if let Some((_, at)) = find_line(text, |line| {
            (line == "application"
                || line == "`application`"
                || (line.starts_with("id") || line.starts_with("apply"))
                    && quoted(line).contains(&"application"))
            .then_some(())
        }) {
            match &main_class {
                Some((main, main_at)) => {
                    let main_class = safe::argument(file, "mainClass", main)
                        .map_err(|e| e.at_line(Some(*main_at)))?;
                    Some((Artefact::Classpath { main_class }, at, "application"))
                }
                None => {
                    *hint = Some(format!(
                        "{file}:{at}: the application plugin without a mainClass; set application {{ mainClass = \"...\" }}"
                    ));
                    None
                }
            }
        } else if let Some((main, at)) = manifest_main(text) {
            let main_class =
                safe::argument(file, "Main-Class", &main).map_err(|e| e.at_line(Some(at)))?;
            Some((Artefact::Classpath { main_class }, at, MANIFEST))
        } else {
            None
        },
    )
}

/// What a jar whose manifest names its main class is started by, in the evidence.
const MANIFEST: &str = "the jar's manifest names its Main-Class";

/// Where the build puts such a jar and its runtime libraries (a task the Dockerfile adds with
/// an init script), under the project's directory.
pub const RUNTIME_LIBS: &str = "build/runtime-libs";

/// Blocks of a build file that configure other projects than its own.
const OTHER_PROJECTS: &[&str] = &["project(", "subprojects", "allprojects", "configure("];

/// The class a jar task's manifest names (`"Main-Class" to "org.acme.Main"`,
/// `'Main-Class': 'org.acme.Main'`), with its line: the literal after `Main-Class` on the line,
/// outside the blocks that configure other projects (`project(':bench') { ... }`).
fn manifest_main(text: &str) -> Option<(String, usize)> {
    let mut blocks: Vec<bool> = Vec::new();
    text.lines().enumerate().find_map(|(index, line)| {
        let line = code(line);
        let other = OTHER_PROJECTS.iter().any(|p| line.starts_with(p));
        let outside = !blocks.iter().any(|b| *b);
        for (at, c) in line.char_indices() {
            match c {
                '{' => blocks.push(other && !line[..at].contains('{')),
                '}' => {
                    blocks.pop();
                }
                _ => {}
            }
        }
        if !outside {
            return None;
        }
        let literals = quoted(line);
        let at = literals.iter().position(|l| *l == "Main-Class")?;
        let main = literals.get(at + 1)?;
        let class = !main.is_empty()
            && main.split('.').all(|part| {
                part.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
        class.then(|| (main.to_string(), index + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::manifest_main;

    #[test]
    fn manifest_main_class_of_this_project_only() {
        let own = "tasks.named<Jar>(\"jar\") {\n    manifest {\n        attributes(\"Main-Class\" to \"org.acme.Main\")\n    }\n}\n";
        assert_eq!(manifest_main(own), Some(("org.acme.Main".to_string(), 3)));
        let groovy = "jar {\n  manifest {\n    attributes 'Main-Class': 'org.acme.Tool'\n  }\n}\n";
        assert_eq!(manifest_main(groovy), Some(("org.acme.Tool".to_string(), 3)));
        let other = "project(':bench') {\n  jar {\n    manifest {\n      attributes \"Main-Class\": \"org.openjdk.jmh.Main\"\n    }\n  }\n}\n";
        assert_eq!(manifest_main(other), None);
        assert_eq!(manifest_main("attributes(\"Main-Class\" to \"${main}\")"), None);
    }
}
