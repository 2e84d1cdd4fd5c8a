//! The examples of the README and of `docs/`: every ```console block is run against the binary
//! (with trycmd, from the repository's root) and its output compared, so an example that no
//! longer matches what shiplight prints fails the suite. `[..]` in an expected line and a line
//! `...` stand for text the example leaves out. After a deliberate change of output, refresh
//! them with `TRYCMD=overwrite cargo test --test integration docs::` and read the diff.

use std::path::Path;

#[test]
fn every_example_in_the_readme_and_docs_prints_what_it_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cases = trycmd::TestCases::new();
    cases
        .register_bin("shiplight", Path::new(env!("CARGO_BIN_EXE_shiplight")))
        .env("NO_COLOR", "1")
        .case(root.join("README.md"))
        .case(root.join("docs/*.md"));
    cases.run();
}
