//! Where a TypeScript build writes the file a start script runs: tsconfig's `outDir`, and the
//! layout under it. Without `rootDir`, tsc mirrors the common directory of the files it
//! compiles, so one TypeScript file outside `src/` (a `prisma.config.ts` at the root) moves
//! `src/main.ts` from `dist/main.js` to `dist/src/main.js`.

use crate::evidence::Evidence;
use crate::repo::{self, Repo};

/// The most bytes of a tsconfig file read.
const CONFIG_CAP: u64 = 256 * 1024;

/// How many directories below the root are searched for a TypeScript file outside `src/`.
const DEPTH: usize = 3;

/// Where the build script `build` of the package in `dir` writes `path` (relative to the
/// package), when it names a file under tsconfig's `outDir` that the build mirrors below
/// `src/`; with the tsconfig evidence that says so.
pub fn built_path(repo: &Repo, dir: &str, build: &str, path: &str) -> Option<(String, Evidence)> {
    let at = |rel: &str| repo::join(dir, rel);
    if repo.is_file(&at(path)) {
        return None;
    }
    let nest = build.contains("nest build");
    let config = if nest && repo.is_file(&at("tsconfig.build.json")) {
        "tsconfig.build.json"
    } else if nest || build.split_whitespace().any(|w| w == "tsc") {
        "tsconfig.json"
    } else {
        return None;
    };
    let options = Options::read(repo, dir, config)?;
    if options.root_dir {
        return None;
    }
    let out = options.out_dir.trim_start_matches("./").trim_end_matches('/');
    let rest = path.strip_prefix(out)?.strip_prefix('/')?;
    if rest.starts_with("src/") {
        return None;
    }
    let stem = rest.strip_suffix(".js").unwrap_or(rest);
    let source = format!("src/{stem}.ts");
    if !repo.is_file(&at(&source)) {
        return None;
    }
    let outside = options.outside_src(repo, dir, out)?;
    let moved = format!("{out}/src/{stem}.js");
    let evidence = Evidence::file(
        at(&options.file),
        format!(
            "no rootDir, and {outside} lies outside src/: the build mirrors the package's directories, writing {source} to {moved}"
        ),
    );
    Some((moved, evidence))
}

/// The compiler options and inputs of a tsconfig file (one `extends` followed).
struct Options {
    file: String,
    out_dir: String,
    root_dir: bool,
    include: Option<Vec<String>>,
    exclude: Vec<String>,
}

impl Options {
    /// The options of `config` in `dir`, merged over those of the file it extends.
    fn read(repo: &Repo, dir: &str, config: &str) -> Option<Options> {
        let json = read_json(repo, &repo::join(dir, config))?;
        let base = json
            .get("extends")
            .and_then(serde_json::Value::as_str)
            .filter(|e| e.starts_with("./") && e.ends_with(".json") && !e.contains(".."))
            .and_then(|e| read_json(repo, &repo::join(dir, e.trim_start_matches("./"))));
        let option = |name: &str| {
            [Some(&json), base.as_ref()]
                .into_iter()
                .flatten()
                .find_map(|j| j.get("compilerOptions")?.get(name)?.as_str().map(str::to_string))
        };
        let list = |name: &str| {
            [Some(&json), base.as_ref()]
                .into_iter()
                .flatten()
                .find_map(|j| j.get(name)?.as_array().cloned())
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect::<Vec<_>>()
                })
        };
        Some(Options {
            file: config.to_string(),
            out_dir: option("outDir")?,
            root_dir: option("rootDir").is_some(),
            include: list("include"),
            exclude: list("exclude").unwrap_or_default(),
        })
    }

    /// A TypeScript file the build compiles outside `src/`, relative to `dir`: at the root, or
    /// in a directory below it that neither `exclude` nor the defaults leave out.
    fn outside_src(&self, repo: &Repo, dir: &str, out: &str) -> Option<String> {
        if let Some(include) = &self.include
            && include
                .iter()
                .all(|p| p == "src" || p.starts_with("src/") || p.ends_with(".d.ts"))
        {
            return None;
        }
        let excluded = |name: &str| {
            name == "src"
                || name == out
                || name == "node_modules"
                || name.starts_with('.')
                || self.exclude.iter().any(|e| {
                    let e = e.trim_start_matches("./").trim_end_matches("/**").trim_end_matches('/');
                    e == name
                })
        };
        let compiled = |name: &str| {
            [".ts", ".tsx", ".mts", ".cts"].iter().any(|x| name.ends_with(x))
                && ![".d.ts", ".d.mts", ".d.cts"].iter().any(|x| name.ends_with(x))
                && !self.exclude.iter().any(|e| {
                    e.strip_prefix("**/*").is_some_and(|suffix| name.ends_with(suffix))
                })
        };
        let mut stack: Vec<(String, usize)> = vec![(dir.to_string(), 0)];
        while let Some((at, depth)) = stack.pop() {
            for name in repo.list_dir(&at, |_, _| true) {
                if depth == 0 && excluded(&name) {
                    continue;
                }
                let path = repo::join(&at, &name);
                if repo.is_file(&path) {
                    if compiled(&name) {
                        return Some(path.strip_prefix(dir).unwrap_or(&path).trim_start_matches('/').to_string());
                    }
                } else if depth + 1 < DEPTH && name != "node_modules" {
                    stack.push((path, depth + 1));
                }
            }
        }
        None
    }
}

/// A tsconfig file as JSON: comments and trailing commas, which tsc accepts, taken out.
fn read_json(repo: &Repo, file: &str) -> Option<serde_json::Value> {
    let text = repo.read_text(file, CONFIG_CAP).ok()??;
    serde_json::from_str(&plain_json(&text)).ok()
}

/// `text` without `//` and `/* */` comments and without commas before a closing bracket,
/// strings left as they are.
fn plain_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    let mut comma = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                out.extend(chars.next());
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('/', Some('/')) => {
                for next in chars.by_ref() {
                    if next == '\n' {
                        break;
                    }
                }
                out.push('\n');
            }
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for next in chars.by_ref() {
                    if last == '*' && next == '/' {
                        break;
                    }
                    last = next;
                }
                out.push(' ');
            }
            (',', _) => comma = true,
            (c, _) if c.is_whitespace() => out.push(c),
            (c, _) => {
                if comma && !matches!(c, ']' | '}') {
                    out.push(',');
                }
                comma = false;
                in_string = c == '"';
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_trailing_commas_are_taken_out() {
        let text = "{\n  // outDir\n  \"a\": \"x // y\", /* b */\n  \"c\": [1, 2,],\n}";
        let json: serde_json::Value = serde_json::from_str(&plain_json(text)).unwrap();
        assert_eq!(json["a"], "x // y");
        assert_eq!(json["c"], serde_json::json!([1, 2]));
    }
}
