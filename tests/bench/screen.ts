/**
 * The on-screen part of `npm run bench` (issue 12, item 3): `veil serve` on a database the bench built and kept, the
 * real renderer in Debian's Chromium (playwright-core, as the e2e suite launches it), logged in as the unblinded
 * pharmacist. The server runs bundled, as the desktop app's main process is (bundleCli below).
 *
 * - Scan to verdict on the dispense screen: a keyboard-wedge scan (5 ms a key, as tests/e2e/helpers/pharmacy.ts types
 *   it) into the scan field; the time from the page's keydown of the final Enter to the verdict's element entering the
 *   page (a MutationObserver; each verdict is a new element), both read from the page's clock. 100 scans of a kit valid
 *   for the patient (removed from the scanned list between scans, not timed) and 100 of a kit refused as not theirs.
 *   Baseline: one /rpc round trip from the page (session.heartbeat, fetched by the page itself), median of 50.
 * - Time to first rows: from the click on the menu entry to the first row of the list (audit trail, reconciliation's
 *   kit table and its figures, the dispense screen's due list), median of 5 visits, each from the home page once its
 *   Today card is shown; and the blinded accountability report from the click on "CSV" to the download, median of 3.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { chromium, type Page } from 'playwright-core';
import { buildRenderer } from '../e2e/globalSetup';
import { REPO_ROOT } from '../e2e/helpers/paths';
import { logout, wedgeScan } from '../e2e/helpers/pharmacy';
import { buildVeilCli } from '../helpers/veilCli';
import type { KeptDatabase } from './atScale';

export type ScreenFigures = Record<string, { value: number; baseline: number | null; unit: string }>;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)]!;

/**
 * The peak resident memory (VmHWM, Linux) of a process and its descendants, in MB: the server itself, or its child when a
 * launcher (`tsx`) starts it as one; the largest one is the server's figure.
 */
function peakMegabytesOf(rootPid: number): number {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name in field 2 may hold spaces: the parent pid is the second field after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended while being listed
    }
  }
  const isDescendant = (pid: number): boolean => pid === rootPid || (parentOf.has(pid) && pid > 1 && isDescendant(parentOf.get(pid)!));
  let peak = 0;
  for (const pid of parentOf.keys()) {
    if (!isDescendant(pid)) continue;
    try {
      const kilobytes = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kilobytes / 1024);
    } catch {
      // the process ended while being read
    }
  }
  return Math.round(peak);
}

/**
 * `veil serve` as the desktop app ships its core: bundled by esbuild (dist/cli/veil.mjs, the main process's options) and
 * run by node. Under tsx the same server holds 80 to 90 MB more from the start, the compiler's and not Veil's.
 */
let bundled: Promise<string> | undefined;
function bundleCli(): Promise<string> {
  // Built once per run: the demo's screens and the large scale's serve the same bundle.
  bundled ??= buildVeilCli();
  return bundled;
}

async function serve(cli: string, dbFile: string): Promise<{ url: string; origin: string; token: string; peakMegabytes: () => number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [cli, 'serve', '--db', dbFile, '--port', '0'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'test', NODE_OPTIONS: '' } });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`veil serve printed no URL within 120 s\n${stderr}`)), 120_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`veil serve exited (${code})\n${stderr}`)));
  });
  const match = /^(http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]+)$/.exec(url);
  if (!match) throw new Error(`unexpected first line from veil serve: ${url}`);
  return {
    url,
    origin: match[1]!,
    token: match[2]!,
    peakMegabytes: () => peakMegabytesOf(child.pid!),
    async stop() {
      lines.close();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Milliseconds from the click on `nav` to the first element matching `firstRow`, median of `visits`, each from a settled home page. */
async function firstRows(page: Page, nav: string, firstRow: string, visits = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < visits; i++) {
    await page.getByTestId('nav-home').click();
    // From a settled home page: its own list (Today) shown, so no request of it is still ahead of the list timed.
    await page.locator('[data-testid="today-study"]').first().waitFor();
    const start = Date.now();
    await page.getByTestId(nav).click();
    try {
      await page.locator(firstRow).first().waitFor({ timeout: 120_000 });
    } catch {
      process.stdout.write(`  ${nav}: no first row within 120 s (reported as 120,000 ms)\n`);
      return 120_000;
    }
    times.push(Date.now() - start);
    if (times.at(-1)! > 20_000) break; // a slow screen is visited once: its figure is plain enough
  }
  if (process.env.VEIL_BENCH_TIMES) process.stdout.write(`  ${nav} ${firstRow}: ${times.join(' ')}\n`);
  return median(times);
}

export async function screenFigures(db: KeptDatabase): Promise<ScreenFigures> {
  buildRenderer();
  const server = await serve(await bundleCli(), db.dbFile);
  const browser = await chromium.launch({
    executablePath: process.env.VEIL_E2E_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const rpc = async (channel: string, input: unknown) => {
    const response = await fetch(`${server.origin}/rpc/${channel}`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(input) });
    return (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  };
  // The server's memory once it has opened the database and printed its address: the baseline of its peak below.
  const startedMegabytes = server.peakMegabytes();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'Europe/Paris', acceptDownloads: true });
    // The final Enter's moment, taken by a listener registered before the app's own (the keyboard-wedge reader listens
    // on the window in the capture phase and stops the scan's keys there).
    await context.addInitScript(() => {
      window.addEventListener('keydown', (e) => e.key === 'Enter' && ((window as unknown as { __benchEnter: number }).__benchEnter = performance.now()), { capture: true });
    });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(server.url);
    await page.getByTestId('login-username').fill(db.pharmacist.username);
    await page.getByTestId('login-password').fill(db.pharmacist.password);
    await page.getByTestId('login-password').press('Enter');
    await page.getByTestId('home-page').waitFor();
    const figures: ScreenFigures = {};

    figures['on screen: audit trail, first rows'] = { value: await firstRows(page, 'nav-audit', '[data-testid="audit-table"] tbody tr'), baseline: null, unit: 'ms' };
    figures['on screen: reconciliation kit table, first rows'] = { value: await firstRows(page, 'nav-reconciliation', '[data-testid="recon-kits-table"] tbody tr'), baseline: null, unit: 'ms' };
    // The reconciliation's figures (kits, discrepancies, lots, returns to verify) need every kit's line: they follow the
    // kit table's first page.
    figures['on screen: reconciliation figures shown'] = { value: await firstRows(page, 'nav-reconciliation', '[data-testid="recon-figure-kits"]'), baseline: null, unit: 'ms' };
    figures['on screen: dispense screen due list, first rows'] = { value: await firstRows(page, 'nav-dispense', '[data-testid^="due-row-"]'), baseline: null, unit: 'ms' };

    await page.getByTestId('nav-reports').click();
    await page.getByTestId('reports-page').waitFor();
    const downloads: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = Date.now();
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 300_000 }), page.getByTestId('report-blinded-accountability-csv').click()]);
      await download.path();
      downloads.push(Date.now() - start);
    }
    figures['on screen: accountability report, CSV downloaded'] = { value: median(downloads), baseline: null, unit: 'ms' };

    // The dispense screen: the first patient due, their visit; a valid kit (the plan's first suggestion), a refused one.
    await page.getByTestId('nav-dispense').click();
    const dueRow = page.locator('[data-testid^="due-row-"]').first();
    const screening = (await dueRow.getAttribute('data-testid'))!.slice('due-row-'.length);
    await dueRow.click();
    const visit = page.locator(`[data-testid="visit-dispensing"][data-screening="${screening}"]`);
    await visit.waitFor();
    const visitCode = (await visit.getAttribute('data-visit'))!;
    const sqlite = new Database(db.dbFile, { readonly: true });
    const patientId = sqlite.prepare('SELECT id FROM patients WHERE screening_number = ?').pluck().get(screening) as number;
    const shelf = sqlite.prepare("SELECT kit_number FROM kits WHERE status = 'available' LIMIT 300").pluck().all() as string[];
    sqlite.close();
    const plan = await rpc('dispensing.plan', { patientId, visitCode });
    if (!plan.ok) throw new Error(`dispensing.plan: ${plan.error?.message}`);
    const valid = (plan.value as { suggestions: string[] }).suggestions[0]!;
    let refused = '';
    for (const k of shelf) {
      const r = await rpc('dispensing.checkKit', { patientId, visitCode, code: k, alreadyScanned: [], source: 'scanner' });
      if (r.ok && (r.value as { reason?: string }).reason === 'not_for_patient') {
        refused = k;
        break;
      }
    }
    if (!refused) throw new Error('no kit refused as not for the patient among the first 300 on the shelf');

    await page.evaluate(() => {
      const w = window as unknown as { __benchEnter: number; __benchVerdicts: number[] };
      w.__benchVerdicts = [];
      new MutationObserver((records) => {
        for (const r of records) {
          for (const node of r.addedNodes) {
            if (node instanceof HTMLElement && (node.matches('[data-testid="dispense-verdict"]') || node.querySelector('[data-testid="dispense-verdict"]'))) w.__benchVerdicts.push(performance.now() - w.__benchEnter);
          }
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    const scanTimes = async (kit: string, n: number, between?: () => Promise<void>) => {
      const times: number[] = [];
      for (let i = 0; i < n + 3; i++) {
        const before = await page.evaluate(() => (window as unknown as { __benchVerdicts: number[] }).__benchVerdicts.length);
        await page.getByTestId('dispense-scan').focus();
        await wedgeScan(page, kit);
        await page.waitForFunction((count) => (window as unknown as { __benchVerdicts: number[] }).__benchVerdicts.length > count, before);
        const took = await page.evaluate(() => (window as unknown as { __benchVerdicts: number[] }).__benchVerdicts.at(-1)!);
        if (i >= 3) times.push(took); // 3 warm-up scans
        if (between) await between();
      }
      return times;
    };
    const rpcRoundTrips: number[] = [];
    for (let i = 0; i < 50; i++) {
      rpcRoundTrips.push(
        await page.evaluate(async (token) => {
          const start = performance.now();
          await fetch('/rpc/session.heartbeat', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' });
          return performance.now() - start;
        }, server.token),
      );
    }
    const baseline = median(rpcRoundTrips);
    const validTimes = await scanTimes(valid, 100, async () => {
      await page.getByTestId(`unscan-${valid}`).click();
      await page.getByTestId(`scanned-${valid}`).waitFor({ state: 'detached' });
    });
    const refusedTimes = await scanTimes(refused, 100);
    figures['on screen: scan to verdict, valid kit (p50)'] = { value: median(validTimes), baseline, unit: 'ms' };
    figures['on screen: scan to verdict, valid kit (p99)'] = { value: p99(validTimes), baseline, unit: 'ms' };
    figures['on screen: scan to verdict, refused kit (p50)'] = { value: median(refusedTimes), baseline, unit: 'ms' };
    figures['on screen: scan to verdict, refused kit (p99)'] = { value: p99(refusedTimes), baseline, unit: 'ms' };
    // The monitor's reconciliation: the same kit table under the sign-off card, which lists the open discrepancies
    // to comment (thousands at the large scale).
    await logout(page);
    await page.getByTestId('login-username').fill(db.monitor.username);
    await page.getByTestId('login-password').fill(db.monitor.password);
    await page.getByTestId('login-password').press('Enter');
    await page.getByTestId('home-page').waitFor();
    figures['on screen: reconciliation as the monitor, first rows'] = { value: await firstRows(page, 'nav-reconciliation', '[data-testid="recon-kits-table"] tbody tr'), baseline: null, unit: 'ms' };
    // Veil's own memory at this scale: the peak of the `veil serve` process over every screen and scan above (the bench
    // process's own peak, printed at the end of the run, includes building the scale).
    figures['peak memory of veil serve over these screens (RSS)'] = { value: server.peakMegabytes(), baseline: startedMegabytes, unit: 'MB' };
    for (const [figure, f] of Object.entries(figures)) process.stdout.write(`  ${figure.padEnd(58)} ${f.value.toFixed(1).padStart(9)} ${f.unit}\n`);
    await context.close();
    return figures;
  } finally {
    await browser.close();
    await server.stop();
  }
}
