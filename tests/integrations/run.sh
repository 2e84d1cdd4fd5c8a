#!/usr/bin/env bash
# The CI integrations (install.sh, action.yml, the GitLab template, the pre-commit hook) run on
# copies of a fixture against the built binary (target/debug or target/release, the newer), with
# no network: see run.py. Needs pre-commit and PyYAML (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 tests/integrations/run.py "$@"
