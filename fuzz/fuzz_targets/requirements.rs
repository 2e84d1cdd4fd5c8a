//! Fuzzes requirements.txt: arbitrary bytes as the project's requirements.txt.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    shiplight_fuzz::run(&[("requirements.txt", data), ("app.py", b"from flask import Flask\napp = Flask(__name__)\n")]);
});
