/**
 * Boots the hardware lab VM: QEMU with software emulation (TCG; KVM is exposed on these machines but fails on a
 * nested MSR), Debian's kernel and our initramfs, the host root read-only over virtio-9p (tag "root"), the checkout
 * read-only (tag "veilrepo") and a writable run folder (tag "veilout") that carries run.sh in and results out.
 * The serial console is streamed line by line; "VEIL-HW-EXIT <code>" on it (or the file exit in the run folder)
 * gives the test command's exit code.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { BootImage } from './image.js';

export interface BootOptions {
  image: BootImage;
  qemu: string;
  /** Host folder shared writable with the VM, mounted there at /tmp/veil-out. Must hold run.sh. */
  runDir: string;
  /** Absolute path of the checkout; mounted at the same path inside. */
  repo: string;
  timeoutMs: number;
  memoryMb?: number;
  cpus?: number;
  onLine?: (line: string) => void;
}

export interface BootResult {
  /** The test command's exit code, or null when the VM never got to report one. */
  exitCode: number | null;
  /** What went wrong before or around the test command (time-out, qemu failure, init error). */
  error: string | null;
  /** Milliseconds from starting qemu to the chroot (kernel up, modules loaded, 9p mounted). */
  bootMs: number | null;
  /** Milliseconds from the chroot to the exit marker (the test command itself, node start-up included). */
  runMs: number | null;
  /** Guest uptime (s) at each "VEIL-HW-STAGE <name> <uptime>" marker: kernel-up, modules-loaded, chroot, ... */
  stages: Record<string, number>;
  totalMs: number;
  console: string;
}

export function qemuArgs(o: BootOptions): string[] {
  const share = (tag: string, dir: string, readonly: boolean) => [
    '-fsdev',
    `local,path=${dir},security_model=none,${readonly ? 'readonly=on,' : ''}multidevs=remap,id=${tag}`,
    '-device',
    `virtio-9p-pci,fsdev=${tag},mount_tag=${tag}`,
  ];
  return [
    '-accel',
    'tcg,thread=multi',
    '-m',
    String(o.memoryMb ?? 2048),
    '-smp',
    String(o.cpus ?? 2),
    '-nographic',
    '-no-reboot',
    '-nic',
    'none',
    '-kernel',
    o.image.kernel,
    '-initrd',
    o.image.initrd,
    '-append',
    'console=ttyS0 quiet loglevel=3 panic=-1 tsc=reliable',
    ...share('root', '/', true),
    ...share('veilrepo', o.repo, true),
    ...share('veilout', o.runDir, false),
  ];
}

export function bootVm(o: BootOptions): Promise<BootResult> {
  if (!fs.existsSync(path.join(o.runDir, 'run.sh'))) throw new Error(`bootVm: ${o.runDir}/run.sh missing`);
  fs.writeFileSync(path.join(o.runDir, 'repo-path'), o.repo);
  fs.rmSync(path.join(o.runDir, 'exit'), { force: true });
  const started = Date.now();
  let chrootAt: number | null = null;
  let exitAt: number | null = null;
  let exitCode: number | null = null;
  let error: string | null = null;
  let consoleText = '';
  const stages: Record<string, number> = {};
  let pending = '';

  return new Promise((resolve) => {
    const child = spawn(o.qemu, qemuArgs(o), { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      error = `VM timed out after ${Math.round(o.timeoutMs / 1000)} s (no VEIL-HW-EXIT marker); qemu killed`;
      child.kill('SIGKILL');
    }, o.timeoutMs);

    const onLine = (raw: string) => {
      const line = raw.replace(/\r$/, '');
      const exit = /VEIL-HW-EXIT (\d+)/.exec(line);
      if (exit) {
        exitCode = Number(exit[1]);
        exitAt = Date.now();
      }
      const stage = /VEIL-HW-STAGE (\S+) ([\d.]+)/.exec(line);
      if (stage) stages[stage[1]!] = Number(stage[2]);
      if (/VEIL-HW-STAGE chroot/.test(line)) chrootAt = Date.now();
      const err = /VEIL-HW-ERROR (.*)/.exec(line);
      if (err) error = `VM init failed: ${err[1]}`;
      o.onLine?.(line);
    };
    const utf8 = new StringDecoder('utf8'); // a character may be split between two chunks of the serial console
    child.stdout.on('data', (b: Buffer) => {
      const s = utf8.write(b);
      consoleText += s;
      pending += s;
      let i: number;
      while ((i = pending.indexOf('\n')) >= 0) {
        onLine(pending.slice(0, i));
        pending = pending.slice(i + 1);
      }
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', (e) => {
      error = `could not start ${o.qemu}: ${e.message}`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (pending) onLine(pending);
      if (exitCode === null) {
        // The console may have been cut short; the run folder is the second witness.
        const f = path.join(o.runDir, 'exit');
        if (fs.existsSync(f)) exitCode = Number(fs.readFileSync(f, 'utf8').trim());
      }
      if (exitCode === null && !error) {
        error =
          `VM stopped (qemu exit ${code ?? signal}) without reporting an exit code` +
          (stderr.trim() ? `; qemu said: ${stderr.trim()}` : '');
      } else if (stderr.trim() && code !== 0 && !error) {
        error = `qemu: ${stderr.trim()}`;
      }
      resolve({
        exitCode,
        error,
        bootMs: chrootAt !== null ? chrootAt - started : null,
        runMs: chrootAt !== null && exitAt !== null ? exitAt - chrootAt : null,
        totalMs: Date.now() - started,
        stages,
        console: consoleText,
      });
    });
  });
}
