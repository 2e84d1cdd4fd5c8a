//! A Makefile read the way `make` would for the few questions stacks ask of it: its lines with
//! continuations joined, its simple variables, its rules with their prerequisites and recipes,
//! and its default goal. Nothing is run and no function (`$(shell ...)`, `$(if ...)`) is
//! evaluated; a value that needs one stays unresolved.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// A rule: its targets, its prerequisites, and its recipe lines (joined, 1-based line
/// numbers, the leading tab kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub targets: Vec<String>,
    pub prerequisites: Vec<String>,
    pub recipe: Vec<(usize, String)>,
    /// Defined inside a conditional (`ifeq` ... `endif`), so made only when it holds.
    pub conditional: bool,
}

/// How a line changes the nesting of conditionals: +1 opens one, -1 closes one.
fn nesting(line: &str) -> i32 {
    let word = line.split_whitespace().next().unwrap_or("");
    match word {
        "ifeq" | "ifneq" | "ifdef" | "ifndef" if !line.starts_with('\t') => 1,
        "endif" if !line.starts_with('\t') => -1,
        _ => 0,
    }
}

/// Lines with shell and make continuations (`\` at the end) joined, each with its first line;
/// a line that continues none and is continued by none is given as it is, without a copy.
pub fn joined_lines(text: &str) -> Vec<(usize, Cow<'_, str>)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, line) in crate::lines::lines(text).enumerate() {
        let trimmed = line.trim_end();
        match (current.take(), trimmed.strip_suffix('\\')) {
            (None, None) => out.push((index + 1, Cow::Borrowed(trimmed))),
            (joined, Some(rest)) => {
                let (start, mut joined) = joined.unwrap_or((index + 1, String::new()));
                joined.push_str(rest);
                joined.push(' ');
                current = Some((start, joined));
            }
            (Some((start, mut joined)), None) => {
                joined.push_str(trimmed);
                out.push((start, Cow::Owned(joined)));
            }
        }
    }
    out.extend(current.map(|(start, joined)| (start, Cow::Owned(joined))));
    out
}

/// The name a variable assignment line (`NAME = value`, `:=`, `?=`, `+=`) assigns, with its
/// value; `None` for any other line.
fn assignment(line: &str) -> Option<(&str, &str)> {
    if line.starts_with(['\t', ' ', '#']) {
        return None;
    }
    let (name, value) = line.split_once('=')?;
    let name = name.trim_end_matches([':', '?', '+', ' ']).trim();
    let name = name.strip_prefix("export ").map_or(name, str::trim);
    let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    plain.then_some((name, value))
}

/// Simple assignments (`NAME = value`, `:=`, `?=`), the first of each name, values not
/// evaluated; one that runs a shell command is left unresolved.
pub fn variables(text: &str) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    for line in text.lines() {
        if let Some((name, value)) = assignment(line)
            && !value.contains("$(shell")
        {
            vars.entry(name.to_string())
                .or_insert_with(|| value.trim().to_string());
        }
    }
    vars
}

/// Every name the Makefile assigns, whatever its value (a name it never assigns expands to
/// nothing unless the environment sets it).
pub fn assigned(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(assignment)
        .map(|(name, _)| name.to_string())
        .collect()
}

/// The names whose value [`variables`] cannot settle: assigned more than once, appended to
/// (`+=`), or assigned inside a conditional.
pub fn unsettled(text: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut unsettled = BTreeSet::new();
    let mut depth = 0;
    for line in text.lines() {
        depth = (depth + nesting(line)).max(0);
        if let Some((name, _)) = assignment(line) {
            let appended = line
                .split_once('=')
                .is_some_and(|(left, _)| left.ends_with('+'));
            if !seen.insert(name.to_string()) || appended || depth > 0 {
                unsettled.insert(name.to_string());
            }
        }
    }
    unsettled
}

/// `$(NAME)` and `${NAME}` replaced by simple Makefile values, a value naming another read in
/// turn, up to [`NESTING`] levels. A line without `$` (most lines of a script or workflow) is
/// given back as it is, without a copy.
pub fn substitute<'a>(line: &'a str, vars: &BTreeMap<String, String>) -> Cow<'a, str> {
    if !line.contains('$') || vars.is_empty() {
        return Cow::Borrowed(line);
    }
    let mut line = line.to_string();
    for _ in 0..NESTING {
        if !line.contains('$') || vars.is_empty() {
            break;
        }
        let next = substituted_once(&line, vars);
        if next == line {
            break;
        }
        line = next;
    }
    Cow::Owned(line)
}

/// Most levels of variables naming variables [`substitute`] follows.
const NESTING: usize = 4;

/// `line` with each `$(NAME)` and `${NAME}` whose name `vars` holds replaced by its value, in
/// one pass: a value put in is not read again in the same pass.
fn substituted_once(line: &str, vars: &BTreeMap<String, String>) -> String {
    replaced(line, |name| vars.get(name).map(String::as_str))
}

/// `line` with each reference to a plain variable left (`$(NAME)`, `${NAME}`: one no value
/// replaced, so one the Makefile never assigns) expanded to nothing, as `make` does when the
/// environment does not set it.
pub fn unset_to_empty(line: &str) -> String {
    replaced(line, |name| {
        let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        plain.then_some("")
    })
}

/// `line` with each reference `$(NAME)` or `${NAME}` for which `value_of` has a value replaced
/// by it, the others kept as written; read once, left to right.
fn replaced<'v>(line: &str, value_of: impl Fn(&str) -> Option<&'v str>) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let close = match after.as_bytes().first() {
            Some(b'(') => Some(')'),
            Some(b'{') => Some('}'),
            _ => None,
        };
        let value = close.and_then(|close| {
            let end = after.find(close)?;
            Some((value_of(&after[1..end])?, end))
        });
        match value {
            Some((value, end)) => {
                out.push_str(value);
                rest = &after[end + 1..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The rules, in file order: a line that is neither indented, a comment, a special target
/// (`.PHONY`), an assignment nor a pattern rule, and holds a `:`. A recipe runs over the
/// tab-indented lines after its rule (blank and comment lines passed over) and ends at any
/// other line, a conditional (`ifeq`) included.
pub fn rules(text: &str) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    let mut in_recipe = false;
    let mut depth = 0;
    for (index, line) in joined_lines(text) {
        depth = (depth + nesting(&line)).max(0);
        if in_recipe {
            if line.starts_with('\t') {
                if let Some(rule) = rules.last_mut() {
                    rule.recipe.push((index, line.into_owned()));
                }
                continue;
            }
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
        }
        let is_rule = !line.starts_with(['\t', ' ', '#', '.'])
            && line.contains(':')
            && !line.contains('=')
            && !line.contains('%');
        in_recipe = is_rule;
        if is_rule && let Some((targets, rest)) = line.split_once(':') {
            let rest = rest.trim_start_matches(':');
            let prerequisites = rest.split(['|', ';']).next().unwrap_or("");
            rules.push(Rule {
                targets: targets.split_whitespace().map(str::to_string).collect(),
                prerequisites: prerequisites
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
                recipe: Vec::new(),
                conditional: depth > 0,
            });
        }
    }
    rules
}

/// The goal `make` without arguments builds: `.DEFAULT_GOAL`, else the first target of the
/// first rule.
pub fn default_goal<'a>(text: &'a str, rules: &'a [Rule]) -> Option<&'a str> {
    let set = text.lines().find_map(|line| {
        let (name, value) = line.split_once('=')?;
        (name.trim_end_matches([':', '?', ' ']) == ".DEFAULT_GOAL").then(|| value.trim())
    });
    set.filter(|goal| !goal.is_empty() && !goal.contains('$'))
        .or_else(|| rules.first()?.targets.first().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_recipes_and_goal() {
        let text = "TARGET ?= x86_64-unknown-linux-gnu\nexport FEATURES := a,b\n\nhelp:\n\t@grep x Makefile\n\n.PHONY: build\nbuild: build-ui\n\t@echo ${TARGET}\n\tcross build \\\n\t  --release\nifeq (a, b)\n\tcargo build\nendif\n\nbuild-ui:\n\tcd ui && make\n";
        let rules = rules(text);
        let names: Vec<&str> = rules.iter().map(|r| r.targets[0].as_str()).collect();
        assert_eq!(names, ["help", "build", "build-ui"]);
        assert_eq!(rules[1].prerequisites, ["build-ui"]);
        assert_eq!(rules[1].recipe.len(), 2);
        assert_eq!(rules[1].recipe[1].0, 10);
        assert_eq!(default_goal(text, &rules), Some("help"));
        let vars = variables(text);
        assert_eq!(vars["FEATURES"], "a,b");
        assert_eq!(
            substitute("--target ${TARGET}", &vars),
            "--target x86_64-unknown-linux-gnu"
        );
        assert_eq!(
            unset_to_empty("a $(X) ${Y_1}b $(if $(Z),c) $$d $@"),
            "a  b $(if ,c) $$d $@"
        );
        let text = "A ?= 1\nB = 2\nB += 3\nifdef X\nC = 4\nrun:\n\tcargo run\nendif\n";
        assert_eq!(
            unsettled(text),
            BTreeSet::from(["B".to_string(), "C".to_string()])
        );
        assert!(super::rules(text)[0].conditional);
        let goal = ".DEFAULT_GOAL := build\n".to_string() + text;
        assert_eq!(default_goal(&goal, &rules), Some("build"));
    }

    #[test]
    fn substitution_reads_both_forms_and_nested_values() {
        let vars = variables("A = x$(B)\nB = y\nC = $(D)\nD = $(E)\nE = z\n");
        assert_eq!(
            substitute("$(A) ${B} $(NONE) $$(B) $(shell $(B))", &vars),
            "xy y $(NONE) $y $(shell y)"
        );
        assert_eq!(substitute("$(C)", &vars), "z");
        assert_eq!(substitute("no vars $", &vars), "no vars $");
        assert_eq!(substitute("$(B", &vars), "$(B");
    }
}
