import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCore, type TestCore } from '../helpers/core';

/** A kit's whole story (issue 16, item 4), on the demo with its history. */
let t: TestCore;
/** The demo's kit list as the sponsor wrote it: kit number to arm, real lot and real expiry. */
const sponsor = new Map<string, { arm: string; lot: string; expiry: string }>();
beforeAll(async () => {
  t = await demoCore({ history: true });
  for (const row of Papa.parse<Record<string, string>>(t.demo.lists.kits.trim(), { header: true }).data) {
    sponsor.set(row.kit_number!, { arm: row.arm!, lot: row.lot!, expiry: row.expiry_date! });
  }
}, 180_000);
afterAll(() => t.dispose());

type Story = { kit: Record<string, string>; events: Array<{ seq: number; action: string; entityType: string; entityId: string; after: unknown; signature: { meaning: string } | null }>; seal: { seq: number } };

async function call<T>(window: string, channel: string, input: unknown): Promise<T> {
  const r = await t.core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

describe("a kit's whole story", () => {
  it('lists, in the order recorded, every event of a dispensed and returned kit: import, shipment, receipt, dispensing with its signature, return', async () => {
    const { kit } = await t.core.store
      .q()
      .selectFrom('kits as k')
      .innerJoin('kit_returns as r', 'r.kit_number', 'k.kit_number')
      .select('k.kit_number as kit')
      .where('k.status', '=', 'returned')
      .orderBy('k.kit_number')
      .limit(1)
      .executeTakeFirstOrThrow();
    const monitor = await t.loginAs('monitor', 'story-monitor');
    const story = await call<Story>(monitor, 'kitStory.view', { code: kit });
    expect(story.kit).toMatchObject({ kitNumber: kit, status: 'returned' });
    // Counted independently: the trail's rows for the kit, its shipment and its list import.
    const { import_id: importId } = await t.core.store.q().selectFrom('kits').select('import_id').where('kit_number', '=', kit).executeTakeFirstOrThrow();
    const expected = (
      await t.core.store
        .q()
        .selectFrom('audit_events')
        .select('seq')
        .where((eb) =>
          eb.or([
            eb.and([eb('entity_type', '=', 'kit'), eb('entity_id', '=', kit)]),
            eb.and([
              eb('entity_type', '=', 'shipment'),
              eb('entity_id', 'in', eb.selectFrom('shipments as s').innerJoin('shipment_kits as sk', 'sk.shipment_id', 's.id').select('s.reference').where('sk.kit_number', '=', kit)),
            ]),
            eb.and([eb('entity_type', '=', 'list_import'), eb('action', '=', 'list.kits_imported'), eb('entity_id', '=', String(importId))]),
          ]),
        )
        .orderBy('seq')
        .execute()
    ).map((r) => r.seq);
    expect(story.events.map((e) => e.seq)).toEqual(expected);
    const actions = story.events.map((e) => e.action);
    expect(actions[0]).toBe('list.kits_imported');
    for (const action of ['shipment.created', 'shipment.kit_received', 'shipment.closed', 'kit.status_changed', 'return.recorded']) expect(actions).toContain(action);
    expect(actions.indexOf('shipment.kit_received')).toBeLessThan(actions.indexOf('return.recorded'));
    const dispensed = story.events.find((e) => e.action === 'kit.status_changed' && (e.after as { status: string }).status === 'dispensed')!;
    expect(dispensed.signature?.meaning).toBeTruthy();
    expect(dispensed.after).toMatchObject({ patient: expect.stringMatching(/^S-\d+/) });
    expect(story.seal.seq).toBeGreaterThanOrEqual(expected.at(-1)!);
  });

  it('tells a blinded reader the kit as labelled only; the unblinded pharmacist gets the sponsor list arm, real lot and expiry', async () => {
    // A dispensed kit whose real expiry is not the stock's common use-before date (so its story could reveal it).
    const dispensedKits = await t.core.store.q().selectFrom('kits').select(['kit_number as k', 'use_before as u']).where('status', '=', 'dispensed').orderBy('kit_number').execute();
    const kit = dispensedKits.find((d) => sponsor.get(d.k)!.expiry !== d.u)!.k;
    const truth = sponsor.get(kit)!;
    const tech = await t.loginAs('pharmacy_technician', 'story-tech');
    const blinded = await call<Story>(tech, 'kitStory.view', { code: kit });
    const text = JSON.stringify(blinded);
    for (const secret of [truth.arm, truth.lot, 'Placebo', 'Dupilumab 300 mg', 'DUPI300', 'PLACEBO']) expect(text).not.toContain(secret);
    // The label's use-before date is the stock's common date (the earliest real expiry of all kits, by design the same
    // for every kit): the kit's own expiry is not shown unless it is that common date.
    expect(truth.expiry).not.toBe(blinded.kit.useBefore);
    expect(text).not.toContain(truth.expiry);
    expect(Object.keys(blinded.kit).sort()).toEqual(['blindedLot', 'givenTo', 'kitNumber', 'kitType', 'listFile', 'listImportedAt', 'status', 'useBefore']);
    expect(await t.core.dispatch(tech, 'kitStory.viewUnblinded', { code: kit })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const monitor = await t.loginAs('monitor', 'story-monitor-2');
    expect(await t.core.dispatch(monitor, 'kitStory.printUnblinded', { code: kit })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const pharmacist = await t.loginAs('unblinded_pharmacist', 'story-pharmacist');
    const unblinded = await call<Story>(pharmacist, 'kitStory.viewUnblinded', { code: kit });
    expect(unblinded.kit).toMatchObject({ kitNumber: kit, armCode: truth.arm, lot: truth.lot, expiry: truth.expiry });
    expect(unblinded.events.map((e) => e.seq)).toEqual(blinded.events.map((e) => e.seq));
  });

  it('includes the destruction of a destroyed kit, and prints as a PDF with the audit seal in its file name', async () => {
    const { kit_number: kit, destruction_id: destructionId } = await t.core.store
      .q()
      .selectFrom('destruction_kits')
      .select(['kit_number', 'destruction_id'])
      .orderBy('kit_number')
      .limit(1)
      .executeTakeFirstOrThrow();
    const monitor = await t.loginAs('monitor', 'story-monitor-3');
    const story = await call<Story>(monitor, 'kitStory.view', { code: kit });
    const destruction = story.events.find((e) => e.action === 'destruction.recorded');
    expect(destruction?.entityId).toBe(String(destructionId));
    const file = await call<{ fileName: string; base64: string }>(monitor, 'kitStory.print', { code: kit });
    expect(file.fileName).toMatch(new RegExp(`^kit-${kit}-story-blinded-\\d{4}-\\d{2}-\\d{2}-seal-\\d+\\.pdf$`));
    expect(Buffer.from(file.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('refuses a kit that is not in the kit list by name, and a code that is no kit', async () => {
    const monitor = await t.loginAs('monitor', 'story-monitor-4');
    expect(await t.core.dispatch(monitor, 'kitStory.view', { code: '999999999' })).toMatchObject({ ok: false, error: { code: 'not_found', key: 'kits.unknown', params: { kit: '999999999' } } });
    expect(await t.core.dispatch(monitor, 'kitStory.view', { code: '' })).toMatchObject({ ok: false, error: { code: 'validation' } });
  });
});
