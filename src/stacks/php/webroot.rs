//! Where a PHP application without a framework's fixed layout is served from: the directory
//! holding the front controller the project serves. The project's own web-server configuration
//! (an Apache `DocumentRoot`, an nginx or Caddy `root`) naming a directory of the repository
//! that holds index.php, else a root index.php (unless it only redirects into such a
//! directory), else the one shallow directory with an index.php that is not vendored code,
//! tests, documentation or examples. A single-file application (one PHP script at the root
//! that reads a request) is served as its own front controller.

use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::repo::{self, Kind, Repo};
use crate::repo::MANIFEST_CAP;
use crate::safe;

/// The web root found, with its front controller's file name and the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// Relative to the project, `""` for the root.
    pub dir: String,
    /// The front controller's file name inside `dir`.
    pub front: String,
    pub evidence: Evidence,
}

/// Directory names searched for web-server configuration (a name containing one of these).
const CONFIG_DIRS: &[&str] = &[
    "docker", "nginx", "apache", "httpd", "caddy", "ddev", "deploy", "etc", "sites-", "conf",
    "server", "vhost",
];

/// Directories below the root never taken as the web root.
const NOT_SERVED: &[&str] = &[
    "vendor",
    "node_modules",
    "test",
    "tests",
    "doc",
    "docs",
    "example",
    "examples",
    "tools",
    "build",
    "dist",
    "install",
    "installer",
    "setup",
];

/// How deep below the root configuration directories are searched, and how many files read.
const CONFIG_DEPTH: usize = 4;
const CONFIG_FILES: usize = 12;

/// The web root of a project whose root holds no framework layout and no public/index.php.
pub fn find(repo: &Repo) -> Result<Option<Root>, DetectError> {
    if let Some(root) = configured(repo) {
        return Ok(Some(root));
    }
    if repo.is_file("index.php") {
        return Ok(Some(redirected(repo).unwrap_or_else(|| Root {
            dir: String::new(),
            front: "index.php".to_string(),
            evidence: Evidence::file("index.php", "web root at the project root"),
        })));
    }
    shallow(repo)
}

/// The one shallow directory with an index.php; an error naming them when there are several.
fn shallow(repo: &Repo) -> Result<Option<Root>, DetectError> {
    let dirs = repo.list_dir("", |name, kind| {
        kind.is_dir() && servable(name) && repo.is_file(&repo::join(name, "index.php"))
    });
    match dirs.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(Root {
            dir: safe::relative_path(one, "web root", one)?,
            front: "index.php".to_string(),
            evidence: Evidence::file(
                repo::join(one, "index.php"),
                format!("web root {one}/: the only directory below the root with a front controller"),
            ),
        })),
        several => Err(DetectError::Broken {
            file: "composer.json".to_string(),
            line: None,
            cause: format!(
                "found several directories with an index.php and no web-server configuration naming one: {}; shiplight serves public/ or the root, so move the front controller there or add a web-server configuration (an nginx `root` or Apache `DocumentRoot`) naming the one to serve",
                several.iter().map(|d| format!("{d}/")).collect::<Vec<_>>().join(", ")
            ),
        }),
    }
}

/// Whether a root directory named `name` may be the web root.
fn servable(name: &str) -> bool {
    !name.starts_with('.') && !NOT_SERVED.contains(&name.to_ascii_lowercase().as_str())
}

/// A root index.php that only sends the browser to a directory holding an index.php
/// (`header('Location: p/')`): that directory is the web root.
fn redirected(repo: &Repo) -> Option<Root> {
    let text = repo.read_text("index.php", MANIFEST_CAP).ok()??;
    text.lines().enumerate().find_map(|(index, line)| {
        let rest = &line[line.find("Location:")? + "Location:".len()..];
        let target: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
            .collect();
        let dir = target.trim_start_matches("./").trim_end_matches('/');
        let dir = safe::relative_path("index.php", "redirect", dir).ok()?;
        (!dir.is_empty() && servable(&dir) && repo.is_file(&repo::join(&dir, "index.php"))).then(
            || Root {
                evidence: Evidence::line(
                    "index.php",
                    index + 1,
                    format!("the root index.php redirects to {dir}/"),
                ),
                front: "index.php".to_string(),
                dir,
            },
        )
    })
}

/// The first web-server configuration (a `.conf` file or a Caddyfile in a configuration
/// directory, at most [`CONFIG_DEPTH`] deep) whose document root names a directory of the
/// repository holding an index.php.
fn configured(repo: &Repo) -> Option<Root> {
    let mut files = Vec::new();
    config_files(repo, "", 0, &mut files);
    files.iter().find_map(|file| {
        let text = repo.read_text(file, MANIFEST_CAP).ok()??;
        text.lines().enumerate().find_map(|(index, line)| {
            let path = document_root(line)?;
            let dir = repo_dir(repo, path)?;
            Some(Root {
                evidence: Evidence::line(file, index + 1, format!("web root {dir}/ ({path})")),
                front: "index.php".to_string(),
                dir,
            })
        })
    })
}

/// Collects up to [`CONFIG_FILES`] configuration files below `dir`.
fn config_files(repo: &Repo, dir: &str, depth: usize, files: &mut Vec<String>) {
    for name in repo.list_dir(dir, |name, kind| match kind {
        Kind::File => name.ends_with(".conf") || name == "Caddyfile",
        Kind::Dir => depth < CONFIG_DEPTH && config_dir(name),
        _ => false,
    }) {
        if files.len() >= CONFIG_FILES {
            return;
        }
        let path = repo::join(dir, &name);
        if repo.is_dir(&path) {
            config_files(repo, &path, depth + 1, files);
        } else {
            files.push(path);
        }
    }
}

/// Whether a directory named `name` is searched for web-server configuration.
fn config_dir(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    CONFIG_DIRS.iter().any(|part| name.contains(part))
}

/// The path a configuration line serves from: Apache's `DocumentRoot`, nginx's `root ...;` or
/// Caddy's `root * ...`.
fn document_root(line: &str) -> Option<&str> {
    let line = line.trim();
    let mut words = line.split_whitespace();
    let key = words.next()?;
    let value = match key {
        "DocumentRoot" => words.next()?,
        "root" => match words.next()? {
            "*" => words.next()?,
            path => path,
        },
        _ => return None,
    };
    Some(value.trim_end_matches(';').trim_matches('"').trim_matches('\''))
}

/// The directory of the repository an absolute path in a container names: the shortest
/// trailing part of it (one to three segments) that is a directory below the root holding an
/// index.php.
fn repo_dir(repo: &Repo, path: &str) -> Option<String> {
    if path.contains('$') || path.contains('{') {
        return None;
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    (1..=segments.len().min(3)).find_map(|take| {
        let dir = segments[segments.len() - take..].join("/");
        let dir = safe::relative_path("web-server configuration", "root", &dir).ok()?;
        let first = dir.split('/').next().unwrap_or(&dir);
        (servable(first) && repo.is_file(&repo::join(&dir, "index.php"))).then_some(dir)
    })
}

/// A single PHP script at the root that reads a request (a superglobal of the request, a
/// session or a response header) and has no `#!` line: a web application served as its own
/// front controller.
pub fn single_file(repo: &Repo, script: &str) -> Option<Root> {
    let (text, _) = repo.read_head(script, 256 * 1024).ok()??;
    if text.starts_with("#!") {
        return None;
    }
    let reads = [
        "$_GET", "$_POST", "$_REQUEST", "$_COOKIE", "$_FILES", "$_SESSION", "session_start(",
    ];
    text.lines().enumerate().find_map(|(index, line)| {
        let found = reads.iter().find(|read| line.contains(*read))?;
        let found = match found.strip_suffix('(') {
            Some(call) => format!("calls {call}()"),
            None => format!("reads {found}"),
        };
        Some(Root {
            dir: String::new(),
            front: script.to_string(),
            evidence: Evidence::line(
                script,
                index + 1,
                format!("web root at the project root: a single-file web application (it {found})"),
            ),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_roots_of_apache_nginx_and_caddy() {
        assert_eq!(document_root("DocumentRoot /var/www/FreshRSS/p/"), Some("/var/www/FreshRSS/p/"));
        assert_eq!(document_root("  DocumentRoot \"/var/www/upload\""), Some("/var/www/upload"));
        assert_eq!(document_root("    root /var/www/html/src;"), Some("/var/www/html/src"));
        assert_eq!(document_root("root * /srv/app/web"), Some("/srv/app/web"));
        assert_eq!(document_root("# DocumentRoot /x"), None);
        assert_eq!(document_root("rootless yes"), None);
    }

    #[test]
    fn excluded_directories_are_not_served() {
        assert!(!servable("vendor"));
        assert!(!servable("Tests"));
        assert!(!servable(".ddev"));
        assert!(servable("upload"));
    }
}
