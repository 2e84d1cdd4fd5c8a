//! The checks `verify` makes on the built image itself: what its filesystem holds, its debug
//! variant, its size, and how a rebuild after a change uses the cache.

use super::Check;
use super::engine::{ANSWER, EXPORT, Engine, Failure, Job, Made, QUICK, START};
use crate::plan::Plan;
use std::path::Path;

/// File names that must not be in a production image's `bin` or `sbin` directories: shells,
/// C compilers and system package managers; every stack's build tools are added to them.
const FORBIDDEN: &[&str] = &[
    "sh", "bash", "dash", "ash", "zsh", "busybox", "gcc", "cc", "c++", "g++", "clang", "ld",
    "make", "apt", "apt-get", "dpkg", "apk",
];

/// [`FORBIDDEN`] and every stack's build tools.
static FORBIDDEN_ALL: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    let mut all = FORBIDDEN.to_vec();
    all.extend(crate::stacks::build_tools());
    all
});

/// The check's name for the filesystem scan.
pub const NO_SHELL: &str = "no shell or package manager";

/// No shell, compiler or package manager in any `bin` or `sbin` directory of the image's
/// filesystem (`export` of a container made from it, read as it streams).
pub fn no_shell(engine: &Engine, tag: &str, made: &mut Made) -> Check {
    let container = made.container();
    if let Err(err) = engine.output(&["create", "--name", &container, tag], START) {
        made.remove_container(&container);
        return Check::new(NO_SHELL, false, format!("cannot create a container: {err}"));
    }
    let scanned = engine.stream(&["export", &container], EXPORT, |stdout| {
        let mut found = Vec::new();
        let mut files = 0usize;
        let mut archive = tar::Archive::new(stdout);
        let Ok(entries) = archive.entries() else {
            return Err("the exported filesystem is not a tar archive".to_string());
        };
        for entry in entries {
            let entry = entry.map_err(|err| format!("reading the exported filesystem: {err}"))?;
            let path = entry.path().map(|p| p.into_owned()).unwrap_or_default();
            files += 1;
            if forbidden(&path) {
                found.push(format!("/{}", path.display()));
            }
        }
        Ok((found, files))
    });
    made.remove_container(&container);
    match scanned {
        Ok(Ok((found, files))) => Check::new(
            NO_SHELL,
            found.is_empty(),
            if found.is_empty() {
                format!(
                    "none of {} shells, compilers and package managers among {files} files",
                    FORBIDDEN_ALL.len()
                )
            } else {
                format!("the image holds {}", found.join(", "))
            },
        ),
        Ok(Err(err)) => Check::new(NO_SHELL, false, err),
        Err(err) => Check::new(NO_SHELL, false, format!("`export` failed: {err}")),
    }
}

/// Whether `path` names a forbidden program in a `bin` or `sbin` directory.
fn forbidden(path: &Path) -> bool {
    let parts: Vec<&str> = path
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .filter(|c| *c != ".")
        .collect();
    match parts.split_last() {
        Some((name, dirs)) => {
            FORBIDDEN_ALL.contains(name) && dirs.iter().any(|dir| *dir == "bin" || *dir == "sbin")
        }
        None => false,
    }
}

/// The debug variant builds and has a shell.
pub fn debug_variant(
    engine: &Engine,
    job: &Job<'_>,
    tag: &str,
    plan: &Plan,
    made: &mut Made,
) -> Check {
    let name = "debug variant has a shell";
    let debug = format!("{tag}-debug");
    made.image(&debug);
    let arg = format!("{}={}", plan.runtime.arg_name, plan.runtime.arg_debug);
    if let Err(failure) = engine.build(job, &debug, &["--build-arg", &arg]) {
        return Check::new(
            name,
            false,
            format!("--build-arg {arg}: {}", build_failure(&failure)),
        );
    }
    let container = made.container();
    let shell = engine.output(
        &[
            "run",
            "--rm",
            "--name",
            &container,
            "--entrypoint",
            "sh",
            &debug,
            "-c",
            "echo shell",
        ],
        ANSWER,
    );
    if shell.is_err() {
        made.remove_container(&container);
    }
    Check::new(
        name,
        shell.as_deref() == Ok("shell"),
        match shell {
            Ok(_) => format!("--build-arg {arg}, then sh -c"),
            Err(err) => format!("--build-arg {arg}, then sh -c: {err}"),
        },
    )
}

/// The image's size and its runtime base's, in bytes, when the engine knows them.
pub fn sizes(engine: &Engine, tag: &str, plan: &Plan) -> (Option<u64>, Option<u64>) {
    let bytes = |image: &str| {
        engine
            .output(&["image", "inspect", "-f", "{{.Size}}", image], QUICK)
            .ok()
            .and_then(|text| text.parse::<u64>().ok())
    };
    (bytes(tag), bytes(&plan.runtime.image))
}

/// The image's size against its runtime base.
pub fn size(sizes: (Option<u64>, Option<u64>), plan: &Plan) -> Check {
    let mb = |n: u64| format!("{:.1} MB", n as f64 / 1e6);
    let detail = match sizes {
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
    Check::new("size", true, detail)
}

/// A rebuild after a change in the project (a file of a fresh name made at its root and
/// removed right after) takes its dependency step from the cache, downloads nothing and
/// compiles none of the dependencies again; how long the rebuild took.
pub fn warm_rebuild(
    engine: &Engine,
    job: &Job<'_>,
    tag: &str,
    plan: &Plan,
    made: &mut Made,
) -> (Check, Option<std::time::Duration>) {
    let name = "warm rebuild reuses the dependency layer";
    let stamp = format!("{}\n", std::process::id());
    if let Err(err) = made.marker(job.context, stamp.as_bytes()) {
        return (
            Check::new(
                name,
                true,
                format!("skipped: cannot make a file in the project: {err}"),
            ),
            None,
        );
    }
    let before = engine.image_id(tag);
    let rebuilt = engine.build(job, tag, &[]);
    made.remove_marker();
    if let Some(old) = before.filter(|old| engine.image_id(tag).as_ref() != Some(old)) {
        made.replaced(&old);
    }
    let (log, took) = match rebuilt {
        Ok(done) => done,
        Err(failure) => {
            return (Check::new(name, false, build_failure(&failure)), None);
        }
    };
    let step = dependency_step(job.dockerfile);
    let check = if plan.dependencies_need_source {
        Check::new(
            "warm rebuild",
            true,
            "the dependencies install after the source copy, since they need the source (the plan's warning says so), so a change installs them again".to_string(),
        )
    } else if let Some(step) = step.as_ref().filter(|step| !cached(&log, step)) {
        Check::new(
            name,
            false,
            format!(
                "the dependency step ran again: {}",
                crate::shown::line(step)
            ),
        )
    } else if let Some(line) = refetched(&log, plan) {
        Check::new(
            name,
            false,
            format!(
                "the rebuild fetched or compiled dependencies again: {}",
                crate::shown::line(&line)
            ),
        )
    } else if step.is_some() {
        Check::new(
            name,
            true,
            "the dependency step came from the cache".to_string(),
        )
    } else {
        Check::new(
            name,
            true,
            "nothing downloaded, no dependency compiled again".to_string(),
        )
    };
    (check, Some(took))
}

/// A line of a rebuild's log showing a dependency downloaded (Go modules, crates, Maven
/// artefacts) or a crate other than the project's own compiled.
fn refetched(log: &str, plan: &Plan) -> Option<String> {
    let own = plan.own_unit.as_deref();
    log.lines()
        .find(|line| {
            let downloads = line.contains("go: downloading")
                || line.contains(" Downloaded ")
                || line.contains(" Downloading ");
            let compiles = own.is_some_and(|own| {
                let mut words = line
                    .split_whitespace()
                    .skip_while(|word| *word != "Compiling");
                words.next().is_some() && words.next().is_some_and(|krate| krate != own)
            });
            downloads || compiles
        })
        .map(str::to_string)
}

/// What a failed build shows: the part of its log with the error, or that it was stopped at
/// its time limit or by Ctrl-C.
pub fn build_failure(failure: &Failure) -> String {
    match failure {
        Failure::Exit(log) => failed_part(log),
        Failure::TimedOut(limit) => format!(
            "the build did not finish within {} s (--timeout) and was stopped",
            limit.as_secs()
        ),
        other => format!("the build did not finish: {other}"),
    }
}

/// The part of a build log that shows what failed: from the first `ERROR` line on, else the
/// last lines.
pub fn failed_part(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.contains("ERROR"))
        .map_or(lines.len().saturating_sub(20), |at| at.saturating_sub(10));
    let end = (start + 30).min(lines.len());
    crate::shown::block(&lines[start..end].join("\n"))
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

    #[test]
    fn forbidden_programs_are_found_in_bin_directories_only() {
        assert!(forbidden(Path::new("bin/sh")));
        assert!(forbidden(Path::new("./usr/local/go/bin/go")));
        assert!(forbidden(Path::new("usr/sbin/dpkg")));
        assert!(!forbidden(Path::new("app/sh")));
        assert!(!forbidden(Path::new("usr/share/doc/dash")));
        assert!(!forbidden(Path::new("nodejs/bin/node")));
    }
}
