import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChannelOutput } from '../../shared/contract';
import { ROLES, type Role } from '../../shared/roles';
import { addDays } from '../../shared/schedule/visitSchedule';
import { StockReadModel } from '../../main/core/stock/stockReadModel';
import { PatientRepository } from '../../main/core/patients/patientRepository';
import { demoCore, type TestCore } from '../helpers/core';
import { NEW_UNBLINDED_USER, buildExampleWorld } from '../helpers/exampleWorld';

/**
 * The Today home (issue 14, item 3). Each role gets the items of the screens it may open, in one fixed order, and
 * nothing else; each count is the one the screen it links to shows, worked out here from those screens' own channels
 * (patients, shipments, inventory, reconciliation, stock), or from the sponsor's kit list for the unblinded expiry
 * item; a blinded caller, and an unblinded one whose session holds no key, never get the two unblinded items.
 */
type Today = ChannelOutput<'today.view'>;
type Item = Today['studies'][number]['items'][number];

let t: TestCore;
beforeAll(async () => {
  t = await demoCore({ history: true });
  // Open shipments, a quarantined kit, a user unblinded by role who holds no key yet (ulla.second).
  await buildExampleWorld(t);
}, 240_000);
afterAll(() => t?.dispose());

async function call<T>(window: string, channel: string, input: unknown = {}): Promise<T> {
  const r = await t.core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}
const todayOf = async (window: string) => {
  const view = await call<Today>(window, 'today.view');
  expect(view.studies).toHaveLength(1);
  return view;
};
const itemsOf = async (window: string) => (await todayOf(window)).studies[0]!.items;
const item = <K extends Item['kind']>(items: Item[], kind: K) => items.find((i): i is Extract<Item, { kind: K }> => i.kind === kind);

/** What each role's home lists, in this order: written out here, not read from the service's table. */
const EXPECTED: Record<Role, Item['kind'][]> = {
  unblinded_pharmacist: ['visits_in_window', 'visits_overdue', 'shipments_to_receive', 'kits_quarantined', 'kits_reaching_margin', 'returns_to_record', 'reconciliation_sign_off', 'stock_arms_short'],
  pharmacy_technician: ['shipments_to_receive', 'kits_quarantined', 'kits_reaching_use_before', 'returns_to_record', 'stock_totals'],
  investigator: ['visits_in_window', 'visits_overdue'],
  monitor: ['visits_in_window', 'visits_overdue', 'kits_quarantined', 'kits_reaching_use_before', 'returns_to_verify', 'reconciliation_sign_off', 'stock_totals'],
  unblinded_monitor: ['visits_in_window', 'visits_overdue', 'kits_quarantined', 'kits_reaching_margin', 'returns_to_verify', 'reconciliation_sign_off', 'stock_arms_short'],
  administrator: [],
  study_nurse: ['visits_in_window', 'visits_overdue'],
};
const UNBLINDED_KINDS = ['kits_reaching_margin', 'stock_arms_short'];
const ARM_WORDS = /DUPI300|PLACEBO|placebo|dupilumab 300|DP24A117|DP25B042|PL24C009|PL25D021/i;

describe('the Today home', () => {
  it("lists for each role the items of the screens it may open, in the day's order, and no arm", async () => {
    for (const role of ROLES) {
      const items = await itemsOf(await t.loginAs(role, `today-${role}`));
      expect(
        items.map((i) => i.kind),
        role,
      ).toEqual(EXPECTED[role]);
      expect(JSON.stringify(items), role).not.toMatch(ARM_WORDS);
    }
  });

  it('gives a user unblinded by role whose session holds no key the blinded items, never the unblinded ones', async () => {
    const window = 'today-ulla';
    await call(window, 'session.login', { username: NEW_UNBLINDED_USER.username, password: NEW_UNBLINDED_USER.password });
    const kinds = (await itemsOf(window)).map((i) => i.kind);
    expect(kinds).toEqual(['visits_in_window', 'visits_overdue', 'kits_quarantined', 'kits_reaching_use_before', 'returns_to_verify', 'reconciliation_sign_off', 'stock_totals']);
    for (const kind of UNBLINDED_KINDS) expect(kinds).not.toContain(kind);
  });

  it("counts the visits in their window today and overdue as the patients' schedules show them (the demo has one of each)", async () => {
    const counted = async (window: string) => {
      const { today } = await todayOf(window);
      const patients = await call<ChannelOutput<'patients.list'>>(window, 'patients.list');
      const next = patients.filter((p) => p.status === 'randomized').map((p) => ({ p, visit: p.visits.find((v) => v.dispensedAt === null) }));
      const inWindow = next.filter(({ visit }) => visit && visit.opens <= today && today <= visit.closes).map(({ p }) => p.screeningNumber);
      const overdue = next.filter(({ visit }) => visit && visit.closes < today).map(({ p }) => p.screeningNumber);
      const items = await itemsOf(window);
      expect(item(items, 'visits_in_window')!.count, today).toBe(inWindow.length);
      expect(item(items, 'visits_overdue')!.count, today).toBe(overdue.length);
      return { inWindow, overdue };
    };
    const now = await counted(await t.loginAs('study_nurse', 'today-visits'));
    expect(now.inWindow).toContain('S-003');
    expect(now.overdue).toContain('S-005');
    // Four days on, S-003 is past the day its visit was due but still in the window: not overdue yet.
    t.clock.travelTo(new Date(t.clock.now().getTime() + 4 * 86_400_000));
    try {
      const later = await counted(await t.loginAs('study_nurse', 'today-visits-later'));
      expect(later.inWindow).toContain('S-003');
    } finally {
      t.clock.backToPresent();
    }
  });

  it('counts the shipments to receive and the kits in quarantine as Receive and the inventory show them, and follows a new shipment', async () => {
    const tech = await t.loginAs('pharmacy_technician', 'today-receipt');
    const open = async () => (await call<ChannelOutput<'shipments.list'>>(tech, 'shipments.list')).filter((s) => s.closedAt === null).length;
    const before = await open();
    expect(before).toBeGreaterThan(0);
    let items = await itemsOf(tech);
    expect(item(items, 'shipments_to_receive')!.count).toBe(before);
    const summary = await call<ChannelOutput<'inventory.summary'>>(tech, 'inventory.summary');
    expect(summary.byStatus.quarantined).toBeGreaterThan(0);
    expect(item(items, 'kits_quarantined')!.count).toBe(summary.byStatus.quarantined);

    const unshipped = (await call<ChannelOutput<'inventory.kits'>>(tech, 'inventory.kits', { status: 'expected' })).map((k) => k.kitNumber);
    const shipped = new Set((await call<ChannelOutput<'shipments.list'>>(tech, 'shipments.list')).flatMap((s) => s.kits.map((k) => k.kitNumber)));
    const free = unshipped.filter((k) => !shipped.has(k));
    expect(free.length).toBeGreaterThan(0);
    await call(tech, 'shipments.create', { reference: 'TODAY-1', from: { kind: 'kits', kitNumbers: free } });
    items = await itemsOf(tech);
    expect(item(items, 'shipments_to_receive')!.count).toBe(before + 1);
  });

  it('counts the kits due back and the returns to verify as the reconciliation shows them', async () => {
    const monitor = await t.loginAs('monitor', 'today-returns');
    const rec = (await call<ChannelOutput<'reconciliation.view'>>(monitor, 'reconciliation.view')).reconciliation;
    // Every kit's line: the demo's kits fit on one page of the largest size.
    const lines = await call<ChannelOutput<'reconciliation.kits'>>(monitor, 'reconciliation.kits', { pageSize: 200 });
    expect(lines.kits.length).toBe(rec.kitCount);
    const withPatient = lines.kits.filter((k) => k.whereabouts === 'with_patient' && k.returnCondition === null);
    // Due back: overdue by the reconciliation's own date, or the patient has come to a visit of the schedule since.
    const scheduled = new Set(t.core.study().visits.map((v) => v.code));
    const dueBack = withPatient.filter(
      (k) => k.discrepancies.includes('return_overdue') || lines.kits.some((o) => o.patient === k.patient && o.visit !== null && scheduled.has(o.visit) && o.dispensedAt !== null && o.dispensedAt > k.dispensedAt!),
    );
    expect(dueBack.length).toBeGreaterThan(0);
    const tech = await t.loginAs('pharmacy_technician', 'today-returns-tech');
    expect(item(await itemsOf(tech), 'returns_to_record')!.count).toBe(dueBack.length);
    expect(item(await itemsOf(monitor), 'returns_to_verify')!.count).toBe(rec.unverifiedReturns);

    // S-003 comes for the visit in its window without bringing the kits of the last one: those are now due back too.
    const ph = await t.loginAs('unblinded_pharmacist', 'today-returns-ph');
    const patients = await call<ChannelOutput<'patients.list'>>(ph, 'patients.list');
    const s003 = patients.find((p) => p.screeningNumber === 'S-003')!;
    const visit = s003.visits.find((v) => v.dispensedAt === null)!;
    const keptAtHome = withPatient.filter((k) => k.patient === 'S-003' && !dueBack.includes(k));
    expect(keptAtHome.length).toBeGreaterThan(0);
    const plan = await call<{ suggestions: string[] }>(ph, 'dispensing.plan', { patientId: s003.id, visitCode: visit.code });
    await call(ph, 'dispensing.confirm', {
      patientId: s003.id,
      visitCode: visit.code,
      kits: plan.suggestions.map((kitNumber) => ({ kitNumber, source: 'scanner' })),
      signature: { username: t.userOf('unblinded_pharmacist').username, password: t.userOf('unblinded_pharmacist').password },
    });
    const afterVisit = dueBack.length + keptAtHome.length;
    expect(item(await itemsOf(tech), 'returns_to_record')!.count).toBe(afterVisit);

    // An unscheduled dispensing between visits (an extra dose) calls back none of the kits the patient holds.
    const holder = withPatient.find((k) => !dueBack.includes(k) && k.patient !== 'S-003')!;
    const patientId = patients.find((p) => p.screeningNumber === holder.patient)!.id;
    const request = { patientId, kind: 'unscheduled', count: 1 };
    const extra = await call<{ suggestions: string[] }>(ph, 'extraDispensing.plan', { request });
    await call(ph, 'extraDispensing.confirm', {
      request,
      kits: [{ kitNumber: extra.suggestions[0]!, source: 'scanner' }],
      reason: 'Extra dose ordered between visits (Today test)',
      signature: { username: t.userOf('unblinded_pharmacist').username, password: t.userOf('unblinded_pharmacist').password },
    });
    expect(item(await itemsOf(tech), 'returns_to_record')!.count).toBe(afterVisit);
  });

  it('gives stock totals to blinded readers and the number of arms short to the unblinded, as the forecast does', async () => {
    const tech = await t.loginAs('pharmacy_technician', 'today-stock-tech');
    const blinded = await call<ChannelOutput<'stock.forecast'>>(tech, 'stock.forecast', { weeks: 4 });
    expect(item(await itemsOf(tech), 'stock_totals')).toEqual({ kind: 'stock_totals', onHand: blinded.onHand, needed: blinded.needed });
    const ph = await t.loginAs('unblinded_pharmacist', 'today-stock-ph');
    const unblinded = await call<ChannelOutput<'stock.forecastUnblinded'>>(ph, 'stock.forecastUnblinded', { weeks: 4 });
    expect(item(await itemsOf(ph), 'stock_arms_short')!.count).toBe(unblinded.arms.filter((a) => a.shortfall > 0).length);
  });

  it('reads the patients in treatment once per home, for the visits line and the forecast together', async () => {
    // Every way the core reads them: the forecast's (with the slots' sealed arms), the due list's, and their visits.
    const reads = [
      vi.spyOn(StockReadModel.prototype, 'patientsWithVisitsToDispense'),
      vi.spyOn(PatientRepository.prototype, 'withVisitsToDispense'),
      vi.spyOn(PatientRepository.prototype, 'dispensedVisits'),
    ];
    try {
      for (const role of ['unblinded_pharmacist', 'monitor', 'pharmacy_technician', 'investigator'] as const) {
        const window = await t.loginAs(role, `today-once-${role}`);
        for (const spy of reads) spy.mockClear();
        await itemsOf(window);
        expect(reads.map((spy) => spy.mock.calls.length), role).toEqual([1, 0, 1]);
      }
    } finally {
      for (const spy of reads) spy.mockRestore();
    }
  });

  it('says the reconciliation waits for a sign-off until the monitor signs, and again once a kit changes', async () => {
    const monitor = await t.loginAs('monitor', 'today-sign');
    const view = await call<ChannelOutput<'reconciliation.view'>>(monitor, 'reconciliation.view');
    // The demo's sign-off was voided by the visits after it.
    expect(item(await itemsOf(monitor), 'reconciliation_sign_off')).toEqual({ kind: 'reconciliation_sign_off', signedBefore: true, changedKits: view.sinceLastSignOff!.kits.length });
    for (const kitNumber of view.openDiscrepancies) await call(monitor, 'reconciliation.comment', { kitNumber, comment: 'Checked (Today test)' });
    await call(monitor, 'reconciliation.signOff', { signature: { username: t.userOf('monitor').username, password: t.userOf('monitor').password } });
    expect(item(await itemsOf(monitor), 'reconciliation_sign_off')).toBeUndefined();
    const ph = await t.loginAs('unblinded_pharmacist', 'today-sign-ph');
    expect(item(await itemsOf(ph), 'reconciliation_sign_off')).toBeUndefined();

    const tech = await t.loginAs('pharmacy_technician', 'today-sign-tech');
    const lines = await call<ChannelOutput<'reconciliation.kits'>>(monitor, 'reconciliation.kits', { pageSize: 200 });
    const kit = lines.kits.find((k) => k.whereabouts === 'with_patient' && k.returnCondition === null)!;
    await call(tech, 'returns.record', { code: kit.kitNumber, condition: 'used', unitsReturned: 1, source: 'scanner' });
    expect(item(await itemsOf(monitor), 'reconciliation_sign_off')).toEqual({ kind: 'reconciliation_sign_off', signedBefore: true, changedKits: 1 });
  });

  it("counts the kits reaching their date: the label's use-before date for blinded readers, the real expiry within the margin for the pharmacist", async () => {
    // Travelled to where the horizon's last day (today + 30) is 2 days inside the earliest lot's do-not-dispense margin,
    // so that the margin decides (from the sponsor's kit list: the test's own truth).
    const list = Papa.parse<Record<string, string>>(t.demo.lists.kits.trim(), { header: true }).data;
    const isoOf = (d: string) => (d.includes('/') ? d.split('/').reverse().join('-') : d);
    const expiryOf = new Map(list.map((k) => [k.kit_number!, isoOf(k.expiry_date!)]));
    const earliest = [...expiryOf.values()].sort()[0]!;
    const margin = t.core.study().doNotDispenseMarginDays;
    t.clock.travelTo(new Date(`${addDays(earliest, -margin - 28)}T09:00:00Z`));
    try {
      const ph = await t.loginAs('unblinded_pharmacist', 'today-dates-ph');
      const tech = await t.loginAs('pharmacy_technician', 'today-dates-tech');
      const { today } = await todayOf(ph);
      const until = addDays(today, 30);
      const available = await call<ChannelOutput<'inventory.kits'>>(tech, 'inventory.kits', { status: 'available' });
      // The pharmacist: kits whose real expiry falls within the margin of `until`, from the sponsor's list.
      const reaching = available.filter((k) => expiryOf.has(k.kitNumber) && expiryOf.get(k.kitNumber)! <= addDays(until, margin));
      expect(reaching.length).toBeGreaterThan(0);
      expect(reaching.length).toBeLessThan(available.length);
      expect(item(await itemsOf(ph), 'kits_reaching_margin')).toEqual({ kind: 'kits_reaching_margin', count: reaching.length, until, marginDays: margin });
      // The technician: the label's date, as the inventory shows it.
      const labelled = available.filter((k) => k.useBefore <= until);
      expect(item(await itemsOf(tech), 'kits_reaching_use_before')).toEqual({ kind: 'kits_reaching_use_before', count: labelled.length, until });
    } finally {
      t.clock.backToPresent();
    }
  });
});
