#!/usr/bin/env bash
# The one test command (README): installs what is missing, then runs every suite and prints "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
exec npm test --silent
