#!/usr/bin/env bash
# Bounded fuzzing run of every manifest parser (cargo-fuzz, libFuzzer): each target starts from
# the matching files of tests/fixtures/ as its seed corpus and runs SECONDS seconds (default 10).
# Needs a nightly toolchain; installs cargo-fuzz when missing. Exits non-zero on any crash.
#   bash fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-10}
shift || true
export CARGO_TARGET_DIR=${SHIPLIGHT_FUZZ_TARGET:-$HOME/.cache/shiplight/fuzz-target}
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet

# Each target is a file of fuzz_targets/ whose first line names the file it fuzzes
# ("//! Fuzzes FILE: ..."), which picks its seeds; a new target needs no line here.
declare -A seeds=()
all=()
for file in fuzz_targets/*.rs; do
  seed=$(sed -n '1s|^//! Fuzzes \([^:]*\):.*|\1|p' "$file")
  [[ -n "$seed" ]] || continue
  name=$(basename "$file" .rs)
  seeds[$name]=$seed
  all+=("$name")
done
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")

cargo +nightly fuzz build -O 2>&1 | grep -v "^ *Compiling" || true
corpus_root=$(mktemp -d)
trap 'rm -rf "$corpus_root"' EXIT
printf '%-16s %10s %8s %9s %s\n' target runs corpus seconds result
failed=0
for target in "${targets[@]}"; do
  corpus="$corpus_root/$target"
  mkdir -p "$corpus"
  find ../tests/fixtures -name "${seeds[$target]}" -type f | while read -r seed; do
    cp "$seed" "$corpus/$(echo "$seed" | md5sum | cut -c1-16)"
  done
  log="$corpus_root/$target.log"
  if cargo +nightly fuzz run -O "$target" "$corpus" -- -max_total_time="$seconds" \
      -max_len=8192 -rss_limit_mb=2048 > "$log" 2>&1; then
    result=ok
  else
    result=CRASH
    failed=1
    tail -40 "$log"
  fi
  runs=$(grep -o 'Done [0-9]* runs' "$log" | awk '{print $2}' | tail -1)
  size=$(find "$corpus" -type f | wc -l)
  printf '%-16s %10s %8s %9s %s\n' "$target" "${runs:-?}" "$size" "$seconds" "$result"
done
exit $failed
