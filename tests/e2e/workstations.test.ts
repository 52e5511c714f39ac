import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgresCluster';
import { launchBrowser, login, homeRole, openPage } from './helpers/browser';
import { loginAs } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/**
 * Issue 13, item 5: a change made at one workstation reaches the other workstations' open screens within a second.
 * Two `veil serve` processes on one PostgreSQL database (two workstations), a browser page on each: the pharmacist
 * registers a patient at workstation A; the investigator's patients list, open at workstation B, shows the patient
 * within a second, without being reloaded (records.changed: the commit's NOTIFY, B's LISTEN, B's event stream, the
 * list's useRecordsChanged).
 */
let cluster: PostgresCluster;
let a: VeilServer;
let b: VeilServer;
let browser: Browser;

beforeAll(async () => {
  cluster = await startPostgresCluster();
  const database = await cluster.createDatabase();
  a = await startVeil({ demo: true, database });
  // B opens the database A has set up and seeded: the same users, study and kits.
  b = await startVeil({ database });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await b?.stop();
  await a?.stop();
  cluster?.stop();
});

describe('two workstations on one PostgreSQL database, a browser page on each', () => {
  it("a patient registered at A shows on B's open patients list within a second, without reloading B", async () => {
    const pageA = await openPage(browser);
    const pageB = await openPage(browser);
    await pageA.page.goto(a.url);
    await loginAs(pageA.page, a, 'unblinded_pharmacist');
    await pageA.page.getByTestId('nav-patients').click();
    await pageA.page.getByTestId('patients-page').waitFor();

    const investigator = a.user('investigator');
    await pageB.page.goto(b.url);
    await login(pageB.page, investigator.username, investigator.password);
    expect(await homeRole(pageB.page)).toBe('investigator');
    await pageB.page.getByTestId('nav-patients').click();
    await pageB.page.getByTestId('patients-page').waitFor();
    await pageB.page.getByTestId('patients-table').or(pageB.page.getByTestId('patients-empty')).first().waitFor();
    // A mark on B's document: gone if B were reloaded rather than told.
    await pageB.page.evaluate(() => ((window as unknown as { veilMark: number }).veilMark = 13));
    expect(await pageB.page.getByTestId('patient-row-S-777').count()).toBe(0);

    await pageA.page.getByTestId('register-patient').click();
    await pageA.page.getByTestId('register-screening-number').fill('S-777');
    await pageA.page.getByTestId('register-initials').fill('jd');
    await pageA.page.getByTestId('register-year-of-birth').fill('1980');
    await pageA.page.getByTestId('register-investigator').fill('Dr Inès Moreau');
    const submitted = Date.now();
    await pageA.page.getByTestId('register-submit').click();
    // The modal closes once A's host has answered: the unit of work is committed.
    await pageA.page.getByTestId('register-patient-modal').waitFor({ state: 'detached' });
    const committed = Date.now();
    await pageB.page.getByTestId('patient-row-S-777').waitFor({ timeout: 5000 });
    const shown = Date.now();
    process.stdout.write(`A submit -> A committed ${committed - submitted} ms; A committed -> shown on B ${shown - committed} ms\n`);
    expect(shown - committed).toBeLessThan(1000);
    expect(await pageB.page.evaluate(() => (window as unknown as { veilMark?: number }).veilMark)).toBe(13);

    expect(pageA.problems).toEqual([]);
    expect(pageB.problems).toEqual([]);
    await pageA.context.close();
    await pageB.context.close();
  });
});
