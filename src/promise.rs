//! The promises a generated Dockerfile keeps, read back from what custom templates rendered:
//! the final stage runs as a non-root user it names, and starts without a shell. shiplight's own
//! templates keep them by construction; a templates directory may not, so its output is still
//! written, with one warning per broken promise naming the template.

/// Shells an exec-form ENTRYPOINT or CMD may start, by file name.
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"];

/// The instructions of the Dockerfile's final stage, each a keyword (upper case) and its
/// arguments, with continuation lines joined and comments left out.
fn final_stage(dockerfile: &str) -> Vec<(String, String)> {
    let mut instructions: Vec<(String, String)> = Vec::new();
    let mut pending = String::new();
    for line in dockerfile.lines() {
        let trimmed = line.trim();
        if pending.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        if let Some(rest) = trimmed.strip_suffix('\\') {
            pending.push_str(rest);
            pending.push(' ');
            continue;
        }
        pending.push_str(trimmed);
        let whole = std::mem::take(&mut pending);
        let (keyword, args) = whole
            .split_once(char::is_whitespace)
            .unwrap_or((&whole, ""));
        let keyword = keyword.to_ascii_uppercase();
        if keyword == "FROM" {
            instructions.clear();
        }
        instructions.push((keyword, args.trim().to_string()));
    }
    instructions
}

/// Whether `args` of an ENTRYPOINT or CMD start a shell: shell form, or an exec form whose
/// program is a shell.
fn starts_shell(args: &str) -> bool {
    if !args.starts_with('[') {
        return !args.is_empty();
    }
    let program = serde_json::from_str::<Vec<String>>(args)
        .ok()
        .and_then(|words| words.into_iter().next());
    match program {
        Some(program) => {
            let name = program.rsplit('/').next().unwrap_or(&program);
            SHELLS.contains(&name)
        }
        None => true,
    }
}

/// Whether a USER value names root (`root`, `0`, with or without a group).
fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name.trim_start_matches('0').is_empty() && !name.is_empty()
}

/// The promises `dockerfile` breaks, one sentence each.
pub fn broken(dockerfile: &str) -> Vec<String> {
    let stage = final_stage(dockerfile);
    let mut broken = Vec::new();
    match stage.iter().rev().find(|(keyword, _)| keyword == "USER") {
        None => broken.push(
            "its final stage sets no USER, so the image runs as whatever user the base image names (shiplight's run as the numeric non-root 65532:65532)"
                .to_string(),
        ),
        Some((_, user)) if is_root(user) => broken.push(format!(
            "its final stage runs as root (USER {user}); shiplight's images run as the numeric non-root 65532:65532"
        )),
        Some(_) => {}
    }
    for (keyword, args) in &stage {
        if (keyword == "ENTRYPOINT" || keyword == "CMD") && starts_shell(args) {
            broken.push(format!(
                "its final stage starts through a shell ({keyword} {args}); shiplight's images start their program in exec form, with no shell in them"
            ));
        }
    }
    broken
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promises_read_back() {
        let good = "FROM b AS build\nUSER 0\nRUN x \\\n  y\n\nFROM r\nCOPY a /a\nUSER 65532:65532\nENTRYPOINT [\"/app\"]\nCMD [\"--port\", \"8080\"]\n";
        assert!(broken(good).is_empty(), "{:?}", broken(good));
        for (text, needle) in [
            ("FROM r\nUSER root\nENTRYPOINT [\"/app\"]\n", "USER root"),
            ("FROM r\nUSER 0:0\nENTRYPOINT [\"/app\"]\n", "USER 0:0"),
            ("FROM r\nUSER 00\nENTRYPOINT [\"/app\"]\n", "USER 00"),
            ("FROM r\nENTRYPOINT [\"/app\"]\n", "sets no USER"),
            (
                "FROM r\nUSER 65532\nENTRYPOINT [\"sh\", \"-c\", \"/app\"]\n",
                "a shell",
            ),
            (
                "FROM r\nUSER 65532\nENTRYPOINT [\"/bin/bash\"]\n",
                "a shell",
            ),
            (
                "FROM r\nUSER 65532\nCMD /app --port 80\n",
                "CMD /app --port 80",
            ),
            ("FROM r\nUSER 65532\nentrypoint /app\n", "ENTRYPOINT /app"),
        ] {
            let found = broken(text);
            assert_eq!(found.len(), 1, "{text:?}: {found:?}");
            assert!(found[0].contains(needle), "{text:?}: {found:?}");
        }
        assert_eq!(broken("FROM r\nCMD sh -c x\n").len(), 2);
    }
}
