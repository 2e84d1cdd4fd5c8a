//! Fuzzes main.go: arbitrary bytes as the project's main.go.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    shiplight_fuzz::run(&[("main.go", data), ("go.mod", b"module example.com/app\n\ngo 1.26\n")]);
});
