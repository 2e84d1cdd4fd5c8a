//! Front-end frameworks. A build that writes files and runs nothing on the server (Vite, Create
//! React App, Angular, Astro, SvelteKit's adapter-static, `nuxt generate`) is a static site:
//! where the files land, and whether the app routes on the client. A server-rendered framework
//! (Nuxt, TanStack Start, SvelteKit's adapter-node, Astro's node adapter) has a server entry its
//! build writes, and variables that make it listen on every interface and a port.

use crate::evidence::Evidence;
use std::collections::BTreeMap;
use crate::facts::{self, DetectError};
use crate::manifest::{key_line, line_of, parse_json};
use crate::repo::{self, MANIFEST_CAP, Repo, SOURCE_CAP};
use serde::Serialize;

/// What front-end detection reads of a package.json: the package's directory and manifest, its
/// dependencies and its build script.
#[derive(Debug, Clone, Copy)]
pub struct Declared<'a> {
    pub dir: &'a str,
    pub manifest: &'a str,
    pub dependencies: &'a BTreeMap<String, Evidence>,
    pub dev_dependencies: &'a BTreeMap<String, Evidence>,
    pub build_script: Option<&'a (String, Evidence)>,
    /// Every script, for the ones the build script runs by name.
    pub scripts: Option<&'a BTreeMap<String, (String, Evidence)>>,
    /// The workspace root's dependencies, which a member's build tools may be hoisted to.
    pub workspace_dependencies: Option<&'a BTreeMap<String, Evidence>>,
}

/// Client-side routers: a site that uses one answers unknown paths with its index page.
const ROUTERS: &[&str] = &[
    "react-router",
    "react-router-dom",
    "vue-router",
    "@angular/router",
    "@tanstack/react-router",
    "@tanstack/vue-router",
    "@solidjs/router",
    "svelte-spa-router",
    "wouter",
    "preact-router",
];

/// A static site: the directory the build writes, relative to the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    pub framework: &'static str,
    pub dir: String,
    /// The page served for paths that are not files (client-side routing), when the site has
    /// a client router or the framework names a fallback page.
    pub fallback: Option<String>,
    /// The router dependency or configuration that makes it a single-page app; in JSON, the
    /// evidence of `fallback`.
    #[serde(rename = "fallback_evidence")]
    pub spa_evidence: Option<Evidence>,
    /// nginx location regex of the file names a build hashes (cached for a year); empty when
    /// the build hashes none.
    pub hashed: &'static str,
    pub evidence: Evidence,
}

/// A server-rendered framework's server, started by node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Server {
    pub framework: &'static str,
    /// The entry script the build writes, relative to the package.
    pub path: String,
    /// Variables the server reads for its address: every interface, and the port.
    pub host_variable: &'static str,
    pub port_variable: &'static str,
    pub port: u16,
    pub evidence: Evidence,
}

/// What a front-end framework builds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Frontend {
    Static(Site),
    Server(Server),
}

fn dependency<'a>(package: &Declared<'a>, names: &[&str]) -> Option<(&'a str, &'a Evidence)> {
    names.iter().find_map(|name| {
        package
            .dependencies
            .get_key_value(*name)
            .or_else(|| package.dev_dependencies.get_key_value(*name))
            .map(|(k, v)| (k.as_str(), v))
    })
}

/// A build tool among the package's dependencies, or the workspace root's.
fn tool<'a>(package: &Declared<'a>, name: &str) -> Option<(&'a str, &'a Evidence)> {
    dependency(package, &[name]).or_else(|| {
        package
            .workspace_dependencies?
            .get_key_value(name)
            .map(|(k, v)| (k.as_str(), v))
    })
}

/// The build script's evidence when it runs one of `words`, itself or through the scripts it
/// runs by name (`yarn build:app`), a few levels deep.
fn build_runs(package: &Declared<'_>, words: &[&str]) -> Option<Evidence> {
    let (script, evidence) = package.build_script?;
    let mut commands = vec![script.clone()];
    let mut index = 0;
    while index < commands.len() && commands.len() < 8 {
        let command = commands[index].clone();
        index += 1;
        for segment in command.split("&&") {
            let segment: Vec<String> = segment.split_whitespace().map(str::to_string).collect();
            if let Some((name, _)) = super::script::runs_script(&segment)
                && let Some((next, _)) = package.scripts.and_then(|s| s.get(&name))
            {
                commands.push(next.clone());
            }
        }
    }
    commands
        .iter()
        .any(|command| words.iter().any(|word| command.contains(word)))
        .then(|| evidence.clone())
}

/// The first configuration file of `names` in the package's directory, with its text.
fn config(
    repo: &Repo,
    package: &Declared<'_>,
    names: &[&str],
) -> Result<Option<(String, String)>, DetectError> {
    for name in names {
        let file = repo::join(package.dir, name);
        if let Some(text) = repo.read_text(&file, SOURCE_CAP)? {
            return Ok(Some((file, text)));
        }
    }
    Ok(None)
}

/// A string option in a JavaScript configuration (`outDir: 'build'`): its value and line.
pub fn option(text: &str, key: &str) -> Option<(String, usize)> {
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") || trimmed.starts_with('*') {
            continue;
        }
        let Some(at) = line.find(key) else { continue };
        let before = line[..at].chars().last();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = line[at + key.len()..].trim_start();
        let rest = rest
            .strip_prefix(['"', '\''])
            .map(|r| r.trim_start())
            .unwrap_or(rest);
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(quote) = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))
        else {
            continue;
        };
        let value = &rest[1..];
        if let Some(end) = value.find(quote) {
            return Some((value[..end].to_string(), index + 1));
        }
    }
    None
}

/// A directory named in a configuration, relative to the package: `Err` when it leaves the
/// project, `Ok(Some(None))` when it leaves only the package (the build writes another
/// application's assets), `Ok(None)` when the configuration names none.
fn configured_dir(
    file: &str,
    text: &str,
    key: &str,
    package: &Declared<'_>,
) -> Result<Option<Option<(String, Evidence)>>, DetectError> {
    let Some((value, line)) = option(text, key) else {
        return Ok(None);
    };
    let Some(relative) = within_package(file, Some(line), key, package, &value)? else {
        return Ok(Some(None));
    };
    Ok(Some(Some((
        relative.clone(),
        Evidence::line(file, line, format!("{key}: {value:?}")),
    ))))
}

/// `value`, read from `file`, as a path relative to the package: refused when it leaves the
/// project, `None` when it leaves only the package.
fn within_package(
    file: &str,
    line: Option<usize>,
    key: &str,
    package: &Declared<'_>,
    value: &str,
) -> Result<Option<String>, DetectError> {
    let inside = facts::inside(file, line, key, package.dir, value)?;
    if inside == package.dir {
        return Err(whole_package(file, line, key, value));
    }
    if package.dir.is_empty() {
        return Ok(Some(inside));
    }
    Ok(inside
        .strip_prefix(&format!("{}/", package.dir))
        .map(str::to_string))
}

/// The refusal of an output directory that is the package directory itself (`.`, `./`, empty):
/// the image would serve or ship the source, package.json and node_modules.
pub fn whole_package(file: &str, line: Option<usize>, key: &str, value: &str) -> DetectError {
    DetectError::Broken {
        file: file.to_string(),
        line,
        cause: format!(
            "{key} {value:?} is the package directory itself, so the image would serve its source, package.json and node_modules; have the build write into a directory of its own (such as dist)"
        ),
    }
}

/// The output directory a configuration names under `key`, else `default`; `None` when it lies
/// outside the package (the build writes another application's assets).
fn output_dir(
    found: &Option<(String, String)>,
    key: &str,
    package: &Declared<'_>,
    default: impl FnOnce() -> (String, Evidence),
) -> Result<Option<(String, Evidence)>, DetectError> {
    let configured = match found {
        Some((file, text)) => configured_dir(file, text, key, package)?,
        None => None,
    };
    Ok(match configured {
        Some(inside) => inside,
        None => Some(default()),
    })
}

fn spa(package: &Declared<'_>) -> Option<Evidence> {
    dependency(package, ROUTERS).map(|(name, evidence)| Evidence {
        detail: format!("{name}: routes on the client"),
        ..evidence.clone()
    })
}

/// A static site; with `routes`, a client router among the dependencies makes it a single-page
/// app (frameworks that prerender every page answer a missing one with their 404 page).
fn site(
    framework: &'static str,
    dir: String,
    package: Option<&Declared<'_>>,
    hashed: &'static str,
    evidence: Evidence,
) -> Frontend {
    let spa_evidence = package.and_then(spa);
    Frontend::Static(Site {
        framework,
        dir,
        fallback: spa_evidence.as_ref().map(|_| "index.html".to_string()),
        spa_evidence,
        hashed,
        evidence,
    })
}

fn server(
    framework: &'static str,
    path: &str,
    host_variable: &'static str,
    port: u16,
    evidence: Evidence,
) -> Frontend {
    Frontend::Server(Server {
        framework,
        path: path.to_string(),
        host_variable,
        port_variable: "PORT",
        port,
        evidence,
    })
}

/// What the package's front-end framework builds, if it uses one shiplight knows.
pub fn detect(repo: &Repo, package: &Declared<'_>) -> Result<Option<Frontend>, DetectError> {
    if let Some((_, evidence)) = dependency(package, &["nuxt"]) {
        return Ok(Some(nuxt(package, evidence)));
    }
    if let Some((name, evidence)) = dependency(
        package,
        &[
            "@tanstack/react-start",
            "@tanstack/solid-start",
            "@tanstack/start",
        ],
    ) {
        return Ok(Some(server(
            "TanStack Start",
            ".output/server/index.mjs",
            "HOST",
            3000,
            Evidence {
                detail: format!("{name}: its build writes .output/server/index.mjs"),
                ..evidence.clone()
            },
        )));
    }
    if dependency(package, &["@sveltejs/kit"]).is_some() {
        return sveltekit(repo, package);
    }
    if let Some((_, evidence)) = dependency(package, &["astro"]) {
        return astro(repo, package, evidence);
    }
    if dependency(package, &["@angular/core"]).is_some() {
        return angular(repo, package);
    }
    if let Some((_, evidence)) = tool(package, "react-scripts")
        && build_runs(package, &["react-scripts build"]).is_some()
        && repo.is_file(&repo::join(package.dir, "public/index.html"))
    {
        return Ok(Some(site(
            "Create React App",
            "build".to_string(),
            Some(package),
            "^/static/",
            Evidence {
                detail: "react-scripts build writes build/".to_string(),
                ..evidence.clone()
            },
        )));
    }
    if let Some(build) = build_runs(package, &["vite build"])
        && tool(package, "vite").is_some()
        && repo.is_file(&repo::join(package.dir, "index.html"))
    {
        return vite(repo, package, build);
    }
    if let Some(build) = build_runs(package, &["parcel build"])
        && tool(package, "parcel").is_some()
    {
        return parcel(package, build);
    }
    if let Some((_, evidence)) = dependency(package, &["@11ty/eleventy"])
        && package.build_script.is_some()
    {
        return eleventy(package, evidence);
    }
    if let Some(found) = webpack(repo, package)? {
        return Ok(Some(found));
    }
    if repo.is_file(&repo::join(package.dir, "index.html"))
        && let Some((dir, evidence)) = build_output(package)?
    {
        return Ok(Some(site("static site", dir, None, "", evidence)));
    }
    Ok(None)
}

/// Nuxt: the static site `nuxt generate` writes, else the server `nuxt build` writes.
fn nuxt(package: &Declared<'_>, evidence: &Evidence) -> Frontend {
    if let Some(build) = build_runs(package, &["nuxt generate", "nuxi generate"]) {
        return site(
            "Nuxt",
            ".output/public".to_string(),
            None,
            "^/_nuxt/",
            Evidence {
                detail: "nuxt generate writes .output/public".to_string(),
                ..build
            },
        );
    }
    server(
        "Nuxt",
        ".output/server/index.mjs",
        "HOST",
        3000,
        Evidence {
            detail: "nuxt: nuxt build writes .output/server/index.mjs".to_string(),
            ..evidence.clone()
        },
    )
}

/// Astro: the server its Node adapter builds, else the static site in its `outDir`.
fn astro(
    repo: &Repo,
    package: &Declared<'_>,
    evidence: &Evidence,
) -> Result<Option<Frontend>, DetectError> {
    let found = config(
        repo,
        package,
        &["astro.config.mjs", "astro.config.ts", "astro.config.js"],
    )?;
    if let Some((_, adapter)) = dependency(package, &["@astrojs/node"]) {
        return Ok(Some(server(
            "Astro",
            "dist/server/entry.mjs",
            "HOST",
            4321,
            Evidence {
                detail: "@astrojs/node: the build writes dist/server/entry.mjs".to_string(),
                ..adapter.clone()
            },
        )));
    }
    let Some((dir, evidence)) = output_dir(&found, "outDir", package, || {
        (
            "dist".to_string(),
            Evidence {
                detail: "astro without a server adapter: astro build writes dist/".to_string(),
                ..evidence.clone()
            },
        )
    })?
    else {
        return Ok(None);
    };
    Ok(Some(site("Astro", dir, None, "^/_astro/", evidence)))
}

/// Vite: the static site in the config's `outDir`, else dist/.
fn vite(repo: &Repo, package: &Declared<'_>, build: Evidence) -> Result<Option<Frontend>, DetectError> {
    let found = config(
        repo,
        package,
        &[
            "vite.config.ts",
            "vite.config.js",
            "vite.config.mjs",
            "vite.config.mts",
        ],
    )?;
    let Some((dir, evidence)) = output_dir(&found, "outDir", package, || {
        (
            "dist".to_string(),
            Evidence {
                detail: "vite build writes dist/".to_string(),
                ..build
            },
        )
    })?
    else {
        return Ok(None);
    };
    Ok(Some(site(
        "Vite",
        dir,
        Some(package),
        "^/assets/",
        evidence,
    )))
}

/// Parcel: the static site in the build script's output directory, else dist/.
fn parcel(package: &Declared<'_>, build: Evidence) -> Result<Option<Frontend>, DetectError> {
    let (dir, evidence) = match build_output(package)? {
        Some(found) => found,
        None => (
            "dist".to_string(),
            Evidence {
                detail: "parcel build writes dist/".to_string(),
                ..build
            },
        ),
    };
    Ok(Some(site(
        "Parcel",
        dir,
        Some(package),
        r"\.[0-9a-f]{8}\.(?:js|css|mjs)$",
        evidence,
    )))
}

/// Eleventy: the static site in the build script's output directory, else _site/.
fn eleventy(package: &Declared<'_>, evidence: &Evidence) -> Result<Option<Frontend>, DetectError> {
    let (dir, evidence) = match build_output(package)? {
        Some(found) => found,
        None => (
            "_site".to_string(),
            Evidence {
                detail: "@11ty/eleventy writes _site/".to_string(),
                ..evidence.clone()
            },
        ),
    };
    Ok(Some(site("Eleventy", dir, None, "", evidence)))
}

/// How a build reaches webpack: directly, or through a task runner and its webpack plugin,
/// with the configuration files that hold the output path.
const WEBPACK_RUNNERS: &[(&str, Option<&str>, &[&str])] = &[
    (
        "webpack",
        None,
        &[
            "webpack.config.js",
            "webpack.config.mjs",
            "webpack.config.cjs",
            "webpack.config.ts",
        ],
    ),
    ("grunt", Some("grunt-webpack"), &["Gruntfile.js", "Gruntfile.cjs", "gruntfile.js"]),
    ("gulp", Some("webpack-stream"), &["gulpfile.js", "gulpfile.mjs", "gulpfile.cjs"]),
];

/// A webpack site: html-webpack-plugin writes the page, and the build runs webpack (itself or
/// through a task runner's webpack plugin). The files land in the configuration's
/// `output.path`, else webpack's `dist/` when webpack runs alone; a path the configuration
/// computes is not guessed.
fn webpack(repo: &Repo, package: &Declared<'_>) -> Result<Option<Frontend>, DetectError> {
    if dependency(package, &["html-webpack-plugin"]).is_none() || tool(package, "webpack").is_none()
    {
        return Ok(None);
    }
    for (runner, plugin, configs) in WEBPACK_RUNNERS {
        let Some(build) = build_runs(package, &[runner]) else {
            continue;
        };
        if plugin.is_some_and(|plugin| tool(package, plugin).is_none()) {
            continue;
        }
        let found = config(repo, package, configs)?;
        let output = found
            .as_ref()
            .and_then(|(file, text)| output_path(text).map(|(dir, line)| (file, dir, line)));
        let (dir, evidence) = match output {
            Some((file, dir, line)) => {
                let Some(inside) = within_package(file, Some(line), "output.path", package, &dir)?
                else {
                    return Ok(None);
                };
                let evidence = Evidence::line(
                    file,
                    line,
                    format!("webpack output.path: {inside}/ (html-webpack-plugin writes the page)"),
                );
                (inside, evidence)
            }
            None if plugin.is_none() => (
                "dist".to_string(),
                Evidence {
                    detail: "webpack with html-webpack-plugin writes dist/".to_string(),
                    ..build
                },
            ),
            None => continue,
        };
        return Ok(Some(site("webpack", dir, Some(package), "", evidence)));
    }
    Ok(None)
}

/// The directory of the first `path:` within a few lines after `output:` in a webpack
/// configuration, with its line: a string, `__dirname + "/dir"`, or
/// `path.resolve(__dirname, "dir")` / `path.join(__dirname, "dir")`.
fn output_path(text: &str) -> Option<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.trim_start().starts_with("output:"))?;
    lines
        .iter()
        .enumerate()
        .skip(start)
        .take(8)
        .find_map(|(index, line)| {
            let value = line.trim_start().strip_prefix("path:")?;
            path_value(value.trim().trim_end_matches(',')).map(|dir| (dir, index + 1))
        })
}

/// A webpack path expression that names a fixed directory relative to the configuration.
fn path_value(value: &str) -> Option<String> {
    let quoted = |text: &str| -> Option<String> {
        let text = text.trim();
        let quote = text.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
        let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
        (!inner.contains(['"', '\'', '`', '$'])).then(|| inner.to_string())
    };
    let dir = if let Some(rest) = value.strip_prefix("__dirname") {
        quoted(rest.trim_start().strip_prefix('+')?)?
    } else if let Some(args) = value
        .strip_prefix("path.resolve(")
        .or_else(|| value.strip_prefix("path.join("))
    {
        let mut parts = args.strip_suffix(')')?.split(',');
        if parts.next()?.trim() != "__dirname" {
            return None;
        }
        let dir = quoted(parts.next()?)?;
        if parts.next().is_some() {
            return None;
        }
        dir
    } else {
        quoted(value)?
    };
    let dir = dir.trim_start_matches("./").trim_start_matches('/');
    (!dir.is_empty()).then(|| dir.trim_end_matches('/').to_string())
}

/// The output directory a build script names with `--output`, `--out-dir`, `--outdir`, `-o`
/// (or `--output=DIR`), kept inside the package: a plain site's build (a CSS or bundler CLI
/// beside an `index.html`) says where its files go.
fn build_output(package: &Declared<'_>) -> Result<Option<(String, Evidence)>, DetectError> {
    let Some((script, evidence)) = package.build_script else {
        return Ok(None);
    };
    let words: Vec<&str> = script.split_whitespace().collect();
    let mut found = None;
    for (index, word) in words.iter().enumerate() {
        for flag in ["--output", "--out-dir", "--outdir", "--dist-dir", "-o"] {
            if *word == flag {
                found = words.get(index + 1).map(|dir| dir.to_string());
            } else if let Some(dir) = word.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
                found = Some(dir.to_string());
            }
        }
    }
    let Some(dir) = found else {
        return Ok(None);
    };
    let Some(inside) =
        within_package(&evidence.file, evidence.line, "build output", package, &dir)?
    else {
        return Ok(None);
    };
    Ok(Some((
        inside.clone(),
        Evidence {
            detail: format!("the build script writes {inside}/"),
            ..evidence.clone()
        },
    )))
}

fn sveltekit(repo: &Repo, package: &Declared<'_>) -> Result<Option<Frontend>, DetectError> {
    let found = config(repo, package, &["svelte.config.js", "svelte.config.ts"])?;
    let imports = |adapter: &str| {
        found
            .as_ref()
            .and_then(|(file, text)| Some((file, line_of(text, |line| line.contains(adapter))?)))
    };
    let node = dependency(package, &["@sveltejs/adapter-node"]);
    let files = dependency(package, &["@sveltejs/adapter-static"]);
    let use_node = match (node, files) {
        (Some(_), Some(_)) => imports("@sveltejs/adapter-static").is_none(),
        (Some(_), None) => true,
        (None, Some(_)) => false,
        (None, None) => {
            let file = found
                .as_ref()
                .map(|(file, _)| file.clone())
                .unwrap_or_else(|| package.manifest.to_string());
            return Err(DetectError::Broken {
                file,
                line: None,
                cause: "SvelteKit without @sveltejs/adapter-node or @sveltejs/adapter-static: adapter-auto builds nothing a container can run. Add adapter-node (a Node server) or adapter-static (files)".to_string(),
            });
        }
    };
    if use_node {
        let (_, evidence) = node.expect("checked above");
        let Some((dir, evidence)) = output_dir(&found, "out", package, || {
            (
                "build".to_string(),
                Evidence {
                    detail: "@sveltejs/adapter-node writes build/index.js".to_string(),
                    ..evidence.clone()
                },
            )
        })?
        else {
            return Ok(None);
        };
        return Ok(Some(server(
            "SvelteKit",
            &repo::join(&dir, "index.js"),
            "HOST",
            3000,
            evidence,
        )));
    }
    let (_, evidence) = files.expect("checked above");
    let Some((dir, dir_evidence)) = output_dir(&found, "pages", package, || {
        (
            "build".to_string(),
            Evidence {
                detail: "@sveltejs/adapter-static writes build/".to_string(),
                ..evidence.clone()
            },
        )
    })?
    else {
        return Ok(None);
    };
    let fallback = found.as_ref().and_then(|(file, text)| {
        let (value, line) = option(text, "fallback")?;
        Some((
            value.clone(),
            Evidence::line(
                file.clone(),
                line,
                format!("fallback: {value:?}: client-side routing"),
            ),
        ))
    });
    let fallback = match fallback {
        Some((value, evidence)) => Some((
            crate::safe::relative_path(&evidence.file, "fallback", &value)
                .map_err(|e| e.at_line(evidence.line))?,
            evidence,
        )),
        None => None,
    };
    Ok(Some(Frontend::Static(Site {
        framework: "SvelteKit",
        dir,
        fallback: fallback.as_ref().map(|(value, _)| value.clone()),
        spa_evidence: fallback.map(|(_, evidence)| evidence),
        hashed: "^/_app/immutable/",
        evidence: dir_evidence,
    })))
}

/// Angular: the application project of angular.json and where its build writes the browser
/// files (`outputPath`, plus `browser/` for the application builder).
fn angular(repo: &Repo, package: &Declared<'_>) -> Result<Option<Frontend>, DetectError> {
    let file = repo::join(package.dir, "angular.json");
    let Some(text) = repo.read_text(&file, MANIFEST_CAP)? else {
        return Ok(None);
    };
    let json = parse_json(&file, &text)?;
    let projects = json
        .get("projects")
        .and_then(|p| p.as_object())
        .cloned()
        .unwrap_or_default();
    let applications: Vec<(&String, &serde_json::Value)> = projects
        .iter()
        .filter(|(_, p)| p.get("projectType").and_then(|t| t.as_str()) != Some("library"))
        .collect();
    let chosen = json
        .get("defaultProject")
        .and_then(|d| d.as_str())
        .and_then(|name| applications.iter().find(|(n, _)| n.as_str() == name))
        .or(applications.first().filter(|_| applications.len() == 1));
    let Some((name, project)) = chosen else {
        return Err(DetectError::Broken {
            file: file.clone(),
            line: None,
            cause: format!(
                "{} application projects and no defaultProject: shiplight builds one",
                applications.len()
            ),
        });
    };
    let build = project.get("architect").and_then(|a| a.get("build"));
    let builder = build
        .and_then(|b| b.get("builder"))
        .and_then(|b| b.as_str())
        .unwrap_or("");
    let output = build
        .and_then(|b| b.get("options"))
        .and_then(|o| o.get("outputPath"));
    let (base, browser) = match output {
        Some(serde_json::Value::String(path)) => (path.clone(), None),
        Some(serde_json::Value::Object(parts)) => (
            parts
                .get("base")
                .and_then(|b| b.as_str())
                .unwrap_or("")
                .to_string(),
            parts
                .get("browser")
                .and_then(|b| b.as_str())
                .map(str::to_string),
        ),
        _ => (format!("dist/{name}"), None),
    };
    let application = builder.ends_with(":application") || builder.ends_with(":browser-esbuild");
    let browser = match (application, browser) {
        (_, Some(browser)) if browser.is_empty() => None,
        (_, Some(browser)) => Some(browser),
        (true, None) => Some("browser".to_string()),
        (false, None) => None,
    };
    let line = key_line(&text, "outputPath").or_else(|| key_line(&text, name));
    let joined = match &browser {
        Some(browser) => repo::join(&base, browser),
        None => base.clone(),
    };
    let Some(dir) = within_package(&file, line, "outputPath", package, &joined)? else {
        return Ok(None);
    };
    let evidence = match line {
        Some(line) => Evidence::line(
            &file,
            line,
            format!("project {name}: the build writes {dir}"),
        ),
        None => Evidence::file(&file, format!("project {name}: the build writes {dir}")),
    };
    Ok(Some(site(
        "Angular",
        dir,
        Some(package),
        r"-[A-Z0-9]{8}\.(?:js|css)$|\.[0-9a-f]{16,20}\.(?:js|css)$",
        evidence,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webpack_output_paths() {
        let config = "module.exports = {\n  output: {\n    filename: 'a.js',\n    path: __dirname + \"/build/prod\",\n  },\n};\n";
        assert_eq!(output_path(config), Some(("build/prod".into(), 4)));
        assert_eq!(
            path_value("path.resolve(__dirname, 'public/')"),
            Some("public".into())
        );
        assert_eq!(path_value("path.join(__dirname, \"dist\")"), Some("dist".into()));
        assert_eq!(path_value("'out'"), Some("out".into()));
        assert_eq!(path_value("path.resolve(__dirname, 'a', 'b')"), None);
        assert_eq!(path_value("process.env.OUT"), None);
        assert_eq!(path_value("`${root}/dist`"), None);
        assert_eq!(output_path("module.exports = { path: 'x' };\n"), None);
    }

    #[test]
    fn output_directories_named_by_build_scripts() {
        let none = BTreeMap::new();
        let dir = |script: &str| {
            let build = (script.to_string(), Evidence::line("package.json", 3, "build"));
            let package = Declared {
                dir: "",
                manifest: "package.json",
                dependencies: &none,
                dev_dependencies: &none,
                build_script: Some(&build),
                scripts: None,
                workspace_dependencies: None,
            };
            build_output(&package).map(|found| found.map(|(dir, _)| dir))
        };
        assert_eq!(
            dir("esbuild app.js --bundle --outdir=www").unwrap(),
            Some("www".into())
        );
        assert_eq!(
            dir("parcel build index.html --dist-dir site/").unwrap(),
            Some("site".into())
        );
        assert_eq!(
            dir("tailwindcss -i a.css -o public/out").unwrap(),
            Some("public/out".into())
        );
        assert_eq!(dir("vite build").unwrap(), None);
        assert!(dir("x --output ../../etc").is_err());
    }

    #[test]
    fn options_in_javascript_configurations() {
        assert_eq!(
            option("export default { build: { outDir: 'www' } }", "outDir"),
            Some(("www".to_string(), 1))
        );
        assert_eq!(
            option(
                "// outDir: 'no'\nconst x = { \"outDir\": \"out\" }",
                "outDir"
            ),
            Some(("out".to_string(), 2))
        );
        assert_eq!(option("myoutDir: 'x'", "outDir"), None);
        assert_eq!(option("outDir: resolve('x')", "outDir"), None);
    }
}
