import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from './helpers/browser';
import { demoKits, importExtraKits, loginAs, screenshot } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * Long lists stay fast (issue 17, item 4): a pharmacy's reconciliation lists every kit of the study, tens of
 * thousands at scale. With 1,380 kits, the page holds the rows near the screen only, the count and the search still
 * cover the whole list, and scrolling to the end shows the last kit.
 */
const EXTRA = 1200;

describe('a long kit list on the reconciliation screen', () => {
  let veil: VeilServer;
  let browser: Browser;
  let page: Page;
  let total: number;
  let lastKit: string;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
    const demo = demoKits(veil);
    const taken = new Set(demo.map((k) => k.kit_number));
    const extra: Array<{ kitNumber: string; arm: string }> = [];
    for (let n = 200000; extra.length < EXTRA; n += 7) {
      if (!taken.has(String(n))) extra.push({ kitNumber: String(n), arm: extra.length % 3 === 2 ? 'PLACEBO' : 'DUPI300' });
    }
    await importExtraKits(veil, extra);
    total = demo.length + EXTRA;
    // The screen lists kits in kit-number order; the highest kit number is the last row.
    lastKit = [...taken, ...extra.map((k) => k.kitNumber)].sort((a, b) => Number(a) - Number(b)).at(-1)!;
    page = (await openPage(browser)).page;
    await page.goto(veil.url);
    await loginAs(page, veil, 'monitor');
    await page.getByTestId('nav-reconciliation').click();
    await page.getByTestId('recon-kits').waitFor();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  const rowsInPage = () => page.locator('[data-testid^="recon-kit-"]:not([data-testid^="recon-kit-discrepancies-"])').count();

  it('keeps only the rows near the screen in the page, while the count covers every kit', async () => {
    await expect.poll(() => page.getByTestId('recon-kits-count').innerText()).toBe(`${total} kits shown of ${total}`);
    const inPage = await rowsInPage();
    expect(inPage).toBeGreaterThan(5);
    expect(inPage).toBeLessThan(120);
    await screenshot(page, 'reconciliation-long-list');
  });

  it('shows the last kit when scrolled to the end, still without the whole list in the page', async () => {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect.poll(() => page.getByTestId(`recon-kit-${lastKit}`).count(), { timeout: 10_000 }).toBe(1);
    expect(await rowsInPage()).toBeLessThan(120);
  });

  it('finds a kit far down the list by searching, whatever is on screen', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByTestId('recon-kits-search').fill(lastKit);
    await expect.poll(() => rowsInPage()).toBe(1);
    expect(await page.getByTestId(`recon-kit-${lastKit}`).count()).toBe(1);
  });
});
