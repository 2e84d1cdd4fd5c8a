//! Command lines as a POSIX shell would split them, without running anything: words, the
//! simple commands of a line (`a && b; c | d`), and the program a launcher starts.

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
pub fn commands(line: &str) -> Vec<(Vec<(String, String)>, Vec<String>)> {
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

/// The `VAR=value` words in front of a command, and the command.
fn assignments(argv: Vec<String>) -> (Vec<(String, String)>, Vec<String>) {
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
            "sh" | "bash" | "ash" | "dash"
                if argv
                    .get(1)
                    .is_some_and(|flag| flag == "-c" || flag == "-ec" || flag == "-ce") =>
            {
                let Some(line) = argv.get(2) else {
                    break;
                };
                let Some((assigned, last)) = commands(line).pop() else {
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
