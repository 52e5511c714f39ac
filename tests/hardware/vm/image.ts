/**
 * Builds (or reuses) the hardware lab's boot image: Debian's kernel and an initramfs holding busybox, the kernel
 * modules for virtio-9p and uhid, and tests/hardware/vm/init.sh as /init.
 *
 * Everything is fetched with `apt-get download` into tests/hardware/.cache/ (git-ignored) and unpacked there with
 * `dpkg -x`; nothing is installed into this machine's /boot or /lib/modules. The image is cached by kernel version
 * and a hash of the init script and module list, so a second run only checks the cache.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HW_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(HW_DIR, '..', '..');
export const CACHE_DIR = path.join(HW_DIR, '.cache');

/** Modules in load order (HARDWARE.md). Without hid-generic no hidraw node appears. */
export const MODULES = [
  'virtio_ring',
  'virtio',
  'virtio_pci_legacy_dev',
  'virtio_pci_modern_dev',
  'virtio_pci',
  'netfs',
  'fscache',
  '9pnet',
  '9pnet_virtio',
  '9p',
  'hid',
  'hid-generic',
  'uhid',
] as const;

export const APT_INSTALL = 'apt-get update && apt-get install -y qemu-system-x86 busybox-static cpio kmod';

export class LabSetupError extends Error {
  override name = 'LabSetupError';
}

export interface BootImage {
  kernelVersion: string;
  kernel: string;
  initrd: string;
  /** Modules that are built into this kernel and so were not put in the initramfs. */
  builtin: string[];
  reused: boolean;
}

/** A command on PATH, or in the sbin folders a non-root PATH often lacks (modinfo lives in /usr/sbin on Debian). */
function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  for (const dir of ['/usr/sbin', '/sbin']) if (fs.existsSync(path.join(dir, cmd))) return path.join(dir, cmd);
  return null;
}

/** Host tools the lab needs; throws with the exact install command when one is missing. */
export function checkHostTools(): { qemu: string } {
  const needed: Array<[string, string]> = [
    ['qemu-system-x86_64', 'qemu-system-x86'],
    ['cpio', 'cpio'],
    ['modinfo', 'kmod'],
    ['gzip', 'gzip'],
    ['dpkg', 'dpkg'],
    ['apt-get', 'apt'],
    ['apt-cache', 'apt'],
  ];
  const missing = needed.filter(([cmd]) => !which(cmd));
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map(([, p]) => p))].join(' ');
    throw new LabSetupError(
      `hardware lab: missing ${missing.map(([c]) => c).join(', ')} (Debian package${missing.length > 1 ? 's' : ''} ${pkgs}).\n` +
        `  Install with:  ${APT_INSTALL}\n  (or run: bash scripts/hardware/ensure-debs.sh as root)`,
    );
  }
  return { qemu: which('qemu-system-x86_64')! };
}

function run(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new LabSetupError(`hardware lab: could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new LabSetupError(
      `hardware lab: \`${cmd} ${args.join(' ')}\` failed (exit ${r.status}):\n${(r.stderr || r.stdout).trim()}`,
    );
  }
  return r.stdout;
}

/** The versioned linux-image package that linux-image-amd64 depends on, e.g. linux-image-6.1.0-56-amd64. */
function resolveKernelPackage(): string {
  const out = spawnSync('apt-cache', ['depends', 'linux-image-amd64'], { encoding: 'utf8' });
  const m = /Depends:\s*(linux-image-\S+)/.exec(out.stdout ?? '');
  if (out.status !== 0 || !m) {
    throw new LabSetupError(
      'hardware lab: `apt-cache depends linux-image-amd64` found no kernel package. Run `apt-get update` first ' +
        `(apt's package lists are empty or stale).\n${(out.stderr ?? '').trim()}`,
    );
  }
  return m[1]!;
}

/** `apt-get download pkg` into dir unless a matching .deb is already there; returns the .deb path. */
function download(pkg: string, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const find = () => fs.readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  const have = find();
  if (have) return path.join(dir, have);
  // apt drops privileges to _apt for downloads; let it write here so it does not warn about an unsandboxed fetch.
  try {
    fs.chmodSync(dir, 0o777);
  } catch {
    /* not ours to chmod: apt falls back to an unsandboxed download and says so */
  }
  const r = spawnSync('apt-get', ['download', pkg], { cwd: dir, encoding: 'utf8' });
  const got = find();
  if (r.status !== 0 || !got) {
    throw new LabSetupError(
      `hardware lab: \`apt-get download ${pkg}\` failed (exit ${r.status}). Is apt's package list current ` +
        `(apt-get update) and Debian's repository reachable?\n${(r.stderr || r.stdout || '').trim()}`,
    );
  }
  return path.join(dir, got);
}

function unpack(deb: string, into: string): void {
  const stamp = path.join(into, '.unpacked');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === path.basename(deb)) return;
  fs.rmSync(into, { recursive: true, force: true });
  fs.mkdirSync(into, { recursive: true });
  run('dpkg', ['-x', deb, into]);
  fs.writeFileSync(stamp, path.basename(deb));
}

/** Copy a module file, decompressing .ko.xz/.ko.zst/.ko.gz so busybox insmod can load it whatever it was built with. */
function copyModule(src: string, dest: string): void {
  if (src.endsWith('.ko')) fs.copyFileSync(src, dest);
  else if (src.endsWith('.ko.xz')) fs.writeFileSync(dest, execFileSync('xz', ['-dc', src], { maxBuffer: 1 << 28 }));
  else if (src.endsWith('.ko.zst')) fs.writeFileSync(dest, execFileSync('zstd', ['-dc', src], { maxBuffer: 1 << 28 }));
  else if (src.endsWith('.ko.gz')) fs.writeFileSync(dest, execFileSync('gzip', ['-dc', src], { maxBuffer: 1 << 28 }));
  else throw new LabSetupError(`hardware lab: unknown module format ${src}`);
}

function findModules(modDir: string): Map<string, string> {
  const byName = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const m = /^(.+)\.ko(?:\.(?:xz|zst|gz))?$/.exec(e.name);
        if (m) byName.set(m[1]!.replace(/-/g, '_'), p);
      }
    }
  };
  walk(path.join(modDir, 'kernel'));
  return byName;
}

function builtinSet(modDir: string): Set<string> {
  const f = path.join(modDir, 'modules.builtin');
  if (!fs.existsSync(f)) return new Set();
  return new Set(
    fs
      .readFileSync(f, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => path.basename(l).replace(/\.ko$/, '').replace(/-/g, '_')),
  );
}

/** Build the cpio newc + gzip archive of dir with the host's cpio (sorted, owned by root, reproducible order). */
function makeCpio(dir: string, out: string): void {
  const files = run('find', ['.', '-mindepth', '1'], { cwd: dir })
    .split('\n')
    .filter(Boolean)
    .sort();
  const cpio = spawnSync('cpio', ['--quiet', '-o', '-H', 'newc', '-R', '0:0'], {
    cwd: dir,
    input: files.join('\n') + '\n',
    maxBuffer: 1 << 28,
  });
  if (cpio.status !== 0) throw new LabSetupError(`hardware lab: cpio failed: ${cpio.stderr.toString()}`);
  const gz = spawnSync('gzip', ['-9', '-n'], { input: cpio.stdout, maxBuffer: 1 << 28 });
  if (gz.status !== 0) throw new LabSetupError(`hardware lab: gzip failed: ${gz.stderr.toString()}`);
  fs.writeFileSync(out + '.tmp', gz.stdout);
  fs.renameSync(out + '.tmp', out);
}

export function buildImage(log: (s: string) => void = () => {}): BootImage {
  checkHostTools();
  const debs = path.join(CACHE_DIR, 'debs');
  const kernelPkg = resolveKernelPackage();
  const kernelVersion = kernelPkg.replace(/^linux-image-/, '');
  const initScript = fs.readFileSync(path.join(HW_DIR, 'vm', 'init.sh'), 'utf8');
  const key = createHash('sha256')
    .update(JSON.stringify({ kernelPkg, MODULES, initScript }))
    .digest('hex')
    .slice(0, 12);
  const imageDir = path.join(CACHE_DIR, `image-${kernelVersion}-${key}`);
  const kernel = path.join(imageDir, 'vmlinuz');
  const initrd = path.join(imageDir, 'initrd.gz');
  const metaFile = path.join(imageDir, 'meta.json');
  if (fs.existsSync(kernel) && fs.existsSync(initrd) && fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { builtin: string[] };
    return { kernelVersion, kernel, initrd, builtin: meta.builtin, reused: true };
  }

  log(`hardware lab: building the VM image for kernel ${kernelVersion} (cached in ${path.relative(REPO_ROOT, imageDir)})`);
  const kernelDeb = download(kernelPkg, debs);
  download('linux-image-amd64', debs); // the meta package itself, fetched as the recipe says (it holds no files we use)
  const busyboxDeb = download('busybox-static', debs);
  const kroot = path.join(CACHE_DIR, `kernel-${kernelVersion}`);
  const broot = path.join(CACHE_DIR, 'busybox-static');
  unpack(kernelDeb, kroot);
  unpack(busyboxDeb, broot);

  const vmlinuz = path.join(kroot, 'boot', `vmlinuz-${kernelVersion}`);
  const modDir = path.join(kroot, 'lib', 'modules', kernelVersion);
  if (!fs.existsSync(vmlinuz) || !fs.existsSync(modDir)) {
    throw new LabSetupError(`hardware lab: ${path.basename(kernelDeb)} has no vmlinuz-${kernelVersion} or module tree`);
  }
  const busybox = path.join(broot, 'bin', 'busybox');
  if (!fs.existsSync(busybox)) throw new LabSetupError('hardware lab: busybox-static package has no bin/busybox');

  const builtins = builtinSet(modDir);
  const available = findModules(modDir);
  const stage = path.join(CACHE_DIR, `initramfs-${kernelVersion}`);
  fs.rmSync(stage, { recursive: true, force: true });
  for (const d of ['bin', 'modules', 'proc', 'sys', 'dev', 'newroot', 'tmp']) fs.mkdirSync(path.join(stage, d), { recursive: true });
  fs.copyFileSync(busybox, path.join(stage, 'bin', 'busybox'));
  fs.chmodSync(path.join(stage, 'bin', 'busybox'), 0o755);
  fs.writeFileSync(path.join(stage, 'init'), initScript);
  fs.chmodSync(path.join(stage, 'init'), 0o755);

  const order: string[] = [];
  const builtin: string[] = [];
  const missing: string[] = [];
  for (const name of MODULES) {
    const norm = name.replace(/-/g, '_');
    if (builtins.has(norm)) {
      builtin.push(name);
      order.push(`builtin:${name}`);
      continue;
    }
    const src = available.get(norm);
    if (!src) {
      missing.push(name);
      continue;
    }
    copyModule(src, path.join(stage, 'modules', `${name}.ko`));
    order.push(name);
  }
  if (missing.length > 0) {
    throw new LabSetupError(
      `hardware lab: kernel ${kernelVersion} has neither a module nor a built-in for: ${missing.join(', ')}. ` +
        'The lab needs virtio-9p, hid, hid-generic and uhid; update MODULES in tests/hardware/vm/image.ts for this kernel.',
    );
  }
  // Each module's dependencies must be built in or loaded before it: catch a changed kernel here, not as a cryptic
  // "Unknown symbol" inside the VM.
  const loaded = new Set<string>(builtins);
  for (const name of MODULES) {
    const norm = name.replace(/-/g, '_');
    if (!builtins.has(norm)) {
      const deps = run(which('modinfo') ?? 'modinfo', ['-F', 'depends', available.get(norm)!]).trim();
      for (const dep of deps.split(',').filter(Boolean)) {
        if (!loaded.has(dep.replace(/-/g, '_'))) {
          throw new LabSetupError(
            `hardware lab: module ${name} of kernel ${kernelVersion} depends on ${dep}, which is neither built in nor ` +
              'loaded before it. Add it to MODULES in tests/hardware/vm/image.ts.',
          );
        }
      }
    }
    loaded.add(norm);
  }
  fs.writeFileSync(path.join(stage, 'modules', 'order'), order.join('\n') + '\n');

  fs.mkdirSync(imageDir, { recursive: true });
  makeCpio(stage, initrd);
  fs.copyFileSync(vmlinuz, kernel);
  fs.writeFileSync(metaFile, JSON.stringify({ kernelPkg, kernelVersion, builtin, modules: order }, null, 2));
  fs.rmSync(stage, { recursive: true, force: true });
  // The unpacked kernel tree is 400 MB and only needed to build the image: keep the .debs, drop the trees, and drop
  // images and packages of other kernels or older init scripts.
  fs.rmSync(kroot, { recursive: true, force: true });
  for (const entry of fs.readdirSync(CACHE_DIR)) {
    if (/^(image|kernel|initramfs)-/.test(entry) && entry !== path.basename(imageDir)) fs.rmSync(path.join(CACHE_DIR, entry), { recursive: true, force: true });
  }
  for (const deb of fs.readdirSync(debs)) {
    if (/^linux-image-\d/.test(deb) && !deb.startsWith(`${kernelPkg}_`)) fs.rmSync(path.join(debs, deb), { force: true });
  }
  return { kernelVersion, kernel, initrd, builtin, reused: false };
}
