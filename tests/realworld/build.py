#!/usr/bin/env python3
"""Builds corpus repositories for real with the real-build suite's stand-in images: exports the
pinned commit (see run.py), runs `shiplight init`, builds the Dockerfile with the local engine,
and runs the image: a service must answer on its port (any status below 500), a command-line
program must answer `--version` or `--help`. Each image is checked to run as 65532.

Usage: python3 tests/realworld/build.py OWNER/NAME [OWNER/NAME...]   (after tests/e2e/run.sh has
started an engine; the stand-ins it builds are reused)
"""

import importlib.util
import json
import pathlib
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = load("corpus", HERE / "run.py")
e2e = load("e2e", HERE.parent / "e2e" / "run.py")


def answers(port, deadline=30):
    end = time.time() + deadline
    while time.time() < end:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as err:
            return err.code
        except Exception:
            time.sleep(0.5)
    return None


def build_one(repo, commit, subdir, keys):
    with tempfile.TemporaryDirectory(prefix="shiplight-corpus-build-") as tmp:
        root = corpus.export(repo, commit, pathlib.Path(tmp))
        if root is None:
            return "not fetched"
        app = root / subdir
        # The repository's own Dockerfile, if any, is replaced in this scratch copy.
        init = e2e.run([str(e2e.SHIPLIGHT), "init", "--yes", "--force", "--no-syntax", str(app)],
                       check=False)
        if init.returncode != 0:
            return f"not generated: {init.stderr.strip().splitlines()[0][:120]}"
        plan = json.loads(e2e.shiplight("explain", app, "--json", "--no-syntax").stdout)
        try:
            for image in e2e.plan_images(plan):
                e2e.ensure_standin(image, keys)
        except RuntimeError as err:
            return f"not built: {str(err)[:120]}"
        tag = "shiplight-corpus/" + repo.lower().replace("/", "-") + ":latest"
        try:
            seconds, _ = e2e.build(tag, app)
        except RuntimeError as err:
            tail = str(err).strip().splitlines()[-3:]
            return "build failed: " + " / ".join(line[:100] for line in tail)
        user = e2e.run([e2e.DOCKER, "image", "inspect", "-f", "{{.Config.User}}", tag]).stdout.strip()
        port = plan["app"]["port"]
        if port:
            container = e2e.run([e2e.DOCKER, "run", "-d", "-p", f"127.0.0.1::{port}", tag]).stdout.strip()
            try:
                time.sleep(1)
                published = e2e.run([e2e.DOCKER, "port", container, f"{port}/tcp"], check=False)
                if published.returncode != 0:
                    logs = e2e.run([e2e.DOCKER, "logs", container], check=False)
                    last = (logs.stderr or logs.stdout).strip().splitlines() or ["no output"]
                    return f"built in {seconds:.0f} s, user {user}, exited: {last[-1][:120]}"
                mapped = published.stdout.split(":")[-1].strip()
                status = answers(mapped)
                ran = f"answered {status} on {port}" if status and status < 500 else "did not answer"
                logs = e2e.run([e2e.DOCKER, "logs", container], check=False)
                last = (logs.stderr or logs.stdout).strip().splitlines()
                if not (status and status < 500) and last:
                    ran += f" ({last[-1][:120]})"
            finally:
                e2e.run([e2e.DOCKER, "rm", "-f", container], check=False)
        else:
            ran = "did not run"
            for flag in ("--version", "--help"):
                result = e2e.run([e2e.DOCKER, "run", "--rm", tag, flag], check=False, timeout=60)
                if result.returncode == 0:
                    ran = f"answered {flag}"
                    break
        return f"built in {seconds:.0f} s, user {user}, {ran}"


def main():
    wanted = sys.argv[1:]
    keys = {"minbase": e2e.ensure_minbase()}
    keys["builder"] = e2e.ensure_builder_base(keys["minbase"])
    for repo, commit, subdir in corpus.corpus():
        if repo in wanted:
            print(f"| {repo} | {build_one(repo, commit, subdir, keys)} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
