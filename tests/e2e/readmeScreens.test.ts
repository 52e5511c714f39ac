import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from './helpers/browser';
import { REPO_ROOT } from './helpers/paths';
import { armWordsOnPage, loginAs } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * The README's pictures are today's screens (issue 17, item 6): every e2e run takes them again from the demo, at
 * 1440x900, into docs/screenshots/, so a changed screen shows up as a changed picture in the next commit. They are
 * the blinded views a reader may see anywhere, and the test checks each shows no arm.
 */
const README_SCREENS = join(REPO_ROOT, 'docs', 'screenshots');

async function picture(page: Page, name: string): Promise<void> {
  mkdirSync(README_SCREENS, { recursive: true });
  await page.waitForTimeout(400);
  expect(await armWordsOnPage(page)).toEqual([]);
  await page.screenshot({ path: join(README_SCREENS, `${name}.png`) });
}

async function open(page: Page, workflow: string): Promise<void> {
  await page.getByTestId(`nav-${workflow}`).click();
  await page.getByTestId(`${workflow}-page`).waitFor();
}

describe('the README screenshots', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('are taken from the demo as the (blinded) monitor sees it: home, patients, reconciliation, audit trail', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(veil.url);
    await loginAs(page, veil, 'monitor');
    await picture(page, 'home');
    await open(page, 'patients');
    await page.getByTestId('patients-table').waitFor();
    await picture(page, 'patients');
    await open(page, 'reconciliation');
    await picture(page, 'reconciliation');
    await open(page, 'audit');
    await page.getByTestId('audit-table').locator('tbody tr').first().waitFor();
    await picture(page, 'audit-trail');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
