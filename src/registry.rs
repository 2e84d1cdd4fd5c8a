//! Image digests looked up in their registries through the OCI distribution API, for
//! `pins --resolve`: `HEAD /v2/<name>/manifests/<tag>` (a `GET` when the registry names no
//! digest, hashing the manifest), with an anonymous bearer token when the registry answers 401
//! with a `Bearer` challenge (Docker Hub, gcr.io, cgr.dev, ghcr.io). Every request has a time
//! limit; registries are reached over HTTPS, over plain HTTP only on this machine's loopback
//! names or the hosts `SHIPLIGHT_INSECURE_REGISTRY` lists.

use std::time::Duration;

/// The variable listing registries (`host:port`, comma-separated) reached over plain HTTP.
pub const INSECURE_ENV: &str = "SHIPLIGHT_INSECURE_REGISTRY";

/// Manifest media types asked for, lists first: the digest a tag names is the multi-platform
/// index's when there is one, the single manifest's otherwise.
const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

/// Longest manifest or token answer read.
const BODY_CAP: u64 = 4 << 20;

/// Longest part of a registry's error answer shown.
const SHOWN_CAP: usize = 300;

/// Time limit of one request, connecting included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Time limit for connecting.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// An image reference split for the distribution API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The registry as written (`docker.io` for Docker Hub's short names), with its port.
    pub registry: String,
    /// The repository inside the registry (`library/golang` for `golang`).
    pub repository: String,
    pub tag: String,
}

impl Reference {
    /// Splits `name:tag` (no digest) into registry, repository and tag, completing Docker Hub's
    /// short names (`golang` -> `docker.io`, `library/golang`).
    pub fn parse(image: &str) -> Result<Reference, String> {
        let (name, tag) = image
            .rsplit_once(':')
            .filter(|(_, tag)| !tag.contains('/') && !tag.is_empty())
            .ok_or_else(|| format!("{image}: expected name:tag"))?;
        if image.contains('@') {
            return Err(format!("{image}: already names a digest"));
        }
        let (first, rest) = name.split_once('/').unwrap_or(("", name));
        let (registry, repository) =
            if first.contains('.') || first.contains(':') || first == "localhost" {
                (first.to_string(), rest.to_string())
            } else if name.contains('/') {
                ("docker.io".to_string(), name.to_string())
            } else {
                ("docker.io".to_string(), format!("library/{name}"))
            };
        if repository.is_empty() {
            return Err(format!("{image}: no repository"));
        }
        Ok(Reference {
            registry,
            repository,
            tag: tag.to_string(),
        })
    }

    /// The host the API is served from (`registry-1.docker.io` for Docker Hub).
    fn api_host(&self) -> &str {
        match self.registry.as_str() {
            "docker.io" | "index.docker.io" => "registry-1.docker.io",
            other => other,
        }
    }
}

/// A lookup that failed: the image and the registry's answer (or why none came).
#[derive(Debug, thiserror::Error)]
#[error("{image}: {message}")]
pub struct RegistryError {
    pub image: String,
    pub message: String,
}

/// Looks digests up; one agent (connection pool, time limits) for every request.
pub struct Client {
    agent: ureq::Agent,
    insecure: Vec<String>,
}

impl Client {
    /// A client reaching the hosts listed in `insecure` (`host:port`, from
    /// [`INSECURE_ENV`]) over plain HTTP besides the loopback names.
    pub fn new(insecure: &str) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(REQUEST_TIMEOUT))
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .user_agent(concat!("shiplight/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
            insecure: insecure
                .split(',')
                .map(|host| host.trim().to_string())
                .filter(|host| !host.is_empty())
                .collect(),
        }
    }

    /// Whether `host` (with its port) is reached over plain HTTP.
    fn plain(&self, host: &str) -> bool {
        let name = match host.strip_prefix('[') {
            Some(rest) => rest.split(']').next().unwrap_or(rest),
            None => host.split(':').next().unwrap_or(host),
        };
        matches!(name, "localhost" | "127.0.0.1" | "::1") || self.insecure.iter().any(|h| h == host)
    }

    /// The digest (`sha256:<64 hex>`) the registry gives for `image` (`name:tag`) now.
    pub fn digest(&self, image: &str) -> Result<String, RegistryError> {
        let fail = |message: String| RegistryError {
            image: image.to_string(),
            message,
        };
        let reference = Reference::parse(image).map_err(&fail)?;
        let host = reference.api_host();
        let scheme = if self.plain(host) { "http" } else { "https" };
        let url = format!(
            "{scheme}://{host}/v2/{}/manifests/{}",
            reference.repository, reference.tag
        );
        let mut token: Option<String> = None;
        let mut method = Method::Head;
        loop {
            let mut response = self
                .send(method, &url, token.as_deref())
                .map_err(|err| fail(format!("{url}: {err}")))?;
            let status = response.status().as_u16();
            if status == 401 && token.is_none() {
                let challenge = header(&response, "www-authenticate").unwrap_or_default();
                token = Some(
                    self.token(&challenge, &reference, scheme == "http")
                        .map_err(|err| fail(format!("{url} wants a token: {err}")))?,
                );
                continue;
            }
            if !(200..300).contains(&status) {
                if method == Method::Head {
                    method = Method::Get;
                    continue;
                }
                let body = body(&mut response).unwrap_or_default();
                return Err(fail(format!(
                    "{url} answered {status}{}",
                    answer(&body)
                        .map(|text| format!(": {text}"))
                        .unwrap_or_default()
                )));
            }
            let named = header(&response, "docker-content-digest");
            if method == Method::Head {
                match named {
                    Some(digest) if is_digest(&digest) => return Ok(digest),
                    _ => {
                        method = Method::Get;
                        continue;
                    }
                }
            }
            let body = body(&mut response)
                .map_err(|err| fail(format!("{url}: reading the manifest: {err}")))?;
            let hashed = sha256(&body);
            return match named {
                Some(digest) if digest.starts_with("sha256:") && digest != hashed => {
                    Err(fail(format!(
                        "{url} names the digest {digest}, and the manifest it sent hashes to {hashed}"
                    )))
                }
                _ => Ok(hashed),
            };
        }
    }

    fn send(
        &self,
        method: Method,
        url: &str,
        token: Option<&str>,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let bearer = token.map(|token| format!("Bearer {token}"));
        match method {
            Method::Head => {
                let mut request = self.agent.head(url).header("Accept", ACCEPT);
                if let Some(bearer) = &bearer {
                    request = request.header("Authorization", bearer);
                }
                request.call()
            }
            Method::Get => {
                let mut request = self.agent.get(url).header("Accept", ACCEPT);
                if let Some(bearer) = &bearer {
                    request = request.header("Authorization", bearer);
                }
                request.call()
            }
        }
    }

    /// An anonymous pull token for `reference` from the realm a `Bearer` challenge names.
    fn token(
        &self,
        challenge: &str,
        reference: &Reference,
        plain_allowed: bool,
    ) -> Result<String, String> {
        let Some(params) = challenge
            .trim()
            .strip_prefix("Bearer ")
            .or_else(|| challenge.trim().strip_prefix("bearer "))
        else {
            return Err(if challenge.is_empty() {
                "the answer was 401 without a challenge".to_string()
            } else {
                format!(
                    "the registry asks for {challenge:?}, not an anonymous bearer token; shiplight looks up public images only"
                )
            });
        };
        let params = challenge_params(params);
        let get = |key: &str| {
            params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_str())
        };
        let realm = get("realm").ok_or("the challenge names no realm")?;
        if !(realm.starts_with("https://") || plain_allowed && realm.starts_with("http://")) {
            return Err(format!("the token realm {realm:?} is not an https address"));
        }
        let scope = get("scope")
            .map(str::to_string)
            .unwrap_or_else(|| format!("repository:{}:pull", reference.repository));
        let mut request = self.agent.get(realm).query("scope", &scope);
        if let Some(service) = get("service") {
            request = request.query("service", service);
        }
        let mut response = request.call().map_err(|err| format!("{realm}: {err}"))?;
        let status = response.status().as_u16();
        let body = body(&mut response).map_err(|err| format!("{realm}: {err}"))?;
        if status != 200 {
            return Err(format!(
                "{realm} answered {status}{}",
                answer(&body)
                    .map(|text| format!(": {text}"))
                    .unwrap_or_default()
            ));
        }
        let value: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|err| format!("{realm}: the answer is not JSON: {err}"))?;
        ["token", "access_token"]
            .iter()
            .find_map(|key| value.get(key).and_then(|v| v.as_str()))
            .filter(|token| !token.is_empty())
            .map(str::to_string)
            .ok_or_else(|| format!("{realm}: the answer holds no token"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Head,
    Get,
}

/// A response's body, read up to [`BODY_CAP`].
fn body(response: &mut ureq::http::Response<ureq::Body>) -> Result<Vec<u8>, ureq::Error> {
    response
        .body_mut()
        .with_config()
        .limit(BODY_CAP)
        .read_to_vec()
}

fn header(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(|value| value.trim().to_string())
}

/// Whether `text` is `sha256:` and 64 lowercase hexadecimal digits.
pub fn is_digest(text: &str) -> bool {
    text.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    })
}

/// `sha256:<hex>` of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let hex: String = digest
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// A registry's error answer as one short line: the distribution API's `errors[].message` (with
/// their codes) when the body is that JSON, else its text; control characters dropped.
fn answer(body: &[u8]) -> Option<String> {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => match value.get("errors").and_then(|e| e.as_array()) {
            Some(errors) => errors
                .iter()
                .map(|error| {
                    let field = |key: &str| error.get(key).and_then(|v| v.as_str()).unwrap_or("");
                    format!("{} {}", field("code"), field("message"))
                        .trim()
                        .to_string()
                })
                .collect::<Vec<_>>()
                .join("; "),
            None => value.to_string(),
        },
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if clean.is_empty() {
        return None;
    }
    Some(match clean.char_indices().nth(SHOWN_CAP) {
        Some((at, _)) => format!("{}...", &clean[..at]),
        None => clean,
    })
}

/// The `key="value"` pairs of a challenge (values may hold commas inside their quotes).
fn challenge_params(text: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut rest = text.trim();
    while let Some((key, after)) = rest.split_once('=') {
        let key = key.trim().trim_start_matches(',').trim().to_string();
        let after = after.trim_start();
        let (value, next) = match after.strip_prefix('"') {
            Some(quoted) => match quoted.find('"') {
                Some(end) => (&quoted[..end], &quoted[end + 1..]),
                None => (quoted, ""),
            },
            None => match after.find(',') {
                Some(end) => (&after[..end], &after[end..]),
                None => (after, ""),
            },
        };
        params.push((key, value.to_string()));
        rest = next.trim_start().trim_start_matches(',');
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_name_their_registry_and_docker_hub_names_are_completed() {
        let parsed = |image: &str| {
            let r = Reference::parse(image).unwrap();
            let host = r.api_host().to_string();
            (r.registry, r.repository, r.tag, host)
        };
        assert_eq!(
            parsed("golang:1.26-trixie"),
            (
                "docker.io".into(),
                "library/golang".into(),
                "1.26-trixie".into(),
                "registry-1.docker.io".into()
            )
        );
        assert_eq!(
            parsed("bitnami/nginx:1"),
            (
                "docker.io".into(),
                "bitnami/nginx".into(),
                "1".into(),
                "registry-1.docker.io".into()
            )
        );
        assert_eq!(
            parsed("localhost:5000/base/static:nonroot"),
            (
                "localhost:5000".into(),
                "base/static".into(),
                "nonroot".into(),
                "localhost:5000".into()
            )
        );
        assert_eq!(
            parsed("gcr.io/distroless/static-debian13:nonroot").1,
            "distroless/static-debian13"
        );
        assert!(Reference::parse("golang").is_err());
        assert!(Reference::parse("golang:1@sha256:00").is_err());
    }

    #[test]
    fn plain_http_only_for_loopback_and_listed_hosts() {
        let client = Client::new("registry.lan:5000, ");
        assert!(client.plain("localhost:5000"));
        assert!(client.plain("127.0.0.1:41234"));
        assert!(client.plain("[::1]:5000"));
        assert!(client.plain("registry.lan:5000"));
        assert!(!client.plain("registry.lan"));
        assert!(!client.plain("localhost.example.com"));
        assert!(!client.plain("gcr.io"));
    }

    #[test]
    fn challenges_and_answers_are_read() {
        assert_eq!(
            challenge_params(
                r#"realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/golang:pull,push""#
            ),
            vec![
                ("realm".into(), "https://auth.docker.io/token".into()),
                ("service".into(), "registry.docker.io".into()),
                ("scope".into(), "repository:library/golang:pull,push".into()),
            ]
        );
        assert_eq!(
            answer(br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}"#)
                .as_deref(),
            Some("MANIFEST_UNKNOWN manifest unknown")
        );
        assert_eq!(
            answer(b"\n\x1b[31mno\x1b[0m\n").as_deref(),
            Some("[31mno [0m")
        );
        assert_eq!(answer(b""), None);
        assert_eq!(
            sha256(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
