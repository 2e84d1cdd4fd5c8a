"""Validates shiplight's real JSON output against the schemas under docs/schemas/: `explain
--json` and `detect --json` of every fixture, `verify --json` run with the stand-in engine of
tests/structure, errors in --json mode, and every shiplight.toml `init` writes (from the
snapshots) and the repository's own. Also checks the one shape of a value read with its
evidence: no `[value, evidence]` pair and no `FIELD_evidence` key anywhere.

Python's jsonschema (the reference implementation, installed by .ci/run when missing) does the
validating, so the crate's build carries no schema validator and its dependencies.

Usage: python3 tests/schemas/check.py [PATH_TO_SHIPLIGHT] (default target/debug/shiplight).
"""

import json
import os
import pathlib
import subprocess
import sys
import tempfile
import tomllib

import jsonschema
import referencing

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "schemas"
BINARY = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target" / "debug" / "shiplight")
sys.path.insert(0, str(ROOT / "tests" / "structure"))
import standin_engine  # noqa: E402

ENV = {k: v for k, v in os.environ.items() if not k.startswith("SHIPLIGHT_")}
ENV["SHIPLIGHT_CARGO_METADATA"] = "never"


def load():
    resources = []
    schemas = {}
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text())
        schema["$id"] = path.as_uri()
        schemas[path.name] = schema
        resources.append((path.as_uri(), referencing.Resource.from_contents(schema)))
    registry = referencing.Registry().with_resources(resources)
    validators = {}
    for name, schema in schemas.items():
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validators[name] = cls(schema, registry=registry)
    return validators


def shapes(node, where, problems):
    """Problems with the one shape of values read with their evidence."""

    def is_evidence(value):
        return (isinstance(value, dict) and {"file", "detail"} <= value.keys()
                and value.keys() <= {"file", "line", "detail"})

    if isinstance(node, list):
        if (len(node) >= 2 and is_evidence(node[-1])
                and not any(is_evidence(item) for item in node[:-1])):
            problems.append(f"{where}: a [value, evidence] pair")
        for index, item in enumerate(node):
            shapes(item, f"{where}[{index}]", problems)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("_evidence"):
                problems.append(f"{where}.{key}: a FIELD_evidence key")
            shapes(value, f"{where}.{key}", problems)


def run(*args, cwd=None):
    return subprocess.run([str(BINARY), *map(str, args)], capture_output=True, text=True,
                          env=ENV, cwd=cwd, timeout=120)


def main():
    validators = load()
    problems = []
    counts = {}

    def check(schema, document, where):
        counts[schema] = counts.get(schema, 0) + 1
        for error in validators[schema].iter_errors(document):
            problems.append(f"{where}: {schema}: {'/'.join(map(str, error.absolute_path))}: {error.message[:300]}")
        if schema != "shiplight.toml.json":
            shapes(document, where, problems)

    fixtures = ROOT / "tests" / "fixtures"
    for fixture in sorted(p for p in fixtures.iterdir() if p.is_dir()):
        args_file = fixture.with_suffix(".args")
        args = args_file.read_text().split() if args_file.exists() else []
        explained = run("explain", "--json", fixture, *args)
        if explained.returncode == 0:
            check("plan.json", json.loads(explained.stdout), f"explain {fixture.name}")
        else:
            check("error.json", json.loads(explained.stderr), f"explain {fixture.name} (refused)")
        detected = run("detect", "--json", fixture)
        check("detect.json", json.loads(detected.stdout), f"detect {fixture.name}")

    for args in (["explain", "--json", "/nonexistent/project"],
                 ["detect", "--json", "/nonexistent/project"],
                 ["explain", "--json", "--stack", "rust", fixtures / "go-basic"],
                 ["verify", "--json", "--engine", "/nonexistent/engine", fixtures / "go-basic"]):
        failed = run(*args)
        if failed.returncode == 0 or failed.stdout:
            problems.append(f"{args}: expected an error alone, got {failed.returncode}: {failed.stdout[:200]}")
            continue
        document = json.loads(failed.stderr)
        if document["error"]["code"] != failed.returncode:
            problems.append(f"{args}: error.code {document['error']['code']} but exit {failed.returncode}")
        check("error.json", document, " ".join(map(str, args)))

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        project = tmp / "project"
        project.mkdir()
        for source in (fixtures / "go-basic").iterdir():
            (project / source.name).write_bytes(source.read_bytes())
        engine = standin_engine.make(tmp / "engine")
        with standin_engine.answering(engine):
            verified = run("verify", "--json", "--engine", engine, project)
        try:
            check("verify.json", json.loads(verified.stdout), "verify with the stand-in engine")
        except json.JSONDecodeError:
            problems.append(f"verify --json printed no JSON ({verified.returncode}): {verified.stderr[:300]}")

    tomls = [("shiplight.toml", (ROOT / "shiplight.toml").read_text())]
    for snapshot in sorted((ROOT / "snapshots").glob("*.snap")):
        text = snapshot.read_text()
        if "==> shiplight.toml <==\n" in text:
            written = text.split("==> shiplight.toml <==\n", 1)[1].split("\n==> ", 1)[0]
            tomls.append((snapshot.name, written))
    for path in sorted(fixtures.rglob("shiplight.toml")):
        tomls.append((str(path.relative_to(ROOT)), path.read_text()))
    for where, text in tomls:
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            if "invalid" in where or "bad" in where or "broken" in where:
                continue
            problems.append(f"{where}: not TOML: {err}")
            continue
        check("shiplight.toml.json", document, where)

    for problem in problems:
        print(problem)
    print(", ".join(f"{count} {name}" for name, count in sorted(counts.items())),
          f"validated; {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
