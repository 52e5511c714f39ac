import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeRole, launchBrowser, login, openPage, screenshot } from './helpers/browser';
import { startVeil, type VeilServer } from './helpers/veilServer';

/** English words of the screens that must not show through in French. */
const ENGLISH_LEFTOVERS = ['Log in', 'Username', 'Password', 'Welcome', 'Blinded', 'Unblinded', 'Your role', 'Sponsor:', 'not yet', 'Home'];

async function bodyText(page: import('playwright-core').Page): Promise<string> {
  return page.locator('body').innerText();
}

describe('French', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('switches the login and home screens to French, and remembers the choice', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    await page.goto(veil.url);
    await page.getByTestId('login-screen').waitFor();
    await page.getByTestId('language-switch').getByText('Français').click();
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    expect(await page.getByTestId('study-sponsor').innerText()).toBe('Promoteur : Toulouse University Hospital');
    const loginText = await bodyText(page);
    for (const word of ENGLISH_LEFTOVERS) expect(loginText, `"${word}" left in English on the login screen`).not.toContain(word);
    await screenshot(page, 'login-fr');

    await login(page, 'investigator', 'pas le bon mot de passe');
    await page.getByTestId('login-error').waitFor();
    expect(await page.getByTestId('login-error').innerText()).toContain('Identifiant ou mot de passe incorrect. Encore 4 essais');
    await screenshot(page, 'login-wrong-password-fr');

    const investigator = veil.user('investigator');
    await login(page, investigator.username, investigator.password);
    expect(await homeRole(page)).toBe('investigator');
    expect(await page.getByTestId('home-welcome').innerText()).toContain('Bienvenue');
    expect(await page.getByTestId('home-role').innerText()).toBe('Investigateur');
    expect((await page.getByTestId('blinding-badge').innerText()).toLowerCase()).toBe('en aveugle');
    const homeText = await bodyText(page);
    for (const word of ENGLISH_LEFTOVERS) expect(homeText, `"${word}" left in English on the home screen`).not.toContain(word);
    await screenshot(page, 'home-fr');

    await page.getByTestId('nav-patients').click();
    await page.getByTestId('nav-patients').waitFor();
    await page.waitForTimeout(500);
    const patientsText = await bodyText(page);
    for (const word of ENGLISH_LEFTOVERS) expect(patientsText, `"${word}" left in English on the patients screen`).not.toContain(word);
    await screenshot(page, 'patients-fr');

    // Remembered on this workstation: a reload opens in French.
    await page.reload();
    await page.getByTestId('nav-home').waitFor();
    expect(await page.getByTestId('nav-home').innerText()).toBe('Accueil');
    await context.close();
  });

  it('shows the administration, the lock screen and the forced change of password in French', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser, { locale: 'fr-FR' });
    await page.goto(veil.url);
    await page.getByRole('heading', { name: 'Connexion' }).waitFor(); // a French browser starts in French
    const admin = veil.user('administrator');
    await login(page, admin.username, admin.password);
    await homeRole(page);
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('users-table').waitFor();
    expect(await page.getByTestId('users-table').innerText()).toContain('Moniteur non aveugle');
    await screenshot(page, 'admin-users-fr');
    await page.getByTestId('admin-tab-security').click();
    await page.getByTestId('security-settings-form').waitFor();
    await screenshot(page, 'admin-security-fr');

    await page.getByTestId('admin-tab-users').click();
    await page.getByTestId('user-reset-monitor').click();
    await page.getByTestId('reset-password-value').fill('mot de passe provisoire');
    await page.getByTestId('reset-password-reason').fill('Oublié');
    await page.getByTestId('reset-password-reason').press('Enter');
    await page.getByTestId('admin-done').waitFor();

    await page.getByTestId('user-menu').click();
    await page.getByTestId('menu-lock').click();
    await page.getByTestId('lock-screen').waitFor();
    expect(await page.getByTestId('lock-greeting').innerText()).toContain('Bonjour');
    await screenshot(page, 'lock-fr');
    await page.getByTestId('lock-switch-user').click();
    await login(page, 'monitor', 'mot de passe provisoire');
    await page.getByTestId('change-password-screen').waitFor();
    expect(await page.getByTestId('change-password-screen').innerText()).toContain('Choisissez votre mot de passe');
    await screenshot(page, 'change-password-fr');
    await context.close();
  });
});
