//! Whether a `[target.X]` key of a Cargo manifest (a `cfg(...)` expression or a target triple)
//! holds for the Linux glibc targets shiplight builds (x86_64/aarch64-unknown-linux-gnu).

/// Whether `key` holds on Linux with glibc; what is not known to be false (an architecture,
/// a feature, a predicate not modelled) counts as holding.
pub fn holds_on_linux_gnu(key: &str) -> bool {
    let key = key.trim();
    match key.strip_prefix("cfg(").and_then(|rest| rest.strip_suffix(')')) {
        Some(expression) => {
            let tokens = tokens(expression);
            let mut at = 0;
            predicate(&tokens, &mut at).unwrap_or(true)
        }
        None => key.contains("-linux-gnu"),
    }
}

fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if "(),=".contains(c) {
            out.push(c.to_string());
            chars.next();
        } else if c == '"' {
            chars.next();
            let value: String = chars.by_ref().take_while(|c| *c != '"').collect();
            out.push(format!("\"{value}"));
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_alphanumeric() || c == '_' {
                    word.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            if word.is_empty() {
                chars.next();
            } else {
                out.push(word);
            }
        }
    }
    out
}

/// One predicate at `at`: `name`, `name = "value"`, `all(...)`, `any(...)` or `not(...)`;
/// `None` when the expression is not well formed.
fn predicate(tokens: &[String], at: &mut usize) -> Option<bool> {
    let name = tokens.get(*at)?.clone();
    *at += 1;
    if tokens.get(*at).map(String::as_str) == Some("(") {
        *at += 1;
        let mut values = Vec::new();
        while tokens.get(*at).map(String::as_str) != Some(")") {
            values.push(predicate(tokens, at)?);
            if tokens.get(*at).map(String::as_str) == Some(",") {
                *at += 1;
            }
        }
        *at += 1;
        return match name.as_str() {
            "all" => Some(values.iter().all(|v| *v)),
            "any" => Some(values.iter().any(|v| *v)),
            "not" => Some(!values.first().copied().unwrap_or(false)),
            _ => Some(true),
        };
    }
    if tokens.get(*at).map(String::as_str) == Some("=") {
        let value = tokens.get(*at + 1)?.strip_prefix('"')?.to_string();
        *at += 2;
        return Some(match name.as_str() {
            "target_os" => value == "linux",
            "target_env" => value == "gnu",
            "target_family" => value == "unix",
            "target_vendor" => value == "unknown",
            _ => true,
        });
    }
    Some(match name.as_str() {
        "unix" => true,
        "windows" => false,
        _ => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_gnu_keys() {
        assert!(!holds_on_linux_gnu(r#"cfg(target_env = "musl")"#));
        assert!(holds_on_linux_gnu(r#"cfg(not(target_env = "msvc"))"#));
        assert!(holds_on_linux_gnu("cfg(unix)"));
        assert!(!holds_on_linux_gnu("cfg(windows)"));
        assert!(!holds_on_linux_gnu(
            r#"cfg(all(target_os = "linux", target_env = "musl"))"#
        ));
        assert!(holds_on_linux_gnu(
            r#"cfg(any(target_os = "macos", target_os = "linux"))"#
        ));
        assert!(holds_on_linux_gnu(r#"cfg(target_arch = "x86_64")"#));
        assert!(holds_on_linux_gnu("x86_64-unknown-linux-gnu"));
        assert!(!holds_on_linux_gnu("x86_64-pc-windows-msvc"));
    }
}
