import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoClock } from '../../main/core/clock';
import { seedDemo, type DemoResult } from '../../main/core/demo/demoSeed';
import { startHost, type Host } from '../../main/host/server';
import { openVeilCoreInternals, type VeilCoreInternals } from '../../main/core/veilCore';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgresCluster';
import { homeRole, launchBrowser, login, openPage, openUserMenu, screenshot } from './helpers/browser';
import { REPO_ROOT } from './helpers/paths';

/**
 * Issue 13, item 4: the administrator points a desktop workstation at the pharmacy's PostgreSQL server on screen.
 * The page is served in process by a core that has the desktop's setting (Electron cannot run here): the admin tries a
 * wrong password and the right one (nothing written), saves, and the setting file holds the server for the next start;
 * the page never shows the password back.
 */
let folder: string;
let core: VeilCoreInternals;
let host: Host;
let demo: DemoResult;
let cluster: PostgresCluster;
let browser: Browser;
const choiceFile = () => join(folder, 'database.json');

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'veil-e2e-database-'));
  [cluster, browser] = await Promise.all([startPostgresCluster(), launchBrowser()]);
  const clock = new DemoClock();
  core = await openVeilCoreInternals({ dbFile: join(folder, 'veil.db'), mode: 'browser', clock, idleSweepMs: 0, desktopDatabase: { choiceFile: choiceFile(), ownFile: join(folder, 'veil.db'), fromEnvironment: false } });
  demo = await seedDemo(core, clock, { history: false });
  host = await startHost({ core, rendererDir: join(REPO_ROOT, 'dist', 'renderer') });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await host?.close();
  core?.close();
  cluster?.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** A new page at the given size and language, the administrator logged in, on Administration → Database. */
async function adminDatabaseTab(locale: string, viewport: { width: number; height: number }) {
  const opened = await openPage(browser, { locale });
  const { page } = opened;
  await page.setViewportSize(viewport);
  await page.goto(host.url);
  const admin = demo.users.find((u) => u.role === 'administrator')!;
  await login(page, admin.username, admin.password);
  await homeRole(page);
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('admin-tab-database').click();
  return opened;
}

describe("the administrator chooses the workstation's database", () => {
  it('tries a server (a wrong password told in words, then the right one, nothing written), saves it for the next start, never shows the password', async () => {
    const url = await cluster.createDatabase();
    const password = decodeURIComponent(new URL(url).password);
    const { context, page, problems } = await adminDatabaseTab('en-US', { width: 1440, height: 900 });
    await expect.poll(() => page.getByTestId('database-current').innerText()).toContain(join(folder, 'veil.db'));
    await screenshot(page, 'admin-database-en');

    // A server without its address: the contract's refusal on the field.
    await page.getByTestId('database-engine').getByText('PostgreSQL server').click();
    await page.getByTestId('database-test').click();
    await expect.poll(() => page.getByTestId('database-form').innerText()).toContain("Write the server's address");

    // The address without its password, and the password in its own masked field.
    const address = new URL(url);
    address.password = '';
    await page.getByTestId('database-url').fill(address.href);
    expect(await page.getByTestId('database-password').getAttribute('type')).toBe('password');
    await page.getByTestId('database-password').fill('not-the-password');
    await page.getByTestId('database-test').click();
    await expect.poll(() => page.getByTestId('database-form').innerText()).toMatch(/refused the user name or password of "veil"/);

    await page.getByTestId('database-password').fill(password);
    await page.getByTestId('database-test').click();
    await expect.poll(() => page.getByTestId('database-probe').innerText()).toMatch(/The database is empty: Veil creates its tables there at the next start\. Nothing was written\./);
    await screenshot(page, 'admin-database-tried-en');

    await page.getByTestId('database-save').click();
    await page.getByTestId('database-saved').waitFor();
    await expect.poll(() => page.getByTestId('database-next').innerText()).toMatch(/PostgreSQL server\s+postgres:\/\/veil@127\.0\.0\.1:\d+\/veil_/);
    // The password is in the workstation's file, and nowhere on the page (its field is masked).
    expect(await page.locator('body').innerText()).not.toContain(password);
    expect(JSON.parse(readFileSync(choiceFile(), 'utf8'))).toEqual({ version: 1, choice: { engine: 'postgres', url, caFile: null } });
    expect(problems).toEqual([]);
    // The host mirrors one desktop window: log out so the next page starts at the login screen.
    await openUserMenu(page);
    await page.getByTestId('menu-logout').click();
    await page.getByTestId('login-screen').waitFor();
    await context.close();
  });

  it('in French, at 1280x720: the same screen, the server named for the next start', async () => {
    const { context, page, problems } = await adminDatabaseTab('fr-FR', { width: 1280, height: 720 });
    await expect.poll(() => page.getByTestId('database-next').innerText()).toMatch(/Serveur PostgreSQL/);
    await expect.poll(() => page.getByTestId('database-panel').innerText()).toContain('Au prochain démarrage');
    await screenshot(page, 'admin-database-fr');
    expect(problems).toEqual([]);
    await context.close();
  });
});
