import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, homeRole, launchBrowser, login, openPage, screenshot } from './helpers/browser';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * A new site: a fresh database (no demo, no study loaded), where the unblinded pharmacist loads the study from the
 * sponsor's configuration file (checked whole, then signed), then creates the study's allocation key (each study has
 * its own) and receives its emergency code-break passphrase once, to print for the investigator's sealed envelope.
 */
const STUDY_FILE = readFileSync(join(__dirname, '../../studies/ns-dupi.json'));
const BRAVE_FILE = readFileSync(join(__dirname, '../../studies/brave-aa2.json'));

/** Chooses a file in the study file card (Mantine's FileButton keeps its input hidden). */
async function chooseStudyFile(page: Page, name: string, buffer: Buffer) {
  await page.getByTestId('study-file-load').locator('input[type="file"]').setInputFiles({ name, mimeType: 'application/json', buffer });
}

describe('creating the allocation key on a new database', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: false }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('asks for the study before its key: a key belongs to a study', async () => {
    // The administrator and the pharmacist's account, through the contract (their screens are tested elsewhere).
    await veil.logoutWindow();
    expect((await veil.rpc('session.createAdministrator', { username: 'site.admin', displayName: 'Sam Girard', password: 'pharmacy admin 2024' })).status).toBe(200);
    const created = await veil.rpc('users.create', {
      username: 'claire.pharma',
      displayName: 'Claire Fontaine',
      role: 'unblinded_pharmacist',
      temporaryPassword: 'temporary password 1',
    });
    expect(created.status).toBe(200);
    await veil.logoutWindow();

    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    await login(page, 'claire.pharma', 'temporary password 1');
    await page.getByTestId('change-password-screen').waitFor();
    await page.getByTestId('change-password-current').fill('temporary password 1');
    await page.getByTestId('change-password-new').fill('claire keeps the key');
    await page.getByTestId('change-password-confirmation').fill('claire keeps the key');
    await page.getByTestId('change-password-confirmation').press('Enter');
    expect(await homeRole(page)).toBe('unblinded_pharmacist');

    await page.getByTestId('nav-study').click();
    await page.getByTestId('setup-panel').waitFor();
    expect(await page.getByTestId('status-key').getAttribute('data-key-set-up')).toBe('false');
    expect(await page.getByTestId('status-session').getAttribute('data-holds-key')).toBe('false');
    expect(await page.getByTestId('status-lists').innerText()).toContain('No study configuration is loaded');
    expect(await page.getByTestId('imports-none').count()).toBe(1);
    await page.getByTestId('import-needs-key').waitFor();
    // No study yet: nothing to make a key for, and the status says what comes first.
    expect(await page.getByTestId('key-set-up').count()).toBe(0);
    expect(await page.getByTestId('status-key-explanation').innerText()).toBe('Each study has its own allocation key: load the study first, then create its key.');
    await screenshot(page, 'study-setup-new-en');
    expect(problems).toEqual([]);
    await context.close();
  });


  it("loads the study from the sponsor's file: problems listed with where they are, then the study checked and signed", async () => {
    // In French first: a file with a mistake, then the right file's summary, before anything is signed.
    await veil.logoutWindow();
    const fr = await openPage(browser, { locale: 'fr-FR' });
    await fr.page.goto(veil.url);
    await login(fr.page, 'claire.pharma', 'claire keeps the key');
    await fr.page.getByTestId('nav-study').click();
    await fr.page.getByTestId('study-file-load').waitFor();
    const study = JSON.parse(STUDY_FILE.toString('utf8')) as { visits: Array<{ code: string; dayOffset: number }> };
    const wrongOrder = { ...study, visits: study.visits.map((v) => (v.code === 'W4' ? { ...v, dayOffset: 10 } : v)) };
    await chooseStudyFile(fr.page, 'ns-dupi-v2.json', Buffer.from(JSON.stringify(wrongOrder)));
    await fr.page.getByTestId('study-file-problems').waitFor();
    const problemsText = await fr.page.getByTestId('study-file-problems').innerText();
    expect(problemsText).toContain('ns-dupi-v2.json a 1 problème');
    expect(problemsText).toContain('visits.2.dayOffset');
    expect(problemsText).toContain('Les visites doivent être dans l’ordre croissant des jours');
    expect(await fr.page.getByTestId('study-file-load-button').count()).toBe(0);
    await screenshot(fr.page, 'study-file-problems-fr');
    // BRAVE-AA2's double-dummy file is valid, with its two bottles, and may be loaded (tests/e2e/braveJourney.test.ts
    // dispenses it).
    await chooseStudyFile(fr.page, 'brave-aa2.json', BRAVE_FILE);
    await fr.page.getByTestId('study-file-valid').waitFor();
    expect(await fr.page.getByTestId('study-file-kit-type-A').innerText()).toBe('Bottle A : Baricitinib 4 mg tablets / Placebo tablets matching baricitinib 4 mg');
    expect(await fr.page.getByTestId('study-file-cannot-load').count()).toBe(0);
    expect(await fr.page.getByTestId('study-file-load-button').count()).toBe(1);
    await screenshot(fr.page, 'study-file-kit-types-fr');
    await chooseStudyFile(fr.page, 'ns-dupi.json', STUDY_FILE);
    await fr.page.getByTestId('study-file-valid').waitFor();
    expect(await fr.page.getByTestId('study-file-summary').innerText()).toContain('Bras : 2 · visites : 8 · strates : 1');
    expect(await axeViolations(fr.page, '[data-testid="study-file-load"]')).toEqual([]);
    await screenshot(fr.page, 'study-file-checked-fr');
    expect(fr.problems).toEqual([]);
    await fr.context.close();

    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    await login(page, 'claire.pharma', 'claire keeps the key');
    await page.getByTestId('nav-study').click();
    await page.getByTestId('study-file-load').waitFor();
    await chooseStudyFile(page, 'not-a-study.json', Buffer.from('{"code": "NS-DUPI",'));
    await page.getByTestId('study-file-problems').waitFor();
    expect(await page.getByTestId('study-file-problems').innerText()).toMatch(/\(the whole file\)\s+The file is not JSON/);
    await chooseStudyFile(page, 'brave-aa2.json', BRAVE_FILE);
    await page.getByTestId('study-file-valid').waitFor();
    expect(await page.getByTestId('study-file-summary').innerText()).toContain('BRAVE-AA2');
    await screenshot(page, 'study-file-kit-types-en');
    await chooseStudyFile(page, 'ns-dupi.json', STUDY_FILE);
    await page.getByTestId('study-file-load-button').waitFor();
    const summary = await page.getByTestId('study-file-summary').innerText();
    expect(summary).toContain('NS-DUPI: Dupilumab in Netherton syndrome');
    expect(summary).toContain('Sponsor: Toulouse University Hospital, protocol RC31/19/0045, registry NCT04244006');
    const sha256 = (await page.getByTestId('study-file-sha256').innerText()).trim();
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await axeViolations(page, '[data-testid="study-file-load"]')).toEqual([]);
    await screenshot(page, 'study-file-checked-en');

    await page.getByTestId('study-file-load-button').click();
    await page.getByTestId('signature-form').waitFor();
    expect(await page.getByTestId('signature-meaning').innerText()).toBe('I load this study configuration, checked against the protocol');
    await page.getByTestId('signature-username').fill('claire.pharma');
    await page.getByTestId('signature-password').fill('claire keeps the key');
    await page.getByTestId('signature-password').press('Enter');
    // Loaded: the card goes, the status names the study, and the footer's study identity follows without a reload.
    await page.getByTestId('study-file-load').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('[data-testid="status-lists"]')?.textContent?.includes('NS-DUPI'));
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'study-file-loaded-en');
    expect((await veil.rpc('session.login', { username: 'site.admin', password: 'pharmacy admin 2024' })).status).toBe(200);
    const audit = await veil.rpc('audit.list', { page: 1, action: 'study.loaded' });
    expect(JSON.stringify(audit.body)).toContain(sha256);
    expect(problems).toEqual([]);
    await context.close();
  });
  it("creates the loaded study's key: shows the passphrase once, prints only its sheet, and the key is then set up", async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    await login(page, 'claire.pharma', 'claire keeps the key');
    await page.getByTestId('nav-study').click();
    await page.getByTestId('setup-panel').waitFor();
    expect(await page.getByTestId('status-key').getAttribute('data-key-set-up')).toBe('false');
    expect(await page.getByTestId('status-key-explanation').innerText()).toBe('Create the allocation key first: lists cannot be imported without it.');
    await page.getByTestId('key-set-up').waitFor();
    await page.getByTestId('key-set-up-button').click();
    await page.getByTestId('signature-form').waitFor();
    expect(await page.getByTestId('signature-meaning').innerText()).toBe(
      'I create the allocation key of this study and take custody of the code-break passphrase',
    );
    // First signature of the session: without the username, the dialog says so on the username field.
    await page.getByTestId('signature-password').fill('claire keeps the key');
    await page.getByTestId('signature-password').press('Enter');
    expect(await page.getByTestId('signature-username').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('signature-username').fill('claire.pharma');
    await page.getByTestId('signature-password').press('Enter');

    await page.getByTestId('code-break-sheet').waitFor();
    const passphrase = (await page.getByTestId('code-break-passphrase').innerText()).trim();
    expect(passphrase).toMatch(/^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){9}$/);
    expect(await page.getByTestId('code-break-warning').innerText()).toContain('Veil keeps no copy');
    expect(await page.getByTestId('code-break-sheet').innerText()).toContain('Allocation key created by Claire Fontaine');
    await page.waitForFunction(() => document.querySelector('[data-testid="status-key"]')?.getAttribute('data-key-set-up') === 'true');
    expect(await page.getByTestId('status-session').getAttribute('data-holds-key')).toBe('true');
    expect(await page.getByTestId('key-set-up').count()).toBe(0);
    await screenshot(page, 'code-break-passphrase-en', { fullPage: false });

    // Printed, the page holds the sheet alone: no navigation, no buttons, no warning, the passphrase.
    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() => {
      // Rendered and not hidden by `visibility` (the print stylesheet uses both display and visibility).
      const visible = (el: Element | null) => !!el && el.checkVisibility({ visibilityProperty: true, checkVisibilityCSS: true } as CheckVisibilityOptions);
      return {
        navigation: visible(document.querySelector('[data-testid="navigation"] a')),
        print: visible(document.querySelector('[data-testid="code-break-print"]')),
        warning: visible(document.querySelector('[data-testid="code-break-warning"]')),
        passphrase: visible(document.querySelector('[data-testid="code-break-passphrase"]')),
        imports: visible(document.querySelector('[data-testid="list-import"] h2')),
      };
    });
    expect(printed).toEqual({ navigation: false, print: false, warning: false, passphrase: true, imports: false });
    await screenshot(page, 'code-break-print-en', { fullPage: false });
    await page.emulateMedia({ media: 'screen' });

    // Print calls the browser's print; then "Printed and sealed" removes the passphrase for good.
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => {
        (window as unknown as { printed: number }).printed++;
      };
    });
    await page.getByTestId('code-break-print').click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await page.getByTestId('code-break-done').click();
    expect(await page.getByTestId('code-break-sheet').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain(passphrase);

    // The key exists once: asking again is refused by the host.
    const again = await veil.rpc('allocation.setUpKey', { signature: { password: 'claire keeps the key' } });
    expect(again.status).toBe(409);
    expect(problems).toEqual([]);
    await context.close();
  });
});
