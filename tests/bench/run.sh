#!/usr/bin/env bash
# Benchmark of the binary shiplight ships: built as its own Dockerfile builds it (release, static
# with +crt-static on the gnu target, which spares the dynamic loader's work at every start),
# then timed by `cargo bench --bench init` beside nixpacks when nixpacks is on the PATH. Exits
# non-zero when a goal is missed (the bench's own exit status, under set -e).
set -euo pipefail
cd "$(dirname "$0")/../.."
target=x86_64-unknown-linux-gnu
RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --quiet --target "$target" \
  --target-dir target/static
BENCH_SHIPLIGHT_BIN="$PWD/target/static/$target/release/shiplight" cargo bench --bench init
