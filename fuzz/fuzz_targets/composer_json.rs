//! Fuzzes composer.json: arbitrary bytes as the project's composer.json, beside a web root.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    shiplight_fuzz::run(&[("composer.json", data), ("public/index.php", b"<?php echo 1;\n")]);
});
