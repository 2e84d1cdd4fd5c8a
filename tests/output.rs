//! Output that fits pipes and CI: the global `--quiet`, `--verbose` and `--color` flags, a
//! reader that goes away, `init --stdout` into a file, man pages for every subcommand, JSON
//! documents and errors, and the messages that list choices.

use crate::common::{fixture, project};
use crate::harness::shiplight;
use std::process::Stdio;

/// A reader that has gone (`shiplight explain . | head -1`) ends the run as it ends `cat`:
/// killed by SIGPIPE (the shell's status 141), with nothing on standard error.
#[test]
fn a_closed_pipe_ends_the_run_quietly_by_sigpipe() {
    use std::os::unix::process::ExitStatusExt;
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut command = shiplight().command();
    command
        .args(["explain", &fixture("go-basic")])
        .stdout(writer)
        .stderr(Stdio::piped());
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.signal(),
        Some(libc::SIGPIPE),
        "{:?}: {stderr}",
        output.status
    );
    assert!(stderr.is_empty(), "{stderr}");
}

/// `init --stdout > Dockerfile` writes a Dockerfile, without the `==> Dockerfile <==` line, and
/// says on standard error what it left out; through a pipe every file keeps its line.
#[test]
fn init_stdout_into_a_file_holds_the_dockerfile_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    let mut command = shiplight().command();
    command
        .args(["init", "--stdout", &fixture("go-basic")])
        .stdout(std::fs::File::create(&path).unwrap())
        .stderr(Stdio::piped());
    let output = command.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.starts_with("# syntax="), "{written}");
    assert!(!written.contains("==>"), "{written}");
    assert!(
        !written.contains("\n.git\n"),
        ".dockerignore leaked: {written}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(".dockerignore") && stderr.contains("--only dockerignore"),
        "{stderr}"
    );
    let piped = shiplight()
        .args(["init", "--stdout", &fixture("go-basic")])
        .run();
    assert!(
        piped.stdout.starts_with("==> Dockerfile <==\n"),
        "{}",
        piped.stdout
    );
    assert!(
        piped.stdout.contains("==> .dockerignore <=="),
        "{}",
        piped.stdout
    );
    assert!(piped.stderr.is_empty(), "{}", piped.stderr);
}

/// `--color always` colours the prefixes shiplight writes, never what a repository supplies;
/// `never`, and NO_COLOR in auto mode, print no escape at all.
#[test]
fn color_follows_the_flag_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = dir.path().join("x\u{1b}[2Jy");
    let run = |flags: &[&str], env: &[(&str, &str)]| {
        let mut command = shiplight();
        command.args(flags).args(["init", "--stdout"]).arg(&hostile);
        for (name, value) in env {
            command.env(name, value);
        }
        command.status(2).stderr
    };
    let always = run(&["--color", "always"], &[]);
    assert!(
        always.starts_with("\u{1b}[1;31merror:\u{1b}[0m "),
        "{always:?}"
    );
    assert!(always.contains("x\\u001b[2Jy"), "{always:?}");
    assert_eq!(always.matches('\u{1b}').count(), 2, "{always:?}");
    for plain in [
        run(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]),
        run(&[], &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]),
        run(&[], &[]),
    ] {
        assert!(plain.starts_with("error: "), "{plain:?}");
        assert!(!plain.contains('\u{1b}'), "{plain:?}");
    }
    let forced = run(&[], &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.starts_with("\u{1b}[1;31merror:"), "{forced:?}");
}

/// `--quiet` keeps the output asked for and drops notes and warnings; `--verbose` adds the
/// decision trace on standard error.
#[test]
fn quiet_and_verbose() {
    let quiet = shiplight()
        .args(["init", "--quiet", "--stdout", "--only", "dockerfile"])
        .arg(fixture("node-retired-engines"))
        .run();
    assert!(quiet.stdout.contains("FROM "), "{}", quiet.stdout);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_dir(std::path::Path::new(&fixture("go-basic")), dir.path());
    let written = shiplight().args(["-q", "init"]).arg(dir.path()).run();
    assert!(written.stdout.is_empty(), "{}", written.stdout);
    assert!(dir.path().join("Dockerfile").exists());
    let verbose = shiplight()
        .args(["init", "--verbose", "--stdout", &fixture("go-basic")])
        .run();
    assert!(verbose.stderr.contains(" 1. "), "{}", verbose.stderr);
    assert!(verbose.stderr.contains("go.mod"), "{}", verbose.stderr);
    assert!(verbose.stdout.starts_with("==> Dockerfile <=="));
    let plain = shiplight()
        .args(["init", "--stdout", &fixture("go-basic")])
        .run();
    assert!(plain.stderr.is_empty(), "{}", plain.stderr);
}

/// `man --dir` writes a page for shiplight and for every subcommand, nested ones included, and
/// every page a page names exists; `man SUBCOMMAND` prints one.
#[test]
fn every_man_page_named_is_written() {
    let dir = tempfile::tempdir().unwrap();
    shiplight().args(["man", "--dir"]).arg(dir.path()).run();
    let pages: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    for page in [
        "shiplight.1",
        "shiplight-init.1",
        "shiplight-check.1",
        "shiplight-verify.1",
        "shiplight-templates.1",
        "shiplight-templates-export.1",
        "shiplight-man.1",
    ] {
        assert!(
            pages.contains(&page.to_string()),
            "{page} missing: {pages:?}"
        );
    }
    for page in &pages {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        let text = text.replace("\\-", "-");
        for (at, _) in text.match_indices("(1)") {
            let name = text[..at]
                .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .next()
                .unwrap();
            assert!(
                pages.contains(&format!("{name}.1")),
                "{page} names {name}(1), which is not written"
            );
        }
    }
    let top = shiplight().arg("man").run().stdout;
    assert!(top.contains("shiplight\\-init(1)") && !top.contains("shiplight\\-help(1)"));
    let export = shiplight()
        .args(["man", "templates", "export"])
        .run()
        .stdout;
    assert!(
        export.contains("shiplight\\-templates\\-export"),
        "{export}"
    );
    let wrong = shiplight().args(["man", "nope"]).status(2);
    assert!(wrong.stderr.contains("init"), "{}", wrong.stderr);
}

/// `templates export` has no --stdout, and its refusal does not offer one.
#[test]
fn templates_export_suggests_only_what_it_has() {
    let dir = tempfile::tempdir().unwrap();
    shiplight()
        .args(["templates", "export"])
        .arg(dir.path())
        .run();
    let again = shiplight()
        .args(["templates", "export"])
        .arg(dir.path())
        .status(1);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert!(!again.stderr.contains("--stdout"), "{}", again.stderr);
    let project = tempfile::tempdir().unwrap();
    crate::common::copy_dir(std::path::Path::new(&fixture("go-basic")), project.path());
    shiplight().arg("init").arg(project.path()).run();
    let init = shiplight().arg("init").arg(project.path()).status(1);
    assert!(init.stderr.contains("--stdout"), "{}", init.stderr);
}

/// A stack asked for that the project is not says which was asked for, that its manifest is
/// missing, what the project is, and the two ways out.
#[test]
fn a_stack_asked_for_that_is_not_there_names_the_one_found() {
    let run = shiplight()
        .args(["init", "--stdout", "--stack", "rust", &fixture("go-basic")])
        .status(2);
    let err = run.stderr;
    assert!(!err.contains("no supported project found"), "{err}");
    assert!(err.contains("Rust stack was asked for"), "{err}");
    assert!(err.contains("no Cargo.toml"), "{err}");
    assert!(
        err.contains("Go project") && err.contains("--stack go"),
        "{err}"
    );
}

/// A Maven profile no pom declares is refused, listing the ones that exist.
#[test]
fn an_unknown_profile_is_refused_with_the_profiles_declared() {
    let run = shiplight()
        .args(["init", "--stdout", "--profile", "nope"])
        .arg(fixture("java-shade-profile"))
        .status(2);
    assert!(run.stderr.contains("--profile nope"), "{}", run.stderr);
    assert!(run.stderr.contains("fat"), "{}", run.stderr);
    shiplight()
        .args(["init", "--stdout", "--profile", "fat"])
        .arg(fixture("java-shade-profile"))
        .run();
}

/// A reactor of nine modules that all lack a runnable artefact is refused with the modules one
/// per line and the advice once.
#[test]
fn a_long_refusal_lists_choices_one_per_line_and_advice_once() {
    let modules: String = (1..=9)
        .map(|i| format!("<module>module-{i}</module>"))
        .collect();
    let parent = format!(
        "<project><modelVersion>4.0.0</modelVersion><groupId>x</groupId><artifactId>parent</artifactId><version>1</version><packaging>pom</packaging><modules>{modules}</modules></project>\n"
    );
    let mut files = vec![("pom.xml".to_string(), parent)];
    for i in 1..=9 {
        files.push((
            format!("module-{i}/pom.xml"),
            format!("<project><modelVersion>4.0.0</modelVersion><parent><groupId>x</groupId><artifactId>parent</artifactId><version>1</version></parent><artifactId>module-{i}</artifactId></project>\n"),
        ));
        files.push((
            format!("module-{i}/src/main/java/x/A{i}.java"),
            format!(
                "package x; public class A{i} {{ public static void main(String[] a) {{}} }}\n"
            ),
        ));
    }
    let err = refused_init(&files);
    assert_eq!(err.matches("maven-shade-plugin").count(), 1, "{err}");
    for i in 1..=9 {
        assert!(
            err.contains(&format!("\n  module-{i}\n"))
                || err.ends_with(&format!("\n  module-{i}\n")),
            "{err}"
        );
    }
    assert!(err.lines().all(|line| line.len() < 300), "{err}");
}

/// What `init --stdout` prints on standard error when it refuses (exit 2) a project of
/// `files`, given as owned (path, text) pairs.
fn refused_init(files: &[(String, String)]) -> String {
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let dir = project(&files);
    shiplight()
        .args(["init", "--stdout"])
        .arg(dir.path())
        .status(2)
        .stderr
}

/// Several choices that do not fit one short line are listed one per line.
#[test]
fn many_candidates_are_listed_one_per_line() {
    let files: Vec<(String, String)> = (1..=6)
        .flat_map(|i| {
            [(
                format!("cmd/service-number-{i}/main.go"),
                "package main\n\nfunc main() {}\n".to_string(),
            )]
        })
        .chain([(
            "go.mod".to_string(),
            "module example.com/many\n\ngo 1.22\n".to_string(),
        )])
        .collect();
    let err = refused_init(&files);
    for i in 1..=6 {
        assert!(
            err.contains(&format!("\n  ./cmd/service-number-{i}\n")),
            "{err}"
        );
    }
    assert_eq!(err.matches("Choose one with").count(), 1, "{err}");
}

/// Every `--json` document carries `schema_version: 1`, and an error in JSON mode is JSON on
/// standard error with the exit code.
#[test]
fn json_documents_and_errors_carry_the_schema_version() {
    for command in [["detect", "--json"], ["explain", "--json"]] {
        let run = shiplight().args(command).arg(fixture("go-basic")).run();
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(doc["schema_version"], 1, "{command:?}");
    }
    let missing = shiplight()
        .args(["explain", "--json", "/nonexistent/project"])
        .status(2);
    assert!(missing.stdout.is_empty());
    let err: serde_json::Value = serde_json::from_str(&missing.stderr).unwrap();
    assert_eq!(err["schema_version"], 1);
    assert_eq!(err["error"]["code"], 2);
    assert_eq!(err["error"]["kind"], "usage");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/nonexistent/project")
    );
    let refused = shiplight()
        .args(["explain", "--json", "--stack", "rust", &fixture("go-basic")])
        .status(2);
    let err: serde_json::Value = serde_json::from_str(&refused.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "detect");
}
