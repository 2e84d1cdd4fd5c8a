#!/usr/bin/env bash
# Real-build suite. Installs Debian's docker.io, docker-compose and mmdebstrap when missing,
# starts dockerd when no engine answers, builds shiplight (unless E2E_BINARY_BUILT=1), then
# runs tests/e2e/run.py (arguments: case names).
set -euo pipefail
cd "$(dirname "$0")/../.."
need=()
[[ -x /usr/bin/docker ]] && command -v dockerd >/dev/null || need+=(docker.io)
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
/usr/bin/docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || need+=(docker-compose)
if ((${#need[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" > /dev/null
fi
if ! /usr/bin/docker info > /dev/null 2>&1; then
  nohup dockerd > /tmp/shiplight-dockerd.log 2>&1 &
  for _ in $(seq 60); do /usr/bin/docker info > /dev/null 2>&1 && break; sleep 1; done
  /usr/bin/docker info > /dev/null || { tail -20 /tmp/shiplight-dockerd.log; exit 1; }
fi
# E2E_BINARY_BUILT=1: target/debug/shiplight is current (CI, after `cargo test` built it).
[[ "${E2E_BINARY_BUILT:-}" == 1 ]] || cargo build --quiet
timeout 2700 python3 tests/e2e/run.py "$@"
