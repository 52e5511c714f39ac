import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from './helpers/browser';
import { asPharmacist, demoKits, importExtraKits, loginAs, logout, screenshot } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * Long lists stay fast (issue 17, item 4; issue 12): a pharmacy's reconciliation lists every kit of the study, and its
 * patients page every patient, tens of thousands at scale. With 1,380 kits and 300 more patients: the reconciliation's
 * kits come from the host a page of 100 at a time, the count and the search covering every kit and the last page
 * holding the last one; the patients page holds the rows near the screen only, and a striped table keeps each row's
 * colour; the dispense screen's patients due come 10 at a time.
 */
const EXTRA = 1200;
const EXTRA_PATIENTS = 300;
/** Randomized among them, so that the patients with a visit to dispense fill more than two pages of 10. */
const RANDOMIZED = 22;

describe('a long kit list on the reconciliation screen', () => {
  let veil: VeilServer;
  let browser: Browser;
  let page: Page;
  let total: number;
  let lastKit: string;
  let patientCount: number;
  let dueTotal: number;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
    const demo = demoKits(veil);
    const taken = new Set(demo.map((k) => k.kit_number));
    const extra: Array<{ kitNumber: string; arm: string }> = [];
    for (let n = 200000; extra.length < EXTRA; n += 7) {
      if (!taken.has(String(n))) extra.push({ kitNumber: String(n), arm: extra.length % 3 === 2 ? 'PLACEBO' : 'DUPI300' });
    }
    await importExtraKits(veil, extra);
    patientCount = await asPharmacist(veil, async (call) => {
      const signature = { username: veil.user('unblinded_pharmacist').username, password: veil.user('unblinded_pharmacist').password };
      for (let i = 0; i < EXTRA_PATIENTS; i++) {
        const patient = (await call('patients.register', { screeningNumber: `L-${String(i).padStart(4, '0')}`, initials: 'LL', yearOfBirth: 1960 + (i % 40), investigator: 'Dr Long' })) as { id: number };
        if (i < RANDOMIZED) await call('patients.randomize', { patientId: patient.id, signature });
      }
      dueTotal = ((await call('patients.due', { limit: 1 })) as { total: number }).total;
      return ((await call('patients.list', {})) as unknown[]).length;
    });
    total = demo.length + EXTRA;
    // The screen lists kits in kit-number order; the highest kit number is the last row.
    lastKit = [...taken, ...extra.map((k) => k.kitNumber)].sort((a, b) => Number(a) - Number(b)).at(-1)!;
    page = (await openPage(browser)).page;
    await page.goto(veil.url);
    await loginAs(page, veil, 'monitor');
    await page.getByTestId('nav-reconciliation').click();
    await page.getByTestId('recon-kits').waitFor();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  const rowsInPage = () => page.locator('[data-testid^="recon-kit-"]:not([data-testid^="recon-kit-discrepancies-"])').count();

  /** The place in the page (0 to 99) of the last kit row the window holds, once the page is scrolled to its end. */
  const lastIndexAtTheEnd = () =>
    expect.poll(
      async () => {
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        return Number(await page.locator('[data-testid="recon-kits-table"] tbody[data-index]').last().getAttribute('data-index'));
      },
      { timeout: 10_000 },
    );

  it('sends the kits a page at a time, while the count covers every kit, and keeps only the rows near the screen', async () => {
    await expect.poll(() => page.getByTestId('recon-kits-count').innerText()).toBe(`Matching: ${total} kits of ${total} · 1–100 on this page`);
    await screenshot(page, 'reconciliation-long-list', { fullPage: false });
    // A page of 100 kits, of which only those near the screen are in the page; scrolled down, the 100th comes.
    await expect.poll(() => rowsInPage()).toBeGreaterThan(5);
    expect(await rowsInPage()).toBeLessThan(60);
    await lastIndexAtTheEnd().toBe(99);
    expect(await rowsInPage()).toBeLessThan(60);
    await screenshot(page, 'reconciliation-long-list-end', { fullPage: false });
  });

  it('shows the last kit on the last page', async () => {
    const pages = Math.ceil(total / 100);
    await page.getByTestId('recon-kits-pagination').getByRole('button', { name: String(pages), exact: true }).click();
    await expect.poll(() => page.getByTestId('recon-kits-count').innerText()).toBe(`Matching: ${total} kits of ${total} · ${(pages - 1) * 100 + 1}–${total} on this page`);
    await lastIndexAtTheEnd().toBe(total - (pages - 1) * 100 - 1);
    expect(await page.getByTestId(`recon-kit-${lastKit}`).count()).toBe(1);
  });

  it('finds a kit far down the list by searching, whatever page is shown', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByTestId('recon-kits-search').fill(lastKit);
    await expect.poll(() => rowsInPage()).toBe(1);
    expect(await page.getByTestId(`recon-kit-${lastKit}`).count()).toBe(1);
    await expect.poll(() => page.getByTestId('recon-kits-count').innerText()).toBe(`Matching: 1 kit of ${total}`);
  });

  it('windows the patients page too, each row keeping the stripe of its place in the list', async () => {
    await page.getByTestId('recon-kits-search').fill('');
    await page.getByTestId('nav-patients').click();
    await page.getByTestId('patients-table').waitFor();
    // The pointer away from the table: a row under it takes the hover colour, which is not a stripe.
    await page.mouse.move(0, 0);
    const patientRows = () => page.locator('[data-testid^="patient-row-"]');
    await expect.poll(() => patientRows().count()).toBeGreaterThan(5);
    expect(await patientRows().count()).toBeLessThan(120);
    // At several places down the list (so that the first row in the page is sometimes at an even place, sometimes at
    // an odd one), rows at even places of the whole list are striped and odd ones are not, as in a table shown whole.
    const places = new Set<number>();
    for (const fraction of [0.3, 0.42, 0.5, 0.57, 0.66, 0.75]) {
      await page.evaluate((f) => window.scrollTo(0, document.documentElement.scrollHeight * f), fraction);
      await expect.poll(async () => Number(await patientRows().first().getAttribute('data-index'))).toBeGreaterThan(50);
      // Read once the window has settled (a scroll can land between two renders of the window); the rows must then
      // all agree with their place in the list.
      const stripes = async () =>
        (await patientRows().evaluateAll((rows) => rows.map((r) => [Number(r.getAttribute('data-index')), getComputedStyle(r).backgroundColor] as const))).map(([index, colour]) => ({
          index,
          striped: colour !== 'rgba(0, 0, 0, 0)',
        }));
      await expect.poll(async () => (await stripes()).filter(({ index, striped }) => striped !== (index % 2 === 0)), { timeout: 5_000 }).toEqual([]);
      places.add((await stripes())[0]!.index % 2);
    }
    expect([...places].sort()).toEqual([0, 1]);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    // The list's last patient (in screening-number order) is in the page.
    expect(patientCount).toBeGreaterThan(EXTRA_PATIENTS);
    await expect.poll(async () => Number(await patientRows().last().getAttribute('data-index')), { timeout: 10_000 }).toBe(patientCount - 1);
    await screenshot(page, 'patients-long-list', { fullPage: false });
  });

  it("windows the allocation register's kits for the unblinded pharmacist, its filters still covering every kit", async () => {
    await logout(page);
    await loginAs(page, veil, 'unblinded_pharmacist');
    await page.getByTestId('nav-study').click();
    await page.getByTestId('study-setup-page').waitFor();
    await page.getByTestId('study-tab-register').click();
    await page.getByTestId('register-password').fill(veil.user('unblinded_pharmacist').password);
    await page.getByTestId('register-password').press('Enter');
    await page.getByTestId('register-banner').waitFor();
    await page.getByTestId('register-view').getByText('Kits').click();
    await page.getByTestId('register-kits-table').waitFor();
    await page.mouse.move(0, 0);
    const kitRows = () => page.locator('[data-testid^="register-kit-"][data-index]');
    expect(await page.getByTestId('register-kit-count').innerText()).toBe(`${total} of ${total} shown`);
    await expect.poll(() => kitRows().count()).toBeGreaterThan(5);
    expect(await kitRows().count()).toBeLessThan(120);
    // To the end, as a user pressing End again once the rows below have been measured.
    await expect
      .poll(
        async () => {
          await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
          return Number(await kitRows().last().getAttribute('data-index'));
        },
        { timeout: 10_000 },
      )
      .toBe(total - 1);
    expect(await kitRows().count()).toBeLessThan(120);
    // A filter covers the whole register, not the rows in the page: every placebo kit is counted.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByTestId('register-kit-arm').selectOption('PLACEBO');
    const placebo = demoKits(veil).filter((k) => k.arm === 'PLACEBO').length + Math.floor(EXTRA / 3);
    expect(await page.getByTestId('register-kit-count').innerText()).toBe(`${placebo} of ${total} shown`);
    await page.getByTestId('register-kit-arm').selectOption('');
    await page.getByTestId('register-kit-search').fill(lastKit);
    await expect.poll(() => kitRows().count()).toBe(1);
    expect(await page.getByTestId(`register-kit-${lastKit}`).count()).toBe(1);
  });

  it('pages the patients due on the dispense screen 10 at a time, the soonest first, a search reaching any of them', async () => {
    expect(dueTotal).toBeGreaterThan(20);
    await page.getByTestId('nav-dispense').click();
    await page.getByTestId('dispense-due-table').waitFor();
    const dueRows = () => page.locator('[data-testid^="due-row-"]');
    const firstPage = await dueRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')));
    expect(firstPage).toHaveLength(10);
    expect(await page.getByTestId('dispense-due-showing').innerText()).toBe(`${dueTotal} patients have a visit to dispense, the soonest first: search to find one. · 1–10 on this page`);
    await page.getByTestId('dispense-due-pagination').getByRole('button', { name: '2', exact: true }).click();
    await expect.poll(() => page.getByTestId('dispense-due-showing').innerText()).toContain('11–20 on this page');
    const secondPage = await dueRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')));
    expect(secondPage).toHaveLength(10);
    expect(secondPage.filter((row) => firstPage.includes(row))).toEqual([]);
    await screenshot(page, 'dispense-due-paged', { fullPage: false });
    await page.getByTestId('language-switch').getByText('Français').click();
    await expect.poll(() => page.getByTestId('dispense-due-showing').innerText()).toBe(`${dueTotal} patients ont une visite à dispenser, les plus proches d'abord : cherchez pour en trouver un. · 11 à 20 sur cette page`);
    // The last page holds the rest.
    await page.getByTestId('dispense-due-pagination').getByRole('button', { name: String(Math.ceil(dueTotal / 10)), exact: true }).click();
    await expect.poll(() => page.getByTestId('dispense-due-showing').innerText()).toContain(`${Math.floor((dueTotal - 1) / 10) * 10 + 1} à ${dueTotal} sur cette page`);
    await page.setViewportSize({ width: 1440, height: 900 });
    await screenshot(page, 'dispense-due-paged-fr', { fullPage: false });
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, 'dispense-due-paged-fr-1280x720', { fullPage: false });
    // A search starts from its first page: the last randomized patient, on whichever page they were.
    const last = `L-${String(RANDOMIZED - 1).padStart(4, '0')}`;
    await page.getByTestId('dispense-patient').fill(last);
    await expect.poll(() => dueRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')))).toEqual([`due-row-${last}`]);
    expect(await page.getByTestId('dispense-due-pagination').count()).toBe(0);
  });
});
