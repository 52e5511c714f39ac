import type { PrinterTarget } from '../../../shared/contract/devices';
import { isoUtc, type Clock } from '../clock';
import { silentLogger, type Logger } from '../log';
import { DymoLabelManagerPrinter, DYMO_LABELMANAGER_PRINTER_PRODUCTS, isDymoLabelManager } from './dymoPrinter';
import { HidPosScanner, isHidPosScanner, type ScanEvent } from './hidPosScanner';
import { hex4, type HidDeviceInfo, type HidTransport } from './hidTransport';
import { PrinterError, type PrinterSink, type RawPrintJob } from './printerSink';
import { ZebraPrinter } from './zebraPrinter';

/** Re-enumeration period of the hot-plug watch: a full USB enumeration, so never faster than this (HARDWARE.md). */
export const MIN_POLL_MS = 2000;
export const DEFAULT_POLL_MS = 3000;
const MAX_PROBLEMS = 20;

export interface DeviceProblem {
  device: string;
  message: string;
  at: string;
}

export interface HubScannerStatus {
  id: string;
  name: string;
  vendorId: number;
  productId: number;
  connected: boolean;
  lastError: { message: string; at: string } | null;
  lastScanAt: string | null;
  scans: number;
}

export interface HubDymoStatus {
  id: string;
  name: string;
  connected: boolean;
  lastError: { message: string; at: string } | null;
  lastPrintedAt: string | null;
}

export interface HubScanEvent extends ScanEvent {
  scanner: string;
}

export interface DeviceHubOptions {
  /** null: no HID access (browser mode without the simulator, or node-hid missing). */
  transport: HidTransport | null;
  clock: Clock;
  /** Hot-plug re-enumeration period (at least 2000 ms); 0: only on demand (`refresh`). Default 3000. */
  pollMs?: number;
  /** DYMO status reply time-out (default 5000 ms). */
  statusTimeoutMs?: number;
  /** Network / queue printer time-out (default 5000 ms). */
  printTimeoutMs?: number;
  continuationTimeoutMs?: number;
  /** Does this code name a kit of the kit list? A refused code gets the error beep at the scanner (once the answer is in). */
  judgeScan?: (code: string) => boolean | Promise<boolean>;
  /** The address of the simulator's loopback Zebra, when the simulator runs. */
  simulatedZebra?: () => { host: string; port: number } | null;
  logger?: Logger;
}

interface ScannerEntry {
  key: string;
  info: HidDeviceInfo;
  driver: HidPosScanner | null;
  opening: Promise<void> | null;
  connected: boolean;
  lastError: { message: string; at: string } | null;
  lastScanAt: string | null;
  scans: number;
}

interface DymoEntry {
  key: string;
  info: HidDeviceInfo;
  connected: boolean;
  lastError: { message: string; at: string } | null;
  lastPrintedAt: string | null;
}

interface NetworkPrinterState {
  connected: boolean | null;
  lastError: { message: string; at: string } | null;
  lastPrintedAt: string | null;
}

/** The id a printer target is stored under in label_prints.printer. */
export function printerId(target: PrinterTarget): string {
  switch (target.type) {
    case 'dymo':
      return 'dymo';
    case 'zebra_tcp':
      return `zebra_tcp:${target.host}:${target.port}`;
    case 'zebra_queue':
      return `zebra_queue:${target.queue}`;
    case 'simulated_zebra':
      return 'simulated_zebra';
  }
}

/** The target back from a stored printer id (null for ids this hub did not write, e.g. 'pdf'). */
export function parsePrinterId(id: string | null): PrinterTarget | null {
  if (!id) return null;
  if (id === 'dymo') return { type: 'dymo' };
  if (id === 'simulated_zebra') return { type: 'simulated_zebra' };
  const tcp = /^zebra_tcp:(.+):(\d{1,5})$/.exec(id);
  if (tcp) return { type: 'zebra_tcp', host: tcp[1]!, port: Number(tcp[2]) };
  const queue = /^zebra_queue:(.+)$/.exec(id);
  if (queue) return { type: 'zebra_queue', queue: queue[1]! };
  return null;
}

const deviceKey = (info: HidDeviceInfo): string => (info.serialNumber ? `${hex4(info.vendorId)}:${hex4(info.productId)}:${info.serialNumber}` : info.path);

/**
 * Every device Veil talks to, in the main process: HID POS scanners (kept open, reading), DYMO LabelManagers (opened
 * per job), and the network / queue printers named in the settings. Watches for hot-plug by re-enumerating every few
 * seconds (and on demand), so a device plugged in or pulled out shows up without a restart; keeps a status and the
 * last error per device; passes each scan on as one event.
 */
export class DeviceHub {
  private readonly scannerEntries = new Map<string, ScannerEntry>();
  private readonly dymoEntries = new Map<string, DymoEntry>();
  private readonly networkStates = new Map<string, NetworkPrinterState>();
  private readonly recentProblems: DeviceProblem[] = [];
  private readonly scanListeners: Array<(scan: HubScanEvent) => void> = [];
  private readonly changeListeners: Array<(reason: string) => void> = [];
  private readonly printerLocks = new Map<string, Promise<unknown>>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private refreshing: Promise<void> | null = null;
  private transportError: string | null = null;
  private closed = false;
  private readonly logger: Logger;

  constructor(private readonly options: DeviceHubOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  get transportKind(): 'node-hid' | 'simulated' | 'none' {
    return this.options.transport?.kind ?? 'none';
  }

  /** The first enumeration, then the hot-plug watch. */
  async start(): Promise<void> {
    await this.refresh();
    const pollMs = this.options.pollMs ?? DEFAULT_POLL_MS;
    if (pollMs > 0 && this.options.transport && !this.closed) {
      this.timer = setInterval(() => void this.refresh(), Math.max(MIN_POLL_MS, pollMs));
      this.timer.unref?.();
    }
  }

  onScan(listener: (scan: HubScanEvent) => void): void {
    this.scanListeners.push(listener);
  }

  onChanged(listener: (reason: string) => void): void {
    this.changeListeners.push(listener);
  }

  /** Enumerates now: opens new scanners, notes new DYMOs, marks vanished devices disconnected. Calls overlap into one. */
  refresh(): Promise<void> {
    this.refreshing ??= this.enumerateOnce().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /**
   * An enumeration that starts now, not one already under way (which may have begun before a re-plug): what a caller
   * about to use a device it may just have plugged in needs.
   */
  async refreshFromNow(): Promise<void> {
    if (this.refreshing) await this.refreshing.catch(() => undefined);
    await this.refresh();
  }

  private async enumerateOnce(): Promise<void> {
    const transport = this.options.transport;
    if (!transport || this.closed) return;
    let list: HidDeviceInfo[];
    try {
      list = await transport.enumerate();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.transportError) {
        this.transportError = message;
        this.problem('USB devices', message);
        this.changed('transport');
      }
      return;
    }
    if (this.transportError !== null) {
      this.transportError = null;
      this.changed('transport');
    }
    const seen = new Set<string>();
    const opening: Array<Promise<void>> = [];
    for (const info of list) {
      const key = deviceKey(info);
      if (isHidPosScanner(info)) {
        seen.add(key);
        let entry = this.scannerEntries.get(key);
        if (!entry) {
          entry = { key, info, driver: null, opening: null, connected: false, lastError: null, lastScanAt: null, scans: 0 };
          this.scannerEntries.set(key, entry);
        }
        entry.info = info;
        if ((!entry.driver || entry.driver.isClosed) && !entry.opening) opening.push(this.openScanner(entry));
      } else if (isDymoLabelManager(info)) {
        seen.add(key);
        const entry = this.dymoEntries.get(key);
        if (!entry) {
          this.dymoEntries.set(key, { key, info, connected: true, lastError: null, lastPrintedAt: null });
          this.logger.info('device plugged', { device: 'dymo', product: hex4(info.productId) });
          this.changed('printer plugged');
        } else {
          entry.info = info;
          if (!entry.connected) {
            entry.connected = true;
            this.changed('printer plugged');
          }
        }
      }
    }
    await Promise.all(opening);
    for (const entry of this.scannerEntries.values()) {
      if (seen.has(entry.key) || !entry.connected) continue;
      entry.connected = false;
      const driver = entry.driver;
      entry.driver = null;
      await driver?.close();
      this.changed('scanner unplugged');
    }
    for (const entry of this.dymoEntries.values()) {
      if (seen.has(entry.key) || !entry.connected) continue;
      entry.connected = false;
      this.changed('printer unplugged');
    }
  }

  private scannerName(info: HidDeviceInfo): string {
    return info.product?.trim() || `HID POS scanner ${hex4(info.vendorId)}:${hex4(info.productId)}`;
  }

  private openScanner(entry: ScannerEntry): Promise<void> {
    const transport = this.options.transport!;
    const name = this.scannerName(entry.info);
    entry.opening = (async () => {
      try {
        const driver = await HidPosScanner.open(transport, entry.info, { now: () => this.options.clock.now(), ...(this.options.continuationTimeoutMs ? { continuationTimeoutMs: this.options.continuationTimeoutMs } : {}) });
        if (this.closed) {
          await driver.close();
          return;
        }
        entry.driver = driver;
        entry.connected = true;
        entry.lastError = null;
        driver.onScan((scan) => this.scanned(entry, scan));
        driver.onDeviceError((e) => {
          entry.lastError = { message: e.message, at: isoUtc(this.options.clock.now()) };
          this.problem(name, e.message);
          this.logger.info('scanner refused a report', { report: e.report ?? null });
          this.changed('scanner error');
        });
        driver.onGone(() => {
          if (entry.driver !== driver) return;
          entry.driver = null;
          entry.connected = false;
          entry.lastError = { message: 'Disconnected.', at: isoUtc(this.options.clock.now()) };
          this.changed('scanner unplugged');
          // It may be back already (a flaky cable): look again now rather than at the next tick.
          void this.refresh();
        });
        this.logger.info('device plugged', { device: 'scanner', vendor: hex4(entry.info.vendorId), product: hex4(entry.info.productId) });
        this.changed('scanner plugged');
      } catch (error) {
        const message = `The scanner could not be opened: ${error instanceof Error ? error.message : String(error)}${process.platform === 'linux' ? ' (on Linux, check the udev rule for its vendor).' : ''}`;
        entry.connected = false;
        if (entry.lastError?.message !== message) {
          entry.lastError = { message, at: isoUtc(this.options.clock.now()) };
          this.problem(name, message);
          this.changed('scanner error');
        }
      } finally {
        entry.opening = null;
      }
    })();
    return entry.opening;
  }

  private scanned(entry: ScannerEntry, scan: ScanEvent): void {
    entry.scans++;
    entry.lastScanAt = isoUtc(scan.at);
    const event: HubScanEvent = { ...scan, scanner: this.scannerName(entry.info) };
    for (const l of this.scanListeners) l(event);
    const judge = this.options.judgeScan;
    if (!judge) return;
    const refused = () => {
      entry.driver?.beep('error').catch((error: unknown) => this.problem(event.scanner, `The error beep could not be sent: ${error instanceof Error ? error.message : String(error)}`));
    };
    const verdict = judge(scan.code);
    if (verdict === false) refused();
    else if (verdict !== true) {
      // The kit list is read from the database (asynchronously): the beep follows the answer; a failed read beeps nothing.
      verdict.then((ok) => (ok ? undefined : refused()), () => undefined);
    }
  }

  /** Good-read or error beep at a scanner (the first connected one when no id is given). */
  async beep(kind: 'good' | 'error', scannerId?: string): Promise<void> {
    const entry = scannerId ? this.scannerEntries.get(scannerId) : [...this.scannerEntries.values()].find((e) => e.driver);
    if (!entry?.driver) throw new PrinterError('offline', 'No HID POS scanner is connected.');
    await entry.driver.beep(kind);
  }

  scanners(): HubScannerStatus[] {
    return [...this.scannerEntries.values()].map((e) => ({
      id: e.key,
      name: this.scannerName(e.info),
      vendorId: e.info.vendorId,
      productId: e.info.productId,
      connected: e.connected,
      lastError: e.lastError,
      lastScanAt: e.lastScanAt,
      scans: e.scans,
    }));
  }

  dymos(): HubDymoStatus[] {
    return [...this.dymoEntries.values()].map((e) => ({
      id: `dymo:${e.key}`,
      name: `DYMO ${DYMO_LABELMANAGER_PRINTER_PRODUCTS.get(e.info.productId) ?? 'LabelManager'}`,
      connected: e.connected,
      lastError: e.lastError,
      lastPrintedAt: e.lastPrintedAt,
    }));
  }

  networkPrinterState(id: string): NetworkPrinterState {
    return this.networkStates.get(id) ?? { connected: null, lastError: null, lastPrintedAt: null };
  }

  transportStatus(): { kind: 'node-hid' | 'simulated' | 'none'; available: boolean; error: string | null } {
    return { kind: this.transportKind, available: this.options.transport !== null && this.transportError === null, error: this.transportError };
  }

  problems(): DeviceProblem[] {
    return [...this.recentProblems];
  }

  /** A readable name of a target, for messages and the status. */
  describe(target: PrinterTarget): string {
    switch (target.type) {
      case 'dymo': {
        const first = [...this.dymoEntries.values()].find((e) => e.connected);
        return first ? `DYMO ${DYMO_LABELMANAGER_PRINTER_PRODUCTS.get(first.info.productId) ?? 'LabelManager'}` : 'DYMO LabelManager';
      }
      case 'zebra_tcp':
        return `Zebra at ${target.host}:${target.port}`;
      case 'zebra_queue':
        return `Zebra on print queue ${target.queue}`;
      case 'simulated_zebra':
        return 'Simulated Zebra (loopback TCP)';
    }
  }

  /**
   * Sends a job to a printer, one job at a time per printer. Resolves when the printer took it; rejects with a
   * PrinterError in words. Records the outcome in the printer's status.
   */
  print(target: PrinterTarget, job: RawPrintJob): Promise<void> {
    const id = printerId(target);
    const previous = this.printerLocks.get(id) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.printNow(target, job));
    this.printerLocks.set(id, run);
    void run.finally(() => {
      if (this.printerLocks.get(id) === run) this.printerLocks.delete(id);
    }).catch(() => undefined);
    return run;
  }

  private async printNow(target: PrinterTarget, job: RawPrintJob): Promise<void> {
    const at = () => isoUtc(this.options.clock.now());
    if (target.type === 'dymo') {
      // Look again first: the printer may have been plugged in a second ago.
      await this.refreshFromNow();
      const entry = [...this.dymoEntries.values()].find((e) => e.connected);
      if (!entry || !this.options.transport) {
        throw new PrinterError('offline', 'No DYMO LabelManager is plugged in. Plug it in and switch it on (a new PnP first shows up as a USB drive until it is switched to printer mode), then retry.');
      }
      const sink = new DymoLabelManagerPrinter(this.options.transport, entry.info, this.options.statusTimeoutMs ? { statusTimeoutMs: this.options.statusTimeoutMs } : {});
      try {
        await sink.send(job);
        entry.lastPrintedAt = at();
        entry.lastError = null;
        this.changed('printed');
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        entry.lastError = { message, at: at() };
        this.problem(sink.description, message);
        this.changed('printer error');
        // A pulled cable: let enumeration catch up so the status says "not connected" at once.
        if (error instanceof PrinterError && (error.kind === 'disconnected' || error.kind === 'offline')) void this.refresh();
        throw error;
      }
      return;
    }
    const id = printerId(target);
    const state = this.networkPrinterState(id);
    let sink: PrinterSink;
    try {
      sink = this.networkSink(target);
    } catch (error) {
      this.networkStates.set(id, { ...state, lastError: { message: error instanceof Error ? error.message : String(error), at: at() } });
      throw error;
    }
    try {
      await sink.send(job);
      this.networkStates.set(id, { connected: true, lastError: null, lastPrintedAt: at() });
      this.changed('printed');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const offline = error instanceof PrinterError && ['offline', 'timeout', 'disconnected', 'unavailable'].includes(error.kind);
      this.networkStates.set(id, { connected: offline ? false : true, lastError: { message, at: at() }, lastPrintedAt: state.lastPrintedAt });
      this.problem(sink.description, message);
      this.changed('printer error');
      throw error;
    }
  }

  private networkSink(target: Exclude<PrinterTarget, { type: 'dymo' }>): PrinterSink {
    const timeout = this.options.printTimeoutMs ? { timeoutMs: this.options.printTimeoutMs } : {};
    switch (target.type) {
      case 'zebra_tcp':
        return new ZebraPrinter({ type: 'tcp', host: target.host, port: target.port }, { ...timeout, name: this.describe(target) });
      case 'zebra_queue':
        return new ZebraPrinter({ type: 'queue', queue: target.queue }, { ...timeout, name: this.describe(target) });
      case 'simulated_zebra': {
        const address = this.options.simulatedZebra?.();
        if (!address) throw new PrinterError('unavailable', 'The simulated Zebra exists only with the device simulator (veil serve --demo). Choose a real printer.');
        return new ZebraPrinter({ type: 'tcp', ...address }, { ...timeout, name: this.describe(target) });
      }
    }
  }

  private problem(device: string, message: string): void {
    this.recentProblems.unshift({ device, message, at: isoUtc(this.options.clock.now()) });
    this.recentProblems.length = Math.min(this.recentProblems.length, MAX_PROBLEMS);
  }

  /** Tells the windows to read the status again. */
  changed(reason: string): void {
    if (this.closed) return;
    for (const l of this.changeListeners) l(reason);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.scannerEntries.values()].map((e) => e.driver?.close()));
  }
}
