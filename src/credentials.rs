//! Registry credential files a repository may carry (`.npmrc`, Composer's `auth.json`, Maven's
//! `settings.xml`, ...). They reach a build only as BuildKit secret mounts on the steps that
//! install dependencies (`docker build --secret id=ID,src=FILE`), never through COPY, ARG or
//! ENV; the generated .dockerignore keeps every one of them out of the build context.

use crate::repo::{MANIFEST_CAP, Repo};
use crate::stack::Stack;
use serde::Serialize;

/// Where a credential file is mounted in the build stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// At this path under the build stage's working directory.
    Workdir(&'static str),
    /// At this absolute path.
    Absolute(&'static str),
}

/// A credential file the install steps of some stacks read.
#[derive(Debug, Clone, Copy)]
pub struct Credential {
    /// Path relative to the project root.
    pub file: &'static str,
    /// The secret's id in `docker build --secret id=ID,src=FILE`.
    pub id: &'static str,
    pub stacks: &'static [Stack],
    pub target: Target,
    /// Words that make the file a credential; `None`: it always is one.
    pub when: Option<&'static [&'static str]>,
    pub what: &'static str,
}

/// What makes an `.npmrc` a credential: a token, a password, basic auth, a client certificate. A
/// Node project's `.npmrc` without any (`legacy-peer-deps=true`, a registry URL) is an install
/// setting the build copies like the manifests.
const NPMRC_SECRETS: &[&str] = &[
    "_authToken",
    "_auth",
    "_password",
    "username",
    "certfile",
    "keyfile",
    "cert=",
    "key=",
];

/// The credential files shiplight mounts as secrets.
pub const MOUNTED: &[Credential] = &[
    Credential {
        file: ".npmrc",
        id: "npmrc",
        stacks: &[Stack::Node],
        target: Target::Workdir(".npmrc"),
        when: Some(NPMRC_SECRETS),
        what: "npm registry settings and tokens",
    },
    Credential {
        file: ".npmrc",
        id: "npmrc",
        stacks: &[Stack::Php],
        target: Target::Workdir(".npmrc"),
        when: None,
        what: "npm registry settings and tokens",
    },
    Credential {
        file: ".yarnrc.yml",
        id: "yarnrc-yml",
        stacks: &[Stack::Node],
        target: Target::Workdir(".yarnrc.yml"),
        when: Some(&["npmAuthToken", "npmAuthIdent", "npmPassword"]),
        what: "Yarn settings carrying a registry token",
    },
    Credential {
        file: "pip.conf",
        id: "pip-conf",
        stacks: &[Stack::Python],
        target: Target::Absolute("/etc/pip.conf"),
        when: None,
        what: "pip index settings and credentials",
    },
    Credential {
        file: "auth.json",
        id: "composer-auth",
        stacks: &[Stack::Php],
        target: Target::Workdir("auth.json"),
        when: None,
        what: "Composer repository credentials",
    },
    Credential {
        file: "settings.xml",
        id: "maven-settings",
        stacks: &[Stack::Java],
        target: Target::Absolute(MAVEN_SETTINGS),
        when: None,
        what: "Maven settings with repository credentials",
    },
    Credential {
        file: ".mvn/settings.xml",
        id: "maven-settings",
        stacks: &[Stack::Java],
        target: Target::Absolute(MAVEN_SETTINGS),
        when: None,
        what: "Maven settings with repository credentials",
    },
];

/// Where Maven's settings secret is mounted (Maven reads it through `-s`).
pub const MAVEN_SETTINGS: &str = "/run/secrets/maven-settings";

/// A credential file found in a project, with the mount that gives it to the install steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Secret {
    pub id: &'static str,
    /// Path relative to the project root.
    pub file: String,
    pub what: &'static str,
    /// The `--mount=type=secret,...` option.
    pub mount: String,
}

/// Whether `text` of a file that is a credential only `when` it holds one of the words is one.
fn carries(credential: &Credential, text: &str) -> bool {
    credential
        .when
        .is_none_or(|words| words.iter().any(|word| text.contains(word)))
}

/// Whether the project's `file` is a credential file of `stack` (a `.yarnrc.yml`, and a Node
/// project's `.npmrc`, count only with a token in them).
pub fn is_credential(repo: &Repo, stack: Stack, file: &str) -> bool {
    MOUNTED
        .iter()
        .filter(|c| c.file == file && c.stacks.contains(&stack))
        .any(|c| match c.when {
            None => repo.is_file(file),
            Some(_) => {
                matches!(repo.read_text(file, MANIFEST_CAP), Ok(Some(text)) if carries(c, &text))
            }
        })
}

/// The credential files of `stack` present in the project (one per secret id).
pub fn present(repo: &Repo, stack: Stack) -> Vec<&'static Credential> {
    let mut found: Vec<&'static Credential> = Vec::new();
    for credential in MOUNTED.iter().filter(|c| c.stacks.contains(&stack)) {
        if !found.iter().any(|c| c.id == credential.id)
            && is_credential(repo, stack, credential.file)
        {
            found.push(credential);
        }
    }
    found
}

/// Secret mounts for `found` in a build stage working in `workdir` as the user the `owner`
/// mount options name (`,uid=65532,gid=65532`, or empty for root).
pub fn mounts(found: &[&'static Credential], workdir: &str, owner: &str) -> Vec<Secret> {
    found
        .iter()
        .map(|credential| {
            let target = match credential.target {
                Target::Workdir(rel) => format!("{}/{rel}", workdir.trim_end_matches('/')),
                Target::Absolute(path) => path.to_string(),
            };
            Secret {
                id: credential.id,
                file: credential.file.to_string(),
                what: credential.what,
                mount: format!(
                    "--mount=type=secret,id={},target={target},mode=0400{owner}",
                    credential.id
                ),
            }
        })
        .collect()
}
