/**
 * Smoke test of the lab itself: a HID POS-like device made through /dev/uhid is enumerated by node-hid (hidraw
 * backend) with its usage page, its input reports are read back byte for byte, and a write arrives as UHID_OUTPUT.
 * Uses node-hid directly (not Veil's drivers) so that a failure here points at the lab, not at Veil.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { UhidDevice, type UhidEvent } from '../uhid';
import { hex } from '../uhidBridge';

const require = createRequire(import.meta.url);

interface NodeHid {
  devicesAsync(): Promise<Array<{ path?: string; vendorId: number; productId: number; usagePage?: number; usage?: number; serialNumber?: string; product?: string }>>;
  HIDAsync: { open(path: string): Promise<{ on(e: 'data', l: (b: Buffer) => void): void; on(e: 'error', l: (e: unknown) => void): void; write(b: Buffer | number[]): Promise<number>; close(): Promise<void> }> };
}

// prettier-ignore
const DESCRIPTOR = Uint8Array.from([
  0x05, 0x8c, 0x09, 0x02, 0xa1, 0x01,             // Usage Page (Bar Code Scanner), Usage (Bar Code Scanner), Application
  0x85, 0x02, 0x15, 0x00, 0x26, 0xff, 0x00,       //   Report ID 2, logical 0..255
  0x75, 0x08, 0x95, 0x3f, 0x09, 0xfe, 0x81, 0x02, //   63 bytes of input (Decoded Data)
  0x85, 0x04, 0x95, 0x01, 0x09, 0x14, 0x91, 0x02, //   Report ID 4: 1 byte of output (Trigger Report)
  0xc0,
]);

describe('lab smoke test (node-hid against a raw uhid device)', () => {
  it('enumerates a uhid HID POS device by usage page, reads its reports back and delivers a write', async () => {
    const hid = require('node-hid') as NodeHid;
    const dev = UhidDevice.create({ name: 'Veil lab smoke scanner', uniq: 'SMOKE-1', vendor: 0x0c2e, product: 0x0b61, descriptor: DESCRIPTOR });
    try {
      const node = await dev.waitForHidraw();
      const list = await hid.devicesAsync();
      const mine = list.find((d) => d.path === node);
      assert.ok(mine, `node-hid did not list ${node}: ${JSON.stringify(list)}`);
      assert.equal(mine.usagePage, 0x8c);
      assert.equal(mine.usage, 0x02);
      assert.equal(mine.vendorId, 0x0c2e);
      assert.equal(mine.serialNumber, 'SMOKE-1');

      const opened = new Promise<void>((r) => dev.once('open', () => r()));
      const handle = await hid.HIDAsync.open(node);
      const got: Buffer[] = [];
      const two = new Promise<void>((resolve, reject) => {
        handle.on('data', (b) => {
          got.push(b);
          if (got.length === 2) resolve();
        });
        handle.on('error', reject);
      });
      await opened;
      const reports = [1, 2].map((k) => {
        const r = new Uint8Array(64);
        r[0] = 2;
        for (let i = 1; i < 64; i++) r[i] = (i * k) & 0xff;
        return r;
      });
      for (const r of reports) dev.input(r);
      await two;
      assert.deepEqual(got.map((b) => hex(b)), reports.map((r) => hex(r)));

      const output = new Promise<UhidEvent>((r) => dev.once('output', (ev: UhidEvent) => r(ev)));
      await handle.write([0x04, 0x20]);
      const ev = await output;
      assert.equal(ev.type, 'output');
      if (ev.type === 'output') assert.equal(hex(ev.data), '04 20');
      await handle.close();
    } finally {
      dev.destroy();
    }
  });
});
