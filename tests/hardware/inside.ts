/**
 * Entry point run INSIDE the hardware lab VM (tests/hardware/run.ts writes the command into run.sh): checks that the
 * kernel side is there, then loads every scenario file; node:test runs them in order, in this one process. A suite
 * that cannot even be loaded (a syntax error, a missing module) becomes a failing test named after it, so it is
 * counted and shown, never lost.
 */
import fs from 'node:fs';
import { test } from 'node:test';

const uptime = () => fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0];
console.log(`VEIL-HW-STAGE entry ${uptime()}`);

if (!fs.existsSync('/dev/uhid')) {
  console.error('VEIL-HW-ERROR /dev/uhid is missing inside the VM (uhid module not loaded?)');
  process.exit(3);
}

const SUITES = ['./suite/smoke.hw', './suite/devices.hw'];
for (const suite of SUITES) {
  try {
    await import(suite);
  } catch (error) {
    test(`load ${suite.slice(2)}.ts`, () => {
      throw error;
    });
  }
}
console.log(`VEIL-HW-STAGE loaded ${uptime()}`);
