//! Package-manager command lines that run one of the package's own scripts by name.

/// The script another script runs by name (`npm run X`, `yarn X`, `pnpm X`), with the words
/// passed on to it.
pub fn runs_script(words: &[String]) -> Option<(String, Vec<String>)> {
    let word = |i: usize| words.get(i).map(String::as_str);
    let (name, rest) = match (word(0)?, word(1)) {
        ("npm", Some("run" | "run-script")) | ("yarn" | "pnpm", Some("run")) => {
            (word(2)?, &words[3.min(words.len())..])
        }
        ("yarn" | "pnpm", Some(next))
            if !next.starts_with('-')
                && !matches!(next, "install" | "build" | "add" | "exec" | "dlx" | "workspace") =>
        {
            (next, &words[2..])
        }
        _ => return None,
    };
    let rest = match rest.first().map(String::as_str) {
        Some("--") => &rest[1..],
        _ => rest,
    };
    Some((name.to_string(), rest.to_vec()))
}
