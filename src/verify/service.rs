//! The checks `verify` makes by running the image: who its processes run as, whether it answers
//! (on its port, through the nginx stage of a PHP-FPM application, or to `--help`), whether its
//! own HEALTHCHECK turns healthy, and whether it stops promptly. The application's own
//! containers get the run's `--env` and `--env-file` options; the image never holds them.

use super::Check;
use super::engine::{ANSWER, Engine, Failure, Job, Made, QUICK, START};
use super::image::build_failure;
use crate::plan::Plan;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// How long `docker stop` may take.
const STOP_WITHIN: Duration = Duration::from_secs(2);

/// The check's names the real-build suite and the planted faults refer to.
pub const RUNS_AS: &str = "runs as 65532";
pub const ANSWERS: &str = "answers";

/// Runs the image as its kind of application asks, and checks it.
pub fn runs(engine: &Engine, job: &Job<'_>, tag: &str, plan: &Plan, made: &mut Made) -> Vec<Check> {
    if let Some(web_port) = plan.web_stage {
        return behind_nginx(engine, job, tag, plan, web_port, made);
    }
    match plan.app.port {
        Some(port) => service(engine, tag, plan, port, made),
        None => program(engine, tag, made),
    }
}

/// A program: runs as 65532 (the image's user) and exits 0 on `--help` or `--version`, each
/// run under a name of its own and stopped after ANSWER; a program that does not exit on
/// `--help` is not asked `--version`.
fn program(engine: &Engine, tag: &str, made: &mut Made) -> Vec<Check> {
    let mut tried = Vec::new();
    let mut answer = None;
    for flag in ["--help", "--version"] {
        let container = made.container();
        let args = [
            &["run", "--rm", "--name", &container],
            &engine.run_options()[..],
            &[tag, flag],
        ]
        .concat();
        let ran = engine.output(&args, ANSWER);
        match ran {
            Ok(_) => {
                answer = Some(flag);
                break;
            }
            Err(Failure::TimedOut(limit)) => {
                made.remove_container(&container);
                tried.push(format!(
                    "did not exit on {flag} within {} s (stopped and removed)",
                    limit.as_secs()
                ));
                break;
            }
            Err(Failure::Interrupted) => {
                tried.push(format!("{flag}: stopped by Ctrl-C"));
                break;
            }
            Err(_) => {
                made.remove_container(&container);
                tried.push(format!("fails on {flag}"));
            }
        }
    }
    let user = engine
        .output(&["image", "inspect", "-f", "{{.Config.User}}", tag], QUICK)
        .unwrap_or_default();
    vec![
        Check::new(
            RUNS_AS,
            user.starts_with("65532"),
            format!("the image's user is {user:?}"),
        ),
        Check::new(
            ANSWERS,
            answer.is_some(),
            match answer {
                Some(flag) => format!("the program exits 0 on {flag}"),
                None => format!("the program {}", tried.join(", ")),
            },
        ),
    ]
}

/// A service: runs as 65532 (every process, seen from the running container), answers below
/// 500 on its health path or `/`, turns healthy when it has a HEALTHCHECK, stops promptly.
fn service(engine: &Engine, tag: &str, plan: &Plan, port: u16, made: &mut Made) -> Vec<Check> {
    let publish = format!("127.0.0.1::{port}");
    let args = [
        &["run", "-d", "-p", &publish],
        health_timing(plan),
        &engine.run_options()[..],
        &[tag],
    ]
    .concat();
    let container = match start(engine, &args, "the container", made) {
        Ok(id) => id,
        Err(check) => return vec![check],
    };
    let path = asked_path(plan);
    let status = mapped(engine, &container, port).and_then(|mapped| answer(engine, mapped, &path));
    let mut checks = vec![
        uid_check(engine, &[&container]),
        answer_check(status, &path, port, engine.start_wait()),
    ];
    if plan.app.health.is_some() {
        checks.push(healthy(engine, &container));
    }
    checks.push(stops(engine, &[&container]));
    checks
}

/// An application behind the Dockerfile's own `web` stage (PHP-FPM behind nginx) as
/// compose.yaml runs it: the image and the `web` stage on one network, the request going
/// through the web server.
fn behind_nginx(
    engine: &Engine,
    job: &Job<'_>,
    tag: &str,
    plan: &Plan,
    web_port: u16,
    made: &mut Made,
) -> Vec<Check> {
    let web = format!("{tag}-web");
    made.image(&web);
    if let Err(failure) = engine.build(job, &web, &["--target", "web"]) {
        return vec![Check::new(
            ANSWERS,
            false,
            format!("the web stage does not build: {}", build_failure(&failure)),
        )];
    }
    let network = engine.name();
    made.network(&network);
    if let Err(err) = engine.output(&["network", "create", &network], QUICK) {
        return vec![Check::new(
            ANSWERS,
            false,
            format!("cannot create a network: {err}"),
        )];
    }
    let alias = ["run", "-d", "--network", &network, "--network-alias", "app"];
    let app = match start(
        engine,
        &[
            &alias,
            health_timing(plan),
            &engine.run_options()[..],
            &[tag],
        ]
        .concat(),
        "PHP-FPM",
        made,
    ) {
        Ok(id) => id,
        Err(check) => return vec![check],
    };
    let publish = format!("127.0.0.1::{}", web_port);
    let server_args = ["run", "-d", "--network", &network, "-p", &publish, &web];
    let server = match start(engine, &server_args, "nginx", made) {
        Ok(id) => id,
        Err(check) => return vec![check],
    };
    let path = asked_path(plan);
    let status = mapped(engine, &server, web_port).and_then(|mapped| answer(engine, mapped, &path));
    let mut checks = vec![
        uid_check(engine, &[&app, &server]),
        answer_check(
            status,
            &format!("{path} through nginx"),
            web_port,
            engine.start_wait(),
        ),
    ];
    if plan.app.health.is_some() {
        checks.push(healthy(engine, &app));
    }
    checks.push(stops(engine, &[&server, &app]));
    checks
}

/// Starts a detached container with `args` (`run -d` and its options, the image last) under a
/// name recorded before the engine is asked, so that it is removed even when it was created but
/// did not start; its name, or the failed check naming `what` when it does not start.
fn start(engine: &Engine, args: &[&str], what: &str, made: &mut Made) -> Result<String, Check> {
    let name = made.container();
    let (run, rest) = args.split_at(2);
    let named = [run, &["--name", name.as_str()], rest].concat();
    engine
        .output(&named, START)
        .map_err(|err| Check::new("runs", false, format!("{what} does not start: {err}")))?;
    Ok(name)
}

/// The `docker run` options that run the image's HEALTHCHECK every second, when it has one.
fn health_timing(plan: &Plan) -> &'static [&'static str] {
    if plan.app.health.is_some() {
        &["--health-interval", "1s", "--health-start-period", "0s"]
    } else {
        &[]
    }
}

/// The path a service is asked: its health path, else `/`.
fn asked_path(plan: &Plan) -> String {
    plan.app
        .health
        .as_ref()
        .map_or("/".to_string(), |health| health.path.clone())
}

/// Every process of the containers runs as uid 65532.
fn uid_check(engine: &Engine, containers: &[&str]) -> Check {
    let uids: Vec<String> = containers
        .iter()
        .flat_map(|container| {
            let table = engine
                .output(&["top", container, "-eo", "pid,uid"], QUICK)
                .unwrap_or_default();
            table
                .lines()
                .skip(1)
                .filter_map(|line| line.split_whitespace().nth(1).map(str::to_string))
                .collect::<Vec<_>>()
        })
        .collect();
    Check::new(
        RUNS_AS,
        !uids.is_empty() && uids.iter().all(|uid| uid == "65532"),
        format!("processes in the container run as uid {}", uids.join(", ")),
    )
}

fn answer_check(status: Option<u16>, path: &str, port: u16, wait: Duration) -> Check {
    Check::new(
        ANSWERS,
        status.is_some_and(|code| code < 500),
        match status {
            Some(code) if code < 500 => format!("GET {path} on port {port}: {code}"),
            Some(code) => format!(
                "GET {path} on port {port}: still {code} after {} s",
                wait.as_secs()
            ),
            None => format!(
                "nothing answered GET {path} on port {port} within {} s",
                wait.as_secs()
            ),
        },
    )
}

/// The host port the engine published `port` of `container` on.
fn mapped(engine: &Engine, container: &str, port: u16) -> Option<u16> {
    engine
        .output(&["port", container, &format!("{port}/tcp")], QUICK)
        .ok()
        .and_then(|text| text.lines().next()?.rsplit(':').next()?.parse::<u16>().ok())
}

/// The HTTP status of `GET path` on 127.0.0.1:`port`, retried until the engine's start wait
/// ends or Ctrl-C: the first status below 500, else the last one seen (a server that is still
/// starting may answer 503 until it is ready).
fn answer(engine: &Engine, port: u16, path: &str) -> Option<u16> {
    let end = Instant::now() + engine.start_wait();
    let mut last = None;
    while Instant::now() < end && !engine.interrupted() {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(3)));
            let request = format!("GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n");
            if stream.write_all(request.as_bytes()).is_ok() {
                let mut head = [0u8; 12];
                if stream.read_exact(&mut head).is_ok()
                    && let Ok(code) = std::str::from_utf8(&head[9..12]).unwrap_or("").parse()
                {
                    if code < 500 {
                        return Some(code);
                    }
                    last = Some(code);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    last
}

/// The image's own HEALTHCHECK, run every second, reports the container healthy.
fn healthy(engine: &Engine, container: &str) -> Check {
    let name = "health check turns healthy";
    let end = Instant::now() + engine.start_wait();
    let mut status = String::new();
    while Instant::now() < end && !engine.interrupted() {
        status = engine
            .output(
                &["inspect", "-f", "{{.State.Health.Status}}", container],
                QUICK,
            )
            .unwrap_or_default();
        if status == "healthy" {
            return Check::new(
                name,
                true,
                "the image's HEALTHCHECK, run every second".to_string(),
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let log = engine
        .output(
            &["inspect", "-f", "{{json .State.Health.Log}}", container],
            QUICK,
        )
        .unwrap_or_default();
    let tail: String = log
        .chars()
        .rev()
        .take(600)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    Check::new(
        name,
        false,
        format!(
            "still {status:?} after {} s: {tail}",
            engine.start_wait().as_secs()
        ),
    )
}

/// `docker stop` (default grace) ends each container within STOP_WITHIN.
fn stops(engine: &Engine, containers: &[&str]) -> Check {
    let mut slowest = Duration::ZERO;
    let mut stopped = true;
    for container in containers {
        let started = Instant::now();
        stopped &= engine.output(&["stop", container], START).is_ok();
        slowest = slowest.max(started.elapsed());
    }
    Check::new(
        "stops promptly",
        stopped && slowest <= STOP_WITHIN,
        format!(
            "docker stop took {:.1} s (limit {} s)",
            slowest.as_secs_f64(),
            STOP_WITHIN.as_secs()
        ),
    )
}
