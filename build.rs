//! Rebuilds the crate when a file under `templates/` changes: the templates are embedded in the
//! binary, and the macro that embeds the folder cannot tell Cargo which files it read.

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=build.rs");
}
