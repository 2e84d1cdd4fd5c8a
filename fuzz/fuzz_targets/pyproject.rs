//! Fuzzes pyproject.toml: arbitrary bytes as the project's pyproject.toml.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    shiplight_fuzz::run(&[("pyproject.toml", data), ("main.py", b"print(1)\n")]);
});
