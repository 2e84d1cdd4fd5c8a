//! Fuzzes Cargo.lock: arbitrary bytes as the project's Cargo.lock.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    shiplight_fuzz::run(&[("Cargo.lock", data), ("Cargo.toml", b"[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"), ("src/main.rs", b"fn main() {}\n")]);
});
