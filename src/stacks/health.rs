//! The image's health check: an exec-form command that asks the application's health path over
//! HTTP with what the runtime image already carries (an interpreter), or with a small static
//! probe built in the build stage where it carries none; each stack says which. Never a shell,
//! never curl. Any answer below 500 counts as healthy, as an orchestrator's HTTP check does.

use crate::evidence::Evidence;
use crate::trace::Step;
use serde::Serialize;

/// The health step's answer when no endpoint is known.
pub const NO_ENDPOINT: &str = "none: no health endpoint is known; name one with --health-path (or health-path in shiplight.toml)";

/// Where a probe built in the build stage lives in the runtime image.
pub const PROBE_DIR: &str = "/usr/local/lib/shiplight";

/// The HEALTHCHECK of the runtime stage (and compose.yaml's healthcheck).
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    /// The HTTP path asked.
    pub path: String,
    pub port: u16,
    /// The exec-form command.
    pub command: Vec<String>,
    /// The probe the build stage makes for it, by the name the stack's templates know; `None`
    /// when the runtime's own interpreter asks.
    pub probe: Option<&'static str>,
    /// Where a probe lives in the runtime image.
    pub dir: &'static str,
}

/// What a health command asks: the whole URL, and its port and path.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    pub url: &'a str,
    pub port: u16,
    pub path: &'a str,
}

/// How a runtime asks the health path: the exec-form command for an [`Ask`], and the probe the
/// build stage makes for it (its name, which the stack's templates know), if any.
pub struct Asker<'a> {
    command: Box<dyn Fn(Ask<'_>) -> Vec<String> + 'a>,
    probe: Option<&'static str>,
}

impl<'a> Asker<'a> {
    /// A program the runtime image carries (an interpreter) asks, with the command `command`
    /// gives; `probe` names what the build stage makes for it, if anything.
    pub fn program(
        command: impl Fn(Ask<'_>) -> Vec<String> + 'a,
        probe: Option<&'static str>,
    ) -> Asker<'a> {
        Asker {
            command: Box::new(command),
            probe,
        }
    }

    /// A static probe built in the build stage from a few lines of the stack's own language,
    /// named `probe`, asks: `PROBE_DIR/health HOST:PORT PATH`.
    pub fn probe(probe: &'static str) -> Asker<'a> {
        Asker::program(
            |ask| {
                vec![
                    format!("{PROBE_DIR}/health"),
                    format!("127.0.0.1:{}", ask.port),
                    ask.path.to_string(),
                ]
            },
            Some(probe),
        )
    }
}

impl Health {
    /// The check asking `path` on `port` with `asker`.
    pub fn new(asker: Asker<'_>, port: u16, path: &str) -> Health {
        let url = format!("http://127.0.0.1:{port}{path}");
        let command = (asker.command)(Ask {
            url: &url,
            port,
            path,
        });
        Health {
            path: path.to_string(),
            port,
            command,
            probe: asker.probe,
            dir: PROBE_DIR,
        }
    }
}

/// The health check for a service: the path a setting gives, else the one detection found;
/// none without a path or a port. Returns the check and the step that explains it.
pub fn choose(
    setting: Option<&str>,
    detected: Option<&(String, Evidence)>,
    port: Option<u16>,
    asker: Asker<'_>,
    how: &str,
) -> (Option<Health>, Step) {
    let question = "Health check?".to_string();
    let (path, evidence) = match (setting, detected) {
        (Some(path), _) => (
            path.to_string(),
            Evidence::file("settings", format!("health-path = {path}")),
        ),
        (None, Some((path, evidence))) => (path.clone(), evidence.clone()),
        (None, None) => {
            return (
                None,
                Step {
                    question,
                    answer: NO_ENDPOINT.to_string(),
                    evidence: Vec::new(),
                },
            );
        }
    };
    let Some(port) = port else {
        return (
            None,
            Step {
                question,
                answer: format!("none: {path} is known but no port is; set --port"),
                evidence: vec![evidence],
            },
        );
    };
    let health = Health::new(asker, port, &path);
    let step = Step {
        question,
        answer: format!("GET {path} on port {port} with {how}, in exec form; below 500 is healthy"),
        evidence: vec![evidence],
    };
    (Some(health), step)
}
