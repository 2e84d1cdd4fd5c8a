//! Programs a project runs without a web framework's object or a console script: a top-level
//! script with an `if __name__ == "__main__":` block (in the project directory or its `src/`),
//! and a package run as a module (`python -m pkg`) because it holds `__main__.py`. Among
//! several scripts, the one the README or the project's own shell scripts run
//! (`python3 ./app.py`) wins, then the one named after the project, then a package with
//! `__main__.py`; the only script comes after the conventional names (main.py, app.py).

use super::project::{Project, normalize};
use crate::evidence::Evidence;
use crate::repo::{self, MANIFEST_CAP, Repo, SOURCE_CAP};

/// What the interpreter runs: a script relative to the project directory, or a module.
pub enum Program {
    File(String),
    Module(String),
}

/// A program chosen, with the directory added to the path, the evidence and the port its
/// source names.
pub struct Chosen {
    pub program: Program,
    pub source_dir: Option<String>,
    pub evidence: Evidence,
    pub port: Option<(u16, Evidence)>,
}

/// How many top-level `.py` files are opened to look for a `__main__` block.
const SCRIPTS_READ: usize = 32;

/// A top-level script with a `__main__` block: its path relative to the project directory,
/// the line of the block and its text.
pub struct Candidate {
    rel: String,
    line: usize,
    text: String,
}

/// The script the project runs, if one of its top-level scripts is chosen by a run command or
/// by the project's name; else the package run as a module.
pub fn find(repo: &Repo, project: &Project, candidates: &[Candidate]) -> Option<Chosen> {
    run_by_the_project(repo, project, candidates).or_else(|| by_name(repo, project, candidates))
}

/// The top-level script with a `__main__` block that the README or a shell script of the
/// project runs with `python FILE`.
pub fn run_by_the_project(
    repo: &Repo,
    project: &Project,
    candidates: &[Candidate],
) -> Option<Chosen> {
    if candidates.is_empty() {
        return None;
    }
    let mentions = run_mentions(repo, &project.dir);
    let (candidate, source) = mentions
        .iter()
        .find_map(|(path, source)| mentioned(candidates, path).map(|c| (c, source)))?;
    Some(script(
        project,
        candidate,
        format!("has a __main__ block; {source} runs it"),
    ))
}

/// The script named after the project, else the package with `__main__.py`.
fn by_name(repo: &Repo, project: &Project, candidates: &[Candidate]) -> Option<Chosen> {
    let name = project.name.as_deref().map(normalize);
    if let Some(candidate) = candidates
        .iter()
        .find(|c| name.is_some() && Some(normalize(stem(&c.rel))) == name)
    {
        return Some(script(
            project,
            candidate,
            "has a __main__ block and is named after the project".to_string(),
        ));
    }
    main_package(repo, project)
}

/// The only top-level script with a `__main__` block, of a project that is not an installable
/// package (beside a package, a lone script is tooling).
pub fn only(project: &Project, candidates: &[Candidate]) -> Option<Chosen> {
    match candidates {
        [only] if !project.build_system => Some(script(
            project,
            only,
            "the only top-level script with a __main__ block".to_string(),
        )),
        _ => None,
    }
}

/// The top-level scripts with a `__main__` block, in the project directory then its `src/`;
/// setup and test files are tooling, not the application.
pub fn candidates(repo: &Repo, project: &Project) -> Vec<Candidate> {
    let mut found = Vec::new();
    let mut read = 0;
    for base in ["", "src"] {
        let dir = repo::join(&project.dir, base);
        for name in repo.list_dir(&dir, |name, kind| kind.is_file() && name.ends_with(".py")) {
            if tooling(&name) || read >= SCRIPTS_READ {
                continue;
            }
            read += 1;
            let Ok(Some(text)) = repo.read_text(&repo::join(&dir, &name), SOURCE_CAP) else {
                continue;
            };
            if let Some(line) = main_block(&text) {
                found.push(Candidate {
                    rel: repo::join(base, &name),
                    line,
                    text,
                });
            }
        }
    }
    found
}

/// Files that set up, test or manage a project rather than run it.
fn tooling(name: &str) -> bool {
    let stem = stem(name).to_ascii_lowercase();
    matches!(
        stem.as_str(),
        "setup" | "manage" | "conftest" | "noxfile" | "__init__" | "__main__"
    ) || stem.starts_with("test")
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
}

/// The line of `if __name__ == "__main__":` at the start of a line.
fn main_block(text: &str) -> Option<usize> {
    text.lines()
        .position(|line| line.starts_with("if __name__") && line.contains("__main__"))
        .map(|index| index + 1)
}

/// The file name without directories and without `.py`.
fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".py").unwrap_or(name)
}

/// The candidate a run command's path names: the same relative path, or a path that ends with
/// it after a directory (`$install_dir/tool.py`, `/app/tool.py`).
fn mentioned<'a>(candidates: &'a [Candidate], path: &str) -> Option<&'a Candidate> {
    let path = path.trim_start_matches("./");
    candidates.iter().find(|c| c.rel == path).or_else(|| {
        candidates
            .iter()
            .find(|c| !c.rel.contains('/') && path.ends_with(&format!("/{}", c.rel)))
    })
}

/// The `.py` files `python FILE` runs in the README and the project's shell scripts, in
/// order, each with the file and line that runs it.
fn run_mentions(repo: &Repo, dir: &str) -> Vec<(String, String)> {
    let files = repo.list_dir(dir, |name, kind| {
        let lower = name.to_ascii_lowercase();
        kind.is_file() && (lower.starts_with("readme") || lower.ends_with(".sh"))
    });
    let (readmes, shells): (Vec<String>, Vec<String>) = files
        .into_iter()
        .partition(|name| name.to_ascii_lowercase().starts_with("readme"));
    let mut mentions = Vec::new();
    for name in readmes.iter().chain(&shells) {
        let file = repo::join(dir, name);
        let Ok(Some(text)) = repo.read_text(&file, MANIFEST_CAP) else {
            continue;
        };
        for (index, line) in text.lines().enumerate() {
            if let Some(path) = python_runs(line) {
                mentions.push((path, format!("{file}:{}", index + 1)));
            }
        }
    }
    mentions
}

/// The script a `python [-flags] FILE.py` command on this line runs: only a line that holds
/// `py` can name one.
fn python_runs(line: &str) -> Option<String> {
    memchr::memmem::find(line.as_bytes(), b"py")?;
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || matches!(c, '`' | '"' | '\'' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().find_map(|(index, word)| {
        let program = word.rsplit('/').next().unwrap_or(word);
        let python = program == "python"
            || program == "py"
            || program
                .strip_prefix("python")
                .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'));
        if !python {
            return None;
        }
        let file = words[index + 1..].iter().find(|w| !w.starts_with('-'))?;
        (file.ends_with(".py") && !file.contains("..")).then(|| file.to_string())
    })
}

/// The entry that runs `candidate` with the interpreter.
fn script(project: &Project, candidate: &Candidate, why: String) -> Chosen {
    let file = repo::join(&project.dir, &candidate.rel);
    let port = crate::facts::port_after_word(&candidate.text, &["port"])
        .map(|(port, line)| (port, Evidence::line(&file, line, format!("port {port}"))));
    Chosen {
        program: Program::File(candidate.rel.clone()),
        source_dir: None,
        evidence: Evidence::line(&file, candidate.line, why),
        port,
    }
}

/// A package holding `__main__.py` (in the project directory or its `src/`), run as
/// `python -m pkg`: the one named after the project, else the only one.
fn main_package(repo: &Repo, project: &Project) -> Option<Chosen> {
    let mut packages = Vec::new();
    for base in ["", "src"] {
        let dir = repo::join(&project.dir, base);
        for name in repo.list_dir(&dir, |name, kind| kind.is_dir() && identifier(name)) {
            let main = repo::join(&repo::join(&dir, &name), "__main__.py");
            if repo.is_file(&main) {
                packages.push((name, base, main));
            }
        }
    }
    let import_name = project
        .name
        .as_deref()
        .map(|n| normalize(n).replace('-', "_"));
    let (chosen, why) = match packages
        .iter()
        .find(|(name, _, _)| Some(name.to_ascii_lowercase()) == import_name)
    {
        Some(found) => (
            found,
            "the package named after the project holds __main__.py",
        ),
        None if packages.len() == 1 => (&packages[0], "the only package holding __main__.py"),
        None => return None,
    };
    let (name, base, main) = chosen;
    Some(Chosen {
        program: Program::Module(name.clone()),
        source_dir: (!base.is_empty()).then(|| base.to_string()),
        evidence: Evidence::file(main, why),
        port: None,
    })
}

/// A Python identifier (ASCII), as a package directory's name must be to be imported.
fn identifier(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_commands_name_their_script() {
        assert_eq!(
            python_runs("    python3 ./sf.py -l 127.0.0.1:5001").as_deref(),
            Some("./sf.py")
        );
        assert_eq!(
            python_runs("echo \"python3 $dir/tool.py \\$@\" >> tool.sh").as_deref(),
            Some("$dir/tool.py")
        );
        assert_eq!(
            python_runs("`python -u src/server.py`").as_deref(),
            Some("src/server.py")
        );
        assert_eq!(python_runs("python -m pip install x"), None);
        assert_eq!(python_runs("pip install python-dotenv"), None);
        assert_eq!(python_runs("python ../escape.py"), None);
    }

    #[test]
    fn main_blocks_and_tooling() {
        assert_eq!(
            main_block("import x\n\nif __name__ == '__main__':\n    x()\n"),
            Some(3)
        );
        assert_eq!(
            main_block("def f():\n    if __name__ == '__main__': pass\n"),
            None
        );
        assert!(tooling("setup.py") && tooling("test_app.py") && tooling("tests.py"));
        assert!(!tooling("server.py"));
    }
}
