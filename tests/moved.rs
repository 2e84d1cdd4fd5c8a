//! `check` sees what moved: shiplight.toml holds only what a person chose, so a manifest change
//! that changes a decision makes `check` fail, naming the file line that decides it now (or the
//! one that decided it before); a key the person set survives `init --force`; a language version
//! the catalogue does not know is refused with the ones it knows.

use crate::common::copy_dir;
use crate::harness::shiplight;
use std::path::{Path, PathBuf};

fn copy(fixture: &str) -> (tempfile::TempDir, PathBuf) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join(fixture);
    copy_dir(&source, &target);
    (dir, target)
}

fn init(project: &Path, extra: &[&str]) {
    let result = shiplight()
        .arg("init")
        .arg(project)
        .arg("--yes")
        .args(extra)
        .output();
    assert_eq!(result.code, 0, "{}", result.stderr);
}

fn edit(project: &Path, file: &str, from: &str, to: &str) {
    let path = project.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file}: {text}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// `check`'s output, asserting it exits `code`.
fn check(project: &Path, code: i32) -> String {
    let result = shiplight().arg("check").arg(project).output();
    assert_eq!(result.code, code, "{}{}", result.stdout, result.stderr);
    result.stdout
}

/// The lines of `check` that name what moved.
fn moved(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .map(str::trim)
        .collect()
}

#[test]
fn a_changed_manifest_line_fails_check_naming_it() {
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            "go-cgo",
            "go.mod",
            "go 1.26",
            "go 1.27",
            "Go version for the builder? 1.26 -> 1.27: go.mod:3: go directive",
        ),
        (
            "go-cgo",
            "internal/native/native.go",
            "import \"C\"",
            "import \"os\"",
            "Does the main package need cgo? yes -> no: internal/native/native.go:7: import \"C\" no longer decides it",
        ),
        (
            "node-typescript",
            "package.json",
            "\"node\": \">=22.12\"",
            "\"node\": \">=26\"",
            "Node major for the runtime? 22 -> 26: package.json:10: node: \">=26\" (was package.json:10: node: \">=22.12\")",
        ),
        (
            "python-needs-314",
            "pyproject.toml",
            "requires-python = \">=3.14\"",
            "requires-python = \">=3.11\"",
            "pyproject.toml:4: requires-python",
        ),
    ];
    for (fixture, file, from, to, named) in cases {
        let (_keep, project) = copy(fixture);
        init(&project, &[]);
        check(&project, 0);
        edit(&project, file, from, to);
        let stdout = check(&project, 1);
        let lines = moved(&stdout);
        assert!(
            lines.iter().any(|line| line.contains(named)),
            "{fixture}, {file}: {named:?} not among {lines:#?}\n{stdout}"
        );
        assert!(stdout.contains("what decides differently now"), "{stdout}");
    }
}

#[test]
fn an_added_cgo_import_fails_check_naming_its_line() {
    let (_keep, project) = copy("go-basic");
    init(&project, &[]);
    std::fs::write(
        project.join("native.go"),
        "package main\n\n// int answer(void) { return 42; }\nimport \"C\"\n",
    )
    .unwrap();
    let stdout = check(&project, 1);
    assert!(
        moved(&stdout)
            .contains(&"Does the main package need cgo? -> yes: native.go:4: import \"C\" (new)"),
        "{stdout}"
    );
}

#[test]
fn a_line_that_only_moves_is_no_drift() {
    let (_keep, project) = copy("go-cgo");
    init(&project, &[]);
    edit(&project, "go.mod", "go 1.26", "\n// a comment\ngo 1.26");
    let stdout = check(&project, 0);
    assert!(stdout.contains("up to date"), "{stdout}");
}

#[test]
fn shiplight_toml_holds_only_choices_and_a_chosen_key_survives_init_force() {
    let (_keep, project) = copy("go-cgo");
    init(&project, &[]);
    let written = std::fs::read_to_string(project.join("shiplight.toml")).unwrap();
    for detected in ["lang-version", "runtime", "go-main", "stack"] {
        assert!(!written.contains(detected), "{written}");
    }
    std::fs::write(
        project.join("shiplight.toml"),
        "# chosen by hand\nlang-version = \"1.26\"\nport = 9999\n",
    )
    .unwrap();
    init(&project, &["--force"]);
    let written = std::fs::read_to_string(project.join("shiplight.toml")).unwrap();
    assert!(
        written.contains("lang-version = \"1.26\"\n") && written.contains("port = 9999\n"),
        "{written}"
    );
    // The chosen version stays when go.mod moves: nothing drifts.
    edit(&project, "go.mod", "go 1.26", "go 1.27");
    check(&project, 0);
}

#[test]
fn language_versions_the_catalogue_does_not_know_are_refused_with_those_it_does() {
    for (fixture, version, known) in [
        ("go-basic", "1.2", "1.26, 1.27"),
        ("rust-basic", "1.80", "1.89 to 1.97"),
        ("node-typescript", "19", "22, 24, 26"),
        ("java-single-main", "9", "a published Java runtime major"),
    ] {
        let (_keep, project) = copy(fixture);
        let result = shiplight()
            .arg("init")
            .arg(&project)
            .args(["--stdout", "--lang-version", version])
            .output();
        assert_eq!(result.code, 2, "{fixture} {version}: {}", result.stdout);
        assert!(
            result.stderr.contains(known),
            "{fixture} {version}: {}",
            result.stderr
        );
    }
}

#[test]
fn an_older_shiplight_toml_follows_detection_where_it_equals_it_and_check_names_the_rest() {
    let (_keep, project) = copy("go-cgo");
    init(&project, &[]);
    let older = "# shiplight.toml: the inputs of every decision shiplight made for this project. `shiplight init`\n\
                 # and `shiplight check` read it, so the generated files are reproduced byte for byte.\n\n\
                 stack = \"go\"\nvendor = \"distroless\"\nruntime = \"base\"\nlang-version = \"1.26\"\ngo-main = \".\"\n";
    std::fs::write(project.join("shiplight.toml"), older).unwrap();
    let result = shiplight().arg("check").arg(&project).output();
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    assert!(
        result
            .stderr
            .contains("runtime = \"base\", lang-version = \"1.26\", go-main = \".\" equal what detection finds"),
        "{}",
        result.stderr
    );
    // The recorded runtime follows the project: the cgo import removed, the runtime moves.
    edit(
        &project,
        "internal/native/native.go",
        "import \"C\"",
        "import \"os\"",
    );
    edit(&project, "go.mod", "go 1.26", "go 1.27");
    let stdout = check(&project, 1);
    assert!(
        stdout.contains("Does the main package need cgo? yes -> no"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "lang-version = \"1.26\" (detection finds \"1.27\"), written by an older shiplight"
        ),
        "{stdout}"
    );
    // init --force rewrites it with the value that differs, now a choice, and check passes.
    init(&project, &["--force"]);
    let written = std::fs::read_to_string(project.join("shiplight.toml")).unwrap();
    assert!(
        written.ends_with("\nlang-version = \"1.26\"\n"),
        "{written}"
    );
    check(&project, 0);
}

#[test]
fn a_new_main_package_beside_the_detected_one_fails_check_naming_both() {
    let (_keep, project) = copy("go-cmd-multi");
    let worker = project.join("cmd/worker");
    let aside = project.with_file_name("worker-aside");
    std::fs::rename(&worker, &aside).unwrap();
    init(&project, &[]);
    std::fs::rename(&aside, &worker).unwrap();
    let stdout = check(&project, 1);
    assert!(
        stdout.contains("several main packages: ./cmd/api, ./cmd/worker"),
        "{stdout}"
    );
    assert!(stdout.contains("drift: a choice"), "{stdout}");
}
