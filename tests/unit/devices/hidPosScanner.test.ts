import { afterEach, describe, expect, it } from 'vitest';
import { DeviceHub } from '../../../main/core/devices/deviceHub';
import { ERROR_BEEP_REPORT, GOOD_READ_BEEP_REPORT, HidPosScanner, parseHidPosReport, type ScanEvent, type ScannerDeviceError } from '../../../main/core/devices/hidPosScanner';
import { hidPosReports, HidPosScannerModel } from '../../../main/core/devices/models/hidPosScannerModel';
import { SimulatedHidTransport } from '../../../main/core/devices/simulatedHidTransport';
import { report, tick, until } from './helpers';

const now = () => new Date('2026-11-25T09:00:00Z');
const GS = '\x1d';
/** A GS1 DataMatrix pack code: GTIN, expiry, batch, serial, national number: more than 56 bytes, two reports. */
const LONG_GS1 = `0109876543210982172709301012345678901234${GS}21SER0000000000000001${GS}7140123456789012`;

interface Rig {
  transport: SimulatedHidTransport;
  model: HidPosScannerModel;
  scanner: HidPosScanner;
  scans: ScanEvent[];
  errors: ScannerDeviceError[];
  gone: Error[];
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.scanner.close();
});

async function rig(model = new HidPosScannerModel(), continuationTimeoutMs = 1000): Promise<Rig> {
  const transport = new SimulatedHidTransport();
  transport.plug(model);
  const [info] = await transport.enumerate();
  const scanner = await HidPosScanner.open(transport, info!, { now, continuationTimeoutMs });
  const r: Rig = { transport, model, scanner, scans: [], errors: [], gone: [] };
  scanner.onScan((s) => r.scans.push(s));
  scanner.onDeviceError((e) => r.errors.push(e));
  scanner.onGone((e) => r.gone.push(e));
  rigs.push(r);
  return r;
}

describe('HID POS report layout (Honeywell, HARDWARE.md)', () => {
  it('a short code is one 64-byte report: id 2, n, AIM at 2..4, data from 5, continuation bit clear', () => {
    const [r, ...rest] = hidPosReports('100001', ']C0');
    expect(rest).toHaveLength(0);
    expect(r).toHaveLength(64);
    expect([...r!.subarray(0, 11)]).toEqual([0x02, 6, 0x5d, 0x43, 0x30, 0x31, 0x30, 0x30, 0x30, 0x30, 0x31]);
    expect([...r!.subarray(11, 61)].every((b) => b === 0)).toBe(true);
    expect(r![63]).toBe(0);
  });

  it('a long code is split in 56-byte reports with bit 0 of byte 63 set on all but the last (the real capture shape)', () => {
    const data = 'X'.repeat(56 + 9);
    const reports = hidPosReports(data, ']X0');
    expect(reports.map((r) => [r[0], r[1], r[2], r[3], r[4], r[62], r[63]])).toEqual([
      [2, 56, 93, 88, 48, 0, 1],
      [2, 9, 93, 88, 48, 0, 0],
    ]);
  });

  it('the offset variant has one extra byte before the AIM identifier and 55 data bytes per report', () => {
    const reports = hidPosReports('Y'.repeat(60), ']d2', { offsetVariant: true });
    expect(reports.map((r) => [r[1], r[2], r[3], String.fromCharCode(r[3]!, r[4]!, r[5]!), r[6], r[63]])).toEqual([
      [55, 0, 0x5d, ']d2', 0x59, 1],
      [5, 0, 0x5d, ']d2', 0x59, 0],
    ]);
  });
});

describe('HID POS scanner driver over the simulated transport', () => {
  it('reads a single-report bar code as one scan with its AIM identifier and symbology', async () => {
    const r = await rig();
    expect(r.model.scan('100001', ']C0')).toHaveLength(1);
    await until(() => r.scans.length === 1, 'the scan');
    expect(r.scans[0]).toEqual({ code: ']C0100001', aim: ']C0', symbology: 'code128', source: 'scanner', at: now() });
    expect(r.errors).toEqual([]);
  });

  it('reassembles a multi-report GS1 DataMatrix by the continuation bit, GS bytes kept, trailing CR stripped', async () => {
    const r = await rig();
    const sent = r.model.scan(LONG_GS1, ']d2', '\r')!;
    expect(sent).toHaveLength(2);
    expect(sent.map((x) => x[63])).toEqual([1, 0]);
    await until(() => r.scans.length === 1, 'the scan');
    await tick(5);
    expect(r.scans).toHaveLength(1);
    expect(r.scans[0]!.code).toBe(`]d2${LONG_GS1}`);
    expect(r.scans[0]!.symbology).toBe('gs1-datamatrix');
    expect(r.errors).toEqual([]);
  });

  it('reads three reports and several bar codes in a row', async () => {
    const r = await rig();
    const long = 'A'.repeat(150);
    expect(r.model.scan(long, ']C0')!.map((x) => x[63])).toEqual([1, 1, 0]);
    r.model.scan('100002', ']C0');
    await until(() => r.scans.length === 2, 'two scans');
    expect(r.scans.map((s) => s.code)).toEqual([`]C0${long}`, ']C0100002']);
  });

  it('reads the offset variant (AIM one byte later), single and multi-report', async () => {
    const r = await rig(new HidPosScannerModel({ offsetVariant: true }));
    r.model.scan('100003', ']C0');
    r.model.scan(LONG_GS1, ']d2');
    await until(() => r.scans.length === 2, 'two scans');
    expect(r.scans.map((s) => s.code)).toEqual([']C0100003', `]d2${LONG_GS1}`]);
    expect(r.errors).toEqual([]);
  });

  it('refuses garbage and truncated reports with a device error, never an exception, and reads on', async () => {
    const r = await rig();
    const bad: Array<[Uint8Array, RegExp]> = [
      [Uint8Array.from([0x01, 0xff, 0x13]), /report with id 0x01/],
      [report({ 0: 2, 1: 6, 2: ']C0', 5: '100001' }).subarray(0, 40), /truncated report \(40 of 64 bytes\)/],
      [report({ 0: 2, 1: 6, 2: 'XC0', 5: '100001' }), /without an AIM symbology identifier/],
      [report({ 0: 2, 1: 60, 2: ']C0', 5: '1' }), /claiming 60 data bytes where at most 56 fit/],
      [report({ 0: 2, 1: 3, 2: ']\x01\x02' }), /malformed AIM identifier/],
      [new Uint8Array(0), /empty report/],
      [new Uint8Array(80).fill(2), /report of 80 bytes/],
    ];
    for (const [bytes] of bad) r.model.sendRaw(bytes);
    r.model.scan('100004', ']C0');
    await until(() => r.scans.length === 1, 'the good scan after the garbage');
    expect(r.errors.map((e) => e.message)).toHaveLength(bad.length);
    bad.forEach(([, message], i) => expect(r.errors[i]!.message).toMatch(message));
    expect(r.scans.map((s) => s.code)).toEqual([']C0100004']);
  });

  it('an all-zero report (nothing decoded) is ignored silently', async () => {
    const r = await rig();
    r.model.sendRaw(report({ 0: 2 }));
    r.model.scan('100005');
    await until(() => r.scans.length === 1, 'the scan');
    expect(r.errors).toEqual([]);
  });

  it('a truncated report in the middle of a long bar code discards the part read', async () => {
    const r = await rig();
    const [first, second] = r.model.reportsFor(LONG_GS1, ']d2');
    r.model.sendRaw(first!);
    r.model.sendRaw(second!.subarray(0, 30));
    r.model.sendRaw(second!); // the rest alone is a complete (last) report of another, shorter reading
    await until(() => r.errors.length === 1 && r.scans.length === 1, 'the error and the scan');
    expect(r.errors[0]!.message).toMatch(/truncated report.*with the part of the bar code read before it/);
    expect(r.scans[0]!.code).toBe(']d2' + LONG_GS1.slice(56));
  });

  it('random bytes never crash the driver (2000 random reports)', async () => {
    const r = await rig();
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 2000; i++) {
      const length = rand() < 0.5 ? 64 : Math.floor(rand() * 100);
      const bytes = Uint8Array.from({ length }, () => Math.floor(rand() * 256));
      if (rand() < 0.5 && length > 0) bytes[0] = 2;
      expect(() => r.scanner.receive(bytes)).not.toThrow();
    }
    r.model.scan('100006');
    await until(() => r.scans.some((s) => s.code === ']C0100006'), 'a good scan after the noise');
  });

  it('discards a half-read bar code when the rest never comes', async () => {
    const r = await rig(new HidPosScannerModel(), 40);
    r.model.sendRaw(r.model.reportsFor(LONG_GS1, ']d2')[0]!);
    await until(() => r.errors.length === 1, 'the time-out');
    expect(r.errors[0]!.message).toMatch(/never came/);
    expect(r.scans).toEqual([]);
  });

  it('good-read and error beeps are trigger output reports 04 40 and 04 20', async () => {
    const r = await rig();
    await r.scanner.beep('good');
    await r.scanner.beep('error');
    expect(r.model.outputs.map((o) => [...o])).toEqual([
      [0x04, 0x40],
      [0x04, 0x20],
    ]);
    expect([...GOOD_READ_BEEP_REPORT, ...ERROR_BEEP_REPORT]).toEqual([4, 0x40, 4, 0x20]);
    expect(r.model.indications).toEqual(['good-read-beep', 'error-beep']);
  });

  it('parseHidPosReport never throws on any length 0..70 of any byte', () => {
    for (let n = 0; n <= 70; n++) for (const fill of [0, 2, 0x5d, 0xff]) expect(() => parseHidPosReport(new Uint8Array(n).fill(fill))).not.toThrow();
  });
});

describe('the device hub: hot-plug, unplug mid-scan, error beep', () => {
  it('unplug in the middle of a multi-report bar code discards the half; the re-plug is picked up without restart', async () => {
    const transport = new SimulatedHidTransport();
    const model = new HidPosScannerModel();
    const judged: string[] = [];
    // The rest of a bar code is awaited for a minute here, not 1 s: on a loaded machine the process can be paused for
    // a second between the half and the unplug, and the timer (which runs before the unplug's read error) would then
    // discard the half for the other reason. The timeout has its own test.
    const hub = new DeviceHub({ transport, clock: { now }, pollMs: 0, continuationTimeoutMs: 60_000, judgeScan: (c) => (judged.push(c), true) });
    const scans: string[] = [];
    const changes: string[] = [];
    hub.onScan((s) => scans.push(s.code));
    hub.onChanged((c) => changes.push(c));
    await hub.start();
    expect(hub.scanners()).toEqual([]);

    transport.plug(model);
    await hub.refresh();
    expect(hub.scanners()).toMatchObject([{ name: 'Virtual HID POS scanner', connected: true, vendorId: 0x0c2e, scans: 0 }]);
    expect(changes).toContain('scanner plugged');

    // Half a bar code, then the cable is pulled.
    const [first] = model.reportsFor(LONG_GS1, ']d2');
    model.sendRaw(first!);
    // The report reaches the driver in a setImmediate (as node-hid's data events do); one queued after it runs after
    // it. A timer was used before: on a loaded machine it could fire first, and the unplug then came before the half.
    await new Promise((resolve) => setImmediate(resolve));
    expect(hub.problems()).toEqual([]);
    transport.unplug(model);
    await until(() => !hub.scanners()[0]!.connected, 'the scanner to show disconnected');
    expect(scans).toEqual([]);
    expect(hub.problems().map((p) => p.message)).toContainEqual(expect.stringMatching(/disconnected in the middle of a bar code; the part read was discarded/));
    // While unplugged, the scanner's reports go nowhere.
    expect(model.scan('100007')).toBeNull();

    // Plugged back in (a new hidraw node): found at the next enumeration, no restart.
    transport.plug(model);
    await hub.refresh();
    expect(hub.scanners()).toMatchObject([{ connected: true }]);
    model.scan(LONG_GS1, ']d2');
    await until(() => scans.length === 1, 'the scan after the re-plug');
    expect(scans).toEqual([`]d2${LONG_GS1}`]);
    expect(hub.scanners()[0]).toMatchObject({ scans: 1 });
    await hub.close();
  });

  it('the hot-plug timer finds a scanner plugged in later by itself (every 2 s, never faster)', async () => {
    const transport = new SimulatedHidTransport();
    let enumerations = 0;
    const counting = { kind: transport.kind, enumerate: () => (enumerations++, transport.enumerate()), open: (p: string) => transport.open(p) };
    const hub = new DeviceHub({ transport: counting, clock: { now }, pollMs: 500 });
    await hub.start();
    const model = new HidPosScannerModel();
    transport.plug(model);
    const t0 = Date.now();
    await until(() => hub.scanners()[0]?.connected === true, 'the timer to find the scanner', 4000);
    expect(Date.now() - t0).toBeGreaterThan(1500);
    expect(enumerations).toBe(2);
    await hub.close();
  }, 10_000);

  it('a refused code gets the error beep at the scanner (output report 04 20); an accepted one does not', async () => {
    const transport = new SimulatedHidTransport();
    const model = new HidPosScannerModel();
    transport.plug(model);
    const hub = new DeviceHub({ transport, clock: { now }, pollMs: 0, judgeScan: (code) => code === ']C0100001' });
    const scans: string[] = [];
    hub.onScan((s) => scans.push(s.code));
    await hub.start();
    model.scan('100001');
    model.scan('NOT-A-KIT');
    await until(() => scans.length === 2 && model.outputs.length === 1, 'two scans and one beep');
    expect(model.outputs.map((o) => [...o])).toEqual([[0x04, 0x20]]);
    expect(model.indications).toEqual(['error-beep']);
    await hub.close();
  });
});
