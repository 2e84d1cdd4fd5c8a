//! The Python decision tree: the vendor's python runtime image, unless
//! the project's Python constraint excludes the interpreter it carries.

use crate::catalog::{Family, Vendor};
use crate::trace::{Condition, Node};

/// The project's Python constraint excludes distroless python3's interpreter.
pub const REJECTS_DISTROLESS: &str = "python-excludes-distroless";
/// The project's Python constraint excludes Chainguard python's interpreter.
pub const REJECTS_CHAINGUARD: &str = "python-excludes-chainguard";

/// A dependency builds from source against a system library (psycopg2 and libpq).
pub const SYSTEM_LIBRARY: &str = "python-system-library";

/// Families a Python application can run on.
pub const USABLE: &[Family] = &[Family::Language];

/// The Python tree.
pub fn tree() -> Node {
    Node::ask(
        "Does the project's Python constraint exclude this vendor's interpreter?",
        Condition::Any(vec![
            Condition::All(vec![
                Condition::Vendor(Vendor::Distroless),
                Condition::Signal(REJECTS_DISTROLESS),
            ]),
            Condition::All(vec![
                Condition::Vendor(Vendor::Chainguard),
                Condition::Signal(REJECTS_CHAINGUARD),
            ]),
        ]),
        Node::Refuse {
            reason: "the project's Python constraint excludes the interpreter of this vendor's runtime image, and an image must not run Python the project rejects. The evidence says which vendor fits, if one does; otherwise widen requires-python (or .python-version)",
        },
        Node::ask(
            "Does a dependency build against a system library Chainguard's builder has no headers for?",
            Condition::All(vec![
                Condition::Vendor(Vendor::Chainguard),
                Condition::Signal(SYSTEM_LIBRARY),
            ]),
            Node::Refuse {
                reason: "a dependency compiles against a system library (libpq for psycopg2): Chainguard's python:latest-dev has a C compiler but not the library's headers, and the free tier's python runtime lacks the library. Use the package's binary wheel (the evidence names it), or --vendor distroless, whose builder has the headers and whose runtime gets the library copied in",
            },
            Node::Use {
                family: Family::Language,
                reason: "the python runtime image carries the interpreter; the virtual environment brings the dependencies",
            },
        ),
    )
}
