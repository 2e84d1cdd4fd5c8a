//! The Java decision tree: the vendor's JRE image, unless the project
//! compiles for a newer Java than that vendor's newest image runs.

use crate::catalog::{Family, Vendor};
use crate::trace::{Condition, Node};

/// The build produces a runnable artefact (evidence: the plugin that produces it).
pub const RUNNABLE: &str = "runnable-artefact";
/// The release is newer than distroless' newest Java image.
pub const TOO_NEW_DISTROLESS: &str = "java-newer-than-distroless";
/// The release is newer than Chainguard's jre:latest.
pub const TOO_NEW_CHAINGUARD: &str = "java-newer-than-chainguard";

/// Families a Java application can run on.
pub const USABLE: &[Family] = &[Family::Language];

/// The Java tree.
pub fn tree() -> Node {
    Node::ask(
        "Does the project compile for a newer Java than this vendor's newest runtime image?",
        Condition::Any(vec![
            Condition::All(vec![
                Condition::Vendor(Vendor::Distroless),
                Condition::Signal(TOO_NEW_DISTROLESS),
            ]),
            Condition::All(vec![
                Condition::Vendor(Vendor::Chainguard),
                Condition::Signal(TOO_NEW_CHAINGUARD),
            ]),
        ]),
        Node::Refuse {
            reason: "class files for a newer Java than the runtime's fail with UnsupportedClassVersionError; lower the release, or use the vendor the evidence names",
        },
        Node::ask(
            "Does the build produce a runnable artefact?",
            Condition::Signal(RUNNABLE),
            Node::Use {
                family: Family::Language,
                reason: "the JRE image runs the packaged artefact; the JDK and the build tool stay in the build stage",
            },
            Node::Refuse {
                reason: "the build produces no runnable artefact",
            },
        ),
    )
}
