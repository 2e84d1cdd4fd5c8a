//! The container engine `verify` drives (docker with BuildKit, or podman), and the record of
//! what it made there, removed when `verify` ends.

use crate::error::Error;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A container engine's command.
#[derive(Debug, Clone)]
pub struct Engine {
    command: String,
}

/// What a build is given: the context, the Dockerfile's text (on standard input) and the
/// `--secret` values of the credential files its install steps mount.
pub struct Job<'a> {
    pub context: &'a Path,
    pub dockerfile: &'a str,
    pub secrets: Vec<String>,
}

impl Engine {
    /// The engine named, else docker when it answers, else podman; none is a usage error.
    pub fn find(named: Option<&Path>) -> Result<Engine, Error> {
        let candidates: Vec<String> = match named {
            Some(path) => vec![path.display().to_string()],
            None => vec!["docker".to_string(), "podman".to_string()],
        };
        for candidate in &candidates {
            let engine = Engine {
                command: candidate.clone(),
            };
            if engine.quiet(&["info"]) {
                return Ok(engine);
            }
        }
        Err(Error::Usage(format!(
            "no container engine answered (`{} info`): verify builds and runs the image, so it needs Docker with BuildKit or Podman (--engine names another command)",
            candidates.join(" info`, `")
        )))
    }

    /// Runs the engine with no output kept; whether it succeeded.
    pub fn quiet(&self, args: &[&str]) -> bool {
        Command::new(&self.command)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    }

    /// Runs the engine; its standard output, or its error output when it fails.
    pub fn output(&self, args: &[&str]) -> Result<String, String> {
        let result = Command::new(&self.command)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|err| format!("cannot run {}: {err}", self.command))?;
        if result.status.success() {
            Ok(String::from_utf8_lossy(&result.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&result.stderr).trim().to_string())
        }
    }

    /// Runs the engine with its standard output handed to `read` as it comes.
    pub fn stream<T>(
        &self,
        args: &[&str],
        read: impl FnOnce(&mut dyn Read) -> T,
    ) -> Result<T, String> {
        let mut child = Command::new(&self.command)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|err| format!("cannot run {}: {err}", self.command))?;
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let value = read(&mut stdout);
        let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        let status = child.wait().map_err(|err| err.to_string())?;
        if status.success() {
            Ok(value)
        } else {
            Err(format!("{} {} failed", self.command, args.join(" ")))
        }
    }

    /// Builds `job` tagged `tag`, with `extra` options (`--build-arg`, `--target`); the plain
    /// progress log and how long it took, or the log of the failure.
    pub fn build(
        &self,
        job: &Job<'_>,
        tag: &str,
        extra: &[&str],
    ) -> Result<(String, Duration), String> {
        let started = Instant::now();
        let mut command = Command::new(&self.command);
        command.env("DOCKER_BUILDKIT", "1").args([
            "build",
            "--progress=plain",
            "-f",
            "-",
            "-t",
            tag,
        ]);
        for secret in &job.secrets {
            command.args(["--secret", secret]);
        }
        let mut child = command
            .args(extra)
            .arg(job.context)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|err| format!("cannot run {}: {err}", self.command))?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let text = job.dockerfile.to_string();
        let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let mut log = String::new();
        if let Some(mut stdout) = child.stdout.take() {
            let _ = stdout.read_to_string(&mut log);
        }
        let _ = writer.join();
        log.push_str(&reader.join().unwrap_or_default());
        let status = child.wait().map_err(|err| err.to_string())?;
        if status.success() {
            Ok((log, started.elapsed()))
        } else {
            Err(log)
        }
    }
}

/// The `--secret` value giving the project's credential file `file` to a build under `id`,
/// when it is a regular file inside the project.
pub fn secret(repo: &crate::repo::Repo, id: &str, file: &str) -> Option<String> {
    if !repo.is_file(file) {
        return None;
    }
    let real = repo.real(file).ok()??;
    let path: PathBuf = repo.root().join(real);
    Some(format!("id={id},src={}", path.display()))
}

/// Everything `verify` made, removed when it ends unless kept.
pub struct Made {
    engine: Engine,
    containers: Vec<String>,
    networks: Vec<String>,
    images: Vec<String>,
    keep: bool,
}

impl Made {
    /// Nothing made yet; images are kept at the end when `keep`.
    pub fn new(engine: &Engine, keep: bool) -> Made {
        Made {
            engine: engine.clone(),
            containers: Vec::new(),
            networks: Vec::new(),
            images: Vec::new(),
            keep,
        }
    }

    /// Records a container to remove.
    pub fn container(&mut self, id: &str) {
        self.containers.push(id.to_string());
    }

    /// Records a network to remove.
    pub fn network(&mut self, name: &str) {
        self.networks.push(name.to_string());
    }

    /// Records an image to remove unless kept.
    pub fn image(&mut self, tag: &str) {
        self.images.push(tag.to_string());
    }
}

impl Drop for Made {
    fn drop(&mut self) {
        for container in &self.containers {
            self.engine.quiet(&["rm", "-f", container]);
        }
        for network in &self.networks {
            self.engine.quiet(&["network", "rm", network]);
        }
        if !self.keep {
            for image in &self.images {
                self.engine.quiet(&["rmi", "-f", image]);
            }
        }
    }
}
