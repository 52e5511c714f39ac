import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from './helpers/browser';
import { SCREENSHOT_DIR } from './helpers/paths';
import { importExtraKits, loginAs, screenshot } from './helpers/pharmacy';
import { startVeil, type VeilServer } from './helpers/veilServer';

/** This machine may be busy: give the screen time to follow. */
const SLOW = { timeout: 10_000 };

/**
 * The devices screen in browser mode with the device simulator (`veil serve --demo`): the virtual HID POS scanner and
 * DYMO, the loopback Zebra, the developer panel that scans a kit through the production driver, printing from the
 * label queue and the label preview. And a simulated HID POS scan landing in a workflow's scan field as source
 * "scanner".
 */
describe('devices screen (simulator)', () => {
  let veil: VeilServer;
  let browser: Browser;

  beforeAll(async () => {
    [veil, browser] = await Promise.all([startVeil({ demo: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await veil?.stop();
  });

  it('shows the virtual devices, scans a kit through the driver, prints from the queue and previews a label', async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    await loginAs(page, veil, 'pharmacy_technician');
    await page.getByTestId('nav-devices').click();
    await page.locator('[data-testid="devices-page"][data-simulator="true"]').waitFor();

    // The virtual scanner and printers, in words.
    await page.getByTestId('simulator-notice').waitFor();
    expect(await page.getByTestId('scanner-row').getAttribute('data-connected')).toBe('true');
    expect(await page.getByTestId('scanner-state').textContent()).toBe('Connected');
    expect(await page.locator('[data-testid="printer-row"][data-printer^="dymo:"] [data-testid="printer-state"]').textContent()).toBe('Connected');
    expect(await page.locator('[data-testid="printer-row"][data-printer="simulated_zebra"] [data-testid="printer-state"]').textContent()).toBe('Not checked yet');

    // Scan kit: the code typed in the developer panel goes out as HID reports and comes back as a scan.
    const queue = (await veil.rpc('labels.queue', { pendingOnly: true })).body.value as Array<{ kitNumber: string; kind: string }>;
    const kit = queue.find((q) => q.kind === 'syringe')!.kitNumber;
    await page.getByTestId('scan-kit-code').fill(kit);
    await page.getByTestId('scan-kit-submit').click();
    await page.getByTestId('scan-kit-sent').waitFor();
    expect(await page.getByTestId('scan-kit-sent').innerText()).toMatch(/1 HID report sent by Virtual HID POS scanner\. First report: ?02 06 5d 43 30/);
    await expect.poll(() => page.getByTestId('scan-kit-last-code').innerText(), SLOW).toBe(`]C0${kit}`);
    await expect.poll(() => page.getByTestId('scanner-row').innerText(), SLOW).toMatch(/1 scan\b/);

    // Print the kit's syringe label on the virtual DYMO from "Still to print"; the job is printed and the DYMO's
    // decoded output appears in the panel.
    await page.getByTestId(`print-${kit}-syringe`).click();
    await page.locator('[data-testid^="job-row-"][data-status="printed"]').first().waitFor();
    await expect.poll(() => page.getByTestId('queue-counts').innerText(), SLOW).toMatch(/0 waiting · 0 failed · 1 printed/);
    await page.getByTestId('sim-dymo-output').locator('img').waitFor();
    await expect.poll(() => page.getByTestId('sim-dymo-output').innerText(), SLOW).toMatch(/printed \(1 label\)/);

    // Carton label on the loopback Zebra.
    await page.getByTestId(`print-${kit}-carton`).click();
    await expect.poll(() => page.getByTestId('queue-counts').innerText(), SLOW).toMatch(/2 printed/);
    await expect.poll(() => page.getByTestId('sim-zpl-output').innerText(), SLOW).toMatch(/\^XA/);

    // Test print on the DYMO.
    await page.getByTestId('printer-test-syringe').click();
    await page.locator('[data-testid="printer-test-result-syringe"][data-ok="true"]').waitFor();

    // Preview of the kit's syringe and carton labels.
    await page.getByTestId('preview-kit').selectOption(kit);
    await page.locator(`[data-testid="label-preview"][data-kit="${kit}"][data-kind="syringe"] img`).waitFor();
    await page.getByTestId('devices-preview').screenshot({ path: join(SCREENSHOT_DIR, 'devices-label-preview-syringe-en.png') });
    await page.getByTestId('preview-kind').getByText('Carton labels').click();
    await page.locator(`[data-testid="label-preview"][data-kit="${kit}"][data-kind="carton"] img`).waitFor();
    await page.waitForTimeout(300);
    await page.getByTestId('devices-preview').screenshot({ path: join(SCREENSHOT_DIR, 'devices-label-preview-carton-en.png') });
    await page.getByTestId('scan-kit-panel').screenshot({ path: join(SCREENSHOT_DIR, 'devices-scan-kit-panel-en.png') });
    await screenshot(page, 'devices-en');
    // The same screen in French: words for every state, no key left untranslated.
    await page.getByTestId('language-switch').getByText('Français').click();
    await expect.poll(() => page.getByTestId('scanner-state').textContent(), SLOW).toBe('Connecté');
    expect(await page.getByTestId('devices-page').innerText()).not.toMatch(/devices\.[a-z]+\./);
    await screenshot(page, 'devices-fr');
    await page.getByTestId('language-switch').getByText('English').click();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a failed print keeps the job with its reason, and Retry prints it', async () => {
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    await loginAs(page, veil, 'pharmacy_technician');
    await page.getByTestId('nav-devices').click();
    await page.locator('[data-testid="devices-page"][data-simulator="true"]').waitFor();
    // The carton printer pointed at a port where nothing listens: the print fails, the job stays.
    await page.getByTestId('printer-type-carton').selectOption('zebra_tcp');
    await page.getByTestId('printer-setup-carton').getByLabel('Printer address').fill('127.0.0.1');
    await page.getByTestId('printer-setup-carton').getByLabel('Port').fill('9');
    await page.getByTestId('printer-save-carton').click();
    await expect.poll(() => page.locator('[data-testid="printer-row"][data-printer="zebra_tcp:127.0.0.1:9"]').count(), SLOW).toBe(1);
    const queue = (await veil.rpc('labels.queue', { pendingOnly: true })).body.value as Array<{ kitNumber: string; kind: string }>;
    const kit = queue.find((q) => q.kind === 'carton')!.kitNumber;
    await page.getByTestId(`print-${kit}-carton`).click();
    const failed = page.locator('[data-testid^="job-row-"][data-status="failed"]');
    await failed.waitFor();
    expect(await failed.getByTestId('job-error').innerText()).toMatch(/Nothing answers at 127\.0\.0\.1:9 \(connection refused\)/);
    await screenshot(page, 'devices-failed-job-en');

    // Back to the loopback Zebra, then Retry: the same job is printed.
    await page.getByTestId('printer-type-carton').selectOption('simulated_zebra');
    await page.getByTestId('printer-save-carton').click();
    await expect.poll(() => page.locator('[data-testid="printer-row"][data-printer="zebra_tcp:127.0.0.1:9"]').count(), SLOW).toBe(0);
    const jobId = (await failed.getAttribute('data-testid'))!.replace('job-row-', '');
    await page.getByTestId(`job-retry-${jobId}`).click();
    await page.locator(`[data-testid="job-row-${jobId}"][data-status="printed"]`).waitFor();
    expect(problems.filter((p) => !p.includes('409'))).toEqual([]);
    await context.close();
  });

  it('a simulated HID POS scan lands in the receiving scan field as source "scanner"', async () => {
    const kits = ['7400001', '7400002'];
    await importExtraKits(veil, kits.map((kitNumber) => ({ kitNumber, arm: 'DUPI300' })));
    await veil.logoutWindow();
    const { context, page, problems } = await openPage(browser);
    await page.goto(veil.url);
    await loginAs(page, veil, 'pharmacy_technician');
    await page.getByTestId('nav-receive').click();
    await page.getByTestId('new-shipment').click();
    await page.getByTestId('shipment-reference').fill('HID-POS-TEST');
    await page.locator('[data-testid="shipment-from"] label', { hasText: 'Kit numbers' }).click();
    await page.getByTestId('shipment-kits').fill(kits.join(' '));
    await page.getByTestId('create-shipment-submit').click();
    await page.getByTestId('receiving-screen').waitFor();
    // The developer panel's channel, called as the page would (same window): the scan arrives as a devices.scan event.
    const answer = await veil.rpc('devices.simulateScan', { code: kits[0] });
    expect(answer.status).toBe(200);
    await page.locator('[data-testid="receive-verdict"][data-verdict="accepted"]').waitFor();
    expect(await page.getByTestId('receive-verdict-source').getAttribute('data-source')).toBe('scanner');
    await expect.poll(() => page.getByTestId('receive-verdict-code').innerText(), SLOW).toBe(kits[0]);
    await screenshot(page, 'devices-hid-scan-in-receiving-en', { fullPage: false });
    expect(problems).toEqual([]);
    await context.close();
  });
});
