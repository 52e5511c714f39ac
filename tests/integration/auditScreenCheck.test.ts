import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCore, TEST_ENGINE, type TestCore } from '../helpers/core';

/**
 * The check on the audit trail screen (audit.verify) runs the record checks of `veil verify` on either engine: a row
 * changed under the trail and a cut tail are named, where the hash chain alone still holds. On PostgreSQL the screen
 * followed the chain only until issue 13 closed; this file runs on both engines (tests/postgres.vitest.config.ts).
 */
let t: TestCore;
let monitor: string;
type Check = { ok: boolean; events: number; firstBroken: { seq: number; problem: string } | null };

beforeAll(async () => {
  t = await demoCore({ history: true });
  monitor = await t.loginAs('monitor');
}, 180_000);
afterAll(() => t.dispose());

async function check(): Promise<Check> {
  const r = await t.core.dispatch(monitor, 'audit.verify', {});
  if (!r.ok) throw new Error(`audit.verify: ${r.error.message}`);
  return r.value as Check;
}

/** The append-only triggers off for one change, as someone with the database's owner rights could do. */
async function withoutTrailTriggers(work: () => Promise<void>): Promise<void> {
  if (TEST_ENGINE === 'postgres') {
    await t.sql('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_delete');
    try {
      await work();
    } finally {
      await t.sql('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_delete');
    }
    return;
  }
  const { definition } = (await t.sql<{ definition: string }>("SELECT sql AS definition FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_events_no_delete'"))[0]!;
  await t.sql('DROP TRIGGER audit_events_no_delete');
  try {
    await work();
  } finally {
    await t.sql(definition);
  }
}

describe(`the audit trail screen's check (${TEST_ENGINE})`, () => {
  it('passes a sound record, events counted', async () => {
    const sound = await check();
    expect(sound.firstBroken).toBeNull();
    expect(sound.ok).toBe(true);
    expect(sound.events).toBeGreaterThan(100);
  });

  it('names a kit whose status was changed under the trail, though the chain holds', async () => {
    const { k: kit } = (await t.sql<{ k: string }>("SELECT kit_number AS k FROM kits WHERE status = 'available' ORDER BY kit_number LIMIT 1"))[0]!;
    await t.sql("UPDATE kits SET status = 'destroyed' WHERE kit_number = ?", kit);
    try {
      const edited = await check();
      expect(edited.ok).toBe(false);
      expect(edited.firstBroken!.problem).toMatch(new RegExp(`kit ${kit}: its status is "destroyed", but its audit events leave it "available"`));
    } finally {
      await t.sql("UPDATE kits SET status = 'available' WHERE kit_number = ?", kit);
    }
    expect((await check()).ok).toBe(true);
  });

  it('names a cut tail: the chain ends before an event that was anchored', async () => {
    const { head } = (await t.sql<{ head: number }>('SELECT max(seq) AS head FROM audit_events'))[0]!;
    await withoutTrailTriggers(async () => {
      await t.sql('DELETE FROM audit_events WHERE seq > ?', Number(head) - 2);
    });
    const cut = await check();
    expect(cut.ok).toBe(false);
    expect(cut.firstBroken!.problem).toMatch(/the chain ends at event \d+, but event \d+ was anchored/);
  });
});
