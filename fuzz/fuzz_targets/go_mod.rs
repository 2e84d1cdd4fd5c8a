//! Fuzzes go.mod: arbitrary bytes as the project's go.mod.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    shiplight_fuzz::run(&[("go.mod", data), ("main.go", b"package main\nfunc main() {}\n")]);
});
