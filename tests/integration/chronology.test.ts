import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../shared/schedule/visitSchedule';
import { canonicalJson } from '../../shared/canonicalJson';
import { demoCore, type TestCore } from '../helpers/core';
import { attackerHash, plantedCopy, verifyLive, type PlantedCopy, type PlantSource } from '../helpers/plantedCopy';
import { copyPostgresDatabase } from '../helpers/postgres';

/**
 * Issue 11, item 11: the demo's history was chronologically impossible (a kit dispensed before it was received, an
 * audit event dated weeks before the one it follows, returns verified an hour after they were destroyed) and nothing
 * noticed. The generator lives the history in calendar order; reconciliation and `veil verify` flag impossible
 * sequences: an event earlier than the one it depends on, and a timestamp going backwards in the chain. On both
 * engines (tests/postgres.vitest.config.ts): the planted cases work on copies of the demo as seeded.
 */
let t: TestCore;
/** The demo as seeded, never opened again: the source of every planted copy (no anchors, as a copied file has none). */
let seeded: PlantSource;

beforeAll(async () => {
  t = await demoCore({ history: true });
  if (t.database) {
    seeded = { dbFile: '', database: await t.whileClosed(() => copyPostgresDatabase(t.database)), dir: t.dir };
  } else {
    t.core.db.pragma('wal_checkpoint(TRUNCATE)');
    seeded = { dbFile: join(t.dir, 'demo-as-seeded.db'), database: '', dir: t.dir };
    copyFileSync(t.dbFile, seeded.dbFile);
  }
}, 120_000);
afterAll(() => t?.dispose());

const outOf = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

interface KitTimes {
  kit: string;
  received: string | null;
  dispensed: string | null;
  returned: string | null;
  verified: string | null;
  destroyedOn: string | null;
  destructionRecorded: string | null;
  registered: string | null;
  baseline: string | null;
  withdrawn: string | null;
}

function kitTimes(): Promise<KitTimes[]> {
  return t.sql<KitTimes>(
    `SELECT k.kit_number AS kit, sk.scanned_at AS received, d.dispensed_at AS dispensed, r.returned_at AS returned, r.verified_at AS verified,
       ds.destroyed_on AS "destroyedOn", ds.recorded_at AS "destructionRecorded", p.registered_at AS registered, p.baseline_date AS baseline,
       p.withdrawn_at AS withdrawn
     FROM kits k
     LEFT JOIN shipment_kits sk ON sk.kit_number = k.kit_number
     LEFT JOIN dispensing_kits dk ON dk.kit_number = k.kit_number LEFT JOIN dispensings d ON d.id = dk.dispensing_id
     LEFT JOIN patients p ON p.id = d.patient_id
     LEFT JOIN kit_returns r ON r.kit_number = k.kit_number
     LEFT JOIN destruction_kits dsk ON dsk.kit_number = k.kit_number LEFT JOIN destructions ds ON ds.id = dsk.destruction_id`,
  );
}

describe('the demo history is possible', () => {
  it('audit events never go back in time', async () => {
    const events = await t.sql<{ seq: number; at_utc: string }>('SELECT seq, at_utc FROM audit_events ORDER BY seq');
    const backwards = events.filter((e, i) => i > 0 && e.at_utc < events[i - 1]!.at_utc).map((e) => `#${e.seq} ${e.at_utc} after ${events[e.seq - 2]!.at_utc}`);
    expect(backwards).toEqual([]);
    expect(events.length).toBeGreaterThan(300);
  });

  it('each kit is received before it is dispensed, dispensed before it comes back, verified before it is destroyed', async () => {
    const problems: string[] = [];
    const kits = await kitTimes();
    for (const k of kits) {
      if (k.dispensed && !(k.received && k.received <= k.dispensed)) problems.push(`${k.kit} dispensed ${k.dispensed}, received ${k.received}`);
      if (k.dispensed && k.registered && k.registered > k.dispensed) problems.push(`${k.kit} dispensed ${k.dispensed} before its patient was registered ${k.registered}`);
      if (k.dispensed && k.baseline && k.baseline > localDate(new Date(k.dispensed))) problems.push(`${k.kit} dispensed before randomization ${k.baseline}`);
      if (k.dispensed && k.withdrawn && k.withdrawn < k.dispensed) problems.push(`${k.kit} dispensed after the withdrawal ${k.withdrawn}`);
      if (k.returned && !(k.dispensed && k.dispensed <= k.returned)) problems.push(`${k.kit} returned ${k.returned}, dispensed ${k.dispensed}`);
      if (k.destructionRecorded && k.returned && k.returned > k.destructionRecorded) problems.push(`${k.kit} returned after its destruction`);
      if (k.destroyedOn && k.returned && localDate(new Date(k.returned)) > k.destroyedOn) problems.push(`${k.kit} destroyed on ${k.destroyedOn}, returned ${k.returned}`);
      if (k.destructionRecorded && k.returned && !k.verified) problems.push(`${k.kit} destroyed without a verified return`);
      if (k.destructionRecorded && k.verified && k.verified > k.destructionRecorded) problems.push(`${k.kit} verified ${k.verified} after its destruction ${k.destructionRecorded}`);
    }
    expect(problems).toEqual([]);
    // The history has every step to check: receipts, dispensings, returns and a destruction.
    expect(kits.filter((k) => k.dispensed).length).toBeGreaterThan(20);
    expect(kits.filter((k) => k.destructionRecorded).length).toBeGreaterThan(3);
  });

  it('reconciliation finds no impossible sequence, and veil verify passes with no chronology finding', async () => {
    const reconciliation = await t.core.reconciliation.compute(null);
    const sequences = reconciliation.discrepancies.filter((d) => d.discrepancies.some((x) => /before|after/.test(x)));
    expect(sequences).toEqual([]);
    const copy = await plantedCopy(seeded);
    const r = copy.verify();
    await copy.close();
    expect(r.code, outOf(r)).toBe(0);
    expect(outOf(r)).not.toMatch(/earlier than|before it|after the kit was destroyed/);
  });
});


/** Re-hashes the chain from `fromSeq` to the end, so that the links hold and only the dates can tell. */
async function rehash(copy: PlantedCopy, fromSeq: number): Promise<void> {
  const rows = await copy.sql<Record<string, unknown>>('SELECT * FROM audit_events WHERE seq >= ? ORDER BY seq', fromSeq);
  let prev = (await copy.sql<{ hash: string }>('SELECT hash FROM audit_events WHERE seq = ?', fromSeq - 1))[0]!.hash;
  for (const row of rows) {
    const hash = attackerHash(row, prev);
    await copy.sql('UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?', prev, hash, row.seq);
    prev = hash;
  }
}

const atOf = async (copy: PlantedCopy, seq: number) => (await copy.sql<{ at_utc: string }>('SELECT at_utc FROM audit_events WHERE seq = ?', seq))[0]!.at_utc;

describe('planted impossible sequences are flagged', () => {
  it('an event dated before the one it follows (chain re-hashed, so only the dates tell): veil verify names it', async () => {
    const copy = await plantedCopy(seeded);
    const seq = 200;
    const previous = await atOf(copy, seq - 1);
    const backdated = new Date(new Date(previous).getTime() - 3 * 86_400_000).toISOString();
    await copy.dropAppendOnlyTriggers();
    await copy.sql('UPDATE audit_events SET at_utc = ? WHERE seq = ?', backdated, seq);
    await rehash(copy, seq);
    await copy.restoreAppendOnlyTriggers();
    const r = copy.verify();
    await copy.close();
    expect(r.code, outOf(r)).toBe(1);
    expect(r.stdout).toContain(`event ${seq} (${backdated}`);
    expect(r.stdout).toMatch(new RegExp(`is earlier than event ${seq - 1} \\(${previous.replace(/[.]/g, '\\.')}`));
  });

  it('a clock correction of a few seconds is a note, not a finding; small steps that add up past the tolerance are flagged', async () => {
    const plant = async (steps: Array<{ seq: number; backMs: number }>) => {
      const copy = await plantedCopy(seeded);
      await copy.dropAppendOnlyTriggers();
      for (const { seq, backMs } of steps) {
        const previous = await atOf(copy, seq - 1);
        await copy.sql('UPDATE audit_events SET at_utc = ? WHERE seq = ?', new Date(new Date(previous).getTime() - backMs).toISOString(), seq);
      }
      await rehash(copy, Math.min(...steps.map((x) => x.seq)));
      await copy.restoreAppendOnlyTriggers();
      const r = copy.verify();
      await copy.close();
      // Only the chronology findings count here: the rewrite also breaks the chain heads of later e-signatures.
      return { ...r, backwards: [...r.stdout.matchAll(/event (\d+) \([^)]*\) is earlier than event/g)].map((m) => Number(m[1])) };
    };
    // Two seconds back, once: an NTP correction.
    const small = await plant([{ seq: 300, backMs: 2000 }]);
    expect(small.backwards, small.stdout).toEqual([]);
    expect(small.stdout).toMatch(/Clock: 1 small step back in time between events \(at most 2000 ms/);
    // Event 301 dated 4 s before 300, which was itself dated 4 s before 299: 8 s behind the latest time seen.
    const added = await plant([
      { seq: 300, backMs: 4000 },
      { seq: 301, backMs: 4000 },
    ]);
    expect(added.code, outOf(added)).toBe(1);
    expect(added.backwards, added.stdout).toEqual([301]);
  });

  it('a workstation clock set back: a kit dispensed "before" it was received is flagged by reconciliation and by verify', async () => {
    const c = await demoCore();
    try {
      const pharmacist = await c.loginAs('unblinded_pharmacist');
      const technician = await c.loginAs('pharmacy_technician');
      const investigator = await c.loginAs('investigator');
      const kits = (await c.core.repositories.allocation.kits()).map((k) => k.kitNumber);
      const shipment = await c.core.dispatch(technician, 'shipments.create', { reference: 'CLK-1', from: { kind: 'kits', kitNumbers: kits } });
      expect(shipment.ok).toBe(true);
      const shipmentId = (shipment as { value: { id: number } }).value.id;
      for (const k of kits) await c.core.dispatch(technician, 'shipments.scanKit', { shipmentId, code: k, source: 'scanner' });
      expect((await c.core.dispatch(technician, 'shipments.close', { shipmentId, temperature: 'no_alarm' })).ok).toBe(true);
      const patient = (await c.core.dispatch(investigator, 'patients.register', { screeningNumber: 'S-300', initials: 'CL', yearOfBirth: 1980, investigator: 'Dr X' })) as { ok: true; value: { id: number } };
      const sign = { username: 'investigator', password: c.userOf('investigator').password };
      expect((await c.core.dispatch(investigator, 'patients.randomize', { patientId: patient.value.id, signature: sign })).ok).toBe(true);
      // The clock goes back two hours (a wrong manual setting): the dispensing is dated before the receipt.
      c.clock.travelTo(new Date(c.clock.now().getTime() - 2 * 3_600_000));
      for (const w of [pharmacist, technician, investigator]) c.core.sessions.touch(w);
      const plan = (await c.core.dispatch(pharmacist, 'dispensing.plan', { patientId: patient.value.id, visitCode: 'D1' })) as { ok: true; value: { suggestions: string[]; visit: { code: string } } };
      expect(plan.ok).toBe(true);
      const confirmed = await c.core.dispatch(pharmacist, 'dispensing.confirm', {
        patientId: patient.value.id,
        visitCode: plan.value.visit.code,
        kits: plan.value.suggestions.map((kitNumber) => ({ kitNumber, source: 'scanner' })),
        signature: { username: 'pharmacist', password: c.userOf('unblinded_pharmacist').password },
      });
      expect(confirmed.ok, JSON.stringify(confirmed)).toBe(true);
      const reconciliation = await c.core.reconciliation.compute(null);
      for (const kit of plan.value.suggestions) {
        expect(reconciliation.kits.find((k) => k.kitNumber === kit)!.discrepancies).toContain('dispensed_before_receipt');
      }
      if (!c.database) c.core.db.pragma('wal_checkpoint(TRUNCATE)');
      const r = verifyLive(c);
      expect(r.code, outOf(r)).toBe(1);
      expect(r.stdout).toMatch(/is earlier than event \d+/);
    } finally {
      c.dispose();
    }
  });

  it('a return verified after its kit was destroyed is flagged by reconciliation (table) and named by verify (trail)', async () => {
    const copy = await plantedCopy(seeded);
    const destroyed = (
      await copy.sql<{ kit: string; recorded: string }>(
        'SELECT dk.kit_number AS kit, ds.recorded_at AS recorded FROM destruction_kits dk JOIN destructions ds ON ds.id = dk.destruction_id JOIN kit_returns r ON r.kit_number = dk.kit_number ORDER BY dk.kit_number LIMIT 1',
      )
    )[0]!;
    const kit = destroyed.kit;
    const anHourLater = new Date(new Date(destroyed.recorded).getTime() + 3_600_000).toISOString();
    await copy.sql('UPDATE kit_returns SET verified_at = ? WHERE kit_number = ?', anHourLater, kit);
    // And in the trail: a well-formed "return.verified" event appended after the destruction (the chain holds).
    const head = (await copy.sql<Record<string, string | number | null>>('SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1'))[0]!;
    const event = {
      seq: (head.seq as number) + 1,
      at_utc: new Date(new Date(head.at_utc as string).getTime() + 60_000).toISOString(),
      at_offset: '+00:00',
      user_id: null,
      username: 'monitor',
      action: 'return.verified',
      entity_type: 'kit',
      entity_id: kit,
      before_json: null,
      after_json: canonicalJson({ condition: 'used', unitsReturned: 1 }),
      reason: null,
      source: null,
      signature_id: null,
      prev_hash: head.hash as string,
    };
    const columns = Object.keys(event) as Array<keyof typeof event>;
    await copy.sql(
      `INSERT INTO audit_events (${columns.join(', ')}, hash) VALUES (${columns.map(() => '?').join(', ')}, ?)`,
      ...columns.map((c) => event[c]),
      attackerHash(event),
    );
    const core = await copy.open({ clock: t.clock });
    try {
      expect((await core.reconciliation.compute(null)).kits.find((k) => k.kitNumber === kit)!.discrepancies).toContain('return_verified_after_destruction');
    } finally {
      core.close();
    }
    const r = copy.verify();
    expect(r.code, outOf(r)).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`the return of kit ${kit} is verified \\(event \\d+\\) after the kit was destroyed \\(event \\d+`));
  });

  it('a dispensing dated in the table before the kit was received is flagged by reconciliation', async () => {
    const copy = await plantedCopy(seeded);
    const row = (
      await copy.sql<{ id: number; kit: string; received: string }>(
        'SELECT d.id, dk.kit_number AS kit, sk.scanned_at AS received FROM dispensings d JOIN dispensing_kits dk ON dk.dispensing_id = d.id JOIN shipment_kits sk ON sk.kit_number = dk.kit_number ORDER BY d.id LIMIT 1',
      )
    )[0]!;
    await copy.sql('UPDATE dispensings SET dispensed_at = ? WHERE id = ?', new Date(new Date(row.received).getTime() - 86_400_000).toISOString(), row.id);
    const core = await copy.open({ clock: t.clock });
    try {
      expect((await core.reconciliation.compute(null)).kits.find((k) => k.kitNumber === row.kit)!.discrepancies).toContain('dispensed_before_receipt');
    } finally {
      core.close();
    }
  });
});
