"""The repository boundary, tried as an attacker would: each case builds a project (and, where it
matters, a place outside it), runs shiplight and asserts the exact safe outcome. Nothing outside
the project is read or written, links are followed only inside it, special files are never
opened, writes are all or nothing, nothing printed steers a terminal, credentials never reach a
layer, parsers finish pathological input quickly, and messages name the right file and line.

Used by check.py; each case returns a list of problems (empty when it holds).
"""

import json
import os
import pathlib
import re
import subprocess
import tempfile
import time

import dockerfile
from projects import split_outputs, write

CASES = []
HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def case(name):
    def register(function):
        CASES.append((name, function))
        return function
    return register


class Run:
    def __init__(self, result, elapsed):
        self.code = result.returncode
        self.out = result.stdout.decode("utf-8", "replace")
        self.err = result.stderr.decode("utf-8", "replace")
        self.raw = result.stdout + result.stderr
        self.elapsed = elapsed


BIN = None
ENV = {"SHIPLIGHT_CARGO_METADATA": "never", "PATH": "/usr/bin:/bin"}


def shiplight(*args, timeout=20):
    start = time.time()
    result = subprocess.run([str(BIN), *map(str, args)], capture_output=True, env=ENV,
                            timeout=timeout, stdin=subprocess.DEVNULL)
    return Run(result, time.time() - start)


def refused(run, *needles):
    """Exit 2, nothing on stdout, an error holding every needle, no hidden character."""
    problems = []
    if run.code != 2:
        problems.append(f"exit {run.code}, expected a refusal (2): {run.err.strip()[:300]!r}")
    if run.out:
        problems.append(f"a refusal printed files: {run.out[:200]!r}")
    for needle in needles:
        if needle not in run.err:
            problems.append(f"the error lacks {needle!r}: {run.err.strip()[:400]!r}")
    return problems + clean(run)


def clean(run):
    """Nothing printed carries a control, escape, bidirectional or zero-width character."""
    text = run.raw.decode("utf-8", "replace").replace("\n", "").replace("\t", "")
    found = HIDDEN.findall(text)
    return [f"printed hidden characters {sorted(set(found))!r}"] if found else []


def outputs(run):
    return split_outputs(run.out)


GO = {"go.mod": "module example.com/svc\n\ngo 1.26\n",
      "main.go": 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n'}
NODE = {"package.json": {"name": "svc", "version": "1.0.0", "scripts": {"start": "node server.js"},
                         "dependencies": {"express": "5.1.0"}},
        "package-lock.json": {}, "server.js": "require('express')().listen(3000)\n"}
CARGO = '[package]\nname = "svc"\nversion = "0.1.0"\nedition = "2021"\n'
RUST = {"Cargo.toml": CARGO, "src/main.rs": "fn main() {}\n"}
PY = {"requirements.txt": "flask==3.1.2\ngunicorn==23.0.0\n",
      "app.py": "from flask import Flask\n\napp = Flask(__name__)\n"}
PHP = {"composer.json": {"require": {"php": ">=8.2"}}, "composer.lock": {"packages": []},
       "index.php": "<?php echo 'hi';\n"}
OUTSIDE_SECRET = "OUTSIDE-CANARY-d41d8cd9"


def setup(files):
    """A temporary place with `project/` and a sibling `outside/` holding a canary file."""
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="shiplight-boundary-"))
    project, outside = tmp / "project", tmp / "outside"
    write(project, files)
    write(outside, {"secret.txt": OUTSIDE_SECRET + "\n", "main.go": "package main\n",
                    "package.json": {"name": "outside", "scripts": {"start": "node x.js"}},
                    "main.rs": "fn main() {}\n", "pins": "", "Cargo.toml": CARGO,
                    "templates/go/Dockerfile.j2": "FROM scratch\n# " + OUTSIDE_SECRET + "\n"})
    return tmp, project, outside


def no_canary(run):
    return ["printed a file from outside the project"] if OUTSIDE_SECRET in run.out + run.err else []


# Paths from repository content --------------------------------------------------------------

@case("Go import climbing out of the module with ..")
def _():
    _, project, _ = setup(dict(GO, **{"main.go": 'package main\n\nimport _ "example.com/svc/../../outside"\n\nfunc main() {}\n'}))
    return refused(shiplight("init", project, "--stdout"), "main.go:3", "import", "leaves the project")


@case("go.work use directive leaving the project")
def _():
    _, project, _ = setup(dict(GO, **{"go.work": "go 1.26\n\nuse (\n\t.\n\t../outside\n)\n"}))
    return refused(shiplight("init", project, "--stdout"), "go.work:5", '"../outside"', "cannot be used")


@case("Cargo [[bin]] path leaving the project")
def _():
    _, project, _ = setup(dict(RUST, **{"Cargo.toml": CARGO + '\n[[bin]]\nname = "svc"\npath = "../outside/main.rs"\n'}))
    return refused(shiplight("init", project, "--stdout"), "Cargo.toml:8", "[[bin]] path")


@case("Cargo workspace members pattern ../*")
def _():
    _, project, _ = setup({"Cargo.toml": '[workspace]\nresolver = "2"\nmembers = ["../*"]\n'})
    return refused(shiplight("init", project, "--stdout"), "Cargo.toml:3", "workspace member pattern")


@case("npm start script running node ../x.js")
def _():
    pj = dict(NODE["package.json"], scripts={"start": "node ../outside/x.js"})
    _, project, _ = setup(dict(NODE, **{"package.json": pj}))
    return refused(shiplight("init", project, "--stdout"), "package.json", "entry script", "leaves the project")


@case("package.json main as an absolute path")
def _():
    pj = {"name": "svc", "main": "/etc/passwd.js", "scripts": {"build": "tsc"}, "dependencies": {"express": "5"}}
    _, project, _ = setup(dict(NODE, **{"package.json": pj}))
    return refused(shiplight("init", project, "--stdout"), "package.json", "entry script", "absolute path")


@case("npm workspaces pattern ../../*")
def _():
    _, project, _ = setup({"package.json": {"name": "root", "workspaces": ["../../*"]},
                           "package-lock.json": {}})
    return refused(shiplight("init", project, "--stdout"), "package.json", "workspace member pattern")


@case("pnpm-workspace.yaml package pattern leaving the project")
def _():
    _, project, _ = setup(dict(NODE, **{"pnpm-workspace.yaml": "packages:\n  - '../outside'\n",
                                        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n"}))
    return refused(shiplight("init", project, "--stdout"), "pnpm-workspace.yaml", "workspace member pattern")


@case("yarnPath leaving the project")
def _():
    pj = dict(NODE["package.json"], packageManager="yarn@4.5.0")
    _, project, _ = setup(dict(NODE, **{"package.json": pj, "yarn.lock": "__metadata:\n  version: 8\n",
                                        ".yarnrc.yml": "nodeLinker: node-modules\nyarnPath: ../outside/secret.txt\n"}))
    return refused(shiplight("init", project, "--stdout"), ".yarnrc.yml:2", "yarnPath") + no_canary(
        shiplight("init", project, "--stdout"))


@case("Django settings module with .. segments")
def _():
    _, project, _ = setup(dict(PY, **{"manage.py": 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "..outside.settings")\n'}))
    return refused(shiplight("init", project, "--stdout"), "manage.py:1", "not a dotted Python module name")


@case("requirements include of an absolute path")
def _():
    _, project, _ = setup(dict(PY, **{"requirements.txt": "-r /etc/passwd\nflask\n"}))
    return refused(shiplight("init", project, "--stdout"), "requirements.txt:1", "absolute path")


@case("uv workspace members leaving the project")
def _():
    _, project, _ = setup({"pyproject.toml": '[project]\nname = "svc"\nversion = "1"\ndependencies = ["flask"]\n'
                                             '\n[tool.uv.workspace]\nmembers = ["../*"]\n',
                           "uv.lock": "version = 1\n", "app.py": "from flask import Flask\napp = Flask(__name__)\n"})
    return refused(shiplight("init", project, "--stdout"), "pyproject.toml", "workspace member pattern")


@case("Maven module named like an option")
def _():
    pom = ('<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>root</artifactId>'
           '<version>1</version><packaging>pom</packaging><modules><module>--also-make</module></modules></project>')
    module = ('<project><modelVersion>4.0.0</modelVersion><parent><groupId>g</groupId><artifactId>root</artifactId>'
              '<version>1</version></parent><artifactId>app</artifactId><build><plugins><plugin>'
              '<groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId>'
              '<version>3.4.0</version></plugin></plugins></build></project>')
    _, project, _ = setup({"pom.xml": pom, "--also-make/pom.xml": module})
    run = shiplight("init", project, "--stdout")
    return refused(run, "--also-make")


# Links, special files, caps ----------------------------------------------------------------

@case("manifest linking outside the project")
def _():
    _, project, _ = setup({"main.go": GO["main.go"]})
    os.symlink("../outside/secret.txt", project / "go.mod")
    run = shiplight("init", project, "--stdout")
    return refused(run, "go.mod", "symbolic link", "leaves the project") + no_canary(run)


@case("manifest linking to an absolute path")
def _():
    tmp, project, outside = setup({"main.go": GO["main.go"]})
    os.symlink(outside / "secret.txt", project / "go.mod")
    run = shiplight("init", project, "--stdout")
    return refused(run, "go.mod", "symbolic link to an absolute path") + no_canary(run)


@case("manifest linking inside the project is followed")
def _():
    _, project, _ = setup({"main.go": GO["main.go"], "build/go.mod": GO["go.mod"]})
    os.symlink("build/go.mod", project / "go.mod")
    run = shiplight("init", project, "--stdout", "--only", "dockerfile")
    twin = shiplight("init", setup(GO)[1], "--stdout", "--only", "dockerfile")
    if run.code != 0:
        return [f"exit {run.code}: {run.err.strip()!r}"]
    return [] if run.out == twin.out else ["the linked manifest gives another Dockerfile"]


@case("a .env linking outside is passed over as evidence, never read")
def _():
    _, project, _ = setup(PY)
    os.symlink("../outside/secret.txt", project / ".env")
    run = shiplight("init", project, "--stdout", "--only", "dockerfile")
    problems = [] if run.code == 0 else [f"exit {run.code}: {run.err.strip()!r}"]
    return problems + no_canary(run)


@case("symbolic link loop")
def _():
    _, project, _ = setup({"main.go": GO["main.go"]})
    os.symlink("b", project / "a")
    os.symlink("a", project / "b")
    os.symlink("a", project / "go.mod")
    return refused(shiplight("init", project, "--stdout"), "go.mod", "loop of symbolic links")


@case("a FIFO as go.mod is never opened")
def _():
    _, project, _ = setup({"main.go": GO["main.go"]})
    os.mkfifo(project / "go.mod")
    run = shiplight("init", project, "--stdout", timeout=10)
    return refused(run, "go.mod", "is a FIFO")


@case("a directory named package.json")
def _():
    _, project, _ = setup({"server.js": "x\n", "package.json/x": "y"})
    return refused(shiplight("init", project, "--stdout"), "package.json", "is a directory")


@case("a manifest over the cap is refused and never echoed")
def _():
    payload = "PAYLOAD-7f3e" * 10
    pj = {"name": "svc", "scripts": {"start": "node server.js"}, "description": payload + "x" * (1 << 21)}
    _, project, _ = setup(dict(NODE, **{"package.json": pj}))
    run = shiplight("init", project, "--stdout")
    return refused(run, "package.json", "larger than 1024 KiB") + (
        ["the error echoes the refused file"] if "PAYLOAD-7f3e" in run.err else [])


# Settings from the repository's own shiplight.toml ------------------------------------------

@case("shiplight.toml templates outside the project")
def _():
    tmp, project, outside = setup(dict(GO, **{}))
    write(project, {"shiplight.toml": f'templates = "{outside / "templates"}"\n'})
    run = shiplight("init", project, "--stdout")
    return refused(run, "shiplight.toml", "line 1", "names only places inside the project") + no_canary(run)


@case("shiplight.toml digests climbing out with ..")
def _():
    _, project, _ = setup(dict(GO, **{"shiplight.toml": 'digests = "../outside/pins"\n'}))
    return refused(shiplight("init", project, "--stdout"), "shiplight.toml", "`digests`", "leaves the project")


@case("shiplight.toml templates directory linking outside")
def _():
    _, project, _ = setup(GO)
    os.symlink("../outside/templates", project / "templates")
    write(project, {"shiplight.toml": 'templates = "templates"\n'})
    run = shiplight("init", project, "--stdout")
    return refused(run, "shiplight.toml", "symbolic link") + no_canary(run)


@case("the same templates directory passed by the person running shiplight is used")
def _():
    _, project, outside = setup(GO)
    run = shiplight("init", project, "--stdout", "--only", "dockerfile", "--templates", outside / "templates")
    if run.code != 0 or OUTSIDE_SECRET not in run.out:
        return [f"--templates outside the project was not used: exit {run.code} {run.err.strip()!r}"]
    return []


@case("an oversized shiplight.toml")
def _():
    _, project, _ = setup(dict(GO, **{"shiplight.toml": "# x\n" * 70000}))
    return refused(shiplight("init", project, "--stdout"), "shiplight.toml", "larger than 256 KiB")


@case("a duplicate shiplight.toml key names its own line")
def _():
    _, project, _ = setup(dict(GO, **{"shiplight.toml": 'vendor = "distroless"\n\nport = 8080\nport = 9090\n'}))
    return refused(shiplight("init", project, "--stdout"), "shiplight.toml", "line 4", "duplicate key")


@case("a duplicate Cargo.toml key names its own line")
def _():
    _, project, _ = setup(dict(RUST, **{"Cargo.toml": CARGO + 'name = "again"\n'}))
    return refused(shiplight("init", project, "--stdout"), "Cargo.toml:5", "duplicate key")


# Writes ---------------------------------------------------------------------------------------

@case("no write through a symlinked docker/ directory")
def _():
    _, project, outside = setup(PHP)
    (outside / "docker").mkdir()
    os.symlink("../outside/docker", project / "docker")
    run = shiplight("init", project, "--yes")
    problems = refused(run, "docker", "symbolic link", "nothing was written")
    if list((outside / "docker").iterdir()):
        problems.append("a file was written outside the project")
    if (project / "Dockerfile").exists():
        problems.append("Dockerfile was written although the set failed")
    return problems


@case("writes are all or nothing")
def _():
    _, project, _ = setup(GO)
    (project / "Dockerfile").write_text("ORIGINAL\n")
    (project / ".dockerignore").mkdir()
    (project / ".dockerignore" / "keep").write_text("x")
    run = shiplight("init", project, "--yes", "--force")
    problems = [] if run.code == 2 else [f"exit {run.code}, expected 2: {run.err.strip()!r}"]
    if (project / "Dockerfile").read_text() != "ORIGINAL\n":
        problems.append("Dockerfile changed although .dockerignore could not be written")
    if (project / "shiplight.toml").exists():
        problems.append("shiplight.toml was written although the set failed")
    return problems + clean(run)


@case("check never shows a file linking outside the project")
def _():
    _, project, _ = setup(GO)
    assert shiplight("init", project, "--yes").code == 0
    (project / "Dockerfile").unlink()
    os.symlink("../outside/secret.txt", project / "Dockerfile")
    run = shiplight("check", project)
    problems = [] if run.code == 1 else [f"exit {run.code}, expected drift (1)"]
    if "symbolic link" not in run.out:
        problems.append(f"the link is not named: {run.out!r}")
    return problems + no_canary(run) + clean(run)


@case("check never opens a FIFO")
def _():
    _, project, _ = setup(GO)
    assert shiplight("init", project, "--yes").code == 0
    (project / "Dockerfile").unlink()
    os.mkfifo(project / "Dockerfile")
    run = shiplight("check", project, timeout=10)
    problems = [] if run.code == 1 else [f"exit {run.code}, expected drift (1)"]
    return problems + ([] if "is a FIFO" in run.out else [f"the FIFO is not named: {run.out!r}"])


# What reaches a terminal ------------------------------------------------------------------

def workspace(names):
    """An npm workspace whose members, each a server, carry these package names."""
    files = {"package.json": {"name": "root", "private": True, "workspaces": ["apps/*"]},
             "package-lock.json": {}}
    for index, name in enumerate(names):
        files[f"apps/m{index}/package.json"] = dict(NODE["package.json"], name=name)
        files[f"apps/m{index}/server.js"] = "require('express')().listen(3000)\n"
    return files


@case("a package name writing the clipboard (OSC 52) and clearing the screen")
def _():
    _, project, _ = setup(workspace(["api", "x\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J"]))
    run = shiplight("init", project, "--stdout")
    return refused(run, "\\u001b]52") + clean(shiplight("detect", project))


@case("a bidirectional override in a package name")
def _():
    _, project, _ = setup(workspace(["api", "tool\u202egnp.exe"]))
    return refused(shiplight("init", project, "--stdout"), "\\u202e")


@case("a newline in a package name cannot forge an output line")
def _():
    _, project, _ = setup(workspace(["api", "x\nerror: forged line"]))
    run = shiplight("init", project, "--stdout")
    forged = [line for line in run.err.splitlines() if line.startswith("error: forged")]
    return refused(run, "\\u000a") + ([f"forged line: {forged}"] if forged else [])


@case("a directory name with control characters is never used as a path")
def _():
    files = {"go.mod": GO["go.mod"], "cmd/api/main.go": "package main\n\nfunc main() {}\n",
             "cmd/x\x1b[2J/main.go": "package main\n\nfunc main() {}\n"}
    _, project, _ = setup(files)
    run = shiplight("init", project, "--stdout", "--only", "dockerfile")
    problems = [] if run.code == 0 else [f"exit {run.code}: {run.err.strip()!r}"]
    return problems + clean(run) + clean(shiplight("detect", project))


@case("explain --json stays JSON with hidden characters escaped")
def _():
    _, project, _ = setup(dict(GO, **{"cmd/x\u2028y/main.go": "package main\n\nfunc main() {}\n"}))
    run = shiplight("detect", project, "--json")
    try:
        json.loads(run.out)
    except ValueError as err:
        return [f"detect --json is not JSON: {err}"]
    return clean(run)


# Arguments, layers, documents ------------------------------------------------------------

@case("--package that would read as an option")
def _():
    files = {"package.json": {"name": "root", "workspaces": ["apps/*"]}, "package-lock.json": {},
             "apps/api/package.json": dict(NODE["package.json"], name="api"), "apps/api/server.js": "x\n"}
    _, project, _ = setup(files)
    return refused(shiplight("init", project, "--stdout", "--package=--offline"), "--offline")


@case("three hundred workspace members stay far below the layer limit")
def _():
    files = {"package.json": {"name": "root", "private": True, "workspaces": ["packages/*"]},
             "package-lock.json": {},
             "packages/api/package.json": dict(NODE["package.json"], name="api"),
             "packages/api/server.js": "require('express')().listen(3000)\n"}
    for i in range(300):
        files[f"packages/lib{i}/package.json"] = {"name": f"lib{i}", "version": "1.0.0"}
    _, project, _ = setup(files)
    run = shiplight("init", project, "--stdout", "--only", "dockerfile", "--package", "api")
    if run.code != 0:
        return [f"exit {run.code}: {run.err.strip()!r}"]
    commands = dockerfile.parse_string(run.out)
    copies = [c for c in commands if c.cmd == "COPY"]
    problems = [] if len(commands) < 40 else [f"{len(commands)} instructions"]
    if len(copies) > 4:
        problems.append(f"{len(copies)} COPY instructions for 301 manifests")
    if "packages/lib299/package.json" not in run.out:
        problems.append("a member's manifest is not gathered")
    return problems


@case("compose.yaml is not written beside docker-compose.yml")
def _():
    _, project, _ = setup(dict(GO, **{"docker-compose.yml": "services: {}\n"}))
    run = shiplight("init", project, "--yes", "--compose")
    problems = [] if run.code == 0 else [f"exit {run.code}: {run.err.strip()!r}"]
    if (project / "compose.yaml").exists():
        problems.append("compose.yaml was written beside docker-compose.yml")
    if "docker-compose.yml exists" not in run.err:
        problems.append(f"no warning names docker-compose.yml: {run.err!r}")
    return problems


@case("bake target names never collide")
def _():
    files = {f"a/shop/{k}": v for k, v in PHP.items()}
    files.update({f"b/shop-web/{k}": v for k, v in GO.items()})
    files.update({f"c/shop/{k}": v for k, v in GO.items()})
    _, project, _ = setup(files)
    run = shiplight("init", project, "--all", "--yes")
    if run.code != 0:
        return [f"exit {run.code}: {run.err.strip()!r}"]
    names = re.findall(r'^target "([^"]+)"', (project / "docker-bake.hcl").read_text(), re.M)
    return [] if len(names) == len(set(names)) == 4 else [f"bake targets {names}"]


@case("a byte-order mark changes nothing")
def _():
    problems = []
    for files, manifest in ((NODE, "package.json"), (RUST, "Cargo.toml"), (GO, "go.mod"), (PHP, "composer.json")):
        _, plain, _ = setup(files)
        _, marked, _ = setup(files)
        path = marked / manifest
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        a = shiplight("init", plain, "--stdout", "--only", "dockerfile")
        b = shiplight("init", marked, "--stdout", "--only", "dockerfile")
        if a.code != 0 or a.out != b.out or b.code != 0:
            problems.append(f"{manifest} with a BOM: exit {b.code} {b.err.strip()!r}")
    return problems


# Pathological input ----------------------------------------------------------------------

@case("1 MiB of nested YAML, JSON, TOML and XML finish in well under a second")
def _():
    problems = []
    half = (1 << 20) // 2 - 64
    inputs = [
        ({"package.json": NODE["package.json"], "server.js": "x",
          "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
          "pnpm-workspace.yaml": "packages: " + "[" * half + "]" * half + "\n"}, "pnpm-workspace.yaml"),
        ({"package.json": "[" * half + "]" * half}, "package.json"),
        ({"Cargo.toml": "a = " + "[" * half + "]" * half + "\n"}, "Cargo.toml"),
        ({"pom.xml": "<project>" + "<a>" * 120000 + "</a>" * 120000 + "</project>"}, "pom.xml"),
        ({"composer.json": '{"require":' + "[" * 200000 + "]" * 200000 + "}"}, "composer.json"),
        ({"Cargo.toml": '[workspace]\nmembers = ["' + "*a" * 120 + 'b"]\n'}, "Cargo.toml"),
    ]
    for files, manifest in inputs:
        _, project, _ = setup(files)
        run = shiplight("init", project, "--stdout", timeout=30)
        if run.elapsed > 1.0:
            problems.append(f"{manifest}: {run.elapsed:.2f} s")
        if run.code not in (0, 2) or (run.code == 2 and manifest not in run.err):
            problems.append(f"{manifest}: exit {run.code} {run.err.strip()[:200]!r}")
    return problems



NEAR_CAP = (1 << 20) - 256


def padded(text, comment="#"):
    """`text` with a last comment line that brings it just under the 1 MiB manifest cap."""
    room = NEAR_CAP - len(text.encode())
    return text + comment + "x" * (room - len(comment) - 1) + "\n" if room > len(comment) + 1 else text


def filled(head, item, tail, sep="", cap=NEAR_CAP):
    """`head`, then as many `item(i)` joined by `sep` as fit under `cap`, then `tail`."""
    parts, size, count = [], len(head.encode()) + len(tail.encode()), 0
    while True:
        piece = item(count)
        grow = len(piece.encode()) + (len(sep) if parts else 0)
        if size + grow > cap:
            return head + sep.join(parts) + tail
        parts.append(piece)
        size += grow
        count += 1


def quick(inputs):
    """Each (files, file) project, whose largest file is just under the 1 MiB manifest cap,
    runs `init` in under a second and exits 0, or 2 naming `file` when `file` starts with `!`."""
    problems = []
    for files, named in inputs:
        refused, named = named.startswith("!"), named.lstrip("!")
        sizes = [len(c.encode()) for c in files.values() if isinstance(c, str)]
        if max(sizes) < NEAR_CAP - (1 << 14) or max(sizes) >= 1 << 20:
            problems.append(f"{named}: the input is {max(sizes)} bytes, not just under the cap")
        _, project, _ = setup(files)
        run = shiplight("init", project, "--stdout", timeout=60)
        if run.elapsed >= 1.0:
            problems.append(f"{named}: {run.elapsed:.2f} s")
        if run.code != (2 if refused else 0) or (refused and named not in run.err):
            problems.append(f"{named}: exit {run.code} {run.err.strip()[:200]!r}")
    return problems


SERVER = "require('express')().listen(3000)\n"
FLASK = "from flask import Flask\n\napp = Flask(__name__)\n"
DEPS = 60000


@case("package.json with 60,000 dependencies at the cap finishes in well under a second")
def _():
    deps = ",\n".join(f'"d{i}":"1"' for i in range(DEPS))
    text = '{"name": "svc", "scripts": {"start": "node server.js"},\n"dependencies": {\n' + deps + "\n}"
    text += ',\n"description": "' + "x" * (NEAR_CAP - len(text) - 24) + '"\n}\n'
    return quick([({"package.json": text, "server.js": SERVER}, "package.json")])


@case("pyproject.toml with 60,000 dependencies (PEP 621 and Poetry) at the cap finishes in well under a second")
def _():
    pep621 = '[project]\nname = "svc"\nversion = "1.0"\ndependencies = [\n    "flask",\n'
    pep621 += "".join(f'"d{i}>=1",\n' for i in range(DEPS)) + "]\n"
    poetry = '[tool.poetry]\nname = "svc"\nversion = "1.0"\n\n[tool.poetry.dependencies]\npython = "^3.12"\nflask = "*"\n'
    poetry += "".join(f'd{i} = "^1"\n' for i in range(DEPS))
    return quick([({"pyproject.toml": padded(pep621), "app.py": FLASK}, "pyproject.toml"),
                  ({"pyproject.toml": padded(poetry), "app.py": FLASK}, "pyproject.toml")])


@case("requirements.txt and Pipfile with 60,000 lines at the cap finish in well under a second")
def _():
    requirements = "flask==3.1.2\ngunicorn==23.0.0\n" + "".join(f"d{i}==1.0\n" for i in range(DEPS))
    pipfile = '[packages]\nflask = "*"\n' + "".join(f'd{i} = "*"\n' for i in range(DEPS))
    return quick([({"requirements.txt": padded(requirements), "app.py": FLASK}, "requirements.txt"),
                  ({"Pipfile": padded(pipfile), "Pipfile.lock": {"default": {}}, "app.py": FLASK},
                   "Pipfile")])


@case("Cargo.toml with 20,000 chained features and an unmet guard finishes in well under a second")
def _():
    features = "".join(f'f{i} = ["f{i + 1}"]\n' for i in range(20000))
    cargo = padded(CARGO + "\n[features]\n" + features)
    guard = '#[cfg(not(feature = "f0"))]\ncompile_error!("enable f0");\n\nfn main() {}\n'
    # every feature enables the last one: each is an enabler to list
    last = '#[cfg(not(feature = "f20000"))]\ncompile_error!("enable f20000");\n\nfn main() {}\n'
    return quick([({"Cargo.toml": cargo, "src/main.rs": guard}, "!src/main.rs"),
                  ({"Cargo.toml": cargo, "src/main.rs": last}, "!src/main.rs")])


@case("lock files with many packages finish in well under a second")
def _():
    package = {"name": "svc", "scripts": {"start": "node server.js"}, "dependencies": {"express": "5"}}
    node = {"package.json": package, "server.js": SERVER}
    cargo_lock = filled('version = 4\n\n[[package]]\nname = "svc"\nversion = "0.1.0"\n',
                        lambda i: f'\n[[package]]\nname = "c{i}"\nversion = "1.0.0"\n'
                                  f'source = "registry+https://github.com/rust-lang/crates.io-index"\n'
                                  f'dependencies = ["c{i + 1}"]\n', "")
    package_lock = filled('{"name": "svc", "lockfileVersion": 3, "packages": {"": {"name": "svc"},\n',
                          lambda i: f'  "node_modules/p{i}": {{"version": "1.0.0"}}', "\n}}", sep=",\n")
    yarn = filled("# yarn lockfile v1\n\n",
                  lambda i: f'p{i}@^1.0.0:\n  version "1.0.0"\n  resolved "https://r/p{i}.tgz"\n\n', "")
    berry = filled("__metadata:\n  version: 8\n\n",
                   lambda i: f'"p{i}@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "p{i}@npm:1.0.0"\n\n', "")
    pnpm = filled("lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n      express:\n"
                  "        specifier: '5'\n        version: 5.1.0\n\npackages:\n\n",
                  lambda i: f"  p{i}@1.0.0:\n    resolution: {{integrity: sha512-x}}\n\n", "")
    uv = filled('version = 1\n\n[[package]]\nname = "svc"\nversion = "1.0"\nsource = { editable = "." }\n'
                'dependencies = [{ name = "flask" }, { name = "p0" }]\n\n',
                lambda i: f'[[package]]\nname = "p{i}"\nversion = "1.0"\n'
                          f'source = {{ registry = "https://pypi.org/simple" }}\n'
                          f'dependencies = [{{ name = "p{i + 1}" }}]\n'
                          f'wheels = [{{ url = "https://x/p{i}-1.0-py3-none-any.whl" }}]\n\n', "")
    poetry_lock = filled("", lambda i: f'[[package]]\nname = "p{i}"\nversion = "1.0"\ngroups = ["main"]\n'
                                       f'files = [{{file = "p{i}-1.0-py3-none-any.whl", hash = "sha256:0"}}]\n\n',
                         '[metadata]\nlock-version = "2.1"\n')
    poetry = ('[tool.poetry]\nname = "svc"\nversion = "1.0"\npackage-mode = false\n\n'
              '[tool.poetry.dependencies]\npython = "^3.12"\nflask = "*"\n')
    composer_lock = filled('{"packages": [\n', lambda i: f'{{"name": "v/p{i}", "version": "1.0.0"}}', "\n]}",
                           sep=",\n")
    return quick([
        ({**RUST, "Cargo.lock": cargo_lock}, "Cargo.lock"),
        ({**node, "package-lock.json": package_lock}, "package-lock.json"),
        ({**node, "yarn.lock": yarn}, "yarn.lock"),
        ({**node, "package.json": dict(package, packageManager="yarn@4.5.0"), "yarn.lock": berry}, "yarn.lock"),
        ({**node, "pnpm-lock.yaml": pnpm}, "pnpm-lock.yaml"),
        ({"pyproject.toml": '[project]\nname = "svc"\nversion = "1.0"\ndependencies = ["flask"]\n',
          "app.py": FLASK, "uv.lock": uv}, "uv.lock"),
        ({"pyproject.toml": poetry, "app.py": FLASK, "poetry.lock": poetry_lock}, "poetry.lock"),
        ({**PHP, "composer.lock": composer_lock}, "composer.lock"),
    ])


@case("go.mod, composer.json, pom.xml and Gradle files with many entries finish in well under a second")
def _():
    go = GO["main.go"]
    requires = filled("module example.com/svc\n\ngo 1.26\n\nrequire (\n",
                      lambda i: f"\texample.com/m{i} v1.0.0\n", ")\n")
    replaces = filled("module example.com/svc\n\ngo 1.26\n\n",
                      lambda i: f"replace example.com/m{i} => example.com/n{i} v1.0.0\n", "")
    work = filled("go 1.26\n\nuse (\n", lambda i: f"\t./m{i}\n", ")\n")
    extensions = ",\n".join(f'"ext-e{i}": "*"' for i in range(2000))
    composer = filled('{"require": {"php": ">=8.2",\n', lambda i: f'"v/p{i}": "^1"', ",\n" + extensions + "\n}}",
                      sep=",\n")
    vendors = filled('{"require": {"php": ">=8.2",\n', lambda i: f'  "v/p{i}": "^1"', "\n}}", sep=",\n")
    head = ("<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>svc</artifactId>"
            "<version>1</version>")
    dependencies = filled(head + "<dependencies>\n",
                          lambda i: f"<dependency><groupId>g</groupId><artifactId>a{i}</artifactId></dependency>\n",
                          "</dependencies></project>\n")
    modules = filled(head + "<packaging>pom</packaging><modules>\n", lambda i: f"<module>m{i}</module>\n",
                     "</modules></project>\n")
    properties = filled(head + "<properties>\n", lambda i: f"<p{i}>v</p{i}>\n", "</properties></project>\n")
    managed = filled(head + "<build><pluginManagement><plugins>\n",
                     lambda i: f"<plugin><artifactId>x{i}</artifactId><configuration><a>1</a></configuration></plugin>\n",
                     "</plugins></pluginManagement></build><profiles>\n", cap=NEAR_CAP // 2)
    profiles = filled(managed, lambda i: f"<profile><id>p{i}</id><build><plugins><plugin><artifactId>x{i}"
                                         f"</artifactId></plugin></plugins></build></profile>\n",
                      "</profiles></project>\n")
    configured = filled(head + "<build><pluginManagement><plugins><plugin><artifactId>x</artifactId><configuration>\n",
                        lambda i: f"<t{i}>1</t{i}>\n",
                        "</configuration></plugin></plugins></pluginManagement></build><profiles>\n",
                        cap=NEAR_CAP // 2)
    shared = filled(configured, lambda i: f"<profile><id>p{i}</id><build><plugins><plugin><artifactId>x</artifactId>"
                                        f"</plugin></plugins></build></profile>\n", "</profiles></project>\n")
    java = {"src/main/java/a/App.java": "package a;\n"}
    gradle = filled("plugins {\n    id 'org.springframework.boot' version '3.4.0'\n    id 'java'\n}\n",
                    lambda i: f"dependencies {{ implementation 'g:a{i}:1' }}\n", "")
    settings = filled("rootProject.name = 'svc'\n", lambda i: f"include 'm{i}'\n", "")
    return quick([
        ({"go.mod": requires, "main.go": go}, "go.mod"),
        ({"go.mod": replaces, "main.go": go}, "go.mod"),
        ({**GO, "go.work": work}, "!go.work"),
        ({**PHP, "composer.json": composer}, "composer.json"),
        ({**PHP, "composer.json": vendors}, "composer.json"),
        ({"pom.xml": dependencies, **java}, "!pom.xml"),
        ({"pom.xml": modules}, "!pom.xml"),
        ({"pom.xml": properties, **java}, "!pom.xml"),
        ({"pom.xml": profiles, **java}, "!pom.xml"),
        ({"pom.xml": shared, **java}, "!pom.xml"),
        ({"build.gradle": gradle, **java}, "build.gradle"),
        ({"settings.gradle": settings, "build.gradle": "plugins { id 'java' }\n", **java}, "!settings.gradle"),
    ])


@case("workspaces, .yarnrc.yml, Procfile and sources at the cap finish in well under a second")
def _():
    package = {"name": "svc", "scripts": {"start": "node server.js"}, "dependencies": {"express": "5"}}
    patterns = filled('{"name": "root", "private": true, "workspaces": [\n', lambda i: '  "a"', "\n]}", sep=",\n")
    yarnrc = filled("nodeLinker: node-modules\n", lambda i: f"k{i}: v\n", "")
    procfile = filled("web: gunicorn app:app\n", lambda i: f"w{i}: python x{i}.py\n", "")
    members = filled('[workspace]\nmembers = [\n', lambda i: '  "a",\n', "]\n")
    routes = filled("const app = require('express')();\n",
                    lambda i: f"app.get('/p{i}', (q, s) => s.send('x'));\n", "app.listen(3000);\n")
    views = filled(FLASK, lambda i: f"\n@app.route('/p{i}')\ndef p{i}():\n    return 'x'\n", "")
    handlers = filled('package main\n\nimport "net/http"\n\nfunc main() {\n',
                      lambda i: f'\thttp.HandleFunc("/p{i}", nil)\n', '\thttp.ListenAndServe(":8080", nil)\n}\n')
    guards = filled("fn main() {}\n",
                    lambda i: '#[cfg(not(any(feature = "a", feature = "b")))]\ncompile_error!("x");\n', "")
    return quick([
        ({"package.json": patterns, "a/package.json": package, "a/server.js": SERVER}, "package.json"),
        ({"package.json": package, "server.js": SERVER, ".yarnrc.yml": yarnrc}, ".yarnrc.yml"),
        ({**PY, "Procfile": procfile}, "Procfile"),
        ({"Cargo.toml": members, "a/Cargo.toml": CARGO, "a/src/main.rs": "fn main() {}\n"}, "Cargo.toml"),
        ({"package.json": package, "server.js": routes}, "server.js"),
        ({"requirements.txt": "flask\ngunicorn\n", "app.py": views}, "app.py"),
        ({"go.mod": GO["go.mod"], "main.go": handlers}, "main.go"),
        ({"Cargo.toml": CARGO + '\n[features]\na = []\n', "src/main.rs": guards}, "!src/main.rs"),
    ])

# Credentials -------------------------------------------------------------------------------

@case("an .npmrc reaches the install step only as a secret mount")
def _():
    _, project, _ = setup(dict(NODE, **{".npmrc": "//registry.example/:_authToken=TOKEN-c0ffee\n"}))
    files = outputs(shiplight("init", project, "--stdout"))
    text, ignore = files.get("Dockerfile", ""), files.get(".dockerignore", "")
    commands = dockerfile.parse_string(text)
    problems = []
    if any(".npmrc" in c.original for c in commands if c.cmd in ("COPY", "ADD", "ARG", "ENV")):
        problems.append(".npmrc appears in a COPY, ADD, ARG or ENV")
    if "--mount=type=secret,id=npmrc,target=/app/.npmrc" not in text:
        problems.append("no secret mount for .npmrc")
    if "--secret id=npmrc,src=.npmrc" not in text:
        problems.append("the header does not show the docker build --secret line")
    if "**/.npmrc" not in ignore.splitlines():
        problems.append(".dockerignore does not keep .npmrc out of the context")
    return problems + (["the token reached the output"] if "TOKEN-c0ffee" in text else [])


@case("a .yarnrc.yml with a token is mounted, not copied")
def _():
    pj = dict(NODE["package.json"], packageManager="yarn@4.5.0")
    _, project, _ = setup(dict(NODE, **{"package.json": pj, "yarn.lock": "__metadata:\n  version: 8\n",
                                        ".yarnrc.yml": "nodeLinker: node-modules\nnpmAuthToken: TOKEN-beef\n"}))
    files = outputs(shiplight("init", project, "--stdout"))
    text, ignore = files.get("Dockerfile", ""), files.get(".dockerignore", "")
    problems = []
    if any(".yarnrc.yml" in c.original for c in dockerfile.parse_string(text) if c.cmd == "COPY"):
        problems.append(".yarnrc.yml with a token is copied")
    if "id=yarnrc-yml" not in text or ".yarnrc.yml" not in ignore.splitlines():
        problems.append(".yarnrc.yml with a token is not mounted as a secret and ignored")
    return problems


@case("Composer auth.json and Maven settings.xml are secrets")
def _():
    problems = []
    _, project, _ = setup(dict(PHP, **{"auth.json": {"http-basic": {}}}))
    text = outputs(shiplight("init", project, "--stdout")).get("Dockerfile", "")
    if "id=composer-auth,target=/app/auth.json" not in text:
        problems.append("auth.json is not a secret mount")
    pom = ('<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>svc</artifactId>'
           '<version>1</version><build><plugins><plugin><groupId>org.springframework.boot</groupId>'
           '<artifactId>spring-boot-maven-plugin</artifactId><version>3.4.0</version></plugin></plugins>'
           '</build></project>')
    _, project, _ = setup({"pom.xml": pom, "settings.xml": "<settings/>",
                           "src/main/java/a/App.java": "package a;\n"})
    files = outputs(shiplight("init", project, "--stdout"))
    text = files.get("Dockerfile", "")
    if "-s /run/secrets/maven-settings" not in text or "id=maven-settings" not in text:
        problems.append("settings.xml is not a secret mount read with -s")
    if "settings.xml" not in files.get(".dockerignore", "").splitlines():
        problems.append(".dockerignore does not keep settings.xml out")
    return problems


def run_all(binary, fail, ok):
    global BIN
    BIN = binary
    for name, function in CASES:
        try:
            problems = function()
        except Exception as err:  # a case that cannot even run is a failure of it
            problems = [f"{type(err).__name__}: {err}"]
        if problems:
            for problem in problems:
                fail(f"boundary: {name}: {problem}")
        else:
            ok(f"boundary: {name}")
    return len(CASES)
