//! The release build a project's own Makefile makes: the `cargo build`, `cross build` or
//! `cargo install --path` commands, with `--release` (or the release profile), in the recipes
//! of the goals that build the project for use (the default goal and the conventional
//! [`GOALS`], each with the rules it depends on), read with the Makefile's own variable
//! defaults. A shell `case` on the target triple takes the branch for
//! `x86_64-unknown-linux-gnu` (the target shiplight builds); a command for another target, one
//! run after a `cd`, or one whose arguments hold a value the Makefile computes is passed over.
//! One file at the project's root is read, once.

use super::deployed::{CargoBuild, parse};
use crate::deployed::{base_name, words};
use crate::evidence::Evidence;
use crate::repo::Repo;
use crate::stacks::makefile::{self, Rule};
use std::collections::BTreeMap;

/// The files `make` looks for, in its order.
const NAMES: [&str; 3] = ["GNUmakefile", "makefile", "Makefile"];
/// Most bytes read of the Makefile.
const CAP: u64 = 256 << 10;
/// The goals that build a project for use besides the default one: GNU's `all` and `install`,
/// and the usual `build`, `release` and `dist`.
pub const GOALS: [&str; 5] = ["all", "build", "release", "dist", "install"];
/// The target triple shiplight builds for.
const TRIPLE: &str = "x86_64-unknown-linux-gnu";
/// Most rules followed from the goals through prerequisites.
const RULE_LIMIT: usize = 32;

/// The release builds of the Makefile at the root of `repo`, goals in order.
pub fn read(repo: &Repo) -> Vec<CargoBuild> {
    for name in NAMES {
        if let Ok(Some(text)) = repo.read_text(name, CAP) {
            return builds(name, &text);
        }
    }
    Vec::new()
}

/// The release builds of Makefile `text` (named `file`).
pub fn builds(file: &str, text: &str) -> Vec<CargoBuild> {
    let rules = makefile::rules(text);
    let mut vars = makefile::variables(text);
    for name in makefile::unsettled(text) {
        vars.insert(name, "$?".to_string());
    }
    for name in makefile::assigned(text) {
        vars.entry(name).or_insert_with(|| "$?".to_string());
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (goal, rule) in goal_rules(text, &rules) {
        for (line, command) in &rule.recipe {
            for (raw, words) in release_commands(command, &vars) {
                let mut build = parse(&words[2..]);
                build.evidence = Evidence::line(
                    file,
                    physical_line(&lines, *line, &raw),
                    format!("make {goal}: {}", words.join(" ")),
                );
                found.push(build);
            }
        }
    }
    found
}

/// The 1-based number of the line, at or after `start`, where command `raw` (as the joined
/// recipe line holds it) begins; `start` when none is found.
fn physical_line(lines: &[&str], start: usize, raw: &str) -> usize {
    let raw = raw.trim();
    lines
        .iter()
        .enumerate()
        .skip(start.saturating_sub(1))
        .take(64)
        .find(|(_, line)| {
            let line = line.trim().trim_end_matches('\\').trim();
            let line = line.trim_start_matches(['@', '-', '+']);
            !line.is_empty() && (line.contains(raw) || raw.starts_with(line))
        })
        .map_or(start, |(index, _)| index + 1)
}

/// The rules of the default goal and of [`GOALS`], each followed by those of its
/// prerequisites, every rule once, with the goal it was reached from.
fn goal_rules<'a>(text: &'a str, rules: &'a [Rule]) -> Vec<(&'a str, &'a Rule)> {
    let mut out: Vec<(&str, &Rule)> = Vec::new();
    let goals = makefile::default_goal(text, rules).into_iter().chain(GOALS);
    for goal in goals {
        let mut pending = vec![goal];
        while let Some(name) = pending.pop() {
            if out.len() >= RULE_LIMIT {
                return out;
            }
            let named = |r: &&Rule| !r.conditional && r.targets.iter().any(|t| t == name);
            for rule in rules.iter().filter(named) {
                if out.iter().any(|(_, seen)| std::ptr::eq(*seen, rule)) {
                    continue;
                }
                out.push((goal, rule));
                pending.extend(rule.prerequisites.iter().rev().map(String::as_str));
            }
        }
    }
    out
}

/// The release cargo commands of one recipe line: each as the line writes it, and as words
/// from `cargo`/`cross` on with the variables expanded.
fn release_commands(line: &str, vars: &BTreeMap<String, String>) -> Vec<(String, Vec<String>)> {
    let line = line.trim_start_matches(['\t', ' ', '@', '-', '+']);
    let (line, vars) = match case_on_triple(line, vars) {
        Some((branch, vars)) => (branch, vars),
        None => (line.to_string(), vars.clone()),
    };
    let mut found = Vec::new();
    for raw in line.split(['&', ';', '|']) {
        let command = makefile::unset_to_empty(&makefile::substitute(raw, &vars));
        let Some(mut argv) = words(command.trim()) else {
            continue;
        };
        let at = argv
            .iter()
            .position(|w| !w.contains('=') && w != "env")
            .unwrap_or(argv.len());
        argv.drain(..at);
        if argv.first().is_some_and(|w| w == "cd") {
            break;
        }
        if is_release_build(&mut argv) {
            found.push((raw.to_string(), argv));
        }
    }
    found
}

/// Whether `argv` is a `cargo build`/`cross build` with `--release`, `-r` or `--profile
/// release`, or a `cargo install --path` not in another profile, for the linux-gnu target
/// and with every argument known; a `+toolchain` word is dropped.
fn is_release_build(argv: &mut Vec<String>) -> bool {
    if argv.len() > 1 && argv[1].starts_with('+') {
        argv.remove(1);
    }
    let (Some(tool), Some(command)) = (argv.first(), argv.get(1)) else {
        return false;
    };
    if !matches!(base_name(tool), "cargo" | "cross") {
        return false;
    }
    let args = &argv[2..];
    let value = |flag: &str| {
        args.iter().enumerate().find_map(|(i, w)| {
            w.strip_prefix(&format!("{flag}="))
                .map(str::to_string)
                .or_else(|| (w == flag).then(|| args.get(i + 1).cloned().unwrap_or_default()))
        })
    };
    let profile = value("--profile");
    let release = match command.as_str() {
        "build" => {
            args.iter().any(|w| w == "--release" || w == "-r")
                || profile.as_deref() == Some("release")
        }
        "install" => {
            value("--path").is_some()
                && !args.iter().any(|w| w == "--debug")
                && profile.as_deref().is_none_or(|p| p == "release")
        }
        _ => false,
    };
    let target = value("--target");
    let for_gnu = target.is_none_or(|t| t.contains("linux-gnu"));
    release && for_gnu && !args.iter().any(|w| w.contains('$'))
}

/// The commands of the branch a shell `case` on a target triple takes for [`TRIPLE`], with the
/// variable it switches on set to that triple; `None` when the line is no `case`, or switches
/// on something else than a triple.
fn case_on_triple(
    line: &str,
    vars: &BTreeMap<String, String>,
) -> Option<(String, BTreeMap<String, String>)> {
    let rest = line.trim_start().strip_prefix("case ")?;
    let (word, body) = rest.split_once(" in ")?;
    let word = word.trim().trim_matches(['"', '\'']);
    let name = word
        .strip_prefix("${")
        .and_then(|w| w.strip_suffix('}'))
        .or_else(|| word.strip_prefix("$(").and_then(|w| w.strip_suffix(')')))?;
    let value = vars.get(name).map_or("", String::as_str);
    if !(value.is_empty() || value.starts_with('$') || is_triple(value)) {
        return None;
    }
    let body = body.trim_end().strip_suffix("esac")?;
    let branch = body.split(";;").find_map(|arm| {
        let (patterns, commands) = arm.split_once(')')?;
        patterns
            .split('|')
            .any(|p| glob(p.trim().trim_matches(['"', '\'']), TRIPLE))
            .then(|| commands.to_string())
    })?;
    let mut vars = vars.clone();
    vars.insert(name.to_string(), TRIPLE.to_string());
    Some((branch, vars))
}

/// Whether `value` reads as a target triple (`arch-vendor-os[-env]`).
fn is_triple(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    parts.len() >= 3
        && ["linux", "darwin", "windows", "freebsd", "android"]
            .iter()
            .any(|os| parts.contains(os))
}

/// Whether `text` matches the shell pattern `pattern` (`*` and `?`; no classes).
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => {
            pattern.len() == text.len()
                && pattern
                    .chars()
                    .zip(text.chars())
                    .all(|(p, t)| p == '?' || p == t)
        }
        Some((head, tail)) => {
            text.len() >= head.len()
                && glob(head, &text[..head.len()])
                && (0..=text.len() - head.len())
                    .any(|skip| glob(tail, &text[head.len() + skip..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUICKWIT: &str = "help:\n\t@grep '^[^\\.#[:space:]].*:' Makefile\n\nTARGET ?= x86_64-unknown-linux-gnu\n.PHONY: build\nbuild: build-ui\n\t@echo \"Building binary for target=${TARGET}\"\n\t@which cross > /dev/null 2>&1 || (echo \"Cross is not installed. Please install using 'cargo install cross'.\" && exit 1)\n\t@case \"${TARGET}\" in \\\n\t\t*musl ) \\\n\t\t\tcross build --release --features release-feature-set --target ${TARGET}; \\\n\t\t;; \\\n\t\t* ) \\\n\t\t\tcross build --release --features release-feature-vendored-set --target ${TARGET}; \\\n\t\t;; \\\n\tesac\n\n.PHONY: build-ui\nbuild-ui:\n\tNODE_ENV=production cd quickwit-ui && $(MAKE) install build\n";

    #[test]
    fn the_glibc_branch_of_a_case_on_the_target() {
        let found = builds("Makefile", QUICKWIT);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].features, ["release-feature-vendored-set"]);
        assert_eq!(found[0].evidence.line, Some(14));
        assert!(found[0].evidence.detail.starts_with("make build: cross build --release"));
        let musl = QUICKWIT.replace("?= x86_64-unknown-linux-gnu", "?= x86_64-unknown-linux-musl");
        assert_eq!(builds("Makefile", &musl)[0].features, ["release-feature-vendored-set"]);
    }

    #[test]
    fn release_goals_prerequisites_and_defaults() {
        let text = "FEATURES ?= jemalloc\nPROFILE ?= release\n.DEFAULT_GOAL := help\nhelp:\n\t@echo help\ndefault: release\nrelease: release-bin\nrelease-bin:\n\t@cargo build --profile \"$(PROFILE)\" -p server --bin srv --features \"$(FEATURES)\"\ntest:\n\tcargo build --release --features test-only\n";
        let found = builds("Makefile", text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].bin.as_deref(), Some("srv"));
        assert_eq!(found[0].package.as_deref(), Some("server"));
        assert_eq!(found[0].features, ["jemalloc"]);
        assert!(found[0].evidence.detail.starts_with("make release: cargo build"));
    }

    #[test]
    fn builds_passed_over() {
        let text = "TARGET ?= debug\nLIST := $(shell ls)\nall: build\nbuild:\nifeq (${TARGET}, release)\n\tcargo build --release --features full\nendif\ninstall:\n\tcargo install cargo-audit\n\tcargo build --features dev\n\tcargo build --release --target x86_64-unknown-linux-musl\n\tcd web && cargo build --release\n\tcargo build --release --features $(LIST)\n\tcargo +nightly build --release $(if $(X),--features x)\n";
        assert!(builds("Makefile", text).is_empty());
        let undefined = "install:\n\tcargo install --path app --locked --features \"$(FEATURES)\" $(EXTRA)\n";
        let found = builds("Makefile", undefined);
        assert_eq!(found.len(), 1);
        assert!(found[0].features.is_empty());
        assert_eq!(found[0].path.as_deref(), Some("app"));
        let unsettled = "FEATURES ?= a\nFEATURES += b\nrelease:\n\tcargo build --release --features \"$(FEATURES)\"\n";
        assert!(builds("Makefile", unsettled).is_empty());
        let conditional = "ifeq ($(X),1)\nrelease:\n\tcargo build --release --features a\nendif\n";
        assert!(builds("Makefile", conditional).is_empty());
    }

    #[test]
    fn shell_patterns() {
        assert!(glob("*musl", "x86_64-unknown-linux-musl"));
        assert!(!glob("*musl", TRIPLE));
        assert!(glob("*", TRIPLE));
        assert!(glob("x86_64-*-linux-gnu", TRIPLE));
        assert!(glob("*-linux-gnu*", TRIPLE));
        assert!(!glob("aarch64*", TRIPLE));
    }
}
