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

declare -A seeds=(
  [go_mod]=go.mod [go_source]=main.go [cargo_toml]=Cargo.toml [cargo_lock]=Cargo.lock
  [pyproject]=pyproject.toml [requirements]=requirements.txt [package_json]=package.json
  [pnpm_workspace]=pnpm-workspace.yaml [pom_xml]=pom.xml [gradle_build]=build.gradle.kts [composer_json]=composer.json [shiplight_toml]=shiplight.toml
)
targets=("$@")
((${#targets[@]})) || targets=(go_mod go_source cargo_toml cargo_lock pyproject requirements package_json pnpm_workspace pom_xml gradle_build composer_json shiplight_toml)

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
