import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, ROLE_IS_BLINDED } from '../../shared/roles';
import { homeRole, launchBrowser, login, openPage, openUserMenu, screenshot } from './helpers/browser';
import { startVeil, type VeilServer } from './helpers/veilServer';

describe('log in on the demo database', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('shows the study, the version and the login form, and takes the token out of the address bar', async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    await page.getByTestId('login-screen').waitFor();
    await page.getByTestId('study-code').waitFor();
    expect(await page.getByTestId('study-code').innerText()).toBe('NS-DUPI');
    expect(await page.getByTestId('study-sponsor').innerText()).toContain('Toulouse University Hospital');
    expect(await page.getByTestId('version-line').innerText()).toMatch(/^Veil \d+\.\d+\.\d+/);
    expect(page.url()).not.toContain('token');
    // The username field has the focus: the user types straight away.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('login-username');
    await screenshot(page, 'login-en');
    // Nothing refused by the CSP (no inline script, no external font or CDN), no uncaught error.
    expect(problems).toEqual([]);
    await context.close();
  });

  it.each(ROLES)('logs in as the demo %s and shows the role and its blinding', async (role) => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    const user = veil.user(role);
    await login(page, user.username, user.password);
    expect(await homeRole(page)).toBe(role);
    const badge = page.getByTestId('blinding-badge');
    expect(await badge.getAttribute('data-blinded')).toBe(String(ROLE_IS_BLINDED[role]));
    expect(await badge.innerText()).toMatch(ROLE_IS_BLINDED[role] ? /^Blinded$/i : /^Unblinded$/i);
    // Admin is in the navigation only for roles that may manage users or settings.
    expect(await page.getByTestId('nav-admin').count()).toBe(role === 'administrator' ? 1 : 0);
    if (role === 'unblinded_pharmacist') await screenshot(page, 'home-en');
    await openUserMenu(page);
    await page.getByTestId('menu-logout').click();
    await page.getByTestId('login-screen').waitFor();
    await page.getByTestId('session-notice').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('says so when the password is wrong, and keeps the user on the login screen', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    await page.goto(veil.url);
    await login(page, veil.user('monitor').username, 'not the password');
    const alert = page.getByTestId('login-error');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Wrong username or password.');
    expect(await alert.innerText()).toMatch(/4 attempts left/);
    expect(await page.getByTestId('login-screen').isVisible()).toBe(true);
    // The password field is emptied for the next try; the username stays.
    expect(await page.getByTestId('login-password').inputValue()).toBe('');
    expect(await page.getByTestId('login-username').inputValue()).toBe('monitor');
    await screenshot(page, 'login-wrong-password-en');
    await context.close();
  });

  it('validation issues land on their form field', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    await page.goto(veil.url);
    await page.getByTestId('login-username').waitFor();
    await page.getByTestId('login-username').press('Enter');
    await page.getByText('Enter your username').first().waitFor();
    expect(await page.getByTestId('login-username').getAttribute('aria-invalid')).toBe('true');
    await context.close();
  });

  it('opens a workflow page and keeps it after a reload', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    await page.goto(veil.url);
    const user = veil.user('pharmacy_technician');
    await login(page, user.username, user.password);
    await homeRole(page);
    await page.getByTestId('nav-returns').click();
    await page.getByTestId('returns-page').waitFor();
    // A reload keeps the launch token (sessionStorage) and the page (#/returns); the session is still there.
    await page.reload();
    await page.getByTestId('returns-page').waitFor();
    expect(page.url()).toContain('#/returns');
    await context.close();
  });

  it('uses window.veil when a preload provides it (the desktop transport), with no token in the address', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    // A stand-in for the Electron preload: the same two functions, carried here over HTTP.
    await page.addInitScript(
      ({ token }) => {
        const calls: string[] = [];
        Object.defineProperty(window, '__veilCalls', { value: calls });
        Object.defineProperty(window, 'veil', {
          value: Object.freeze({
            invoke: async (channel: string, input: unknown) => {
              calls.push(channel);
              const response = await fetch(`/rpc/${channel}`, {
                method: 'POST',
                headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
                body: JSON.stringify(input),
              });
              return response.json();
            },
            on: () => () => {},
          }),
        });
      },
      { token: veil.token },
    );
    await page.goto(`${veil.origin}/`);
    const technician = veil.user('pharmacy_technician');
    await login(page, technician.username, technician.password);
    expect(await homeRole(page)).toBe('pharmacy_technician');
    const calls = await page.evaluate(() => (window as unknown as { __veilCalls: string[] }).__veilCalls);
    expect(calls).toEqual(expect.arrayContaining(['session.current', 'system.info', 'session.login']));
    await context.close();
  });

  it('without a launch token nor a preload, says how to open Veil', async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${veil.origin}/`);
    await page.getByTestId('unreachable').waitFor();
    expect(await page.getByTestId('unreachable').innerText()).toContain('launch token');
    await context.close();
  });
});

