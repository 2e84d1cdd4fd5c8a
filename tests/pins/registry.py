#!/usr/bin/env python3
"""`shiplight pins --resolve` against a real registry on this machine: the distribution
registry Debian packages (`docker-registry`), started here on 127.0.0.1 with its storage in a
temporary directory, behind a small front that asks for an anonymous bearer token the way
Docker Hub, gcr.io and cgr.dev do.

The fixture's images are redirected to it with shiplight's own `[mirrors]` setting (what an
air-gapped build uses), so nothing in shiplight knows it is under test. The script pushes
every image itself through the distribution API (blobs, config, manifest; the builder as a
multi-platform index), then checks that:
1. `pins --resolve` writes the pushed digests into the digests file and the Dockerfile, and
   `check` passes;
2. after a changed manifest is pushed under the same tag, a second run writes the new digest
   and names the old one;
3. when the Dockerfile alone moves a digest (an update bot), `check` names the image, both
   digests and the digests file, and fails;
4. a tag the registry does not hold fails naming the image and the registry's answer, and
   nothing is written.

Usage: python3 tests/pins/registry.py [path/to/shiplight]   (needs /usr/bin/docker-registry:
apt-get install docker-registry; .ci/run installs it)
"""

import hashlib
import http.server
import json
import re
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "target" / "debug" / "shiplight"
REGISTRY = pathlib.Path("/usr/bin/docker-registry")
TOKEN = "anonymous-pull-token"

failures = []


def check(ok, message):
    print(("ok   " if ok else "FAIL ") + message, flush=True)
    if not ok:
        failures.append(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method, url, body=None, headers=None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Registry:
    """Pushes to the registry at `base` (http://127.0.0.1:PORT) through the distribution API."""

    def __init__(self, base):
        self.base = base

    def blob(self, name, data):
        digest = sha256(data)
        _, headers, _ = request("POST", f"{self.base}/v2/{name}/blobs/uploads/")
        location = headers["Location"]
        if location.startswith("/"):
            location = self.base + location
        sep = "&" if "?" in location else "?"
        request("PUT", f"{location}{sep}digest={digest}", data,
                {"Content-Type": "application/octet-stream"})
        return {"digest": digest, "size": len(data)}

    def manifest(self, name, reference, document, media_type):
        data = json.dumps(document, sort_keys=True).encode()
        _, headers, _ = request("PUT", f"{self.base}/v2/{name}/manifests/{reference}", data,
                                {"Content-Type": media_type})
        digest = sha256(data)
        if headers.get("Docker-Content-Digest") != digest:
            raise RuntimeError(f"registry stored {headers.get('Docker-Content-Digest')}, sent {digest}")
        return digest

    def image(self, name, tag, salt, index=False):
        """Pushes a one-layer image under `tag` (an OCI index over it when `index`); returns
        the digest the tag names."""
        config = self.blob(name, json.dumps({"architecture": "amd64", "os": "linux", "salt": salt,
                                             "rootfs": {"type": "layers", "diff_ids": []}}).encode())
        layer = self.blob(name, f"layer {salt}".encode())
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": dict(config, mediaType="application/vnd.oci.image.config.v1+json"),
                    "layers": [dict(layer, mediaType="application/vnd.oci.image.layer.v1.tar+gzip")]}
        if not index:
            return self.manifest(name, tag, manifest, manifest["mediaType"])
        single = self.manifest(name, sha256(json.dumps(manifest, sort_keys=True).encode()),
                               manifest, manifest["mediaType"])
        size = len(json.dumps(manifest, sort_keys=True).encode())
        listing = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                   "manifests": [{"mediaType": manifest["mediaType"], "digest": single, "size": size,
                                  "platform": {"architecture": "amd64", "os": "linux"}}]}
        return self.manifest(name, tag, listing, listing["mediaType"])


def token_front(upstream):
    """An HTTP front for the registry that answers 401 with a Bearer challenge until a request
    carries the token its realm hands out; returns (server, base URL)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tokens = []

    class Front(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, headers, body=b""):
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def relay(self):
            if self.path.startswith("/token?"):
                tokens.append(self.path)
                wanted = "service=front" in self.path and "scope=repository%3A" in self.path
                return self.answer(200 if wanted else 400, {"Content-Type": "application/json"},
                                   json.dumps({"token": TOKEN} if wanted else {}).encode())
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                name = self.path.split("/manifests/")[0].removeprefix("/v2/")
                challenge = (f'Bearer realm="{base}/token",service="front",'
                             f'scope="repository:{name}:pull"')
                return self.answer(401, {"WWW-Authenticate": challenge,
                                         "Content-Type": "application/json"},
                                   b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}')
            req = urllib.request.Request(upstream + self.path, method=self.command,
                                         headers={"Accept": self.headers.get("Accept", "")})
            try:
                with urllib.request.urlopen(req, timeout=10) as response:
                    status, headers, body = response.status, response.headers, response.read()
            except urllib.error.HTTPError as err:
                status, headers, body = err.code, err.headers, err.read()
            kept = {k: v for k, v in headers.items()
                    if k.lower() in ("content-type", "docker-content-digest")}
            self.answer(status, kept, body)

        do_GET = relay
        do_HEAD = relay

    servers = [http.server.ThreadingHTTPServer((address, port), Front)
               for address in ("127.0.0.1", "127.0.0.2")]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    return servers, base, tokens


def renovate(lock, pushed):
    """The regex manager of docs/pins.md's Renovate configuration, read as Renovate reads it
    (ECMAScript named groups `(?<name>...)` are Python's `(?P<name>...)`), finds every pin of
    the digests file shiplight wrote, with the image, tag and digest apart."""
    text = (ROOT / "docs" / "pins.md").read_text()
    block = re.search(r"```json\n(.*?)\n```", text, re.S)
    config = json.loads(block.group(1))
    manager = config["customManagers"][0]
    patterns = [re.compile(p.strip("/")) for p in manager["managerFilePatterns"]]
    check(any(p.search(lock.name) for p in patterns) and any(p.search(f"deploy/{lock.name}") for p in patterns)
          and not any(p.search("images.lock.bak") for p in patterns),
          f"managerFilePatterns match the digests file: {manager['managerFilePatterns']}")
    found = {}
    for pattern in manager["matchStrings"]:
        for match in re.finditer(pattern.replace("(?<", "(?P<"), lock.read_text()):
            found[f"{match['depName']}:{match['currentValue']}"] = match["currentDigest"]
    check(found == pushed, f"the documented regex finds every pin with its parts: {found}")
    groups = [rule for rule in config["packageRules"] if "groupName" in rule]
    check(len(groups) == 1 and set(groups[0]["matchManagers"]) == {"dockerfile", "custom.regex"}
          and groups[0]["matchUpdateTypes"] == ["digest"],
          "one group takes the digest updates of both managers")


def shiplight(*args, env=None):
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=120,
                          env=dict({"PATH": "/usr/bin:/bin", "SHIPLIGHT_CARGO_METADATA": "never"},
                                   **(env or {})))


def pins_file(path):
    return dict(line.split("@", 1) for line in path.read_text().splitlines()
                if line and not line.startswith("#"))


def main():
    if not REGISTRY.exists():
        print(f"FAIL {REGISTRY} is missing: apt-get install docker-registry (.ci/run installs it)")
        return 1
    if not BIN.exists():
        print(f"FAIL {BIN} is missing: cargo build first")
        return 1
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        port = free_port()
        config = tmp / "config.yml"
        config.write_text(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
            f"storage:\n  filesystem:\n    rootdirectory: {tmp / 'storage'}\n  delete:\n    enabled: true\n"
            f"http:\n  addr: 127.0.0.1:{port}\n")
        daemon = subprocess.Popen([str(REGISTRY), "serve", str(config)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        front = None
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    request("GET", f"{base}/v2/")
                    break
                except OSError:
                    time.sleep(0.05)
            else:
                print("FAIL the registry did not start: " + daemon.stderr.read(2000).decode())
                return 1
            front, front_base, tokens = token_front(base)
            host = front_base.removeprefix("http://")
            run(tmp, Registry(base), host, tokens)
        finally:
            for server in front or []:
                server.shutdown()
            daemon.terminate()
            daemon.wait(timeout=10)
    print(f"{'FAIL' if failures else 'ok  '} pins --resolve against docker-registry: "
          f"{len(failures)} failures, {time.monotonic() - started:.1f}s")
    return 1 if failures else 0


def run(tmp, registry, host, tokens):
    project = tmp / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "go-basic", project)
    mirrors = f'\n[mirrors]\n"docker.io" = "{host}/hub"\n"gcr.io" = "{host}/gcr"\n'
    (project / "shiplight.toml").write_text(mirrors)
    result = shiplight("init", project)
    check(result.returncode == 0, f"init with the images mirrored to the local registry: {result.stderr.strip()}")
    listed = shiplight("pins", project)
    (project / "shiplight.toml").write_text('digests = "images.lock"\n' + mirrors)
    images = [line.removesuffix("@sha256:") for line in listed.stdout.splitlines()
              if line and not line.startswith("#")]
    check(len(images) == 3 and all(image.startswith(host) for image in images),
          f"pins lists the three mirrored images: {images}")
    pushed = {}
    for image in images:
        name, tag = image.removeprefix(host + "/").rsplit(":", 1)
        pushed[image] = registry.image(name, tag, f"first {tag}", index="golang" in name)

    result = shiplight("pins", "--resolve", project)
    check(result.returncode == 0, f"pins --resolve exits 0: {result.stderr.strip()}")
    check(len(tokens) == 3, f"one anonymous token asked for each image: {tokens}")
    check(pins_file(project / "images.lock") == pushed,
          "the digests file holds the pushed digests (the builder's is its index's)")
    dockerfile = (project / "Dockerfile").read_text()
    check(all(f"{image}@{digest}" in dockerfile for image, digest in pushed.items()),
          "the Dockerfile's FROM lines pin the pushed digests")
    result = shiplight("check", project)
    check(result.returncode == 0, f"check passes after resolve: {result.stdout.strip()[-300:]}")
    renovate(project / "images.lock", pushed)

    builder = next(image for image in images if "golang" in image)
    name, tag = builder.removeprefix(host + "/").rsplit(":", 1)
    moved = registry.image(name, tag, "second", index=True)
    result = shiplight("pins", "--resolve", project)
    check(result.returncode == 0 and pins_file(project / "images.lock")[builder] == moved
          and f"{builder}@{moved}" in (project / "Dockerfile").read_text()
          and f"(was {pushed[builder]})" in result.stdout,
          f"a second run writes the tag's new digest and names the old: {result.stdout.strip()}")
    check(shiplight("check", project).returncode == 0, "check passes after the second run")

    bot = registry.image(name, tag, "third", index=True)
    (project / "Dockerfile").write_text((project / "Dockerfile").read_text().replace(moved, bot))
    result = shiplight("check", project)
    said = f"{builder} moved from {moved} to {bot} in the Dockerfile; the digests file images.lock still records {moved}"
    check(result.returncode == 1 and said in result.stdout and "@@" not in result.stdout,
          f"check names a digest an update bot moved in the Dockerfile alone: {result.stdout.strip()}")
    result = shiplight("pins", "--resolve", project)
    check(result.returncode == 0 and pins_file(project / "images.lock")[builder] == bot
          and shiplight("check", project).returncode == 0,
          "pins --resolve records the bot's digest and check passes again")

    (project / "shiplight.toml").write_text('digests = "images.lock"\nlang-version = "1.27"\n' + mirrors)
    asked = len(tokens)
    result = shiplight("pins", "--resolve", project)
    check(result.returncode == 2 and "differs from what shiplight generates in more than its image digests"
          in result.stderr and len(tokens) == asked,
          f"a Dockerfile that drifted in more than digests is refused before any lookup: {result.stderr.strip()}")
    check(shiplight("init", "--force", project).returncode == 0, "init --force with Go 1.27")
    before = {path.name: path.read_bytes() for path in project.iterdir() if path.is_file()}
    result = shiplight("pins", "--resolve", project)
    missing = f"{host}/hub/library/golang:1.27-trixie"
    check(result.returncode == 1 and missing in result.stderr and "MANIFEST_UNKNOWN" in result.stderr
          and "nothing was written" in result.stderr,
          f"a tag the registry lacks fails naming the image and the answer: {result.stderr.strip()}")
    after = {path.name: path.read_bytes() for path in project.iterdir() if path.is_file()}
    check(after == before, "nothing is written when a lookup fails")

    (project / "shiplight.toml").write_text(
        'digests = "images.lock"\n\n[mirrors]\n"docker.io" = "registry.invalid/hub"\n"gcr.io" = "registry.invalid/gcr"\n')
    shiplight("init", "--force", project)
    result = shiplight("pins", "--resolve", project)
    check(result.returncode == 1 and "https://registry.invalid/v2/" in result.stderr,
          f"other hosts are reached over https: {result.stderr.strip()[:300]}")

    other = host.replace("127.0.0.1", "127.0.0.2")
    (project / "shiplight.toml").write_text(
        'digests = "images.lock"\n' + mirrors.replace(host, other))
    shiplight("init", "--force", project)
    result = shiplight("pins", "--resolve", project)
    check(result.returncode == 1 and f"https://{other}/v2/" in result.stderr,
          f"another loopback address is reached over https: {result.stderr.strip()[:200]}")
    result = shiplight("pins", "--resolve", project, env={"SHIPLIGHT_INSECURE_REGISTRY": f"x:1, {other}"})
    check(result.returncode == 0 and f"{other}/hub/library/golang:1.26-trixie@{bot}" in result.stdout,
          f"SHIPLIGHT_INSECURE_REGISTRY lets it use plain http: {result.stderr.strip()[:300]}")


if __name__ == "__main__":
    sys.exit(main())
