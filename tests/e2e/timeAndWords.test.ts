import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from './helpers/browser';
import { importExtraKits, loginAs, screenshot, wedgeScan } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * Time and words (issue 11, item 12), in Chromium at Europe/Paris against a server on UTC:
 * - the audit trail's "When (local time)" is the reader's local time, as on every other screen (it showed the
 *   server's UTC offset);
 * - its filters and input sources are words in both languages, never codes (`label.printed`, `KEYBOARD_WEDGE`);
 * - French counts agree with their number ("1 endommagé", never "1 endommagés").
 */
const kits = ['7610001', '7610002'];

async function switchTo(page: Page, language: 'English' | 'Français'): Promise<void> {
  await page.getByTestId('language-switch').getByText(language).click();
}

describe('time and words', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
    await importExtraKits(veil, kits.map((kitNumber) => ({ kitNumber, arm: 'DUPI300' })));
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('French counts agree with their number: one kit received, one damaged', async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser, { locale: 'fr-FR' });
    await page.goto(veil.url);
    await loginAs(page, veil, 'pharmacy_technician');
    await page.getByTestId('nav-receive').click();
    await page.getByTestId('new-shipment').click();
    await page.getByTestId('shipment-reference').fill('WORDS-1');
    await page.locator('[data-testid="shipment-from"] label').nth(1).click();
    await page.getByTestId('shipment-kits').fill(kits.join(' '));
    await page.getByTestId('create-shipment-submit').click();
    await page.getByTestId('receiving-screen').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('receive-scan');
    await wedgeScan(page, kits[0]!);
    await expect.poll(() => page.getByTestId('count-received').getAttribute('data-count')).toBe('1');
    await page.getByTestId(`mark-damaged-${kits[1]}`).click();
    await page.getByTestId('mark-kit-reason').fill('Carton écrasé');
    await page.getByTestId('mark-kit-submit').click();
    await page.getByTestId('mark-kit-modal').waitFor({ state: 'detached' });
    await page.getByTestId('finish-receipt').click();
    await page.getByTestId('finish-receipt-submit').waitFor();
    const summary = await page.getByRole('dialog').innerText();
    expect(summary).toContain('Cette réception : 1 reçu, 1 endommagé, 0 manquant.');
    expect(summary).not.toMatch(/\b1 (reçus|endommagés|manquants)\b/);
    await screenshot(page, 'words-finish-receipt-fr', { fullPage: false });
    await page.getByTestId('temperature-no_alarm').click();
    await page.getByTestId('finish-receipt-submit').click();
    await page.getByTestId('receipt-closed').waitFor();
    await page.getByTestId('receiving-back').click();
    // The list loads its shipments after the page shows: wait for the row, not for the heading.
    await expect.poll(() => page.getByTestId('receive-page').innerText()).toContain('1 reçu sur 2');
    const list = await page.getByTestId('receive-page').innerText();
    expect(list).toContain('1 endommagé · 0 manquant · 0 restant à scanner');
    expect(list).not.toMatch(/\b1 (reçus|endommagés|manquants)\b/);
    await screenshot(page, 'words-receive-list-fr');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('the audit trail shows local time like every other screen, and plain words in its filters and sources, in both languages', async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(veil.url);
    await loginAs(page, veil, 'monitor');
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-table').waitFor();

    // The reader's local time (Europe/Paris), with the reader's offset, not the server's (UTC).
    const when = page.getByTestId('audit-when').first();
    const utc = (await when.getAttribute('data-utc'))!;
    const expected = await page.evaluate((iso) => {
      const date = new Date(iso);
      const minutes = -date.getTimezoneOffset();
      const hh = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0');
      const mm = String(Math.abs(minutes) % 60).padStart(2, '0');
      const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(date);
      return { time, offset: `(UTC${minutes < 0 ? '-' : '+'}${hh}:${mm})` };
    }, utc);
    expect(expected.offset).toBe('(UTC+01:00)');
    const shown = await when.innerText();
    expect(shown).toContain(expected.time);
    expect(shown).toContain(expected.offset);

    for (const language of ['English', 'Français'] as const) {
      await switchTo(page, language);
      // Every action of the filter is in words: no code like label.printed.
      const options = await page.getByTestId('audit-filter-action').locator('option').allInnerTexts();
      expect(options.length).toBeGreaterThan(30);
      expect(options.filter((o) => /^[a-z]+\.[a-z_]+$/.test(o.trim()))).toEqual([]);
      expect(options).toContain(language === 'English' ? 'Label printed' : 'Étiquette imprimée');
      const types = await page.getByTestId('audit-filter-entity-type').locator('option').allInnerTexts();
      expect(types.filter((o) => /^[a-z]+_[a-z_]+$/.test(o.trim()))).toEqual([]);
      // The kit received by a keyboard-wedge scan: its source in words.
      await page.getByTestId('audit-filter-action').selectOption('shipment.kit_received');
      await page.getByTestId('audit-filter-entity-id').fill(kits[0]!);
      await page.getByTestId('audit-filter-apply').click();
      await expect.poll(() => page.getByTestId('audit-count').getAttribute('data-count')).toBe('1');
      const source = page.getByTestId('audit-source').first();
      expect(await source.getAttribute('data-source')).toBe('keyboard_wedge');
      expect((await source.innerText()).toLowerCase()).toBe(language === 'English' ? 'scanner (keyboard)' : 'scanner (clavier)');
      const text = await page.locator('body').innerText();
      expect(text).not.toMatch(/keyboard_wedge/i);
      await screenshot(page, `words-audit-${language === 'English' ? 'en' : 'fr'}-1440x900`, { fullPage: false });
      await page.getByTestId('audit-filter-clear').click();
    }
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, 'words-audit-fr-1280x720', { fullPage: false });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
