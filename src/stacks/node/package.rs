//! Reading package.json files: name, scripts, main, engines, volta, packageManager, workspaces,
//! dependencies; and the entry point each one implies (Next.js, NestJS, a `node file` start
//! script, main, or a conventional entry file).

use super::frontend::{self, Frontend, Server, Site};
use super::script::runs_script;
use crate::evidence::Evidence;
use crate::facts::{self, DetectError};
use crate::lines::KeyLines;
use crate::manifest::{key_line, parse_json};
use crate::repo::{self, Repo};
use crate::repo::{MANIFEST_CAP, SOURCE_CAP};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Dependencies that make a package.json a server.
pub const SERVER_DEPENDENCIES: &[&str] = &[
    "express",
    "fastify",
    "koa",
    "@hapi/hapi",
    "hono",
    "@nestjs/core",
    "next",
    "restify",
    "socket.io",
    "ws",
    "@apollo/server",
];

/// Conventional entry files, tried in order.
const ENTRY_FILES: &[&str] = &[
    "server.js",
    "index.js",
    "app.js",
    "main.js",
    "server.mjs",
    "index.mjs",
];

/// Next.js configuration files, where `output: "standalone"` is set.
const NEXT_CONFIGS: &[&str] = &[
    "next.config.js",
    "next.config.mjs",
    "next.config.ts",
    "next.config.cjs",
];

/// How the package is started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Start {
    /// Next.js `output: "standalone"`: `server.js` with `.next/static` and `public/` beside it.
    NextStandalone,
    /// Next.js without standalone output: `next start` from node_modules.
    NextStart,
    /// A script run by node, with node's own options before it and its arguments after.
    Script {
        path: String,
        options: Vec<String>,
        args: Vec<String>,
    },
    /// A dependency's binary (`remix-serve build/server/index.js`): node runs the bin file that
    /// `package`'s own package.json names, found in the build stage after the install.
    Bin {
        package: String,
        bin: String,
        args: Vec<String>,
    },
    /// Files a build writes, served by a web server; nothing of the project runs.
    Static(Site),
}

/// Binaries of serve packages whose name differs from their package's.
const SERVE_BINS: &[(&str, &str)] = &[
    ("remix-serve", "@remix-run/serve"),
    ("react-router-serve", "@react-router/serve"),
];

/// Development servers and build tools: a start script running one starts nothing fit for
/// production, so the framework's build output decides instead.
const DEV_TOOLS: &[&str] = &[
    "vite",
    "astro",
    "nuxt",
    "nuxi",
    "ng",
    "react-scripts",
    "webpack",
    "webpack-dev-server",
    "parcel",
    "nodemon",
    "svelte-kit",
    "remix",
    "react-router",
    "gatsby",
    "vinxi",
    "next",
    "tsc",
    "concurrently",
    "npm-run-all",
    "run-p",
    "run-s",
    "cross-env",
    "dotenv",
    "env-cmd",
];

/// The entry point and why.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub framework: Option<&'static str>,
    pub start: Start,
    pub evidence: Evidence,
    /// A server-rendered framework's server: the variables it listens by, and its port.
    pub server: Option<Server>,
    /// Variables the start script's wrappers set (`cross-env NAME=value`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<(String, String)>,
    /// Commands the start script runs before the server (`migrate && node server.js`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<String>,
    /// Variables the build needs to write what the entry runs (a conditional Next.js output).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub build_env: Vec<(String, String)>,
    /// Where the build's layout moved the script (a TypeScript build without rootDir).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<Evidence>,
}

/// One package.json.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Package {
    /// Directory relative to the root, `""` for the root.
    pub dir: String,
    pub manifest: String,
    pub name: Option<String>,
    pub scripts: BTreeMap<String, (String, Evidence)>,
    pub main: Option<(String, Evidence)>,
    pub engines: Option<(String, Evidence)>,
    pub volta: Option<(String, Evidence)>,
    pub package_manager: Option<(String, Evidence)>,
    /// Workspace patterns of package.json (`workspaces`).
    pub workspaces: Vec<String>,
    /// Where `workspaces` is declared, when it lists any pattern.
    pub workspaces_evidence: Option<Evidence>,
    pub dependencies: BTreeMap<String, Evidence>,
    pub dev_dependencies: BTreeMap<String, Evidence>,
    /// binding.gyp beside package.json: the package compiles a native addon.
    pub gypfile: Option<Evidence>,
    /// The Prisma schema `prisma generate` reads during the install (`postinstall` of
    /// @prisma/client), relative to the root.
    pub prisma_schema: Option<Evidence>,
    /// public/ exists (Next.js serves it).
    pub public_dir: bool,
    /// `"type": "module"`: `.js` files are ES modules.
    pub esm: bool,
    pub entry: Option<Entry>,
    /// A port found in the entry's source.
    pub port: Option<(u16, Evidence)>,
    /// A health route the entry's source names.
    pub health: Option<(String, Evidence)>,
    /// A field only a library's manifest needs (`exports`, `module`, `types`,
    /// `peerDependencies`, which the package that imports it provides): its `main` is what
    /// importers load, not a program.
    pub library: Option<Evidence>,
    /// `version` and `license`, for the image's labels.
    pub about: crate::manifest::About,
    /// Why a workspace member cannot be containerised (a React Native app, a start script that
    /// runs bun): the member is set aside as a candidate, and the refusal stands when it is the
    /// only candidate or the one the settings choose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<DetectError>,
}

fn broken(file: &str, line: Option<usize>, cause: impl Into<String>) -> DetectError {
    DetectError::Broken {
        file: file.to_string(),
        line,
        cause: cause.into(),
    }
}

fn string_field(
    file: &str,
    keys: &KeyLines,
    json: &Value,
    key: &str,
) -> Result<Option<(String, Evidence)>, DetectError> {
    match json.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(value)) => Ok(Some((
            value.clone(),
            Evidence::line(
                file,
                keys.line(key).unwrap_or(1),
                format!("{key}: {value:?}"),
            ),
        ))),
        Some(_) => Err(broken(
            file,
            keys.line(key),
            format!("\"{key}\" is not a string"),
        )),
    }
}

fn string_map(
    file: &str,
    keys: &KeyLines,
    json: &Value,
    key: &str,
) -> Result<BTreeMap<String, (String, Evidence)>, DetectError> {
    let mut out = BTreeMap::new();
    match json.get(key) {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (name, value) in map {
                let value = value.as_str().ok_or_else(|| {
                    broken(
                        file,
                        keys.line(name),
                        format!("\"{key}\".\"{name}\" is not a string"),
                    )
                })?;
                out.insert(
                    name.clone(),
                    (
                        value.to_string(),
                        Evidence::line(
                            file,
                            keys.line(name).unwrap_or(1),
                            format!("{name}: {value:?}"),
                        ),
                    ),
                );
            }
        }
        Some(_) => {
            return Err(broken(
                file,
                keys.line(key),
                format!("\"{key}\" is not an object"),
            ));
        }
    }
    Ok(out)
}

/// Reads `dir/package.json`; `None` when there is none.
pub fn read(
    repo: &Repo,
    dir: &str,
    root: Option<&Package>,
) -> Result<Option<Package>, DetectError> {
    read_manifest(repo, dir, &repo::join(dir, "package.json"), root)
}

/// Reads `file` as the package.json of `dir` (the build puts it there); `None` when there is
/// no such file.
pub fn read_manifest(
    repo: &Repo,
    dir: &str,
    file: &str,
    root: Option<&Package>,
) -> Result<Option<Package>, DetectError> {
    let file = file.to_string();
    let Some(text) = repo.read_text(&file, MANIFEST_CAP)? else {
        return Ok(None);
    };
    let json = parse_json(&file, &text)?;
    if !json.is_object() {
        return Err(broken(&file, Some(1), "is not a JSON object"));
    }
    let keys = KeyLines::new(&text);
    let mut package = Package {
        dir: dir.to_string(),
        manifest: file.clone(),
        name: string_field(&file, &keys, &json, "name")?.map(|(n, _)| n),
        scripts: string_map(&file, &keys, &json, "scripts")?,
        main: string_field(&file, &keys, &json, "main")?,
        package_manager: string_field(&file, &keys, &json, "packageManager")?,
        about: crate::manifest::About::from_json(&file, &text, &json),
        ..Package::default()
    };
    if let Some(engines) = json.get("engines").filter(|e| e.is_object()) {
        package.engines = string_field(&file, &keys, engines, "node")?;
    }
    if let Some(volta) = json.get("volta").filter(|v| v.is_object()) {
        package.volta = string_field(&file, &keys, volta, "node")?;
    }
    for (key, target) in [
        ("dependencies", &mut package.dependencies),
        ("devDependencies", &mut package.dev_dependencies),
    ] {
        for (name, (_, evidence)) in string_map(&file, &keys, &json, key)? {
            target.insert(name, evidence);
        }
    }
    read_workspaces(&file, &text, &json, &mut package)?;
    package.prisma_schema = prisma_schema(repo, &package, &text, &json)?;
    let gyp = repo::join(dir, "binding.gyp");
    if repo.is_file(&gyp) {
        package.gypfile = Some(Evidence::file(gyp, "native addon built with node-gyp"));
    }
    package.public_dir = repo.is_dir(&repo::join(dir, "public"));
    package.esm = json.get("type").and_then(Value::as_str) == Some("module");
    package.library = ["exports", "module", "types", "typings", "peerDependencies"]
        .iter()
        .find(|key| json.get(**key).is_some())
        .map(|key| {
            Evidence::line(
                &file,
                keys.line(key).unwrap_or(1),
                format!("\"{key}\": a library's field"),
            )
        });
    package.entry = match entry(repo, &package, root) {
        Ok(entry) => entry,
        Err(refusal @ DetectError::Broken { .. }) if root.is_some() => {
            package.refused = Some(refusal);
            None
        }
        Err(error) => return Err(error),
    };
    read_entry_sources(repo, &mut package)?;
    Ok(Some(package))
}

/// `workspaces` (a list, or Yarn's `{ packages }`): the workspace patterns and where they
/// are declared.
fn read_workspaces(
    file: &str,
    text: &str,
    json: &Value,
    package: &mut Package,
) -> Result<(), DetectError> {
    let workspaces = match json.get("workspaces") {
        Some(Value::Array(items)) => items.clone(),
        Some(Value::Object(map)) => map
            .get("packages")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    for item in workspaces {
        let pattern = item.as_str().ok_or_else(|| {
            broken(
                file,
                key_line(text, "workspaces"),
                "\"workspaces\" holds a value that is not a string",
            )
        })?;
        package.workspaces.push(pattern.to_string());
    }
    if !package.workspaces.is_empty() {
        package.workspaces_evidence = Some(Evidence::line(
            file,
            key_line(text, "workspaces").unwrap_or(1),
            format!("workspaces {:?}", package.workspaces),
        ));
    }
    Ok(())
}

/// The Prisma schema of a package that uses Prisma (the client is generated from it during
/// the install): `prisma.schema`, else the default path, when the file exists.
fn prisma_schema(
    repo: &Repo,
    package: &Package,
    text: &str,
    json: &Value,
) -> Result<Option<Evidence>, DetectError> {
    let uses_prisma = ["@prisma/client", "prisma"].iter().any(|name| {
        package.dependencies.contains_key(*name) || package.dev_dependencies.contains_key(*name)
    });
    if !uses_prisma {
        return Ok(None);
    }
    let declared = json
        .get("prisma")
        .and_then(|p| p.get("schema"))
        .and_then(|s| s.as_str());
    let (schema, line) = match declared {
        Some(path) => (path, key_line(text, "schema")),
        None => ("prisma/schema.prisma", None),
    };
    let schema = facts::inside(
        &package.manifest,
        line,
        "prisma schema",
        &package.dir,
        schema,
    )?;
    Ok(repo.is_file(&schema).then(|| {
        Evidence::file(
            schema,
            "Prisma schema: the client is generated from it during the install",
        )
    }))
}

impl Package {
    /// A production or development dependency.
    pub fn depends_on(&self, name: &str) -> Option<&Evidence> {
        self.dependencies
            .get(name)
            .or_else(|| self.dev_dependencies.get(name))
    }

    /// The build script, if any.
    pub fn build_script(&self) -> Option<&(String, Evidence)> {
        self.scripts.get("build")
    }

    /// What front-end detection reads of this package, with the workspace root's
    /// dependencies for a member.
    pub fn declared<'a>(&'a self, root: Option<&'a Package>) -> frontend::Declared<'a> {
        frontend::Declared {
            dir: &self.dir,
            manifest: &self.manifest,
            dependencies: &self.dependencies,
            dev_dependencies: &self.dev_dependencies,
            build_script: self.build_script(),
            scripts: Some(&self.scripts),
            workspace_dependencies: root.map(|r| &r.dev_dependencies),
        }
    }
}

/// Whether a script's command is plain words a program can be given without a shell: no shell
/// operators, variables, quotes, escapes or subshells.
fn plain_words(command: &str) -> bool {
    !command.contains([
        '&', '|', ';', '$', '`', '>', '<', '"', '\'', '\\', '\n', '(', ')',
    ])
}

/// A `node` command line split into node's options, the script and the script's arguments.
pub type NodeCommand = (Vec<String>, String, Vec<String>);

/// node's options that take the next word as their value (`-r dotenv/config`).
pub(super) const NODE_VALUE_OPTIONS: &[&str] = &[
    "-r",
    "--require",
    "--import",
    "--loader",
    "--experimental-loader",
    "--env-file",
    "-C",
    "--conditions",
    "--title",
    "--input-type",
];

/// Splits a `node ...` command line; `None` when the command is not a plain node invocation
/// (another program, shell operators, variables, quotes).
pub fn node_command(command: &str) -> Option<NodeCommand> {
    if !plain_words(command) {
        return None;
    }
    let mut words = command.split_whitespace();
    if words.next()? != "node" {
        return None;
    }
    let mut options = Vec::new();
    while let Some(word) = words.next() {
        if word.starts_with('-') {
            options.push(word.to_string());
            if NODE_VALUE_OPTIONS.contains(&word) {
                options.push(words.next()?.to_string());
            }
        } else {
            let args = words.map(str::to_string).collect();
            return Some((options, word.to_string(), args));
        }
    }
    None
}

/// A start script's command once followed and unwrapped: the program's words, the variables
/// the wrappers set, and the commands a `&&` chain runs before it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Command {
    pub words: Vec<String>,
    pub env: Vec<(String, String)>,
    pub before: Vec<String>,
    /// The directory a `cd DIR &&` before the program moves to, relative to the package.
    pub cwd: String,
}

impl Command {
    /// The program's words as one line.
    pub fn line(&self) -> String {
        self.words.join(" ")
    }
}

/// A `NAME=value` word: the variable's name and value.
fn assignment(word: &str) -> Option<(String, String)> {
    let (name, value) = word.split_once('=')?;
    let ok = !name.is_empty()
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then(|| (name.to_string(), value.to_string()))
}

/// The words after the wrappers that only set variables or load .env files before running a
/// program: leading `NAME=value` words, `cross-env`, `dotenv [options] [--]`, `env-cmd
/// [options]`. The variables set are collected into `env`.
fn unwrap_words(words: &[String], env: &mut Vec<(String, String)>) -> Vec<String> {
    let mut rest = words;
    loop {
        match rest.first().map(String::as_str) {
            Some("cross-env" | "cross-env-shell") => rest = &rest[1..],
            Some("dotenv" | "dotenv-cli" | "env-cmd") => {
                rest = &rest[1..];
                match rest.iter().position(|w| w == "--") {
                    Some(at) => rest = &rest[at + 1..],
                    None => {
                        while let Some(option) = rest.first().filter(|w| w.starts_with('-')) {
                            let takes_value = !option.contains('=')
                                && matches!(
                                    option.as_str(),
                                    "-e" | "-c" | "-v" | "-f" | "-r" | "--file" | "--environments"
                                );
                            rest = &rest[if takes_value { 2 } else { 1 }.min(rest.len())..];
                        }
                    }
                }
            }
            Some(word) if assignment(word).is_some() => {
                env.extend(assignment(word));
                rest = &rest[1..];
            }
            _ => return rest.to_vec(),
        }
    }
}

/// The command a script runs, following `npm run X`, `yarn X` and `pnpm X` to script `X` (a
/// few hops at most, the words after the name passed on), taking the last command of a `&&`
/// chain (the ones before it are listed) and unwrapping variable and .env wrappers, with the
/// evidence of the script that holds the program's words.
fn run_through<'a>(package: &'a Package, script: &str) -> Option<(Command, &'a Evidence)> {
    let mut name = script.to_string();
    let mut passed: Vec<String> = Vec::new();
    let mut found = Command::default();
    let mut holder: Option<&Evidence> = None;
    for _ in 0..5 {
        let (command, evidence) = package.scripts.get(&name)?;
        let mut segments: Vec<&str> = command.split(" && ").map(str::trim).collect();
        let last = segments.pop()?;
        for segment in segments {
            match segment.split_whitespace().collect::<Vec<_>>().as_slice() {
                ["cd", dir] => found.cwd = repo::join(&found.cwd, dir.trim_end_matches('/')),
                _ => found.before.push(segment.to_string()),
            }
        }
        let mut words: Vec<String> = last.split_whitespace().map(str::to_string).collect();
        let own = words.len();
        words.append(&mut passed);
        let total = words.len();
        let words = unwrap_words(&words, &mut found.env);
        if total - words.len() < own || holder.is_none() {
            holder = Some(evidence);
        }
        if words.len() == 1 && words[0] == "run-script-os" {
            name = ["linux", "nix", "default"]
                .iter()
                .map(|os| format!("{name}:{os}"))
                .find(|variant| package.scripts.contains_key(variant))?;
            continue;
        }
        match runs_script(&words) {
            Some((next, rest)) => {
                name = next;
                passed = rest;
            }
            None => {
                found.words = words;
                return Some((found, holder?));
            }
        }
    }
    None
}

/// The entry, its script moved to where the TypeScript build writes it (see
/// [`super::typescript::built_path`]), with the tsconfig evidence kept as its layout.
fn relocate(repo: &Repo, package: &Package, mut entry: Entry) -> Entry {
    let build = package.scripts.get("build").map(|(text, _)| text.as_str());
    if let (Start::Script { path, .. }, Some(build)) = (&mut entry.start, build)
        && let Some((moved, evidence)) =
            super::typescript::built_path(repo, &package.dir, build, path)
    {
        *path = moved;
        entry.layout = Some(evidence);
    }
    entry
}

/// How the package starts, in order of preference: Next.js, a start script running node or a
/// dependency's binary, a front-end framework's build output, NestJS's build, the main file,
/// and the entry file of a package with a server dependency.
fn entry(
    repo: &Repo,
    package: &Package,
    root: Option<&Package>,
) -> Result<Option<Entry>, DetectError> {
    refuse_mobile_app(package)?;
    if let Some(evidence) = package.dependencies.get("next") {
        if let Some(entry) = start_script_entry(repo, package, &None)?
            && matches!(entry.start, Start::Script { .. })
        {
            return Ok(Some(entry));
        }
        return next_entry(repo, package, evidence).map(Some);
    }
    let frontend = frontend::detect(repo, &package.declared(root))?;
    if let Some(entry) = start_script_entry(repo, package, &frontend)? {
        return Ok(Some(relocate(repo, package, entry)));
    }
    if let Some(entry) = frontend.map(frontend_entry) {
        return Ok(Some(entry));
    }
    if let Some(evidence) = package.dependencies.get("@nestjs/core") {
        let nest = Entry {
            framework: Some("NestJS"),
            start: Start::Script {
                path: "dist/main.js".to_string(),
                options: Vec::new(),
                args: Vec::new(),
            },
            evidence: Evidence {
                detail: "@nestjs/core: nest build writes dist/main.js".to_string(),
                ..evidence.clone()
            },
            server: None,
            env: Vec::new(),
            before: Vec::new(),
            build_env: Vec::new(),
            layout: None,
        };
        return Ok(Some(relocate(repo, package, nest)));
    }
    if let Some(entry) = main_entry(repo, package)? {
        return Ok(Some(entry));
    }
    Ok(server_dependency_entry(repo, package))
}

/// Next.js: its standalone server when a next.config's `output` is `"standalone"` (directly,
/// as the default of the variable it names, or when a variable the build can set says so), its
/// static export for `"export"`, else `next start`.
fn next_entry(repo: &Repo, package: &Package, evidence: &Evidence) -> Result<Entry, DetectError> {
    for config in NEXT_CONFIGS {
        let file = repo::join(&package.dir, config);
        let Some(text) = repo.read_text(&file, SOURCE_CAP)? else {
            continue;
        };
        let Some((output, line)) = next_output(&text) else {
            continue;
        };
        let evidence = Evidence::line(&file, line, output.detail());
        let entry = |start, build_env| Entry {
            framework: Some("Next.js"),
            start,
            evidence: evidence.clone(),
            server: None,
            env: Vec::new(),
            before: Vec::new(),
            build_env,
            layout: None,
        };
        return Ok(match output {
            NextOutput::Standalone(build_env) => entry(Start::NextStandalone, build_env),
            NextOutput::Export => {
                let dir = frontend::option(&text, "distDir")
                    .map(|(dir, _)| dir)
                    .unwrap_or_else(|| "out".to_string());
                let site = Site {
                    framework: "Next.js",
                    dir,
                    fallback: None,
                    spa_evidence: None,
                    hashed: "^/_next/static/",
                    evidence: evidence.clone(),
                };
                entry(Start::Static(site), Vec::new())
            }
        });
    }
    Ok(Entry {
        framework: Some("Next.js"),
        start: Start::NextStart,
        evidence: evidence.clone(),
        server: None,
        env: Vec::new(),
        before: Vec::new(),
        build_env: Vec::new(),
        layout: None,
    })
}

/// What a next.config's `output` builds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NextOutput {
    /// The standalone server, with the variables the build sets for the config to choose it.
    Standalone(Vec<(String, String)>),
    /// The static export.
    Export,
}

impl NextOutput {
    fn detail(&self) -> String {
        match self {
            NextOutput::Standalone(env) if env.is_empty() => "output: \"standalone\"".to_string(),
            NextOutput::Standalone(env) => format!(
                "output: \"standalone\" when {}",
                env.iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            NextOutput::Export => "output: \"export\": a static site".to_string(),
        }
    }
}

/// The `output` of a Next.js configuration and its line: a literal, a conditional on a
/// variable (`process.env.X === "true" ? "standalone" : undefined`, the value on the same
/// line or the next), or a variable declared with a default (`const mode =
/// process.env.MODE ?? "standalone"`).
fn next_output(text: &str) -> Option<(NextOutput, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") || trimmed.starts_with('*') {
            continue;
        }
        let Some(value) = trimmed
            .strip_prefix("output:")
            .or_else(|| trimmed.strip_prefix("\"output\":"))
        else {
            continue;
        };
        let mut value = value.trim().trim_end_matches(',').trim().to_string();
        if value.is_empty() {
            value = lines.get(index + 1)?.trim().trim_end_matches(',').to_string();
        }
        if let Some(found) = output_value(&value) {
            return Some((found, index + 1));
        }
        if value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !value.is_empty() {
            let declared = lines.iter().enumerate().find_map(|(at, l)| {
                let l = l.trim_start();
                let rest = ["const ", "let ", "var "]
                    .iter()
                    .find_map(|k| l.strip_prefix(k))?
                    .strip_prefix(value.as_str())?
                    .trim_start()
                    .strip_prefix('=')?;
                let (_, default) = rest.split_once("??").or_else(|| rest.split_once("||"))?;
                let default = default.trim().trim_end_matches(';').trim();
                (unquote(default)? == "standalone").then_some(at + 1)
            });
            if let Some(at) = declared {
                return Some((NextOutput::Standalone(Vec::new()), at));
            }
        }
        return None;
    }
    None
}

/// A quoted string's content.
fn unquote(value: &str) -> Option<&str> {
    let quote = value.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
    value.strip_prefix(quote)?.strip_suffix(quote)
}

/// A literal output, or `process.env.NAME === "value" ? "standalone" : ...`.
fn output_value(value: &str) -> Option<NextOutput> {
    match unquote(value) {
        Some("standalone") => return Some(NextOutput::Standalone(Vec::new())),
        Some("export") => return Some(NextOutput::Export),
        Some(_) => return None,
        None => {}
    }
    let (condition, branches) = value.split_once('?')?;
    let (chosen, _) = branches.split_once(':')?;
    if unquote(chosen.trim()) != Some("standalone") {
        return None;
    }
    let (name, expected) = condition
        .split_once("===")
        .or_else(|| condition.split_once("=="))?;
    let name = name.trim().strip_prefix("process.env.")?;
    let expected = unquote(expected.trim())?;
    let ok = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && crate::safe::argument("next.config", "value", expected).is_ok();
    ok.then(|| NextOutput::Standalone(vec![(name.to_string(), expected.to_string())]))
}

/// The first of the start scripts (`start`, `start:prod`, `serve`, `prod`) that runs node on a
/// script or a dependency's binary without a shell, once followed and unwrapped.
fn start_script_entry(
    repo: &Repo,
    package: &Package,
    frontend: &Option<Frontend>,
) -> Result<Option<Entry>, DetectError> {
    let server = match frontend {
        Some(Frontend::Server(server)) => Some(server.clone()),
        _ => None,
    };
    if let Some((name, (_, evidence))) = package
        .scripts
        .iter()
        .find(|(_, (text, _))| text.chars().any(char::is_control))
    {
        return Err(broken(
            &evidence.file,
            evidence.line,
            format!("scripts.{name} holds a line break or another control character: a script is one command line"),
        ));
    }
    for script in START_SCRIPTS {
        let Some((command, evidence)) = run_through(package, script) else {
            continue;
        };
        let line = command.line();
        refuse_bun_start(&command, evidence)?;
        let node = node_command(&line).or_else(|| node_file(repo, package, &command));
        if let Some((options, path, args)) = node {
            let path = script_file(repo, package, evidence, &repo::join(&command.cwd, &path))?;
            let server = server.clone().filter(|s| same_path(&s.path, &path));
            return Ok(Some(Entry {
                framework: package
                    .dependencies
                    .contains_key("@nestjs/core")
                    .then_some("NestJS")
                    .or(server.as_ref().map(|s| s.framework)),
                start: Start::Script {
                    path,
                    options,
                    args,
                },
                evidence: evidence.clone(),
                server,
                env: command.env,
                before: command.before,
                build_env: Vec::new(),
                layout: None,
            }));
        }
        if let Some(start) = bin_command(package, &line, evidence, frontend) {
            let framework = match &start {
                Start::Bin { bin, .. } if bin == "remix-serve" => Some("Remix"),
                Start::Bin { bin, .. } if bin == "react-router-serve" => Some("React Router"),
                Start::Static(site) => Some(site.framework),
                _ => None,
            };
            let run = !matches!(start, Start::Static(_));
            return Ok(Some(Entry {
                framework,
                start,
                evidence: evidence.clone(),
                server: None,
                env: if run { command.env } else { Vec::new() },
                before: if run { command.before } else { Vec::new() },
                build_env: Vec::new(),
                layout: None,
            }));
        }
    }
    Ok(None)
}

/// Refuses a React Native application (`react-native` among its dependencies, Expo's included):
/// its JavaScript runs on a phone, and its start script runs Metro, the bundler's development
/// server (`expo start`, `react-native start`), not a server a container runs.
fn refuse_mobile_app(package: &Package) -> Result<(), DetectError> {
    match package.dependencies.get("react-native") {
        Some(evidence) => Err(broken(
            &evidence.file,
            evidence.line,
            "react-native: a React Native mobile application; its JavaScript runs on a phone, and its start script runs Metro, the bundler's development server (expo start, react-native start), not a server a container runs",
        )),
        None => Ok(()),
    }
}

/// Refuses a start script whose program is bun (`bun run src/index.ts`, `bun server.ts`):
/// the application then runs on Bun, not node, and the catalogue holds no Bun runtime image
/// that runs without a shell as a non-root user.
fn refuse_bun_start(command: &Command, evidence: &Evidence) -> Result<(), DetectError> {
    match command.words.first().map(String::as_str) {
        Some("bun" | "bunx") => Err(broken(
            &evidence.file,
            evidence.line,
            format!(
                "{}: the start script runs bun, so the application needs the Bun runtime, and shiplight's runtimes carry node only (the catalogue has no shell-less Bun image it runs as a non-root user yet); start it with node (a script bun builds to JavaScript) or write the Dockerfile on oven/bun by hand",
                evidence.detail
            ),
        )),
        _ => Ok(()),
    }
}

/// A command that runs an executable file of the package whose first line starts node
/// (`./bin/run start`), as node's script and arguments.
fn node_file(repo: &Repo, package: &Package, command: &Command) -> Option<NodeCommand> {
    let (program, args) = command.words.split_first()?;
    let program = program.strip_prefix("./")?;
    if !plain_words(&command.line()) {
        return None;
    }
    let file = repo::join(&package.dir, &repo::join(&command.cwd, program));
    let text = repo.read_text(&file, SOURCE_CAP).ok()??;
    let first = text.lines().next()?;
    let node = first.starts_with("#!")
        && first.split(['/', ' ']).any(|word| word == "node");
    node.then(|| (Vec::new(), program.to_string(), args.to_vec()))
}

/// The entry the project's deployment names when the package's own manifest names none: a
/// descriptor (Procfile, compose, Dockerfile) running `node [OPTIONS] SCRIPT [ARGS]` with a
/// script of the package, given relative to the root. Sets the entry with its port and health
/// route; `false` when no run names one.
pub fn deployed_entry(
    repo: &Repo,
    package: &mut Package,
    deployed: &crate::deployed::Deployed,
) -> Result<bool, DetectError> {
    for run in deployed.runs_of(|program| crate::deployed::base_name(program) == "node") {
        let mut words = run.argv.clone();
        words[0] = "node".to_string();
        let Some((options, path, args)) = node_command(&words.join(" ")) else {
            continue;
        };
        let relative = path.trim_start_matches("./");
        if relative.starts_with('/') || !repo.is_file(relative) {
            continue;
        }
        let path = script_file(repo, package, &run.evidence, relative)?;
        package.entry = Some(Entry {
            framework: None,
            start: Start::Script {
                path,
                options,
                args,
            },
            evidence: run.evidence.clone(),
            server: None,
            env: Vec::new(),
            before: Vec::new(),
            build_env: Vec::new(),
            layout: None,
        });
        read_entry_sources(repo, package)?;
        return Ok(true);
    }
    Ok(false)
}

/// The port and the health route the package's entry sources name, read once its entry is set.
fn read_entry_sources(repo: &Repo, package: &mut Package) -> Result<(), DetectError> {
    package.port = port(repo, package)?;
    package.health = entry_sources(package)
        .iter()
        .find_map(|file| facts::health_in(repo, file, SOURCE_CAP));
    Ok(())
}

/// The scripts that start a package in production, in order.
const START_SCRIPTS: &[&str] = &["start", "start:prod", "serve", "prod"];

/// The script node runs, checked inside the project; a directory (`node server`) is its
/// index file, as node resolves it.
fn script_file(
    repo: &Repo,
    package: &Package,
    evidence: &Evidence,
    path: &str,
) -> Result<String, DetectError> {
    let inside = facts::inside(
        &evidence.file,
        evidence.line,
        "entry script",
        &package.dir,
        path,
    )?;
    if !repo.is_dir(&inside) {
        return Ok(path.to_string());
    }
    let index = ["index.js", "index.mjs", "index.cjs"]
        .into_iter()
        .find(|file| repo.is_file(&repo::join(&inside, file)))
        .ok_or_else(|| {
            broken(
                &evidence.file,
                evidence.line,
                format!("node runs {path}, a directory with no index.js"),
            )
        })?;
    Ok(repo::join(path.trim_end_matches('/'), index))
}

/// A front-end framework's build output: its server run by node, or its static site.
fn frontend_entry(frontend: Frontend) -> Entry {
    match frontend {
        Frontend::Server(server) => Entry {
            framework: Some(server.framework),
            start: Start::Script {
                path: server.path.clone(),
                options: Vec::new(),
                args: Vec::new(),
            },
            evidence: server.evidence.clone(),
            server: Some(server),
            env: Vec::new(),
            before: Vec::new(),
            build_env: Vec::new(),
            layout: None,
        },
        Frontend::Static(site) => Entry {
            framework: Some(site.framework),
            evidence: site.evidence.clone(),
            start: Start::Static(site),
            server: None,
            env: Vec::new(),
            before: Vec::new(),
            build_env: Vec::new(),
            layout: None,
        },
    }
}

/// The package's `main` file, when it is JavaScript that exists or that the build writes.
fn main_entry(repo: &Repo, package: &Package) -> Result<Option<Entry>, DetectError> {
    let Some((main, evidence)) = &package.main else {
        return Ok(None);
    };
    let path = main.trim_start_matches("./");
    let inside = facts::inside(
        &evidence.file,
        evidence.line,
        "entry script",
        &package.dir,
        path,
    )?;
    let exists = repo.is_file(&inside);
    let javascript = [".js", ".mjs", ".cjs"]
        .iter()
        .any(|ext| path.ends_with(ext));
    let built = package.build_script().is_some() && path.contains('/');
    let serves = SERVER_DEPENDENCIES
        .iter()
        .any(|dep| package.dependencies.contains_key(*dep));
    if package.library.is_some() && !serves {
        return Ok(None);
    }
    if javascript && (exists || built) {
        return Ok(Some(Entry {
            framework: None,
            start: Start::Script {
                path: path.to_string(),
                options: Vec::new(),
                args: Vec::new(),
            },
            evidence: evidence.clone(),
            server: None,
            env: Vec::new(),
            before: Vec::new(),
            build_env: Vec::new(),
            layout: None,
        }));
    }
    Ok(None)
}

/// The usual entry file of a package that depends on a server framework.
fn server_dependency_entry(repo: &Repo, package: &Package) -> Option<Entry> {
    let serves = SERVER_DEPENDENCIES
        .iter()
        .any(|dep| package.dependencies.contains_key(*dep));
    if !serves {
        return None;
    }
    ENTRY_FILES.iter().find_map(|file| {
        let rel = repo::join(&package.dir, file);
        repo.is_file(&rel).then(|| Entry {
            framework: None,
            start: Start::Script {
                path: file.to_string(),
                options: Vec::new(),
                args: Vec::new(),
            },
            evidence: Evidence::file(rel, "entry file of a package with a server dependency"),
            server: None,
            env: Vec::new(),
            before: Vec::new(),
            build_env: Vec::new(),
            layout: None,
        })
    })
}

fn same_path(a: &str, b: &str) -> bool {
    a.trim_start_matches("./") == b.trim_start_matches("./")
}

/// A start script that runs a dependency's binary, without a shell: a serve package's binary
/// (`remix-serve build/server/index.js`), `serve [-s] DIR` (a static site), or a binary named
/// like a production dependency. Development servers and build tools are not starts.
pub(super) fn bin_command(
    package: &Package,
    command: &str,
    evidence: &Evidence,
    frontend: &Option<Frontend>,
) -> Option<Start> {
    // `=` as well: `NAME=value bin` sets a variable, which only a shell does.
    if !plain_words(command) || command.contains('=') {
        return None;
    }
    let mut words = command.split_whitespace();
    let bin = words.next()?;
    let args: Vec<String> = words.map(str::to_string).collect();
    if DEV_TOOLS.contains(&bin) {
        return None;
    }
    if bin == "serve" && package.dependencies.contains_key("serve") {
        let single = args.iter().any(|a| a == "-s" || a == "--single");
        let mut dir = None;
        let mut skip = false;
        for arg in &args {
            if skip {
                skip = false;
                continue;
            }
            match arg.as_str() {
                "-l" | "--listen" | "-p" | "--port" | "-c" | "--config" => skip = true,
                a if a.starts_with('-') => {}
                a => {
                    let trimmed = a.trim_end_matches('/');
                    dir = Some(if trimmed.is_empty() { a } else { trimmed }.to_string());
                }
            }
        }
        let hashed = match frontend {
            Some(Frontend::Static(site)) => site.hashed,
            _ => "^/(?:assets|static)/",
        };
        return Some(Start::Static(Site {
            framework: "serve",
            dir: dir.unwrap_or_else(|| ".".to_string()),
            fallback: single.then(|| "index.html".to_string()),
            spa_evidence: single.then(|| Evidence {
                detail: "serve --single: unknown paths get index.html".to_string(),
                ..evidence.clone()
            }),
            hashed,
            evidence: evidence.clone(),
        }));
    }
    let owner = SERVE_BINS
        .iter()
        .find(|(name, _)| *name == bin)
        .map(|(_, owner)| owner.to_string())
        .or_else(|| {
            package
                .dependencies
                .contains_key(bin)
                .then(|| bin.to_string())
        })?;
    if !package.dependencies.contains_key(&owner) {
        return None;
    }
    Some(Start::Bin {
        package: owner,
        bin: bin.to_string(),
        args,
    })
}

/// The entry's source file, and the TypeScript sources a build may compile it from, relative
/// to the root.
fn entry_sources(package: &Package) -> Vec<String> {
    let Some(Entry {
        start: Start::Script { path, .. },
        ..
    }) = &package.entry
    else {
        return Vec::new();
    };
    let ts = path
        .replacen("dist/", "src/", 1)
        .replacen("build/", "src/", 1)
        .trim_end_matches(".js")
        .to_string();
    [path.clone(), format!("{ts}.ts")]
        .into_iter()
        .chain(["src/main.ts", "src/index.ts", "src/server.ts", "src/app.ts"].map(String::from))
        .map(|candidate| repo::join(&package.dir, &candidate))
        .collect()
}

/// The port from the entry's source, or from the TypeScript source a build compiles it from.
fn port(repo: &Repo, package: &Package) -> Result<Option<(u16, Evidence)>, DetectError> {
    for file in entry_sources(package) {
        if let Some(text) = repo.read_text(&file, SOURCE_CAP)?
            && let Some((port, line)) = listen_port(&text)
        {
            return Ok(Some((
                port,
                Evidence::line(file, line, format!("port {port}")),
            )));
        }
    }
    Ok(None)
}

/// A port on a line that mentions a port or listens: `listen(3000)`, `PORT || 8080`.
fn listen_port(text: &str) -> Option<(u16, usize)> {
    facts::port_after_word(text, &["port", "listen("])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_commands() {
        assert_eq!(
            node_command("node server.js"),
            Some((vec![], "server.js".into(), vec![]))
        );
        assert_eq!(
            node_command("node --enable-source-maps dist/index.js --verbose"),
            Some((
                vec!["--enable-source-maps".into()],
                "dist/index.js".into(),
                vec!["--verbose".into()]
            ))
        );
        assert_eq!(node_command("node server.js && rm -rf /"), None);
        assert_eq!(node_command("nodemon server.js"), None);
        assert_eq!(node_command("node $ENTRY"), None);
    }

    #[test]
    fn ports() {
        assert_eq!(
            listen_port("const port = process.env.PORT || 3000;"),
            Some((3000, 1))
        );
        assert_eq!(listen_port("app.listen(8080)"), Some((8080, 1)));
        assert_eq!(listen_port("console.log('x')"), None);
    }
}
