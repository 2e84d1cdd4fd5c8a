//! The Go decision tree: no cgo -> static; cgo -> base, or cc with C++.

use crate::catalog::Family;
use crate::trace::{Condition, Node};

/// `import "C"` in a package the main package builds.
pub const CGO_IMPORT: &str = "cgo-import";
/// A dependency that builds only with cgo.
pub const CGO_DEPENDENCY: &str = "cgo-dependency";
/// The project's own deployment builds the main package with CGO_ENABLED=0.
pub const CGO_OFF: &str = "cgo-off";
/// C++ sources or libstdc++ linked through cgo.
pub const CXX: &str = "cxx";

/// Families a Go binary can run on.
pub const USABLE: &[Family] = &[Family::Static, Family::Base, Family::Cc];

/// The Go tree.
pub fn tree() -> Node {
    Node::ask(
        "Does the main package need cgo?",
        Condition::All(vec![
            Condition::Any(vec![
                Condition::Signal(CGO_IMPORT),
                Condition::Signal(CGO_DEPENDENCY),
            ]),
            Condition::Not(Box::new(Condition::Signal(CGO_OFF))),
        ]),
        Node::ask(
            "Does it link C++?",
            Condition::Signal(CXX),
            Node::Use {
                family: Family::Cc,
                reason: "cgo with C++ needs glibc and libstdc++; the build runs on the target platform (cross-compiling needs that platform's C and C++ toolchain)",
            },
            Node::Use {
                family: Family::Base,
                reason: "cgo links glibc dynamically; the build runs on the target platform (cross-compiling needs that platform's C toolchain)",
            },
        ),
        Node::Use {
            family: Family::Static,
            reason: "CGO_ENABLED=0 gives a static binary that needs no C library, cross-compiled on the build platform for linux/amd64 and linux/arm64",
        },
    )
}
