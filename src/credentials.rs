//! Registry credential files a repository may carry (`.npmrc`, `.yarnrc`, `.yarnrc.yml`,
//! Composer's `auth.json`, Maven's `settings.xml`, ...). An install step that reads one gets it
//! only as a BuildKit secret mount (`docker build --secret id=ID,src=FILE`), never through COPY,
//! ARG or ENV, even when it holds only settings today: CI often adds a token just before the
//! build (`npm config set`, `yarn config set npmAuthToken`). The generated .dockerignore keeps
//! every one of them, and the rest of the credential family, out of the build context. Each file
//! is read for what makes it a credential (a token, a password, a registry URL with a user and
//! password, a private key) so the explanation can say why it is mounted, by file and line,
//! never quoting the value.

use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::repo::{LOCK_CAP, MANIFEST_CAP, Repo};
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::Mutex;

/// Where a credential file is mounted in the build stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// At this path under the directory of the package that holds it (the build stage's
    /// working directory for the root, the member's directory below it for a member).
    Workdir(&'static str),
    /// At this absolute path.
    Absolute(&'static str),
}

/// A credential file some install steps read (each stack lists the ones its steps read).
#[derive(Debug, Clone, Copy)]
pub struct Credential {
    /// Path relative to the project root, or to a workspace member's directory.
    pub file: &'static str,
    /// The secret's id in `docker build --secret id=ID,src=FILE` (a member's file adds its
    /// directory to it).
    pub id: &'static str,
    pub target: Target,
    /// Also read in each workspace member's directory.
    pub members: bool,
    pub what: &'static str,
}

/// npm's settings file.
pub const NPMRC: Credential = Credential {
    file: ".npmrc",
    id: "npmrc",
    target: Target::Workdir(".npmrc"),
    members: true,
    what: "npm registry settings and tokens",
};

/// Yarn classic's settings file.
pub const YARNRC: Credential = Credential {
    file: ".yarnrc",
    id: "yarnrc",
    target: Target::Workdir(".yarnrc"),
    members: true,
    what: "Yarn classic settings and tokens",
};

/// Yarn Berry's settings file.
pub const YARNRC_YML: Credential = Credential {
    file: ".yarnrc.yml",
    id: "yarnrc-yml",
    target: Target::Workdir(".yarnrc.yml"),
    members: true,
    what: "Yarn settings and registry tokens",
};

/// pip's settings file, mounted where pip reads it.
pub const PIP_CONF: Credential = Credential {
    file: "pip.conf",
    id: "pip-conf",
    target: Target::Absolute("/etc/pip.conf"),
    members: false,
    what: "pip index settings and credentials",
};

/// Composer's credentials file.
pub const COMPOSER_AUTH: Credential = Credential {
    file: "auth.json",
    id: "composer-auth",
    target: Target::Workdir("auth.json"),
    members: false,
    what: "Composer repository credentials",
};

/// Maven's settings in the project's root.
pub const MAVEN_SETTINGS_ROOT: Credential = Credential {
    file: "settings.xml",
    id: "maven-settings",
    target: Target::Absolute(MAVEN_SETTINGS),
    members: false,
    what: "Maven settings with repository credentials",
};

/// Maven's settings under `.mvn/`.
pub const MAVEN_SETTINGS_MVN: Credential = Credential {
    file: ".mvn/settings.xml",
    id: "maven-settings",
    target: Target::Absolute(MAVEN_SETTINGS),
    members: false,
    what: "Maven settings with repository credentials",
};

/// Where Maven's settings secret is mounted (Maven reads it through `-s`).
pub const MAVEN_SETTINGS: &str = "/run/secrets/maven-settings";

/// Keys whose value is a credential, with what they hold in words: npm's `.npmrc`
/// (`//host/:_authToken=`), Yarn classic's `.yarnrc`, Yarn Berry's `.yarnrc.yml`
/// (`npmAuthToken:`), Composer's auth.json (`"http-basic"`) and Maven's settings.xml
/// (`<password>`).
const SECRET_KEYS: &[(&str, &str)] = &[
    ("_authToken", "a registry token (_authToken)"),
    ("_auth", "basic auth for a registry (_auth)"),
    ("_password", "a registry password (_password)"),
    ("npmAuthToken", "a registry token (npmAuthToken)"),
    ("npmAuthIdent", "basic auth for a registry (npmAuthIdent)"),
    ("npmPassword", "a registry password (npmPassword)"),
    ("certfile", "a client certificate (certfile)"),
    ("keyfile", "a client key (keyfile)"),
    ("cert", "a client certificate (cert)"),
    ("key", "a client key (key)"),
    ("httpsKeyFilePath", "a client key (httpsKeyFilePath)"),
    (
        "httpsCertFilePath",
        "a client certificate (httpsCertFilePath)",
    ),
    ("password", "a password"),
    ("<password>", "a password"),
    ("<passphrase>", "a key passphrase"),
    ("<privateKey>", "a private key"),
    ("http-basic", "basic auth for a repository (http-basic)"),
    ("bearer", "a repository token (bearer)"),
    ("github-oauth", "a GitHub token (github-oauth)"),
    ("gitlab-token", "a GitLab token (gitlab-token)"),
];

/// What on one line makes a file a credential, in words that never quote the value: a key from
/// [`SECRET_KEYS`] given a value, a URL with a user name (and password) in it, a private key.
pub fn secret_on_line(line: &str) -> Option<&'static str> {
    if line.contains("PRIVATE KEY-----") {
        return Some("a private key");
    }
    if userinfo_url(line) {
        return Some("a URL with a user name and password (://user:password@host)");
    }
    let trimmed = line.trim_start();
    if trimmed.starts_with(['#', ';']) {
        return None;
    }
    SECRET_KEYS.iter().find_map(|(key, what)| {
        let at = line.find(key)?;
        let before = &line[..at];
        let after = line[at + key.len()..].trim_start_matches(['"', '\'']);
        let starts = key.starts_with('<')
            || before.is_empty()
            || before.ends_with([':', ' ', '\t', '"', '\'', '{', ',']);
        let given = after.trim_start().starts_with(['=', ':'])
            || (after.starts_with([' ', '\t']) && !after.trim().is_empty())
            || key.starts_with('<');
        (starts && given).then_some(*what)
    })
}

/// Whether `line` holds a URL whose authority carries userinfo (`scheme://user[:pass]@host`).
fn userinfo_url(line: &str) -> bool {
    line.match_indices("://").any(|(at, _)| {
        let rest = &line[at + 3..];
        let authority = rest
            .split(['/', ' ', '\t', '"', '\'', '?', '#'])
            .next()
            .unwrap_or_default();
        authority.contains('@') && !authority.starts_with("git@") && !authority.ends_with('@')
    })
}

/// The first line of a file the build copies (a manifest, a lock file) that carries a credential
/// in the open: a URL with a user name and password that are not all `${VARIABLE}` references,
/// or a private key. Keys such as `password` are not looked for: in a manifest they name
/// things. Only the lines where a `://` is followed by an authority holding an `@` are looked
/// at, so a lock file of many lines (an `@` in most of them, a URL in many) is read at the
/// speed of a byte search.
pub fn copied_secret(text: &str) -> Option<(usize, &'static str)> {
    let key = memchr::memmem::find(text.as_bytes(), b"PRIVATE KEY-----")
        .map(|at| crate::lines::line_around(text, at).0);
    let before = key.unwrap_or(text.len());
    let bytes = &text.as_bytes()[..before];
    let mut from = 0;
    for at in memchr::memmem::find_iter(bytes, b"://") {
        if at < from || !authority_holds_at(&bytes[at + 3..]) {
            continue;
        }
        let (start, line) = crate::lines::line_around(text, at);
        if literal_userinfo_url(line) {
            return Some((
                crate::lines::number_at(text, start),
                "a URL with a user name and password (://user:password@host)",
            ));
        }
        from = start + line.len();
    }
    key.map(|start| (crate::lines::number_at(text, start), "a private key"))
}

/// Whether the authority a URL's `://` is followed by (`rest`, up to the first `/`, blank,
/// quote, `?`, `#` or line end) holds an `@`: a line without one holds no userinfo URL.
fn authority_holds_at(rest: &[u8]) -> bool {
    rest.iter()
        .take_while(|byte| {
            !matches!(
                byte,
                b'/' | b' ' | b'\t' | b'"' | b'\'' | b'?' | b'#' | b'\n'
            )
        })
        .any(|byte| *byte == b'@')
}

/// [`userinfo_url`], leaving out userinfo made only of `${VARIABLE}` references (expanded by
/// the tool from the environment, so no secret is in the file) and URLs to the loopback
/// interface (`localhost`, `127.x.x.x`, `[::1]`): a user and password there open only a server
/// on the machine that reads the file, the placeholder a code generator asks for
/// (`DATABASE_URL=postgresql://user:pass@localhost/db prisma generate`), not a service the image
/// could reach.
fn literal_userinfo_url(line: &str) -> bool {
    userinfo_url(line)
        && line.match_indices("://").any(|(at, _)| {
            let authority = line[at + 3..]
                .split(['/', ' ', '\t', '"', '\'', '?', '#'])
                .next()
                .unwrap_or_default();
            let Some((userinfo, host)) = authority.rsplit_once('@') else {
                return false;
            };
            !loopback(host)
                && !userinfo.split(':').all(|part| {
                    part.starts_with("${") && part.ends_with('}') && !part[2..].contains('$')
                })
        })
}

/// Whether a URL's `host[:port]` is the loopback interface.
fn loopback(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name == "::1"
        || name.strip_prefix("127.").is_some_and(|rest| {
            rest.split('.').count() == 3
                && rest
                    .split('.')
                    .all(|part| !part.is_empty() && part.parse::<u8>().is_ok())
        })
}

/// The first line of `text` that makes it a credential, with what is there.
pub fn first_secret(text: &str) -> Option<(usize, &'static str)> {
    text.lines()
        .enumerate()
        .find_map(|(index, line)| secret_on_line(line).map(|what| (index + 1, what)))
}

/// Refuses a manifest or lock file that the image carries (`files`, which the stack names: a
/// Python or PHP runtime holds the application's directory, with its manifests) when it holds a
/// credential in the open, naming the file and line, never the value; `instead` says where the
/// credential belongs. Node's manifests and locks are looked at by its detector, which knows the
/// workspace's members. A file that cannot be read is left to the detector.
pub fn refuse_in_copied(repo: &Repo, files: Vec<String>, instead: &str) -> Result<(), DetectError> {
    for file in files {
        let cap = if file.ends_with(".lock") {
            LOCK_CAP
        } else {
            MANIFEST_CAP
        };
        if let Ok(Some(text)) = repo.text(&file, cap)
            && let Some((line, what)) = copied_secret(&text)
        {
            return Err(DetectError::Broken {
                file,
                line: Some(line),
                cause: format!(
                    "holds {what}, and the image carries this file; take the credential out ({instead})"
                ),
            });
        }
    }
    Ok(())
}

/// A credential file found in a project, with the mount that gives it to the install steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Secret {
    pub id: &'static str,
    /// Path relative to the project root.
    pub file: String,
    pub what: &'static str,
    /// The `--mount=type=secret,...` option.
    pub mount: String,
    /// Why it is a secret: the line that holds a credential, or the file and the reason it is
    /// mounted all the same. Never the value.
    pub evidence: Evidence,
}

/// A credential file present in the project, before it is given a mount.
#[derive(Debug, Clone)]
pub struct Found {
    pub credential: &'static Credential,
    /// The directory of the package that holds it ("" for the root).
    pub dir: String,
    pub id: &'static str,
    pub evidence: Evidence,
}

impl Found {
    /// Path relative to the project root.
    pub fn file(&self) -> String {
        joined(&self.dir, self.credential.file)
    }
}

fn joined(dir: &str, file: &str) -> String {
    if dir.is_empty() {
        file.to_string()
    } else {
        format!("{}/{file}", dir.trim_end_matches('/'))
    }
}

/// A secret id for the project's own paths, kept for the rest of the run (secret ids are
/// `&'static str`, like the fixed ones); each distinct id is stored once.
fn intern(id: String) -> &'static str {
    static IDS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut ids = IDS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(known) = ids.get(id.as_str()) {
        return known;
    }
    let id: &'static str = Box::leak(id.into_boxed_str());
    ids.insert(id);
    id
}

/// The secret id of a member's file: the credential's id and the member's directory, in the
/// letters, digits and dashes a secret id takes (`npmrc-packages-api`).
fn member_id(id: &str, dir: &str) -> String {
    let mut out = String::from(id);
    out.push('-');
    for c in dir.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Why a present credential file is mounted: the first line with a credential on it, or, for a
/// file of settings only, that a token may yet be added.
fn evidence(repo: &Repo, file: &str) -> Evidence {
    match repo.read_text(file, MANIFEST_CAP) {
        Ok(Some(text)) => match first_secret(&text) {
            Some((line, what)) => Evidence::line(file, line, format!("holds {what}")),
            None => Evidence::file(
                file,
                "settings only, no credential yet; the install reads it, and CI may add a token before the build",
            ),
        },
        _ => Evidence::file(file, "a credential file the install reads"),
    }
}

/// The credential files the install steps of a `stack` project read (one per secret id): at the
/// root, and in each of the workspace `members`' directories for the files read there too.
pub fn present(repo: &Repo, read: &'static [Credential], members: &[String]) -> Vec<Found> {
    let dirs: Vec<String> = std::iter::once(String::new())
        .chain(members.iter().cloned())
        .collect();
    let mut found: Vec<Found> = Vec::new();
    for credential in read {
        for dir in &dirs {
            if !dir.is_empty() && !credential.members {
                continue;
            }
            let file = joined(dir, credential.file);
            if !repo.is_file(&file) {
                continue;
            }
            let mut id = if dir.is_empty() {
                credential.id.to_string()
            } else {
                member_id(credential.id, dir)
            };
            if found.iter().any(|f| f.id == id) {
                if dir.is_empty() {
                    continue;
                }
                let mut n = 2;
                while found.iter().any(|f| f.id == format!("{id}-{n}")) {
                    n += 1;
                }
                id = format!("{id}-{n}");
            }
            found.push(Found {
                credential,
                dir: dir.clone(),
                id: intern(id),
                evidence: evidence(repo, &file),
            });
        }
    }
    found
}

/// Secret mounts for `found` in a build stage working in `workdir` as the user the `owner`
/// mount options name (`,uid=65532,gid=65532`, or empty for root).
pub fn mounts(found: &[Found], workdir: &str, owner: &str) -> Vec<Secret> {
    found
        .iter()
        .map(|found| {
            let target = match found.credential.target {
                Target::Workdir(rel) => {
                    joined(workdir.trim_end_matches('/'), &joined(&found.dir, rel))
                }
                Target::Absolute(path) => path.to_string(),
            };
            Secret {
                id: found.id,
                file: found.file(),
                what: found.credential.what,
                mount: format!(
                    "--mount=type=secret,id={},target={target},mode=0400{owner}",
                    found.id
                ),
                evidence: found.evidence.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_by_content() {
        for (line, what) in [
            ("//npm.example/:_authToken=abc", "_authToken"),
            ("_auth=dXNlcjpwYXNz", "_auth"),
            ("//npm.example/:_password=cGFzcw==", "_password"),
            (
                "registry=https://user:pass@npm.example/",
                "://user:password@host",
            ),
            ("npmRegistryServer: \"https://u:p@npm.example\"", "://user"),
            ("  npmAuthToken: abc", "npmAuthToken"),
            ("npmAuthIdent: \"u:p\"", "npmAuthIdent"),
            ("key=\"-----BEGIN PRIVATE KEY-----\\nabc\"", "private key"),
            ("cert = abc", "(cert)"),
            ("\"_authToken\" \"abc\"", "_authToken"),
            ("\"//npm.example/:_authToken\" abc", "_authToken"),
            ("<password>p</password>", "a password"),
            (
                "<server><id>a</id><password>${env.T}</password>",
                "a password",
            ),
        ] {
            let found = secret_on_line(line).unwrap_or_else(|| panic!("{line}: none found"));
            assert!(found.contains(what), "{line}: {found}");
            assert!(!found.contains("abc") && !found.contains("pass@"));
        }
        for line in [
            "registry=https://npm.example/",
            "legacy-peer-deps=true",
            "# _authToken=abc",
            "nodeLinker: node-modules",
            "yarnPath: .yarn/releases/yarn-4.5.3.cjs",
            "engine-strict=true",
            "keep-alive=true",
            "git+ssh://git@github.com/a/b.git",
        ] {
            assert_eq!(secret_on_line(line), None, "{line}");
        }
        assert_eq!(
            first_secret("a=b\n@s:registry=https://u:p@h/\n"),
            Some((
                2,
                "a URL with a user name and password (://user:password@host)"
            ))
        );
    }

    #[test]
    fn credentials_in_copied_files() {
        let lock = "{\n  \"resolved\": \"https://u:p@npm.example/a/-/a-1.tgz\"\n}\n";
        assert_eq!(copied_secret(lock).map(|(line, _)| line), Some(2));
        assert_eq!(
            copied_secret("--extra-index-url https://${PIP_USER}:${PIP_PASSWORD}@pypi.example/\n"),
            None
        );
        assert_eq!(
            copied_secret("\"resolved\": \"git+ssh://git@github.com/a/b.git#abc\"\n"),
            None
        );
        assert_eq!(copied_secret("\"password\": \"x\"\n"), None);
        let key = "a = 1\nb = \"https://u:p@h/ -----BEGIN PRIVATE KEY-----\"\n";
        assert_eq!(copied_secret(key), Some((2, "a private key")));
        let later = "a@b\r\nx = \"https://u@\"\r\n\nurl = \"https://u:p@h/\"\r\nPRIVATE KEY-----\n";
        assert_eq!(copied_secret(later).map(|(line, _)| line), Some(4));
        assert_eq!(copied_secret("x = \"https://u@\"\r\n"), None);
        let local = "\"postinstall\": \"DATABASE_URL=postgresql://a:b@localhost:5432/a x\"\n";
        assert_eq!(copied_secret(local), None);
        assert_eq!(copied_secret("u = \"mysql://a:b@127.0.0.1/db\"\n"), None);
        assert_eq!(copied_secret("u = \"redis://a:b@[::1]:6379\"\n"), None);
        assert_eq!(
            copied_secret("u = \"mysql://a:b@127.0.0.1.example.com/db\"\n").map(|(l, _)| l),
            Some(1)
        );
        assert_eq!(
            copied_secret("u = \"https://a:b@localhost.example.com/\"\n").map(|(l, _)| l),
            Some(1)
        );
    }

    #[test]
    fn member_ids() {
        assert_eq!(member_id("npmrc", "packages/api"), "npmrc-packages-api");
        assert_eq!(
            member_id("yarnrc-yml", "apps/Web_1/"),
            "yarnrc-yml-apps-web-1"
        );
    }
}
