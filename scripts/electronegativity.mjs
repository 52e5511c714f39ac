#!/usr/bin/env node
// Electronegativity (Doyensec's checker for Electron security misconfigurations) over what the desktop app ships:
// the shell's sources and the built bundles (this script builds them first, so the renderer's CSP <meta> is there).
// Every finding must be explained in build/electronegativity-accepted.json; an unexplained one fails the run
// (tests/run-all.sh runs this as one check). Exit 0: clean or all explained; 1: unexplained findings; 2: the tool failed.
//   node scripts/electronegativity.mjs                        build, then scan the repository
//   node scripts/electronegativity.mjs --input DIR --no-build scan another folder (the test plants a bad window there)
// Its blind spot: it reads options written literally in `new BrowserWindow({...})`; Veil builds them in
// main/app/windowOptions.ts, whose own unit tests pin every web preference.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const policy = JSON.parse(readFileSync(path.join(root, 'build', 'electronegativity-accepted.json'), 'utf8'));
const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;

const argv = process.argv.slice(2);
const inputAt = argv.indexOf('--input');
const input = inputAt >= 0 ? path.resolve(argv[inputAt + 1] ?? '') : root;
if (!argv.includes('--no-build')) {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

const work = mkdtempSync(path.join(tmpdir(), 'veil-electronegativity-'));
const report = path.join(work, 'report.sarif');
try {
  const tool = path.join(root, 'node_modules', '.bin', 'electronegativity');
  const args = ['-i', input, '-e', electronVersion, '-x', Object.keys(policy.excludedChecks).join(','), '-o', report];
  try {
    execFileSync(tool, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  } catch (error) {
    console.error(`electronegativity: the tool failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
  const sarif = JSON.parse(readFileSync(report, 'utf8'));
  const rules = new Map();
  for (const run of sarif.runs) for (const rule of run.tool?.driver?.rules ?? []) rules.set(rule.id, rule);
  const findings = sarif.runs.flatMap((run) =>
    run.results.map((result) => {
      const location = result.locations?.[0]?.physicalLocation;
      // Global checks (the whole app) name file:/// or no file at all.
      const uri = (location?.artifactLocation?.uri ?? '').replace(/^file:\/\//, '');
      const file = path.isAbsolute(uri) && uri.startsWith(input + path.sep) ? path.relative(input, uri) : 'N/A';
      return { check: result.ruleId, file, line: location?.region?.startLine ?? 0, description: result.message?.text ?? '' };
    }),
  );
  const unexplained = [];
  for (const finding of findings) {
    const accepted = policy.accepted.find(
      (a) => a.check === finding.check && a.file === finding.file && (!a.description || finding.description.includes(a.description)),
    );
    const where = `${finding.file}:${finding.line}`;
    if (accepted) console.log(`  explained  ${finding.check} at ${where}: ${accepted.reason}`);
    else {
      console.log(`  UNEXPLAINED ${finding.check} at ${where}: ${finding.description}`);
      unexplained.push(finding);
    }
  }
  for (const [check, why] of Object.entries(policy.excludedChecks)) console.log(`  not run    ${check}: ${why}`);
  console.log(`electronegativity ${sarif.runs[0]?.tool?.driver?.version ?? ''} on Electron ${electronVersion}: ${findings.length} findings, ${unexplained.length} unexplained`);
  process.exit(unexplained.length === 0 ? 0 : 1);
} finally {
  rmSync(work, { recursive: true, force: true });
}
