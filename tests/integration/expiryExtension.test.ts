import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, sealedField } from '../../main/core/crypto/allocationCipher';
import { FakeClock, demoCore, openCopy, type TestCore } from '../helpers/core';

/**
 * Issue 16, item 2: expiry extension from the sponsor's letter. The lot's kits take the new sealed expiry, the opened
 * stock index (UnsealedStock) sees it at once, and the blinded use-before date follows the blinding-risk rules: the
 * demo's lots are one arm each with different dates, so the common date stays on the blinded labels and no blinded
 * answer shows the new date, the lot or an arm.
 */
let t: TestCore;
const sponsor = new Map<string, { arm: string; lot: string; expiry: string }>();
let forbidden: RegExp;
const NEW_EXPIRY = '2029-01-31';

beforeAll(async () => {
  t = await demoCore({ history: true });
  for (const row of Papa.parse<Record<string, string>>(t.demo.lists.kits.trim(), { header: true }).data) sponsor.set(row.kit_number!, { arm: row.arm!, lot: row.lot!, expiry: row.expiry_date! });
  const words = new Set<string>(['Placebo', 'PLACEBO', 'Dupilumab', NEW_EXPIRY]);
  for (const { arm, lot } of sponsor.values()) words.add(arm).add(lot);
  forbidden = new RegExp([...words].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
}, 180_000);
afterAll(() => t.dispose());

const row = async <T>(sql: string, ...params: unknown[]) => (await t.sql<T>(sql, ...params))[0]!;
const kitsOfLot = (lot: string) => [...sponsor].filter(([, v]) => v.lot === lot).map(([k]) => k);
const useBeforeOf = async (kit: string) => (await row<{ d: string }>('SELECT use_before AS d FROM kits WHERE kit_number = ?', kit)).d;
const sign = (password?: string) => ({ username: t.userOf('unblinded_pharmacist').username, password: password ?? t.userOf('unblinded_pharmacist').password });
const extensions = async () => (await row<{ n: number }>("SELECT count(*) AS n FROM audit_events WHERE action = 'lot.expiry_extended'")).n;
const realExpiryOf = async (key: Buffer, kit: string) => open(key, (await row<{ s: string }>('SELECT expiry_sealed AS s FROM kits WHERE kit_number = ?', kit)).s, sealedField.kitExpiry(kit));

async function lotOnShelf(): Promise<string> {
  const lots = [...new Set([...sponsor.values()].map((v) => v.lot))].sort();
  const available = new Set((await t.sql<{ k: string }>("SELECT kit_number AS k FROM kits WHERE status = 'available'")).map((r) => r.k));
  return lots.find((l) => kitsOfLot(l).some((k) => available.has(k)))!;
}

describe('expiry extension', () => {
  it('dispensing: a kit of a lot past its real expiry is refused; after the extension (and the common date moved) it is dispensable', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'ext-disp');
    const plan = (await t.core.dispatch(ph, 'dispensing.plan', { patientId: 6, visitCode: 'W2' })) as { ok: true; value: { suggestions: string[] } };
    const kit = plan.value.suggestions[0]!;
    // Long after every real expiry, with no sweep: dispensing checks the real expiry itself.
    const core = await openCopy(t, { clock: new FakeClock(new Date('2028-04-02T09:00:00.000Z')) });
    try {
      const u = t.userOf('unblinded_pharmacist');
      expect((await core.dispatch('w', 'session.login', { username: u.username, password: u.password })).ok).toBe(true);
      const check = () => core.dispatch('w', 'dispensing.checkKit', { patientId: 6, visitCode: 'W2', code: kit, alreadyScanned: [], source: 'scanner' });
      expect(await check()).toMatchObject({ ok: true, value: { ok: false, reason: 'expiring' } });
      const extended = await core.dispatch('w', 'lots.extendExpiry', { lot: sponsor.get(kit)!.lot, newExpiry: NEW_EXPIRY, letterReference: 'SPN-EXT-9', signature: sign() });
      expect(extended.ok).toBe(true);
      const review = (await core.dispatch('w', 'allocation.useBeforeReview', {})) as { ok: true; value: { proposed: string | null } };
      if (review.value.proposed !== null) {
        const confirmed = await core.dispatch('w', 'allocation.confirmUseBefore', { useBefore: review.value.proposed, signature: sign() });
        expect(confirmed.ok, JSON.stringify(confirmed)).toBe(true);
      }
      expect(await check()).toMatchObject({ ok: true, value: { ok: true } });
    } finally {
      core.close();
    }
  });

  it('refused for blinded roles, with a wrong password, for an unknown lot and for a date not later; nothing changed', async () => {
    const lot = await lotOnShelf();
    const kit = kitsOfLot(lot)[0]!;
    const sealedBefore = (await row<{ s: string }>('SELECT expiry_sealed AS s FROM kits WHERE kit_number = ?', kit)).s;
    const input = { lot, newExpiry: NEW_EXPIRY, letterReference: 'SPN-EXT-1' };
    for (const role of ['investigator', 'monitor', 'study_nurse', 'administrator', 'pharmacy_technician'] as const) {
      const w = await t.loginAs(role, `ext-${role}`);
      const r = await t.core.dispatch(w, 'lots.extendExpiry', { ...input, signature: { username: t.userOf(role).username, password: t.userOf(role).password } });
      expect(r, role).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(JSON.stringify(r)).not.toMatch(forbidden);
    }
    const ph = await t.loginAs('unblinded_pharmacist', 'ext-refuse');
    expect(await t.core.dispatch(ph, 'lots.extendExpiry', { ...input, signature: sign('not my password') })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await t.core.dispatch(ph, 'lots.extendExpiry', { ...input, lot: 'NO-SUCH-LOT', signature: sign() })).toMatchObject({
      ok: false,
      error: { code: 'not_found', key: 'lots.unknownLot', params: { lot: 'NO-SUCH-LOT' } },
    });
    expect(await t.core.dispatch(ph, 'lots.extendExpiry', { ...input, newExpiry: sponsor.get(kit)!.expiry, signature: sign() })).toMatchObject({
      ok: false,
      error: { code: 'conflict', key: 'lots.extensionNotLater' },
    });
    expect((await row<{ s: string }>('SELECT expiry_sealed AS s FROM kits WHERE kit_number = ?', kit)).s).toBe(sealedBefore);
    expect(await extensions()).toBe(0);
  });

  it("extends the lot's sealed expiry; the opened stock sees the new date; the blinded date stays the common one", async () => {
    const lot = await lotOnShelf();
    const kits = kitsOfLot(lot);
    const arm = sponsor.get(kits[0]!)!.arm;
    const ph = await t.loginAs('unblinded_pharmacist', 'ext-do');
    const key = t.core.custody.keyOf(ph)!;
    // The index is built before the extension, with the sponsor's date.
    const before = await t.core.unsealedStock.ofContent(key, null, arm);
    expect(before.expiries).toContain(sponsor.get(kits[0]!)!.expiry);
    expect(before.expiries).not.toContain(NEW_EXPIRY);
    const useBefore = Object.fromEntries(await Promise.all(kits.map(async (k) => [k, await useBeforeOf(k)])));
    const done = await t.core.dispatch(ph, 'lots.extendExpiry', { lot, newExpiry: NEW_EXPIRY, letterReference: 'SPN-EXT-2026-007', signature: sign() });
    expect(done).toMatchObject({ ok: true, value: { kits: [...kits].sort(), expiryReveals: true, useBeforeChanged: [] } });
    for (const k of kits) expect(await realExpiryOf(key, k)).toBe(NEW_EXPIRY);
    // The same session's index: rebuilt because the sealed version moved, not because of a new import.
    const after = await t.core.unsealedStock.ofContent(key, null, arm);
    expect(after.expiries).toContain(NEW_EXPIRY);
    expect(after.expiries).not.toContain(sponsor.get(kits[0]!)!.expiry);
    // The dates reveal arms (one arm per lot, each its own date): the blinded labels keep the common date.
    for (const k of kits) expect(await useBeforeOf(k)).toBe(useBefore[k]);
    expect(await extensions()).toBe(1);
    for (const role of ['monitor', 'investigator', 'pharmacy_technician'] as const) {
      const w = await t.loginAs(role, `ext-view-${role}`);
      const answers: unknown[] = [];
      for (const [channel, input] of [
        ['inventory.kits', {}],
        ['kitStory.view', { code: kits[0] }],
        ['audit.list', { order: 'newest', pageSize: 500 }],
      ] as const) {
        const r = await t.core.dispatch(w, channel, input);
        if (r.ok) answers.push(r.value);
      }
      const text = JSON.stringify(answers);
      expect(text, role).not.toMatch(forbidden);
      if (role === 'monitor') expect(text).toContain('SPN-EXT-2026-007');
    }
  });

  it("a blinded reader of the trail cannot tell which kits share the lot: the extension's event names only the kits whose blinded date moved (none here)", async () => {
    // A lot of one arm: its kits already given to patients would put those patients in one arm if the event named them.
    const lot = await lotOnShelf();
    const given = new Set((await t.sql<{ k: string }>("SELECT kit_number AS k FROM kits WHERE status NOT IN ('available', 'expected', 'quarantined')")).map((r) => r.k));
    const lotGiven = kitsOfLot(lot).filter((k) => given.has(k));
    expect(lotGiven.length).toBeGreaterThan(0);
    expect(await extensions()).toBeGreaterThan(0);
    const w = await t.loginAs('monitor', 'ext-group');
    const r = (await t.core.dispatch(w, 'audit.list', { order: 'newest', page: 1, pageSize: 500, action: 'lot.expiry_extended' })) as { ok: true; value: { events: unknown[] } };
    expect(r.ok).toBe(true);
    expect(r.value.events.length).toBeGreaterThan(0);
    const text = JSON.stringify(r.value.events);
    for (const kit of kitsOfLot(lot)) expect(text, kit).not.toContain(`"${kit}"`);
  });
});
