//! The image's health check: an exec-form command that asks the application's health path over
//! HTTP with what the runtime image already carries (node, python, java), or with a small static
//! probe built in the build stage where it carries no interpreter (Go, Rust). Never a shell, never
//! curl. Any answer below 500 counts as healthy, as an orchestrator's HTTP check does.

use crate::evidence::Evidence;
use crate::trace::Step;
use serde::Serialize;

/// Where a probe built in the build stage lives in the runtime image.
pub const PROBE_DIR: &str = "/usr/local/lib/shiplight";

/// The HEALTHCHECK of the runtime stage (and compose.yaml's healthcheck).
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    /// The HTTP path asked.
    pub path: String,
    pub port: u16,
    /// The exec-form command.
    pub command: Vec<String>,
    /// The probe the build stage makes for it: `go`, `rust` or `java`; `None` when the
    /// runtime's own interpreter asks.
    pub probe: Option<&'static str>,
    /// Where a probe lives in the runtime image.
    pub dir: &'static str,
}

/// How a runtime asks the health path.
#[derive(Debug, Clone, Copy)]
pub enum Asker<'a> {
    /// The node binary at this path.
    Node(&'a str),
    /// The python interpreter at this path.
    Python(&'a str),
    /// The java launcher at this path, with a probe class compiled in the build stage.
    Java(&'a str),
    /// The php CLI at this path asking PHP-FPM over FastCGI, as nginx does, for the front
    /// controller at `script` under the web root `root`.
    PhpFpm {
        php: &'a str,
        script: &'a str,
        root: &'a str,
    },
    /// A static probe built in the build stage from a few lines of the stack's own language:
    /// `go` or `rust`.
    Probe(&'static str),
}

impl Health {
    /// The check asking `path` on `port` with `asker`.
    pub fn new(asker: Asker<'_>, port: u16, path: &str) -> Health {
        let url = format!("http://127.0.0.1:{port}{path}");
        let (command, probe) = match asker {
            Asker::Node(node) => (
                vec![
                    node.to_string(),
                    "-e".to_string(),
                    format!(
                        "fetch(\"{url}\").then(function(r){{process.exit(Math.floor(r.status/500))}},function(){{process.exit(1)}})"
                    ),
                ],
                None,
            ),
            Asker::Python(python) => (
                vec![
                    python.to_string(),
                    "-c".to_string(),
                    format!(
                        "import sys, urllib.request, urllib.error\ntry:\n    urllib.request.urlopen(\"{url}\", timeout=4)\nexcept urllib.error.HTTPError as error:\n    sys.exit(error.code // 500)\nexcept Exception:\n    sys.exit(1)"
                    ),
                ],
                None,
            ),
            Asker::Java(java) => (
                vec![
                    java.to_string(),
                    "-cp".to_string(),
                    PROBE_DIR.to_string(),
                    "Health".to_string(),
                    url,
                ],
                Some("java"),
            ),
            Asker::PhpFpm { php, script, root } => (
                vec![
                    php.to_string(),
                    "-r".to_string(),
                    format!(
                        "$s=fsockopen('127.0.0.1',{port},$n,$e,3);if(!$s)exit(1);stream_set_timeout($s,4);$b='';foreach(['SCRIPT_FILENAME'=>'{script}','SCRIPT_NAME'=>'/index.php','DOCUMENT_ROOT'=>'{root}','REQUEST_METHOD'=>'GET','REQUEST_URI'=>'{path}','QUERY_STRING'=>'','SERVER_NAME'=>'localhost','SERVER_PORT'=>'80','SERVER_PROTOCOL'=>'HTTP/1.1','GATEWAY_INTERFACE'=>'CGI/1.1','REMOTE_ADDR'=>'127.0.0.1'] as $k=>$v)$b.=chr(strlen($k)).chr(strlen($v)).$k.$v;$r=function($t,$c){{return pack('CCnnCx',1,$t,1,strlen($c),0).$c;}};fwrite($s,$r(1,pack('nCx5',1,0)).$r(4,$b).$r(4,'').$r(5,''));$o='';while(strlen($h=(string)stream_get_contents($s,8))==8){{$u=unpack('Cv/Ct/nid/nlen/Cpad',$h);$c=$u['len']?(string)stream_get_contents($s,$u['len']):'';if($u['pad'])stream_get_contents($s,$u['pad']);if($u['t']==6)$o.=$c;if($u['t']==3)break;}}exit($o===''||preg_match('/^Status: *5/mi',$o)?1:0);"
                    ),
                ],
                None,
            ),
            Asker::Probe(language) => (
                vec![
                    format!("{PROBE_DIR}/health"),
                    format!("127.0.0.1:{port}"),
                    path.to_string(),
                ],
                Some(language),
            ),
        };
        Health {
            path: path.to_string(),
            port,
            command,
            probe,
            dir: PROBE_DIR,
        }
    }
}

/// The health check for a service: the path a setting gives, else the one detection found;
/// none without a path or a port. Returns the check and the step that explains it.
pub fn choose(
    setting: Option<&str>,
    detected: Option<&(String, Evidence)>,
    port: Option<u16>,
    asker: Asker<'_>,
    how: &str,
) -> (Option<Health>, Step) {
    let question = "Health check?".to_string();
    let (path, evidence) = match (setting, detected) {
        (Some(path), _) => (
            path.to_string(),
            Evidence::file("settings", format!("health-path = {path}")),
        ),
        (None, Some((path, evidence))) => (path.clone(), evidence.clone()),
        (None, None) => {
            return (
                None,
                Step {
                    question,
                    answer: "none: no health endpoint is known; name one with --health-path (or health-path in shiplight.toml)".to_string(),
                    evidence: Vec::new(),
                },
            );
        }
    };
    let Some(port) = port else {
        return (
            None,
            Step {
                question,
                answer: format!("none: {path} is known but no port is; set --port"),
                evidence: vec![evidence],
            },
        );
    };
    let health = Health::new(asker, port, &path);
    let step = Step {
        question,
        answer: format!("GET {path} on port {port} with {how}, in exec form; below 500 is healthy"),
        evidence: vec![evidence],
    };
    (Some(health), step)
}
