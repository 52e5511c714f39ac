import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, openUserMenu } from './helpers/browser';
import { armWordsOnPage, loginAs, logout, patientWithKitsOnShelf, screenshot, wedgeScan } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * The screens issue 11 changed, at a pharmacy's two screen sizes and in both languages, photographed to be looked at
 * (tests/e2e/screenshots/issue11-*.png): the dispensing verdicts (a duplicate scan, an unknown code), the dispensed
 * visit with its labels printed in one action, the lock screen refusing a scan, the keyboard-wedge scanner set-up and
 * the site's name. Each screen must fit its width (no sideways scrolling) and show no arm.
 */
const SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
] as const;
const LANGUAGES = [
  { code: 'en', locale: 'en-US', duplicate: 'ALREADY SCANNED' },
  { code: 'fr', locale: 'fr-FR', duplicate: 'DÉJÀ SCANNÉ' },
] as const;

async function fitsItsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

describe('the screens of issue 11, 1440 x 900 and 1280 x 720, English and French', () => {
  let veil: VeilServer;
  let browser: Browser;
  const kitsOf = (i: number) => [`77${i}0001`, `77${i}0002`];

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
    for (let i = 0; i < SIZES.length * LANGUAGES.length; i++) await patientWithKitsOnShelf(veil, `S-SC${i}`, kitsOf(i));
  }, 400_000);
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  SIZES.forEach((size, s) =>
    LANGUAGES.forEach((language, l) => {
      const i = s * LANGUAGES.length + l;
      const tag = `${language.code}-${size.width}x${size.height}`;
      it(`${tag}: dispensing verdicts, labels printed in one action, lock screen, scanner set-up, site name`, async () => {
        await veil.logoutWindow();
        const { context, page, problems } = await openPage(browser, { locale: language.locale });
        await page.setViewportSize(size);
        await page.goto(veil.url);
        await loginAs(page, veil, 'unblinded_pharmacist');
        await page.getByTestId('nav-dispense').click();
        await page.getByTestId(`dispense-choose-S-SC${i}`).click();
        await page.locator(`[data-testid="visit-dispensing"][data-screening="S-SC${i}"]`).waitFor();
        const [first, second] = kitsOf(i) as [string, string];
        await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('dispense-scan');
        await wedgeScan(page, first);
        await page.getByTestId(`scanned-${first}`).waitFor();
        await wedgeScan(page, first);
        await expect.poll(() => page.getByTestId('dispense-verdict').getAttribute('data-verdict')).toBe('notice');
        expect(await page.getByTestId('dispense-verdict-headline').innerText()).toBe(language.duplicate);
        expect(await fitsItsWidth(page)).toBe(true);
        await screenshot(page, `issue11-dispense-duplicate-${tag}`, { fullPage: false });
        await wedgeScan(page, 'Not-A-Kit-0042');
        await expect.poll(() => page.getByTestId('dispense-verdict-code').getAttribute('data-masked')).toBe('true');
        await screenshot(page, `issue11-dispense-unknown-${tag}`, { fullPage: false });
        await wedgeScan(page, second);
        await page.getByTestId(`scanned-${second}`).waitFor();
        await page.getByTestId('dispense-confirm').click();
        await page.getByTestId('signature-username').fill(veil.user('unblinded_pharmacist').username);
        await page.getByTestId('signature-password').fill(veil.user('unblinded_pharmacist').password);
        await page.getByTestId('signature-submit').click();
        await page.getByTestId('dispensed').waitFor();
        await page.getByTestId('print-visit-labels').click();
        await expect.poll(() => page.getByTestId('print-visit-labels-result').getAttribute('data-printed')).toBe('4');
        await page.getByTestId(`label-preview-${first}-carton`).scrollIntoViewIfNeeded();
        expect(await fitsItsWidth(page)).toBe(true);
        expect(await armWordsOnPage(page)).toEqual([]);
        await screenshot(page, `issue11-dispensed-labels-${tag}`, { fullPage: false });

        await openUserMenu(page);
        await page.getByTestId('menu-lock').click();
        await page.getByTestId('lock-screen').waitFor();
        await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('unlock-password');
        await wedgeScan(page, first);
        await expect.poll(() => page.getByTestId('unlock-password').getAttribute('aria-invalid')).toBe('true');
        expect(await page.getByTestId('unlock-error').count()).toBe(0);
        await screenshot(page, `issue11-lock-scan-${tag}`, { fullPage: false });
        await page.getByTestId('unlock-password').fill(veil.user('unblinded_pharmacist').password);
        await page.getByTestId('unlock-password').press('Enter');
        await page.getByTestId('dispense-page').waitFor();

        await page.getByTestId('nav-devices').click();
        await page.getByTestId('wedge-setup').waitFor();
        await page.getByTestId('wedge-check-field').click();
        await wedgeScan(page, ']C0287756');
        await expect.poll(() => page.getByTestId('wedge-check-result').getAttribute('data-kind')).toBe('scan');
        await page.getByTestId('wedge-setup').scrollIntoViewIfNeeded();
        expect(await fitsItsWidth(page)).toBe(true);
        await screenshot(page, `issue11-devices-wedge-${tag}`, { fullPage: false });
        await logout(page);

        await loginAs(page, veil, 'administrator');
        await page.getByTestId('nav-admin').click();
        await page.getByTestId('admin-tab-site').click();
        await page.getByTestId('site-name').waitFor();
        expect(await page.getByTestId('site-name').inputValue()).not.toBe('');
        expect(await fitsItsWidth(page)).toBe(true);
        await screenshot(page, `issue11-admin-site-${tag}`, { fullPage: false });
        expect(problems).toEqual([]);
        await context.close();
      }, 180_000);
    }),
  );
});
