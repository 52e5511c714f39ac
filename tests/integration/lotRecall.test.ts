import Papa from 'papaparse';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * Issue 16, item 2: lot recall. The unblinded pharmacist previews the recall of a real lot (kits to quarantine, patients
 * who received it, a warning when the kits leaving the stock are all of one arm) and recalls it in one signed step.
 * Blinded roles are refused, and what they can read afterwards (kit list, kit story, audit trail) names kit numbers and
 * statuses only: no real lot, no arm.
 */
let t: TestCore;
/** The demo's kit list as the sponsor wrote it: kit number to arm and real lot. */
const sponsor = new Map<string, { arm: string; lot: string }>();
let forbidden: RegExp;

beforeAll(async () => {
  t = await demoCore({ history: true });
  for (const row of Papa.parse<Record<string, string>>(t.demo.lists.kits.trim(), { header: true }).data) sponsor.set(row.kit_number!, { arm: row.arm!, lot: row.lot! });
  const words = new Set<string>(['Placebo', 'PLACEBO', 'Dupilumab']);
  for (const { arm, lot } of sponsor.values()) words.add(arm).add(lot);
  forbidden = new RegExp([...words].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
}, 180_000);
afterAll(() => t.dispose());

/** The rows of a query, on the Store (either engine). */
const rows = async <T>(query: RawBuilder<T>) => (await query.execute(t.core.store.q())).rows;
/** Every kit's status as stored now. */
const statuses = async () => new Map((await t.core.store.q().selectFrom('kits').select(['kit_number', 'status']).execute()).map((r) => [r.kit_number, r.status]));
const kitsOfLot = (lot: string) => [...sponsor].filter(([, v]) => v.lot === lot).map(([k]) => k);
const statusesOf = async (lot: string) => {
  const now = await statuses();
  return Object.fromEntries(kitsOfLot(lot).map((k) => [k, now.get(k)!]));
};
const recalls = async () => (await rows<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events WHERE action = 'lot.recalled'`))[0]!.n;
const sign = (password?: string) => ({ username: t.userOf('unblinded_pharmacist').username, password: password ?? t.userOf('unblinded_pharmacist').password });

async function call<T = unknown>(window: string, channel: string, input: unknown): Promise<T> {
  const r = await t.core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** A real lot with kits on the shelf and kits already given to patients. */
async function lotOnShelfAndGiven(): Promise<string> {
  const given = new Set((await rows<{ k: string }>(sql`SELECT kit_number AS k FROM dispensing_kits`)).map((r) => r.k));
  const now = await statuses();
  const statusOf = (k: string) => now.get(k);
  const lots = [...new Set([...sponsor.values()].map((v) => v.lot))].sort();
  const lot = lots.find((l) => kitsOfLot(l).some((k) => statusOf(k) === 'available') && kitsOfLot(l).some((k) => given.has(k)));
  if (!lot) throw new Error('the demo has no lot both on the shelf and dispensed');
  return lot;
}

interface Preview {
  lot: string;
  toQuarantine: string[];
  toHoldAtReceipt: string[];
  alreadyQuarantined: string[];
  patients: Array<{ screeningNumber: string; visitCode: string; kitNumber: string; dispensedAt: string }>;
  arms: Array<{ code: string; name: string; kits: number }>;
  oneArmWarning: boolean;
}

describe('lot recall', () => {
  let lot: string;
  let preview: Preview;
  let balancedBefore: boolean[];

  it('preview: the kits on the shelf, the patients who received the lot, and the one-arm warning (the demo lots are one arm each)', async () => {
    lot = await lotOnShelfAndGiven();
    const ph = await t.loginAs('unblinded_pharmacist', 'rc-ph');
    preview = await call<Preview>(ph, 'lots.recallPreview', { lot: ` ${lot} ` });
    const now = await statuses();
    const available = kitsOfLot(lot).filter((k) => now.get(k) === 'available').sort();
    expect(preview.lot).toBe(lot);
    expect([...preview.toQuarantine].sort()).toEqual(available);
    expect(preview.toHoldAtReceipt.sort()).toEqual(kitsOfLot(lot).filter((k) => now.get(k) === 'expected').sort());
    const given = (
      await rows<{ k: string; s: string; v: string }>(
        sql`SELECT dk.kit_number AS k, p.screening_number AS s, d.visit_code AS v FROM dispensing_kits dk JOIN dispensings d ON d.id = dk.dispensing_id JOIN patients p ON p.id = d.patient_id`,
      )
    ).filter((r) => sponsor.get(r.k)?.lot === lot);
    expect(given.length).toBeGreaterThan(0);
    expect(preview.patients.map((p) => `${p.screeningNumber}/${p.visitCode}/${p.kitNumber}`).sort()).toEqual(given.map((g) => `${g.s}/${g.v}/${g.k}`).sort());
    const arm = sponsor.get(kitsOfLot(lot)[0]!)!.arm;
    expect(preview.arms).toEqual([expect.objectContaining({ code: arm, kits: kitsOfLot(lot).length })]);
    expect(preview.oneArmWarning).toBe(true);
    const reconciliation = await call<{ reconciliation: { lots: Array<{ balanced: boolean }> } }>(ph, 'reconciliation.view', {});
    balancedBefore = reconciliation.reconciliation.lots.map((l) => l.balanced);
  });

  it('an unknown lot: refused by key, nothing changed', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'rc-unknown');
    const before = await statusesOf(lot);
    for (const [channel, input] of [
      ['lots.recallPreview', { lot: 'NO-SUCH-LOT' }],
      ['lots.recall', { lot: 'NO-SUCH-LOT', letterReference: 'L-1', reason: 'Sponsor recall', signature: sign() }],
    ] as const) {
      const r = await t.core.dispatch(ph, channel, input);
      expect(r).toMatchObject({ ok: false, error: { code: 'not_found', key: 'lots.unknownLot', params: { lot: 'NO-SUCH-LOT' } } });
    }
    expect(await statusesOf(lot)).toEqual(before);
    expect(await recalls()).toBe(0);
  });

  it('refused for every blinded role and with a wrong password, nothing changed', async () => {
    const before = await statusesOf(lot);
    const input = { lot, letterReference: 'SPN-RCL-1', reason: 'Sponsor recall: particles', signature: sign() };
    for (const role of ['investigator', 'monitor', 'study_nurse', 'administrator', 'pharmacy_technician'] as const) {
      const w = await t.loginAs(role, `rc-${role}`);
      for (const channel of ['lots.recallPreview', 'lots.recall']) {
        const r = await t.core.dispatch(w, channel, { ...input, signature: { username: t.userOf(role).username, password: t.userOf(role).password } });
        expect(r, `${role} ${channel}`).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        expect(JSON.stringify(r)).not.toMatch(forbidden);
      }
    }
    const ph = await t.loginAs('unblinded_pharmacist', 'rc-wrong');
    expect(await t.core.dispatch(ph, 'lots.recall', { ...input, signature: sign('not my password') })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await t.core.dispatch(ph, 'lots.recall', { ...input, reason: '' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await statusesOf(lot)).toEqual(before);
    expect(await recalls()).toBe(0);
  });

  it('recall: every kit on the shelf quarantined in one signed step with the reason; the kits given stay as they were', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'rc-do');
    const before = await statusesOf(lot);
    const done = await call<{ quarantined: string[]; heldAtReceipt: string[]; signature: { meaning: string } }>(ph, 'lots.recall', {
      lot,
      letterReference: 'SPN-RCL-2026-014',
      reason: 'Sponsor recall: particles found in retained samples',
      signature: sign(),
    });
    expect(done.quarantined).toEqual(preview.toQuarantine);
    expect(done.signature.meaning).toBe('I recall this lot and place its kits at the site in quarantine');
    const after = await statusesOf(lot);
    for (const k of kitsOfLot(lot)) expect(after[k], k).toBe(before[k] === 'available' ? 'quarantined' : before[k]);
    for (const k of done.quarantined) {
      const e = (await rows<{ reason: string; signature_id: number | null; after_json: string }>(sql`SELECT * FROM audit_events WHERE entity_type = 'kit' AND entity_id = ${k} ORDER BY seq DESC LIMIT 1`))[0]!;
      expect(e.reason).toBe('Sponsor recall: particles found in retained samples');
      expect(e.signature_id).not.toBeNull();
      expect(JSON.parse(e.after_json)).toMatchObject({ status: 'quarantined', recall: 'SPN-RCL-2026-014' });
    }
    expect(await recalls()).toBe(1);
    // Nothing left to recall: a second recall of the same lot is refused by key.
    expect(await t.core.dispatch(ph, 'lots.recall', { lot, letterReference: 'SPN-RCL-2026-014', reason: 'Again', signature: sign() })).toMatchObject({
      ok: false,
      error: { code: 'conflict', key: 'lots.nothingToRecall' },
    });
    // Reconciliation still balances as before: quarantined kits are still at the site.
    const reconciliation = await call<{ reconciliation: { lots: Array<{ balanced: boolean }> } }>(ph, 'reconciliation.view', {});
    expect(reconciliation.reconciliation.lots.map((l) => l.balanced)).toEqual(balancedBefore);
  });

  it('blinded users see kit numbers and statuses only: the kit list, the kit story and the audit trail name no lot and no arm', async () => {
    const kit = preview.toQuarantine[0]!;
    for (const role of ['monitor', 'investigator', 'pharmacy_technician', 'study_nurse', 'administrator'] as const) {
      const w = await t.loginAs(role, `rc-view-${role}`);
      const answers: unknown[] = [];
      for (const [channel, input] of [
        ['inventory.kits', { status: 'quarantined' }],
        ['kitStory.view', { code: kit }],
        ['audit.list', { order: 'newest', pageSize: 500 }],
        ['audit.list', { entityType: 'kit', pageSize: 500 }],
      ] as const) {
        const r = await t.core.dispatch(w, channel, input);
        if (r.ok) answers.push(r.value);
      }
      const text = JSON.stringify(answers);
      expect(text, role).not.toMatch(forbidden);
      if (role === 'monitor') {
        expect(text).toContain(kit);
        expect(text).toContain('Sponsor recall: particles found in retained samples');
      }
    }
  });
});
