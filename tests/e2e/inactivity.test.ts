import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeRole, launchBrowser, login, openPage } from './helpers/browser';
import { startVeil, type VeilServer } from './helpers/veilServer';

describe('inactivity lock', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('locks the window after the inactivity set by the administrator; activity postpones it and reaches the host', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    await page.clock.install();
    await page.goto(veil.url);
    const admin = veil.user('administrator');
    await login(page, admin.username, admin.password);
    await homeRole(page);

    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-tab-security').click();
    await page.getByTestId('security-inactivityMinutes').fill('1');
    await page.getByTestId('security-inactivityMinutes').press('Enter');
    await page.getByTestId('security-saved').waitFor();
    expect((await veil.rpc('system.securitySettings')).body.value).toMatchObject({ inactivityMinutes: 1 });

    const heartbeats: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/rpc/session.heartbeat')) heartbeats.push(request.url());
    });

    // 40 s idle, a key, 40 s idle again: 80 s in all but never 60 s without activity, so still unlocked.
    await page.clock.runFor(40_000);
    await page.keyboard.press('Shift');
    await page.clock.runFor(40_000);
    expect(await page.getByTestId('admin-page').isVisible()).toBe(true);
    expect(await page.getByTestId('lock-screen').count()).toBe(0);
    // The key came more than 30 s after the last contact with the host: it was told (session.heartbeat).
    await expect.poll(() => heartbeats.length).toBe(1);

    // Then a full minute without a key, click or wheel: the lock screen.
    await page.clock.runFor(25_000);
    await page.getByTestId('lock-screen').waitFor();
    expect(await page.getByTestId('lock-greeting').innerText()).toContain('Alex Martin');
    expect((await veil.rpc('users.list')).status).toBe(401);

    await page.getByTestId('unlock-password').fill(admin.password);
    await page.getByTestId('unlock-password').press('Enter');
    await page.getByTestId('admin-page').waitFor();
    await context.close();
  });
});
