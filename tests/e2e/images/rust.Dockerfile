# Stand-in for rust:1-trixie: the current stable Rust toolchain (this machine's rustup toolchain,
# the build context: rustup, and the toolchain's bin, lib, libexec; Debian's own rustc lags
# behind stable) installed as in the official image: RUSTUP_HOME=/usr/local/rustup,
# CARGO_HOME=/usr/local/cargo, rustup's proxies on PATH, the toolchain as rustup's default, so
# `rustup target add` fetches another target's standard library as it does there. Built on the
# builder base, with libpq's headers (the official image, built on buildpack-deps, carries them).
# /usr/local/rust points at the toolchain, for the Chainguard rust-dev stand-in built on this one.
ARG BUILDER_BASE
FROM ${BUILDER_BASE}
ARG TOOLCHAIN
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libpq-dev > /dev/null \
 && rm -rf /var/lib/apt/lists/*
COPY rustup /usr/local/cargo/bin/rustup
COPY toolchain /usr/local/rustup/toolchains/${TOOLCHAIN}/
ENV RUSTUP_HOME=/usr/local/rustup \
    CARGO_HOME=/usr/local/cargo \
    PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN for proxy in cargo rustc rustdoc rust-gdb rust-lldb rustfmt cargo-fmt cargo-clippy clippy-driver; do \
      ln /usr/local/cargo/bin/rustup "/usr/local/cargo/bin/$proxy"; \
    done \
 && rustup default "${TOOLCHAIN}" \
 && ln -s "/usr/local/rustup/toolchains/${TOOLCHAIN}" /usr/local/rust \
 && rustc --version && cargo --version && rustup target list --installed
