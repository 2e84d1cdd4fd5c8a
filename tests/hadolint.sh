#!/usr/bin/env bash
# Lints with hadolint (zero findings allowed) every Dockerfile in snapshots/, and the Dockerfile
# of every fixture under each vendor and runtime override.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SHIPLIGHT_BIN:-target/debug/shiplight}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for snap in snapshots/*.snap; do
  if grep -q '^==> Dockerfile <==$' "$snap"; then
    awk '/^==> Dockerfile <==$/{on=1; next} /^==> /{on=0} on' "$snap" > "$out/$(basename "$snap" .snap).snapshot.Dockerfile"
  fi
done

for fixture in tests/fixtures/*/; do
  name=$(basename "$fixture")
  args=()
  [[ -f tests/fixtures/$name.args ]] && read -r -a args < "tests/fixtures/$name.args"
  for vendor in distroless chainguard; do
    for runtime in "" cc; do
      file="$out/$name-$vendor${runtime:+-$runtime}.Dockerfile"
      if ! "$bin" init "$fixture" "${args[@]}" --vendor "$vendor" ${runtime:+--runtime "$runtime"} \
          --stdout --only dockerfile > "$file" 2> "$file.err"; then
        # A refusal (exit 2) is a decision, not a Dockerfile: nothing to lint.
        grep -q '^error: ' "$file.err" || { cat "$file.err"; exit 1; }
        rm "$file"
      fi
    done
  done
done

count=$(find "$out" -name '*.Dockerfile' | wc -l)
hadolint "$out"/*.Dockerfile
echo "hadolint: $count Dockerfiles, 0 findings"
