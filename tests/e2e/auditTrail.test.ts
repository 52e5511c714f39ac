import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeRole, launchBrowser, login, openPage, openUserMenu, screenshot } from './helpers/browser';
import { startVeil, type VeilServer } from './helpers/veilServer';

/** Words that would name an arm of NS-DUPI: none may reach a blinded reader. */
const ARM_WORDS = ['DUPI300', 'PLACEBO', 'Placebo', 'placebo', 'Dupilumab 300 mg', 'dupilumab 300 mg'];

async function logout(page: Page): Promise<void> {
  await openUserMenu(page);
  await page.getByTestId('menu-logout').click();
  await page.getByTestId('login-screen').waitFor();
}

async function count(page: Page): Promise<number> {
  return Number(await page.getByTestId('audit-count').getAttribute('data-count'));
}

/** Applies the filter form and waits for the list to hold the expected number of events. */
async function applyFilters(page: Page, expected: number): Promise<number> {
  await page.getByTestId('audit-filter-apply').click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="audit-count"]')?.getAttribute('data-count') === String(n), expected);
  return count(page);
}

async function downloadCsv(page: Page): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

describe('the audit trail', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('a blinded monitor filters it, reads events in plain words, exports the CSV without any arm and verifies the chain', async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    const monitor = veil.user('monitor');
    await login(page, monitor.username, monitor.password);
    expect(await homeRole(page)).toBe('monitor');
    expect(await page.getByTestId('nav-study').count()).toBe(0);
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-table').waitFor();

    // The seal on top: the chain head's event number and hash.
    const sealHash = (await page.getByTestId('audit-seal-hash').innerText()).trim();
    expect(sealHash).toMatch(/^[0-9a-f]{64}$/);
    const sealSeq = Number(await page.getByTestId('audit-seal-seq').getAttribute('data-seq'));
    const all = await count(page);
    expect(all).toBeGreaterThan(400);
    expect(sealSeq).toBeGreaterThanOrEqual(all);
    // Newest first: the monitor's own login is on top.
    expect(await page.getByTestId('audit-table').locator('tbody tr').first().innerText()).toContain('monitor logged in.');

    // Filtered by action: the kit list import, in plain words, with its signature and its source.
    await page.getByTestId('audit-filter-action').selectOption('list.kits_imported');
    expect(await applyFilters(page, 1)).toBe(1);
    const row = page.getByTestId('audit-table').locator('tbody tr').first();
    const text = await row.innerText();
    expect(text).toContain('pharmacist imported the kit list "NS-DUPI_kit_list.csv" (180 kits, SHA-256');
    expect(text).toContain('Signed by Paula Lefèvre (pharmacist)');
    expect(text).toContain('I approve the import of this list as the sponsor sent it');
    expect(text).toMatch(/\bfile\b/i);
    expect(text).toMatch(/\d{2}:\d{2}:\d{2} \(UTC[+-]\d{2}:\d{2}\)/);
    // Details on demand: old and new values, the event's hash.
    await row.locator('[data-testid^="audit-details-"]').click();
    const details = await page.locator('[data-testid^="audit-event-details-"]').innerText();
    expect(details).toContain('New value');
    expect(details).toContain('"blindedLot"');
    expect(details).toMatch(/Event hash [0-9a-f]{64}/);
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'audit-trail-en');

    // The CSV of these events: the seal in its header, the event, and no arm anywhere.
    const filtered = await downloadCsv(page);
    expect(filtered.name).toMatch(/^audit-trail-.*\.csv$/);
    expect(filtered.text).toContain(sealHash);
    expect(filtered.text).toContain('list.kits_imported');
    for (const word of ARM_WORDS) expect(filtered.text, word).not.toContain(word);
    // Each event names its study (issue 14): a column of the CSV, a badge on the screen.
    expect(filtered.text).toContain('seq,time_utc,utc_offset,user,study,action,');
    expect(filtered.text.split('\r\n').find((line) => /^\d+,/.test(line) && line.includes('list.kits_imported'))).toMatch(/,pharmacist,NS-DUPI,list\.kits_imported,/);
    expect(await row.getByTestId('audit-study').innerText()).toBe('NS-DUPI');

    // A filter by user and record: the technician's events on one shipment.
    await page.getByTestId('audit-filter-action').selectOption('');
    await page.getByTestId('audit-filter-user').selectOption('technician');
    await page.getByTestId('audit-filter-entity-id').fill('NSD-SHP-001');
    expect(await applyFilters(page, 2)).toBe(2);
    expect(await page.getByTestId('audit-table').innerText()).toContain('technician closed the receipt of shipment NSD-SHP-001');

    // By study: the study's events only; the site's (logins, users, settings) name none and are left out.
    await page.getByTestId('audit-filter-clear').click();
    await page.waitForFunction((n) => document.querySelector('[data-testid="audit-count"]')?.getAttribute('data-count') === String(n), all);
    expect(await page.locator('tr[data-action="session.login"]').first().getByTestId('audit-study').count()).toBe(0);
    await page.getByTestId('audit-filter-study').selectOption('NS-DUPI');
    await page.getByTestId('audit-filter-apply').click();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="audit-count"]')?.getAttribute('data-count') ?? n) < n, all);
    expect(await count(page)).toBeGreaterThan(100);
    const shown = page.locator('tr[data-action]');
    expect(await shown.count()).toBeGreaterThan(0);
    expect(await page.locator('tr[data-action="session.login"]').count()).toBe(0);
    expect(await page.locator('tr[data-action] [data-testid="audit-study"]').allInnerTexts()).toEqual(Array(await shown.count()).fill('NS-DUPI'));

    // By date: nothing before the study started; a future day is empty.
    await page.getByTestId('audit-filter-clear').click();
    await page.waitForFunction((n) => document.querySelector('[data-testid="audit-count"]')?.getAttribute('data-count') === String(n), all);
    await page.getByTestId('audit-filter-from').fill('2099-01-01');
    await applyFilters(page, 0);
    await page.getByTestId('audit-empty').waitFor();
    await page.getByTestId('audit-filter-clear').click();
    await page.waitForFunction((n) => document.querySelector('[data-testid="audit-count"]')?.getAttribute('data-count') === String(n), all);

    // The whole trail as CSV: still no arm.
    const whole = await downloadCsv(page);
    expect(whole.text).toContain(sealHash);
    expect(whole.text.split('\r\n').length).toBeGreaterThan(all);
    for (const word of ARM_WORDS) expect(whole.text, word).not.toContain(word);

    // Verify the chain now.
    await page.getByTestId('audit-verify').click();
    await page.getByTestId('audit-verify-result').waitFor();
    expect(await page.getByTestId('audit-verify-result').getAttribute('data-ok')).toBe('true');
    expect(await page.getByTestId('audit-verify-result').innerText()).toContain('events checked: every hash matches the chain');
    await screenshot(page, 'audit-chain-verified-en', { fullPage: false });

    // Nothing on the page names an arm either.
    const pageText = await page.locator('body').innerText();
    for (const word of ARM_WORDS) expect(pageText, word).not.toContain(word);

    // In French: the same events in French words.
    await page.getByTestId('language-switch').getByText('Français').click();
    await page.getByRole('heading', { name: "Piste d'audit" }).waitFor();
    await page.getByTestId('audit-filter-action').selectOption('list.kits_imported');
    await applyFilters(page, 1);
    const french = await page.getByTestId('audit-table').innerText();
    expect(french).toContain('pharmacist a importé la liste des kits « NS-DUPI_kit_list.csv » (180 kits');
    expect(french).toContain('Signé par Paula Lefèvre (pharmacist)');
    expect(french).toContain("J'approuve l'import de cette liste telle que le promoteur l'a envoyée");
    await page.getByTestId('audit-verify').click();
    await page.getByTestId('audit-verify-result').waitFor();
    expect(await page.getByTestId('audit-verify-result').innerText()).toContain('événements vérifiés');
    await page.getByTestId('audit-table').locator('[data-testid^="audit-details-"]').first().click();
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'audit-trail-fr');
    await page.getByTestId('language-switch').getByText('English').click();
    expect(problems).toEqual([]);
    await logout(page);
    await context.close();
  });

  it('is refused to roles without audit.read, in the menu and at the host', async () => {
    const { context, page } = await openPage(browser);
    for (const role of ['pharmacy_technician', 'investigator'] as const) {
      await veil.logoutWindow();
      await page.goto(veil.url);
      const user = veil.user(role);
      await login(page, user.username, user.password);
      expect(await homeRole(page)).toBe(role);
      expect(await page.getByTestId('nav-audit').count(), role).toBe(0);
      await page.evaluate(() => (window.location.hash = '#/audit'));
      await page.getByTestId('not-allowed').waitFor();
      for (const channel of ['audit.list', 'audit.exportCsv', 'audit.verify']) {
        expect((await veil.rpc(channel, {})).status, `${role} ${channel}`).toBe(403);
      }
      await logout(page);
    }
    await context.close();
  });
});
