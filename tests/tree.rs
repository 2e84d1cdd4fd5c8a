//! The decision trees: one case per rule, and completeness (every leaf reaches a catalogued
//! image for every vendor, and every stack has its templates).

use shiplight::catalog::{self, Family, Vendor};
use shiplight::decide::{self, Node};
use shiplight::detect::Signals;
use shiplight::evidence::Evidence;
use shiplight::render;
use shiplight::settings::Settings;
use shiplight::stack::Stack;
use shiplight::stacks;

fn case(stack: Stack, signals: &[&'static str], vendor: Vendor) -> Result<Family, String> {
    let mut set = Signals::default();
    for name in signals {
        set.add(name, [Evidence::file("test", *name)]);
    }
    let settings = Settings {
        vendor,
        ..Settings::default()
    };
    decide::decide(
        stack,
        &stacks::tree(stack),
        &set,
        &settings,
        stacks::usable_families(stack),
    )
    .map(|d| d.family)
    .map_err(|e| e.to_string())
}

#[test]
fn go_rules() {
    use stacks::go::tree::*;
    assert_eq!(case(Stack::Go, &[], Vendor::Distroless), Ok(Family::Static));
    assert_eq!(
        case(Stack::Go, &[CGO_IMPORT], Vendor::Distroless),
        Ok(Family::Base)
    );
    assert_eq!(
        case(Stack::Go, &[CGO_DEPENDENCY], Vendor::Chainguard),
        Ok(Family::Base)
    );
    assert_eq!(
        case(Stack::Go, &[CGO_IMPORT, CXX], Vendor::Distroless),
        Ok(Family::Cc)
    );
    assert_eq!(
        case(Stack::Go, &[CXX], Vendor::Distroless),
        Ok(Family::Static),
        "C++ without cgo is not linked"
    );
}

#[test]
fn rust_rules() {
    use stacks::rust::tree::*;
    assert_eq!(
        case(Stack::Rust, &[], Vendor::Distroless),
        Ok(Family::Static)
    );
    assert_eq!(
        case(Stack::Rust, &[CXX], Vendor::Distroless),
        Ok(Family::Cc)
    );
    assert_eq!(
        case(Stack::Rust, &[SYSTEM_OPENSSL], Vendor::Distroless),
        Ok(Family::Cc)
    );
    assert!(
        case(Stack::Rust, &[SYSTEM_OPENSSL], Vendor::Chainguard)
            .unwrap_err()
            .contains("no libssl")
    );
    assert!(case(Stack::Rust, &[SYSTEM_LIBS], Vendor::Distroless).is_err());
    assert_eq!(
        case(Stack::Rust, &[CXX], Vendor::Chainguard),
        Ok(Family::Cc)
    );
}

#[test]
fn every_leaf_has_an_image_for_every_vendor_and_templates_exist() {
    for &stack in Stack::ALL {
        let tree = stacks::tree(stack);
        let leaves = tree.leaves();
        assert!(!leaves.is_empty());
        for leaf in leaves {
            if let Node::Use { family, .. } = leaf {
                assert!(
                    stacks::usable_families(stack).contains(family),
                    "{stack}: {family}"
                );
                for vendor in [Vendor::Distroless, Vendor::Chainguard] {
                    assert!(
                        catalog::runtime(vendor, *family).is_some(),
                        "{stack} {vendor} {family}"
                    );
                }
            }
        }
        for id in render::stack_templates(stack) {
            assert!(
                render::TEMPLATES.iter().any(|(name, _)| *name == id),
                "missing template {id}"
            );
        }
    }
}

#[test]
fn runtimes_with_a_c_library_list_glibc_and_static_lists_nothing() {
    for row in catalog::RUNTIMES {
        let libs = row.library_names();
        match row.family {
            Family::Static => assert!(libs.is_empty(), "{}", row.repository),
            _ => assert!(libs.contains(&"libc.so.6"), "{}", row.repository),
        }
    }
    let cc = catalog::runtime(Vendor::Distroless, Family::Cc)
        .unwrap()
        .library_names();
    assert!(cc.contains(&"libssl.so.3") && cc.contains(&"libstdc++.so.6"));
    let cg = catalog::runtime(Vendor::Chainguard, Family::Cc)
        .unwrap()
        .library_names();
    assert!(!cg.contains(&"libssl.so.3"), "glibc-dynamic has no libssl");
}
