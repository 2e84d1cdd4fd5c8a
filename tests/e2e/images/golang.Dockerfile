# Stand-in for golang:X-trixie (and Chainguard's go, which also builds as root): the Go tree of
# this machine (the build context) on the builder base, with the official image's GOPATH and PATH.
ARG BUILDER_BASE
FROM ${BUILDER_BASE}
COPY . /usr/local/go
ENV GOPATH=/go \
    PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    GOTOOLCHAIN=local
WORKDIR /go
