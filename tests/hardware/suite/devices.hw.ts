/**
 * Veil's production device path against real kernel HID devices (inside the hardware lab VM).
 *
 * The device models of main/core/devices/models become kernel HID devices through /dev/uhid (../uhidBridge.ts); Veil
 * runs as the app runs: a VeilCoreInternals whose Devices use NodeHidTransport (node-hid 3, hidraw backend), the DeviceHub's
 * hot-plug watch, the HID POS scanner driver and the DYMO LabelManager driver. The transport is wrapped only to record
 * the bytes that cross, so both sides can be printed.
 *
 * The scenarios run in order and share one pharmacy: the D1 kits of one patient are scanned to a verdict, then
 * dispensed, then their syringe labels are printed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import type { DevicesStatus, LabelJob } from '../../../shared/contract/devices';
import { encodeGs1 } from '../../../shared/barcode/scan';
import { DymoLabelManagerModel } from '../../../main/core/devices/models/dymoLabelManagerModel';
import { HidPosScannerModel } from '../../../main/core/devices/models/hidPosScannerModel';
import { NodeHidTransport } from '../../../main/core/devices/nodeHidTransport';
import { Bitmap } from '../../../main/core/labels/raster';
import { decoys, hexCompact, ms, printWire, RecordingTransport, sleep, waitFor } from '../lab';
import { openPharmacy, type KitRow, type Pharmacy } from '../pharmacy';
import { hex, UhidPlug } from '../uhidBridge';

const transport = new RecordingTransport(new NodeHidTransport());
const scanner = new HidPosScannerModel({ serialNumber: 'HW-SCANNER-1' });
const variant = new HidPosScannerModel({ offsetVariant: true, serialNumber: 'HW-SCANNER-2', productId: 0x0b62 });
const dymo = new DymoLabelManagerModel({ serialNumber: 'HW-DYMO-1' });
const scannerPlug = new UhidPlug(scanner);
const variantPlug = new UhidPlug(variant);
const dymoPlug = new UhidPlug(dymo);
const decoyPlugs = decoys().map((d) => new UhidPlug(d));
const allPlugs = [...decoyPlugs, scannerPlug, variantPlug, dymoPlug];

let ph: Pharmacy;
const scans: Array<{ code: string; scanner: string; at: number }> = [];
const figures: string[] = [];
/** Kits scanned and accepted so far (the verdict's "already scanned" list). */
const scanned: string[] = [];

const hub = () => ph.core.devices.hub;
const scannerStatus = (serial: string) => hub().scanners().find((s) => s.id.endsWith(`:${serial}`));
const driverIn = (from: number, path: string | null) => transport.log.slice(from).filter((r) => r.dir === 'in' && r.path === path);
const driverOut = (from: number, path: string | null) => transport.log.slice(from).filter((r) => r.dir === 'out' && r.path === path);

/** The pack code of a kit as a GS1 DataMatrix holds it, made long with national numbers and an internal field. */
function longPackCode(row: KitRow): string {
  const iso = row.expiry_date.includes('/') ? row.expiry_date.split('/').reverse().join('-') : row.expiry_date;
  const yymmdd = iso.slice(2).replace(/-/g, '');
  return encodeGs1([
    { ai: '01', value: row.gtin },
    { ai: '17', value: yymmdd },
    { ai: '10', value: row.lot },
    { ai: '21', value: row.serial },
    ...['710', '711', '712', '713', '714'].map((ai, i) => ({ ai, value: `NHRN${ai}-${String(i).repeat(12)}`.slice(0, 20) })),
    { ai: '91', value: 'VEIL-HARDWARE-LAB-INTERNAL-FIELD-THAT-MAKES-THE-SYMBOL-LONG-0123456789' },
  ]);
}

function pngToBitmap(pngBase64: string): Bitmap {
  const png = PNG.sync.read(Buffer.from(pngBase64, 'base64'));
  const bitmap = new Bitmap(png.width, png.height);
  for (let i = 0; i < png.width * png.height; i++) bitmap.data[i] = png.data[i * 4]! < 128 ? 1 : 0;
  return bitmap;
}

function assertSameImage(printed: Bitmap, preview: Bitmap, what: string): void {
  assert.equal(`${printed.width} x ${printed.height}`, `${preview.width} x ${preview.height}`, `${what}: printed size vs preview size (dots)`);
  let differ = 0;
  for (let i = 0; i < printed.data.length; i++) if (printed.data[i] !== preview.data[i]) differ++;
  assert.equal(differ, 0, `${what}: ${differ} pixels differ between the printed label and the preview`);
}

async function verdict(code: string, alreadyScanned: string[] = []) {
  return ph.call<{ ok: boolean; reason?: string; message: string; kitNumber?: string }>('dispensing.checkKit', {
    patientId: ph.patientId,
    visitCode: 'D1',
    code,
    alreadyScanned,
    source: 'scanner',
  });
}

async function nextScan(count: number, what: string, timeoutMs = 10_000) {
  return waitFor(what, () => scans[count], timeoutMs);
}

describe('Veil drivers against kernel HID devices (uhid, node-hid, hidraw)', () => {
  before(async () => {
    const t0 = performance.now();
    for (const p of allPlugs) await p.plug();
    const tPlug = performance.now();
    ph = await openPharmacy(transport);
    ph.core.onEvent((_window, event, payload) => {
      if (event === 'devices.scan') {
        const p = payload as { code: string; scanner: string };
        scans.push({ code: p.code, scanner: p.scanner, at: performance.now() });
      }
    });
    await ph.core.devices.ready;
    figures.push(
      `set-up: 6 uhid devices plugged in ${ms(tPlug - t0)}; Veil core seeded ${ms(ph.setupMs.seed!)}, 180 kits received ${ms(ph.setupMs.receive!)}, patient randomized ${ms(ph.setupMs.patient!)}`,
    );
  });

  after(async () => {
    for (const p of allPlugs) p.unplug();
    ph?.dispose();
    console.log('\n  figures (reported, not asserted):');
    for (const f of figures) console.log(`    ${f}`);
  });

  it('discovery: finds both HID POS scanners by usage page 0x8C and the DYMO by vendor/product among a keyboard, a mouse and a scale', async () => {
    await scannerPlug.waitOpen();
    await variantPlug.waitOpen();
    const listed = await transport.enumerate();
    console.log('      node-hid enumeration (hidraw):');
    for (const d of listed) {
      const plug = allPlugs.find((p) => p.path === d.path);
      console.log(
        `        ${d.path}  ${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}  usage page 0x${(d.usagePage ?? 0).toString(16)} usage 0x${(d.usage ?? 0).toString(16)}  ${d.product ?? ''}${plug ? '' : '  (not ours)'}`,
      );
    }
    for (const p of allPlugs) assert.ok(listed.some((d) => d.path === p.path), `node-hid does not list ${p.model.identity.product} (${p.path})`);
    const kbd = listed.find((d) => d.path === decoyPlugs[0]!.path)!;
    assert.equal(kbd.vendorId, 0x0c2e, 'the keyboard decoy has the scanner vendor');
    assert.equal(kbd.usagePage, 0x01);

    const status = await ph.call<DevicesStatus>('devices.status', {});
    assert.equal(status.transport.kind, 'node-hid');
    assert.equal(status.transport.available, true);
    const scannerIds = status.scanners.map((s) => s.id).sort();
    assert.deepEqual(scannerIds, ['0x0c2e:0x0b61:HW-SCANNER-1', '0x0c2e:0x0b62:HW-SCANNER-2']);
    assert.ok(status.scanners.every((s) => s.connected), `scanners connected: ${JSON.stringify(status.scanners)}`);
    const dymos = status.printers.filter((p) => p.type === 'dymo');
    assert.equal(dymos.length, 1);
    assert.equal(dymos[0]!.connected, true);
    // Veil never opened a decoy: only the scanners are kept open.
    const decoyPaths = new Set(decoyPlugs.map((p) => p.path));
    assert.deepEqual(transport.opened.filter((p) => decoyPaths.has(p)), []);
    // The kernel itself opens the keyboard decoy (the console's keyboard handler attaches to every keyboard), so
    // UHID_OPEN is checked on the mouse and the scale only; the transport's log above covers Veil for all three.
    assert.deepEqual(
      decoyPlugs.filter((p) => p.opened && p.model.identity.usage !== 0x06).map((p) => p.model.identity.product),
      [],
      'no decoy but the keyboard is open (UHID_OPEN seen)',
    );
    console.log(`      Veil: scanners ${status.scanners.map((s) => s.name).join(', ')}; printer ${dymos[0]!.name}; decoys ignored`);
  });

  it('a short code (one report) reaches the dispensing verdict: scan-to-verdict timed', async () => {
    const kit = ph.suggestions[0]!;
    const n = scans.length;
    const t0 = performance.now();
    assert.ok(scanner.scan(kit, ']C0'), 'the virtual scanner is open');
    const ev = await nextScan(n, 'the scan event');
    const v = await verdict(ev.code);
    const t1 = performance.now();
    assert.equal(ev.code, `]C0${kit}`);
    assert.equal(v.ok, true, v.message);
    scanned.push(kit);
    figures.push(`scan-to-verdict, short code (1 report): ${ms(ev.at - t0)} from the device's input report to Veil's scan event, ${ms(t1 - t0)} to the dispensing verdict`);
  });

  it('a long GS1 DataMatrix split over several 64-byte reports is reassembled exactly (bytes on both sides shown)', async () => {
    const kit = ph.suggestions[1]!;
    const code = longPackCode(ph.kits.get(kit)!);
    const expected = scanner.reportsFor(code, ']d2');
    assert.ok(expected.length >= 4, `the code should need several reports (${code.length} bytes)`);
    scannerPlug.clearWire();
    const mark = transport.log.length;
    const n = scans.length;
    const t0 = performance.now();
    scanner.scan(code, ']d2');
    const ev = await nextScan(n, 'the long scan');
    const v = await verdict(ev.code, scanned);
    const t1 = performance.now();
    assert.equal(ev.code, `]d2${code}`);
    assert.equal(scans.length, n + 1, 'one scan, not one per report');
    const device = scannerPlug.wire.filter((r) => r.dir === 'in');
    const driver = driverIn(mark, scannerPlug.path);
    assert.deepEqual(device.map((r) => hex(r.bytes)), expected.map((r) => hex(r)));
    assert.deepEqual(driver.map((r) => hex(r.bytes)), expected.map((r) => hex(r)), 'node-hid delivered the reports byte for byte');
    assert.deepEqual(expected.map((r) => r[63]), [...expected.slice(1).map(() => 1), 0], 'continuation bit set on all but the last report');
    assert.equal(v.ok, true, v.message);
    scanned.push(kit);
    printWire(`GS1 DataMatrix of kit ${kit}, ${code.length} data bytes in ${expected.length} reports (report id 02, n, AIM ]d2, data, code id, -, continuation bit):`, device, driver);
    figures.push(`scan-to-verdict, long GS1 DataMatrix (${expected.length} reports): ${ms(ev.at - t0)} to the scan event, ${ms(t1 - t0)} to the dispensing verdict`);

    // The same code from the offset-variant scanner (one extra byte before the AIM identifier).
    const m = scans.length;
    variant.scan(code, ']d2');
    const ev2 = await nextScan(m, 'the long scan from the offset-variant scanner');
    assert.equal(ev2.code, `]d2${code}`);
    assert.equal(variantPlug.wire.filter((r) => r.dir === 'in')[0]!.bytes[1], 55, 'the variant carries 55 data bytes per report');
  });

  it('a refused kit gets the error beep at the scanner: trigger report 04 20 arrives as UHID_OUTPUT', async () => {
    assert.deepEqual(scanner.indications, [], 'no beep for the accepted kits');
    scannerPlug.clearWire();
    const mark = transport.log.length;
    const n = scans.length;
    const t0 = performance.now();
    scanner.scan('999999', ']C0');
    await waitFor('the error beep at the virtual scanner', () => scanner.indications.length > 0);
    const t1 = performance.now();
    assert.deepEqual(scanner.indications, ['error-beep']);
    const got = scannerPlug.wire.filter((r) => r.dir === 'out');
    const wrote = driverOut(mark, scannerPlug.path);
    assert.deepEqual(got.map((r) => hex(r.bytes)), ['04 20']);
    assert.deepEqual(wrote.map((r) => hex(r.bytes)), ['04 20']);
    const ev = await nextScan(n, 'the refused scan');
    const v = await verdict(ev.code);
    assert.equal(v.ok, false);
    assert.equal(v.reason, 'unknown_kit');
    printWire('refused code 999999: the scan in, the error beep out', scannerPlug.wire, transport.log.slice(mark).filter((r) => r.path === scannerPlug.path));
    figures.push(`refused scan to error beep at the device: ${ms(t1 - t0)}`);
  });

  it('unplugged in the middle of a multi-report scan: nothing half-read is accepted; re-plug is picked up without a restart', async () => {
    const kit = ph.suggestions[1]!;
    const code = longPackCode(ph.kits.get(kit)!);
    const reports = scanner.reportsFor(code, ']d2');
    const path = scannerPlug.path;
    const mark = transport.log.length;
    const n = scans.length;
    scanner.sendRaw(reports[0]!);
    scanner.sendRaw(reports[1]!);
    await waitFor('the driver to read the first two reports', () => driverIn(mark, path).length === 2);
    scannerPlug.unplug();
    await waitFor('Veil to see the scanner gone', () => scannerStatus('HW-SCANNER-1')?.connected === false);
    await sleep(1500); // longer than the driver's continuation time-out: nothing may turn up late either
    assert.equal(scans.length, n, `no scan may come out of half a bar code, got ${JSON.stringify(scans.slice(n).map((s) => s.code))}`);
    assert.ok(
      hub().problems().some((p) => /disconnected in the middle of a bar code/.test(p.message)),
      `a problem says so: ${JSON.stringify(hub().problems().map((p) => p.message))}`,
    );

    const t0 = performance.now();
    const newPath = await scannerPlug.plug();
    await waitFor('Veil to pick the re-plugged scanner up', () => scannerStatus('HW-SCANNER-1')?.connected === true, 15_000);
    await scannerPlug.waitOpen();
    const t1 = performance.now();
    scanner.scan(code, ']d2');
    const ev = await nextScan(n, 'the scan after re-plug');
    assert.equal(ev.code, `]d2${code}`);
    await sleep(200);
    assert.equal(scans.length, n + 1);
    figures.push(`scanner re-plug picked up by the hot-plug watch in ${ms(t1 - t0)} (${path} -> ${newPath}; the watch re-enumerates every 2 s)`);
  });

  it("a full syringe label printed through the DYMO model: the decoded image equals Veil's preview pixel for pixel (print round trip timed)", async () => {
    // The D1 kits (scanned above) are dispensed now, signed: only a dispensed kit has a syringe label. The plan's kits
    // are used rather than the scans' results so that a failed scan scenario does not cascade into the printer ones.
    await ph.dispense(ph.suggestions.slice(0, 2));
    const kit = ph.suggestions[0]!;
    dymoPlug.clearWire();
    const printedBefore = dymo.printed.length;
    const t0 = performance.now();
    const { job } = await ph.call<{ job: LabelJob }>('devices.printLabel', { kitNumber: kit, kind: 'syringe' });
    const t1 = performance.now();
    assert.deepEqual(dymo.protocolErrors.slice(0, 3), [], 'what the printer refused of the bytes it was sent');
    assert.equal(job.status, 'printed', job.error ?? '');
    assert.equal(dymo.printed.length, printedBefore + 1);
    const out = dymoPlug.wire.filter((r) => r.dir === 'out');
    const replies = dymoPlug.wire.filter((r) => r.dir === 'in');
    assert.ok(out.every((r) => r.bytes.length <= 65 && r.bytes[0] === 0), 'every write is report id 0 + at most 64 bytes');
    const preview = await ph.call<{ pngBase64: string }>('labels.preview', { kitNumber: kit, kind: 'syringe' });
    const label = dymo.lastLabel!.decoded;
    assertSameImage(label.bitmap, pngToBitmap(preview.pngBase64), `kit ${kit}`);
    assert.equal(label.cut, true);
    assert.equal(replies.length, dymo.statusRequests, 'each status request answered with an input report');
    console.log(`      label of kit ${kit}: ${label.bitmap.width} x ${label.bitmap.height} dots, ${label.bitmap.ink()} black; ${out.length} output reports, ${replies.length} status replies`);
    console.log(`      first writes: ${out.slice(0, 2).map((r) => `[${r.bytes.length}] ${hexCompact(r.bytes)}`).join(' | ')}`);
    console.log(`      a status reply: [${replies[0]?.bytes.length}] ${replies[0] ? hex(replies[0].bytes) : '-'}`);
    const first = out[0]!.at - t0;
    const last = out[out.length - 1]!.at - t0;
    figures.push(
      `print round trip (devices.printLabel to job printed): ${ms(t1 - t0)} = ${ms(first)} until the first report reached the printer (layout, 180 dpi raster, job encoding, queue, enumeration, open) + ${ms(last - first)} for ${out.length} reports and ${replies.length} status replies + ${ms(t1 - t0 - last)} to the printed job`,
    );
  });

  it('a printer unplugged mid-job keeps the job (failed, in the queue) and finishes it after re-plug', async () => {
    const kit = ph.suggestions[1]!;
    const printedBefore = dymo.printed.length;
    const abandonedBefore = dymo.abandonedJobs;
    const errorsBefore = dymo.protocolErrors.length;
    let outs = 0;
    const stop = dymoPlug.watch((r) => {
      if (r.dir === 'out' && ++outs === 14) dymoPlug.unplug();
    });
    const { job } = await ph.call<{ job: LabelJob }>('devices.printLabel', { kitNumber: kit, kind: 'syringe' });
    stop();
    assert.deepEqual(dymo.protocolErrors.slice(errorsBefore, errorsBefore + 3), [], 'what the printer refused of the bytes it was sent');
    assert.equal(job.status, 'failed');
    assert.match(job.error ?? '', /disconnected|stopped taking data/i);
    assert.equal(dymo.printed.length, printedBefore, 'no label came out of the half job');
    assert.equal(dymo.abandonedJobs, abandonedBefore + 1);
    const queued = await ph.call<DevicesStatus>('devices.status', {});
    assert.ok(queued.jobs.some((j) => j.id === job.id && j.status === 'failed'), 'the job stays in the queue');
    console.log(`      unplugged after ${outs} output reports: job ${job.id} ${job.status}: ${job.error}`);

    await waitFor('Veil to see the DYMO gone', () => hub().dymos().every((d) => !d.connected), 15_000);
    const t0 = performance.now();
    await dymoPlug.plug();
    await waitFor('Veil to see the DYMO again', () => hub().dymos().some((d) => d.connected), 15_000);
    const t1 = performance.now();
    const t2 = performance.now();
    const retried = await ph.call<{ job: LabelJob }>('devices.retryJob', { jobId: job.id });
    const t3 = performance.now();
    assert.equal(retried.job.status, 'printed', retried.job.error ?? '');
    assert.equal(dymo.printed.length, printedBefore + 1);
    const preview = await ph.call<{ pngBase64: string }>('labels.preview', { kitNumber: kit, kind: 'syringe' });
    assertSameImage(dymo.lastLabel!.decoded.bitmap, pngToBitmap(preview.pngBase64), `kit ${kit} after re-plug`);
    assert.deepEqual(dymo.protocolErrors.slice(errorsBefore), []);
    figures.push(`DYMO re-plug seen by the hot-plug watch in ${ms(t1 - t0)}; the kept job then printed in ${ms(t3 - t2)} (devices.retryJob round trip)`);
  });
});
