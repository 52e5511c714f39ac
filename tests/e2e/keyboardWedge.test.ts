import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from './helpers/browser';
import { importExtraKits, loginAs, screenshot, wedgeScan } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * Keyboard-wedge scanners in Chromium (issue 6): a burst at scanner speed is one scan, wherever the focus is, and
 * never lands in the text field that had the focus; the same characters typed at human speed are ordinary typing and
 * stay in the field they were typed into.
 */
describe('keyboard-wedge scanner bursts', () => {
  let veil: VeilServer;
  let browser: Browser;
  const kits = ['7300001', '7300002', '7300003'];

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
    await importExtraKits(veil, kits.map((kitNumber) => ({ kitNumber, arm: 'DUPI300' })));
  });
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('a burst at scanner speed is one scan even from another text field; the same text typed at 120 ms a key is not', async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    await loginAs(page, veil, 'pharmacy_technician');
    await page.getByTestId('nav-receive').click();
    await page.getByTestId('new-shipment').click();
    await page.getByTestId('shipment-reference').fill('WEDGE-TEST');
    await page.locator('[data-testid="shipment-from"] label', { hasText: 'Kit numbers' }).click();
    await page.getByTestId('shipment-kits').fill(kits.join(' '));
    await page.getByTestId('create-shipment-submit').click();
    await page.getByTestId('receiving-screen').waitFor();

    // 1. A burst into the scan field itself: a scan from the keyboard wedge; the field is left empty.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('receive-scan');
    await wedgeScan(page, kits[0]!);
    await page.locator('[data-testid="receive-verdict"][data-verdict="accepted"]').waitFor();
    expect(await page.getByTestId('receive-verdict-source').getAttribute('data-source')).toBe('keyboard_wedge');
    expect(await page.getByTestId('receive-scan').inputValue()).toBe('');

    // 2. Focus in another text field (the reason of "damaged"), with some words typed by hand already.
    await page.getByTestId(`mark-damaged-${kits[2]}`).click();
    const reason = page.getByTestId('mark-kit-reason');
    await reason.waitFor();
    await reason.click();
    await page.keyboard.type('Carton ', { delay: 120 });
    await wedgeScan(page, kits[1]!);
    // The burst went to the scan handler, not into the reason.
    await expect.poll(() => page.getByTestId('receive-verdict-code').innerText()).toBe(kits[1]);
    expect(await page.getByTestId('receive-verdict-source').getAttribute('data-source')).toBe('keyboard_wedge');
    await expect.poll(() => page.getByTestId('count-received').getAttribute('data-count')).toBe('2');
    expect(await reason.inputValue()).toBe('Carton ');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('mark-kit-reason');
    await screenshot(page, 'wedge-burst-from-another-field', { fullPage: false });

    // 3. The same kind of text typed at human speed (120 ms a key) and Enter: it stays in the reason, no scan.
    await page.keyboard.type(kits[2]!, { delay: 120 });
    await page.keyboard.press('Enter');
    await page.waitForTimeout(600);
    expect(await reason.inputValue()).toBe(`Carton ${kits[2]}\n`);
    expect(await page.getByTestId('receive-verdict-code').innerText()).toBe(kits[1]);
    expect(await page.getByTestId('count-received').getAttribute('data-count')).toBe('2');
    expect(await page.getByTestId(`receipt-outcome-${kits[2]}`).getAttribute('data-outcome')).toBe('expected');

    // 4. Close the dialog: the scan field has the focus again; typed at human speed there, it is a manual entry.
    await page.keyboard.press('Escape');
    await page.getByTestId('mark-kit-modal').waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('receive-scan');
    await page.keyboard.type(kits[2]!, { delay: 120 });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('receive-verdict-code').innerText()).toBe(kits[2]);
    expect(await page.getByTestId('receive-verdict-source').getAttribute('data-source')).toBe('manual');

    // 5. A fast burst too short to be a code (5 characters) is typing after all: nothing lost, nothing scanned.
    await page.getByTestId('receive-scan').fill('');
    await page.getByTestId('receive-scan').focus();
    await wedgeScan(page, '12345');
    await expect.poll(() => page.getByTestId('receive-verdict-code').innerText()).toBe('12345');
    expect(await page.getByTestId('receive-verdict-source').getAttribute('data-source')).toBe('manual');

    expect(problems).toEqual([]);
    await context.close();
  }, 90_000);
});
