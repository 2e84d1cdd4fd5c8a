# Stand-in for python:3.11-slim-trixie and python:3.11-trixie (the builder-base carries the C
# toolchain the full variant adds). Debian trixie packages no CPython 3.11, so BASE is the
# builder-base with bookworm as a lower-priority apt source (bookworm-apt.Dockerfile), and
# bookworm's python3.11 is laid out as the official image keeps it: /usr/local/bin/python3.11
# (with python3 and python links) and the standard library in /usr/local/lib/python3.11.
# Bookworm's python3.11-venv cannot be installed beside trixie's python3 (its distutils
# dependency wants python3 < 3.12), so only its ensurepip is unpacked, with trixie's wheels.
# Debian's interpreter links libpython statically: the image has no libpython3.11.so.1.0 for
# the generated Dockerfile to copy, which copies what ldd reports instead.
ARG BASE
FROM ${BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      python3.11 python3.11-dev python3-pip-whl python3-setuptools-whl > /dev/null \
 && cd /tmp && apt-get download -qq python3.11-venv \
 && dpkg-deb -x python3.11-venv_*.deb / && rm python3.11-venv_*.deb \
 && rm -rf /var/lib/apt/lists/* \
 && mv /usr/bin/python3.11 /usr/local/bin/python3.11 \
 && rm -rf /usr/local/lib/python3.11 && mv /usr/lib/python3.11 /usr/local/lib/python3.11 \
 && ln -s /usr/include/python3.11 /usr/local/include/python3.11 \
 && ln -s python3.11 /usr/local/bin/python3 && ln -s python3.11 /usr/local/bin/python \
 && rm -f /usr/local/lib/python3.11/EXTERNALLY-MANAGED
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
    LANG=C.UTF-8
