# Stand-in for gcr.io/distroless/python3-debian13: the cc stand-in (BASE, built by
# runtime.Dockerfile with Debian's python3.13 packages added) with distroless's entrypoint.
ARG BASE
FROM ${BASE}
ENV LANG=C.UTF-8
ENTRYPOINT ["/usr/bin/python3.13"]
