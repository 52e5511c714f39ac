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
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; echo "== $name FAILED"; echo "$name: FAILED" >> "$results/failures.txt"; fi
}

suite() { # name, vitest args...
  local name=$1; shift
  echo "== $name"
  npx vitest run "$@" --reporter=default --reporter=json --outputFile.json="$results/$name.json" 2>&1 | tee "$results/$name.log"
  local code=${PIPESTATUS[0]}
  if [ "$code" -ne 0 ]; then
    status=1
    # An unhandled error fails the run (exit 1) although every test passed: say so at the end too.
    grep -a -q "Unhandled Error" "$results/$name.log" && echo "$name: vitest caught unhandled errors (exit $code); see the log above" >> "$results/failures.txt"
  fi
  if [ -f "$results/$name.json" ]; then
    read -r p f < <(node -e 'const r=require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0))' "$results/$name.json")
    passed=$((passed + p)); failed=$((failed + f))
    # Each failure by file and name, kept for the end of the log: CI shows its tail only.
    node -e '
      const r = require(process.argv[1]);
      for (const file of r.testResults) {
        const where = file.name.replace(process.cwd() + "/", "");
        const failures = file.assertionResults.filter((t) => t.status === "failed");
        for (const t of failures) console.log(`${process.argv[2]}: ${where}: ${t.fullName}: ${(t.failureMessages[0] ?? "").split("\n")[0].slice(0, 300)}`);
        if (file.status === "failed" && !failures.length) console.log(`${process.argv[2]}: ${where}: ${(file.message ?? "").split("\n")[0].slice(0, 300)}`);
      }' "$results/$name.json" "$name" >> "$results/failures.txt"
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

if [ -s "$results/failures.txt" ]; then echo "== failures"; cat "$results/failures.txt"; fi
rm -rf "$results"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && exit $status || exit 1
