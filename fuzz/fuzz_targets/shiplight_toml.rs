//! Fuzzes shiplight.toml: arbitrary bytes as the project's settings file, beside a Go module.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    shiplight_fuzz::run(&[
        ("shiplight.toml", data),
        ("go.mod", b"module example.com/svc\n\ngo 1.26\n"),
        ("main.go", b"package main\n\nfunc main() {}\n"),
    ]);
});
