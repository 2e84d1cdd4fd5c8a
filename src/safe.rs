//! Checks for values read from a repository or given as flags before they may reach generated
//! files: each context allows a small, explicit alphabet, and anything else is refused with the
//! file and field it came from. Nothing is escaped into shape; it is accepted or refused.

use crate::facts::DetectError;

/// The value when `ok`, else a refusal naming the file, field and what the context allows.
pub fn accept(
    ok: bool,
    file: &str,
    field: &str,
    value: &str,
    allowed: &str,
) -> Result<String, DetectError> {
    if ok {
        Ok(value.to_string())
    } else {
        Err(DetectError::Unsafe {
            file: file.to_string(),
            line: None,
            field: field.to_string(),
            value: value.to_string(),
            allowed: allowed.to_string(),
        })
    }
}

/// The path of an HTTP request the health check makes: `/` then URL path characters only
/// (letters, digits, `/ . _ - ~`), so it can sit in a URL inside any generated command.
pub fn url_path(value: &str) -> Result<String, String> {
    let ok = value.starts_with('/')
        && value.len() <= 256
        && !value.contains("//")
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '~'));
    if ok {
        Ok(value.to_string())
    } else {
        Err(format!(
            "health path {value:?} cannot be used: a path starting with / of letters, digits and / . _ - ~"
        ))
    }
}

/// A file or binary name: letters, digits, `.`, `_`, `-`, starting with a letter or digit.
pub fn name(file: &str, field: &str, value: &str) -> Result<String, DetectError> {
    let ok = !value.is_empty()
        && value.len() <= 128
        && value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    accept(
        ok,
        file,
        field,
        value,
        "names use letters, digits, '.', '_' and '-', and start with a letter or digit",
    )
}

/// A relative path inside the project: segments that are names, joined by `/`, no `..`, and no
/// segment starting with `-`, so the path can never be read as a command-line option.
pub fn relative_path(file: &str, field: &str, value: &str) -> Result<String, DetectError> {
    let trimmed = value.trim_start_matches("./");
    let ok = value.len() <= 512
        && (trimmed.is_empty()
            || trimmed.split('/').all(|segment| {
                !segment.is_empty()
                    && segment != ".."
                    && !segment.starts_with('-')
                    && segment
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            }));
    accept(
        ok,
        file,
        field,
        value,
        "a path inside the project made of names with letters, digits, '.', '_' and '-', none starting with '-'",
    )
}

/// A version: digits separated by dots, optionally followed by letters and digits (`1.27rc1`).
pub fn version(file: &str, field: &str, value: &str) -> Result<String, DetectError> {
    let ok = !value.is_empty()
        && value.len() <= 32
        && value.chars().next().is_some_and(|c| c.is_ascii_digit())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
        && !value.contains("..");
    accept(ok, file, field, value, "a version such as 1.26 or 1.90.0")
}

/// An npm package name: `name` or `@scope/name`, lower-case letters, digits, `.`, `_`, `-`, `~`,
/// never starting with `.`, `_` or `-` (so it cannot be read as an option of npm or yarn).
pub fn package_name(file: &str, field: &str, value: &str) -> Result<String, DetectError> {
    let part = |s: &str| {
        !s.is_empty()
            && s.len() <= 214
            && s.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '~')
            })
            && !s.starts_with(['.', '_', '-'])
    };
    let ok = match value.strip_prefix('@') {
        Some(scoped) => scoped
            .split_once('/')
            .is_some_and(|(scope, name)| part(scope) && part(name)),
        None => part(value),
    };
    accept(
        ok,
        file,
        field,
        value,
        "an npm package name such as api or @acme/api",
    )
}

/// A Debian package name, as `build-packages` takes it (see [`crate::system::package_name`]).
pub fn debian_package(file: &str, field: &str, value: &str) -> Result<String, DetectError> {
    accept(
        crate::system::package_name(field, value).is_ok(),
        file,
        field,
        value,
        "a Debian package name: lowercase letters, digits and + - . only, at least two characters, starting with a letter or digit",
    )
}

/// A command-line word for an exec-form array: letters, digits and `-_.=:/@,+`, no spaces,
/// quotes, variables or shell operators.
pub fn argument(file: &str, field: &str, value: &str) -> Result<String, DetectError> {
    let ok = !value.is_empty()
        && value.len() <= 256
        && value.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '-' | '_' | '.' | '=' | ':' | '/' | '@' | ',' | '+')
        });
    accept(
        ok,
        file,
        field,
        value,
        "a word of letters, digits and -_.=:/@,+",
    )
}

/// An image name for the example `docker build -t` line: lower-case letters, digits, `.`, `_`, `-`.
pub fn image_name(value: &str) -> String {
    let cleaned: String = value
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    if cleaned.is_empty() {
        "app".to_string()
    } else {
        cleaned.to_string()
    }
}

/// A bake target name from an image or directory name, in buildx's alphabet for target names
/// (`^[a-zA-Z0-9_-]+$`): lower-case, every other character `-` (`web.app` is `web-app`), no `-`
/// or `_` at either end (it also tags an image), `app` when nothing is left.
pub fn bake_target(value: &str) -> String {
    let mapped: String = value
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = mapped.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    if trimmed.is_empty() {
        "app".to_string()
    } else {
        trimmed.to_string()
    }
}

/// A version or an SPDX licence expression for an OCI label, written between double quotes:
/// letters, digits and `. _ + -` (a licence also spaces, `( ) :`), starting with a letter or
/// digit, at most 128 characters; `None` when the value has anything else (a quote, `$`, a
/// newline, a Maven `${revision}`).
pub fn label_value(value: &str, licence: bool) -> Option<String> {
    let ok = value.len() <= 128
        && value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && value.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '.' | '_' | '+' | '-')
                || (licence && matches!(c, ' ' | '(' | ')' | ':'))
        });
    ok.then(|| value.to_string())
}

/// Text for a `#` comment line: control characters (newlines above all), bidirectional
/// overrides, zero-width and tag characters and line separators are shown escaped, so the text
/// can never end the comment, start an instruction, or read differently from what it is.
pub fn comment(value: &str) -> String {
    crate::shown::line(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values() {
        assert_eq!(
            label_value("1.2.3-rc.1+build5", false).as_deref(),
            Some("1.2.3-rc.1+build5")
        );
        assert_eq!(
            label_value("MIT OR Apache-2.0", true).as_deref(),
            Some("MIT OR Apache-2.0")
        );
        assert_eq!(label_value("MIT OR Apache-2.0", false), None);
        assert_eq!(label_value("${revision}", false), None);
        assert_eq!(label_value("1.0\" \\\nRUN x", false), None);
        assert_eq!(label_value("MIT\"", true), None);
        assert_eq!(label_value("", true), None);
    }

    #[test]
    fn names() {
        assert!(name("f", "bin", "api-server_2.x").is_ok());
        for bad in ["", "-x", "a b", "a\"b", "a\nRUN x", "a/b", "$(id)", "é"] {
            assert!(name("f", "bin", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn paths() {
        assert!(relative_path("f", "p", "./cmd/api").is_ok());
        assert!(relative_path("f", "p", ".").is_ok());
        for bad in [
            "../x",
            "/etc",
            "cmd//x",
            "cmd/a b",
            "cmd/$x",
            "a\nb",
            "-pl",
            "a/--offline",
        ] {
            assert!(relative_path("f", "p", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn versions_and_images() {
        assert!(version("f", "v", "1.27rc1").is_ok());
        assert!(version("f", "v", "1.26;x").is_err());
        assert_eq!(image_name("My_Api"), "my_api");
        assert_eq!(image_name("--"), "app");
        assert_eq!(bake_target("web.app"), "web-app");
        assert_eq!(bake_target("_My.Api_"), "my-api");
        assert_eq!(bake_target("..."), "app");
        assert_eq!(comment("a\nRUN evil\r"), "a\\u000aRUN evil\\u000d");
        assert_eq!(comment("x\u{202e}y\u{2029}"), "x\\u202ey\\u2029");
        assert_eq!(comment("a\u{e0041}\u{206b}"), "a\\udb40\\udc41\\u206b");
    }
}
