import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/roles';
import { axeViolations, launchBrowser, openPage } from './helpers/browser';
import { armWordsOnPage, loginAs, logout, screenshot } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * The Today home on screen (issue 14, item 3), on the seeded demo: each role's lines are the items of the screens it
 * may open, from the demo's own data (a visit in its window today, one overdue, kits in quarantine, kits due back,
 * returns to verify, the reconciliation waiting for a new sign-off, stock); each line's link lands on the screen that
 * resolves it; no arm word anywhere, no accessibility violation; English and French, at 1440x900 and 1280x720.
 */
let veil: VeilServer;
let browser: Browser;

beforeAll(async () => {
  [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await veil?.stop();
});

/** Each role's lines, in order, and where each line's link leads: written here, not read from the renderer's table. */
const LINES: Partial<Record<Role, Array<[kind: string, route: string]>>> = {
  unblinded_pharmacist: [
    ['visits_in_window', 'dispense'],
    ['visits_overdue', 'dispense'],
    ['shipments_to_receive', 'receive'],
    ['kits_quarantined', 'receive'],
    ['kits_reaching_margin', 'reports'],
    ['returns_to_record', 'returns'],
    ['reconciliation_sign_off', 'reconciliation'],
    ['stock_arms_short', 'reports'],
  ],
  pharmacy_technician: [
    ['shipments_to_receive', 'receive'],
    ['kits_quarantined', 'receive'],
    ['kits_reaching_use_before', 'reports'],
    ['returns_to_record', 'returns'],
    ['stock_totals', 'reports'],
  ],
  monitor: [
    ['visits_in_window', 'patients'],
    ['visits_overdue', 'patients'],
    ['kits_quarantined', 'storage'],
    ['kits_reaching_use_before', 'reports'],
    ['returns_to_verify', 'returns'],
    ['reconciliation_sign_off', 'reconciliation'],
    ['stock_totals', 'reports'],
  ],
  investigator: [
    ['visits_in_window', 'patients'],
    ['visits_overdue', 'patients'],
  ],
};

/** The lines on the home page: their kind, whether something waits, and the route of their link. */
async function lines(page: Page): Promise<Array<{ kind: string; waiting: boolean; route: string | null }>> {
  await page.getByTestId('today').waitFor();
  return page.locator('[data-testid="today"] li').evaluateAll((items) =>
    items.map((li) => ({ kind: li.getAttribute('data-kind')!, waiting: li.getAttribute('data-waiting') === 'true', route: li.querySelector('button[data-route]')?.getAttribute('data-route') ?? null })),
  );
}

describe('the Today home', () => {
  for (const [role, expected] of Object.entries(LINES) as Array<[Role, Array<[string, string]>]>) {
    it(`${role}: the lines of the screens the role may open, from the demo's data, each link landing on its screen`, async () => {
      await veil.logoutWindow();
      const { context, page, problems } = await openPage(browser);
      try {
        await page.goto(veil.url);
        await loginAs(page, veil, role);
        const shown = await lines(page);
        expect(shown.map((l) => [l.kind, l.route])).toEqual(expected);
        // The demo has something waiting on each of these lines.
        const waiting = new Set(shown.filter((l) => l.waiting).map((l) => l.kind));
        for (const kind of ['visits_in_window', 'visits_overdue', 'kits_quarantined', 'returns_to_record', 'returns_to_verify', 'reconciliation_sign_off']) {
          if (shown.some((l) => l.kind === kind)) expect(waiting.has(kind), kind).toBe(true);
        }
        expect(await armWordsOnPage(page)).toEqual([]);
        expect(await axeViolations(page, '[data-testid="today"]')).toEqual([]);

        for (const [kind, route] of expected) {
          await page.getByTestId('nav-home').click();
          await page.getByTestId('today').waitFor();
          const link = page.locator(`[data-kind="${kind}"] button[data-route]`);
          await link.click();
          await page.waitForURL((url) => url.hash === `#/${route}`);
          if (route !== 'kits') await page.getByTestId(`${route}-page`).waitFor();
        }
        expect(problems).toEqual([]);
        await logout(page);
      } finally {
        await context.close();
      }
    }, 180_000);
  }

  it('looks right in English and French, at 1440x900 and 1280x720 (screenshots)', async () => {
    for (const [role, locale] of [
      ['unblinded_pharmacist', 'en-US'],
      ['unblinded_pharmacist', 'fr-FR'],
      ['pharmacy_technician', 'en-US'],
      ['monitor', 'fr-FR'],
    ] as Array<[Role, string]>) {
      await veil.logoutWindow();
      const { context, page } = await openPage(browser, { locale });
      try {
        await page.goto(veil.url);
        await loginAs(page, veil, role);
        await page.getByTestId('today').waitFor();
        const language = locale.slice(0, 2);
        // The title is translated: "Today" or "Aujourd’hui".
        expect(await page.getByTestId('today-study').locator('h2').innerText()).toBe(language === 'fr' ? 'Aujourd’hui' : 'Today');
        for (const [width, height] of [
          [1440, 900],
          [1280, 720],
        ] as const) {
          await page.setViewportSize({ width, height });
          // No line of the card runs out of it (long French lines wrap).
          const overflow = await page.locator('[data-testid="today"] li').evaluateAll((items) => items.filter((li) => li.scrollWidth > li.clientWidth + 1).map((li) => li.getAttribute('data-kind')));
          expect(overflow, `${role} ${locale} ${width}x${height}`).toEqual([]);
          // Nor is the count of items waiting cut short ("5 POINTS EN ATTE…").
          const badge = page.getByTestId('today-waiting').locator('.mantine-Badge-label');
          expect(await badge.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), `${role} ${locale} ${width}x${height}: badge cut`).toBe(true);
          await screenshot(page, `today-${role}-${language}-${width}x${height}`);
        }
        await logout(page);
      } finally {
        await context.close();
      }
    }
  }, 240_000);
});
