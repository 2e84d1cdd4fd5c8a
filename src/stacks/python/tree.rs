//! The Python decision tree: the vendor's python runtime image, or on distroless, for a project
//! whose Python constraint excludes python3's interpreter, the CPython release it admits copied
//! into `cc`; a refusal when the vendor can run no Python the constraint admits.

use crate::catalog::{Family, Vendor};
use crate::trace::{Condition, Node};

/// The project's Python constraint admits none of the CPython releases distroless can run.
pub const REJECTS_DISTROLESS: &str = "python-excludes-distroless";
/// The project's Python constraint excludes Chainguard python's interpreter.
pub const REJECTS_CHAINGUARD: &str = "python-excludes-chainguard";
/// The project's Python constraint excludes distroless python3's interpreter but admits another
/// CPython release, whose interpreter is copied from the builder into `cc`.
pub const COPIED_INTERPRETER: &str = "python-interpreter-copied";

/// A dependency builds from source against a system library (psycopg2 and libpq).
pub const SYSTEM_LIBRARY: &str = "python-system-library";

/// Families a Python application can run on.
pub const USABLE: &[Family] = &[Family::Language];

/// The Python tree.
pub fn tree() -> Node {
    Node::ask(
        "Does the project's Python constraint exclude the one Python Chainguard's free tier publishes?",
        Condition::All(vec![
            Condition::Vendor(Vendor::Chainguard),
            Condition::Signal(REJECTS_CHAINGUARD),
        ]),
        Node::Refuse {
            reason: "the project's Python constraint excludes the interpreter of Chainguard's python image, and Chainguard's free tier publishes its latest Python only; an image must not run Python the project rejects. Use --vendor distroless, which runs every CPython release upstream supports (the evidence says which one fits)",
        },
        Node::ask(
            "Does the project's Python constraint exclude every CPython release distroless can run?",
            Condition::All(vec![
                Condition::Vendor(Vendor::Distroless),
                Condition::Signal(REJECTS_DISTROLESS),
            ]),
            Node::Refuse {
                reason: "the project's Python constraint admits no CPython release upstream supports, and an image must not run Python the project rejects. Widen requires-python (the evidence names the releases)",
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
                Node::ask(
                    "Does the project's Python constraint exclude the interpreter of distroless python3?",
                    Condition::All(vec![
                        Condition::Vendor(Vendor::Distroless),
                        Condition::Signal(COPIED_INTERPRETER),
                    ]),
                    Node::Use {
                        family: Family::Language,
                        reason: "the project's Python is not python3's: the official python builder's interpreter, its standard library and the shared libraries they link are copied into distroless cc (the glibc of the trixie builder); the virtual environment brings the dependencies",
                    },
                    Node::Use {
                        family: Family::Language,
                        reason: "the python runtime image carries the interpreter; the virtual environment brings the dependencies",
                    },
                ),
            ),
        ),
    )
}
