import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeRole, launchBrowser, login, openPage, openUserMenu, screenshot } from './helpers/browser';
import { startVeil, type VeilServer } from './helpers/veilServer';

describe('lock screen and switch user', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('"Lock now" locks the window: data calls are refused until the same user unlocks with the password', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    await page.goto(veil.url);
    const pharmacist = veil.user('unblinded_pharmacist');
    await login(page, pharmacist.username, pharmacist.password);
    await homeRole(page);
    await page.getByTestId('nav-returns').click();
    await page.getByTestId('returns-page').waitFor();
    expect((await veil.rpc('users.list')).status).toBe(200);

    await openUserMenu(page);
    await page.getByTestId('menu-lock').waitFor();
    await screenshot(page, 'user-menu-en', { fullPage: false });
    await page.getByTestId('menu-lock').click();
    await page.getByTestId('lock-screen').waitFor();
    expect(await page.getByTestId('lock-greeting').innerText()).toContain('Paula Lefèvre');
    expect(await page.getByTestId('navigation').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('unlock-password');
    await screenshot(page, 'lock-en');

    const refused = await veil.rpc('users.list');
    expect(refused.status).toBe(401);
    expect(refused.body.error?.code).toBe('unauthenticated');

    await page.getByTestId('unlock-password').fill('not my password');
    await page.getByTestId('unlock-password').press('Enter');
    await page.getByTestId('unlock-error').waitFor();
    expect(await page.getByTestId('unlock-error').innerText()).toContain('Wrong password for Paula Lefèvre');
    expect((await veil.rpc('users.list')).status).toBe(401);

    await page.getByTestId('unlock-password').fill(pharmacist.password);
    await page.getByTestId('unlock-password').press('Enter');
    // Back where the user was.
    await page.getByTestId('returns-page').waitFor();
    expect((await veil.rpc('users.list')).status).toBe(200);
    await context.close();
  });

  it('someone else logs the locked user out and logs in as themselves (switch user)', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    await page.goto(veil.url);
    const pharmacist = veil.user('unblinded_pharmacist');
    await login(page, pharmacist.username, pharmacist.password);
    await homeRole(page);
    await openUserMenu(page);
    await page.getByTestId('menu-lock').click();
    await page.getByTestId('lock-screen').waitFor();

    await page.getByTestId('lock-switch-user').click();
    await page.getByTestId('login-screen').waitFor();
    expect(await page.getByTestId('session-notice').count()).toBe(0);
    const technician = veil.user('pharmacy_technician');
    await login(page, technician.username, technician.password);
    expect(await homeRole(page)).toBe('pharmacy_technician');
    // The window now acts as the technician: the pharmacist's permission to list users is gone.
    expect((await veil.rpc('users.list')).status).toBe(403);

    // Switch user from the menu of an unlocked window goes straight to the login screen.
    await openUserMenu(page);
    await page.getByTestId('menu-switch-user').click();
    await page.getByTestId('login-screen').waitFor();
    expect((await veil.rpc('users.list')).status).toBe(401);
    await context.close();
  });

  it('a window locked by the host shows the lock screen as soon as a call is refused', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    await page.goto(veil.url);
    const admin = veil.user('administrator');
    await login(page, admin.username, admin.password);
    await homeRole(page);
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('users-table').waitFor();
    // Locked behind the page's back (as the host's own inactivity timer would).
    expect((await veil.rpc('session.lock')).status).toBe(200);
    await page.getByRole('button', { name: 'Reload' }).click();
    await page.getByTestId('lock-screen').waitFor();
    expect(await page.getByTestId('lock-greeting').innerText()).toContain('Alex Martin');
    await context.close();
  });

  it("the host's session.changed event reaches an idle window: a session ended by the host shows the login screen", async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    await page.goto(veil.url);
    const admin = veil.user('administrator');
    await login(page, admin.username, admin.password);
    await homeRole(page);
    // The page sits on its home page and calls nothing; the password reset comes from outside the page (same window
    // token), and ends the administrator's sessions as deactivation would. Only the pushed event can tell the page.
    const users = (await veil.rpc('users.list')).body.value as Array<{ id: number; username: string }>;
    const adminId = users.find((u) => u.username === admin.username)!.id;
    const calls: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/rpc/')) calls.push(request.url());
    });
    const reset = await veil.rpc('users.resetPassword', { userId: adminId, temporaryPassword: 'a brand new temporary', reason: 'Testing the event' });
    expect(reset.status).toBe(200);
    await page.getByTestId('login-screen').waitFor();
    expect(await page.getByTestId('session-notice').innerText()).toContain('Your session was ended');
    expect(calls).toEqual([]);
    await context.close();
  });
});
