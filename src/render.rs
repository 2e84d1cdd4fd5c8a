//! Rendering: the plan through minijinja templates embedded in the binary. Undefined variables
//! are errors, blocks are trimmed, and the output is byte-for-byte deterministic.

use crate::plan::Plan;
use crate::stack::Stack;
use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, Value};

/// Every embedded template, by id (its path under `templates/`).
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "partials/header.j2",
        include_str!("../templates/partials/header.j2"),
    ),
    (
        "partials/runtime.j2",
        include_str!("../templates/partials/runtime.j2"),
    ),
    (
        "partials/linkage.j2",
        include_str!("../templates/partials/linkage.j2"),
    ),
    (
        "partials/exec.j2",
        include_str!("../templates/partials/exec.j2"),
    ),
    (
        "partials/dockerignore.j2",
        include_str!("../templates/partials/dockerignore.j2"),
    ),
    (
        "go/Dockerfile.j2",
        include_str!("../templates/go/Dockerfile.j2"),
    ),
    (
        "go/dockerignore.j2",
        include_str!("../templates/go/dockerignore.j2"),
    ),
    (
        "rust/Dockerfile.j2",
        include_str!("../templates/rust/Dockerfile.j2"),
    ),
    (
        "rust/dockerignore.j2",
        include_str!("../templates/rust/dockerignore.j2"),
    ),
    (
        "python/Dockerfile.j2",
        include_str!("../templates/python/Dockerfile.j2"),
    ),
    (
        "python/dockerignore.j2",
        include_str!("../templates/python/dockerignore.j2"),
    ),
    (
        "node/Dockerfile.j2",
        include_str!("../templates/node/Dockerfile.j2"),
    ),
    (
        "node/dockerignore.j2",
        include_str!("../templates/node/dockerignore.j2"),
    ),
    (
        "java/Dockerfile.j2",
        include_str!("../templates/java/Dockerfile.j2"),
    ),
    (
        "java/dockerignore.j2",
        include_str!("../templates/java/dockerignore.j2"),
    ),
    (
        "php/Dockerfile.j2",
        include_str!("../templates/php/Dockerfile.j2"),
    ),
    (
        "php/dockerignore.j2",
        include_str!("../templates/php/dockerignore.j2"),
    ),
    (
        "php/compose.yaml.j2",
        include_str!("../templates/php/compose.yaml.j2"),
    ),
    (
        "php/nginx.conf.j2",
        include_str!("../templates/php/nginx.conf.j2"),
    ),
];

/// A generated file: its name in the project and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub name: &'static str,
    pub contents: String,
}

/// A template failed to render; the message names the template and line.
#[derive(Debug, thiserror::Error)]
#[error("template {template}: {message}")]
pub struct RenderError {
    pub template: String,
    pub message: String,
}

/// Template ids of a stack's Dockerfile and .dockerignore.
pub fn stack_templates(stack: Stack) -> [String; 2] {
    [
        format!("{}/Dockerfile.j2", stack.name()),
        format!("{}/dockerignore.j2", stack.name()),
    ]
}

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
    for (id, source) in TEMPLATES {
        env.add_template(id, source)
            .unwrap_or_else(|err| panic!("embedded template {id} does not parse: {err}"));
    }
    env
}

/// Renders the Dockerfile, the .dockerignore and the stack's extra files for a plan.
pub fn render(plan: &Plan) -> Result<Vec<Output>, RenderError> {
    let env = environment();
    let [dockerfile, dockerignore] = stack_templates(plan.stack);
    let context = Value::from(minijinja::value::Serde(plan));
    let render_one = |id: &str| -> Result<String, RenderError> {
        let template = env.get_template(id).map_err(|err| error(id, &err))?;
        template
            .render(context.clone())
            .map_err(|err| error(id, &err))
    };
    let mut outputs = vec![
        Output {
            name: "Dockerfile",
            contents: render_one(&dockerfile)?,
        },
        Output {
            name: ".dockerignore",
            contents: render_one(&dockerignore)?,
        },
    ];
    for (name, id) in plan.build.extra_files() {
        outputs.push(Output {
            name,
            contents: render_one(id)?,
        });
    }
    Ok(outputs)
}

fn error(id: &str, err: &minijinja::Error) -> RenderError {
    let template = err.name().unwrap_or(id);
    let message = match err.line() {
        Some(line) => format!("line {line}: {}", err.detail().unwrap_or(&err.to_string())),
        None => err.to_string(),
    };
    RenderError {
        template: template.to_string(),
        message,
    }
}
