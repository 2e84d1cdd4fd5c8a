//! The user's own commands and environment: `start` (the command the image runs), `build`
//! (commands run in the build stage after the dependency step) and `env` (variables the
//! runtime stage sets). Each value keeps the source that set it, so `explain` can say "set by".
//! Commands are argument lists, never shell text: a string is split into words here (quotes and
//! backslashes as a POSIX shell reads them), and anything that needs a shell to mean what it
//! says (pipes, `&&`, `;`, redirections, `$VAR`, globs, backticks, `sh -c`) is refused with the
//! reason, because the runtime has no shell and the words reach the Dockerfile only as
//! exec-form JSON arrays.

use serde::Serialize;
use std::collections::BTreeMap;

pub mod steps;

/// A value with the source that set it (`--start`, `shiplight.toml`, `SHIPLIGHT_START`);
/// serialized as the value alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Set<T> {
    pub value: T,
    pub by: String,
}

impl<T: Serialize> Serialize for Set<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// The `start`, `build` and `env` settings of one source, or merged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Commands {
    /// The command the image runs, as words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Set<Vec<String>>>,
    /// Commands run in the build stage after the dependency step, each as words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build: Option<Set<Vec<Vec<String>>>>,
    /// Variables the runtime stage sets, merged key by key across sources.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, Set<String>>,
    /// The files of the project the start command's words name, as found (paths from the root),
    /// so a stack can tell a script of the project from a word.
    #[serde(skip)]
    pub found: std::collections::BTreeSet<String>,
}

impl Commands {
    /// These settings with every one `other` sets taken from `other` (`env` key by key).
    pub fn overlay(self, other: Commands) -> Commands {
        let mut env = self.env;
        env.extend(other.env);
        Commands {
            start: other.start.or(self.start),
            build: other.build.or(self.build),
            env,
            found: self.found.into_iter().chain(other.found).collect(),
        }
    }

    /// These settings with every value marked as set by `by`.
    pub fn set_by(mut self, by: &str) -> Commands {
        if let Some(start) = &mut self.start {
            start.by = by.to_string();
        }
        if let Some(build) = &mut self.build {
            build.by = by.to_string();
        }
        for value in self.env.values_mut() {
            value.by = by.to_string();
        }
        self
    }

    /// Whether no command or variable is set.
    pub fn is_empty(&self) -> bool {
        self.start.is_none() && self.build.is_none() && self.env.is_empty()
    }

    /// The variables for the plan, in key order.
    pub fn env_pairs(&self) -> Vec<(String, String)> {
        self.env
            .iter()
            .map(|(key, value)| (key.clone(), value.value.clone()))
            .collect()
    }

    /// The build commands, if any.
    pub fn build_commands(&self) -> Vec<Vec<String>> {
        self.build
            .as_ref()
            .map(|build| build.value.clone())
            .unwrap_or_default()
    }
}

/// The files the start command's words name in the project, each looked for from the root and
/// from each directory of `dirs`.
pub fn files_found(
    repo: &crate::repo::Repo,
    commands: &Commands,
    dirs: &[String],
) -> std::collections::BTreeSet<String> {
    let Some(start) = &commands.start else {
        return Default::default();
    };
    let mut found = std::collections::BTreeSet::new();
    for word in &start.value {
        let Ok(word) = crate::repo::normalize(word.trim_start_matches("./")) else {
            continue;
        };
        for dir in std::iter::once("").chain(dirs.iter().map(String::as_str)) {
            let path = crate::repo::join(dir, &word);
            if !word.is_empty() && repo.exists(&path) {
                found.insert(path);
            }
        }
    }
    found
}

/// How a refusal for want of an entry point begins; the wizard asks for `start` on it.
pub const NO_ENTRY: &str = "no entry point found";

/// Most words in one command, and longest word.
const MAX_WORDS: usize = 64;
const MAX_WORD: usize = 1024;

/// Words with a program that only a shell runs its argument as a script with.
const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"];

/// Shell operators that, as a whole word, chain, pipe, redirect or background commands.
const OPERATORS: &[&str] = &[
    "|", "||", "&", "&&", ";", ";;", "<", ">", ">>", "<<", "<<<", "2>", "2>&1", ">&", "&>", "(",
    ")", "!",
];

/// The reason a command needs a shell (the runtime has none), if it does.
fn needs_shell_reason(words: &[String]) -> Option<String> {
    let program = words.first()?;
    let base = program.rsplit('/').next().unwrap_or(program);
    if SHELLS.contains(&base) {
        return Some(format!("it runs `{base}`, a shell"));
    }
    for word in words {
        if OPERATORS.contains(&word.as_str()) {
            return Some(format!("`{word}` is a shell operator"));
        }
        if word.contains('$') {
            return Some(format!(
                "`{word}` expands a variable, which only a shell does"
            ));
        }
        if word.contains('`') {
            return Some(format!("`{word}` holds a backtick command substitution"));
        }
    }
    None
}

/// The refusal of a command that needs a shell.
fn shell_refusal(key: &str, reason: &str) -> String {
    format!(
        "`{key}` needs a shell ({reason}), and the image runs it in exec form with no shell (the runtime has none): give the program and its arguments as words, and set variables with `env`"
    )
}

/// Splits a command line into words as a POSIX shell would quote them, refusing what only a
/// shell gives meaning to: an unquoted operator character (`| & ; < > ( )`), a glob (`* ? [`)
/// or `~` outside quotes, `$` and backticks anywhere but inside single quotes.
pub fn split(key: &str, text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    let shell = |reason: String| Err(shell_refusal(key, &reason));
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(format!("`{key}` has an unclosed single quote")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(format!("`{key}` has an unclosed double quote")),
                        },
                        Some('$') => {
                            return shell("`$` inside double quotes expands a variable".into());
                        }
                        Some('`') => return shell("a backtick command substitution".into()),
                        Some(c) => word.push(c),
                        None => return Err(format!("`{key}` has an unclosed double quote")),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(c) => word.push(c),
                    None => return Err(format!("`{key}` ends with a backslash")),
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '|' | '&' | ';' | '<' | '>' | '(' | ')' => {
                return shell(format!("`{c}` is a shell operator"));
            }
            '*' | '?' | '[' => return shell(format!("`{c}` is a glob a shell expands")),
            '~' if !in_word => return shell("`~` is a home directory a shell expands".into()),
            '$' => return shell("`$` expands a variable".into()),
            '`' => return shell("a backtick command substitution".into()),
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Checks a command's words: at least one, none with control characters, not too many or too
/// long, and nothing only a shell gives meaning to.
pub fn command(key: &str, words: Vec<String>) -> Result<Vec<String>, String> {
    if words.is_empty() || words[0].is_empty() {
        return Err(format!("`{key}` must name a program"));
    }
    if words.len() > MAX_WORDS {
        return Err(format!("`{key}` has more than {MAX_WORDS} words"));
    }
    if let Some(word) = words
        .iter()
        .find(|word| word.len() > MAX_WORD || word.chars().any(char::is_control))
    {
        return Err(format!(
            "`{key}`: the word {:?} is longer than {MAX_WORD} bytes or holds a control character (a newline, a tab)",
            crate::shown::line(word)
        ));
    }
    if let Some(reason) = needs_shell_reason(&words) {
        return Err(shell_refusal(key, &reason));
    }
    Ok(words)
}

/// A command from a TOML value: a string (split into words) or an array of strings.
pub fn command_toml(key: &str, value: &toml::Value) -> Result<Vec<String>, String> {
    match value {
        toml::Value::String(text) => command(key, split(key, text)?),
        toml::Value::Array(items) => command(
            key,
            items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| format!("`{key}` must be a string or an array of strings"))
                })
                .collect::<Result<_, _>>()?,
        ),
        _ => Err(format!("`{key}` must be a string or an array of strings")),
    }
}

/// Build commands from a TOML value: one command (a string), or an array whose items are
/// commands (each a string or an array of strings).
pub fn build_toml(key: &str, value: &toml::Value) -> Result<Vec<Vec<String>>, String> {
    match value {
        toml::Value::String(_) => Ok(vec![command_toml(key, value)?]),
        toml::Value::Array(items) if !items.is_empty() => {
            items.iter().map(|item| command_toml(key, item)).collect()
        }
        _ => Err(format!(
            "`{key}` must be a command (a string) or an array of commands (each a string or an array of strings)"
        )),
    }
}

/// Build commands from text: one command per line.
pub fn build_text(key: &str, text: &str) -> Result<Vec<Vec<String>>, String> {
    let commands: Vec<Vec<String>> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| command(key, split(key, line)?))
        .collect::<Result<_, _>>()?;
    if commands.is_empty() {
        return Err(format!("`{key}` must name at least one command"));
    }
    Ok(commands)
}

/// A variable name: a letter or `_`, then letters, digits and `_`.
pub fn env_key(key: &str) -> Result<String, String> {
    let ok = key.len() <= 128
        && key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(key.to_string())
    } else {
        Err(format!(
            "env: {:?} is not a variable name (a letter or _, then letters, digits and _)",
            crate::shown::line(key)
        ))
    }
}

/// Parts of a variable name that say its value is a credential.
const SECRET_NAMES: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
];

/// A value that cannot be a credential whatever its name: a number or a boolean.
fn plainly_not_secret(value: &str) -> bool {
    (!value.is_empty() && value.chars().all(|c| c.is_ascii_digit()))
        || matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | ""
        )
}

/// Shannon entropy of `text` in bits per character.
fn entropy(text: &str) -> f64 {
    let mut counts: BTreeMap<char, usize> = BTreeMap::new();
    for c in text.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let len = text.chars().count() as f64;
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// Why a variable looks like it carries a secret, if it does: its name says so (and its value
/// is not a plain number or boolean), its value is a URL with a password (`user:pass@`), or a
/// run of it looks generated (at least 20 letters and digits mixing upper case, lower case and
/// digits at 4 bits of entropy per character or more, or 32 hexadecimal digits or more).
pub fn secret_reason(key: &str, value: &str) -> Option<String> {
    let upper = key.to_ascii_uppercase();
    if let Some(part) = SECRET_NAMES.iter().find(|part| upper.contains(*part))
        && !plainly_not_secret(value)
    {
        return Some(format!("its name holds {part}"));
    }
    if let Some((_, rest)) = value.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && userinfo
                .split_once(':')
                .is_some_and(|(_, pass)| !pass.is_empty())
        {
            return Some("its value is a URL with a password (user:pass@)".to_string());
        }
    }
    let generated = value
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '=' | '_' | '-')))
        .find(|run| {
            let mixed = run.chars().any(|c| c.is_ascii_uppercase())
                && run.chars().any(|c| c.is_ascii_lowercase())
                && run.chars().any(|c| c.is_ascii_digit());
            let hex = run.len() >= 32
                && run.chars().all(|c| c.is_ascii_hexdigit())
                && run.chars().any(|c| c.is_ascii_digit())
                && run.chars().any(|c| c.is_ascii_alphabetic());
            (run.len() >= 20 && mixed && entropy(run) >= 4.0) || hex
        });
    generated.map(|run| {
        format!(
            "its value holds a string that looks generated, like a key ({}...)",
            &run[..6]
        )
    })
}

/// A variable checked for the runtime stage: a name, a value of printable characters other than
/// `"`, `\` and `$` (written between double quotes, where the Dockerfile would read those), and
/// nothing that looks like a secret.
pub fn env_pair(key: &str, value: &str) -> Result<(String, String), String> {
    let key = env_key(key)?;
    let ok = value.len() <= 1024
        && value
            .chars()
            .all(|c| (' '..='~').contains(&c) && !matches!(c, '"' | '\\' | '$'));
    if !ok {
        return Err(format!(
            "env: {key} = {:?} cannot be written: printable ASCII without \" \\ or $, at most 1024 bytes",
            crate::shown::line(value)
        ));
    }
    if let Some(reason) = secret_reason(&key, value) {
        return Err(format!(
            "env: {key} looks like a secret ({reason}), and a value set in the image is readable by anyone who pulls it (docker history, docker inspect). Pass secrets at run time: docker run -e {key} or --env-file FILE"
        ));
    }
    Ok((key, value.to_string()))
}

/// Variables from a TOML table of strings (numbers and booleans as written).
pub fn env_toml(value: &toml::Value) -> Result<BTreeMap<String, String>, String> {
    let table = value
        .as_table()
        .ok_or_else(|| "`env` must be a table of NAME = \"value\"".to_string())?;
    table
        .iter()
        .map(|(key, value)| {
            let text = match value {
                toml::Value::String(text) => text.clone(),
                toml::Value::Integer(n) => n.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                _ => {
                    return Err(format!("env.{} must be a string", crate::shown::line(key)));
                }
            };
            env_pair(key, &text)
        })
        .collect()
}

/// Variables from text: `NAME=value` pairs separated by commas (a value holding a comma is
/// given in shiplight.toml or with `--env`).
pub fn env_text(text: &str) -> Result<BTreeMap<String, String>, String> {
    text.split(',')
        .filter(|pair| !pair.trim().is_empty())
        .map(env_assignment)
        .collect()
}

/// One `NAME=value` assignment.
pub fn env_assignment(pair: &str) -> Result<(String, String), String> {
    let (key, value) = pair
        .split_once('=')
        .ok_or_else(|| format!("env: {:?} is not NAME=value", crate::shown::line(pair)))?;
    env_pair(key.trim(), value)
}

/// The words of a command as one line for messages and the trace.
pub fn shown(words: &[String]) -> String {
    words
        .iter()
        .map(|word| {
            if !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.=:/@,+%".contains(c))
            {
                word.clone()
            } else {
                format!("'{}'", word.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The port a start command names: the value of `--port`/`-p`, or the port of a
/// `HOST:PORT` bind (`--bind 0.0.0.0:8000`, `-b :8000`, `--listen=0.0.0.0:8000`).
pub fn start_port(words: &[String]) -> Option<u16> {
    let port = |text: &str| text.parse::<u16>().ok().filter(|p| *p > 0);
    for (at, word) in words.iter().enumerate().skip(1) {
        let (flag, inline) = match word.split_once('=') {
            Some((flag, value)) if flag.starts_with('-') => (flag, Some(value)),
            _ => (word.as_str(), None),
        };
        let value = inline.or_else(|| words.get(at + 1).map(String::as_str));
        match flag {
            "--port" | "-p" => {
                if let Some(found) = value.and_then(port) {
                    return Some(found);
                }
            }
            "--bind" | "-b" | "--listen" | "--host" | "--http" | "--addr" => {
                if let Some(found) = value
                    .and_then(|v| v.rsplit_once(':'))
                    .and_then(|(_, p)| port(p))
                {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Result<Vec<String>, String> {
        split("start", text).and_then(|w| command("start", w))
    }

    #[test]
    fn splits_like_a_shell_without_one() {
        assert_eq!(
            words("gunicorn 'pkg.web:make_app()' -b 0.0.0.0:8000").unwrap(),
            ["gunicorn", "pkg.web:make_app()", "-b", "0.0.0.0:8000"]
        );
        assert_eq!(
            words(r#"app --greeting "hello world" it\'s"#).unwrap(),
            ["app", "--greeting", "hello world", "it's"]
        );
        assert_eq!(
            words("uvicorn --forwarded-allow-ips '*' a:b").unwrap()[2],
            "*"
        );
        for refused in [
            "app | tee log",
            "migrate && serve",
            "app; other",
            "app > out",
            "app $PORT",
            "app \"$PORT\"",
            "app `id`",
            "app *.conf",
            "sh -c 'app'",
            "/bin/bash run.sh",
            "app ~/conf",
        ] {
            let err = words(refused).unwrap_err();
            assert!(err.contains("needs a shell"), "{refused}: {err}");
        }
        assert!(words("app 'open").unwrap_err().contains("unclosed"));
        assert!(
            command("start", vec!["app".into(), "&&".into()])
                .unwrap_err()
                .contains("shell operator")
        );
    }

    #[test]
    fn secrets_are_recognised_by_name_url_and_shape() {
        assert!(env_pair("DB_PASSWORD", "hunter2").is_err());
        assert!(env_pair("TOKEN_TTL", "3600").is_ok());
        assert!(env_pair("DATABASE_URL", "postgres://app:s3cret@db/app").is_err());
        assert!(env_pair("DATABASE_URL", "postgres://app@db/app").is_ok());
        assert!(env_pair("STRIPE", "sk_live_4eC39HqLyjWDarjtT1zdp7dc").is_err());
        assert!(env_pair("COMMIT", "0123456789abcdef0123456789abcdef").is_err());
        assert!(env_pair("APP_MODULE", "service.web.application_factory_v2").is_ok());
        assert!(env_pair("GREETING", "hello, world").is_ok());
        assert!(env_pair("X", "a$b").is_err());
        assert!(env_pair("1X", "a").is_err());
    }

    #[test]
    fn ports_come_from_binds_and_port_flags() {
        let w = |t: &str| words(t).unwrap();
        assert_eq!(start_port(&w("gunicorn a:b -b 0.0.0.0:8000")), Some(8000));
        assert_eq!(start_port(&w("uvicorn a:b --port=9000")), Some(9000));
        assert_eq!(
            start_port(&w("waitress-serve '--listen=*:8080' a:b")),
            Some(8080)
        );
        assert_eq!(start_port(&w("app serve")), None);
    }
}
