//! The Rust decision tree: system libraries no image has -> cc with
//! the libraries copied from the builder (Chainguard: refuse);
//! system OpenSSL (unless the project's own image runs the binary on `scratch`, proof that its
//! build links none) -> cc (Chainguard: glibc-dynamic with libssl and libcrypto copied from the
//! builder); C++ -> cc;
//! jemalloc -> cc; otherwise a static binary with +crt-static.

use crate::catalog::{Family, Vendor};
use crate::trace::{Condition, Node};

/// A `-sys` crate linking a system library that no runtime image carries.
pub const SYSTEM_LIBS: &str = "system-libraries";
/// openssl-sys without openssl-src.
pub const SYSTEM_OPENSSL: &str = "system-openssl";
/// A crate linking libstdc++.
pub const CXX: &str = "cxx";

/// The project's own image runs the binary `FROM scratch`: nothing it links is shared.
pub const SHIPPED_STATIC: &str = "shipped-static";

/// A crate that replaces the C allocator (jemalloc).
pub const ALLOCATOR: &str = "allocator";

/// The signal that a need (one of the signals above) is reached only through features the
/// build leaves off: its evidence answers the need's question "no".
pub fn left_off(need: &str) -> &'static str {
    match need {
        SYSTEM_LIBS => "system-libraries-left-off",
        SYSTEM_OPENSSL => "system-openssl-left-off",
        CXX => "cxx-left-off",
        _ => "allocator-left-off",
    }
}

/// A need's condition: its signal, answered "no" with the features left off that alone would
/// bring it, when that is why it is absent.
fn need(signal: &'static str) -> Condition {
    Condition::All(vec![
        Condition::Not(Box::new(Condition::Signal(left_off(signal)))),
        Condition::Signal(signal),
    ])
}

/// Families a Rust binary can run on: static with crt-static, or cc for glibc's libgcc_s.
pub const USABLE: &[Family] = &[Family::Static, Family::Cc];

/// The Rust tree.
pub fn tree() -> Node {
    Node::ask(
        "Does the graph link a system library no runtime image carries?",
        need(SYSTEM_LIBS),
        Node::ask(
            "Is the vendor Chainguard?",
            Condition::Vendor(Vendor::Chainguard),
            Node::Refuse {
                reason: "a dependency links a system library that no Chainguard runtime carries, and Chainguard's rust builder has no headers for it: enable its bundled/static feature (for example rusqlite's `bundled`, pq-sys's `bundled`), or use --vendor distroless",
            },
            Node::Use {
                family: Family::Cc,
                reason: "a dependency links a system library no runtime image carries: the binary links it dynamically on cc, and the build copies that library, with what it links, from the builder into the runtime; the build runs on the target platform (cross-compiling needs the library built for it)",
            },
        ),
        Node::ask(
            "Does it link the system OpenSSL?",
            Condition::All(vec![
                need(SYSTEM_OPENSSL),
                Condition::Not(Box::new(Condition::Signal(SHIPPED_STATIC))),
            ]),
            Node::ask(
                "Is the vendor Chainguard?",
                Condition::Vendor(Vendor::Chainguard),
                Node::Use {
                    family: Family::Cc,
                    reason: "links the system OpenSSL, which Chainguard's rust builder has and glibc-dynamic lacks: the build copies libssl and libcrypto, with what they link, from the builder into the runtime, and stops if one is missing (the linkage check); the build runs on the target platform",
                },
                Node::Use {
                    family: Family::Cc,
                    reason: "links the system OpenSSL, and cc carries libssl3t64 with glibc and libgcc_s; the build runs on the target platform (cross-compiling needs its OpenSSL)",
                },
            ),
            Node::ask(
                "Does it link C++?",
                need(CXX),
                Node::Use {
                    family: Family::Cc,
                    reason: "C++ code needs libstdc++ and libgcc_s; the build runs on the target platform (cross-compiling needs its C++ toolchain)",
                },
                Node::ask(
                    "Does jemalloc replace the C allocator?",
                    need(ALLOCATOR),
                    Node::Use {
                        family: Family::Cc,
                        reason: "jemalloc takes malloc's name (unprefixed_malloc_on_supported_platforms), which a statically linked glibc also defines (duplicate symbols at link time): the binary links glibc dynamically on cc",
                    },
                    Node::Use {
                    family: Family::Static,
                    reason: "pure Rust (and C built statically by -sys crates) links into one static-pie binary with +crt-static; on distroless it is cross-compiled on the build platform for linux/amd64 and linux/arm64 (rustup adds the target, Debian's cross gcc links it)",
                },
                ),
            ),
        ),
    )
}
