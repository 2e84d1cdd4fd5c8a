//! Benchmark (not a timed test): median wall time of `shiplight init --stdout` per fixture, and
//! on a tree of 20,000 files under node_modules/ and 20,000 under target/ with no .git.
//! Run with `cargo bench --bench init`; the aim is under 15 ms each.

#[path = "../common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 41;
const AIM: Duration = Duration::from_millis(15);

fn median(root: &Path, args: &[String], env: &[(&str, &str)]) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let status = Command::new(env!("CARGO_BIN_EXE_shiplight"))
                .args(["init", "--stdout"])
                .arg(root)
                .args(args)
                .envs(env.iter().copied())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .expect("run shiplight");
            let elapsed = start.elapsed();
            assert!(status.success(), "{}", root.display());
            elapsed
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn huge_tree(base: &Path) -> PathBuf {
    let root = base.join("huge");
    for (dir, ext) in [("node_modules", "js"), ("target/debug/deps", "rlib")] {
        for bucket in 0..200 {
            let path = root.join(dir).join(format!("pkg{bucket}"));
            std::fs::create_dir_all(&path).unwrap();
            for file in 0..100 {
                std::fs::write(path.join(format!("f{file}.{ext}")), b"x").unwrap();
            }
        }
    }
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go-basic");
    for name in ["go.mod", "main.go"] {
        std::fs::copy(fixture.join(name), root.join(name)).unwrap();
    }
    root
}

fn main() {
    let mut cases: Vec<(String, PathBuf, Vec<String>)> = common::fixtures()
        .into_iter()
        .filter(|p| !common::refused(p))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let args = common::args(&p);
            (name, p, args)
        })
        .collect();
    let temp = tempfile::tempdir().unwrap();
    cases.push((
        "huge tree (40,000 files, no .git)".to_string(),
        huge_tree(temp.path()),
        Vec::new(),
    ));

    println!(
        "{:<40} {:>12} {:>18}",
        "case", "median", "no cargo metadata"
    );
    let mut over = 0;
    for (name, root, args) in &cases {
        let default = median(root, args, &[]);
        let plain = median(root, args, &[("SHIPLIGHT_CARGO_METADATA", "never")]);
        let flag = if plain > AIM {
            "  over the 15 ms aim"
        } else {
            ""
        };
        over += usize::from(plain > AIM);
        println!(
            "{name:<40} {:>9.2} ms {:>15.2} ms{flag}",
            default.as_secs_f64() * 1000.0,
            plain.as_secs_f64() * 1000.0
        );
    }
    println!(
        "{} cases, {over} over the aim without cargo metadata",
        cases.len()
    );
}
