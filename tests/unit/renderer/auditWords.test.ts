import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, EVENT_NAMES } from '../../../shared/contract';
import { PERMISSIONS } from '../../../shared/roles';
import { ScanSource } from '../../../shared/contract/pharmacy';
import { KNOWN_ACTIONS, KNOWN_SOURCES } from '../../../renderer/src/audit/describe';
import { en, fr } from '../../../renderer/src/i18n/resources';
import { en as MESSAGES } from '../../../shared/messages/en';
import { EVENT_SCOPE } from '../../../shared/audit/eventScope';

/**
 * The audit trail in plain words, in both languages (issue 11: its filters showed raw codes such as `label.printed`
 * and `KEYBOARD_WEDGE`). The actions and entity types are read from the core's own sources, so an action added there
 * without its words makes this test fail.
 */
const CORE = fileURLToPath(new URL('../../../main/core', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    // Repositories, read-models and db/ hold SQL, whose 'alias.column' references look like actions; services record
    // the actions (through the audit trail), never the SQL layer.
    if (/(Repository|ReadModel)\.ts$/.test(name) || (statSync(path).isDirectory() && path === join(CORE, 'db'))) return [];
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

const code = sources(CORE).join('\n');
/** The keys of the core's messages (shared/messages), 'group.name' too, are words said, not actions recorded. */
const messageKeys = new Set(Object.entries(MESSAGES).flatMap(([group, texts]) => Object.keys(texts).map((name) => `${group}.${name.replace(/_(one|other)$/, '')}`)));
const usernames = new Set([...code.matchAll(/username: '([^']+)'/g)].map((m) => m[1]!));
/** Every 'group.name' string of the core that is not a channel, an event, a permission, a file or a username: the audited actions. */
// An action ends with a letter: 'shipment.kit_' is the prefix of the actions built from a receipt's outcome.
const recordedActions = [...new Set([...code.matchAll(/'([a-z]+\.[a-z_]*[a-z])'/g)].map((m) => m[1]!))]
  .filter((name) => !CHANNEL_NAMES.includes(name) && !EVENT_NAMES.includes(name) && !(PERMISSIONS as readonly string[]).includes(name) && !/\.(js|json|db)$/.test(name) && !usernames.has(name) && !messageKeys.has(name))
  .sort();
const recordedEntityTypes = [...new Set([...code.matchAll(/entityType: '([a-z_]+)'/g)].map((m) => m[1]!))].sort();

type Tree = { [key: string]: string | Tree };
const has = (tree: Tree, path: string): boolean => {
  let node: string | Tree | undefined = tree;
  for (const part of path.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' && node.trim().length > 0;
};

describe('the audit trail in plain words', () => {
  it('finds the actions the core records (the extraction itself works)', () => {
    expect(recordedActions).toContain('label.printed');
    expect(recordedActions).toContain('settings.scanners_changed');
    expect(recordedActions).toContain('user.reactivated');
    expect(recordedActions.length).toBeGreaterThan(30);
  });

  it('offers every recorded action in the filter, named in English and in French', () => {
    expect(recordedActions.filter((a) => !(KNOWN_ACTIONS as readonly string[]).includes(a))).toEqual([]);
    for (const action of KNOWN_ACTIONS) {
      expect(has(en as Tree, `audit.actions.${action}`), `en ${action}`).toBe(true);
      expect(has(fr as Tree, `audit.actions.${action}`), `fr ${action}`).toBe(true);
      // Words, not the code again.
      const words = action.split('.').reduce<string | Tree>((n, p) => (n as Tree)[p]!, ((en as Tree).audit as Tree).actions as Tree);
      expect(words).not.toMatch(/^[a-z]+\.[a-z_]+$/);
    }
  });

  it('places every action the core records in its study or on the site, and no other (shared/audit/eventScope.ts)', () => {
    expect(recordedActions.filter((a) => !(a in EVENT_SCOPE))).toEqual([]);
    expect(Object.keys(EVENT_SCOPE).sort()).toEqual([...KNOWN_ACTIONS].sort());
  });

  it('describes every recorded action in a sentence of each language', () => {
    for (const action of KNOWN_ACTIONS) {
      const [group, name] = action.split('.') as [string, string];
      for (const [lang, tree] of [['en', en], ['fr', fr]] as const) {
        const sentences = ((tree as Tree).audit as Tree).sentences as Tree;
        const forms = Object.keys((sentences[group] as Tree | undefined) ?? {}).filter((k) => k === name || k.startsWith(`${name}_`));
        expect(forms.length, `${lang} ${action}`).toBeGreaterThan(0);
      }
    }
  });

  it('names every entity type and every input source in both languages', () => {
    for (const type of recordedEntityTypes) for (const tree of [en, fr]) expect(has(tree as Tree, `audit.entityTypes.${type}`), type).toBe(true);
    expect([...ScanSource.options].filter((s) => !(KNOWN_SOURCES as readonly string[]).includes(s))).toEqual([]);
    for (const source of KNOWN_SOURCES) for (const tree of [en, fr]) expect(has(tree as Tree, `audit.source.${source}`), source).toBe(true);
  });
});
