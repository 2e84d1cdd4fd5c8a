//! Benchmark (not a timed test): median wall time of `shiplight init --stdout` per fixture, and
//! on a tree of 20,000 files under node_modules/ and 20,000 under target/ with no .git. When
//! `nixpacks` is on the PATH (`cargo install nixpacks --version 1.41.0`), `nixpacks plan` is timed
//! on the same trees in the same run, with the ratio. Run with `cargo bench --bench init`.
//! Goals: every fixture within max(3 ms, nixpacks / 5); the 40,000-file tree within 15 ms.
//! `BENCH_SHIPLIGHT_BIN` names another binary to time (`tests/bench/run.sh` builds the static
//! binary shiplight's own Dockerfile ships and passes it). The run exits 1 when any goal,
//! the 100,000-directory walk included, is missed.

#[path = "../common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 41;
const NIXPACKS_RUNS: usize = 11;
const TREE_AIM: Duration = Duration::from_millis(15);
const FLOOR: Duration = Duration::from_millis(3);

/// One run's wall time; the command must succeed.
fn once(command: impl FnOnce() -> Command) -> Duration {
    let mut command = command();
    let start = Instant::now();
    let status = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run");
    let elapsed = start.elapsed();
    assert!(status.success(), "{command:?}");
    elapsed
}

/// The median of `times`.
fn middle(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn median(runs: usize, mut command: impl FnMut() -> Command) -> Duration {
    let mut times: Vec<Duration> = (0..runs).map(|_| once(&mut command)).collect();
    middle(&mut times)
}

/// The binary timed: `BENCH_SHIPLIGHT_BIN` (not a SHIPLIGHT_ variable, which shiplight would
/// read as a setting), else the one cargo built for the bench.
fn binary() -> String {
    std::env::var("BENCH_SHIPLIGHT_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_shiplight").to_string())
}

/// Whether nixpacks is installed and can plan the tree.
fn nixpacks_plans(root: &Path) -> bool {
    Command::new("nixpacks")
        .arg("plan")
        .arg(root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
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

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let floor = median(RUNS, || Command::new("true"));
    let version = median(RUNS, || {
        let mut command = Command::new(binary());
        command.arg("--version");
        command
    });
    println!(
        "process start on this machine: {:.2} ms (`true`), {:.2} ms (`shiplight --version`)",
        ms(floor),
        ms(version)
    );
    println!(
        "{:<40} {:>10} {:>10} {:>8}  goal",
        "case", "shiplight", "nixpacks", "ratio"
    );
    // Rounds: each round runs every case once, so a burst of load on the machine spreads over
    // all cases instead of filling one case's whole sample.
    let mut ours: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    for _ in 0..RUNS {
        for (index, (_, root, args)) in cases.iter().enumerate() {
            ours[index].push(once(|| {
                let mut command = Command::new(binary());
                command.args(["init", "--stdout"]).arg(root).args(args);
                command
            }));
        }
    }
    let plans: Vec<bool> = cases
        .iter()
        .map(|(_, root, _)| nixpacks_plans(root))
        .collect();
    let mut theirs: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    for _ in 0..NIXPACKS_RUNS {
        for (index, (_, root, _)) in cases.iter().enumerate() {
            if plans[index] {
                theirs[index].push(once(|| {
                    let mut command = Command::new("nixpacks");
                    command.arg("plan").arg(root);
                    command
                }));
            }
        }
    }
    let mut missed = 0;
    for (index, (name, _, _)) in cases.iter().enumerate() {
        let ours = middle(&mut ours[index]);
        let theirs = (!theirs[index].is_empty()).then(|| middle(&mut theirs[index]));
        let tree = index + 1 == cases.len();
        let goal = if tree {
            TREE_AIM
        } else {
            theirs.map_or(FLOOR, |t| FLOOR.max(t / 5))
        };
        let met = ours <= goal;
        missed += usize::from(!met);
        println!(
            "{name:<40} {:>7.2} ms {:>10} {:>8}  {} {:.1} ms",
            ms(ours),
            theirs.map_or("-".to_string(), |t| format!("{:.2} ms", ms(t))),
            theirs.map_or("-".to_string(), |t| format!("{:.1}x", ms(t) / ms(ours))),
            if met { "met" } else { "MISSED" },
            ms(goal)
        );
    }
    println!("{} cases, {missed} missed their goal", cases.len());

    let many = temp.path().join("many");
    for index in 0..100_000 {
        std::fs::create_dir_all(many.join(format!("d{index:06}"))).unwrap();
    }
    let service = many.join("app");
    std::fs::create_dir_all(&service).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/go-basic");
    for name in ["go.mod", "main.go"] {
        std::fs::copy(fixture.join(name), service.join(name)).unwrap();
    }
    let all = median(11, || {
        let mut command = Command::new(binary());
        command.args(["init", "--all", "--force"]).arg(&many);
        command
    });
    let met = all <= Duration::from_secs(1);
    missed += usize::from(!met);
    println!(
        "init --all over 100,000 empty directories: {:.1} ms ({})",
        ms(all),
        if met { "met 1 s" } else { "MISSED 1 s" }
    );
    if missed > 0 {
        eprintln!("{missed} goal(s) missed");
        std::process::exit(1);
    }
}
