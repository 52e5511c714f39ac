import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevicesStatus } from '../../../shared/contract/devices';
import { DEFAULT_KEYBOARD_WEDGE, LABEL_SIZES, type KeyboardWedgeSettings } from '../../../shared/contract/devices';
import { seedDemo } from '../../../main/core/demo/demoSeed';
import { testLabelLayout } from '../../../main/core/devices/testLabel';
import { pngToBits } from '../../../main/core/labels/png';
import { renderRaster } from '../../../main/core/labels/raster';
import { openVeilCoreInternals } from '../../../main/core/veilCore';
import { FakeClock } from '../../helpers/core';
import { deviceCore, eventsOf, until, type DeviceTestCore } from './helpers';

describe('devices channels with the simulator', () => {
  let t: DeviceTestCore;
  let tech: string;

  beforeAll(async () => {
    t = await deviceCore();
    tech = await t.loginAs('pharmacy_technician');
  }, 120_000);
  afterAll(async () => t.dispose());

  it('devices.status lists the virtual scanner and printers, the simulator defaults and the queue', async () => {
    const status = await t.call<DevicesStatus>(tech, 'devices.status');
    expect(status.transport).toEqual({ kind: 'simulated', available: true, error: null });
    expect(status.simulator).toMatchObject({ active: true, lastDymoLabel: null, dymoLabels: 0, zplJobs: 0 });
    expect(status.scanners).toMatchObject([{ name: 'Virtual HID POS scanner', connected: true, vendorId: 0x0c2e, lastError: null }]);
    expect(status.printers.map((p) => [p.type, p.name, p.connected, p.usedFor])).toEqual([
      ['dymo', 'DYMO LabelManager PnP', true, ['syringe']],
      ['simulated_zebra', 'Simulated Zebra (loopback TCP)', null, ['carton']],
    ]);
    expect(status.settings).toEqual({
      syringe: { printer: { type: 'dymo' }, labelSize: 'tape_12mm' },
      carton: { printer: { type: 'simulated_zebra' }, labelSize: 'zebra_102x51' },
    });
    expect(status.queue).toEqual({ queued: 0, failed: 0, printed: 0 });
  });

  it('devices.simulateScan sends real HID reports through the driver: one devices.scan event to every window', async () => {
    const kit = (await t.dispensedKits())[0]!;
    const before = eventsOf(t, 'devices.scan').length;
    const answer = await t.call<{ reports: number; firstReport: string; scanner: string }>(tech, 'devices.simulateScan', { code: kit });
    expect(answer.reports).toBe(1);
    expect(answer.firstReport.startsWith('02 06 5d 43 30')).toBe(true);
    await until(() => eventsOf(t, 'devices.scan').length === before + 1, 'the scan event');
    const event = t.events.filter((e) => e.event === 'devices.scan').at(-1)!;
    expect(event.window).toBe('*');
    expect(event.payload).toMatchObject({ code: `]C0${kit}`, aim: ']C0', symbology: 'code128', source: 'scanner', scanner: 'Virtual HID POS scanner' });
    // The code as the scanner gave it is what the workflows take: the dispensing check resolves it to the kit.
    expect(t.sim.scanner.indications).toEqual([]);
  });

  it('a scanned code that is no kit of the list gets the error beep at the scanner (04 20)', async () => {
    await t.call(tech, 'devices.simulateScan', { code: 'NOT-A-KIT-999' });
    await until(() => t.sim.scanner.outputs.length === 1, 'the beep');
    expect([...t.sim.scanner.outputs[0]!]).toEqual([0x04, 0x20]);
    expect(t.sim.scanner.indications).toEqual(['error-beep']);
  });

  it('a long GS1 pack code arrives whole through several reports', async () => {
    const code = '010123456789012817270930101234567890\x1d21SERIAL0000000000001\x1d7140123456789012';
    const answer = await t.call<{ reports: number }>(tech, 'devices.simulateScan', { code });
    expect(answer.reports).toBe(2);
    await until(() => eventsOf(t, 'devices.scan').some((e) => e.code === `]d2${code}`), 'the GS1 scan');
  });

  it('configurePrinter checks printer and stock against each other and against the label, saves and audits', async () => {
    const refuse = async (input: unknown, message: RegExp) => expect((await t.refused(tech, 'devices.configurePrinter', input)).message).toMatch(message);
    await refuse({ kind: 'carton', choice: { printer: { type: 'dymo' }, labelSize: 'tape_12mm' } }, /carton label is 100 x 50 mm: it does not fit a DYMO tape/);
    await refuse({ kind: 'syringe', choice: { printer: { type: 'dymo' }, labelSize: 'zebra_102x51' } }, /prints on tape: choose a tape width/);
    await refuse({ kind: 'syringe', choice: { printer: { type: 'zebra_tcp', host: '10.0.0.5', port: 9100 }, labelSize: 'tape_12mm' } }, /prints on labels, not tape/);
    await refuse({ kind: 'syringe', choice: { printer: { type: 'dymo' }, labelSize: 'tape_9mm' } }, /syringe label is 9 mm high: it needs 12 mm tape/);
    await refuse({ kind: 'carton', choice: { printer: { type: 'zebra_tcp', host: '10.0.0.5', port: 9100 }, labelSize: 'zebra_57x32' } }, /does not fit that label size/);
    await refuse({ kind: 'carton', choice: { printer: { type: 'zebra_tcp', host: 'a b', port: 9100 }, labelSize: 'zebra_102x51' } }, /host name or IP address/);
    await refuse({ kind: 'carton', choice: { printer: { type: 'zebra_queue', queue: 'x; rm -rf /' }, labelSize: 'zebra_102x51' } }, /print queue name/);

    const status = await t.call<DevicesStatus>(tech, 'devices.configurePrinter', { kind: 'carton', choice: { printer: { type: 'zebra_tcp', host: '192.0.2.10', port: 9100 }, labelSize: 'zebra_102x76' } });
    expect(status.settings.carton).toEqual({ printer: { type: 'zebra_tcp', host: '192.0.2.10', port: 9100 }, labelSize: 'zebra_102x76' });
    expect(status.printers.find((p) => p.id === 'zebra_tcp:192.0.2.10:9100')).toMatchObject({ name: 'Zebra at 192.0.2.10:9100', connected: null, usedFor: ['carton'] });
    const audit = (await t.core.audit.query({ action: 'settings.printers_changed' })).at(-1)!;
    expect(audit.after).toMatchObject({ carton: { labelSize: 'zebra_102x76' } });
    // Back to the simulator's Zebra for the other tests.
    await t.call(tech, 'devices.configurePrinter', { kind: 'carton', choice: { printer: { type: 'simulated_zebra' }, labelSize: 'zebra_102x51' } });
  });

  it('testPrint prints a test label (no patient data) and answers its preview; the DYMO printed exactly that', async () => {
    const result = await t.call<{ ok: boolean; printer: string; message: string; pngBase64: string }>(tech, 'devices.testPrint', { kind: 'syringe' });
    expect(result).toMatchObject({ ok: true, printer: 'DYMO LabelManager PnP' });
    const png = pngToBits(Buffer.from(result.pngBase64, 'base64'));
    const printed = t.sim.dymo.lastLabel!.decoded.bitmap;
    expect([printed.width, printed.height]).toEqual([png.width, png.height]);
    expect(printed.data.every((v, i) => (v ? 1 : 0) === (png.data[i] ? 1 : 0))).toBe(true);
    const carton = await t.call<{ ok: boolean }>(tech, 'devices.testPrint', { kind: 'carton' });
    expect(carton.ok).toBe(true);
    await until(() => t.sim.zebra.jobs.length > 0, 'the test ZPL');
    expect(t.sim.zebra.jobs.at(-1)!.zpl).toContain('Veil test print');
    expect((await t.core.audit.query({ action: 'devices.test_printed' }))).toHaveLength(2);
  });

  it('the test label lays out on every label stock', () => {
    for (const size of Object.keys(LABEL_SIZES) as Array<keyof typeof LABEL_SIZES>) {
      const layout = testLabelLayout(size, 'Simulated Zebra (loopback TCP)', new Date('2026-11-25T09:00:00Z'));
      expect(renderRaster(layout, LABEL_SIZES[size].tapeMm ? 180 : 203).ink(), size).toBeGreaterThan(100);
    }
  });

  it('keyboard-wedge scanners: every user reads the framing, devices.manage sets it (checked, audited), a bad one changes nothing', async () => {
    const defaults = await t.call<KeyboardWedgeSettings>(tech, 'devices.keyboardWedge');
    expect(defaults).toEqual(DEFAULT_KEYBOARD_WEDGE);
    const framed: KeyboardWedgeSettings = {
      scanners: [
        { name: 'Bench scanner', prefix: '~', suffixes: ['Enter'], aim: true },
        { name: 'Returns desk', prefix: '', suffixes: ['Tab'], aim: false },
      ],
      minLength: 6,
      fastKeyMs: 25,
    };
    const refuse = async (input: unknown, message: RegExp) => expect((await t.refused(tech, 'devices.configureKeyboardWedge', input)).message).toMatch(message);
    await refuse({ ...framed, scanners: [{ ...framed.scanners[0]!, prefix: 'A' }] }, /A prefix is made of symbols/);
    await refuse({ ...framed, scanners: [{ ...framed.scanners[0]!, suffixes: [] }] }, /Choose the key the scanner sends/);
    await refuse({ ...framed, scanners: [] }, /Keep at least one scanner/);
    await refuse({ ...framed, scanners: [framed.scanners[0]!, { ...framed.scanners[1]!, name: 'bench SCANNER' }] }, /Two scanners are named "bench SCANNER"/);
    expect(await t.call<KeyboardWedgeSettings>(tech, 'devices.keyboardWedge')).toEqual(DEFAULT_KEYBOARD_WEDGE);
    expect((await t.core.audit.query({ action: 'settings.scanners_changed' }))).toHaveLength(0);

    expect(await t.call<KeyboardWedgeSettings>(tech, 'devices.configureKeyboardWedge', framed)).toEqual(framed);
    const audit = (await t.core.audit.query({ action: 'settings.scanners_changed' }));
    expect(audit).toHaveLength(1);
    expect(audit[0]!).toMatchObject({ entityId: 'keyboard_wedge', before: DEFAULT_KEYBOARD_WEDGE, after: framed });
    // Every logged-in user reads it (the lock screen's password field and every scanning screen judge bursts with it).
    const investigator = await t.loginAs('investigator');
    expect(await t.call<KeyboardWedgeSettings>(investigator, 'devices.keyboardWedge')).toEqual(framed);
    expect(await t.refused(investigator, 'devices.configureKeyboardWedge', framed)).toMatchObject({ code: 'forbidden' });
    await t.call(tech, 'devices.configureKeyboardWedge', DEFAULT_KEYBOARD_WEDGE);
  });

  it('only roles with devices.read see devices; investigators and monitors do not', async () => {
    const investigator = await t.loginAs('investigator');
    expect(await t.refused(investigator, 'devices.status')).toMatchObject({ code: 'forbidden' });
    const monitor = await t.loginAs('monitor');
    expect(await t.refused(monitor, 'devices.simulateScan', { code: '1' })).toMatchObject({ code: 'forbidden' });
    const admin = await t.loginAs('administrator');
    expect((await t.call<DevicesStatus>(admin, 'devices.status')).scanners).toHaveLength(1);
    expect(await t.refused(admin, 'devices.printLabel', { kitNumber: '1', kind: 'syringe' })).toMatchObject({ code: 'forbidden' });
  });
});

describe('devices without the simulator', () => {
  it('simulateScan answers a clear error, status says there is no HID access, printing without a printer is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veil-nodev-'));
    const clock = new FakeClock();
    const core = await openVeilCoreInternals({ dbFile: join(dir, 'veil.db'), mode: 'browser', clock, idleSweepMs: 0 });
    try {
      const demo = await seedDemo(core, clock);
      const tech = demo.users.find((u) => u.role === 'pharmacy_technician')!;
      await core.dispatch('w', 'session.login', { username: tech.username, password: tech.password });
      const scan = await core.dispatch('w', 'devices.simulateScan', { code: '100001' });
      expect(scan).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/works only with the device simulator \(veil serve --demo\)/) } });
      const status = await core.dispatch('w', 'devices.status', {});
      expect(status).toMatchObject({ ok: true, value: { transport: { kind: 'none', available: false }, simulator: { active: false }, scanners: [], printers: [], settings: { carton: null, syringe: null } } });
      const print = await core.dispatch('w', 'devices.printLabel', { kitNumber: '100001', kind: 'syringe' });
      expect(print).toMatchObject({ ok: false, error: { code: 'validation', message: 'No printer is chosen for syringe labels yet: choose one on the Devices screen.' } });
      const simulated = await core.dispatch('w', 'devices.configurePrinter', { kind: 'carton', choice: { printer: { type: 'simulated_zebra' }, labelSize: 'zebra_102x51' } });
      expect(simulated).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringMatching(/only with the device simulator/) } });
    } finally {
      await core.devices.close();
      core.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
