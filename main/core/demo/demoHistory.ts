import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import type { TravellingClock } from '../clock';
import type { VeilCore } from '../veilCore';
import type { DemoUser } from './demoSeed';

/**
 * The demo study's history, lived through the real channels with the clock sent back in time: two shipments (the
 * second under a temperature alarm, released and partly rejected), and patients at every stage, from registered only
 * to all visits done, one withdrawn. Every screen and report then has real data to show.
 */
interface DemoPatient {
  screeningNumber: string;
  initials: string;
  yearOfBirth: number;
  /** Days after the start of the history when the patient is randomized; null: registered only. */
  randomizedOnDay: number | null;
  visitsDone: number;
  /** Visit index dispensed late, with a reason. */
  lateVisit?: number;
  withdrawnAfterVisits?: boolean;
}

export const DEMO_HISTORY_DAYS = 130;
const HISTORY_DAYS = DEMO_HISTORY_DAYS;
// Randomization days are chosen so each patient has had exactly the visits due by today (visit offsets 0, 14, ... 98).
const PATIENTS: DemoPatient[] = [
  { screeningNumber: 'S-001', initials: 'MLB', yearOfBirth: 1987, randomizedOnDay: 2, visitsDone: 8 },
  { screeningNumber: 'S-002', initials: 'JPR', yearOfBirth: 1975, randomizedOnDay: 68, visitsDone: 5 },
  { screeningNumber: 'S-003', initials: 'AK', yearOfBirth: 1993, randomizedOnDay: 80, visitsDone: 4, lateVisit: 2 },
  { screeningNumber: 'S-004', initials: 'CDM', yearOfBirth: 1968, randomizedOnDay: 44, visitsDone: 3, withdrawnAfterVisits: true },
  { screeningNumber: 'S-005', initials: 'EV', yearOfBirth: 2001, randomizedOnDay: 110, visitsDone: 2 },
  { screeningNumber: 'S-006', initials: 'NTH', yearOfBirth: 1981, randomizedOnDay: 124, visitsDone: 1 },
  { screeningNumber: 'S-007', initials: 'RG', yearOfBirth: 1959, randomizedOnDay: null, visitsDone: 0 },
];

export async function liveDemoHistory(core: VeilCore, clock: TravellingClock, users: DemoUser[], present: Date): Promise<void> {
  const start = new Date(present.getTime() - HISTORY_DAYS * 86_400_000);
  const at = (day: number, hour = 10) => {
    const d = new Date(start.getTime() + day * 86_400_000);
    d.setHours(hour, 0, 0, 0);
    return d;
  };
  const userOf = (role: DemoUser['role']) => users.find((u) => u.role === role)!;
  const windows = new Map<DemoUser['role'], string>();
  /**
   * One session per role for the whole history. Days pass between steps; the session is marked active again after
   * each jump, as if its user had just sat down (the inactivity lock is about real people, not the demo's replay).
   */
  const as = async (role: DemoUser['role'], when: Date, steps: (call: (channel: string, input: Record<string, unknown>) => Promise<unknown>, sign: Record<string, string>) => Promise<void>) => {
    clock.travelTo(when);
    for (const open of windows.values()) core.sessions.touch(open);
    const user = userOf(role);
    const window = `demo-history-${role}`;
    const call = async (channel: string, input: Record<string, unknown>) => {
      const result = await core.dispatch(window, channel, input);
      if (!result.ok) throw new Error(`demo history: ${channel}: ${result.error.message}`);
      return result.value;
    };
    if (!windows.has(role)) {
      await call('session.login', { username: user.username, password: user.password });
      windows.set(role, window);
    }
    await steps(call, { username: user.username, password: user.password });
  };

  try {
    const allKits = core.repositories.allocation.kits().map((k) => k.kitNumber).sort(compareKitNumbers);
    const firstDelivery = allKits.filter((_, i) => i % 3 !== 2);
    const secondDelivery = allKits.filter((_, i) => i % 3 === 2);

    await as('pharmacy_technician', at(0, 9), async (call) => {
      const shipment = (await call('shipments.create', { reference: 'NSD-SHP-001', from: { kind: 'kits', kitNumbers: firstDelivery } })) as { id: number };
      for (const kitNumber of firstDelivery) await call('shipments.scanKit', { shipmentId: shipment.id, code: kitNumber, source: 'scanner' });
      await call('shipments.close', { shipmentId: shipment.id, temperature: 'no_alarm' });
    });
    await as('pharmacy_technician', at(60, 9), async (call) => {
      const shipment = (await call('shipments.create', { reference: 'NSD-SHP-002', from: { kind: 'kits', kitNumbers: secondDelivery } })) as { id: number };
      for (const kitNumber of secondDelivery.slice(1)) await call('shipments.scanKit', { shipmentId: shipment.id, code: kitNumber, source: 'scanner' });
      await call('shipments.markKit', { shipmentId: shipment.id, kitNumber: secondDelivery[0], outcome: 'damaged', reason: 'Carton crushed in transit' });
      await call('shipments.close', { shipmentId: shipment.id, temperature: 'alarm', reason: 'Logger showed 9.4 °C for 2 h 10 min' });
    });
    await as('unblinded_pharmacist', at(61, 11), async (call, sign) => {
      const quarantined = secondDelivery.slice(1);
      await call('shipments.decideQuarantine', { kitNumbers: quarantined.slice(2), decision: 'release', reason: 'Excursion within the sponsor stability data (ticket NSD-TE-07)', signature: sign });
      await call('shipments.decideQuarantine', { kitNumbers: quarantined.slice(0, 2), decision: 'reject', reason: 'Outer cartons wet: sponsor advised rejection', signature: { password: sign.password! } });
    });

    const ids = new Map<string, number>();
    for (const p of PATIENTS) {
      const registeredOn = p.randomizedOnDay === null ? HISTORY_DAYS - 1 : Math.max(0, p.randomizedOnDay - 3);
      await as('investigator', at(registeredOn, 9), async (call) => {
        const patient = (await call('patients.register', { screeningNumber: p.screeningNumber, initials: p.initials, yearOfBirth: p.yearOfBirth, investigator: 'Dr Inès Moreau' })) as { id: number };
        ids.set(p.screeningNumber, patient.id);
      });
      if (p.randomizedOnDay === null) continue;
      await as('investigator', at(p.randomizedOnDay, 9), async (call, sign) => {
        await call('patients.randomize', { patientId: ids.get(p.screeningNumber), signature: sign });
      });
    }

    // Visits happen in calendar order across patients, as they would at the site.
    const visits = PATIENTS.flatMap((p) =>
      p.randomizedOnDay === null
        ? []
        : core.study().visits.slice(0, p.visitsDone).map((v, i) => ({ p, code: v.code, day: p.randomizedOnDay! + v.dayOffset + (p.lateVisit === i ? v.windowAfterDays + 2 : 0), late: p.lateVisit === i })),
    );
    visits.sort((a, b) => a.day - b.day);
    for (const v of visits) {
      if (v.day > HISTORY_DAYS) continue;
      await as('unblinded_pharmacist', at(v.day, 10), async (call, sign) => {
        const patientId = ids.get(v.p.screeningNumber);
        const plan = (await call('dispensing.plan', { patientId, visitCode: v.code })) as { suggestions: string[] };
        await call('dispensing.confirm', {
          patientId,
          visitCode: v.code,
          kits: plan.suggestions.map((kitNumber) => ({ kitNumber, source: 'scanner' })),
          ...(v.late ? { outOfWindowReason: 'Patient hospitalised for an intercurrent infection; visit postponed' } : {}),
          signature: sign,
        });
      });
    }
    for (const p of PATIENTS.filter((x) => x.withdrawnAfterVisits)) {
      await as('investigator', at(p.randomizedOnDay! + 50, 15), async (call) => {
        await call('patients.withdraw', { patientId: ids.get(p.screeningNumber), reason: 'Consent withdrawn (moved abroad)' });
      });
    }
  } finally {
    for (const window of windows.values()) await core.dispatch(window, 'session.logout', {});
    clock.backToPresent();
  }
}
