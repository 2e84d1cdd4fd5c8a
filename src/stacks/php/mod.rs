//! PHP: composer.json and composer.lock (the PHP constraint, required extensions, the framework,
//! `bin` scripts), the application's shape (Laravel, Symfony, Slim, a plain web root, or a CLI
//! script), the directories it writes to, and front-end assets built with npm.

pub mod plan;
pub mod tree;
pub mod kind;
mod lock;
mod server;
mod webroot;
mod writable;
pub use kind::Kind;

use crate::evidence::Evidence;
use crate::facts::{DetectError, Fact, Signals};
use crate::manifest;
use crate::repo::{self, Repo};
use crate::repo::{LOCK_CAP, MANIFEST_CAP};
use crate::safe;
use crate::stacks::Detection;
use serde::Serialize;

/// What kind of application the project is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum App {
    Laravel,
    Symfony,
    Slim,
    /// A web root with index.php and no known framework.
    Web,
    /// A command-line script run by php.
    Cli {
        script: String,
    },
    /// A RoadRunner server: `rr serve -c <config>`, listening on `port`.
    RoadRunner {
        config: String,
        port: Option<u16>,
    },
}

impl App {
    /// Whether the application is served over HTTP by PHP-FPM behind nginx.
    pub fn is_web(&self) -> bool {
        !matches!(self, App::Cli { .. } | App::RoadRunner { .. })
    }

    /// Name in messages.
    pub fn name(&self) -> String {
        match self {
            App::Laravel => "Laravel".to_string(),
            App::Symfony => "Symfony".to_string(),
            App::Slim => "Slim".to_string(),
            App::Web => "PHP web application".to_string(),
            App::Cli { script } => format!("PHP CLI {script}"),
            App::RoadRunner { config, .. } => format!("RoadRunner server ({config})"),
        }
    }
}

/// Everything detected about a PHP project.
#[derive(Debug, Clone, Serialize)]
pub struct PhpFacts {
    /// composer.json is present (plain PHP otherwise).
    pub composer: bool,
    pub locked: bool,
    /// `require.php`, with its line.
    pub php: Option<(String, Evidence)>,
    /// `ext-*` requirements (name without the prefix).
    pub extensions: Vec<(String, Evidence)>,
    pub app: App,
    /// The health route the routes or the front controller name, or Laravel's `health:` route.
    pub health: Option<(String, Evidence)>,
    /// composer.json's `version` and `license`, for the image's labels.
    pub about: crate::manifest::About,
    pub app_evidence: Evidence,
    /// The web root relative to the project (`public`, or `""` for index.php at the root).
    pub document_root: String,
    /// The front controller's file name in the web root (`index.php` unless a single-file
    /// application is its own).
    pub front_controller: String,
    /// What set a framework's web root other than public/ (composer.json `extra.public-dir`);
    /// in JSON, the evidence of `document_root`.
    #[serde(rename = "document_root_evidence")]
    pub root_evidence: Option<Evidence>,
    /// Directories the application writes to (Laravel storage/ and bootstrap/cache, Symfony var/,
    /// or the directories a plain web application keeps empty in the repository).
    pub writable: Vec<String>,
    /// Why each directory the repository keeps empty is taken as written at run time.
    pub kept_empty: Vec<Evidence>,
    /// package.json with a build script, for a framework that serves built assets from public/build.
    pub assets: Option<Evidence>,
    /// package-lock.json beside it.
    pub assets_locked: bool,
}

/// The health route a web application names: a literal in routes/web.php, routes/api.php or
/// the front controller, else the path Laravel's `health:` setting in bootstrap/app.php gives.
fn health_route(repo: &Repo, document_root: &str, front: &str) -> Option<(String, Evidence)> {
    let front = repo::join(document_root, front);
    ["routes/web.php", "routes/api.php", front.as_str()]
        .iter()
        .find_map(|file| crate::facts::health_in(repo, file, MANIFEST_CAP))
        .or_else(|| {
            let file = "bootstrap/app.php";
            let text = repo.read_text(file, MANIFEST_CAP).ok()??;
            text.lines().enumerate().find_map(|(index, line)| {
                let rest = &line[line.find("health:")? + "health:".len()..];
                let quote = rest
                    .trim_start()
                    .chars()
                    .next()
                    .filter(|c| matches!(c, '\'' | '"'))?;
                let path = rest.trim_start()[1..].split(quote).next()?;
                let path = safe::url_path(path).ok()?;
                Some((
                    path.clone(),
                    Evidence::line(file, index + 1, format!("Laravel health route {path}")),
                ))
            })
        })
}

impl PhpFacts {
    /// The facts for display.
    pub fn listing(&self) -> Vec<Fact> {
        let mut facts = vec![Fact::new(
            "application",
            self.app.name(),
            self.app_evidence.clone(),
        )];
        if let Some(evidence) = &self.root_evidence {
            facts.push(Fact::new(
                "web root",
                format!("{}/", self.document_root),
                evidence.clone(),
            ));
        }
        if let Some((constraint, evidence)) = &self.php {
            facts.push(Fact::new("php", constraint.clone(), evidence.clone()));
        }
        for (extension, evidence) in &self.extensions {
            facts.push(Fact::new("extension", extension.clone(), evidence.clone()));
        }
        if let Some(evidence) = &self.assets {
            facts.push(Fact::new("assets", "npm run build", evidence.clone()));
        }
        facts
    }

    /// Signals for the decision tree.
    pub fn signals(&self) -> Signals {
        let mut signals = Signals::default();
        if self.app.is_web() {
            signals.add(tree::WEB, [self.app_evidence.clone()]);
        }
        if matches!(self.app, App::RoadRunner { .. }) {
            signals.add(tree::ROADRUNNER, [self.app_evidence.clone()]);
        }
        signals
    }
}

/// Runs PHP detection on `root`.
pub fn detect(repo: &Repo) -> Detection {
    match read(repo) {
        Ok(Some(facts)) => Detection::Found {
            facts: Box::new(super::Facts::Php(Box::new(facts))),
        },
        Ok(None) => Detection::Absent {
            looked_for: "composer.json, index.php or public/index.php".to_string(),
        },
        Err(error) => Detection::Broken { error },
    }
}

fn read(repo: &Repo) -> Result<Option<PhpFacts>, DetectError> {
    let Some(text) = repo.read_text("composer.json", MANIFEST_CAP)? else {
        return plain(repo);
    };
    let json = manifest::parse_json("composer.json", &text)?;
    let require = json.get("require").and_then(|r| r.as_object());
    let keys = crate::lines::KeyLines::new(&text);
    let php = require
        .and_then(|r| r.get("php"))
        .and_then(|v| v.as_str())
        .map(|v| {
            (
                v.to_string(),
                Evidence::line(
                    "composer.json",
                    keys.line("php").unwrap_or(1),
                    format!("require.php {v}"),
                ),
            )
        });
    let extensions = extensions(require, &keys)?;
    let lock = repo.text("composer.lock", LOCK_CAP)?;
    let locked_packages = locked_packages(lock.as_deref().map(String::as_str))?;
    let Shape {
        app,
        evidence: app_evidence,
        document_root,
        front_controller,
        root_evidence,
        writable,
        kept_empty,
    } = shape(repo, &json, &text, &keys, require, &locked_packages)?;
    let (assets, assets_locked) = if matches!(app, App::Laravel | App::Symfony) {
        assets(repo)?
    } else {
        (None, false)
    };
    let health = health_route(repo, &document_root, &front_controller);
    Ok(Some(PhpFacts {
        health,
        about: manifest::About::from_json("composer.json", &text, &json),
        composer: true,
        locked: lock.is_some(),
        php,
        extensions,
        app,
        app_evidence,
        document_root,
        front_controller,
        root_evidence,
        writable,
        kept_empty,
        assets,
        assets_locked,
    }))
}

/// The `ext-*` requirements of composer.json, lower-cased, each with its line.
fn extensions(
    require: Option<&serde_json::Map<String, serde_json::Value>>,
    keys: &crate::lines::KeyLines,
) -> Result<Vec<(String, Evidence)>, DetectError> {
    let mut extensions = Vec::new();
    for name in require.into_iter().flat_map(|r| r.keys()) {
        if let Some(extension) = name.strip_prefix("ext-") {
            let extension = safe::name("composer.json", "require ext-*", extension)?;
            extensions.push((
                extension.to_ascii_lowercase(),
                Evidence::line(
                    "composer.json",
                    keys.line(name).unwrap_or(1),
                    format!("requires {name}"),
                ),
            ));
        }
    }
    Ok(extensions)
}

/// The names of the packages composer.lock (`lock`, its text) locks.
fn locked_packages(lock: Option<&str>) -> Result<Vec<String>, DetectError> {
    match lock {
        Some(text) => lock::locked_packages(text),
        None => Ok(Vec::new()),
    }
}

/// What the application is and where it is served from.
struct Shape {
    app: App,
    evidence: Evidence,
    document_root: String,
    front_controller: String,
    root_evidence: Option<Evidence>,
    writable: Vec<String>,
    kept_empty: Vec<Evidence>,
}

impl Shape {
    fn new(app: App, evidence: Evidence, document_root: &str, writable: Vec<&'static str>) -> Self {
        Shape {
            app,
            evidence,
            document_root: document_root.to_string(),
            front_controller: "index.php".to_string(),
            root_evidence: None,
            writable: writable.into_iter().map(str::to_string).collect(),
            kept_empty: Vec::new(),
        }
    }

    /// A plain web application writes to the directories it keeps empty in the repository.
    fn writing_to_kept_empty(mut self, repo: &Repo) -> Self {
        for (dir, evidence) in writable::kept_empty(repo) {
            self.writable.push(dir);
            self.kept_empty.push(evidence);
        }
        self
    }

    /// The framework's web root moved to `public` (a directory and its evidence), if set.
    fn served_from(mut self, public: Option<(String, Evidence)>) -> Self {
        if let Some((dir, evidence)) = public {
            self.document_root = dir;
            self.root_evidence = Some(evidence);
        }
        self
    }

    fn web(root: webroot::Root) -> Self {
        Shape {
            app: App::Web,
            evidence: root.evidence,
            document_root: root.dir,
            front_controller: root.front,
            root_evidence: None,
            writable: Vec::new(),
            kept_empty: Vec::new(),
        }
    }
}

/// The application's shape, with its evidence, web root and the directories it writes to:
/// a RoadRunner server, Laravel, Symfony (each served from composer.json's `extra.public-dir`,
/// else public/), Slim,
/// a public/ web root, a composer `bin` script, or the web root the project's web-server
/// configuration or layout shows, the first that the requirements (`require` or the lock's
/// `locked_packages`) and files show. A long-running PHP server shiplight cannot run
/// (Swoole, RoadRunner) is refused by name.
fn shape(
    repo: &Repo,
    json: &serde_json::Value,
    text: &str,
    keys: &crate::lines::KeyLines,
    require: Option<&serde_json::Map<String, serde_json::Value>>,
    locked_packages: &[String],
) -> Result<Shape, DetectError> {
    let requires = |package: &str| {
        require.is_some_and(|r| r.contains_key(package))
            || locked_packages.iter().any(|p| p == package)
    };
    let requirement = |package: &str| {
        Evidence::line(
            "composer.json",
            keys.line(package).unwrap_or(1),
            format!("requires {package}"),
        )
    };
    server::refuse(require.into_iter().flat_map(|r| r.keys()), keys)?;
    let index = |dir: &str| repo.is_file(&repo::join(dir, "index.php"));
    let public = public_dir(repo, json, text)?;
    Ok(
        if let Some(rr) = server::roadrunner(repo, requires)? {
            Shape::new(
                App::RoadRunner {
                    config: rr.config,
                    port: rr.port,
                },
                rr.evidence,
                "",
                Vec::new(),
            )
        } else if requires("laravel/framework") && repo.is_file("artisan") {
            Shape::new(
                App::Laravel,
                requirement("laravel/framework"),
                "public",
                vec!["storage", "bootstrap/cache"],
            )
            .served_from(public)
        } else if (requires("symfony/framework-bundle") || requires("symfony/runtime"))
            && repo.is_file("bin/console")
        {
            let package = if requires("symfony/framework-bundle") {
                "symfony/framework-bundle"
            } else {
                "symfony/runtime"
            };
            Shape::new(App::Symfony, requirement(package), "public", vec!["var"])
                .served_from(public)
        } else if requires("slim/slim") && index("public") {
            Shape::new(App::Slim, requirement("slim/slim"), "public", Vec::new())
                .writing_to_kept_empty(repo)
        } else if index("public") {
            Shape::new(
                App::Web,
                Evidence::file("public/index.php", "web root public/"),
                "public",
                Vec::new(),
            )
            .writing_to_kept_empty(repo)
        } else if let Some((script, evidence)) = composer_bin(json, text)? {
            Shape::new(App::Cli { script }, evidence, "", Vec::new())
        } else if let Some(root) = webroot::find(repo)? {
            Shape::web(root).writing_to_kept_empty(repo)
        } else {
            return Err(DetectError::Broken {
                file: "composer.json".to_string(),
                line: None,
                cause: "found no entry: looked for Laravel (artisan), Symfony (bin/console), public/index.php, a \"bin\" script, a web root named by the project's web-server configuration, index.php, and one directory below the root with an index.php".to_string(),
            });
        },
    )
}

/// composer.json's `extra.public-dir` (Symfony's setting for the web root), when that
/// directory holds an index.php, with its line.
fn public_dir(
    repo: &Repo,
    json: &serde_json::Value,
    text: &str,
) -> Result<Option<(String, Evidence)>, DetectError> {
    let Some(dir) = json
        .get("extra")
        .and_then(|e| e.get("public-dir"))
        .and_then(|d| d.as_str())
    else {
        return Ok(None);
    };
    let at = manifest::key_line(text, "public-dir");
    let dir = safe::relative_path("composer.json", "extra.public-dir", dir)
        .map_err(|e| e.at_line(at))?;
    let dir = dir.trim_start_matches("./").trim_end_matches('/').to_string();
    if dir.is_empty() || !repo.is_file(&repo::join(&dir, "index.php")) {
        return Ok(None);
    }
    let evidence = Evidence::line(
        "composer.json",
        at.unwrap_or(1),
        format!("extra.public-dir {dir}: web root {dir}/"),
    );
    Ok(Some((dir, evidence)))
}

/// The first composer.json `bin` script, validated as a path inside the project.
fn composer_bin(
    json: &serde_json::Value,
    text: &str,
) -> Result<Option<(String, Evidence)>, DetectError> {
    let first = match json.get("bin") {
        Some(serde_json::Value::String(one)) => Some(one.clone()),
        Some(serde_json::Value::Array(items)) => {
            items.iter().find_map(|i| i.as_str().map(str::to_string))
        }
        _ => None,
    };
    let Some(script) = first else {
        return Ok(None);
    };
    let at = manifest::key_line(text, "bin");
    let script = safe::relative_path("composer.json", "bin", &script).map_err(|e| e.at_line(at))?;
    let evidence = Evidence::line("composer.json", at.unwrap_or(1), format!("bin {script}"));
    Ok(Some((
        script.trim_start_matches("./").to_string(),
        evidence,
    )))
}

/// A package.json with a `build` script, whose output (public/build) the framework serves.
fn assets(repo: &Repo) -> Result<(Option<Evidence>, bool), DetectError> {
    let Some(text) = repo.read_text("package.json", MANIFEST_CAP)? else {
        return Ok((None, false));
    };
    let json = manifest::parse_json("package.json", &text)?;
    let build = json
        .get("scripts")
        .and_then(|s| s.get("build"))
        .and_then(|b| b.as_str());
    Ok(match build {
        Some(script) => (
            Some(Evidence::line(
                "package.json",
                manifest::key_line(&text, "build").unwrap_or(1),
                format!("build script {script:?}"),
            )),
            repo.has_file("package-lock.json")?,
        ),
        None => (None, false),
    })
}

/// Plain PHP without composer: a web root with index.php, or one script at the root (served
/// when it reads a request, run by the CLI otherwise).
fn plain(repo: &Repo) -> Result<Option<PhpFacts>, DetectError> {
    let shape = if repo.is_file("public/index.php") {
        Shape::new(
            App::Web,
            Evidence::file("public/index.php", "web root public/"),
            "public",
            Vec::new(),
        )
    } else if let Some(root) = webroot::find(repo)? {
        Shape::web(root)
    } else {
        let scripts = repo.list_dir("", |name, kind| kind.is_file() && name.ends_with(".php"));
        match scripts.as_slice() {
            [one] => {
                let script = safe::relative_path(one, "file name", one)?;
                match webroot::single_file(repo, &script) {
                    Some(root) => Shape::web(root),
                    None => Shape::new(
                        App::Cli {
                            script: script.clone(),
                        },
                        Evidence::file(script, "the only PHP script at the root"),
                        "",
                        Vec::new(),
                    ),
                }
            }
            _ => return Ok(None),
        }
    };
    let shape = if matches!(shape.app, App::Web) {
        shape.writing_to_kept_empty(repo)
    } else {
        shape
    };
    let health = health_route(repo, &shape.document_root, &shape.front_controller);
    Ok(Some(PhpFacts {
        health,
        about: manifest::About::default(),
        composer: false,
        locked: false,
        php: None,
        extensions: Vec::new(),
        app: shape.app,
        app_evidence: shape.evidence,
        document_root: shape.document_root,
        front_controller: shape.front_controller,
        root_evidence: None,
        writable: shape.writable,
        kept_empty: shape.kept_empty,
        assets: None,
        assets_locked: false,
    }))
}
