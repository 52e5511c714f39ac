#!/usr/bin/env bash
# Starts Veil on the embedded NS-DUPI demo in browser mode: open the printed URL; log in with a printed user.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
exec npm run --silent demo -- "$@"
