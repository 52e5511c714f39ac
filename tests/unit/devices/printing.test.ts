import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevicesStatus, LabelJob } from '../../../shared/contract/devices';
import { DymoLabelManagerPrinter } from '../../../main/core/devices/dymoPrinter';
import { DymoLabelManagerModel } from '../../../main/core/devices/models/dymoLabelManagerModel';
import { ZebraLoopbackSink } from '../../../main/core/devices/models/zebraLoopbackSink';
import { CupsRawQueueSink, PrinterError, TcpPrinterSink, parseZebraHostStatus } from '../../../main/core/devices/printerSink';
import { SimulatedHidTransport } from '../../../main/core/devices/simulatedHidTransport';
import { DeviceSimulator } from '../../../main/core/devices/simulator';
import { encodeDymoJob, toHidReports } from '../../../main/core/labels/dymo';
import { pngToBits } from '../../../main/core/labels/png';
import { Bitmap } from '../../../main/core/labels/raster';
import { renderZpl } from '../../../main/core/labels/zpl';
import { deviceCore, until, type DeviceTestCore } from './helpers';

/** A DYMO whose cable is pulled after it received `afterReports` output reports (once). */
class UnpluggedMidJob extends DymoLabelManagerModel {
  transport: SimulatedHidTransport | null = null;
  afterReports = Infinity;
  override output(report: Uint8Array): void {
    super.output(report);
    if (this.reports.length === this.afterReports) {
      this.afterReports = Infinity;
      this.transport?.unplug(this);
    }
  }
}

const previewBits = async (t: DeviceTestCore, window: string, kitNumber: string, kind: 'syringe' | 'carton') => {
  const preview = await t.call<{ pngBase64: string }>(window, 'labels.preview', { kitNumber, kind });
  return pngToBits(Buffer.from(preview.pngBase64, 'base64'));
};
const sameBits = (bitmap: Bitmap, bits: { width: number; height: number; data: Uint8Array }): boolean =>
  bitmap.width === bits.width && bitmap.height === bits.height && bitmap.data.every((v, i) => (v ? 1 : 0) === (bits.data[i] ? 1 : 0));

describe('label printing through the production drivers and the device models', () => {
  let t: DeviceTestCore;
  let dymo: UnpluggedMidJob;
  let tech: string;
  let kits: string[];

  beforeAll(async () => {
    dymo = new UnpluggedMidJob();
    const sim = new DeviceSimulator({ dymo });
    dymo.transport = sim.transport;
    t = await deviceCore({ statusTimeoutMs: 300, printTimeoutMs: 1500 }, sim);
    tech = await t.loginAs('pharmacy_technician');
    kits = await t.dispensedKits();
    expect(kits.length).toBeGreaterThan(3);
  }, 120_000);
  afterAll(async () => t.dispose());

  it('a syringe label printed on the DYMO (driver + model) equals the preview raster pixel for pixel', async () => {
    const kit = kits[0]!;
    const { job } = await t.call<{ job: LabelJob }>(tech, 'devices.printLabel', { kitNumber: kit, kind: 'syringe' });
    expect(job).toMatchObject({ kitNumber: kit, kind: 'syringe', status: 'printed', printer: 'dymo', error: null, reprint: false });
    const printed = dymo.lastLabel!.decoded;
    const preview = await previewBits(t, tech, kit, 'syringe');
    expect(printed.bitmap.ink()).toBeGreaterThan(1000);
    expect(sameBits(printed.bitmap, preview)).toBe(true);
    // The bytes on the wire: every output report is report id 0 + at most 64 bytes; each status request was answered.
    expect(dymo.reports.every((r) => r[0] === 0 && r.length <= 65)).toBe(true);
    expect(dymo.statusRequests).toBe(Math.floor(printed.bitmap.width / 64));
    expect(dymo.protocolErrors).toEqual([]);
    expect(printed).toMatchObject({ bytesPerLine: 8, leaderLines: 17, trailerLines: 58, cut: true });
    // Recorded and audited like any print.
    const audit = (await t.core.audit.query({ action: 'label.printed', entityId: kit }));
    expect(audit.at(-1)?.after).toMatchObject({ kind: 'syringe', printer: 'dymo', job: job.id });
  });

  it('the DYMO unplugged mid-job keeps the job (failed, with the reason); after the re-plug the retry prints it', async () => {
    const kit = kits[1]!;
    const dispensingsBefore = t.core.db.prepare('SELECT count(*) AS n FROM dispensing_kits').get();
    dymo.afterReports = dymo.reports.length + 10;
    const printedBefore = dymo.printed.length;
    const { job } = await t.call<{ job: LabelJob }>(tech, 'devices.printLabel', { kitNumber: kit, kind: 'syringe' });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/DYMO LabelManager PnP was disconnected while printing.*The label is kept: plug it back in and retry/);
    expect(dymo.printed.length).toBe(printedBefore);
    expect(dymo.abandonedJobs).toBe(1);
    // Nothing was undone: the dispensing is there, the label still counts as to print.
    expect(t.core.db.prepare('SELECT count(*) AS n FROM dispensing_kits').get()).toEqual(dispensingsBefore);
    const queue = await t.call<Array<{ kitNumber: string; kind: string; prints: number }>>(tech, 'labels.queue', { pendingOnly: true });
    expect(queue.some((q) => q.kitNumber === kit && q.kind === 'syringe')).toBe(true);
    let status = await t.call<DevicesStatus>(tech, 'devices.status');
    expect(status.queue.failed).toBe(1);
    expect(status.jobs.find((j) => j.id === job.id)).toMatchObject({ status: 'failed' });
    expect(status.printers.find((p) => p.type === 'dymo')).toMatchObject({ connected: false });
    expect((await t.core.audit.query({ action: 'label.print_failed', entityId: kit }))).toHaveLength(1);

    // While unplugged, a retry fails again with "not plugged in", and the job is still kept.
    const again = await t.call<{ job: LabelJob }>(tech, 'devices.retryJob', { jobId: job.id });
    expect(again.job).toMatchObject({ id: job.id, status: 'failed' });
    expect(again.job.error).toMatch(/No DYMO LabelManager is plugged in/);

    // Plugged back in: the hub sees it at the next enumeration, the retry prints the same job.
    t.sim.transport.plug(dymo);
    await t.core.devices.hub.refresh();
    status = await t.call<DevicesStatus>(tech, 'devices.status');
    expect(status.printers.find((p) => p.type === 'dymo')).toMatchObject({ connected: true });
    const retried = await t.call<{ job: LabelJob }>(tech, 'devices.retryJob', { jobId: job.id });
    expect(retried.job).toMatchObject({ id: job.id, status: 'printed', error: null });
    expect(sameBits(dymo.lastLabel!.decoded.bitmap, await previewBits(t, tech, kit, 'syringe'))).toBe(true);
    expect((await t.call<DevicesStatus>(tech, 'devices.status')).queue.failed).toBe(0);
  });

  it('a printer that never answers a status request fails with a clear time-out; the job is kept', async () => {
    const kit = kits[2]!;
    dymo.answerStatus = false;
    const started = Date.now();
    const { job } = await t.call<{ job: LabelJob }>(tech, 'devices.printLabel', { kitNumber: kit, kind: 'syringe' });
    dymo.answerStatus = true;
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/did not answer a status request within 0\.3 s \(after part 1 of the label\)/);
    const retried = await t.call<{ job: LabelJob }>(tech, 'devices.retryJob', { jobId: job.id });
    expect(retried.job.status).toBe('printed');
  });

  it('the ZPL the loopback TCP sink received equals renderZpl of the carton label', async () => {
    const kit = kits[0]!;
    const before = t.sim.zebra.jobs.length;
    const { job } = await t.call<{ job: LabelJob }>(tech, 'devices.printLabel', { kitNumber: kit, kind: 'carton' });
    expect(job).toMatchObject({ status: 'printed', printer: 'simulated_zebra' });
    // Printed = the printer took the bytes; the loopback printer files the job when the connection closes.
    await until(() => t.sim.zebra.jobs.length === before + 1, 'the job at the loopback Zebra');
    const received = t.sim.zebra.jobs.at(-1)!.zpl;
    expect(received).toBe(renderZpl(await t.core.labels.layout(kit, 'carton')));
    expect(received.startsWith('^XA')).toBe(true);
    // ~HS went first on the same connection and was answered.
    expect(Buffer.from(t.sim.zebra.jobs.at(-1)!.bytes).toString('latin1').startsWith('~HS^XA')).toBe(true);
  });

  it('a Zebra out of labels refuses with words; the job is kept and printed after labels are loaded', async () => {
    const kit = kits[3]!;
    t.sim.zebra.paperOut = true;
    const { job } = await t.call<{ job: LabelJob }>(tech, 'devices.printLabel', { kitNumber: kit, kind: 'carton' });
    t.sim.zebra.paperOut = false;
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/Simulated Zebra \(loopback TCP\) is out of labels/);
    expect((await t.call<{ job: LabelJob }>(tech, 'devices.retryJob', { jobId: job.id })).job.status).toBe('printed');
  });

  it('a second print of a printed label is a reprint and needs a reason; a waiting job is not queued twice', async () => {
    const kit = kits[0]!;
    const refused = await t.refused(tech, 'devices.printLabel', { kitNumber: kit, kind: 'syringe' });
    expect(refused).toMatchObject({ code: 'validation', message: expect.stringMatching(/already printed: give the reason for the reprint/) });
    const { job } = await t.call<{ job: LabelJob }>(tech, 'devices.printLabel', { kitNumber: kit, kind: 'syringe', reprintReason: 'Label smudged' });
    expect(job).toMatchObject({ status: 'printed', reprint: true });
    expect((await t.core.audit.query({ action: 'label.reprinted', entityId: kit })).at(-1)?.reason).toBe('Label smudged');

    dymo.answerStatus = false;
    const kit2 = kits[4]!;
    const failed = (await t.call<{ job: LabelJob }>(tech, 'devices.printLabel', { kitNumber: kit2, kind: 'syringe' })).job;
    dymo.answerStatus = true;
    expect(failed.status).toBe('failed');
    const twice = await t.refused(tech, 'devices.printLabel', { kitNumber: kit2, kind: 'syringe' });
    expect(twice).toMatchObject({ code: 'conflict', message: expect.stringMatching(new RegExp(`already in the print queue \\(job ${failed.id}, failed\\)`)) });
    expect((await t.call<{ job: LabelJob }>(tech, 'devices.retryJob', { jobId: failed.id })).job.status).toBe('printed');
    expect(await t.refused(tech, 'devices.retryJob', { jobId: failed.id })).toMatchObject({ code: 'conflict' });
  });

  it('refuses a kit that is not dispensed and a label that does not fit the chosen stock, before queueing', async () => {
    const counts = (await t.call<DevicesStatus>(tech, 'devices.status')).queue;
    expect(await t.refused(tech, 'devices.printLabel', { kitNumber: 'NO-SUCH-KIT', kind: 'syringe' })).toMatchObject({ code: 'not_found' });
    expect(await t.refused(tech, 'devices.printLabel', { kitNumber: kits[0], kind: 'carton', printer: { type: 'dymo' }, reprintReason: 'test' })).toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/does not fit a 12 mm DYMO tape/),
    });
    expect((await t.call<DevicesStatus>(tech, 'devices.status')).queue).toEqual(counts);
  });
});

describe('printer sinks, byte level', () => {
  it('the DYMO driver writes each segment as [0x00, chunk] reports and waits for the status reply after ESC A', async () => {
    const transport = new SimulatedHidTransport();
    const model = new DymoLabelManagerModel();
    transport.plug(model);
    const [info] = await transport.enumerate();
    const bitmap = new Bitmap(200, 64);
    for (let x = 0; x < 200; x += 3) bitmap.set(x, x % 64);
    const job = encodeDymoJob(bitmap);
    await new DymoLabelManagerPrinter(transport, info!).send(job);
    expect(model.reports.map((r) => [...r])).toEqual(job.segments.flatMap((s) => toHidReports(s)).map((r) => [...r]));
    expect(model.statusRequests).toBe(3);
    expect(model.lastLabel!.decoded.bitmap.equals(bitmap)).toBe(true);
  });

  it('a closed TCP port is an "offline" error in words', async () => {
    const sink = new ZebraLoopbackSink();
    const port = await sink.start();
    await sink.stop();
    const error = await new TcpPrinterSink({ host: '127.0.0.1', port, timeoutMs: 1000 }).send({ bytes: new TextEncoder().encode('^XA^XZ') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrinterError);
    expect(error).toMatchObject({ kind: 'offline', message: expect.stringMatching(/Nothing answers at 127\.0\.0\.1:\d+ \(connection refused\)/) });
  });

  it('a Zebra that never answers ~HS is a time-out', async () => {
    const sink = new ZebraLoopbackSink();
    sink.answerStatus = false;
    const port = await sink.start();
    const error = await new TcpPrinterSink({ host: '127.0.0.1', port, timeoutMs: 200, checkZebraStatus: true, description: 'Zebra' }).send({ bytes: new Uint8Array([0x5e]) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', message: 'The Zebra did not answer the status query (~HS) within 0.2 s. Check that it is on and connected, then retry.' });
    await sink.stop();
  });

  it('parses the ~HS host status strings', () => {
    const ok = new ZebraLoopbackSink();
    expect(parseZebraHostStatus(new TextEncoder().encode(ok.hostStatus()))).toEqual({ paperOut: false, paused: false, headUp: false, ribbonOut: false });
    ok.paused = true;
    expect(parseZebraHostStatus(new TextEncoder().encode(ok.hostStatus()))).toMatchObject({ paused: true });
    expect(parseZebraHostStatus(new TextEncoder().encode('\x02030,1,0\x03'))).toBeNull();
  });

  it('the CUPS raw queue runs lp -d QUEUE -o raw with the job on standard input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veil-lp-'));
    try {
      const lp = join(dir, 'lp');
      writeFileSync(lp, `#!/bin/sh\necho "$@" > "${dir}/args"\ncat > "${dir}/job"\n`);
      chmodSync(lp, 0o755);
      await new CupsRawQueueSink({ queue: 'Zebra_ZD421', lpCommand: lp }).send({ bytes: new TextEncoder().encode('^XA^FDhi^FS^XZ') });
      expect(readFileSync(join(dir, 'args'), 'utf8').trim()).toBe('-d Zebra_ZD421 -o raw');
      expect(readFileSync(join(dir, 'job'), 'utf8')).toBe('^XA^FDhi^FS^XZ');
      writeFileSync(lp, '#!/bin/sh\necho "lp: The printer or class does not exist." >&2\nexit 1\n');
      await expect(new CupsRawQueueSink({ queue: 'Nope', lpCommand: lp }).send({ bytes: new Uint8Array(1) })).rejects.toMatchObject({
        kind: 'refused',
        message: 'The print queue Nope refused the label: lp: The printer or class does not exist.',
      });
      await expect(new CupsRawQueueSink({ queue: 'Q', lpCommand: join(dir, 'missing') }).send({ bytes: new Uint8Array(1) })).rejects.toMatchObject({ kind: 'unavailable' });
      expect(() => new CupsRawQueueSink({ queue: 'bad queue; rm -rf /' })).toThrow(/not a valid print queue name/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
