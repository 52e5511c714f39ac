import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function scan(folder: string) {
  const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'electronegativity.mjs'), '--input', folder, '--no-build'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('the Electronegativity check (issue 17, item 5)', () => {
  it('fails on a window without context isolation or sandbox, naming each finding (and passes Veil itself in .ci/run)', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'veil-planted-'));
    try {
      writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ name: 'planted', devDependencies: { electron: '45.6.0' } }));
      writeFileSync(
        path.join(folder, 'main.js'),
        "const { BrowserWindow } = require('electron');\nnew BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n",
      );
      const { status, output } = scan(folder);
      expect(output).toMatch(/UNEXPLAINED CONTEXT_ISOLATION_JS_CHECK at main\.js:2/);
      expect(output).toMatch(/UNEXPLAINED SANDBOX_JS_CHECK at main\.js:2/);
      // A page without a CSP, and an app without navigation limits, are whole-app findings.
      expect(output).toMatch(/UNEXPLAINED CSP_GLOBAL_CHECK at N\/A/);
      expect(status).toBe(1);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 300_000);
});
