//! Reading the header of a Go source file: build constraint, package clause, imports (with the
//! cgo pseudo-import `"C"`), cgo directives that pull in C++, and listen-address literals.
//! It reads only what the go command itself reads to decide how a file is built.

/// GOOS values other than linux: files named `*_GOOS.go` or constrained to one are not built.
const OTHER_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
];

/// What one Go file says about how it is built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoFile {
    /// The package clause's name, if the file has one.
    pub package: Option<String>,
    /// The `//go:build` expression, if any.
    pub constraint: Option<String>,
    /// Import paths with their lines.
    pub imports: Vec<(String, usize)>,
    /// Line of `import "C"`.
    pub cgo_import: Option<usize>,
    /// Line of a `#cgo` directive linking the C++ standard library.
    pub cxx_directive: Option<usize>,
    /// Libraries `#cgo LDFLAGS: -lNAME` directives link, with their lines.
    pub cgo_libraries: Vec<(String, usize)>,
    /// A listen-address literal such as `":8080"`, with its line.
    pub port: Option<(u16, usize)>,
    /// A health route literal such as `"/healthz"`, with its line.
    pub health: Option<(&'static str, usize)>,
}

impl GoFile {
    /// Whether a linux build includes this file, judged by its constraint.
    pub fn built_on_linux(&self) -> bool {
        let Some(constraint) = &self.constraint else {
            return true;
        };
        let expr = constraint.trim();
        if expr == "ignore" || expr.contains("!linux") {
            return false;
        }
        let single = expr.trim_matches(|c| c == '(' || c == ')');
        !OTHER_OS.contains(&single)
    }

    /// Whether the constraint offers a variant for builds without cgo (`!cgo`).
    pub fn is_no_cgo_variant(&self) -> bool {
        self.constraint
            .as_deref()
            .is_some_and(|expr| expr.replace(' ', "").contains("!cgo"))
    }
}

/// Whether a file name is built on linux by the go command (not a test, not for another OS).
pub fn is_buildable_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".go") else {
        return false;
    };
    if stem.ends_with("_test") || name.starts_with('_') || name.starts_with('.') {
        return false;
    }
    let parts: Vec<&str> = stem.split('_').collect();
    let os_suffix = |part: &str| OTHER_OS.contains(&part);
    match parts.as_slice() {
        [.., os, _arch] if os_suffix(os) => false,
        [.., os] if parts.len() > 1 && os_suffix(os) => false,
        _ => true,
    }
}

/// Reads a Go file's build-relevant header and its listen-address literals.
pub fn scan(text: &str) -> GoFile {
    let mut header = Header::default();
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.trim();
        if header.file.port.is_none() {
            header.file.port = crate::facts::listen_port(line).map(|port| (port, line_no));
        }
        if header.file.health.is_none() {
            header.file.health =
                crate::facts::health_route(line).map(|(route, _)| (route, line_no));
        }
        if !header.done {
            header.line(line, line_no);
        }
    }
    header.file
}

/// A file's header read line by line: what it says so far, whether a block comment or an
/// import block is open, and whether the header has ended.
#[derive(Default)]
struct Header {
    file: GoFile,
    in_block_comment: bool,
    in_import_block: bool,
    done: bool,
}

impl Header {
    /// Reads one trimmed line of the header: cgo directives, comments and the build
    /// constraint, then the package clause and imports.
    fn line(&mut self, line: &str, line_no: usize) {
        if line.contains("#cgo") && line.contains("LDFLAGS:") {
            for word in line.split_whitespace() {
                if let Some(name) = word.strip_prefix("-l")
                    && !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '+'))
                {
                    self.file.cgo_libraries.push((name.to_string(), line_no));
                }
            }
        }
        if !self.comment(line, line_no) {
            self.code(line, line_no);
        }
    }

    /// Whether the line is blank, a cgo directive, a comment or the `//go:build` constraint
    /// (keeping the constraint, and a directive that links C++).
    fn comment(&mut self, line: &str, line_no: usize) -> bool {
        let cxx = line.contains("#cgo") && line.contains("-lstdc++");
        if line.starts_with('#') || (line.starts_with("//") && line.contains("#cgo")) {
            if cxx {
                self.file.cxx_directive = Some(line_no);
            }
            return true;
        }
        if self.in_block_comment {
            if cxx {
                self.file.cxx_directive = Some(line_no);
            }
            if line.contains("*/") {
                self.in_block_comment = false;
            }
            return true;
        }
        if line.is_empty() {
            return true;
        }
        if let Some(expr) = line.strip_prefix("//go:build ") {
            if self.file.package.is_none() {
                self.file.constraint = Some(expr.trim().to_string());
            }
            return true;
        }
        if line.starts_with("//") {
            return true;
        }
        if line.starts_with("/*") {
            if cxx {
                self.file.cxx_directive = Some(line_no);
            }
            self.in_block_comment = !line.contains("*/");
            return true;
        }
        false
    }

    /// Reads a line of code: the package clause, then imports, single or in a block; any
    /// other line ends the header.
    fn code(&mut self, line: &str, line_no: usize) {
        if self.file.package.is_none() {
            match line.strip_prefix("package ") {
                Some(name) => {
                    let name = name.split("//").next().unwrap_or("").trim();
                    self.file.package = Some(name.trim_end_matches(';').to_string());
                }
                None => self.done = true,
            }
            return;
        }
        if self.in_import_block {
            if line.starts_with(')') {
                self.in_import_block = false;
            } else if let Some(path) = import_path(line) {
                self.file.add_import(path, line_no);
            }
            return;
        }
        let Some(rest) = line.strip_prefix("import") else {
            self.done = true;
            return;
        };
        let rest = rest.trim();
        if rest.starts_with('(') {
            self.in_import_block = true;
            let inner = rest.trim_start_matches('(').trim();
            if let Some(path) = import_path(inner) {
                self.file.add_import(path, line_no);
            }
            if inner.ends_with(')') {
                self.in_import_block = false;
            }
        } else if let Some(path) = import_path(rest) {
            self.file.add_import(path, line_no);
        }
    }
}

impl GoFile {
    fn add_import(&mut self, path: String, line: usize) {
        if path == "C" {
            self.cgo_import = Some(line);
        } else {
            self.imports.push((path, line));
        }
    }
}

/// The quoted path of one import spec (`"fmt"`, `f "fmt"`, `_ "embed"`).
fn import_path(spec: &str) -> Option<String> {
    let start = spec.find('"')?;
    let rest = &spec[start + 1..];
    let end = rest.find('"')?;
    Some(rest[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_imports_and_cgo() {
        let text = "//go:build linux\n\npackage main\n\n/*\n#cgo LDFLAGS: -lstdc++\n#include <stdio.h>\n*/\nimport \"C\"\n\nimport (\n\t\"fmt\"\n\tsql \"database/sql\"\n\t_ \"github.com/mattn/go-sqlite3\"\n)\n\nfunc main() { http.ListenAndServe(\":8080\", nil) }\n";
        let file = scan(text);
        assert_eq!(file.package.as_deref(), Some("main"));
        assert_eq!(file.constraint.as_deref(), Some("linux"));
        assert_eq!(file.cgo_import, Some(9));
        assert_eq!(file.cxx_directive, Some(6));
        let imports: Vec<_> = file.imports.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            imports,
            ["fmt", "database/sql", "github.com/mattn/go-sqlite3"]
        );
        assert_eq!(file.port, Some((8080, 17)));
        assert!(file.built_on_linux());
    }

    #[test]
    fn cgo_in_import_block() {
        let file = scan("package x\nimport (\n\t\"C\"\n\t\"os\"\n)\n");
        assert_eq!(file.cgo_import, Some(3));
    }

    #[test]
    fn constraints() {
        assert!(!scan("//go:build ignore\npackage main\n").built_on_linux());
        assert!(!scan("//go:build windows\npackage main\n").built_on_linux());
        assert!(scan("//go:build linux && amd64\npackage main\n").built_on_linux());
        assert!(scan("//go:build !cgo\npackage main\n").is_no_cgo_variant());
    }

    #[test]
    fn file_names() {
        assert!(is_buildable_name("main.go"));
        assert!(is_buildable_name("db_linux.go"));
        assert!(!is_buildable_name("main_test.go"));
        assert!(!is_buildable_name("db_windows.go"));
        assert!(!is_buildable_name("db_darwin_arm64.go"));
        assert!(!is_buildable_name("README.md"));
    }
}
