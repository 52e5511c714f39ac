import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, login, logout, openPage, screenshot } from './helpers/browser';
import { loginAs, sign, siteToday } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * The delegation log on screen (issue 14, item 2): the administrator delegates and ends blinded roles, each signed;
 * the unblinded pharmacist sees the same log on the study page and may act on unblinded roles only; a person whose
 * delegation ended is told so at login.
 */

const row = (page: Page, username: string) => page.locator(`[data-testid="delegation-row"][data-username="${username}"]`);

describe('the delegation log', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('the administrator changes a role and ends a delegation, each signed; the person is told at login', async () => {
    await veil.logoutWindow();
    // The reader sits a calendar day away from the workstation: UTC+14 is a day ahead of it from 10:00 UTC, UTC-12 a
    // day behind until 12:00, so one of them always is. The form must still offer the site's today, or the core
    // refuses the first day (before: the browser's today, which failed between 23:00 and 00:00 UTC at Paris).
    const today = await siteToday(veil);
    const readerDay = (zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
    const zone = ['Pacific/Kiritimati', 'Etc/GMT+12'].find((z) => readerDay(z) !== today)!;
    const { page } = await openPage(browser, { timezoneId: zone });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(veil.url);
    await loginAs(page, veil, 'administrator');
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-tab-delegations').click();
    await page.getByTestId('delegation-log').waitFor();
    // One line per demo user in a study role, all in force; the administrator (a site role) has none.
    expect(await page.getByTestId('delegation-row').count()).toBe(6);
    expect(await row(page, veil.user('administrator').username).count()).toBe(0);
    // The unblinded roles are not the administrator's to end.
    expect(await row(page, veil.user('unblinded_pharmacist').username).getByTestId('delegation-end-button').count()).toBe(0);
    await screenshot(page, 'delegations-admin-en');

    // The investigator moves to the visit team as a study nurse, from today.
    await page.getByTestId('delegation-grant-button').click();
    await page.getByTestId('delegation-grant-form').waitFor();
    await expect.poll(() => page.getByTestId('delegation-starts').inputValue()).toBe(today);
    expect(await page.getByTestId('delegation-starts').getAttribute('min')).toBe(today);
    const roles = await page.getByTestId('delegation-role').locator('option').allInnerTexts();
    expect(roles).not.toContain('Unblinded pharmacist');
    await page.getByTestId('delegation-user').selectOption({ label: `${'Dr Inès Moreau (investigator)'} (${veil.user('investigator').username})` });
    await page.getByTestId('delegation-role').selectOption('study_nurse');
    await page.getByTestId('delegation-reason').fill('Moves to the visit team');
    await page.getByTestId('delegation-grant-submit').click();
    await screenshot(page, 'delegations-grant-sign-en', { fullPage: false });
    await sign(page, veil, 'administrator');
    await page.getByTestId('delegation-done').waitFor();
    const investigator = row(page, veil.user('investigator').username);
    await expect.poll(() => investigator.count()).toBe(2);
    expect(await investigator.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))).toEqual(['ended', 'current']);

    // The monitor's delegation ends today.
    await row(page, veil.user('monitor').username).getByTestId('delegation-end-button').click();
    await page.getByTestId('delegation-end-reason').fill('Left the monitoring team');
    await page.getByTestId('delegation-end-submit').click();
    await sign(page, veil, 'administrator');
    await page.getByTestId('delegation-done').waitFor();
    await expect.poll(() => row(page, veil.user('monitor').username).getAttribute('data-status')).toBe('ended');
    await screenshot(page, 'delegations-after-en');

    await page.getByTestId('language-switch').getByText('Français').click();
    await page.getByTestId('admin-tab-delegations').getByText('Délégations').waitFor();
    await screenshot(page, 'delegations-admin-fr');
    await page.getByTestId('language-switch').getByText('English').click();
    await logout(page);

    await login(page, veil.user('monitor').username, veil.user('monitor').password);
    await page.getByTestId('login-error').getByText('Your delegation to NS-DUPI ended on').waitFor();
    await screenshot(page, 'delegations-login-refused-en', { fullPage: false });
  });

  it('the unblinded pharmacist sees the log on the study page and may end unblinded roles only', async () => {
    await veil.logoutWindow();
    const { page } = await openPage(browser);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(veil.url);
    await loginAs(page, veil, 'unblinded_pharmacist');
    await page.getByTestId('nav-study').click();
    await page.getByTestId('study-tab-delegations').click();
    await page.getByTestId('delegation-log').waitFor();
    expect(await row(page, veil.user('unblinded_monitor').username).getByTestId('delegation-end-button').count()).toBe(1);
    expect(await row(page, veil.user('pharmacy_technician').username).getByTestId('delegation-end-button').count()).toBe(0);
    // Nobody ends their own.
    expect(await row(page, veil.user('unblinded_pharmacist').username).getByTestId('delegation-end-button').count()).toBe(0);
    await screenshot(page, 'delegations-pharmacist-1280-en');

    // The unblinded monitor's role again, to a last day: the key goes with it under the one signature. Only accounts
    // made unblinded are offered for an unblinded role.
    await page.getByTestId('delegation-grant-button').click();
    await page.getByTestId('delegation-grant-form').waitFor();
    await page.getByTestId('delegation-role').selectOption('unblinded_monitor');
    const people = await page.getByTestId('delegation-user').locator('option').allInnerTexts();
    expect(people.some((p) => p.includes(veil.user('unblinded_monitor').username))).toBe(true);
    expect(people.some((p) => p.includes(veil.user('pharmacy_technician').username))).toBe(false);
    await page.getByTestId('delegation-user').selectOption({ label: people.find((p) => p.includes(veil.user('unblinded_monitor').username))! });
    await page.getByTestId('delegation-ends').fill('2099-12-31');
    await page.getByTestId('delegation-reason').fill('Monitoring until the close-out');
    await page.getByTestId('delegation-grant-submit').click();
    await page.getByTestId('signature-form').getByText("The study's allocation key goes with this unblinded role").waitFor();
    await screenshot(page, 'delegations-unblinded-with-key-sign-1280-en', { fullPage: false });
    await sign(page, veil, 'unblinded_pharmacist');
    expect(await page.getByTestId('delegation-done').innerText()).toContain("is delegated, with the study's allocation key");
    await expect.poll(() => row(page, veil.user('unblinded_monitor').username).count()).toBe(2);
    await screenshot(page, 'delegations-unblinded-with-key-1280-en');
  });
});
