import { spawn } from 'node:child_process';
import { Socket } from 'node:net';

/**
 * Where the bytes of a label go. Three kinds: a raw TCP socket (port 9100, Zebra and most network label printers),
 * an OS print queue in raw mode (CUPS `lp -o raw`, for USB printer-class printers such as a USB Zebra or a DYMO
 * LabelWriter), and the DYMO LabelManager over HID (dymoPrinter.ts).
 */
export interface RawPrintJob {
  bytes: Uint8Array;
  /**
   * The job cut after each status request (DYMO): the sink writes a segment, waits for the printer's status reply,
   * then writes the next. Absent: one piece.
   */
  segments?: readonly Uint8Array[];
}

export interface PrinterSink {
  /** In words, for status and errors: "Zebra at 10.0.0.5:9100". */
  readonly description: string;
  send(job: RawPrintJob): Promise<void>;
}

/** Why a print failed, for the person at the bench; the job stays in the queue to retry. */
export type PrinterErrorKind = 'offline' | 'timeout' | 'no_media' | 'paused' | 'refused' | 'disconnected' | 'unavailable';

export class PrinterError extends Error {
  readonly kind: PrinterErrorKind;
  constructor(kind: PrinterErrorKind, message: string) {
    super(message);
    this.name = 'PrinterError';
    this.kind = kind;
  }
}

/** The host status of a ZPL printer (~HS), the flags that stop a print. */
export interface ZebraHostStatus {
  paperOut: boolean;
  paused: boolean;
  headUp: boolean;
  ribbonOut: boolean;
}

/** "0.3 s", "5 s" */
export const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(1))} s`;

const STX = 0x02;
const ETX = 0x03;

/**
 * Parses the answer to `~HS` (ZPL II programming guide): three strings, each `<STX>...<ETX><CR><LF>`. String 1:
 * `aaa,b,c,...` with b = paper out flag, c = pause flag; string 2: `mmm,n,o,p,...` with o = head up flag, p = ribbon
 * out flag. Answers null when the three strings are not all there.
 */
export function parseZebraHostStatus(reply: Uint8Array): ZebraHostStatus | null {
  const strings: string[] = [];
  let start = -1;
  for (let i = 0; i < reply.length; i++) {
    if (reply[i] === STX) start = i + 1;
    else if (reply[i] === ETX && start >= 0) {
      strings.push(Buffer.from(reply.subarray(start, i)).toString('latin1'));
      start = -1;
    }
  }
  if (strings.length < 3) return null;
  const one = strings[0]!.split(',');
  const two = strings[1]!.split(',');
  if (one.length < 3 || two.length < 4) return null;
  return { paperOut: one[1] === '1', paused: one[2] === '1', headUp: two[2] === '1', ribbonOut: two[3] === '1' };
}

export interface TcpSinkOptions {
  host: string;
  port?: number;
  /** Connect, status and write time-out (default 5000 ms). */
  timeoutMs?: number;
  /** Ask the printer's host status (`~HS`) before sending, to refuse with "no labels" instead of printing nothing. */
  checkZebraStatus?: boolean;
  description?: string;
}

/** Raw TCP printing (port 9100): connect, optionally check the status, write the job, close. */
export class TcpPrinterSink implements PrinterSink {
  readonly description: string;
  private readonly port: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: TcpSinkOptions) {
    this.port = options.port ?? 9100;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.description = options.description ?? `printer at ${options.host}:${this.port}`;
  }

  send(job: RawPrintJob): Promise<void> {
    const where = `${this.options.host}:${this.port}`;
    return new Promise<void>((resolve, reject) => {
      const socket = new Socket();
      let phase: 'connect' | 'status' | 'write' = 'connect';
      let settled = false;
      let statusReply = Buffer.alloc(0);
      const finish = (error?: PrinterError) => {
        if (settled) return;
        settled = true;
        socket.removeAllListeners('data');
        // After end() has flushed the job to the OS, closing the socket still delivers it (FIN follows the data).
        socket.destroy();
        if (error) reject(error);
        else resolve();
      };
      const write = () => {
        phase = 'write';
        socket.end(Buffer.from(job.bytes), () => finish());
      };
      socket.setTimeout(this.timeoutMs);
      socket.on('timeout', () => {
        const what = phase === 'connect' ? 'did not accept the connection' : phase === 'status' ? 'did not answer the status query (~HS)' : 'stopped taking data';
        finish(new PrinterError('timeout', `The ${this.description} ${what} within ${seconds(this.timeoutMs)}. Check that it is on and connected, then retry.`));
      });
      socket.on('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? '';
        if (code === 'ECONNREFUSED') finish(new PrinterError('offline', `Nothing answers at ${where} (connection refused): is the printer switched on, and is that its address?`));
        else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
          finish(new PrinterError('offline', `The printer at ${where} cannot be reached (${code}): check the network cable and the address.`));
        else if (code === 'ECONNRESET' || code === 'EPIPE') finish(new PrinterError('disconnected', `The printer at ${where} closed the connection while the label was sent (${code}). Retry.`));
        else finish(new PrinterError('offline', `The printer at ${where} could not be used: ${error.message}`));
      });
      socket.on('close', () => {
        if (!settled && phase === 'status') finish(new PrinterError('disconnected', `The printer at ${where} closed the connection before answering the status query.`));
      });
      socket.connect(this.port, this.options.host, () => {
        if (!this.options.checkZebraStatus) return write();
        phase = 'status';
        socket.on('data', (chunk: Buffer) => {
          statusReply = Buffer.concat([statusReply, chunk]);
          const status = parseZebraHostStatus(statusReply);
          if (!status) return;
          socket.removeAllListeners('data');
          if (status.paperOut) return finish(new PrinterError('no_media', `The ${this.description} is out of labels (or the label sensor sees none). Load labels, then retry.`));
          if (status.headUp) return finish(new PrinterError('no_media', `The print head of the ${this.description} is open. Close it, then retry.`));
          if (status.ribbonOut) return finish(new PrinterError('no_media', `The ${this.description} is out of ribbon. Load a ribbon, then retry.`));
          if (status.paused) return finish(new PrinterError('paused', `The ${this.description} is paused. Press its pause button, then retry.`));
          write();
        });
        socket.write('~HS');
      });
    });
  }
}

export interface QueueSinkOptions {
  queue: string;
  timeoutMs?: number;
  /** The `lp` program (tests point it elsewhere). */
  lpCommand?: string;
}

/**
 * An OS print queue in raw mode, through CUPS (Linux and macOS): `lp -d QUEUE -o raw`, the job on standard input.
 * CUPS passes the bytes to the printer untouched, so ZPL reaches a USB Zebra as it would over TCP. (Windows has no
 * `lp`; a Windows raw queue would need the spooler API and is not built.)
 */
export class CupsRawQueueSink implements PrinterSink {
  readonly description: string;

  constructor(private readonly options: QueueSinkOptions) {
    if (!/^[A-Za-z0-9._-]{1,127}$/.test(options.queue)) throw new PrinterError('refused', `"${options.queue}" is not a valid print queue name.`);
    this.description = `print queue ${options.queue} (CUPS, raw)`;
  }

  send(job: RawPrintJob): Promise<void> {
    const { queue } = this.options;
    const timeoutMs = this.options.timeoutMs ?? 15_000;
    return new Promise<void>((resolve, reject) => {
      const child = spawn(this.options.lpCommand ?? 'lp', ['-d', queue, '-o', 'raw'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      let settled = false;
      const finish = (error?: PrinterError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(new PrinterError('timeout', `The print queue ${queue} did not take the label within ${seconds(timeoutMs)}.`));
      }, timeoutMs);
      child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      child.on('error', (error: NodeJS.ErrnoException) =>
        finish(
          error.code === 'ENOENT'
            ? new PrinterError('unavailable', 'The CUPS client (lp) is not installed on this computer, so print queues cannot be used.')
            : new PrinterError('refused', `The print queue ${queue} could not be used: ${error.message}`),
        ),
      );
      child.on('close', (code) => {
        if (code === 0) finish();
        else finish(new PrinterError('refused', `The print queue ${queue} refused the label: ${stderr.trim() || `lp ended with code ${code}`}`));
      });
      child.stdin!.on('error', () => undefined); // lp exiting early is reported by 'close'
      child.stdin!.end(Buffer.from(job.bytes));
    });
  }
}
