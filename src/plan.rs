//! The plan: one serializable struct holding everything the templates may read, built once
//! from the stack's part and the settings, with the whole trace assembled here. It is printed
//! by `explain --json`, snapshotted in tests, and is the only input of rendering.

use crate::catalog::{self, DebugSwitch, Family, Vendor};
use crate::credentials::{Found, Secret};
use crate::decide;
use crate::images::Images;
use crate::settings::{Layer, Settings};
use crate::stack::Stack;
pub use crate::stacks::PlanError;
pub use crate::stacks::output::{APP_DIR, ManifestCopy, StackOutput, manifest_copies};
use crate::stacks::{self, Decider, Facts, Planned, StackPlan};
use crate::trace::{DecideError, Decision, Step};
use serde::Serialize;

/// Numeric user and group the runtime stage runs as (distroless and Chainguard `nonroot`).
pub const APP_USER: &str = "65532:65532";

/// Everything the templates may read.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub stack: Stack,
    pub stack_title: &'static str,
    pub vendor: Vendor,
    /// Emit `# syntax=docker/dockerfile:1`.
    pub syntax: bool,
    /// Also generate compose.yaml.
    pub compose: bool,
    /// Also generate docker-bake.hcl for a release build.
    pub bake: bool,
    /// The platforms a release build targets; empty: the build machine's.
    pub platforms: &'static [&'static str],
    pub app: App,
    pub builder: Builder,
    pub runtime: Runtime,
    /// One line per detected fact for the Dockerfile header.
    pub detected: Vec<String>,
    /// Why this runtime.
    pub reason: String,
    /// The header's record of the decisions lines of the project's files made
    /// ([`crate::moved::record`]).
    pub evidence: Vec<String>,
    pub trace: Vec<Step>,
    pub warnings: Vec<String>,
    /// Registry credential files found, each given to the install steps as a secret mount.
    pub secrets: Vec<Secret>,
    /// The secret mount options for an install step's `RUN`, each after a space (or empty).
    pub secret_mounts: String,
    /// The runtime stage's OCI labels.
    pub labels: Labels,
    /// Debian packages for the build stage and libraries copied into the runtime, as the
    /// settings name them (left out when they name none).
    #[serde(skip_serializing_if = "crate::system_plan::System::is_empty")]
    pub system: crate::system_plan::System,
    /// Commands of the user's own in the build stage, each an exec-form RUN after the
    /// dependency step and the source copy (without cache mounts: what they write stays in
    /// the layer the application's build reads).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub build_commands: Vec<Vec<String>>,
    /// Variables of the user's own the runtime stage sets (checked: no secrets, no `"` `\` `$`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub user_env: Vec<(String, String)>,
    /// The stack's own part, under the stack's name (`go`, `rust`).
    #[serde(flatten)]
    pub build: StackPlan,
    /// The settings that reproduce this plan, for shiplight.toml.
    #[serde(skip)]
    pub pins: Layer,
    /// Files the stack generates besides the Dockerfile and .dockerignore: (file, template id).
    #[serde(skip)]
    pub extra_files: Vec<(&'static str, &'static str)>,
    /// The port of the Dockerfile's own `web` stage (a web server in front of the application,
    /// run beside it by compose.yaml, of which a release build makes an image too), if any.
    #[serde(skip)]
    pub web_stage: Option<u16>,
    /// The project's own build unit, which a warm rebuild may compile again.
    #[serde(skip)]
    pub own_unit: Option<String>,
    /// The dependency step needs the source, so a change installs the dependencies again.
    #[serde(skip)]
    pub dependencies_need_source: bool,
}

/// The runtime stage's OCI labels (`org.opencontainers.image.*`): the title, and the version
/// and licences the manifest states when they pass [`crate::safe::label_value`]. Source,
/// revision and creation time come from build args a CI sets.
#[derive(Debug, Clone, Serialize)]
pub struct Labels {
    pub title: String,
    pub version: Option<String>,
    pub licenses: Option<String>,
}

impl Labels {
    /// The labels for the image `title` of a project `about` says this of, with the trace step
    /// that explains them and a warning for each value left out.
    fn new(title: &str, about: &crate::manifest::About) -> (Labels, Step, Vec<String>) {
        let mut warnings = Vec::new();
        let mut evidence = Vec::new();
        let mut take = |read: &Option<(String, crate::evidence::Evidence)>,
                        licence: bool,
                        what: &str| {
            let (value, seen) = read.as_ref()?;
            evidence.push(seen.clone());
            let safe = crate::safe::label_value(value, licence);
            if safe.is_none() {
                warnings.push(format!(
                    "the {what} in {} is left out of the image's labels: only letters, digits and . _ + -{} can be written there",
                    seen.file,
                    if licence { " ( ) : and spaces" } else { "" }
                ));
            }
            safe
        };
        let labels = Labels {
            title: title.to_string(),
            version: take(&about.version, false, "version"),
            licenses: take(&about.licenses, true, "licence"),
        };
        let stated = match (&labels.version, &labels.licenses) {
            (Some(version), Some(licenses)) => format!("version {version}, licences {licenses}"),
            (Some(version), None) => format!("version {version}; no licence stated"),
            (None, Some(licenses)) => format!("licences {licenses}; no version stated"),
            (None, None) => "no version or licence stated".to_string(),
        };
        let step = Step {
            question: "Image labels?".to_string(),
            answer: format!(
                "org.opencontainers.image.* with title {title}, {stated}; source, revision and created from the build args OCI_SOURCE, OCI_REVISION and OCI_CREATED (OCI_VERSION overrides the version), which CI sets from git"
            ),
            evidence,
        };
        (labels, step, warnings)
    }
}

/// The application as it runs in the final stage.
#[derive(Debug, Clone, Serialize)]
pub struct App {
    /// File name of the artefact, under `dir`.
    pub binary: String,
    /// Name used in the example `docker build -t` commands.
    pub image_name: String,
    pub port: Option<u16>,
    pub dir: &'static str,
    pub user: &'static str,
    /// Copy the system libraries the binary links that the runtime lacks (and what they link)
    /// from the builder into the runtime, instead of stopping the build.
    pub copy_libraries: bool,
    /// `STOPSIGNAL` for the runtime stage, when SIGTERM would not stop the process promptly.
    pub stop_signal: Option<&'static str>,
    /// The runtime stage's HEALTHCHECK and compose.yaml's healthcheck.
    pub health: Option<crate::stacks::health::Health>,
    /// Arguments after the binary: the runtime stage's `CMD` (checked words).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// Variables the runtime stage sets for the program (checked words).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<(String, String)>,
    /// The Dockerfile's path from the build context when it is not the context's own
    /// `Dockerfile` (one application of a reactor, built from the reactor's root): the `-f` of
    /// the build commands. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dockerfile: Option<String>,
}

/// The build stage's image and where it works.
#[derive(Debug, Clone, Serialize)]
pub struct Builder {
    pub image: String,
    /// The image's catalogue tag is `latest` (its vendor publishes no other).
    pub latest: bool,
    /// Non-root user the builder runs as (`None`: root).
    pub user: Option<&'static str>,
    pub workdir: &'static str,
    /// Options giving cache mounts to the builder's user (`,uid=65532,gid=65532`), or empty.
    pub cache_owner: String,
    /// Directory holding the artefact for the runtime stage.
    pub out_dir: &'static str,
}

/// The runtime stage's image and its debug switch.
#[derive(Debug, Clone, Serialize)]
pub struct Runtime {
    pub family: Family,
    pub repository: String,
    /// The production reference, `repository:tag`.
    pub image: String,
    /// What follows `FROM` in the final stage.
    pub from: String,
    /// The global build-arg that selects production or debug.
    pub arg_name: &'static str,
    pub arg_default: String,
    pub arg_debug: String,
    pub has_libc: bool,
    /// Shared libraries the image carries, space separated (empty without a C library).
    pub libraries: String,
    /// The debug variant's whole reference.
    pub debug_image: String,
    /// The digests file pins the production image (whole pinned references in the
    /// `runtime-production` and `runtime-debug` stages, the form Renovate and Dependabot
    /// update).
    pub pinned: bool,
}

impl Runtime {
    fn new(decision: &Decision, images: &Images) -> Runtime {
        let row = decision.runtime;
        let repository = images.repository(row.repository);
        let image = format!(
            "{repository}:{}",
            images.tag(row.repository, row.production_tag)
        );
        let debug_image = match row.debug {
            DebugSwitch::Tag { debug, .. } => {
                format!("{repository}:{}", images.tag(row.repository, debug))
            }
            DebugSwitch::Image { debug } => images.reference(debug),
        };
        let pinned = image.contains('@');
        let (arg_name, arg_default, arg_debug, from) = catalog::debug_switch();
        Runtime {
            pinned,
            debug_image,
            family: decision.family,
            repository,
            image,
            from,
            arg_name,
            arg_default,
            arg_debug,
            has_libc: row.has_libc(),
            libraries: row.library_names().join(" "),
        }
    }
}

/// The tree walk a stack's plan calls: the stack's tree and usable families, with the
/// `--runtime` override applied.
struct Walk {
    stack: Stack,
    tree: crate::trace::Node,
}

impl Decider for Walk {
    fn decide(
        &self,
        signals: &crate::facts::Signals,
        settings: &Settings,
        version: Option<&str>,
    ) -> Result<Decision, DecideError> {
        decide::decide(
            self.stack,
            &self.tree,
            signals,
            settings,
            stacks::usable_families(self.stack),
            version,
        )
    }
}

/// What the plan is built from besides the settings: the detected facts with the steps that
/// chose them, the credential files found, and another compose file of the project's.
pub struct Inputs<'a> {
    pub facts: &'a Facts,
    /// The detection step that chose these facts among several stacks or directories.
    pub chosen: Option<Step>,
    pub credentials: &'a [Found],
    /// A compose file of the project's own that a generated compose.yaml would shadow.
    pub other_compose: Option<&'static str>,
    /// The Dockerfile's path from the build context, when it is not the context's own
    /// `Dockerfile` (one application of a reactor, built from the reactor's root).
    pub dockerfile: Option<String>,
}

/// Builds the plan for detected facts and settings: the stack chooses its target and walks its
/// tree, then the plan is assembled, its trace in this one place.
pub fn build(inputs: Inputs<'_>, settings: &Settings) -> Result<Plan, PlanError> {
    let stack = inputs.facts.stack();
    let (planned, vendor_step) = stack_plan(inputs.facts, settings)?;
    let Planned {
        decision,
        preface,
        output,
    } = planned;
    let builder_row = catalog::builder_variant(stack, decision.vendor, output.builder_variant)
        .ok_or_else(|| {
            PlanError::Unavailable(format!(
                "{} publishes no {} builder image",
                decision.vendor,
                stack.title()
            ))
        })?;
    let builder = if output.builder_full {
        builder_row.full_reference(&output.builder_version)
    } else {
        builder_row.reference(&output.builder_version)
    };
    let images = Images::new(&settings.mirrors, settings.digests.as_ref())?;
    let mut build = output.build;
    for image in build.images_mut() {
        *image = images.reference(image);
    }
    if let Some((dir, _)) = inputs
        .dockerfile
        .as_deref()
        .and_then(|f| f.rsplit_once('/'))
    {
        build.relocate(dir);
    }
    let mut own_steps = Vec::new();
    if let Some(start) = &settings.commands.start {
        own_steps.extend(
            build
                .start(start, &output.binary, &settings.commands.found)
                .map_err(|reason| {
                    PlanError::Detect(crate::facts::DetectError::Broken {
                        file: "settings".to_string(),
                        line: None,
                        cause: format!(
                            "start = {} (set by {}) cannot run this {} project: {reason}",
                            crate::commands::shown(&start.value),
                            start.by,
                            stack.title()
                        ),
                    })
                })?,
        );
    }
    own_steps.extend(crate::commands::steps::build_step(&settings.commands));
    own_steps.extend(crate::commands::steps::env_step(&settings.commands));
    let port = settings.port.or(output.port);
    let (args, env) = build.run();
    let image_name = crate::safe::image_name(&output.binary);
    let (labels, labels_step, label_warnings) = Labels::new(&image_name, &output.about);
    let cache_owner = builder_row
        .user
        .and_then(|user| user.split_once(':'))
        .map(|(uid, gid)| format!(",uid={uid},gid={gid}"))
        .unwrap_or_default();
    let secrets = crate::credentials::mounts(inputs.credentials, builder_row.workdir, &cache_owner);
    let (runtime, system, system_steps) = system(
        settings,
        build.build_packages(),
        &decision,
        &images,
        &builder,
    )?;
    let mut platforms = output.platforms;
    if !system.libraries.is_empty() && !platforms.list.is_empty() {
        platforms = crate::stacks::output::Platforms::native(format!(
            "the build machine's: the libraries runtime-libraries names are copied from the build stage, {}",
            crate::stacks::output::INSTALL_ON_TARGET
        ));
    }
    let mut trace: Vec<Step> = inputs.chosen.into_iter().collect();
    trace.push(vendor_step.unwrap_or_else(|| default_vendor_step(decision.vendor, settings)));
    trace.extend(preface);
    trace.extend(decision.trace.iter().cloned());
    trace.extend(system_steps);
    trace.extend(output.steps);
    trace.extend(own_steps);
    trace.push(Step {
        question: "Builder image".to_string(),
        answer: builder.clone(),
        evidence: Vec::new(),
    });
    trace.push(labels_step);
    trace.push(Step {
        question: "Platforms of a release build (docker-bake.hcl)?".to_string(),
        answer: platforms.why.clone(),
        evidence: Vec::new(),
    });
    trace.extend(secrets_step(&secrets));
    let mut pins = build.pins();
    pins.stack = Some(stack);
    pins.vendor = Some(decision.vendor);
    pins.runtime = Some(decision.family);
    if stacks::has_lang_version(stack) {
        pins.lang_version = Some(output.builder_version.clone());
    }
    pins.port = port;
    let mut warnings: Vec<String> = output
        .warnings
        .iter()
        .chain(&label_warnings)
        .map(|line| crate::safe::comment(line))
        .collect();
    let web_stage = build.web_stage();
    let compose = compose(
        settings.compose || web_stage.is_some(),
        inputs.other_compose,
        &mut warnings,
    );
    Ok(Plan {
        stack,
        stack_title: stack.title(),
        vendor: decision.vendor,
        syntax: settings.syntax,
        compose,
        bake: settings.bake,
        platforms: platforms.list,
        app: App {
            image_name,
            dockerfile: inputs.dockerfile,
            binary: output.binary,
            port,
            dir: APP_DIR,
            user: APP_USER,
            copy_libraries: output.copy_libraries,
            stop_signal: output.stop_signal,
            health: output.health,
            args,
            env,
        },
        builder: Builder {
            image: images.reference(&builder),
            latest: builder.ends_with(":latest"),
            user: builder_row.user,
            cache_owner,
            workdir: builder_row.workdir,
            out_dir: builder_row.out_dir,
        },
        reason: crate::safe::comment(&if settings.system.runtime_image.is_some() {
            format!(
                "named by runtime-image; the project needs {}: {}",
                decision.family, decision.reason
            )
        } else {
            decision.reason.clone()
        }),
        runtime,
        system,
        detected: output
            .detected
            .iter()
            .map(|line| crate::safe::comment(line))
            .collect(),
        evidence: crate::moved::record(&trace),
        trace,
        warnings,
        labels,
        secret_mounts: secrets.iter().map(|s| format!(" {}", s.mount)).collect(),
        build_commands: settings.commands.build_commands(),
        user_env: settings.commands.env_pairs(),
        secrets,
        extra_files: build.extra_files(),
        web_stage,
        own_unit: build.own_unit().map(str::to_string),
        dependencies_need_source: build.dependencies_need_source(),
        build,
        pins,
    })
}

/// The runtime (the catalogue's, or the image the settings name) and the system packages and
/// libraries of a plan (the build packages the stack found in the project's own Dockerfile,
/// `found`, when the settings name none), with the steps they add.
fn system(
    settings: &Settings,
    found: Option<&crate::system::Found>,
    decision: &Decision,
    images: &Images,
    builder: &str,
) -> Result<(Runtime, crate::system_plan::System, Vec<Step>), PlanError> {
    let catalogue = Runtime::new(decision, images);
    let mut steps = Vec::new();
    let runtime = match crate::system_plan::named_runtime(
        &settings.system,
        decision,
        images,
        &catalogue.image,
    )
    .map_err(PlanError::Unavailable)?
    {
        Some((named, step)) => {
            steps.push(step);
            Runtime {
                family: decision.family,
                repository: named.repository,
                image: named.image,
                from: named.from,
                arg_name: named.arg_name,
                arg_default: named.arg_default,
                arg_debug: named.arg_debug,
                has_libc: named.has_libc,
                libraries: named.libraries,
                debug_image: named.debug_image,
                pinned: named.pinned,
            }
        }
        None => catalogue,
    };
    let system = crate::system_plan::plan(
        &settings.system,
        found,
        decision.stack,
        decision,
        builder,
        &runtime.image,
        &mut steps,
    )
    .map_err(PlanError::Unavailable)?;
    Ok((runtime, system, steps))
}

/// The stack's plan, walking its tree once; when distroless refuses and no setting chose the
/// vendor (for a stack where the vendor is a choice), planned again on Chainguard, with the
/// step that says why.
fn stack_plan(facts: &Facts, settings: &Settings) -> Result<(Planned, Option<Step>), PlanError> {
    let stack = facts.stack();
    let walk = Walk {
        stack,
        tree: stacks::tree(stack),
    };
    match facts.plan(settings, &walk) {
        Err(PlanError::Decide(DecideError::Refused { reason, trace }))
            if !settings.vendor_chosen && stacks::vendor_choice(stack) =>
        {
            let other = Settings {
                vendor: Vendor::Chainguard,
                ..settings.clone()
            };
            let Ok(planned) = facts.plan(&other, &walk) else {
                return Err(PlanError::Decide(DecideError::Refused { reason, trace }));
            };
            let refusal = trace
                .iter()
                .rev()
                .find(|step| !step.evidence.is_empty())
                .map(|step| step.evidence.clone())
                .unwrap_or_default()
                .into_iter()
                .filter(|evidence| evidence.file != "settings")
                .collect();
            let step = Step {
                question: "Which vendor can run it?".to_string(),
                answer: format!(
                    "chainguard: no setting chose a vendor, and distroless cannot ({})",
                    reason.split(". ").next().unwrap_or(&reason)
                ),
                evidence: refusal,
            };
            Ok((planned, Some(step)))
        }
        other => Ok((other?, None)),
    }
}

/// The vendor step when the first vendor planned: chosen by the settings, or the default.
fn default_vendor_step(vendor: Vendor, settings: &Settings) -> Step {
    Step {
        question: "Which vendor?".to_string(),
        answer: format!(
            "{}: {}. {}",
            vendor,
            if settings.vendor_chosen {
                "the settings choose it"
            } else {
                "the default"
            },
            catalog::DHI_NOT_OFFERED
        ),
        evidence: Vec::new(),
    }
}

/// The step naming the credential files mounted as secrets, when there are any.
fn secrets_step(secrets: &[Secret]) -> Option<Step> {
    (!secrets.is_empty()).then(|| Step {
        question: "Which files reach the install steps as secrets?".to_string(),
        answer: format!(
            "{}: mounted on the steps that install and build, never copied into a layer (docker build --secret id=ID,src=FILE); the .dockerignore keeps them out of the build context",
            secrets
                .iter()
                .map(|s| format!("{} (secret {}, {})", s.file, s.id, s.what))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        evidence: secrets.iter().map(|s| s.evidence.clone()).collect(),
    })
}

/// Whether compose.yaml is generated when it is `wanted`: not when the project has a compose
/// file of its own that it would shadow, which a warning says.
fn compose(wanted: bool, other: Option<&'static str>, warnings: &mut Vec<String>) -> bool {
    match other {
        Some(other) if wanted => {
            warnings.push(format!(
                "{other} exists, so compose.yaml is not generated: Compose would prefer compose.yaml and silently stop reading {other}. Merge the service from `shiplight init --stdout --compose` into it"
            ));
            false
        }
        _ => wanted,
    }
}
