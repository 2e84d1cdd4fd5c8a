//! Rebuilds the crate when a file under `templates/` changes: the templates are embedded in the
//! binary, and the macro that embeds the folder cannot tell Cargo which files it read. Packs the
//! relative relocations of a static glibc binary (`DT_RELR`).

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=build.rs");
    if static_glibc() && glibc_packs_relocations() {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// The binary is linked statically against glibc (`-C target-feature=+crt-static` on a Linux gnu
/// target): it relocates itself at every start, and the nine thousand relative relocations of
/// its position-independent code take 224 KiB as a table of addends, read whole each time, and
/// 3 KiB as a bitmap (`-z pack-relative-relocs`, binutils 2.38 and later; an older linker
/// warns and keeps the table).
fn static_glibc() -> bool {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && var("CARGO_CFG_TARGET_FEATURE")
            .split(',')
            .any(|feature| feature == "crt-static")
}

/// The C library built against reads the bitmap when the binary relocates itself: glibc 2.36
/// and later (an older one would leave the packed addresses unrelocated). The build machine's
/// glibc is taken as the target's, as it is for a native build and for a cross build with the
/// same distribution's cross C library.
fn glibc_packs_relocations() -> bool {
    let Ok(out) = std::process::Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
    else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(version) = text.trim().strip_prefix("glibc ") else {
        return false;
    };
    let mut parts = version.split('.').map(|part| part.parse::<u32>().ok());
    matches!(
        (parts.next().flatten(), parts.next().flatten()),
        (Some(major), Some(minor)) if (major, minor) >= (2, 36)
    )
}
