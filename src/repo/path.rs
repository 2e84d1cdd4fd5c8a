//! Paths inside a project, as text: `/`-separated, relative to the project root, `.` and `..`
//! resolved lexically. A path that is absolute or climbs above the root is refused here, before
//! anything is looked up, so no value read from a repository can name a place outside it.

use std::fmt;

/// Why a path cannot name a place inside the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Escape {
    /// It starts at the file system's root (`/etc/passwd`, `C:\x`, `~/x`).
    Absolute,
    /// Its `..` segments climb above the project root.
    Climbs,
    /// It holds a character no path in a project needs (NUL, a control character, `\`).
    Unusable,
}

impl fmt::Display for Escape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Escape::Absolute => "is an absolute path; paths from a project must stay inside it",
            Escape::Climbs => "leaves the project through `..`; paths must stay inside it",
            Escape::Unusable => {
                "holds a control character or a backslash, which no project path needs"
            }
        })
    }
}

/// The segments of `path` after resolving `.` and `..` lexically; the empty list is the root.
pub fn segments(path: &str) -> Result<Vec<&str>, Escape> {
    usable(path)?;
    let mut out: Vec<&str> = Vec::with_capacity(8);
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop().ok_or(Escape::Climbs)?;
            }
            name => out.push(name),
        }
    }
    Ok(out)
}

/// Refuses a path that is absolute or holds characters no project path needs.
fn usable(path: &str) -> Result<(), Escape> {
    if path.starts_with('/') || path.starts_with('~') || has_drive(path) {
        return Err(Escape::Absolute);
    }
    let unusable = if path.is_ascii() {
        path.bytes().any(|b| b.is_ascii_control() || b == b'\\')
    } else {
        path.chars().any(|c| c.is_control() || c == '\\')
    };
    if unusable {
        return Err(Escape::Unusable);
    }
    Ok(())
}

fn has_drive(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

/// `path` in normal form (`a/b`, or `""` for the root), refused when it leaves the project.
pub fn normalize(path: &str) -> Result<String, Escape> {
    if is_normal(path) {
        usable(path)?;
        return Ok(path.to_string());
    }
    segments(path).map(|segments| segments.join("/"))
}

/// Whether `path` is in normal form already, as most paths read are: not empty, no empty
/// segment (nor a `/` at either end), and no segment that starts with a `.` followed by
/// nothing, a `/` or another `.` (a `.` or `..` segment, or a name like `..x`, which the
/// segments decide).
fn is_normal(path: &str) -> bool {
    let bytes = path.as_bytes();
    !bytes.is_empty()
        && bytes[bytes.len() - 1] != b'/'
        && bytes.iter().enumerate().all(|(at, &byte)| {
            let starts = at == 0 || bytes[at - 1] == b'/';
            !starts
                || (byte != b'/'
                    && (byte != b'.' || !matches!(bytes.get(at + 1), None | Some(b'/' | b'.'))))
        })
}

/// A path read from a file in directory `dir` (both relative to the root), resolved against
/// `dir` and kept inside the project: `within("web", "../lib")` is `lib`, while
/// `within("web", "../../x")` and `within("web", "/etc")` are refused.
pub fn within(dir: &str, value: &str) -> Result<String, Escape> {
    usable(value)?;
    normalize(&join(dir, value))
}

/// Joins a relative directory and a name with `/`, treating `""` and `"."` as the root.
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() || dir == "." {
        name.to_string()
    } else {
        let dir = dir.trim_end_matches('/');
        let mut joined = String::with_capacity(dir.len() + 1 + name.len());
        joined.push_str(dir);
        joined.push('/');
        joined.push_str(name);
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_forms() {
        assert_eq!(normalize("./a//b/./c").as_deref(), Ok("a/b/c"));
        assert_eq!(normalize("a/../b").as_deref(), Ok("b"));
        assert_eq!(normalize(".").as_deref(), Ok(""));
        assert_eq!(normalize("a/.."), Ok(String::new()));
    }

    #[test]
    fn a_path_in_normal_form_is_kept_and_any_other_normalized() {
        for path in ["a", "a/b.c/d", "github.com/x/.github", "a/.b", "x/b.."] {
            assert!(is_normal(path), "{path}");
            assert_eq!(normalize(path).as_deref(), Ok(path));
        }
        for path in [
            "", ".", "a/", "/a", "a//b", "./a", "a/./b", "a/..", "a/../b", "..x/y",
        ] {
            assert!(!is_normal(path), "{path}");
        }
        assert_eq!(normalize("~x"), Err(Escape::Absolute));
        assert_eq!(normalize("a\\b"), Err(Escape::Unusable));
    }

    #[test]
    fn escapes_are_refused() {
        assert_eq!(normalize("../x"), Err(Escape::Climbs));
        assert_eq!(normalize("a/../../x"), Err(Escape::Climbs));
        assert_eq!(normalize("/etc/passwd"), Err(Escape::Absolute));
        assert_eq!(normalize("~/.ssh"), Err(Escape::Absolute));
        assert_eq!(normalize("C:\\x"), Err(Escape::Absolute));
        assert_eq!(normalize("a\\..\\..\\x"), Err(Escape::Unusable));
        assert_eq!(normalize("a\nb"), Err(Escape::Unusable));
    }

    #[test]
    fn values_resolve_against_their_directory() {
        assert_eq!(within("web", "../lib").as_deref(), Ok("lib"));
        assert_eq!(within("web", "./server.js").as_deref(), Ok("web/server.js"));
        assert_eq!(within("web", "../../x"), Err(Escape::Climbs));
        assert_eq!(within("", "../x"), Err(Escape::Climbs));
        assert_eq!(within("web", "/etc/passwd"), Err(Escape::Absolute));
    }
}
