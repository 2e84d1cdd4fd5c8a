//! Which module the project's own deployment ships: a Dockerfile, compose file or manifest
//! that runs `java -jar NAME.jar` or a main class, copies `MODULE/target/NAME.jar` out of a
//! build stage, unpacks the module's distribution archive, or builds with `mvn -pl MODULE`. Evidence ranked below the user's settings and
//! above the rules that guess the product from the build alone.

use super::{Artefact, JavaFacts, Module};
use crate::deployed::{Deployed, Run, Source, base_name};
use crate::evidence::Evidence;
use crate::safe;

/// Jar names that say nothing about which module they came from (a Dockerfile renames the
/// jar it copies to one of these).
const GENERIC_JARS: &[&str] = &["app", "application", "service", "server", "main", "run"];

/// The module the deployment names, with the descriptor line that names it. The descriptors
/// are asked in order of authority: the Dockerfiles' commands (and the scripts they start),
/// the paths they copy out of build stages, their build commands, then the other descriptors'
/// commands. The first of these that names any runnable module decides: exactly one module is
/// the one shipped; several (a compose file running each service) are a tie it does not break.
pub fn module(facts: &JavaFacts, deployed: &Deployed) -> Option<(String, Evidence)> {
    let modules: Vec<&Module> = facts
        .modules
        .iter()
        .filter(|m| m.runnable.is_some() || !m.profiles.is_empty())
        .collect();
    let docker = |run: &&Run| matches!(run.source, Source::Dockerfile | Source::Script);
    let groups: [Vec<Said>; 4] = [
        deployed
            .runs
            .iter()
            .filter(docker)
            .map(|r| (r.argv.as_slice(), &r.evidence, "runs"))
            .collect(),
        deployed
            .shipped
            .iter()
            .map(|s| (std::slice::from_ref(&s.path), &s.evidence, "ships"))
            .collect(),
        deployed
            .builds
            .iter()
            .map(|b| (b.argv.as_slice(), &b.evidence, "builds"))
            .collect(),
        deployed
            .runs
            .iter()
            .filter(|r| !docker(r))
            .map(|r| (r.argv.as_slice(), &r.evidence, "runs"))
            .collect(),
    ];
    for group in groups {
        let mut named: Vec<(&Module, &Evidence, &str)> = Vec::new();
        for (words, evidence, verb) in group {
            for module in modules.iter().copied().filter(|m| {
                words.iter().enumerate().any(|(i, w)| names(m, words, i, w))
            }) {
                if !named.iter().any(|(seen, _, _)| seen.dir == module.dir) {
                    named.push((module, evidence, verb));
                }
            }
        }
        match named.as_slice() {
            [] => continue,
            [(one, evidence, verb)] => {
                safe::name(&one.manifest, "module", &one.name).ok()?;
                let mut evidence = (*evidence).clone();
                evidence.detail = format!("the deployment {verb} module {}", one.name);
                return Some((one.dir.clone(), evidence));
            }
            _ => return None,
        }
    }
    None
}

/// Words a descriptor says, where, and what it does with them.
type Said<'a> = (&'a [String], &'a Evidence, &'static str);

/// Whether the word at `index` of `words` names `module`: its jar or distribution archive
/// (version aside), its main class, its `target/` or `build/libs/` directory, or `-pl MODULE`.
pub(super) fn names(module: &Module, words: &[String], index: usize, word: &str) -> bool {
    if let Some(jar) = [".jar", ".tar.gz", ".tgz", ".zip"]
        .iter()
        .find_map(|ext| word.strip_suffix(ext))
    {
        let stem = unversioned(base_name(jar).trim_end_matches("-*"));
        if stem.is_empty() || GENERIC_JARS.contains(&stem.as_str()) || stem.contains('*') {
            return false;
        }
        return stem == module.name || jars(module).any(|own| own == stem);
    }
    if let Some(dir) = word
        .split_once("/target/")
        .or_else(|| word.split_once("/build/libs/"))
        .map(|(dir, _)| dir.trim_start_matches("./"))
    {
        return !module.dir.is_empty()
            && (dir == module.dir || dir.ends_with(&format!("/{}", module.dir)));
    }
    if index > 0 && matches!(words[index - 1].as_str(), "-pl" | "--projects") {
        return word
            .split(',')
            .any(|p| p == module.dir || p.trim_start_matches(':') == module.name);
    }
    main_classes(module).any(|class| class == word)
}

/// The names of the jars `module` builds, version aside.
fn jars(module: &Module) -> impl Iterator<Item = String> + '_ {
    module
        .runnable
        .iter()
        .chain(&module.profiles)
        .filter_map(|r| r.path.as_deref())
        .filter_map(|path| base_name(path).strip_suffix(".jar"))
        .map(unversioned)
}

/// The main classes `module` starts.
fn main_classes(module: &Module) -> impl Iterator<Item = &str> + '_ {
    module
        .runnable
        .iter()
        .chain(&module.profiles)
        .filter_map(|r| match &r.artefact {
            Artefact::Classpath { main_class } => Some(main_class.as_str()),
            _ => None,
        })
}

/// A jar's name without its version: `app-1.2.0-SNAPSHOT` is `app`.
fn unversioned(stem: &str) -> String {
    let cut = stem
        .match_indices('-')
        .find(|(at, _)| {
            stem[at + 1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
        .map_or(stem.len(), |(at, _)| at);
    stem[..cut].trim_end_matches("-SNAPSHOT").to_string()
}

#[cfg(test)]
mod tests {
    use super::unversioned;

    #[test]
    fn versions_come_off_jar_names() {
        assert_eq!(unversioned("mall-admin-1.0-SNAPSHOT"), "mall-admin");
        assert_eq!(unversioned("kafdrop"), "kafdrop");
        assert_eq!(unversioned("x-3"), "x");
    }
}
