import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { demoKitCsv, demoRandomizationCsv } from '../../main/core/demo/demoLists';
import { StudyConfig } from '../../shared/study/studyConfig';
import { channelCalls } from './channels';
import type { TestCore } from './core';

/** BRAVE-AA2's study file (studies/brave-aa2.json), as bytes and as parsed. */
export const BRAVE_FILE = readFileSync(join(__dirname, '../../studies/brave-aa2.json'));
export const BRAVE = StudyConfig.parse(JSON.parse(BRAVE_FILE.toString('utf8')));

/** What the sponsor's lists say: each kit's type, content and real expiry; each slot's arm and stratum. */
export interface BraveTruth {
  kitOf: Map<string, { type: string; content: string; expiry: string }>;
  slotOf: Map<string, { arm: string; stratum: string }>;
}

const base64 = (bytes: string | Buffer) => Buffer.from(bytes).toString('base64');
const rows = (csv: string) => Papa.parse<Record<string, string>>(csv.trim(), { header: true }).data;

/**
 * BRAVE-AA2 beside the demo's NS-DUPI, through the channels, as the demo's unblinded pharmacist (who alone is delegated
 * to it by the load): loaded, keyed, its lists imported (the demo's generators: main/core/demo/demoLists.ts) and every
 * kit received. `window` is left working in BRAVE-AA2. Returns the lists' truth, read back from the CSV text.
 */
export async function loadBrave(t: TestCore, window: string, sizes: { slots?: number; kits?: number } = {}): Promise<BraveTruth> {
  const { ok, sign } = channelCalls(() => t);
  const password = { password: t.userOf('unblinded_pharmacist').password };
  await ok(window, 'study.load', { fileName: 'brave-aa2.json', contentBase64: base64(BRAVE_FILE), signature: sign('unblinded_pharmacist') });
  await ok(window, 'session.switchStudy', { code: BRAVE.code });
  await ok(window, 'allocation.setUpKey', { signature: sign('unblinded_pharmacist') });
  const truth: BraveTruth = { kitOf: new Map(), slotOf: new Map() };
  const randomization = demoRandomizationCsv(BRAVE, sizes.slots ?? 42);
  for (const r of rows(randomization)) truth.slotOf.set(r.randomization_number!, { arm: r.arm!, stratum: r.stratum! });
  await ok(window, 'allocation.importList', { kind: 'randomization', fileName: 'brave-randomization.csv', contentBase64: base64(randomization), signature: password });
  const kits = demoKitCsv(BRAVE, sizes.kits ?? 160);
  for (const r of rows(kits)) truth.kitOf.set(r.kit_number!, { type: r.kit_type!, content: r.content!, expiry: r.expiry_date! });
  await ok(window, 'allocation.importList', { kind: 'kits', fileName: 'brave-kits.csv', contentBase64: base64(kits), signature: password });
  const shipment = await ok<{ id: number; kits: Array<{ kitNumber: string }> }>(window, 'shipments.create', { reference: 'BRAVE-1', from: { kind: 'all_unshipped' } });
  for (const kit of shipment.kits) await ok(window, 'shipments.scanKit', { shipmentId: shipment.id, code: kit.kitNumber, source: 'scanner' });
  await ok(window, 'shipments.close', { shipmentId: shipment.id, temperature: 'no_alarm' });
  return truth;
}

/**
 * Registers and randomizes `count` patients (screening numbers `prefix`-1...), alternating strata, and dispenses the
 * baseline visit of each (the suggested bottle A and bottle B), as the pharmacist in `window` working in BRAVE-AA2.
 * Returns the patients with their arm (from the truth).
 */
export async function braveHistory(t: TestCore, window: string, truth: BraveTruth, count: number, prefix = 'BH'): Promise<Array<{ id: number; randomizationNumber: string; arm: string }>> {
  const { ok } = channelCalls(() => t);
  const password = { password: t.userOf('unblinded_pharmacist').password };
  const patients: Array<{ id: number; randomizationNumber: string; arm: string }> = [];
  for (let i = 1; i <= count; i++) {
    const p = await ok<{ id: number }>(window, 'patients.register', { screeningNumber: `${prefix}-${i}`, initials: 'ab', yearOfBirth: 1980 + i, investigator: 'Dr Inès Moreau', stratum: BRAVE.strata[i % 2]! });
    const r = await ok<{ patient: { id: number; randomizationNumber: string } }>(window, 'patients.randomize', { patientId: p.id, signature: password });
    const plan = await ok<{ kitsByType: Array<{ suggestions: string[] }> }>(window, 'dispensing.plan', { patientId: p.id, visitCode: 'D1' });
    const kits = plan.kitsByType.map((k) => ({ kitNumber: k.suggestions[0]!, source: 'scanner' }));
    await ok(window, 'dispensing.confirm', { patientId: p.id, visitCode: 'D1', kits, signature: password });
    patients.push({ id: r.patient.id, randomizationNumber: r.patient.randomizationNumber, arm: truth.slotOf.get(r.patient.randomizationNumber)!.arm });
  }
  return patients;
}
