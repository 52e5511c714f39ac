import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoCore, type TestCore } from '../helpers/core';

// Issue 11, item 1, what follows the receipt: the common blinded use-before date moves only when the unblinded
// pharmacist confirms it (e-signed) after seeing which kits' labels change; until then the date last confirmed stays in
// force, and a kit whose date in force is short-dated is held at receipt instead of joining the stock.
let t: TestCore;
let ph: string;
let tech: string;
const sig = () => ({ username: 'pharmacist', password: t.userOf('unblinded_pharmacist').password });

async function call<T = unknown>(window: string, channel: string, input: unknown): Promise<T> {
  const r = await t.core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

type Kit = { kitNumber: string; status: string; useBefore: string };
type Review = {
  expiryReveals: boolean;
  inForce: string[];
  proposed: string | null;
  inForceShortDated: boolean;
  changes: Array<{ kitNumber: string; status: string; from: string; to: string }>;
  toHold: string[];
  held: Array<{ kitNumber: string; armCode: string; expiryDate: string; status: string }>;
};
type ImportResult = { expiryHolds: Array<{ kitNumber: string; arm: string; expiryDate: string }>; useBeforeChanged: Array<{ kitNumber: string }>; risk: { commonUseBefore: string | null } };

const csvOf = (rows: string[][]) => 'kit_number,arm,lot,expiry_date\r\n' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
const listInput = (rows: string[][], signed = true) => ({
  kind: 'kits',
  fileName: 'late_kits.csv',
  contentBase64: Buffer.from(csvOf(rows), 'utf8').toString('base64'),
  ...(signed ? { signature: sig() } : {}),
});

async function receive(window: string, reference: string, kitNumbers: string[]): Promise<void> {
  const s = await call<{ id: number }>(window, 'shipments.create', { reference, from: { kind: 'kits', kitNumbers } });
  for (const k of kitNumbers) await call(window, 'shipments.scanKit', { shipmentId: s.id, code: k, source: 'scanner' });
  await call(window, 'shipments.close', { shipmentId: s.id, temperature: 'no_alarm' });
}

const kitsOf = async (window: string, status?: string) => call<Kit[]>(window, 'inventory.kits', status ? { status } : {});

beforeEach(async () => {
  t = await demoCore();
  ph = await t.loginAs('unblinded_pharmacist', 'ph');
  tech = await t.loginAs('pharmacy_technician', 'tech');
});
afterEach(() => t.dispose());

describe('expired kits at import (issue 11.1)', () => {
  const EXPIRED = [
    ['900001', 'DUPI300', 'DX-OLD', '2026-11-20'],
    ['900002', 'PLACEBO', 'PX-OLD', '2026-11-20'],
    ['900003', 'DUPI300', 'DX-NEW', '2027-09-30'],
  ];

  it('the check and the import name, for the pharmacist only, the kits to be held and their arms', async () => {
    const check = await call<{ expiryHolds: ImportResult['expiryHolds'] }>(ph, 'allocation.checkList', listInput(EXPIRED, false));
    expect(check.expiryHolds).toEqual([
      { kitNumber: '900001', arm: 'DUPI300', expiryDate: '2026-11-20' },
      { kitNumber: '900002', arm: 'PLACEBO', expiryDate: '2026-11-20' },
    ]);
    const result = await call<ImportResult>(ph, 'allocation.importList', listInput(EXPIRED));
    expect(result.expiryHolds.map((h) => h.kitNumber)).toEqual(['900001', '900002']);
    // The demo's earliest dispensable date, not the expired kits' date.
    expect(result.risk.commonUseBefore).toBe('2027-08-31');
    expect(result.useBeforeChanged).toEqual([]);
  });

  it('a kit held for its expiry cannot be released from quarantine; it can be rejected', async () => {
    await call(ph, 'allocation.importList', listInput(EXPIRED));
    await receive(tech, 'SHP-1', ['900001', '900002', '900003']);
    const held = (await kitsOf(tech, 'quarantined')).map((k) => k.kitNumber);
    expect(held).toEqual(['900001', '900002']);
    const release = await t.core.dispatch(ph, 'shipments.decideQuarantine', { kitNumbers: ['900001'], decision: 'release', reason: 'Looks fine', signature: sig() });
    expect(release).toMatchObject({ ok: false, error: { code: 'conflict', message: 'Kit 900001 is expired or short-dated: it cannot be released.' } });
    await call(ph, 'shipments.decideQuarantine', { kitNumbers: ['900001', '900002'], decision: 'reject', reason: 'Expired at receipt', signature: sig() });
    expect((await kitsOf(tech, 'quarantined')).length).toBe(0);
  });

  it('the hold at receipt has one neutral reason in the audit trail, with no date and no arm', async () => {
    await call(ph, 'allocation.importList', listInput(EXPIRED));
    await receive(tech, 'SHP-1', ['900001', '900002', '900003']);
    const rows = await t.core.store
      .q()
      .selectFrom('audit_events')
      .select(['entity_id as kit', 'reason', 'after_json as after'])
      .where('action', '=', 'kit.status_changed')
      .where('entity_id', 'in', ['900001', '900002'])
      .execute();
    expect(rows.map((r) => r.kit).sort()).toEqual(['900001', '900002']);
    expect(new Set(rows.map((r) => `${r.reason}|${r.after}`)).size).toBe(1);
    expect(rows[0]!.after).not.toMatch(/DUPI|PLACEBO|2026-11-20/);
  });
});

describe('the common date moves only when the pharmacist confirms it', () => {
  // The demo's placebo lot PL24C009 expires 2027-08-31, the earliest dispensable date; a week before it, that lot is
  // short-dated and the stock calls for the next date, DP24A117's 2027-09-30.
  const LATE = new Date('2027-08-26T09:00:00.000Z');

  it('review: the date in force, the one the stock calls for, the labels that change and the kits to hold', async () => {
    await receive(tech, 'SHP-ALL', await unshipped());
    await travelTo(LATE);
    const review = await call<Review>(ph, 'allocation.useBeforeReview', {});
    expect(review.expiryReveals).toBe(true);
    expect(review.inForce).toEqual(['2027-08-31']);
    expect(review.inForceShortDated).toBe(true);
    expect(review.proposed).toBe('2027-09-30');
    const placeboEarly = [...t.armOf].filter(([k, arm]) => /^\d{6}$/.test(k) && arm === 'PLACEBO').map(([k]) => k);
    expect(review.toHold.length).toBeGreaterThan(0);
    expect(review.toHold.every((k) => placeboEarly.includes(k))).toBe(true);
    expect(review.held.every((h) => h.expiryDate === '2027-08-31' && h.armCode === 'PLACEBO')).toBe(true);
    expect(review.changes.every((c) => c.from === '2027-08-31' && c.to === '2027-09-30')).toBe(true);

    // Until confirmed, blinded users see the date last confirmed, unchanged.
    expect(new Set((await kitsOf(tech, 'available')).map((k) => k.useBefore))).toEqual(new Set(['2027-08-31']));
  });

  it('confirmation is e-signed, refuses a stale date, quarantines the short-dated kits and re-dates every other', async () => {
    await receive(tech, 'SHP-ALL', await unshipped());
    await travelTo(LATE);
    const review = await call<Review>(ph, 'allocation.useBeforeReview', {});
    // Blinded roles cannot review or confirm.
    expect(await t.core.dispatch(tech, 'allocation.useBeforeReview', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const stale = await t.core.dispatch(ph, 'allocation.confirmUseBefore', { useBefore: '2027-08-31', signature: sig() });
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const unsigned = await t.core.dispatch(ph, 'allocation.confirmUseBefore', { useBefore: '2027-09-30' });
    expect(unsigned.ok).toBe(false);
    const wrongPassword = await t.core.dispatch(ph, 'allocation.confirmUseBefore', { useBefore: '2027-09-30', signature: { username: 'pharmacist', password: 'not the password' } });
    expect(wrongPassword.ok).toBe(false);
    expect(new Set((await kitsOf(tech, 'available')).map((k) => k.useBefore))).toEqual(new Set(['2027-08-31']));

    const done = await call<{ useBefore: string; changes: Review['changes']; held: string[]; signature: { meaning: string } }>(ph, 'allocation.confirmUseBefore', { useBefore: '2027-09-30', signature: sig() });
    expect(done.useBefore).toBe('2027-09-30');
    expect(done.held).toEqual(review.toHold);
    expect(done.changes.map((c) => c.kitNumber)).toEqual(review.changes.map((c) => c.kitNumber));
    expect(done.signature.meaning).toBe('I confirm this use-before date for the blinded labels of the stock');

    const available = await kitsOf(tech, 'available');
    expect(available.length).toBeGreaterThan(0);
    expect(new Set(available.map((k) => k.useBefore))).toEqual(new Set(['2027-09-30']));
    const quarantined = (await kitsOf(tech, 'quarantined')).map((k) => k.kitNumber);
    expect(quarantined).toEqual(expect.arrayContaining(review.toHold));
    const event = await t.core.store
      .q()
      .selectFrom('audit_events')
      .select(['after_json as after', 'signature_id as sig'])
      .where('action', '=', 'kits.use_before_confirmed')
      .executeTakeFirstOrThrow();
    expect(event.sig).toBeGreaterThan(0);
    expect(JSON.parse(event.after!)).toMatchObject({ useBefore: '2027-09-30' });
    expect(event.after).not.toMatch(/DUPI|PLACEBO/);

    // Nothing left to confirm.
    const again = await t.core.dispatch(ph, 'allocation.confirmUseBefore', { useBefore: '2027-09-30', signature: sig() });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('the kits on the shelf whose label changes get an over-label with the confirmed date, those held too; kits still expected get none', async () => {
    const all = await unshipped();
    const stillExpected = all.slice(0, 5);
    await receive(tech, 'SHP-MOST', all.slice(5));
    await travelTo(LATE);
    const review = await call<Review>(ph, 'allocation.useBeforeReview', {});
    const onShelf = review.changes.filter((c) => c.status === 'available' || c.status === 'quarantined').map((c) => c.kitNumber);
    expect(onShelf.length).toBeGreaterThan(0);
    expect(review.changes.some((c) => stillExpected.includes(c.kitNumber))).toBe(true);
    expect(await call<unknown[]>(ph, 'lots.overLabels', {})).toEqual([]);
    await call(ph, 'allocation.confirmUseBefore', { useBefore: '2027-09-30', signature: sig() });
    const list = await call<Array<{ kitNumber: string; useBefore: string; printed: boolean }>>(ph, 'lots.overLabels', {});
    expect(list.map((o) => o.kitNumber).sort()).toEqual([...onShelf].sort());
    expect(list.every((o) => o.useBefore === '2027-09-30' && !o.printed)).toBe(true);
    // The short-dated kits just held keep the common date on an over-label too: which kits were held shows on no label.
    expect(review.toHold.every((k) => list.some((o) => o.kitNumber === k))).toBe(true);
    for (const k of stillExpected) expect(list.some((o) => o.kitNumber === k)).toBe(false);
    const queued = await t.sql<{ after: string }>("SELECT after_json AS after FROM audit_events WHERE action = 'lot.over_labels_queued'");
    expect(queued.length).toBe(1);
    expect(JSON.parse(queued[0]!.after)).toEqual({ useBeforeConfirmed: '2027-09-30', kits: list.map((o) => o.kitNumber) });
  });

  it('a kit list whose import moves the common date queues an over-label for each kit already on the shelf', async () => {
    const all = await unshipped();
    await receive(tech, 'SHP-FEW', all.slice(0, 6));
    // A placebo lot earlier than every demo date: the stock's common date moves back to it at the import.
    const result = await call<ImportResult>(ph, 'allocation.importList', listInput([['900020', 'PLACEBO', 'PX-EARLIER', '2027-05-31']]));
    expect(result.risk.commonUseBefore).toBe('2027-05-31');
    const list = await call<Array<{ kitNumber: string; useBefore: string }>>(ph, 'lots.overLabels', {});
    expect(list.map((o) => o.kitNumber).sort()).toEqual([...all.slice(0, 6)].sort());
    expect(list.every((o) => o.useBefore === '2027-05-31')).toBe(true);
    const queued = await t.sql<{ after: string }>("SELECT after_json AS after FROM audit_events WHERE action = 'lot.over_labels_queued'");
    expect(queued.map((q) => JSON.parse(q.after) as { kitListImport: number }).map((a) => typeof a.kitListImport)).toEqual(['number']);
  });

  it('a kit whose date in force is short-dated is held at receipt, whatever its arm, and released once the new date is confirmed', async () => {
    // Both arms' new kits: the placebo one carries the earliest date, which becomes the common one.
    await call(ph, 'allocation.importList', listInput([
      ['900010', 'PLACEBO', 'PX-EARLY', '2027-01-15'],
      ['900011', 'DUPI300', 'DX-LATE', '2027-09-30'],
    ]));
    expect((await kitsOf(tech)).find((k) => k.kitNumber === '900011')!.useBefore).toBe('2027-01-15');
    await travelTo(new Date('2027-01-12T09:00:00.000Z'));
    await receive(tech, 'SHP-LATE', ['900010', '900011']);
    const statusOf = async (n: string) => (await kitsOf(tech)).find((k) => k.kitNumber === n)!.status;
    expect([await statusOf('900010'), await statusOf('900011')]).toEqual(['quarantined', 'quarantined']);

    // Releasing before the new date is confirmed would put a kit with a short-dated label on the shelf.
    const early = await t.core.dispatch(ph, 'shipments.decideQuarantine', { kitNumbers: ['900011'], decision: 'release', reason: 'Real expiry 2027-09', signature: sig() });
    expect(early).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const review = await call<Review>(ph, 'allocation.useBeforeReview', {});
    expect(review.held.map((h) => h.kitNumber)).toEqual(['900010']);
    await call(ph, 'allocation.confirmUseBefore', { useBefore: review.proposed, signature: sig() });
    await call(ph, 'shipments.decideQuarantine', { kitNumbers: ['900011'], decision: 'release', reason: 'Real expiry 2027-09', signature: sig() });
    expect(await statusOf('900011')).toBe('available');
    const refused = await t.core.dispatch(ph, 'shipments.decideQuarantine', { kitNumbers: ['900010'], decision: 'release', reason: 'Looks fine', signature: sig() });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});

describe('the blinded expiring report (issue 11.1)', () => {
  it('lists available kits by their blinded date, not the kits in quarantine; the unblinded one lists both with real dates', async () => {
    await call(ph, 'allocation.importList', listInput([['900001', 'DUPI300', 'DX-OLD', '2026-11-20']]));
    await receive(tech, 'SHP-1', ['900001', ...(await unshipped()).slice(0, 4)]);
    const csv = async (window: string, channel: string) =>
      Buffer.from((await call<{ base64: string }>(window, channel, { report: 'expiring', format: 'csv', days: 730 })).base64, 'base64').toString('utf8');
    const blinded = await csv(tech, 'reports.render');
    expect(blinded).not.toMatch(/900001/);
    expect(blinded).not.toMatch(/quarantined/);
    expect(blinded).toMatch(/available/);
    const unblinded = await csv(ph, 'reports.renderUnblinded');
    expect(unblinded).toMatch(/900001,.*2026-11-20,quarantined/);
  });
});

/** Months later: the inactivity timer has locked both windows, so each user unlocks with their password. */
async function travelTo(moment: Date): Promise<void> {
  t.clock.travelTo(moment);
  await call(ph, 'session.unlock', { password: t.userOf('unblinded_pharmacist').password });
  await call(tech, 'session.unlock', { password: t.userOf('pharmacy_technician').password });
}

async function unshipped(): Promise<string[]> {
  return (await kitsOf(tech, 'expected')).map((k) => k.kitNumber);
}
