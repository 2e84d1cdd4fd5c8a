# Stand-in for gcr.io/distroless/nodejs22-debian13: the cc stand-in (BASE) with the same node
# binary as the builder stand-in at /nodejs/bin/node, not on PATH, as the entrypoint.
ARG BASE
FROM ${BASE}
COPY bin/node /nodejs/bin/node
ENTRYPOINT ["/nodejs/bin/node"]
