import Papa from 'papaparse';
import { encodeGs1 } from '../../../shared/barcode/gs1';
import { channels, type ChannelName } from '../../../shared/contract';
import { KIT_STATUSES } from '../../../shared/kits/kitLifecycle';
import { ROLES, ROLE_IS_BLINDED, ROLE_PERMISSIONS, type Role } from '../../../shared/roles';
import type { TestCore } from '../../helpers/core';
import { OPEN_SHIPMENT_ID, resolveExample, type ExampleWorld } from '../../helpers/exampleWorld';
import { spawnSync } from 'node:child_process';
import { inspect, type Leak, type SponsorTruth } from './leakDetector';
import { createPostgresDatabase } from '../../helpers/postgres';
import { RECORDS_NOTICE_GATHER_MS } from '../../../main/core/records/recordTopics';

/**
 * The files inside answers (reports, exports, certificates, label PDFs) as text: CSV decoded, PDF through poppler's
 * pdftotext, so a word hidden in a download is found like one on a screen.
 */
export function filesAsText(value: unknown): string[] {
  const texts: string[] = [];
  const visit = (v: unknown) => {
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const pdf = typeof o.pdfBase64 === 'string' ? o.pdfBase64 : typeof o.base64 === 'string' && o.mime === 'application/pdf' ? o.base64 : null;
    if (pdf) {
      const out = spawnSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(pdf, 'base64'), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      if (out.status !== 0) throw new Error(`pdftotext failed: ${out.error?.message ?? out.stderr} (status ${out.status}, signal ${out.signal})`);
      texts.push(out.stdout);
    }
    if (typeof o.base64 === 'string' && o.mime && String(o.mime).startsWith('text/')) texts.push(Buffer.from(o.base64, 'base64').toString('utf8'));
    if (typeof o.csv === 'string') texts.push(o.csv);
    Object.values(o).forEach(visit);
  };
  visit(value);
  return texts;
}

/** Channels that end or change the caller's own session; the harness does not call them. */
const SESSION_CHANGING = new Set(['session.logout', 'session.lock', 'session.login', 'session.createAdministrator', 'session.changePassword', 'session.unlock']);

/** Inputs of one channel: a list, or a function called when the channel's turn comes (ids made by earlier calls). */
type Inputs = Partial<Record<ChannelName, unknown[] | (() => unknown[] | Promise<unknown[]>)>>;

/**
 * Inputs built from the demo's real data on top of the example world, each one a call that succeeds at its turn in
 * the harness (roles in order, channels in contract order, examples first): every patient, shipment, destruction and
 * a spread of kits, and for commands the next step a user would really take.
 */
export async function realInputs(t: TestCore, world: ExampleWorld, role: Role): Promise<Inputs> {
  // Read through the Store, on either engine; kit numbers sorted here, as the engines' text orders differ.
  const q = () => t.core.store.q();
  const ids = async (table: 'patients' | 'shipments' | 'storage_locations' | 'excursions' | 'destructions') => (await q().selectFrom(table).select('id').orderBy('id').execute()).map((r) => r.id);
  const kitNumbers = async (rows: Promise<Array<{ kit_number: string }>>) => (await rows).map((r) => r.kit_number).sort();
  const patients = await ids('patients');
  const kits = await kitNumbers(q().selectFrom('kits').select('kit_number').execute());
  const someKits = kits.filter((_, i) => i % 15 === 0);
  const dispensed = (await kitNumbers(q().selectFrom('dispensing_kits').select('kit_number').execute())).slice(0, 4);
  const available = () => kitNumbers(q().selectFrom('kits').select('kit_number').where('status', '=', 'available').execute());
  const user = t.userOf(role);
  const signature = { username: user.username, password: user.password };
  const visits = t.core.study().visits.map((v) => v.code);
  const shipmentIdOf = async (reference: string) => (await q().selectFrom('shipments').select('id').where('reference', '=', reference).executeTakeFirstOrThrow()).id;
  const patientIdOf = async (screening: string) => (await q().selectFrom('patients').select('id').where('screening_number', '=', screening).executeTakeFirstOrThrow()).id;
  // A screening number takes letters, digits and dashes only: "study_nurse" gives L-study-nu.
  const registered = `L-${role.slice(0, 8).replace(/_/g, '-')}`;
  const probe = `probe.${role.replace(/_/g, '.')}`;
  const probeId = async () => (await t.core.repositories.users.byUsername(probe))!.id;
  const recorded = world.more.withPatient.slice(0, 2);
  return {
    'users.create': [{ username: probe, displayName: 'Harness Probe', role: 'monitor', temporaryPassword: 'harness temporary 1' }],
    'users.setActive': async () => [{ userId: await probeId(), active: false, reason: 'harness probe' }],
    'users.resetPassword': async () => [{ userId: await probeId(), temporaryPassword: 'harness temporary 2', reason: 'harness probe' }],
    'patients.get': patients.map((patientId) => ({ patientId })),
    // The whole due list in one page: its order is the schedule's, and must carry no arm.
    'patients.due': [{ limit: 200 }],
    'patients.register': [{ screeningNumber: registered, initials: 'ZZ', yearOfBirth: 1980, investigator: 'Dr Harness' }],
    // The patients registered just before (the example's and the harness's), randomized in turn.
    'patients.randomize': async () => (await q().selectFrom('patients').select('id').where('status', '=', 'registered').orderBy('id').execute()).map((r) => ({ patientId: r.id, signature })),
    'patients.withdraw': async () => [{ patientId: await patientIdOf(registered), reason: 'harness probe' }],
    'shipments.get': async () => (await ids('shipments')).map((shipmentId) => ({ shipmentId })),
    // The rest of the open shipment, a kit scanned twice, kits of other shipments: receipts and refusals alike.
    'shipments.scanKit': [
      ...world.more.expected.map((code) => ({ shipmentId: OPEN_SHIPMENT_ID, code, source: 'scanner' })),
      { shipmentId: OPEN_SHIPMENT_ID, code: world.kits.expected, source: 'keyboard_wedge' },
      ...someKits.map((code) => ({ shipmentId: OPEN_SHIPMENT_ID, code, source: 'scanner' })),
    ],
    // The shipment the example created (every kit not shipped yet): its one kit never came.
    'shipments.markKit': async () => [{ shipmentId: await shipmentIdOf('SHP-0001'), kitNumber: world.kits.unshipped, outcome: 'missing', reason: 'Not in the box' }],
    'shipments.close': async () => [
      { shipmentId: OPEN_SHIPMENT_ID, temperature: 'no_alarm' },
      { shipmentId: await shipmentIdOf('SHP-0001'), temperature: 'no_monitor' },
    ],
    'inventory.kits': [{}, ...KIT_STATUSES.map((status) => ({ status }))],
    'dispensing.plan': patients.flatMap((patientId) => visits.map((visitCode) => ({ patientId, visitCode }))),
    // The whole trail, page by page (it is about 700 events here), and filtered views, in both orders.
    'audit.list': [
      ...[1, 2, 3].map((page) => ({ page, pageSize: 500 })),
      { order: 'newest', pageSize: 500 },
      { entityType: 'kit', pageSize: 500 },
      { entityType: 'patient', pageSize: 500 },
      { action: 'dispensing.confirmed', pageSize: 500 },
    ],
    'audit.exportCsv': [{}, { entityType: 'kit' }],
    'labels.preview': dispensed.flatMap((kitNumber) => [{ kitNumber, kind: 'carton' }, { kitNumber, kind: 'syringe' }]),
    'labels.download': dispensed.slice(0, 2).flatMap((kitNumber) => (['pdf', 'png', 'zpl', 'dymo'] as const).map((format) => ({ kitNumber, kind: format === 'dymo' ? 'syringe' : 'carton', format }))),
    // Back to the demo's Zebra after the example chose a network one nobody answers at.
    'devices.configurePrinter': [{ kind: 'carton', choice: { printer: { type: 'simulated_zebra' }, labelSize: 'zebra_102x51' } }],
    'devices.testPrint': [{ kind: 'carton' }],
    'devices.printLabel': [
      ...dispensed.slice(0, 2).map((kitNumber) => ({ kitNumber, kind: 'syringe', reprintReason: 'harness probe' })),
      { kitNumber: world.kits.dispensed, kind: 'syringe', reprintReason: 'Label torn' },
      { kitNumber: world.kits.dispensed, kind: 'carton' },
    ],
    'devices.simulateScan': someKits.slice(0, 2).map((code) => ({ code })),
    'returns.record': recorded.map((code) => ({ code, condition: 'used', unitsReturned: 1, source: 'scanner' })),
    'returns.edit': recorded.map((kitNumber) => ({ kitNumber, condition: 'partly_used', unitsReturned: 1, reason: 'harness probe' })),
    // Every return still to verify, signed; a kit recorded as missing has nothing to verify (issue 11, item 8).
    'returns.verify': async () => [
      { kitNumbers: (await q().selectFrom('kit_returns').select('kit_number').where('verified_at', 'is', null).where('condition', '<>', 'missing').execute()).map((r) => r.kit_number), signature },
    ],
    'returns.lookup': [...recorded, ...someKits.slice(0, 3)].map((code) => ({ code })),
    // A kit's story, for kits in every state the demo has (issue 16, item 4): blinded readers see the trail's words only.
    'kitStory.view': async () => {
      const first = new Map<string, string>();
      for (const { kit_number, status } of await q().selectFrom('kits').select(['kit_number', 'status']).execute()) {
        if (!first.has(status) || kit_number < first.get(status)!) first.set(status, kit_number);
      }
      return [...first.keys()].sort().map((status) => ({ code: first.get(status)! }));
    },
    'kitStory.print': dispensed.slice(0, 2).map((code) => ({ code })),
    // Each discrepancy open at the monitor's turn (the technician's corrections made new ones), so the sign-off signs.
    'reconciliation.comment': async () => (await t.core.reconciliation.notes()).openDiscrepancies.map((kitNumber) => ({ kitNumber, comment: 'harness probe' })),
    'destruction.certificate': (await ids('destructions')).map((destructionId) => ({ destructionId })),
    'reports.render': [
      ...(['accountability', 'nci_darf', 'inventory', 'expiring', 'patient_history'] as const).flatMap((report) => (['csv', 'pdf'] as const).map((format) => ({ report, format, days: 400 }))),
      ...patients.map((patientId) => ({ report: 'patient_history', format: 'csv', patientId })),
    ],
    // Every storage location's kits and every excursion case, each read whole (kit numbers only, never an arm).
    'coldChain.kitLocations': async () => (await ids('storage_locations')).map((locationId) => ({ locationId })),
    'coldChain.readings': async () => (await ids('storage_locations')).map((locationId) => ({ locationId, days: 366 })),
    'coldChain.excursions': async () => (await ids('storage_locations')).map((locationId) => ({ locationId })),
    'coldChain.excursion': async () => (await ids('excursions')).map((excursionId) => ({ excursionId })),
    // GS1 pack codes at put-away, as a scanner gives them: the answer is the kit number only.
    'coldChain.resolveKitScan': () =>
      Papa.parse<Record<string, string>>(t.demo.lists.kits.trim(), { header: true })
        .data.filter((r) => r.serial && r.gtin)
        .slice(0, 3)
        .map((r) => ({ code: `]d2${encodeGs1([{ ai: '01', value: r.gtin! }, { ai: '21', value: r.serial! }])}` })),
    // Every excursion case's sponsor report (its PDF read through pdftotext) and chart.
    'coldChain.excursionReport': async () => (await ids('excursions')).flatMap((excursionId) => (['pdf', 'png'] as const).map((format) => ({ excursionId, format }))),
    // Kit exceptions (issue 16): a kit on the shelf damaged, every lost kit found again (to quarantine), one more kit
    // lost by its patient; each answer names the kit, its status and the patient, never an arm.
    'kitExceptions.damagedAtSite': async () =>
      (await available())
        .filter((k) => !(Object.values(world.kits) as string[]).includes(k))
        .slice(0, 1)
        .map((code) => ({ code, reason: 'harness probe' })),
    'kitExceptions.found': async () =>
      (await kitNumbers(q().selectFrom('kits').select('kit_number').where('status', '=', 'lost').execute())).map((code) => ({ code, reason: 'harness probe', signature })),
    'kitExceptions.lostByPatient': world.more.withPatient.slice(2, 3).map((code) => ({ code, reason: 'harness probe', signature })),
    // Stock against the coming visits (issue 16, item 3), over every window length: blinded totals only.
    'stock.forecast': [1, 4, 8, 13, 26].map((weeks) => ({ weeks })),
    // The administrator's database screen (issue 13): a real server tried (nothing written there), then this
    // workstation's own file kept for the next start. Answers name files and servers, never an arm.
    'system.testDatabaseConnection': async () => [{ engine: 'postgres', url: await createPostgresDatabase(), caFile: null }],
    'system.saveDatabaseConnection': [{ engine: 'sqlite' }],
    // A second patient's blind broken in an emergency: the arm goes to this investigator, and to nobody else.
    'emergency.unblind': [{ patientId: await patientIdOf('S-002'), reason: 'Severe reaction: the treating physician must know', adverseEvent: true, passphrase: world.passphrase, signature }],
  };
}

/**
 * Unblinded-only channel groups the harness also calls as every blinded role, with their examples and the inputs below
 * (issue 16, item 2: lot recall, expiry extension and over-labels name real lots): each call must be refused, and the
 * refusal itself is inspected like any answer.
 */
const REFUSED_GROUPS = ['lots.'];
const lotInputs = (world: ExampleWorld): Record<string, unknown[]> => ({
  'lots.overLabels': [{ pendingOnly: false }],
  'lots.overLabelPreview': [{ kitNumber: world.kits.dispensed }],
  'lots.overLabelDownload': [{ kitNumber: world.kits.dispensed, format: 'png' }],
  'lots.printOverLabel': [{ kitNumber: world.kits.dispensed }],
});

/** Channels whose answer reveals one patient's arm to its caller by design; the harness checks that arm is the true one. */
const DESIGNED_REVEAL = new Set(['emergency.unblind']);
/** Commands whose examples can succeed once per world: only the first blinded role to call them runs the examples. */
const ONCE_PER_WORLD = new Set(['patients.register', 'patients.randomize', 'patients.withdraw']);

export interface HarnessResult {
  leaks: Leak[];
  calls: number;
  /** Calls answered ok, whose answers were inspected. */
  inspected: number;
  /** Calls that were refused: the harness means to inspect answers, so each is a failure of the harness's inputs. */
  refused: string[];
  /** Per blinded role, the channels it may call and how many ok answers each gave. */
  okPerChannel: Map<Role, Map<string, number>>;
  /** Events pushed to the windows during the run (records.changed after each commit, session changes), all inspected. */
  eventsInspected: number;
  /** How many of them were records.changed notices. */
  recordNotices: number;
  /** Calls of unblinded-only channels (REFUSED_GROUPS) as a blinded role, and those answered ok (each a failure). */
  unblindedProbes: { calls: number; channels: Set<string>; answered: string[] };
}

/**
 * Logs in as every blinded role and calls every channel the role may call, with the contract's examples (resolved on
 * the example world) and the real inputs above, each expected to answer ok, and inspects every answer and file.
 */
export async function runChannelLeakHarness(t: TestCore, world: ExampleWorld, truth: SponsorTruth): Promise<HarnessResult> {
  const leaks: Leak[] = [];
  const refused: string[] = [];
  const okPerChannel = new Map<Role, Map<string, number>>();
  let calls = 0;
  let inspected = 0;
  const examplesRun = new Set<string>();
  // What the windows are pushed meanwhile: every window hears records.changed, blinded or not.
  const pushed: Array<{ event: string; payload: unknown }> = [];
  t.core.onEvent((_window, event, payload) => pushed.push({ event, payload }));
  const unblindedProbes = { calls: 0, channels: new Set<string>(), answered: [] as string[] };
  for (const role of ROLES.filter((r) => ROLE_IS_BLINDED[r])) {
    const window = await t.loginAs(role, `leak-harness-${role}`);
    const caller = t.userOf(role);
    const mine = new Map<string, number>();
    okPerChannel.set(role, mine);
    const inputs = await realInputs(t, world, role);
    for (const { name, definition } of channels) {
      if (SESSION_CHANGING.has(name)) continue;
      const access = definition.access;
      const allowed = access === 'public' || access === 'session' || access === 'locked' || ROLE_PERMISSIONS[role].includes(access);
      const unblindedOnly = REFUSED_GROUPS.some((g) => name.startsWith(g));
      // A lot channel a blinded role may call at all is a failure, whatever it answers.
      if (allowed && unblindedOnly) unblindedProbes.answered.push(`${role} ${name}: the contract lets this blinded role call it`);
      if (!allowed) {
        if (!unblindedOnly) continue;
        for (const example of [...definition.examples, ...(lotInputs(world)[name] ?? [])]) {
          const e = example as { signature?: Record<string, unknown> };
          const input = resolveExample(e.signature ? { ...e, signature: { username: caller.username, password: caller.password } } : e, world, caller);
          const result = await t.core.dispatch(window, name, input);
          unblindedProbes.calls++;
          unblindedProbes.channels.add(name);
          const where = `${role} ${name} (refusal) ${JSON.stringify(input).slice(0, 60)}`;
          if (result.ok) unblindedProbes.answered.push(where);
          leaks.push(...inspect(where, result, truth));
        }
        continue;
      }
      mine.set(name, 0);
      const real = inputs[name];
      // The patient examples change a patient for good (register S-0001, randomize patient 7, withdraw patient 1): a
      // later role that may call them too (the study nurse after the investigator) calls them with its own real inputs.
      const examplesDone = ONCE_PER_WORLD.has(name) && examplesRun.has(name) && real !== undefined;
      examplesRun.add(name);
      // The examples, signed by this role's user, with the world's real passwords and kits.
      const examples = examplesDone
        ? []
        : definition.examples
            // An example the demo refuses by design (no server at the example's address) is checked by
            // contractExamples; here every call must answer, to be inspected.
            .filter((_, index) => definition.refusedOnDemo?.[index] === undefined)
            .map((example) => {
            const e = example as { signature?: Record<string, unknown> };
            return resolveExample(e.signature ? { ...e, signature: { ...e.signature, username: caller.username } } : e, world, caller);
          });
      // A function's inputs are read only once the examples before them have run.
      const queue: Array<unknown | (() => unknown[] | Promise<unknown[]>)> = [...examples, ...(typeof real === 'function' ? [real] : (real ?? []))];
      const calledInputs = async function* () {
        for (const item of queue) {
          if (typeof item === 'function') yield* await (item as () => unknown[] | Promise<unknown[]>)();
          else yield item;
        }
      };
      for await (const input of calledInputs()) {
        const result = await t.core.dispatch(window, name, input);
        calls++;
        const where = `${role} ${name} ${JSON.stringify(input).slice(0, 60)}`;
        if (!result.ok) {
          refused.push(`${where}: ${result.error.code}: ${result.error.message}`);
          continue;
        }
        inspected++;
        mine.set(name, mine.get(name)! + 1);
        let answer = result.value;
        if (DESIGNED_REVEAL.has(name)) {
          const { armCode, armName: _armName, ...rest } = answer as { armCode: string; armName: string; randomizationNumber: string };
          if (truth.armOf.get(rest.randomizationNumber) !== armCode) leaks.push({ where, kind: 'arm_word', detail: `the emergency unblinding told ${armCode}, not the patient's arm` });
          answer = rest;
        }
        leaks.push(...inspect(where, answer, truth));
        for (const text of filesAsText(answer)) leaks.push(...inspect(`${where} (file)`, text, truth));
      }
    }
    await t.core.dispatch(window, 'session.logout', {});
  }
  // The last records.changed notice goes out once its gathering window closes.
  await new Promise((resolve) => setTimeout(resolve, RECORDS_NOTICE_GATHER_MS + 100));
  for (const { event, payload } of pushed) leaks.push(...inspect(`event ${event}`, payload, truth));
  const recordNotices = pushed.filter((e) => e.event === 'records.changed').length;
  return { leaks, calls, inspected, refused, okPerChannel, eventsInspected: pushed.length, recordNotices, unblindedProbes };
}
