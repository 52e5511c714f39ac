import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeRole, launchBrowser, login, openPage, openUserMenu, screenshot } from './helpers/browser';
import { startVeil, type VeilServer } from './helpers/veilServer';

describe('first start on an empty database', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: false }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('asks for the site name and the administrator account, checks them, creates them and lands on the home page', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    await page.goto(veil.url);
    await page.getByTestId('first-start-screen').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('first-start-site-name');
    await screenshot(page, 'first-start-en');

    // No site name: said on its field, nothing sent.
    await page.getByTestId('first-start-username').fill('site.admin');
    await page.getByTestId('first-start-display-name').fill('Sam Girard');
    await page.getByTestId('first-start-password').fill('pharmacy admin 2024');
    await page.getByTestId('first-start-confirmation').fill('pharmacy admin 2024');
    await page.getByTestId('first-start-confirmation').press('Enter');
    await page.getByText('Give the name of the site (hospital and pharmacy).').waitFor();
    expect(await page.getByTestId('first-start-site-name').getAttribute('aria-invalid')).toBe('true');
    expect((await veil.rpc('system.info')).body.value).toMatchObject({ site: null });
    await page.getByTestId('first-start-site-name').fill('Hôpital Saint-Éloi, pharmacie des essais');

    // A password too short: the contract's rule (session.createAdministrator), checked before the call, on the
    // password field; nothing sent.
    await page.getByTestId('first-start-username').fill('site.admin');
    await page.getByTestId('first-start-display-name').fill('Sam Girard');
    await page.getByTestId('first-start-password').fill('short');
    await page.getByTestId('first-start-confirmation').fill('short');
    await page.getByTestId('first-start-confirmation').press('Enter');
    await page.getByText('A password has at least 10 characters').first().waitFor();
    expect(await page.getByTestId('first-start-password').getAttribute('aria-invalid')).toBe('true');
    expect((await veil.rpc('session.current')).body.value).toMatchObject({ state: 'logged_out', needsAdministrator: true });

    // The two passwords differ: said on the confirmation field, nothing sent.
    await page.getByTestId('first-start-password').fill('pharmacy admin 2024');
    await page.getByTestId('first-start-confirmation').fill('pharmacy admin 2025');
    await page.getByTestId('first-start-confirmation').press('Enter');
    await page.getByText('The two new passwords differ').waitFor();
    expect(await page.getByTestId('first-start-confirmation').getAttribute('aria-invalid')).toBe('true');

    await page.getByTestId('first-start-confirmation').fill('pharmacy admin 2024');
    await page.getByTestId('first-start-confirmation').press('Enter');
    expect(await homeRole(page)).toBe('administrator');
    expect(await page.getByTestId('home-welcome').innerText()).toContain('Sam Girard');
    expect((await veil.rpc('system.info')).body.value).toMatchObject({ site: 'Hôpital Saint-Éloi, pharmacie des essais' });
    // An empty database has no study yet, and says so.
    expect(await page.getByTestId('home-study').innerText()).toContain('No study is set up');
    await screenshot(page, 'home-first-administrator-en');

    // Once the administrator exists, the window offers the login, not the first start.
    await openUserMenu(page);
    await page.getByTestId('menu-logout').click();
    await page.getByTestId('login-screen').waitFor();
    await login(page, 'site.admin', 'pharmacy admin 2024');
    expect(await homeRole(page)).toBe('administrator');

    // The administrator renames the site later; the change is in the audit trail.
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-tab-site').click();
    expect(await page.getByTestId('site-name').inputValue()).toBe('Hôpital Saint-Éloi, pharmacie des essais');
    await page.getByTestId('site-name').fill('Hôpital Saint-Éloi, pharmacie à usage intérieur');
    await page.getByTestId('site-name-save').click();
    await page.getByTestId('site-name-saved').waitFor();
    expect((await veil.rpc('system.info')).body.value).toMatchObject({ site: 'Hôpital Saint-Éloi, pharmacie à usage intérieur' });
    await screenshot(page, 'admin-site-name-en');
    const changes = (await veil.rpc('audit.list', { action: 'settings.site_changed' })).body.value as { events: Array<{ before: unknown; after: unknown }> };
    expect(changes.events.map((e) => [e.before, e.after])).toEqual([
      [{ name: null }, { name: 'Hôpital Saint-Éloi, pharmacie des essais' }],
      [{ name: 'Hôpital Saint-Éloi, pharmacie des essais' }, { name: 'Hôpital Saint-Éloi, pharmacie à usage intérieur' }],
    ]);
    await context.close();
  });

  it('refuses a second administrator through the contract', async () => {
    const { status, body } = await veil.rpc('session.createAdministrator', {
      username: 'intruder',
      displayName: 'Someone Else',
      password: 'another long password',
    });
    expect(status).toBe(409);
    expect(body.error?.code).toBe('conflict');
  });
});
