//! Long-running PHP servers, which are not served by PHP-FPM: RoadRunner (its `rr` binary
//! serves HTTP and runs the PHP workers its `.rr.yaml` names), which the php CLI image runs; and
//! an application that starts its own HTTP server on the swoole (or openswoole, swow)
//! extension, which Chainguard's php images lack, refused by name rather than built as an FPM
//! image that would not run what the project runs.

use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::lines::KeyLines;
use crate::repo::{self, Kind, Repo, MANIFEST_CAP};
use crate::safe;

/// Packages that bring RoadRunner's `rr get-binary` command into vendor/bin.
const ROADRUNNER: &[&str] = &["spiral/roadrunner", "spiral/roadrunner-cli"];

/// RoadRunner's configuration file names (its default is `.rr.yaml` in the working directory).
const RR_CONFIGS: &[&str] = &[".rr.yaml", ".rr.yml"];

/// A RoadRunner server: its configuration file and the port its `http.address` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoadRunner {
    pub config: String,
    pub port: Option<u16>,
    pub evidence: Evidence,
}

/// The RoadRunner server the project runs: a RoadRunner package required (`requires` says
/// whether one is) and its configuration at the root, else in config/ (two levels at most).
pub fn roadrunner(
    repo: &Repo,
    requires: impl Fn(&str) -> bool,
) -> Result<Option<RoadRunner>, DetectError> {
    let Some(package) = ROADRUNNER.iter().find(|p| requires(p)) else {
        return Ok(None);
    };
    let Some(config) = rr_config(repo, "", 0) else {
        return Ok(None);
    };
    let config = safe::relative_path(&config, "RoadRunner configuration", &config)?;
    let text = repo.read_text(&config, MANIFEST_CAP)?.unwrap_or_default();
    Ok(Some(RoadRunner {
        port: http_port(&text),
        evidence: Evidence::file(
            config.clone(),
            format!("RoadRunner configuration ({package} required): rr serves HTTP and runs the PHP workers"),
        ),
        config,
    }))
}

/// The first RoadRunner configuration in `dir` (the root, then config/ and its directories).
fn rr_config(repo: &Repo, dir: &str, depth: usize) -> Option<String> {
    if let Some(name) = RR_CONFIGS
        .iter()
        .find(|name| repo.is_file(&repo::join(dir, name)))
    {
        return Some(repo::join(dir, name));
    }
    if depth == 0 {
        return rr_config(repo, "config", 1);
    }
    if depth > 1 {
        return None;
    }
    repo.list_dir(dir, |name, kind| matches!(kind, Kind::Dir) && !name.starts_with('.'))
        .iter()
        .find_map(|sub| rr_config(repo, &repo::join(dir, sub), depth + 1))
}

/// The port of the `address:` under `http:` in a RoadRunner configuration: the last number in
/// it (`0.0.0.0:8080`, `${PORT:-8080}`).
fn http_port(text: &str) -> Option<u16> {
    let mut in_http = false;
    for line in text.lines() {
        if !line.starts_with([' ', '\t']) && !line.trim().is_empty() {
            in_http = line.trim_end().trim_end_matches(':') == "http" && line.trim_end().ends_with(':');
            continue;
        }
        let Some(value) = line.trim().strip_prefix("address:") else {
            continue;
        };
        if in_http {
            return value
                .split(|c: char| !c.is_ascii_digit())
                .rfind(|digits| digits.len() >= 2)?
                .parse()
                .ok();
        }
    }
    None
}

/// Requirements that make the application a coroutine server on a PHP extension Chainguard's
/// php images lack: the extensions themselves and the server packages built on them.
const COROUTINE_SERVERS: &[&str] = &[
    "ext-swoole",
    "ext-openswoole",
    "ext-swow",
    "hyperf/framework",
    "hyperf/server",
    "hyperf/http-server",
    "openswoole/core",
    "swoole/library",
];

/// The refusal for the first required package (`required`, composer.json's `require` keys)
/// that makes the application a coroutine server.
pub fn refuse<'a>(
    mut required: impl Iterator<Item = &'a String>,
    keys: &KeyLines,
) -> Result<(), DetectError> {
    let Some(package) = required.find(|name| COROUTINE_SERVERS.contains(&name.as_str())) else {
        return Ok(());
    };
    let line = keys.line(package).unwrap_or(1);
    let evidence = Evidence::line("composer.json", line, format!("requires {package}"));
    Err(DetectError::Broken {
        file: evidence.file,
        line: evidence.line,
        cause: format!(
            "requires {package}: the application is a long-running server on the swoole family of extensions (it starts its own HTTP server rather than being served by PHP-FPM), and Chainguard's php images have no such extension; shiplight builds PHP-FPM and php CLI images only, so this image needs a hand-written Dockerfile on an image with the extension"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_http_address_gives_the_port() {
        let config = "rpc:\n  listen: tcp://127.0.0.1:6001\nhttp:\n  address: '${ADDRESS:-0.0.0.0}:${PORT:-8080}'\n";
        assert_eq!(http_port(config), Some(8080));
        assert_eq!(http_port("http:\n  address: 0.0.0.0:9000\n"), Some(9000));
        assert_eq!(http_port("rpc:\n  address: 0.0.0.0:6001\n"), None);
    }
}
