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
    for (const [key, text] of english) {
      // The core's messages (shared/messages) may carry English prose as a parameter for the English text (a channel's
      // description), which French leaves out: there French uses a part of English's parameters, never another one.
      if (key.startsWith('messages.')) expect(variables(text), key).toEqual(expect.arrayContaining(variables(french.get(key) ?? '')));
      else expect(variables(french.get(key) ?? ''), key).toEqual(variables(text));
    }
  });

  it('name every role, workflow and error code', () => {
    for (const role of ROLES) expect(english.has(`roles.${role}`), role).toBe(true);
    for (const id of WORKFLOW_IDS) {
      expect(english.has(`workflows.${id}.title`), id).toBe(true);
      expect(english.has(`workflows.${id}.purpose`), id).toBe(true);
    }
    for (const code of ERROR_CODES) expect(english.has(`errorCodes.${code}`), code).toBe(true);
  });

  it('put every count in a plural form, in both languages (issue 11: no "1 endommagés", no "(s)")', () => {
    const plural = /_(zero|one|two|few|many|other)$/;
    for (const [name, texts] of [['en', english], ['fr', french]] as const) {
      const counted = [...texts].filter(([key, text]) => /\{\{\s*count\s*\}\}/.test(text) && !plural.test(key)).map(([key]) => key);
      expect(counted, `${name}: {{count}} outside a plural key`).toEqual([]);
      for (const [key] of [...texts].filter(([key]) => key.endsWith('_one'))) expect(texts.has(key.replace(/_one$/, '_other')), `${name}: ${key} without _other`).toBe(true);
      expect([...texts].filter(([, text]) => text.includes('(s)')).map(([key]) => key), `${name}: "(s)" instead of a plural`).toEqual([]);
      // Numbers passed under another name than count cannot agree with the word after them.
      const numberBeforeWord = /\{\{\s*(damaged|missing|expected|received|shown|selected|unverified|scanned|slots|kits|available|quarantined|runs|longest|total|needed|queued|failed|printed|onHand|withPatient|destroyed|lost|found)\s*\}\}\s+\p{L}*[sx](?!\p{L})/u;
      expect([...texts].filter(([, text]) => numberBeforeWord.test(text)).map(([key]) => key), `${name}: a number before a word, not through count`).toEqual([]);
    }
  });
});
