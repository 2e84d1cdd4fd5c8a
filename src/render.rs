//! Rendering: the plan through minijinja templates embedded in the binary, or overridden by path
//! from a templates directory. Undefined variables are errors, blocks are trimmed, and the
//! output is byte-for-byte deterministic. A template error names the template's file and line.

use crate::plan::Plan;
use crate::repo::{self, Repo};
use crate::settings::Place;
use crate::stack::Stack;
use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

mod ahead;
pub use ahead::{compile_ahead, expect};

/// The `templates/` folder, embedded whole: a template's id is its path under it (a stack's
/// templates are in the folder named after it).
static TEMPLATES: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The embedded template `id`.
pub fn template(id: &str) -> Option<&'static str> {
    let by_id = by_id();
    let at = by_id
        .binary_search_by(|(known, _)| known.as_str().cmp(id))
        .ok()?;
    by_id[at].1.contents_utf8()
}

/// Every embedded file with its id, sorted by id ([`embedded_files`]), listed once.
fn by_id() -> &'static [(String, &'static include_dir::File<'static>)] {
    static BY_ID: OnceLock<Vec<(String, &'static include_dir::File<'static>)>> = OnceLock::new();
    BY_ID.get_or_init(embedded_files)
}

/// Every embedded file with its id (its path under `templates/`, `/`-separated), sorted by id.
fn embedded_files() -> Vec<(String, &'static include_dir::File<'static>)> {
    fn walk(
        dir: &'static include_dir::Dir<'static>,
        out: &mut Vec<(String, &'static include_dir::File<'static>)>,
    ) {
        for file in dir.files() {
            out.push((file.path().to_string_lossy().replace('\\', "/"), file));
        }
        for sub in dir.dirs() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&TEMPLATES, &mut out);
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Every embedded template as (id, text), sorted by id.
fn all_templates() -> Vec<(String, &'static str)> {
    by_id()
        .iter()
        .filter(|(_, file)| file.path().extension().is_some_and(|ext| ext == "j2"))
        .filter_map(|(id, file)| Some((id.clone(), file.contents_utf8()?)))
        .collect()
}

/// Largest template file read from a templates directory.
const TEMPLATE_CAP: u64 = 1 << 20;

/// A generated file: its path relative to the directory it is written into, and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub name: String,
    pub contents: String,
}

/// A template failed to load or render; the message names the template's file and line.
#[derive(Debug, thiserror::Error)]
#[error("template {template}: {message}")]
pub struct RenderError {
    pub template: String,
    pub message: String,
    /// The template came from the user's templates directory (an input problem, exit 2).
    pub custom: bool,
}

/// The templates in use: the embedded set, with overrides by path from a directory.
pub struct Templates {
    /// The process's embedded environment ([`embedded_environment`]), or one of its own when a
    /// templates directory overrides some.
    env: Cow<'static, Environment<'static>>,
    /// Template id -> the file it was read from, for the overridden ones.
    files: BTreeMap<String, PathBuf>,
}

/// The environment every rendering starts from: strict about undefined variables, blocks
/// trimmed, the `compose_literal` filter, and the embedded templates loaded by id.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("default delimiters are valid"),
    );
    env.add_filter("compose_literal", compose_literal);
    // Embedded templates are compiled when first used: compiling all of them took most of
    // a run's instructions. A directory's templates are compiled at once, so a mistake in
    // one is reported with its file even when this plan does not use it.
    env.set_loader(|id| Ok(template(id).map(str::to_string)));
    env
}

/// The environment of the embedded templates, one per process: a template compiled once, by a
/// rendering or ahead of one ([`compile_ahead`]), is compiled for every rendering after it.
fn embedded_environment() -> &'static Environment<'static> {
    static EMBEDDED: OnceLock<Environment<'static>> = OnceLock::new();
    EMBEDDED.get_or_init(environment)
}

/// Template ids of a stack's Dockerfile and .dockerignore.
pub fn stack_templates(stack: Stack) -> [String; 2] {
    [
        format!("{}/Dockerfile.j2", stack.name()),
        format!("{}/dockerignore.j2", stack.name()),
    ]
}

impl Templates {
    /// The embedded templates, each overridden by `dir/<id>` when that file exists. Other `.j2`
    /// files in `dir` are available to `include` too.
    pub fn load(dir: Option<&Place>) -> Result<Templates, RenderError> {
        let Some(dir) = dir else {
            return Ok(Templates {
                env: Cow::Borrowed(embedded_environment()),
                files: BTreeMap::new(),
            });
        };
        let mut env = environment();
        let mut files = BTreeMap::new();
        for (id, path, text) in custom_files(dir)? {
            files.insert(id.clone(), path);
            env.add_template_owned(id.clone(), text)
                .map_err(|err| error(&files, &id, &err))?;
        }
        Ok(Templates {
            env: Cow::Owned(env),
            files,
        })
    }

    /// The files a templates directory put in place of the embedded templates, by id.
    pub fn overrides(&self) -> &BTreeMap<String, PathBuf> {
        &self.files
    }

    fn has(&self, id: &str) -> bool {
        self.env.get_template(id).is_ok()
    }

    /// Renders template `id` with `context`.
    pub fn render(&self, id: &str, context: &Value) -> Result<String, RenderError> {
        let template = self
            .env
            .get_template(id)
            .map_err(|err| error(&self.files, id, &err))?;
        template
            .render(context.clone())
            .map_err(|err| error(&self.files, err.name().unwrap_or(id), &err))
    }
}

/// The `compose_literal` filter: a value for compose.yaml with every `$` written `$$`, so Compose
/// passes it on as written instead of interpolating a variable (a health check's `$s` stays
/// `$s`). Lists are mapped item by item; other values are kept.
fn compose_literal(value: Value) -> Result<Value, minijinja::Error> {
    if let Some(text) = value.as_str() {
        return Ok(Value::from(text.replace('$', "$$")));
    }
    if matches!(
        value.kind(),
        minijinja::value::ValueKind::Seq | minijinja::value::ValueKind::Iterable
    ) {
        return value
            .try_iter()?
            .map(compose_literal)
            .collect::<Result<Vec<Value>, _>>()
            .map(Value::from);
    }
    Ok(value)
}

fn embedded_name(id: &str) -> String {
    format!("templates/{id} (embedded)")
}

/// The `.j2` files under the templates directory by template id, with their paths and text:
/// a bounded walk through the directory's own boundary (links inside it followed, nothing
/// outside it read, each file capped).
fn custom_files(dir: &Place) -> Result<Vec<(String, PathBuf, String)>, RenderError> {
    let shown = dir.path();
    let fail = |template: &Path, message: String| RenderError {
        custom: true,
        template: template.display().to_string(),
        message,
    };
    let repo = match dir {
        Place::Project { root, rel } => Repo::new(root)
            .sub(rel)
            .map_err(|err| fail(&shown, err.cause))?,
        Place::Anywhere(path) => Repo::new(path),
    };
    if !repo.is_dir("") {
        return Err(fail(
            &shown,
            "the templates directory does not exist; `shiplight templates export DIR` writes one to start from".to_string(),
        ));
    }
    let mut found = Vec::new();
    let mut pending = vec![(String::new(), 0usize)];
    while let Some((current, depth)) = pending.pop() {
        for name in repo.list_dir(&current, |_, kind| kind.is_dir() || kind.is_file()) {
            let rel = repo::join(&current, &name);
            if repo.is_dir(&rel) {
                if depth < 3 {
                    pending.push((rel, depth + 1));
                }
            } else if name.ends_with(".j2") {
                let path = shown.join(&rel);
                let text = repo
                    .read_text(&rel, TEMPLATE_CAP)
                    .map_err(|err| fail(&path, err.cause))?
                    .unwrap_or_default();
                found.push((rel, path, text));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The embedded templates as files named by id, for `templates export`.
pub fn embedded() -> Vec<Output> {
    all_templates()
        .into_iter()
        .map(|(id, source)| Output {
            name: id,
            contents: source.to_string(),
        })
        .collect()
}

/// The bake file's name.
pub const BAKE_FILE: &str = "docker-bake.hcl";

/// One target of docker-bake.hcl: a service's image (or the named stage of one), built from
/// its context for the platforms its plan can cross-compile for.
#[derive(Debug, Clone, Serialize)]
pub struct BakeTarget {
    /// The target's name, of buildx's alphabet (letters, digits, `_`, `-`).
    pub name: String,
    /// The image the target tags.
    pub image: String,
    pub context: String,
    /// The Dockerfile's path from the context.
    pub dockerfile: String,
    /// A named stage to build instead of the last one.
    pub stage: Option<&'static str>,
    /// Empty: the build machine's platform.
    pub platforms: &'static [&'static str],
    /// The secrets the install steps mount, as `id=ID,src=FILE` with FILE from where
    /// docker-bake.hcl is.
    pub secrets: Vec<String>,
}

impl BakeTarget {
    /// The targets of the service `plan` describes, named `name` (a [`crate::safe::bake_target`]
    /// name) and tagging `image`, built from `context` (a validated relative path): its image,
    /// and for a PHP-FPM application its nginx stage as `NAME-web`.
    pub fn of(plan: &Plan, name: &str, image: &str, context: &str) -> Vec<BakeTarget> {
        let dockerfile = plan
            .app
            .dockerfile
            .clone()
            .unwrap_or_else(|| "Dockerfile".to_string());
        let secrets: Vec<String> = plan
            .secrets
            .iter()
            .map(|secret| {
                let src = if context == "." {
                    secret.file.clone()
                } else {
                    format!("{}/{}", context.trim_end_matches('/'), secret.file)
                };
                format!("id={},src={src}", secret.id)
            })
            .collect();
        let mut targets = Vec::new();
        if plan.web_stage.is_some() {
            targets.push(BakeTarget {
                name: format!("{name}-web"),
                image: format!("{image}-web"),
                context: context.to_string(),
                dockerfile: dockerfile.clone(),
                stage: Some("web"),
                platforms: plan.platforms,
                secrets: secrets.clone(),
            });
        }
        targets.push(BakeTarget {
            name: name.to_string(),
            image: image.to_string(),
            context: context.to_string(),
            dockerfile,
            stage: None,
            platforms: plan.platforms,
            secrets,
        });
        targets
    }
}

/// docker-bake.hcl for `targets`, sorted by name.
pub fn bake(templates: &Templates, targets: &mut [BakeTarget]) -> Result<String, RenderError> {
    targets.sort_by(|a, b| a.name.cmp(&b.name));
    let context = minijinja::context! {
        shiplight_version => crate::version::VERSION,
        targets => minijinja::value::Serde(&targets),
    };
    templates.render("common/docker-bake.hcl.j2", &context)
}

/// Renders the Dockerfile, the .dockerignore, compose.yaml when the plan asks for it,
/// docker-bake.hcl when it asks for a release build, and the stack's extra files. Every
/// template also gets `shiplight_version`, which the headers name.
pub fn render(plan: &Plan, templates: &Templates) -> Result<Vec<Output>, RenderError> {
    let [dockerfile, dockerignore] = stack_templates(plan.stack);
    let context = minijinja::context! {
        shiplight_version => crate::version::VERSION,
        ..Value::from(minijinja::value::Serde(plan))
    };
    let mut files = vec![
        ("Dockerfile".to_string(), dockerfile),
        (".dockerignore".to_string(), dockerignore),
    ];
    if plan.compose {
        let own = format!("{}/compose.yaml.j2", plan.stack.name());
        let id = if templates.has(&own) {
            own
        } else {
            "common/compose.yaml.j2".to_string()
        };
        files.push(("compose.yaml".to_string(), id));
    }
    for (name, id) in &plan.extra_files {
        files.push((name.to_string(), id.to_string()));
    }
    // The files are rendered side by side: each compiles the templates it uses that are not
    // compiled yet.
    let mut outputs = repo::in_parallel(&files, 2, |(name, id)| {
        templates.render(id, &context).map(|contents| Output {
            name: name.clone(),
            contents,
        })
    })
    .into_iter()
    .collect::<Result<Vec<Output>, RenderError>>()?;
    if plan.bake {
        let name = crate::safe::bake_target(&plan.app.image_name);
        let mut targets = BakeTarget::of(plan, &name, &plan.app.image_name, ".");
        outputs.push(Output {
            name: BAKE_FILE.to_string(),
            contents: bake(templates, &mut targets)?,
        });
    }
    Ok(outputs)
}

/// The error naming template `id` as its file when it came from the templates directory, or
/// as the embedded template.
fn error(files: &BTreeMap<String, PathBuf>, id: &str, err: &minijinja::Error) -> RenderError {
    let message = match err.line() {
        Some(line) => format!("line {line}: {}", err.detail().unwrap_or(&err.to_string())),
        None => err
            .detail()
            .map(str::to_string)
            .unwrap_or_else(|| err.to_string()),
    };
    let file = files.get(id);
    RenderError {
        custom: file.is_some(),
        template: file
            .map(|path| path.display().to_string())
            .unwrap_or_else(|| embedded_name(id)),
        message,
    }
}
