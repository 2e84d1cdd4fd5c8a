//! The Node.js decision tree: a static site is served by nginx; else
//! the vendor's node runtime image, and native addons change the builder (full trixie image of
//! the same major), never the runtime.

use crate::catalog::Family;
use crate::trace::{Condition, Node};

/// A native addon is compiled during the install.
pub const NATIVE_ADDON: &str = "native-addon";

/// The build writes files and nothing runs on the server.
pub const STATIC_SITE: &str = "static-site";

/// Families a Node.js application can run on.
pub const USABLE: &[Family] = &[Family::Language, Family::Web];

/// The Node.js tree.
pub fn tree() -> Node {
    Node::ask(
        "Does the build only write files (a static site)?",
        Condition::Signal(STATIC_SITE),
        Node::Use {
            family: Family::Web,
            reason: "nothing runs on the server: nginx serves the built files as 65532 without a shell (Chainguard's nginx for both vendors, as distroless publishes no web server; a server of shiplight's own would be new code facing hostile requests)",
        },
        Node::ask(
            "Does the install compile a native addon?",
            Condition::Signal(NATIVE_ADDON),
            Node::Use {
                family: Family::Language,
                reason: "the node runtime image (built on cc) runs addons compiled on a trixie builder of the same Node major",
            },
            Node::Use {
                family: Family::Language,
                reason: "the node runtime image carries node; production node_modules are copied in",
            },
        ),
    )
}
