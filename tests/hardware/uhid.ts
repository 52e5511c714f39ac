/**
 * A small binding to Linux's /dev/uhid from Node: create a real kernel HID device from a report descriptor, send its
 * input reports, receive what the host writes to it, and unplug it. Used inside the hardware lab VM (the build
 * machines' own kernel has no uhid).
 *
 * Every event, in both directions, is one `struct uhid_event` of 4380 bytes (include/uapi/linux/uhid.h): a u32 type,
 * then a packed union. The offsets below were checked with offsetof() against the header (linux-libc-dev) and are
 * little-endian as on x86-64:
 *   UHID_CREATE2 (11)      name[128]@4 phys[64]@132 uniq[64]@196 rd_size u16@260 bus u16@262 vendor u32@264
 *                          product u32@268 version u32@272 country u32@276 rd_data[4096]@280
 *   UHID_INPUT2 (12)       size u16@4 data[4096]@6
 *   UHID_OUTPUT (6)        data[4096]@4 size u16@4100 rtype u8@4102
 *   UHID_GET_REPORT (9)    id u32@4 rnum u8@8 rtype u8@9        -> UHID_GET_REPORT_REPLY (10) id@4 err u16@8 size u16@10 data@12
 *   UHID_SET_REPORT (13)   id u32@4 rnum u8@8 rtype u8@9 size u16@10 data@12 -> UHID_SET_REPORT_REPLY (14) id@4 err u16@8
 *   UHID_START (2)         dev_flags u64@4; UHID_STOP (3), UHID_OPEN (4), UHID_CLOSE (5), UHID_DESTROY (1): no payload
 *
 * Reading: the fd is opened O_NONBLOCK and read in a loop with short timer retries on EAGAIN (1 ms after recent
 * activity, backing off to 8 ms when idle). A blocking read would hold one of libuv's four thread-pool threads per
 * device for as long as the device lives; with a scanner, a decoy and a printer that starves fs and node-hid's async
 * calls. A worker thread per device would work too but costs a V8 isolate each; the poll loop is simpler and its
 * latency (<= 8 ms) is far below what the drivers' time-outs care about.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';

export const UHID_EVENT_SIZE = 4380;
export const UHID_DATA_MAX = 4096;
export const HID_MAX_DESCRIPTOR_SIZE = 4096;

export const UHID = {
  DESTROY: 1,
  START: 2,
  STOP: 3,
  OPEN: 4,
  CLOSE: 5,
  OUTPUT: 6,
  GET_REPORT: 9,
  GET_REPORT_REPLY: 10,
  CREATE2: 11,
  INPUT2: 12,
  SET_REPORT: 13,
  SET_REPORT_REPLY: 14,
} as const;

export const UHID_REPORT_TYPE = { FEATURE: 0, OUTPUT: 1, INPUT: 2 } as const;
export const BUS_USB = 0x03;
const EIO = 5;

export interface UhidCreateOptions {
  name: string;
  phys?: string;
  /** Becomes the serial number node-hid reports (HID_UNIQ); also how we find this device's hidraw node. */
  uniq: string;
  bus?: number;
  vendor: number;
  product: number;
  version?: number;
  country?: number;
  descriptor: Uint8Array;
}

function putString(buf: Buffer, offset: number, size: number, s: string): void {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length >= size) throw new RangeError(`uhid: "${s}" is longer than ${size - 1} bytes`);
  bytes.copy(buf, offset);
}

export function encodeCreate2(o: UhidCreateOptions): Buffer {
  if (o.descriptor.length > HID_MAX_DESCRIPTOR_SIZE) throw new RangeError('uhid: report descriptor larger than 4096 bytes');
  const ev = Buffer.alloc(UHID_EVENT_SIZE);
  ev.writeUInt32LE(UHID.CREATE2, 0);
  putString(ev, 4, 128, o.name);
  putString(ev, 132, 64, o.phys ?? '');
  putString(ev, 196, 64, o.uniq);
  ev.writeUInt16LE(o.descriptor.length, 260);
  ev.writeUInt16LE(o.bus ?? BUS_USB, 262);
  ev.writeUInt32LE(o.vendor, 264);
  ev.writeUInt32LE(o.product, 268);
  ev.writeUInt32LE(o.version ?? 0x0100, 272);
  ev.writeUInt32LE(o.country ?? 0, 276);
  Buffer.from(o.descriptor).copy(ev, 280);
  return ev;
}

export function encodeInput2(report: Uint8Array): Buffer {
  if (report.length > UHID_DATA_MAX) throw new RangeError('uhid: input report larger than 4096 bytes');
  const ev = Buffer.alloc(UHID_EVENT_SIZE);
  ev.writeUInt32LE(UHID.INPUT2, 0);
  ev.writeUInt16LE(report.length, 4);
  Buffer.from(report).copy(ev, 6);
  return ev;
}

function encodeSimple(type: number): Buffer {
  const ev = Buffer.alloc(UHID_EVENT_SIZE);
  ev.writeUInt32LE(type, 0);
  return ev;
}

export type UhidEvent =
  | { type: 'start'; devFlags: bigint }
  | { type: 'stop' }
  | { type: 'open' }
  | { type: 'close' }
  | { type: 'output'; data: Uint8Array; rtype: number }
  | { type: 'get-report'; id: number; rnum: number; rtype: number }
  | { type: 'set-report'; id: number; rnum: number; rtype: number; data: Uint8Array }
  | { type: 'unknown'; code: number };

export function decodeEvent(ev: Buffer): UhidEvent {
  const code = ev.readUInt32LE(0);
  switch (code) {
    case UHID.START:
      return { type: 'start', devFlags: ev.readBigUInt64LE(4) };
    case UHID.STOP:
      return { type: 'stop' };
    case UHID.OPEN:
      return { type: 'open' };
    case UHID.CLOSE:
      return { type: 'close' };
    case UHID.OUTPUT: {
      const size = Math.min(ev.readUInt16LE(4100), UHID_DATA_MAX);
      return { type: 'output', data: Uint8Array.from(ev.subarray(4, 4 + size)), rtype: ev.readUInt8(4102) };
    }
    case UHID.GET_REPORT:
      return { type: 'get-report', id: ev.readUInt32LE(4), rnum: ev.readUInt8(8), rtype: ev.readUInt8(9) };
    case UHID.SET_REPORT: {
      const size = Math.min(ev.readUInt16LE(10), UHID_DATA_MAX);
      return { type: 'set-report', id: ev.readUInt32LE(4), rnum: ev.readUInt8(8), rtype: ev.readUInt8(9), data: Uint8Array.from(ev.subarray(12, 12 + size)) };
    }
    default:
      return { type: 'unknown', code };
  }
}

export interface UhidDeviceEvents {
  event: [UhidEvent];
}

/**
 * One uhid device. Events: 'start', 'stop', 'open', 'close', 'output' (data, rtype), 'set-report' and 'get-report'
 * (answered through `onSetReport` / `onGetReport`; by default SET succeeds and GET fails with EIO), and 'event' for
 * each of them. `destroy()` is the unplug.
 */
export class UhidDevice extends EventEmitter {
  /** Answer to a SET_REPORT (a feature report the host sent): an errno, 0 for success. */
  onSetReport: (rnum: number, rtype: number, data: Uint8Array) => number = () => 0;
  /** Answer to a GET_REPORT: the report bytes (byte 0 = report id), or an errno. */
  onGetReport: (rnum: number, rtype: number) => Uint8Array | number = () => EIO;
  private fd: number | null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private reading = false;
  private idleRounds = 0;
  private readonly buf = Buffer.alloc(UHID_EVENT_SIZE);
  started = false;
  openCount = 0;

  private constructor(
    fd: number,
    readonly options: UhidCreateOptions,
  ) {
    super();
    this.fd = fd;
  }

  /** Opens /dev/uhid and creates the device (the kernel adds it asynchronously: see waitForHidraw). */
  static create(options: UhidCreateOptions, devPath = '/dev/uhid'): UhidDevice {
    let fd: number;
    try {
      fd = fs.openSync(devPath, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    } catch (e) {
      throw new Error(`uhid: cannot open ${devPath} (${(e as Error).message}); is the uhid module loaded?`);
    }
    const dev = new UhidDevice(fd, options);
    dev.write(encodeCreate2(options));
    dev.poll();
    return dev;
  }

  get alive(): boolean {
    return this.fd !== null;
  }

  /** Sends one input report exactly as the device would (byte 0 = report id when the descriptor numbers them). */
  input(report: Uint8Array): void {
    this.write(encodeInput2(report));
  }

  /** Unplug: UHID_DESTROY, then close the fd. */
  destroy(): void {
    if (this.fd === null) return;
    try {
      this.write(encodeSimple(UHID.DESTROY));
    } finally {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }

  private write(ev: Buffer): void {
    if (this.fd === null) throw new Error('uhid: device destroyed');
    const n = fs.writeSync(this.fd, ev, 0, ev.length);
    if (n !== ev.length) throw new Error(`uhid: short write (${n} of ${ev.length})`);
  }

  private poll(): void {
    if (this.fd === null || this.reading) return;
    this.reading = true;
    fs.read(this.fd, this.buf, 0, UHID_EVENT_SIZE, null, (err, n) => {
      this.reading = false;
      if (this.fd === null) return;
      if (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') {
          this.emit('read-error', err);
          return;
        }
        this.idleRounds++;
        this.timer = setTimeout(() => this.poll(), this.idleRounds < 50 ? 1 : 8);
        return;
      }
      this.idleRounds = 0;
      if (n >= 4) this.dispatch(decodeEvent(Buffer.from(this.buf.subarray(0, UHID_EVENT_SIZE))));
      setImmediate(() => this.poll());
    });
  }

  private dispatch(ev: UhidEvent): void {
    switch (ev.type) {
      case 'start':
        this.started = true;
        break;
      case 'stop':
        this.started = false;
        break;
      case 'open':
        this.openCount++;
        break;
      case 'close':
        this.openCount = Math.max(0, this.openCount - 1);
        break;
      case 'set-report': {
        let err = EIO;
        try {
          err = this.onSetReport(ev.rnum, ev.rtype, ev.data);
        } finally {
          const reply = encodeSimple(UHID.SET_REPORT_REPLY);
          reply.writeUInt32LE(ev.id, 4);
          reply.writeUInt16LE(err, 8);
          if (this.fd !== null) this.write(reply);
        }
        break;
      }
      case 'get-report': {
        let answer: Uint8Array | number = EIO;
        try {
          answer = this.onGetReport(ev.rnum, ev.rtype);
        } finally {
          const reply = encodeSimple(UHID.GET_REPORT_REPLY);
          reply.writeUInt32LE(ev.id, 4);
          if (typeof answer === 'number') reply.writeUInt16LE(answer, 8);
          else {
            reply.writeUInt16LE(answer.length, 10);
            Buffer.from(answer).copy(reply, 12);
          }
          if (this.fd !== null) this.write(reply);
        }
        break;
      }
      default:
        break;
    }
    this.emit('event', ev);
    this.emit(ev.type, ev);
  }

  /** Path of this device's hidraw node (found by its uniq in sysfs), waiting until the kernel has made it. */
  async waitForHidraw(timeoutMs = 10_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = findHidrawByUniq(this.options.uniq);
      if (found && fs.existsSync(found)) return found;
      if (Date.now() > until) throw new Error(`uhid: no hidraw node appeared for "${this.options.name}" (uniq ${this.options.uniq}) within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** /dev/hidrawN of the HID device whose HID_UNIQ is uniq, or null. */
export function findHidrawByUniq(uniq: string): string | null {
  const cls = '/sys/class/hidraw';
  if (!fs.existsSync(cls)) return null;
  for (const node of fs.readdirSync(cls)) {
    try {
      const uevent = fs.readFileSync(path.join(cls, node, 'device', 'uevent'), 'utf8');
      if (uevent.split('\n').includes(`HID_UNIQ=${uniq}`)) return `/dev/${node}`;
    } catch {
      /* the node went away while we looked */
    }
  }
  return null;
}
