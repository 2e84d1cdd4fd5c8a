//! The variables `verify` gives the application's containers: `--env KEY=VALUE` and
//! `--env-file FILE`, checked here and handed to the engine's `run` as options, so they reach
//! the running process and never the image.

use std::path::{Path, PathBuf};

/// The engine's `run` options for `pairs` (`--env KEY=VALUE`) and `files` (`--env-file FILE`):
/// a key of letters, digits and `_` not starting with a digit, a value without a newline or
/// NUL; a file that exists, as a regular file, at a UTF-8 path. A refusal names the flag.
pub fn options(pairs: &[String], files: &[PathBuf]) -> Result<Vec<String>, String> {
    let mut options = Vec::new();
    for pair in pairs {
        options.push("--env".to_string());
        options.push(pair_checked(pair)?);
    }
    for file in files {
        options.push("--env-file".to_string());
        options.push(file_checked(file)?);
    }
    Ok(options)
}

fn pair_checked(pair: &str) -> Result<String, String> {
    let shown = crate::shown::line(pair);
    let Some((key, value)) = pair.split_once('=') else {
        return Err(format!(
            "--env {shown}: expected KEY=VALUE (the value may be empty)"
        ));
    };
    let key_ok = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !key_ok {
        return Err(format!(
            "--env {shown}: the name must be letters, digits and _, not starting with a digit"
        ));
    }
    if value.contains(['\n', '\r', '\0']) {
        return Err(format!(
            "--env {}: the value holds a line break or NUL, which the engine cannot pass; use --env-file",
            crate::shown::line(key)
        ));
    }
    Ok(pair.to_string())
}

fn file_checked(file: &Path) -> Result<String, String> {
    let shown = crate::shown::line(&file.display().to_string());
    if !file.is_file() {
        return Err(format!(
            "--env-file {shown}: no such file (a file of KEY=VALUE lines)"
        ));
    }
    let absolute =
        std::fs::canonicalize(file).map_err(|err| format!("--env-file {shown}: {err}"))?;
    absolute
        .to_str()
        .map(str::to_string)
        .ok_or_else(|| format!("--env-file {shown}: the path is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_and_files_become_run_options() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("app.env");
        std::fs::write(&file, "GREETING=hello\n").unwrap();
        let options = options(
            &["APP_MODE=test".to_string(), "EMPTY=".to_string()],
            std::slice::from_ref(&file),
        )
        .unwrap();
        let real = std::fs::canonicalize(&file).unwrap();
        assert_eq!(
            options,
            [
                "--env",
                "APP_MODE=test",
                "--env",
                "EMPTY=",
                "--env-file",
                real.to_str().unwrap()
            ]
        );
    }

    #[test]
    fn bad_pairs_and_missing_files_are_refused_naming_the_flag() {
        for (pair, why) in [
            ("NOVALUE", "expected KEY=VALUE"),
            ("1X=a", "not starting with a digit"),
            ("A-B=a", "letters, digits and _"),
            ("A=x\ny", "line break"),
        ] {
            let err = options(&[pair.to_string()], &[]).unwrap_err();
            assert!(err.starts_with("--env "), "{err}");
            assert!(err.contains(why), "{pair:?}: {err}");
            assert!(!err.contains('\n'), "{err:?}");
        }
        let err = options(&[], &[PathBuf::from("/nonexistent/app.env")]).unwrap_err();
        assert!(
            err.contains("--env-file") && err.contains("no such file"),
            "{err}"
        );
    }
}
