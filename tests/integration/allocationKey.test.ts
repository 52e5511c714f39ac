import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, contract, findChannel, type ChannelDefinition } from '../../shared/contract';
import { VeilError } from '../../shared/errors';
import { ROLES, ROLE_PERMISSIONS, type Role } from '../../shared/roles';
import { Router, type CallContext, type Handlers, type SessionGate } from '../../main/core/router';
import { silentLogger } from '../../main/core/log';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * "Needs the allocation key" is declared on the channel in the contract (ChannelDefinition.key) and enforced by the
 * router: a channel that requires the key is refused before its signature is checked and before its handler runs when
 * the session holds none, and the handler gets the key as ctx.key, never by asking the custody service itself.
 */

const KEY = Buffer.alloc(32, 7);
const NO_KEY = 'This session does not hold the allocation key (test gate).';

const roleFor = (definition: ChannelDefinition): Role =>
  ['public', 'locked', 'session'].includes(definition.access) ? 'unblinded_pharmacist' : ROLES.find((r) => ROLE_PERMISSIONS[r].includes(definition.access as never))!;

/** A router over handlers that only record their calls, and a gate whose session holds `key` (or none). */
function harness(key: Buffer | null) {
  const calls: Array<{ channel: string; ctx: CallContext }> = [];
  const signatures: string[] = [];
  let role: Role = 'unblinded_pharmacist';
  const handlers = new Proxy(
    {},
    {
      get: (_groups, group) =>
        new Proxy(
          {},
          {
            get: (_names, name) => (ctx: CallContext) => {
              calls.push({ channel: `${String(group)}.${String(name)}`, ctx });
              throw new VeilError('conflict', 'handler reached');
            },
          },
        ),
    },
  ) as Handlers;
  const gate: SessionGate = {
    lockIdleWindows: () => {},
    sessionOf: () => ({ userId: 1, username: 'someone', role, state: 'active', mustChangePassword: false }),
    touch: () => {},
    verifySignature: async (_windowId, userId, meaning) => {
      signatures.push(meaning);
      return { userId, username: 'someone', printedName: 'Someone', meaning };
    },
    keyOf: () => key,
    requireKey: async () => {
      if (key) return key;
      throw new VeilError('forbidden', NO_KEY);
    },
  };
  const router = new Router(handlers, gate, silentLogger);
  return {
    calls,
    signatures,
    dispatch: (name: string, input: unknown) => {
      role = roleFor(findChannel(name)!);
      return router.dispatch('w', name, input);
    },
  };
}

const requiring = channels.filter((c) => c.definition.key === 'required');

describe('the router enforces the allocation key the contract declares', () => {
  it('refuses every channel that requires the key before its signature is checked or its handler runs, when the session holds none', async () => {
    expect(requiring.length).toBeGreaterThan(5);
    const h = harness(null);
    for (const { name, definition } of requiring) {
      const result = await h.dispatch(name, definition.examples[0]);
      expect(result, name).toEqual({ ok: false, error: { code: 'forbidden', message: NO_KEY } });
    }
    expect(h.calls).toEqual([]);
    expect(h.signatures).toEqual([]);
  });

  it('hands the key to the handler as ctx.key when the channel declares it, and null to every other channel', async () => {
    const h = harness(KEY);
    for (const { name, definition } of channels) {
      h.calls.length = 0;
      const result = await h.dispatch(name, definition.examples[0]);
      expect(result, name).toMatchObject({ ok: false, error: { message: 'handler reached' } });
      expect(h.calls.map((c) => c.channel)).toEqual([name]);
      const need = definition.key;
      const expected = need === undefined ? null : need === 'required' || need === 'ifHeld' ? KEY : need.requiredWhen(definition.examples[0]) ? KEY : null;
      expect(h.calls[0]!.ctx.key, name).toBe(expected);
    }
  });

  it('a conditional need refuses only the inputs that need the key; "ifHeld" never refuses', async () => {
    const h = harness(null);
    const release = { kitNumbers: ['K-0001'], decision: 'release', reason: 'Within stability data', signature: { username: 'pharmacist', password: 'x' } };
    expect(await h.dispatch('shipments.decideQuarantine', release)).toMatchObject({ ok: false, error: { code: 'forbidden', message: NO_KEY } });
    expect(h.calls).toEqual([]);
    await h.dispatch('shipments.decideQuarantine', { ...release, decision: 'reject' });
    await h.dispatch('allocation.checkList', { kind: 'randomization', fileName: 'r.csv', contentBase64: 'YQ==' });
    expect(await h.dispatch('allocation.checkList', { kind: 'kits', fileName: 'k.csv', contentBase64: 'YQ==' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await h.dispatch('shipments.scanKit', findChannel('shipments.scanKit')!.examples[0]);
    expect(h.calls.map((c) => [c.channel, c.ctx.key])).toEqual([
      ['shipments.decideQuarantine', null],
      ['allocation.checkList', null],
      ['shipments.scanKit', null],
    ]);
  });
});

describe('on the real core', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await demoCore();
  });
  afterAll(() => t?.dispose());

  it('a session without the key gets the custody refusal for every channel that requires it, and nothing is written', async () => {
    // An unblinded pharmacist's session that never opened the key (as after a grant, before logging in again).
    const pharmacist = (await t.core.repositories.users.byUsername(t.userOf('unblinded_pharmacist').username))!;
    t.core.sessions.start('no-key', pharmacist.id);
    let refusal: unknown;
    try {
      await t.core.custody.requireKey('no-key');
    } catch (error) {
      refusal = (error as VeilError).toBody();
    }
    expect(refusal).toMatchObject({ code: 'forbidden', message: expect.stringContaining('does not hold the allocation key') });
    const seal = await t.core.audit.seal();
    for (const { name, definition } of requiring) {
      expect(await t.core.dispatch('no-key', name, definition.examples[0]), name).toEqual({ ok: false, error: refusal });
    }
    expect(await t.core.audit.seal()).toEqual(seal);
  });
});

/** The handler modules, one per channel group, each in its workflow folder. */
function handlerModules(): Array<{ file: string; group: string; source: ts.SourceFile }> {
  const root = join(__dirname, '../../main/core');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /Handlers\.ts$/.test(f));
  return files.map((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const group = /Handlers\['(\w+)'\]/.exec(text)?.[1] ?? '';
    return { file, group, source: ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true) };
  });
}

/** Each handler of a module, by channel name: the text of its function (the object the exported function returns). */
function handlersOf(source: ts.SourceFile): Map<string, string> {
  const found = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isFunctionDeclaration(statement) || !statement.body) continue;
    for (const inner of statement.body.statements) {
      if (!ts.isReturnStatement(inner) || !inner.expression || !ts.isObjectLiteralExpression(inner.expression)) continue;
      for (const p of inner.expression.properties) {
        if (ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p)) found.set(p.name.getText(source), p.getText(source));
      }
    }
  }
  return found;
}

describe('every channel whose handler uses the key declares it in the contract', () => {
  const modules = handlerModules();

  it('one handler module per channel group, covering its channels', () => {
    expect(modules.map((m) => m.group).sort()).toEqual(Object.keys(contract).sort());
    for (const m of modules) expect([...handlersOf(m.source).keys()].sort(), m.file).toEqual(Object.keys(contract[m.group as keyof typeof contract]).sort());
  });

  it('no handler asks for the key itself; a handler that reads ctx.key is on a channel that declares it, and one that relies on it declares it required', () => {
    for (const m of modules) {
      expect(m.source.text, m.file).not.toMatch(/requireKey|keyOf\(/);
      for (const [name, text] of handlersOf(m.source)) {
        const need = findChannel(`${m.group}.${name}`)!.key;
        if (text.includes('ctx.key')) expect(need, `${m.group}.${name} reads ctx.key`).toBeDefined();
        if (text.includes('ctx.key!')) expect(need, `${m.group}.${name} relies on ctx.key`).toBe('required');
      }
    }
  });

  it('the channels that open arms, real lots or expiry dates declare the key', () => {
    const required = [
      'allocation.importList',
      'allocation.useBeforeReview',
      'allocation.confirmUseBefore',
      'allocation.grantAccess',
      'allocation.register',
      'dispensing.plan',
      'dispensing.checkKit',
      'dispensing.confirm',
      'reconciliation.viewUnblinded',
      'reports.renderUnblinded',
    ];
    for (const name of required) expect(findChannel(name)!.key, name).toBe('required');
    // Every channel named "unblinded" reads arms.
    for (const { name, definition } of channels) if (/unblinded/i.test(name)) expect(definition.key, name).toBe('required');
    for (const name of ['allocation.checkList', 'shipments.decideQuarantine']) expect(typeof findChannel(name)!.key, name).toBe('object');
    for (const name of ['allocation.status', 'shipments.scanKit']) expect(findChannel(name)!.key, name).toBe('ifHeld');
    // Whole groups that read arms: every one of their channels requires the key.
    for (const name of Object.keys(contract.dispensing)) expect(findChannel(`dispensing.${name}`)!.key, name).toBe('required');
  });
});
