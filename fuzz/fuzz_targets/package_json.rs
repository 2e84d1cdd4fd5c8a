//! Fuzzes package.json: arbitrary bytes as the project's package.json.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    shiplight_fuzz::run(&[("package.json", data), ("server.js", b"require(\"express\")().listen(3000)\n")]);
});
