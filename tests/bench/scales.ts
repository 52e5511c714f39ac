/**
 * The pharmacy at three sizes for `npm run bench` (issue 12): the demo, medium and large. Lists go through the real
 * importer; the history is lived through the real services in calendar order, below the router: each signed step
 * gets its Signer directly instead of a password checked by scrypt (50 to 100 ms a signature, which would make the
 * large history take hours), so the trail, the signatures and the hash chain are the ones the app writes, and the
 * database passes `veil verify` (checked by the bench after building).
 *
 * - Kits arrive in shipments of 500, scanned in one by one, before the history begins.
 * - The staff log in and out over the history's working days (Scale.sessionPairs): these events are written by the
 *   audit service directly, as the session service writes them, without checking a password, which is how the trail
 *   reaches the issue's size (50,000 events at medium, 500,000 at large) in minutes.
 * - Patients are registered over the history's days; one in four is randomized the same day (the others are screen
 *   failures, as at a real site), and each randomized patient's visits are dispensed on their target day, in order,
 *   with the kits the visit plan suggests, until the day the history ends; at each visit the kits of the one before
 *   come back, used, and are recorded as returns, and the last visit's two weeks after it (the end of treatment).
 */
import { performance } from 'node:perf_hooks';
import { demoKitCsv, demoRandomizationCsv } from '../../main/core/demo/demoLists';
import type { TravellingClock } from '../../main/core/clock';
import type { VeilCoreInternals } from '../../main/core/veilCore';
import type { Signer } from '../../main/core/signatures/signatureService';
import type { Role } from '../../shared/roles';

export interface Scale {
  name: 'demo' | 'medium' | 'large';
  kits: number;
  patients: number;
  /** The share of registered patients who are randomized. */
  randomizedShare: number;
  /** How many days of history before today. */
  days: number;
  /**
   * Login/logout pairs spread over the history's working days, so the trail reaches the issue's size (about 50,000
   * events at medium, 500,000 at large): the lived history writes about 28,000 and 286,000.
   */
  sessionPairs?: number;
}

export const SCALES: Record<'medium' | 'large', Scale> = {
  medium: { name: 'medium', kits: 5_000, patients: 2_000, randomizedShare: 0.25, days: 2 * 365, sessionPairs: 10_800 },
  large: { name: 'large', kits: 50_000, patients: 20_000, randomizedShare: 0.25, days: 5 * 365, sessionPairs: 107_000 },
};

/** A clock that stands still unless moved, then ticks one millisecond per reading, so the trail's times only go forward. */
export class BenchClock implements TravellingClock {
  private current: Date;
  constructor(private present: Date) {
    this.current = new Date(present);
  }
  now(): Date {
    this.current = new Date(this.current.getTime() + 1);
    return new Date(this.current);
  }
  travelTo(moment: Date): void {
    this.current = new Date(moment);
  }
  backToPresent(): void {
    this.travelTo(this.present);
  }
  /** Where backToPresent goes (the demo seeding returns there; the history then moves it to today). */
  setPresent(moment: Date): void {
    this.present = new Date(moment);
  }
}

/**
 * Steps are committed BATCH at a time: each service still runs its own transaction (a savepoint inside the batch),
 * but the disk is synced once per batch instead of once per step, which is what makes the large history take
 * minutes rather than hours. The figures are measured afterwards, on the database as built, with its usual pragmas.
 */
const BATCH = 500;

export interface BuiltScale {
  kits: number;
  patients: number;
  randomized: number;
  dispensings: number;
  shortages: number;
  auditEvents: number;
  /** The kit list's import (validate, seal, insert, audit) vs a bare insert of the same rows, in ms. */
  importKits: { value: number; baseline: number };
}

/**
 * Adds a scale's lists and history to a core already seeded with the demo (no history) at `start`, logged in as the
 * unblinded pharmacist in `window`; the clock ends at `today`.
 */
export async function buildScale(core: VeilCoreInternals, clock: BenchClock, window: string, scale: Scale, start: Date, today: Date): Promise<BuiltScale> {
  const key = core.custody.keyOf(window);
  if (!key) throw new Error('buildScale needs an unblinded session with its key');
  const pharmacist = (await core.repositories.users.byUsername('pharmacist'))!;
  const signer = (meaning: string): Signer => ({ userId: pharmacist.id, username: pharmacist.username, printedName: pharmacist.displayName, meaning });
  const actor = { userId: pharmacist.id, username: pharmacist.username, role: 'unblinded_pharmacist' as Role };
  const study = core.study();
  const randomized = Math.round(scale.patients * scale.randomizedShare);
  // The demo's own lists already use R001.. and 6-digit kit numbers: these use M0001.. and 7-digit numbers from 7000000.
  const slots = demoRandomizationCsv(study, randomized).replace(/^R(\d+)/gm, (_, n: string) => `M${n.padStart(6, '0')}`);
  const kits = demoKitCsv(study, scale.kits).replace(/^(\d{6}),/gm, (_, n: string) => `7${n},`);
  await core.lists.importRandomizationList(key, signer('Import of the randomization list'), `${scale.name}_randomization.csv`, Buffer.from(slots, 'utf8'));
  let started = performance.now();
  await core.lists.importKitList(key, signer('Import of the kit list'), `${scale.name}_kits.csv`, Buffer.from(kits, 'utf8'));
  const importMs = performance.now() - started;
  // The baseline: the same rows, as stored, inserted one by one by a prepared statement in one transaction into an
  // empty copy of the kits table on the same file and pragmas (no checks, no sealing, no audit).
  const imported = core.db.prepare("SELECT * FROM kits WHERE kit_number LIKE '7______'").all() as Record<string, unknown>[];
  core.db.exec('CREATE TABLE bench_bare_kits AS SELECT * FROM kits WHERE 0');
  const columns = Object.keys(imported[0]!);
  const insert = core.db.prepare(`INSERT INTO bench_bare_kits (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  started = performance.now();
  core.db.transaction(() => {
    for (const row of imported) insert.run(row);
  })();
  const bareMs = performance.now() - started;
  core.db.exec('DROP TABLE bench_bare_kits');

  // Receiving is on the Store (issue 13, item 2): each step is its own unit of work, which a synchronous batch cannot
  // hold. The disk is not synced after each of them while the stock is received; the usual pragma is back after.
  const synchronous = core.db.pragma('synchronous', { simple: true }) as number;
  core.db.pragma('synchronous = OFF');
  try {
    const kitNumbers = await core.receiving.unshippedKitNumbers();
    for (let from = 0, n = 1; from < kitNumbers.length; from += 500, n++) {
      clock.travelTo(new Date(start.getTime() + n * 60_000));
      const shipment = await core.receiving.create(actor, { reference: `${scale.name.toUpperCase()}-${n}`, kitNumbers: kitNumbers.slice(from, from + 500) });
      for (const kitNumber of kitNumbers.slice(from, from + 500)) await core.receiving.scan(actor, shipment, kitNumber, 'scanner', key);
      await core.receiving.close(actor, shipment, 'no_alarm', null);
    }
  } finally {
    core.db.pragma(`synchronous = ${synchronous}`);
  }

  // The agenda: every registration, randomization and visit, with its moment; lived in calendar order.
  type Step = { at: number; run: () => Promise<void> | void };
  const steps: Step[] = [];
  const dayMs = 86_400_000;
  // Local midnight after the start, so that every visit lands on the working day it is planned for: counted from the
  // start's own time of day, a run begun after 14:30 put late patients' visits past midnight (a day late).
  const firstDay = new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1).getTime();
  let dispensings = 0;
  let shortages = 0;
  let randomizedSoFar = 0;
  for (let i = 0; i < scale.patients; i++) {
    const day = Math.floor((i * (scale.days - 1)) / scale.patients);
    const at = firstDay + day * dayMs + 9 * 3_600_000 + (i % 60) * 60_000;
    const screeningNumber = `${scale.name[0]!.toUpperCase()}-${String(i + 1).padStart(6, '0')}`;
    const randomize = i % Math.round(1 / scale.randomizedShare) === 0;
    let patientId = 0;
    let halted = false;
    /** The kits given at the patient's last visit: they come back (used) at the next one. */
    let lastKits: string[] = [];
    steps.push({
      at,
      run: async () => {
        patientId = (await core.patients.register(actor, { screeningNumber, initials: 'XX', yearOfBirth: 1950 + (i % 50), investigator: 'Dr Inès Moreau' })).id;
        if (randomize && randomizedSoFar < randomized) {
          await core.patients.randomize(signer('Randomization'), patientId);
          randomizedSoFar++;
        } else halted = true;
      },
    });
    for (const visit of study.visits) {
      const visitAt = at + visit.dayOffset * dayMs + 30 * 60_000;
      if (visitAt >= today.getTime()) break;
      steps.push({
        at: visitAt,
        run: async () => {
          if (halted) return;
          for (const code of lastKits) await core.returns.record(actor, { code, condition: 'used', unitsReturned: 1, source: 'scanner', patientId });
          lastKits = [];
          const plan = await core.dispensing.plan(key, patientId, visit.code);
          if (plan.shortage) {
            // Out of this arm's stock: the patient's later visits wait for a resupply that this history does not have.
            shortages++;
            halted = true;
            return;
          }
          await core.dispensing.confirm(key, signer('Dispensing'), 'unblinded_pharmacist', {
            patientId,
            visitCode: visit.code,
            kits: plan.suggestions.map((kitNumber) => ({ kitNumber, source: 'scanner' as const })),
          });
          dispensings++;
          lastKits = plan.suggestions;
        },
      });
    }
    // The end-of-treatment visit, two weeks after the last dispensing (within the 14 days the reconciliation gives the
    // last visit's kits): the kits still with the patient come back. Without it, every patient who ever finished kept a
    // kit, and the returns to record at large counted thousands no real site would hold.
    const endAt = at + (study.visits.at(-1)!.dayOffset + 14) * dayMs + 30 * 60_000;
    if (endAt < today.getTime()) {
      steps.push({
        at: endAt,
        run: async () => {
          for (const code of lastKits) await core.returns.record(actor, { code, condition: 'used', unitsReturned: 1, source: 'scanner', patientId });
          lastKits = [];
        },
      });
    }
  }
  // The staff's sessions: each a login and a logout an hour later, audited as the session service audits them
  // (authService.record), written by the audit service directly (no scrypt), in calendar order with the rest.
  const staff = core.db.prepare('SELECT id, username FROM users ORDER BY id').all() as Array<{ id: number; username: string }>;
  const pairs = scale.sessionPairs ?? 0;
  for (let i = 0; i < pairs; i++) {
    const day = Math.floor((i * (scale.days - 1)) / Math.max(1, pairs));
    const at = firstDay + day * dayMs + 8 * 3_600_000 + ((i * 7) % 600) * 60_000;
    if (at + 3_600_000 >= today.getTime()) break;
    const user = staff[i % staff.length]!;
    const session = async (action: string): Promise<void> => void (await core.audit.append({ userId: user.id, username: user.username }, { action, entityType: 'user', entityId: user.username, after: {} }));
    steps.push({ at, run: () => session('session.login') });
    steps.push({ at: at + 3_600_000, run: () => session('session.logout') });
  }
  steps.sort((a, b) => a.at - b.at);
  // One unit of work per batch: the workflows on the Store join it, the synchronous ones nest in it (savepoints).
  for (let from = 0; from < steps.length; from += BATCH) {
    await core.store.transaction(async () => {
      for (const step of steps.slice(from, from + BATCH)) {
        clock.travelTo(new Date(step.at));
        await step.run();
      }
    });
  }
  clock.setPresent(today);
  clock.backToPresent();
  const count = (sql: string) => core.db.prepare(sql).pluck().get() as number;
  return {
    kits: count('SELECT count(*) FROM kits'),
    patients: count('SELECT count(*) FROM patients'),
    randomized: count("SELECT count(*) FROM patients WHERE status = 'randomized'"),
    dispensings,
    shortages,
    auditEvents: count('SELECT count(*) FROM audit_events'),
    importKits: { value: importMs, baseline: bareMs },
  };
}
