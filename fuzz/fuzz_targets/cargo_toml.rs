//! Fuzzes Cargo.toml: arbitrary bytes as the project's Cargo.toml.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    shiplight_fuzz::run(&[("Cargo.toml", data), ("src/main.rs", b"fn main() {}\n")]);
});
