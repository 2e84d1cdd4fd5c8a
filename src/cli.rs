//! Command-line definitions (clap derive). Parsing only: `lib::run` acts on them.

use crate::catalog::{Family, Vendor};
use crate::settings::Layer;
use crate::stack::Stack;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Build heavy, ship light: a production Dockerfile for a source repository.
#[derive(Debug, Parser)]
#[command(name = "shiplight", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write PATH/Dockerfile and PATH/.dockerignore for the project at PATH.
    Init(InitArgs),
    /// Show what was detected in PATH, each fact with its evidence.
    Detect(DetectArgs),
    /// Show the path taken through the decision tree, step by step, with evidence.
    Explain(ExplainArgs),
}

/// Arguments of `init`.
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
    #[command(flatten)]
    pub overrides: Overrides,
}

/// A single generated file for `init --stdout --only`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnlyFile {
    Dockerfile,
    Dockerignore,
}

/// Arguments of `detect`.
#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Project root.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `explain`.
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

/// Flags that override detection, for template repositories and CI.
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
    /// Go main package to build, such as ./cmd/api.
    #[arg(long, value_name = "PACKAGE")]
    pub go_main: Option<String>,
    /// Rust binary to build.
    #[arg(long, value_name = "NAME")]
    pub rust_bin: Option<String>,
    /// Package to containerise: a Node or Python workspace member, a Maven module or a Gradle
    /// project (name or directory).
    #[arg(long, value_name = "NAME")]
    pub package: Option<String>,
    /// Maven profile to activate for the build (its shade or assembly plugin then counts).
    #[arg(long, value_name = "ID")]
    pub profile: Option<String>,
    /// Port the application listens on (EXPOSE).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: Option<u16>,
    /// Omit the `# syntax=docker/dockerfile:1` line (for builders that cannot pull it).
    #[arg(long)]
    pub no_syntax: bool,
}

impl Overrides {
    /// The settings layer these flags give.
    pub fn layer(&self) -> Layer {
        Layer {
            stack: self.stack,
            vendor: self.vendor,
            runtime: self.runtime,
            lang_version: self.lang_version.clone(),
            go_main: self.go_main.clone(),
            rust_bin: self.rust_bin.clone(),
            package: self.package.clone(),
            profile: self.profile.clone(),
            port: self.port,
            no_syntax: self.no_syntax.then_some(true),
        }
    }
}
