"""A stand-in container engine for `shiplight verify --engine PATH`: a small Python program that
answers the docker commands verify uses (a build reports every RUN step CACHED), logs every
argument vector it is given (with, for a build, the names at the root of the build context),
keeps the containers it was asked to create in a list, and can be told to misbehave by a `mode`
file in its own directory (never through the environment of the run):

- `hang-build`: every build hangs; `hang-marker-build`: a build hangs when the context holds a
  `.shiplight-verify-*` file (the warm rebuild);
- `hang-run`: an attached `run` of the image's own entrypoint hangs after creating its
  container;
- `fail-run-d`: `run -d` creates its container, then fails to start it.

A hanging stand-in writes its pid to `hung` first, so a test can tell that it was killed.
`port` answers with the port written in a `port` file beside it (see `answering`).
"""

import contextlib
import http.server
import json
import os
import pathlib
import sys
import threading

SCRIPT = r'''
import io, json, os, sys, tarfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ARGS = sys.argv[1:]
MODE = set(open(os.path.join(HERE, "mode")).read().split()) \
    if os.path.exists(os.path.join(HERE, "mode")) else set()
CONTAINERS = os.path.join(HERE, "containers")


def log(entry):
    with open(os.path.join(HERE, "calls.jsonl"), "a") as out:
        out.write(json.dumps(entry) + "\n")


def names():
    return open(CONTAINERS).read().split() if os.path.exists(CONTAINERS) else []


def keep(found):
    with open(CONTAINERS, "w") as out:
        out.write("".join(name + "\n" for name in found))


def hang():
    with open(os.path.join(HERE, "hung"), "a") as out:
        out.write(f"{os.getpid()}\n")
    while True:
        time.sleep(60)


def option(name):
    return ARGS[ARGS.index(name) + 1] if name in ARGS else None


command = ARGS[0] if ARGS else ""
entry = {"argv": ARGS}
if command == "build":
    context = ARGS[-1]
    entry["context"] = sorted(os.listdir(context)) if os.path.isdir(context) else None
log(entry)

if command == "info":
    print("stand-in engine")
elif command == "build":
    dockerfile = sys.stdin.read().replace("\\\n", " ")
    if "hang-build" in MODE or ("hang-marker-build" in MODE and any(
            name.startswith(".shiplight-verify-") for name in entry["context"] or [])):
        hang()
    print("#1 [internal] load build definition from Dockerfile\n#1 DONE 0.0s", file=sys.stderr)
    steps = [line for line in dockerfile.splitlines() if line.startswith("RUN ")]
    for number, step in enumerate(steps, 2):
        print(f"#{number} [build {number}/{len(steps) + 1}] {step}\n#{number} CACHED", file=sys.stderr)
elif command in ("create", "run"):
    name = option("--name") or f"anonymous-{os.getpid()}"
    keep(names() + [name])
    detached = "-d" in ARGS
    if command == "run" and detached and "fail-run-d" in MODE:
        print(f"Error response from daemon: failed to start {name}: stand-in", file=sys.stderr)
        sys.exit(125)
    if command == "run" and not detached and "--entrypoint" not in ARGS and "hang-run" in MODE:
        hang()
    if command == "run" and "--rm" in ARGS:
        keep([n for n in names() if n != name])
    if command == "create" or detached:
        print(f"{abs(hash(name)):064x}"[:64])
    elif "--entrypoint" in ARGS:
        print("shell")
elif command == "rm":
    gone = set(ARGS[1:])
    keep([n for n in names() if n not in gone])
elif command == "export":
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        info = tarfile.TarInfo("app/server")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"ok"))
    sys.stdout.buffer.write(data.getvalue())
elif command == "image" and "{{.Size}}" in ARGS:
    print(1000000)
elif command == "image":
    print("65532:65532")
elif command == "top":
    print("PID UID\n1 65532")
elif command == "port":
    port = os.path.join(HERE, "port")
    print("127.0.0.1:" + (open(port).read().strip() if os.path.exists(port) else "9"))
elif command == "inspect":
    print("healthy")
'''


def make(directory, mode=""):
    """Writes the stand-in as `docker` in `directory` (created), told `mode`; its path."""
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    engine = directory / "docker"
    engine.write_text(f"#!{sys.executable}\n" + SCRIPT)
    engine.chmod(0o755)
    (directory / "mode").write_text(mode + "\n")
    return engine


@contextlib.contextmanager
def answering(engine):
    """An HTTP server on a free local port for as long as the block runs, given to the stand-in
    at `engine` as the port its containers publish, so that a service "answers" at once."""

    class Ok(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok\n")

        def log_message(self, *args):
            pass

    class Quiet(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # verify reads the status line and hangs up

    server = Quiet(("127.0.0.1", 0), Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    (pathlib.Path(engine).parent / "port").write_text(f"{server.server_address[1]}\n")
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def calls(engine):
    """Every call the stand-in at `engine` was given, in order: dicts with `argv` (and, for a
    build, `context`)."""
    log = pathlib.Path(engine).parent / "calls.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line]


def containers(engine):
    """The containers the stand-in holds: created and not removed."""
    path = pathlib.Path(engine).parent / "containers"
    return path.read_text().split() if path.exists() else []


def hung(engine):
    """The pids of stand-ins that hung and are still alive."""
    path = pathlib.Path(engine).parent / "hung"
    alive = []
    for pid in (int(p) for p in path.read_text().split()) if path.exists() else []:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        alive.append(pid)
    return alive
