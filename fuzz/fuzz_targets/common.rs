//! Shared by every fuzz target: writes the fuzzer's bytes as one manifest of a throw-away project
//! (beside fixed companion files), then runs detection, every stack's report, and generation.
//! Any outcome is fine except a panic; errors must carry a message.

use shiplight::cli::Overrides;
use std::path::Path;

/// Writes `files` (the fuzz input among them) into a new directory and runs shiplight on it.
pub fn run(files: &[(&str, &[u8])]) {
    std::env::set_var("SHIPLIGHT_CARGO_METADATA", "never");
    let dir = tempfile::tempdir().expect("temporary directory");
    for (path, bytes) in files {
        let path = dir.path().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create directory");
        }
        std::fs::write(&path, bytes).expect("write file");
    }
    exercise(dir.path());
}

fn exercise(root: &Path) {
    for report in shiplight::detect::detect_all(&shiplight::repo::Repo::new(root)) {
        let _ = serde_json_string(&report);
    }
    if let Err(err) = shiplight::generate(root, &Overrides::default()) {
        assert!(!err.to_string().is_empty(), "an error without a message");
    }
}

fn serde_json_string(report: &shiplight::detect::Report) -> usize {
    format!("{report:?}").len()
}
