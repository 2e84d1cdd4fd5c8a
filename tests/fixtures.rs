//! One snapshot per fixture under tests/fixtures/: the plan, the Dockerfile, the .dockerignore,
//! any other generated file and the shiplight.toml `init` writes, so a review shows everything a
//! change does to the output at once. Each shiplight.toml must reproduce the files byte for byte.
//! Sentences of the library that many plans carry are kept once, in snapshots/prose.snap; a plan
//! snapshot names each by its place in the library (`[catalog::DHI_NOT_OFFERED]`).

use crate::common::{all, args, fixtures, refused};
use crate::harness::shiplight;
use clap::Parser;
use shiplight::cli::{Cli, Command};
use shiplight::repo::Repo;
use shiplight::stacks::rust::metadata;
use shiplight::{Environment, Generated, config, settings::Layer};
use std::path::Path;

/// The library's sentences that many plans carry, by their place in the library.
const PROSE: &[(&str, &str)] = &[
    (
        "catalog::DHI_NOT_OFFERED",
        shiplight::catalog::DHI_NOT_OFFERED,
    ),
    (
        "stacks::output::INSTALL_ON_TARGET",
        shiplight::stacks::output::INSTALL_ON_TARGET,
    ),
    (
        "stacks::health::NO_ENDPOINT",
        shiplight::stacks::health::NO_ENDPOINT,
    ),
    (
        "stacks::node::plan::PRELOADED_STOP",
        shiplight::stacks::node::plan::PRELOADED_STOP,
    ),
];

/// The plan's JSON with each sentence of `PROSE` replaced by its name in brackets.
fn plan_json(plan: &impl serde::Serialize) -> String {
    let json = serde_json::to_string_pretty(plan).unwrap();
    PROSE.iter().fold(json, |json, (name, sentence)| {
        let quoted = serde_json::to_string(sentence).unwrap();
        json.replace(&quoted[1..quoted.len() - 1], &format!("[{name}]"))
    })
}

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
    if all(fixture) {
        return generate_all(fixture, &init.overrides);
    }
    let result = shiplight::generate_in(fixture, &init.overrides, &Environment::default());
    if refused(fixture) {
        let err = result
            .err()
            .unwrap_or_else(|| panic!("{}: expected a refusal", fixture.display()));
        return format!("==> error (exit {}) <==\n{err}\n", err.exit_code());
    }
    let generated = result.unwrap_or_else(|err| panic!("{}: {err}", fixture.display()));
    assert_reproduced(fixture, &generated);
    let mut snapshot = format!("==> plan.json <==\n{}\n", plan_json(&generated.plan));
    for output in generated.outputs.iter().chain([&generated.config]) {
        snapshot.push_str(&format!("==> {} <==\n{}", output.name, output.contents));
    }
    snapshot
}

/// What `init --all` writes for a fixture of several applications: each application's plan
/// under its Dockerfile's path, then every file.
fn generate_all(fixture: &Path, overrides: &shiplight::cli::Overrides) -> String {
    let (services, files) =
        shiplight::monorepo::generate(fixture, overrides, &Environment::default())
            .unwrap_or_else(|err| panic!("{}: {err}", fixture.display()));
    let mut snapshot = String::new();
    for service in &services {
        snapshot.push_str(&format!(
            "==> {}: plan.json <==\n{}\n",
            service.dockerfile(),
            plan_json(&service.generated.plan)
        ));
    }
    for output in files {
        snapshot.push_str(&format!("==> {} <==\n{}", output.name, output.contents));
    }
    snapshot
}

/// The shiplight.toml alone, without the fixture's flags, gives the same files.
fn assert_reproduced(fixture: &Path, generated: &Generated) {
    let layer = config::parse(
        &generated.config.contents,
        config::FILE_NAME,
        config::Base::Project {
            repo: &Repo::new(fixture),
            dir: "",
        },
    )
    .unwrap_or_else(|err| panic!("{}: {err}", fixture.display()));
    let again = shiplight::generate_layers(fixture, &[layer], Layer::default())
        .unwrap_or_else(|err| panic!("{}: from its shiplight.toml: {err}", fixture.display()));
    assert_eq!(
        generated.outputs,
        again.outputs,
        "{}: shiplight.toml does not reproduce the files",
        fixture.display()
    );
    assert_eq!(
        generated.config,
        again.config,
        "{}: shiplight.toml is not stable",
        fixture.display()
    );
}

#[test]
fn sentences_many_plans_carry_match_their_snapshot() {
    let prose: String = PROSE
        .iter()
        .map(|(name, sentence)| format!("==> {name} <==\n{sentence}\n"))
        .collect();
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("prose", prose);
    });
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

/// Each Rust fixture reads the same through `cargo metadata` as through the plain reading; the
/// metadata side must really be cargo's (a failing `cargo metadata` falls back to the plain
/// reading, which would make the two agree trivially); a fixture of several applications is
/// written with the plain reading and checked with cargo's. A fixture whose workspace names a
/// git submodule that is not checked out is left out: cargo cannot read such a workspace at all.
/// A fixture shiplight refuses gives the same refusal both ways.
#[test]
fn cargo_metadata_and_plain_reading_agree() {
    let mut read = 0;
    for fixture in fixtures() {
        if !fixture.join("Cargo.toml").exists() || fixture.join(".gitmodules").exists() {
            continue;
        }
        assert!(
            metadata::read(&Repo::new(&fixture)).is_some(),
            "{}: cargo metadata cannot read it",
            fixture.display()
        );
        if all(&fixture) {
            let dir = tempfile::tempdir().unwrap();
            crate::common::copy_dir(&fixture, dir.path());
            shiplight()
                .args(["init", "--all"])
                .arg(dir.path())
                .env(metadata::SWITCH, "never")
                .run();
            shiplight()
                .args(["check", "--all"])
                .arg(dir.path())
                .env(metadata::SWITCH, "always")
                .run();
            read += 1;
            continue;
        }
        let code = if refused(&fixture) { 2 } else { 0 };
        let explain = |mode: &str| {
            let run = shiplight()
                .arg("explain")
                .arg(&fixture)
                .arg("--json")
                .args(args(&fixture))
                .env(metadata::SWITCH, mode)
                .status(code);
            run.stdout + &run.stderr
        };
        assert_eq!(explain("always"), explain("never"), "{}", fixture.display());
        read += 1;
    }
    assert!(read > 0, "no Rust fixture");
}
