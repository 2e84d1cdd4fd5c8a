"""The repository boundary, tried as an attacker would: each case builds a project (and, where it
matters, a place outside it), runs shiplight and asserts the exact safe outcome. Nothing outside
the project is read or written, links are followed only inside it, special files are never
opened, writes are all or nothing, nothing printed steers a terminal, credentials never reach a
layer, parsers finish pathological input quickly, and messages name the right file and line.

Used by check.py; each case returns a list of problems (empty when it holds).
"""

import atexit
import hashlib
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tempfile
import time

import dockerfile
import standin_engine
from projects import split_outputs, write

CASES = []
HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
                    "\U000e0000-\U000e007f]")


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


# Every case's temporary place lives under one directory, removed when the run ends.
SCRATCH = pathlib.Path(tempfile.mkdtemp(prefix="shiplight-boundary-"))
atexit.register(shutil.rmtree, SCRATCH, ignore_errors=True)


def setup(files):
    """A temporary place with `project/` and a sibling `outside/` holding a canary file."""
    tmp = pathlib.Path(tempfile.mkdtemp(dir=SCRATCH))
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


@case("a static site whose build output is the package itself")
def _():
    vite = {"name": "web", "scripts": {"build": "vite build"}, "devDependencies": {"vite": "6.0.0"}}
    site = {"index.html": "<html></html>\n", "package-lock.json": {}}
    variants = []
    for out in (".", "./", "", "src/.."):
        variants.append((dict(site, **{"package.json": vite,
                                      "vite.config.js": f"export default {{\n  build: {{ outDir: '{out}' }}\n}}\n"}),
                         "vite.config.js:2"))
    for out in ("--outdir=/", "--outdir=.", "--outdir ./", "-o ."):
        pj = {"name": "web", "scripts": {"build": f"esbuild app.js --bundle {out}"}}
        variants.append((dict(site, **{"package.json": pj}), "package.json:1"))
    for start in ("serve -s ./", "serve -s", "serve .", "serve -s /"):
        pj = {"name": "web", "scripts": {"start": start}, "dependencies": {"serve": "14.2.4"}}
        variants.append((dict(site, **{"package.json": pj}), "package.json:1"))
    svelte = {"name": "web", "scripts": {"build": "vite build"},
              "devDependencies": {"@sveltejs/kit": "2.0.0", "@sveltejs/adapter-static": "3.0.0"}}
    variants.append((dict(site, **{"package.json": svelte, "svelte.config.js":
                                   "import adapter from '@sveltejs/adapter-static';\nexport default { kit: { adapter: adapter({ pages: '.' }) } };\n"}),
                     "svelte.config.js:2"))
    workspace = {"package.json": {"name": "root", "private": True, "workspaces": ["apps/*"]},
                 "package-lock.json": {}, "apps/web/index.html": "<html></html>\n",
                 "apps/web/package.json": vite,
                 "apps/web/vite.config.js": "export default {\n  build: { outDir: './' }\n}\n"}
    variants.append((workspace, "apps/web/vite.config.js:2"))
    problems = []
    for files, where in variants:
        _, project, _ = setup(files)
        run = shiplight("init", project, "--stdout")
        found = refused(run, where)
        if run.code == 2 and not any(why in run.err for why in ("absolute path", "package directory itself",
                                                                   "a path inside the project")):
            found.append(f"the refusal does not say why: {run.err.strip()!r}")
        problems += [f"{where} {json.dumps(files.get('package.json', {}).get('scripts', {}))}: {p}"
                     for p in found]
    return problems


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


@case("every stack's manifests and locks: a link leaving, a FIFO or a directory is refused, never skipped")
def _():
    pom = ('<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>svc</artifactId>'
           '<version>1</version></project>')
    gradle = "plugins { id 'java' }\n"
    pyproject = '[project]\nname = "svc"\nversion = "1"\ndependencies = ["flask"]\n'
    app = PY["app.py"]
    projects = [
        ("requirements.txt", {"app.py": app}),
        ("uv.lock", {"app.py": app, "pyproject.toml": pyproject}),
        ("poetry.lock", {"app.py": app, "pyproject.toml": pyproject}),
        ("Pipfile.lock", {"app.py": app, "Pipfile": '[packages]\nflask = "*"\n'}),
        ("setup.py", {"app.py": app}),
        ("pom.xml", {"src/main/java/a/App.java": "package a;\n"}),
        ("settings.gradle", {"build.gradle": gradle, "src/main/java/a/App.java": "package a;\n"}),
        ("build.gradle.kts", {"src/main/java/a/App.java": "package a;\n"}),
        ("gradle.properties", {"build.gradle": gradle, "src/main/java/a/App.java": "package a;\n"}),
        ("mvnw", {"pom.xml": pom, ".mvn/wrapper/maven-wrapper.properties": "distributionUrl=x\n"}),
        ("go.sum", GO),
        ("go.mod", {"main.go": GO["main.go"]}),
        ("Cargo.lock", RUST),
        ("composer.lock", {"composer.json": PHP["composer.json"], "index.php": PHP["index.php"]}),
    ]
    problems = []
    for manifest, files in projects:
        for kind, needle in (("link", "symbolic link"), ("fifo", "is a FIFO"), ("dir", "is a directory")):
            _, project, _ = setup(files)
            path = project / manifest
            if kind == "link":
                os.symlink("../outside/secret.txt", path)
            elif kind == "fifo":
                os.mkfifo(path)
            else:
                path.mkdir()
                (path / "x").write_text("flask\n")
            run = shiplight("init", project, "--stdout", timeout=10)
            problems += [f"{manifest} as a {kind}: {p}" for p in refused(run, manifest, needle) + no_canary(run)]
    return problems


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


@case("custom templates that break a promise are written, with one warning per promise")
def _():
    variants = [
        ('USER root\nENTRYPOINT ["/app"]\n', ["runs as root (USER root)"]),
        ('USER 0\nENTRYPOINT ["/app"]\n', ["runs as root (USER 0)"]),
        ('USER 65532:65532\nENTRYPOINT ["sh", "-c", "/app"]\n', ["starts through a shell"]),
        ('USER 65532:65532\nCMD /app --port 8080\n', ["starts through a shell (CMD /app --port 8080)"]),
        ('ENTRYPOINT ["/app"]\n', ["sets no USER"]),
        ('USER root\nENTRYPOINT /app\n', ["runs as root", "starts through a shell"]),
        ('USER 65532:65532\nENTRYPOINT ["/app"]\n', []),
    ]
    problems = []
    for index, (tail, promises) in enumerate(variants):
        template = "FROM scratch AS build\nUSER 0\n\nFROM scratch\nCOPY --from=build /x /app\n" + tail
        for source in ("shiplight.toml", "--templates"):
            _, project, outside = setup(GO)
            if source == "shiplight.toml":
                write(project, {"shiplight.toml": 'templates = "tpl"\n', "tpl/go/Dockerfile.j2": template})
                run = shiplight("init", project, "--stdout", "--only", "dockerfile")
                named = "tpl/go/Dockerfile.j2"
            else:
                write(outside, {"tpl/go/Dockerfile.j2": template})
                run = shiplight("init", project, "--stdout", "--only", "dockerfile", "--templates", outside / "tpl")
                named = str(outside / "tpl" / "go" / "Dockerfile.j2")
            label = f"variant {index} ({source})"
            if run.code != 0 or tail not in run.out:
                problems.append(f"{label}: not written: exit {run.code} {run.err.strip()!r}")
            warnings = [line for line in run.err.splitlines() if line.startswith("warning:")]
            if len(warnings) != len(promises):
                problems.append(f"{label}: {len(warnings)} warnings for {len(promises)} broken promises: {warnings}")
            for promise in promises:
                if not any(promise in line and named in line for line in warnings):
                    problems.append(f"{label}: no warning names {promise!r} and {named}: {warnings}")
    for files in (GO, NODE, PY, PHP, RUST):
        _, project, outside = setup(files)
        exported = shiplight("templates", "export", outside / "builtin")
        plain = shiplight("init", project, "--stdout")
        run = shiplight("init", project, "--stdout", "--templates", outside / "builtin")
        if exported.code != 0 or run.code != 0 or run.out != plain.out:
            problems.append(f"the built-in templates, exported: exit {exported.code}/{run.code} {run.err.strip()!r}")
        problems += [f"the built-in templates warn: {line}" for line in run.err.splitlines()
                     if "custom template" in line]
    return problems


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


@case("a shiplight.toml key cannot forge a log line or a CI workflow command")
def _():
    key = '"x\\nerror: forged line\\n::error file=main.go::forged\\u202e\\U000E0041\\u001b[2J"'
    problems = []
    for text, needles in ((f'vendor = "distroless"\n{key} = 1\n', ("shiplight.toml", "line 2", "unknown key")),
                          (f'[mirrors]\n{key} = 1\n', ("shiplight.toml", "line 1", "mirrors.")),
                          (f'[mirrors]\n{key} = "registry.example.com"\n', ("shiplight.toml", "line 1"))):
        _, project, _ = setup(dict(GO, **{"shiplight.toml": text}))
        run = shiplight("init", project, "--stdout")
        forged = [line for line in run.err.splitlines() if line.startswith(("error: forged", "::"))]
        problems += refused(run, *needles, "\\n") + ([f"forged lines: {forged}"] if forged else [])
    return problems


@case("tag characters and deprecated format controls in a directory name are escaped")
def _():
    files = dict(GO, **{"cmd/api/main.go": "package main\n\nfunc main() {}\n",
                        "cmd/x\U000e0041\U000e0042\u206ay\u206f/main.go": "package main\n\nfunc main() {}\n"})
    files.pop("main.go")
    _, project, _ = setup(files)
    run = shiplight("init", project, "--stdout")
    problems = refused(run, "main packages", "\\udb40\\udc41", "\\u206a")
    chosen = shiplight("init", project, "--stdout", "--go-main", "./cmd/api")
    problems += [] if chosen.code == 0 else [f"--go-main: exit {chosen.code} {chosen.err.strip()!r}"]
    detected = shiplight("detect", project, "--json")
    try:
        json.loads(detected.out)
    except ValueError as err:
        problems.append(f"detect --json is not JSON: {err}")
    return problems + clean(chosen) + clean(detected) + clean(shiplight("explain", project, "--go-main", "./cmd/api"))


@case("two packages with one binary name: the hint names a flag that chooses")
def _():
    files = {"Cargo.toml": '[workspace]\nresolver = "2"\nmembers = ["a", "b"]\n'}
    for member in ("a", "b"):
        files[f"{member}/Cargo.toml"] = (CARGO.replace('"svc"', f'"{member}"')
                                         + '\n[[bin]]\nname = "api"\npath = "src/main.rs"\n')
        files[f"{member}/src/main.rs"] = "fn main() {}\n"
    _, project, _ = setup(files)
    problems = refused(shiplight("init", project, "--stdout"), "api (package a)", "--package")
    named = shiplight("init", project, "--stdout", "--rust-bin", "api")
    problems += refused(named, "packages with a binary named api: a, b", "Choose one with --package")
    problems += [f"a broken hint: {line}" for line in named.err.splitlines() if "--a " in line]
    chosen = shiplight("init", project, "--stdout", "--only", "dockerfile", "--rust-bin", "api", "--package", "b")
    if chosen.code != 0 or "--package b --bin api" not in chosen.out:
        problems.append(f"--package b does not choose: exit {chosen.code} {chosen.err.strip()!r}")
    if shiplight("init", project, "--yes", "--rust-bin", "api", "--package", "b").code != 0:
        problems.append("init --yes --package b failed")
    elif 'package = "b"' not in (project / "shiplight.toml").read_text():
        problems.append("shiplight.toml does not keep the package")
    else:
        check = shiplight("check", project)
        problems += [] if check.code == 0 else [f"check after init: exit {check.code} {check.out.strip()!r}"]
    go = {"go.work": "go 1.26\n\nuse (\n\t./one\n\t./two\n)\n"}
    for module in ("one", "two"):
        go[f"{module}/go.mod"] = f"module example.com/{module}\n\ngo 1.26\n"
        go[f"{module}/cmd/api/main.go"] = "package main\n\nfunc main() {}\n"
    _, project, _ = setup(go)
    problems += refused(shiplight("init", project, "--stdout"), "Choose one with --go-main")
    chosen = shiplight("init", project, "--stdout", "--only", "dockerfile", "--go-main", "./two/cmd/api")
    problems += [] if chosen.code == 0 else [f"--go-main ./two/cmd/api: exit {chosen.code} {chosen.err.strip()!r}"]
    return problems


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


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


@case("compose.yaml writes every literal $ as $$, so Compose interpolates nothing")
def _():
    import yaml

    fixtures = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
    problems = []
    for name in ("php-laravel", "go-health"):
        args_file = fixtures / f"{name}.args"
        args = args_file.read_text().split() if args_file.exists() else []
        run = shiplight("init", fixtures / name, "--stdout", "--compose", *args)
        compose = yaml.safe_load(outputs(run).get("compose.yaml", "{}"))
        tests = [service.get("healthcheck", {}).get("test") for service in compose.get("services", {}).values()]
        if not any(tests):
            problems.append(f"{name}: no health check in compose.yaml (exit {run.code} {run.err.strip()!r})")
        single = [text for text in strings(compose) if "$" in text.replace("$$", "")]
        problems += [f"{name}: a single $ Compose would interpolate: {text[:80]!r}" for text in single]
        if name == "php-laravel" and not any("$$s=fsockopen" in text for text in strings(compose)):
            problems.append(f"{name}: the PHP-FPM check does not keep its $s as $$s")
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


@case("bake target names follow buildx's rule and stay unique")
def _():
    rule = re.compile(r"^[a-zA-Z0-9_-]+$")
    problems = []
    _, single, _ = setup(dict(GO, **{"go.mod": "module example.com/web.app\n\ngo 1.26\n"}))
    run = shiplight("init", single, "--stdout", "--bake")
    text = outputs(run).get("docker-bake.hcl", "")
    names = re.findall(r'^target "([^"]+)"', text, re.M)
    if not names:
        problems.append(f"no bake target: exit {run.code} {run.err.strip()!r}")
    if 'tags       = [REGISTRY == "" ? "web.app:${TAG}" : "${REGISTRY}/web.app:${TAG}"]' not in text:
        problems.append("the image keeps its name web.app in the tags")
    files = {f"web.app/{k}": v for k, v in PHP.items()}
    files.update({f"web-app/{k}": v for k, v in GO.items()})
    files.update({f"_web_app_/{k}": v for k, v in GO.items()})
    _, project, _ = setup(files)
    run = shiplight("init", project, "--all", "--yes")
    if run.code != 0:
        return problems + [f"init --all: exit {run.code}: {run.err.strip()!r}"]
    many = re.findall(r'^target "([^"]+)"', (project / "docker-bake.hcl").read_text(), re.M)
    if len(many) != len(set(many)) or len(many) != 4:
        problems.append(f"bake targets {many}")
    names += many
    return problems + [f"bake target {name!r} is refused by buildx" for name in names if not rule.match(name)]


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
LOCK_NEAR_CAP = (16 << 20) - 256


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


def quick(inputs, cap=NEAR_CAP):
    """Each (files, file) project, whose largest file is just under `cap` (by default the 1 MiB
    manifest cap), runs `init` in under a second and exits 0, or 2 naming `file` when `file`
    starts with `!`."""
    problems = []
    for files, named in inputs:
        refused, named = named.startswith("!"), named.lstrip("!")
        sizes = [len(c.encode()) for c in files.values() if isinstance(c, str)]
        if max(sizes) < cap - (1 << 14) or max(sizes) >= cap + 256:
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


def lock_projects(cap):
    """A project per lock kind, its lock filled with packages just under `cap`."""
    package = {"name": "svc", "scripts": {"start": "node server.js"}, "dependencies": {"express": "5"}}
    node = {"package.json": package, "server.js": SERVER}
    cargo_lock = filled('version = 4\n\n[[package]]\nname = "svc"\nversion = "0.1.0"\n',
                        lambda i: f'\n[[package]]\nname = "c{i}"\nversion = "1.0.0"\n'
                                  f'source = "registry+https://github.com/rust-lang/crates.io-index"\n'
                                  f'dependencies = ["c{i + 1}"]\n', "", cap=cap)
    package_lock = filled('{"name": "svc", "lockfileVersion": 3, "packages": {"": {"name": "svc"},\n',
                          lambda i: f'  "node_modules/p{i}": {{"version": "1.0.0"}}', "\n}}", sep=",\n", cap=cap)
    yarn = filled("# yarn lockfile v1\n\n",
                  lambda i: f'p{i}@^1.0.0:\n  version "1.0.0"\n  resolved "https://r/p{i}.tgz"\n\n', "", cap=cap)
    berry = filled("__metadata:\n  version: 8\n\n",
                   lambda i: f'"p{i}@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "p{i}@npm:1.0.0"\n\n', "",
                   cap=cap)
    pnpm = filled("lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n      express:\n"
                  "        specifier: '5'\n        version: 5.1.0\n\npackages:\n\n",
                  lambda i: f"  p{i}@1.0.0:\n    resolution: {{integrity: sha512-x}}\n\n", "", cap=cap)
    uv = filled('version = 1\n\n[[package]]\nname = "svc"\nversion = "1.0"\nsource = { editable = "." }\n'
                'dependencies = [{ name = "flask" }, { name = "p0" }]\n\n',
                lambda i: f'[[package]]\nname = "p{i}"\nversion = "1.0"\n'
                          f'source = {{ registry = "https://pypi.org/simple" }}\n'
                          f'dependencies = [{{ name = "p{i + 1}" }}]\n'
                          f'wheels = [{{ url = "https://x/p{i}-1.0-py3-none-any.whl" }}]\n\n', "", cap=cap)
    poetry_lock = filled("", lambda i: f'[[package]]\nname = "p{i}"\nversion = "1.0"\ngroups = ["main"]\n'
                                       f'files = [{{file = "p{i}-1.0-py3-none-any.whl", hash = "sha256:0"}}]\n\n',
                         '[metadata]\nlock-version = "2.1"\n', cap=cap)
    poetry = ('[tool.poetry]\nname = "svc"\nversion = "1.0"\npackage-mode = false\n\n'
              '[tool.poetry.dependencies]\npython = "^3.12"\nflask = "*"\n')
    composer_lock = filled('{"packages": [\n', lambda i: f'{{"name": "v/p{i}", "version": "1.0.0"}}', "\n]}",
                           sep=",\n", cap=cap)
    pipfile_lock = filled('{\n    "_meta": {"hash": {"sha256": "0"}, "pipfile-spec": 6, "requires": {}, "sources": []},\n'
                          '    "default": {\n',
                          lambda i: f'        "p{i}": {{\n            "hashes": ["sha256:0"],\n            "version": "==1.0"\n        }}',
                          '\n    },\n    "develop": {}\n}\n', sep=",\n", cap=cap)
    return [
        ({**RUST, "Cargo.lock": cargo_lock}, "Cargo.lock"),
        ({**node, "package-lock.json": package_lock}, "package-lock.json"),
        ({**node, "yarn.lock": yarn}, "yarn.lock"),
        ({**node, "package.json": dict(package, packageManager="yarn@4.5.0"), "yarn.lock": berry}, "yarn.lock"),
        ({**node, "pnpm-lock.yaml": pnpm}, "pnpm-lock.yaml"),
        ({"pyproject.toml": '[project]\nname = "svc"\nversion = "1.0"\ndependencies = ["flask"]\n',
          "app.py": FLASK, "uv.lock": uv}, "uv.lock"),
        ({"pyproject.toml": poetry, "app.py": FLASK, "poetry.lock": poetry_lock}, "poetry.lock"),
        ({"Pipfile": '[packages]\nflask = "*"\n', "app.py": FLASK, "Pipfile.lock": pipfile_lock}, "Pipfile.lock"),
        ({**PHP, "composer.lock": composer_lock}, "composer.lock"),
    ]


@case("lock files with many packages, at 1 MiB and at the 16 MiB lock cap, finish in well under a second")
def _():
    large = quick(lock_projects(LOCK_NEAR_CAP), cap=LOCK_NEAR_CAP)
    return quick(lock_projects(NEAR_CAP)) + [f"at 16 MiB: {problem}" for problem in large]


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


# verify and its engine ----------------------------------------------------------------------
# `verify --engine` runs a stand-in engine (standin_engine.py) that logs its argument vectors and
# is told by a file beside it to hang or fail.

NPMRC_TOKEN = "//registry.example/:_authToken=TOKEN-5eed\n"
PROGRAM = {"go.mod": GO["go.mod"], "main.go": "package main\n\nfunc main() {}\n"}


def tree_hash(root):
    """A hash of everything under `root`: names, kinds, modes, contents and link targets."""
    digest = hashlib.sha256()
    for path in sorted(pathlib.Path(root).rglob("*")):
        info = path.lstat()
        digest.update(f"{path.relative_to(root)}\0{info.st_mode:o}\0".encode())
        if path.is_symlink():
            digest.update(os.readlink(path).encode())
        elif path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def verify_with(files, mode="", *flags, timeout=60):
    """verify --json on a project of `files` with a stand-in engine told `mode`: (run, engine,
    project, problems), the problems holding a changed project, containers left behind and
    hung stand-ins still alive."""
    tmp, project, _ = setup(files)
    engine = standin_engine.make(tmp / "engine", mode)
    before = tree_hash(project)
    with standin_engine.answering(engine):
        run = shiplight("verify", "--engine", engine, "--json", *flags, project, timeout=timeout)
    return run, engine, project, left_behind(engine, project, before)


def left_behind(engine, project, before):
    problems = []
    if tree_hash(project) != before:
        problems.append("the project changed")
    if standin_engine.containers(engine):
        problems.append(f"containers left behind: {standin_engine.containers(engine)}")
    if standin_engine.hung(engine):
        problems.append(f"hung engine processes still alive: {standin_engine.hung(engine)}")
    return problems


def argv(engine, *head):
    """The argument vectors the engine got that start with `head`."""
    return [c["argv"] for c in standin_engine.calls(engine) if tuple(c["argv"][:len(head)]) == head]


def named_and_removed(engine, *head):
    """The name given with --name in the first call starting with `head`, and whether the
    engine was then asked to `rm -f` it."""
    calls = argv(engine, *head)
    if not calls or "--name" not in calls[0]:
        return None, False
    name = calls[0][calls[0].index("--name") + 1]
    return name, ["rm", "-f", name] in argv(engine, "rm")


def report(run):
    try:
        return json.loads(run.out)
    except json.JSONDecodeError:
        return {"checks": [], "timed_out": []}


def check(run, name):
    return next((c for c in report(run)["checks"] if c["name"] == name), {"ok": None, "detail": ""})


@case("verify refuses an .npmrc leading to a name that would add a --secret field")
def _():
    problems = []
    for target, parents in (("x,src=/etc/hostname", ["x,src=", "x,src=/etc"]), ("x,env=HOME", [])):
        tmp, project, _ = setup(dict(NODE, **{target: NPMRC_TOKEN}))
        (project / ".npmrc").symlink_to(target)
        engine = standin_engine.make(tmp / "engine")
        run = shiplight("verify", "--engine", engine, project)
        problems += [f"{target}: {p}" for p in refused(run, ".npmrc", target, "a comma", "Rename")]
        if argv(engine, "build"):
            problems.append(f"{target}: the engine was asked to build: {argv(engine, 'build')}")
    tmp = pathlib.Path(tempfile.mkdtemp(dir=SCRATCH))
    project = tmp / "pro,ject"
    write(project, dict(NODE, **{".npmrc": NPMRC_TOKEN}))
    engine = standin_engine.make(tmp / "engine")
    run = shiplight("verify", "--engine", engine, project)
    problems += [f"pro,ject: {p}" for p in refused(run, ".npmrc", "the project's path", "a comma")]
    if argv(engine, "build"):
        problems.append("pro,ject: the engine was asked to build")
    return problems


@case("verify gives a credential file as one type=file secret field")
def _():
    run, engine, project, problems = verify_with(dict(NODE, **{".npmrc": NPMRC_TOKEN}))
    secrets = [b[b.index("--secret") + 1] for b in argv(engine, "build") if "--secret" in b]
    want = f"type=file,id=npmrc,src={project}/.npmrc"
    if not secrets or any(s != want for s in secrets):
        problems.append(f"--secret values {secrets!r}, expected {want!r} on every build")
    return problems + ([f"exit {run.code}: {run.out[-300:]!r} {run.err[:300]!r}"] if run.code else [])


@case("verify stops a program that never exits on --help and removes its container")
def _():
    run, engine, _, problems = verify_with(PROGRAM, "hang-run", timeout=40)
    name, removed = named_and_removed(engine, "run", "--rm")
    if name is None:
        problems.append(f"the --help run has no --name: {argv(engine, 'run')}")
    elif not removed:
        problems.append(f"{name} was never removed (rm -f)")
    answers = check(run, "answers")
    if answers["ok"] is not False or "did not exit on --help within" not in answers["detail"]:
        problems.append(f"answers: {answers}")
    if not any("--help" in t for t in report(run).get("timed_out", [])):
        problems.append(f"the report does not name what timed out: {report(run).get('timed_out')}")
    if run.code != 1 or run.elapsed > 30:
        problems.append(f"exit {run.code} after {run.elapsed:.0f} s, expected 1 within the limit")
    return problems


@case("verify removes a container that was created but did not start (run -d)")
def _():
    run, engine, _, problems = verify_with(GO, "fail-run-d")
    name, removed = named_and_removed(engine, "run", "-d")
    if name is None:
        problems.append(f"run -d has no --name: {argv(engine, 'run')}")
    elif not removed:
        problems.append(f"{name} was created and never removed (rm -f)")
    if check(run, "runs")["ok"] is not False:
        problems.append(f"no failed check for the container that did not start: {run.out[:400]!r}")
    return problems


@case("verify stops a build that never ends at --timeout")
def _():
    run, engine, _, problems = verify_with(GO, "hang-build", "--timeout", "2", timeout=30)
    builds = check(run, "builds")
    if builds["ok"] is not False or "did not finish within 2 s" not in builds["detail"]:
        problems.append(f"builds: {builds}")
    if report(run).get("timed_out") != ["build (limit 2 s)"]:
        problems.append(f"timed_out: {report(run).get('timed_out')}")
    if run.code != 1 or run.elapsed > 15:
        problems.append(f"exit {run.code} after {run.elapsed:.0f} s, expected 1 soon after 2 s")
    return problems


@case("verify on Ctrl-C stops the engine, removes what it named and leaves the project as it was")
def _():
    problems = []
    for files, mode, head in ((PROGRAM, "hang-run", ("run", "--rm")),
                              (GO, "hang-marker-build", ("build",))):
        tmp, project, _ = setup(dict(files, **{".shiplight-verify": "the project's own\n"}))
        engine = standin_engine.make(tmp / "engine", mode)
        before = tree_hash(project)
        with standin_engine.answering(engine):
            process = subprocess.Popen([str(BIN), "verify", "--engine", str(engine), "--json", str(project)],
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, env=ENV)
            end = time.time() + 30
            while time.time() < end and not standin_engine.hung(engine):
                time.sleep(0.05)
            if not standin_engine.hung(engine):
                process.kill()
                process.communicate()
                problems.append(f"{mode}: the engine never hung: {argv(engine)}")
                continue
            process.send_signal(signal.SIGINT)
            sent = time.time()
            try:
                out, _ = process.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                out, _ = process.communicate()
                problems.append(f"{mode}: verify did not end within 15 s of Ctrl-C")
            took = time.time() - sent
        if took > 5:
            problems.append(f"{mode}: verify took {took:.1f} s to end after Ctrl-C")
        if head[0] == "run":
            name, removed = named_and_removed(engine, *head)
            if not removed:
                problems.append(f"{mode}: the container {name} was not removed")
        if ["rmi", "-f"] != argv(engine, "rmi")[0][:2] if argv(engine, "rmi") else True:
            problems.append(f"{mode}: the image was not removed")
        if '"interrupted"' not in out.decode():
            problems.append(f"{mode}: the report does not say it was interrupted")
        problems += [f"{mode}: {p}" for p in left_behind(engine, project, before)]
    return problems


@case("verify leaves the project byte for byte as it was, its own .shiplight-verify included")
def _():
    own = {".shiplight-verify": "the project's own marker\n", ".shiplight-verify-1-0": "also its own\n"}
    run, engine, project, problems = verify_with(dict(GO, **own))
    builds = [c for c in standin_engine.calls(engine) if c["argv"][0] == "build"]
    markers = [set(b["context"] or []) - set(own) for b in builds]
    if len(builds) < 2 or not any(any(n.startswith(".shiplight-verify-") for n in m) for m in markers):
        problems.append(f"no build saw a fresh marker file in the context: {markers}")
    for name, text in own.items():
        if (project / name).read_text() != text:
            problems.append(f"the project's {name} changed")
    return problems + ([f"exit {run.code}: {run.out[-300:]!r} {run.err[:300]!r}"] if run.code else [])


def ignore_regex(pattern):
    """A .dockerignore pattern as a regular expression over context paths (Docker's rules: `*`
    and `?` stay within one path segment, `**` spans any number of them)."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def ignored(dockerignore, path):
    """Whether the .dockerignore keeps `path` (or a directory above it) out of the context; the
    last matching line wins, `!` lines re-include."""
    parts = path.split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    verdict = False
    for line in dockerignore.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        regex = ignore_regex(line.lstrip("!").strip("/"))
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            verdict = not negated
    return verdict


def credential_outcome(project, files, token, mounts=(), runs=None):
    """The credential `files` of the project reach no COPY or ADD of the Dockerfile and are kept
    out of the build context; each (id, target) of `mounts` is a secret mount on every RUN whose
    command holds `runs` (the install step when None); `token` is in nothing shiplight prints."""
    init = shiplight("init", project, "--stdout")
    generated = outputs(init)
    text, ignore = generated.get("Dockerfile", ""), generated.get(".dockerignore", "")
    problems = [] if init.code == 0 else [f"init exits {init.code}: {init.err.strip()[:300]}"]
    commands = dockerfile.parse_string(text) if text else []
    for file in files:
        name = file.rsplit("/", 1)[-1]
        copied = [c.original for c in commands
                  if (c.cmd in ("COPY", "ADD") and file in [v.rstrip("/") for v in c.value[:-1]])
                  or (c.cmd in ("ARG", "ENV") and name in c.original)]
        if copied:
            problems.append(f"{file} is in {copied}")
        if not ignored(ignore, file):
            problems.append(f"the .dockerignore lets {file} into the build context")
    installs = [c.original for c in commands if c.cmd == "RUN"
                and (runs in c.original if runs else "--mount=type=cache" in c.original)
                and "--global" not in c.original]
    if mounts and not installs:
        problems.append(f"no RUN step runs {runs or 'the install'}")
    for secret_id, target in mounts:
        mount = f"--mount=type=secret,id={secret_id},target={target},"
        for run in installs:
            if mount not in run:
                problems.append(f"no secret mount {mount} on {run[:120]!r}")
    shown = [init] + [shiplight("explain", project, *args) for args in ([], ["--json"])]
    if any(token in run.out + run.err for run in shown):
        problems.append("the credential's text reached shiplight's output")
    return problems


@case("an .npmrc whose registry URL carries user:password@ is mounted, not copied")
def _():
    _, project, _ = setup(dict(NODE, **{".npmrc": "registry=https://user:PASS-a1b2c3@npm.example/\n"}))
    problems = credential_outcome(project, [".npmrc"], "PASS-a1b2c3", [("npmrc", "/app/.npmrc")])
    if ".npmrc:1: holds a URL with a user name and password" not in shiplight("explain", project).out:
        problems.append("explain does not say which line of .npmrc holds the credential")
    return problems


@case("an .npmrc of settings only is mounted, not copied (CI may append a token)")
def _():
    _, project, _ = setup(dict(NODE, **{".npmrc": "legacy-peer-deps=true\nengine-strict=true\n"}))
    problems = credential_outcome(project, [".npmrc"], "engine-strict", [("npmrc", "/app/.npmrc")])
    if ".npmrc: settings only" not in shiplight("explain", project).out:
        problems.append("explain does not say why a settings-only .npmrc is mounted")
    return problems


@case("a Yarn classic .yarnrc with _authToken is mounted, not copied")
def _():
    pj = dict(NODE["package.json"], packageManager="yarn@1.22.22")
    node = {k: v for k, v in NODE.items() if k != "package-lock.json"}
    _, project, _ = setup(dict(node, **{
        "package.json": pj, "yarn.lock": "# yarn lockfile v1\n\n",
        ".yarnrc": '"//npm.example/:_authToken" "TOKEN-d00d1e"\n'}))
    return credential_outcome(project, [".yarnrc"], "TOKEN-d00d1e", [("yarnrc", "/app/.yarnrc")])


@case("a workspace member's .yarnrc.yml with npmAuthToken is mounted at its path on every yarn step")
def _():
    root = {"name": "mono", "private": True, "workspaces": ["packages/*"], "packageManager": "yarn@4.5.0"}
    api = {"name": "api", "version": "1.0.0", "scripts": {"build": "node build.js", "start": "node server.js"},
           "dependencies": {"express": "5.1.0"}}
    _, project, _ = setup({
        "package.json": root, "yarn.lock": "__metadata:\n  version: 8\n",
        ".yarnrc.yml": "nodeLinker: node-modules\n",
        "packages/api/package.json": api, "packages/api/server.js": "require('express')().listen(3000)\n",
        "packages/api/build.js": "\n",
        "packages/api/.yarnrc.yml": "npmScopes:\n  acme:\n    npmAuthToken: TOKEN-feed42\n"})
    return credential_outcome(
        project, [".yarnrc.yml", "packages/api/.yarnrc.yml"], "TOKEN-feed42",
        [("yarnrc-yml", "/app/.yarnrc.yml"),
         ("yarnrc-yml-packages-api", "/app/packages/api/.yarnrc.yml")], runs="yarn ")


@case("a pnpm workspace member's .npmrc is mounted at its path")
def _():
    root = {"name": "mono", "private": True, "packageManager": "pnpm@9.12.0"}
    api = {"name": "api", "version": "1.0.0", "scripts": {"start": "node server.js"},
           "dependencies": {"express": "5.1.0"}}
    _, project, _ = setup({
        "package.json": root, "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
        "pnpm-workspace.yaml": "packages:\n  - packages/*\n",
        "packages/api/package.json": api, "packages/api/server.js": "require('express')().listen(3000)\n",
        "packages/api/.npmrc": "//npm.example/:_authToken=TOKEN-0ddba11\n"})
    return credential_outcome(project, ["packages/api/.npmrc"], "TOKEN-0ddba11",
                              [("npmrc-packages-api", "/app/packages/api/.npmrc")])


@case("CI credential files (gha-creds, kubeconfig, .dockercfg, tfstate) stay out of the build context")
def _():
    planted = {"gha-creds-1a2b3c4d.json": '{"type": "external_account", "x": "CANARY-gha"}',
               "kubeconfig": "users:\n- user:\n    token: CANARY-kube\n",
               "deploy/prod.kubeconfig": "users:\n- user:\n    token: CANARY-kube\n",
               ".dockercfg": '{"registry.example": {"auth": "CANARY-dockercfg"}}',
               "infra/terraform.tfstate": '{"outputs": {"db_password": "CANARY-tfstate"}}',
               "infra/terraform.tfstate.backup": '{"outputs": {"db_password": "CANARY-tfstate"}}'}
    problems = []
    for stack, files in (("node", NODE), ("python", PY), ("php", PHP)):
        _, project, _ = setup(dict(files, **planted))
        problems += [f"{stack}: {p}" for p in credential_outcome(project, list(planted), "CANARY-")]
    return problems


@case("a lock file whose resolved URL carries user:password@ is refused by line, never echoed")
def _():
    lock = {"lockfileVersion": 3, "packages": {"": {"name": "svc"}, "node_modules/express": {
        "version": "5.1.0", "resolved": "https://ci:PASS-5ca1ab1e@npm.example/express/-/express-5.1.0.tgz"}}}
    _, project, _ = setup(dict(NODE, **{"package-lock.json": lock}))
    run = shiplight("init", project, "--stdout")
    problems = refused(run, "package-lock.json:", "user name and password", ".npmrc")
    return problems + (["the password was printed"] if "PASS-5ca1ab1e" in run.out + run.err else [])


@case("a requirements file or composer.json with user:password@ in a URL is refused by line, never echoed")
def _():
    problems = []
    reqs = "flask==3.1.2\n--extra-index-url https://deploy:PASS-c0ffee11@pypi.example/simple\n"
    composer = {"require": {"php": ">=8.2"},
                "repositories": [{"type": "composer", "url": "https://ci:PASS-c0ffee11@repo.example"}]}
    for label, files, where in (("python", dict(PY, **{"requirements.txt": reqs}), "requirements.txt:2:"),
                                ("php", dict(PHP, **{"composer.json": composer}), "composer.json:1:")):
        _, project, _ = setup(files)
        run = shiplight("init", project, "--stdout")
        problems += [f"{label}: {p}" for p in refused(run, where, "user name and password")]
        if "PASS-c0ffee11" in run.out + run.err:
            problems.append(f"{label}: the password was printed")
    vars_only = "flask==3.1.2\ngunicorn==23.0.0\n--extra-index-url https://${PIP_USER}:${PIP_PASSWORD}@pypi.example/simple\n"
    _, project, _ = setup(dict(PY, **{"requirements.txt": vars_only}))
    if shiplight("init", project, "--stdout").code != 0:
        problems.append("a URL whose user and password are ${VARIABLE}s is refused")
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
