import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelJob } from '../../shared/contract/devices';
import { deviceCore, type DeviceTestCore } from '../unit/devices/helpers';
import { labelTexts } from '../../shared/labels/layout';
import { rawRows } from '../helpers/rawSql';

/**
 * Labels of dispensed kits on the demo with its simulated printers (a DYMO for syringe labels, the loopback Zebra for
 * cartons). A label is printed when a printer confirms its job; a file downloaded (PDF, PNG, ZPL, DYMO stream) is
 * recorded as a download and never counts as a print, so it cannot turn the first real print into a "reprint".
 */
let t: DeviceTestCore;
let tech: string;
beforeAll(async () => {
  t = await deviceCore();
  tech = await t.loginAs('pharmacy_technician');
}, 120_000);
afterAll(async () => t.dispose());

type QueueItem = { kitNumber: string; kind: string; prints: number; lastPrintedAt: string | null };
const printsOf = async (kit: string, kind: string) => (await t.call<QueueItem[]>(tech, 'labels.queue', {})).find((q) => q.kitNumber === kit && q.kind === kind)!.prints;

describe('label service', () => {
  it('queues a carton and a syringe label for every dispensed kit and previews them', async () => {
    const items = await t.call<QueueItem[]>(tech, 'labels.queue', { pendingOnly: true });
    expect(items.length).toBe((await t.dispensedKits()).length * 2);
    const preview = await t.call<{ pngBase64: string; widthMm: number; heightMm: number }>(tech, 'labels.preview', { kitNumber: items[0]!.kitNumber, kind: 'carton' });
    expect(preview).toMatchObject({ widthMm: 100, heightMm: 50 });
    expect(Buffer.from(preview.pngBase64, 'base64').subarray(1, 4).toString()).toBe('PNG');
  });

  it('a PDF download is not a print: the first label a printer prints after downloads needs no reason, the next one does', async () => {
    const kit = (await t.dispensedKits())[2]!;
    for (let i = 0; i < 2; i++) {
      const file = await t.call<{ fileName: string; mime: string; base64: string }>(tech, 'labels.download', { kitNumber: kit, kind: 'carton', format: 'pdf' });
      expect(file).toMatchObject({ fileName: `label-${kit}-carton.pdf`, mime: 'application/pdf' });
      expect(Buffer.from(file.base64, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
    }
    expect(await printsOf(kit, 'carton')).toBe(0);
    expect((await t.core.audit.query({ entityId: kit, action: 'label.downloaded' })).map((e) => e.after)).toEqual([
      { kind: 'carton', format: 'pdf' },
      { kind: 'carton', format: 'pdf' },
    ]);

    const first = await t.call<{ job: LabelJob }>(tech, 'devices.printLabel', { kitNumber: kit, kind: 'carton' });
    expect(first.job).toMatchObject({ status: 'printed', reprint: false });
    expect(await printsOf(kit, 'carton')).toBe(1);
    const refused = await t.refused(tech, 'devices.printLabel', { kitNumber: kit, kind: 'carton' });
    expect(refused).toMatchObject({ code: 'validation', message: expect.stringContaining('reprint') });
    const again = await t.call<{ job: LabelJob }>(tech, 'devices.printLabel', { kitNumber: kit, kind: 'carton', reprintReason: 'Label smudged' });
    expect(again.job).toMatchObject({ status: 'printed', reprint: true });
    expect(await printsOf(kit, 'carton')).toBe(2);
    const events = (await t.core.audit.query({ entityId: kit })).map((e) => [e.action, e.reason]);
    expect(events).toContainEqual(['label.printed', null]);
    expect(events).toContainEqual(['label.reprinted', 'Label smudged']);
  });

  it('a download recorded as a "pdf" print by an earlier version is not counted as a print', async () => {
    const kit = (await t.dispensedKits())[3]!;
    const techId = (await t.core.repositories.users.byUsername('technician'))!.id;
    await rawRows(
      t.core.store,
      "INSERT INTO label_prints (study_id, kit_number, kind, requested_at, user_id, reprint_reason, status, printer, done_at) VALUES (?, ?, 'syringe', ?, ?, NULL, 'printed', 'pdf', ?)",
      [t.core.scope.id(), kit, '2026-11-01T10:00:00.000Z', techId, '2026-11-01T10:00:00.000Z'],
    );
    expect(await printsOf(kit, 'syringe')).toBe(0);
    const { job } = await t.call<{ job: LabelJob }>(tech, 'devices.printLabel', { kitNumber: kit, kind: 'syringe' });
    expect(job).toMatchObject({ status: 'printed', reprint: false });
  });

  it('downloads every format of the one layout, and refuses a kit never dispensed and a role without labels.print', async () => {
    const kit = (await t.dispensedKits())[0]!;
    const file = async (format: string, kind = 'carton') => Buffer.from((await t.call<{ base64: string }>(tech, 'labels.download', { kitNumber: kit, kind, format })).base64, 'base64');
    expect((await file('zpl')).toString('latin1')).toMatch(/^\^XA[\s\S]*\^XZ\s*$/);
    expect((await file('png')).subarray(1, 4).toString('latin1')).toBe('PNG');
    const dymo = await file('dymo', 'syringe');
    expect(dymo[dymo.length - 1]).toBe(0x45); // ESC E: cut
    const notDispensed = (await rawRows<{ k: string }>(t.core.store, "SELECT kit_number AS k FROM kits WHERE status = 'available' LIMIT 1"))[0]!.k;
    expect(await t.refused(tech, 'labels.download', { kitNumber: notDispensed, kind: 'syringe', format: 'pdf' })).toMatchObject({ code: 'not_found' });
    expect(await t.refused(tech, 'labels.preview', { kitNumber: notDispensed, kind: 'syringe' })).toMatchObject({ code: 'not_found' });
    expect((await t.core.audit.query({ entityId: notDispensed, action: 'label.downloaded' }))).toEqual([]);
    const inv = await t.loginAs('investigator');
    expect(await t.refused(inv, 'labels.download', { kitNumber: kit, kind: 'carton', format: 'pdf' })).toMatchObject({ code: 'forbidden' });
    expect(await t.refused(inv, 'labels.queue', {})).toMatchObject({ code: 'forbidden' });
  });

  it('prints in the study\'s label language (French for NS-DUPI, its sites are in France), English on request', async () => {
    const kit = (await t.dispensedKits())[0]!;
    const text = async (language?: 'en' | 'fr') => labelTexts(await t.core.labels.layout(kit, 'carton', language)).map((l) => l.text.replace(/\u00a0/g, ' ')).join(' | ');
    expect(await text()).toContain('À utiliser avant');
    expect(await text()).toContain('Pour essai clinique uniquement');
    expect(await text()).not.toContain('Use before');
    expect(await text('en')).toContain('Use before');
    expect(await text('en')).toContain('For clinical trial use only');
  });
});
