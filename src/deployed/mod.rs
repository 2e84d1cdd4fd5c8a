//! Deployment evidence: what a repository's own descriptors say about how it is built and run
//! (its Dockerfiles with the entrypoint scripts and supervisord programs they start, compose
//! files, Procfile, .goreleaser.yml, fly.toml, app.yaml, render.yaml,
//! railway files and Kubernetes manifests), read once into stack-neutral values. These files are
//! evidence, not manifests: one that cannot be read or parsed is passed over, and nothing here
//! is ever copied into a generated file as text; a stack takes the words it recognizes and
//! checks each through `crate::safe`.

mod compose;
mod copied;
mod dockerfile;
mod platform;
mod shell;
mod supervisor;

use crate::evidence::Evidence;
use crate::repo::Repo;
use serde::Serialize;

pub use dockerfile::followed;
pub use shell::{launched, words};

/// The kind of descriptor a command, build or port was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Dockerfile,
    Compose,
    Procfile,
    Goreleaser,
    Fly,
    AppYaml,
    Render,
    Railway,
    Kubernetes,
    /// An entrypoint script a descriptor starts, followed to the program it `exec`s.
    Script,
    /// A `[program:NAME]` of the supervisord configuration a descriptor (or its entrypoint
    /// script) starts supervisord with.
    Supervisor,
}

/// A build's variables, name and value, in the order they are set (a later one wins).
pub type Env = std::sync::Arc<[(String, String)]>;

/// A command the project's deployment starts, launchers (`tini`, `dumb-init`, `gosu`, `sh -c`,
/// `exec`, `env`) already taken off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// The program and its arguments, as words.
    pub argv: Vec<String>,
    /// Variables set for it: `VAR=value` words in front of it, a stage's `ENV`.
    pub env: Vec<(String, String)>,
    /// The process or service it runs as: a Procfile process type, a compose service.
    pub role: Option<String>,
    pub source: Source,
    pub evidence: Evidence,
}

/// A build command of the deployment: a Dockerfile `RUN` (each simple command of it), a
/// goreleaser build (as `BUILDER build [-tags T] [-o BINARY] MAIN`, BUILDER being its `builder`,
/// `goreleaser` when it names none), a platform's build command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Build {
    pub argv: Vec<String>,
    /// `ENV` and `ARG` defaults of its stage and `VAR=value` words in front of it, shared by
    /// the commands of a stage that add none (a stage sets dozens, and runs dozens).
    pub env: Env,
    pub source: Source,
    pub evidence: Evidence,
}

/// A port the deployment publishes: `EXPOSE`, a compose `ports` target, an `internal_port`, a
/// `containerPort`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Port {
    pub port: u16,
    pub source: Source,
    pub evidence: Evidence,
}

/// A path the production stage of a Dockerfile copies out of a build stage (`COPY --from`):
/// the artefact the build ships, such as `/src/target/release/app` or `target/app.jar`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shipped {
    pub path: String,
    pub evidence: Evidence,
}

/// The image a Dockerfile's production stage (the last) is built `FROM`: `scratch`, a
/// distroless or a distribution image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Base {
    pub image: String,
    pub evidence: Evidence,
}

/// A Debian package a Dockerfile stage installs (`apt-get install`, `apt install`), named
/// literally there (a word holding a variable names nothing known, and is left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Installed {
    pub package: String,
    /// The lines of the `RUN` instructions that run with the package installed: those of its
    /// stage from the installing one on, and those of the stages built on that stage.
    pub runs_with: Vec<usize>,
    /// The line that names the package.
    pub evidence: Evidence,
}

/// Everything the descriptors say, in order of authority: the root Dockerfile first, then
/// other Dockerfiles, compose files, the Procfile and the platforms' files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Deployed {
    pub runs: Vec<Run>,
    pub builds: Vec<Build>,
    pub ports: Vec<Port>,
    pub shipped: Vec<Shipped>,
    /// The production stage's base image of each Dockerfile read.
    pub bases: Vec<Base>,
    /// The Debian packages the Dockerfiles' stages install.
    pub installed: Vec<Installed>,
    /// The descriptor files read.
    pub files: Vec<String>,
}

/// A descriptor never read past this size.
const CAP: u64 = 256 * 1024;

impl Deployed {
    /// Reads the descriptors of the project at the root of `repo`. Descriptors a compose file
    /// or fly.toml names (`build.dockerfile`) are read too, once.
    pub fn read(repo: &Repo) -> Deployed {
        let mut deployed = Deployed::default();
        let mut dockerfiles = dockerfile::candidates(repo);
        let composes = compose::candidates(repo);
        let parsed = repo.map_texts(&composes, CAP, compose::parse);
        for (file, parsed) in composes.iter().zip(parsed) {
            if let Ok(Some((text, document))) = parsed {
                deployed.saw(file);
                dockerfiles.extend(compose::read(file, &text, document, &mut deployed));
            }
        }
        for file in platform::candidates(repo) {
            if let Some(text) = deployed.text(repo, &file) {
                dockerfiles.extend(platform::read(&file, &text, &mut deployed));
            }
        }
        let mut seen = Vec::new();
        let mut from_docker = Deployed::default();
        for file in dockerfiles {
            if seen.contains(&file) {
                continue;
            }
            seen.push(file.clone());
            if let Some(text) = deployed.text(repo, &file)
                && !text.contains("Dockerfile generated by shiplight")
            {
                dockerfile::read(repo, &file, &text, &mut from_docker);
            }
        }
        from_docker.append(deployed)
    }

    /// Reads the one Dockerfile `file` (a path from the root that a manifest's layout names,
    /// such as a workspace member's own), with what it starts; empty when it cannot be read or
    /// shiplight generated it.
    pub fn read_dockerfile(repo: &Repo, file: &str) -> Deployed {
        let mut deployed = Deployed::default();
        if let Some(text) = deployed.text(repo, file)
            && !text.contains("Dockerfile generated by shiplight")
        {
            let mut from_docker = Deployed::default();
            dockerfile::read(repo, file, &text, &mut from_docker);
            return from_docker.append(deployed);
        }
        Deployed::default()
    }

    /// The text of a descriptor, recording that it was read; `None` when it cannot be read.
    fn text(&mut self, repo: &Repo, file: &str) -> Option<String> {
        let text = repo.read_text(file, CAP).ok()??;
        self.saw(file);
        Some(text)
    }

    /// Records that the descriptor `file` was read.
    fn saw(&mut self, file: &str) {
        if !self.files.iter().any(|seen| seen == file) {
            self.files.push(file.to_string());
        }
    }

    /// `self` followed by `other`.
    fn append(mut self, other: Deployed) -> Deployed {
        self.runs.extend(other.runs);
        self.builds.extend(other.builds);
        self.ports.extend(other.ports);
        self.shipped.extend(other.shipped);
        self.bases.extend(other.bases);
        self.installed.extend(other.installed);
        for file in other.files {
            if !self.files.contains(&file) {
                self.files.push(file);
            }
        }
        self
    }

    /// Whether no descriptor said anything.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty() && self.builds.is_empty() && self.ports.is_empty()
    }

    /// The runs whose program (the last path segment of the first word) satisfies `program`.
    pub fn runs_of<'a>(
        &'a self,
        program: impl Fn(&str) -> bool + 'a,
    ) -> impl Iterator<Item = &'a Run> {
        self.runs.iter().filter(move |run| program(run.program()))
    }

    /// The builds whose first word is `tool` (a compiler or build tool).
    pub fn builds_with<'a>(&'a self, tool: &'a str) -> impl Iterator<Item = &'a Build> {
        self.builds.iter().filter(move |build| {
            build
                .argv
                .first()
                .is_some_and(|first| base_name(first) == tool)
        })
    }
}

impl Run {
    /// The program's name: the last path segment of the first word.
    pub fn program(&self) -> &str {
        self.argv
            .first()
            .map(|first| base_name(first))
            .unwrap_or("")
    }

    /// The arguments after the program.
    pub fn args(&self) -> &[String] {
        self.argv.get(1..).unwrap_or(&[])
    }
}

impl Build {
    /// The value of `key` in the build's environment, if set.
    pub fn env(&self, key: &str) -> Option<&str> {
        self.env
            .iter()
            .rev()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }
}

/// The last `/`-separated segment of a path.
pub fn base_name(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

/// The 1-based number of the first line at or after `from` (0-based) containing `needle`.
fn line_of(text: &str, from: usize, needle: &str) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(from)
        .find(|(_, line)| line.contains(needle))
        .map(|(index, _)| index + 1)
}

#[cfg(test)]
mod tests;
