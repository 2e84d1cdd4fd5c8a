//! What the project's own deployment says about its Go programs: the main packages its builds
//! compile (`go build -o BIN PKG`, goreleaser builds) with their names, build tags and whether
//! cgo is off, and the programs its images run with their arguments. Read from
//! [`crate::deployed::Deployed`], never from the files again.

use super::scripts::{binary_of, package_of};
use crate::deployed::{Deployed, Run, Source, base_name};
use crate::evidence::Evidence;

/// A build of a package by the deployment.
#[derive(Debug, Clone)]
pub struct Built {
    /// The package path without `./` (`""` for `.`).
    pub package: String,
    /// The name `-o` (goreleaser: `binary`) gives it.
    pub binary: Option<String>,
    /// `-tags` (goreleaser: `tags`), comma-separated.
    pub tags: Option<String>,
    /// `CGO_ENABLED=0` in the build's environment.
    pub cgo_off: bool,
    pub evidence: Evidence,
}

/// The deployment's Go builds and the programs it runs, in the order of authority.
#[derive(Debug, Clone, Default)]
pub struct DeployedGo {
    pub builds: Vec<Built>,
    /// The programs the descriptors run.
    pub runs: Vec<Run>,
}

/// Flags of `go build` that take the next word as their value.
const VALUE_FLAGS: &[&str] = &[
    "-o", "-tags", "-ldflags", "-gcflags", "-asmflags", "-mod", "-modfile", "-p", "-buildmode",
    "-compiler", "-installsuffix", "-pkgdir", "-overlay", "-pgo", "-toolexec", "-C",
];

/// The Go builds and runs of `deployed`.
pub fn read(deployed: &Deployed) -> DeployedGo {
    let builds = deployed.builds.iter().filter_map(|build| {
        let argv = &build.argv;
        let tool = base_name(argv.first()?);
        let is_go = tool == "go" || (build.source == Source::Goreleaser && tool != "prebuilt");
        if !is_go || !matches!(argv.get(1)?.as_str(), "build" | "install") {
            return None;
        }
        let mut built = parse(&argv[2..])?;
        built.cgo_off = build.env("CGO_ENABLED") == Some("0");
        built.evidence = Evidence::line(
            build.evidence.file.clone(),
            build.evidence.line.unwrap_or(0),
            format!("{} {}", tool, argv[1..].join(" ")),
        );
        Some(built)
    });
    DeployedGo {
        builds: builds.collect(),
        runs: deployed.runs.clone(),
    }
}

/// The package, output name and tags of `go build`'s arguments; `None` when the package is
/// not a plain path (a pattern, a variable). No package named means `.`.
fn parse(args: &[String]) -> Option<Built> {
    let (mut binary, mut tags, mut package) = (None, None, None);
    let mut words = args.iter();
    while let Some(word) = words.next() {
        if !word.starts_with('-') {
            package.get_or_insert(word.clone());
            continue;
        }
        let flag = format!("-{}", word.trim_start_matches('-'));
        let (name, value) = match flag.split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None if VALUE_FLAGS.contains(&flag.as_str()) => (flag, Some(words.next()?.clone())),
            None => (flag, None),
        };
        match (name.as_str(), value) {
            ("-o", Some(value)) => binary = binary_of(&value),
            ("-tags", Some(value)) => {
                let list: Vec<&str> = value.split([',', ' ']).filter(|t| !t.is_empty()).collect();
                tags = (!list.is_empty()).then(|| list.join(","));
            }
            _ => {}
        }
    }
    let package = match package {
        Some(word) => package_of(&word)?,
        None => String::new(),
    };
    Some(Built {
        package,
        binary,
        tags,
        cgo_off: false,
        evidence: Evidence::file("", ""),
    })
}

impl DeployedGo {
    /// The builds of the package at `dir` (a path without `./`, `""` for the root).
    pub fn builds_of<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a Built> {
        self.builds.iter().filter(move |b| b.package == dir)
    }

    /// Whether the deployment builds the package at `dir` with cgo off, and where.
    pub fn cgo_off(&self, dir: &str) -> Option<Evidence> {
        let built = self.builds_of(dir).find(|b| b.cgo_off)?;
        Some(Evidence {
            detail: format!(
                "{}: the project's own build sets CGO_ENABLED=0, so the packages it builds compile without cgo",
                built.evidence.detail
            ),
            ..built.evidence.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn go_build_arguments() {
        let built = parse(&words("-trimpath -tags netgo,osusergo -ldflags -s -o /out/api ./cmd/api")).unwrap();
        assert_eq!(built.package, "cmd/api");
        assert_eq!(built.binary.as_deref(), Some("api"));
        assert_eq!(built.tags.as_deref(), Some("netgo,osusergo"));
        let built = parse(&words("-o=bin/app")).unwrap();
        assert_eq!(built.package, "");
        assert_eq!(built.binary.as_deref(), Some("app"));
        assert!(parse(&words("-o app ./...")).is_none());
    }
}
