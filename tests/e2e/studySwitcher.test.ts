import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, homeRole, launchBrowser, logout, openPage, screenshot } from './helpers/browser';
import { loginAs, typeScan } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * The study switcher in the header (issue 14, item 3): a second study loaded beside the demo's NS-DUPI, the unblinded
 * monitor delegated to it as a blinded monitor. In the header they switch between the two; the blinding badge, their
 * role and their screens follow the study they work in.
 */
const EXTENSION = { ...(JSON.parse(readFileSync(join(__dirname, '../../studies/ns-dupi.json'), 'utf8')) as Record<string, unknown>), code: 'NS-DUPI-EXT', title: 'Dupilumab in Netherton syndrome: open extension' };

async function ok(veil: VeilServer, channel: string, input: unknown = {}): Promise<unknown> {
  const answer = await veil.rpc(channel, input);
  if (!answer.body.ok) throw new Error(`${channel}: ${answer.body.error?.message}`);
  return answer.body.value;
}


describe('the study switcher', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
    // Through the contract (their screens are tested elsewhere): the pharmacist loads the extension, the administrator
    // delegates the unblinded monitor to it as a blinded monitor.
    const as = async (role: Parameters<VeilServer['user']>[0]) => {
      await veil.logoutWindow();
      await ok(veil, 'session.login', { username: veil.user(role).username, password: veil.user(role).password });
    };
    await as('unblinded_pharmacist');
    const signature = { username: veil.user('unblinded_pharmacist').username, password: veil.user('unblinded_pharmacist').password };
    await ok(veil, 'study.load', { fileName: 'ns-dupi-ext.json', contentBase64: Buffer.from(JSON.stringify(EXTENSION)).toString('base64'), signature });
    // The extension's key, and a kit list of numbers NS-DUPI does not have.
    await ok(veil, 'session.switchStudy', { code: 'NS-DUPI-EXT' });
    await ok(veil, 'allocation.setUpKey', { signature });
    const kits = ['kit_number,arm,lot,expiry_date', '900001,DUPI300,DP24A117,2027-09-30', '900002,PLACEBO,PL24C009,2027-08-31', '900003,DUPI300,DP24A117,2027-09-30'].join('\r\n');
    await ok(veil, 'allocation.importList', { kind: 'kits', fileName: 'ext-kits.csv', contentBase64: Buffer.from(kits).toString('base64'), signature });
    await as('administrator');
    await ok(veil, 'session.switchStudy', { code: 'NS-DUPI-EXT' });
    const users = (await ok(veil, 'users.list')) as Array<{ id: number; username: string }>;
    const monitor = users.find((u) => u.username === veil.user('unblinded_monitor').username)!;
    const d = new Date();
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    await ok(veil, 'delegations.grant', {
      userId: monitor.id,
      role: 'monitor',
      startsOn: today,
      endsOn: null,
      reason: 'Monitors the extension blinded',
      signature: { username: veil.user('administrator').username, password: veil.user('administrator').password },
    });
    await veil.logoutWindow();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('switches a user unblinded in one study and blinded in the other: badge, role and screens follow', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(veil.url);
    await loginAs(page, veil, 'unblinded_monitor');
    expect(await page.getByTestId('study-switcher').innerText()).toBe('NS-DUPI');
    expect(await page.getByTestId('header-blinding-badge').getAttribute('data-blinded')).toBe('false');
    expect(await homeRole(page)).toBe('unblinded_monitor');

    // Today, for both studies: the current one first.
    await expect.poll(() => page.getByTestId('today-study').count()).toBe(2);
    expect(await page.getByTestId('today-study').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-study')))).toEqual(['NS-DUPI', 'NS-DUPI-EXT']);
    const extensionCard = page.locator('[data-testid="today-study"][data-study="NS-DUPI-EXT"]');
    // Blinded there: said on the card, and totals, never arms short.
    expect(await extensionCard.getByTestId('today-study-role').getAttribute('data-role')).toBe('monitor');
    expect(await extensionCard.getByTestId('today-study-blinding').getAttribute('data-blinded')).toBe('true');
    expect(await extensionCard.getByTestId('home-stock-totals').count()).toBe(1);
    expect(await extensionCard.getByTestId('home-stock-short').count() + (await extensionCard.getByTestId('home-stock-covered').count())).toBe(0);
    await screenshot(page, 'study-switcher-today-en');

    await page.getByTestId('study-switcher').click();
    await page.getByTestId('study-switcher-menu').waitFor();
    expect(await page.getByTestId('study-switcher-blinding-NS-DUPI').getAttribute('data-blinded')).toBe('false');
    expect(await page.getByTestId('study-switcher-blinding-NS-DUPI-EXT').getAttribute('data-blinded')).toBe('true');
    expect(await page.getByTestId('study-switcher-NS-DUPI-EXT').innerText()).toContain('Monitor (CRA)');
    expect(await page.getByTestId('study-switcher-NS-DUPI').getAttribute('aria-current')).toBe('true');
    expect(await axeViolations(page, '[data-testid="study-switcher-menu"]')).toEqual([]);
    await screenshot(page, 'study-switcher-menu-en', { fullPage: false });

    await page.getByTestId('study-switcher-NS-DUPI-EXT').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="study-switcher"]')?.textContent === 'NS-DUPI-EXT');
    expect(await homeRole(page)).toBe('monitor');
    expect(await page.getByTestId('header-blinding-badge').getAttribute('data-blinded')).toBe('true');
    await screenshot(page, 'study-switcher-blinded-en', { fullPage: false });

    // Back in NS-DUPI: unblinded again, without logging in again.
    await page.getByTestId('study-switcher').click();
    await page.getByTestId('study-switcher-NS-DUPI').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="study-switcher"]')?.textContent === 'NS-DUPI');
    expect(await homeRole(page)).toBe('unblinded_monitor');
    expect(await page.getByTestId('header-blinding-badge').getAttribute('data-blinded')).toBe('false');

    // A line of the extension's Today opens its screen there: the session switches to the extension first.
    await page.locator('[data-testid="today-study"][data-study="NS-DUPI-EXT"]').getByTestId('home-stock-open').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="study-switcher"]')?.textContent === 'NS-DUPI-EXT');
    await page.waitForFunction(() => window.location.hash === '#/reports');
    expect(await page.getByTestId('header-blinding-badge').getAttribute('data-blinded')).toBe('true');
    await logout(page);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("offers to switch when a kit of the other study is scanned, and says nothing more of it", async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(veil.url);
    await loginAs(page, veil, 'unblinded_monitor');
    await page.getByTestId('nav-kits').click();
    await typeScan(page, 'kit-story-scan', '900001');
    await page.getByTestId('kit-story-error').waitFor();
    expect(await page.getByTestId('kit-story-error').innerText()).toContain('Kit 900001 belongs to study NS-DUPI-EXT');
    expect(await page.getByTestId('kit-story').count()).toBe(0);
    await screenshot(page, 'study-switcher-scan-offer-en', { fullPage: false });
    await page.getByTestId('switch-to-other-study').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="study-switcher"]')?.textContent === 'NS-DUPI-EXT');
    // In the extension (blinded there), the kit's story, scanned again.
    await page.getByTestId('kit-story-page').waitFor();
    await typeScan(page, 'kit-story-scan', '900001');
    await page.locator('[data-testid="kit-story"][data-kit="900001"]').waitFor();
    expect(await page.getByTestId('kit-story-unblinded').count()).toBe(0);
    expect(await page.getByTestId('header-blinding-badge').getAttribute('data-blinded')).toBe('true');
    await logout(page);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('in French at 1280x720; a user of one study sees the study, with no switcher', async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser, { locale: 'fr-FR' });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(veil.url);
    await loginAs(page, veil, 'unblinded_pharmacist');
    await page.getByTestId('study-switcher').click();
    await page.getByTestId('study-switcher-menu').waitFor();
    expect(await page.getByTestId('study-switcher-menu').innerText()).toContain('Vos études aujourd');
    await screenshot(page, 'study-switcher-menu-1280-fr', { fullPage: false });
    await page.keyboard.press('Escape');
    await logout(page);

    await loginAs(page, veil, 'study_nurse');
    expect(await page.getByTestId('study-switcher').count()).toBe(0);
    expect(await page.getByTestId('header-study-code').innerText()).toBe('NS-DUPI');
    expect(problems).toEqual([]);
    await context.close();
  });
});
