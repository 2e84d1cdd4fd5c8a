# Stand-in for python:3.13-slim-trixie and python:3.13-trixie (the builder-base carries the C
# toolchain the full variant adds): Debian trixie's Python 3.13 moved to /usr/local/bin,
# where the official image keeps its interpreter (so the Dockerfile's link to the runtime's
# /usr/bin/python3.13 is exercised), with venv support and pip pointed at this machine's CA.
ARG BUILDER_BASE
FROM ${BUILDER_BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      python3.13 python3.13-venv python3.13-dev libpq-dev > /dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && mv /usr/bin/python3.13 /usr/local/bin/python3.13 \
 && ln -s python3.13 /usr/local/bin/python3 && ln -s python3.13 /usr/local/bin/python \
 && rm -f /usr/lib/python3.13/EXTERNALLY-MANAGED
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
    LANG=C.UTF-8
