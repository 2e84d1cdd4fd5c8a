# Stand-in for rust:1-trixie: Debian trixie's rustc and cargo on the builder base, with libpq's
# headers (the official image, built on buildpack-deps, carries them).
ARG BUILDER_BASE
FROM ${BUILDER_BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rustc cargo libpq-dev > /dev/null \
 && rm -rf /var/lib/apt/lists/*
ENV CARGO_HOME=/usr/local/cargo \
    PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
