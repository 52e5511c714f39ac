import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from './helpers/browser';
import { importExtraKits, loginAs, screenshot, wedgeScan } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * Keyboard-wedge scanners in Chromium (issue 6): a burst at scanner speed is one scan, wherever the focus is on the
 * page, and never lands in the page's text field that had the focus; the same characters typed at human speed are
 * ordinary typing and stay in the field they were typed into. Dialogs are left alone (issue 11).
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

  it('a burst at scanner speed is one scan; in a dialog it stays the user\'s text; the same text typed at 120 ms a key is not a scan', async () => {
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

    // 2. Focus in a dialog's text field (the reason of "damaged"), with some words typed by hand already: a dialog is
    // never listened to (issue 11: what is typed in a dialog is the user's, and a scan must not act behind it). The
    // burst stays in the reason; nothing is scanned.
    await page.getByTestId(`mark-damaged-${kits[2]}`).click();
    const reason = page.getByTestId('mark-kit-reason');
    await reason.waitFor();
    await reason.click();
    await page.keyboard.type('Carton ', { delay: 120 });
    await page.waitForTimeout(400);
    await wedgeScan(page, kits[1]!);
    await expect.poll(() => reason.inputValue()).toBe(`Carton ${kits[1]}\n`);
    expect(await page.getByTestId('receive-verdict-code').innerText()).toBe(kits[0]);
    expect(await page.getByTestId('count-received').getAttribute('data-count')).toBe('1');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('mark-kit-reason');
    await screenshot(page, 'wedge-burst-in-a-dialog', { fullPage: false });

    // 3. Text typed at human speed (120 ms a key) and Enter: it stays in the reason, no scan.
    await page.keyboard.type(kits[2]!, { delay: 120 });
    await page.keyboard.press('Enter');
    await page.waitForTimeout(600);
    expect(await reason.inputValue()).toBe(`Carton ${kits[1]}\n${kits[2]}\n`);
    expect(await page.getByTestId('count-received').getAttribute('data-count')).toBe('1');
    expect(await page.getByTestId(`receipt-outcome-${kits[2]}`).getAttribute('data-outcome')).toBe('expected');

    // 4. Close the dialog: the scan field has the focus again; the burst is a scan from the keyboard wedge; the same
    // kind of code typed at human speed there is a manual entry.
    await page.keyboard.press('Escape');
    await page.getByTestId('mark-kit-modal').waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('receive-scan');
    await wedgeScan(page, kits[1]!);
    await expect.poll(() => page.getByTestId('receive-verdict-code').innerText()).toBe(kits[1]);
    expect(await page.getByTestId('receive-verdict-source').getAttribute('data-source')).toBe('keyboard_wedge');
    await page.keyboard.type(kits[2]!, { delay: 120 });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('receive-verdict-code').innerText()).toBe(kits[2]);
    expect(await page.getByTestId('receive-verdict-source').getAttribute('data-source')).toBe('manual');
    expect(await page.getByTestId('count-received').getAttribute('data-count')).toBe('3');

    // 5. A fast burst too short to be a code (5 characters) is typing after all: nothing lost, nothing scanned from the
    // scanner. Sent by its Enter as typed, it names no kit: shown shortened, never in full.
    await page.getByTestId('receive-scan').fill('');
    await page.getByTestId('receive-scan').focus();
    await wedgeScan(page, '12345');
    await expect.poll(() => page.getByTestId('receive-verdict-code').getAttribute('data-masked')).toBe('true');
    expect(await page.getByTestId('receive-verdict-code').innerText()).toContain('45');
    expect(await page.getByTestId('receive-verdict-code').innerText()).not.toContain('12345');
    expect(await page.getByTestId('receive-verdict-source').getAttribute('data-source')).toBe('manual');

    expect(problems).toEqual([]);
    await context.close();
  }, 90_000);
});
