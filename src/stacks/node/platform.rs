//! Whether a Node application's production dependencies are the same on every platform, read
//! from package-lock.json (v2 or later), the one lock file that records per package whether it
//! runs an install script (`hasInstallScript`) or is built for some CPUs only (`cpu`).

use crate::evidence::Evidence;
use serde::Serialize;

/// The lock file this module reads.
pub const LOCK: &str = "package-lock.json";

/// What the lock says of the production packages' platform-specific code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlatformCode {
    /// No lock records it (yarn.lock, pnpm-lock.yaml, a v1 package-lock.json), or this one
    /// lists no installed package: why.
    Unknown(String),
    /// The production packages with an install script or a per-CPU build, each with its entry's
    /// line; empty: node_modules is the same on every platform.
    Packages(Vec<Evidence>),
}

/// Reads package-lock.json's `packages` entries in one pass over its lines: npm writes each
/// entry as `"node_modules/NAME": {` (or a workspace member's `"packages/NAME": {`) four spaces
/// in, its fields six spaces in. The same pass finds the first entry of each package `named`,
/// as [`super::entry_name`] reads an entry line; `None` for the lock of another tool or
/// version, which this pass does not read.
pub fn platform_code(
    lock: &str,
    text: &str,
    named: &[&str],
) -> (PlatformCode, Option<FirstEntries>) {
    if lock != LOCK {
        return (PlatformCode::Unknown(format!("{lock} does not record them")), None);
    }
    if !(2..=3).contains(&lock_version(text).unwrap_or(0)) {
        let why = format!("{lock} is not of lockfileVersion 2 or 3, which record them");
        return (PlatformCode::Unknown(why), None);
    }
    let mut found = Vec::new();
    let mut entry: Option<Entry> = None;
    let mut entries = 0;
    let mut first = vec![None; named.len()];
    for (index, line) in crate::lines::lines(text).enumerate() {
        let (trimmed, indent) = indented(line);
        // As the search reads a line holding a key: the key's package when the line begins
        // with it, else, near the top only, a name before `@`. Most lines are told apart by
        // their second byte.
        let keyed = trimmed.as_bytes().get(1) == Some(&b'n') && trimmed.starts_with(KEY);
        let key_name = keyed.then(|| keyed_name(&trimmed[KEY.len()..])).flatten();
        let name = if keyed {
            key_name
        } else if indent <= 2 && line.contains(KEY) {
            super::entry_name(line)
        } else {
            None
        };
        if let Some(name) = name
            && let Some(at) = named.iter().position(|known| *known == name)
        {
            first[at].get_or_insert(index + 1);
        }
        if indent == 4 && trimmed.starts_with('"') {
            if let Some(done) = entry.take() {
                done.judge(&mut found);
            }
            if let Some(path) = trimmed.strip_prefix('"')
                && trimmed.ends_with('{')
                && let Some(end) = path.find('"')
                && end > 0
            {
                // An installed package's key was read above, up to the same quote.
                let name = key_name.unwrap_or_else(|| installed_name(&path[..end]));
                entry = Some(Entry::new(index + 1, name));
                entries += usize::from(path.starts_with("node_modules/"));
            }
        } else if indent < 4 {
            if let Some(done) = entry.take() {
                done.judge(&mut found);
            }
        } else if indent == 6
            && let Some(current) = entry.as_mut()
        {
            // Most lines are an entry's fields: the byte after the quote tells which one the
            // line could be before any is compared whole.
            match trimmed.as_bytes().get(1) {
                Some(b'd') => current.dev |= trimmed.starts_with("\"dev\": true"),
                Some(b'h') => current.script |= trimmed.starts_with("\"hasInstallScript\": true"),
                Some(b'c') => current.cpu |= trimmed.starts_with("\"cpu\":"),
                _ => {}
            }
        }
    }
    if let Some(done) = entry.take() {
        done.judge(&mut found);
    }
    if entries == 0 {
        let why = format!("{lock} lists no installed package");
        return (PlatformCode::Unknown(why), Some(first));
    }
    (PlatformCode::Packages(found), Some(first))
}

/// The line of the first entry of each package looked for, in the order they were named
/// (`None` for a package the lock has no entry of).
pub type FirstEntries = Vec<Option<usize>>;

/// How an installed package's entry key begins, and what a search for entry lines looks for.
pub const KEY: &str = "\"node_modules/";

/// The package an entry key installs, from what follows its [`KEY`] up to its closing quote;
/// None when it has none.
pub fn keyed_name(after_key: &str) -> Option<&str> {
    let end = after_key.find('"')?;
    Some(installed_name(&after_key[..end]))
}

/// The package an entry's path installs: its part after the last `node_modules/`
/// (`node_modules/a/node_modules/b` installs `b`), or the whole path when it has none.
pub fn installed_name(path: &str) -> &str {
    const DIR: &[u8] = b"node_modules/";
    let bytes = path.as_bytes();
    let mut end = bytes.len();
    // `n` starts DIR and is nowhere else in it, so the last `n` that starts DIR starts its last
    // occurrence; paths are short, and a searcher costs more to set up than this walk.
    while let Some(at) = memchr::memrchr(b'n', &bytes[..end]) {
        if bytes[at..].starts_with(DIR) {
            return &path[at + DIR.len()..];
        }
        end = at;
    }
    path
}

/// `"lockfileVersion": N` among the first lines.
fn lock_version(text: &str) -> Option<u32> {
    let at = text.find("\"lockfileVersion\":")?;
    if at > 4096 {
        return None;
    }
    let rest = text[at + "\"lockfileVersion\":".len()..].trim_start();
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

struct Entry<'a> {
    line: usize,
    name: &'a str,
    dev: bool,
    script: bool,
    cpu: bool,
}

impl<'a> Entry<'a> {
    fn new(line: usize, name: &'a str) -> Entry<'a> {
        Entry {
            line,
            name,
            dev: false,
            script: false,
            cpu: false,
        }
    }

    /// A production entry with an install script or a per-CPU build is evidence.
    fn judge(self, found: &mut Vec<Evidence>) {
        if self.dev || !(self.script || self.cpu) {
            return;
        }
        let what = if self.script {
            "runs an install script"
        } else {
            "is built for some CPUs only"
        };
        found.push(Evidence::line(
            LOCK,
            self.line,
            format!("{} {what}", self.name),
        ));
    }
}

/// A line without its leading blanks, and how many bytes they take: the spaces a lock file
/// indents with counted byte by byte, any other blank left to [`str::trim_start`].
fn indented(line: &str) -> (&str, usize) {
    let spaces = line.bytes().take_while(|byte| *byte == b' ').count();
    match line.as_bytes().get(spaces) {
        Some(byte) if byte.is_ascii_whitespace() || !byte.is_ascii() => {
            let trimmed = line.trim_start();
            (trimmed, line.len() - trimmed.len())
        }
        _ => (&line[spaces..], spaces),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_installs_the_package_after_its_last_node_modules() {
        for (path, name) in [
            ("node_modules/express", "express"),
            ("node_modules/@img/sharp", "@img/sharp"),
            ("node_modules/a/node_modules/nan", "nan"),
            ("node_modules/node_modules/n", "n"),
            ("packages/web", "packages/web"),
            ("node_modules/", ""),
            ("", ""),
        ] {
            assert_eq!(installed_name(path), name, "{path}");
            assert_eq!(
                Some(installed_name(path)),
                path.rsplit("node_modules/").next(),
                "{path}"
            );
        }
    }

    const LOCK_TEXT: &str = r#"{
  "name": "a",
  "lockfileVersion": 3,
  "packages": {
    "": {
      "dependencies": {
        "express": "5"
      }
    },
    "node_modules/esbuild": {
      "version": "0.25.0",
      "dev": true,
      "hasInstallScript": true
    },
    "node_modules/@img/sharp-linux-x64": {
      "version": "0.34.0",
      "cpu": [
        "x64"
      ],
      "optional": true
    },
    "node_modules/express": {
      "version": "5.1.0"
    },
    "node_modules/a/node_modules/bcrypt": {
      "hasInstallScript": true,
      "version": "5.1.1"
    }
  }
}
"#;

    #[test]
    fn production_packages_with_install_scripts_or_cpus_are_named() {
        assert_eq!(
            platform_code(LOCK, LOCK_TEXT, &[]).0,
            PlatformCode::Packages(vec![
                Evidence::line(LOCK, 15, "@img/sharp-linux-x64 is built for some CPUs only"),
                Evidence::line(LOCK, 25, "bcrypt runs an install script"),
            ])
        );
    }

    #[test]
    fn dev_packages_and_plain_packages_are_the_same_everywhere() {
        let text = LOCK_TEXT.replace(
            "    \"node_modules/@img/sharp-linux-x64\": {\n      \"version\": \"0.34.0\",\n      \"cpu\": [\n        \"x64\"\n      ],\n      \"optional\": true\n    },\n",
            "",
        );
        let text = text.replace(
            "      \"hasInstallScript\": true,\n      \"version\": \"5.1.1\"",
            "      \"version\": \"5.1.1\"",
        );
        assert_eq!(platform_code(LOCK, &text, &[]).0, PlatformCode::Packages(vec![]));
    }

    #[test]
    fn workspace_members_with_install_scripts_are_named() {
        let text = LOCK_TEXT.replace(
            "    \"node_modules/express\": {",
            "    \"packages/api\": {\n      \"hasInstallScript\": true\n    },\n    \"node_modules/express\": {",
        );
        let PlatformCode::Packages(found) = platform_code(LOCK, &text, &[]).0 else {
            panic!("known");
        };
        assert_eq!(
            found[1],
            Evidence::line(LOCK, 22, "packages/api runs an install script")
        );
    }

    #[test]
    fn other_locks_and_versions_say_nothing() {
        let unknown =
            |lock: &str, text: &str| matches!(platform_code(lock, text, &[]).0, PlatformCode::Unknown(_));
        assert!(unknown("yarn.lock", LOCK_TEXT));
        let v1 = LOCK_TEXT.replace("\"lockfileVersion\": 3", "\"lockfileVersion\": 1");
        assert!(unknown(LOCK, &v1));
        let compact =
            r#"{"lockfileVersion":3,"packages":{"node_modules/bcrypt":{"hasInstallScript":true}}}"#;
        assert!(unknown(LOCK, compact));
        assert!(unknown(LOCK, "{\"lockfileVersion\": 3, \"packages\": {}}"));
    }
}

