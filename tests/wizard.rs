//! The interactive `init`, driven for real in a pseudo-terminal, and the unattended runs that
//! must never wait for an answer.

use crate::common::copy_dir;
use crate::harness::shiplight;
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn fixture_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join(name);
    copy_dir(&source, &target);
    (dir, target)
}

fn spawn(args: &[&str]) -> PtySession {
    let mut command = shiplight();
    command.args(args).env("TERM", "xterm").env("NO_COLOR", "1");
    spawn_command(command.command(), Some(10_000)).unwrap()
}

#[test]
fn wizard_asks_what_is_open_previews_and_writes() {
    let (_keep, project) = fixture_copy("go-cmd-multi");
    let mut session = spawn(&["init", project.to_str().unwrap()]);
    session
        .exp_string("Several main packages found. Which one?\r\n")
        .unwrap();
    session.exp_string("./cmd/worker").unwrap();
    session.send("j").unwrap();
    session.send("\r").unwrap();
    session.flush().unwrap();
    let before = session.exp_string("Which image vendor?").unwrap();
    assert!(!before.contains("vendor distroless"), "{before}");
    session.send("\r").unwrap();
    session.flush().unwrap();
    answer(&mut session, "Which runtime image?", "\r");
    answer(
        &mut session,
        "Which port does the application listen on?",
        "8081\r",
    );
    session.exp_string("Go project, vendor distroless").unwrap();
    session.exp_string("==> Dockerfile (preview) <==").unwrap();
    answer(&mut session, "Write the files?", "y");
    session.exp_string("wrote").unwrap();
    session.exp_eof().unwrap();
    assert_eq!(exit_code(&session), Some(0));

    let dockerfile = std::fs::read_to_string(project.join("Dockerfile")).unwrap();
    assert!(
        dockerfile.contains("-o /out/worker ./cmd/worker"),
        "{dockerfile}"
    );
    assert!(dockerfile.contains("\nEXPOSE 8081\n"), "{dockerfile}");
    let config = std::fs::read_to_string(project.join("shiplight.toml")).unwrap();
    assert!(config.contains("go-main = \"./cmd/worker\""), "{config}");
    assert!(config.contains("vendor = \"distroless\""), "{config}");
    assert!(config.contains("port = 8081"), "{config}");

    shiplight().arg("check").arg(&project).run();
}

/// Waits for `question`, then types `keys`.
fn answer(session: &mut PtySession, question: &str, keys: &str) {
    session.exp_string(question).unwrap();
    session.send(keys).unwrap();
    session.flush().unwrap();
}

/// The exit code of the ended process, `None` when a signal ended it.
fn exit_code(session: &PtySession) -> Option<i32> {
    match session.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => Some(code),
        _ => None,
    }
}

/// Ctrl-C at a menu ends the wizard with the cursor shown again and the status of an
/// interrupt; Esc, `q` and Ctrl-D end it with status 1; nothing is written either way.
#[test]
fn cancel_keys_end_the_wizard_with_the_terminal_restored() {
    for (key, status) in [("\x03", 130), ("\x1b", 1), ("q", 1), ("\x04", 1)] {
        let (_keep, project) = fixture_copy("go-cmd-multi");
        let mut session = spawn(&["init", project.to_str().unwrap()]);
        answer(&mut session, "Which one?", key);
        session.exp_string("\x1b[?25h").unwrap();
        session
            .exp_string("cancelled: nothing was written")
            .unwrap();
        session.exp_eof().unwrap();
        assert_eq!(exit_code(&session), Some(status), "{key:?}");
        assert!(!project.join("Dockerfile").exists(), "{key:?}");
        assert!(!project.join("shiplight.toml").exists(), "{key:?}");
    }
}

/// Ctrl-D and Ctrl-C where the wizard asks for text, and Esc at the last question.
#[test]
fn cancel_keys_end_text_questions_and_the_confirmation() {
    for (key, status) in [("\x04", 1), ("\x03", 130)] {
        let (_keep, project) = fixture_copy("go-cmd-multi");
        let mut session = spawn(&[
            "init",
            project.to_str().unwrap(),
            "--go-main",
            "./cmd/worker",
            "--vendor",
            "distroless",
            "--runtime",
            "static",
        ]);
        answer(&mut session, "Which port", key);
        session
            .exp_string("cancelled: nothing was written")
            .unwrap();
        session.exp_eof().unwrap();
        assert_eq!(exit_code(&session), Some(status));
    }
    let (_keep, project) = fixture_copy("go-basic");
    let mut session = spawn(&[
        "init",
        project.to_str().unwrap(),
        "--vendor",
        "distroless",
        "--runtime",
        "static",
    ]);
    answer(&mut session, "Write the files?", "\x1b");
    session
        .exp_string("cancelled: nothing was written")
        .unwrap();
    session.exp_eof().unwrap();
    assert_eq!(exit_code(&session), Some(1));
    assert!(!project.join("Dockerfile").exists());
}

/// After Chainguard is chosen, the runtime images offered are Chainguard's, named as such.
#[test]
fn runtime_choices_follow_the_chosen_vendor() {
    let (_keep, project) = fixture_copy("go-basic");
    let mut session = spawn(&["init", project.to_str().unwrap()]);
    session.exp_string("Which image vendor?").unwrap();
    session.send("j").unwrap();
    session.send("\r").unwrap();
    session.flush().unwrap();
    session.exp_string("Which runtime image?").unwrap();
    session
        .exp_string("> cgr.dev/chainguard/static (the smallest that runs it)")
        .unwrap();
    answer(&mut session, "  cgr.dev/chainguard/glibc-dynamic", "\r");
    let explained = session.exp_string("Write the files?").unwrap();
    assert!(
        explained.contains("Go project, vendor chainguard"),
        "{explained}"
    );
    assert!(
        explained.contains("runtime: cgr.dev/chainguard/static:latest"),
        "{explained}"
    );
    session.send("n").unwrap();
    session.flush().unwrap();
    session.exp_string("nothing was written").unwrap();
    session.exp_eof().unwrap();
}

/// "yes" writes the files; files that exist are replaced after one question, whose default
/// keeps them and says so.
#[test]
fn yes_writes_the_files_asking_once_about_those_that_exist() {
    for (key, replaced) in [("y", true), ("\r", false)] {
        let (_keep, project) = fixture_copy("go-basic");
        std::fs::write(project.join("Dockerfile"), "FROM scratch\n").unwrap();
        std::fs::write(project.join(".dockerignore"), "*\n").unwrap();
        let mut session = spawn(&["init", project.to_str().unwrap(), "--vendor", "chainguard"]);
        answer(&mut session, "Which runtime image?", "\r");
        answer(&mut session, "Write the files? [Y/n]", "\r");
        answer(
            &mut session,
            "Dockerfile, .dockerignore already exist. Replace them? [y/N]",
            key,
        );
        let rest = session.exp_eof().unwrap();
        assert!(!rest.contains("Replace"), "{rest}");
        assert_eq!(exit_code(&session), Some(0));
        assert!(rest.contains("wrote"), "{rest}");
        let dockerfile = std::fs::read_to_string(project.join("Dockerfile")).unwrap();
        assert_eq!(dockerfile != "FROM scratch\n", replaced, "{rest}");
        if !replaced {
            assert!(rest.contains("kept"), "{rest}");
            assert!(rest.contains("--force replaces it"), "{rest}");
        }
        let config = std::fs::read_to_string(project.join("shiplight.toml")).unwrap();
        assert!(config.contains("vendor = \"chainguard\""), "{config}");
    }
}

#[test]
fn yes_in_a_terminal_never_asks() {
    let (_keep, project) = fixture_copy("go-cmd-multi");
    let mut session = spawn(&["init", project.to_str().unwrap(), "--yes"]);
    session
        .exp_string("Choose one with --go-main, `go-main` in shiplight.toml or SHIPLIGHT_GO_MAIN")
        .unwrap();
    session.exp_eof().unwrap();
    assert!(!project.join("Dockerfile").exists());
}

/// Without a terminal, an open choice is an exit 2 naming every way to settle it, at once.
#[test]
fn unattended_runs_finish_within_seconds() {
    for (fixture, wanted) in [
        (
            "go-cmd-multi",
            "--go-main, `go-main` in shiplight.toml or SHIPLIGHT_GO_MAIN",
        ),
        (
            "rust-workspace",
            "--rust-bin, `rust-bin` in shiplight.toml or SHIPLIGHT_RUST_BIN",
        ),
        (
            "node-workspaces",
            "--package, `package` in shiplight.toml or SHIPLIGHT_PACKAGE",
        ),
        (
            "java-multimodule",
            "--package, `package` in shiplight.toml or SHIPLIGHT_PACKAGE",
        ),
    ] {
        let (_keep, project) = fixture_copy(fixture);
        let started = Instant::now();
        let mut command = shiplight();
        command.args(["init", project.to_str().unwrap()]);
        let mut child = command
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(5) {
                child.kill().unwrap();
                panic!("{fixture}: init waited for input without a terminal");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(status.code(), Some(2), "{fixture}: {stderr}");
        assert!(stderr.contains(wanted), "{fixture}: {stderr}");
        assert!(!project.join("Dockerfile").exists(), "{fixture}");
    }
}

#[test]
fn wizard_asks_for_the_start_command_where_detection_finds_none() {
    let (_keep, project) = fixture_copy("python-start-only");
    std::fs::remove_file(project.join("shiplight.toml")).unwrap();
    let mut session = spawn(&[
        "init",
        project.to_str().unwrap(),
        "--vendor",
        "distroless",
        "--runtime",
        "language",
    ]);
    session
        .exp_string("What is the command to run your app?")
        .unwrap();
    session
        .send("uvicorn orders.webapi.routes_v2:api --host 0.0.0.0 --port 8000\r")
        .unwrap();
    session.flush().unwrap();
    session.exp_string("==> Dockerfile (preview) <==").unwrap();
    answer(&mut session, "Write the files?", "y");
    session.exp_string("wrote").unwrap();
    session.exp_eof().unwrap();

    let config = std::fs::read_to_string(project.join("shiplight.toml")).unwrap();
    assert!(
        config.contains(
            r#"start = ["uvicorn", "orders.webapi.routes_v2:api", "--host", "0.0.0.0", "--port", "8000"]"#
        ),
        "{config}"
    );
    shiplight().arg("check").arg(&project).run();
    // The Dockerfile is the one the real-build suite builds and runs for the same project.
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/apps/python-start-only");
    let expected = shiplight()
        .args(["init", "--stdout", "--only", "dockerfile"])
        .arg(&built)
        .run()
        .stdout;
    assert_eq!(
        std::fs::read_to_string(project.join("Dockerfile")).unwrap(),
        expected
    );
}
