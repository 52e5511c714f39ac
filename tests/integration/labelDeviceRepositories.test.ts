import { describe, expect, it } from 'vitest';
import { testStores } from '../helpers/stores';
import { type Engine, type Store } from '../../main/core/db/store';
import { DeviceRepository } from '../../main/core/devices/deviceRepository';
import { LabelRepository } from '../../main/core/labels/labelRepository';
import { LotRepository } from '../../main/core/lots/lotRepository';
import { OverLabelRepository } from '../../main/core/lots/overLabelRepository';
import { studyScope } from '../../main/core/study/studyScope';
import { DEFAULT_KEYBOARD_WEDGE, type KeyboardWedgeSettings, type PrinterSettings } from '../../shared/contract/devices';
import { addStudy } from '../helpers/studyRows';

/** Issue 13, item 2: the labels' and the devices' SQL on the Store, the same answers on both engines. */
const stores = testStores('labels-devices');
const storeOn = async (engine: Engine): Promise<Store> => (await stores.open(engine)).store;

const AT = '2026-01-05T08:00:00.000Z';

type Dispensing = { patient: 0 | 1; visit: string; at: string; kits: string[] };

/** A technician, study 1 and its signed kit-list import, the given kits, two patients and the dispensings asked for. */
async function seed(store: Store, kitNumbers: string[], dispensings: Dispensing[]) {
  const { id: techId } = await store.q().insertInto('users').values({ username: 'tech', display_name: 'Léa Martin', role: 'pharmacy_technician', password_hash: 'x', created_at: AT }).returning('id').executeTakeFirstOrThrow();
  await study(store, techId, 'NS-DUPI', 'BL', kitNumbers, dispensings);
  return { techId };
}

/**
 * A study row (the first is id 1) and, in it, a signed kit-list import of the given kits (blinded lot `<lot>-<kit>`),
 * two patients S-001 and S-002 and the dispensings asked for; returns the study's id.
 */
async function study(store: Store, techId: number, code: string, lot: string, kitNumbers: string[], dispensings: Dispensing[]): Promise<number> {
  const q = store.q();
  const study_id = await addStudy(store, code);
  const signature = async (record_type: string, record_id: string) =>
    (await q.insertInto('signatures').values({ user_id: techId, printed_name: 'Signer', meaning: 'Meaning', signed_at_utc: AT, record_type, record_id, record_hash: 'h' }).returning('id').executeTakeFirstOrThrow()).id;
  const { id: importId } = await q
    .insertInto('list_imports')
    .values({ kind: 'kits', file_name: 'kits.csv', sha256: 's', row_count: kitNumbers.length, imported_at: AT, user_id: techId, signature_id: await signature('list_import', `${code}/kits.csv`), study_id })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const kit_number of kitNumbers) {
    await q.insertInto('kits').values({ kit_number, arm_sealed: 'a', lot_sealed: 'l', expiry_sealed: 'e', blinded_lot: `${lot}-${kit_number}`, use_before: '2027-06-30', import_id: importId, study_id }).execute();
  }
  for (const [list_order, randomization_number] of ['R-101', 'R-102'].entries()) {
    await q.insertInto('randomization_slots').values({ randomization_number, list_order, stratum: 's', arm_sealed: 'a', import_id: importId, study_id }).execute();
  }
  const patients: number[] = [];
  for (const [screening_number, initials, randomization_number] of [
    ['S-001', 'AB', 'R-101'],
    ['S-002', 'CD', 'R-102'],
  ] as const) {
    const { id } = await q
      .insertInto('patients')
      .values({ screening_number, initials, year_of_birth: 1970, investigator: 'Dr X', stratum: 's', registered_at: AT, randomization_number, study_id })
      .returning('id')
      .executeTakeFirstOrThrow();
    patients.push(id);
  }
  for (const d of dispensings) {
    const { id } = await q
      .insertInto('dispensings')
      .values({ patient_id: patients[d.patient]!, visit_code: d.visit, dispensed_at: d.at, user_id: techId, signature_id: await signature('dispensing', `${code}/${d.patient}:${d.visit}`) })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const kit_number of d.kits) await q.insertInto('dispensing_kits').values({ dispensing_id: id, kit_number, source: 'scanner', study_id }).execute();
  }
  return study_id;
}

const ONE = studyScope(1);

describe.each(['sqlite', 'postgres'] as const)('the label repository on %s', (engine) => {
  it("reads a dispensed kit's label data, and nothing for a kit never dispensed", async () => {
    const store = await storeOn(engine);
    await seed(store, ['100001', '100002'], [{ patient: 1, visit: 'V3', at: '2026-01-10T09:00:00.000Z', kits: ['100001'] }]);
    const labels = new LabelRepository(store, ONE);
    expect(await labels.labelSource('100001')).toEqual({
      kitNumber: '100001',
      kitType: null,
      blindedLot: 'BL-100001',
      useBefore: '2027-06-30',
      randomizationNumber: 'R-102',
      initials: 'CD',
      investigator: 'Dr X',
      visitCode: 'V3',
    });
    expect(await labels.labelSource('100002')).toBeUndefined();
  });

  it('lists the dispensed kits oldest dispensing first, then in kit-number order', async () => {
    const store = await storeOn(engine);
    // Inserted newest first; within one dispensing '99' sorts after '100010' as text but comes first as a kit number.
    await seed(
      store,
      ['100010', '99', '100003', '100004'],
      [
        { patient: 0, visit: 'V3', at: '2026-03-01T09:00:00.000Z', kits: ['100010', '99'] },
        { patient: 1, visit: 'V2', at: '2026-02-01T09:00:00.000Z', kits: ['100004'] },
        { patient: 0, visit: 'V2', at: '2026-01-15T09:00:00.000Z', kits: ['100003'] },
      ],
    );
    expect(await new LabelRepository(store, ONE).dispensedKits()).toEqual([
      { kitNumber: '100003', patient: 'S-001', visit: 'V2', dispensedAt: '2026-01-15T09:00:00.000Z' },
      { kitNumber: '100004', patient: 'S-002', visit: 'V2', dispensedAt: '2026-02-01T09:00:00.000Z' },
      { kitNumber: '99', patient: 'S-001', visit: 'V3', dispensedAt: '2026-03-01T09:00:00.000Z' },
      { kitNumber: '100010', patient: 'S-001', visit: 'V3', dispensedAt: '2026-03-01T09:00:00.000Z' },
    ]);
  });
});

describe.each(['sqlite', 'postgres'] as const)('the device repository on %s', (engine) => {
  it('keeps the printer choices and the keyboard-wedge framing, with their defaults', async () => {
    const store = await storeOn(engine);
    const devices = new DeviceRepository(store, ONE);
    const fallback: PrinterSettings = { syringe: { printer: { type: 'dymo' }, labelSize: 'tape_12mm' }, carton: null };
    expect(await devices.printerSettings()).toEqual({ carton: null, syringe: null });
    expect(await devices.printerSettings(fallback)).toEqual(fallback);
    const chosen: PrinterSettings = { carton: { printer: { type: 'zebra_tcp', host: '10.0.0.5', port: 9100 }, labelSize: 'zebra_102x51' }, syringe: null };
    await devices.setPrinterSettings(chosen);
    expect(await devices.printerSettings(fallback)).toEqual(chosen);
    // Saved again: one row, the new value.
    await devices.setPrinterSettings({ ...chosen, syringe: fallback.syringe });
    expect(await devices.printerSettings()).toEqual({ ...chosen, syringe: fallback.syringe });
    expect(await store.q().selectFrom('settings').select('key').where('key', '=', 'printers').execute()).toHaveLength(1);

    expect(await devices.keyboardWedge()).toEqual(DEFAULT_KEYBOARD_WEDGE);
    const framed: KeyboardWedgeSettings = { ...DEFAULT_KEYBOARD_WEDGE, minLength: 7 };
    await devices.setKeyboardWedge(framed);
    await devices.setKeyboardWedge({ ...framed, minLength: 8 });
    expect(await devices.keyboardWedge()).toEqual({ ...framed, minLength: 8 });
    // The printers' choice was not touched.
    expect((await devices.printerSettings()).carton).toEqual(chosen.carton);
  });

  it('queues label jobs, marks them, counts prints (not PDF downloads) and lists the recent jobs', async () => {
    const store = await storeOn(engine);
    const { techId } = await seed(store, ['100001', '100002'], [{ patient: 0, visit: 'V2', at: '2026-01-10T09:00:00.000Z', kits: ['100001'] }]);
    const devices = new DeviceRepository(store, ONE);
    expect(await devices.isDispensed('100001')).toBe(true);
    expect(await devices.isDispensed('100002')).toBe(false);

    // A download of the old kind: 'printed' on the printer 'pdf', which is not a print.
    await store.q().insertInto('label_prints').values({ kit_number: '100001', kind: 'carton', requested_at: AT, user_id: techId, status: 'printed', printer: 'pdf', done_at: '2026-01-10T09:30:00.000Z', study_id: 1 }).execute();
    expect(await devices.prints('100001', 'carton')).toEqual({ count: 0, last: null });

    const job = (kind: 'carton' | 'syringe', reprintReason: string | null = null) =>
      devices.queueJob({ kitNumber: '100001', kind, requestedAt: '2026-01-10T10:00:00.000Z', userId: techId, reprintReason, printer: 'dymo' });
    const first = await job('carton');
    const second = await job('syringe');
    expect(second).toBeGreaterThan(first);
    expect(await devices.job(first)).toEqual({
      id: first,
      kitNumber: '100001',
      kind: 'carton',
      requestedAt: '2026-01-10T10:00:00.000Z',
      userId: techId,
      reprintReason: null,
      status: 'queued',
      printer: 'dymo',
      doneAt: null,
      error: null,
    });
    expect(await devices.job(9999)).toBeUndefined();
    expect((await devices.waitingJob('100001', 'carton'))?.id).toBe(first);
    expect(await devices.waitingJob('100002', 'carton')).toBeUndefined();

    await devices.markFailed(first, '2026-01-10T10:01:00.000Z', 'No tape.');
    expect(await devices.job(first)).toMatchObject({ status: 'failed', doneAt: '2026-01-10T10:01:00.000Z', error: 'No tape.' });
    expect((await devices.waitingJob('100001', 'carton'))?.status).toBe('failed');
    await devices.markQueued(first, 'simulated_zebra');
    expect(await devices.job(first)).toMatchObject({ status: 'queued', printer: 'simulated_zebra', doneAt: null, error: null });
    await devices.markPrinted(first, '2026-01-10T10:02:00.000Z');
    expect(await devices.waitingJob('100001', 'carton')).toBeUndefined();
    const reprint = await job('carton', 'Smudged');
    await devices.markPrinted(reprint, '2026-01-10T11:00:00.000Z');

    expect(await devices.prints('100001', 'carton')).toEqual({ count: 2, last: '2026-01-10T11:00:00.000Z' });
    // The same counts for every label at once (the label queue's one read): only labels printed, the download left out.
    expect([...(await devices.printsOfAllLabels())]).toEqual([['100001 carton', { count: 2, last: '2026-01-10T11:00:00.000Z' }]]);
    expect(await devices.printedCount('100001', 'carton')).toBe(2);
    expect(await devices.printedCount('100001', 'syringe')).toBe(0);
    // Numbers on both engines, the PDF download left out.
    expect(await devices.counts()).toEqual({ queued: 1, failed: 0, printed: 2 });

    // Waiting jobs oldest first, then the most recent printed ones, newest first; the download is not among them.
    const third = await job('syringe');
    await devices.markFailed(third, '2026-01-10T12:00:00.000Z', 'Offline.');
    expect((await devices.recentJobs()).map((r) => [r.id, r.status])).toEqual([
      [second, 'queued'],
      [third, 'failed'],
      [reprint, 'printed'],
      [first, 'printed'],
    ]);
    expect((await devices.recentJobs(1)).map((r) => r.id)).toEqual([second, third, reprint]);
  });
});

describe.each(['sqlite', 'postgres'] as const)('two studies in one database on %s', (engine) => {
  it("reads and writes one study's labels, prints, over-labels and dispensings, never the other's kit of the same number", async () => {
    const store = await storeOn(engine);
    const { techId } = await seed(store, ['1001', '1002'], [{ patient: 1, visit: 'V3', at: '2026-01-10T09:00:00.000Z', kits: ['1001'] }]);
    // Study 2 has kits 1001 and 1002 too, both given to its own S-001.
    const other = await study(store, techId, 'BRAVE-AA2', 'B2', ['1001', '1002'], [{ patient: 0, visit: 'V9', at: '2026-01-11T09:00:00.000Z', kits: ['1001', '1002'] }]);
    const TWO = studyScope(other);
    await store.q().updateTable('kits').set({ status: 'available' }).where('study_id', '=', other).where('kit_number', '=', '1001').execute();

    const labels = [new LabelRepository(store, ONE), new LabelRepository(store, TWO)] as const;
    expect(await labels[0].labelSource('1001')).toMatchObject({ blindedLot: 'BL-1001', randomizationNumber: 'R-102', visitCode: 'V3' });
    expect(await labels[1].labelSource('1001')).toMatchObject({ blindedLot: 'B2-1001', randomizationNumber: 'R-101', visitCode: 'V9' });
    expect((await labels[0].dispensedKits()).map((k) => [k.kitNumber, k.patient, k.visit])).toEqual([['1001', 'S-002', 'V3']]);
    expect((await labels[1].dispensedKits()).map((k) => [k.kitNumber, k.patient, k.visit])).toEqual([
      ['1001', 'S-001', 'V9'],
      ['1002', 'S-001', 'V9'],
    ]);
    const lots = [new LotRepository(store, ONE), new LotRepository(store, TWO)] as const;
    expect((await lots[0].dispensingsOf(['1001', '1002'])).map((k) => [k.kitNumber, k.visitCode])).toEqual([['1001', 'V3']]);
    expect((await lots[1].dispensingsOf(['1001'])).map((k) => [k.kitNumber, k.visitCode])).toEqual([['1001', 'V9']]);

    // Study 2's carton label of kit 1001 printed; study 1's of its kit 1001 still waits.
    const devices = [new DeviceRepository(store, ONE), new DeviceRepository(store, TWO)] as const;
    expect([await devices[0].isDispensed('1002'), await devices[1].isDispensed('1002')]).toEqual([false, true]);
    const job = (d: DeviceRepository) => d.queueJob({ kitNumber: '1001', kind: 'carton', requestedAt: AT, userId: techId, reprintReason: null, printer: 'dymo' });
    const printed = await job(devices[1]);
    await devices[1].markPrinted(printed, '2026-01-11T10:00:00.000Z');
    expect(await devices[0].prints('1001', 'carton')).toEqual({ count: 0, last: null });
    expect(await devices[1].prints('1001', 'carton')).toEqual({ count: 1, last: '2026-01-11T10:00:00.000Z' });
    expect([...(await devices[0].printsOfAllLabels())]).toEqual([]);
    expect(await devices[0].counts()).toEqual({ queued: 0, failed: 0, printed: 0 });
    expect(await devices[0].recentJobs()).toEqual([]);
    expect(await devices[0].job(printed)).toBeUndefined();
    const waiting = await job(devices[0]);
    expect(await devices[1].waitingJob('1001', 'carton')).toBeUndefined();
    expect((await devices[0].waitingJob('1001', 'carton'))?.id).toBe(waiting);
    // Marked through the other study: the job is not its to mark.
    await devices[1].markFailed(waiting, AT, 'No tape.');
    expect((await devices[0].job(waiting))?.status).toBe('queued');

    // An over-label of study 2's kit 1001, with that kit's status; study 1 neither lists nor marks it.
    const { id: signatureId } = await store
      .q()
      .insertInto('signatures')
      .values({ user_id: techId, printed_name: 'Signer', meaning: 'Meaning', signed_at_utc: AT, record_type: 'expiry_extension', record_id: 'x', record_hash: 'h' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const overLabels = [new OverLabelRepository(store, ONE), new OverLabelRepository(store, TWO)] as const;
    await overLabels[1].queue([{ kitNumber: '1001', useBefore: '2028-01-31', signatureId, queuedAt: AT }]);
    expect(await overLabels[0].all()).toEqual([]);
    expect((await overLabels[1].all()).map((o) => [o.kitNumber, o.status, o.printedAt])).toEqual([['1001', 'available', null]]);
    expect([await overLabels[0].kit('1001'), await overLabels[1].kit('1001')]).toEqual([
      { status: 'expected', useBefore: '2027-06-30' },
      { status: 'available', useBefore: '2027-06-30' },
    ]);
    expect(await overLabels[0].markPrinted('1001', '2028-01-31', AT, 'dymo')).toBe(0);
    expect(await overLabels[1].markPrinted('1001', '2028-01-31', AT, 'dymo')).toBe(1);
  });
});
