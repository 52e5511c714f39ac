import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { en } from '../../../shared/messages/en';
import { fr } from '../../../shared/messages/fr';
import { englishOf } from '../../../shared/messages/catalogue';
import { VeilError } from '../../../shared/errors';

/** Issue 17, item 2: the core's messages by key, English and French, checked by the compiler and here. */
const placeholders = (text: string) => new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!));
const entries = (catalogue: Record<string, Record<string, string>>) => Object.entries(catalogue).flatMap(([group, texts]) => Object.entries(texts).map(([name, text]) => [`${group}.${name}`, text] as const));

describe('the message catalogue', () => {
  it('has French for every English key and no French key English lacks', () => {
    expect(entries(fr).map(([k]) => k).sort()).toEqual(entries(en).map(([k]) => k).sort());
  });

  it("French uses only the parameters English has, and every count a plural form's English counts", () => {
    const english = new Map(entries(en));
    for (const [key, text] of entries(fr)) {
      const given = placeholders(english.get(key)!);
      for (const name of placeholders(text)) expect(given.has(name), `${key}: {{${name}}} is not a parameter of the English text`).toBe(true);
      if (/_(one|other)$/.test(key)) expect(placeholders(text).has('count'), `${key} must show its count`).toBe(true);
    }
  });

  it('writes the English of a key with its parameters and plural form', () => {
    expect(englishOf({ key: 'session.wrongCredentialsAttempts', params: { count: 1 } })).toBe('Wrong username or password. 1 attempt left before the account is locked.');
    expect(englishOf({ key: 'session.wrongCredentialsAttempts', params: { count: 4 } })).toBe('Wrong username or password. 4 attempts left before the account is locked.');
    // No HTML escaping: the text is shown by React or written to a log, never put into HTML by hand.
    expect(englishOf({ key: 'users.usernameTaken', params: { username: '<b>&' } })).toBe('The username "<b>&" is already taken.');
  });

  it('an error said by key carries its key and parameters to the client, its English as the message', () => {
    const body = VeilError.says('conflict', { key: 'users.usernameTaken', params: { username: 'paula' } }).toBody();
    expect(body).toEqual({ code: 'conflict', message: 'The username "paula" is already taken.', key: 'users.usernameTaken', params: { username: 'paula' } });
    const back = VeilError.fromBody(body);
    expect([back.key, back.params, back.message]).toEqual(['users.usernameTaken', { username: 'paula' }, 'The username "paula" is already taken.']);
  });
});

describe('the compiler checks the catalogue', () => {
  const dir = mkdtempSync(join(resolve('tests/unit/messages'), '.planted-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Type-checks one planted file against the real catalogue; returns the compiler's complaints. */
  function compile(source: string): string[] {
    const file = join(dir, `planted${Math.random().toString(36).slice(2, 8)}.ts`);
    writeFileSync(file, source);
    const program = ts.createProgram([file], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: [] });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }
  const catalogue = resolve('shared/messages/catalogue').replace(/\\/g, '/');
  const french = resolve('shared/messages/fr').replace(/\\/g, '/');

  it('accepts the real French catalogue as a Translation (the control)', () => {
    expect(compile(`import type { Translation } from '${catalogue}';\nimport { fr } from '${french}';\nexport const again: Translation = fr;\n`)).toEqual([]);
  }, 60_000);

  it('fails on a French catalogue that lacks a key', () => {
    const errors = compile(
      `import type { Translation } from '${catalogue}';\nimport { fr } from '${french}';\nconst { deactivated: _gone, ...session } = fr.session;\nexport const planted: Translation = { ...fr, session };\n`,
    );
    expect(errors.join('\n')).toMatch(/deactivated/);
  }, 60_000);

  it('fails on a key that does not exist and on a missing or unknown parameter', () => {
    const errors = compile(
      `import { englishOf } from '${catalogue}';\n` +
        `englishOf({ key: 'session.noSuchMessage' });\n` +
        `englishOf({ key: 'users.usernameTaken' });\n` +
        `englishOf({ key: 'users.usernameTaken', params: { user: 'x' } });\n` +
        `englishOf({ key: 'session.wrongCredentialsAttempts', params: { count: 'three' } });\n`,
    );
    expect(errors).toHaveLength(4);
  }, 60_000);
});
