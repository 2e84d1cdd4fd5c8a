#!/usr/bin/env python3
"""Builds corpus repositories for real through `shiplight verify`, on the real-build suite's
stand-in images, and records the outcome in README.md.

For each repository named: exports the pinned commit (next/*.tsv, else corpus.tsv; see run.py)
into a scratch directory, runs `shiplight init` there (the repository's own Dockerfile, if any,
is replaced in this copy), builds the stand-ins of the images the plan names (tests/e2e/run.py,
cached by recipe), then runs `shiplight verify --json` on it: the image builds, runs as 65532,
carries no shell, answers (a service on its port, a program on `--help` or `--version`), has a
debug variant, stops promptly and rebuilds from the cache. PASS is every check holding. After
each repository the build cache is pruned (verify removes its own images; the stand-ins, tagged
images, stay).

The README table between `<!-- built:begin -->` and `<!-- built:end -->` is the record: a run
replaces the rows of the repositories it built and keeps the others. `built-causes.tsv` holds,
per repository, why a result that is not PASS is what it is, as judged from the build log (the
network, a stand-in, the project's own pins, or shiplight); it is shown in the table.

Usage: python3 tests/realworld/build.py [--timeout SECONDS] [--keep] OWNER/NAME[:DIR] [...]
(after tests/e2e/run.sh has started an engine; a release build of shiplight is used when there
is one, else the debug build). Without repositories it only rewrites the table, with the causes
of built-causes.tsv.
"""

import argparse
import importlib.util
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
README = HERE / "README.md"
CAUSES = HERE / "built-causes.tsv"
BEGIN, END = "<!-- built:begin -->", "<!-- built:end -->"
# How long a real application may take to answer once started: a JVM server that migrates its
# database at start-up takes over a minute on this two-core machine while others build.
WAIT = 180
HEADER = ("| repository | stack | commit | result | build s | what answered | cause |\n"
          "|---|---|---|---|---|---|---|")


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = load("corpus", HERE / "run.py")
e2e = load("e2e", HERE.parent / "e2e" / "run.py")
RELEASE = e2e.ROOT / "target" / "release" / "shiplight"
SHIPLIGHT = RELEASE if RELEASE.exists() else e2e.SHIPLIGHT


def rows():
    """Every pinned repository: (name, commit, directory, stack or None), next/ first."""
    for tsv in sorted((HERE / "next").glob("*.tsv")):
        for line in tsv.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                fields = line.split("\t")
                yield fields[0], fields[1], fields[2] or ".", tsv.stem
    for repo, commit, subdir in corpus.corpus():
        yield repo, commit, subdir, None


def label(repo, subdir):
    return repo if subdir == "." else f"{repo} ({subdir})"


def cell(text, limit=300):
    text = " ".join(str(text).split()).replace("|", "/")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def shiplight(*args, timeout=120):
    return subprocess.run([str(SHIPLIGHT), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=e2e.ENV)


def first_line(result):
    """The first line of what a failed run printed: the message of a `--json` error document
    (JSON on stderr), else the first line of its output."""
    text = (result.stderr or result.stdout).strip()
    try:
        text = json.loads(text)["error"]["message"]
    except (ValueError, KeyError, TypeError):
        pass
    lines = text.splitlines()
    return lines[0] if lines else f"exit {result.returncode}, no output"


def error_lines(log):
    """The lines of a failed build's log that say what failed: the tool's own error lines, the
    line the step printed last and the engine's ERROR line, else the last three lines."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    engine = next((n for n, line in enumerate(lines) if re.match(r"#\d+ ERROR", line)), None)
    if engine is None:
        return " / ".join(lines[-3:])
    wanted = re.compile(r"\berror\b|Error:|FAILURE|fatal|not found|No matching|missing from"
                        r"|cannot|unable to", re.I)
    picked = [line for line in lines[:engine - 1] if wanted.search(line)][:3]
    return " / ".join(dict.fromkeys(picked + lines[max(engine - 1, 0):engine + 1]))


def verify(app, timeout, keys, keep=False):
    """(stack, result, build seconds, what answered) for the project at `app`."""
    init = shiplight("init", "--yes", "--force", "--no-syntax", app)
    if init.returncode != 0:
        return None, f"refused: {first_line(init)}", None, ""
    explained = shiplight("explain", "--json", "--no-syntax", app)
    if explained.returncode != 0:
        return None, f"refused after init: {first_line(explained)}", None, ""
    plan = json.loads(explained.stdout)
    try:
        for image in e2e.plan_images(plan):
            e2e.ensure_standin(image, keys)
    except RuntimeError as err:
        return plan["stack"], f"not built: {str(err).splitlines()[0]}", None, ""
    try:
        ran = subprocess.run([str(SHIPLIGHT), "verify", "--engine", e2e.DOCKER, "--json",
                              "--no-syntax", "--timeout", str(timeout), "--wait", str(WAIT),
                              *(["--keep"] if keep else []), str(app)],
                             capture_output=True, text=True, timeout=timeout * 3 + 600,
                             env=e2e.ENV)
        report = json.loads(ran.stdout)
    except subprocess.TimeoutExpired:
        return plan["stack"], "verify did not end within its own limits", None, ""
    except json.JSONDecodeError:
        return plan["stack"], f"verify exited {ran.returncode}: {first_line(ran)}", None, ""
    checks = {check["name"]: check for check in report["checks"]}
    answered = checks.get("answers", {}).get("detail", "")
    seconds = report["measures"].get("build_seconds")
    if report["ok"]:
        return plan["stack"], "PASS", seconds, answered
    failed = [check for check in report["checks"] if not check["ok"]]
    if not checks["builds"]["ok"]:
        print(checks["builds"]["detail"], flush=True)
        return plan["stack"], f"FAIL builds: {error_lines(checks['builds']['detail'])}", None, ""
    detail = "; ".join(f"{check['name']}: {check['detail']}" for check in failed)
    return plan["stack"], f"FAIL {detail}", seconds, answered


def build_one(repo, commit, subdir, timeout, keys, keep=False):
    with tempfile.TemporaryDirectory(prefix="shiplight-corpus-build-") as tmp:
        root = corpus.export(repo, commit, pathlib.Path(tmp))
        if root is None:
            return None, "not fetched: no snapshot under " + str(corpus.MIRRORS), None, ""
        return verify(root / subdir, timeout, keys, keep)


def clean():
    """Drops the build cache the repository's build left (verify removed its images)."""
    e2e.run([e2e.DOCKER, "builder", "prune", "-af"], check=False, timeout=600)
    e2e.run([e2e.DOCKER, "image", "prune", "-f"], check=False, timeout=600)


def causes():
    known = {}
    if CAUSES.exists():
        for line in CAUSES.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                name, _, cause = line.partition("\t")
                known[name] = cause.strip()
    return known


def recorded():
    """The table's rows now in the README, by repository label."""
    text = README.read_text()
    if BEGIN not in text:
        return {}
    body = text.split(BEGIN, 1)[1].split(END, 1)[0]
    table = {}
    for line in body.splitlines():
        if line.startswith("| ") and not line.startswith("| repository"):
            fields = [field.strip() for field in line.strip("|").split(" | ")]
            table[fields[0]] = fields[:6]
    return table


def write_readme(table):
    known = causes()
    order = {label(repo, subdir): n for n, (repo, _, subdir, _) in enumerate(rows())}
    stacks = ["go", "rust", "python", "node", "java", "php"]
    ordered = sorted(table.values(), key=lambda r: (stacks.index(r[1]) if r[1] in stacks else 9,
                                                      r[3] != "PASS", order.get(r[0], 1e9)))
    lines = []
    for fields in ordered:
        cause = "" if fields[3] == "PASS" else known.get(fields[0], known.get(fields[0].split(" (")[0], ""))
        lines.append("| " + " | ".join(fields[:6] + [cell(cause)]) + " |")
    passed = {stack: sum(1 for r in ordered if r[1] == stack and r[3] == "PASS") for stack in stacks}
    tried = {stack: sum(1 for r in ordered if r[1] == stack) for stack in stacks}
    summary = ", ".join(f"{stack} {passed[stack]} of {tried[stack]}" for stack in stacks)
    block = (f"{BEGIN}\nBuilt and checked with `shiplight verify` by `build.py` ({SHIPLIGHT.parent.name}"
             f" build) on the real-build suite's stand-ins. PASS: {sum(passed.values())} of "
             f"{len(ordered)} ({summary}).\n\n{HEADER}\n" + "\n".join(lines) + f"\n{END}")
    text = README.read_text()
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        marker = "## Built for real\n"
        head, rest = text.split(marker, 1)
        following = rest.find("\n## ")
        text = head + marker + "\n" + block + "\n" + (rest[following:] if following >= 0 else "")
    README.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=int, default=900, help="verify's limit for one build")
    parser.add_argument("--keep", action="store_true",
                        help="keep the images verify built (shiplight-verify/NAME:PID), to look into")
    parser.add_argument("repos", nargs="*", help="OWNER/NAME, or OWNER/NAME:DIR for one directory")
    args = parser.parse_args()
    table = recorded()
    keys = {}
    if args.repos:
        keys["minbase"] = e2e.ensure_minbase()
        keys["builder"] = e2e.ensure_builder_base(keys["minbase"])
    for wanted in args.repos:
        name, _, want_dir = wanted.partition(":")
        match = [row for row in rows() if row[0] == name and (not want_dir or row[2] == want_dir)]
        if not match:
            print(f"{wanted}: not in the corpus", file=sys.stderr)
            continue
        repo, commit, subdir, stack = match[0]
        started = time.time()
        found, result, seconds, answered = build_one(repo, commit, subdir, args.timeout, keys,
                                                    args.keep)
        clean()
        key = label(repo, subdir)
        table[key] = [key, found or stack or "?", commit[:10], cell(result),
                      f"{seconds:.0f}" if seconds is not None else "", cell(answered, 120)]
        print(f"{key}: {result[:400]} ({time.time() - started:.0f} s)", flush=True)
        write_readme(table)
    write_readme(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
