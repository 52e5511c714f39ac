/**
 * Proves that the import-boundary rules of eslint.config.js (DESIGN.md §6) bite: each forbidden import or global,
 * linted as if it lived in the folder it is forbidden in, gives a lint error; each allowed one does not; and the real
 * tree has no boundary errors.
 */
import path from 'node:path';
import type { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { lintPlanted as lint, projectEslint, repoRoot } from './plantedLint';

/** The rules that carry the boundaries; other rules (style, unused variables) are not this test's business. */
const BOUNDARY_RULES = new Set([
  'no-restricted-imports',
  'no-restricted-syntax',
  'no-restricted-globals',
  'no-restricted-properties',
]);

const boundaryErrors = (messages: Linter.LintMessage[]) =>
  messages.filter((m) => m.severity === 2 && m.ruleId !== null && BOUNDARY_RULES.has(m.ruleId));

type Case = { file: string; code: string; rule: string };

const violations: Case[] = [
  // shared/: no Node, no Electron, no main/renderer/preload, no React, no DOM (DESIGN.md §6).
  { file: 'shared/contract/leak.ts', code: "import { randomUUID } from 'node:crypto';\nexport const id = randomUUID();", rule: 'no-restricted-imports' },
  { file: 'shared/contract/leak.ts', code: "import fs from 'fs';\nexport const f = fs;", rule: 'no-restricted-imports' },
  { file: 'shared/contract/leak.ts', code: "import { readFile } from 'fs/promises';\nexport const r = readFile;", rule: 'no-restricted-imports' },
  { file: 'shared/contract/leak.ts', code: "import { readFile } from 'node:fs/promises';\nexport const r = readFile;", rule: 'no-restricted-imports' },
  { file: 'shared/leak.ts', code: "import path from 'path';\nexport const p = path;", rule: 'no-restricted-imports' },
  { file: 'shared/contract/leak.ts', code: "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;", rule: 'no-restricted-imports' },
  { file: 'shared/contract/leak.ts', code: "import type { BrowserWindow } from 'electron/main';\nexport type W = BrowserWindow;", rule: 'no-restricted-imports' },
  { file: 'shared/contract/leak.ts', code: "import { openDatabase } from '../../main/core/db/database';\nexport const o = openDatabase;", rule: 'no-restricted-imports' },
  { file: 'shared/leak.ts', code: "export * from '../main/core/veilCore';", rule: 'no-restricted-imports' },
  { file: 'shared/contract/leak.ts', code: "import { App } from '../../renderer/src/App';\nexport const a = App;", rule: 'no-restricted-imports' },
  { file: 'shared/contract/leak.ts', code: "import '../../preload/index';", rule: 'no-restricted-imports' },
  { file: 'shared/contract/leak.ts', code: "import { useState } from 'react';\nexport const u = useState;", rule: 'no-restricted-imports' },
  { file: 'shared/contract/leak.ts', code: "import { createRoot } from 'react-dom/client';\nexport const c = createRoot;", rule: 'no-restricted-imports' },
  { file: 'shared/contract/leak.ts', code: 'export const title = window.document.title;', rule: 'no-restricted-globals' },
  { file: 'shared/contract/leak.ts', code: 'export const el = document.body;', rule: 'no-restricted-globals' },
  { file: 'shared/contract/leak.ts', code: "export const lang = navigator.language;\nlocalStorage.setItem('a', 'b');", rule: 'no-restricted-globals' },
  { file: 'shared/contract/leak.ts', code: 'export const isEl = (x: unknown) => x instanceof HTMLElement;', rule: 'no-restricted-globals' },
  { file: 'shared/contract/leak.ts', code: 'export const env = process.env.HOME;', rule: 'no-restricted-globals' },
  { file: 'shared/contract/leak.ts', code: 'export const doc = globalThis.document;', rule: 'no-restricted-properties' },
  { file: 'shared/contract/leak.ts', code: "export const load = () => import('node:fs');", rule: 'no-restricted-syntax' },
  { file: 'shared/contract/leak.ts', code: "export type Fs = typeof import('fs');", rule: 'no-restricted-syntax' },

  // main/core: Node only, never Electron, never the shells.
  { file: 'main/core/x.ts', code: "import { app } from 'electron';\nexport const a = app;", rule: 'no-restricted-imports' },
  { file: 'main/core/auth/x.ts', code: "import { safeStorage } from 'electron/main';\nexport const s = safeStorage;", rule: 'no-restricted-imports' },
  { file: 'main/core/x.ts', code: "export const load = () => import('electron');", rule: 'no-restricted-syntax' },
  { file: 'main/core/auth/x.ts', code: "import { createWindow } from '../../app/window';\nexport const c = createWindow;", rule: 'no-restricted-imports' },
  { file: 'main/core/x.ts', code: "import { serve } from '../host/server';\nexport const s = serve;", rule: 'no-restricted-imports' },
  { file: 'main/core/x.ts', code: "import { main } from '../cli/veil';\nexport const m = main;", rule: 'no-restricted-imports' },
  { file: 'main/core/db/x.ts', code: "import { App } from '../../../renderer/src/App';\nexport const a = App;", rule: 'no-restricted-imports' },

  // renderer/: never main/, Electron or Node.
  { file: 'renderer/src/x.tsx', code: "import { openVeilCore } from '../../main/core/veilCore';\nexport const c = openVeilCore;", rule: 'no-restricted-imports' },
  { file: 'renderer/src/screens/x.tsx', code: "import type { VeilCore } from '../../../main/core/veilCore';\nexport type C = VeilCore;", rule: 'no-restricted-imports' },
  { file: 'renderer/src/x.tsx', code: "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;", rule: 'no-restricted-imports' },
  { file: 'renderer/src/x.tsx', code: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;", rule: 'no-restricted-imports' },
  { file: 'renderer/src/x.tsx', code: "import { EventEmitter } from 'events';\nexport const e = EventEmitter;", rule: 'no-restricted-imports' },
  { file: 'renderer/src/x.tsx', code: "export const load = () => import('../../main/core/veilCore');", rule: 'no-restricted-syntax' },

  // Only main/app and preload/ may import Electron.
  { file: 'main/host/x.ts', code: "import { app } from 'electron';\nexport const a = app;", rule: 'no-restricted-imports' },
  { file: 'main/cli/x.ts', code: "import { app } from 'electron';\nexport const a = app;", rule: 'no-restricted-imports' },
  { file: 'main/x.ts', code: "import { app } from 'electron';\nexport const a = app;", rule: 'no-restricted-imports' },
  { file: 'main/host/x.ts', code: "import { createWindow } from '../app/window';\nexport const c = createWindow;", rule: 'no-restricted-imports' },
];

const allowed: Case[] = [
  { file: 'main/core/x.ts', code: "import { randomUUID } from 'node:crypto';\nexport const id = randomUUID();", rule: '' },
  { file: 'main/core/auth/x.ts', code: "import { scrypt } from 'crypto';\nimport { readFile } from 'node:fs/promises';\nexport const s = [scrypt, readFile];", rule: '' },
  { file: 'main/core/x.ts', code: "import { channels } from '../../shared/contract';\nimport { hash } from './auth/passwords';\nexport const c = [channels, hash];", rule: '' },
  { file: 'main/app/x.ts', code: "import { app, BrowserWindow } from 'electron';\nimport { openVeilCore } from '../core/veilCore';\nexport const a = [app, BrowserWindow, openVeilCore];", rule: '' },
  { file: 'preload/index.ts', code: "import { contextBridge, ipcRenderer } from 'electron';\nexport const p = [contextBridge, ipcRenderer];", rule: '' },
  { file: 'renderer/src/x.tsx', code: "import { channels } from '../../shared/contract';\nimport { useState } from 'react';\nexport const c = [channels, useState, window.location.hash];", rule: '' },
  { file: 'renderer/src/x.tsx', code: "import { App } from './main';\nimport './main.css';\nexport const a = App;", rule: '' },
  { file: 'main/host/x.ts', code: "import { createServer } from 'node:http';\nimport { openVeilCore } from '../core/veilCore';\nexport const h = [createServer, openVeilCore];", rule: '' },
  { file: 'main/cli/x.ts', code: "import { parseArgs } from 'node:util';\nimport { serve } from '../host/server';\nexport const c = [parseArgs, serve];", rule: '' },
  { file: 'shared/contract/x.ts', code: "import { z } from 'zod';\nimport { roles } from '../roles';\nimport { events } from './events';\nexport const s = [z, roles, events];", rule: '' },
  { file: 'tests/unit/app/x.test.ts', code: "import { app } from 'electron';\nimport { readFileSync } from 'node:fs';\nimport { openVeilCore } from '../../../main/core/veilCore';\nexport const t = [app, readFileSync, openVeilCore];", rule: '' },
];

describe('import boundaries (DESIGN.md §6) bite', () => {
  it.each(violations)('$file: $code → $rule', async ({ file, code, rule }) => {
    const errors = boundaryErrors(await lint(file, code));
    expect(errors.length, `expected a ${rule} error`).toBeGreaterThan(0);
    expect(errors.map((m) => m.ruleId)).toContain(rule);
    // Every boundary message says which rule of the design was broken.
    for (const error of errors) expect(error.message).toMatch(/DESIGN\.md/);
  });
});

describe('allowed imports are not flagged', () => {
  it.each(allowed)('$file: $code', async ({ file, code }) => {
    expect(boundaryErrors(await lint(file, code))).toEqual([]);
  });
});

describe('the real tree', () => {
  it('has no boundary errors in shared/, main/, renderer/ and preload/', async () => {
    const results = await projectEslint().lintFiles(['shared', 'main', 'renderer', 'preload']);
    expect(results.length).toBeGreaterThan(0);
    const problems = results.flatMap((r) =>
      boundaryErrors(r.messages).map((m) => `${path.relative(repoRoot, r.filePath)}:${m.line}: ${m.message}`),
    );
    expect(problems).toEqual([]);
  }, 60_000);
});
