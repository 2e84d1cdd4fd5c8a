//! Fuzzes build.gradle.kts: arbitrary bytes as the build script of a project with one subproject.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    shiplight_fuzz::run(&[
        ("settings.gradle.kts", b"rootProject.name = \"svc\"\ninclude(\"app\")\n"),
        ("build.gradle.kts", data),
        ("app/build.gradle.kts", data),
    ]);
});
