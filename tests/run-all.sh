#!/usr/bin/env bash
# Runs every suite (typecheck, lint, unit+integration+security, end-to-end) even when one fails, then prints one
# summary line "N passed, N failed" over all of them. Typecheck, lint, Electronegativity and the quick bench count as one
# check each.
set -uo pipefail
cd "$(dirname "$0")/.."
results=$(mktemp -d)
passed=0
failed=0
status=0

check() { # name, command...
  local name=$1; shift
  echo "== $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; echo "== $name FAILED"; fi
}

suite() { # name, vitest args...
  local name=$1; shift
  echo "== $name"
  npx vitest run "$@" --reporter=default --reporter=json --outputFile.json="$results/$name.json" || status=1
  if [ -f "$results/$name.json" ]; then
    read -r p f < <(node -e 'const r=require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0))' "$results/$name.json")
    passed=$((passed + p)); failed=$((failed + f))
  else
    failed=$((failed + 1)); echo "== $name produced no results"
  fi
}

hardware() { # the VM hardware lab prints its own "N passed, N failed" as its last line
  echo "== hardware"
  local log out
  log="$results/hardware.log"
  # Through a file, not `tee /dev/stderr`: reopening /dev/stderr truncates a log file that stderr points to.
  npm run --silent test:hardware > "$log" 2>&1 || status=1
  cat "$log"
  out=$(tail -n 1 "$log")
  if [[ "$out" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
  else
    failed=$((failed + 1)); echo "== hardware printed no summary"
  fi
}

check typecheck npx tsc -p tsconfig.json --noEmit
check lint npx eslint .
# Electron security misconfigurations in the shell and the built app; each finding explained or the check fails.
check electronegativity node scripts/electronegativity.mjs
suite core
# The workflow files that reach the records through channels only, again on PostgreSQL (tests/postgres.vitest.config.ts).
suite core-postgres --config tests/postgres.vitest.config.ts
suite e2e --config tests/e2e/vitest.config.ts
hardware
# The quick bench (demo + medium, under 5 minutes on 2 cores): figures printed, nothing asserted on time; it passes
# when it completes and every database it built passes the record verification `veil verify` runs.
check bench-quick npm run --silent bench -- --quick

rm -rf "$results"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && exit $status || exit 1
