//! The promise that a stack is one folder: outside `src/stacks/<stack>/`, `templates/<stack>/`,
//! the registry (`src/stack.rs`) and the catalogue rows (`src/catalog.rs`), no code names a
//! particular stack, so adding one touches nothing else. Comments and unit-test modules may use
//! a stack as an example; code may not: a path to a stack's variant or module, a string that is
//! a stack's name or title, or an identifier that starts with a stack's name (`go_main`).

use std::path::{Path, PathBuf};

/// The stacks by folder name and title, read from the registry so a new row is checked too.
fn stacks() -> Vec<(String, String, String)> {
    let registry =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/stack.rs"))
            .unwrap();
    let start = registry.find("$then! {").expect("the registry's rows");
    let end = start + registry[start..].find("\n        }").unwrap();
    let mut found = Vec::new();
    for row in registry[start..end].lines().skip(1) {
        let words: Vec<&str> = row.split_whitespace().collect();
        if words.len() >= 3 && !row.trim_start().starts_with('[') {
            let title = row.split('"').nth(1).unwrap_or_default().to_string();
            found.push((words[0].to_string(), words[1].to_string(), title));
        }
    }
    found
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// `line` without its `//` comment and with the text of its string literals set apart: the
/// code, and the literals.
fn split_line(line: &str) -> (String, Vec<String>) {
    let mut code = String::new();
    let mut literals = Vec::new();
    let mut current: Option<String> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match &mut current {
            Some(text) => match c {
                '\\' => {
                    chars.next();
                }
                '"' => literals.push(current.take().unwrap()),
                _ => text.push(c),
            },
            None => match c {
                '"' => current = Some(String::new()),
                '/' if chars.peek() == Some(&'/') => break,
                _ => code.push(c),
            },
        }
    }
    (code, literals)
}

/// What names a stack in a source file's code, as (line, what).
fn named_stacks(text: &str, stacks: &[(String, String, String)]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut in_tests = false;
    for (index, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            in_tests = true;
        }
        if in_tests {
            continue;
        }
        let (code, literals) = split_line(line);
        let words: Vec<&str> = code
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .filter(|w| !w.is_empty())
            .collect();
        for (module, variant, title) in stacks {
            for word in &words {
                let path_to_stack = word.split("::").collect::<Vec<_>>().windows(2).any(|pair| {
                    (matches!(pair[0], "Stack" | "Facts" | "StackPlan") && pair[1] == variant)
                        || (pair[0] == "stacks" && pair[1] == module)
                });
                let ident_of_stack = word
                    .split("::")
                    .any(|part| part.starts_with(&format!("{module}_")));
                if path_to_stack || ident_of_stack {
                    found.push((index + 1, word.to_string()));
                }
            }
            for literal in &literals {
                if literal == module || literal == title {
                    found.push((index + 1, format!("\"{literal}\"")));
                }
            }
        }
    }
    found
}

#[test]
fn no_file_outside_a_stacks_folders_names_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stacks = stacks();
    assert!(
        stacks.len() >= 2
            && stacks
                .iter()
                .all(|(module, _, title)| !module.is_empty() && !title.is_empty()),
        "registry rows: {stacks:?}"
    );
    let mut all = Vec::new();
    files(&root.join("src"), &mut all);
    files(&root.join("templates"), &mut all);
    let mut offences = Vec::new();
    for file in all {
        let rel = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let own = stacks.iter().any(|(module, _, _)| {
            rel.starts_with(&format!("src/stacks/{module}/"))
                || rel.starts_with(&format!("templates/{module}/"))
        });
        if own || rel == "src/stack.rs" || rel == "src/catalog.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let text = if rel.ends_with(".j2") {
            // Template code is what sits between `{%`/`{{` and their ends; its strings are
            // what could name a stack (`stack == "go"`).
            text.replace("{#", "//").replace('\'', "\"")
        } else {
            text
        };
        for (line, what) in named_stacks(&text, &stacks) {
            offences.push(format!("{rel}:{line}: {what}"));
        }
    }
    assert!(
        offences.is_empty(),
        "code outside a stack's folders names a stack:\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_scan_sees_paths_literals_and_identifiers() {
    let stacks = vec![("go".to_string(), "Go".to_string(), "Go".to_string())];
    let text = "let a = Stack::Go;\nuse crate::stacks::go::plan;\nlet b = \"go\"; // Stack::Go\nlet go_main = 1;\nlet ok = \"golang\";\n#[cfg(test)]\nlet c = Stack::Go;\n";
    let found: Vec<usize> = named_stacks(text, &stacks)
        .into_iter()
        .map(|(line, _)| line)
        .collect();
    assert_eq!(found, vec![1, 2, 3, 4]);
}
