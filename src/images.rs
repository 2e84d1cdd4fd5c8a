//! Image references for air-gapped and regulated builds: registry prefix rewrites (mirrors) and
//! digest pins read from a file, applied to every image the plan names.

use crate::repo::{self, Repo};
use crate::settings::Place;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Largest digests file read.
const DIGESTS_CAP: u64 = 256 << 10;

/// The digests file cannot be used; names the file and line.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {message}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct DigestsError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

/// How image references are rewritten: mirrors, then digest pins.
#[derive(Debug, Clone, Default)]
pub struct Images {
    mirrors: BTreeMap<String, String>,
    /// `repository:tag` -> `sha256:...`, keyed by both the original and the mirrored name.
    pins: BTreeMap<String, String>,
}

impl Images {
    /// Rewrites with `mirrors` and pins from the digests file, when given.
    pub fn new(
        mirrors: &BTreeMap<String, String>,
        digests: Option<&Place>,
    ) -> Result<Images, DigestsError> {
        let pins = match digests {
            Some(place) => read_pins(place)?,
            None => BTreeMap::new(),
        };
        Ok(Images {
            mirrors: mirrors.clone(),
            pins,
        })
    }

    /// The repository after the longest matching mirror prefix is applied. A prefix matches
    /// whole path segments; Docker Hub names also match in their `docker.io/library/` form.
    pub fn repository(&self, repository: &str) -> String {
        let normalized = normalize(repository);
        let mut best: Option<(usize, String)> = None;
        for candidate in [repository, normalized.as_str()] {
            for (from, to) in &self.mirrors {
                let matches = candidate == from
                    || candidate
                        .strip_prefix(from.as_str())
                        .is_some_and(|rest| rest.starts_with('/'));
                if matches && best.as_ref().is_none_or(|(len, _)| from.len() > *len) {
                    best = Some((from.len(), format!("{to}{}", &candidate[from.len()..])));
                }
            }
        }
        best.map(|(_, rewritten)| rewritten)
            .unwrap_or_else(|| repository.to_string())
    }

    /// The tag with its digest appended (`nonroot@sha256:...`) when `repository:tag` is pinned.
    pub fn tag(&self, repository: &str, tag: &str) -> String {
        let mirrored = self.repository(repository);
        let pin = self
            .pins
            .get(&format!("{repository}:{tag}"))
            .or_else(|| self.pins.get(&format!("{mirrored}:{tag}")))
            .or_else(|| self.pins.get(&format!("{}:{tag}", normalize(repository))));
        match pin {
            Some(digest) => format!("{tag}@{digest}"),
            None => tag.to_string(),
        }
    }

    /// A whole `repository:tag` reference, mirrored and pinned.
    pub fn reference(&self, reference: &str) -> String {
        match split_reference(reference) {
            Some((repository, tag)) => {
                format!(
                    "{}:{}",
                    self.repository(repository),
                    self.tag(repository, tag)
                )
            }
            None => self.repository(reference),
        }
    }
}

/// `repository:tag` split at the tag's colon (not a registry port's).
fn split_reference(reference: &str) -> Option<(&str, &str)> {
    let (repository, tag) = reference.rsplit_once(':')?;
    (!tag.contains('/')).then_some((repository, tag))
}

/// A Docker Hub short name in full (`golang` -> `docker.io/library/golang`).
fn normalize(repository: &str) -> String {
    let first = repository.split('/').next().unwrap_or(repository);
    let has_registry = repository.contains('/')
        && (first.contains('.') || first.contains(':') || first == "localhost");
    if has_registry {
        repository.to_string()
    } else if repository.contains('/') {
        format!("docker.io/{repository}")
    } else {
        format!("docker.io/library/{repository}")
    }
}

/// Reads `image:tag@sha256:<64 hex>` lines; `#` starts a comment.
fn read_pins(place: &Place) -> Result<BTreeMap<String, String>, DigestsError> {
    let path = place.path();
    let fail = |line: Option<usize>, message: String| DigestsError {
        file: path.clone(),
        line,
        message,
    };
    let text = match place {
        Place::Project { root, rel } => Repo::new(root)
            .read_text(rel, DIGESTS_CAP)
            .map_err(|err| err.cause)
            .and_then(|text| text.ok_or_else(|| "no such file".to_string())),
        Place::Anywhere(path) => repo::read_outside(path, DIGESTS_CAP),
    }
    .map_err(|cause| fail(None, format!("cannot use the digests file: it {cause}")))?;
    let mut pins = BTreeMap::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let expected = "expected image:tag@sha256:<64 hex digits>";
        let (reference, digest) = line
            .split_once('@')
            .ok_or_else(|| fail(Some(index + 1), format!("{line:?}: {expected}")))?;
        let hex = digest.strip_prefix("sha256:").unwrap_or("");
        let reference_ok = split_reference(reference).is_some()
            && reference.chars().all(|c| {
                c.is_ascii_lowercase()
                    || c.is_ascii_digit()
                    || matches!(c, '.' | '_' | '-' | '/' | ':')
            });
        let digest_ok = hex.len() == 64
            && hex
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
        if !reference_ok || !digest_ok {
            return Err(fail(Some(index + 1), format!("{line:?}: {expected}")));
        }
        pins.insert(reference.to_string(), digest.to_string());
    }
    Ok(pins)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images(pairs: &[(&str, &str)]) -> Images {
        Images {
            mirrors: pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            pins: BTreeMap::new(),
        }
    }

    #[test]
    fn mirrors_match_whole_segments_and_the_longest_prefix() {
        let images = images(&[
            ("gcr.io/distroless", "mirror.example/distroless"),
            ("gcr.io", "mirror.example/gcr"),
            ("docker.io", "hub.example"),
        ]);
        assert_eq!(
            images.repository("gcr.io/distroless/static-debian13"),
            "mirror.example/distroless/static-debian13"
        );
        assert_eq!(
            images.repository("gcr.io/other/x"),
            "mirror.example/gcr/other/x"
        );
        assert_eq!(
            images.repository("gcr.io/distroless-not/x"),
            "mirror.example/gcr/distroless-not/x"
        );
        assert_eq!(images.repository("golang"), "hub.example/library/golang");
        assert_eq!(
            images.repository("cgr.dev/chainguard/go"),
            "cgr.dev/chainguard/go"
        );
        assert_eq!(
            images.reference("golang:1.26-trixie"),
            "hub.example/library/golang:1.26-trixie"
        );
    }
}
