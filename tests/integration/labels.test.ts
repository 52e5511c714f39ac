import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelTexts } from '../../shared/labels/layout';
import { demoCore, type TestCore } from '../helpers/core';

let t: TestCore;
beforeAll(async () => {
  t = await demoCore({ history: true });
}, 120_000);
afterAll(() => t.dispose());

const dispensedKits = () => (t.core.db.prepare('SELECT kit_number AS k FROM dispensing_kits').all() as Array<{ k: string }>).map((r) => r.k);

describe('label service', () => {
  it('queues a carton and a syringe label for every dispensed kit, and records prints and reasoned reprints', async () => {
    const w = await t.loginAs('pharmacy_technician', 'labels');
    const queue = await t.core.dispatch(w, 'labels.queue', { pendingOnly: true });
    expect(queue.ok).toBe(true);
    const items = (queue as { value: Array<{ kitNumber: string; kind: string; prints: number }> }).value;
    expect(items.length).toBe(dispensedKits().length * 2);
    const kit = items[0]!.kitNumber;

    const preview = await t.core.dispatch(w, 'labels.preview', { kitNumber: kit, kind: 'carton' });
    expect(preview).toMatchObject({ ok: true, value: { widthMm: 100, heightMm: 50 } });
    const png = Buffer.from((preview as { value: { pngBase64: string } }).value.pngBase64, 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    const first = await t.core.dispatch(w, 'labels.print', { kitNumber: kit, kind: 'carton' });
    expect(first).toMatchObject({ ok: true, value: { reprint: false, fileName: `label-${kit}-carton.pdf` } });
    expect(Buffer.from((first as { value: { pdfBase64: string } }).value.pdfBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    expect(await t.core.dispatch(w, 'labels.print', { kitNumber: kit, kind: 'carton' })).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringContaining('reprint') } });
    expect(await t.core.dispatch(w, 'labels.print', { kitNumber: kit, kind: 'carton', reprintReason: 'Label smudged' })).toMatchObject({ ok: true, value: { reprint: true } });
    const events = t.core.audit.query({ entityId: kit }).map((e) => [e.action, e.reason]);
    expect(events).toContainEqual(['label.printed', null]);
    expect(events).toContainEqual(['label.reprinted', 'Label smudged']);
    const after = (await t.core.dispatch(w, 'labels.queue', { pendingOnly: true })) as { value: unknown[] };
    expect(after.value.length).toBe(items.length - 1);
  });

  it('refuses a label for a kit that was never dispensed, and investigators cannot print', async () => {
    const w = await t.loginAs('pharmacy_technician', 'labels2');
    const notDispensed = (t.core.db.prepare("SELECT kit_number AS k FROM kits WHERE status = 'available' LIMIT 1").get() as { k: string }).k;
    expect(await t.core.dispatch(w, 'labels.preview', { kitNumber: notDispensed, kind: 'syringe' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const inv = await t.loginAs('investigator', 'labels-inv');
    expect(await t.core.dispatch(inv, 'labels.queue', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('renders the same layout as ZPL and as a DYMO stream from the CLI-facing service', async () => {
    const kit = dispensedKits()[0]!;
    const zpl = new TextDecoder().decode(await t.core.labels.render(kit, 'carton', 'zpl'));
    expect(zpl.startsWith('^XA')).toBe(true);
    expect(zpl).toContain(kit);
    const dymo = await t.core.labels.render(kit, 'syringe', 'dymo');
    expect(dymo[dymo.length - 1]).toBe(0x45); // ESC E: cut
  });

  it('prints in the study\'s label language (French for NS-DUPI, its sites are in France), English on request', () => {
    const kit = dispensedKits()[0]!;
    const text = (language?: 'en' | 'fr') => labelTexts(t.core.labels.layout(kit, 'carton', language)).map((l) => l.text.replace(/\u00a0/g, ' ')).join(' | ');
    expect(text()).toContain('À utiliser avant');
    expect(text()).toContain('Pour essai clinique uniquement');
    expect(text()).not.toContain('Use before');
    expect(text('en')).toContain('Use before');
    expect(text('en')).toContain('For clinical trial use only');
  });
});
