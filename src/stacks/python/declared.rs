//! Entry points a project declares itself beside its deployment (which `super::deployment`
//! reads), read as evidence (never as a template): a start or entrypoint shell script, and
//! `FLASK_APP` in `.flaskenv` or `.env` (only that line is read from them). A command that
//! starts gunicorn, uvicorn, uwsgi, daphne, hypercorn, waitress, granian or flask names the
//! application; the server the image runs is then one the dependencies carry (gunicorn with a
//! uvicorn worker class serves an ASGI application).

use super::entry::{Entry, SERVER_PORT, Start};
use super::project::Project;
use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::repo::{self, MANIFEST_CAP, Repo};

/// Files whose commands declare how the application starts, in order of authority.
pub const COMMAND_FILES: &[&str] = &[
    "start.sh",
    "entrypoint.sh",
    "docker-entrypoint.sh",
    "run.sh",
    "scripts/start.sh",
    "bin/start",
];

/// What the port of a declared server start rests on.
pub const SERVER_EVIDENCE: &str = "served on the start command's port";

/// Servers of WSGI applications, and of ASGI ones.
const WSGI_SERVERS: &[&str] = &["gunicorn", "uwsgi", "waitress-serve", "waitress"];
const ASGI_SERVERS: &[&str] = &["uvicorn", "daphne", "hypercorn", "granian"];

/// The entry point a file of the project declares, if any. These files are evidence, not
/// manifests: one that cannot be read (a `.env` linking outside the project) is passed over.
pub fn find(repo: &Repo, project: &Project) -> Result<Option<Entry>, DetectError> {
    for name in COMMAND_FILES {
        let file = repo::join(&project.dir, name);
        let Ok(Some(text)) = repo.read_text(&file, MANIFEST_CAP) else {
            continue;
        };
        for (index, line) in text.lines().enumerate() {
            let Some(command) = command_of(line) else {
                continue;
            };
            if let Some((start, server)) = start_of(&command) {
                return Ok(Some(Entry {
                    health: None,
                    framework: None,
                    start,
                    source_dir: None,
                    evidence: Evidence::line(&file, index + 1, format!("starts {server}")),
                    port: Some((SERVER_PORT, Evidence::file(&file, SERVER_EVIDENCE))),
                    asgi: None,
                    requirements_beside: None,
                }));
            }
        }
    }
    for name in [".flaskenv", ".env"] {
        let file = repo::join(&project.dir, name);
        let Ok(Some(text)) = repo.read_text(&file, MANIFEST_CAP) else {
            continue;
        };
        let found = text.lines().enumerate().find_map(|(index, line)| {
            let value = line.trim().strip_prefix("export ").unwrap_or(line.trim());
            let value = value
                .strip_prefix("FLASK_APP")?
                .trim_start()
                .strip_prefix('=')?;
            Some((index, value.trim().trim_matches(['"', '\''])))
        });
        if let Some((index, value)) = found
            && let Some(target) = flask_target(value)
        {
            return Ok(Some(Entry {
                health: None,
                framework: Some("Flask"),
                start: Start::Gunicorn { target },
                source_dir: None,
                evidence: Evidence::line(&file, index + 1, "FLASK_APP"),
                port: Some((SERVER_PORT, Evidence::file(&file, SERVER_EVIDENCE))),
                asgi: None,
                requirements_beside: None,
            }));
        }
    }
    Ok(None)
}

/// The command of a shell line (after `exec`), as words; `None` for a comment.
fn command_of(line: &str) -> Option<Vec<String>> {
    let line = line.trim();
    if line.starts_with('#') {
        return None;
    }
    let rest = line.strip_prefix("exec ").unwrap_or(line);
    Some(
        rest.split_whitespace()
            .map(|word| word.trim_matches(['"', '\'']).to_string())
            .collect(),
    )
}

/// The start a command declares: the server it runs and the application it names.
pub fn start_of(words: &[String]) -> Option<(Start, String)> {
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let (at, server) = words.iter().enumerate().find_map(|(index, word)| {
        let name = word.rsplit('/').next().unwrap_or(word);
        let module = index > 0 && words[index - 1] == "-m";
        let server = WSGI_SERVERS
            .iter()
            .chain(ASGI_SERVERS)
            .chain(&["flask"])
            .find(|s| **s == name)?;
        (module || index == 0 || !words[index - 1].starts_with('-')).then_some((index, *server))
    })?;
    let args = &words[at + 1..];
    let target = if server == "flask" {
        let app = option_value(args, &["--app", "-A"])?;
        flask_target(app)?
    } else if server == "uwsgi" {
        let module = option_value(args, &["--module", "-w", "--wsgi"])?;
        reference(module)?
    } else {
        let target = args
            .iter()
            .filter(|word| !word.starts_with('-'))
            .find_map(|word| reference(word))?;
        if args.contains(&"--factory") && !target.ends_with("()") {
            format!("{target}()")
        } else {
            target
        }
    };
    let worker = option_value(args, &["-k", "--worker-class"]).unwrap_or("");
    let start = if ASGI_SERVERS.contains(&server) || worker.starts_with("uvicorn") {
        Start::Uvicorn { target }
    } else {
        Start::Gunicorn { target }
    };
    Some((start, server.to_string()))
}

/// The value after one of `names` (`--app x` or `--app=x`).
fn option_value<'a>(args: &[&'a str], names: &[&str]) -> Option<&'a str> {
    args.iter().enumerate().find_map(|(index, word)| {
        names.iter().find_map(|name| {
            if *word == *name {
                args.get(index + 1).copied()
            } else {
                word.strip_prefix(name)?.strip_prefix('=')
            }
        })
    })
}

/// A `module:object` (or `module:factory()`) reference, else `None`.
fn reference(word: &str) -> Option<String> {
    let (module, object) = word.split_once(':')?;
    let identifier = |s: &str| {
        !s.is_empty()
            && !s.starts_with(|c: char| c.is_ascii_digit())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let object_name = object.strip_suffix("()").unwrap_or(object);
    (module.split('.').all(identifier) && identifier(object_name)).then(|| word.to_string())
}

/// FLASK_APP's forms: `module:object`, `module:factory()`, or a module alone (Flask then
/// looks for `app`).
fn flask_target(value: &str) -> Option<String> {
    let value = value.trim_end_matches(".py").replace('/', ".");
    reference(&value).or_else(|| reference(&format!("{value}:app")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str, file: &str) -> Option<(String, String)> {
        let words = match file {
            "Procfile" => command_of(line.strip_prefix("web:")?)?,
            "Dockerfile" => serde_json::from_str(line.strip_prefix("CMD ")?).ok()?,
            _ => command_of(line)?,
        };
        let (start, server) = start_of(&words)?;
        Some((super::super::describe_start(&start), server))
    }

    #[test]
    fn commands_name_their_application() {
        assert_eq!(
            words(
                "web: gunicorn myapp.wsgi:application --log-file -",
                "Procfile"
            ),
            Some(("gunicorn myapp.wsgi:application".into(), "gunicorn".into()))
        );
        assert_eq!(
            words(
                "web: uvicorn app.main:app --host 0.0.0.0 --port $PORT",
                "Procfile"
            ),
            Some(("uvicorn app.main:app".into(), "uvicorn".into()))
        );
        assert_eq!(
            words(
                "exec gunicorn -w 4 -b :8000 'shop:create_app()'",
                "start.sh"
            ),
            Some(("gunicorn shop:create_app()".into(), "gunicorn".into()))
        );
        assert_eq!(
            words(
                r#"CMD ["python", "-m", "uvicorn", "api.app:app", "--port", "80"]"#,
                "Dockerfile"
            ),
            Some(("uvicorn api.app:app".into(), "uvicorn".into()))
        );
        assert_eq!(
            words(
                "uwsgi --http :8000 --module site.wsgi:application",
                "run.sh"
            ),
            Some(("gunicorn site.wsgi:application".into(), "uwsgi".into()))
        );
        assert_eq!(
            words("web: flask --app hello run", "Procfile"),
            Some(("gunicorn hello:app".into(), "flask".into()))
        );
        assert_eq!(
            words(
                "exec uvicorn api.main:create_app --factory --port 8000",
                "start.sh"
            ),
            Some(("uvicorn api.main:create_app()".into(), "uvicorn".into()))
        );
        assert_eq!(
            words(
                "gunicorn --bind :8000 -k uvicorn.workers.UvicornWorker server:app",
                "run.sh"
            ),
            Some(("uvicorn server:app".into(), "gunicorn".into()))
        );
        assert_eq!(words("worker: celery -A tasks worker", "Procfile"), None);
        assert_eq!(words("echo gunicorn is great", "start.sh"), None);
    }

    #[test]
    fn flask_app_forms() {
        assert_eq!(
            flask_target("app:create_app()").as_deref(),
            Some("app:create_app()")
        );
        assert_eq!(flask_target("hello.py").as_deref(), Some("hello:app"));
        assert_eq!(flask_target("$(evil)"), None);
    }
}
