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

/// Quoted database driver names whose modules build without cgo but work only with it.
pub const DRIVER_NAMES: &[&str] = &["\"sqlite3\""];

/// What one Go file says about how it is built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoFile {
    /// The package clause's name, if the file has one.
    pub package: Option<String>,
    /// The `//go:build` expression, if any.
    pub constraint: Option<String>,
    /// Import paths with their lines.
    pub imports: Imports,
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
    /// `//go:embed` patterns with their lines.
    pub embeds: Vec<(String, usize)>,
    /// Line of a string literal naming a database driver, such as `"sqlite3"`.
    pub drivers: Vec<(String, usize)>,
}

/// The import paths of a file, in order, held in one string rather than a string each: a file
/// imports dozens, and a program's packages are hundreds of files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imports {
    /// The paths, one after another.
    paths: String,
    /// Each import: where its path ends in `paths`, its line, and whether it is imported only
    /// for its side effects (`_ "path"`).
    items: Vec<(usize, usize, bool)>,
}

/// Bytes of import paths a file's list starts with room for: a file of a program imports a
/// dozen or two paths of 10 to 40 bytes, so most lists never grow.
const IMPORTS_ROOM: usize = 512;

impl Imports {
    fn push(&mut self, path: &str, line: usize, blank: bool) {
        if self.items.is_empty() {
            self.paths.reserve(IMPORTS_ROOM);
            self.items.reserve(IMPORTS_ROOM / 16);
        }
        self.paths.push_str(path);
        self.items.push((self.paths.len(), line, blank));
    }

    /// Gives back the room the list was started with and did not use: a program's files are
    /// hundreds, and what they leave unused is memory the run touches for nothing.
    fn shrink(&mut self) {
        self.paths.shrink_to_fit();
        self.items.shrink_to_fit();
    }

    /// The import paths with their lines, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, usize)> {
        self.spans().map(|(path, line, _)| (path, line))
    }

    /// Whether `path` is imported only for its side effects.
    pub fn blank(&self, path: &str) -> bool {
        self.spans().any(|(known, _, blank)| blank && known == path)
    }

    fn spans(&self) -> impl Iterator<Item = (&str, usize, bool)> {
        let mut start = 0;
        self.items.iter().map(move |&(end, line, blank)| {
            let path = &self.paths[start..end];
            start = end;
            (path, line, blank)
        })
    }
}

impl GoFile {
    /// Whether a linux build (amd64 or arm64, with or without cgo, no custom tags) includes
    /// this file, judged by its constraint.
    pub fn built_on_linux(&self) -> bool {
        self.built(true) || self.built(false)
    }

    /// Whether the file is built only when cgo is on: its constraint needs `cgo`, or it
    /// imports "C" (the go command leaves such files out of a CGO_ENABLED=0 build).
    pub fn needs_cgo(&self) -> bool {
        self.built(true) && (!self.built(false) || self.cgo_import.is_some())
    }

    /// Whether the constraint offers a variant for builds without cgo (`!cgo`): built without
    /// cgo and not with it.
    pub fn is_no_cgo_variant(&self) -> bool {
        self.built(false) && !self.built(true)
    }

    /// Whether a linux/amd64 or linux/arm64 build with cgo on or off includes the file.
    fn built(&self, cgo: bool) -> bool {
        let Some(constraint) = &self.constraint else {
            return true;
        };
        ["amd64", "arm64"]
            .iter()
            .any(|arch| constraint::holds(constraint, &|tag| tag_set(tag, arch, cgo)))
    }
}

/// Whether a build tag is set for a default linux build on `arch`: the OS, `unix`, the
/// architecture, the `gc` compiler, release tags `go1.N`, and `cgo` as asked; a custom tag
/// (`tools`, `integration`, `ignore`) is not set.
fn tag_set(tag: &str, arch: &str, cgo: bool) -> bool {
    match tag {
        "linux" | "unix" | "gc" => true,
        "cgo" => cgo,
        _ if tag == arch => true,
        _ => tag
            .strip_prefix("go1.")
            .is_some_and(|minor| minor.chars().all(|c| c.is_ascii_digit())),
    }
}

/// Evaluating a `//go:build` expression: `!`, `&&`, `||` and parentheses over tags.
mod constraint {
    /// Whether `expr` holds when `set` says which tags are set; a malformed expression holds
    /// (the file is read rather than dropped).
    pub fn holds(expr: &str, set: &dyn Fn(&str) -> bool) -> bool {
        let tokens = tokens(expr);
        let mut parser = Parser {
            tokens: &tokens,
            at: 0,
            set,
        };
        match parser.or() {
            Some(value) if parser.at == tokens.len() => value,
            _ => true,
        }
    }

    fn tokens(expr: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut chars = expr.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '!' | '(' | ')' => out.push(c.to_string()),
                '&' | '|' => {
                    if chars.peek() == Some(&c) {
                        chars.next();
                    }
                    out.push(format!("{c}{c}"));
                }
                c if c.is_whitespace() => {}
                c => {
                    let mut word = c.to_string();
                    while let Some(&next) = chars.peek() {
                        if next.is_alphanumeric() || next == '_' || next == '.' {
                            word.push(next);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    out.push(word);
                }
            }
        }
        out
    }

    struct Parser<'a> {
        tokens: &'a [String],
        at: usize,
        set: &'a dyn Fn(&str) -> bool,
    }

    impl Parser<'_> {
        fn peek(&self) -> Option<&str> {
            self.tokens.get(self.at).map(String::as_str)
        }

        fn or(&mut self) -> Option<bool> {
            let mut value = self.and()?;
            while self.peek() == Some("||") {
                self.at += 1;
                value |= self.and()?;
            }
            Some(value)
        }

        fn and(&mut self) -> Option<bool> {
            let mut value = self.not()?;
            while self.peek() == Some("&&") {
                self.at += 1;
                value &= self.not()?;
            }
            Some(value)
        }

        fn not(&mut self) -> Option<bool> {
            let token = self.peek()?.to_string();
            self.at += 1;
            match token.as_str() {
                "!" => self.not().map(|value| !value),
                "(" => {
                    let value = self.or()?;
                    if self.peek() != Some(")") {
                        return None;
                    }
                    self.at += 1;
                    Some(value)
                }
                ")" | "&&" | "||" => None,
                tag => Some((self.set)(tag)),
            }
        }
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
    let mut parts = stem.rsplit('_');
    let last = parts.next().unwrap_or(stem);
    match parts.next() {
        Some(before) => !OTHER_OS.contains(&before) && !OTHER_OS.contains(&last),
        None => true,
    }
}

/// Reads a Go file's build-relevant header and its listen-address literals. A generated file
/// (`// Code generated ... DO NOT EDIT.` above its package clause, the go command's convention)
/// is read up to the end of its header: its literals name no port, route or driver of the
/// program.
pub fn scan(text: &str) -> GoFile {
    let (mut file, generated_at) = header(text);
    file.body(&text[..generated_at.unwrap_or(text.len())]);
    file
}

/// Whether the first part of a longer file is all [`scan`] needs of it: the part of a generated
/// file whose header ends on a whole line in it (what follows the header is not read).
pub fn part_is_enough(part: &str) -> bool {
    let (header, end, generated_at) = read_header(part, false);
    generated_at.is_some() && header.done && part[..end].ends_with('\n')
}

/// Reads only a Go file's header: build constraint, package clause, imports and cgo directives.
pub fn scan_header(text: &str) -> GoFile {
    header(text).0
}

/// A file's header, and where a generated file's `// Code generated ... DO NOT EDIT.` line
/// starts. The header is read again looking for cgo directives only when its lines hold one.
fn header(text: &str) -> (GoFile, Option<usize>) {
    let (header, end, generated_at) = read_header(text, false);
    let mut file = if holds(&text[..end], "#cgo") {
        read_header(text, true).0.file
    } else {
        header.file
    };
    file.imports.shrink();
    (file, generated_at)
}

/// The header of `text` read line by line (cgo directives looked for when `cgo`), where its
/// lines end, and where a generated file's header line starts.
fn read_header(text: &str, cgo: bool) -> (Header, usize, Option<usize>) {
    let mut header = Header::new(cgo);
    let mut generated_at = None;
    let mut at = 0;
    for (index, raw) in crate::lines::inclusive(text).enumerate() {
        let line = raw.trim_ascii();
        if generated_at.is_none()
            && header.file.package.is_none()
            && line.starts_with("// Code generated ")
            && line.ends_with("DO NOT EDIT.")
        {
            generated_at = Some(at);
        }
        header.line(line, index + 1);
        at += raw.len();
        if header.done {
            break;
        }
    }
    (header, at, generated_at)
}

/// The lines of `text` that hold `needle`, in order, each once, trimmed, with their numbers.
fn lines_holding<'t>(
    text: &'t str,
    needle: &'static str,
) -> impl Iterator<Item = (&'t str, usize)> + 't {
    crate::lines::lines_at(text, 1, finder(needle).find_iter(text.as_bytes()))
}

/// Whether `text` holds `needle`.
fn holds(text: &str, needle: &'static str) -> bool {
    finder(needle).find(text.as_bytes()).is_some()
}

/// The strings every Go file is searched for, beside [`DRIVER_NAMES`].
const NEEDLES: &[&str] = &["#cgo", "/health", "//go:embed "];

/// The search for `needle`, one of [`NEEDLES`] or [`DRIVER_NAMES`], built once for the run:
/// building one took longer than searching a small file with it.
fn finder(needle: &'static str) -> &'static memchr::memmem::Finder<'static> {
    type Finders = Vec<(&'static str, memchr::memmem::Finder<'static>)>;
    static FINDERS: std::sync::LazyLock<Finders> = std::sync::LazyLock::new(|| {
        NEEDLES
            .iter()
            .chain(DRIVER_NAMES)
            .map(|needle| (*needle, memchr::memmem::Finder::new(needle)))
            .collect()
    });
    FINDERS
        .iter()
        .find(|(known, _)| *known == needle)
        .map(|(_, finder)| finder)
        .expect("every string searched for is in NEEDLES or DRIVER_NAMES")
}

/// The lines of `text` that hold a colon before a digit, with their numbers.
fn lines_with_colon_digit(text: &str) -> impl Iterator<Item = (&str, usize)> {
    let bytes = text.as_bytes();
    let colons = memchr::memchr_iter(b':', bytes)
        .filter(|at| bytes.get(at + 1).is_some_and(u8::is_ascii_digit));
    crate::lines::lines_at(text, 1, colons)
}

impl GoFile {
    /// Reads a file's text for listen addresses, health routes, embed patterns and driver
    /// names, the first of each found, looking only at the lines that can hold one: a listen
    /// address has a colon before a digit, every health route holds `/health`, and only a file
    /// that imports "embed" can hold a `//go:embed` directive (the go command refuses one
    /// elsewhere).
    fn body(&mut self, text: &str) {
        if self.port.is_none() {
            self.port = lines_with_colon_digit(text)
                .find_map(|(line, no)| crate::facts::listen_port(line).map(|port| (port, no)));
        }
        if self.health.is_none() && holds(text, "/health") {
            self.health = lines_holding(text, "/health").find_map(|(line, no)| {
                health_quoted(line)
                    .then(|| crate::facts::health_route(line).map(|(route, _)| (route, no)))
                    .flatten()
            });
        }
        if self.imports.iter().any(|(path, _)| path == "embed") && holds(text, "//go:embed ") {
            for (line, no) in lines_holding(text, "//go:embed ") {
                self.embed_line(line, no);
            }
        }
        let mut drivers: Vec<(usize, usize)> = DRIVER_NAMES
            .iter()
            .enumerate()
            .filter(|(_, driver)| holds(text, driver))
            .filter_map(|(at, driver)| Some((lines_holding(text, driver).next()?.1, at)))
            .collect();
        drivers.sort();
        for (no, at) in drivers {
            self.add_driver(DRIVER_NAMES[at], no);
        }
    }

    fn embed_line(&mut self, line: &str, line_no: usize) {
        if let Some(patterns) = line.strip_prefix("//go:embed ") {
            self.embeds.extend(
                patterns
                    .split_whitespace()
                    .map(|pattern| (pattern.trim_matches('"').to_string(), line_no)),
            );
        }
    }

    fn add_driver(&mut self, driver: &str, line_no: usize) {
        if !self.drivers.iter().any(|(d, _)| d == driver) {
            self.drivers.push((driver.to_string(), line_no));
        }
    }
}

/// Whether a line quotes a path: a health route can only be in such a line.
fn health_quoted(line: &str) -> bool {
    ["\"/", "`/", "'/"].iter().any(|q| line.contains(q))
}

/// A file's header read line by line: what it says so far, whether a block comment or an
/// import block is open, and whether the header has ended.
struct Header {
    file: GoFile,
    /// Whether lines are looked at for `#cgo` directives.
    cgo: bool,
    in_block_comment: bool,
    in_import_block: bool,
    done: bool,
}

impl Header {
    /// A header before its first line is read, looking for cgo directives when `cgo`.
    fn new(cgo: bool) -> Header {
        Header {
            file: GoFile::default(),
            cgo,
            in_block_comment: false,
            in_import_block: false,
            done: false,
        }
    }

    /// Reads one trimmed line of the header: cgo directives, comments and the build
    /// constraint, then the package clause and imports.
    fn line(&mut self, line: &str, line_no: usize) {
        if self.cgo && line.contains("#cgo") && line.contains("LDFLAGS:") {
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
        let cgo = self.cgo && line.contains("#cgo");
        let cxx = cgo && line.contains("-lstdc++");
        if line.starts_with('#') || (line.starts_with("//") && cgo) {
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
                self.file.add_import(path, line_no, blank(line));
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
                self.file.add_import(path, line_no, false);
            }
            if inner.ends_with(')') {
                self.in_import_block = false;
            }
        } else if let Some(path) = import_path(rest) {
            self.file.add_import(path, line_no, blank(rest));
        }
    }
}

impl GoFile {
    fn add_import(&mut self, path: &str, line: usize, blank: bool) {
        if path == "C" {
            self.cgo_import = Some(line);
        } else {
            self.imports.push(path, line, blank);
        }
    }
}

/// The quoted path of one import spec (`"fmt"`, `f "fmt"`, `_ "embed"`).
fn import_path(spec: &str) -> Option<&str> {
    let start = memchr::memchr(b'"', spec.as_bytes())?;
    let rest = &spec[start + 1..];
    let end = memchr::memchr(b'"', rest.as_bytes())?;
    Some(&rest[..end])
}

/// Whether an import spec imports its package only for its side effects (`_ "path"`).
fn blank(spec: &str) -> bool {
    spec.starts_with("_ ") || spec.starts_with("_\t")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_header_read_whole_is_enough() {
        let generated = "// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage pb\n\nimport (\n\t\"fmt\"\n)\n\nvar x = \":8080\"\nfunc f() {}\n";
        let end = generated.find("func").unwrap();
        assert!(part_is_enough(&generated[..end + 2]), "the header ended on a whole line");
        assert_eq!(scan(&generated[..end + 2]), scan(generated));
        let var = generated.find("var").unwrap();
        assert!(!part_is_enough(&generated[..var - 4]), "the import block is not closed yet");
        assert!(!part_is_enough(&generated[..var + 2]), "the line ending the header is cut");
        let written = generated.replace("Code generated", "Written");
        assert!(!part_is_enough(&written), "a file not generated is read for its literals");
    }

    #[test]
    fn reads_imports_and_cgo() {
        let text = "//go:build linux\n\npackage main\n\n/*\n#cgo LDFLAGS: -lstdc++\n#include <stdio.h>\n*/\nimport \"C\"\n\nimport (\n\t\"fmt\"\n\tsql \"database/sql\"\n\t_ \"github.com/mattn/go-sqlite3\"\n)\n\nfunc main() { http.ListenAndServe(\":8080\", nil) }\n";
        let file = scan(text);
        assert_eq!(file.package.as_deref(), Some("main"));
        assert_eq!(file.constraint.as_deref(), Some("linux"));
        assert_eq!(file.cgo_import, Some(9));
        assert_eq!(file.cxx_directive, Some(6));
        let imports: Vec<_> = file.imports.iter().map(|(p, _)| p).collect();
        assert_eq!(
            imports,
            ["fmt", "database/sql", "github.com/mattn/go-sqlite3"]
        );
        assert!(file.imports.blank("github.com/mattn/go-sqlite3"));
        assert!(!file.imports.blank("fmt"));
        assert_eq!(file.port, Some((8080, 17)));
        assert!(file.built_on_linux());
    }

    #[test]
    fn generated_files_end_at_their_header() {
        let text = "// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage api\n\nimport \"fmt\"\n\nvar addr = \":9090\"\n";
        let file = scan(text);
        assert_eq!(file.package.as_deref(), Some("api"));
        assert_eq!(file.imports.iter().count(), 1);
        assert_eq!(file.port, None);
    }

    #[test]
    fn the_body_is_read_where_it_can_hold_something() {
        let text = "package main\r\n\r\nimport _ \"embed\"\r\n\r\nvar x = map[string]int{\"a\": 1}\r\n\r\n//go:embed web/dist\r\nvar ui embed.FS\r\n\r\nfunc main() {\r\n\tsql.Open(\"sqlite3\", \"db\")\r\n\thttp.HandleFunc(\"/healthz\", ok)\r\n\thttp.ListenAndServe(\"0.0.0.0:8080\", nil)\r\n}\r\n";
        let file = scan(text);
        assert_eq!(file.embeds, [("web/dist".to_string(), 7)]);
        assert_eq!(file.drivers, [("\"sqlite3\"".to_string(), 11)]);
        assert_eq!(file.health, Some(("/healthz", 12)));
        assert_eq!(file.port, Some((8080, 13)));
    }

    #[test]
    fn only_a_file_importing_embed_holds_embed_directives() {
        let text = "package ui\n\nimport \"os\"\n\n//go:embed dist\nvar fs embed.FS\n";
        assert_eq!(scan(text).embeds, []);
        let text = text.replace("\"os\"", "(\n\t\"os\"\n\t_ \"embed\"\n)");
        assert_eq!(scan(&text).embeds, [("dist".to_string(), 8)]);
    }

    #[test]
    fn driver_names_are_quoted() {
        assert!(DRIVER_NAMES.iter().all(|name| name.starts_with('"')));
    }

    #[test]
    fn embed_patterns() {
        let file = scan("package ui\n\nimport \"embed\"\n\n//go:embed all:build dist/*\nvar fs embed.FS\n");
        assert_eq!(
            file.embeds,
            [("all:build".to_string(), 5), ("dist/*".to_string(), 5)]
        );
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
        assert!(!scan("//go:build tools\npackage main\n").built_on_linux());
        assert!(!scan("//go:build !linux\npackage main\n").built_on_linux());
        assert!(scan("//go:build (linux || darwin) && !386\npackage x\n").built_on_linux());
        assert!(scan("//go:build go1.21\npackage x\n").built_on_linux());
        assert!(scan("//go:build cgo && linux\npackage x\n").needs_cgo());
        assert!(!scan("//go:build !cgo || !linux\npackage x\n").needs_cgo());
        assert!(scan("package x\nimport \"C\"\n").needs_cgo());
        assert!(!scan("//go:build cgo\npackage x\n").is_no_cgo_variant());
    }

    #[test]
    fn file_names() {
        assert!(is_buildable_name("main.go"));
        assert!(is_buildable_name("db_linux.go"));
        assert!(!is_buildable_name("main_test.go"));
        assert!(!is_buildable_name("db_windows.go"));
        assert!(!is_buildable_name("db_darwin_arm64.go"));
        assert!(!is_buildable_name("x_y_windows_amd64.go"));
        assert!(is_buildable_name("windows.go"));
        assert!(is_buildable_name("db_linux_amd64.go"));
        assert!(!is_buildable_name("README.md"));
    }
}
