//! Fuzzes pom.xml: arbitrary bytes as the project's pom.xml.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    shiplight_fuzz::run(&[("pom.xml", data), ("src/main/java/a/Main.java", b"package a;\n")]);
});
