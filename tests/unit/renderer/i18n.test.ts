import { describe, expect, it } from 'vitest';
import { en } from '../../../renderer/src/i18n/resources';
import { fr } from '../../../renderer/src/i18n/resources';
import { WORKFLOW_IDS } from '../../../renderer/src/layout/workflows';
import { ERROR_CODES } from '../../../shared/errors';
import { ROLES } from '../../../shared/roles';

type Tree = { [key: string]: string | Tree };

/** Every leaf of a resource file as "a.b.c" → text. */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const english = flatten(en as Tree);
const french = flatten(fr as Tree);
const variables = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('the English and French resource files', () => {
  it('have exactly the same keys', () => {
    const missingInFrench = [...english.keys()].filter((k) => !french.has(k));
    const missingInEnglish = [...french.keys()].filter((k) => !english.has(k));
    expect(missingInFrench, 'keys in en.json without a French text').toEqual([]);
    expect(missingInEnglish, 'keys in fr.json without an English text').toEqual([]);
    expect(english.size).toBeGreaterThan(100);
  });

  it('have a non-empty text for every key', () => {
    for (const [key, text] of [...english, ...french]) expect(text.trim(), key).not.toBe('');
  });

  it('use the same {{variables}} in both languages', () => {
    for (const [key, text] of english) expect(variables(french.get(key) ?? ''), key).toEqual(variables(text));
  });

  it('name every role, workflow and error code', () => {
    for (const role of ROLES) expect(english.has(`roles.${role}`), role).toBe(true);
    for (const id of WORKFLOW_IDS) {
      expect(english.has(`workflows.${id}.title`), id).toBe(true);
      expect(english.has(`workflows.${id}.purpose`), id).toBe(true);
    }
    for (const code of ERROR_CODES) expect(english.has(`errorCodes.${code}`), code).toBe(true);
  });
});
