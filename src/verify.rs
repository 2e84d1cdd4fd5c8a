//! `shiplight verify`: builds the project's Dockerfile (the one on disk, else the one shiplight
//! would write) with the local engine, runs the image and checks what the real-build suite
//! checks: it builds, runs as 65532, carries no shell or package manager, answers, has a debug
//! variant with a shell, stops promptly and rebuilds its dependency layer from the cache. It never
//! pushes, tags what it builds under a name it prints, and removes containers and images when it
//! ends (also on Ctrl-C) unless `--keep`.

use crate::cli::VerifyArgs;
use crate::error::{EXIT_FAILURE, EXIT_OK, Error};
use crate::plan::Plan;
use crate::repo::Repo;
use crate::{Environment, generate_in};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Files that must not be in a production image: shells and package managers.
const FORBIDDEN: &[&str] = &[
    "/bin/sh",
    "/bin/bash",
    "/bin/dash",
    "/bin/ash",
    "/bin/busybox",
    "/usr/bin/sh",
    "/usr/bin/bash",
    "/busybox/sh",
    "/sbin/apk",
    "/usr/bin/apt",
    "/usr/bin/apt-get",
    "/usr/bin/dpkg",
    "/usr/bin/pip",
    "/usr/local/bin/pip",
    "/usr/bin/npm",
    "/usr/local/bin/npm",
];

/// How long a service may take to answer after it starts.
const ANSWER_WITHIN: Duration = Duration::from_secs(30);
/// How long `docker stop` may take.
const STOP_WITHIN: Duration = Duration::from_secs(2);
/// The file written into the project for the warm rebuild, and removed after it.
const TOUCH_FILE: &str = ".shiplight-verify";

/// One check's outcome.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// Everything `verify` made, removed when it ends unless kept.
struct Made {
    engine: String,
    containers: Vec<String>,
    images: Vec<String>,
    keep: bool,
}

impl Drop for Made {
    fn drop(&mut self) {
        for container in &self.containers {
            let _ = quiet(&self.engine, &["rm", "-f", container]);
        }
        if !self.keep {
            for image in &self.images {
                let _ = quiet(&self.engine, &["rmi", "-f", image]);
            }
        }
    }
}

/// Runs `verify` for the project at `args.path`.
pub fn run(args: &VerifyArgs, env: &Environment, out: &mut dyn Write) -> Result<u8, Error> {
    let engine = engine(args.engine.as_deref())?;
    let generated = generate_in(&args.path, &args.overrides, env)?;
    let plan = &generated.plan;
    let repo = Repo::new(&args.path);
    let dockerfile = match repo.read_text("Dockerfile", crate::repo::MANIFEST_CAP) {
        Ok(Some(text)) => text,
        Ok(None) => generated
            .outputs
            .iter()
            .find(|output| output.name == "Dockerfile")
            .map(|output| output.contents.clone())
            .unwrap_or_default(),
        Err(err) => return Err(Error::Usage(err.to_string())),
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = interrupted.clone();
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let tag = format!(
        "shiplight-verify/{}:{}",
        plan.app.image_name,
        std::process::id()
    );
    let mut made = Made {
        engine: engine.clone(),
        containers: Vec::new(),
        images: Vec::new(),
        keep: args.keep,
    };
    let mut checks = Vec::new();
    let context = args.path.as_path();

    made.images.push(tag.clone());
    let built = build(&engine, context, &dockerfile, &tag, &[]);
    let built_ok = built.is_ok();
    checks.push(match built {
        Ok(_) => Check {
            name: "builds",
            ok: true,
            detail: format!("tagged {tag}"),
        },
        Err(log) => Check {
            name: "builds",
            ok: false,
            detail: failed_part(&log),
        },
    });
    type Stage<'a> = &'a dyn Fn(&mut Made) -> Vec<Check>;
    let stages: [Stage; 5] = [
        &|made| vec![no_shell(&engine, &tag, made)],
        &|made| runs(&engine, &tag, plan, made),
        &|made| {
            vec![debug_variant(
                &engine,
                context,
                &dockerfile,
                &tag,
                plan,
                made,
            )]
        },
        &|_| vec![size(&engine, &tag, plan)],
        &|_| vec![warm_rebuild(&engine, &args.path, &dockerfile, &tag)],
    ];
    for stage in stages.iter().filter(|_| built_ok) {
        if interrupted.load(Ordering::SeqCst) {
            checks.push(Check {
                name: "interrupted",
                ok: false,
                detail: "Ctrl-C: the remaining checks were not run".to_string(),
            });
            break;
        }
        checks.extend(stage(&mut made));
    }
    let ok = checks.iter().all(|check| check.ok);
    if args.json {
        let report = serde_json::json!({ "image": tag, "ok": ok, "checks": checks });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report).expect("plain data")
        )?;
    } else {
        for check in &checks {
            writeln!(
                out,
                "{} {}: {}",
                if check.ok { "ok  " } else { "FAIL" },
                check.name,
                check.detail
            )?;
        }
        let failed = checks.iter().filter(|check| !check.ok).count();
        writeln!(
            out,
            "{}: {} checks, {failed} failed{}",
            tag,
            checks.len(),
            if args.keep { " (images kept)" } else { "" }
        )?;
    }
    drop(made);
    Ok(if ok { EXIT_OK } else { EXIT_FAILURE })
}

/// The engine to use: the one named, else docker when it answers, else podman; none is a usage
/// error.
fn engine(named: Option<&Path>) -> Result<String, Error> {
    let candidates: Vec<String> = match named {
        Some(path) => vec![path.display().to_string()],
        None => vec!["docker".to_string(), "podman".to_string()],
    };
    for candidate in &candidates {
        if quiet(candidate, &["info"]).is_ok_and(|status| status) {
            return Ok(candidate.clone());
        }
    }
    Err(Error::Usage(format!(
        "no container engine answered (`{} info`): verify builds and runs the image, so it needs Docker with BuildKit or Podman (--engine names another command)",
        candidates.join(" info`, `")
    )))
}

/// Runs the engine with no output kept; whether it succeeded.
fn quiet(engine: &str, args: &[&str]) -> std::io::Result<bool> {
    Command::new(engine)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|status| status.success())
}

/// Runs the engine and returns its standard output, or the error output when it fails.
fn output(engine: &str, args: &[&str]) -> Result<String, String> {
    let result = Command::new(engine)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|err| format!("cannot run {engine}: {err}"))?;
    if result.status.success() {
        Ok(String::from_utf8_lossy(&result.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&result.stderr).trim().to_string())
    }
}

/// Builds `dockerfile` (given on standard input) in `context`; the plain progress log, or the
/// log of the failure.
fn build(
    engine: &str,
    context: &Path,
    dockerfile: &str,
    tag: &str,
    build_args: &[String],
) -> Result<String, String> {
    let mut command = Command::new(engine);
    command
        .env("DOCKER_BUILDKIT", "1")
        .args(["build", "--progress=plain", "-f", "-", "-t", tag]);
    for arg in build_args {
        command.args(["--build-arg", arg]);
    }
    let mut child = command
        .arg(context)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot run {engine}: {err}"))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let text = dockerfile.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let mut log = String::new();
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_string(&mut log);
    }
    let _ = writer.join();
    log.push_str(&reader.join().unwrap_or_default());
    let status = child.wait().map_err(|err| err.to_string())?;
    if status.success() { Ok(log) } else { Err(log) }
}

/// The part of a build log that shows what failed: from the first `ERROR` line on, else the
/// last lines.
fn failed_part(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.contains("ERROR"))
        .map_or(lines.len().saturating_sub(20), |at| at.saturating_sub(10));
    let end = (start + 30).min(lines.len());
    crate::shown::block(&lines[start..end].join("\n"))
}

/// No shell and no package manager in the image: none of FORBIDDEN can be copied out of it.
fn no_shell(engine: &str, tag: &str, made: &mut Made) -> Check {
    let container = match output(engine, &["create", tag]) {
        Ok(id) => id,
        Err(err) => {
            return Check {
                name: "no shell or package manager",
                ok: false,
                detail: format!("cannot create a container: {err}"),
            };
        }
    };
    made.containers.push(container.clone());
    let found: Vec<&str> = FORBIDDEN
        .iter()
        .copied()
        .filter(|path| {
            Command::new(engine)
                .args(["cp", &format!("{container}:{path}"), "-"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
        })
        .collect();
    let _ = quiet(engine, &["rm", "-f", &container]);
    Check {
        name: "no shell or package manager",
        ok: found.is_empty(),
        detail: if found.is_empty() {
            format!("none of {} shells and package managers", FORBIDDEN.len())
        } else {
            format!("the image holds {}", found.join(", "))
        },
    }
}

/// Runs the image: as 65532, answering on its port (a service) or to `--help` (a program),
/// and stopping within STOP_WITHIN.
fn runs(engine: &str, tag: &str, plan: &Plan, made: &mut Made) -> Vec<Check> {
    let Some(port) = plan.app.port else {
        let answer = ["--help", "--version"].iter().find_map(|flag| {
            output(engine, &["run", "--rm", tag, flag])
                .ok()
                .map(|text| (*flag, text))
        });
        let user = output(engine, &["image", "inspect", "-f", "{{.Config.User}}", tag])
            .unwrap_or_default();
        return vec![
            Check {
                name: "runs as 65532",
                ok: user.starts_with("65532"),
                detail: format!("the image's user is {user:?}"),
            },
            Check {
                name: "answers",
                ok: answer.is_some(),
                detail: match answer {
                    Some((flag, _)) => format!("the program exits 0 on {flag}"),
                    None => "the program fails on --help and --version".to_string(),
                },
            },
        ];
    };
    let publish = format!("127.0.0.1::{port}");
    let container = match output(engine, &["run", "-d", "-p", &publish, tag]) {
        Ok(id) => id,
        Err(err) => {
            return vec![Check {
                name: "runs",
                ok: false,
                detail: format!("the container does not start: {err}"),
            }];
        }
    };
    made.containers.push(container.clone());
    let mut checks = Vec::new();
    let mapped = output(engine, &["port", &container, &format!("{port}/tcp")])
        .ok()
        .and_then(|text| text.lines().next()?.rsplit(':').next()?.parse::<u16>().ok());
    let path = plan
        .app
        .health
        .as_ref()
        .map_or("/".to_string(), |health| health.path.clone());
    let status = mapped.and_then(|mapped| answer(mapped, &path));
    let table = output(engine, &["top", &container, "-eo", "pid,uid"]).unwrap_or_default();
    let uids: Vec<&str> = table
        .lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().nth(1))
        .collect();
    checks.push(Check {
        name: "runs as 65532",
        ok: !uids.is_empty() && uids.iter().all(|uid| *uid == "65532"),
        detail: format!("processes in the container run as uid {}", uids.join(", ")),
    });
    checks.push(Check {
        name: "answers",
        ok: status.is_some_and(|code| code < 500),
        detail: match status {
            Some(code) => format!("GET {path} on port {port}: {code}"),
            None => format!(
                "nothing answered GET {path} on port {port} within {} s",
                ANSWER_WITHIN.as_secs()
            ),
        },
    });
    let started = Instant::now();
    let stopped = quiet(engine, &["stop", &container]).unwrap_or(false);
    let took = started.elapsed();
    checks.push(Check {
        name: "stops promptly",
        ok: stopped && took <= STOP_WITHIN,
        detail: format!(
            "docker stop took {:.1} s (limit {} s)",
            took.as_secs_f64(),
            STOP_WITHIN.as_secs()
        ),
    });
    checks
}

/// The HTTP status of `GET path` on 127.0.0.1:`port`, retried until ANSWER_WITHIN.
fn answer(port: u16, path: &str) -> Option<u16> {
    let end = Instant::now() + ANSWER_WITHIN;
    while Instant::now() < end {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(3)));
            let request = format!("GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n");
            if stream.write_all(request.as_bytes()).is_ok() {
                let mut head = [0u8; 12];
                if stream.read_exact(&mut head).is_ok()
                    && let Ok(code) = std::str::from_utf8(&head[9..12]).unwrap_or("").parse()
                {
                    return Some(code);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    None
}

/// The debug variant builds and has a shell.
fn debug_variant(
    engine: &str,
    context: &Path,
    dockerfile: &str,
    tag: &str,
    plan: &Plan,
    made: &mut Made,
) -> Check {
    let debug = format!("{tag}-debug");
    made.images.push(debug.clone());
    let arg = format!("{}={}", plan.runtime.arg_name, plan.runtime.arg_debug);
    if let Err(log) = build(
        engine,
        context,
        dockerfile,
        &debug,
        std::slice::from_ref(&arg),
    ) {
        return Check {
            name: "debug variant has a shell",
            ok: false,
            detail: format!("--build-arg {arg} fails: {}", failed_part(&log)),
        };
    }
    let shell = output(
        engine,
        &[
            "run",
            "--rm",
            "--entrypoint",
            "sh",
            &debug,
            "-c",
            "echo shell",
        ],
    );
    Check {
        name: "debug variant has a shell",
        ok: shell.as_deref() == Ok("shell"),
        detail: format!("--build-arg {arg}, then sh -c"),
    }
}

/// The image's size against its runtime base.
fn size(engine: &str, tag: &str, plan: &Plan) -> Check {
    let bytes = |image: &str| {
        output(engine, &["image", "inspect", "-f", "{{.Size}}", image])
            .ok()
            .and_then(|text| text.parse::<u64>().ok())
    };
    let mb = |n: u64| format!("{:.1} MB", n as f64 / 1e6);
    let detail = match (bytes(tag), bytes(&plan.runtime.image)) {
        (Some(size), Some(base)) => format!(
            "{} = base {} + {} of the project ({:.0}% base)",
            mb(size),
            mb(base),
            mb(size.saturating_sub(base)),
            base as f64 * 100.0 / size.max(1) as f64
        ),
        (Some(size), None) => format!(
            "{} ({} is not in the local image store to compare)",
            mb(size),
            plan.runtime.image
        ),
        _ => "the image's size cannot be read".to_string(),
    };
    Check {
        name: "size",
        ok: true,
        detail,
    }
}

/// A rebuild after a source change (a file written into the project and removed after) takes
/// its dependency step from the cache.
fn warm_rebuild(engine: &str, root: &Path, dockerfile: &str, tag: &str) -> Check {
    let name = "warm rebuild reuses the dependency layer";
    let Some(step) = dependency_step(dockerfile) else {
        return Check {
            name,
            ok: true,
            detail: "no dependency step of its own before `COPY . .`".to_string(),
        };
    };
    let repo = Repo::new(root);
    let stamp = format!("{}\n", std::process::id());
    if let Err(err) = repo.write_all([(TOUCH_FILE, stamp.as_bytes())], true) {
        return Check {
            name,
            ok: true,
            detail: format!("skipped: cannot write {TOUCH_FILE} into the project: {err}"),
        };
    }
    let rebuilt = build(engine, root, dockerfile, tag, &[]);
    let _ = repo.remove(TOUCH_FILE);
    match rebuilt {
        Ok(log) => {
            let cached = cached(&log, &step);
            Check {
                name,
                ok: cached,
                detail: if cached {
                    "the dependency step came from the cache".to_string()
                } else {
                    format!(
                        "the dependency step ran again: {}",
                        crate::shown::line(&step)
                    )
                },
            }
        }
        Err(log) => Check {
            name,
            ok: false,
            detail: failed_part(&log),
        },
    }
}

/// The RUN instruction just before `COPY . .` in the build stage: the dependency install.
fn dependency_step(dockerfile: &str) -> Option<String> {
    let joined = dockerfile.replace("\\\n", " ");
    let lines: Vec<&str> = joined
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    lines.windows(2).find_map(|pair| {
        let copy = pair[1].split_whitespace().collect::<Vec<_>>();
        let copies_all =
            copy.first() == Some(&"COPY") && copy.ends_with(&[".", "."]) && copy.len() <= 4;
        (copies_all && pair[0].starts_with("RUN ")).then(|| pair[0].to_string())
    })
}

/// Whether the build log shows the step running `instruction` as CACHED.
fn cached(log: &str, instruction: &str) -> bool {
    let words: Vec<&str> = instruction.split_whitespace().collect();
    let lines: Vec<&str> = log.lines().collect();
    lines.iter().enumerate().any(|(index, line)| {
        let Some(rest) = line.strip_prefix('#') else {
            return false;
        };
        let (number, text) = rest.split_once(' ').unwrap_or(("", ""));
        let text_words: Vec<&str> = text.split_whitespace().collect();
        text.starts_with('[')
            && text_words
                .windows(words.len().min(4))
                .any(|w| w == &words[..words.len().min(4)])
            && lines[index..]
                .iter()
                .any(|later| *later == format!("#{number} CACHED"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_steps_and_cache_lines() {
        let dockerfile = "FROM x AS build\nCOPY package.json ./\nRUN --mount=type=cache,target=/c \\\n    npm ci\nCOPY --chown=1:1 . .\n";
        let step = dependency_step(dockerfile).unwrap();
        assert!(step.starts_with("RUN --mount=type=cache"), "{step}");
        let log = "#9 [build 3/4] RUN --mount=type=cache,target=/c     npm ci\n#9 CACHED\n";
        assert!(cached(log, &step));
        assert!(!cached(
            "#9 [build 3/4] RUN --mount=type=cache,target=/c npm ci\n#9 DONE 3.1s\n",
            &step
        ));
        assert_eq!(dependency_step("FROM x\nCOPY . .\n"), None);
    }

    #[test]
    fn failures_show_the_error_and_what_led_to_it() {
        let log: String = (0..100).map(|n| format!("line {n}\n")).collect::<String>()
            + "ERROR: failed to solve\n";
        let part = failed_part(&log);
        assert!(part.contains("ERROR: failed to solve"), "{part}");
        assert!(!part.contains("line 50\n"), "{part}");
    }
}
