import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from './helpers/browser';
import { armWordsOnPage, demoKits, kitStatuses, loginAs, logout, typeScan } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * The Kit story screen (issue 16, item 4) on the demo: the unblinded pharmacist scans a dispensed kit and reads its
 * story with its arm, real lot and real expiry, and downloads the unblinded PDF; a blinded monitor reads the same
 * kit's story with no arm word, real lot or real expiry anywhere on the page, and downloads the blinded PDF; a code
 * that names no kit gets the catalogue's refusal in the reader's language.
 */
let veil: VeilServer;
let browser: Browser;
let kit: string;

beforeAll(async () => {
  [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
  kit = [...(await kitStatuses(veil)).entries()].find(([, status]) => status === 'dispensed')![0];
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await veil?.stop();
});

describe('kit story screen', () => {
  it('the unblinded pharmacist reads the unblinded story in time order and downloads its PDF', async () => {
    const row = demoKits(veil).find((k) => k.kit_number === kit)!;
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    try {
      await page.goto(veil.url);
      await loginAs(page, veil, 'unblinded_pharmacist');
      await page.getByTestId('nav-kits').click();
      await typeScan(page, 'kit-story-scan', kit);
      const story = page.locator(`[data-testid="kit-story"][data-kit="${kit}"]`);
      await story.waitFor();
      expect(await story.getAttribute('data-version')).toBe('unblinded');
      expect(await page.getByTestId('kit-story-status').getAttribute('data-status')).toBe('dispensed');
      expect(await page.getByTestId('kit-story-arm').innerText()).toContain(row.arm);
      expect(await page.getByTestId('kit-story-lot').innerText()).toBe(row.lot);
      const actions = await page.getByTestId('kit-story-event').evaluateAll((items) => items.map((i) => i.getAttribute('data-action')!));
      expect(actions.length).toBeGreaterThan(1);
      expect(actions).toEqual(expect.arrayContaining(['shipment.kit_received', 'kit.status_changed']));
      const times = await page.getByTestId('kit-story-event-when').evaluateAll((items) => items.map((i) => i.getAttribute('data-utc')!));
      expect([...times].sort()).toEqual(times);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('kit-story-download').click()]);
      expect(download.suggestedFilename()).toMatch(/\.pdf$/);
      await logout(page);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('a blinded monitor reads the blinded story: no arm, real lot or real expiry on the page; an unknown kit is refused by key', async () => {
    const row = demoKits(veil).find((k) => k.kit_number === kit)!;
    await veil.logoutWindow();
    const { context, page } = await openPage(browser, { locale: 'fr-FR' });
    try {
      await page.goto(veil.url);
      await loginAs(page, veil, 'monitor');
      await page.getByTestId('nav-kits').click();
      await typeScan(page, 'kit-story-scan', kit);
      const story = page.locator(`[data-testid="kit-story"][data-kit="${kit}"]`);
      await story.waitFor();
      expect(await story.getAttribute('data-version')).toBe('blinded');
      expect(await page.getByTestId('kit-story-unblinded').count()).toBe(0);
      expect(await page.getByTestId('kit-story-event').count()).toBeGreaterThan(1);
      expect(await armWordsOnPage(page)).toEqual([]);
      const html = await page.content();
      expect(html).not.toContain(row.lot);
      expect(html).not.toContain(row.expiry_date);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('kit-story-download').click()]);
      expect(download.suggestedFilename()).toMatch(/\.pdf$/);

      await typeScan(page, 'kit-story-scan', '999999999');
      const refusal = page.getByTestId('kit-story-error');
      await refusal.waitFor();
      expect(await refusal.innerText()).toContain("Le kit 999999999 n'est pas dans la liste des kits.");
      expect(await page.getByTestId('kit-story').count()).toBe(0);
      await logout(page);
    } finally {
      await context.close();
    }
  }, 120_000);
});
