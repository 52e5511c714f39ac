/**
 * Proves that the storage rule of eslint.config.js bites (DESIGN.md §6 "Storage", issue 13 item 1): SQL lives in
 * repositories (`main/core/**\/*Repository.ts`), the reports' read models (`*ReadModel.ts`) and `main/core/db/`.
 * A prepared statement, a pragma, a database exec or an SQL string planted anywhere else in shared/, main/, renderer/
 * or preload/ gives a lint error; the same code in a repository, a read model or db/ does not; English messages that
 * begin with "Select" or "Delete" and a RegExp's exec are not mistaken for SQL; and the real tree has no SQL outside
 * its homes.
 */
import path from 'node:path';
import type { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { lintPlanted as lint, projectEslint, repoRoot } from './plantedLint';

const sqlErrors = (messages: Linter.LintMessage[]) =>
  messages.filter((m) => m.severity === 2 && m.ruleId === 'no-restricted-syntax' && m.message.startsWith('SQL lives in repositories'));

const DB = "import type { Db } from '../db/database';\n";

/** SQL as a service would wrongly hold it. */
const planted = {
  prepare: `${DB}export const kitsOf = (db: Db, id: number) => db.prepare('SELECT kit_number FROM dispensing_kits WHERE dispensing_id = ?').all(id);`,
  memberPrepare: `${DB}export class S { constructor(private readonly db: Db) {}\n  n() { return this.db.prepare(QUERY).get(); } }\nconst QUERY = 'x';`,
  template: "export const byStatus = (statuses: string) => `SELECT kit_number AS k FROM kits WHERE status IN ${statuses}`;",
  multilineTemplate: 'export const q = `\n    INSERT INTO destruction_kits (destruction_id, kit_number)\n    VALUES (?, ?)`;',
  update: "export const q = \"UPDATE kits SET status = 'destroyed' WHERE kit_number = ?\";",
  recursive: 'export const q = `WITH RECURSIVE hop(v) AS (SELECT min(action) FROM audit_events) SELECT v FROM hop`;',
  pragma: `${DB}export const checkpoint = (db: Db) => db.pragma('wal_checkpoint(TRUNCATE)');`,
  pragmaText: "export const q = 'PRAGMA foreign_keys = ON';",
  exec: `${DB}export const drop = (db: Db, sql: string) => db.exec(sql);`,
  thisDbExec: `${DB}export class S { constructor(private readonly db: Db) {}\n  go(sql: string) { this.db.exec(sql); } }`,
  computed: `${DB}export const q = (db: Db, sql: string) => db['prepare'](sql);`,
};

/** Where SQL is not allowed: services and every other folder of the app (tests, bench and scripts stay unrestricted). */
const outsideHomes = [
  'main/core/destruction/destructionService.ts',
  'main/core/reports/reportService.ts',
  'main/core/veilCore.ts',
  'main/core/demo/demoSeed.ts',
  'main/cli/veil.ts',
  'main/host/server.ts',
  'main/app/lifecycle.ts',
  'shared/contract/x.ts',
  'renderer/src/x.tsx',
  'preload/index.ts',
];

/** Where SQL lives. */
const homes = ['main/core/destruction/destructionRepository.ts', 'main/core/reports/reportReadModel.ts', 'main/core/db/database.ts', 'main/core/db/migrations.ts'];

describe('SQL outside a repository, a read model or db/ is a lint error', () => {
  const cases = Object.entries(planted).flatMap(([kind, code]) => outsideHomes.map((file) => ({ kind, file, code })));
  it.each(cases)('$kind in $file', async ({ file, code }) => {
    const errors = sqlErrors(await lint(file, code));
    expect(errors.length, `expected an SQL error for ${file}`).toBeGreaterThan(0);
    for (const error of errors) expect(error.message).toMatch(/DESIGN\.md.*issue 13/);
  });
});

describe('the same SQL in its homes is allowed', () => {
  const cases = Object.entries(planted).flatMap(([kind, code]) => homes.map((file) => ({ kind, file, code })));
  it.each(cases)('$kind in $file', async ({ file, code }) => {
    expect(sqlErrors(await lint(file, code))).toEqual([]);
  });

  it('a repository still keeps the core import boundaries (no Electron in main/core)', async () => {
    const messages = await lint('main/core/kits/kitRepository.ts', "import { app } from 'electron';\nexport const a = app;");
    expect(messages.some((m) => m.severity === 2 && m.ruleId === 'no-restricted-imports')).toBe(true);
  });

  it('tests may hold SQL (they plant and inspect rows)', async () => {
    expect(sqlErrors(await lint('tests/integration/x.test.ts', planted.prepare.replace('../db/database', '../../main/core/db/database')))).toEqual([]);
  });
});

describe('text and calls that are not SQL are not flagged', () => {
  const notSql = [
    "export const m = 'Select a kit from the shelf';",
    "export const m = 'Delete the draft from the list?';",
    'export const m = `Update ${1} kits: select them first`;',
    "export const m = 'SELECT';",
    "export const m = 'CREATE a new shipment';",
    "export const gs1 = ['412', 'N13,csum', 'PURCHASE FROM'];",
    "export const seq = (text: string) => /(\\d+)\\D*$/.exec(text)?.[1];",
    'const CONTROL = /[\\u0000-\\u001f]/;\nexport const bad = (text: string) => CONTROL.exec(text);',
    "export const bearer = (header: string) => /^Bearer (\\S+)$/.exec(header);",
  ];
  it.each(notSql)('%s', async (code) => {
    expect(sqlErrors(await lint('main/core/labels/labelService.ts', code))).toEqual([]);
  });
});

describe('the real tree', () => {
  it('has no SQL outside repositories, read models and main/core/db', async () => {
    const results = await projectEslint().lintFiles(['shared', 'main', 'renderer', 'preload']);
    expect(results.length).toBeGreaterThan(0);
    const problems = results.flatMap((r) => sqlErrors(r.messages).map((m) => `${path.relative(repoRoot, r.filePath)}:${m.line}: ${m.message}`));
    expect(problems).toEqual([]);
  }, 60_000);
});
