import { LABEL_SIZES, type DevicesStatus, type KeyboardWedgeSettings, type LabelJob, type LabelSize, type PrinterChoice, type PrinterSettings, type PrinterTarget } from '../../../shared/contract/devices';
import { issue, VeilError } from '../../../shared/errors';
import { LabelLayoutError, type LabelLayout } from '../../../shared/labels/layout';
import type { AuditActor, AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import { DYMO_DPI, encodeDymoJob } from '../labels/dymo';
import type { LabelService } from '../labels/labelService';
import { bitmapToPng } from '../labels/png';
import { renderRaster } from '../labels/raster';
import { renderZpl } from '../labels/zpl';
import { silentLogger, type Logger } from '../log';
import type { StudyScope } from '../study/studyScope';
import { DeviceHub, parsePrinterId, printerId, type HubScanEvent } from './deviceHub';
import { DeviceRepository, jobView, type LabelKind } from './deviceRepository';
import { hexBytes, type HidTransport } from './hidTransport';
import { NodeHidTransport } from './nodeHidTransport';
import { PrinterError, type RawPrintJob } from './printerSink';
import { DeviceSimulator } from './simulator';
import { stockHeightMm, testLabelLayout } from './testLabel';

/**
 * How the core reaches devices:
 * - 'hardware': real scanners and printers through node-hid (the desktop default);
 * - 'simulated': the device simulator (browser-mode demo): a virtual scanner and DYMO, a loopback Zebra;
 * - 'none': no HID devices (browser mode default; network printers still work);
 * - an object: the tests' own transport and simulator.
 */
export type DevicesOption = 'hardware' | 'simulated' | 'none' | CustomDevices;

export interface CustomDevices {
  transport: HidTransport | null;
  simulator?: DeviceSimulator | null;
  pollMs?: number;
  statusTimeoutMs?: number;
  printTimeoutMs?: number;
  continuationTimeoutMs?: number;
}

export interface DevicesDeps {
  store: Store;
  /** The study whose label jobs are queued and listed (the settings and the devices are the site's). */
  scope: StudyScope;
  clock: Clock;
  audit: AuditTrail;
  labels: LabelService;
  logger?: Logger;
  /** Does a scanned code name a kit of the kit list? (A refused one gets the scanner's error beep.) */
  judgeScan?: (code: string) => boolean | Promise<boolean>;
  onScan?: (scan: HubScanEvent) => void;
  onChanged?: (reason: string) => void;
}

const SIMULATOR_PRINTERS: PrinterSettings = {
  syringe: { printer: { type: 'dymo' }, labelSize: 'tape_12mm' },
  carton: { printer: { type: 'simulated_zebra' }, labelSize: 'zebra_102x51' },
};
const DPI_OF_ZEBRA = 203;
const isTape = (size: LabelSize): boolean => LABEL_SIZES[size].tapeMm !== null;
const defaultSize = (target: PrinterTarget): LabelSize => (target.type === 'dymo' ? 'tape_12mm' : 'zebra_102x51');

/** The scanners, printers and label print queue of one core. */
export class Devices {
  readonly hub: DeviceHub;
  readonly simulator: DeviceSimulator | null;
  /** Resolves when the first enumeration is done (and the simulator's loopback Zebra listens). */
  readonly ready: Promise<void>;
  private readonly repo: DeviceRepository;
  private readonly inFlight = new Set<number>();
  private readonly logger: Logger;
  private closed = false;

  constructor(
    option: DevicesOption,
    private readonly deps: DevicesDeps,
  ) {
    this.logger = deps.logger ?? silentLogger;
    this.repo = new DeviceRepository(deps.store, deps.scope);
    const custom: CustomDevices =
      option === 'hardware'
        ? { transport: new NodeHidTransport() }
        : option === 'simulated'
          ? (() => {
              const simulator = new DeviceSimulator();
              return { transport: simulator.transport, simulator };
            })()
          : option === 'none'
            ? { transport: null }
            : option;
    this.simulator = custom.simulator ?? null;
    const simulator = this.simulator;
    const hub = new DeviceHub({
      transport: custom.transport,
      clock: deps.clock,
      logger: this.logger,
      ...(custom.pollMs !== undefined ? { pollMs: custom.pollMs } : {}),
      ...(custom.statusTimeoutMs ? { statusTimeoutMs: custom.statusTimeoutMs } : {}),
      ...(custom.printTimeoutMs ? { printTimeoutMs: custom.printTimeoutMs } : {}),
      ...(custom.continuationTimeoutMs ? { continuationTimeoutMs: custom.continuationTimeoutMs } : {}),
      ...(deps.judgeScan ? { judgeScan: deps.judgeScan } : {}),
      simulatedZebra: () => simulator?.zebraAddress() ?? null,
    });
    this.hub = hub;
    if (deps.onScan) hub.onScan(deps.onScan);
    if (deps.onChanged) hub.onChanged(deps.onChanged);
    this.ready = (async () => {
      if (simulator) await simulator.start();
      await hub.start();
    })().catch((error: unknown) => {
      this.logger.error('devices did not start', { error: error instanceof Error ? error.message : String(error) });
    });
  }

  /**
   * The printer choices. With the simulator, until someone saves a choice: syringe labels on the virtual DYMO, carton
   * labels on the loopback Zebra (not written to the database: they are the demo's devices, not a site's choice).
   */
  private settings(): Promise<PrinterSettings> {
    return this.repo.printerSettings(this.simulator ? SIMULATOR_PRINTERS : undefined);
  }

  // ---------------------------------------------------------------- status

  /** Everything the devices screen shows; `refresh` enumerates the USB devices first. */
  async status(refresh = false): Promise<DevicesStatus> {
    await this.ready;
    if (refresh) await this.hub.refresh();
    const settings = await this.settings();
    const usedFor = (match: (t: PrinterTarget) => boolean): LabelKind[] => (['carton', 'syringe'] as const).filter((k) => settings[k] && match(settings[k].printer));
    const printers: DevicesStatus['printers'] = [];
    const dymos = this.hub.dymos();
    const firstConnected = dymos.find((d) => d.connected) ?? dymos[0];
    for (const d of dymos) {
      printers.push({ id: d.id, type: 'dymo', name: d.name, connected: d.connected, lastError: d.lastError, lastPrintedAt: d.lastPrintedAt, usedFor: d === firstConnected ? usedFor((t) => t.type === 'dymo') : [] });
    }
    if (dymos.length === 0 && usedFor((t) => t.type === 'dymo').length > 0) {
      printers.push({ id: 'dymo', type: 'dymo', name: 'DYMO LabelManager', connected: false, lastError: null, lastPrintedAt: null, usedFor: usedFor((t) => t.type === 'dymo') });
    }
    const network = new Map<string, PrinterTarget>();
    for (const k of ['syringe', 'carton'] as const) {
      const t = settings[k]?.printer;
      if (t && t.type !== 'dymo') network.set(printerId(t), t);
    }
    if (this.simulator) network.set('simulated_zebra', { type: 'simulated_zebra' });
    for (const [id, target] of network) {
      const state = this.hub.networkPrinterState(id);
      printers.push({ id, type: target.type as Exclude<PrinterTarget['type'], 'dymo'>, name: this.hub.describe(target), connected: state.connected, lastError: state.lastError, lastPrintedAt: state.lastPrintedAt, usedFor: usedFor((t) => printerId(t) === id) });
    }
    const sim = this.simulator;
    const dymoPng = sim?.lastDymoLabelPng() ?? null;
    const lastZpl = sim?.zebra.jobs[sim.zebra.jobs.length - 1]?.zpl ?? null;
    return {
      transport: this.hub.transportStatus(),
      simulator: {
        active: sim !== null,
        lastDymoLabel: dymoPng && { pngBase64: dymoPng.pngBase64, widthDots: dymoPng.widthDots, heightDots: dymoPng.heightDots, at: isoUtc(dymoPng.at) },
        dymoLabels: sim?.dymo.printed.length ?? 0,
        zplJobs: sim?.zebra.jobs.length ?? 0,
        lastZpl,
      },
      scanners: this.hub.scanners(),
      printers,
      settings,
      queue: await this.repo.counts(),
      jobs: (await this.repo.recentJobs()).map((r) => jobView(r, this.inFlight.has(r.id))),
      problems: this.hub.problems(),
    };
  }

  // ---------------------------------------------------------------- printer settings

  private checkChoice(kind: LabelKind, choice: PrinterChoice): void {
    const { printer, labelSize } = choice;
    const size = LABEL_SIZES[labelSize];
    if (printer.type === 'dymo' && !isTape(labelSize))
      throw new VeilError('validation', 'A DYMO LabelManager prints on tape: choose a tape width.', [{ path: ['choice', 'labelSize'], message: 'Choose a tape width' }]);
    if (printer.type !== 'dymo' && isTape(labelSize))
      throw new VeilError('validation', 'A Zebra prints on labels, not tape: choose a label size.', [{ path: ['choice', 'labelSize'], message: 'Choose a label size' }]);
    if (printer.type === 'simulated_zebra' && !this.simulator)
      throw new VeilError('validation', 'The simulated Zebra exists only with the device simulator (veil serve --demo). Choose a real printer.', [{ path: ['choice', 'printer'], message: 'Not available here' }]);
    // The label kinds' fixed sizes (shared/labels/blindedLabel.ts): carton 100 x 50 mm; syringe about 9 mm high.
    if (kind === 'carton' && (printer.type === 'dymo' || (size.widthMm !== null && (size.widthMm < 100 || size.heightMm < 50))))
      throw new VeilError('validation', `The carton label is 100 x 50 mm: it does not fit ${printer.type === 'dymo' ? 'a DYMO tape' : 'that label size'}. Choose a Zebra with 102 x 51 mm (4 x 2 in) labels or larger.`, [
        { path: ['choice', 'labelSize'], message: 'Too small for the carton label' },
      ]);
    if (kind === 'syringe' && stockHeightMm(labelSize) + 0.05 < 9)
      throw new VeilError('validation', `The syringe label is 9 mm high: ${isTape(labelSize) ? 'it needs 12 mm tape' : 'that label is too low'}.`, [{ path: ['choice', 'labelSize'], message: 'Too small for the syringe label' }]);
  }

  async configurePrinter(actor: AuditActor, kind: LabelKind, choice: PrinterChoice | null): Promise<DevicesStatus> {
    await this.ready;
    if (choice) this.checkChoice(kind, choice);
    await this.deps.store.transaction(async () => {
      const before = await this.settings();
      const after: PrinterSettings = { ...before, [kind]: choice };
      await this.repo.setPrinterSettings(after);
      await this.deps.audit.append(actor, { action: 'settings.printers_changed', entityType: 'settings', entityId: 'printers', before, after });
    });
    // After the commit: the windows read the new status.
    this.hub.changed('settings');
    return this.status();
  }

  /** How the keyboard-wedge scanners frame their codes (read by every scanning screen). */
  keyboardWedge(): Promise<KeyboardWedgeSettings> {
    return this.repo.keyboardWedge();
  }

  /** Sets the keyboard-wedge scanners' framing; a device check setting (21 CFR 11.10(h)), so it is audited. */
  async configureKeyboardWedge(actor: AuditActor, settings: KeyboardWedgeSettings): Promise<KeyboardWedgeSettings> {
    const names = settings.scanners.map((s) => s.name.trim().toLowerCase());
    const twice = names.findIndex((n, i) => names.indexOf(n) !== i);
    if (twice >= 0) throw VeilError.says('validation', { key: 'validation.scannerTwice', params: { name: settings.scanners[twice]!.name } }, [issue(['scanners', twice, 'name'], { key: 'validation.usedTwice' })]);
    await this.deps.store.transaction(async () => {
      const before = await this.repo.keyboardWedge();
      await this.repo.setKeyboardWedge(settings);
      await this.deps.audit.append(actor, { action: 'settings.scanners_changed', entityType: 'settings', entityId: 'keyboard_wedge', before, after: settings });
    });
    this.hub.changed('settings');
    return this.repo.keyboardWedge();
  }

  // ---------------------------------------------------------------- rendering

  private rawJob(layout: LabelLayout, target: PrinterTarget, labelSize: LabelSize, what: string): RawPrintJob {
    const size = LABEL_SIZES[labelSize];
    if (target.type === 'dymo') {
      const bitmap = renderRaster(layout, DYMO_DPI);
      try {
        const job = encodeDymoJob(bitmap, { tapeMm: size.tapeMm ?? 12 });
        return { bytes: job.bytes, segments: job.segments };
      } catch (error) {
        throw new VeilError('validation', `The ${what} (${layout.widthMm.toFixed(0)} x ${layout.heightMm.toFixed(0)} mm) does not fit a ${size.tapeMm ?? 12} mm DYMO tape: ${error instanceof Error ? error.message : String(error)}.`);
      }
    }
    if (size.widthMm !== null && (layout.widthMm > size.widthMm + 0.5 || layout.heightMm > size.heightMm + 0.5)) {
      throw new VeilError(
        'validation',
        `The ${what} is ${layout.widthMm.toFixed(1)} x ${layout.heightMm.toFixed(1)} mm but the printer is set for ${size.widthMm} x ${size.heightMm} mm labels. Choose a larger label size on the Devices screen.`,
      );
    }
    return { bytes: new TextEncoder().encode(renderZpl(layout, { dpi: DPI_OF_ZEBRA })) };
  }

  private async kitLayout(kitNumber: string, kind: LabelKind): Promise<LabelLayout> {
    try {
      return await this.deps.labels.layout(kitNumber, kind);
    } catch (error) {
      if (error instanceof LabelLayoutError) throw new VeilError('validation', `The ${kind} label of kit ${kitNumber} cannot be laid out: ${error.message}`);
      throw error;
    }
  }

  private async choiceFor(kind: LabelKind, explicit: PrinterTarget | undefined | null): Promise<{ target: PrinterTarget; labelSize: LabelSize }> {
    const chosen = (await this.settings())[kind];
    if (explicit) return { target: explicit, labelSize: chosen && chosen.printer.type === explicit.type ? chosen.labelSize : defaultSize(explicit) };
    if (!chosen) throw VeilError.says('validation', { key: kind === 'carton' ? 'labels.noPrinterCarton' : 'labels.noPrinterSyringe' });
    return { target: chosen.printer, labelSize: chosen.labelSize };
  }

  // ---------------------------------------------------------------- test print

  async testPrint(actor: AuditActor, kind: LabelKind): Promise<{ ok: boolean; printer: string; message: string; pngBase64: string }> {
    await this.ready;
    const { target, labelSize } = await this.choiceFor(kind, null);
    const name = this.hub.describe(target);
    const layout = testLabelLayout(labelSize, name, this.deps.clock.now());
    const job = this.rawJob(layout, target, labelSize, 'test label');
    const dpi = target.type === 'dymo' ? DYMO_DPI : DPI_OF_ZEBRA;
    const pngBase64 = bitmapToPng(renderRaster(layout, dpi), { dpi }).toString('base64');
    let ok = true;
    let message = `The test label went to the ${name}. Check that the print is sharp and whole${LABEL_SIZES[labelSize].tapeMm ? '' : ', and that the frame sits just inside the label edges'}.`;
    try {
      await this.hub.print(target, job);
    } catch (error) {
      ok = false;
      message = error instanceof Error ? error.message : String(error);
    }
    await this.deps.store.transaction(async () => {
      await this.deps.audit.append(actor, { action: 'devices.test_printed', entityType: 'printer', entityId: printerId(target), after: { kind, labelSize, ok, ...(ok ? {} : { error: message }) } });
    });
    return { ok, printer: name, message, pngBase64 };
  }

  /**
   * Sends a laid-out label that is not a dispensed kit's (an over-label after an expiry extension) to the printer chosen
   * for `kind`. Resolves with the printer's name once the printer confirmed the job; rejects with the printer's problem
   * (a PrinterError) or a VeilError when nothing is chosen or the label does not fit. The caller records the outcome.
   */
  async printLayout(kind: LabelKind, layout: LabelLayout, what: string): Promise<{ printer: string }> {
    await this.ready;
    const { target, labelSize } = await this.choiceFor(kind, null);
    const job = this.rawJob(layout, target, labelSize, what);
    this.hub.changed('label job');
    try {
      await this.hub.print(target, job);
    } finally {
      this.hub.changed('label job');
    }
    return { printer: printerId(target) };
  }

  // ---------------------------------------------------------------- label print queue

  /**
   * Queues the label and sends it. The job is in label_prints before the printer is tried, so a failure (offline, no
   * tape, time-out, unplugged) leaves it "failed" with the reason, to retry. A label that cannot be laid out is
   * refused before anything is queued. The dispensing itself is never touched here.
   */
  async printLabel(actor: AuditActor, input: { kitNumber: string; kind: LabelKind; printer?: PrinterTarget | undefined; reprintReason?: string | undefined }): Promise<{ job: LabelJob }> {
    await this.ready;
    const { kitNumber, kind } = input;
    const { target, labelSize } = await this.choiceFor(kind, input.printer);
    const layout = await this.kitLayout(kitNumber, kind);
    const job = this.rawJob(layout, target, labelSize, `${kind} label`);
    const id = await this.deps.store.transaction(async () => {
      const waiting = await this.repo.waitingJob(kitNumber, kind);
      if (waiting) throw VeilError.says('conflict', { key: kind === 'carton' ? 'labels.alreadyQueuedCarton' : 'labels.alreadyQueuedSyringe', params: { kit: kitNumber, job: waiting.id, status: waiting.status } });
      const reprint = (await this.repo.printedCount(kitNumber, kind)) > 0;
      if (reprint && !input.reprintReason)
        throw VeilError.says('validation', { key: kind === 'carton' ? 'labels.alreadyPrintedCarton' : 'labels.alreadyPrintedSyringe', params: { kit: kitNumber } }, [issue(['reprintReason'], { key: 'labels.reprintReasonNeeded' })]);
      return this.repo.queueJob({ kitNumber, kind, requestedAt: isoUtc(this.deps.clock.now()), userId: actor.userId ?? 0, reprintReason: reprint ? input.reprintReason! : null, printer: printerId(target) });
    });
    return { job: await this.attempt(actor, id, target, job) };
  }

  /** Sends a queued or failed job again: to `printer`, else to the printer now chosen for its label kind. */
  async retryJob(actor: AuditActor, jobId: number, printer?: PrinterTarget): Promise<{ job: LabelJob }> {
    await this.ready;
    const row = await this.repo.job(jobId);
    if (!row) throw VeilError.says('not_found', { key: 'labels.noSuchJob', params: { job: jobId } });
    if (row.status === 'printed') throw VeilError.says('conflict', { key: 'labels.jobPrinted', params: { job: jobId } });
    if (this.inFlight.has(jobId)) throw VeilError.says('conflict', { key: 'labels.jobInFlight', params: { job: jobId } });
    // Taken at once: the reads below wait on the database, and a second retry of this job must find it taken meanwhile.
    this.inFlight.add(jobId);
    let target: PrinterTarget;
    let job: RawPrintJob;
    try {
      // The printer chosen for this label kind now (the user fixed the set-up, then retries), else the one it was sent to.
      const chosen = await this.choiceFor(row.kind, printer ?? ((await this.settings())[row.kind] ? null : parsePrinterId(row.printer)));
      target = chosen.target;
      job = this.rawJob(await this.kitLayout(row.kitNumber, row.kind), target, chosen.labelSize, `${row.kind} label`);
      await this.repo.markQueued(jobId, printerId(target));
    } catch (error) {
      this.inFlight.delete(jobId);
      throw error;
    }
    return { job: await this.attempt(actor, jobId, target, job) };
  }

  private async attempt(actor: AuditActor, id: number, target: PrinterTarget, raw: RawPrintJob): Promise<LabelJob> {
    this.inFlight.add(id);
    this.hub.changed('label job');
    try {
      await this.hub.print(target, raw);
      if (this.closed) return jobView((await this.repo.job(id))!, false);
      await this.deps.store.transaction(async () => {
        const row = (await this.repo.job(id))!;
        await this.repo.markPrinted(id, isoUtc(this.deps.clock.now()));
        const reprint = row.reprintReason !== null;
        await this.deps.audit.append(actor, {
          action: reprint ? 'label.reprinted' : 'label.printed',
          entityType: 'kit',
          entityId: row.kitNumber,
          after: { kind: row.kind, printer: printerId(target), job: id },
          reason: row.reprintReason,
        });
      });
    } catch (error) {
      if (this.closed) throw error;
      if (!(error instanceof PrinterError)) this.logger.error('label print failed unexpectedly', { job: id, error: error instanceof Error ? error.message : String(error) });
      const message = error instanceof Error ? error.message : String(error);
      await this.deps.store.transaction(async () => {
        const row = (await this.repo.job(id))!;
        await this.repo.markFailed(id, isoUtc(this.deps.clock.now()), message);
        await this.deps.audit.append(actor, { action: 'label.print_failed', entityType: 'kit', entityId: row.kitNumber, after: { kind: row.kind, printer: printerId(target), job: id, error: message } });
      });
    } finally {
      this.inFlight.delete(id);
      this.hub.changed('label job');
    }
    return jobView((await this.repo.job(id))!, false);
  }

  // ---------------------------------------------------------------- simulator

  /** The developer panel's "scan kit": the virtual scanner sends the code's real HID reports to the driver. */
  async simulateScan(code: string, aim?: string): Promise<{ scanner: string; reports: number; firstReport: string }> {
    await this.ready;
    const sim = this.simulator;
    if (!sim) throw new VeilError('conflict', 'The scan panel works only with the device simulator (veil serve --demo). Here Veil talks to real scanners: scan with one.');
    if (!sim.scanner.isOpen) await this.hub.refresh();
    let reports: Uint8Array[] | null;
    try {
      reports = sim.scanner.scan(code, aim ?? DeviceSimulator.aimFor(code));
    } catch (error) {
      throw new VeilError('validation', `The virtual scanner cannot send this code: ${error instanceof Error ? error.message : String(error)}.`);
    }
    if (!reports) throw new VeilError('conflict', 'The virtual scanner is not connected (nothing has it open). Wait a few seconds and try again.');
    return { scanner: sim.scanner.identity.product, reports: reports.length, firstReport: hexBytes(reports[0]!, 64) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready;
    await this.hub.close();
    await this.simulator?.stop();
  }
}
