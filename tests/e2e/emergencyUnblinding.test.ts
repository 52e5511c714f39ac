import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/roles';
import { launchBrowser, openPage } from './helpers/browser';
import { armOfSlot, asPharmacist, loginAs, logout, screenshot, sign } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * Emergency unblinding in Chromium against `veil serve --demo`: the investigator breaks the blind for one patient
 * (reason, adverse event, the sealed envelope's passphrase, e-signature) and sees that patient's arm, in a panel that
 * "Close" wipes and that leaving the page drops. Every other window is notified (patient, who, when, adverse event)
 * and learns no arm: the test logs in as monitor, technician, pharmacist and administrator in other windows, reads the
 * notice and every page they can open, and downloads each blinded report as the monitor (CSV, and PDF through
 * pdftotext), checking the audit seal and that no arm word is in any of them.
 */

/** The blinded product name and the study title mention placebo on purpose; anything else naming an arm is a leak. */
const ALLOWED = [/dupilumab 300 mg\/2 mL or placebo/gi, /placebo-controlled trial/gi];
const ARM_PATTERNS = [/DUPI300/i, /placebo/i, /Dupilumab 300 mg/i];

function armWordsIn(text: string): string[] {
  let rest = text.replace(/\s+/g, ' ');
  for (const allowed of ALLOWED) rest = rest.replace(allowed, '');
  return ARM_PATTERNS.filter((p) => p.test(rest)).map((p) => p.source);
}

async function armWordsOnScreen(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => document.body.innerText);
  const html = await page.content();
  return [...new Set([...armWordsIn(text), ...armWordsIn(html)])];
}

/** Every page the navigation offers this user (and each tab of the reconciliation), checked for arm words. */
async function visitEveryPage(page: Page, who: string): Promise<string[]> {
  const visited: string[] = [];
  const ids = (await page.locator('[data-testid^="nav-"]').evaluateAll((links) => links.map((l) => l.getAttribute('data-testid')!.slice('nav-'.length)))).filter((id) => id !== 'toggle');
  for (const id of ids) {
    await page.getByTestId(`nav-${id}`).click();
    // Let the page load its data (its loaders gone) before reading it.
    await page.waitForTimeout(300);
    await expect.poll(() => page.locator('.mantine-Loader-root').count(), { timeout: 15_000 }).toBe(0);
    expect(await armWordsOnScreen(page), `${who} on ${id}`).toEqual([]);
    visited.push(id);
    if (id === 'reconciliation') {
      for (const tab of ['patients', 'lots', 'discrepancies', 'destruction']) {
        await page.getByTestId(`recon-tab-${tab}`).click();
        await page.waitForTimeout(200);
        expect(await armWordsOnScreen(page), `${who} on reconciliation/${tab}`).toEqual([]);
      }
    }
  }
  await page.getByTestId('nav-home').click();
  return visited;
}

interface Patient {
  id: number;
  screeningNumber: string;
  randomizationNumber: string | null;
  status: string;
}

describe('emergency unblinding: one patient, one investigator, nobody else', () => {
  let veil: VeilServer;
  let browser: Browser;
  let patient: Patient;
  let arm: string;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
    const patients = await asPharmacist(veil, async (call) => (await call('patients.list', {})) as Patient[]);
    patient = patients.find((p) => p.status === 'randomized' && p.randomizationNumber && p.screeningNumber !== 'S-001')!;
    arm = armOfSlot(veil, patient.randomizationNumber!);
  });
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('reveals the arm to the investigator only; other windows are notified without it; reports carry no arm', async () => {
    expect(veil.codeBreakPassphrase).toBeTruthy();
    await veil.logoutWindow();
    const investigatorWindow = await openPage(browser);
    const others = new Map<Role, Awaited<ReturnType<typeof openPage>>>();
    for (const role of ['monitor', 'pharmacy_technician', 'unblinded_pharmacist', 'administrator'] as const) others.set(role, await openPage(browser));
    // Every window is open (at the login screen) before the unblinding: each must hear of it.
    for (const { page } of [investigatorWindow, ...others.values()]) {
      await page.goto(veil.url);
      await page.getByTestId('login-screen').waitFor();
    }

    const page = investigatorWindow.page;
    await loginAs(page, veil, 'investigator');
    await page.getByTestId('nav-emergency').click();
    await page.getByTestId('emergency-warning').waitFor();
    expect(await page.getByTestId('emergency-warning').innerText()).toContain('recorded in the audit trail');
    expect(await page.getByTestId('emergency-warning').innerText()).toContain('notified');
    await screenshot(page, 'emergency-form-empty');

    async function fill(reason: string, adverse: 'yes' | 'no', passphrase: string) {
      await page.getByTestId('emergency-patient').click();
      await page.getByRole('option', { name: new RegExp(`^${patient.screeningNumber} `) }).click();
      await page.getByTestId('emergency-reason').fill(reason);
      await page.getByTestId(`emergency-adverse-${adverse}`).check();
      await page.getByTestId('emergency-passphrase').fill(passphrase);
    }

    // A wrong passphrase reveals nothing and notifies nobody.
    await fill('Anaphylactic reaction 20 minutes after the injection; ICU needs the treatment', 'yes', 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF-GGGGG-HHHHH');
    await page.getByTestId('emergency-submit').click();
    await page.getByTestId('emergency-summary').waitFor();
    await screenshot(page, 'emergency-signature', { fullPage: false });
    await sign(page, veil, 'investigator');
    await page.getByTestId('emergency-error').waitFor();
    expect(await page.getByTestId('emergency-error').innerText()).toContain('passphrase is wrong');
    expect(await page.getByTestId('emergency-passphrase').inputValue()).toBe('');
    expect(await page.locator('[data-testid="emergency-revealed"]').count()).toBe(0);
    expect(await armWordsOnScreen(page)).toEqual([]);
    await screenshot(page, 'emergency-wrong-passphrase');

    // The right passphrase: that one patient's treatment, in a large marked panel, for the investigator.
    await page.getByTestId('emergency-passphrase').fill(veil.codeBreakPassphrase!);
    await page.getByTestId('emergency-submit').click();
    await page.getByTestId('emergency-summary').waitFor();
    await sign(page, veil, 'investigator');
    await page.getByTestId('emergency-revealed').waitFor();
    expect(await page.getByTestId('emergency-arm-code').innerText()).toContain(arm);
    expect(await page.getByTestId('emergency-arm-name').innerText()).toBe(arm === 'PLACEBO' ? 'Placebo' : 'Dupilumab 300 mg');
    expect(await page.getByTestId('emergency-revealed').innerText()).toContain(patient.screeningNumber);
    // The detector does see an arm when one is on screen (the checks below would catch a leak).
    expect(await armWordsOnScreen(page)).not.toEqual([]);
    await page.getByTestId('unblinding-notice').first().waitFor();
    await screenshot(page, 'emergency-revealed');

    // The next step, below the treatment: notify the sponsor. What to send names the patient, the date and the reason,
    // never the arm (issue 11, item 9).
    const step = page.getByTestId('sponsor-step');
    await step.waitFor();
    const notice = await page.getByTestId('sponsor-notice-text').innerText();
    expect(notice).toContain(`Patient ${patient.screeningNumber}, randomization number ${patient.randomizationNumber}`);
    expect(notice).toContain('Reason: Anaphylactic reaction 20 minutes after the injection');
    expect(notice).toContain('For an adverse event: yes');
    expect(armWordsIn(notice)).toEqual([]);
    expect(await step.innerText()).toContain('CHU de Toulouse');
    expect(armWordsIn(await step.innerText())).toEqual([]);
    await page.getByTestId('sponsor-reference').fill('E-mail to the sponsor safety desk, UNB-01');
    await page.getByTestId('sponsor-record').click();
    await page.getByTestId('sponsor-notified').waitFor();
    expect(await page.getByTestId('sponsor-notified').innerText()).toContain('E-mail to the sponsor safety desk, UNB-01');
    await screenshot(page, 'emergency-sponsor-step');

    // Close wipes it from the screen.
    await page.getByTestId('emergency-close').click();
    await page.getByTestId('emergency-form').waitFor();
    expect(await page.locator('[data-testid="emergency-revealed"]').count()).toBe(0);
    expect(await armWordsOnScreen(page)).toEqual([]);
    expect(await page.getByTestId('emergency-records').innerText()).toContain(patient.screeningNumber);
    // The badge's label is shown in capitals (Mantine's badge style): the words are compared without case.
    expect((await page.getByTestId('emergency-records').innerText()).toLowerCase()).toContain('unblinded (emergency)');
    expect(await page.locator('[data-testid^="emergency-record-sponsor-"]').first().innerText()).toContain('UNB-01');
    await screenshot(page, 'emergency-closed');

    // A second unblinding, the passphrase typed as read aloud (lower case, spaces between the groups), then leaving the
    // page without Close: coming back shows the form, not the arm.
    await fill('Second episode: the anaesthetist asks again before surgery', 'no', veil.codeBreakPassphrase!.replace(/-/g, ' ').toLowerCase());
    await page.getByTestId('emergency-submit').click();
    await sign(page, veil, 'investigator');
    await page.getByTestId('emergency-revealed').waitFor();
    await page.getByTestId('nav-home').click();
    await page.getByTestId('home-page').waitFor();
    expect(await armWordsOnScreen(page)).toEqual([]);
    await page.getByTestId('nav-emergency').click();
    await page.getByTestId('emergency-form').waitFor();
    expect(await page.locator('[data-testid="emergency-revealed"]').count()).toBe(0);
    expect(await armWordsOnScreen(page)).toEqual([]);
    // The second unblinding's sponsor step, from the records: still to do.
    expect(await page.locator('[data-testid^="emergency-notify-"]').count()).toBe(1);
    await logout(page);
    expect(investigatorWindow.problems).toEqual([]);
    // The record says who, when, why and which patient (never the arm).
    const records = await asPharmacist(veil, async (call) => (await call('emergency.list', {})) as Array<{ screeningNumber: string; by: string; reason: string; adverseEvent: boolean }>);
    expect(records.map((r) => [r.screeningNumber, r.adverseEvent])).toEqual([
      [patient.screeningNumber, true],
      [patient.screeningNumber, false],
    ]);
    expect(armWordsIn(JSON.stringify(records))).toEqual([]);
    const investigatorName = records[0]!.by;

    // Every other window was told, without the arm; no page they can open shows one.
    for (const [role, { page: other, problems }] of others) {
      await loginAs(other, veil, role);
      const notices = other.getByTestId('unblinding-notice');
      await expect.poll(() => notices.count()).toBe(2);
      const first = await notices.first().innerText();
      expect(first).toContain(`Patient ${patient.screeningNumber} was unblinded by ${investigatorName} at `);
      expect(first).toContain('For an adverse event.');
      expect(await notices.nth(1).innerText()).toContain('Not for an adverse event.');
      expect(armWordsIn(first)).toEqual([]);
      expect(await armWordsOnScreen(other)).toEqual([]);
      if (role === 'monitor') {
        await screenshot(other, 'emergency-notice-other-window');
        // The patient carries the flag on the patients screen, for a blinded user too (issue 11, item 9).
        await other.getByTestId('nav-patients').click();
        await other.getByTestId(`patient-row-${patient.screeningNumber}`).waitFor();
        const flag = other.getByTestId(`emergency-flag-${patient.screeningNumber}`);
        await flag.waitFor();
        expect(await flag.innerText()).toMatch(/^Unblinded \(emergency\)$/i);
        expect(await other.locator('[data-testid^="emergency-flag-"]').count()).toBe(1);
        await screenshot(other, 'patients-emergency-flag');
        await other.getByTestId(`open-patient-${patient.screeningNumber}`).click();
        await other.getByTestId('patient-detail').waitFor();
        await other.getByTestId(`emergency-flag-${patient.screeningNumber}`).waitFor();
        expect(await armWordsOnScreen(other)).toEqual([]);
        await other.getByTestId('nav-home').click();
      }
      const visited = await visitEveryPage(other, role);
      expect(visited.length).toBeGreaterThan(role === 'administrator' ? 0 : 2);

      if (role === 'monitor') {
        // Each blinded report, CSV and PDF: the audit seal is printed, no arm word is.
        await other.getByTestId('nav-reports').click();
        await other.getByTestId('reports-blinded').waitFor();
        expect(await other.locator('[data-testid="reports-unblinded"]').count()).toBe(0);
        await screenshot(other, 'reports-monitor');
        for (const report of ['accountability', 'inventory', 'expiring', 'patient_history']) {
          for (const format of ['csv', 'pdf'] as const) {
            const [download] = await Promise.all([other.waitForEvent('download'), other.getByTestId(`report-blinded-${report}-${format}`).click()]);
            const file = await download.path();
            expect(download.suggestedFilename()).toMatch(new RegExp(`\\.${format}$`));
            const bytes = readFileSync(file);
            const text = format === 'csv' ? bytes.toString('utf8') : execFileSync('pdftotext', ['-', '-'], { input: bytes, encoding: 'utf8' });
            if (format === 'pdf') expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
            const seal = /Audit seal.{0,40}?event (\d+)\D{1,5}([0-9a-f]{64})/.exec(text.replace(/\s+/g, ' '));
            expect(seal, `the audit seal in ${report}.${format}`).not.toBeNull();
            expect(download.suggestedFilename()).toContain(`seal-${seal![1]}`);
            expect(armWordsIn(text), `${report}.${format}`).toEqual([]);
          }
        }
        await other.getByTestId('reports-downloaded').waitFor();
        await screenshot(other, 'reports-monitor-downloaded');
      }
      if (role === 'unblinded_pharmacist') {
        // The pharmacist's unblinded reports stand apart, labelled; the page itself names no arm.
        await other.getByTestId('nav-reports').click();
        await other.getByTestId('reports-unblinded').waitFor();
        expect(await other.getByTestId('reports-unblinded-label').innerText()).toBe('UNBLINDED');
        await screenshot(other, 'reports-unblinded-section');
        await other.getByTestId('nav-home').click();
      }
      await other.getByTestId('unblinding-notice-acknowledge').first().click();
      await expect.poll(() => notices.count()).toBe(1);
      await logout(other);
      expect(problems, role).toEqual([]);
    }
    for (const { context } of [investigatorWindow, ...others.values()]) await context.close();
    }, 300_000);
});
