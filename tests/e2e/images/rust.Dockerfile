# Stand-in for rust:1-trixie: the current stable Rust toolchain (this machine's rustup toolchain,
# the build context: bin, lib, libexec; Debian's own rustc lags behind stable) under
# /usr/local/rust, on PATH as in the official image, on the builder base, with libpq's headers
# (the official image, built on buildpack-deps, carries them).
ARG BUILDER_BASE
FROM ${BUILDER_BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libpq-dev > /dev/null \
 && rm -rf /var/lib/apt/lists/*
COPY . /usr/local/rust/
ENV CARGO_HOME=/usr/local/cargo \
    PATH=/usr/local/cargo/bin:/usr/local/rust/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN rustc --version && cargo --version
