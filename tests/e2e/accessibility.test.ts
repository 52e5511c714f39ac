import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_IS_BLINDED, type Role } from '../../shared/roles';
import { launchBrowser, login, openPage, openUserMenu } from './helpers/browser';
import { asPharmacist, kitStatuses, loginAs, logout, sign, typeScan } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * WCAG 2.2 AA (issue 17, item 1), checked by axe-core in the real renderer: the login, wrong-password, lock and
 * forced-change screens, every screen and tab of the navigation for each role, the user menu and the main dialogs
 * (e-signature, a reason dialog, emergency unblinding with its revealed panel, registering a patient, creating a
 * user), in English and in French. Every violation is reported with its rule, impact, the elements it names and the
 * screen it was found on. There is no exception: no rule is disabled and no element excluded.
 */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const LANGUAGES = [
  { code: 'en', locale: 'en-US' },
  { code: 'fr', locale: 'fr-FR' },
] as const;

const ROLES_TOURED: readonly Role[] = ['unblinded_pharmacist', 'pharmacy_technician', 'investigator', 'study_nurse', 'monitor', 'unblinded_monitor', 'administrator'];

interface Finding {
  where: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/** One line per violated rule and screen: readable in a failed assertion. */
function describeFinding(f: Finding): string {
  return `${f.where}: ${f.rule} (${f.impact}) ${f.help} -> ${f.targets.slice(0, 6).join(' | ')}${f.targets.length > 6 ? ` (+${f.targets.length - 6} more)` : ''}`;
}

/** The page's calls have answered and its transitions have ended: no loader left, modals and menus opened. */
async function settled(page: Page): Promise<void> {
  await page.waitForTimeout(350);
  await page
    .locator('.mantine-Loader-root')
    .first()
    .waitFor({ state: 'hidden', timeout: 10_000 })
    .catch(() => undefined);
}

async function axeFindings(page: Page, where: string): Promise<Finding[]> {
  await settled(page);
  // Two rules the issue names that axe files under best practice rather than a WCAG tag are switched on besides the
  // WCAG 2.2 AA rules: a page has a main landmark, a table header cell has text. Only violations are wanted back
  // (resultTypes): axe then skips describing every element that passed, which keeps a screen's check short.
  const result = await new AxeBuilder({ page })
    .options({ resultTypes: ['violations'], rules: { 'landmark-one-main': { enabled: true }, 'empty-table-header': { enabled: true } } })
    .withTags(WCAG_TAGS)
    .analyze();
  return result.violations.map((v) => ({
    where,
    rule: v.id,
    impact: v.impact ?? 'unknown',
    help: v.help,
    targets: v.nodes.map((n) => n.target.map(String).join(' ')),
  }));
}

/** Counts by rule (violating elements), printed so a run shows where the screens stand. */
function summary(findings: Finding[]): string {
  const byRule = new Map<string, { screens: number; nodes: number }>();
  for (const f of findings) {
    const entry = byRule.get(f.rule) ?? { screens: 0, nodes: 0 };
    entry.screens += 1;
    entry.nodes += f.targets.length;
    byRule.set(f.rule, entry);
  }
  return [...byRule.entries()].map(([rule, c]) => `${rule}: ${c.nodes} elements on ${c.screens} screens`).join('\n');
}

describe('accessibility: WCAG 2.2 AA on every screen, English and French', () => {
  let veil: VeilServer;
  let browser: Browser;
  const all: Finding[] = [];

  /** Checks the page and records what it finds; the test then wants none. */
  async function check(page: Page, where: string, found: Finding[]): Promise<void> {
    const findings = await axeFindings(page, where);
    found.push(...findings);
    all.push(...findings);
  }

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
  }, 180_000);
  afterAll(async () => {
    if (all.length > 0) process.stdout.write(`accessibility violations by rule:\n${summary(all)}\n`);
    await browser?.close();
    await veil?.stop();
  });

  it('the check bites: a planted low-contrast text and an unlabelled input are reported', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    try {
      await page.goto(veil.url);
      await page.getByTestId('login-screen').waitFor();
      await page.evaluate(() => {
        const note = document.createElement('p');
        note.textContent = 'Planted: light grey on white';
        note.style.color = '#bbbbbb';
        const field = document.createElement('input');
        field.type = 'text';
        document.querySelector('[data-testid="login-screen"]')!.append(note, field);
      });
      const rules = (await axeFindings(page, 'planted')).map((f) => f.rule);
      expect(rules).toEqual(expect.arrayContaining(['color-contrast', 'label']));
    } finally {
      await context.close();
    }
  }, 60_000);

  for (const language of LANGUAGES) {
    it(`${language.code}: login, wrong password, lock screen, user menu, change of password`, async () => {
      await veil.logoutWindow();
      const found: Finding[] = [];
      const { context, page } = await openPage(browser, { locale: language.locale });
      try {
        await page.goto(veil.url);
        await page.getByTestId('login-screen').waitFor();
        await check(page, `${language.code} login`, found);
        await login(page, 'investigator', 'not the right password');
        await page.getByTestId('login-error').waitFor();
        await check(page, `${language.code} login, wrong password`, found);
        await loginAs(page, veil, 'pharmacy_technician');
        await openUserMenu(page);
        await page.getByTestId('menu-lock').waitFor();
        await check(page, `${language.code} user menu`, found);
        await page.getByTestId('menu-change-password').click();
        await page.getByRole('dialog').waitFor();
        await check(page, `${language.code} change-password dialog`, found);
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });
        await openUserMenu(page);
        await page.getByTestId('menu-lock').click();
        await page.getByTestId('lock-screen').waitFor();
        await check(page, `${language.code} lock`, found);
        await page.getByTestId('unlock-password').fill('not my password');
        await page.getByTestId('unlock-password').press('Enter');
        await page.getByTestId('unlock-error').waitFor();
        await check(page, `${language.code} lock, wrong password`, found);
        await page.getByTestId('lock-switch-user').click();
        await page.getByTestId('login-screen').waitFor();
      } finally {
        await context.close();
      }
      expect(found.map(describeFinding)).toEqual([]);
    }, 120_000);

    it(`${language.code}: dialogs (reason, e-signature, emergency unblinding, register patient, create user)`, async () => {
      await veil.logoutWindow();
      const found: Finding[] = [];
      // A randomized patient of the demo for each language: each run breaks the code for its own patient.
      const patients = await asPharmacist(veil, async (call) => (await call('patients.list', {})) as Array<{ screeningNumber: string; status: string }>);
      const randomized = patients.filter((p) => p.status === 'randomized' && p.screeningNumber !== 'S-001');
      const patient = randomized[LANGUAGES.indexOf(language)]!;
      const { context, page } = await openPage(browser, { locale: language.locale });
      try {
        await page.goto(veil.url);
        await loginAs(page, veil, 'administrator');
        await page.getByTestId('nav-admin').click();
        await page.getByTestId('users-table').waitFor();
        await page.getByTestId('create-user-button').click();
        await page.getByTestId('create-user-form').waitFor();
        await check(page, `${language.code} admin, create-user dialog`, found);
        await page.keyboard.press('Escape');
        await page.getByTestId('create-user-form').waitFor({ state: 'detached' });
        await page.getByTestId('user-reset-technician').click();
        await page.getByTestId('reset-password-reason').waitFor();
        await check(page, `${language.code} admin, reset-password (reason) dialog`, found);
        await page.keyboard.press('Escape');
        await page.getByTestId('reset-password-reason').waitFor({ state: 'detached' });
        await logout(page);

        await loginAs(page, veil, 'investigator');
        await page.getByTestId('nav-patients').click();
        await page.getByTestId('register-patient').click();
        await page.getByRole('dialog').waitFor();
        await check(page, `${language.code} patients, register dialog`, found);
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });
        await page.getByTestId(`open-patient-${patient.screeningNumber}`).click();
        await page.getByTestId('patient-detail').waitFor();
        await check(page, `${language.code} patient detail`, found);
        await page.getByTestId('patient-withdraw').click();
        await page.getByRole('dialog').waitFor();
        await check(page, `${language.code} patient, withdraw (reason) dialog`, found);
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });

        await page.getByTestId('nav-emergency').click();
        await page.getByTestId('emergency-form').waitFor();
        await page.getByTestId('emergency-submit').click();
        await check(page, `${language.code} emergency, form refused (errors)`, found);
        await page.getByTestId('emergency-patient').click();
        await page.getByRole('option', { name: new RegExp(`^${patient.screeningNumber} `) }).click();
        await page.getByTestId('emergency-reason').fill('Anaphylactic reaction after the injection');
        await page.getByTestId('emergency-adverse-yes').check();
        await page.getByTestId('emergency-passphrase').fill(veil.codeBreakPassphrase!);
        await page.getByTestId('emergency-submit').click();
        await page.getByTestId('emergency-summary').waitFor();
        await check(page, `${language.code} emergency, e-signature dialog`, found);
        await sign(page, veil, 'investigator');
        await page.getByTestId('emergency-revealed').waitFor();
        await check(page, `${language.code} emergency, revealed`, found);
        await page.getByTestId('emergency-close').click();
        await page.getByTestId('emergency-form').waitFor();
        await check(page, `${language.code} emergency, after (records, notices)`, found);
      } finally {
        await context.close();
      }
      expect(found.map(describeFinding)).toEqual([]);
    }, 180_000);

    it(`${language.code}: the kit story with a kit shown, blinded (monitor) and unblinded (pharmacist), and an unknown kit`, async () => {
      await veil.logoutWindow();
      const found: Finding[] = [];
      const kit = [...(await kitStatuses(veil)).entries()].find(([, status]) => status === 'dispensed')![0];
      const { context, page } = await openPage(browser, { locale: language.locale });
      try {
        await page.goto(veil.url);
        for (const role of ['monitor', 'unblinded_pharmacist'] as const) {
          await loginAs(page, veil, role);
          await page.getByTestId('nav-kits').click();
          await typeScan(page, 'kit-story-scan', kit);
          await page.locator(`[data-testid="kit-story"][data-kit="${kit}"]`).waitFor();
          await check(page, `${language.code} ${role} kit story`, found);
          await typeScan(page, 'kit-story-scan', '999999999');
          await page.getByTestId('kit-story-error').waitFor();
          await check(page, `${language.code} ${role} kit story, unknown kit`, found);
          await logout(page);
        }
      } finally {
        await context.close();
      }
      expect(found.map(describeFinding)).toEqual([]);
    }, 180_000);

    it(`${language.code}: every screen and tab of the navigation, for each role`, async () => {
      await veil.logoutWindow();
      const found: Finding[] = [];
      // A screen (or tab) is checked once per language in its blinded and once in its unblinded form: the roles
      // after the first that opens it see the same components (the blinded ones differ by a button or two), and
      // checking each again would add minutes to the suite.
      const checked = new Set<string>();
      const { context, page } = await openPage(browser, { locale: language.locale });
      try {
        await page.goto(veil.url);
        for (const role of ROLES_TOURED) {
          await loginAs(page, veil, role);
          const view = ROLE_IS_BLINDED[role] ? 'blinded' : 'unblinded';
          const once = async (screen: string, label = screen) => {
            if (checked.has(`${view} ${screen}`)) return;
            checked.add(`${view} ${screen}`);
            await check(page, `${language.code} ${role} ${label}`, found);
          };
          await once('home');
          const navIds = await page.locator('[data-testid^="nav-"]').evaluateAll((links) => links.map((l) => l.getAttribute('data-testid')!).filter((id) => id !== 'nav-home'));
          for (const navId of navIds) {
            await page.getByTestId(navId).click();
            await once(navId);
            const tabs = page.locator('[role="tab"]');
            const count = await tabs.count();
            for (let i = 1; i < count; i++) {
              const tab = tabs.nth(i);
              if (checked.has(`${view} ${navId} tab ${i}`) || !(await tab.isVisible()) || (await tab.isDisabled())) continue;
              await tab.click();
              await once(`${navId} tab ${i}`, `${navId} tab "${(await tab.innerText()).trim().replace(/\s+/g, ' ')}"`);
            }
          }
          await logout(page);
        }
      } finally {
        await context.close();
      }
      expect(found.map(describeFinding)).toEqual([]);
    }, 400_000);

    it(`${language.code}: storage, with an excursion case, the location form and the temperatures dialog`, async () => {
      await veil.logoutWindow();
      const found: Finding[] = [];
      const { context, page } = await openPage(browser, { locale: language.locale });
      try {
        await page.goto(veil.url);
        await loginAs(page, veil, 'unblinded_pharmacist');
        await page.getByTestId('nav-storage').click();
        await page.getByTestId('location-chart').waitFor();
        await page.getByTestId('excursion-open-1').click();
        await page.getByTestId('excursion-case').waitFor();
        await check(page, `${language.code} storage, excursion case`, found);
        await page.getByTestId('location-edit-LOC-FRIDGE-A').click();
        await page.getByTestId('location-form').waitFor();
        await check(page, `${language.code} storage, location form`, found);
        await page.keyboard.press('Escape');
        await page.getByTestId('location-form').waitFor({ state: 'detached' });
        await page.getByTestId('location-readings-LOC-FRIDGE-A').click();
        await page.getByTestId('import-log').waitFor();
        await check(page, `${language.code} storage, temperatures dialog`, found);
        await page.keyboard.press('Escape');
        await page.getByTestId('import-log').waitFor({ state: 'detached' });
        await logout(page);
      } finally {
        await context.close();
      }
      expect(found.map(describeFinding)).toEqual([]);
    }, 120_000);
  }
});
