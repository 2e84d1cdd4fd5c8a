//! The decision trees: one case per rule, and completeness (every leaf reaches a catalogued
//! image for every vendor, and every stack has its templates).

use shiplight::catalog::{self, Family, Vendor};
use shiplight::decide::{self, Node};
use shiplight::evidence::Evidence;
use shiplight::facts::Signals;
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
        None,
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
    assert_eq!(
        case(Stack::Rust, &[SYSTEM_OPENSSL], Vendor::Chainguard),
        Ok(Family::Cc),
        "glibc-dynamic with libssl and libcrypto copied from the builder"
    );
    assert_eq!(
        case(Stack::Rust, &[SYSTEM_LIBS], Vendor::Distroless),
        Ok(Family::Cc)
    );
    assert!(
        case(Stack::Rust, &[SYSTEM_LIBS], Vendor::Chainguard)
            .unwrap_err()
            .contains("no Chainguard runtime carries")
    );
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
                    if !stacks::vendor_choice(stack) && vendor == Vendor::Distroless {
                        assert!(catalog::runtime(stack, vendor, *family, None).is_none());
                        continue;
                    }
                    assert!(
                        catalog::runtime(stack, vendor, *family, None).is_some(),
                        "{stack} {vendor} {family}"
                    );
                }
            }
        }
        for id in render::stack_templates(stack) {
            assert!(render::template(&id).is_some(), "missing template {id}");
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
    let cc = catalog::runtime(Stack::Rust, Vendor::Distroless, Family::Cc, None)
        .unwrap()
        .library_names();
    assert!(cc.contains(&"libssl.so.3") && cc.contains(&"libstdc++.so.6"));
    let cg = catalog::runtime(Stack::Rust, Vendor::Chainguard, Family::Cc, None)
        .unwrap()
        .library_names();
    assert!(!cg.contains(&"libssl.so.3"), "glibc-dynamic has no libssl");
}

#[test]
fn python_rules() {
    use stacks::python::tree::*;
    assert_eq!(
        case(Stack::Python, &[], Vendor::Distroless),
        Ok(Family::Language)
    );
    assert!(
        case(Stack::Python, &[REJECTS_DISTROLESS], Vendor::Distroless)
            .unwrap_err()
            .contains("admits no CPython release")
    );
    assert_eq!(
        case(Stack::Python, &[COPIED_INTERPRETER], Vendor::Distroless),
        Ok(Family::Language),
        "a constraint that excludes python3's interpreter runs a copied one"
    );
    assert_eq!(
        case(Stack::Python, &[COPIED_INTERPRETER], Vendor::Chainguard),
        Ok(Family::Language),
        "a constraint that only excludes distroless python3 leaves Chainguard usable"
    );
    assert!(
        case(Stack::Python, &[REJECTS_CHAINGUARD], Vendor::Chainguard)
            .unwrap_err()
            .contains("--vendor distroless")
    );
}

#[test]
fn every_supported_cpython_runs_on_distroless() {
    let rows = catalog::language_runtimes(Stack::Python, Vendor::Distroless);
    let selectors: Vec<&str> = rows
        .iter()
        .map(|row| row.language.unwrap().selector)
        .collect();
    assert_eq!(selectors, ["3.10", "3.11", "3.12", "3.13", "3.14"]);
    for row in rows {
        let language = row.language.unwrap();
        if language.copied {
            assert_eq!(row.repository, "gcr.io/distroless/cc-debian13");
            assert_eq!(
                language.interpreter,
                format!("/usr/local/bin/python{}", language.selector),
                "the official python image's path, kept in the runtime"
            );
        } else {
            assert_eq!(row.repository, "gcr.io/distroless/python3-debian13");
        }
    }
}

#[test]
fn node_rules() {
    use stacks::node::tree::*;
    for signals in [&[][..], &[NATIVE_ADDON][..]] {
        for vendor in [Vendor::Distroless, Vendor::Chainguard] {
            assert_eq!(case(Stack::Node, signals, vendor), Ok(Family::Language));
        }
    }
}

#[test]
fn language_images_are_chosen_per_stack_and_major() {
    let image = |stack, vendor, version| {
        catalog::runtime(stack, vendor, Family::Language, version)
            .map(|row| row.repository)
            .unwrap()
    };
    assert_eq!(
        image(Stack::Python, Vendor::Distroless, None),
        "gcr.io/distroless/python3-debian13"
    );
    assert_eq!(
        image(Stack::Node, Vendor::Distroless, Some("24")),
        "gcr.io/distroless/nodejs24-debian13"
    );
    assert_eq!(
        image(Stack::Node, Vendor::Chainguard, Some("22")),
        "cgr.dev/chainguard/node",
        "Chainguard's free tier has one node image"
    );
    assert!(
        catalog::runtime(
            Stack::Node,
            Vendor::Distroless,
            Family::Language,
            Some("18")
        )
        .is_none()
    );
    assert!(catalog::runtime(Stack::Go, Vendor::Distroless, Family::Language, None).is_none());
}
