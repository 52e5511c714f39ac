import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels } from '../../shared/contract';
import { EXAMPLE_KIT } from '../../shared/contract/examples';
import { demoCore, type TestCore } from '../helpers/core';
import { buildExampleWorld, callerOf, disposeWorld, openWorldCopy, resolveExample, type ExampleWorld } from '../helpers/exampleWorld';

/**
 * Every example of the contract, run on the demo database as a user allowed to call its channel, answers ok: the
 * examples are what `veil contract` and GET /rpc show to whoever writes a client, so each must be a call that works.
 * An example the demo refuses by design says so in the contract (refusedOnDemo), with its reason and error code.
 * Each example runs on its own copy of the database, so no example depends on what another did before it.
 */
let t: TestCore;
let world: ExampleWorld;

beforeAll(async () => {
  t = await demoCore({ history: true });
  world = await buildExampleWorld(t);
}, 180_000);
afterAll(async () => {
  await disposeWorld(world);
  t?.dispose();
});

async function runExample(name: string, index: number) {
  const { definition } = channels.find((c) => c.name === name)!;
  const example = definition.examples[index];
  const copy = await openWorldCopy(t, world);
  try {
    const caller = callerOf(definition, example, world);
    const window = `example-${name}-${index}`;
    if (caller) {
      const login = await copy.core.dispatch(window, 'session.login', { username: caller.username, password: caller.password });
      if (!login.ok) throw new Error(`login as ${caller.username}: ${login.error.message}`);
      // 'locked' channels work on a locked window too: the example is run in the harder of the two states.
      if (definition.access === 'locked') await copy.core.dispatch(window, 'session.lock', {});
    }
    const result = await copy.core.dispatch(window, name, resolveExample(example, world, caller));
    return { caller: caller?.username ?? '(nobody logged in)', result };
  } finally {
    copy.dispose();
  }
}

describe('every contract example answers ok on the demo database', () => {
  for (const { name, definition } of channels) {
    it(name, async () => {
      for (let index = 0; index < definition.examples.length; index++) {
        const { caller, result } = await runExample(name, index);
        const refusal = definition.refusedOnDemo?.[index];
        const what = `${name} example ${index} as ${caller}`;
        if (refusal) {
          expect(result.ok, `${what} is declared refused (${refusal.why})`).toBe(false);
          if (!result.ok) expect(result.error.code, `${what}: ${result.error.message}`).toBe(refusal.code);
        } else {
          expect(result.ok ? 'ok' : `${result.error.code}: ${result.error.message}`, what).toBe('ok');
        }
      }
    }, 60_000);
  }

  it('declares refusals only for examples that exist, each with its reason, and rarely', () => {
    const declared = channels.flatMap(({ name, definition }) => Object.entries(definition.refusedOnDemo ?? {}).map(([index, r]) => ({ name, index: Number(index), ...r })));
    for (const d of declared) {
      expect(d.index, d.name).toBeLessThan(channels.find((c) => c.name === d.name)!.definition.examples.length);
      expect(d.why.length, d.name).toBeGreaterThan(20);
    }
    // The fourth: undoing a dispensing made in error needs a dispensing of the same day (issue 16), which the demo has not.
    // The fifth and sixth: the desktop's database choice (issue 13): no server at the example address, and the demo
    // runs under veil serve, whose database is given on its command line.
    // The seventh and eighth: a study's close-out (issue 14): closing is refused while the demo's study runs (its
    // sign-off voided, kits with patients), and there is no closed study to reopen; closeOut.test.ts shows both succeed.
    // The ninth: loading a study's configuration file (issue 14): the demo already holds its study, and a whole study
    // file is too long for an example; studyFile.test.ts loads one into a new database.
    // The tenth and eleventh: archiving a closed study and bringing it back (issue 14): the demo's study is open;
    // closeOut.test.ts and studySwitch.test.ts show both succeed.
    expect(declared.length).toBeLessThanOrEqual(11);
  });

  it('knows every word examples use, and fails on one it does not know', () => {
    for (const word of Object.values(EXAMPLE_KIT)) expect(resolveExample({ kitNumber: word }, world, null)).not.toEqual({ kitNumber: word });
    expect(() => resolveExample({ kitNumber: '<a kit from nowhere>' }, world, null)).toThrow(/does not know/);
  });
});
