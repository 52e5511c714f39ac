import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Papa from 'papaparse';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findArmWords, type SponsorTruth } from '../security/leak/leakDetector';
import { launchBrowser, openPage } from './helpers/browser';
import { REPO_ROOT } from './helpers/paths';
import { tourAllScreens } from './helpers/screens';
import { loginAs, logout, screenshot, sign, wedgeScan } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * BRAVE-AA2 through the screens (issue 14: "both demo studies fully usable through the UI"), on the two-study demo:
 * a double-dummy study whose visits give one bottle A (baricitinib 4 mg or its placebo) and one bottle B (2 mg or its
 * placebo). The investigator registers a patient in a stratum and randomizes; the pharmacist dispenses day 1 by scan,
 * one bottle of each type, a second bottle A refused; labels print each bottle's product; the return desk counts the
 * tablets of a bottle and the patient's page weighs them. The demo's unblinded monitor, blinded in BRAVE-AA2, reads
 * the patient's page and sees no content of any bottle.
 */
const CONTENT_WORDS = ['BARI_4MG', 'PBO_4MG', 'BARI_2MG', 'PBO_2MG', 'Baricitinib 4 mg tablets', 'Baricitinib 2 mg tablets', 'Placebo tablets', 'BARI4', 'BARI2'];

async function switchTo(page: Page, code: string): Promise<void> {
  await page.getByTestId('study-switcher').click();
  await page.getByTestId(`study-switcher-${code}`).click();
  await page.waitForFunction((c) => document.querySelector('[data-testid="study-switcher"]')?.textContent === c, code);
}

async function contentWordsOnPage(page: Page): Promise<string[]> {
  const text = await page.locator('body').innerText();
  return CONTENT_WORDS.filter((w) => text.includes(w));
}

describe('BRAVE-AA2 through the screens', () => {
  let veil: VeilServer;
  let browser: Browser;
  /** Each bottle's type and content, from the sponsor's kit list the demo wrote beside its database. */
  let bottles: Array<{ kit_number: string; kit_type: string; content: string }>;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true, studies: 'both' }), launchBrowser()]);
    const list = readFileSync(join(dirname(veil.dbFile), 'BRAVE-AA2_kit_list.csv'), 'utf8');
    bottles = Papa.parse<{ kit_number: string; kit_type: string; content: string }>(list.trim(), { header: true }).data;
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('registers and randomizes in a stratum, dispenses a bottle A and a bottle B by scan, counts the tablets back', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(veil.url);

    // 0. The technician receives the depot's second delivery from its manifest, bottle by bottle.
    await loginAs(page, veil, 'pharmacy_technician');
    await switchTo(page, 'BRAVE-AA2');
    // Browser mode: the page and the test's calls share the window's session, in BRAVE-AA2 now.
    const expected = ((await veil.rpc('inventory.kits', { status: 'expected' })).body.value as Array<{ kitNumber: string; kitType: string }>).map((k) => k.kitNumber);
    expect(expected).toHaveLength(12);
    const manifest = join(mkdtempSync(join(tmpdir(), 'veil-manifest-')), 'LILLY-BRAVE-0002_manifest.csv');
    writeFileSync(manifest, 'kit_number,carton\r\n' + expected.map((k, i) => `${k},C${i + 1}`).join('\r\n') + '\r\n');
    await page.getByTestId('nav-receive').click();
    await page.getByTestId('new-shipment').click();
    await page.getByTestId('shipment-reference').fill('LILLY-BRAVE-0002');
    await page.locator('[data-testid="create-shipment-modal"] input[type="file"]').setInputFiles(manifest);
    await page.getByTestId('create-shipment-submit').click();
    await page.getByTestId('receiving-screen').waitFor();
    for (const [i, kit] of expected.entries()) {
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null)).toBe('receive-scan');
      await wedgeScan(page, kit);
      await expect.poll(() => page.getByTestId('count-received').getAttribute('data-count')).toBe(String(i + 1));
    }
    await page.getByTestId('finish-receipt').click();
    await page.getByTestId('temperature-no_alarm').click();
    await page.getByTestId('finish-receipt-submit').click();
    await page.getByTestId('receipt-closed').waitFor();
    for (const kit of expected) expect(await page.getByTestId(`receipt-status-${kit}`).getAttribute('data-status')).toBe('available');
    expect(await contentWordsOnPage(page)).toEqual([]);
    await screenshot(page, 'brave-receipt-finished');
    await logout(page);

    // 1. The investigator registers BR-100 in the stratum "4 years or more" and randomizes.
    await loginAs(page, veil, 'investigator');
    await switchTo(page, 'BRAVE-AA2');
    await page.getByTestId('nav-patients').click();
    await page.getByTestId('patients-table').waitFor();
    await page.getByTestId('register-patient').click();
    await page.getByTestId('register-screening-number').fill('BR-100');
    await page.getByTestId('register-initials').fill('jk');
    await page.getByTestId('register-year-of-birth').fill('1984');
    await page.getByTestId('register-investigator').fill('Dr Inès Moreau');
    await page.getByTestId('register-stratum').selectOption('EPISODE_GE_4Y');
    await page.getByTestId('register-submit').click();
    await page.getByTestId('patient-detail').waitFor();
    await page.getByTestId('patient-randomize').click();
    await sign(page, veil, 'investigator');
    await page.getByTestId('randomized-alert').waitFor();
    expect(await page.locator('[data-testid^="visit-row-"]').count()).toBe(9);
    expect(await contentWordsOnPage(page)).toEqual([]);
    await screenshot(page, 'brave-patient-randomized');
    await logout(page);

    // 2. The pharmacist dispenses day 1: the plan asks for one bottle of each type and suggests one of each.
    await loginAs(page, veil, 'unblinded_pharmacist');
    await switchTo(page, 'BRAVE-AA2');
    await page.getByTestId('nav-dispense').click();
    await page.getByTestId('dispense-due-table').waitFor();
    await page.getByTestId('dispense-choose-BR-100').click();
    await page.locator('[data-testid="visit-dispensing"][data-visit="D1"]').waitFor();
    expect(await page.getByTestId('plan-kits-by-type').innerText()).toBe('1 Bottle A · 1 Bottle B');
    const suggested = async (type: string) => (await page.getByTestId(`plan-suggestions-${type}`).locator('[data-testid^="suggested-"]').first().innerText()).trim();
    const [bottleA, bottleB] = [await suggested('A'), await suggested('B')];
    const contentOf = (kit: string) => bottles.find((b) => b.kit_number === kit)!;
    expect([contentOf(bottleA).kit_type, contentOf(bottleB).kit_type]).toEqual(['A', 'B']);
    await screenshot(page, 'brave-dispense-plan');

    await wedgeScan(page, bottleA);
    await page.getByTestId(`scanned-${bottleA}`).waitFor();
    // A second bottle A of the same content: the visit has its bottle A.
    const another = bottles.find((b) => b.kit_type === 'A' && b.content === contentOf(bottleA).content && b.kit_number !== bottleA)!.kit_number;
    await wedgeScan(page, another);
    await page.locator('[data-testid="dispense-verdict"][data-verdict="refused"]').waitFor();
    expect(await page.getByTestId('dispense-verdict-reason').getAttribute('data-reason')).toBe('type_complete');
    // The kits offered instead are bottles B, and the heading says so.
    expect(await page.getByTestId('dispense-alternatives').innerText()).toContain('Valid Bottle B kits for this patient instead:');
    await screenshot(page, 'brave-dispense-second-bottle-a');
    await wedgeScan(page, bottleB);
    await page.getByTestId(`scanned-${bottleB}`).waitFor();
    await page.getByTestId('dispense-confirm').click();
    await page.getByTestId('confirm-summary').waitFor();
    await sign(page, veil, 'unblinded_pharmacist');
    await page.getByTestId(`label-status-${bottleA}-carton`).waitFor();
    await screenshot(page, 'brave-dispensed');

    // 3. The return desk: bottle A comes back with 7 tablets; the patient's page weighs the interval.
    await page.getByTestId('nav-returns').click();
    await page.getByTestId('returns-page').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null)).toBe('returns-scan');
    await wedgeScan(page, bottleA);
    await page.getByTestId('return-form').waitFor();
    await page.getByTestId('return-condition-partly_used').click();
    await page.getByTestId('return-units').fill('7');
    await page.getByTestId('return-record').click();
    await page.getByTestId(`return-row-${bottleA}`).waitFor();
    await page.getByTestId('nav-patients').click();
    await page.getByTestId('patient-row-BR-100').click();
    await page.getByTestId('compliance').waitFor();
    expect(await page.getByTestId('compliance-D1-0').getAttribute('data-state')).toBe('counted');
    expect(await page.getByTestId('compliance-D1-1').getAttribute('data-state')).toBe('awaiting_return');
    await screenshot(page, 'brave-compliance');

    // 4. Reconciliation and reports: the stock forecast per bottle content, unblinded.
    await page.getByTestId('nav-reports').click();
    await page.getByTestId('stock-show-arms').click();
    await page.getByTestId('stock-arm-A-BARI_4MG').waitFor();
    expect(await page.getByTestId('stock-arm-A-BARI_4MG').innerText()).toContain('Bottle A: Baricitinib 4 mg tablets');
    expect(await page.getByTestId('stock-arm-B-PBO_2MG').innerText()).toContain('Bottle B: Placebo tablets matching baricitinib 2 mg');
    await screenshot(page, 'brave-reports');
    await page.getByTestId('nav-reconciliation').click();
    await page.getByTestId('reconciliation-page').waitFor();
    await screenshot(page, 'brave-reconciliation');
    await logout(page);

    // 5. The unblinded monitor of NS-DUPI is a blinded monitor here: the patient's page names no content.
    await loginAs(page, veil, 'unblinded_monitor');
    await switchTo(page, 'BRAVE-AA2');
    expect(await page.getByTestId('header-blinding-badge').getAttribute('data-blinded')).toBe('true');
    await page.getByTestId('nav-patients').click();
    await page.getByTestId('patient-row-BR-001').click();
    await page.getByTestId('compliance').waitFor();
    // BR-001 brought back both day-1 bottles and took week 4's: the first interval is counted, with a percentage.
    expect(await page.getByTestId('compliance-D1-0').getAttribute('data-percent')).toMatch(/^\d+$/);
    expect(await contentWordsOnPage(page)).toEqual([]);
    await screenshot(page, 'brave-compliance-blinded-monitor');
    await logout(page);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('every screen of BRAVE-AA2, toured by each user blinded there, names no arm and no bottle content', async () => {
    const brave = JSON.parse(readFileSync(join(REPO_ROOT, 'studies', 'brave-aa2.json'), 'utf8')) as {
      title: string;
      product: { blindedName: string; directions: string };
      arms: Array<{ code: string; name: string }>;
      kitTypes: Array<{ product: { blindedName: string; directions: string }; contents: Array<{ code: string; name: string }> }>;
    };
    const nsDupi = JSON.parse(readFileSync(join(REPO_ROOT, 'studies', 'ns-dupi.json'), 'utf8')) as { title: string };
    const truth: SponsorTruth = {
      armWords: [...brave.arms.flatMap((a) => [a.code, a.name]), ...brave.kitTypes.flatMap((k) => k.contents.flatMap((c) => [c.code, c.name]))],
      // Printed on every bottle of a type, the studies' own titles: not arm words where they stand.
      sharedBlindedPhrases: [nsDupi.title, brave.title, brave.product.blindedName, brave.product.directions, ...brave.kitTypes.flatMap((k) => [k.product.blindedName, k.product.directions])],
      armOf: new Map(),
    };
    // The unblinded monitor of NS-DUPI is a blinded monitor here; the others are blinded in both studies.
    for (const role of ['unblinded_monitor', 'monitor', 'investigator', 'study_nurse', 'pharmacy_technician'] as const) {
      await veil.logoutWindow();
      const { page, context, problems } = await openPage(browser);
      try {
        await page.goto(veil.url);
        await loginAs(page, veil, role);
        await switchTo(page, 'BRAVE-AA2');
        expect(await page.getByTestId('header-blinding-badge').getAttribute('data-blinded')).toBe('true');
        const screens = await tourAllScreens(page);
        expect(screens.length, `${role}: ${screens.map((s) => s.where).join(", ")}`).toBeGreaterThan(1);
        // The home page shows every study's card: of it, BRAVE-AA2's card is read (NS-DUPI's, where the unblinded
        // monitor is unblinded, is NS-DUPI's to show).
        await page.getByTestId('nav-home').click();
        const card = page.locator('[data-testid="today-study"][data-study="BRAVE-AA2"]');
        await card.waitFor();
        const home = { where: 'home (BRAVE-AA2 card)', text: await card.innerText() };
        const leaks = [home, ...screens.filter((s) => s.where !== 'home')].flatMap((s) => findArmWords(`${role} ${s.where}`, s.text, truth));
        expect(leaks).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }
  }, 300_000);

  it('in French at 1280x720: the plan names each bottle type, the compliance its intervals', async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser, { locale: 'fr-FR' });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(veil.url);
    await loginAs(page, veil, 'unblinded_pharmacist');
    await switchTo(page, 'BRAVE-AA2');
    await page.getByTestId('nav-patients').click();
    await page.getByTestId('patient-row-BR-002').click();
    await page.getByTestId('compliance').waitFor();
    await screenshot(page, 'brave-compliance-1280-fr');
    await logout(page);
    expect(problems).toEqual([]);
    await context.close();
  });
});
