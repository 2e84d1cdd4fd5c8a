//! Which module the project's README starts: a `java -jar NAME.jar` line in a README at the
//! root naming the jar of one runnable module. Documentation, so it only settles a tie the
//! build itself leaves (see [`super::JavaFacts::products`]).

use super::{JavaFacts, Module};
use crate::evidence::Evidence;
use crate::repo::{MANIFEST_CAP, Repo};

/// Most README files read at the root.
const READMES: usize = 4;

/// The directory of the one runnable module whose jar a root README runs with `java -jar`,
/// with the line that runs it; `None` when the READMEs run no module's jar, or several.
pub fn module(repo: &Repo, facts: &JavaFacts) -> Option<(String, Evidence)> {
    let modules: Vec<&Module> = facts
        .modules
        .iter()
        .filter(|m| m.runnable.is_some() || !m.profiles.is_empty())
        .collect();
    if modules.len() < 2 {
        return None;
    }
    let mut files = repo.list_dir("", |name, kind| {
        kind.is_file() && name.to_ascii_lowercase().starts_with("readme")
    });
    files.sort();
    let mut found: Option<(&Module, Evidence)> = None;
    for file in files.into_iter().take(READMES) {
        let Ok(Some(text)) = repo.read_text(&file, MANIFEST_CAP) else {
            continue;
        };
        for (index, line) in text.lines().enumerate() {
            let Some(jar) = java_jar(line) else {
                continue;
            };
            let words = ["-jar".to_string(), jar.clone()];
            let named: Vec<&&Module> = modules
                .iter()
                .filter(|m| super::shipped::names(m, &words, 1, &jar))
                .collect();
            let [one] = named.as_slice() else {
                continue;
            };
            match &found {
                Some((seen, _)) if seen.dir != one.dir => return None,
                Some(_) => {}
                None => {
                    let detail = format!("the README starts {jar} with java -jar: module {}", one.name);
                    found = Some((one, Evidence::line(file.clone(), index + 1, detail)));
                }
            }
        }
    }
    found.map(|(module, evidence)| (module.dir.clone(), evidence))
}

/// The jar a `java [options] -jar FILE.jar` command on this line runs.
fn java_jar(line: &str) -> Option<String> {
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || matches!(c, '`' | '"' | '\'' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .collect();
    let java = words
        .iter()
        .position(|w| w.rsplit('/').next() == Some("java"))?;
    let jar = words[java + 1..].iter().position(|w| *w == "-jar")? + java + 1;
    let file = words.get(jar + 1)?;
    (file.ends_with(".jar") && !file.contains("..") && !file.contains('$'))
        .then(|| file.to_string())
}

#[cfg(test)]
mod tests {
    use super::java_jar;

    #[test]
    fn java_jar_commands() {
        assert_eq!(java_jar("java -jar arthas-boot.jar").as_deref(), Some("arthas-boot.jar"));
        assert_eq!(
            java_jar("$ `java -Xmx1g -jar target/app-1.0.jar --port 80`").as_deref(),
            Some("target/app-1.0.jar")
        );
        assert_eq!(java_jar("curl -O https://example.com/arthas-boot.jar"), None);
        assert_eq!(java_jar("java -jar $JAR.jar"), None);
    }
}
