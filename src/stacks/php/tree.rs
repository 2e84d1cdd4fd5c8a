//! The PHP decision tree: distroless publishes no PHP image, so PHP
//! always runs on Chainguard's php images: `latest-fpm` behind nginx for a web application,
//! `latest` (the CLI) for a script or a RoadRunner server.

use crate::catalog::Family;
use crate::trace::{Condition, Node};

/// The application is served over HTTP.
pub const WEB: &str = "web-application";

/// RoadRunner serves HTTP and runs the PHP workers.
pub const ROADRUNNER: &str = "roadrunner-server";

/// Families a PHP application can run on.
pub const USABLE: &[Family] = &[Family::Language];

/// The PHP tree.
pub fn tree() -> Node {
    Node::ask(
        "Is it a web application?",
        Condition::Signal(WEB),
        Node::Use {
            family: Family::Language,
            reason: "PHP-FPM runs the application; nginx (a stage of its own) serves the web root and passes PHP to it",
        },
        Node::ask(
            "Does RoadRunner serve it?",
            Condition::Signal(ROADRUNNER),
            Node::Use {
                family: Family::Language,
                reason: "RoadRunner's rr binary serves HTTP and starts the PHP workers with the php CLI image's php",
            },
            Node::Use {
                family: Family::Language,
                reason: "the php CLI image runs the script",
            },
        ),
    )
}
