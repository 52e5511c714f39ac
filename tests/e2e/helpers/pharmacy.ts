import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import type { Role } from '../../../shared/roles';
import { homeRole, login, openUserMenu, screenshot as saveScreenshot } from './browser';
import type { VeilServer } from './veilServer';

/** Helpers of the pharmacy workflow e2e tests (receive, patients, dispense). */

/** A screenshot from the top of the page (a full-page picture taken while scrolled shifts the fixed header). */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (options.fullPage !== false) await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, name, options);
}

export async function logout(page: Page): Promise<void> {
  await openUserMenu(page);
  await page.getByTestId('menu-logout').click();
  await page.getByTestId('login-screen').waitFor();
}

export async function loginAs(page: Page, veil: VeilServer, role: Role): Promise<void> {
  const user = veil.user(role);
  await login(page, user.username, user.password);
  await homeRole(page);
}

/** Signs the open signature dialog as the demo user of `role` (the username too when the dialog asks for it). */
export async function sign(page: Page, veil: VeilServer, role: Role): Promise<void> {
  const user = veil.user(role);
  const dialog = page.getByTestId('signature-form');
  await dialog.waitFor();
  if (await page.getByTestId('signature-username').isVisible()) await page.getByTestId('signature-username').fill(user.username);
  await page.getByTestId('signature-password').fill(user.password);
  await page.getByTestId('signature-submit').click();
  await dialog.waitFor({ state: 'detached' });
}

/**
 * A keyboard-wedge scanner: the code then Enter, into whatever has the focus, through Chromium's real keyboard input
 * (CDP Input.dispatchKeyEvent). Like the operating system does for a real scanner, each key carries its own time
 * (`msPerKey` apart, 5 ms by default, or the given `gaps` between keys, Enter included), so the burst keeps its
 * scanner timing even when this machine is busy; the page sees what it would see from a scanner.
 */
export async function wedgeScan(page: Page, code: string, msPerKey = 5, options: { gaps?: readonly number[]; suffix?: 'Enter' | 'Tab' } = {}): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    let at = Date.now() / 1000;
    let index = 0;
    const press = async (key: string, text: string | null, codeName: string, keyCode: number) => {
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key, code: codeName, windowsVirtualKeyCode: keyCode, ...(text === null ? {} : { text }), timestamp: at });
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key, code: codeName, windowsVirtualKeyCode: keyCode, timestamp: at + 0.002 });
      at += (options.gaps?.[index++] ?? msPerKey) / 1000;
    };
    for (const ch of code) {
      const upper = ch.toUpperCase();
      const codeName = /[0-9]/.test(ch) ? `Digit${ch}` : /[A-Za-z]/.test(ch) ? `Key${upper}` : '';
      await press(ch, ch, codeName, /[A-Za-z0-9]/.test(ch) ? upper.charCodeAt(0) : 0);
    }
    if (options.suffix === 'Tab') await press('Tab', null, 'Tab', 9);
    else await press('Enter', '\r', 'Enter', 13);
  } finally {
    await cdp.detach();
  }
}

/**
 * The gaps of a scanner burst of `keys` keys (Enter included) at about `msPerKey` as a busy PC or a remote desktop
 * delivers it: each gap jittered (20-180 % of the pace) and one gap held up 75-150 ms, all from a seed (the same seed,
 * the same timings).
 */
export function jitteredGaps(seed: number, keys: number, msPerKey = 5): number[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gaps = Array.from({ length: keys - 1 }, () => msPerKey * (0.2 + 1.6 * random()));
  gaps[Math.floor(random() * gaps.length)] = 75 + 75 * random();
  return gaps;
}

/** A person typing a kit number into the scan field at human speed (120 ms a key), then Enter. */
export async function typeScan(page: Page, fieldTestId: string, code: string): Promise<void> {
  await page.getByTestId(fieldTestId).click();
  await page.keyboard.type(code, { delay: 120 });
  await page.keyboard.press('Enter');
}

export interface KitRow {
  kit_number: string;
  arm: string;
  lot: string;
  expiry_date: string;
  gtin: string;
  serial: string;
}

export function readCsv<T>(path: string): T[] {
  return Papa.parse<T>(readFileSync(path, 'utf8').replace(/^\uFEFF/, '').trim(), { header: true, skipEmptyLines: true }).data;
}

export function demoKits(veil: VeilServer): KitRow[] {
  return readCsv<KitRow>(veil.lists!.kits);
}

/** The arm of a randomization number, from the demo's sponsor list (the test knows it; the screen must not show it). */
export function armOfSlot(veil: VeilServer, randomizationNumber: string): string {
  const row = readCsv<{ randomization_number: string; arm: string }>(veil.lists!.randomization).find((r) => r.randomization_number === randomizationNumber);
  if (!row) throw new Error(`No slot ${randomizationNumber} in the demo randomization list`);
  return row.arm;
}

/** Every arm code of the demo lists (DUPI300, PLACEBO). */
export function armCodes(veil: VeilServer): string[] {
  return [...new Set(demoKits(veil).map((k) => k.arm))];
}

async function rpcOk(veil: VeilServer, channel: string, input: unknown): Promise<unknown> {
  const { body } = await veil.rpc(channel, input);
  if (!body.ok) throw new Error(`${channel}: ${body.error?.message}`);
  return body.value;
}

/**
 * Test set-up through the API, as the unblinded pharmacist (the window's one session; it logs out at the end):
 * imports extra kits into the kit list, with the lots and expiry dates of demo kits of the same arm.
 */
export async function importExtraKits(veil: VeilServer, kits: Array<{ kitNumber: string; arm: string }>): Promise<void> {
  const template = demoKits(veil);
  const rows = kits.map(({ kitNumber, arm }) => {
    const like = template.find((k) => k.arm === arm)!;
    return [kitNumber, arm, like.lot, like.expiry_date, like.gtin, `SN${kitNumber}`];
  });
  const content = Papa.unparse({ fields: ['kit_number', 'arm', 'lot', 'expiry_date', 'gtin', 'serial'], data: rows }) + '\n';
  const pharmacist = veil.user('unblinded_pharmacist');
  await asPharmacist(veil, (call) =>
    call('allocation.importList', { kind: 'kits', fileName: 'NS-DUPI_kit_list_extension.csv', contentBase64: Buffer.from(content, 'utf8').toString('base64'), signature: { username: pharmacist.username, password: pharmacist.password } }),
  );
}

/** Runs API calls as the unblinded pharmacist in the window's one session (set-up and checks), then logs out. */
export async function asPharmacist<T>(veil: VeilServer, work: (call: (channel: string, input: unknown) => Promise<unknown>) => Promise<T>): Promise<T> {
  return asRole(veil, 'unblinded_pharmacist', work);
}

/** Runs API calls as the demo user of `role` in the window's one session, then logs out. */
export async function asRole<T>(veil: VeilServer, role: Role, work: (call: (channel: string, input: unknown) => Promise<unknown>) => Promise<T>): Promise<T> {
  const user = veil.user(role);
  await veil.logoutWindow();
  await rpcOk(veil, 'session.login', { username: user.username, password: user.password });
  try {
    return await work((channel, input) => rpcOk(veil, channel, input));
  } finally {
    await veil.logoutWindow();
  }
}

/**
 * A new patient with a baseline visit due today and its kits on the shelf, through the API as the unblinded
 * pharmacist: `kits` of the arm the next randomization number needs are added to the kit list, received (no
 * temperature alarm), and the patient is registered and randomized. Answers the randomization number.
 */
export async function patientWithKitsOnShelf(veil: VeilServer, screeningNumber: string, kits: string[]): Promise<string> {
  const slot = await nextFreeSlot(veil);
  await importExtraKits(veil, kits.map((kitNumber) => ({ kitNumber, arm: armOfSlot(veil, slot) })));
  const pharmacist = veil.user('unblinded_pharmacist');
  await asPharmacist(veil, async (call) => {
    const shipment = (await call('shipments.create', { reference: `SHP-${screeningNumber}`, from: { kind: 'kits', kitNumbers: kits } })) as { id: number };
    for (const code of kits) await call('shipments.scanKit', { shipmentId: shipment.id, code, source: 'manual' });
    await call('shipments.close', { shipmentId: shipment.id, temperature: 'no_alarm' });
    const patient = (await call('patients.register', { screeningNumber, initials: 'KB', yearOfBirth: 1984, investigator: 'Dr Inès Moreau' })) as { id: number };
    await call('patients.randomize', { patientId: patient.id, signature: { username: pharmacist.username, password: pharmacist.password } });
  });
  return slot;
}

/** The site's today as the core dates days (system.info, public): the workstation's calendar, not the browser's. */
export async function siteToday(veil: VeilServer): Promise<string> {
  return ((await veil.rpc('system.info', {})).body.value as { siteToday: string }).siteToday;
}

/** Kit statuses as the pharmacist's API sees them. */
export async function kitStatuses(veil: VeilServer): Promise<Map<string, string>> {
  return asPharmacist(veil, async (call) => {
    const kits = (await call('inventory.kits', {})) as Array<{ kitNumber: string; status: string }>;
    return new Map(kits.map((k) => [k.kitNumber, k.status]));
  });
}

/** The randomization number the next patient will get: the first slot of the list not given yet (one stratum). */
export async function nextFreeSlot(veil: VeilServer): Promise<string> {
  const used = await asPharmacist(veil, async (call) => new Set(((await call('patients.list', {})) as Array<{ randomizationNumber: string | null }>).map((p) => p.randomizationNumber)));
  const slot = readCsv<{ randomization_number: string }>(veil.lists!.randomization).find((r) => !used.has(r.randomization_number));
  if (!slot) throw new Error('The demo randomization list is used up');
  return slot.randomization_number;
}

/** Arm words that must never be on a blinded or dispensing screen (the demo study's arm codes and names). */
export const ARM_WORDS = ['DUPI300', 'PLACEBO', 'Placebo', 'Dupilumab 300 mg'];

/**
 * The arm words found on the page: the arm codes and names anywhere in its visible text or HTML (attributes
 * included), and "active" (plus any `extraWords`) as whole words, in any case, in its visible text. Empty when none.
 */
export async function armWordsOnPage(page: Page, extraWords: string[] = []): Promise<string[]> {
  const text = await page.evaluate(() => document.body.innerText);
  const html = await page.content();
  const found = ARM_WORDS.filter((w) => text.includes(w) || html.includes(w));
  for (const word of ['active', ...extraWords]) if (new RegExp(`(^|[^\\p{L}])${word}($|[^\\p{L}])`, 'iu').test(text)) found.push(word);
  return found;
}
