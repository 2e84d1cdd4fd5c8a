//! The Node.js decision tree (field guide, section 3): the vendor's node runtime image; native
//! addons change the builder (full trixie image of the same major), never the runtime.

use crate::catalog::Family;
use crate::decide::{Condition, Node};

/// A native addon is compiled during the install.
pub const NATIVE_ADDON: &str = "native-addon";

/// Families a Node.js application can run on.
pub const USABLE: &[Family] = &[Family::Language];

/// The Node.js tree.
pub fn tree() -> Node {
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
    )
}
