//! `shiplight verify`: builds the project's Dockerfile (the one on disk, else the one shiplight
//! would write) with the local engine, runs the image and checks what the real-build suite
//! relies on: it builds, runs as 65532, carries no shell, compiler or package manager, answers,
//! turns healthy, has a debug variant with a shell, stops promptly and rebuilds from the cache.
//! It never pushes, tags what it builds under a name it prints, gives every container a name it
//! chose before starting it, bounds every engine call in time (a build by `--timeout`), and
//! removes containers, networks and images when it ends (also on a time limit or Ctrl-C) unless
//! `--keep` (the image the warm rebuild took the tag from goes even then). The project is left as
//! it was: the warm rebuild's change is a file of a fresh name, removed after. A credential file
//! whose path could change the meaning of the engine's `--secret` value is refused (exit 2) before
//! anything is built. `--env` and `--env-file` reach the application's containers only. Each check
//! is printed as it ends, and a build's progress is shown on standard error while it runs.

mod engine;
mod image;
mod progress;
mod run_env;
mod service;

use crate::cli::VerifyArgs;
use crate::error::{EXIT_FAILURE, EXIT_OK, Error};
use crate::pipeline::{self, Environment};
use crate::repo::Repo;
use engine::{Engine, Job, Made};
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// One check's outcome.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

impl Check {
    fn new(name: &'static str, ok: bool, detail: String) -> Check {
        Check { name, ok, detail }
    }
}

/// What `verify` measured, for `--json`.
#[derive(Debug, Default, serde::Serialize)]
pub struct Measures {
    /// The first build, in seconds.
    pub build_seconds: Option<f64>,
    /// The rebuild after a change, in seconds.
    pub rebuild_seconds: Option<f64>,
    /// The image, in bytes.
    pub size: Option<u64>,
    /// The runtime base image, in bytes.
    pub base: Option<u64>,
}

/// Runs `verify` for the project at `args.path`.
pub fn run(args: &VerifyArgs, env: &Environment, out: &mut dyn Write) -> Result<u8, Error> {
    let flags = args.overrides.layer().map_err(Error::Usage)?;
    let generated = pipeline::generate(&args.path, args.overrides.config.as_deref(), flags, env)?;
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
    let mut secrets = Vec::new();
    for secret in &plan.secrets {
        if let Some(value) = engine::secret(&repo, secret.id, &secret.file).map_err(Error::Usage)? {
            secrets.push(value);
        }
    }
    let job = Job {
        context: args.path.as_path(),
        dockerfile: &dockerfile,
        secrets,
    };
    let run_options = run_env::options(&args.run_env, &args.env_file).map_err(Error::Usage)?;
    let terminal = std::io::stderr().is_terminal();
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = interrupted.clone();
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let engine = Engine::find(
        args.engine.as_deref(),
        Duration::from_secs(args.timeout),
        interrupted.clone(),
    )?
    .with_run_options(run_options)
    .with_start_wait(Duration::from_secs(args.wait))
    .with_progress(progress::reporter(terminal));
    let tag = format!(
        "shiplight-verify/{}:{}",
        plan.app.image_name,
        std::process::id()
    );
    let mut made = Made::new(&engine, args.keep);
    let mut measures = Measures::default();
    let seconds = |took: Duration| (took.as_secs_f64() * 10.0).round() / 10.0;

    let report = |checks: &[Check], out: &mut dyn Write| -> std::io::Result<()> {
        progress::clear(terminal);
        if !args.json {
            for check in checks {
                writeln!(
                    out,
                    "{} {}: {}",
                    if check.ok { "ok  " } else { "FAIL" },
                    check.name,
                    check.detail
                )?;
            }
            out.flush()?;
        }
        Ok(())
    };
    made.image(&tag);
    let built = engine.build(&job, &tag, &[]);
    let built_ok = built.is_ok();
    let mut checks = vec![match built {
        Ok((_, took)) => {
            measures.build_seconds = Some(seconds(took));
            Check::new(
                "builds",
                true,
                format!("tagged {tag} in {:.0} s", took.as_secs_f64()),
            )
        }
        Err(failure) => Check::new("builds", false, image::build_failure(&failure)),
    }];
    type Stage<'a> = &'a dyn Fn(&mut Made, &mut Measures) -> Vec<Check>;
    let stages: [Stage; 5] = [
        &|made, _| vec![image::no_shell(&engine, &tag, made)],
        &|made, _| service::runs(&engine, &job, &tag, plan, made),
        &|made, _| vec![image::debug_variant(&engine, &job, &tag, plan, made)],
        &|_, measures| {
            let sizes = image::sizes(&engine, &tag, plan);
            (measures.size, measures.base) = sizes;
            vec![image::size(sizes, plan)]
        },
        &|made, measures| {
            let (check, took) = image::warm_rebuild(&engine, &job, &tag, plan, made);
            measures.rebuild_seconds = took.map(seconds);
            vec![check]
        },
    ];
    report(&checks, out)?;
    for stage in stages.iter().filter(|_| built_ok) {
        if engine.interrupted() {
            break;
        }
        let ended = stage(&mut made, &mut measures);
        report(&ended, out)?;
        checks.extend(ended);
    }
    let reported = checks.len();
    if engine.interrupted() {
        checks.push(Check::new(
            "interrupted",
            false,
            "Ctrl-C: the engine call under way was stopped and the remaining checks were not run"
                .to_string(),
        ));
    }
    let timed_out = engine.timed_out();
    if !timed_out.is_empty() {
        checks.push(Check::new(
            "time limits",
            false,
            format!("stopped at its limit: {}", timed_out.join("; ")),
        ));
    }
    let ok = checks.iter().all(|check| check.ok);
    if args.json {
        let report = serde_json::json!({
            "image": tag,
            "ok": ok,
            "checks": checks,
            "timed_out": timed_out,
            "measures": measures,
        });
        writeln!(out, "{}", crate::output::json_document(&report))?;
    } else {
        report(&checks[reported..], out)?;
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
