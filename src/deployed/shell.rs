//! Command lines as a POSIX shell would split them, without running anything: words, the
//! simple commands of a line (`a && b; c | d`), and the program a launcher starts.

/// A simple command: the `VAR=value` assignments in front of it, and its words.
pub type Command = (Vec<(String, String)>, Vec<String>);

/// The words of a shell line; `None` when its quotes do not balance. Comments are dropped.
pub fn words(line: &str) -> Option<Vec<String>> {
    let line = match line.find(" #") {
        Some(at) if !line[..at].contains(['"', '\'']) => &line[..at],
        _ => line,
    };
    shlex::split(line)
}

/// The simple commands of a line, split at `&&`, `||`, `;` and `|`, each as its leading
/// `VAR=value` assignments and its words.
pub fn commands(line: &str) -> Vec<Command> {
    let Some(words) = words(line) else {
        return Vec::new();
    };
    let mut commands = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for word in words {
        match word.as_str() {
            "&&" | "||" | ";" | "|" => commands.push(std::mem::take(&mut current)),
            _ => match word.strip_suffix(';') {
                Some(stripped) => {
                    current.push(stripped.to_string());
                    commands.push(std::mem::take(&mut current));
                }
                None => current.push(word),
            },
        }
    }
    commands.push(current);
    commands
        .into_iter()
        .map(assignments)
        .filter(|(_, argv)| !argv.is_empty())
        .collect()
}

/// The last simple command of a line that starts a program, leading `then`/`else`/`do` taken
/// off.
pub fn last_program(line: &str) -> Option<Command> {
    last_program_of(commands(line))
}

/// [`last_program`] of a line's [`commands`], split already.
pub fn last_program_of(commands: Vec<Command>) -> Option<Command> {
    commands
        .into_iter()
        .map(|(env, argv)| {
            let skip = argv
                .iter()
                .take_while(|w| matches!(w.as_str(), "then" | "else" | "do" | "{" | "("))
                .count();
            (env, argv[skip..].to_vec())
        })
        .rfind(|(_, argv)| argv.first().is_some_and(|first| is_program(first)))
}

/// The `VAR=value` words in front of a command, and the command.
fn assignments(argv: Vec<String>) -> Command {
    let mut env = Vec::new();
    let mut rest = argv.into_iter().peekable();
    while let Some(word) = rest.peek() {
        match assignment(word) {
            Some(pair) => {
                env.push(pair);
                rest.next();
            }
            None => break,
        }
    }
    (env, rest.collect())
}

/// `NAME=value` as a pair, when `word` is an assignment.
pub fn assignment(word: &str) -> Option<(String, String)> {
    let (name, value) = word.split_once('=')?;
    let ok = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then(|| (name.to_string(), value.to_string()))
}

/// Shell keywords and builtins, which start no program of the project's.
const NOT_PROGRAMS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "[",
    "[[", "test", "echo", "printf", "set", "export", "cd", ":", "true", "false", "ulimit", "umask",
    "trap", "wait", "sleep", "source", ".", "{", "}", "(", ")", "!", "unset", "shift", "local",
    "read", "return", "exit",
];

/// Whether a command's first word starts a program (not a shell keyword or builtin).
pub fn is_program(word: &str) -> bool {
    !NOT_PROGRAMS.contains(&word) && !word.starts_with('-') && !is_redirection(word)
}

/// Whether a word is a redirection (`>file`, `2>&1`, `3>/dev/null`, `<in`).
fn is_redirection(word: &str) -> bool {
    word.trim_start_matches(|c: char| c.is_ascii_digit())
        .starts_with(['>', '<'])
}

/// The words of a command as the shell would pass them: variables of `env` expanded,
/// `${NAME:-default}` given its default, a word that is only an unset variable dropped (the
/// shell drops it too), `$@`-like words replaced by `args`, redirections dropped.
pub fn expanded(words: &[String], env: &[(String, String)], args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for word in words {
        if matches!(word.as_str(), "$@" | "$*" | "${@}" | "${*}")
            || (word.starts_with("${") && word.ends_with("[@]}"))
        {
            out.extend(args.iter().cloned());
            continue;
        }
        if is_redirection(word) {
            continue;
        }
        let word = expand(word, env);
        match lone_variable(&word) {
            Some(Some(default)) => out.push(default.to_string()),
            Some(None) => {}
            None => out.push(word),
        }
    }
    out
}

/// `$NAME` and `${NAME}` replaced from `env` (others left as they are).
pub fn expand(word: &str, env: &[(String, String)]) -> String {
    if !word.contains('$') {
        return word.to_string();
    }
    let mut out = word.to_string();
    for (name, value) in env.iter().rev() {
        if !out.contains('$') {
            break;
        }
        if !out.contains(name.as_str()) {
            continue;
        }
        out = out.replace(&format!("${{{name}}}"), value);
        if !value.contains('$') {
            out = out.replace(&format!("${name}"), value);
        }
    }
    out
}

/// When `word` is one variable reference and nothing else: `Some(Some(default))` for
/// `${NAME:-default}`, `Some(None)` for the others (their value is unknown here).
fn lone_variable(word: &str) -> Option<Option<&str>> {
    if let Some(inner) = word.strip_prefix("${").and_then(|w| w.strip_suffix('}')) {
        let name_end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        if name_end == 0 || inner.matches('{').count() != inner.matches('}').count() {
            return None;
        }
        return Some(
            inner[name_end..]
                .strip_prefix(":-")
                .filter(|d| !d.is_empty() && !d.contains('$')),
        );
    }
    let name = word.strip_prefix('$')?;
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(None)
}

/// Launchers that start the program after them: an init, a user switch, `exec`, `env`, a
/// shell's `-c` line. Returns the variables set on the way and the program's own words; a
/// `sh -c` line of several commands gives its last one, the one left running.
pub fn launched(argv: &[String]) -> (Vec<(String, String)>, Vec<String>) {
    let mut env = Vec::new();
    let mut argv: Vec<String> = argv.to_vec();
    for _ in 0..8 {
        let Some(first) = argv.first() else {
            break;
        };
        let skip = match super::base_name(first) {
            "exec" | "nohup" => 1,
            "tini" | "dumb-init" | "catatonit" | "tini-static" => {
                let mut at = 1;
                while argv.get(at).is_some_and(|word| word.starts_with('-')) {
                    let dashes = argv[at] == "--";
                    at += 1;
                    if dashes {
                        break;
                    }
                }
                at
            }
            "gosu" | "su-exec" | "chpst" => 2,
            "env" => {
                let mut at = 1;
                while let Some(word) = argv.get(at) {
                    if word.starts_with('-') {
                        at += 1;
                    } else if let Some(pair) = assignment(word) {
                        env.push(pair);
                        at += 1;
                    } else {
                        break;
                    }
                }
                at
            }
            "sh" | "bash" | "ash" | "dash" if argv.get(1).is_some_and(|w| !w.starts_with('-')) => 1,
            "sh" | "bash" | "ash" | "dash"
                if argv
                    .get(1)
                    .is_some_and(|flag| flag == "-c" || flag == "-ec" || flag == "-ce") =>
            {
                let Some(line) = argv.get(2) else {
                    break;
                };
                let Some((assigned, last)) = last_program(line) else {
                    break;
                };
                env.extend(assigned);
                argv = last;
                continue;
            }
            _ => break,
        };
        argv.drain(..skip.min(argv.len()));
        let (assigned, rest) = assignments(argv);
        env.extend(assigned);
        argv = rest;
    }
    (env, argv)
}
