import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VeilCoreInternals } from '../../main/core/veilCore';
import type { Role } from '../../shared/roles';
import { demoCore, FakeClock, openCopy, type TestCore } from '../helpers/core';

/**
 * Issue 11, item 1: kits expired at receipt are quarantined (held for the pharmacist's expiry review). The hold is
 * decided at import, where the key is, and shows blinded users only that a kit is quarantined, with one neutral reason.
 *
 * The test builds two pharmacies that differ only in the arm of the kits: in world A the expired kit is active
 * (DUPI300) and the fresh one placebo, in world B the other way round, each kit with its arm's own lot name as sponsors
 * label them. Everything a blinded user can read after import, receipt and the pharmacist's rejection of the expired
 * kit (kit list and totals, shipments, every blinded report, the whole audit trail, the label queue) must be the same
 * in both worlds, once the values that follow the file's bytes (its SHA-256, the hash chain over it) are set aside.
 *
 * Residual, by design and documented: the held kits are the same in both worlds, so blinded users do see which kits
 * were held. When only one arm's lot is expired (as here), whoever also knows that fact learns the held kits' arm.
 * Those kits are never dispensed (an expired kit cannot be released), so no patient's arm follows from it; the
 * pharmacist sees the held kits and their arms at the check, the import and the use-before review to weigh it.
 */
const MIRROR: Record<string, string> = { DUPI300: 'PLACEBO', PLACEBO: 'DUPI300' };
const LOT_OF: Record<string, { old: string; fresh: string }> = { DUPI300: { old: 'DX-OLD', fresh: 'DX-NEW' }, PLACEBO: { old: 'PX-OLD', fresh: 'PX-NEW' } };

/**
 * One copy of the seeded demo pharmacy (same kit numbers, same users), with its own clock at the same moment, on the
 * run's engine; `base` itself is never changed, so both copies start from the same records.
 */
async function copyOf(base: TestCore): Promise<{ core: VeilCoreInternals; dispose: () => void }> {
  const core = await openCopy(base, { clock: new FakeClock(base.clock.now()) });
  return { core, dispose: () => core.close() };
}

async function world(base: TestCore, expiredArm: 'DUPI300' | 'PLACEBO'): Promise<{ dispose: () => void; view: unknown }> {
  const copy = await copyOf(base);
  const call = async (window: string, channel: string, input: unknown) => {
    const r = await copy.core.dispatch(window, channel, input);
    if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
    return r.value as never;
  };
  const login = async (role: Role) => {
    const user = base.userOf(role);
    await call(role, 'session.login', { username: user.username, password: user.password });
    return role;
  };
  const ph = await login('unblinded_pharmacist');
  const tech = await login('pharmacy_technician');
  const monitor = await login('monitor');
  const sig = { username: 'pharmacist', password: base.userOf('unblinded_pharmacist').password };
  const freshArm = MIRROR[expiredArm]!;
  const rows = [
    ['900001', expiredArm, LOT_OF[expiredArm]!.old, '2026-11-20'],
    ['900002', freshArm, LOT_OF[freshArm]!.fresh, '2027-10-31'],
  ];
  const csv = 'kit_number,arm,lot,expiry_date\r\n' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
  await call(ph, 'allocation.importList', { kind: 'kits', fileName: 'late_kits.csv', contentBase64: Buffer.from(csv, 'utf8').toString('base64'), signature: sig });
  const demoKits = ((await call(tech, 'inventory.kits', { status: 'expected' })) as Array<{ kitNumber: string }>).slice(0, 6).map((k) => k.kitNumber);
  const kits = ['900001', '900002', ...demoKits];
  const shipment = (await call(tech, 'shipments.create', { reference: 'SHP-LATE', from: { kind: 'kits', kitNumbers: kits } })) as { id: number };
  for (const k of kits) await call(tech, 'shipments.scanKit', { shipmentId: shipment.id, code: k, source: 'scanner' });
  await call(tech, 'shipments.close', { shipmentId: shipment.id, temperature: 'no_alarm' });
  await call(ph, 'shipments.decideQuarantine', { kitNumbers: ['900001'], decision: 'reject', reason: 'Expired at receipt', signature: sig });

  const file = async (window: string, report: string) => Buffer.from(((await call(window, 'reports.render', { report, format: 'csv', days: 730 })) as { base64: string }).base64, 'base64').toString('utf8');
  const view = {
    kits: await call(tech, 'inventory.kits', {}),
    summary: await call(tech, 'inventory.summary', {}),
    shipments: await call(tech, 'shipments.list', {}),
    labels: await call(tech, 'labels.queue', {}),
    reports: Object.fromEntries(await Promise.all(['accountability', 'inventory', 'expiring', 'patient_history'].map(async (r) => [r, await file(tech, r)] as const))),
    audit: await call(monitor, 'audit.list', { pageSize: 500 }),
    auditCsv: ((await call(monitor, 'audit.exportCsv', {})) as { csv: string }).csv,
  };
  return { dispose: copy.dispose, view };
}

/**
 * Sets aside what follows the list file's bytes (its SHA-256) and the hash chain over it, and on PostgreSQL the name of
 * the anchor file the reopened copy starts (named after its database, and the two worlds are two databases there; on
 * SQLite both are files named veil.db); nothing else.
 */
function withoutFileHashes(value: unknown): unknown {
  const text = JSON.stringify(value, (key, v: unknown) => (/^(hash|sha256|seal|prevHash|recordHash)$/i.test(key) ? '<hash>' : v));
  // Full hashes, and the file's SHA-256 as the trail's descriptions abbreviate it ("SHA-256 e299045dc466…").
  return JSON.parse(
    text
      .replace(/\b[0-9a-f]{64}\b/g, '<hash>')
      .replace(/SHA-256 [0-9a-f]{12}…/g, 'SHA-256 <hash>')
      .replace(/postgres-[0-9a-f]{12}\.audit-anchors/g, 'postgres-<database>.audit-anchors'),
  );
}

let base: TestCore;
let a: Awaited<ReturnType<typeof world>>;
let b: Awaited<ReturnType<typeof world>>;
beforeAll(async () => {
  base = await demoCore();
  a = await world(base, 'DUPI300');
  b = await world(base, 'PLACEBO');
}, 120_000);
afterAll(() => {
  a?.dispose();
  b?.dispose();
  base?.dispose();
});

describe('a kit held at receipt for its expiry (issue 11.1)', () => {
  it('is quarantined in both worlds, the fresh kit available: the hold itself is the residual blinded users see', () => {
    for (const w of [a, b]) {
      const kits = (w.view as { kits: Array<{ kitNumber: string; status: string; useBefore: string }> }).kits;
      const of = (n: string) => kits.find((k) => k.kitNumber === n)!;
      expect(of('900002').status).toBe('available');
      // Rejected after the hold: damaged, on its way to destruction.
      expect(of('900001').status).toBe('damaged');
      expect(of('900002').useBefore >= '2026-11-25').toBe(true);
    }
  });

  it('leaves no blinded channel telling which arm the held kit belongs to', () => {
    expect(JSON.stringify(a.view)).not.toBe(''); // the views were read
    expect(withoutFileHashes(a.view)).toEqual(withoutFileHashes(b.view));
  });

  it('the audit trail records the hold with its neutral reason, in words that carry no arm, lot or real date', () => {
    const csv = (a.view as { auditCsv: string }).auditCsv;
    expect(csv).toContain('Held at receipt for the pharmacist’s expiry review');
    for (const word of ['DUPI300', 'PLACEBO', 'DX-OLD', 'PX-OLD', 'DX-NEW', 'PX-NEW', '2026-11-20', '2027-10-31']) expect(csv).not.toContain(word);
  });
});
