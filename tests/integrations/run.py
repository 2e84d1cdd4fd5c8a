#!/usr/bin/env python3
"""The CI integrations run as their users run them, on copies of a fixture, with no network.

1. install.sh (with dash, as POSIX sh): a release archive made from the built binary, served
   with its .sha256 from 127.0.0.1 as a GitHub release is, installs into a temporary directory
   and answers `--version`; the latest release is found through the /latest redirect; wget does
   when curl is absent; a wrong checksum is refused and nothing is installed.
2. action.yml: its steps' `run:` scripts in order, as a composite action runs them (bash with
   -eo pipefail, `${{ }}` expressions substituted, GITHUB_PATH honoured between steps): an
   up-to-date project passes; a drifted Dockerfile fails with an `::error` annotation on the
   Dockerfile at the first line that differs; `strict` reaches the command line only when true,
   `args` reaches check and verify, and a failed verify check is an annotation (a recording
   stand-in release, so no engine is needed).
3. ci/gitlab/shiplight.gitlab-ci.yml: the `.shiplight-check` job's variables and script, as a job
   that extends it runs them, on the same two projects.
4. .pre-commit-hooks.yaml with the real pre-commit: a git repository whose
   .pre-commit-config.yaml points at a clone of this repository pinned to a commit passes, and
   fails with shiplight's message once its Dockerfile drifts, and a staged source change runs it.
5. docs/ci.md: its snippets name what exists at the crate's version; its GitLab job and its
   .pre-commit-config.yaml are the ones (3) and (4) run.

Usage: python3 tests/integrations/run.py [path/to/shiplight] [install|action|gitlab|pre-commit|docs]...
"""

import hashlib
import http.server
import io
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "go-basic"
TARGET = "x86_64-unknown-linux-musl" if os.uname().machine in ("x86_64", "amd64") else "aarch64-unknown-linux-musl"

failures = []


def check(ok, what, detail=""):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)
        if detail:
            print("     " + detail.replace("\n", "\n     "))


def crate_version():
    text = (ROOT / "Cargo.toml").read_text()
    return re.search(r'^version = "([^"]+)"', text, re.M).group(1)


def find_binary(argv):
    if argv:
        return pathlib.Path(argv[0]).resolve()
    built = [ROOT / "target" / p / "shiplight" for p in ("debug", "release")]
    built = [b for b in built if b.is_file()]
    if not built:
        sys.exit("no target/debug/shiplight or target/release/shiplight: run cargo build first")
    return max(built, key=lambda b: b.stat().st_mtime)


class Releases:
    """A directory served over HTTP as GitHub serves releases: /releases/download/vX/FILE, and
    /releases/latest redirecting to /releases/tag/vLATEST."""

    def __init__(self, root, latest):
        self.root = root
        self.latest = latest
        releases = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(releases.root), **kwargs)

            def do_GET(self):
                if self.path == "/releases/latest":
                    self.send_response(302)
                    self.send_header("Location", f"/releases/tag/v{releases.latest}")
                    self.end_headers()
                elif self.path.startswith("/releases/tag/"):
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    super().do_GET()

            do_HEAD = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def publish(self, version, files, layout="flat", checksum=None):
        """Writes shiplight-TARGET.tar.gz holding `files` (name -> (bytes, mode)) at the
        top or in a directory named like the archive, and its .sha256 (or `checksum`)."""
        name = f"shiplight-{TARGET}.tar.gz"
        folder = self.root / "releases" / "download" / f"v{version}"
        folder.mkdir(parents=True, exist_ok=True)
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=1) as tar:
            for file, (data, mode) in files.items():
                info = tarfile.TarInfo(file if layout == "flat" else f"{name[: -len('.tar.gz')]}/{file}")
                info.size, info.mode, info.mtime = len(data), mode, int(time.time())
                tar.addfile(info, io.BytesIO(data))
        (folder / name).write_bytes(raw.getvalue())
        digest = checksum or hashlib.sha256(raw.getvalue()).hexdigest()
        (folder / f"{name}.sha256").write_text(f"{digest}  {name}\n")

    def download_url(self):
        return f"{self.url}/releases/download"


def release_binary(binary, work):
    """The built binary as a release holds it: stripped when strip is at hand."""
    copy = work / "shiplight-release"
    shutil.copy2(binary, copy)
    if shutil.which("strip"):
        subprocess.run(["strip", str(copy)], check=True)
    return copy.read_bytes()


def recorder(real, log):
    """A stand-in shiplight that records its arguments, then runs the real one without the flags
    a test only follows through (--strict); `verify` reports one failed check without an engine."""
    return (
        "#!/bin/sh\n"
        f"printf '%s\\n' \"$*\" >> '{log}'\n"
        'if [ "$1" = verify ]; then\n'
        "  echo 'ok   builds: tagged shiplight-verify/hello:1 in 1 s'\n"
        "  echo 'FAIL runs as 65532: a process runs as uid 0'\n"
        "  exit 1\n"
        "fi\n"
        "for arg do\n"
        '  shift\n'
        '  [ "$arg" = --strict ] || set -- "$@" "$arg"\n'
        "done\n"
        f"exec '{real}' \"$@\"\n"
    ).encode()


def run(args, env=None, cwd=None, timeout=60):
    full = dict(os.environ)
    full.update(env or {})
    return subprocess.run(args, env=full, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def project(binary, work, name, drift):
    """A copy of the fixture with the files `init` writes, its Dockerfile edited when `drift`."""
    dest = work / name
    shutil.copytree(FIXTURE, dest)
    done = run([str(binary), "init", str(dest), "--yes"])
    assert done.returncode == 0, done.stderr
    if drift:
        dockerfile = dest / "Dockerfile"
        text = dockerfile.read_text()
        assert "\nUSER 65532:65532\n" in text
        dockerfile.write_text(text.replace("\nUSER 65532:65532\n", "\nUSER root\n"))
    return dest


def drifted_line(path):
    return path.read_text().split("\n").index("USER root") + 1


# 1. install.sh


def test_install(binary, releases, work, version):
    sh = shutil.which("dash") or "sh"
    real = binary_version(binary)
    env = {"SHIPLIGHT_DOWNLOAD_URL": releases.download_url(), "SHIPLIGHT_VERSION": version}

    dest = work / "install-pinned"
    done = run([sh, str(ROOT / "install.sh")], {**env, "SHIPLIGHT_INSTALL_DIR": str(dest)})
    answer = run([str(dest / "shiplight"), "--version"]) if (dest / "shiplight").exists() else None
    check(
        done.returncode == 0 and answer is not None and answer.stdout == real,
        f"install.sh installs v{version} into SHIPLIGHT_INSTALL_DIR and it answers --version",
        done.stderr,
    )
    check("checksum verified" in done.stderr, "install.sh says the checksum was verified", done.stderr)

    dest = work / "install-piped"
    done = subprocess.run(
        f"cat '{ROOT / 'install.sh'}' | {sh} -s -- --version {version} --dir '{dest}'",
        shell=True, env={**os.environ, "SHIPLIGHT_DOWNLOAD_URL": env["SHIPLIGHT_DOWNLOAD_URL"]}, capture_output=True, text=True, timeout=60,
    )
    check(
        done.returncode == 0 and (dest / "shiplight").exists(),
        "install.sh piped into sh -s -- --version V --dir D (as docs/ci.md shows)",
        done.stderr,
    )

    dest = work / "install-latest"
    done = run([sh, str(ROOT / "install.sh"), "--dir", str(dest)], {"SHIPLIGHT_DOWNLOAD_URL": env["SHIPLIGHT_DOWNLOAD_URL"]})
    check(
        done.returncode == 0 and f"/v{version}/" in done.stderr and (dest / "shiplight").exists(),
        "install.sh without a version installs the release /latest redirects to",
        done.stderr,
    )

    home = work / "home"
    home.mkdir()
    tools = work / "no-curl"
    tools.mkdir()
    for tool in ("uname", "tar", "gzip", "mktemp", "wget", "awk", "sha256sum", "cp", "chmod", "mv", "mkdir", "rm", "tr", "cat"):
        found = shutil.which(tool)
        if found:
            (tools / tool).symlink_to(found)
    done = run([sh, str(ROOT / "install.sh")], {"PATH": str(tools), "HOME": str(home), "SHIPLIGHT_DOWNLOAD_URL": env["SHIPLIGHT_DOWNLOAD_URL"]})
    check(
        done.returncode == 0 and (home / ".local" / "bin" / "shiplight").exists() and "not on PATH" in done.stderr,
        "install.sh with wget and no curl installs the latest into ~/.local/bin and says it is not on PATH",
        done.stderr,
    )

    stand_in = b"#!/bin/sh\necho 'shiplight 0.0.0-layout'\n"
    releases.publish("0.0.0-layout", {"shiplight": (stand_in, 0o755), "LICENSE": (b"x\n", 0o644)}, layout="folder")
    dest = work / "install-folder"
    done = run([sh, str(ROOT / "install.sh"), "--version", "v0.0.0-layout", "--dir", str(dest)], {"SHIPLIGHT_DOWNLOAD_URL": env["SHIPLIGHT_DOWNLOAD_URL"]})
    check(
        done.returncode == 0 and (dest / "shiplight").read_bytes() == stand_in,
        "install.sh takes the binary from a folder inside the archive, and a version given as vX",
        done.stderr,
    )

    releases.publish("0.0.0-corrupt", {"shiplight": (stand_in, 0o755)}, checksum="0" * 64)
    dest = work / "install-corrupt"
    done = run([sh, str(ROOT / "install.sh"), "--version", "0.0.0-corrupt", "--dir", str(dest)], {"SHIPLIGHT_DOWNLOAD_URL": env["SHIPLIGHT_DOWNLOAD_URL"]})
    check(
        done.returncode == 1 and "checksum mismatch" in done.stderr and not dest.exists(),
        "install.sh refuses an archive whose checksum does not match, installing nothing",
        done.stderr,
    )

    done = run([sh, str(ROOT / "install.sh"), "--version", "9.9.9", "--dir", str(work / "install-missing")], {"SHIPLIGHT_DOWNLOAD_URL": env["SHIPLIGHT_DOWNLOAD_URL"]})
    check(
        done.returncode == 1 and "cannot download" in done.stderr,
        "install.sh names the address of a release that is not there",
        done.stderr,
    )


def binary_version(binary):
    return run([str(binary), "--version"]).stdout


def main(argv):
    start = time.monotonic()
    parts = [a for a in argv if a in PARTS]
    binary = find_binary([a for a in argv if a not in parts])
    parts = parts or list(PARTS)
    version = crate_version()
    with tempfile.TemporaryDirectory(prefix="shiplight-integrations-") as tmp:
        work = pathlib.Path(tmp)
        (work / "served").mkdir()
        releases = Releases(work / "served", version)
        releases.publish(version, {"shiplight": (release_binary(binary, work), 0o755)})
        releases.publish("0.0.0-record", {"shiplight": (recorder(binary, work / "recorded-args"), 0o755)})
        for part in parts:
            began = time.monotonic()
            print(f"-- {part}")
            PARTS[part](binary, releases, work, version)
            print(f"   {time.monotonic() - began:.1f} s")
        releases.server.shutdown()
    print(f"integrations: {len(failures)} failed, {time.monotonic() - start:.1f} s ({binary})")
    return 1 if failures else 0


# 2. action.yml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def run_action(inputs, workspace, work, env):
    """Runs action.yml's steps as a composite action does; returns (exit code of the first step
    that failed or 0, the log, the step summary, the steps that ran)."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    given = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    unknown = set(inputs) - set(given)
    assert not unknown, f"inputs action.yml does not declare: {unknown}"
    given.update(inputs)

    def value(expression):
        if expression == "github.action_path":
            return str(ROOT)
        found = re.fullmatch(r"inputs\.([\w-]+)", expression)
        if found:
            return given[found.group(1)]
        found = re.fullmatch(r"inputs\.([\w-]+) == '([^']*)'", expression)
        if found:
            return "true" if given[found.group(1)] == found.group(2) else "false"
        raise AssertionError(f"an expression the test does not evaluate: {expression}")

    def substitute(text):
        return EXPRESSION.sub(lambda m: value(m.group(1)), str(text))

    runner = work / f"runner-{len(list(work.glob('runner-*')))}"
    runner.mkdir()
    files = {name: runner / name for name in ("path", "output", "summary", "env")}
    for file in files.values():
        file.touch()
    (runner / "temp").mkdir()
    log, ran = [], []
    for step in action["runs"]["steps"]:
        assert "uses" not in step, "a step that uses another action cannot run here"
        condition = step.get("if")
        if condition is not None and substitute(condition) != "true":
            continue
        assert step.get("shell") == "bash", f"step {step.get('name')} runs with bash"
        script = runner / "step.sh"
        script.write_text(substitute(step["run"]))
        added = [line for line in files["path"].read_text().splitlines() if line]
        step_env = dict(env)
        step_env.update({key: substitute(val) for key, val in step.get("env", {}).items()})
        step_env.update(
            {
                "PATH": os.pathsep.join(list(reversed(added)) + [env.get("PATH", os.environ["PATH"])]),
                "GITHUB_ACTION_PATH": str(ROOT),
                "GITHUB_WORKSPACE": str(workspace),
                "GITHUB_PATH": str(files["path"]),
                "GITHUB_OUTPUT": str(files["output"]),
                "GITHUB_ENV": str(files["env"]),
                "GITHUB_STEP_SUMMARY": str(files["summary"]),
                "RUNNER_TEMP": str(runner / "temp"),
                "GITHUB_ACTIONS": "true",
                "CI": "true",
            }
        )
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace, env=step_env, capture_output=True, text=True, timeout=60,
        )
        ran.append(step["name"])
        log.append(done.stdout + done.stderr)
        if done.returncode != 0:
            return done.returncode, "".join(log), files["summary"].read_text(), ran
    return 0, "".join(log), files["summary"].read_text(), ran


def test_action(binary, releases, work, version):
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    check(
        action["inputs"]["version"]["default"] == version,
        f"action.yml installs v{version} (Cargo.toml's version) by default",
        str(action["inputs"]["version"]["default"]),
    )
    workspace = work / "action"
    workspace.mkdir()
    ok = project(binary, workspace, "ok", drift=False)
    drifted = project(binary, workspace, "drift", drift=True)
    env = {"SHIPLIGHT_DOWNLOAD_URL": releases.download_url(), "PATH": os.environ["PATH"]}

    status, log, summary, ran = run_action({"path": "ok"}, workspace, work, env)
    check(
        status == 0 and "::error" not in log and "up to date" in summary and ran == ["Install shiplight", "shiplight check"],
        "action: an up-to-date project passes, without annotations, and verify does not run unless asked",
        log,
    )

    status, log, summary, ran = run_action({"path": "drift"}, workspace, work, env)
    line = drifted_line(drifted / "Dockerfile")
    annotation = f"::error file=drift/Dockerfile,line={line},title=shiplight check%3A drift/Dockerfile drifted::drift: "
    check(
        status == 1 and any(l.startswith(annotation) for l in log.splitlines()),
        f"action: a drifted Dockerfile fails with an ::error annotation on drift/Dockerfile line {line}",
        log,
    )
    check("-USER root" in summary and "+USER 65532:65532" in summary, "action: the step summary holds the diff", summary)

    moved = project(binary, workspace, "moved", drift=False)
    (moved / "main.go").write_text((moved / "main.go").read_text().replace(":8080", ":9090"))
    (workspace / "empty").mkdir()
    for path, wanted, what in [
        ("moved", "what decides differently now", "a moved decision's annotation names it, with its evidence"),
        ("empty", "::error title=shiplight check::no supported project found", "an error shiplight prints is an annotation"),
    ]:
        done = run([str(binary), "check", path], cwd=workspace)
        annotations = subprocess.run(
            ["awk", "-v", "command=check", "-v", f"status={done.returncode}", "-f", str(ROOT / "ci" / "github" / "annotate.awk")],
            input=done.stdout + done.stderr, capture_output=True, text=True, cwd=workspace,
        ).stdout
        check(done.returncode != 0 and wanted in annotations, f"annotate.awk: {what}", annotations)

    record = work / "recorded-args"
    env_record = dict(env)
    for strict in ("true", "false"):
        record.write_text("")
        status, log, _, ran = run_action(
            {"version": "0.0.0-record", "path": "ok", "strict": strict, "args": "--vendor  distroless", "verify": "true"},
            workspace, work, env_record,
        )
        calls = record.read_text().splitlines()
        flags = "--strict --vendor distroless" if strict == "true" else "--vendor distroless"
        check(
            f"check ok {flags}" in calls and "verify ok --vendor distroless" in calls,
            f"action: strict={strict} passes {'--strict' if strict == 'true' else 'no --strict'}, and args reach check and verify",
            "\n".join(calls) + "\n" + log,
        )
        check(
            status == 1
            and ran[-1] == "shiplight verify"
            and "::error file=ok/Dockerfile,title=shiplight verify%3A runs as 65532::runs as 65532: a process runs as uid 0" in log,
            f"action: verify=true runs verify, a failed check an ::error on the Dockerfile (strict={strict})",
            log,
        )


# 3. the GitLab template

GITLAB_TEMPLATE = ROOT / "ci" / "gitlab" / "shiplight.gitlab-ci.yml"


def run_gitlab_job(job, work, env):
    """Runs a job that `extends: .shiplight-check` as GitLab does: the template's variables, then
    the job's, each expanded with the ones before; every script line in one POSIX shell script
    with -e (the alpine image's shell is not bash)."""
    template = yaml.safe_load(GITLAB_TEMPLATE.read_text())[".shiplight-check"]
    assert job["extends"] == ".shiplight-check"
    variables = dict(template.get("variables", {}))
    variables.update(job.get("variables", {}))
    full = dict(env)
    for name, value in variables.items():
        full[name] = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: full.get(m.group(1) or m.group(2), ""), str(value))
    tmp = work / f"gitlab-{len(list(work.glob('gitlab-*')))}"
    (tmp / "tmp").mkdir(parents=True)
    full.update({"CI": "true", "GITLAB_CI": "true", "TMPDIR": str(tmp / "tmp"), "CI_PROJECT_DIR": str(env["CI_PROJECT_DIR"])})
    script = tmp / "job.sh"
    script.write_text("\n".join(str(line) for line in job.get("script", template["script"])) + "\n")
    done = subprocess.run(
        [shutil.which("dash") or "sh", "-e", str(script)],
        cwd=env["CI_PROJECT_DIR"], env=full, capture_output=True, text=True, timeout=60,
    )
    return done.returncode, done.stdout + done.stderr


def test_gitlab(binary, releases, work, version):
    template = yaml.safe_load(GITLAB_TEMPLATE.read_text())
    job = template[".shiplight-check"]
    check(
        str(job["variables"]["SHIPLIGHT_VERSION"]) == version
        and job["variables"]["INSTALL_SCRIPT_URL"] == "https://raw.githubusercontent.com/shiplight/shiplight/v${SHIPLIGHT_VERSION}/install.sh",
        f"gitlab: the template installs v{version} (Cargo.toml's version) with that tag's install.sh",
        str(job["variables"]),
    )
    workspace = work / "gitlab"
    workspace.mkdir()
    project(binary, workspace, "ok", drift=False)
    project(binary, workspace, "drift", drift=True)
    shutil.copy(ROOT / "install.sh", releases.root / "install.sh")
    env = {
        "PATH": os.environ["PATH"],
        "CI_PROJECT_DIR": str(workspace),
        "SHIPLIGHT_DOWNLOAD_URL": releases.download_url(),
        "INSTALL_SCRIPT_URL": f"{releases.url}/install.sh",
    }

    def job_for(variables):
        return {"extends": ".shiplight-check", "variables": {**variables, "INSTALL_SCRIPT_URL": env["INSTALL_SCRIPT_URL"]}}

    remote, documented = doc_gitlab()
    check(
        remote == f"https://raw.githubusercontent.com/shiplight/shiplight/v{version}/ci/gitlab/shiplight.gitlab-ci.yml",
        f"gitlab: docs/ci.md includes the template from v{version}",
        remote,
    )
    documented = {**documented, "variables": {**documented.get("variables", {}), "INSTALL_SCRIPT_URL": env["INSTALL_SCRIPT_URL"]}}
    status, log = run_gitlab_job(documented, work, {**env, "CI_PROJECT_DIR": str(workspace / "ok")})
    check(status == 0 and "up to date" in log, "gitlab: docs/ci.md's job passes on an up-to-date project at the root", log)

    status, log = run_gitlab_job(job_for({"CHECK_PATH": "ok"}), work, env)
    check(status == 0 and "up to date" in log, "gitlab: an up-to-date project passes", log)

    status, log = run_gitlab_job(job_for({"CHECK_PATH": "drift"}), work, env)
    check(
        status == 1 and "-USER root" in log and "drift: drift/Dockerfile differs" in log,
        "gitlab: a drifted Dockerfile fails the job with the diff and shiplight's summary",
        log,
    )

    record = work / "recorded-args"
    for strict in ("true", "false"):
        record.write_text("")
        status, log = run_gitlab_job(
            job_for({"SHIPLIGHT_VERSION": "0.0.0-record", "CHECK_PATH": "ok", "CHECK_STRICT": strict, "CHECK_ARGS": "--vendor distroless"}),
            work, env,
        )
        calls = record.read_text().splitlines()
        flags = "--strict --vendor distroless" if strict == "true" else "--vendor distroless"
        check(
            status == 0 and f"check ok {flags}" in calls,
            f"gitlab: CHECK_STRICT={strict} passes {'--strict' if strict == 'true' else 'no --strict'}, and CHECK_ARGS reach check",
            "\n".join(calls) + "\n" + log,
        )


# 4. the pre-commit hook

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd, *args):
    done = run(["git", *args], GIT_IDENTITY, cwd=cwd)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def hooks_clone(work):
    """A clone of this repository whose HEAD holds the working tree's .pre-commit-hooks.yaml (a
    commit on top when it has changes not committed yet); returns its path and that commit."""
    clone = work / "shiplight-clone"
    git(work, "clone", "--quiet", "--shared", "--no-checkout", str(ROOT), str(clone))
    git(clone, "read-tree", "HEAD")
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", clone / ".pre-commit-hooks.yaml")
    git(clone, "add", ".pre-commit-hooks.yaml")
    if run(["git", "diff", "--cached", "--quiet"], GIT_IDENTITY, cwd=clone).returncode != 0:
        git(clone, "commit", "--quiet", "-m", "the working tree's hooks")
    return clone, git(clone, "rev-parse", "HEAD")


def test_pre_commit(binary, releases, work, version):
    if not shutil.which("pre-commit"):
        check(False, "pre-commit is installed (pip install pre-commit)")
        return
    clone, rev = hooks_clone(work)
    repo = project(binary, work, "pre-commit-project", drift=False)
    config = doc_pre_commit()
    documented = config["repos"][0]
    check(
        documented["repo"] == "https://github.com/shiplight/shiplight" and documented["rev"] == f"v{version}",
        f"pre-commit: docs/ci.md's configuration pins this repository at v{version}",
        str(documented),
    )
    documented.update({"repo": str(clone), "rev": rev})
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git(repo, "init", "--quiet")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "project")
    bin_dir = work / "pre-commit-bin"
    bin_dir.mkdir()
    (bin_dir / "shiplight").symlink_to(binary)
    env = {
        **GIT_IDENTITY,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(work / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
    }

    done = run(["pre-commit", "run", "--all-files"], env, cwd=repo, timeout=120)
    check(
        done.returncode == 0 and re.search(r"shiplight check\.+Passed", done.stdout),
        f"pre-commit {run(['pre-commit', '--version']).stdout.split()[-1]}: docs/ci.md's configuration, pointed at a clone pinned to {rev[:12]}, passes on an up-to-date project",
        done.stdout + done.stderr,
    )

    dockerfile = repo / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("\nUSER 65532:65532\n", "\nUSER root\n"))
    done = run(["pre-commit", "run", "--all-files"], env, cwd=repo, timeout=120)
    check(
        done.returncode == 1
        and re.search(r"shiplight check\.+Failed", done.stdout)
        and "-USER root" in done.stdout
        and "drift: ./Dockerfile differs from what shiplight generates" in done.stdout,
        "pre-commit: the hook fails on a drifted Dockerfile with shiplight's diff and summary",
        done.stdout + done.stderr,
    )

    (repo / "main.go").write_text((repo / "main.go").read_text().replace(":8080", ":9090"))
    dockerfile.write_text(dockerfile.read_text().replace("\nUSER root\n", "\nUSER 65532:65532\n"))
    git(repo, "add", "main.go")
    done = run(["pre-commit", "run"], env, cwd=repo, timeout=120)
    check(
        done.returncode == 1 and "EXPOSE 9090" in done.stdout,
        "pre-commit: a staged change to a source file alone runs the hook (the port moved in main.go)",
        done.stdout + done.stderr,
    )


# 5. docs/ci.md

DOCS = ROOT / "docs" / "ci.md"


def doc_blocks(language):
    return re.findall(rf"^```{language}\n(.*?)^```", DOCS.read_text(), re.M | re.S)


def test_docs(binary, releases, work, version):
    """The snippets of docs/ci.md name what exists, at the crate's version; the GitLab and
    pre-commit ones are also run, by test_gitlab and test_pre_commit."""
    docs = DOCS.read_text()
    check(
        "curl -fsSL https://raw.githubusercontent.com/shiplight/shiplight/main/install.sh | sh\n" in docs,
        "docs: the install one-liner fetches install.sh from main",
    )
    inputs = set(yaml.safe_load((ROOT / "action.yml").read_text())["inputs"])
    used = []
    blocks = [yaml.safe_load(block) for block in doc_blocks("yaml")]
    hooks = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    fragments = [hook for block in blocks if isinstance(block, list) for hook in block]
    check(
        fragments and all(hook["id"] in hooks for hook in fragments),
        "docs: the pre-commit fragments name a hook .pre-commit-hooks.yaml defines",
        str(fragments),
    )
    for parsed in (block for block in blocks if isinstance(block, dict)):
        steps = parsed.get("steps", []) + [st for job in parsed.get("jobs", {}).values() for st in job.get("steps", [])]
        used += [st for st in steps if str(st.get("uses", "")).startswith("shiplight/")]
    check(
        len(used) >= 2 and all(st["uses"] == f"shiplight/shiplight@v{version}" and set(st.get("with", {})) <= inputs for st in used),
        f"docs: every workflow step uses shiplight/shiplight@v{version} with inputs action.yml declares",
        str(used),
    )
    variables = set(yaml.safe_load(GITLAB_TEMPLATE.read_text())[".shiplight-check"]["variables"])
    jobs = [job for block in blocks if isinstance(block, dict) for job in block.values() if isinstance(job, dict) and "extends" in job]
    check(
        len(jobs) >= 2 and all(set(job.get("variables", {})) - variables <= {"SHIPLIGHT_VENDOR"} for job in jobs),
        "docs: every GitLab job extends the template with its variables (or a shiplight setting)",
        str(jobs),
    )


def doc_gitlab():
    """docs/ci.md's include of the GitLab template and its first job."""
    for block in doc_blocks("yaml"):
        parsed = yaml.safe_load(block)
        if "include" in parsed:
            return parsed["include"][0]["remote"], next(v for k, v in parsed.items() if k != "include")
    raise AssertionError("docs/ci.md shows no GitLab include")


def doc_pre_commit():
    """docs/ci.md's .pre-commit-config.yaml."""
    for block in doc_blocks("yaml"):
        parsed = yaml.safe_load(block)
        if "repos" in parsed:
            return parsed
    raise AssertionError("docs/ci.md shows no pre-commit configuration")


PARTS = {"install": test_install, "action": test_action, "gitlab": test_gitlab, "pre-commit": test_pre_commit, "docs": test_docs}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
