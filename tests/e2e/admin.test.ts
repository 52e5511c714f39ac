import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeRole, launchBrowser, login, logout, openPage, openUserMenu, screenshot } from './helpers/browser';
import { startVeil, type VeilServer } from './helpers/veilServer';


async function openAdminUsers(page: Page): Promise<void> {
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('users-table').waitFor();
}

describe('administration of users', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('the administrator creates a user, who must change the temporary password at first login', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    await page.goto(veil.url);
    const admin = veil.user('administrator');
    await login(page, admin.username, admin.password);
    await homeRole(page);
    await openAdminUsers(page);
    // One demo user per role, the study nurse included (issue 11, item 9).
    expect(await page.locator('[data-testid^="user-row-"]').count()).toBe(7);
    await screenshot(page, 'admin-users-en');

    await page.getByTestId('create-user-button').click();
    await page.getByTestId('create-user-form').waitFor();
    // A username with capitals and a space: the host's issue is shown on the username field.
    await page.getByTestId('new-user-username').fill('Claire M');
    await page.getByTestId('new-user-display-name').fill('Claire Martin');
    // The study nurse is a role of its own (issue 11, item 9): the admin picks it by its name.
    expect(await page.getByTestId('new-user-role').locator('option').allInnerTexts()).toContain('Study nurse');
    await page.getByTestId('new-user-role').selectOption('study_nurse');
    await page.getByTestId('new-user-password').fill('temporary password 1');
    await page.getByTestId('new-user-password').press('Enter');
    await page.getByText('A username uses lower-case letters').first().waitFor();
    expect(await page.getByTestId('new-user-username').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'admin-create-user-invalid-en', { fullPage: false });

    await page.getByTestId('new-user-username').fill('nurse.claire');
    await page.getByTestId('new-user-password').press('Enter');
    await page.getByTestId('admin-done').waitFor();
    await page.getByTestId('user-must-change-nurse.claire').waitFor();
    expect(await page.getByTestId('user-row-nurse.claire').innerText()).toContain('Study nurse');
    await logout(page);

    // First login with the temporary password: nothing but the change of password.
    await login(page, 'nurse.claire', 'temporary password 1');
    await page.getByTestId('change-password-screen').waitFor();
    expect(await page.getByTestId('navigation').count()).toBe(0);
    await screenshot(page, 'change-password-en');
    await page.getByTestId('change-password-current').fill('temporary password 1');
    await page.getByTestId('change-password-new').fill('temporary password 1');
    await page.getByTestId('change-password-confirmation').fill('temporary password 1');
    await page.getByTestId('change-password-confirmation').press('Enter');
    await page.getByText('Same as the current password').waitFor();
    expect(await page.getByTestId('change-password-new').getAttribute('aria-invalid')).toBe('true');

    await page.getByTestId('change-password-new').fill('claire chose this one');
    await page.getByTestId('change-password-confirmation').fill('claire chose this one');
    await page.getByTestId('change-password-confirmation').press('Enter');
    expect(await homeRole(page)).toBe('study_nurse');
    await logout(page);

    // The next login goes straight to the home page with the new password.
    await login(page, 'nurse.claire', 'claire chose this one');
    expect(await homeRole(page)).toBe('study_nurse');
    await logout(page);
    await context.close();
  });

  it('the administrator resets a password (the user must change it again) and deactivates an account with a reason', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    await page.goto(veil.url);
    const admin = veil.user('administrator');
    await login(page, admin.username, admin.password);
    await homeRole(page);
    await openAdminUsers(page);

    await page.getByTestId('user-reset-technician').click();
    await page.getByTestId('reset-password-value').fill('a new temporary one');
    await page.getByTestId('reset-password-reason').fill('Forgotten password');
    await page.getByTestId('reset-password-reason').press('Enter');
    await page.getByTestId('admin-done').waitFor();
    expect(await page.getByTestId('admin-done').innerText()).toContain('must change it at the next login');
    await page.getByTestId('user-must-change-technician').waitFor();

    // Deactivation needs a reason; without one the field says so.
    await page.getByTestId('user-set-active-monitor').click();
    await page.getByTestId('set-active-reason').press('Enter');
    await page.getByText('Give a reason').first().waitFor();
    await page.getByTestId('set-active-reason').fill('Left the study team');
    await page.getByTestId('set-active-reason').press('Enter');
    await page.getByTestId('admin-done').waitFor();
    // The confirmation can show before the list has reloaded: wait for the row itself.
    await expect.poll(() => page.getByTestId('user-status-monitor').innerText()).toMatch(/deactivated/i);
    await logout(page);

    await login(page, 'technician', 'a new temporary one');
    await page.getByTestId('change-password-screen').waitFor();
    await page.getByTestId('change-password-logout').click();
    await page.getByTestId('login-screen').waitFor();

    const monitor = veil.user('monitor');
    await login(page, monitor.username, monitor.password);
    await page.getByTestId('login-error').waitFor();
    expect(await page.getByTestId('login-error').innerText()).toContain('This account is deactivated');
    await context.close();
  });

  it('wrong passwords lock an account out: the lock screen says until when; the administrator sees it and unlocks it by a reset', async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    const investigator = veil.user('investigator');
    await login(page, investigator.username, investigator.password);
    await homeRole(page);
    await openUserMenu(page);
    await page.getByTestId('menu-lock').click();
    await page.getByTestId('lock-screen').waitFor();

    // A colleague at the locked window guesses five times: the fifth locks the account out.
    const unlock = async (password: string) => {
      await page.getByTestId('unlock-password').fill(password);
      await Promise.all([page.waitForResponse((r) => r.url().includes('/rpc/session.unlock')), page.getByTestId('unlock-password').press('Enter')]);
    };
    for (let i = 1; i <= 5; i++) await unlock(`a colleague guesses ${i}`);
    await page.getByTestId('lock-account-locked').waitFor();
    expect(await page.getByTestId('lock-account-locked').innerText()).toContain('unlocks by itself on');
    expect(await page.getByTestId('unlock-error').innerText()).toContain('Too many wrong passwords: this account is locked for 15 more minutes');
    await screenshot(page, 'lock-account-locked-en');
    // The right password waits for the end of the lockout too.
    await unlock(investigator.password);
    expect(await page.getByTestId('unlock-error').innerText()).toContain('locked for 15 more minutes');
    expect(await page.getByTestId('lock-screen').count()).toBe(1);
    await page.getByTestId('language-switch').getByText('Français').click();
    await page.getByText('Votre compte est bloqué').waitFor();
    expect(await page.getByTestId('lock-account-locked').innerText()).toContain('Il se débloque seul le');
    await screenshot(page, 'lock-account-locked-fr');
    await page.getByTestId('language-switch').getByText('English').click();

    // The administrator sees the locked account, with how to unlock it, and unlocks it by a reset.
    await page.getByTestId('lock-switch-user').click();
    const admin = veil.user('administrator');
    await login(page, admin.username, admin.password);
    await homeRole(page);
    await openAdminUsers(page);
    await page.getByTestId('admin-locked-accounts').waitFor();
    const locked = await page.getByTestId('admin-locked-accounts').innerText();
    expect(locked).toContain('1 account is locked out');
    expect(locked).toContain('reset their password');
    expect(await page.getByTestId('admin-locked-investigator').innerText()).toContain('Locked out until');
    expect(await page.getByTestId('user-status-investigator').innerText()).toContain('Reset the password to unlock now');
    await screenshot(page, 'admin-locked-accounts-en');
    await page.getByTestId('user-reset-investigator').click();
    await page.getByTestId('reset-password-value').fill('temporary after lockout');
    await page.getByTestId('reset-password-reason').fill('Locked out after wrong passwords at her locked window');
    await page.getByTestId('reset-password-reason').press('Enter');
    await page.getByTestId('admin-done').waitFor();
    await expect.poll(() => page.getByTestId('admin-locked-accounts').count()).toBe(0);
    expect(await page.getByTestId('user-locked-investigator').count()).toBe(0);
    await logout(page);

    // Under the temporary password: the change of password only, and the host refuses everything else.
    await login(page, investigator.username, 'temporary after lockout');
    await page.getByTestId('change-password-screen').waitFor();
    const refused = await veil.rpc('patients.list');
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toContain('temporary password');
    // Guessing the temporary password there counts too: the window locks and says the account is locked out.
    for (let i = 1; i <= 5; i++) {
      await page.getByTestId('change-password-current').fill(`not the temporary ${i}`);
      await page.getByTestId('change-password-new').fill('what I would choose');
      await page.getByTestId('change-password-confirmation').fill('what I would choose');
      await Promise.all([page.waitForResponse((r) => r.url().includes('/rpc/session.changePassword')), page.getByTestId('change-password-confirmation').press('Enter')]);
    }
    await page.getByTestId('lock-screen').waitFor();
    await page.getByTestId('lock-account-locked').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('hides administration from roles without the permission, and the host refuses it to them anyway', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    await page.goto(veil.url);
    const pharmacist = veil.user('unblinded_pharmacist');
    await login(page, pharmacist.username, pharmacist.password);
    await homeRole(page);
    expect(await page.getByTestId('nav-admin').count()).toBe(0);
    // Typing the address does not open it either.
    await page.evaluate(() => (window.location.hash = '#/admin'));
    await page.getByTestId('not-allowed').waitFor();
    const { status, body } = await veil.rpc('users.create', {
      username: 'sneaky',
      displayName: 'Sneaky User',
      role: 'administrator',
      temporaryPassword: 'temporary password 9',
    });
    expect(status).toBe(403);
    expect(body.error?.code).toBe('forbidden');
    await context.close();
  });
});
