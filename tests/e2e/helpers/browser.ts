import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Role } from '../../../shared/roles';
import { SCREENSHOT_DIR } from './paths';

/** Debian's Chromium, headless; never a downloaded browser. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.VEIL_E2E_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * A new window the size of a pharmacy workstation's screen, in English and at Europe/Paris unless told otherwise (the
 * server runs at the machine's zone, UTC in CI: the reader's clock is not the workstation's). `problems` collects
 * what the page reported as wrong: uncaught errors and console errors (a CSP violation is one), except the browser's
 * own note on a refused call's HTTP status, which several tests cause on purpose.
 */
export async function openPage(browser: Browser, options: { locale?: string; timezoneId?: string } = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: options.locale ?? 'en-US', timezoneId: options.timezoneId ?? 'Europe/Paris' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  return { context, page, problems };
}

/** Saves tests/e2e/screenshots/<name>.png; the whole page unless `fullPage: false` (dialogs: what the screen shows). */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let transitions (menus closing, modals opening) settle so the picture shows the state, not an animation.
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: options.fullPage ?? true });
}

export async function login(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-password').press('Enter');
}

/** Waits for the home page and answers the role it shows. */
export async function homeRole(page: Page): Promise<Role> {
  await page.getByTestId('home-page').waitFor();
  return (await page.getByTestId('home-role').getAttribute('data-role')) as Role;
}

/** Logs out through the user menu and waits for the login screen. */
export async function logout(page: Page): Promise<void> {
  await openUserMenu(page);
  await page.getByTestId('menu-logout').click();
  await page.getByTestId('login-screen').waitFor();
}

export async function openUserMenu(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
}

/** Accessibility violations (WCAG 2.1 AA) inside the element `selector` names, each as "rule: where". */
export async function axeViolations(page: Page, selector: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include(selector).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
