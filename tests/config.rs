//! Template repositories and CI: shiplight.toml and the environment under the flags, `check`,
//! custom templates, mirrors and digest pins, compose.yaml on request, monorepos with a bake
//! file, completions and the man page. Every case runs the binary on a copy of a fixture.

use crate::common::copy_dir;
use crate::harness::shiplight;
use std::path::{Path, PathBuf};

fn copy(relative: &str) -> (tempfile::TempDir, PathBuf) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(relative);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join(source.file_name().unwrap());
    copy_dir(&source, &target);
    (dir, target)
}

fn exposed(project: &Path, extra: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = shiplight();
    command
        .arg("init")
        .arg(project)
        .args(["--stdout", "--only", "dockerfile"])
        .args(extra);
    for (name, value) in env {
        command.env(name, value);
    }
    command
        .run()
        .stdout
        .lines()
        .find(|line| line.starts_with("EXPOSE "))
        .unwrap_or("no EXPOSE")
        .to_string()
}

#[test]
fn precedence_is_defaults_detection_file_environment_flags() {
    let (_keep, project) = copy("fixtures/go-basic");
    assert_eq!(exposed(&project, &[], &[]), "EXPOSE 8080", "detection");
    std::fs::write(project.join("shiplight.toml"), "port = 1111\n").unwrap();
    assert_eq!(
        exposed(&project, &[], &[]),
        "EXPOSE 1111",
        "file over detection"
    );
    let env = [("SHIPLIGHT_PORT", "2222")];
    assert_eq!(
        exposed(&project, &[], &env),
        "EXPOSE 2222",
        "environment over file"
    );
    assert_eq!(
        exposed(&project, &["--port", "3333"], &env),
        "EXPOSE 3333",
        "flag over environment"
    );
    let other = project.join("other.toml");
    std::fs::write(&other, "port = 4444\n").unwrap();
    assert_eq!(
        exposed(&project, &["--config", other.to_str().unwrap()], &[]),
        "EXPOSE 4444",
        "--config replaces shiplight.toml"
    );
    assert_eq!(
        exposed(
            &project,
            &[],
            &[("SHIPLIGHT_CONFIG", other.to_str().unwrap())]
        ),
        "EXPOSE 4444",
        "SHIPLIGHT_CONFIG replaces shiplight.toml"
    );
}

#[test]
fn the_install_scripts_variables_are_not_settings() {
    let (_keep, project) = copy("fixtures/go-basic");
    let env = [
        ("SHIPLIGHT_INSTALL_DIR", "/opt/shiplight/bin"),
        (
            "SHIPLIGHT_DOWNLOAD_URL",
            "https://mirror.example/releases/download",
        ),
        ("SHIPLIGHT_VERSION", "0.1.0"),
    ];
    assert_eq!(exposed(&project, &[], &env), "EXPOSE 8080");
}

#[test]
fn unknown_keys_and_bad_values_name_the_key_and_the_source() {
    let (_keep, project) = copy("fixtures/go-basic");
    let config = project.join("shiplight.toml");
    for (text, wanted) in [
        ("stak = \"go\"\n", "line 1: unknown key `stak`"),
        ("\nport = \"x\"\n", "line 2: `port` must be a port number"),
        (
            "vendor = \"acme\"\n",
            "`vendor` = \"acme\" is not one of distroless, chainguard",
        ),
        (
            "go-main = \"./cmd\\nRUN id\"\n",
            "`go-main` = \"./cmd\\nRUN id\" cannot be used",
        ),
        (
            "[mirrors]\n\"gcr.io\" = \"Bad Host\"\n",
            "\"Bad Host\" is not a registry prefix",
        ),
        ("port = \n", "line 1:"),
    ] {
        std::fs::write(&config, text).unwrap();
        let result = shiplight().arg("init").arg(&project).arg("--yes").output();
        assert_eq!(result.code, 2, "{text}: {}", result.stderr);
        assert!(
            result.stderr.contains("shiplight.toml"),
            "{text}: {}",
            result.stderr
        );
        assert!(result.stderr.contains(wanted), "{text}: {}", result.stderr);
    }
    std::fs::remove_file(&config).unwrap();
    for (name, value, wanted) in [
        (
            "SHIPLIGHT_PROT",
            "1",
            "environment variable SHIPLIGHT_PROT: unknown setting",
        ),
        (
            "SHIPLIGHT_COMPOSE",
            "maybe",
            "`compose` must be true or false",
        ),
        ("SHIPLIGHT_STACK", "cobol", "is not one of go, rust"),
    ] {
        let result = shiplight()
            .arg("init")
            .arg(&project)
            .env(name, value)
            .output();
        assert_eq!(result.code, 2, "{name}: {}", result.stderr);
        assert!(result.stderr.contains(wanted), "{name}: {}", result.stderr);
    }
    assert!(!project.join("Dockerfile").exists());
}

#[test]
fn init_then_check_round_trip() {
    let (_keep, project) = copy("fixtures/go-cmd-multi");
    let result = shiplight()
        .arg("init")
        .arg(&project)
        .args(["--go-main", "./cmd/worker", "--compose"])
        .output();
    assert_eq!(result.code, 0, "{}", result.stderr);
    let config = std::fs::read_to_string(project.join("shiplight.toml")).unwrap();
    assert!(config.contains("go-main = \"./cmd/worker\"\n"), "{config}");
    assert!(config.contains("compose = true\n"), "{config}");

    // The flags live on in shiplight.toml: check needs none of them.
    let result = shiplight().arg("check").arg(&project).output();
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    assert!(
        result.stdout.contains("up to date: 3 files"),
        "{}",
        result.stdout
    );

    let dockerfile = project.join("Dockerfile");
    let text = std::fs::read_to_string(&dockerfile).unwrap();
    std::fs::write(&dockerfile, text.replace("USER 65532:65532", "USER root")).unwrap();
    std::fs::remove_file(project.join("compose.yaml")).unwrap();
    let result = shiplight().arg("check").arg(&project).output();
    assert_eq!(result.code, 1, "{}", result.stderr);
    assert!(result.stdout.contains("(on disk)") && result.stdout.contains("(generated)"));
    assert!(
        result.stdout.contains("\n-USER root\n+USER 65532:65532\n"),
        "{}",
        result.stdout
    );
    assert!(
        result.stdout.contains("/dev/null (missing)"),
        "{}",
        result.stdout
    );
    assert!(result.stdout.contains("drift: "), "{}", result.stdout);

    // init keeps the existing shiplight.toml and refuses to clobber without --force.
    let result = shiplight().arg("init").arg(&project).output();
    assert_eq!(result.code, 1, "{}", result.stderr);
    assert!(result.stderr.contains("already exist"), "{}", result.stderr);
    let result = shiplight()
        .arg("init")
        .arg(&project)
        .arg("--force")
        .output();
    assert_eq!(result.code, 0, "{}", result.stderr);
    let result = shiplight().arg("check").arg(&project).output();
    assert_eq!(result.code, 0, "{}", result.stdout);
}

#[test]
fn compose_on_request_for_any_stack() {
    let (_keep, project) = copy("fixtures/python-fastapi-uv");
    let result = shiplight()
        .arg("init")
        .arg(&project)
        .args(["--compose", "--stdout"])
        .output();
    assert_eq!(result.code, 0, "{}", result.stderr);
    let compose = result
        .stdout
        .split("==> compose.yaml <==\n")
        .nth(1)
        .unwrap();
    let compose = compose.split("==> ").next().unwrap();
    for wanted in [
        "    build:\n      context: .\n",
        "    user: \"65532:65532\"\n",
        "    read_only: true\n",
        "    tmpfs:\n      - /tmp\n",
        "    ports:\n      - \"8000:8000\"\n",
    ] {
        assert!(compose.contains(wanted), "{wanted}\n{compose}");
    }
    let without = shiplight()
        .arg("init")
        .arg(&project)
        .arg("--stdout")
        .output();
    assert!(!without.stdout.contains("compose.yaml"));
}

#[test]
fn templates_override_by_path_and_export() {
    let (_keep, project) = copy("fixtures/go-basic");
    let templates = project.parent().unwrap().join("templates");
    let result = shiplight()
        .args(["templates", "export"])
        .arg(&templates)
        .output();
    assert_eq!(result.code, 0, "{}", result.stderr);
    for id in [
        "go/Dockerfile.j2",
        "partials/header.j2",
        "common/compose.yaml.j2",
    ] {
        assert!(templates.join(id).is_file(), "{id}");
    }
    let again = shiplight()
        .args(["templates", "export"])
        .arg(&templates)
        .output();
    assert_eq!(again.code, 1, "export never clobbers without --force");

    // The exported set renders exactly what the embedded one does.
    let embedded = shiplight()
        .arg("init")
        .arg(&project)
        .arg("--stdout")
        .output();
    let exported = shiplight()
        .arg("init")
        .arg(&project)
        .arg("--stdout")
        .arg("--templates")
        .arg(&templates)
        .output();
    assert_eq!(embedded.stdout, exported.stdout);

    let header = templates.join("partials/header.j2");
    let text = std::fs::read_to_string(&header).unwrap();
    std::fs::write(&header, format!("# Owned by the platform team.\n{text}")).unwrap();
    // A repository's own shiplight.toml names only places inside the project.
    std::fs::write(
        project.join("shiplight.toml"),
        format!("templates = {:?}\n", templates.to_str().unwrap()),
    )
    .unwrap();
    let outside = shiplight()
        .arg("init")
        .arg(&project)
        .arg("--stdout")
        .output();
    assert_eq!(outside.code, 2, "{}", outside.stderr);
    assert!(
        outside
            .stderr
            .contains("names only places inside the project; --templates or SHIPLIGHT_TEMPLATES may name others"),
        "{}",
        outside.stderr
    );
    let templates = {
        let inside = project.join("platform-templates");
        std::fs::rename(&templates, &inside).unwrap();
        inside
    };
    std::fs::write(
        project.join("shiplight.toml"),
        "templates = \"platform-templates\"\n",
    )
    .unwrap();
    let custom = shiplight()
        .arg("init")
        .arg(&project)
        .args(["--stdout", "--only", "dockerfile"])
        .output();
    assert_eq!(custom.code, 0, "{}", custom.stderr);
    assert!(
        custom.stdout.starts_with("# Owned by the platform team.\n"),
        "{}",
        custom.stdout
    );

    let dockerfile = templates.join("go/Dockerfile.j2");
    std::fs::write(&dockerfile, "FROM {{ builder.image }}\n{% if %}\n").unwrap();
    let broken = shiplight()
        .arg("init")
        .arg(&project)
        .arg("--stdout")
        .output();
    assert_eq!(broken.code, 2, "{}", broken.stderr);
    assert!(
        broken.stderr.contains("go/Dockerfile.j2: line 2:"),
        "{}",
        broken.stderr
    );
    std::fs::write(
        &dockerfile,
        "FROM {{ builder.image }}\n\n{{ builder.nope }}\n",
    )
    .unwrap();
    let broken = shiplight()
        .arg("init")
        .arg(&project)
        .arg("--stdout")
        .output();
    assert_eq!(broken.code, 2, "{}", broken.stderr);
    assert!(
        broken.stderr.contains("go/Dockerfile.j2: line 3:"),
        "{}",
        broken.stderr
    );
}

#[test]
fn mirrors_rewrite_and_digests_pin_every_image() {
    let (_keep, project) = copy("fixtures/php-laravel");
    let digest = format!("sha256:{}", "ab".repeat(32));
    let pins = project.join("images.lock");
    std::fs::write(
        &pins,
        format!(
            "# pins\ncgr.dev/chainguard/php:latest-fpm@{digest}\ncgr.dev/chainguard/nginx:latest@{digest}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        project.join("shiplight.toml"),
        "digests = \"images.lock\"\nno-syntax = true\n\n[mirrors]\n\"cgr.dev/chainguard\" = \"registry.example.com/cg\"\n",
    )
    .unwrap();
    let result = shiplight()
        .arg("init")
        .arg(&project)
        .args(["--stdout", "--only", "dockerfile"])
        .output();
    assert_eq!(result.code, 0, "{}", result.stderr);
    let text = result.stdout;
    assert!(!text.contains("# syntax="), "no-syntax from the file");
    assert!(!text.contains("cgr.dev"), "{text}");
    for wanted in [
        "ARG RUNTIME=production\n".to_string(),
        format!("FROM registry.example.com/cg/php:latest-fpm@{digest} AS runtime-production\n"),
        "FROM registry.example.com/cg/php:latest-fpm-dev AS runtime-debug\n".to_string(),
        "FROM --platform=$BUILDPLATFORM registry.example.com/cg/php:latest-dev AS build\n"
            .to_string(),
        format!("FROM registry.example.com/cg/nginx:latest@{digest} AS web\n"),
        "# hadolint ignore=DL3006\nFROM runtime-${RUNTIME}\n".to_string(),
    ] {
        assert!(text.contains(&wanted), "{wanted}\n{text}");
    }

    std::fs::write(&pins, "cgr.dev/chainguard/php:latest-fpm@sha256:1234\n").unwrap();
    let result = shiplight()
        .arg("init")
        .arg(&project)
        .arg("--stdout")
        .output();
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("images.lock:1:"),
        "{}",
        result.stderr
    );
    let result = shiplight()
        .arg("init")
        .arg(&project)
        .args(["--stdout", "--mirror", "gcr.io"])
        .output();
    assert_eq!(result.code, 2);
    assert!(
        result.stderr.contains("expected FROM=TO"),
        "{}",
        result.stderr
    );
}

#[test]
fn pins_lists_every_image_to_fill_and_the_filled_file_pins_every_from_line() {
    let (_keep, project) = copy("fixtures/go-basic");
    let listed = shiplight()
        .arg("pins")
        .arg(&project)
        .arg("--check")
        .output();
    assert_eq!(
        listed.code, 1,
        "unpinned images fail --check: {}",
        listed.stderr
    );
    let lines: Vec<&str> = listed
        .stdout
        .lines()
        .filter(|line| !line.starts_with('#'))
        .collect();
    assert_eq!(
        lines,
        [
            "gcr.io/distroless/static-debian13:debug-nonroot@sha256:",
            "gcr.io/distroless/static-debian13:nonroot@sha256:",
            "golang:1.26-trixie@sha256:",
        ]
    );
    let pins = project.join("images.lock");
    std::fs::write(&pins, &listed.stdout).unwrap();
    let unfilled = shiplight()
        .arg("init")
        .arg(&project)
        .args(["--stdout", "--digests"])
        .arg(&pins)
        .output();
    assert_eq!(unfilled.code, 2, "an empty digest is refused");
    assert!(
        unfilled.stderr.contains("images.lock:3"),
        "{}",
        unfilled.stderr
    );

    let filled = listed
        .stdout
        .replace("@sha256:\n", &format!("@sha256:{}\n", "0f".repeat(32)));
    std::fs::write(&pins, filled).unwrap();
    let checked = shiplight()
        .arg("pins")
        .arg(&project)
        .arg("--check")
        .arg("--digests")
        .arg(&pins)
        .output();
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);
    let text = shiplight()
        .arg("init")
        .arg(&project)
        .args(["--stdout", "--only", "dockerfile", "--digests"])
        .arg(&pins)
        .output()
        .stdout;
    let froms: Vec<&str> = text.lines().filter(|l| l.starts_with("FROM ")).collect();
    let digest = "0f".repeat(32);
    assert_eq!(
        froms,
        [
            format!("FROM gcr.io/distroless/static-debian13:nonroot@sha256:{digest} AS runtime-production").as_str(),
            format!("FROM gcr.io/distroless/static-debian13:debug-nonroot@sha256:{digest} AS runtime-debug").as_str(),
            format!("FROM --platform=$BUILDPLATFORM golang:1.26-trixie@sha256:{digest} AS build").as_str(),
            "FROM runtime-${RUNTIME}",
        ]
    );
}

#[test]
fn monorepo_init_all_writes_every_service_and_a_bake_file() {
    let (_keep, root) = copy("monorepo/shop");
    let result = shiplight().arg("init").arg(&root).arg("--all").output();
    assert_eq!(result.code, 0, "{}", result.stderr);
    let mut snapshot = String::new();
    for name in [
        "docker-bake.hcl",
        "services/api/Dockerfile",
        "services/api/shiplight.toml",
        "services/web/Dockerfile",
        "services/web/shiplight.toml",
        "services/worker/Dockerfile",
        "services/worker/shiplight.toml",
    ] {
        let text = std::fs::read_to_string(root.join(name)).unwrap_or_else(|_| panic!("{name}"));
        snapshot.push_str(&format!("==> {name} <==\n{text}"));
    }
    for skipped in [
        "node_modules/left-pad",
        "vendor/example.com/lib",
        ".cache/tool",
        "docs",
    ] {
        assert!(!root.join(skipped).join("Dockerfile").exists(), "{skipped}");
    }
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("monorepo-shop", snapshot);
    });

    let result = shiplight().arg("check").arg(&root).arg("--all").output();
    assert_eq!(result.code, 0, "{}", result.stdout);
    let bake = root.join("docker-bake.hcl");
    let text = std::fs::read_to_string(&bake).unwrap();
    std::fs::write(&bake, text.replace("\"worker\"", "\"jobs\"")).unwrap();
    let result = shiplight().arg("check").arg(&root).arg("--all").output();
    assert_eq!(result.code, 1, "{}", result.stdout);
    assert!(
        result.stdout.contains("docker-bake.hcl (generated)"),
        "{}",
        result.stdout
    );
}

#[test]
fn monorepo_reports_every_open_choice_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    copy_dir(&fixtures.join("go-cmd-multi"), &root.join("jobs"));
    copy_dir(&fixtures.join("rust-workspace"), &root.join("engine"));
    copy_dir(&fixtures.join("go-basic"), &root.join("api"));
    copy_dir(&fixtures.join("rust-workspace"), &root.join("indexer"));
    let result = shiplight().arg("init").arg(root).arg("--all").output();
    assert_eq!(result.code, 2, "{}", result.stderr);
    assert!(
        result.stderr.contains("2 of 5 services"),
        "jobs' two main packages are two applications: {}",
        result.stderr
    );
    for service in ["engine", "indexer"] {
        assert!(
            result.stderr.contains(&format!(
                "{service}: application worker ({service}/crates/worker): found several binaries"
            )),
            "{}",
            result.stderr
        );
    }
    assert!(
        !root.join("jobs/cmd/api/Dockerfile").exists(),
        "all or nothing"
    );
    assert!(!root.join("api/Dockerfile").exists(), "all or nothing");
}

#[test]
fn completions_and_man_page_come_from_the_cli_definitions() {
    let bash = shiplight().args(["completions", "bash"]).output();
    assert_eq!(bash.code, 0);
    for word in ["init", "check", "--go-main", "--mirror", "templates"] {
        assert!(bash.stdout.contains(word), "{word}");
    }
    let zsh = shiplight().args(["completions", "zsh"]).output();
    assert!(
        zsh.stdout.starts_with("#compdef shiplight"),
        "{}",
        &zsh.stdout[..40]
    );
    let man = shiplight().arg("man").output();
    assert_eq!(man.code, 0);
    assert!(
        man.stdout.contains(".TH shiplight"),
        "{}",
        &man.stdout[..200]
    );
    assert!(man.stdout.contains("check"));
}

#[test]
fn check_names_a_digest_an_update_bot_moved_in_one_file() {
    let (_keep, project) = copy("fixtures/go-basic");
    let digest = |c: char| format!("sha256:{}", c.to_string().repeat(64));
    let lock = |builder: &str| {
        format!(
            "gcr.io/distroless/static-debian13:debug-nonroot@{}\ngcr.io/distroless/static-debian13:nonroot@{}\ngolang:1.26-trixie@{builder}\n",
            digest('d'),
            digest('e')
        )
    };
    std::fs::write(project.join("images.lock"), lock(&digest('a'))).unwrap();
    std::fs::write(
        project.join("shiplight.toml"),
        "digests = \"images.lock\"\n",
    )
    .unwrap();
    let check = || shiplight().arg("check").arg(&project).output();
    assert_eq!(
        shiplight().arg("init").arg(&project).output().code,
        0,
        "init"
    );
    assert_eq!(check().code, 0);

    let dockerfile = project.join("Dockerfile");
    let pinned = std::fs::read_to_string(&dockerfile).unwrap();
    std::fs::write(&dockerfile, pinned.replace(&digest('a'), &digest('b'))).unwrap();
    let moved = check();
    assert_eq!(moved.code, 1, "{}", moved.stdout);
    assert!(
        moved.stdout.contains(&format!(
            "golang:1.26-trixie moved from {} to {} in the Dockerfile; the digests file images.lock still records {}: update it with `shiplight pins --resolve`",
            digest('a'),
            digest('b'),
            digest('a')
        )),
        "{}",
        moved.stdout
    );
    assert!(
        moved
            .stdout
            .contains("differs from what shiplight generates only in image digests"),
        "{}",
        moved.stdout
    );
    assert!(!moved.stdout.contains("@@"), "no diff: {}", moved.stdout);

    std::fs::write(project.join("images.lock"), lock(&digest('b'))).unwrap();
    assert_eq!(check().code, 0, "the bot moved both files");

    std::fs::write(project.join("images.lock"), lock(&digest('c'))).unwrap();
    let stale = check();
    assert_eq!(stale.code, 1);
    assert!(
        stale.stdout.contains(&format!(
            "golang:1.26-trixie moved from {} to {} in the Dockerfile",
            digest('c'),
            digest('b')
        )),
        "{}",
        stale.stdout
    );

    std::fs::remove_file(project.join("shiplight.toml")).unwrap();
    assert_eq!(
        shiplight()
            .arg("init")
            .arg(&project)
            .arg("--force")
            .output()
            .code,
        0
    );
    let unpinned = std::fs::read_to_string(&dockerfile).unwrap();
    std::fs::write(
        &dockerfile,
        unpinned.replace(
            "golang:1.26-trixie AS build",
            &format!("golang:1.26-trixie@{} AS build", digest('f')),
        ),
    )
    .unwrap();
    let bot = check();
    assert_eq!(bot.code, 1);
    assert!(
        bot.stdout.contains(&format!(
            "golang:1.26-trixie is pinned to {} in the Dockerfile, and no digests file records it",
            digest('f')
        )),
        "{}",
        bot.stdout
    );
    std::fs::write(&dockerfile, unpinned.replace("RUN ", "RUN  ")).unwrap();
    let edited = check();
    assert!(edited.stdout.contains("@@"), "{}", edited.stdout);
}

#[test]
fn pins_resolve_needs_a_digests_file_inside_the_project_and_a_current_dockerfile() {
    let (_keep, project) = copy("fixtures/go-basic");
    let none = shiplight()
        .arg("pins")
        .arg("--resolve")
        .arg(&project)
        .output();
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains("add `digests = \"images.lock\"`"),
        "{}",
        none.stderr
    );
    let outside = tempfile::tempdir().unwrap();
    let elsewhere = shiplight()
        .arg("pins")
        .arg("--resolve")
        .arg(&project)
        .arg("--digests")
        .arg(outside.path().join("images.lock"))
        .output();
    assert_eq!(elsewhere.code, 2);
    assert!(
        elsewhere.stderr.contains("is outside the project"),
        "{}",
        elsewhere.stderr
    );
    std::fs::write(
        project.join("shiplight.toml"),
        "digests = \"images.lock\"\n",
    )
    .unwrap();
    let missing = shiplight()
        .arg("pins")
        .arg("--resolve")
        .arg(&project)
        .output();
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("run `shiplight init` first"),
        "{}",
        missing.stderr
    );
    assert!(!project.join("images.lock").exists());
    let both = shiplight()
        .arg("pins")
        .arg("--resolve")
        .arg("--check")
        .arg(&project)
        .output();
    assert_eq!(both.code, 2, "{}", both.stderr);
}
