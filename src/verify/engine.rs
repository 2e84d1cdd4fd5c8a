//! The container engine `verify` drives (docker with BuildKit, or podman), and the record of
//! what it made there, removed when `verify` ends.
//!
//! Every call to the engine goes through one helper: the engine runs in a process group of its
//! own, its output is read on threads, and the call ends when the engine exits, when its time
//! limit passes or when Ctrl-C was pressed; on the last two the whole group is killed and the
//! call says which. Containers are started under names `verify` chose and recorded before the
//! engine is asked, so that [`Made`] removes them by name whatever happened to the call. The
//! calls that clean up have time limits of their own and are not stopped by Ctrl-C.

use crate::error::Error;
use crate::repo::Repo;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a quick question may take (`info`, `inspect`, `port`, `top`, `rm`, `network`).
pub const QUICK: Duration = Duration::from_secs(30);
/// How long creating, starting or stopping a container may take.
pub const START: Duration = Duration::from_secs(60);
/// How long exporting an image's filesystem may take.
pub const EXPORT: Duration = Duration::from_secs(600);
/// How long a program may take to exit on `--help` or `--version`, or the debug variant's
/// shell on `echo`.
pub const ANSWER: Duration = Duration::from_secs(10);

/// How long an application may take to answer, and its health check to turn healthy, unless
/// `--wait` says otherwise.
pub const START_WAIT: Duration = Duration::from_secs(30);

/// How often a running call looks at its child, its deadline and Ctrl-C.
const POLL: Duration = Duration::from_millis(50);

/// A container engine's command, with the limit of its builds and the Ctrl-C flag its calls
/// watch.
#[derive(Clone)]
pub struct Engine {
    command: PathBuf,
    build_limit: Duration,
    interrupted: Arc<AtomicBool>,
    timed_out: Arc<Mutex<Vec<String>>>,
    run: Arc<str>,
    names: Arc<AtomicUsize>,
    run_options: Arc<[String]>,
    progress: Option<Progress>,
    start_wait: Duration,
}

/// What a build's progress lines are handed to, as the engine prints them.
pub type Progress = Arc<dyn Fn(&str) + Send + Sync>;

/// Why an engine call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The engine could not be started.
    Spawn(String),
    /// It exited with a failure; what it printed (its error output, or a build's whole log).
    Exit(String),
    /// It did not end within its limit and was killed.
    TimedOut(Duration),
    /// Ctrl-C was pressed; it was killed.
    Interrupted,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Spawn(text) | Failure::Exit(text) => f.write_str(text),
            Failure::TimedOut(limit) => write!(
                f,
                "it did not end within {} s and was stopped",
                limit.as_secs()
            ),
            Failure::Interrupted => f.write_str("stopped by Ctrl-C"),
        }
    }
}

/// What a build is given: the context, the Dockerfile's text (on standard input) and the
/// `--secret` values of the credential files its install steps mount.
pub struct Job<'a> {
    pub context: &'a Path,
    pub dockerfile: &'a str,
    pub secrets: Vec<String>,
}

/// One call: its arguments, what it is given on standard input, its time limit and whether
/// Ctrl-C stops it.
struct Call<'a> {
    args: &'a [&'a str],
    input: Option<&'a [u8]>,
    limit: Duration,
    abortable: bool,
    /// Handed each line of the error output as it comes (a build's progress).
    progress: Option<Progress>,
}

/// How a call ended when the engine exited by itself: its status, what `read` made of its
/// standard output, and its error output.
struct Ended<T> {
    status: ExitStatus,
    value: T,
    stderr: String,
}

impl Engine {
    /// The engine named, else docker when it answers, else podman; none is a usage error.
    /// Builds may take `build_limit`; every call stops when `interrupted` is set.
    pub fn find(
        named: Option<&Path>,
        build_limit: Duration,
        interrupted: Arc<AtomicBool>,
    ) -> Result<Engine, Error> {
        let run: Arc<str> = format!("{}-{:08x}", std::process::id(), random() as u32).into();
        let candidates: Vec<PathBuf> = match named {
            Some(path) => vec![path.to_path_buf()],
            None => vec![PathBuf::from("docker"), PathBuf::from("podman")],
        };
        let mut answers = Vec::new();
        for candidate in &candidates {
            let engine = Engine {
                command: candidate.clone(),
                build_limit,
                interrupted: interrupted.clone(),
                timed_out: Arc::default(),
                run: run.clone(),
                names: Arc::default(),
                run_options: Arc::new([]),
                progress: None,
                start_wait: START_WAIT,
            };
            match engine.output(&["info"], QUICK) {
                Ok(_) => return Ok(engine),
                Err(Failure::Spawn(_)) => {}
                Err(failure) => answers.push(format!(
                    "`{} info` failed: {}",
                    crate::shown::line(&candidate.display().to_string()),
                    match failure.to_string().trim() {
                        "" => "it exited with a failure and printed nothing".to_string(),
                        text => crate::shown::line(text),
                    }
                )),
            }
            if engine.interrupted() {
                return Err(Error::Usage(
                    "Ctrl-C: stopped while asking for a container engine; nothing was built"
                        .to_string(),
                ));
            }
        }
        let shown: Vec<String> = candidates
            .iter()
            .map(|path| crate::shown::line(&path.display().to_string()))
            .collect();
        let why = if answers.is_empty() {
            String::new()
        } else {
            format!("\n{}", answers.join("\n"))
        };
        Err(Error::Usage(format!(
            "no container engine answered (`{} info`): verify builds and runs the image, so it needs Docker with BuildKit or Podman (--engine names another command){why}",
            shown.join(" info`, `")
        )))
    }

    /// This engine giving an application `wait` to answer, and its health check to turn
    /// healthy, once started.
    pub fn with_start_wait(self, wait: Duration) -> Engine {
        Engine {
            start_wait: wait,
            ..self
        }
    }

    /// How long an application may take to answer, and its health check to turn healthy.
    pub fn start_wait(&self) -> Duration {
        self.start_wait
    }

    /// This engine with `options` (`--env KEY=VALUE`, `--env-file FILE`) given to every run of
    /// the application's own containers.
    pub fn with_run_options(self, options: Vec<String>) -> Engine {
        Engine {
            run_options: options.into(),
            ..self
        }
    }

    /// This engine handing each line of a build's progress to `progress` as it comes.
    pub fn with_progress(self, progress: Progress) -> Engine {
        Engine {
            progress: Some(progress),
            ..self
        }
    }

    /// The options every run of the application's own containers is given.
    pub fn run_options(&self) -> Vec<&str> {
        self.run_options.iter().map(String::as_str).collect()
    }

    /// Whether Ctrl-C was pressed.
    pub fn interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }

    /// The calls that were stopped at their time limit, each with its limit.
    pub fn timed_out(&self) -> Vec<String> {
        self.timed_out
            .lock()
            .map(|list| list.clone())
            .unwrap_or_default()
    }

    /// A name for something this run makes in the engine: `shiplight-verify-<pid>-<random>`,
    /// so that runs in other process namespaces sharing the engine (CI jobs) do not meet.
    pub fn name(&self) -> String {
        format!("shiplight-verify-{}", self.run)
    }

    /// A container name no other container has: [`Engine::name`] and a count.
    pub fn container_name(&self) -> String {
        let n = self.names.fetch_add(1, Ordering::SeqCst) + 1;
        format!("{}-{n}", self.name())
    }

    /// Runs the engine within `limit`; its standard output, trimmed.
    pub fn output(&self, args: &[&str], limit: Duration) -> Result<String, Failure> {
        let call = Call {
            args,
            input: None,
            limit,
            abortable: true,
            progress: None,
        };
        let ended = self.call(&call, read_all)?;
        if ended.status.success() {
            Ok(String::from_utf8_lossy(&ended.value).trim().to_string())
        } else {
            Err(Failure::Exit(ended.stderr.trim().to_string()))
        }
    }

    /// The ID of the image `tag` names, if the engine has one.
    pub fn image_id(&self, tag: &str) -> Option<String> {
        self.output(&["image", "inspect", "-f", "{{.Id}}", tag], QUICK)
            .ok()
            .filter(|id| !id.is_empty())
    }

    /// Runs the engine within `limit` with its standard output handed to `read` as it comes.
    pub fn stream<T: Send + 'static>(
        &self,
        args: &[&str],
        limit: Duration,
        read: impl FnOnce(&mut dyn Read) -> T + Send + 'static,
    ) -> Result<T, Failure> {
        let call = Call {
            args,
            input: None,
            limit,
            abortable: true,
            progress: None,
        };
        let ended = self.call(&call, read)?;
        if ended.status.success() {
            Ok(ended.value)
        } else {
            Err(Failure::Exit(ended.stderr.trim().to_string()))
        }
    }

    /// Runs a call that cleans up: its own short limit, not stopped by Ctrl-C; whether it
    /// succeeded.
    pub fn cleanup(&self, args: &[&str]) -> bool {
        let call = Call {
            args,
            input: None,
            limit: QUICK,
            abortable: false,
            progress: None,
        };
        self.call(&call, read_all)
            .is_ok_and(|ended| ended.status.success())
    }

    /// Builds `job` tagged `tag`, with `extra` options (`--build-arg`, `--target`), within the
    /// build limit; the plain progress log and how long it took.
    pub fn build(
        &self,
        job: &Job<'_>,
        tag: &str,
        extra: &[&str],
    ) -> Result<(String, Duration), Failure> {
        let started = Instant::now();
        let mut args = vec!["build", "--progress=plain", "-f", "-", "-t", tag];
        for secret in &job.secrets {
            args.extend(["--secret", secret.as_str()]);
        }
        args.extend(extra);
        let context = job.context.to_str().ok_or_else(|| {
            Failure::Spawn(format!(
                "the project's path {} is not UTF-8",
                crate::shown::line(&job.context.display().to_string())
            ))
        })?;
        args.push(context);
        let call = Call {
            args: &args,
            input: Some(job.dockerfile.as_bytes()),
            limit: self.build_limit,
            abortable: true,
            progress: self.progress.clone(),
        };
        let ended = self.call(&call, read_all)?;
        let mut log = String::from_utf8_lossy(&ended.value).into_owned();
        log.push_str(&ended.stderr);
        if ended.status.success() {
            Ok((log, started.elapsed()))
        } else {
            Err(Failure::Exit(log))
        }
    }

    /// Runs one call: the engine in a process group of its own, standard output handed to
    /// `read` and error output gathered on threads, until it exits, its limit passes or (when
    /// abortable) Ctrl-C is pressed; on the last two the group is killed. A reader still held
    /// open after that (by a process that left the group) is left behind, not waited for.
    fn call<T: Send + 'static>(
        &self,
        call: &Call<'_>,
        read: impl FnOnce(&mut dyn Read) -> T + Send + 'static,
    ) -> Result<Ended<T>, Failure> {
        if call.abortable && self.interrupted() {
            return Err(Failure::Interrupted);
        }
        let mut child = Command::new(&self.command)
            .args(call.args)
            .env("DOCKER_BUILDKIT", "1")
            .stdin(if call.input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .map_err(|err| {
                Failure::Spawn(format!(
                    "cannot run {}: {err}",
                    crate::shown::line(&self.command.display().to_string())
                ))
            })?;
        let group = child.id() as libc::pid_t;
        if let (Some(mut stdin), Some(input)) = (child.stdin.take(), call.input) {
            let input = input.to_vec();
            std::thread::spawn(move || {
                let _ = stdin.write_all(&input);
            });
        }
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let out = std::thread::spawn(move || {
            let value = read(&mut stdout);
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
            value
        });
        let progress = call.progress.clone();
        let err = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            match progress {
                None => {
                    let _ = stderr.read_to_end(&mut bytes);
                }
                Some(progress) => {
                    let mut lines = std::io::BufReader::new(stderr);
                    let mut line = Vec::new();
                    while std::io::BufRead::read_until(&mut lines, b'\n', &mut line)
                        .is_ok_and(|n| n > 0)
                    {
                        progress(String::from_utf8_lossy(&line).trim_end());
                        bytes.append(&mut line);
                    }
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        });
        let deadline = Instant::now() + call.limit;
        let mut status = None;
        let stopped = loop {
            if status.is_none() {
                match child.try_wait() {
                    Ok(done) => status = done,
                    Err(err) => break Failure::Spawn(err.to_string()),
                }
            }
            if let Some(status) = status
                && out.is_finished()
                && err.is_finished()
            {
                let value = out.join().expect("the reader does not panic");
                let stderr = err.join().unwrap_or_default();
                return Ok(Ended {
                    status,
                    value,
                    stderr,
                });
            }
            if call.abortable && self.interrupted() {
                break Failure::Interrupted;
            }
            if Instant::now() >= deadline {
                self.record_timeout(call);
                break Failure::TimedOut(call.limit);
            }
            std::thread::sleep(POLL);
        };
        kill_group(group);
        if status.is_none() {
            let _ = child.wait();
        }
        Err(stopped)
    }

    fn record_timeout(&self, call: &Call<'_>) {
        let what = match call.args.first() {
            Some(&"build") => "build".to_string(),
            _ => call.args.join(" "),
        };
        if let Ok(mut list) = self.timed_out.lock() {
            list.push(format!(
                "{} (limit {} s)",
                crate::shown::line(&what),
                call.limit.as_secs()
            ));
        }
    }
}

/// A number that differs from run to run (std's hasher keys are random per process).
fn random() -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(std::time::SystemTime::now())
}

/// Standard output read whole.
fn read_all(stdout: &mut dyn Read) -> Vec<u8> {
    let mut bytes = Vec::new();
    let _ = stdout.read_to_end(&mut bytes);
    bytes
}

/// Kills the process group `group` (the engine and anything it started, such as a CLI
/// plugin), so that no process keeps the call's pipes open.
fn kill_group(group: libc::pid_t) {
    // SAFETY: kill(2) with a negative pid signals the process group the engine leads; it
    // touches no memory of this process.
    unsafe {
        libc::kill(-group, libc::SIGKILL);
    }
}

/// The `--secret` value giving the project's credential file `file` to a build under `id`:
/// `type=file,id=ID,src=PATH`, where PATH is where the file really is (links followed only
/// inside the project). `Ok(None)` when it is not a regular file inside the project. The
/// engine splits the value into comma-separated fields (CSV, with `"` quoting) and the
/// fields `src` and `env` choose what is mounted, so a path holding a comma, a double quote
/// or a control character, or one that is not UTF-8, is refused, naming the file.
pub fn secret(repo: &Repo, id: &str, file: &str) -> Result<Option<String>, String> {
    let real = match repo.real(file) {
        Ok(Some(real)) => real,
        Ok(None) => return Ok(None),
        Err(err) => {
            return Err(format!(
                "{err}: verify mounts it as a secret only from inside the project; make it a regular file there"
            ));
        }
    };
    if !repo.is_file(file) {
        return Ok(None);
    }
    let why = "the engine reads `--secret` values as comma-separated fields, so that name could mount another file or a variable into the build; nothing was built";
    let Some(root) = repo.root().to_str() else {
        return Err(format!(
            "{}: the project's path {} is not UTF-8 and cannot be given to the engine as the secret's source; {why}. Move the project to a path of UTF-8 names",
            crate::shown::line(file),
            crate::shown::line(&repo.root().display().to_string())
        ));
    };
    if let Some(found) = unsafe_char(root) {
        return Err(format!(
            "{}: the project's path {} holds {found}; {why}. Rename the project's directory (or the one of its parents that holds it) so that no name holds a comma, a double quote or a control character",
            crate::shown::line(file),
            crate::shown::line(root)
        ));
    }
    if let Some(found) = unsafe_char(&real) {
        return Err(format!(
            "{}: the file it leads to inside the project, {}, holds {found}; {why}. Rename that file (and the directories on its way) so that no name holds a comma, a double quote or a control character",
            crate::shown::line(file),
            crate::shown::line(&real),
        ));
    }
    let source = Path::new(root).join(&real);
    let source = source.to_str().expect("joined from UTF-8");
    Ok(Some(format!("type=file,id={id},src={source}")))
}

/// The first character of `text` that would change the meaning of a `--secret` value, named.
fn unsafe_char(text: &str) -> Option<String> {
    text.chars().find_map(|c| match c {
        ',' => Some("a comma (,)".to_string()),
        '"' => Some("a double quote (\")".to_string()),
        c if c.is_control() => Some(format!("the control character U+{:04X}", c as u32)),
        _ => None,
    })
}

/// Everything `verify` made, removed when it ends unless kept: containers (by the names
/// `verify` gave them), networks, images, and the file the warm rebuild made in the project.
pub struct Made {
    engine: Engine,
    containers: Vec<String>,
    networks: Vec<String>,
    images: Vec<String>,
    replaced: Vec<String>,
    marker: Option<(PathBuf, crate::repo::Fresh)>,
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
            replaced: Vec::new(),
            marker: None,
            keep,
        }
    }

    /// A fresh container name, recorded to remove before the engine is asked to use it.
    pub fn container(&mut self) -> String {
        let name = self.engine.container_name();
        self.containers.push(name.clone());
        name
    }

    /// Removes the container `name` now (`rm -f`).
    pub fn remove_container(&mut self, name: &str) {
        self.engine.cleanup(&["rm", "-f", name]);
        self.containers.retain(|made| made != name);
    }

    /// Records a network to remove.
    pub fn network(&mut self, name: &str) {
        self.networks.push(name.to_string());
    }

    /// Records an image to remove unless kept.
    pub fn image(&mut self, tag: &str) {
        self.images.push(tag.to_string());
    }

    /// Records the image a rebuild took a tag from (by its ID): left without a name, it is
    /// removed at the end even when images are kept, unless something else still names it.
    pub fn replaced(&mut self, id: &str) {
        self.replaced.push(id.to_string());
    }

    /// Makes a file of a name nothing in the project has, at the root of the project at `root`
    /// holding `contents`; it is removed by [`Made::remove_marker`] or at the end.
    pub fn marker(&mut self, root: &Path, contents: &[u8]) -> Result<String, String> {
        self.remove_marker();
        let fresh = Repo::new(root)
            .create_fresh(".shiplight-verify", contents)
            .map_err(|err| err.to_string())?;
        let name = fresh.name().to_string();
        self.marker = Some((root.to_path_buf(), fresh));
        Ok(name)
    }

    /// Removes the file [`Made::marker`] made, and only that file.
    pub fn remove_marker(&mut self) {
        if let Some((root, fresh)) = self.marker.take() {
            let _ = Repo::new(root).remove_fresh(&fresh);
        }
    }
}

impl Drop for Made {
    fn drop(&mut self) {
        self.remove_marker();
        for container in &self.containers {
            self.engine.cleanup(&["rm", "-f", container]);
        }
        for network in &self.networks {
            self.engine.cleanup(&["network", "rm", network]);
        }
        if !self.keep {
            for image in &self.images {
                self.engine.cleanup(&["rmi", "-f", image]);
            }
        }
        for id in &self.replaced {
            self.engine.cleanup(&["rmi", id]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields the engine reads from a `--secret` value: buildx's CSV rules (fields split
    /// on commas, `"` quoting a field), each cut at its first `=`.
    fn fields(value: &str) -> Vec<(String, String)> {
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        for c in value.chars() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => fields.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        fields.push(field);
        fields
            .into_iter()
            .map(|field| {
                let (key, value) = field.split_once('=').unwrap_or((&field, ""));
                (key.to_string(), value.to_string())
            })
            .collect()
    }

    fn project(files: &[(&str, &str)], links: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        for (link, target) in links {
            std::os::unix::fs::symlink(target, dir.path().join(link)).unwrap();
        }
        dir
    }

    #[test]
    fn a_plain_credential_file_is_one_source_field_of_type_file() {
        let dir = project(&[("sub/my=npmrc", "token")], &[(".npmrc", "sub/my=npmrc")]);
        let repo = Repo::new(dir.path());
        let value = secret(&repo, "npmrc", ".npmrc").unwrap().unwrap();
        let source = dir.path().join("sub/my=npmrc").display().to_string();
        assert_eq!(
            fields(&value),
            [
                ("type".to_string(), "file".to_string()),
                ("id".to_string(), "npmrc".to_string()),
                ("src".to_string(), source),
            ]
        );
    }

    #[test]
    fn a_link_to_a_name_that_would_add_fields_is_refused_naming_it() {
        for (target, found) in [
            ("x,src=/etc/hostname", "a comma (,)"),
            ("x,env=HOME", "a comma (,)"),
            ("x\"y", "a double quote (\")"),
            ("x\ny", "U+000A"),
            ("x\ry", "U+000D"),
            ("x\u{1b}y", "U+001B"),
            ("x\u{85}y", "U+0085"),
        ] {
            let dir = project(&[(target, "token")], &[(".npmrc", target)]);
            let err = secret(&Repo::new(dir.path()), "npmrc", ".npmrc").unwrap_err();
            assert!(err.starts_with(".npmrc: "), "{err}");
            assert!(err.contains(found), "{target:?}: {err}");
            assert!(err.contains("Rename"), "{err}");
            assert!(!err.contains('\n') && !err.contains('\u{1b}'), "{err:?}");
        }
    }

    #[test]
    fn a_project_path_that_would_add_fields_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for (name, found) in [
            ("a,src=", "a comma (,)"),
            ("a\"b", "a double quote (\")"),
            ("a\tb", "U+0009"),
        ] {
            let root = dir.path().join(name);
            std::fs::create_dir_all(&root).unwrap();
            std::fs::write(root.join(".npmrc"), "token").unwrap();
            let err = secret(&Repo::new(&root), "npmrc", ".npmrc").unwrap_err();
            assert!(err.contains("the project's path"), "{err}");
            assert!(err.contains(found), "{name:?}: {err}");
        }
    }

    #[test]
    fn a_project_path_that_is_not_utf8_is_refused() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9"));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join(".npmrc"), "token").unwrap();
        let err = secret(&Repo::new(&root), "npmrc", ".npmrc").unwrap_err();
        assert!(err.contains("not UTF-8"), "{err}");
    }

    #[test]
    fn a_missing_file_or_a_directory_is_no_secret_and_a_link_outside_is_refused() {
        let dir = project(&[("d/x", "")], &[(".npmrc", "/etc/hostname")]);
        let repo = Repo::new(dir.path());
        assert_eq!(secret(&repo, "pip-conf", "pip.conf"), Ok(None));
        assert_eq!(secret(&repo, "maven-settings", "d"), Ok(None));
        let err = secret(&repo, "npmrc", ".npmrc").unwrap_err();
        assert!(err.contains("absolute path"), "{err}");
    }
}
