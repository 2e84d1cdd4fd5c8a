//! The PHP part of the plan: Composer's install (dependencies first, autoloader optimised after
//! the source), front-end assets built in a node stage, the writable directories owned by the
//! app user and nothing else, the FPM or CLI start, and the nginx stage and compose file of a
//! web application.

use super::{App, PhpFacts};
use crate::catalog::{self, Family, Vendor};
use crate::evidence::Evidence;
use crate::facts::DetectError;
use crate::safe;
use crate::stack::Stack;
use crate::stacks::StackPlan;
use crate::stacks::output::{APP_DIR, StackOutput};
use crate::trace::Step;
use nodejs_semver::{Range, Version};
use serde::Serialize;

/// Where the generated nginx configuration is written, relative to the project.
pub const NGINX_FILE: &str = "docker/nginx.conf";

/// Where the runtime image holds RoadRunner's rr binary.
pub const RR_BINARY: &str = "/usr/local/bin/rr";

/// What the PHP templates read.
#[derive(Debug, Clone, Serialize)]
pub struct PhpPlan {
    pub composer: bool,
    pub locked: bool,
    pub web: bool,
    pub framework: String,
    /// Web root relative to the application directory (`public`, or `""`).
    pub document_root: String,
    /// The front controller's file name in the web root (`index.php` but for a single-file
    /// application).
    pub front_controller: String,
    /// Directories the app user owns in the runtime stage.
    pub writable: Vec<String>,
    /// Directories created in the build stage so the framework finds them.
    pub make_dirs: Vec<String>,
    /// Download RoadRunner's rr binary for the target platform in the build stage.
    pub roadrunner: bool,
    pub rr_binary: &'static str,
    /// Build front-end assets (public/build) in a node stage.
    pub assets: bool,
    pub assets_locked: bool,
    pub node_image: String,
    /// The runtime stage's ENTRYPOINT.
    pub entrypoint: Vec<String>,
    pub fpm_port: u16,
    pub web_port: u16,
    pub web_image: String,
    pub nginx_file: &'static str,
}

/// Composer's constraint syntax as an npm range: `~8.3` means `>=8.3 <9` to Composer (`^8.3`
/// to npm), commas and single `|` are AND and OR, stability flags do not constrain the version.
fn composer_range(constraint: &str) -> Option<Range> {
    let alternatives: Vec<String> = constraint
        .split('|')
        .filter(|part| !part.trim().is_empty())
        .map(|alternative| {
            alternative
                .replace(',', " ")
                .split_whitespace()
                .map(|term| {
                    let term = term.split('@').next().unwrap_or(term);
                    match term.strip_prefix('~') {
                        Some(rest) if rest.matches('.').count() == 1 => format!("^{rest}"),
                        _ => term.to_string(),
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    Range::parse(alternatives.join(" || ")).ok()
}

/// The PHP part of the plan.
pub fn plan(facts: &PhpFacts, health_path: Option<&str>) -> Result<StackOutput, DetectError> {
    let web = facts.app.is_web();
    let row = catalog::runtime(
        Stack::Php,
        Vendor::Chainguard,
        Family::Language,
        Some(if web { "fpm" } else { "cli" }),
    )
    .and_then(|row| row.language)
    .expect("the catalogue has Chainguard's php images");
    let (warnings, mut steps) = checks(facts, &row);
    let php = php_plan(facts, &row)?;
    steps.push(Step {
        question: "How does it run?".to_string(),
        answer: if web {
            format!(
                "PHP-FPM on port {}, behind nginx ({}) on port {}",
                catalog::PHP_FPM_PORT,
                catalog::PHP_WEB_SERVER,
                catalog::PHP_WEB_PORT
            )
        } else if let App::RoadRunner { port, .. } = &facts.app {
            format!(
                "rr serve -c {} (RoadRunner, a binary fetched for the target platform by vendor/bin/rr get-binary), {}",
                php.entrypoint[3],
                port.map_or("its port not read from the configuration".to_string(), |p| format!("listening on port {p}"))
            )
        } else {
            format!("php {}", php.entrypoint[1])
        },
        evidence: std::iter::once(facts.app_evidence.clone())
            .chain(facts.root_evidence.clone())
            .collect(),
    });
    if !facts.kept_empty.is_empty() {
        steps.push(Step {
            question: "Where does the application write?".to_string(),
            answer: format!(
                "{}: the directories the repository keeps empty, owned by the app user; the rest stays read-only",
                php.writable
                    .iter()
                    .map(|d| format!("{d}/"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            evidence: facts.kept_empty.clone(),
        });
    }
    let web_root = if php.document_root.is_empty() {
        APP_DIR.to_string()
    } else {
        format!("{APP_DIR}/{}", php.document_root)
    };
    let front_controller = format!("{web_root}/{}", php.front_controller);
    let (health, health_step) = crate::stacks::health::choose(
        health_path,
        facts.health.as_ref(),
        web.then_some(catalog::PHP_FPM_PORT),
        fastcgi_asker(
            catalog::PHP_CLI,
            &front_controller,
            &php.front_controller,
            &web_root,
        ),
        "the image's php asking PHP-FPM over FastCGI for the front controller, as nginx does",
    );
    steps.push(health_step);
    if web {
        steps.push(crate::stacks::output::stop_step(
            "SIGQUIT: PHP-FPM finishes the requests it is serving and exits (SIGTERM would cut them off); the nginx stage stops the same way".to_string(),
            vec![Evidence::file("catalog", "php-fpm and nginx treat SIGQUIT as a graceful stop")],
        ));
    }
    Ok(StackOutput {
        platforms: crate::stacks::output::Platforms::multi(
            if php.roadrunner {
                "linux/amd64 and linux/arm64: the build stages run on $BUILDPLATFORM, since Composer's vendor directory is PHP, the same for every platform, and RoadRunner's rr binary is fetched for $TARGETARCH; PHP's extensions come with the runtime image, published for both"
            } else {
                "linux/amd64 and linux/arm64: the build stages run on $BUILDPLATFORM, since Composer's vendor directory and the built assets are PHP, JavaScript and CSS, the same for every platform; PHP's extensions come with the runtime image, published for both"
            },
        ),
        about: facts.about.clone(),
        health,
        stop_signal: web.then_some("SIGQUIT"),
        copy_libraries: false,
        builder_variant: "",
        binary: safe::image_name(&binary(&facts.app)),
        port: match &facts.app {
            App::RoadRunner { port, .. } => *port,
            _ => web.then_some(catalog::PHP_FPM_PORT),
        },
        builder_version: row.version.to_string(),
        builder_full: false,
        detected: detected(facts),
        warnings,
        steps,
        build: StackPlan::Php(php),
    })
}

/// What the image `row` may not satisfy, as warnings: the PHP constraint excluding (or not
/// reading as admitting) its PHP, extensions not known to be in it, and no composer.lock; with
/// the constraint's step.
fn checks(facts: &PhpFacts, row: &catalog::Language) -> (Vec<String>, Vec<Step>) {
    let mut warnings = Vec::new();
    let mut steps = Vec::new();
    if let Some((constraint, evidence)) = &facts.php {
        let image = Version::parse(format!("{}.0", row.version)).expect("catalogue versions parse");
        match composer_range(constraint) {
            Some(range) if !range.satisfies(&image) => warnings.push(format!(
                "{}:{}: require.php {constraint:?} excludes PHP {} of Chainguard's php:latest; composer's platform check will fail the build: widen the constraint (pinned PHP versions are a paid Chainguard tier)",
                evidence.file,
                evidence.line.unwrap_or(1),
                row.version
            )),
            Some(_) => {}
            None => warnings.push(format!(
                "{}:{}: require.php {constraint:?} could not be read, so it was not checked against PHP {}",
                evidence.file,
                evidence.line.unwrap_or(1),
                row.version
            )),
        }
        steps.push(Step {
            question: format!("Does the PHP constraint admit PHP {}?", row.version),
            answer: if warnings.is_empty() {
                "yes"
            } else {
                "no (warning)"
            }
            .to_string(),
            evidence: vec![evidence.clone()],
        });
    }
    for (extension, evidence) in &facts.extensions {
        if !catalog::PHP_EXTENSIONS.contains(&extension.as_str()) {
            warnings.push(format!(
                "{}:{}: ext-{extension} is not among the extensions shiplight knows to be in Chainguard's php image; check `php -m` in the -dev image, or install the php-*-{extension} package in a custom image",
                evidence.file,
                evidence.line.unwrap_or(1)
            ));
        }
    }
    if facts.composer && !facts.locked {
        warnings.push(
            "composer.json has no composer.lock beside it: versions are resolved at build time; commit composer.lock for repeatable builds".to_string(),
        );
    }
    (warnings, steps)
}

/// What the PHP templates read: the install, the web root and the directories the app writes
/// to (Laravel's whole storage tree made in the build stage), the assets stage, and the start
/// on the image `row`.
fn php_plan(facts: &PhpFacts, row: &catalog::Language) -> Result<PhpPlan, DetectError> {
    let mut writable = Vec::new();
    for dir in &facts.writable {
        writable.push(safe::relative_path(
            "composer.json",
            "writable directory",
            dir,
        )?);
    }
    let make_dirs: Vec<String> = match facts.app {
        App::Laravel => [
            "storage/app/public",
            "storage/framework/cache/data",
            "storage/framework/sessions",
            "storage/framework/views",
            "storage/logs",
            "bootstrap/cache",
        ]
        .iter()
        .map(|d| d.to_string())
        .collect(),
        _ => writable.clone(),
    };
    let document_root = safe::relative_path("composer.json", "web root", &facts.document_root)?;
    let front_controller = safe::relative_path(
        &facts.app_evidence.file,
        "front controller",
        &facts.front_controller,
    )?;
    let entrypoint = match &facts.app {
        App::Cli { script } => vec![
            row.interpreter.to_string(),
            format!(
                "{APP_DIR}/{}",
                safe::relative_path(&facts.app_evidence.file, "script", script)?
            ),
        ],
        App::RoadRunner { config, .. } => vec![
            RR_BINARY.to_string(),
            "serve".to_string(),
            "-c".to_string(),
            format!(
                "{APP_DIR}/{}",
                safe::relative_path(&facts.app_evidence.file, "configuration", config)?
            ),
        ],
        _ => vec![row.interpreter.to_string(), "--nodaemonize".to_string()],
    };
    let node =
        catalog::builder(Stack::Node, Vendor::Chainguard).expect("Chainguard publishes node");
    Ok(PhpPlan {
        composer: facts.composer,
        locked: facts.locked,
        web: facts.app.is_web(),
        framework: facts.app.name(),
        document_root,
        front_controller,
        writable,
        make_dirs,
        roadrunner: matches!(facts.app, App::RoadRunner { .. }),
        rr_binary: RR_BINARY,
        assets: facts.assets.is_some(),
        assets_locked: facts.assets_locked,
        node_image: node.reference(""),
        entrypoint,
        fpm_port: catalog::PHP_FPM_PORT,
        web_port: catalog::PHP_WEB_PORT,
        web_image: catalog::PHP_WEB_SERVER.to_string(),
        nginx_file: NGINX_FILE,
    })
}

/// What the plan reports as detected: the application, a framework's web root other than
/// public/, the PHP constraint and the assets.
fn detected(facts: &PhpFacts) -> Vec<String> {
    let mut detected = vec![format!("{} ({})", facts.app.name(), facts.app_evidence)];
    if let Some(evidence) = &facts.root_evidence {
        detected.push(format!("web root {}/ ({evidence})", facts.document_root));
    }
    if let Some((constraint, evidence)) = &facts.php {
        detected.push(format!("PHP {constraint} ({evidence})"));
    }
    if let Some(evidence) = &facts.assets {
        detected.push(format!("front-end assets ({evidence})"));
    }
    detected
}

/// The image's name: a CLI script's file name without `.php`, `rr` for RoadRunner, else `web`.
fn binary(app: &App) -> String {
    match app {
        App::RoadRunner { .. } => "rr".to_string(),
        App::Cli { script } => script
            .rsplit('/')
            .next()
            .unwrap_or(script)
            .trim_end_matches(".php")
            .to_string(),
        _ => "web".to_string(),
    }
}

/// The files a PHP plan adds to the Dockerfile and .dockerignore: for a web application, the
/// nginx configuration, with its template id (its compose.yaml is always generated).
pub fn extra_files(plan: &PhpPlan) -> Vec<(&'static str, &'static str)> {
    if plan.web {
        vec![(NGINX_FILE, "php/nginx.conf.j2")]
    } else {
        Vec::new()
    }
}

/// Evidence that distroless has no PHP image, for the trace.
pub fn no_distroless_php() -> Step {
    Step {
        question: "Does distroless publish a PHP image?".to_string(),
        answer: "no: Chainguard's php images are used".to_string(),
        evidence: vec![Evidence::file(
            "image catalogue",
            "distroless publishes static, base, cc, python3, nodejs and java images; no php",
        )],
    }
}

/// The health command of a PHP-FPM application: the image's php CLI (`php`) asking PHP-FPM over
/// FastCGI, as nginx does, for the front controller `script` (named `name`) under the web root
/// `root`.
fn fastcgi_asker<'a>(
    php: &'a str,
    script: &'a str,
    name: &'a str,
    root: &'a str,
) -> crate::stacks::health::Asker<'a> {
    crate::stacks::health::Asker::program(
        move |ask| {
            let (port, path) = (ask.port, ask.path);
            vec![
                php.to_string(),
                "-r".to_string(),
                format!(
                    "$s=fsockopen('127.0.0.1',{port},$n,$e,3);if(!$s)exit(1);stream_set_timeout($s,4);$b='';foreach(['SCRIPT_FILENAME'=>'{script}','SCRIPT_NAME'=>'/{name}','DOCUMENT_ROOT'=>'{root}','REQUEST_METHOD'=>'GET','REQUEST_URI'=>'{path}','QUERY_STRING'=>'','SERVER_NAME'=>'localhost','SERVER_PORT'=>'80','SERVER_PROTOCOL'=>'HTTP/1.1','GATEWAY_INTERFACE'=>'CGI/1.1','REMOTE_ADDR'=>'127.0.0.1'] as $k=>$v)$b.=chr(strlen($k)).chr(strlen($v)).$k.$v;$r=function($t,$c){{return pack('CCnnCx',1,$t,1,strlen($c),0).$c;}};fwrite($s,$r(1,pack('nCx5',1,0)).$r(4,$b).$r(4,'').$r(5,''));$o='';while(strlen($h=(string)stream_get_contents($s,8))==8){{$u=unpack('Cv/Ct/nid/nlen/Cpad',$h);$c=$u['len']?(string)stream_get_contents($s,$u['len']):'';if($u['pad'])stream_get_contents($s,$u['pad']);if($u['t']==6)$o.=$c;if($u['t']==3)break;}}exit($o===''||preg_match('/^Status: *5/mi',$o)?1:0);"
                ),
            ]
        },
        None,
    )
}

/// A start setting on a PHP project: for a program run from the command line, `php SCRIPT
/// [ARGS]` or `SCRIPT.php [ARGS]`, run by the runtime's php on the script in the image. A web
/// application is refused: php-fpm (or RoadRunner) serves it, and its command is the runtime's.
pub fn user_start(
    plan: &mut PhpPlan,
    start: &crate::commands::Set<Vec<String>>,
    found: &std::collections::BTreeSet<String>,
) -> Result<Step, String> {
    if plan.web || plan.roadrunner {
        return Err("a web application is served by php-fpm behind nginx (or by RoadRunner), whose command is the runtime's own; a start names a PHP program run from the command line (php SCRIPT [ARGS])".to_string());
    }
    let words = &start.value;
    let (script, args) = match words[0].as_str() {
        "php" | "/usr/bin/php" => match words.get(1) {
            Some(script) if !script.starts_with('-') => (script, &words[2..]),
            _ => return Err("php needs the script to run: name it, such as `php bin/worker.php`".to_string()),
        },
        program if program.ends_with(".php") => (&words[0], &words[1..]),
        program => {
            return Err(format!(
                "the PHP runtime runs php alone, so a start is `php SCRIPT [ARGS]` or a .php script of the project; {program} is not in the image"
            ));
        }
    };
    let relative = crate::repo::within("", script)
        .map_err(|_| format!("{script} is outside the project"))?;
    if !found.contains(&relative) {
        return Err(format!(
            "{relative} is not a file of the project, so the image will not hold it (looked for it from the project root)"
        ));
    }
    let interpreter = plan.entrypoint[0].clone();
    plan.entrypoint = std::iter::once(interpreter)
        .chain(std::iter::once(format!("{APP_DIR}/{relative}")))
        .chain(args.iter().cloned())
        .collect();
    let shown = crate::commands::shown(words);
    Ok(Step {
        question: "Which script does php run?".to_string(),
        answer: format!(
            "{} (set by {}: the runtime's php on the script in the image, with its arguments; replaces what detection chose)",
            crate::commands::shown(&plan.entrypoint),
            start.by
        ),
        evidence: vec![crate::commands::steps::evidence("start", start, &shown)],
    })
}
