//! The settings that name what a project needs outside its own files: Debian packages for the
//! build stage (`build-packages`), shared libraries the runtime gets from the build stage with
//! what they link (`runtime-libraries`), and the final stage's image (`runtime-image`, with
//! `runtime-image-debug` for an image the catalogue does not know). Their grammar checks and
//! their merged and resolved forms, and the build packages a stack finds in the project's own
//! Dockerfile when the settings name none; [`crate::system_plan`] plans with them.

use serde::Serialize;

/// The system settings one source gives; `None`: this source says nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SystemLayer {
    /// Debian packages installed in the build stage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_packages: Option<Vec<String>>,
    /// Libraries copied into the runtime: Debian package names or sonames.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_libraries: Option<Vec<String>>,
    /// The final stage's image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_image: Option<String>,
    /// The debug variant of `runtime_image`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_image_debug: Option<String>,
}

impl SystemLayer {
    /// This layer with every field `other` sets taken from `other`.
    pub fn overlay(self, other: SystemLayer) -> SystemLayer {
        SystemLayer {
            build_packages: other.build_packages.or(self.build_packages),
            runtime_libraries: other.runtime_libraries.or(self.runtime_libraries),
            runtime_image: other.runtime_image.or(self.runtime_image),
            runtime_image_debug: other.runtime_image_debug.or(self.runtime_image_debug),
        }
    }

    /// The resolved settings of the merged layers.
    pub fn resolve(self) -> SystemSettings {
        SystemSettings {
            build_packages: self.build_packages.unwrap_or_default(),
            runtime_libraries: self.runtime_libraries.unwrap_or_default(),
            runtime_image: self.runtime_image,
            runtime_image_debug: self.runtime_image_debug,
        }
    }
}

/// The resolved system settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemSettings {
    pub build_packages: Vec<String>,
    pub runtime_libraries: Vec<String>,
    pub runtime_image: Option<String>,
    pub runtime_image_debug: Option<String>,
}

impl SystemSettings {
    /// The layer that reproduces these settings, for the shiplight.toml `init` writes.
    pub fn layer(&self) -> SystemLayer {
        SystemLayer {
            build_packages: (!self.build_packages.is_empty()).then(|| self.build_packages.clone()),
            runtime_libraries: (!self.runtime_libraries.is_empty())
                .then(|| self.runtime_libraries.clone()),
            runtime_image: self.runtime_image.clone(),
            runtime_image_debug: self.runtime_image_debug.clone(),
        }
    }
}

/// Debian packages a stack knows the build it plans needs, taken when the settings name none:
/// those the project's own Dockerfile installs for that build (its `apt-get install`, each
/// checked as a Debian package name), then those it does not install (`added`).
#[derive(Debug, Clone)]
pub struct Found {
    pub packages: Vec<String>,
    /// Where the Dockerfile names each of its packages and its build they serve, then what
    /// needs each package added.
    pub evidence: Vec<crate::evidence::Evidence>,
    /// The Dockerfile, when it installs some of them.
    pub file: Option<String>,
    /// What the packages give the build, in a few words.
    pub why: String,
    /// The packages no Dockerfile installs, which the stack knows the build needs.
    pub added: Vec<String>,
}

/// A Debian package name (Debian Policy 5.6.1): lowercase letters, digits, `+ - .`, at least two
/// characters, starting with a letter or digit.
pub fn package_name(key: &str, name: &str) -> Result<String, String> {
    let ok = name.len() >= 2
        && name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '+' | '-' | '.'));
    if ok {
        Ok(name.to_string())
    } else {
        Err(format!(
            "`{key}`: {name:?} is not a Debian package name (lowercase letters, digits and + - . only, at least two characters, starting with a letter or digit)"
        ))
    }
}

/// Whether a `runtime-libraries` entry is a soname (`libpq.so.5`) rather than a package name.
pub fn is_soname(name: &str) -> bool {
    name.ends_with(".so") || name.contains(".so.")
}

/// A `runtime-libraries` entry: a soname (letters, digits and `+ - . _`, holding `.so`) or a
/// Debian package name.
pub fn library_name(key: &str, name: &str) -> Result<String, String> {
    if is_soname(name) {
        let ok = name.len() <= 128
            && name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '_'));
        return if ok {
            Ok(name.to_string())
        } else {
            Err(format!(
                "`{key}`: {name:?} is not a soname (letters, digits and + - . _ only, such as libpq.so.5)"
            ))
        };
    }
    package_name(key, name).map_err(|_| {
        format!(
            "`{key}`: {name:?} is neither a soname (libpq.so.5) nor a Debian package name (libpq5)"
        )
    })
}

/// An image reference: `[registry[:port]/]path[:tag][@sha256:HEX]`, lowercase path components
/// separated by `.`, `_`, `__` or `-`, a tag of letters, digits, `_ . -`; no spaces, quotes or
/// variables.
pub fn image_reference(key: &str, text: &str) -> Result<String, String> {
    let refuse = |why: &str| {
        Err(format!(
            "`{key}` = {text:?} is not an image reference ({why}); write registry/repository:tag or registry/repository@sha256:DIGEST, such as registry.example.com/base/cc:2026.1"
        ))
    };
    if text.is_empty() || text.len() > 512 {
        return refuse("empty or too long");
    }
    if text
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '$' | '\\'))
    {
        return refuse("no spaces, quotes, `$` or backslashes");
    }
    let (name, digest) = match text.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (text, None),
    };
    if let Some(digest) = digest {
        let hex = digest.strip_prefix("sha256:").unwrap_or("");
        if hex.len() != 64
            || !hex
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        {
            return refuse("a digest is sha256: and 64 lowercase hexadecimal digits");
        }
    }
    let (path, tag) = split_tag(name);
    if let Some(tag) = tag {
        let ok = !tag.is_empty()
            && tag.len() <= 128
            && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !ok {
            return refuse("a tag is letters, digits and _ . - only");
        }
    }
    let mut components = path.split('/');
    let first = components.next().unwrap_or("");
    let registry =
        path.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    if registry {
        let (host, port) = match first.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (first, None),
        };
        let host_ok = !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        let port_ok = port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()));
        if !host_ok || !port_ok {
            return refuse("the registry is a host name with an optional :port");
        }
    }
    let repository: Vec<&str> = if registry {
        components.collect()
    } else {
        path.split('/').collect()
    };
    let component_ok = |part: &str| {
        !part.is_empty()
            && part.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && part.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && part.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            })
    };
    if repository.is_empty() || !repository.iter().all(|part| component_ok(part)) {
        return refuse("repository path components are lowercase letters, digits and . _ -");
    }
    if tag.is_none() && digest.is_none() {
        return refuse("name a tag or a digest, so the image is the one you mean");
    }
    Ok(text.to_string())
}

/// A reference's name and its tag, when it has one (`:` after the last `/`).
pub fn split_tag(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once(':') {
        Some((path, tag)) if !tag.contains('/') => (path, Some(tag)),
        _ => (name, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_follow_debian_policy() {
        for good in ["libpq-dev", "g++", "libyaml-0-2", "python3.13-dev", "x2"] {
            assert!(package_name("k", good).is_ok(), "{good}");
        }
        for bad in [
            "a", "LibPQ", "-x", "lib pq", "libpq;rm", "lib$x", "libpq\n", "lib_pq",
        ] {
            assert!(package_name("k", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn libraries_are_sonames_or_packages() {
        assert!(is_soname("libpq.so.5") && is_soname("libfoo.so"));
        assert!(!is_soname("libpq5"));
        assert!(library_name("k", "libstdc++.so.6").is_ok());
        assert!(library_name("k", "libpq.so.5;x").is_err());
        assert!(library_name("k", "Lib_Pq").is_err());
    }

    #[test]
    fn image_references_are_checked() {
        for good in [
            "registry.example.com/base/cc:2026.1",
            "localhost:5000/app-base:v1",
            "debian:trixie-slim",
            "gcr.io/distroless/cc-debian13@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "gcr.io/distroless/cc-debian13:nonroot@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(image_reference("k", good).is_ok(), "{good}");
        }
        for bad in [
            "debian",
            "Registry.example.com/Base:1",
            "base:1 ",
            "base:\"1\"",
            "base:${TAG}",
            "base@sha256:abc",
            "base:-x",
            "base//x:1",
            "",
        ] {
            assert!(image_reference("k", bad).is_err(), "{bad}");
        }
    }
}
