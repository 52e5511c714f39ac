import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, ROLE_IS_BLINDED, type Role } from '../../shared/roles';
import { findArmWords, type SponsorTruth } from '../security/leak/leakDetector';
import { launchBrowser, login, openPage } from './helpers/browser';
import { tourAllScreens, visibleText } from './helpers/screens';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * The blinding leak test over the screens: every blinded role logs in and visits every screen its navigation offers,
 * every tab of each, and the page text is searched for arm words with the same detector as the channel leak test.
 * One patient is emergency-unblinded first, so the screens are checked in the state where an arm is known to one
 * investigator. A planted leak proves the check bites.
 */
let veil: VeilServer;
let browser: Browser;
let truth: SponsorTruth;

beforeAll(async () => {
  veil = await startVeil({ demo: true });
  browser = await launchBrowser();
  const study = JSON.parse(readFileSync('studies/ns-dupi.json', 'utf8')) as { title: string; product: { blindedName: string }; arms: Array<{ code: string; name: string }> };
  const armOf = new Map<string, string>();
  for (const file of [veil.lists!.randomization, veil.lists!.kits]) {
    for (const row of Papa.parse<Record<string, string>>(readFileSync(file, 'utf8').trim(), { header: true }).data) armOf.set(row.randomization_number ?? row.kit_number!, row.arm!);
  }
  truth = { armWords: study.arms.flatMap((a) => [a.code, a.name]), sharedBlindedPhrases: [study.product.blindedName, study.title], armOf };
  // An emergency unblinding happened: its arm must stay with the investigator's one answer.
  const investigator = veil.user('investigator');
  await veil.rpc('session.login', { username: investigator.username, password: investigator.password });
  const patients = (await veil.rpc('patients.list')).body.value as Array<{ id: number; status: string }>;
  const target = patients.find((p) => p.status === 'randomized')!;
  const unblinded = await veil.rpc('emergency.unblind', {
    patientId: target.id,
    reason: 'Severe allergic reaction after the injection',
    adverseEvent: true,
    passphrase: veil.codeBreakPassphrase!,
    signature: { username: investigator.username, password: investigator.password },
  });
  expect(unblinded.status).toBe(200);
  await veil.logoutWindow();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await veil?.stop();
});

describe('no screen shows an arm to a blinded role', () => {
  for (const role of ROLES.filter((r) => ROLE_IS_BLINDED[r]) as Role[]) {
    it(`${role}: every screen and tab`, async () => {
      await veil.logoutWindow();
      const { page, context } = await openPage(browser);
      try {
        await page.goto(veil.url);
        await login(page, veil.user(role).username, veil.user(role).password);
        const screens = await tourAllScreens(page);
        expect(screens.length).toBeGreaterThan(1);
        const leaks = screens.flatMap((s) => findArmWords(`${role} ${s.where}`, s.text, truth));
        expect(leaks).toEqual([]);
      } finally {
        await context.close();
      }
    }, 180_000);
  }

  it('the screen check fails on a planted leak', async () => {
    await veil.logoutWindow();
    const { page, context } = await openPage(browser);
    try {
      await page.goto(veil.url);
      await login(page, veil.user('monitor').username, veil.user('monitor').password);
      await page.getByTestId('home-page').waitFor();
      await page.evaluate(() => {
        const note = document.createElement('p');
        note.textContent = 'Kit 123456 (placebo)';
        document.querySelector('[data-testid="home-page"]')!.appendChild(note);
      });
      const leaks = findArmWords('monitor home (planted)', await visibleText(page), truth);
      expect(leaks.map((l) => l.detail)).toEqual(expect.arrayContaining([expect.stringContaining('laceb')]));
    } finally {
      await context.close();
    }
  }, 60_000);
});
