import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeRole, launchBrowser, login, openPage, openUserMenu, screenshot } from './helpers/browser';
import { startVeil, type VeilServer } from './helpers/veilServer';

async function logout(page: Page): Promise<void> {
  await openUserMenu(page);
  await page.getByTestId('menu-logout').click();
  await page.getByTestId('login-screen').waitFor();
}

async function openStudySetup(page: Page): Promise<void> {
  await page.getByTestId('nav-study').click();
  await page.getByTestId('study-setup-page').waitFor();
}

/** A CSV file as the file picker would hand it to the page. */
function csv(name: string, lines: string[], newline = '\n') {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(lines.join(newline) + newline, 'utf8') };
}

/** The addendum the sponsor sent first: French spreadsheet style (semicolons, CRLF) with three planted errors. */
const FAULTY_KIT_LIST = csv(
  'NS-DUPI_kit_list_addendum.csv',
  [
    'kit_number;arm;lot;expiry_date',
    '900101;DUPI300;DP26E001;30/06/2028',
    '900102;PLACEBOX;PL26F001;30/06/2028',
    '900103;DUPI300;DP26E001;31/02/2028',
    '900101;PLACEBO;PL26F001;30/06/2028',
  ],
  '\r\n',
);

/** The corrected addendum: six kits, interleaved kit numbers, one new lot per arm. */
const VALID_KIT_LIST = csv('NS-DUPI_kit_list_addendum_v2.csv', [
  'kit_number,arm,lot,expiry_date',
  '900101,DUPI300,DP26E001,2028-06-30',
  '900102,PLACEBO,PL26F001,2028-06-30',
  '900103,DUPI300,DP26E001,2028-06-30',
  '900104,DUPI300,DP26E001,2028-06-30',
  '900105,PLACEBO,PL26F001,2028-06-30',
  '900106,DUPI300,DP26E001,2028-06-30',
]);

describe('study set-up: lists, e-signatures, unblinded access and the allocation register', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('the pharmacist checks a list with errors, imports the corrected one with a signature, and grants a new unblinded monitor access', async () => {
    // The administrator creates the new unblinded monitor (through the contract, as the admin screen does).
    await veil.logoutWindow();
    const admin = veil.user('administrator');
    expect((await veil.rpc('session.login', { username: admin.username, password: admin.password })).status).toBe(200);
    const created = await veil.rpc('users.create', {
      username: 'nadia.berg',
      displayName: 'Nadia Berg (unblinded monitor)',
      role: 'unblinded_monitor',
      temporaryPassword: 'temporary password 7',
    });
    expect(created.status).toBe(200);
    await veil.logoutWindow();
    // An unblinded role is the study pharmacist's to delegate, not the administrator's; under her temporary password
    // the key cannot go with it yet.
    const delegating = veil.user('unblinded_pharmacist');
    expect((await veil.rpc('session.login', { username: delegating.username, password: delegating.password })).status).toBe(200);
    const today = ((await veil.rpc('today.view', {})).body.value as { today: string }).today;
    const delegated = await veil.rpc('delegations.grant', {
      userId: (created.body.value as { id: number }).id,
      role: 'unblinded_monitor',
      startsOn: today,
      endsOn: null,
      reason: 'Unblinded monitor for pharmacy visits',
      signature: { username: delegating.username, password: delegating.password },
    });
    expect(delegated.body.value).toMatchObject({ key: 'after_own_password' });
    await veil.logoutWindow();
    // Access can be granted only once she has chosen her own password (her key pair is made then, never under the
    // administrator's temporary one); the forced change of password has its own screen tests.
    expect((await veil.rpc('session.login', { username: 'nadia.berg', password: 'temporary password 7' })).status).toBe(200);
    expect((await veil.rpc('session.changePassword', { currentPassword: 'temporary password 7', newPassword: 'nadia chose this one' })).status).toBe(200);
    await veil.logoutWindow();

    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    const pharmacist = veil.user('unblinded_pharmacist');
    await login(page, pharmacist.username, pharmacist.password);
    await homeRole(page);
    await openStudySetup(page);

    // Status: the demo's key is set up, this session holds it, two lists imported, each shown with its signature.
    await page.getByTestId('setup-panel').waitFor();
    expect(await page.getByTestId('status-key').getAttribute('data-key-set-up')).toBe('true');
    expect(await page.getByTestId('status-session').getAttribute('data-holds-key')).toBe('true');
    expect(await page.getByTestId('status-lists').innerText()).toContain('180 kits');
    expect(await page.locator('[data-testid^="import-row-"]').count()).toBe(2);
    const firstImport = await page.getByTestId('import-row-1').innerText();
    expect(firstImport).toContain('NS-DUPI_randomization_list.csv');
    expect(firstImport).toMatch(/[0-9a-f]{64}/);
    expect(firstImport).toContain('Signed by Paula Lefèvre (pharmacist)');
    expect(firstImport).toContain('I approve the import of this list as the sponsor sent it');
    expect(firstImport).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
    expect(await page.getByTestId('key-set-up').count()).toBe(0);
    await screenshot(page, 'study-setup-en');

    // A faulty kit list: every problem by line, and no way to import it.
    const fileInput = page.getByTestId('list-import').locator('input[type="file"]');
    await fileInput.setInputFiles(FAULTY_KIT_LIST);
    await page.getByTestId('list-problems').waitFor();
    const problemsText = await page.getByTestId('list-problems').innerText();
    expect(problemsText).toContain('3 problems');
    expect(problemsText).toContain('Unknown arm "PLACEBOX"');
    expect(problemsText).toContain('not a real date');
    expect(problemsText).toContain('Duplicate kit number 900101 (first on line 2)');
    expect(await page.getByTestId('list-problems-table').locator('tbody tr').count()).toBe(3);
    expect(await page.getByTestId('list-import-button').count()).toBe(0);
    await page.getByTestId('list-problems').scrollIntoViewIfNeeded();
    await screenshot(page, 'list-check-problems-en', { fullPage: false });

    // The corrected list: valid, with its SHA-256 and the blinding risk findings in plain words.
    await fileInput.setInputFiles(VALID_KIT_LIST);
    await page.getByTestId('list-valid').waitFor();
    expect(await page.getByTestId('list-row-count').innerText()).toContain('6 kits');
    expect(await page.getByTestId('list-sha256').innerText()).toMatch(/^[0-9a-f]{64}$/);
    const findings = await page.getByTestId('risk-findings').innerText();
    expect(findings).toContain('Lot DP26E001 is used by DUPI300 only (4 kits)');
    expect(findings).toContain('Lot PL26F001 is used by PLACEBO only (2 kits)');
    expect(await page.getByTestId('risk-blinded-lot').innerText()).toMatch(/blinded lot \S+/);
    expect(await page.getByTestId('risk-use-before').innerText()).toMatch(/use-before date \d{4}-\d{2}-\d{2}/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'list-risk-findings-en');

    // The import is signed: first signature of this login, so the username is asked too; the meaning is stated.
    await page.getByTestId('list-import-button').click();
    await page.getByTestId('signature-form').waitFor();
    expect(await page.getByTestId('signature-meaning').innerText()).toBe('I approve the import of this list as the sponsor sent it');
    expect(await page.getByTestId('signature-signer').innerText()).toContain('Paula Lefèvre (pharmacist)');
    expect(await page.getByTestId('signature-legal').innerText()).toContain('legally binding electronic signature');
    expect(await page.getByTestId('signature-legal').innerText()).toContain('21 CFR Part 11');
    await page.getByTestId('signature-username').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('signature-username');
    await page.getByTestId('signature-username').fill(pharmacist.username);
    await page.getByTestId('signature-password').fill('not my password');
    await page.getByTestId('signature-password').press('Enter');
    await page.getByText('Wrong password: the signature was not made and nothing was changed.').waitFor();
    expect(await page.getByTestId('signature-password').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('signature-password').fill(pharmacist.password);
    await screenshot(page, 'signature-dialog-en', { fullPage: false });
    await page.getByTestId('signature-password').press('Enter');
    await page.getByTestId('list-imported').waitFor();
    const importedSignature = await page.getByTestId('list-imported-signature').innerText();
    expect(importedSignature).toContain('Signed by Paula Lefèvre (pharmacist)');
    expect(importedSignature).toContain('I approve the import of this list as the sponsor sent it');
    await page.getByTestId('import-row-3').waitFor();
    expect(await page.getByTestId('import-row-3').innerText()).toContain('NS-DUPI_kit_list_addendum_v2.csv');
    expect(await page.getByTestId('status-lists').innerText()).toContain('186 kits');

    // Grant access to the new unblinded monitor: a reason, and now the password alone (second signature of the session).
    await page.getByTestId('study-tab-access').click();
    await page.getByTestId('awaiting-nadia.berg').waitFor();
    expect(await page.getByTestId('awaiting-nadia.berg').innerText()).toContain('New unblinded user');
    await page.getByTestId('grant-nadia.berg').click();
    await page.getByTestId('signature-form').waitFor();
    expect(await page.getByTestId('signature-username').count()).toBe(0);
    expect(await page.getByTestId('signature-meaning').innerText()).toBe('I grant this user access to the treatment allocation');
    await page.getByTestId('signature-password').fill(pharmacist.password);
    await page.getByTestId('signature-password').press('Enter');
    await page.getByTestId('signature-error').waitFor();
    expect(await page.getByTestId('grant-reason').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('grant-reason').fill('New unblinded monitor for pharmacy visits');
    await page.getByTestId('signature-password').fill(pharmacist.password);
    await page.getByTestId('signature-password').press('Enter');
    await page.getByTestId('access-granted').waitFor();
    expect(await page.getByTestId('access-granted-signature').innerText()).toContain('I grant this user access to the treatment allocation');
    await page.getByTestId('key-holder-nadia.berg').waitFor();
    expect(await page.getByTestId('awaiting-nadia.berg').count()).toBe(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'study-access-granted-en');

    await logout(page);
    // A new login is a new signing session: the username is asked again at its first signature.
    await login(page, pharmacist.username, pharmacist.password);
    await homeRole(page);
    // In French this time: the page, the findings and the signature dialog.
    await page.getByTestId('language-switch').getByText('Français').click();
    await openStudySetup(page);
    await page.getByRole('heading', { name: "Où en est le paramétrage de l'étude" }).waitFor();
    expect(await page.getByTestId('import-row-3').innerText()).toContain('Signé par Paula Lefèvre (pharmacist)');
    expect(await page.getByTestId('import-row-3').innerText()).toContain("« J'approuve l'import de cette liste telle que le promoteur l'a envoyée »");
    await screenshot(page, 'study-setup-fr');
    await page.getByTestId('list-import').locator('input[type="file"]').setInputFiles(csv('extra.csv', ['kit_number,arm,lot,expiry_date', '900201,PLACEBO,PL26F001,2028-06-30']));
    await page.getByTestId('list-valid').waitFor();
    expect(await page.getByTestId('risk-findings').innerText()).toContain("Le lot PL26F001 n'est utilisé que par PLACEBO (3 kits).");
    await page.getByTestId('list-import-button').click();
    await page.getByTestId('signature-username').waitFor();
    expect(await page.getByTestId('signature-meaning').innerText()).toBe("J'approuve l'import de cette liste telle que le promoteur l'a envoyée");
    expect(await page.getByTestId('signature-legal').innerText()).toContain('signature électronique ayant valeur légale');
    await screenshot(page, 'signature-dialog-fr', { fullPage: false });
    await page.getByTestId('signature-cancel').click();
    await page.getByTestId('language-switch').getByText('English').click();
    expect(problems).toEqual([]);
    await logout(page);
    await context.close();
  });

  it('the register asks for the password again, shows arms under an UNBLINDED banner, and hides itself', async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.clock.install();
    await page.goto(veil.url);
    const pharmacist = veil.user('unblinded_pharmacist');
    await login(page, pharmacist.username, pharmacist.password);
    await homeRole(page);
    await openStudySetup(page);
    await page.getByTestId('study-tab-register').click();
    await page.getByTestId('register-closed').waitFor();

    await page.getByTestId('register-password').fill('not my password');
    await page.getByTestId('register-password').press('Enter');
    await page.getByTestId('register-error').waitFor();
    expect(await page.getByTestId('register-error').innerText()).toContain('Wrong password: the register stays closed.');
    expect(await page.getByTestId('register-banner').count()).toBe(0);

    await page.getByTestId('register-password').fill(pharmacist.password);
    await page.getByTestId('register-password').press('Enter');
    await page.getByTestId('register-banner').waitFor();
    expect(await page.getByTestId('register-banner').innerText()).toContain('UNBLINDED — do not show this screen to blinded staff');
    const slots = await page.getByTestId('register-slots-table').innerText();
    expect(slots).toContain('DUPI300');
    expect(slots).toContain('PLACEBO');
    expect(await page.getByTestId('register-slots-table').locator('tbody tr').count()).toBe(36);
    await screenshot(page, 'allocation-register-en', { fullPage: false });

    await page.getByTestId('register-view').getByText('Kits').click();
    await page.getByTestId('register-kits-table').waitFor();
    await page.getByTestId('register-kit-arm').selectOption('PLACEBO');
    const kitCount = await page.getByTestId('register-kit-count').innerText();
    expect(kitCount).toMatch(/^\d+ of 186 shown$/);
    const kits = await page.getByTestId('register-kits-table').innerText();
    expect(kits).not.toContain('DUPI300');
    expect(kits).toContain('PL26F001');
    await screenshot(page, 'allocation-register-kits-en', { fullPage: false });

    // The Hide button, then the two-minute limit.
    await page.getByTestId('register-hide').click();
    expect(await page.getByTestId('register-hidden').getAttribute('data-because')).toBe('asked');
    expect(await page.getByTestId('register-slots-table').count()).toBe(0);
    await page.getByTestId('register-password').fill(pharmacist.password);
    await page.getByTestId('register-password').press('Enter');
    await page.getByTestId('register-banner').waitFor();
    await page.clock.fastForward('02:01');
    await page.getByTestId('register-hidden').waitFor();
    expect(await page.getByTestId('register-hidden').getAttribute('data-because')).toBe('timeout');
    expect(await page.getByTestId('register-kits-table').count()).toBe(0);

    // Locking hides it too: after unlocking, the register is closed again.
    await page.getByTestId('register-password').fill(pharmacist.password);
    await page.getByTestId('register-password').press('Enter');
    await page.getByTestId('register-banner').waitFor();
    await openUserMenu(page);
    await page.getByTestId('menu-lock').click();
    await page.getByTestId('lock-screen').waitFor();
    expect(await page.getByTestId('register-banner').count()).toBe(0);
    await page.getByTestId('unlock-password').fill(pharmacist.password);
    await page.getByTestId('unlock-password').press('Enter');
    await page.getByTestId('navigation').waitFor();
    expect(await page.getByTestId('register-banner').count()).toBe(0);

    // Every opening is in the audit trail.
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-filter-action').selectOption('allocation.register_revealed');
    await page.getByTestId('audit-filter-apply').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="audit-count"]')?.getAttribute('data-count') === '3');
    expect(await page.getByTestId('audit-table').innerText()).toContain('pharmacist opened the unblinded allocation register (36 slots, 186 kits).');
    expect(problems).toEqual([]);
    await logout(page);
    await context.close();
  });

  it('after an administrator resets an unblinded user, the administrator and the pharmacist are told access must be granted again', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    await page.goto(veil.url);
    const admin = veil.user('administrator');
    await login(page, admin.username, admin.password);
    await homeRole(page);
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('user-reset-unblinded.monitor').click();
    await page.getByTestId('reset-password-value').fill('a new temporary one');
    await page.getByTestId('reset-password-reason').fill('Forgotten password');
    await page.getByTestId('reset-password-reason').press('Enter');
    await page.getByTestId('admin-done').waitFor();
    expect(await page.getByTestId('admin-done').innerText()).toContain('lost access to the allocation key until an unblinded colleague grants it again');
    expect(await page.getByTestId('admin-key-access-removed').innerText()).toContain('An unblinded user must grant access again');
    await screenshot(page, 'admin-reset-unblinded-en', { fullPage: false });
    await logout(page);

    const pharmacist = veil.user('unblinded_pharmacist');
    await login(page, pharmacist.username, pharmacist.password);
    await homeRole(page);
    await openStudySetup(page);
    await page.getByTestId('study-tab-access').click();
    await page.getByTestId('access-removed-unblinded.monitor').waitFor();
    const note = await page.getByTestId('access-removed-unblinded.monitor').innerText();
    expect(note).toContain('admin reset this user\'s password ("Forgotten password")');
    expect(note).toContain('It must be granted again');
    // Not before the user has replaced the administrator's temporary password with their own.
    expect(await page.getByTestId('awaiting-own-password-unblinded.monitor').innerText()).toMatch(/must choose their own password first/i);
    expect(await page.getByTestId('grant-unblinded.monitor').isDisabled()).toBe(true);
    await screenshot(page, 'study-access-en');
    await logout(page);
    await context.close();
  });

  it('the unblinded monitor may grant access but sees neither the lists nor the register', async () => {
    await veil.logoutWindow();
    const { context, page } = await openPage(browser);
    await page.goto(veil.url);
    await login(page, 'nadia.berg', 'nadia chose this one');
    expect(await homeRole(page)).toBe('unblinded_monitor');
    await openStudySetup(page);
    await page.getByTestId('access-panel').waitFor();
    expect(await page.getByTestId('study-tab-setup').count()).toBe(0);
    expect(await page.getByTestId('study-tab-register').count()).toBe(0);
    await page.getByTestId('awaiting-table').waitFor();
    expect(await page.getByTestId('awaiting-pharmacist').count()).toBe(1);
    const { status } = await veil.rpc('allocation.register', { password: 'nadia chose this one' });
    expect(status).toBe(403);
    await logout(page);
    await context.close();
  });

  it('blinded roles never see study set-up or the register, and the host refuses them', async () => {
    const { context, page } = await openPage(browser);
    for (const role of ['pharmacy_technician', 'investigator', 'monitor', 'administrator'] as const) {
      await veil.logoutWindow();
      await page.goto(veil.url);
      const user = veil.user(role);
      await login(page, user.username, user.password);
      expect(await homeRole(page)).toBe(role);
      expect(await page.getByTestId('nav-study').count(), role).toBe(0);
      expect(await page.getByTestId('home-open-study').count(), role).toBe(0);
      await page.evaluate(() => (window.location.hash = '#/study'));
      await page.getByTestId('not-allowed').waitFor();
      expect(await page.getByTestId('study-setup-page').count(), role).toBe(0);
      for (const channel of ['allocation.status', 'allocation.register', 'allocation.checkList']) {
        const input = channel === 'allocation.register' ? { password: user.password } : channel === 'allocation.checkList' ? { kind: 'kits', fileName: 'x.csv', contentBase64: Buffer.from('kit_number').toString('base64') } : {};
        expect((await veil.rpc(channel, input)).status, `${role} ${channel}`).toBe(403);
      }
      await logout(page);
    }
    await context.close();
  });

  it('a list saved as Excel "Unicode text" is read as such; stripped zeros are warned about; a skewed lot is explained in English and French', async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    const pharmacist = veil.user('unblinded_pharmacist');
    await login(page, pharmacist.username, pharmacist.password);
    await homeRole(page);
    await openStudySetup(page);
    const fileInput = page.getByTestId('list-import').locator('input[type="file"]');

    // The bytes as Excel wrote them (UTF-16LE with a byte-order mark, tabs): the SHA-256 shown is the file's.
    const unicodeText = readFileSync(join(process.cwd(), 'tests', 'fixtures', 'lists', 'kits-excel-unicode-text-utf16le.txt'));
    await fileInput.setInputFiles({ name: 'kits-excel-unicode-text-utf16le.txt', mimeType: 'text/plain', buffer: unicodeText });
    await page.getByTestId('list-valid').waitFor();
    expect(await page.getByTestId('list-row-count').innerText()).toContain('6 kits');
    expect(await page.getByTestId('list-sha256').innerText()).toBe(createHash('sha256').update(unicodeText).digest('hex'));
    expect(await page.getByTestId('list-encoding').innerText()).toBe('Read as UTF-16 little-endian (Excel “Unicode text”).');
    await screenshot(page, 'list-unicode-text-en');

    // Kit numbers of 3 and 4 digits, none starting with 0: a spreadsheet may have dropped leading zeros.
    await fileInput.setInputFiles(csv('zeros.csv', ['kit_number,arm,lot,expiry_date', '998,PLACEBO,MX26Z001,2028-06-30', '999,DUPI300,MX26Z001,2028-06-30', '1000,DUPI300,MX26Z001,2028-06-30']));
    await page.getByTestId('list-warnings').waitFor();
    expect(await page.getByTestId('list-warnings').innerText()).toContain('a spreadsheet may have removed leading zeros');
    expect(await page.getByTestId('list-import-button').isEnabled()).toBe(true); // a warning, not a refusal

    // A lot of 40 DUPI300 and 1 PLACEBO among the study's kits: named, with what a shared lot would hold.
    const skewed = Array.from({ length: 41 }, (_, i) => `${970001 + i * 7},${i === 20 ? 'PLACEBO' : 'DUPI300'},DP26X040,2028-06-30`);
    await fileInput.setInputFiles(csv('skewed.csv', ['kit_number,arm,lot,expiry_date', ...skewed]));
    await page.getByTestId('list-valid').waitFor();
    // The same 41 kits also share one date and have no GTIN or serial, so those attributes are named too: read the lot's.
    const finding = page.getByTestId('risk-finding-list').locator('[data-kind="value_arm_mix"]').filter({ hasText: 'DP26X040' });
    expect(await finding.innerText()).toMatch(/^Lot DP26X040 \(41 kits\): 40 DUPI300 and 1 PLACEBO, where about [\d.]+ and [\d.]+ would be expected if it were shared like the other kits\.$/);
    await page.getByTestId('risk-findings').scrollIntoViewIfNeeded();
    await screenshot(page, 'list-risk-lot-mix-en', { fullPage: false });
    await page.getByTestId('language-switch').getByText('Français').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="risk-findings"]')?.textContent?.includes('Le lot DP26X040'));
    expect(await finding.innerText()).toMatch(/^Le lot DP26X040 \(41 kits\) : 40 DUPI300 et 1 PLACEBO, là où une répartition sans lien avec le bras en donnerait environ [\d,]+ et [\d,]+\.$/);
    await screenshot(page, 'list-risk-lot-mix-fr', { fullPage: false });
    await page.getByTestId('language-switch').getByText('English').click();
    expect(problems).toEqual([]);
    await logout(page);
    await context.close();
  });
});
