//! Fuzzes pnpm-workspace.yaml: arbitrary bytes as the project's pnpm-workspace.yaml.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    shiplight_fuzz::run(&[("pnpm-workspace.yaml", data), ("package.json", b"{\"name\":\"root\",\"private\":true}"), ("apps/api/package.json", b"{\"name\":\"api\",\"scripts\":{\"start\":\"node a.js\"}}")]);
});
