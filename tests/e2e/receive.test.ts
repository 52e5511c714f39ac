import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from './helpers/browser';
import { armWordsOnPage, importExtraKits, kitStatuses, loginAs, logout, screenshot, sign, typeScan, wedgeScan } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * Receiving a shipment on the demo study: the technician (blinded) scans the kits in, marks one damaged and answers a
 * temperature alarm, which quarantines the shipment; the unblinded pharmacist releases the kits with a signature.
 */
describe('receive a shipment with a temperature alarm', () => {
  let veil: VeilServer;
  let browser: Browser;
  const kits = ['7200001', '7200002', '7200003'];

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
    // Every demo kit is already shipped: the sponsor sends a list extension first.
    await importExtraKits(veil, [
      { kitNumber: kits[0]!, arm: 'DUPI300' },
      { kitNumber: kits[1]!, arm: 'PLACEBO' },
      { kitNumber: kits[2]!, arm: 'DUPI300' },
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('the technician receives it under alarm, the pharmacist releases the quarantined kits with a signature', async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);

    await loginAs(page, veil, 'pharmacy_technician');
    await page.getByTestId('nav-receive').click();
    await page.getByTestId('shipments-table').waitFor();
    // The demo's two shipments; the technician sees that kits wait in quarantine but cannot decide.
    await page.getByTestId('shipment-row-NSD-SHP-001').waitFor();
    expect(await page.getByTestId('quarantine-panel').count()).toBe(0);
    await screenshot(page, 'receive-list');

    await page.getByTestId('new-shipment').click();
    await page.getByTestId('shipment-reference').fill('NSD-SHP-003');
    await page.locator('[data-testid="shipment-from"] label', { hasText: 'Kit numbers' }).click();
    await page.getByTestId('shipment-kits').fill(kits.join('\n'));
    await page.getByTestId('create-shipment-submit').click();
    await page.getByTestId('receiving-screen').waitFor();
    expect(await page.getByTestId('count-expected').getAttribute('data-count')).toBe('3');

    // A scanner burst: received, with the success verdict.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('receive-scan');
    await wedgeScan(page, kits[0]!);
    await page.locator('[data-testid="receive-verdict"][data-verdict="accepted"]').waitFor();
    expect(await page.getByTestId('receive-verdict-code').innerText()).toBe(kits[0]);
    expect(await page.getByTestId('receive-verdict-source').getAttribute('data-source')).toBe('keyboard_wedge');
    expect(await page.getByTestId('receive-verdict').getAttribute('data-sound')).toBe('success');

    // The same kit again: nothing wrong, nothing to do, said neutrally (issue 11), with its own sound and words.
    await wedgeScan(page, kits[0]!);
    await page.locator('[data-testid="receive-verdict"][data-verdict="notice"]').waitFor();
    expect(await page.getByTestId('receive-verdict-headline').innerText()).toBe('ALREADY SCANNED');
    expect(await page.getByTestId('receive-verdict-message').innerText()).toBe(`Kit ${kits[0]} is already received in this shipment: nothing to do.`);
    expect(await page.getByTestId('receive-verdict').getAttribute('data-sound')).toBe('notice');

    // Typed by hand: received and marked as manual entry.
    await typeScan(page, 'receive-scan', kits[1]!);
    await page.locator(`[data-testid="receive-verdict"][data-verdict="accepted"]`).waitFor();
    await expect.poll(() => page.getByTestId('receive-verdict-source').getAttribute('data-source')).toBe('manual');
    await expect.poll(() => page.getByTestId('count-received').getAttribute('data-count')).toBe('2');

    // The third kit arrived crushed.
    await page.getByTestId(`mark-damaged-${kits[2]}`).click();
    await page.getByTestId('mark-kit-reason').fill('Carton crushed, syringe cracked');
    await page.getByTestId('mark-kit-submit').click();
    await page.getByTestId('mark-kit-modal').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('count-damaged').getAttribute('data-count')).toBe('1');
    // The scan field takes the focus back after the dialog.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('receive-scan');
    await wedgeScan(page, kits[1]!);
    await page.locator('[data-testid="receive-verdict"][data-verdict="notice"]').waitFor();
    // A code that names no kit: refused, shown shortened, never in full.
    await wedgeScan(page, '9999999');
    await expect.poll(() => page.getByTestId('receive-verdict-message').innerText()).toContain('not a kit of the kit list');
    expect(await page.getByTestId('receive-verdict').getAttribute('data-verdict')).toBe('refused');
    expect(await page.getByTestId('receive-verdict-code').innerText()).not.toContain('9999999');
    await screenshot(page, 'receive-scanning-verdict');
    expect(await armWordsOnPage(page)).toEqual([]);

    // Finish: the temperature monitor showed an alarm; a description is required.
    await page.getByTestId('finish-receipt').click();
    await page.getByTestId('temperature-alarm').click();
    await page.getByTestId('finish-receipt-submit').click();
    await page.getByText('Describe the temperature alarm').first().waitFor();
    await page.getByTestId('temperature-alarm-description').fill('Logger LG-2231 showed 11.2 °C for 3 h 40 min');
    await page.getByTestId('quarantine-warning').waitFor();
    await screenshot(page, 'receive-temperature-question', { fullPage: false });
    await page.getByTestId('finish-receipt-submit').click();
    await page.getByTestId('receipt-closed').waitFor();
    expect(await page.getByTestId('receipt-closed').getAttribute('data-temperature')).toBe('alarm');
    expect(await page.getByTestId(`receipt-status-${kits[0]}`).getAttribute('data-status')).toBe('quarantined');
    expect(await page.getByTestId(`receipt-status-${kits[2]}`).getAttribute('data-status')).toBe('damaged');
    await screenshot(page, 'receive-closed-alarm');
    await logout(page);

    // The unblinded pharmacist releases the two quarantined kits, with a reason and a signature.
    await loginAs(page, veil, 'unblinded_pharmacist');
    await page.getByTestId('nav-receive').click();
    const group = page.getByTestId('quarantine-shipment-NSD-SHP-003');
    await group.waitFor();
    await page.getByTestId('quarantine-release-NSD-SHP-003').click();
    await page.getByTestId('quarantine-decision').waitFor();
    // No reason: refused in place, before any signature.
    await page.getByTestId('quarantine-decision-continue').click();
    await page.getByText('Give the reason for this decision').first().waitFor();
    await page.getByTestId('quarantine-reason').fill('Excursion within the sponsor stability data (ticket NSD-TE-11)');
    await screenshot(page, 'receive-quarantine-decision', { fullPage: false });
    await page.getByTestId('quarantine-decision-continue').click();
    await page.getByTestId('quarantine-signature-summary').waitFor();
    expect(await page.getByTestId('signature-meaning').innerText()).toContain('temperature excursion');
    await screenshot(page, 'receive-quarantine-signature', { fullPage: false });
    await sign(page, veil, 'unblinded_pharmacist');
    await page.getByTestId('quarantine-done').waitFor();
    expect(await page.getByTestId('quarantine-done').innerText()).toContain('released to stock');
    await group.waitFor({ state: 'detached' });
    await screenshot(page, 'receive-quarantine-released');
    expect(problems).toEqual([]);
    await context.close();

    const statuses = await kitStatuses(veil);
    expect([statuses.get(kits[0]!), statuses.get(kits[1]!), statuses.get(kits[2]!)]).toEqual(['available', 'available', 'damaged']);
  }, 120_000);
});
