//! The image catalogue: every image name, tag, version and library list shiplight emits, in one
//! table, so a change upstream is one edit here: distroless on Debian 13 and Chainguard's free
//! tier, each stack's rows beside the others.

use crate::stack::Stack;
use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why Docker Hardened Images are not a vendor, from Docker's documentation (docs.docker.com/dhi,
/// "Use a Docker Hardened Image"): the `explain` step and `explain --tree` say it.
pub const DHI_NOT_OFFERED: &str = "Docker Hardened Images (dhi.io) are not offered: their naming would fit the catalogue (dhi.io/python:3.13-debian13, a -dev tag for the builder), but Docker's documentation requires `docker login dhi.io` to pull even the free Community images, so a Dockerfile naming them would fail for anyone building without a Docker account, anonymous CI included; use --mirror to point a vendor's images at a registry you log in to instead";

/// Who publishes the runtime (and matching builder) images.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    /// gcr.io/distroless on Debian 13, with Debian trixie builders.
    #[default]
    Distroless,
    /// cgr.dev/chainguard free tier, Wolfi based, with Chainguard builders.
    Chainguard,
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_value_name(self, f)
    }
}

/// How much of an operating system the runtime image carries, smallest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// No C library: certificates, tzdata, passwd only.
    Static,
    /// glibc, plus OpenSSL and zlib on distroless.
    Base,
    /// `base` plus libgcc_s and libstdc++.
    Cc,
    /// The language's own runtime image (interpreter or JVM).
    Language,
    /// A web server that serves files a build wrote; nothing of the project runs.
    Web,
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_value_name(self, f)
    }
}

/// Writes the name a value has on the command line (and in shiplight.toml).
fn write_value_name(value: &impl ValueEnum, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let name = value
        .to_possible_value()
        .expect("every variant has a command-line name");
    f.write_str(name.get_name())
}

/// How the debug variant of a runtime is selected by the Dockerfile's global build-arg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebugSwitch {
    /// Same image, other tag: the build-arg holds the tag.
    Tag {
        production: &'static str,
        debug: &'static str,
    },
    /// The vendor has no debug tag for this image: the build-arg holds the whole reference.
    Image { debug: &'static str },
}

/// The one build-arg that picks the runtime, the same for every vendor and image, pinned or
/// not: `RUNTIME=production` (the default) or `RUNTIME=debug`, each the name of a stage that
/// starts from one image, and the final stage starts from `runtime-${RUNTIME}`.
pub fn debug_switch() -> (&'static str, String, String, String) {
    (
        "RUNTIME",
        "production".to_string(),
        "debug".to_string(),
        "runtime-${RUNTIME}".to_string(),
    )
}

/// One runtime image row.
#[derive(Debug, Clone, Copy)]
pub struct RuntimeImage {
    pub vendor: Vendor,
    pub family: Family,
    /// Repository without tag.
    pub repository: &'static str,
    /// Tag of the production image.
    pub production_tag: &'static str,
    pub debug: DebugSwitch,
    /// Groups of shared libraries the image carries; empty for an image with no C library.
    pub libraries: &'static [&'static [&'static str]],
    /// For a language runtime image: the stack and the interpreter it carries.
    pub language: Option<Language>,
}

/// The interpreter a language runtime image carries.
#[derive(Debug, Clone, Copy)]
pub struct Language {
    pub stack: Stack,
    /// Full version of the interpreter (for checking the project's constraint).
    pub version: &'static str,
    /// Absolute path of the interpreter in the image.
    pub interpreter: &'static str,
    /// The image's ENTRYPOINT (CMD supplies the rest).
    pub entrypoint: &'static [&'static str],
    /// What picks this row among the vendor's images of the language: the major (Node, Java),
    /// the minor (Python) or the variant (PHP `cli`, `fpm`).
    pub selector: &'static str,
    /// The image does not carry the interpreter: the builder's, at the same path, is copied in
    /// with what it needs (a CPython release distroless has no python3 image for, on `cc`).
    pub copied: bool,
}

/// glibc's own shared objects (every image with a C library has them).
const GLIBC: &[&str] = &[
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
    "libc.so.6",
    "libm.so.6",
    "libmvec.so.1",
    "libpthread.so.0",
    "libdl.so.2",
    "librt.so.1",
    "libresolv.so.2",
    "libutil.so.1",
    "libanl.so.1",
];

/// libssl3t64, zlib1g and libzstd1: what distroless `base` adds to glibc.
const SSL_ZLIB: &[&str] = &["libssl.so.3", "libcrypto.so.3", "libz.so.1", "libzstd.so.1"];

/// libgcc-s1, libstdc++6 (and libgomp1 on distroless): what `cc` adds.
const GCC_RUNTIME: &[&str] = &["libgcc_s.so.1", "libstdc++.so.6"];

const GOMP: &[&str] = &["libgomp.so.1"];

const DISTROLESS_TAGS: DebugSwitch = DebugSwitch::Tag {
    production: "nonroot",
    debug: "debug-nonroot",
};

const CHAINGUARD_TAGS: DebugSwitch = DebugSwitch::Tag {
    production: "latest",
    debug: "latest-dev",
};

/// A CPython release upstream supports that distroless has no python3 image for: the
/// interpreter of the official `python:MINOR-slim-trixie` builder (under /usr/local), copied with
/// its standard library and the shared libraries they link into distroless `cc`, whose glibc is
/// trixie's. `version` is the release the builder's floating minor tag carried when the
/// catalogue was written.
const fn python_on_cc(
    version: &'static str,
    selector: &'static str,
    interpreter: &'static str,
) -> RuntimeImage {
    RuntimeImage {
        vendor: Vendor::Distroless,
        family: Family::Language,
        repository: "gcr.io/distroless/cc-debian13",
        production_tag: "nonroot",
        debug: DISTROLESS_TAGS,
        libraries: &[GLIBC, SSL_ZLIB, GCC_RUNTIME, GOMP],
        language: Some(Language {
            stack: Stack::Python,
            version,
            interpreter,
            entrypoint: &[],
            selector,
            copied: true,
        }),
    }
}

/// Every runtime image shiplight can emit. A stack's language rows for one vendor are in
/// release order, oldest first.
pub const RUNTIMES: &[RuntimeImage] = &[
    RuntimeImage {
        vendor: Vendor::Distroless,
        family: Family::Static,
        repository: "gcr.io/distroless/static-debian13",
        production_tag: "nonroot",
        debug: DISTROLESS_TAGS,
        libraries: &[],
        language: None,
    },
    RuntimeImage {
        vendor: Vendor::Distroless,
        family: Family::Base,
        repository: "gcr.io/distroless/base-debian13",
        production_tag: "nonroot",
        debug: DISTROLESS_TAGS,
        libraries: &[GLIBC, SSL_ZLIB],
        language: None,
    },
    RuntimeImage {
        vendor: Vendor::Distroless,
        family: Family::Cc,
        repository: "gcr.io/distroless/cc-debian13",
        production_tag: "nonroot",
        debug: DISTROLESS_TAGS,
        libraries: &[GLIBC, SSL_ZLIB, GCC_RUNTIME, GOMP],
        language: None,
    },
    RuntimeImage {
        vendor: Vendor::Chainguard,
        family: Family::Static,
        repository: "cgr.dev/chainguard/static",
        production_tag: "latest",
        debug: DebugSwitch::Image {
            debug: "cgr.dev/chainguard/busybox:latest",
        },
        libraries: &[],
        language: None,
    },
    RuntimeImage {
        vendor: Vendor::Chainguard,
        family: Family::Base,
        repository: "cgr.dev/chainguard/glibc-dynamic",
        production_tag: "latest",
        debug: CHAINGUARD_TAGS,
        libraries: &[GLIBC, GCC_RUNTIME],
        language: None,
    },
    RuntimeImage {
        vendor: Vendor::Chainguard,
        family: Family::Cc,
        repository: "cgr.dev/chainguard/glibc-dynamic",
        production_tag: "latest",
        debug: CHAINGUARD_TAGS,
        libraries: &[GLIBC, GCC_RUNTIME],
        language: None,
    },
    python_on_cc("3.10.19", "3.10", "/usr/local/bin/python3.10"),
    python_on_cc("3.11.14", "3.11", "/usr/local/bin/python3.11"),
    python_on_cc("3.12.12", "3.12", "/usr/local/bin/python3.12"),
    RuntimeImage {
        vendor: Vendor::Distroless,
        family: Family::Language,
        repository: "gcr.io/distroless/python3-debian13",
        production_tag: "nonroot",
        debug: DISTROLESS_TAGS,
        libraries: &[GLIBC, SSL_ZLIB, GCC_RUNTIME, GOMP],
        language: Some(Language {
            stack: Stack::Python,
            version: "3.13.5",
            interpreter: "/usr/bin/python3.13",
            entrypoint: &["/usr/bin/python3.13"],
            selector: "3.13",
            copied: false,
        }),
    },
    python_on_cc("3.14.2", "3.14", "/usr/local/bin/python3.14"),
    RuntimeImage {
        vendor: Vendor::Chainguard,
        family: Family::Language,
        repository: "cgr.dev/chainguard/python",
        production_tag: "latest",
        debug: CHAINGUARD_TAGS,
        libraries: &[GLIBC, SSL_ZLIB, GCC_RUNTIME],
        language: Some(Language {
            stack: Stack::Python,
            version: "3.14.0",
            interpreter: "/usr/bin/python",
            entrypoint: &["/usr/bin/python"],
            selector: "3.14",
            copied: false,
        }),
    },
    RuntimeImage {
        vendor: Vendor::Distroless,
        family: Family::Language,
        repository: "gcr.io/distroless/nodejs22-debian13",
        production_tag: "nonroot",
        debug: DISTROLESS_TAGS,
        libraries: &[GLIBC, SSL_ZLIB, GCC_RUNTIME, GOMP],
        language: Some(Language {
            stack: Stack::Node,
            version: "22",
            interpreter: "/nodejs/bin/node",
            entrypoint: &["/nodejs/bin/node"],
            selector: "22",
            copied: false,
        }),
    },
    RuntimeImage {
        vendor: Vendor::Distroless,
        family: Family::Language,
        repository: "gcr.io/distroless/nodejs24-debian13",
        production_tag: "nonroot",
        debug: DISTROLESS_TAGS,
        libraries: &[GLIBC, SSL_ZLIB, GCC_RUNTIME, GOMP],
        language: Some(Language {
            stack: Stack::Node,
            version: "24",
            interpreter: "/nodejs/bin/node",
            entrypoint: &["/nodejs/bin/node"],
            selector: "24",
            copied: false,
        }),
    },
    RuntimeImage {
        vendor: Vendor::Distroless,
        family: Family::Language,
        repository: "gcr.io/distroless/nodejs26-debian13",
        production_tag: "nonroot",
        debug: DISTROLESS_TAGS,
        libraries: &[GLIBC, SSL_ZLIB, GCC_RUNTIME, GOMP],
        language: Some(Language {
            stack: Stack::Node,
            version: "26",
            interpreter: "/nodejs/bin/node",
            entrypoint: &["/nodejs/bin/node"],
            selector: "26",
            copied: false,
        }),
    },
    RuntimeImage {
        vendor: Vendor::Chainguard,
        family: Family::Language,
        repository: "cgr.dev/chainguard/node",
        production_tag: "latest",
        debug: CHAINGUARD_TAGS,
        libraries: &[GLIBC, GCC_RUNTIME],
        language: Some(Language {
            stack: Stack::Node,
            version: "26",
            interpreter: "/usr/bin/node",
            entrypoint: &["/usr/bin/node"],
            selector: "26",
            copied: false,
        }),
    },
    RuntimeImage {
        vendor: Vendor::Distroless,
        family: Family::Language,
        repository: "gcr.io/distroless/java17-debian13",
        production_tag: "nonroot",
        debug: DISTROLESS_TAGS,
        libraries: &[GLIBC, SSL_ZLIB, GCC_RUNTIME, GOMP],
        language: Some(Language {
            stack: Stack::Java,
            version: "17",
            interpreter: "/usr/bin/java",
            entrypoint: &["/usr/bin/java", "-jar"],
            selector: "17",
            copied: false,
        }),
    },
    RuntimeImage {
        vendor: Vendor::Distroless,
        family: Family::Language,
        repository: "gcr.io/distroless/java21-debian13",
        production_tag: "nonroot",
        debug: DISTROLESS_TAGS,
        libraries: &[GLIBC, SSL_ZLIB, GCC_RUNTIME, GOMP],
        language: Some(Language {
            stack: Stack::Java,
            version: "21",
            interpreter: "/usr/bin/java",
            entrypoint: &["/usr/bin/java", "-jar"],
            selector: "21",
            copied: false,
        }),
    },
    RuntimeImage {
        vendor: Vendor::Distroless,
        family: Family::Language,
        repository: "gcr.io/distroless/java25-debian13",
        production_tag: "nonroot",
        debug: DISTROLESS_TAGS,
        libraries: &[GLIBC, SSL_ZLIB, GCC_RUNTIME, GOMP],
        language: Some(Language {
            stack: Stack::Java,
            version: "25",
            interpreter: "/usr/bin/java",
            entrypoint: &["/usr/bin/java", "-jar"],
            selector: "25",
            copied: false,
        }),
    },
    RuntimeImage {
        vendor: Vendor::Chainguard,
        family: Family::Language,
        repository: "cgr.dev/chainguard/jre",
        production_tag: "latest",
        debug: CHAINGUARD_TAGS,
        libraries: &[GLIBC, GCC_RUNTIME],
        language: Some(Language {
            stack: Stack::Java,
            version: "26",
            interpreter: "/usr/bin/java",
            entrypoint: &["/usr/bin/java"],
            selector: "26",
            copied: false,
        }),
    },
    RuntimeImage {
        vendor: Vendor::Chainguard,
        family: Family::Language,
        repository: "cgr.dev/chainguard/php",
        production_tag: "latest",
        debug: CHAINGUARD_TAGS,
        libraries: &[GLIBC, SSL_ZLIB, GCC_RUNTIME],
        language: Some(Language {
            stack: Stack::Php,
            version: "8.5",
            interpreter: "/usr/bin/php",
            entrypoint: &["/usr/bin/php"],
            selector: "cli",
            copied: false,
        }),
    },
    RuntimeImage {
        vendor: Vendor::Chainguard,
        family: Family::Language,
        repository: "cgr.dev/chainguard/php",
        production_tag: "latest-fpm",
        debug: DebugSwitch::Tag {
            production: "latest-fpm",
            debug: "latest-fpm-dev",
        },
        libraries: &[GLIBC, SSL_ZLIB, GCC_RUNTIME],
        language: Some(Language {
            stack: Stack::Php,
            version: "8.5",
            interpreter: "/usr/sbin/php-fpm",
            entrypoint: &["/usr/sbin/php-fpm"],
            selector: "fpm",
            copied: false,
        }),
    },
];

/// The web server that serves a static site's files. Distroless publishes none, so its row is
/// Chainguard's nginx too: it runs as 65532 without a shell, listens on 8080, and is what
/// serves a PHP-FPM application's files already.
const WEB_SERVER: RuntimeImage = RuntimeImage {
    vendor: Vendor::Chainguard,
    family: Family::Web,
    repository: "cgr.dev/chainguard/nginx",
    production_tag: "latest",
    debug: CHAINGUARD_TAGS,
    libraries: &[GLIBC, SSL_ZLIB],
    language: None,
};

/// The static-site rows, one per vendor: Chainguard's nginx for both.
pub const WEB_SERVERS: &[RuntimeImage] = &[
    WEB_SERVER,
    RuntimeImage {
        vendor: Vendor::Distroless,
        ..WEB_SERVER
    },
];

/// The port the web server listens on.
pub const WEB_PORT: u16 = 8080;

/// Where the web server image serves files from.
pub const WEB_ROOT: &str = "/usr/share/nginx/html";

/// The release after `version`: the minor for dotted versions (`3.14.0` gives `3.15.0`, `1.27`
/// gives `1.28`), the major otherwise (`26` gives `27`). What a floating `latest` tag moves to
/// next, for warnings about a project's upper bound.
pub fn next_release(version: &str) -> String {
    let mut parts: Vec<String> = version.split('.').map(str::to_string).collect();
    let index = usize::from(parts.len() > 1);
    if let Ok(number) = parts[index].parse::<u64>() {
        parts[index] = (number + 1).to_string();
    }
    parts.join(".")
}

/// The runtime rows in force: the catalogue, or (in tests) the catalogue as it will read once
/// every Chainguard `latest` tag has moved to its next release.
fn rows() -> &'static [RuntimeImage] {
    #[cfg(test)]
    if NEXT_RELEASE.get() {
        return NEXT_ROWS.with(|rows| *rows);
    }
    RUNTIMES
}

/// A Chainguard version as the catalogue states it, or (in tests) its next release.
fn floating(version: &'static str) -> &'static str {
    #[cfg(test)]
    if NEXT_RELEASE.get() {
        return Box::leak(next_release(version).into_boxed_str());
    }
    version
}

#[cfg(test)]
thread_local! {
    static NEXT_RELEASE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static NEXT_ROWS: &'static [RuntimeImage] = Box::leak(
        RUNTIMES.iter().map(moved).collect::<Vec<_>>().into_boxed_slice(),
    );
}

/// Makes this thread's catalogue read as if every Chainguard `latest` tag had moved to its
/// next release (versions, and any path that spells them), or restores it.
#[cfg(test)]
pub fn assume_next_release(on: bool) {
    NEXT_RELEASE.set(on);
}

/// A Chainguard language row after its tag moved to the next release.
#[cfg(test)]
fn moved(row: &RuntimeImage) -> RuntimeImage {
    let mut row = *row;
    if row.vendor != Vendor::Chainguard {
        return row;
    }
    if let Some(language) = &mut row.language {
        let old = language.version;
        let new = next_release(old);
        let short = |v: &str| v.splitn(3, '.').take(2).collect::<Vec<_>>().join(".");
        let (old_short, new_short) = (short(old), short(&new));
        let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
        let respell = |text: &str| leak(text.replace(&old_short, &new_short));
        if language.selector == old_short {
            language.selector = leak(new_short.clone());
        }
        language.interpreter = respell(language.interpreter);
        language.entrypoint = Box::leak(
            language
                .entrypoint
                .iter()
                .map(|part| respell(part))
                .collect::<Vec<_>>()
                .into_boxed_slice(),
        );
        language.version = leak(new);
    }
    row
}

/// The runtime image for a stack, vendor and family, if the catalogue has one. For a language
/// image, `version` picks among several (distroless nodejs22/24/26, the CPython releases); without
/// one, the vendor's own image of the language (never a row whose interpreter is copied in); a
/// vendor with one image for the language (Chainguard's `latest`) answers with it whatever the
/// version.
pub fn runtime(
    stack: Stack,
    vendor: Vendor,
    family: Family,
    version: Option<&str>,
) -> Option<&'static RuntimeImage> {
    let rows: Vec<&'static RuntimeImage> = rows()
        .iter()
        .chain(WEB_SERVERS)
        .filter(|row| row.vendor == vendor && row.family == family)
        .filter(|row| row.language.is_none_or(|language| language.stack == stack))
        .collect();
    match version {
        Some(version) if rows.len() > 1 => rows.iter().copied().find(|row| {
            row.language
                .is_some_and(|language| language.selector == version)
        }),
        _ => rows
            .iter()
            .copied()
            .find(|row| !row.language.is_some_and(|language| language.copied))
            .or_else(|| rows.first().copied()),
    }
}

/// The language runtime images of a stack for a vendor, in catalogue order (oldest first).
pub fn language_runtimes(stack: Stack, vendor: Vendor) -> Vec<&'static RuntimeImage> {
    rows()
        .iter()
        .filter(|row| {
            row.vendor == vendor && row.language.is_some_and(|language| language.stack == stack)
        })
        .collect()
}

impl RuntimeImage {
    /// Every shared library the image carries, in catalogue order.
    pub fn library_names(&self) -> Vec<&'static str> {
        self.libraries
            .iter()
            .flat_map(|group| group.iter().copied())
            .collect()
    }

    /// Whether the image has a C library at all.
    pub fn has_libc(&self) -> bool {
        !self.libraries.is_empty()
    }
}

/// A builder image row: how the builder reference is formed for a stack and vendor.
#[derive(Debug, Clone, Copy)]
pub struct BuilderImage {
    pub stack: Stack,
    pub vendor: Vendor,
    /// Repository without tag.
    pub repository: &'static str,
    /// Tag with `{version}` standing for the language version (distroless builders), or a fixed
    /// tag (Chainguard publishes `latest-dev` only in its free tier).
    pub tag: &'static str,
    /// The user the image runs as, when it is not root: sources and caches must belong to it.
    pub user: Option<&'static str>,
    /// Working directory of the build.
    pub workdir: &'static str,
    /// Directory the artefact is placed in for the runtime stage to copy.
    pub out_dir: &'static str,
    /// Tag of the same builder with compilers and C headers, for stacks whose default builder
    /// is slim (`None`: the default builder has them already).
    pub full_tag: Option<&'static str>,
    /// Which of a stack's builders this is (Java: `maven`, `gradle`, `jdk` for a wrapper);
    /// empty for a stack with one builder per vendor.
    pub variant: &'static str,
}

/// Builder images: Debian trixie for distroless (glibc matches debian13), Chainguard for Chainguard.
pub const BUILDERS: &[BuilderImage] = &[
    BuilderImage {
        stack: Stack::Go,
        vendor: Vendor::Distroless,
        repository: "golang",
        tag: "{version}-trixie",
        user: None,
        workdir: "/src",
        out_dir: "/out",
        full_tag: None,
        variant: "",
    },
    BuilderImage {
        stack: Stack::Go,
        vendor: Vendor::Chainguard,
        repository: "cgr.dev/chainguard/go",
        tag: "latest-dev",
        user: None,
        workdir: "/src",
        out_dir: "/out",
        full_tag: None,
        variant: "",
    },
    BuilderImage {
        stack: Stack::Rust,
        vendor: Vendor::Distroless,
        repository: "rust",
        tag: "{version}-trixie",
        user: None,
        workdir: "/src",
        out_dir: "/out",
        full_tag: None,
        variant: "",
    },
    BuilderImage {
        stack: Stack::Rust,
        vendor: Vendor::Chainguard,
        repository: "cgr.dev/chainguard/rust",
        tag: "latest-dev",
        user: Some("65532:65532"),
        workdir: "/work",
        out_dir: "/work/out",
        full_tag: None,
        variant: "",
    },
    BuilderImage {
        stack: Stack::Python,
        vendor: Vendor::Distroless,
        repository: "python",
        tag: "{version}-slim-trixie",
        user: None,
        workdir: "/app",
        out_dir: "/app",
        full_tag: Some("{version}-trixie"),
        variant: "",
    },
    BuilderImage {
        stack: Stack::Python,
        vendor: Vendor::Chainguard,
        repository: "cgr.dev/chainguard/python",
        tag: "latest-dev",
        user: Some("65532:65532"),
        workdir: "/app",
        out_dir: "/app",
        full_tag: None,
        variant: "",
    },
    BuilderImage {
        stack: Stack::Node,
        vendor: Vendor::Distroless,
        repository: "node",
        tag: "{version}-trixie-slim",
        user: None,
        workdir: "/app",
        out_dir: "/app",
        full_tag: Some("{version}-trixie"),
        variant: "",
    },
    BuilderImage {
        stack: Stack::Node,
        vendor: Vendor::Chainguard,
        repository: "cgr.dev/chainguard/node",
        tag: "latest-dev",
        user: Some("65532:65532"),
        workdir: "/app",
        out_dir: "/app",
        full_tag: None,
        variant: "",
    },
    BuilderImage {
        stack: Stack::Node,
        vendor: Vendor::Distroless,
        repository: "oven/bun",
        tag: "{version}",
        user: None,
        workdir: "/app",
        out_dir: "/app",
        full_tag: None,
        variant: "bun",
    },
    BuilderImage {
        stack: Stack::Node,
        vendor: Vendor::Chainguard,
        repository: "oven/bun",
        tag: "{version}",
        user: None,
        workdir: "/app",
        out_dir: "/app",
        full_tag: None,
        variant: "bun",
    },
    BuilderImage {
        stack: Stack::Java,
        vendor: Vendor::Distroless,
        repository: "maven",
        tag: "3.9-eclipse-temurin-{version}",
        user: None,
        workdir: "/src",
        out_dir: "/out",
        full_tag: None,
        variant: "maven",
    },
    BuilderImage {
        stack: Stack::Java,
        vendor: Vendor::Distroless,
        repository: "gradle",
        tag: "9-jdk{version}",
        user: None,
        workdir: "/src",
        out_dir: "/out",
        full_tag: None,
        variant: "gradle",
    },
    BuilderImage {
        stack: Stack::Java,
        vendor: Vendor::Distroless,
        repository: "eclipse-temurin",
        tag: "{version}-jdk",
        user: None,
        workdir: "/src",
        out_dir: "/out",
        full_tag: None,
        variant: "jdk",
    },
    BuilderImage {
        stack: Stack::Java,
        vendor: Vendor::Chainguard,
        repository: "cgr.dev/chainguard/maven",
        tag: "latest-dev",
        user: Some("65532:65532"),
        workdir: "/src",
        out_dir: "/src/out",
        full_tag: None,
        variant: "maven",
    },
    BuilderImage {
        stack: Stack::Java,
        vendor: Vendor::Chainguard,
        repository: "cgr.dev/chainguard/gradle",
        tag: "latest",
        user: Some("65532:65532"),
        workdir: "/src",
        out_dir: "/src/out",
        full_tag: None,
        variant: "gradle",
    },
    BuilderImage {
        stack: Stack::Java,
        vendor: Vendor::Chainguard,
        repository: "cgr.dev/chainguard/jdk",
        tag: "latest-dev",
        user: Some("65532:65532"),
        workdir: "/src",
        out_dir: "/src/out",
        full_tag: None,
        variant: "jdk",
    },
    BuilderImage {
        stack: Stack::Php,
        vendor: Vendor::Chainguard,
        repository: "cgr.dev/chainguard/php",
        tag: "latest-dev",
        user: Some("65532:65532"),
        workdir: "/app",
        out_dir: "/app",
        full_tag: None,
        variant: "",
    },
];

impl BuilderImage {
    /// Full reference for a language version.
    pub fn reference(&self, version: &str) -> String {
        format!(
            "{}:{}",
            self.repository,
            self.tag.replace("{version}", version)
        )
    }

    /// Reference of the variant with compilers and C headers, for a language version.
    pub fn full_reference(&self, version: &str) -> String {
        format!(
            "{}:{}",
            self.repository,
            self.full_tag
                .unwrap_or(self.tag)
                .replace("{version}", version)
        )
    }

    /// Whether the tag carries the language version (false: the vendor only has `latest`).
    pub fn is_versioned(&self) -> bool {
        self.tag.contains("{version}")
    }
}

/// The (first) builder image row for a stack and vendor, if the vendor publishes one.
pub fn builder(stack: Stack, vendor: Vendor) -> Option<&'static BuilderImage> {
    BUILDERS
        .iter()
        .find(|row| row.stack == stack && row.vendor == vendor)
}

/// One of a stack's several builders (Java's `maven`, `gradle`, `jdk`).
pub fn builder_variant(
    stack: Stack,
    vendor: Vendor,
    variant: &str,
) -> Option<&'static BuilderImage> {
    BUILDERS
        .iter()
        .find(|row| row.stack == stack && row.vendor == vendor && row.variant == variant)
}

/// Go releases with published, supported `golang:X-trixie` images, oldest first.
pub const GO_RELEASES: &[&str] = &["1.26", "1.27"];

/// Whether `version` names a Go release [`GO_RELEASES`] lists, or a patch release of one
/// (`1.27.1`); otherwise what it may be, for the refusal of a `lang-version` setting.
pub fn known_go(version: &str) -> Result<(), String> {
    let release = match version.split('.').collect::<Vec<_>>()[..] {
        [major, minor] => Some(format!("{major}.{minor}")),
        [major, minor, patch] if patch.parse::<u32>().is_ok() => Some(format!("{major}.{minor}")),
        _ => None,
    };
    if release.is_some_and(|release| GO_RELEASES.contains(&release.as_str())) {
        return Ok(());
    }
    Err(format!(
        "a Go release the catalogue knows (golang:VERSION-trixie): {}, or a patch release of one such as {}.1",
        GO_RELEASES.join(", "),
        GO_RELEASES.last().expect("catalogue lists Go releases")
    ))
}

/// Whether `version` names a Rust release with `rust:X-trixie` images the catalogue knows:
/// `1` (the newest stable), 1.[`RUST_FIRST_TRIXIE`] up to the newest it knows, or a patch
/// release of one; otherwise what it may be, for the refusal of a `lang-version` setting.
pub fn known_rust(version: &str) -> Result<(), String> {
    let minor = |text: &str| text.strip_prefix("1.").and_then(|m| m.parse::<u32>().ok());
    let (first, newest) = (
        minor(RUST_FIRST_TRIXIE).expect("a 1.x release"),
        minor(RUST_CHAINGUARD_LATEST).expect("a 1.x release"),
    );
    let parts: Vec<&str> = version.split('.').collect();
    let wanted = match parts[..] {
        ["1"] => return Ok(()),
        ["1", minor] => minor.parse::<u32>().ok(),
        ["1", minor, patch] if patch.parse::<u32>().is_ok() => minor.parse::<u32>().ok(),
        _ => None,
    };
    if wanted.is_some_and(|m| (first..=newest).contains(&m)) {
        return Ok(());
    }
    Err(format!(
        "a Rust release the catalogue knows (rust:VERSION-trixie): 1 (the newest stable), 1.{first} to 1.{newest}, or a patch release of one such as 1.{newest}.1"
    ))
}

/// Go version of Chainguard's free `go:latest-dev` when the catalogue was written.
const GO_CHAINGUARD_LATEST: &str = "1.27";

/// The Go version the catalogue assumes `cgr.dev/chainguard/go:latest-dev` carries. The tag
/// floats: nothing generated may depend on it beyond a comment and a warning.
pub fn go_chainguard_latest() -> &'static str {
    floating(GO_CHAINGUARD_LATEST)
}

/// The Rust builder tag used when the project pins no toolchain: the newest stable 1.x.
pub const RUST_DEFAULT_TAG: &str = "1";

/// Rust version of Chainguard's free `rust:latest-dev` when the catalogue was written.
const RUST_CHAINGUARD_LATEST: &str = "1.97";

/// The Rust version the catalogue assumes `cgr.dev/chainguard/rust:latest-dev` carries (it
/// floats, as [`go_chainguard_latest`]).
pub fn rust_chainguard_latest() -> &'static str {
    floating(RUST_CHAINGUARD_LATEST)
}

/// The first Rust release with `rust:X-trixie` images.
pub const RUST_FIRST_TRIXIE: &str = "1.89";

/// The maven-dependency-plugin whose go-offline takes `-DexcludeArtifactIds` for plugins too,
/// named in full when the dependency step leaves `<reporting>` plugins out.
pub const MAVEN_DEPENDENCY_PLUGIN: &str = "org.apache.maven.plugins:maven-dependency-plugin:3.9.0";

/// uv, installed in the Python builder from PyPI for projects locked with uv.lock.
pub const UV_VERSION: &str = "0.13.9";

/// The variable setuptools-scm (and hatch-vcs through it) reads instead of version control,
/// which the build context leaves out (.git is in .dockerignore).
pub const SCM_VERSION_VARIABLE: &str = "SETUPTOOLS_SCM_PRETEND_VERSION";

/// The version a project that takes its version from version control is built with.
pub const SCM_FALLBACK_VERSION: &str = "0.0.0";

/// Poetry, installed in the Python builder for Poetry projects.
pub const POETRY_VERSION: &str = "2.5.1";

/// Pipenv, installed in the Python builder for Pipfile projects.
pub const PIPENV_VERSION: &str = "2026.10.3";

/// gunicorn, installed into the venv of a WSGI application whose dependencies carry no
/// production server (the image never runs a development server).
pub const GUNICORN_VERSION: &str = "27.0.1";

/// uvicorn, installed into the venv of an ASGI application whose dependencies carry no ASGI
/// server.
pub const UVICORN_VERSION: &str = "0.55.0";

/// pnpm installed in the Node builder when package.json names no version in `packageManager`.
pub const PNPM_DEFAULT: &str = "10.34.8";

/// The pnpm release that reads a pnpm-lock.yaml `lockfileVersion`, for lock files older than
/// [`PNPM_DEFAULT`] reads (pnpm 10 refuses a 6.0 lock file): (lockfileVersion prefix, pnpm).
pub const PNPM_FOR_LOCKFILE: &[(&str, &str)] =
    &[("6.", "8.15.9"), ("5.4", "7.33.7"), ("5.3", "6.35.1")];

/// Bun, for a project whose lock file is bun.lock or bun.lockb and whose `packageManager`
/// names no version: the tag of the official `oven/bun` image (the `bun` builder rows) whose
/// binary the Node builder installs with.
pub const BUN_DEFAULT: &str = "1.4.4";

/// corepack, installed in the Node builder from npm for Yarn projects (Node 25+ ships without it).
pub const COREPACK_VERSION: &str = "0.36.0";

/// The Java release the builder compiles for when the project names none.
pub const JAVA_DEFAULT_RELEASE: u32 = 21;

/// Releases below the oldest runtime image run on it (with a warning): Java is backward compatible.
pub const JAVA_OLDEST_RUNTIME: u32 = 17;

/// The PHP extensions shiplight counts on in Chainguard's php images (a conservative list: an
/// extension missing here gives a warning, never a refusal).
pub const PHP_EXTENSIONS: &[&str] = &[
    "core",
    "ctype",
    "curl",
    "date",
    "dom",
    "filter",
    "hash",
    "iconv",
    "json",
    "libxml",
    "mbstring",
    "mysqlnd",
    "openssl",
    "pcre",
    "pdo",
    "pdo_mysql",
    "pdo_sqlite",
    "phar",
    "random",
    "reflection",
    "session",
    "simplexml",
    "sodium",
    "spl",
    "sqlite3",
    "standard",
    "tokenizer",
    "xml",
    "xmlreader",
    "xmlwriter",
    "zlib",
];

/// The nginx image that serves a PHP-FPM application's public files (listens on 8080 as 65532).
pub const PHP_WEB_SERVER: &str = "cgr.dev/chainguard/nginx:latest";

/// The port Chainguard's nginx listens on.
pub const PHP_WEB_PORT: u16 = 8080;

/// The port PHP-FPM listens on in Chainguard's php:latest-fpm.
pub const PHP_FPM_PORT: u16 = 9000;

/// The php CLI in Chainguard's php images, the FPM variant included (its health check runs it).
pub const PHP_CLI: &str = "/usr/bin/php";
