//! The floors the README's architecture section describes: every module of `src/` stands on one,
//! and no module imports from a floor above its own. A new module must be given its floor here.
//! Imports are read as `crate::`, `super::` and `self::` paths (grouped ones too), resolved to
//! the file they land in; the same reading gives the graph of files in which no two modules may
//! import from each other in a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module (first path component under `src/`) -> floor, bottom first.
const FLOORS: &[(&str, &[&str])] = &[
    (
        "ground: repository access, evidence, safe values, catalogue, settings",
        &[
            "shown",
            "output",
            "stack",
            "evidence",
            "repo",
            "catalog",
            "settings",
            "recorded",
            "commands",
            "config",
            "images",
            "registry",
            "credentials",
            "safe",
            "manifest",
            "lines",
            "deployed",
            "facts",
            "trace",
            "system",
            "version",
        ],
    ),
    ("stacks", &["stacks"]),
    (
        "pipeline: detect, decide, plan, render, write, check",
        &[
            "detect",
            "decide",
            "plan",
            "system_plan",
            "render",
            "promise",
            "write",
            "check",
            "moved",
            "pinned",
            "pipeline",
            "error",
        ],
    ),
    (
        "commands",
        &[
            "lib", "main", "cli", "explain", "monorepo", "pins", "strict", "verify", "wizard",
        ],
    ),
];

fn floor_of(module: &str) -> Option<usize> {
    FLOORS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The first component of a module path under `src/`, the name the floors list: `lib` for the
/// crate root.
fn top(module: &[String]) -> String {
    module.first().cloned().unwrap_or_else(|| "lib".to_string())
}

/// A source file of `src/` (but `main.rs`, its own crate), its module path (`stacks::rust`,
/// empty for `lib.rs`) and its text.
struct Source {
    file: String,
    module: Vec<String>,
    text: String,
}

fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    all.sort();
    let mut sources = Vec::new();
    for file in all {
        let rel = file.strip_prefix(&src).unwrap();
        let mut module: Vec<String> = rel
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if module == ["main"] {
            continue;
        }
        if module
            .last()
            .is_some_and(|last| last == "mod" || last == "lib")
        {
            module.pop();
        }
        sources.push(Source {
            file: format!("src/{}", rel.display()),
            module,
            text: std::fs::read_to_string(&file).unwrap(),
        });
    }
    sources
}

/// The module a file's module path names: `crate` for `lib.rs`.
fn display(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_string()
    } else {
        module.join("::")
    }
}

fn ident(chars: &[char], at: &mut usize) -> String {
    let start = *at;
    while *at < chars.len() && (chars[*at].is_alphanumeric() || chars[*at] == '_') {
        *at += 1;
    }
    chars[start..*at].iter().collect()
}

fn skip_space(chars: &[char], at: &mut usize) {
    while *at < chars.len() && chars[*at].is_whitespace() {
        *at += 1;
    }
}

/// Every path of a use tree that starts at `at`: `a::b`, `a::{b, c::{d, self}}`, `a::*`.
fn use_tree(chars: &[char], at: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    skip_space(chars, at);
    if chars.get(*at) == Some(&'{') {
        *at += 1;
        loop {
            skip_space(chars, at);
            match chars.get(*at) {
                None => return,
                Some('}') => {
                    *at += 1;
                    return;
                }
                Some(',') => *at += 1,
                Some(_) => {
                    let before = *at;
                    use_tree(chars, at, prefix.clone(), out);
                    if *at == before {
                        *at += 1;
                    }
                }
            }
        }
    }
    let name = ident(chars, at);
    let mut path = prefix;
    if !name.is_empty() && name != "self" {
        path.push(name);
    }
    if chars[*at..].starts_with(&[':', ':']) {
        *at += 2;
        use_tree(chars, at, path, out);
    } else {
        out.push(path);
    }
}

/// The module paths a source text names outside comments, resolved against `module` (the
/// file's module path): `crate::a::b`, `super::a`, `super::super::a`, `self::a`, and each path
/// of a group (`crate::{a, b::{c, d}}`, over several lines too). A path inside an inline
/// `mod NAME {` (laid out by rustfmt) resolves from that inline module.
fn named_from(text: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut code = String::new();
    let mut context: Vec<(usize, Vec<String>)> = Vec::new();
    let mut inline: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("");
        let indent = &line[..line.len() - line.trim_start().len()];
        if inline
            .last()
            .is_some_and(|(open, _)| line == format!("{open}}}"))
        {
            inline.pop();
        }
        let mut here = module.to_vec();
        here.extend(inline.iter().map(|(_, name)| name.clone()));
        context.push((code.len(), here));
        code.push_str(line);
        code.push('\n');
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [.., "mod", name, "{"] = words[..] {
            inline.push((indent.to_string(), name.to_string()));
        }
    }
    let chars: Vec<char> = code.chars().collect();
    let offsets: Vec<usize> = code.char_indices().map(|(offset, _)| offset).collect();
    let mut paths = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let before = at.checked_sub(1).map(|b| chars[b]);
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            at += 1;
            continue;
        }
        let start = at;
        let word = ident(&chars, &mut at);
        if !matches!(word.as_str(), "crate" | "super" | "self")
            || !chars[at..].starts_with(&[':', ':'])
        {
            at = start + 1;
            continue;
        }
        let offset = offsets[start];
        let here = &context[context.partition_point(|(line, _)| *line <= offset) - 1].1;
        let mut base = match word.as_str() {
            "crate" => Vec::new(),
            "self" => here.clone(),
            _ => here[..here.len().saturating_sub(1)].to_vec(),
        };
        at += 2;
        loop {
            let mut next = at;
            if ident(&chars, &mut next) == "super" && chars[next..].starts_with(&[':', ':']) {
                base.pop();
                at = next + 2;
            } else {
                break;
            }
        }
        use_tree(&chars, &mut at, base, &mut paths);
    }
    paths
}

/// The file module a resolved path lands in: its longest prefix that is a file's module.
fn target<'a>(path: &[String], modules: &'a BTreeSet<Vec<String>>) -> &'a Vec<String> {
    (0..=path.len())
        .rev()
        .find_map(|len| modules.get(&path[..len]))
        .expect("the crate root is a module")
}

/// Module -> the modules it imports from (itself left out).
fn graph(sources: &[Source]) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for source in sources {
        let out = edges.entry(source.module.clone()).or_default();
        for path in named_from(&source.text, &source.module) {
            let to = target(&path, &modules);
            if *to != source.module {
                out.insert(to.clone());
            }
        }
    }
    edges
}

/// The circles of a graph: each set of two or more modules that all reach one another
/// (strongly connected components, Tarjan's algorithm), as sorted names.
fn circles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> BTreeSet<Vec<String>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        found: BTreeSet<Vec<String>>,
    }
    fn visit<'a>(walk: &mut Walk<'a>, node: &'a Vec<String>) {
        let number = walk.index.len();
        walk.index.insert(node, number);
        walk.low.insert(node, number);
        walk.stack.push(node);
        let edges = walk.edges;
        for next in edges.get(node).into_iter().flatten() {
            if !walk.index.contains_key(next) {
                visit(walk, next);
                let low = walk.low[node].min(walk.low[next]);
                walk.low.insert(node, low);
            } else if walk.stack.contains(&next) {
                let low = walk.low[node].min(walk.index[next]);
                walk.low.insert(node, low);
            }
        }
        if walk.low[node] == walk.index[node] {
            let mut members = Vec::new();
            while let Some(top) = walk.stack.pop() {
                members.push(display(top));
                if top == node {
                    break;
                }
            }
            if members.len() > 1 {
                members.sort();
                walk.found.insert(members);
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: BTreeSet::new(),
    };
    for node in edges.keys() {
        if !walk.index.contains_key(node) {
            visit(&mut walk, node);
        }
    }
    walk.found
}

#[test]
fn no_module_imports_from_a_floor_above_its_own() {
    let sources = sources();
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut violations = BTreeMap::new();
    for source in &sources {
        let floor = floor_of(&top(&source.module)).unwrap_or_else(|| {
            panic!(
                "{}: module {} has no floor in tests/floors.rs",
                source.file,
                top(&source.module)
            )
        });
        for path in named_from(&source.text, &source.module) {
            let named = top(target(&path, &modules));
            let target_floor = floor_of(&named).unwrap();
            if target_floor > floor {
                violations
                    .entry(source.file.clone())
                    .or_insert_with(Vec::new)
                    .push(format!("{} ({})", path.join("::"), FLOORS[target_floor].0));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports from a floor above: {violations:#?}"
    );
}

#[test]
fn no_modules_import_from_each_other_in_a_circle() {
    let edges = graph(&sources());
    let found = circles(&edges);
    let new: Vec<String> = found
        .iter()
        .map(|circle| {
            let imports: Vec<String> = edges
                .iter()
                .filter(|(from, _)| circle.contains(&display(from)))
                .flat_map(|(from, to)| {
                    to.iter()
                        .filter(|to| circle.contains(&display(to)))
                        .map(move |to| format!("{} -> {}", display(from), display(to)))
                })
                .collect();
            imports.join(", ")
        })
        .collect();
    assert!(new.is_empty(), "modules importing in a circle: {new:#?}");
}

#[test]
fn the_scan_sees_grouped_plain_and_relative_imports() {
    let module = |path: &str| -> Vec<String> { path.split("::").map(str::to_string).collect() };
    let text = "use crate::{plan, stacks::{self, Facts}};\n\
                use super::{package::Package,\n    NodeFacts};\n\
                let x = crate::error::Error::Usage; // crate::wizard\n\
                let y = super::super::describe(&z);\n\
                #[cfg(test)]\n\
                mod tests {\n    use super::*;\n    use super::super::platform::Code;\n}\n\
                use self::inner::Thing;\n";
    let named: Vec<String> = named_from(text, &module("stacks::node::frontend"))
        .iter()
        .map(|path| path.join("::"))
        .collect();
    assert_eq!(
        named,
        [
            "plan",
            "stacks",
            "stacks::Facts",
            "stacks::node::package::Package",
            "stacks::node::NodeFacts",
            "error::Error::Usage",
            "stacks::describe",
            "stacks::node::frontend",
            "stacks::node::platform::Code",
            "stacks::node::frontend::inner::Thing",
        ]
    );
}

#[test]
fn a_circle_of_imports_is_found() {
    let module = |path: &str| -> Vec<String> { path.split("::").map(str::to_string).collect() };
    let sources = [
        ("stacks::node::package", "use super::frontend::Site;\n"),
        ("stacks::node::frontend", "use super::package::Package;\n"),
        ("stacks::node::plan", "use crate::stacks::node::package;\n"),
        ("stacks::node", ""),
        ("stacks", ""),
        ("", ""),
    ]
    .map(|(name, text)| Source {
        file: String::new(),
        module: if name.is_empty() {
            Vec::new()
        } else {
            module(name)
        },
        text: text.to_string(),
    });
    assert_eq!(
        circles(&graph(&sources)),
        BTreeSet::from([vec![
            "stacks::node::frontend".to_string(),
            "stacks::node::package".to_string()
        ]])
    );
}
