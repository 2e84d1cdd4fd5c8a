//! What `start`, `build` and `env` put into the trace: the steps saying what they set and by
//! which source, the start of a stack whose image holds one binary, and the refusal the wizard
//! answers with a start.

use super::{Commands, NO_ENTRY, Set, shown};
use crate::evidence::Evidence;

/// Whether a refusal is for want of an entry point, which `start` answers.
pub fn wants_start(err: &crate::facts::DetectError) -> bool {
    matches!(err, crate::facts::DetectError::Broken { cause, .. } if cause.starts_with(NO_ENTRY))
}

/// The evidence of a set value: `settings: start = ... (set by --start)`.
pub fn evidence<T>(key: &str, set: &Set<T>, value: &str) -> Evidence {
    Evidence::file("settings", format!("{key} = {value}, set by {}", set.by))
}

/// The trace step for the build commands, when there are any.
pub fn build_step(commands: &Commands) -> Option<crate::trace::Step> {
    let build = commands.build.as_ref()?;
    Some(crate::trace::Step {
        question: "Commands of your own in the build stage?".to_string(),
        answer: format!(
            "{}: after the dependency step and the source copy, before the application's own build, each an exec-form RUN without cache mounts, so what it writes stays in the layer the build reads (a step that downloads does so on every source change)",
            build
                .value
                .iter()
                .map(|words| shown(words))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        evidence: vec![Evidence::file(
            "settings",
            format!("build, set by {}", build.by),
        )],
    })
}

/// The trace step for the runtime variables, when there are any.
pub fn env_step(commands: &Commands) -> Option<crate::trace::Step> {
    if commands.env.is_empty() {
        return None;
    }
    Some(crate::trace::Step {
        question: "Variables of your own in the runtime stage?".to_string(),
        answer: format!(
            "{}: set with ENV in the runtime stage; none looks like a secret (secrets are passed at run time: docker run -e or --env-file)",
            commands
                .env
                .iter()
                .map(|(key, value)| format!("{key}={}", value.value))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        evidence: commands
            .env
            .iter()
            .map(|(key, value)| {
                Evidence::file("settings", format!("env.{key}, set by {}", value.by))
            })
            .collect(),
    })
}

/// The arguments for the built binary `binary` from a start command naming it (by name,
/// `./NAME` or its path in `app_dir`), with the step; any other program is refused, since the
/// image holds the binary alone.
pub fn binary_start(
    binary: &str,
    app_dir: &str,
    start: &Set<Vec<String>>,
) -> Result<(Vec<String>, crate::trace::Step), String> {
    let program = start.value[0].as_str();
    let path = format!("{app_dir}/{binary}");
    if ![binary, path.as_str(), &format!("./{binary}")].contains(&program) {
        return Err(format!(
            "the image holds the built binary alone, {path}, so the start must name it ({binary} or {path}) and give its arguments; {program:?} is not in the image"
        ));
    }
    let args = start.value[1..].to_vec();
    let step = crate::trace::Step {
        question: "Arguments after the binary?".to_string(),
        answer: format!(
            "{} (set by {}: the start names the built binary, the rest are its arguments; replaces what detection chose)",
            if args.is_empty() {
                "none".to_string()
            } else {
                shown(&args)
            },
            start.by
        ),
        evidence: vec![evidence("start", start, &shown(&start.value))],
    };
    Ok((args, step))
}
