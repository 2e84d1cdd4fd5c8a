#!/usr/bin/env python3
"""Confinement: shiplight runs under strace over every fixture (detect, explain, init to stdout
and to disk, check), the monorepo fixture (init --all, check --all), every hostile manifest of
the structure check and every repository-boundary case, and fails on any path opened, stat-ed,
listed, linked or written outside the project root. Allowed outside it: the binary and what the
loader reads for it (/etc/ld.so.*, shared libraries, /proc/self), what the standard library
reads to count the processors the process may use before reading on several threads (its CPU
affinity and cgroup quota: /sys/devices/system/cpu, /sys/fs/cgroup), and paths the person
running shiplight names on the command line (--templates, --digests, --config). cargo metadata is
switched off (SHIPLIGHT_CARGO_METADATA=never); it is cargo's reading, not shiplight's.

`verify` runs a container engine as a child, which `strace -f` follows. The path check covers
shiplight's own process (its threads included, and each child up to its execve) and stops at
the execve of any other program: the engine is a program the person running verify named, and
what it reads on its own (its interpreter, its own files beside it) is not shiplight's reading.
What shiplight hands the engine is checked instead from the stand-in engine's log of its
argument vectors: no path outside the project (other than the stand-in itself), every secret a
`type=file` source inside the project, never `env=`.

Usage: python3 tests/confinement/run.py [path/to/shiplight]
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target" / "debug" / "shiplight").resolve()
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT / "tests" / "structure"))

LOADER = ("/etc/ld.so.cache", "/etc/ld.so.preload", "/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/",
          "/proc/self/", "/sys/devices/system/cpu", "/sys/fs/cgroup", "/dev/null", "/dev/tty")
CALL = re.compile(r"^(\d+)\s+(\w+)\((.*)\)\s+=")
EXECVE = re.compile(r'^(\d+)\s+execve\("((?:[^"\\]|\\.)*)"')
PATH_ARG = re.compile(r'(?:(AT_FDCWD|\d+)<([^>]*)>, )?"((?:[^"\\]|\\.)*)"')
PATH_FLAGS = {"--templates", "--digests", "--config"}

violations = []
traced = 0


def inside(path, root):
    path = os.path.normpath(path)
    return path == root or path.startswith(root + "/")


def allowed(path, root, explicit):
    if inside(path, root) or path == str(BIN):
        return True
    if any(path.startswith(prefix) for prefix in LOADER) or re.match(r"/proc/\d+/", path):
        return True
    # A path the person running shiplight named, and its ancestors (made canonical to write it
    # into shiplight.toml relative to the project where it can be).
    path = os.path.normpath(path)
    return any(inside(path, named) or named.startswith(path.rstrip("/") + "/") for named in explicit)


def check_trace(trace, root, cwd, explicit, label):
    others = set()  # processes that have become another program (the engine verify runs)
    for line in trace.splitlines():
        program = EXECVE.match(line)
        if program and program.group(2) != str(BIN):
            others.add(program.group(1))
        match = CALL.match(line)
        if not match:
            continue
        pid, name, args = match.groups()
        if pid in others or name in ("execve", "getcwd"):
            continue
        paths = PATH_ARG.findall(args)
        if name in ("readlink", "readlinkat"):
            paths = paths[:1]  # the second string is the link's target, written by the call
        for dirfd, dirpath, path in paths:
            if path == "":
                continue  # AT_EMPTY_PATH: the open descriptor itself
            if not path.startswith("/"):
                base = dirpath if dirfd and dirfd != "AT_FDCWD" else cwd
                path = os.path.join(base or cwd, path)
            if not allowed(path, root, explicit):
                violations.append(f"{label}: {name} {path}")


def traced_run(args, root, timeout=60, env=None, cwd=None):
    """Runs shiplight with `args` under strace; checks every path it touched against `root`."""
    global traced
    root = os.path.normpath(str(root))
    explicit = []
    for index, arg in enumerate(args[:-1]):
        if str(arg) in PATH_FLAGS:
            explicit.append(os.path.normpath(str(args[index + 1])))
    for arg in args:
        text = str(arg)
        for flag in PATH_FLAGS:
            if text.startswith(flag + "="):
                explicit.append(os.path.normpath(text.split("=", 1)[1]))
    with tempfile.TemporaryDirectory(prefix="shiplight-confine-") as tmp:
        trace = pathlib.Path(tmp, "trace")
        work = cwd or tmp
        result = subprocess.run(
            ["strace", "-f", "-qq", "-y", "-s", "4096", "-e", "trace=%file,getdents64",
             "-o", str(trace), str(BIN), *map(str, args)],
            capture_output=True, timeout=timeout, cwd=work, stdin=subprocess.DEVNULL,
            env=env or {"SHIPLIGHT_CARGO_METADATA": "never", "PATH": "/usr/bin:/bin"})
        traced += 1
        label = " ".join(map(str, args)).replace(str(root), "<project>")
        check_trace(trace.read_text(errors="replace"), root, work, explicit, label)
        return result


def fixtures():
    for fixture in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        args_file = fixture.with_suffix(".args")
        flags = args_file.read_text().split() if args_file.exists() else []
        with tempfile.TemporaryDirectory(prefix="shiplight-confine-") as tmp:
            project = pathlib.Path(tmp, fixture.name)
            shutil.copytree(fixture, project, symlinks=True)
            traced_run(["detect", "--json", project], project)
            traced_run(["explain", project, *flags], project)
            traced_run(["init", "--stdout", project, *flags], project)
            traced_run(["init", "--yes", "--force", project, *flags], project)
            traced_run(["check", project, *flags], project)
    with tempfile.TemporaryDirectory(prefix="shiplight-confine-") as tmp:
        project = pathlib.Path(tmp, "shop")
        shutil.copytree(ROOT / "tests" / "monorepo" / "shop", project, symlinks=True)
        traced_run(["init", "--all", "--yes", project], project)
        traced_run(["check", "--all", project], project)


def hostile():
    import check

    for name, benign, bad, flags, _ in check.HOSTILE:
        with tempfile.TemporaryDirectory(prefix="shiplight-confine-") as tmp:
            for label, files in (("good", benign), ("bad", bad)):
                project = pathlib.Path(tmp, label)
                check.write(project, files)
                traced_run(["init", project, "--stdout", *flags], project)


def boundary_cases():
    import boundary

    class Traced:
        def __init__(self, result):
            self.returncode, self.stdout, self.stderr = result.returncode, result.stdout, result.stderr

    def run(*args, timeout=20):
        import time
        paths = [pathlib.Path(a) for a in map(str, args) if a.startswith("/")]
        roots = [p for p in paths if p.is_dir() and p.name in ("project",)] or \
                [p for p in paths if p.is_dir()]
        root = roots[0] if roots else pathlib.Path(tempfile.gettempdir())
        start = time.time()
        result = traced_run(list(args), root, timeout=max(timeout, 60))
        return boundary.Run(Traced(result), time.time() - start)

    boundary.BIN = BIN
    boundary.shiplight = run
    for name, function in boundary.CASES:
        if "finish in well under a second" in name:
            continue  # timed, and strace slows every call
        try:
            function()
        except Exception as err:  # the case's own assertions belong to the structure check
            print(f"note {name}: {type(err).__name__}: {err}")


def verify_runs():
    """verify --engine with the stand-in on a Go service and on a Node service whose .npmrc
    (a link to a file elsewhere in the project) is a credential; then, from the stand-in's
    log, every argument the engine got."""
    import standin_engine
    from projects import write

    node = {"package.json": '{"name": "svc", "version": "1.0.0", "scripts": {"start": "node server.js"},'
                            ' "dependencies": {"express": "5.1.0"}}',
            "package-lock.json": "{}", "server.js": "require('express')().listen(3000)\n",
            "config/npmrc": "//registry.example/:_authToken=TOKEN-5eed\n"}
    go = {"go.mod": "module example.com/svc\n\ngo 1.26\n",
          "main.go": 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n'}
    for label, files in (("go", go), ("node", node)):
        with tempfile.TemporaryDirectory(prefix="shiplight-confine-") as tmp:
            project = pathlib.Path(tmp, "project")
            write(project, files)
            if label == "node":
                (project / ".npmrc").symlink_to("config/npmrc")
            engine = standin_engine.make(pathlib.Path(tmp, "engine"))
            with standin_engine.answering(engine):
                result = traced_run(["verify", "--engine", engine, project], project, timeout=120)
            if result.returncode != 0:
                violations.append(f"verify {label}: exit {result.returncode}: {result.stdout.decode()[-400:]}"
                                  f"{result.stderr.decode()[-400:]}")
            engine_arguments(label, standin_engine.calls(engine), engine, project,
                             secrets=1 if label == "node" else 0)


def engine_arguments(label, calls, engine, project, secrets):
    """No argument the engine got names a path outside the project (the stand-in itself aside);
    each build passes `secrets` --secret values, each type=file with a source inside, no env=."""
    root = os.path.normpath(str(project))
    if not calls:
        violations.append(f"verify {label}: the engine was never called")
    for call in calls:
        args = call["argv"]
        for arg in args:
            for path in re.findall(r"(?:^|[=,])(/[^,]*)", arg):
                if os.path.normpath(path) != str(engine) and not inside(path, root):
                    violations.append(f"verify {label}: the engine got {path} in {args}")
        if args[0] != "build":
            continue
        values = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg == "--secret"]
        if len(values) != secrets:
            violations.append(f"verify {label}: {len(values)} --secret values, expected {secrets}: {args}")
        for value in values:
            fields = dict(field.split("=", 1) for field in value.split(","))
            if "env" in fields or fields.get("type") != "file" or \
                    not inside(fields.get("src", "/"), root) or len(fields) != len(value.split(",")):
                violations.append(f"verify {label}: --secret {value!r} is not one type=file source inside")


def self_test():
    """The check must catch what it looks for: declared a root one level too deep, the reads of
    the real project are all outside it."""
    with tempfile.TemporaryDirectory(prefix="shiplight-confine-") as tmp:
        project = pathlib.Path(tmp, "go-basic")
        shutil.copytree(FIXTURES / "go-basic", project)
        traced_run(["detect", project], project / "sub")
    caught = any("go.mod" in v for v in violations)
    violations.clear()
    print(f"{'ok  ' if caught else 'FAIL'} self-test: a read outside the declared root is caught")
    trace = "\n".join([
        '10 openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3',
        '11 execve("/tools/engine", ["/tools/engine", "info"], 0x0 /* 0 vars */) = 0',
        '11 openat(AT_FDCWD, "/etc/group", O_RDONLY) = 3',
    ])
    check_trace(trace, "/p", "/p", [], "self-test")
    engine_arguments("self-test", [{"argv": ["build", "--secret", "id=npmrc,src=/p/x,env=HOME", "/p"]},
                                   {"argv": ["run", "-v", "/etc:/x", "img"]}], "/tools/engine", "/p", 1)
    found = sorted(violations)
    violations.clear()
    split = (any("/etc/passwd" in v for v in found) and not any("/etc/group" in v for v in found)
             and any("env=HOME" in v for v in found) and any("/etc:/x" in v for v in found))
    print(f"{'ok  ' if split else 'FAIL'} self-test: shiplight's reads are caught and the engine's are "
          f"not; an env= secret and an outside path given to the engine are caught")
    return caught and split


def main():
    if shutil.which("strace") is None:
        print("confinement: strace is not installed")
        return 1
    if not self_test():
        return 1
    fixtures()
    hostile()
    boundary_cases()
    verify_runs()
    for violation in sorted(set(violations))[:50]:
        print(f"FAIL outside the project: {violation}")
    print(f"confinement: {traced} runs traced, {len(violations)} paths outside the project")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
