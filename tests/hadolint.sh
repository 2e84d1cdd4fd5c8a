#!/usr/bin/env bash
# Lints with hadolint (zero findings allowed) every Dockerfile in snapshots/, and the Dockerfile
# of every fixture under each vendor, with the cc runtime override and with a health path.
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
    for runtime in "" cc health; do
      extra=()
      case $runtime in
        cc) extra=(--runtime cc) ;;
        health) extra=(--health-path /healthz) ;;
      esac
      file="$out/$name-$vendor${runtime:+-$runtime}.Dockerfile"
      if ! "$bin" init "$fixture" "${args[@]}" --vendor "$vendor" "${extra[@]}" \
          --stdout --only dockerfile > "$file" 2> "$file.err"; then
        # A refusal (exit 2) is a decision, not a Dockerfile: nothing to lint.
        grep -q '^error: ' "$file.err" || { cat "$file.err"; exit 1; }
        rm "$file"
      fi
    done
  done
done

# The repository's own Dockerfile, and Dockerfiles with mirrored and digest-pinned images.
cp Dockerfile "$out/shiplight-itself.Dockerfile"
pins="$out/pins.txt"
digest=sha256:$(printf '%064d' 0)
for image in gcr.io/distroless/static-debian13:nonroot golang:1.26-trixie \
    cgr.dev/chainguard/php:latest-fpm cgr.dev/chainguard/nginx:latest cgr.dev/chainguard/gradle:latest; do
  echo "$image@$digest" >> "$pins"
done
for case in go-basic:distroless php-laravel:chainguard java-spring-gradle-kts:chainguard; do
  name=${case%%:*}
  "$bin" init "tests/fixtures/$name" --vendor "${case##*:}" --digests "$pins" \
    --mirror gcr.io/distroless=registry.example.com/distroless --mirror docker.io=hub.example.com \
    --stdout --only dockerfile > "$out/$name-pinned.Dockerfile"
done

# A workspace of 120 members: its manifests are gathered in a stage of their own.
ws="$out/workspace"
mkdir -p "$ws/packages/api"
echo '{"name":"root","private":true,"workspaces":["packages/*"]}' > "$ws/package.json"
echo '{}' > "$ws/package-lock.json"
echo '{"name":"api","scripts":{"start":"node server.js"},"dependencies":{"express":"5"}}' \
  > "$ws/packages/api/package.json"
echo 'require("express")().listen(3000)' > "$ws/packages/api/server.js"
for i in $(seq 120); do
  mkdir -p "$ws/packages/lib$i"
  echo "{\"name\":\"lib$i\",\"version\":\"1.0.0\"}" > "$ws/packages/lib$i/package.json"
done
for vendor in distroless chainguard; do
  "$bin" init "$ws" --package api --vendor "$vendor" --stdout --only dockerfile \
    > "$out/workspace-$vendor.Dockerfile"
done
rm -rf "$ws"

count=$(find "$out" -name '*.Dockerfile' | wc -l)
hadolint "$out"/*.Dockerfile
echo "hadolint: $count Dockerfiles, 0 findings"
