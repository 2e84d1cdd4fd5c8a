//! The entry point the project's own deployment runs, read from [`Deployed`] (its Dockerfile
//! `CMD`/`ENTRYPOINT`, the entrypoint script it execs, the supervisord programs it starts,
//! compose commands, a Procfile's `web` process): a WSGI or ASGI server and the application it names, `python -m PACKAGE`,
//! `python FILE.py`, or a console script the project installs. It ranks below the user's
//! settings and above what the sources suggest; each word is taken only when it names
//! something of the project and passes `crate::safe`, so a descriptor's text never reaches
//! the image as a command line.

use super::declared::{self, SERVER_EVIDENCE};
use super::entry::{self, Entry, SERVER_PORT, Start};
use super::project::Project;
use crate::deployed::{Deployed, Run, Source, base_name};
use crate::evidence::Evidence;
use crate::repo::{self, Repo, SOURCE_CAP};
use crate::safe;

/// Runners that start the command after `run` inside the project's environment.
const RUNNERS: &[&str] = &["uv", "poetry", "pipenv", "pdm", "hatch", "rye"];

/// The first run of the deployment, in order of authority, that starts something of
/// `project`. Of the Dockerfiles only the first that runs something counts (with the script
/// it starts): the others are variants of the production image, and a variant's command is
/// no evidence for the image whose own command could not be read.
pub fn find(repo: &Repo, project: &Project, deployed: &Deployed) -> Option<Entry> {
    let mut production: Option<&str> = None;
    let mut counts = true;
    deployed
        .runs
        .iter()
        .filter(|run| {
            counts = match run.source {
                Source::Script | Source::Supervisor => counts,
                Source::Dockerfile => {
                    *production.get_or_insert(run.evidence.file.as_str()) == run.evidence.file
                }
                Source::Procfile => run.role.as_deref() == Some("web"),
                _ => true,
            };
            counts
        })
        .find_map(|run| entry_of(repo, project, run))
}

/// The requirement files the deployment's build commands install (`pip install -r PATH`,
/// `python -m pip install`, `uv pip install`), in order, each with its command's evidence.
pub fn installed_requirements(deployed: &Deployed) -> Vec<(String, Evidence)> {
    let mut found = Vec::new();
    for build in &deployed.builds {
        let argv = &build.argv;
        let pip = argv.iter().position(|word| {
            let name = base_name(word);
            name == "pip" || name.strip_prefix("pip").is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
        });
        let Some(pip) = pip else {
            continue;
        };
        if argv.get(pip + 1).is_none_or(|word| word != "install") {
            continue;
        }
        let mut words = argv[pip + 2..].iter();
        while let Some(word) = words.next() {
            let path = match word.as_str() {
                "-r" | "--requirement" => words.next().cloned(),
                other => other
                    .strip_prefix("--requirement=")
                    .or_else(|| other.strip_prefix("-r").filter(|rest| !rest.is_empty()))
                    .map(str::to_string),
            };
            if let Some(path) = path {
                let evidence = Evidence {
                    detail: format!("installs {path}"),
                    ..build.evidence.clone()
                };
                found.push((path, evidence));
            }
        }
    }
    found
}

/// The entry one run starts, if it starts something of the project.
fn entry_of(repo: &Repo, project: &Project, run: &Run) -> Option<Entry> {
    let argv = unwrapped(&run.argv);
    if let Some((start, server)) = declared::start_of(&argv) {
        let module = target_module(&start);
        let source_dir = if module_in(repo, project, module) {
            None
        } else if let Some(dir) = beside(repo, project, run, module) {
            Some(dir)
        } else if project.dir.is_empty() {
            None
        } else {
            return None;
        };
        let requirements_beside = source_dir
            .as_ref()
            .map(|dir| repo::join(&repo::join(&project.dir, dir), "requirements.txt"))
            .filter(|file| repo.is_file(file));
        let start = interface(start, &server, run);
        return Some(Entry {
            health: None,
            framework: None,
            start,
            source_dir,
            evidence: at(run, format!("starts {server}")),
            port: Some((SERVER_PORT, Evidence::file(&run.evidence.file, SERVER_EVIDENCE))),
            asgi: None,
            requirements_beside,
        });
    }
    let program = base_name(argv.first()?);
    if is_python(program) {
        return interpreted(repo, project, run, &argv[1..]);
    }
    let script = project
        .scripts
        .iter()
        .map(|(name, _, _)| name.as_str())
        .chain(project.script_files.iter().map(|(path, _)| base_name(path)))
        .find(|name| *name == program)?;
    safe::name(&run.evidence.file, "console script", script).ok()?;
    Some(plain(
        Start::Script {
            name: script.to_string(),
        },
        at(run, format!("runs the console script {script}")),
    ))
}

/// The entry the first start script of the project (`start.sh`, `entrypoint.sh` at its top,
/// with no descriptor naming it) runs: the program it `exec`s, else its last foreground
/// command, when that starts something of the project; read as a Dockerfile's entrypoint
/// script is.
pub fn start_script(repo: &Repo, project: &Project) -> Option<Entry> {
    declared::COMMAND_FILES.iter().find_map(|name| {
        let file = repo::join(&project.dir, name);
        let run = repo
            .is_file(&file)
            .then(|| crate::deployed::followed(repo, &file))??;
        entry_of(repo, project, &run)
    })
}

/// The directory of the descriptor that names a server's application, relative to the
/// project, when the module is there and not in the project's own packages: a deployment
/// directory that holds the served application beside its configuration
/// (`deploy/docker/server.py` beside the `supervisord.conf` that runs `server:app`).
fn beside(repo: &Repo, project: &Project, run: &Run, module: &str) -> Option<String> {
    let (dir, _) = run.evidence.file.rsplit_once('/')?;
    let inside = match project.dir.as_str() {
        "" => dir,
        own => dir.strip_prefix(own)?.strip_prefix('/')?,
    };
    let top = module.split('.').next().unwrap_or(module);
    let base = repo::join(dir, top);
    let found = !top.is_empty() && (repo.is_dir(&base) || repo.is_file(&format!("{base}.py")));
    (found && safe::relative_path(&run.evidence.file, "module directory", inside).is_ok())
        .then(|| inside.to_string())
}

/// `python [OPTIONS] -m MODULE` or `python [OPTIONS] FILE.py`, when the module or file is the
/// project's own.
fn interpreted(repo: &Repo, project: &Project, run: &Run, args: &[String]) -> Option<Entry> {
    let mut words = args.iter().enumerate();
    while let Some((index, word)) = words.next() {
        match word.as_str() {
            "-m" => {
                let (_, module) = words.next()?;
                if !dotted(module) || !module_in(repo, project, module) {
                    return None;
                }
                let top = module.split('.').next().unwrap_or(module);
                let main = repo::join(&project.dir, &format!("{top}/__main__.py"));
                let mut found = plain(
                    Start::Module {
                        module: module.clone(),
                    },
                    at(run, format!("runs python -m {module}")),
                );
                found.port = source_port(repo, &main);
                return Some(found);
            }
            "-c" => return None,
            "-W" | "-X" | "-Q" => {
                words.next();
            }
            flag if flag.starts_with('-') => {}
            path => return file(repo, project, run, path, &args[index + 1..]),
        }
    }
    None
}

/// `python PATH [ARGS]`: the script inside the project the path names (an absolute path in the
/// image is matched by its longest tail that exists in the project), a `.py` file or one whose
/// `#!` line names Python, with the arguments the deployment passes it when each is a plain
/// word.
fn file(repo: &Repo, project: &Project, run: &Run, path: &str, args: &[String]) -> Option<Entry> {
    let path = path.trim_start_matches("./");
    let tails = std::iter::once(path).chain(path.match_indices('/').map(|(at, _)| &path[at + 1..]));
    let rel = tails
        .filter(|tail| !tail.is_empty() && !tail.starts_with('/'))
        .find(|tail| {
            safe::relative_path(&run.evidence.file, "script", tail).is_ok()
                && repo.is_file(&repo::join(&project.dir, tail))
        })?;
    let source = repo::join(&project.dir, rel);
    if !rel.ends_with(".py") && !python_shebang(repo, &source) {
        return None;
    }
    let args: Vec<String> = args
        .iter()
        .map(|arg| safe::argument(&run.evidence.file, "argument", arg).ok())
        .collect::<Option<_>>()
        .unwrap_or_default();
    let mut found = plain(
        Start::File {
            path: rel.to_string(),
            args,
        },
        at(run, format!("runs python {rel}")),
    );
    found.port = source_port(repo, &source);
    found.health = crate::facts::health_in(repo, &source, SOURCE_CAP);
    Some(found)
}

/// Whether a file without the `.py` suffix is a Python script: its `#!` line names Python.
fn python_shebang(repo: &Repo, file: &str) -> bool {
    repo.read_text(file, SOURCE_CAP)
        .ok()
        .flatten()
        .and_then(|text| text.lines().next().map(str::to_string))
        .is_some_and(|first| first.starts_with("#!") && first.contains("python"))
}

/// The port a Python source names, with its line.
fn source_port(repo: &Repo, file: &str) -> Option<(u16, Evidence)> {
    let text = repo.read_text(file, SOURCE_CAP).ok()??;
    entry::source_port(&text)
        .map(|(port, line)| (port, Evidence::line(file, line, format!("port {port}"))))
}

/// An entry without framework, port or health.
fn plain(start: Start, evidence: Evidence) -> Entry {
    Entry {
        health: None,
        framework: None,
        start,
        source_dir: None,
        evidence,
        port: None,
        asgi: None,
        requirements_beside: None,
    }
}

/// The run's file and line, saying what it runs.
fn at(run: &Run, detail: String) -> Evidence {
    Evidence {
        detail,
        ..run.evidence.clone()
    }
}

/// The command without a runner in front (`uv run --frozen app` is `app`).
fn unwrapped(argv: &[String]) -> Vec<String> {
    match argv {
        [runner, run, rest @ ..] if RUNNERS.contains(&base_name(runner)) && run == "run" => rest
            .iter()
            .skip_while(|word| word.starts_with('-'))
            .cloned()
            .collect(),
        _ => argv.to_vec(),
    }
}

/// granian serves WSGI applications when told so (`--interface wsgi`, `GRANIAN_INTERFACE`).
fn interface(start: Start, server: &str, run: &Run) -> Start {
    let wsgi = |value: &str| value.eq_ignore_ascii_case("wsgi");
    let told = run.argv.windows(2).any(|w| w[0] == "--interface" && wsgi(&w[1]))
        || run.argv.iter().any(|w| w == "--interface=wsgi")
        || run
            .env
            .iter()
            .any(|(key, value)| key == "GRANIAN_INTERFACE" && wsgi(value));
    match start {
        Start::Uvicorn { target } if server == "granian" && told => Start::Gunicorn { target },
        other => other,
    }
}

/// The module of a server's `module:object` target.
fn target_module(start: &Start) -> &str {
    match start {
        Start::Gunicorn { target } | Start::Uvicorn { target } => {
            target.split(':').next().unwrap_or(target)
        }
        _ => "",
    }
}

/// Whether the top package of `module` is a directory or file of the project.
fn module_in(repo: &Repo, project: &Project, module: &str) -> bool {
    let top = module.split('.').next().unwrap_or(module);
    !top.is_empty()
        && ["", "src"].iter().any(|place| {
            let base = repo::join(&project.dir, &repo::join(place, top));
            repo.is_dir(&base) || repo.is_file(&format!("{base}.py"))
        })
}

/// A dotted module name of identifiers.
fn dotted(module: &str) -> bool {
    module.split('.').all(|part| {
        !part.is_empty()
            && !part.starts_with(|c: char| c.is_ascii_digit())
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// `python`, `python3`, `python3.12`.
fn is_python(program: &str) -> bool {
    program
        .strip_prefix("python")
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn runners_and_interpreters() {
        assert_eq!(unwrapped(&words("uv run --frozen spotdl x")), words("spotdl x"));
        assert_eq!(unwrapped(&words("gunicorn a:b")), words("gunicorn a:b"));
        assert!(is_python("python3.12") && is_python("python") && !is_python("pythonista"));
        assert!(dotted("searx.webapp") && !dotted("$(x)") && !dotted("a..b"));
    }

    #[test]
    fn granian_told_wsgi_serves_wsgi() {
        let run = Run {
            argv: words("granian searx.webapp:app"),
            env: vec![("GRANIAN_INTERFACE".into(), "wsgi".into())],
            role: None,
            source: Source::Script,
            evidence: Evidence::line("entrypoint.sh", 3, "exec"),
        };
        let start = Start::Uvicorn {
            target: "searx.webapp:app".into(),
        };
        assert_eq!(
            interface(start.clone(), "granian", &run),
            Start::Gunicorn {
                target: "searx.webapp:app".into()
            }
        );
        assert_eq!(interface(start.clone(), "uvicorn", &run), start);
    }
}
