import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from './helpers/browser';
import { armWordsOnPage, demoKits, kitStatuses, loginAs, logout, patientWithKitsOnShelf, screenshot, sign, typeScan, wedgeScan } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * Issue 16, item 1 on screen: the unblinded pharmacist dispenses a visit, finds it was the wrong patient and undoes it
 * (dispensed in error: reason, signature, the kits to quarantine, the visit open again), dispenses it again, then the
 * patient loses a kit: the loss is recorded from the kit's page and a replacement kit is scanned, judged and signed
 * there. A blinded monitor reads the lost kit's page afterwards: who it went to and what replaced it, no arm.
 */
let veil: VeilServer;
let browser: Browser;
const kits = Array.from({ length: 4 }, (_, i) => `760000${i + 1}`);

beforeAll(async () => {
  [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
  await patientWithKitsOnShelf(veil, 'S-EX1', kits);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await veil?.stop();
});

async function dispenseBaseline(page: Page, given: string[]) {
  const screen = page.locator('[data-testid="visit-dispensing"][data-visit="D1"]');
  await screen.waitFor();
  for (const kit of given) {
    await wedgeScan(page, kit);
    await page.getByTestId(`scanned-${kit}`).waitFor();
  }
  await page.getByTestId('dispense-confirm').click();
  await page.getByTestId('confirm-summary').waitFor();
  await sign(page, veil, 'unblinded_pharmacist');
  await page.locator('[data-testid="dispensed"][data-visit="D1"]').waitFor();
}

async function giveReasonAndSign(page: Page, prefix: string, reason: string) {
  await page.getByTestId(`${prefix}-reason`).fill(reason);
  await page.getByTestId(`${prefix}-continue`).click();
  await sign(page, veil, 'unblinded_pharmacist');
}

describe('kit exceptions on screen', () => {
  it('dispensed in error is undone with a signature, then a kit the patient lost is replaced from its page', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    try {
      await page.goto(veil.url);
      await loginAs(page, veil, 'unblinded_pharmacist');
      await page.getByTestId('nav-dispense').click();
      await page.getByTestId('dispense-due-table').waitFor();
      await page.getByTestId('dispense-choose-S-EX1').click();

      // 1. Dispensed, then undone: the reason, the signature; the kits go to quarantine and D1 is open again.
      await dispenseBaseline(page, kits.slice(0, 2));
      await page.getByTestId('dispense-undo').click();
      await page.getByTestId('undo-form').waitFor();
      await screenshot(page, 'dispense-undo-reason', { fullPage: false });
      await giveReasonAndSign(page, 'undo', 'Wrong patient called to the counter');
      await page.getByTestId('dispense-notice-undone').waitFor();
      expect(await page.getByTestId('dispense-notice-undone').innerText()).toContain(`${kits[0]}, ${kits[1]}`);
      // The visit is open again on the same screen: D1 dispensed with the other two kits.
      await dispenseBaseline(page, kits.slice(2, 4));

      // 2. The patient lost kit 3: recorded from the kit's page, e-signed.
      const lost = kits[2]!;
      await page.getByTestId('nav-kits').click();
      await typeScan(page, 'kit-story-scan', lost);
      await page.locator(`[data-testid="kit-story"][data-kit="${lost}"]`).waitFor();
      expect(await page.getByTestId('kit-given-to').innerText()).toContain('S-EX1');
      await page.getByTestId('kit-action-lostByPatient').click();
      await page.getByTestId('kit-action-reason').fill('Patient left the kit on a train');
      await page.getByTestId('kit-action-submit').click();
      await sign(page, veil, 'unblinded_pharmacist');
      await page.getByTestId('kit-action-done').waitFor();
      await page.locator('[data-testid="kit-story-status"][data-status="lost"]').waitFor();

      // 3. Its replacement: Veil suggests a kit, the scan is judged, the reason given, the dispensing signed.
      await page.getByTestId('kit-action-replace').click();
      await page.getByTestId('extra-dispensing').waitFor();
      const what = page.getByTestId('extra-what');
      await what.waitFor();
      expect(await what.getAttribute('data-code')).toBe('D1/R1');
      const suggested = (await page.locator('[data-testid^="extra-suggestion-"]').first().getAttribute('data-testid'))!.slice('extra-suggestion-'.length);
      // A kit in quarantine (undone above) is refused, by the rule a visit uses.
      await typeScan(page, 'extra-scan', kits[0]!);
      await page.locator('[data-testid="extra-verdict"][data-ok="false"]').waitFor();
      await typeScan(page, 'extra-scan', suggested);
      await page.locator('[data-testid="extra-verdict"][data-ok="true"]').waitFor();
      await page.getByTestId('extra-reason').fill('Replacement for the kit lost on a train');
      await screenshot(page, 'kit-replacement', { fullPage: false });
      await page.getByTestId('extra-sign').click();
      await sign(page, veil, 'unblinded_pharmacist');
      await page.getByTestId('extra-dispensing').waitFor({ state: 'detached' });
      await page.getByTestId('kit-replaced-by').waitFor();
      expect(await page.getByTestId('kit-replaced-by').innerText()).toContain('D1/R1');
      await screenshot(page, 'kit-story-replaced');
      await logout(page);

      // The undone kits in quarantine (never back to stock), the lost kit lost, its replacement with the patient.
      const statuses = await kitStatuses(veil);
      expect([kits[0], kits[1], lost, suggested].map((k) => statuses.get(k!))).toEqual(['quarantined', 'quarantined', 'lost', 'dispensed']);
    } finally {
      await context.close();
    }
  }, 240_000);

  it('the pharmacist recalls a lot from its page: the preview, the letter, the reason and the signature; its kits in quarantine', async () => {
    await veil.logoutWindow();
    const lot = demoKits(veil)[0]!.lot;
    const before = await kitStatuses(veil);
    const ofLot = demoKits(veil).filter((k) => k.lot === lot && before.get(k.kit_number) === 'available').map((k) => k.kit_number);
    const { context, page } = await openPage(browser);
    try {
      await page.goto(veil.url);
      await loginAs(page, veil, 'unblinded_pharmacist');
      await page.getByTestId('nav-reports').click();
      await page.getByTestId('lot-recall-lot').fill(lot);
      await page.getByTestId('lot-recall-preview').click();
      await page.getByTestId('lot-recall-what').waitFor();
      expect(await page.getByTestId('lot-recall-what').innerText()).toContain(`${ofLot.length} kit`);
      await page.getByTestId('lot-recall-letter').fill('NSD-RECALL-07');
      await page.getByTestId('lot-recall-start').click();
      await page.getByTestId('lot-recall-reason').fill('Sponsor recall: particulate matter in the lot');
      await page.getByTestId('lot-recall-continue').click();
      await sign(page, veil, 'unblinded_pharmacist');
      await page.getByTestId('lot-recall-done').waitFor();
      await screenshot(page, 'lot-recall-done', { fullPage: false });
      await logout(page);
    } finally {
      await context.close();
    }
    const after = await kitStatuses(veil);
    expect(ofLot.every((k) => after.get(k) === 'quarantined')).toBe(true);
  }, 120_000);

  it('a blinded monitor reads the lost kit: its patient and its replacement, no arm, no action offered', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser, { locale: 'fr-FR' });
    try {
      await page.goto(veil.url);
      await loginAs(page, veil, 'monitor');
      await page.getByTestId('nav-kits').click();
      await typeScan(page, 'kit-story-scan', kits[2]!);
      await page.locator(`[data-testid="kit-story"][data-kit="${kits[2]}"][data-version="blinded"]`).waitFor();
      expect(await page.getByTestId('kit-replaced-by').innerText()).toContain('D1/R1');
      expect(await page.locator('[data-testid^="kit-action-"]').count()).toBe(0);
      expect(await armWordsOnPage(page)).toEqual([]);
      await screenshot(page, 'kit-story-replaced-monitor-fr');
      await logout(page);
    } finally {
      await context.close();
    }
  }, 120_000);
});
