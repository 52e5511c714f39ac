import Papa from 'papaparse';
import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { StudyConfig } from '../../../shared/study/studyConfig';
import { localDate } from '../../../shared/schedule/visitSchedule';
import braveJson from '../../../studies/brave-aa2.json';
import type { VeilCoreInternals } from '../veilCore';
import { demoKitCsv, demoRandomizationCsv } from './demoLists';
import type { DemoUser } from './demoSeed';
import { keepDemoWindowsActive, type AgendaStep } from './demoHistory';

/** The demo's second study, of another design: BRAVE-AA2, double-dummy bottles A and B, three arms at 3:2:2. */
export const BRAVE_AA2: StudyConfig = StudyConfig.parse(braveJson);

export interface SecondStudyResult {
  code: string;
  codeBreakPassphrase: string;
  lists: { randomization: string; kits: string };
  /** Bottles listed but not delivered yet: the depot's next shipment. */
  undelivered: string[];
}

/** Days before the present the second study was set up: its first patients are past week 4, with bottles back. */
const SET_UP_DAYS_AGO = 40;
/** Patients randomized, one a day from the set-up's next day. */
const PATIENTS = 9;
/** Bottles of each type the first delivery leaves for a later one. */
const LATER_PER_TYPE = 6;

/**
 * BRAVE-AA2 beside NS-DUPI (issue 14, item 5), planned as dated steps of the demo's history (demoHistory.ts lives
 * them in calendar order with NS-DUPI's, so every audit event still follows the one before it in time), each through
 * the channels as the screens would: the pharmacist loads the study file (and is delegated to it by the load), makes
 * its key and imports its lists; the administrator delegates the other staff, the demo's unblinded monitor as a
 * BLINDED monitor here (unblinded in NS-DUPI, blinded in BRAVE-AA2, each study's screens showing what that role may
 * see); the technician receives the bottles; nine patients are randomized over nine days in both strata and given
 * their day-1 bottles A and B; four weeks later the first ones bring their bottles back with tablets counted and take
 * their week-4 bottles. `result` is complete once the steps have run.
 */
export function planSecondStudy(core: VeilCoreInternals, users: DemoUser[], present: Date): { steps: AgendaStep[]; result: SecondStudyResult } {
  const day = (n: number, hour = 10) => {
    const d = new Date(present.getTime() + (n - SET_UP_DAYS_AGO) * 86_400_000);
    d.setHours(hour, 0, 0, 0);
    return d;
  };
  const userOf = (role: DemoUser['role']) => users.find((u) => u.role === role)!;
  const sessions = new Set<string>();
  /** A call as `role` in its own window, logged in on first use and working in BRAVE-AA2 once it is loaded. */
  const as = (role: DemoUser['role']) => {
    const window = `demo-brave-${role}`;
    return async <T = unknown>(channel: string, input: Record<string, unknown> = {}): Promise<T> => {
      keepDemoWindowsActive(core);
      if (!sessions.has(window)) {
        const user = userOf(role);
        const login = await core.dispatch(window, 'session.login', { username: user.username, password: user.password });
        if (!login.ok) throw new Error(`demo (BRAVE-AA2): session.login as ${role}: ${login.error.message}`);
        sessions.add(window);
        if (channel !== 'study.load') {
          const switched = await core.dispatch(window, 'session.switchStudy', { code: BRAVE_AA2.code });
          if (!switched.ok) throw new Error(`demo (BRAVE-AA2): session.switchStudy as ${role}: ${switched.error.message}`);
        }
      }
      const result = await core.dispatch(window, channel, input);
      if (!result.ok) throw new Error(`demo (BRAVE-AA2): ${channel} as ${role}: ${result.error.message}`);
      return result.value as T;
    };
  };
  const signed = (role: DemoUser['role']) => ({ username: userOf(role).username, password: userOf(role).password });
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  const password = { password: userOf('unblinded_pharmacist').password };
  const randomization = demoRandomizationCsv(BRAVE_AA2, 42);
  const kits = demoKitCsv(BRAVE_AA2, 120);
  const result: SecondStudyResult = { code: BRAVE_AA2.code, codeBreakPassphrase: '', lists: { randomization, kits }, undelivered: [] };
  const steps: AgendaStep[] = [];
  const on = (at: Date, run: () => Promise<void>) => steps.push({ at, run });
  const pharmacist = as('unblinded_pharmacist');

  on(day(0, 9), async () => {
    await pharmacist('study.load', { fileName: 'brave-aa2.json', contentBase64: base64(JSON.stringify(braveJson, null, 2)), signature: signed('unblinded_pharmacist') });
    await pharmacist('session.switchStudy', { code: BRAVE_AA2.code });
    result.codeBreakPassphrase = (await pharmacist<{ codeBreakPassphrase: string }>('allocation.setUpKey', { signature: signed('unblinded_pharmacist') })).codeBreakPassphrase;
    await pharmacist('allocation.importList', { kind: 'randomization', fileName: 'BRAVE-AA2_randomization_list.csv', contentBase64: base64(randomization), signature: password });
    await pharmacist('allocation.importList', { kind: 'kits', fileName: 'BRAVE-AA2_kit_list.csv', contentBase64: base64(kits), signature: password });
  });
  // The administrator delegates the staff: blinded roles are theirs to give (the pharmacist was delegated by the load).
  on(day(0, 10), async () => {
    const admin = as('administrator');
    const startsOn = localDate(day(0, 10));
    const delegated: Array<[DemoUser['role'], DemoUser['role']]> = [
      ['pharmacy_technician', 'pharmacy_technician'],
      ['investigator', 'investigator'],
      ['study_nurse', 'study_nurse'],
      ['monitor', 'monitor'],
      // Unblinded in NS-DUPI, blinded here: the demo's proof that a role is per study.
      ['unblinded_monitor', 'monitor'],
    ];
    for (const [person, role] of delegated) {
      const user = (await core.repositories.users.byUsername(userOf(person).username))!;
      await admin('delegations.grant', { userId: user.id, role, startsOn, endsOn: null, reason: 'BRAVE-AA2 site delegation log (demo)', signature: signed('administrator') });
    }
  });
  // The first delivery: every bottle but the last few of each type, which the depot has yet to send (the e2e journey
  // receives them through the screens).
  const listed = Papa.parse<{ kit_number: string; kit_type: string }>(kits.trim(), { header: true }).data;
  const later = new Set(BRAVE_AA2.kitTypes!.flatMap((type) => listed.filter((k) => k.kit_type === type.code).slice(-LATER_PER_TYPE).map((k) => k.kit_number)));
  result.undelivered = [...later].sort(compareKitNumbers);
  on(day(0, 14), async () => {
    const technician = as('pharmacy_technician');
    const kitNumbers = listed.map((k) => k.kit_number).filter((k) => !later.has(k));
    const shipment = await technician<{ id: number; kits: Array<{ kitNumber: string }> }>('shipments.create', { reference: 'LILLY-BRAVE-0001', from: { kind: 'kits', kitNumbers } });
    for (const kit of shipment.kits) await technician('shipments.scanKit', { shipmentId: shipment.id, code: kit.kitNumber, source: 'scanner' });
    await technician('shipments.close', { shipmentId: shipment.id, temperature: 'no_alarm' });
  });
  for (let i = 1; i <= PATIENTS; i++) {
    const patient = { id: 0, bottles: [] as string[] };
    on(day(i, 9), async () => {
      const investigator = as('investigator');
      patient.id = (
        await investigator<{ id: number }>('patients.register', {
          screeningNumber: `BR-${String(i).padStart(3, '0')}`,
          initials: ['AK', 'BL', 'CM', 'DN', 'EO', 'FP', 'GQ', 'HR', 'IS'][i - 1]!,
          yearOfBirth: 1970 + i * 3,
          investigator: 'Dr Inès Moreau',
          stratum: BRAVE_AA2.strata[i % 2]!,
        })
      ).id;
      await investigator('patients.randomize', { patientId: patient.id, signature: signed('investigator') });
    });
    on(day(i, 11), async () => {
      patient.bottles = await dispenseVisit(pharmacist, patient.id, 'D1', password);
    });
    // Four weeks on, the patient comes back: bottles counted at the desk, week-4 bottles given.
    if (i + 28 >= SET_UP_DAYS_AGO) continue;
    on(day(i + 28, 10), async () => {
      const desk = as('pharmacy_technician');
      for (const [n, bottle] of patient.bottles.entries()) {
        await desk('returns.record', { code: bottle, condition: 'partly_used', unitsReturned: [7, 9, 6, 12, 8][(i + n) % 5]!, source: 'scanner' });
      }
    });
    on(day(i + 28, 11), async () => {
      await dispenseVisit(pharmacist, patient.id, 'W4', password);
    });
  }
  on(day(SET_UP_DAYS_AGO - 1, 18), async () => {
    for (const window of sessions) await core.dispatch(window, 'session.logout', {});
  });
  return { steps, result };
}

/** Dispenses a visit's suggested bottles (one of each type) by scan, signed; returns the bottles given. */
async function dispenseVisit(pharmacist: <T = unknown>(channel: string, input?: Record<string, unknown>) => Promise<T>, patientId: number, visitCode: string, signature: { password: string }): Promise<string[]> {
  const plan = await pharmacist<{ kitsByType: Array<{ suggestions: string[] }> }>('dispensing.plan', { patientId, visitCode });
  const bottles = plan.kitsByType.map((k) => k.suggestions[0]!);
  await pharmacist('dispensing.confirm', { patientId, visitCode, kits: bottles.map((kitNumber) => ({ kitNumber, source: 'scanner' })), signature });
  return bottles;
}
