import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeRole, launchBrowser, login, openPage, screenshot } from './helpers/browser';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * A new site: a fresh database (no demo, no study loaded), where the unblinded pharmacist creates the allocation key
 * and receives the emergency code-break passphrase once, to print for the investigator's sealed envelope.
 */
describe('creating the allocation key on a new database', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: false }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('shows the passphrase once, prints only its sheet, and the key is then set up', async () => {
    // The administrator and the pharmacist's account, through the contract (their screens are tested elsewhere).
    await veil.logoutWindow();
    expect((await veil.rpc('session.createAdministrator', { username: 'site.admin', displayName: 'Sam Girard', password: 'pharmacy admin 2024' })).status).toBe(200);
    const created = await veil.rpc('users.create', {
      username: 'claire.pharma',
      displayName: 'Claire Fontaine',
      role: 'unblinded_pharmacist',
      temporaryPassword: 'temporary password 1',
    });
    expect(created.status).toBe(200);
    await veil.logoutWindow();

    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    await login(page, 'claire.pharma', 'temporary password 1');
    await page.getByTestId('change-password-screen').waitFor();
    await page.getByTestId('change-password-current').fill('temporary password 1');
    await page.getByTestId('change-password-new').fill('claire keeps the key');
    await page.getByTestId('change-password-confirmation').fill('claire keeps the key');
    await page.getByTestId('change-password-confirmation').press('Enter');
    expect(await homeRole(page)).toBe('unblinded_pharmacist');

    await page.getByTestId('nav-study').click();
    await page.getByTestId('setup-panel').waitFor();
    expect(await page.getByTestId('status-key').getAttribute('data-key-set-up')).toBe('false');
    expect(await page.getByTestId('status-session').getAttribute('data-holds-key')).toBe('false');
    expect(await page.getByTestId('status-lists').innerText()).toContain('No study configuration is loaded');
    expect(await page.getByTestId('imports-none').count()).toBe(1);
    await page.getByTestId('import-needs-key').waitFor();
    await screenshot(page, 'study-setup-new-en');

    await page.getByTestId('key-set-up-button').click();
    await page.getByTestId('signature-form').waitFor();
    expect(await page.getByTestId('signature-meaning').innerText()).toBe(
      'I create the allocation key of this study and take custody of the code-break passphrase',
    );
    // First signature of the session: without the username, the dialog says so on the username field.
    await page.getByTestId('signature-password').fill('claire keeps the key');
    await page.getByTestId('signature-password').press('Enter');
    expect(await page.getByTestId('signature-username').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('signature-username').fill('claire.pharma');
    await page.getByTestId('signature-password').press('Enter');

    await page.getByTestId('code-break-sheet').waitFor();
    const passphrase = (await page.getByTestId('code-break-passphrase').innerText()).trim();
    expect(passphrase).toMatch(/^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){9}$/);
    expect(await page.getByTestId('code-break-warning').innerText()).toContain('Veil keeps no copy');
    expect(await page.getByTestId('code-break-sheet').innerText()).toContain('Allocation key created by Claire Fontaine');
    await page.waitForFunction(() => document.querySelector('[data-testid="status-key"]')?.getAttribute('data-key-set-up') === 'true');
    expect(await page.getByTestId('status-session').getAttribute('data-holds-key')).toBe('true');
    expect(await page.getByTestId('key-set-up').count()).toBe(0);
    await screenshot(page, 'code-break-passphrase-en', { fullPage: false });

    // Printed, the page holds the sheet alone: no navigation, no buttons, no warning, the passphrase.
    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() => {
      // Rendered and not hidden by `visibility` (the print stylesheet uses both display and visibility).
      const visible = (el: Element | null) => !!el && el.checkVisibility({ visibilityProperty: true, checkVisibilityCSS: true } as CheckVisibilityOptions);
      return {
        navigation: visible(document.querySelector('[data-testid="navigation"] a')),
        print: visible(document.querySelector('[data-testid="code-break-print"]')),
        warning: visible(document.querySelector('[data-testid="code-break-warning"]')),
        passphrase: visible(document.querySelector('[data-testid="code-break-passphrase"]')),
        imports: visible(document.querySelector('[data-testid="list-import"] h2')),
      };
    });
    expect(printed).toEqual({ navigation: false, print: false, warning: false, passphrase: true, imports: false });
    await screenshot(page, 'code-break-print-en', { fullPage: false });
    await page.emulateMedia({ media: 'screen' });

    // Print calls the browser's print; then "Printed and sealed" removes the passphrase for good.
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => {
        (window as unknown as { printed: number }).printed++;
      };
    });
    await page.getByTestId('code-break-print').click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await page.getByTestId('code-break-done').click();
    expect(await page.getByTestId('code-break-sheet').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain(passphrase);

    // The key exists once: asking again is refused by the host.
    const again = await veil.rpc('allocation.setUpKey', { signature: { password: 'claire keeps the key' } });
    expect(again.status).toBe(409);
    expect(problems).toEqual([]);
    await context.close();
  });
});
