//! Command-line definitions (clap derive). Parsing only: `lib::run` acts on them.

use crate::catalog::{Family, Vendor};
use crate::settings::{Layer, Place};
use crate::stack::Stack;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Build heavy, ship light: a production Dockerfile for a source repository.
#[derive(Debug, Parser)]
#[command(name = "shiplight", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Warnings fail the run: exit 1 naming them when the command warned (also
    /// SHIPLIGHT_STRICT=1).
    #[arg(long, global = true)]
    pub strict: bool,
    #[command(flatten)]
    pub output: OutputFlags,
}

/// How much is printed and how, for every subcommand.
#[derive(Debug, Args, Default)]
pub struct OutputFlags {
    /// Print only errors and the output asked for (generated files, JSON, a plan), no notes or
    /// warnings.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more: the decision trace of what `init` and `check` generate, on standard error.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Colour the `error:` and `warning:` prefixes: auto (on a terminal, unless NO_COLOR is
    /// set), always or never.
    #[arg(
        long,
        value_enum,
        global = true,
        value_name = "WHEN",
        default_value = "auto"
    )]
    pub color: crate::output::ColorChoice,
}

impl Cli {
    /// Whether the command prints JSON (`--json`), so its errors are JSON too.
    pub fn json(&self) -> bool {
        match &self.command {
            Command::Detect(args) => args.json,
            Command::Explain(args) => args.json,
            Command::Verify(args) => args.json,
            _ => false,
        }
    }
}

/// The subcommands. Each one's arguments are declared only when it is the one run (or when the
/// whole tree is asked for, as completions and man pages ask): declaring every subcommand's
/// arguments on each run took 8% of a small project's instructions. Declared last, they would set
/// the subcommand's description from the doc comment of their struct (and of each struct
/// flattened into it), over the variant's; those structs therefore carry plain comments.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Write PATH/Dockerfile and PATH/.dockerignore for the project at PATH.
    Init(InitArgs),
    /// Show what was detected in PATH, each fact with its evidence.
    Detect(DetectArgs),
    /// Show the path taken through the decision tree, step by step, with evidence.
    Explain(ExplainArgs),
    /// Regenerate in memory and compare with the files on disk: exit 0 when equal, 1 with a
    /// unified diff when they drift.
    Check(CheckArgs),
    /// Build the project's Dockerfile with the local engine, run the image and check it: builds,
    /// runs as 65532, no shell or package manager, answers, debug variant, size, stops within
    /// 2 s, warm rebuild from the cache. Every engine call has a time limit and the project is
    /// left as it was. Exit 0 when every check holds, 1 otherwise, 2 without an engine or when a
    /// credential file's path would change the meaning of the engine's `--secret` value.
    Verify(VerifyArgs),
    /// Print the digests file for the images the Dockerfile uses: pinned ones as they are, the
    /// others with an empty digest to fill. `--check` exits 1 while any is unpinned; `--resolve`
    /// looks the digests up in their registries and writes the digests file and the Dockerfile.
    Pins(PinsArgs),
    /// The embedded templates.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the man page (roff) of shiplight or of one subcommand (`man templates export`), or
    /// write every page into a directory with --dir.
    Man(ManArgs),
}

// Arguments of `man` (no doc comment: see `Command`).
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print, such as `init` or `templates export`.
    #[arg(value_name = "SUBCOMMAND")]
    pub command: Vec<String>,
    /// Write shiplight.1 and a page per subcommand (shiplight-init.1, ...) into DIR instead.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

/// Subcommands of `templates`.
#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Write every embedded template into DIR, as a starting point for `--templates DIR`.
    Export {
        /// Directory to write into (created when missing).
        dir: PathBuf,
        /// Replace existing files.
        #[arg(long)]
        force: bool,
    },
}

// Arguments of `completions` (no doc comment: see `Command`).
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

// Arguments of `check` (no doc comment: see `Command`).
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Project root.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Check every service under PATH and the docker-bake.hcl, as `init --all` wrote them.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub overrides: Overrides,
}

// Arguments of `pins` (no doc comment: see `Command`).
#[derive(Debug, Args)]
pub struct PinsArgs {
    /// Project root.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Exit 1 while any image the Dockerfile uses is not pinned by digest.
    #[arg(long, conflicts_with = "resolve")]
    pub check: bool,
    /// Look every image's digest up in its registry and write the digests file the settings
    /// name together with the Dockerfile pinned by it (nothing is written when a lookup fails).
    /// Registries are reached over HTTPS; over plain HTTP only on localhost and the `host:port`
    /// list in SHIPLIGHT_INSECURE_REGISTRY.
    #[arg(long)]
    pub resolve: bool,
    #[command(flatten)]
    pub overrides: Overrides,
}

// Arguments of `verify` (no doc comment: see `Command`).
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Project root.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Print the checks as JSON.
    #[arg(long)]
    pub json: bool,
    /// Keep the images built (containers are always removed).
    #[arg(long)]
    pub keep: bool,
    /// The engine's command (docker with BuildKit, podman): default `docker`, else `podman`.
    #[arg(long, value_name = "COMMAND")]
    pub engine: Option<PathBuf>,
    /// How long one build may take before it is stopped, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 1800,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// How long the application may take to answer, and its health check to turn healthy, once
    /// started, in seconds (a JVM application on a busy machine may need more than the default).
    #[arg(long, value_name = "SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub wait: u64,
    /// A variable for the application's containers (repeatable): given to `docker run`, never
    /// built into the image.
    #[arg(long = "env", value_name = "KEY=VALUE")]
    pub run_env: Vec<String>,
    /// A file of KEY=VALUE lines for the application's containers (repeatable), read by the
    /// engine (`docker run --env-file`), never built into the image.
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_file: Vec<PathBuf>,
    #[command(flatten)]
    pub overrides: Overrides,
}

// Arguments of `init` (no doc comment: see `Command`).
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Project root.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Replace existing files (atomically).
    #[arg(long)]
    pub force: bool,
    /// Print the files instead of writing them.
    #[arg(long)]
    pub stdout: bool,
    /// With --stdout, print only this file, without a header line.
    #[arg(long, value_enum, requires = "stdout")]
    pub only: Option<OnlyFile>,
    /// Never ask: use detection and settings, and exit 2 naming the settings when they leave a
    /// choice open. Implied when standard input or output is not a terminal.
    #[arg(short, long)]
    pub yes: bool,
    /// Find every service under PATH (a bounded walk that skips dependency and build folders),
    /// write a Dockerfile for each and a docker-bake.hcl that builds them all.
    #[arg(long, conflicts_with = "stdout")]
    pub all: bool,
    #[command(flatten)]
    pub overrides: Overrides,
}

/// A single generated file for `init --stdout --only`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnlyFile {
    Dockerfile,
    Dockerignore,
}

// Arguments of `detect` (no doc comment: see `Command`).
#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Project root.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

// Arguments of `explain` (no doc comment: see `Command`).
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Project root.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Print the whole decision tree of each stack (or of --stack) instead.
    #[arg(long)]
    pub tree: bool,
    /// Print the plan as JSON.
    #[arg(long, conflicts_with = "tree")]
    pub json: bool,
    #[command(flatten)]
    pub overrides: Overrides,
}

// Flags that override detection, for template repositories and CI (no doc comment: see
// `Command`).
#[derive(Debug, Args, Default)]
pub struct Overrides {
    /// Stack to use (required when several are detected).
    #[arg(long, value_enum)]
    pub stack: Option<Stack>,
    /// Image vendor.
    #[arg(long, value_enum)]
    pub vendor: Option<Vendor>,
    /// Runtime image family (at least what the project needs).
    #[arg(long, value_enum)]
    pub runtime: Option<Family>,
    /// Language version for the builder image (Go 1.26, Rust 1.90.0, Node 24).
    #[arg(long, value_name = "VERSION")]
    pub lang_version: Option<String>,
    #[command(flatten)]
    pub targets: crate::settings::Targets,
    /// Package to containerise: a Node or Python workspace member, a Maven module, a Gradle
    /// project, or the Rust package whose binary --rust-bin names when several share that name
    /// (name or directory).
    #[arg(long, value_name = "NAME")]
    pub package: Option<String>,
    /// Rust features to build beyond the defaults, comma-separated (also enables the optional
    /// dependencies they turn on, which then count as native code).
    #[arg(long, value_name = "LIST")]
    pub features: Option<String>,
    /// Maven profile to activate for the build (its shade or assembly plugin then counts).
    #[arg(long, value_name = "ID")]
    pub profile: Option<String>,
    /// Port the application listens on (EXPOSE).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: Option<u16>,
    /// HTTP path the image's HEALTHCHECK asks, such as /healthz (any answer below 500 counts).
    #[arg(long, value_name = "PATH")]
    pub health_path: Option<String>,
    /// Omit the `# syntax=docker/dockerfile:1` line (for builders that cannot pull it).
    #[arg(long)]
    pub no_syntax: bool,
    /// Also generate compose.yaml.
    #[arg(long)]
    pub compose: bool,
    /// Also generate docker-bake.hcl for a release build: SBOM and provenance attestations,
    /// the platforms the build can cross-compile for, cache settings for CI.
    #[arg(long)]
    pub bake: bool,
    /// Directory whose templates override the embedded ones, by path (see `templates export`).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Rewrite image references starting with the registry prefix FROM to TO (repeatable), such
    /// as gcr.io/distroless=registry.example.com/distroless.
    #[arg(long, value_name = "FROM=TO")]
    pub mirror: Vec<String>,
    /// File of digest pins, one `image:tag@sha256:...` per line.
    #[arg(long, value_name = "FILE")]
    pub digests: Option<PathBuf>,
    /// The command the image runs, split into words without a shell (exec form; pipes, `&&`,
    /// `$VAR` and globs are refused), such as 'gunicorn app:wsgi -b 0.0.0.0:8000'.
    #[arg(long, value_name = "COMMAND")]
    pub start: Option<String>,
    /// A command run in the build stage after the dependency step and before the application's
    /// own build (repeatable, in order), split into words without a shell.
    #[arg(long, value_name = "COMMAND")]
    pub build: Vec<String>,
    /// A variable the runtime stage sets (repeatable; `env` in shiplight.toml). Values that look
    /// like secrets are refused: pass those at run time (docker run -e, --env-file; `verify
    /// --env` for its runs).
    #[arg(long = "image-env", value_name = "NAME=VALUE")]
    pub env: Vec<String>,
    /// Configuration file to read instead of PATH/shiplight.toml (also SHIPLIGHT_CONFIG).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub system: SystemFlags,
}

// Flags naming what the project needs outside its files (no doc comment: see `Command`).
#[derive(Debug, Args, Default)]
pub struct SystemFlags {
    /// Debian packages to install in the build stage with apt-get, comma-separated (such as
    /// libpq-dev,gcc); distroless vendor only.
    #[arg(long, value_name = "LIST")]
    pub build_packages: Option<String>,
    /// Libraries the runtime needs, copied from the build stage with what they link, by Debian
    /// package name or soname, comma-separated (such as libpq5 or libpq.so.5).
    #[arg(long, value_name = "LIST")]
    pub runtime_libraries: Option<String>,
    /// Image for the final stage instead of the catalogue's (registry/repository:tag or @sha256:
    /// digest).
    #[arg(long, value_name = "IMAGE")]
    pub runtime_image: Option<String>,
    /// Debug variant of --runtime-image (needed when the catalogue does not know the image).
    #[arg(long, value_name = "IMAGE")]
    pub runtime_image_debug: Option<String>,
}

impl SystemFlags {
    /// Sets the given flags on `layer`, each checked as its shiplight.toml key is.
    fn apply(&self, layer: &mut Layer) -> Result<(), String> {
        let flags = [
            ("build-packages", &self.build_packages),
            ("runtime-libraries", &self.runtime_libraries),
            ("runtime-image", &self.runtime_image),
            ("runtime-image-debug", &self.runtime_image_debug),
        ];
        for (key, value) in flags {
            if let Some(value) = value {
                crate::config::set_text(
                    layer,
                    key,
                    value,
                    crate::config::Base::Anywhere(std::path::Path::new(".")),
                )
                .map_err(|err| format!("--{key}: {err}"))?;
            }
        }
        Ok(())
    }
}

impl Overrides {
    /// `--start`, `--build` and `--env`, checked and marked with their flags.
    fn commands(&self) -> Result<crate::commands::Commands, String> {
        use crate::commands::{Commands, Set, command, env_assignment, split};
        let words = |flag: &str, text: &str| {
            command(flag, split(flag, text)?).map_err(|err| format!("--{flag}: {err}"))
        };
        let start = self
            .start
            .as_deref()
            .map(|text| words("start", text))
            .transpose()?;
        let build: Vec<Vec<String>> = self
            .build
            .iter()
            .map(|text| words("build", text))
            .collect::<Result<_, _>>()?;
        let mut env = std::collections::BTreeMap::new();
        for pair in &self.env {
            let (key, value) = env_assignment(pair).map_err(|err| format!("--image-env: {err}"))?;
            env.insert(
                key,
                Set {
                    value,
                    by: "--image-env".to_string(),
                },
            );
        }
        Ok(Commands {
            start: start.map(|value| Set {
                value,
                by: "--start".to_string(),
            }),
            build: (!build.is_empty()).then(|| Set {
                value: build,
                by: "--build".to_string(),
            }),
            env,
            found: Default::default(),
        })
    }

    /// The settings layer these flags give; refuses a malformed `--mirror`.
    pub fn layer(&self) -> Result<Layer, String> {
        let mut mirrors = std::collections::BTreeMap::new();
        for pair in &self.mirror {
            let (from, to) = pair
                .split_once('=')
                .ok_or_else(|| format!("--mirror {pair:?}: expected FROM=TO"))?;
            let (from, to) =
                crate::config::mirror(from, to).map_err(|err| format!("--mirror: {err}"))?;
            mirrors.insert(from, to);
        }
        Ok(Layer {
            stack: self.stack,
            vendor: self.vendor,
            runtime: self.runtime,
            lang_version: self.lang_version.clone(),
            targets: self.targets.clone(),
            package: self.package.clone(),
            profile: self.profile.clone(),
            features: None,
            port: self.port,
            health_path: None,
            no_syntax: self.no_syntax.then_some(true),
            compose: self.compose.then_some(true),
            bake: self.bake.then_some(true),
            templates: self.templates.as_deref().map(Place::from),
            mirrors,
            digests: self.digests.as_deref().map(Place::from),
            system: Default::default(),
            recorded: false,
            commands: self.commands()?,
        })
        .and_then(|mut layer| {
            if let Some(path) = &self.health_path {
                layer.health_path = Some(
                    crate::safe::url_path(path).map_err(|err| format!("--health-path: {err}"))?,
                );
            }
            if let Some(features) = &self.features {
                crate::config::set_text(
                    &mut layer,
                    "features",
                    features,
                    crate::config::Base::Anywhere(std::path::Path::new(".")),
                )
                .map_err(|err| format!("--features: {err}"))?;
            }
            self.system.apply(&mut layer)?;
            Ok(layer)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// The description of each subcommand, as the listing shows it and as its own help does
    /// once its deferred arguments are declared.
    fn descriptions(command: &clap::Command) -> Vec<(String, Option<String>)> {
        command
            .get_subcommands()
            .map(|sub| {
                (
                    sub.get_name().to_string(),
                    sub.get_about().map(|about| about.to_string()),
                )
            })
            .collect()
    }

    #[test]
    fn declaring_a_subcommands_arguments_keeps_its_description() {
        let mut command = Cli::command();
        let listed = descriptions(&command);
        command.build();
        let mut declared = descriptions(&command);
        declared.retain(|(name, _)| name != "help");
        assert!(
            listed.iter().all(|(_, about)| about.is_some()),
            "{listed:?}"
        );
        assert_eq!(listed, declared);
    }
}
