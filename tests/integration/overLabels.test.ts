import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seal, sealedField } from '../../main/core/crypto/allocationCipher';
import { ZebraLoopbackSink } from '../../main/core/devices/models/zebraLoopbackSink';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * Issue 16, item 2: expiry extension and recall of a lot that holds kits of BOTH arms, and the over-labels an extension
 * queues. The demo's lots are one arm each, each with its own date; here the sponsor's truth is rewritten (sealed with
 * the allocation key, as an import writes it) so that every kit has one real expiry and lot MIX holds kits of both arms
 * in the trial's 2:1 ratio. Extending MIX moves the blinded date (no arm is revealed), so its kits on the shelf get
 * over-labels; extending a one-arm lot afterwards would reveal that arm, so the blinded date stays and nothing is queued.
 */
let t: TestCore;
const sponsor = new Map<string, { arm: string; lot: string; expiry: string }>();
let forbidden: RegExp;
let ph: string;
const COMMON = '2027-06-30';
const MIX_DATE = '2027-12-31';
const ONE_ARM_DATE = '2028-06-30';
const mix: string[] = [];
const oneArm: string[] = [];

const rows = <T>(sql: string, ...params: unknown[]) => t.sql<T>(sql, ...params);
const statusOf = async (kit: string) => (await rows<{ s: string }>('SELECT status AS s FROM kits WHERE kit_number = ?', kit))[0]!.s;
const useBeforeOf = async (kit: string) => (await rows<{ d: string }>('SELECT use_before AS d FROM kits WHERE kit_number = ?', kit))[0]!.d;
const sign = () => ({ username: t.userOf('unblinded_pharmacist').username, password: t.userOf('unblinded_pharmacist').password });
const queuedAudit = async () => Number((await rows<{ n: number }>("SELECT count(*) AS n FROM audit_events WHERE action = 'lot.over_labels_queued'"))[0]!.n);

async function call<T = unknown>(window: string, channel: string, input: unknown): Promise<T> {
  const r = await t.core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

beforeAll(async () => {
  t = await demoCore({ history: true });
  for (const row of Papa.parse<Record<string, string>>(t.demo.lists.kits.trim(), { header: true }).data) sponsor.set(row.kit_number!, { arm: row.arm!, lot: row.lot!, expiry: row.expiry_date! });
  const words = new Set<string>(['Placebo', 'PLACEBO', 'Dupilumab', 'MIXLOT', 'ONEARMLOT']);
  for (const { arm, lot } of sponsor.values()) words.add(arm).add(lot);
  forbidden = new RegExp([...words].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
  ph = await t.loginAs('unblinded_pharmacist', 'ol-ph');
  const key = t.core.custody.keyOf(ph)!;
  // One real expiry for every kit: the dates no longer reveal arms, and the blinded date is free to follow the letter.
  const available = (await rows<{ k: string }>("SELECT kit_number AS k FROM kits WHERE status = 'available' ORDER BY kit_number")).map((r) => r.k);
  const arms = [...new Set([...sponsor.values()].map((v) => v.arm))].sort();
  const ofArm = (arm: string) => available.filter((k) => sponsor.get(k)!.arm === arm);
  // The majority arm (2 of 3 patients) and the other one, from the kit list itself.
  const [big, small] = [...arms].sort((a, b) => ofArm(b).length - ofArm(a).length) as [string, string];
  mix.push(...ofArm(big).slice(0, 4), ...ofArm(small).slice(0, 2));
  oneArm.push(...ofArm(big).slice(4, 7));
  for (const [kit] of sponsor) {
    const lot = mix.includes(kit) ? 'MIXLOT' : oneArm.includes(kit) ? 'ONEARMLOT' : null;
    await rows('UPDATE kits SET expiry_sealed = ?, lot_sealed = COALESCE(?, lot_sealed), use_before = ? WHERE kit_number = ?', seal(key, COMMON, sealedField.kitExpiry(kit)), lot && seal(key, lot, sealedField.kitLot(kit)), COMMON, kit);
  }
  // The opened stock index rebuilds at its next use, as after an import (KitRepository.bumpSealedVersion).
  const revision = (await rows<{ v: string }>("SELECT value AS v FROM settings WHERE key = 'kits.sealedRevision'"))[0]?.v ?? '0';
  await rows("INSERT INTO settings (key, value) VALUES ('kits.sealedRevision', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", String(Number(revision) + 1));
}, 180_000);
afterAll(() => t.dispose());

describe('a lot holding both arms', () => {
  it('recall preview: both arms, no one-arm warning; a one-arm lot warns', async () => {
    const preview = await call<{ arms: Array<{ code: string; kits: number }>; oneArmWarning: boolean; toQuarantine: string[] }>(ph, 'lots.recallPreview', { lot: 'MIXLOT' });
    expect(preview.arms.map((a) => a.kits).sort()).toEqual([2, 4]);
    expect(preview.oneArmWarning).toBe(false);
    expect([...preview.toQuarantine].sort()).toEqual([...mix].sort());
    expect((await call<{ oneArmWarning: boolean }>(ph, 'lots.recallPreview', { lot: 'ONEARMLOT' })).oneArmWarning).toBe(true);
  });

  it('extension: the blinded date follows the letter on both arms, and each kit on the shelf gets an over-label with it', async () => {
    const done = await call<{ kits: string[]; useBeforeChanged: string[]; overLabels: string[]; expiryReveals: boolean }>(ph, 'lots.extendExpiry', {
      lot: 'MIXLOT',
      newExpiry: MIX_DATE,
      letterReference: 'SPN-EXT-MIX',
      signature: sign(),
    });
    expect(done.expiryReveals).toBe(false);
    expect([...done.useBeforeChanged].sort()).toEqual([...mix].sort());
    expect([...done.overLabels].sort()).toEqual([...mix].sort());
    for (const k of mix) expect(await useBeforeOf(k)).toBe(MIX_DATE);
    expect(await queuedAudit()).toBe(1);
    const list = await call<Array<{ kitNumber: string; useBefore: string; printed: boolean }>>(ph, 'lots.overLabels', { pendingOnly: true });
    expect(list.map((o) => o.kitNumber).sort()).toEqual([...mix].sort());
    expect(list.every((o) => o.useBefore === MIX_DATE && !o.printed)).toBe(true);
    expect(JSON.stringify(list)).not.toMatch(forbidden);
  });

  it('the over-label shows the kit and the new blinded date only, as PNG and PDF; a dispensed or unknown kit gets none', async () => {
    const preview = await call<{ kitNumber: string; useBefore: string; pngBase64: string; widthMm: number; heightMm: number }>(ph, 'lots.overLabelPreview', { kitNumber: mix[0] });
    expect(preview).toMatchObject({ kitNumber: mix[0], useBefore: MIX_DATE });
    expect(Buffer.from(preview.pngBase64, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(preview.heightMm).toBeLessThan(10);
    const pdf = await call<{ fileName: string; base64: string }>(ph, 'lots.overLabelDownload', { kitNumber: mix[0], format: 'pdf' });
    expect(pdf.fileName).toBe(`over-label-${mix[0]}.pdf`);
    expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const given = (await rows<{ k: string }>('SELECT kit_number AS k FROM dispensing_kits LIMIT 1'))[0]!.k;
    expect(await t.core.dispatch(ph, 'lots.overLabelPreview', { kitNumber: given })).toMatchObject({ ok: false, error: { code: 'conflict', key: 'lots.overLabelNotOnShelf' } });
    expect(await t.core.dispatch(ph, 'lots.overLabelPreview', { kitNumber: 'NO-SUCH-KIT' })).toMatchObject({ ok: false, error: { code: 'not_found', key: 'lots.overLabelUnknownKit' } });
  });

  it('printing: no printer chosen is refused by key; a printer that confirms marks the over-label printed, audited; its ZPL has no arm', async () => {
    const refused = await t.core.dispatch(ph, 'lots.printOverLabel', { kitNumber: mix[0] });
    expect(refused).toMatchObject({ ok: false, error: { key: 'labels.noPrinterSyringe' } });
    // A Zebra on the loopback interface that answers its status query and keeps the jobs it prints.
    const zebra = new ZebraLoopbackSink();
    const port = await zebra.start();
    try {
      await call(ph, 'devices.configurePrinter', { kind: 'syringe', choice: { printer: { type: 'zebra_tcp', host: '127.0.0.1', port }, labelSize: 'zebra_102x51' } });
      const printed = await call<{ printed: boolean; useBefore: string; error: string | null }>(ph, 'lots.printOverLabel', { kitNumber: mix[0] });
      expect(printed).toMatchObject({ printed: true, useBefore: MIX_DATE, error: null });
      // The sink keeps a job once its connection closes, just after the printer's confirmation.
      await vi.waitFor(() => expect(zebra.jobs.length).toBeGreaterThan(0));
      const zpl = zebra.jobs.map((j) => j.zpl).join('\n');
      expect(zpl).toContain('^XA');
      expect(zpl).toContain(mix[0]);
      expect(zpl).not.toMatch(forbidden);
    } finally {
      await zebra.stop();
    }
    const list = await call<Array<{ kitNumber: string; printed: boolean }>>(ph, 'lots.overLabels', {});
    expect(list.find((o) => o.kitNumber === mix[0])!.printed).toBe(true);
    expect(list.filter((o) => !o.printed)).toHaveLength(mix.length - 1);
    // Still to print come first.
    expect(list.at(-1)!.kitNumber).toBe(mix[0]);
    expect(Number((await rows<{ n: number }>("SELECT count(*) AS n FROM audit_events WHERE action = 'label.over_label_printed' AND entity_id = ?", mix[0]))[0]!.n)).toBe(1);
  });

  it('a one-arm lot: the new date would reveal its arm, so the blinded date stays and no over-label is queued', async () => {
    const before = Object.fromEntries(await Promise.all(oneArm.map(async (k) => [k, await useBeforeOf(k)])));
    const done = await call<{ useBeforeChanged: string[]; overLabels: string[]; expiryReveals: boolean }>(ph, 'lots.extendExpiry', {
      lot: 'ONEARMLOT',
      newExpiry: ONE_ARM_DATE,
      letterReference: 'SPN-EXT-ONE',
      signature: sign(),
    });
    expect(done).toMatchObject({ expiryReveals: true, useBeforeChanged: [], overLabels: [] });
    for (const k of oneArm) expect(await useBeforeOf(k)).toBe(before[k]);
    expect(await queuedAudit()).toBe(1);
    const list = await call<Array<{ kitNumber: string }>>(ph, 'lots.overLabels', {});
    for (const k of oneArm) expect(list.map((o) => o.kitNumber)).not.toContain(k);
  });

  it('blinded roles: the over-label channels are refused, and what they read after both extensions names no arm, real lot or real date', async () => {
    for (const role of ['investigator', 'monitor', 'study_nurse', 'administrator', 'pharmacy_technician'] as const) {
      const w = await t.loginAs(role, `ol-${role}`);
      for (const [channel, input] of [
        ['lots.overLabels', {}],
        ['lots.overLabelPreview', { kitNumber: mix[1] }],
        ['lots.overLabelDownload', { kitNumber: mix[1], format: 'png' }],
        ['lots.printOverLabel', { kitNumber: mix[1] }],
      ] as const) {
        const r = await t.core.dispatch(w, channel, input);
        expect(r, `${role} ${channel}`).toMatchObject({ ok: false, error: { code: 'forbidden' } });
        expect(JSON.stringify(r)).not.toMatch(forbidden);
      }
      const answers: unknown[] = [];
      for (const [channel, input] of [
        ['inventory.kits', {}],
        ['kitStory.view', { code: mix[0] }],
        ['kitStory.view', { code: oneArm[0] }],
        ['audit.list', { order: 'newest', pageSize: 500 }],
      ] as const) {
        const r = await t.core.dispatch(w, channel, input);
        if (r.ok) answers.push(r.value);
      }
      const text = JSON.stringify(answers);
      expect(text, role).not.toMatch(forbidden);
      expect(text, role).not.toContain(ONE_ARM_DATE);
    }
  });

  it('recall of the two-arm lot quarantines both arms at once', async () => {
    const done = await call<{ quarantined: string[] }>(ph, 'lots.recall', { lot: 'MIXLOT', letterReference: 'SPN-RCL-MIX', reason: 'Sponsor recall of a mixed lot', signature: sign() });
    expect([...done.quarantined].sort()).toEqual([...mix].sort());
    for (const k of mix) expect(await statusOf(k)).toBe('quarantined');
    // Quarantined kits still carry the new date: their over-labels stay on the list.
    expect((await call<Array<{ kitNumber: string }>>(ph, 'lots.overLabels', {})).map((o) => o.kitNumber).sort()).toEqual([...mix].sort());
  });
});
