/**
 * A Veil core for the hardware scenarios: a fresh database in /tmp (tmpfs inside the VM) seeded with the NS-DUPI demo,
 * every kit received, one patient registered and randomized, the D1 plan made (the scenarios scan its kits with the
 * HID scanner, then dispense them, then print their syringe labels on the DYMO). Its devices are the production ones
 * over the transport given (node-hid, recorded), re-enumerated every 2 s for hot-plug.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { HidTransport } from '../../main/core/devices/hidTransport';
import { seedDemo, type DemoResult } from '../../main/core/demo/demoSeed';
import { openVeilCoreInternals, type VeilCoreInternals } from '../../main/core/veilCore';
import { FakeClock } from '../helpers/core';

export interface KitRow {
  kit_number: string;
  arm: string;
  lot: string;
  expiry_date: string;
  gtin: string;
  serial: string;
}

export interface Pharmacy {
  core: VeilCoreInternals;
  demo: DemoResult;
  /** Window of the logged-in unblinded pharmacist. */
  ph: string;
  kits: Map<string, KitRow>;
  patientId: number;
  /** The kits the D1 plan suggests (two: the visit needs two kits). */
  suggestions: string[];
  /** Confirms the D1 dispensing of these kits (scanned), signed by the pharmacist. */
  dispense(kits: string[]): Promise<void>;
  call<T = unknown>(channel: string, input: unknown, window?: string): Promise<T>;
  setupMs: Record<string, number>;
  dispose(): void;
}

export async function openPharmacy(transport: HidTransport, options: { statusTimeoutMs?: number } = {}): Promise<Pharmacy> {
  const setupMs: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    setupMs[name] = now - t;
    t = now;
  };
  const dir = mkdtempSync(join(tmpdir(), 'veil-hw-'));
  const clock = new FakeClock();
  const core = await openVeilCoreInternals({
    dbFile: join(dir, 'veil.db'),
    mode: 'browser',
    clock,
    idleSweepMs: 0,
    devices: { transport, pollMs: 2000, statusTimeoutMs: options.statusTimeoutMs ?? 3000 },
  });
  const demo = await seedDemo(core, clock, { history: false });
  lap('seed');
  const pharmacist = demo.users.find((u) => u.role === 'unblinded_pharmacist')!;
  const ph = 'ph';
  const login = await core.dispatch(ph, 'session.login', { username: pharmacist.username, password: pharmacist.password });
  if (!login.ok) throw new Error(`login failed: ${login.error.message}`);
  const call = async <T = unknown>(channel: string, input: unknown, window = ph): Promise<T> => {
    const r = await core.dispatch(window, channel, input);
    if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
    return r.value as T;
  };
  const sig = { password: pharmacist.password };

  const shipment = await call<{ id: number; kits: Array<{ kitNumber: string }> }>('shipments.create', { reference: 'SHP-HW', from: { kind: 'all_unshipped' } });
  for (const kit of shipment.kits) await call('shipments.scanKit', { shipmentId: shipment.id, code: kit.kitNumber, source: 'scanner' });
  await call('shipments.close', { shipmentId: shipment.id, temperature: 'no_alarm' });
  lap('receive');

  const p = await call<{ id: number }>('patients.register', { screeningNumber: 'S-HW1', initials: 'hw', yearOfBirth: 1980, investigator: 'Dr Inès Moreau' });
  await call('patients.randomize', { patientId: p.id, signature: { username: pharmacist.username, ...sig } });
  const plan = await call<{ suggestions: string[] }>('dispensing.plan', { patientId: p.id, visitCode: 'D1' });
  await call('devices.configurePrinter', { kind: 'syringe', choice: { printer: { type: 'dymo' }, labelSize: 'tape_12mm' } });
  lap('patient');

  const kits = new Map<string, KitRow>();
  for (const row of Papa.parse<KitRow>(demo.lists.kits.trim(), { header: true }).data) kits.set(row.kit_number, row);

  return {
    core,
    demo,
    ph,
    kits,
    patientId: p.id,
    suggestions: plan.suggestions,
    async dispense(kitNumbers) {
      await call('dispensing.confirm', { patientId: p.id, visitCode: 'D1', kits: kitNumbers.map((kitNumber) => ({ kitNumber, source: 'scanner' })), signature: sig });
    },
    call,
    setupMs,
    dispose() {
      core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
