//! One snapshot per fixture under tests/fixtures/: the plan, the Dockerfile and the
//! .dockerignore, so a review shows everything a change does to the output at once.

mod common;

use clap::Parser;
use common::{args, fixtures, refused};
use shiplight::cli::{Cli, Command};
use std::path::Path;

fn generate(fixture: &Path) -> String {
    let mut argv = vec![
        "shiplight".to_string(),
        "init".to_string(),
        fixture.display().to_string(),
    ];
    argv.extend(args(fixture));
    let Command::Init(init) = Cli::parse_from(argv).command else {
        unreachable!()
    };
    let result = shiplight::generate(fixture, &init.overrides);
    if refused(fixture) {
        let err = result
            .err()
            .unwrap_or_else(|| panic!("{}: expected a refusal", fixture.display()));
        return format!("==> error (exit {}) <==\n{err}\n", err.exit_code());
    }
    let (plan, outputs) = result.unwrap_or_else(|err| panic!("{}: {err}", fixture.display()));
    let mut snapshot = format!(
        "==> plan.json <==\n{}\n",
        serde_json::to_string_pretty(&plan).unwrap()
    );
    for output in outputs {
        snapshot.push_str(&format!("==> {} <==\n{}", output.name, output.contents));
    }
    snapshot
}

#[test]
fn every_fixture_matches_its_snapshot() {
    let fixtures = fixtures();
    assert!(
        fixtures.len() >= 12,
        "expected the fixture set, found {}",
        fixtures.len()
    );
    for fixture in fixtures {
        let name = fixture.file_name().unwrap().to_str().unwrap().to_string();
        let snapshot = generate(&fixture);
        assert_eq!(
            snapshot,
            generate(&fixture),
            "{name}: output is not deterministic"
        );
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, snapshot);
        });
    }
}

#[test]
fn cargo_metadata_and_plain_reading_agree() {
    for fixture in fixtures() {
        if !fixture.join("Cargo.toml").exists() {
            continue;
        }
        let run = |mode: &str| {
            let output = std::process::Command::new(env!("CARGO_BIN_EXE_shiplight"))
                .arg("explain")
                .arg(&fixture)
                .arg("--json")
                .args(args(&fixture))
                .env("SHIPLIGHT_CARGO_METADATA", mode)
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{}: {}",
                fixture.display(),
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8(output.stdout).unwrap()
        };
        assert_eq!(run("auto"), run("never"), "{}", fixture.display());
    }
}
