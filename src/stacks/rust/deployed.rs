//! What the project's own deployment says about its Rust binaries: the `cargo build` (or
//! `cargo install`) of its images with the binary, package and features it names (a feature
//! list from an `ARG` default already expanded), the programs its images run, whether an
//! image runs a binary of the project on `scratch`, where nothing can be linked dynamically,
//! and the Debian packages its Dockerfiles install for their builds.
//! Read from [`crate::deployed::Deployed`], never from the files again.

use crate::deployed::{Deployed, Installed, Run, base_name};
use crate::evidence::Evidence;

/// A `cargo build` of the deployment.
#[derive(Debug, Clone)]
pub struct CargoBuild {
    /// `--bin`.
    pub bin: Option<String>,
    /// `-p` / `--package`.
    pub package: Option<String>,
    /// `--path` of `cargo install`: the directory of the package installed.
    pub path: Option<String>,
    /// `--features` / `-F`, each feature apart.
    pub features: Vec<String>,
    /// `--no-default-features` or `--all-features`: a feature set the `features` setting
    /// cannot state.
    pub other_defaults: bool,
    pub evidence: Evidence,
}

/// The deployment's cargo builds, the programs it runs, and the `FROM scratch` images.
#[derive(Debug, Clone, Default)]
pub struct DeployedRust {
    pub builds: Vec<CargoBuild>,
    pub runs: Vec<Run>,
    /// The programs (by name) production stages built `FROM scratch` run or ship, with where.
    pub on_scratch: Vec<(String, Evidence)>,
    /// The release builds of the project's Makefile (see [`super::makefile`]), heard only
    /// when no build of the descriptors is about the binary.
    pub made: Vec<CargoBuild>,
    /// The Debian packages the Dockerfiles read install (see [`DeployedRust::installed_for`]).
    pub installed: Vec<Installed>,
}

/// The Rust builds and runs of `deployed`.
pub fn read(deployed: &Deployed) -> DeployedRust {
    let builds = deployed.builds.iter().filter_map(|build| {
        let argv = &build.argv;
        if base_name(argv.first()?) != "cargo" || !matches!(argv.get(1)?.as_str(), "build" | "install") {
            return None;
        }
        let mut parsed = parse(&argv[2..]);
        parsed.evidence = Evidence::line(
            build.evidence.file.clone(),
            build.evidence.line.unwrap_or(0),
            format!("cargo {}", argv[1..].join(" ")),
        );
        Some(parsed)
    });
    DeployedRust {
        builds: builds.collect(),
        runs: deployed.runs.clone(),
        on_scratch: on_scratch(deployed),
        made: Vec::new(),
        installed: deployed.installed.clone(),
    }
}

/// When the root's descriptors build no Rust package, the Dockerfile in a workspace member's
/// own directory that builds that member by name (`cargo build -p NAME`, which only a build
/// from the workspace root can do): the project's own deployment of one of the workspace's
/// packages. Only members the workspace builds by default (its `default-members`, when it names
/// them) that are not tools (under `tools/`, `benches/`, `examples/`...) count. Several such
/// Dockerfiles are all kept (their binaries then tie). Reads at most one fixed path per member
/// the workspace manifest lists.
pub fn members(
    repo: &crate::repo::Repo,
    root: DeployedRust,
    packages: &[super::manifest::Package],
    default_members: Option<&[String]>,
) -> DeployedRust {
    if !root.builds.is_empty() {
        return root;
    }
    let mut deployed = root;
    let counted = |p: &&super::manifest::Package| {
        !p.dir.is_empty()
            && super::plan::tool_dir(&p.dir).is_none()
            && default_members.is_none_or(|dirs| dirs.contains(&p.dir))
    };
    for package in packages.iter().filter(counted) {
        let file = crate::repo::join(&package.dir, "Dockerfile");
        if !repo.is_file(&file) {
            continue;
        }
        let found = read(&Deployed::read_dockerfile(repo, &file));
        let builds_member = found
            .builds
            .iter()
            .any(|build| builds_package(build, &package.name));
        if builds_member {
            deployed.builds.extend(found.builds);
            deployed.runs.extend(found.runs);
            deployed.on_scratch.extend(found.on_scratch);
            deployed.installed.extend(found.installed);
        }
    }
    deployed
}

/// The programs a Dockerfile whose production stage is `FROM scratch` runs or ships.
fn on_scratch(deployed: &Deployed) -> Vec<(String, Evidence)> {
    let mut found = Vec::new();
    for base in deployed.bases.iter().filter(|b| b.image == "scratch") {
        let file = &base.evidence.file;
        let programs = deployed
            .runs
            .iter()
            .filter(|run| &run.evidence.file == file)
            .map(|run| run.program().to_string())
            .chain(
                deployed
                    .shipped
                    .iter()
                    .filter(|s| &s.evidence.file == file)
                    .map(|s| base_name(&s.path).to_string()),
            );
        for program in programs {
            let evidence = Evidence {
                detail: format!(
                    "{}: the project's own image runs {program} on an empty base, so nothing it links is a shared library",
                    base.evidence.detail
                ),
                ..base.evidence.clone()
            };
            found.push((program, evidence));
        }
    }
    found
}

/// The binary, package and features of `cargo build`'s arguments.
pub(super) fn parse(args: &[String]) -> CargoBuild {
    let mut build = CargoBuild {
        bin: None,
        package: None,
        path: None,
        features: Vec::new(),
        other_defaults: false,
        evidence: Evidence::file("", ""),
    };
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let (flag, inline) = match word.split_once('=') {
            Some((flag, value)) if word.starts_with('-') => (flag, Some(value.to_string())),
            _ => (word.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| words.next().cloned());
        match flag {
            "--bin" => build.bin = value(),
            "-p" | "--package" => build.package = value(),
            "--path" => build.path = value(),
            "-F" | "--features" => build.features.extend(
                value()
                    .unwrap_or_default()
                    .split([',', ' '])
                    .filter(|f| !f.is_empty())
                    .map(str::to_string),
            ),
            "--no-default-features" | "--all-features" => build.other_defaults = true,
            _ => {}
        }
    }
    build
}

impl DeployedRust {
    /// The features the deployment builds `bin` of `package` with: those of the first build
    /// naming that binary or package, or of the only build; none when that build changes the
    /// default features.
    pub fn features_for(&self, bin: &str, package: &str) -> Option<(Vec<String>, Evidence)> {
        stated(self.build_for(bin, package)?)
    }

    /// The build of the descriptors about `bin` of `package`: the first naming that binary or
    /// package, or the only build.
    fn build_for(&self, bin: &str, package: &str) -> Option<&CargoBuild> {
        self.builds
            .iter()
            .find(|b| names(b, bin, package))
            .or(match self.builds.as_slice() {
                [one] => Some(one),
                _ => None,
            })
    }

    /// The build of the descriptors about `bin` of `package` (the first naming it, or the only
    /// one), with the Debian packages its Dockerfile installs before it: in the stage that runs
    /// it, or in a stage that stage is built on.
    pub fn installed_for(&self, bin: &str, package: &str) -> Option<(&CargoBuild, Vec<&Installed>)> {
        let build = self.build_for(bin, package)?;
        let line = build.evidence.line?;
        let installed = self
            .installed
            .iter()
            .filter(|i| i.evidence.file == build.evidence.file && i.runs_with.contains(&line))
            .collect();
        Some((build, installed))
    }

    /// Whether a build of the descriptors is about `bin` of `package`: one names it, or there
    /// is only one.
    pub fn builds_bin(&self, bin: &str, package: &str) -> bool {
        self.builds.len() == 1 || self.builds.iter().any(|b| names(b, bin, package))
    }

    /// The features the Makefile's release build gives `bin` of `package` (in directory
    /// `dir`): those of the first release build naming that binary or package (or installing
    /// the package's directory), else of the first naming none (a build of the whole
    /// workspace); none when that build changes the default features.
    pub fn made_features_for(
        &self,
        bin: &str,
        package: &str,
        dir: &str,
    ) -> Option<(Vec<String>, Evidence)> {
        let installs = |b: &CargoBuild| {
            b.path
                .as_deref()
                .is_some_and(|p| p.trim_start_matches("./").trim_end_matches('/') == dir)
        };
        let build = self
            .made
            .iter()
            .find(|b| names(b, bin, package) || installs(b))
            .or_else(|| {
                self.made
                    .iter()
                    .find(|b| b.bin.is_none() && b.package.is_none() && b.path.is_none())
            })?;
        stated(build)
    }
}

/// Whether `build` names binary `bin` or its package.
fn names(build: &CargoBuild, bin: &str, package: &str) -> bool {
    build.bin.as_deref() == Some(bin) || builds_package(build, package)
}

/// Whether `build` names `package` with `-p` (a version after `@` aside).
fn builds_package(build: &CargoBuild, package: &str) -> bool {
    build
        .package
        .as_deref()
        .is_some_and(|p| p.split('@').next() == Some(package))
}

/// The features of `build`, when it asks for some on top of the defaults.
fn stated(build: &CargoBuild) -> Option<(Vec<String>, Evidence)> {
    (!build.features.is_empty() && !build.other_defaults)
        .then(|| (build.features.clone(), build.evidence.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn cargo_build_arguments() {
        let build = parse(&words("--release -p quickwit-cli --features release-feature-set --bin quickwit"));
        assert_eq!(build.bin.as_deref(), Some("quickwit"));
        assert_eq!(build.package.as_deref(), Some("quickwit-cli"));
        assert_eq!(build.features, ["release-feature-set"]);
        let build = parse(&words("--release --features=a,b --no-default-features"));
        assert_eq!(build.features, ["a", "b"]);
        assert!(build.other_defaults);
    }
}
