import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from './helpers/browser';
import { armWordsOnPage, asPharmacist, kitStatuses, loginAs, logout, screenshot, sign, wedgeScan } from './helpers/pharmacy';
import { SCREENSHOT_DIR } from './helpers/paths';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * The Storage screen (issue 15) on the demo study: the pharmacist sees the study fridge with its kits and chart, adds a
 * fridge and puts kits into it by scanning, imports the study fridge's logger file with an excursion, opens the case
 * (times checked against the file, computed here), and sets one kit aside as damaged under an e-signature. A blinded
 * monitor reads the same screen: no arm anywhere, nothing to change.
 */
const MINUTE = 60_000;

/**
 * A logger export of the last six hours at one reading every five minutes, 4-6 °C, with readings above 8 °C from 3 h
 * to 2 h 20 min ago: plain "timestamp;temperature", local time of Paris with its offset as a logger writes it.
 */
function loggerFile(now: number) {
  const start = Math.floor((now - 6 * 60 * MINUTE) / (5 * MINUTE)) * 5 * MINUTE;
  const readings: Array<{ at: number; celsius: number }> = [];
  for (let at = start; at <= now - 10 * MINUTE; at += 5 * MINUTE) {
    const ago = now - at;
    const out = ago <= 180 * MINUTE && ago >= 140 * MINUTE;
    readings.push({ at, celsius: out ? 9.5 + ((at / (5 * MINUTE)) % 4) * 0.2 : 4.5 + ((at / (5 * MINUTE)) % 5) * 0.3 });
  }
  const stamp = (ms: number) => {
    // Europe/Paris in winter is UTC+01:00 and in summer UTC+02:00: the offset of that instant, as the logger writes it.
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).formatToParts(new Date(ms));
    const get = (type: string) => parts.find((p) => p.type === type)!.value;
    const offset = get('timeZoneName').replace('GMT', '') || '+00:00';
    return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}${offset}`;
  };
  const content = ['timestamp;temperature', ...readings.map((r) => `${stamp(r.at)};${r.celsius.toFixed(1)}`)].join('\n') + '\n';
  // The excursion as the rule says: from the first reading above 8 °C to the first reading back in range.
  const first = readings.findIndex((r) => r.celsius > 8);
  const back = readings.findIndex((r, i) => i > first && r.celsius <= 8);
  return { content, readings: readings.length, startMs: readings[first]!.at, seconds: (readings[back]!.at - readings[first]!.at) / 1000, worst: Math.max(...readings.map((r) => r.celsius)) };
}

/**
 * Downloads the case's sponsor report (PDF) or chart (PNG) through its button; the PDF's text through pdftotext and its
 * pages kept as pictures (pdftoppm) beside the screenshots, to be looked at; the PNG's bytes.
 */
async function downloadReport(page: Page, format: 'pdf' | 'png', picture: string): Promise<{ fileName: string; text: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`excursion-report-${format}`).click()]);
  const dir = mkdtempSync(join(tmpdir(), 'veil-excursion-report-'));
  try {
    const file = join(dir, download.suggestedFilename());
    await download.saveAs(file);
    const bytes = readFileSync(file);
    if (format === 'png') {
      execFileSync('cp', [file, join(SCREENSHOT_DIR, `${picture}.png`)]);
      return { fileName: download.suggestedFilename(), text: '', bytes };
    }
    execFileSync('pdftoppm', ['-png', '-r', '80', file, join(SCREENSHOT_DIR, picture)]);
    return { fileName: download.suggestedFilename(), text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }), bytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('storage: locations, logger import and an excursion case', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('the pharmacist sees the fridge, adds a fridge, puts kits away, imports a logger file and disposes a kit with a signature', async () => {
    const before = await asPharmacist(veil, async (call) => ({
      places: (await call('coldChain.kitLocations', {})) as Array<{ kitNumber: string; location: string; secondsOutOfRange: number }>,
    }));
    const statuses = await kitStatuses(veil);
    const inFridge = before.places.filter((p) => p.location === 'Fridge A (study drugs)' && statuses.get(p.kitNumber) === 'available');
    expect(inFridge.length).toBeGreaterThan(10);
    const moved = inFridge.slice(0, 2).map((p) => p.kitNumber);
    const judged = inFridge[5]!;

    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    await loginAs(page, veil, 'unblinded_pharmacist');
    await page.getByTestId('nav-storage').click();
    await page.getByTestId('storage-page').waitFor();
    // The demo's fridge: in range at its last reading, its kits listed, its chart with the range band and the demo's excursion.
    await page.getByTestId('location-LOC-FRIDGE-A').waitFor();
    expect(await page.getByTestId('location-in-range-LOC-FRIDGE-A').getAttribute('data-in-range')).toBe('true');
    await page.getByTestId('location-chart-band').waitFor();
    expect(Number(await page.getByTestId('location-chart').getAttribute('data-out'))).toBeGreaterThan(0);
    await page.getByTestId(`location-kit-${judged.kitNumber}`).waitFor();
    expect(await page.getByTestId('location-calibration-LOC-QUARANTINE').getAttribute('data-state')).toBe('soon');
    await page.getByTestId('excursion-row-1').waitFor();
    expect(await page.getByTestId('excursion-row-1').getAttribute('data-open')).toBe('false');

    // A new fridge, through the form: an inverted range is refused by the core, by key, then corrected.
    await page.getByTestId('location-add').click();
    await page.getByTestId('location-name').fill('Fridge D (e2e)');
    await page.getByTestId('location-min').fill('9');
    await page.getByTestId('location-max').fill('3');
    await page.getByTestId('location-barcode').fill('LOC-FRIDGE-D');
    await page.getByTestId('location-save').click();
    await page.getByTestId('error-alert').waitFor();
    expect(await page.getByTestId('error-alert').innerText()).toContain('lowest temperature');
    await page.getByTestId('location-min').fill('2');
    await page.getByTestId('location-max').fill('8');
    await page.getByTestId('location-save').click();
    await page.getByTestId('location-form').waitFor({ state: 'detached' });
    await page.getByTestId('location-LOC-FRIDGE-D').waitFor();

    // Put away by scanning: the location's label, then the kits.
    await page.getByTestId('put-away-open').click();
    await page.getByTestId('put-away-scan').click();
    await wedgeScan(page, 'LOC-FRIDGE-D');
    await page.locator('[data-testid="put-away-target"][data-location="LOC-FRIDGE-D"]').waitFor();
    for (const kit of moved) await wedgeScan(page, kit);
    await expect.poll(() => page.getByTestId('put-away-kits').innerText()).toContain(moved[1]!);
    await page.getByTestId('put-away-confirm').click();
    await expect.poll(() => page.getByTestId('put-away-notice').innerText()).toContain('2 kits put into Fridge D (e2e)');
    await page.getByTestId('location-open-LOC-FRIDGE-D').click();
    await page.getByTestId(`location-kit-${moved[0]}`).waitFor();

    // The study fridge's logger file, with an excursion three hours ago.
    const file = loggerFile(Date.now());
    await page.getByTestId('location-readings-LOC-FRIDGE-A').click();
    await page.getByTestId('import-log').locator('input[type="file"]').setInputFiles({ name: 'fridge-a-today.csv', mimeType: 'text/csv', buffer: Buffer.from(file.content, 'utf8') });
    await page.getByTestId('import-log-submit').click();
    await page.getByTestId('readings-outcome').waitFor();
    expect(await page.getByTestId('readings-outcome').innerText()).toContain(`${file.readings} readings imported`);
    await page.getByTestId('excursion-case').waitFor();
    await page.getByTestId('storage-open-cases').waitFor();
    await page.getByTestId('excursion-chart').waitFor();
    const row = page.getByTestId(`excursion-kit-${judged.kitNumber}`);
    expect(await row.getAttribute('data-status')).toBe('quarantined');
    expect(Number(await row.getAttribute('data-seconds'))).toBe(file.seconds);
    // Its whole life: the time it had before (the demo's excursion) plus this one.
    expect(Number(await row.getAttribute('data-cumulative'))).toBe(judged.secondsOutOfRange + file.seconds);
    expect(await page.getByTestId('excursion-case-state').innerText()).toBe('OPEN');
    // Unblinded only: what the kits the case holds mean for the next visits, per arm (issue 15, item 4).
    await page.getByTestId('excursion-impact').waitFor();
    const held = await page.locator('[data-testid^="excursion-impact-"][data-held]').evaluateAll((rows) => rows.reduce((n, r) => n + Number(r.getAttribute('data-held')), 0));
    expect(held).toBeGreaterThan(0);
    await screenshot(page, 'storage-excursion-case');

    // The report for the sponsor, printed from the case: the excursion as computed from the file, the kits by number
    // with their cumulative times, no arm; and the chart alone as a PNG.
    const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    const report = await downloadReport(page, 'pdf', 'storage-sponsor-report');
    expect(report.fileName).toMatch(/^excursion-\d+-sponsor-report-.*-seal-\d+\.pdf$/);
    const flat = report.text.replace(/\s+/g, ' ');
    expect(flat).toContain('Storage location Fridge A (study drugs)');
    expect(flat).toContain('Target range 2.0 °C to 8.0 °C');
    expect(flat).toContain(`Start ${utc(file.startMs)}`);
    expect(flat).toContain(`End ${utc(file.startMs + file.seconds * 1000)} (first reading back in range)`);
    expect(flat).toContain(`(${file.seconds} s)`);
    expect(flat).toContain(`Worst value ${file.worst.toFixed(1)} °C`);
    expect(flat).toContain('fridge-a-today.csv');
    expect(flat).toMatch(/Audit seal: event \d+, [0-9a-f]{64}/);
    const kitLine = (text: string, kit: string) => text.split('\n').find((l) => l.trim().startsWith(`${kit} `));
    expect(kitLine(report.text, judged.kitNumber)).toMatch(new RegExp(`quarantined .*\\(${file.seconds} s\\).*\\(${judged.secondsOutOfRange + file.seconds} s\\).*pending assessment`));
    expect(report.text).not.toMatch(/\barm\b|\blot\b|expiry/i);
    await page.getByTestId('excursion-report-saved').waitFor();
    const chart = await downloadReport(page, 'png', 'storage-excursion-chart');
    expect(chart.fileName).toMatch(/^excursion-\d+-chart-.*\.png$/);
    const picture = PNG.sync.read(chart.bytes);
    expect([picture.width, picture.height]).toEqual([1200, 520]);

    // The sponsor's answer for one kit: damaged, e-signed.
    const pending = await page.locator('[data-testid^="excursion-choose-"]').evaluateAll((boxes) => boxes.map((b) => b.getAttribute('data-testid')!.replace('excursion-choose-', '')));
    expect(pending).toContain(judged.kitNumber);
    const released = inFridge.slice(6).find((p) => pending.includes(p.kitNumber))!;
    await page.getByTestId('excursion-choose-none').click();
    await page.getByTestId(`excursion-choose-${judged.kitNumber}`).check();
    await page.getByTestId('excursion-damaged').click();
    await page.getByTestId('excursion-reason').fill('Sponsor: 9.5-10.1 °C for 40 min is outside the stability data (NSD-TE-12)');
    await page.getByTestId('excursion-decision-continue').click();
    await sign(page, veil, 'unblinded_pharmacist');
    await page.getByTestId('excursion-disposed').waitFor();
    await expect.poll(() => page.getByTestId(`excursion-kit-${judged.kitNumber}`).getAttribute('data-status')).toBe('damaged');

    // And another released to stock, e-signed: the disposition is mixed.
    await page.getByTestId('excursion-choose-none').click();
    await page.getByTestId(`excursion-choose-${released.kitNumber}`).check();
    await page.getByTestId('excursion-release').click();
    await page.getByTestId('excursion-reason').fill('Sponsor: within the stability data for this kit (NSD-TE-12)');
    await page.getByTestId('excursion-decision-continue').click();
    await sign(page, veil, 'unblinded_pharmacist');
    await expect.poll(() => page.getByTestId(`excursion-kit-${released.kitNumber}`).getAttribute('data-status')).toBe('available');
    expect(Number(await page.getByTestId(`excursion-kit-${released.kitNumber}`).getAttribute('data-cumulative'))).toBe(released.secondsOutOfRange + file.seconds);

    // The report again: each kit's status and cumulative time, the two dispositions with who signed them.
    const signed = await downloadReport(page, 'pdf', 'storage-sponsor-report-decided');
    expect(kitLine(signed.text, judged.kitNumber)).toMatch(new RegExp(`available +damaged .*\\(${judged.secondsOutOfRange + file.seconds} s\\).*damaged \\(for destruction\\)`));
    expect(kitLine(signed.text, released.kitNumber)).toMatch(new RegExp(`available +available .*\\(${released.secondsOutOfRange + file.seconds} s\\).*released to stock`));
    const decided = signed.text.replace(/\s+/g, ' ');
    expect(decided).toContain(`${judged.kitNumber} damaged Sponsor: 9.5-10.1`);
    expect(decided).toContain(`${released.kitNumber} release to stock Sponsor: within the`);
    expect(decided.match(/Paula Lefèvre/g)).toHaveLength(2);
    expect(decided).toContain("I record the sponsor's disposition");
    // The kits' statuses as the core keeps them (read last: it logs the pharmacist in elsewhere).
    const after = await kitStatuses(veil);
    expect([after.get(judged.kitNumber), after.get(released.kitNumber)]).toEqual(['damaged', 'available']);
    expect(problems).toEqual([]);
    await context.close();
  }, 180_000);

  it('a blinded monitor reads the storage screen: kits by number, no arm, nothing to change', async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    await loginAs(page, veil, 'monitor');
    // The home page says an excursion case is still open (issue 15, item 5), and leads to it.
    await page.getByTestId('home-excursion-banner').waitFor();
    expect(Number(await page.getByTestId('home-excursion-banner').getAttribute('data-cases'))).toBeGreaterThan(0);
    expect(await armWordsOnPage(page)).toEqual([]);
    await page.getByTestId('home-excursion-open').click();
    await page.getByTestId('location-LOC-FRIDGE-A').waitFor();
    await page.getByTestId('location-chart').waitFor();
    await page.getByTestId('excursion-open-1').click();
    await page.getByTestId('excursion-kits').waitFor();
    expect(await armWordsOnPage(page)).toEqual([]);
    expect(await page.getByTestId('location-add').count()).toBe(0);
    expect(await page.getByTestId('put-away-open').count()).toBe(0);
    expect(await page.getByTestId('location-readings-LOC-FRIDGE-A').count()).toBe(0);
    expect(await page.locator('[data-testid^="excursion-choose-"]').count()).toBe(0);
    expect(await page.getByTestId('excursion-impact').count()).toBe(0);
    await screenshot(page, 'storage-monitor');
    await logout(page);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
