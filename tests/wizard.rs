//! The interactive `init`, driven for real in a pseudo-terminal, and the unattended runs that
//! must never wait for an answer.

use crate::common::copy_dir;
use crate::harness::shiplight;
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
        .exp_string("Several main packages found. Which one?")
        .unwrap();
    session.exp_string("./cmd/worker").unwrap();
    session.send("j").unwrap();
    session.send("\r").unwrap();
    session.flush().unwrap();
    session.exp_string("Image vendor").unwrap();
    session.send("\r").unwrap();
    session.flush().unwrap();
    session.exp_string("Runtime image family").unwrap();
    session.send("\r").unwrap();
    session.flush().unwrap();
    session
        .exp_string("Port the application listens on")
        .unwrap();
    session.send("8081\r").unwrap();
    session.flush().unwrap();
    session.exp_string("==> Dockerfile (preview) <==").unwrap();
    session.exp_string("Write the files?").unwrap();
    session.send("y").unwrap();
    session.flush().unwrap();
    session.exp_string("wrote").unwrap();
    session.exp_eof().unwrap();

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

#[test]
fn wizard_confirms_each_existing_file() {
    let (_keep, project) = fixture_copy("go-basic");
    std::fs::write(project.join("Dockerfile"), "FROM scratch\n").unwrap();
    let mut session = spawn(&["init", project.to_str().unwrap(), "--vendor", "chainguard"]);
    session.exp_string("Runtime image family").unwrap();
    session.send("\r").unwrap();
    session.flush().unwrap();
    session.exp_string("Write the files?").unwrap();
    session.send("y").unwrap();
    session.flush().unwrap();
    session.exp_string("exists. Replace it?").unwrap();
    session.send("n").unwrap();
    session.flush().unwrap();
    session.exp_string("kept").unwrap();
    session.exp_eof().unwrap();
    assert_eq!(
        std::fs::read_to_string(project.join("Dockerfile")).unwrap(),
        "FROM scratch\n"
    );
    assert!(project.join(".dockerignore").exists());
    let config = std::fs::read_to_string(project.join("shiplight.toml")).unwrap();
    assert!(config.contains("vendor = \"chainguard\""), "{config}");
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
    session.exp_string("Write the files?").unwrap();
    session.send("y").unwrap();
    session.flush().unwrap();
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
