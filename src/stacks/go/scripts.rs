//! What a project's own build scripts say about its main packages: the name `go build -o`
//! gives one, the packages only `go run` starts (generators and other dev tools), and the
//! packages the Makefile's default target builds. Reads a bounded set of small files (the
//! Makefile, shell scripts at the root and in scripts/, CI workflows), each once; never more.

use crate::evidence::Evidence;
use crate::repo::Repo;
use crate::stacks::makefile::{self, joined_lines, substitute};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Most script files read.
const FILE_LIMIT: usize = 24;
/// Most bytes read of one script.
const SCRIPT_CAP: u64 = 256 << 10;

/// What the scripts say, by package path without `./` (`""` for the module root).
#[derive(Debug, Default, Clone)]
pub struct Scripts {
    /// The binary name `go build -o` gives a package, first seen first.
    pub outputs: BTreeMap<String, (String, Evidence)>,
    /// Packages started with `go run`.
    pub runs: BTreeMap<String, Evidence>,
    /// Packages the Makefile's default target names.
    pub default_target: Vec<(String, Evidence)>,
}

/// Reads the build scripts of the project.
pub fn read(repo: &Repo) -> Scripts {
    let mut scripts = Scripts::default();
    let files = script_files(repo);
    repo.read_heads(&files, SCRIPT_CAP);
    for file in files {
        let Ok(Some((text, _))) = repo.read_head(&file, SCRIPT_CAP) else {
            continue;
        };
        let is_make = file.ends_with("Makefile") || file.ends_with(".mk");
        let vars = if is_make {
            makefile::variables(&text)
        } else {
            BTreeMap::new()
        };
        for (index, line) in joined_lines(&text) {
            let line = substitute(&line, &vars);
            scripts.line(&file, index, &line);
        }
        if file == "Makefile" {
            scripts.default_target = default_target(&file, &text, &vars);
        }
    }
    scripts
}

/// The files read, in order: Makefiles, shell scripts at the root and in scripts/, then CI
/// workflows; at most [`FILE_LIMIT`].
fn script_files(repo: &Repo) -> Vec<String> {
    let mut files: Vec<String> = ["Makefile", "GNUmakefile"]
        .iter()
        .filter(|name| repo.exists(name))
        .map(|name| name.to_string())
        .collect();
    let shell = |name: &str, kind: &crate::repo::Kind| kind.is_file() && name.ends_with(".sh");
    files.extend(repo.list_dir("", shell));
    for dir in ["scripts", "script", ".github/workflows"] {
        let keep = |name: &str, kind: &crate::repo::Kind| {
            kind.is_file()
                && [".sh", ".yml", ".yaml", ".mk"]
                    .iter()
                    .any(|ext| name.ends_with(ext))
        };
        files.extend(
            repo.list_dir(dir, keep)
                .into_iter()
                .map(|name| crate::repo::join(dir, &name)),
        );
    }
    files.truncate(FILE_LIMIT);
    files
}

impl Scripts {
    /// Reads one (joined, substituted) line: `go build ... -o OUT ... PKG` and `go run PKG`. A
    /// line without `go` once its quotes are removed names neither and is passed over at once.
    fn line(&mut self, file: &str, index: usize, line: &str) {
        if !holds_go(line) {
            return;
        }
        for command in line.split(['&', ';', '|']) {
            if !holds_go(command) {
                continue;
            }
            let words: Vec<Cow<'_, str>> = command.split_whitespace().map(unquote).collect();
            let Some(at) = words
                .windows(2)
                .position(|w| w[0] == "go" && matches!(&*w[1], "build" | "run"))
            else {
                continue;
            };
            match &*words[at + 1] {
                "build" => self.build(file, index, &words[at + 2..]),
                "run" => {
                    if let Some(package) = words[at + 2..]
                        .iter()
                        .find(|w| !w.starts_with('-'))
                        .and_then(|w| package_of(w))
                    {
                        self.runs.entry(package).or_insert_with(|| {
                            Evidence::line(file, index, "started with go run (a dev tool)")
                        });
                    }
                }
                _ => {}
            }
        }
    }

    fn build(&mut self, file: &str, index: usize, args: &[Cow<'_, str>]) {
        let mut output = None;
        let mut package = None;
        let mut words = args.iter();
        while let Some(word) = words.next() {
            if word == "-o" {
                output = words.next().and_then(|w| binary_of(w));
            } else if let Some(value) = word.strip_prefix("-o=") {
                output = binary_of(value);
            } else if matches!(&**word, "-ldflags" | "-tags" | "-gcflags" | "-mod") {
                words.next();
            } else if !word.starts_with('-') && package.is_none() {
                package = package_of(word);
            }
        }
        if let (Some(name), Some(package)) = (output, package) {
            self.outputs.entry(package).or_insert_with(|| {
                let evidence = Evidence::line(file, index, format!("go build -o {name}"));
                (name, evidence)
            });
        }
    }
}

/// Whether `text` holds `go` once its quotes are removed (`g"o"` does), without copying it.
fn holds_go(text: &str) -> bool {
    let bytes = text.as_bytes();
    if memchr::memchr_iter(b'g', bytes).any(|at| bytes.get(at + 1) == Some(&b'o')) {
        return true;
    }
    if memchr::memchr2(b'"', b'\'', bytes).is_none() {
        return false;
    }
    let mut after_g = false;
    for byte in text.bytes() {
        match byte {
            b'"' | b'\'' => {}
            b'o' if after_g => return true,
            _ => after_g = byte == b'g',
        }
    }
    false
}

/// `word` without its quotes, copied only when it has some.
fn unquote(word: &str) -> Cow<'_, str> {
    if word.contains(['"', '\'']) {
        Cow::Owned(word.replace(['"', '\''], ""))
    } else {
        Cow::Borrowed(word)
    }
}

/// A package argument as a path without `./` (`""` for `.`), a `.go` file naming its
/// directory; `None` for patterns, flags' values and unresolved variables.
pub(super) fn package_of(word: &str) -> Option<String> {
    let word = strip_variable_prefix(word);
    if word.contains('$') || word.contains("...") || word.contains("://") {
        return None;
    }
    let word = word.strip_prefix("./").unwrap_or(word);
    let path = match word.strip_suffix(".go") {
        Some(_) => word.rsplit_once('/').map_or("", |(dir, _)| dir),
        None => word.trim_end_matches('/'),
    };
    let path = if path == "." { "" } else { path };
    let plain = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'));
    (plain && !path.starts_with('/') && !path.split('/').any(|p| p == "..")).then(|| path.to_string())
}

/// `$(ROOT)/cmd/x` -> `cmd/x`: a leading directory variable (the project root) dropped.
fn strip_variable_prefix(word: &str) -> &str {
    if word.starts_with('$')
        && let Some(at) = word.find(")/").or_else(|| word.find("}/"))
    {
        return &word[at + 2..];
    }
    word
}

/// The basename of an output path with a trailing variable (`${EXE}`) and a `.exe` suffix
/// dropped; `None` when the name itself comes from a variable (`$@`, `$APP-$ARCH`).
pub(super) fn binary_of(word: &str) -> Option<String> {
    let mut name = word.rsplit('/').next()?;
    while let Some(at) = name.rfind(['$']) {
        let tail = &name[at + 1..];
        let closed = (tail.starts_with('{') && tail.ends_with('}') && !tail.contains('/'))
            || (tail.starts_with('(') && tail.ends_with(')'));
        if !closed || at == 0 {
            return None;
        }
        name = &name[..at];
    }
    let name = name.strip_suffix(".exe").unwrap_or(name);
    let valid = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    valid.then(|| name.to_string())
}

/// The package paths named in the recipe of the Makefile's first target (what `make` builds).
fn default_target(
    file: &str,
    text: &str,
    vars: &BTreeMap<String, String>,
) -> Vec<(String, Evidence)> {
    let mut packages = Vec::new();
    let rules = makefile::rules(text);
    for (index, line) in rules.first().map_or(&[][..], |rule| &rule.recipe[..]) {
        for word in substitute(line, vars).split_whitespace() {
            let word = unquote(word);
            if word.starts_with("./")
                && let Some(package) = package_of(&word)
            {
                packages.push((
                    package,
                    Evidence::line(file, *index, "built by the Makefile's default target"),
                ));
            }
        }
    }
    packages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_and_runs() {
        let mut scripts = Scripts::default();
        scripts.line("build.sh", 3, "env CGO_ENABLED=0 go build -o \"$TMP\"/v2ray\"${EXE}\" -ldflags \"$L\" ./main");
        scripts.line("Makefile", 9, "\tgo run ./cmd/gen-docs --website");
        scripts.line("x.yml", 1, "go build -o=../bin/etcd . && go build -o $@ ./apps/x");
        assert_eq!(scripts.outputs["main"].0, "v2ray");
        assert_eq!(scripts.outputs[""].0, "etcd");
        assert!(!scripts.outputs.contains_key("apps/x"));
        assert!(scripts.runs.contains_key("cmd/gen-docs"));
        scripts.line("ci.sh", 4, "echo done; \"g\"o build -o quoted ./cmd/q");
        assert_eq!(scripts.outputs["cmd/q"].0, "quoted", "quotes inside the word go");
        assert!(holds_go("ca'r'go") && !holds_go("g-o build") && !holds_go("\"o"));
        assert_eq!(binary_of("./dist/$app-$arch"), None);
        assert_eq!(binary_of("$1"), None);
        assert_eq!(binary_of("build/${arch%%-*}/alist"), Some("alist".to_string()));
    }

    #[test]
    fn makefile_variables_and_default_target() {
        let text = "GORUN = go run\nBASE := $(shell pwd)\nAPP=1panel\nMAIN= $(BASE)/cmd/server/main.go\n\n.PHONY: all\ngeth:\n\t$(GORUN) build/ci.go install ./cmd/geth\n\nevm:\n\t$(GORUN) build/ci.go install ./cmd/evm\n";
        let vars = makefile::variables(text);
        let targets = default_target("Makefile", text, &vars);
        assert_eq!(targets.len(), 1);
        assert_eq!(targets[0].0, "cmd/geth");
        let mut scripts = Scripts::default();
        scripts.line("Makefile", 1, &substitute("\tgo build -o $(OUT)/$(APP) $(MAIN)", &vars));
        assert_eq!(scripts.outputs["cmd/server"].0, "1panel");
    }

}
