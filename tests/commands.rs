//! `start`, `build` and `env`: the refusals, each exit 2 with its reason, and the ways of
//! giving them (flag, shiplight.toml, SHIPLIGHT_* variable).

use crate::common::{copy_dir, fixture, project};
use crate::harness::shiplight;

/// A copy of `python-start-only` without its shiplight.toml, so only the flags given set `start`.
fn start_only() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        std::path::Path::new(&fixture("python-start-only")),
        dir.path(),
    );
    std::fs::remove_file(dir.path().join("shiplight.toml")).unwrap();
    dir
}

#[test]
fn without_a_start_the_refusal_names_the_setting() {
    let dir = start_only();
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(dir.path())
        .status(2)
        .stderr;
    assert!(err.contains("no entry point found"), "{err}");
    assert!(
        err.contains("--start, `start` in shiplight.toml or SHIPLIGHT_START"),
        "{err}"
    );
}

#[test]
fn a_start_that_needs_a_shell_is_refused_with_the_reason() {
    let dir = start_only();
    for (start, reason) in [
        (
            "uvicorn orders.webapi.routes_v2:api | tee /tmp/log",
            "`|` is a shell operator",
        ),
        (
            "python migrate.py && uvicorn a:b",
            "`&` is a shell operator",
        ),
        ("uvicorn a:b --port $PORT", "`$` expands a variable"),
        ("sh -c 'uvicorn a:b'", "it runs `sh`, a shell"),
        ("python *.py", "`*` is a glob"),
    ] {
        let err = shiplight()
            .args(["init", "--stdout", "--start", start])
            .arg(dir.path())
            .status(2)
            .stderr;
        assert!(err.contains("needs a shell"), "{start}: {err}");
        assert!(err.contains(reason), "{start}: {err}");
        assert!(err.contains("no shell"), "{start}: {err}");
    }
}

#[test]
fn a_program_the_image_will_not_hold_is_refused_naming_what_was_looked_for() {
    let dir = start_only();
    let err = shiplight()
        .args([
            "init",
            "--stdout",
            "--start",
            "hypercorn orders.webapi.routes_v2:api",
        ])
        .arg(dir.path())
        .status(2)
        .stderr;
    assert!(err.contains("the image will not hold hypercorn"), "{err}");
    assert!(
        err.contains("a program a dependency installs into /app/venv/bin"),
        "{err}"
    );
    let err = shiplight()
        .args(["init", "--stdout", "--start", "python manage.py runserver"])
        .arg(dir.path())
        .status(2)
        .stderr;
    assert!(err.contains("will not hold the script manage.py"), "{err}");
    let err = shiplight()
        .args(["init", "--stdout", "--start", "server --verbose"])
        .arg(fixture("go-basic"))
        .status(2)
        .stderr;
    assert!(
        err.contains("the image holds the built binary alone, /app/hello"),
        "{err}"
    );
}

#[test]
fn a_start_naming_gunicorn_installs_it_and_one_naming_another_server_adds_none() {
    let dir = start_only();
    let out = shiplight()
        .args(["init", "--stdout", "--only", "dockerfile", "--start"])
        .arg(
            "gunicorn -k uvicorn.workers.UvicornWorker orders.webapi.routes_v2:api -b 0.0.0.0:8000",
        )
        .arg(dir.path())
        .run()
        .stdout;
    assert!(out.contains("gunicorn=="), "{out}");
    assert!(out.contains("EXPOSE 8000"), "{out}");
    let out = shiplight()
        .args(["init", "--stdout", "--only", "dockerfile", "--start"])
        .arg("python -m orders.webapi")
        .arg(fixture("python-fastapi-uv"))
        .run()
        .stdout;
    assert!(!out.contains("gunicorn"), "{out}");
    assert!(
        out.contains(r#"ENTRYPOINT ["/app/venv/bin/python", "-m", "orders.webapi"]"#),
        "{out}"
    );
}

#[test]
fn a_start_replaces_the_detected_entry_in_explain() {
    let out = shiplight()
        .args(["explain", "--start", "uvicorn app.main:app --port 9000"])
        .arg(fixture("python-fastapi-uv"))
        .run()
        .stdout;
    assert!(
        out.contains("(set by --start: uvicorn is in the venv's bin"),
        "{out}"
    );
    assert!(
        out.contains("replaces the detected start uvicorn app.main:app"),
        "{out}"
    );
}

#[test]
fn a_secret_looking_variable_is_refused_with_where_secrets_go() {
    for pair in [
        "DB_PASSWORD=hunter2",
        "DATABASE_URL=postgres://app:s3cret@db:5432/app",
        "STRIPE=sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    ] {
        let err = shiplight()
            .args(["init", "--stdout", "--image-env", pair])
            .arg(fixture("go-basic"))
            .status(2)
            .stderr;
        assert!(err.contains("looks like a secret"), "{pair}: {err}");
        assert!(err.contains("docker run -e"), "{pair}: {err}");
    }
    let err = shiplight()
        .args(["init", "--stdout"])
        .arg(fixture("go-basic"))
        .env("SHIPLIGHT_ENV", "MODE=prod,API_TOKEN=abc")
        .status(2)
        .stderr;
    assert!(err.contains("environment variable SHIPLIGHT_ENV"), "{err}");
    assert!(err.contains("API_TOKEN looks like a secret"), "{err}");
}

#[test]
fn variables_and_build_commands_come_from_the_environment_too() {
    let out = shiplight()
        .args(["explain"])
        .arg(fixture("go-basic"))
        .env("SHIPLIGHT_ENV", "MODE=prod,LOG=json")
        .env("SHIPLIGHT_BUILD", "go generate ./...\ngo vet ./...")
        .env("SHIPLIGHT_START", "hello --quiet")
        .run()
        .stdout;
    assert!(out.contains("env.MODE, set by SHIPLIGHT_ENV"), "{out}");
    assert!(out.contains("build, set by SHIPLIGHT_BUILD"), "{out}");
    assert!(out.contains("--quiet (set by SHIPLIGHT_START"), "{out}");
}

#[test]
fn malformed_values_name_the_file_and_key() {
    for (text, message) in [
        (
            "start = 5\n",
            "shiplight.toml: line 1: `start` must be a string or an array of strings",
        ),
        (
            "port = 1\nbuild = [3]\n",
            "shiplight.toml: line 2: `build` must be a string or an array of strings",
        ),
        ("[env]\nMODE = [1]\n", "env.MODE must be a string"),
        ("[env]\n\"9X\" = \"a\"\n", "is not a variable name"),
        ("start = \"a 'b\"\n", "`start` has an unclosed single quote"),
    ] {
        let dir = project(&[
            ("go.mod", "module example.com/x\n\ngo 1.26\n"),
            ("main.go", "package main\n\nfunc main() {}\n"),
            ("shiplight.toml", text),
        ]);
        let err = shiplight()
            .args(["init", "--stdout"])
            .arg(dir.path())
            .status(2)
            .stderr;
        assert!(err.contains(message), "{text}: {err}");
        assert!(err.contains("shiplight.toml"), "{text}: {err}");
    }
}

#[test]
fn a_node_start_runs_node_on_a_script_or_a_dependency_binary_and_nothing_else() {
    let project = fixture("node-start-only");
    let out = shiplight().args(["explain"]).arg(&project).run().stdout;
    assert!(
        out.contains("replaces the detected start (package.json:5: main: \"lib/index.js\")"),
        "{out}"
    );
    let dockerfile = shiplight()
        .args(["init", "--stdout", "--only", "dockerfile"])
        .arg(&project)
        .run()
        .stdout;
    assert!(
        dockerfile.contains(
            "\"--enable-source-maps\", \"services/orders/listen.js\", \"--port\", \"8080\"]"
        ),
        "{dockerfile}"
    );
    for (start, reason) in [
        ("npm start", "the Node image runs node alone"),
        (
            "nodemon services/orders/listen.js",
            "the Node image runs node alone",
        ),
        ("node", "node needs the script to run"),
        ("node ../outside.js", "../outside.js is outside the project"),
    ] {
        let err = shiplight()
            .args(["init", "--stdout", "--start", start])
            .arg(&project)
            .status(2)
            .stderr;
        assert!(err.contains(reason), "{start}: {err}");
    }
}

#[test]
fn a_java_start_gives_the_application_its_arguments_and_never_runs_java_itself() {
    let dockerfile = shiplight()
        .args([
            "init",
            "--stdout",
            "--only",
            "dockerfile",
            "--start",
            "serve config.yml",
        ])
        .arg(fixture("java-single-main"))
        .run()
        .stdout;
    assert!(
        dockerfile.contains("\"com.acme.tools.Indexer\", \"serve\", \"config.yml\"]"),
        "{dockerfile}"
    );
    let err = shiplight()
        .args(["init", "--stdout", "--start", "java -Xmx1g -jar app.jar"])
        .arg(fixture("java-single-main"))
        .status(2)
        .stderr;
    assert!(err.contains("JVM options go in JAVA_TOOL_OPTIONS"), "{err}");
}

#[test]
fn a_php_start_runs_a_command_line_script_and_leaves_web_apps_to_php_fpm() {
    let dockerfile = shiplight()
        .args([
            "init",
            "--stdout",
            "--only",
            "dockerfile",
            "--start",
            "php bin/mailer --queue=mail",
        ])
        .arg(fixture("php-cli"))
        .run()
        .stdout;
    assert!(
        dockerfile.contains("ENTRYPOINT [\"/usr/bin/php\", \"/app/bin/mailer\", \"--queue=mail\"]"),
        "{dockerfile}"
    );
    for (project, start, reason) in [
        (
            "php-laravel",
            "php artisan serve",
            "served by php-fpm behind nginx",
        ),
        (
            "php-cli",
            "composer run worker",
            "the PHP runtime runs php alone",
        ),
        ("php-cli", "php ../outside.php", "is outside the project"),
        (
            "php-cli",
            "php bin/missing.php",
            "bin/missing.php is not a file of the project",
        ),
    ] {
        let err = shiplight()
            .args(["init", "--stdout", "--start", start])
            .arg(fixture(project))
            .status(2)
            .stderr;
        assert!(err.contains(reason), "{start}: {err}");
    }
}
