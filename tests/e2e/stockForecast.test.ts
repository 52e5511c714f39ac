import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from './helpers/browser';
import { armWordsOnPage, asPharmacist, demoKits, kitStatuses, loginAs, logout } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * Stock against the coming visits on screen (issue 16, item 3): the unblinded pharmacist's home card and the forecast
 * per arm on the reports screen, with the resupply request downloaded; a blinded technician sees totals only, with no
 * arm word anywhere on either page and no resupply request.
 */
let veil: VeilServer;
let browser: Browser;

beforeAll(async () => {
  [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await veil?.stop();
});

describe('stock forecast screens', () => {
  it('the unblinded pharmacist sees the arms on the home card, opens the forecast per arm and downloads the resupply request', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    try {
      await page.goto(veil.url);
      await loginAs(page, veil, 'unblinded_pharmacist');
      const card = page.getByTestId('home-stock');
      await card.waitFor();
      // The demo's stock covers the next 4 weeks for both arms.
      expect(await card.getAttribute('data-short')).toBe('false');
      await page.getByTestId('home-stock-covered').waitFor();
      await screenshot(page, 'stock-home-unblinded');
      await page.getByTestId('home-stock-open').click();
      // The arms come on screen when asked for, never at a glance.
      await page.getByTestId('stock-show-arms').waitFor();
      expect(await page.getByTestId('stock-unblinded').count()).toBe(0);
      await page.getByTestId('stock-show-arms').click();
      await page.getByTestId('stock-unblinded').waitFor();
      expect(await page.locator('[data-testid^="stock-arm-"]').count()).toBe(2);
      await page.getByTestId('stock-weeks').fill('26');
      await page.getByText('(26 weeks)').waitFor();
      await page.getByTestId('stock-buffer').fill('2');
      await screenshot(page, 'stock-forecast-unblinded');
      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('stock-resupply-csv').click()]);
      expect(csv.suggestedFilename()).toMatch(/^resupply-request-unblinded-\d{4}-\d{2}-\d{2}-seal-\d+\.csv$/);
      const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('stock-resupply-pdf').click()]);
      expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
      await logout(page);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('a blinded technician sees totals only, on the home page and on the reports screen, and no resupply request', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser, { locale: 'fr-FR' });
    try {
      await page.goto(veil.url);
      await loginAs(page, veil, 'pharmacy_technician');
      await page.getByTestId('home-stock-totals').waitFor();
      expect(await page.getByTestId('home-stock-short').count()).toBe(0);
      expect(await armWordsOnPage(page)).toEqual([]);
      await page.getByTestId('home-stock-open').click();
      await page.getByTestId('stock-blinded-totals').waitFor();
      expect(await page.getByTestId('stock-unblinded').count()).toBe(0);
      expect(await page.getByTestId('stock-resupply').count()).toBe(0);
      expect(await armWordsOnPage(page)).toEqual([]);
      await screenshot(page, 'stock-forecast-blinded-fr');
      await logout(page);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("when one arm runs short, the pharmacist's home card names it with its first visit not covered; the technician still sees totals only", async () => {
    // Every kit on the shelf of an arm whose patients have visits in the next 4 weeks damaged at the site: those visits
    // go uncovered. The arm is read from the forecast: the demo's randomization is drawn anew at each build, and a build
    // whose patients due soon were all on dupilumab left the placebo arm (chosen here before) with nothing to cover.
    const forecast = (await asPharmacist(veil, (call) => call('stock.forecastUnblinded', { weeks: 4 }))) as { arms: Array<{ armCode: string; needed: number }> };
    const arm = forecast.arms.find((a) => a.needed > 0)!.armCode;
    const statuses = await kitStatuses(veil);
    const onShelf = demoKits(veil).filter((k) => k.arm === arm && statuses.get(k.kit_number) === 'available');
    expect(onShelf.length).toBeGreaterThan(0);
    await asPharmacist(veil, async (call) => {
      for (const k of onShelf) await call('kitExceptions.damagedAtSite', { code: k.kit_number, reason: 'Freezer failure (stock test)' });
    });
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    try {
      await page.goto(veil.url);
      await loginAs(page, veil, 'unblinded_pharmacist');
      const card = page.getByTestId('home-stock');
      await card.waitFor();
      await expect.poll(() => card.getAttribute('data-short')).toBe('true');
      // One arm short, said without naming it on the home page: the arms are on Reports, on demand.
      expect(await card.innerText()).toContain('1');
      expect(await armWordsOnPage(page)).toEqual([]);
      await screenshot(page, 'stock-home-unblinded-short');
      await page.getByTestId('home-stock-open').click();
      await page.getByTestId('stock-show-arms').click();
      expect(await page.getByTestId(`stock-arm-${arm}`).getAttribute('data-short')).toBe('true');
      await logout(page);
    } finally {
      await context.close();
    }
    const blinded = await openPage(browser);
    try {
      await blinded.page.goto(veil.url);
      await loginAs(blinded.page, veil, 'pharmacy_technician');
      await blinded.page.getByTestId('home-stock-totals').waitFor();
      expect(await blinded.page.getByTestId('home-stock').getAttribute('data-short')).toBe('false');
      expect(await armWordsOnPage(blinded.page)).toEqual([]);
      await logout(blinded.page);
    } finally {
      await blinded.context.close();
    }
  }, 180_000);
});
