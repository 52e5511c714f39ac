import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import type { TravellingClock } from '../clock';
import { localDate } from '../../../shared/schedule/visitSchedule';
import type { VeilCoreInternals } from '../veilCore';
import type { DemoUser } from './demoSeed';

/**
 * The demo study's history, lived through the real channels with the clock sent back in time: two shipments (the
 * second under a temperature alarm, released and partly rejected), and patients at every stage, from registered only
 * to all visits done, one withdrawn. Every screen and report then has real data to show, in an order that could
 * have happened.
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

/**
 * The pharmacy's storage locations in the demo: two study fridges, the quarantine shelf (in a third fridge), a
 * cabinet; each calibration certificate is due so many days after the start of the history (the quarantine fridge's
 * soon). Fridge B came last, so the locations keep the ids the contract's examples name (1: Fridge A, 2: the shelf).
 */
const FRIDGE = { name: 'Fridge A (study drugs)', kind: 'fridge', minCelsius: 2, maxCelsius: 8, calibrationDueDay: 200, barcode: 'LOC-FRIDGE-A' } as const;
const QUARANTINE_SHELF = { name: 'Quarantine shelf (fridge C)', kind: 'quarantine_shelf', minCelsius: 2, maxCelsius: 8, calibrationDueDay: 145, barcode: 'LOC-QUARANTINE' } as const;
const CABINET = { name: 'Cabinet C (room temperature)', kind: 'cabinet', minCelsius: 15, maxCelsius: 25, calibrationDueDay: 320, barcode: 'LOC-CABINET-C' } as const;
const FRIDGE_B = { name: 'Fridge B (study drugs)', kind: 'fridge', minCelsius: 2, maxCelsius: 8, calibrationDueDay: 260, barcode: 'LOC-FRIDGE-B' } as const;
const DEMO_LOCATIONS = [FRIDGE, QUARANTINE_SHELF, CABINET, FRIDGE_B];
const HISTORY_DAYS = DEMO_HISTORY_DAYS;
// Randomization days are chosen so each patient has had exactly the visits due by today (visit offsets 0, 14, ... 98),
// except two the Today home has to show (issue 14, item 3): S-005 missed W4, whose window closed the day before
// yesterday (an overdue visit), and S-003's W8 window opens today (a visit in its window). S-006 stays randomized 6
// days ago: kits leave with patients after the demo's logger excursions.
const PATIENTS: DemoPatient[] = [
  { screeningNumber: 'S-001', initials: 'MLB', yearOfBirth: 1987, randomizedOnDay: 2, visitsDone: 8 },
  { screeningNumber: 'S-002', initials: 'JPR', yearOfBirth: 1975, randomizedOnDay: 68, visitsDone: 5 },
  { screeningNumber: 'S-003', initials: 'AK', yearOfBirth: 1993, randomizedOnDay: 77, visitsDone: 4, lateVisit: 2 },
  { screeningNumber: 'S-004', initials: 'CDM', yearOfBirth: 1968, randomizedOnDay: 44, visitsDone: 3, withdrawnAfterVisits: true },
  { screeningNumber: 'S-005', initials: 'EV', yearOfBirth: 2001, randomizedOnDay: 97, visitsDone: 2 },
  { screeningNumber: 'S-006', initials: 'NTH', yearOfBirth: 1981, randomizedOnDay: 124, visitsDone: 1 },
  { screeningNumber: 'S-007', initials: 'RG', yearOfBirth: 1959, randomizedOnDay: null, visitsDone: 0 },
];

/**
 * Marks every open window active, as if its user had just sat down: days pass between the demo's steps, and the
 * inactivity lock is about real people, not the replay. Every window: NS-DUPI's history and the second study's
 * (demoSecondStudy.ts) interleave.
 */
export function keepDemoWindowsActive(core: VeilCoreInternals): void {
  for (const window of core.sessions.idleWindows(0)) core.sessions.touch(window);
}

/** One dated step of the history; the agenda runs them in calendar order, whatever order they were planned in. */
export interface AgendaStep {
  at: Date;
  run: () => Promise<void>;
}

/**
 * The history is planned first, then lived in calendar order (issue 11, item 11): the clock only ever moves forward,
 * so every audit event follows the one before it in time, a kit is received before it can be dispensed, and returns
 * are verified before they are destroyed. A step due at the same moment as the one before runs just after it.
 */
async function liveInCalendarOrder(clock: TravellingClock, agenda: AgendaStep[], present: Date): Promise<void> {
  const ordered = agenda.map((step, i) => ({ ...step, i })).sort((a, b) => a.at.getTime() - b.at.getTime() || a.i - b.i);
  for (const step of ordered) {
    if (step.at > present) continue;
    if (step.at > clock.now()) clock.travelTo(step.at);
    await step.run();
  }
}

/** What the demo's monitor writes on each kind of discrepancy at the sign-off of the monitoring visit. */
const MONITOR_COMMENT: Record<string, string> = {
  damaged_at_receipt: 'Carton crushed in transit: photo and sponsor notification filed in the pharmacy binder',
  missing_at_receipt: 'Not in the box: the sponsor confirmed the kit was never shipped',
  return_missing: 'Patient withdrew and moved abroad; the kit will not come back. Documented in the patient file',
  partial_dose: 'Injection stopped half-way for pain; adverse event form checked',
  dose_not_taken: 'Dose missed while travelling; noted in the patient diary and reported to the investigator',
  return_overdue: 'Reminder given to the site: the kit comes back at the next visit',
  lost_on_site: 'Searched the fridge and the pharmacy: not found; deviation filed',
};

/** A logger export the demo imported, as the logger wrote it (`veil demo` writes it beside the lists). */
export interface DemoLoggerFile {
  fileName: string;
  content: string;
}

export async function liveDemoHistory(core: VeilCoreInternals, clock: TravellingClock, users: DemoUser[], present: Date, alsoLive: readonly AgendaStep[] = []): Promise<{ loggerFiles: DemoLoggerFile[] }> {
  const start = new Date(present.getTime() - HISTORY_DAYS * 86_400_000);
  const at = (day: number, hour = 10, minute = 0) => {
    const d = new Date(start.getTime() + day * 86_400_000);
    d.setHours(hour, minute, 0, 0);
    return d;
  };
  const userOf = (role: DemoUser['role']) => users.find((u) => u.role === role)!;
  const windows = new Map<DemoUser['role'], string>();
  const agenda: AgendaStep[] = [];
  /**
   * One session per role for the whole history. Days pass between steps; the session is marked active again before
   * each step, as if its user had just sat down (the inactivity lock is about real people, not the demo's replay).
   */
  const as = (role: DemoUser['role'], when: Date, steps: (call: (channel: string, input: Record<string, unknown>) => Promise<unknown>, sign: Record<string, string>) => Promise<void>) => {
    agenda.push({
      at: when,
      run: async () => {
        keepDemoWindowsActive(core);
        const user = userOf(role);
        const window = `demo-history-${role}`;
        const call = async (channel: string, input: Record<string, unknown>) => {
          let result = await core.dispatch(window, channel, input);
          // A delegation given to this user in another study (demoSecondStudy.ts) ends their sessions, as it does at a
          // site: they log in again, and sign again with their username first.
          if (!result.ok && result.error.key === 'session.delegationChanged') {
            const login = await core.dispatch(window, 'session.login', { username: user.username, password: user.password });
            if (!login.ok) throw new Error(`demo history: session.login: ${login.error.message}`);
            const signature = input.signature as Record<string, string> | undefined;
            result = await core.dispatch(window, channel, signature ? { ...input, signature: { username: user.username, ...signature } } : input);
          }
          if (!result.ok) throw new Error(`demo history: ${channel}: ${result.error.message}`);
          return result.value;
        };
        if (!windows.has(role)) {
          await call('session.login', { username: user.username, password: user.password });
          windows.set(role, window);
        }
        await steps(call, { username: user.username, password: user.password });
      },
    });
  };

  let loggerFiles: DemoLoggerFile[] = [];
  try {
    const allKits = (await core.repositories.allocation.kits()).map((k) => k.kitNumber).sort(compareKitNumbers);
    const firstDelivery = allKits.filter((_, i) => i % 3 !== 2);
    const secondDelivery = allKits.filter((_, i) => i % 3 === 2);

    // The pharmacy's storage (issue 15): the pharmacist sets up the locations before the first delivery.
    const locationIds = new Map<string, number>();
    as('unblinded_pharmacist', at(0, 8), async (call) => {
      for (const { calibrationDueDay, ...location } of DEMO_LOCATIONS) {
        const saved = (await call('coldChain.saveLocation', { ...location, calibrationDue: localDate(at(calibrationDueDay)) })) as { id: number };
        locationIds.set(location.barcode, saved.id);
      }
    });
    as('pharmacy_technician', at(0, 9), async (call) => {
      const shipment = (await call('shipments.create', { reference: 'NSD-SHP-001', from: { kind: 'kits', kitNumbers: firstDelivery } })) as { id: number };
      for (const kitNumber of firstDelivery) await call('shipments.scanKit', { shipmentId: shipment.id, code: kitNumber, source: 'scanner' });
      await call('shipments.close', { shipmentId: shipment.id, temperature: 'no_alarm' });
      await call('coldChain.putAway', { location: { barcode: FRIDGE.barcode }, kitNumbers: firstDelivery, source: 'scanner' });
    });
    as('pharmacy_technician', at(60, 9), async (call) => {
      const shipment = (await call('shipments.create', { reference: 'NSD-SHP-002', from: { kind: 'kits', kitNumbers: secondDelivery } })) as { id: number };
      for (const kitNumber of secondDelivery.slice(1)) await call('shipments.scanKit', { shipmentId: shipment.id, code: kitNumber, source: 'scanner' });
      await call('shipments.markKit', { shipmentId: shipment.id, kitNumber: secondDelivery[0], outcome: 'damaged', reason: 'Carton crushed in transit' });
      await call('shipments.close', { shipmentId: shipment.id, temperature: 'alarm', reason: 'Logger showed 9.4 °C for 2 h 10 min' });
      // Quarantined at receipt: on the quarantine shelf (still cold) until the sponsor answers.
      await call('coldChain.putAway', { location: { barcode: QUARANTINE_SHELF.barcode }, kitNumbers: secondDelivery.slice(1), source: 'scanner' });
    });
    as('unblinded_pharmacist', at(61, 11), async (call, sign) => {
      const quarantined = secondDelivery.slice(1);
      await call('shipments.decideQuarantine', { kitNumbers: quarantined.slice(2), decision: 'release', reason: 'Excursion within the sponsor stability data (ticket NSD-TE-07)', signature: sign });
      await call('shipments.decideQuarantine', { kitNumbers: quarantined.slice(0, 2), decision: 'reject', reason: 'Outer cartons wet: sponsor advised rejection', signature: { password: sign.password! } });
      // Released kits go to the second study fridge: fridge A is full with the first delivery.
      await call('coldChain.putAway', { location: { barcode: FRIDGE_B.barcode }, kitNumbers: quarantined.slice(2), source: 'scanner' });
    });
    loggerFiles = demoTemperatures(as, at, locationIds);

    const ids = new Map<string, number>();
    for (const p of PATIENTS) {
      const registeredOn = p.randomizedOnDay === null ? HISTORY_DAYS - 1 : Math.max(0, p.randomizedOnDay - 3);
      as('investigator', at(registeredOn, 9), async (call) => {
        const patient = (await call('patients.register', { screeningNumber: p.screeningNumber, initials: p.initials, yearOfBirth: p.yearOfBirth, investigator: 'Dr Inès Moreau' })) as { id: number };
        ids.set(p.screeningNumber, patient.id);
      });
      if (p.randomizedOnDay === null) continue;
      as('investigator', at(p.randomizedOnDay, 9, 30), async (call, sign) => {
        await call('patients.randomize', { patientId: ids.get(p.screeningNumber), signature: sign });
      });
    }

    /**
     * Day 99: the monitor's visit. The monitor verifies the returns on record, then the pharmacist destroys them with
     * the monitor as witness, then the monitor signs the reconciliation; the visits after it void the sign-off, as
     * they should, so the demo shows both states over time.
     */
    const monitorDay = 99;
    const monitor = userOf('monitor');
    as('monitor', at(monitorDay, 14), async (call, sign) => {
      // A kit recorded as missing has nothing to check: its discrepancy is commented at sign-off instead.
      const returns = (await call('returns.list', {})) as Array<{ kitNumber: string; condition: string; verifiedAt: string | null }>;
      const toVerify = returns.filter((r) => !r.verifiedAt && r.condition !== 'missing').map((r) => r.kitNumber);
      if (toVerify.length) await call('returns.verify', { kitNumbers: toVerify, signature: sign });
    });
    as('unblinded_pharmacist', at(monitorDay, 14, 30), async (call, sign) => {
      const candidates = (await call('destruction.candidates', {})) as Array<{ kitNumber: string; status: string }>;
      const returned = candidates.filter((c) => c.status === 'returned' || c.status === 'damaged').map((c) => c.kitNumber);
      if (returned.length > 0) {
        await call('destruction.record', {
          kitNumbers: returned,
          method: 'Incineration through the hospital pharmacy cytotoxic/medicinal waste stream',
          place: 'Pharmacy, Hôpital Larrey, Toulouse',
          destroyedOn: localDate(at(monitorDay)),
          witness: { username: monitor.username, password: monitor.password },
          signature: { password: sign.password! },
        });
      }
    });
    as('monitor', at(monitorDay, 15), async (call, sign) => {
      // Each open discrepancy gets the monitor's comment before the sign-off, as the sign-off requires.
      const view = (await call('reconciliation.view', {})) as { reconciliation: { discrepancies: Array<{ kitNumber: string; discrepancies: string[] }> }; openDiscrepancies: string[] };
      for (const kitNumber of view.openDiscrepancies) {
        const kinds = view.reconciliation.discrepancies.find((d) => d.kitNumber === kitNumber)?.discrepancies ?? [];
        await call('reconciliation.comment', { kitNumber, comment: MONITOR_COMMENT[kinds[0] ?? ''] ?? 'Checked against the pharmacy file with the pharmacist; documented in the monitoring report' });
      }
      await call('reconciliation.signOff', { signature: sign });
    });

    // What each patient brings back: mostly used syringes, with the exceptions a real study has.
    const returnOf = (screeningNumber: string, visitIndex: number): { condition: string; unitsReturned: number; note?: string } => {
      if (screeningNumber === 'S-002' && visitIndex === 3) return { condition: 'partly_used', unitsReturned: 1, note: 'Patient stopped the injection half-way (pain)' };
      if (screeningNumber === 'S-003' && visitIndex === 2) return { condition: 'unused', unitsReturned: 1, note: 'Dose missed: patient travelling' };
      return { condition: 'used', unitsReturned: 1 };
    };
    for (const p of PATIENTS) {
      if (p.randomizedOnDay === null) continue;
      core
        .study()
        .visits.slice(0, p.visitsDone)
        .forEach((v, visitIndex) => {
          const late = p.lateVisit === visitIndex;
          const day = p.randomizedOnDay! + v.dayOffset + (late ? v.windowAfterDays + 2 : 0);
          if (day > HISTORY_DAYS) return;
          // At each visit after the first, the kits of the previous one come back before the new ones go out.
          if (visitIndex > 0) {
            as('pharmacy_technician', at(day, 9), async (call) => {
              const patientId = ids.get(p.screeningNumber)!;
              const previous = (await core.patients.view(patientId)).visits[visitIndex - 1]!;
              for (const kitNumber of previous.dispensedKits) {
                await call('returns.record', { code: kitNumber, ...returnOf(p.screeningNumber, visitIndex), source: 'scanner', patientId });
              }
            });
          }
          as('unblinded_pharmacist', at(day, 10), async (call, sign) => {
            const patientId = ids.get(p.screeningNumber);
            const plan = (await call('dispensing.plan', { patientId, visitCode: v.code })) as { suggestions: string[] };
            await call('dispensing.confirm', {
              patientId,
              visitCode: v.code,
              kits: plan.suggestions.map((kitNumber) => ({ kitNumber, source: 'scanner' })),
              ...(late ? { outOfWindowReason: 'Patient hospitalised for an intercurrent infection; visit postponed' } : {}),
              signature: sign,
            });
          });
        });
    }
    for (const p of PATIENTS.filter((x) => x.withdrawnAfterVisits)) {
      as('investigator', at(p.randomizedOnDay! + 50, 15), async (call) => {
        await call('patients.withdraw', { patientId: ids.get(p.screeningNumber)!, reason: 'Consent withdrawn (moved abroad)' });
      });
      // The last kit never came back.
      as('pharmacy_technician', at(p.randomizedOnDay! + 50, 16), async (call) => {
        const patientId = ids.get(p.screeningNumber)!;
        const last = (await core.patients.view(patientId)).visits.filter((x) => x.dispensedKits.length > 0).at(-1)!;
        for (const kitNumber of last.dispensedKits) {
          await call('returns.record', { code: kitNumber, condition: 'missing', unitsReturned: 0, note: 'Patient moved abroad; kit not returned', source: 'manual', patientId });
        }
      });
    }

    // Another study's steps (demoSecondStudy.ts) are lived among NS-DUPI's, in calendar order.
    await liveInCalendarOrder(clock, [...agenda, ...alsoLive], present);
  } finally {
    for (const window of windows.values()) await core.dispatch(window, 'session.logout', {});
    clock.backToPresent();
  }
  return { loggerFiles };
}

type Steps = (call: (channel: string, input: Record<string, unknown>) => Promise<unknown>, sign: Record<string, string>) => Promise<void>;

/**
 * The two study fridges' loggers over the last days of the history (issue 15, item 6).
 *
 * Fridge A: a plain `timestamp;temperature` file, a reading every 15 minutes around 4-5 °C, with one short excursion
 * (the door left ajar: 45 minutes up to 9.1 °C) on day 127. The technician imports the file the next morning, which
 * quarantines the fridge's kits; the pharmacist records the sponsor's answer, e-signed: the kits are released (within
 * the stability data) except the two that sat on the door shelf, which the sponsor judged damaged. A closed case.
 *
 * Fridge B: a vendor export (LogTag-style header block, local time at the stated offset), a reading every 10 minutes,
 * with a longer excursion on the night of day 128 (the compressor stopped after a power cut: 3 h 30 min, peaking near
 * 12 °C at the logger). Imported on the morning of day 129, its kits wait in quarantine for the sponsor: an open case.
 *
 * The cabinet gets its hand-read min/max checks twice a day.
 */
function demoTemperatures(as: (role: DemoUser['role'], when: Date, steps: Steps) => void, at: (day: number, hour?: number, minute?: number) => Date, locationIds: Map<string, number>): DemoLoggerFile[] {
  const fridgeA = loggerReadings(at(124, 0), at(128, 8), 15, { from: at(127, 14), to: at(127, 14, 45), peak: 9.1 });
  const plain = `timestamp;temperature\n${fridgeA.map(({ t, celsius }) => `${new Date(t).toISOString()};${celsius.toFixed(1)}`).join('\n')}\n`;
  const fridgeB = loggerReadings(at(124, 0), at(129, 8), 10, { from: at(128, 22, 40), to: at(129, 2, 10), peak: 12.4 });
  const files = {
    a: { fileName: 'fridge-a-logger.csv', content: plain },
    b: { fileName: 'fridge-b-logtag.csv', content: vendorLoggerFile(fridgeB, 'Fridge B - pharmacy') },
  };
  let excursionIds: number[] = [];
  as('pharmacy_technician', at(128, 8, 30), async (call) => {
    const imported = (await call('coldChain.importLog', { locationId: locationIds.get(FRIDGE.barcode)!, ...files.a })) as { excursionIds: number[] };
    excursionIds = imported.excursionIds;
  });
  as('unblinded_pharmacist', at(128, 9, 15), async (call, sign) => {
    for (const excursionId of excursionIds) {
      const view = (await call('coldChain.excursion', { excursionId })) as { kits: Array<{ kitNumber: string; quarantined: boolean; disposition: string | null }> };
      const pending = view.kits.filter((k) => k.quarantined && !k.disposition).map((k) => k.kitNumber);
      const onTheDoorShelf = pending.slice(-2);
      const released = pending.slice(0, -2);
      if (released.length > 0) {
        await call('coldChain.dispose', { excursionId, kitNumbers: released, decision: 'release', reason: 'Sponsor: 45 min up to 9.1 °C is within the stability data (ticket NSD-TE-11)', signature: sign });
      }
      if (onTheDoorShelf.length > 0) {
        await call('coldChain.dispose', { excursionId, kitNumbers: onTheDoorShelf, decision: 'damaged', reason: 'Sponsor: the door-shelf kits read 9.8 °C at the probe check, outside the stability data (ticket NSD-TE-11)', signature: { password: sign.password! } });
      }
    }
  });

  as('pharmacy_technician', at(129, 8, 20), async (call) => {
    await call('coldChain.importLog', { locationId: locationIds.get(FRIDGE_B.barcode)!, ...files.b });
  });

  for (let day = 125; day <= 129; day++) {
    for (const [hour, low, high] of [
      [8, 18.2, 21.4],
      [17, 19.1, 22.3],
    ] as const) {
      as('pharmacy_technician', at(day, hour, 5), async (call) => {
        await call('coldChain.recordMinMax', { locationId: locationIds.get(CABINET.barcode)!, readAt: at(day, hour, 5).toISOString(), minCelsius: low + (day % 2) / 10, maxCelsius: high - (day % 3) / 10 });
      });
    }
  }
  return [files.a, files.b];
}

/**
 * A fridge logger's readings every `everyMinutes` from `from` to `to`: around 4-5 °C with the small wobble a real
 * compressor makes, and one excursion that climbs to `peak` and comes back (a ramp up over the first half, down
 * over the second).
 */
function loggerReadings(from: Date, to: Date, everyMinutes: number, excursion: { from: Date; to: Date; peak: number }): Array<{ t: number; celsius: number }> {
  const readings: Array<{ t: number; celsius: number }> = [];
  const start = excursion.from.getTime();
  const end = excursion.to.getTime();
  for (let t = from.getTime(), i = 0; t <= to.getTime(); t += everyMinutes * 60_000, i++) {
    const normal = 4.6 + 0.6 * Math.sin(i / 7) + ((i * 37) % 10) / 50;
    if (t < start || t > end) {
      readings.push({ t, celsius: normal });
      continue;
    }
    // 0 at the edges, 1 in the middle: the fridge warms while the door is open or the compressor is off, then cools.
    const shape = 1 - Math.abs((2 * (t - start)) / (end - start) - 1);
    readings.push({ t, celsius: 8.2 + (excursion.peak - 8.2) * shape });
  }
  return readings;
}

/**
 * The readings as a LogTag Analyzer export writes them: a metadata block, then date, time and °C at the logger's
 * fixed UTC offset (the offset at the first reading: a logger does not follow daylight saving time).
 */
function vendorLoggerFile(readings: Array<{ t: number; celsius: number }>, description: string): string {
  const offsetMinutes = -new Date(readings[0]!.t).getTimezoneOffset();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hhmm = `${String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0')}:${String(Math.abs(offsetMinutes) % 60).padStart(2, '0')}`;
  const lines = ['"Device","LogTag TRIX-8"', '"Serial Number","A7F30B12"', `"Description","${description}"`, `"Time Zone","UTC${sign}${hhmm}"`, '"Logging Interval","00:10:00"', '', '"Date","Time","Temperature (°C)"'];
  for (const { t, celsius } of readings) {
    const local = new Date(t + offsetMinutes * 60_000).toISOString();
    lines.push(`"${local.slice(0, 10)}","${local.slice(11, 19)}","${celsius.toFixed(1)}"`);
  }
  return `${lines.join('\r\n')}\r\n`;
}
