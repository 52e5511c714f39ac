// ESLint flat config for Veil.
//
// Besides the ordinary recommended rules (ESLint + typescript-eslint, not type-aware so lint stays fast), this file
// enforces the import boundaries of DESIGN.md section 6 ("Architecture"). They fail `npm run lint` (and so CI):
//
//   shared/     pure TypeScript: no Node built-ins, no DOM, no Electron, no React, nothing from main/ renderer/ preload/
//   main/core/  Node only: no Electron, nothing from main/app, main/host, main/cli, renderer/, preload/
//   main/**     (host, cli, anything else in main/ except app and core): no Electron, nothing from main/app
//   renderer/   talks only to the typed client: nothing from main/, no Electron, no Node built-ins
//   main/app/, preload/: the only places that may import `electron`
//   tests/, scripts/, root config files: unrestricted (tests may import the mocked `electron` module)
//
// How the boundaries are checked:
//   - `no-restricted-imports` (regex patterns) for `import ... from`, `import type`, `export ... from`;
//   - `no-restricted-syntax` for dynamic `import()`, `require()` and TypeScript `import('...')` types, with the same
//     regular expressions, so a boundary cannot be side-stepped with a dynamic import;
//   - `no-restricted-globals` for DOM and Node globals in shared/.
//
// In a flat config a later block's setting of a rule *replaces* an earlier one for the files both blocks match. So
// the boundary blocks below use disjoint `files`/`ignores`: every file gets exactly one complete setting of each
// boundary rule, built from one list of restrictions per folder (BOUNDARIES). Nothing after them touches these rules.
//
// Relative imports are matched by their text, not resolved: `../../main/x` (one or more `../` then `main/`) counts
// as reaching main/. A folder inside shared/ named `main`, `renderer` or `preload` (or one inside main/core named
// `app`, `host` or `cli`) would be mistaken for the real one; don't create such folders.
//
// tests/security/import-boundaries.test.ts proves that every rule bites.
//
// Storage (DESIGN.md section 6, issue 13): every SQL statement lives in a repository (`main/core/**/*Repository.ts`),
// a report's read model (`main/core/**/*ReadModel.ts`) or `main/core/db/**`. Everywhere else in shared/, main/,
// renderer/ and preload/, `no-restricted-syntax` also refuses a call of a member named `prepare` or `pragma`, an
// `exec` on a database or with SQL text, and a string or template literal that reads as an SQL statement (SQL_SYNTAX).
// These selectors are merged into each folder's one boundary setting of the rule (never a separate block, which would
// replace it). main/app and preload/ have no import boundary, so their setting holds the SQL selectors alone.
// tests/security/sql-in-repositories.test.ts proves that these bite.

import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const RULE = 'DESIGN.md §6 (Architecture)';

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Every Node built-in, with or without `node:`, with or without a subpath (`fs`, `node:fs`, `fs/promises`, ...). */
const nodeBuiltinNames = [
  ...new Set(builtinModules.map((m) => m.replace(/^node:/, '').split('/')[0]).filter(Boolean)),
].sort();
const NODE_BUILTIN = `^(?:node:.*|(?:${nodeBuiltinNames.map(escape).join('|')})(?:/.*)?)$`;

/** `electron` and its subpaths (`electron/main`, `electron/renderer`, ...). */
const ELECTRON = '^electron(?:/.*)?$';
const REACT = '^(?:react|react-dom)(?:/.*)?$';

/** A relative path going up at least once and then into the given top-level folder(s) (or a bare `main/...`). */
const upInto = (...folders) => {
  const f = `(?:${folders.join('|')})`;
  return `^(?:(?:\\.\\./)+${f}(?:/.*)?|${f}/.*)$`;
};
/** From somewhere in main/core/**: a relative path that reaches main/<folder> (`../app`, `../../app/x`, `../../../main/app`). */
const upIntoMainSibling = (...folders) => `^(?:\\.\\./)+(?:main/)?(?:${folders.join('|')})(?:/.*)?$`;

/**
 * One list of restrictions per boundary. Each entry: regex on the module specifier + message naming the rule broken.
 * The same list feeds no-restricted-imports and no-restricted-syntax, so static and dynamic imports agree.
 */
const BOUNDARIES = {
  shared: [
    {
      regex: NODE_BUILTIN,
      message: `shared/ is pure TypeScript and imports nothing from Node (${RULE}: "shared/ pure TypeScript, no Node, DOM or Electron"). Move Node code to main/core.`,
    },
    {
      regex: ELECTRON,
      message: `shared/ never imports Electron (${RULE}: "shared/ pure TypeScript, no Node, DOM or Electron"; only main/app and preload/ touch Electron).`,
    },
    {
      regex: REACT,
      message: `shared/ never imports React: it is pure TypeScript shared by main and renderer (${RULE}: "shared/ pure TypeScript, no Node, DOM or Electron").`,
    },
    {
      regex: upInto('main', 'renderer', 'preload'),
      message: `shared/ never imports from main/, renderer/ or preload/: everyone depends on shared/, never the other way round (${RULE}).`,
    },
  ],
  mainCore: [
    {
      regex: ELECTRON,
      message: `main/core never imports Electron: it runs under plain Node so the pharmacy logic is tested with vitest (${RULE}: "Core without Electron"). Put Electron code in main/app.`,
    },
    {
      regex: upIntoMainSibling('app', 'host', 'cli'),
      message: `main/core never imports from main/app, main/host or main/cli: the shells depend on the core, not the other way round (${RULE}: "Core without Electron").`,
    },
    {
      regex: upInto('renderer', 'preload'),
      message: `main/core never imports from renderer/ or preload/ (${RULE}). Shared types belong in shared/.`,
    },
  ],
  mainOther: [
    {
      regex: ELECTRON,
      message: `Only main/app and preload/ may import Electron; main/host and main/cli run under plain Node (${RULE}: "main/app the Electron shell", "Browser mode").`,
    },
    {
      regex: upIntoMainSibling('app'),
      message: `main/host and main/cli never import from main/app (the Electron shell); they run the same core under plain Node (${RULE}: "Browser mode").`,
    },
  ],
  renderer: [
    {
      regex: upInto('main'),
      message: `renderer/ never imports main/: it talks only to the typed client generated from the contract in shared/ (${RULE}: "renderer/ ... talks only to the typed client; never imports main/").`,
    },
    {
      regex: ELECTRON,
      message: `renderer/ never imports Electron: it reaches the main process only through the preload's invoke/on (${RULE}; only main/app and preload/ touch Electron).`,
    },
    {
      regex: NODE_BUILTIN,
      message: `renderer/ never imports Node built-ins: it runs sandboxed in Chromium (and in a plain browser in browser mode) (${RULE}).`,
    },
  ],
};

/** Browser globals forbidden in shared/ (also reachable as globalThis.x / self.x, see no-restricted-properties). */
const DOM_GLOBALS = [
  'window',
  'document',
  'navigator',
  'localStorage',
  'sessionStorage',
  'HTMLElement',
  'location',
  'alert',
  'self',
];
/** Node globals forbidden in shared/. */
const NODE_GLOBALS = ['process', 'Buffer', 'require', 'module', '__dirname', '__filename', 'global', 'setImmediate'];

const restrictedImports = (list) => [
  'error',
  { patterns: list.map(({ regex, message }) => ({ regex, caseSensitive: true, message })) },
];

/** esquery regex literals cannot contain `/`; write it as \x2F. */
const esqueryRegex = (regex) => `/${regex.replace(/\//g, '\\x2F')}/`;

const restrictedSyntax = (list) => [
  'error',
  ...list.flatMap(({ regex, message }) => {
    const re = esqueryRegex(regex);
    return [
      { selector: `ImportExpression[source.value=${re}]`, message: `Dynamic import: ${message}` },
      {
        selector: `CallExpression[callee.type='Identifier'][callee.name='require'] > Literal.arguments[value=${re}]`,
        message: `require(): ${message}`,
      },
      {
        selector: `CallExpression[callee.type='MemberExpression'][callee.object.name='require'][callee.property.name='resolve'] > Literal.arguments[value=${re}]`,
        message: `require.resolve(): ${message}`,
      },
      { selector: `TSImportType[source.value=${re}]`, message: `import() type: ${message}` },
      { selector: `TSExternalModuleReference > Literal[value=${re}]`, message: `import = require(): ${message}` },
    ];
  }),
];

const SQL_RULE = 'SQL lives in repositories: DESIGN.md §6 (Storage) / issue 13';
const SQL_MESSAGE = `${SQL_RULE}. Put the statement in the workflow's *Repository.ts (or, for a report, its *ReadModel.ts) and call a method named in the pharmacy's words.`;

/** Where SQL may be written: the repositories, the reports' read models, the database layer (all in main/core). */
const SQL_HOMES = ['main/core/db/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}', 'main/core/**/*Repository.{ts,mts,cts,js,mjs,cjs}', 'main/core/**/*ReadModel.{ts,mts,cts,js,mjs,cjs}'];

/**
 * A string that reads as an SQL statement: an upper-case statement keyword at its start, then a second upper-case SQL
 * keyword (FROM, INTO, SET, ...), or PRAGMA and a pragma's name. Case-sensitive, so "Select a kit" or "Delete the
 * draft" in a message are not SQL; an all-capitals English sentence with such a second word would be (none exists).
 */
const SQL_TEXT =
  '^\\s*(?:(?:SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|DROP|ALTER|REPLACE)\\s[\\s\\S]*\\b(?:FROM|INTO|SET|TABLE|INDEX|VALUES|WHERE|JOIN|TRIGGER|VIEW|RECURSIVE|SELECT)\\b|PRAGMA\\s+[a-z_]+)';
/** An object that is, by its name, a database connection: `db.exec(sql)`, `this.db.exec(sql)`, `tx.exec(sql)`. */
const DATABASE_NAME = '^(?:db|Db|database|sqlite|tx|connection|conn)$';

const SQL_SYNTAX = [
  {
    selector: "CallExpression[callee.type='MemberExpression'][callee.property.name=/^(?:prepare|pragma)$/]",
    message: `${SQL_MESSAGE} (a prepared statement or pragma outside a repository)`,
  },
  {
    selector: "CallExpression[callee.type='MemberExpression'][callee.computed=true][callee.property.value=/^(?:prepare|pragma|exec)$/]",
    message: `${SQL_MESSAGE} (a prepared statement, pragma or exec outside a repository)`,
  },
  {
    selector: `CallExpression[callee.type='MemberExpression'][callee.property.name='exec'][callee.object.name=/${DATABASE_NAME}/]`,
    message: `${SQL_MESSAGE} (exec on a database outside a repository)`,
  },
  {
    selector: `CallExpression[callee.type='MemberExpression'][callee.property.name='exec'][callee.object.property.name=/${DATABASE_NAME}/]`,
    message: `${SQL_MESSAGE} (exec on a database outside a repository)`,
  },
  {
    // RegExp's exec takes the text to match, rarely a literal; a database's exec takes SQL text.
    selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='exec'][arguments.0.type=/^(?:Literal|TemplateLiteral)$/]:not([callee.object.regex])",
    message: `${SQL_MESSAGE} (exec with SQL text outside a repository)`,
  },
  { selector: `Literal[value=/${SQL_TEXT}/]`, message: `${SQL_MESSAGE} (an SQL statement in a string)` },
  { selector: `TemplateLiteral > TemplateElement:first-child[value.cooked=/${SQL_TEXT}/]`, message: `${SQL_MESSAGE} (an SQL statement in a template literal)` },
];

/**
 * Turns every boundary rule on for `files` with the given list (the one complete setting for those files); with
 * `sql`, the SQL selectors join the same no-restricted-syntax setting.
 */
const boundary = (name, files, ignores, list, extraRules = {}, { sql = false } = {}) => ({
  name: `veil/boundaries/${name}`,
  files,
  ...(ignores.length ? { ignores } : {}),
  rules: {
    'no-restricted-imports': restrictedImports(list),
    'no-restricted-syntax': [...restrictedSyntax(list), ...(sql ? SQL_SYNTAX : [])],
    ...extraRules,
  },
});

const CODE = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];
const under = (dir) => [`${dir}/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}`];

export default tseslint.config(
  {
    name: 'veil/ignores',
    ignores: [
      '**/node_modules/**',
      'dist/**',
      'out/**',
      '.electron-native/**',
      'release/**',
      'test-results/**',
      'coverage/**',
      '.vite/**',
      'tests/e2e/screenshots/**',
      'tests/security/lint-fixtures/**',
    ],
  },

  { name: 'veil/files', files: CODE },

  js.configs.recommended,
  ...tseslint.configs.recommended,

  {
    name: 'veil/language',
    files: CODE,
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
    },
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      // Real problems stay errors; the `_` prefix marks an intentionally unused name.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'none',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    name: 'veil/cjs',
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  // Globals per environment (no-undef only runs on JS files; TypeScript checks names in .ts/.tsx itself).
  { name: 'veil/globals/node', files: [...under('main'), ...under('scripts'), ...under('tests'), '*.{js,mjs,cjs,ts,mts,cts}'], languageOptions: { globals: { ...globals.node } } },
  { name: 'veil/globals/vitest', files: under('tests'), languageOptions: { globals: { ...globals.vitest } } },
  { name: 'veil/globals/browser', files: under('renderer'), languageOptions: { globals: { ...globals.browser } } },
  { name: 'veil/globals/preload', files: under('preload'), languageOptions: { globals: { ...globals.browser, ...globals.node } } },

  // ---- Import boundaries and SQL homes (DESIGN.md §6). Disjoint file sets: one complete setting per file. ----
  boundary('shared', under('shared'), [], BOUNDARIES.shared, {
    'no-restricted-globals': [
      'error',
      ...DOM_GLOBALS.map((name) => ({
        name,
        message: `shared/ is pure TypeScript with no DOM (${RULE}: "shared/ pure TypeScript, no Node, DOM or Electron"). Pass what you need in as a parameter.`,
      })),
      ...NODE_GLOBALS.map((name) => ({
        name,
        message: `shared/ is pure TypeScript with no Node (${RULE}: "shared/ pure TypeScript, no Node, DOM or Electron"). Move Node code to main/core.`,
      })),
    ],
    'no-restricted-properties': [
      'error',
      ...[...DOM_GLOBALS, ...NODE_GLOBALS].flatMap((property) =>
        ['globalThis', 'window', 'self'].map((object) => ({
          object,
          property,
          message: `shared/ uses no DOM or Node globals (${RULE}: "shared/ pure TypeScript, no Node, DOM or Electron").`,
        })),
      ),
    ],
  }, { sql: true }),
  // main/core outside the SQL homes: the core's boundaries and no SQL; the SQL homes: the core's boundaries only.
  boundary('main-core', under('main/core'), SQL_HOMES, BOUNDARIES.mainCore, {}, { sql: true }),
  boundary('main-core-sql-homes', SQL_HOMES, [], BOUNDARIES.mainCore),
  // main/host, main/cli and anything else directly in main/ (main/app and main/core have their own settings).
  boundary('main-other', under('main'), [...under('main/core'), ...under('main/app')], BOUNDARIES.mainOther, {}, { sql: true }),
  boundary('renderer', under('renderer'), [], BOUNDARIES.renderer, {}, { sql: true }),
  // main/app/** and preload/**: no import boundary (electron allowed), but no SQL either.
  { name: 'veil/sql-homes/app-preload', files: [...under('main/app'), ...under('preload')], rules: { 'no-restricted-syntax': ['error', ...SQL_SYNTAX] } },
  // tests/**, scripts/** and root config files: unrestricted.
);
