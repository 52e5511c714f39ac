import { channels, type ChannelName } from '../../../shared/contract';
import { KIT_STATUSES } from '../../../shared/kits/kitLifecycle';
import { ROLES, ROLE_IS_BLINDED, ROLE_PERMISSIONS, type Role } from '../../../shared/roles';
import type { TestCore } from '../../helpers/core';
import { spawnSync } from 'node:child_process';
import { inspect, type Leak, type SponsorTruth } from './leakDetector';

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
      const out = spawnSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(pdf, 'base64'), encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`pdftotext failed: ${out.stderr}`);
      texts.push(out.stdout);
    }
    if (typeof o.base64 === 'string' && o.mime === 'text/csv') texts.push(Buffer.from(o.base64, 'base64').toString('utf8'));
    if (typeof o.csv === 'string') texts.push(o.csv);
    Object.values(o).forEach(visit);
  };
  visit(value);
  return texts;
}

/** Commands whose contract examples would change real demo accounts; the harness calls them on its own user only. */
const REAL_INPUTS_ONLY = new Set(['users.setActive', 'users.resetPassword', 'users.create']);

/** Channels that end or change the caller's own session; the harness calls them last or not at all. */
const SESSION_CHANGING = new Set(['session.logout', 'session.lock', 'session.login', 'session.createAdministrator', 'session.changePassword', 'session.unlock']);

/**
 * Inputs built from the demo's real data, so every channel is called with ids that exist: every patient, shipment,
 * visit and a spread of kits. Channels without an entry here get their contract examples only; the coverage test
 * makes sure that stays a conscious choice.
 */
export function realInputs(t: TestCore, role: Role): Partial<Record<ChannelName, unknown[]>> {
  const db = t.core.db;
  const patients = (db.prepare('SELECT id, screening_number AS s FROM patients').all() as Array<{ id: number; s: string }>);
  const shipments = (db.prepare('SELECT id FROM shipments').all() as Array<{ id: number }>).map((r) => r.id);
  const kits = (db.prepare('SELECT kit_number AS k FROM kits').all() as Array<{ k: string }>).map((r) => r.k);
  const someKits = kits.filter((_, i) => i % 15 === 0);
  const user = t.userOf(role);
  const signature = { username: user.username, password: user.password };
  const visits = t.core.study().visits.map((v) => v.code);
  const probe = `probe.${role.replace(/_/g, '.')}`;
  const probeId = t.core.repositories.users.byUsername(probe)?.id ?? 999_999;
  return {
    'users.create': [{ username: probe, displayName: 'Harness Probe', role: 'monitor', temporaryPassword: 'harness temporary 1' }],
    'users.setActive': [{ userId: probeId, active: false, reason: 'harness probe' }],
    'users.resetPassword': [{ userId: probeId, temporaryPassword: 'harness temporary 2', reason: 'harness probe' }],
    'patients.get': patients.map((p) => ({ patientId: p.id })),
    'patients.randomize': patients.map((p) => ({ patientId: p.id, signature })),
    'patients.withdraw': [{ patientId: 999_999, reason: 'harness probe' }],
    'patients.register': [{ screeningNumber: `L-${role.slice(0, 8)}`, initials: 'ZZ', yearOfBirth: 1980, investigator: 'Dr Harness' }],
    'shipments.get': shipments.map((shipmentId) => ({ shipmentId })),
    'shipments.scanKit': shipments.flatMap((shipmentId) => someKits.map((code) => ({ shipmentId, code, source: 'scanner' }))),
    'shipments.markKit': shipments.map((shipmentId) => ({ shipmentId, kitNumber: someKits[0], outcome: 'damaged', reason: 'harness probe' })),
    'shipments.close': shipments.map((shipmentId) => ({ shipmentId, temperature: 'no_alarm' })),
    'shipments.decideQuarantine': [{ kitNumbers: someKits.slice(0, 2), decision: 'release', reason: 'harness probe', signature }],
    'inventory.kits': [{}, ...KIT_STATUSES.map((status) => ({ status }))],
    'dispensing.plan': patients.flatMap((p) => visits.map((visitCode) => ({ patientId: p.id, visitCode }))),
    'dispensing.checkKit': patients.flatMap((p) => someKits.map((code) => ({ patientId: p.id, visitCode: 'D1', code, alreadyScanned: [], source: 'scanner' }))),
    'audit.list': [{}, { entityType: 'kit' }, { entityType: 'patient' }, { action: 'dispensing.confirmed' }],
    'audit.exportCsv': [{}, { entityType: 'kit' }],
    'allocation.checkList': [{ kind: 'kits', fileName: 'k.csv', contentBase64: Buffer.from('kit_number,arm,lot,expiry_date\n' + someKits[0] + ',PLACEBO,L,2030-01-01\n').toString('base64') }],
    'users.list': [{}],
    'labels.preview': (db.prepare('SELECT kit_number AS k FROM dispensing_kits LIMIT 4').all() as Array<{ k: string }>).flatMap((r) => [{ kitNumber: r.k, kind: 'carton' }, { kitNumber: r.k, kind: 'syringe' }]),
    'labels.print': (db.prepare('SELECT kit_number AS k FROM dispensing_kits LIMIT 2').all() as Array<{ k: string }>).map((r) => ({ kitNumber: r.k, kind: 'carton', reprintReason: 'harness probe' })),
    'devices.printLabel': (db.prepare('SELECT kit_number AS k FROM dispensing_kits LIMIT 2').all() as Array<{ k: string }>).map((r) => ({ kitNumber: r.k, kind: 'syringe', reprintReason: 'harness probe' })),
    'devices.retryJob': (db.prepare('SELECT id FROM label_prints LIMIT 3').all() as Array<{ id: number }>).map((r) => ({ jobId: r.id })),
    'devices.simulateScan': someKits.slice(0, 2).map((code) => ({ code })),
    'returns.record': someKits.slice(0, 3).map((code) => ({ code, condition: 'used', unitsReturned: 1, source: 'scanner' })),
    'returns.edit': someKits.slice(0, 2).map((kitNumber) => ({ kitNumber, condition: 'used', unitsReturned: 1, reason: 'harness probe' })),
    'returns.verify': [{ kitNumbers: (db.prepare('SELECT kit_number AS k FROM kit_returns LIMIT 5').all() as Array<{ k: string }>).map((r) => r.k) }],
    'destruction.certificate': (db.prepare('SELECT id FROM destructions').all() as Array<{ id: number }>).map((r) => ({ destructionId: r.id })),
    'reports.render': [
      ...(['accountability', 'inventory', 'expiring', 'patient_history'] as const).flatMap((report) => (['csv', 'pdf'] as const).map((format) => ({ report, format, days: 400 }))),
      ...patients.map((p) => ({ report: 'patient_history', format: 'csv', patientId: p.id })),
    ],
    // With a wrong passphrase: the right one reveals on purpose, to the caller only (tests/integration/accountability.test.ts).
    'emergency.unblind': patients.map((p) => ({ patientId: p.id, reason: 'harness probe of the refusal', adverseEvent: false, passphrase: 'HARNE-SSPRO-BEPAS-SPHRA', signature })),
  };
}

export interface HarnessResult {
  leaks: Leak[];
  calls: number;
  /** Channel names each blinded role called (allowed ones), for the coverage assertion. */
  called: Map<Role, Set<string>>;
}

/** Logs in as every blinded role and calls every channel the role may call, with the examples and the real inputs. */
export async function runChannelLeakHarness(t: TestCore, truth: SponsorTruth): Promise<HarnessResult> {
  const leaks: Leak[] = [];
  const called = new Map<Role, Set<string>>();
  let calls = 0;
  for (const role of ROLES.filter((r) => ROLE_IS_BLINDED[r])) {
    const window = await t.loginAs(role, `leak-harness-${role}`);
    const mine = new Set<string>();
    called.set(role, mine);
    const inputs = realInputs(t, role);
    for (const { name, definition } of channels) {
      if (SESSION_CHANGING.has(name)) continue;
      const access = definition.access;
      const allowed = access === 'public' || access === 'session' || access === 'locked' || ROLE_PERMISSIONS[role].includes(access);
      if (!allowed) continue;
      mine.add(name);
      const examples = REAL_INPUTS_ONLY.has(name) ? [] : definition.examples;
      for (const input of [...examples, ...(inputs[name] ?? [])]) {
        const result = await t.core.dispatch(window, name, input);
        calls++;
        const where = `${role} ${name} ${JSON.stringify(input).slice(0, 60)}`;
        leaks.push(...inspect(where, result, truth));
        for (const text of filesAsText(result)) leaks.push(...inspect(`${where} (file)`, text, truth));
      }
    }
    await t.core.dispatch(window, 'session.logout', {});
  }
  return { leaks, calls, called };
}
