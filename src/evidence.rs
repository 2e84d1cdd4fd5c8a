//! Evidence: where in the repository a fact was read, so every decision can point at its source.

use serde::Serialize;
use std::fmt;

/// One observation in the repository: a file, optionally a line, and what was seen there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Path relative to the project root, with `/` separators.
    pub file: String,
    /// 1-based line number, when the observation has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// What was seen, in a few words.
    pub detail: String,
}

impl Evidence {
    /// Evidence for a whole file.
    pub fn file(file: impl Into<String>, detail: impl Into<String>) -> Self {
        Evidence {
            file: file.into(),
            line: None,
            detail: detail.into(),
        }
    }

    /// Evidence for a choice in the user's settings: `key = value`.
    pub fn setting(key: &str, value: impl fmt::Display) -> Self {
        Evidence::file("settings", format!("{key} = {value}"))
    }

    /// Where it was seen: `file`, or `file:line`.
    pub fn place(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.file.clone(),
        }
    }

    /// Evidence for one line of a file.
    pub fn line(file: impl Into<String>, line: usize, detail: impl Into<String>) -> Self {
        Evidence {
            file: file.into(),
            line: Some(line),
            detail: detail.into(),
        }
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = crate::shown::line(&self.file);
        let detail = crate::shown::line(&self.detail);
        match self.line {
            Some(line) => write!(f, "{file}:{line}: {detail}"),
            None => write!(f, "{file}: {detail}"),
        }
    }
}
