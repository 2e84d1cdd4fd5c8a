//! How every test runs the binary: one builder that starts from the shiplight cargo built with
//! none of the developer's `SHIPLIGHT_*` variables (each test sets the ones it means) and the
//! cargo metadata reading off, and that checks the exit code and hands back stdout and stderr.

use std::ffi::OsStr;
use std::process::Command;

/// A run of the shiplight binary being built.
pub struct Shiplight {
    command: Command,
}

/// What a finished run printed, and its exit code (-1 when a signal ended it).
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The shiplight binary with every `SHIPLIGHT_*` variable of this process removed and
/// `SHIPLIGHT_CARGO_METADATA=never` (the plain reading is what the tests pin down).
pub fn shiplight() -> Shiplight {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shiplight"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SHIPLIGHT_") {
            command.env_remove(name);
        }
    }
    command.env("SHIPLIGHT_CARGO_METADATA", "never");
    Shiplight { command }
}

impl Shiplight {
    /// Adds one argument.
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Self {
        self.command.arg(arg);
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(&mut self, args: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    /// Sets a variable for this run.
    pub fn env(&mut self, name: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Self {
        self.command.env(name, value);
        self
    }

    /// Removes a variable for this run (`SHIPLIGHT_CARGO_METADATA`, to get the default).
    pub fn env_remove(&mut self, name: impl AsRef<OsStr>) -> &mut Self {
        self.command.env_remove(name);
        self
    }

    /// Runs to the end, whatever the exit code.
    pub fn output(&mut self) -> Run {
        let output = self
            .command
            .output()
            .unwrap_or_else(|err| panic!("{:?}: {err}", self.command));
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Runs to the end, which must be exit code `code`.
    pub fn status(&mut self, code: i32) -> Run {
        let run = self.output();
        assert_eq!(
            run.code, code,
            "{:?}\nstdout: {}\nstderr: {}",
            self.command, run.stdout, run.stderr
        );
        run
    }

    /// Runs to the end, which must be a success.
    pub fn run(&mut self) -> Run {
        self.status(0)
    }

    /// The command itself, for a run the builder does not drive (a pseudo-terminal, a timed
    /// child).
    pub fn command(self) -> Command {
        self.command
    }
}

/// A `SHIPLIGHT_*` variable of the developer's environment changes nothing in a run: a port that
/// is not one would refuse the project if it reached the binary.
#[test]
fn the_developers_shiplight_variables_never_reach_a_run() {
    let project = crate::common::fixture("go-basic");
    let refused = shiplight()
        .args(["init", "--stdout"])
        .arg(&project)
        .env("SHIPLIGHT_PORT", "not-a-port")
        .status(2);
    assert!(refused.stderr.contains("SHIPLIGHT_PORT"), "{refused:?}");
    // SAFETY: every run of this binary reads the environment through std, which serialises
    // reads with this write; no test thread reads it through libc directly.
    unsafe { std::env::set_var("SHIPLIGHT_PORT", "not-a-port") };
    let run = shiplight()
        .args(["init", "--stdout"])
        .arg(&project)
        .output();
    unsafe { std::env::remove_var("SHIPLIGHT_PORT") };
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("EXPOSE 8080"), "{}", run.stdout);
}
