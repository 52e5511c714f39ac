import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGs1 } from '../../shared/barcode/gs1';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * The excursion case report for the sponsor (issue 15, item 3), through the router on the demo with its history: a
 * logger file for the study fridge with an excursion on the morning of 27 August (history day 40), when fridge A held
 * all the study's stock: every kit dispensed after it, over the weeks that followed, was in it (a later day would
 * depend on which fridge the dispensings' draws took their kits from). The report's excursion, kits and cumulative times are checked against values computed here
 * from the file and the kits' stays; the dispensed kits are listed; the mixed disposition shows who signed; the
 * printing is audited and the seal printed is the chain's head after it; no arm, real lot or real expiry date.
 */
let t: TestCore;
beforeAll(async () => {
  t = await demoCore({ history: true });
}, 120_000);
afterAll(() => t?.dispose());

async function call(window: string, channel: string, input: unknown) {
  const result = await t.core.dispatch(window, channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value as never;
}
const pdfText = (base64: string) => {
  const out = spawnSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(base64, 'base64'), encoding: 'utf8' });
  expect(out.status).toBe(0);
  return out.stdout;
};
const MINUTE = 60_000;

/** Every 10 minutes from 05:00Z to 11:50Z on 27 August (day 40 of the demo's history), above 8 °C 07:00-08:20Z. */
function loggerFile() {
  const readings: Array<{ at: number; celsius: number }> = [];
  for (let at = Date.parse('2026-08-27T05:00:00Z'); at <= Date.parse('2026-08-27T11:50:00Z'); at += 10 * MINUTE) {
    const out = at >= Date.parse('2026-08-27T07:00:00Z') && at <= Date.parse('2026-08-27T08:20:00Z');
    readings.push({ at, celsius: out ? 8.4 + ((at / MINUTE) % 7) * 0.3 : 4.6 + ((at / MINUTE) % 3) * 0.4 });
  }
  // Local time with a fixed offset (UTC+01:00: a logger left on winter time), as a logger writes it.
  const stamp = (ms: number) => `${new Date(ms + 3_600_000).toISOString().slice(0, 19)}+01:00`;
  const content = ['timestamp;temperature', ...readings.map((r) => `${stamp(r.at)};${r.celsius.toFixed(1)}`)].join('\n');
  const first = readings.findIndex((r) => r.celsius > 8);
  const back = readings.findIndex((r, i) => i > first && r.celsius <= 8);
  return { content, startMs: readings[first]!.at, endMs: readings[back]!.at, worst: Math.max(...readings.map((r) => Number(r.celsius.toFixed(1)))) };
}

describe("the demo's cold chain (issue 15, item 6)", () => {
  it('has two study fridges, a closed case with released and damaged kits, and an open case holding fridge B in quarantine', async () => {
    const monitor = await t.loginAs('monitor', 'demo-cold-chain');
    const locations = (await call(monitor, 'coldChain.locations', {})) as Array<{ id: number; name: string; kind: string }>;
    expect(locations.filter((l) => l.kind === 'fridge').map((l) => l.name).sort()).toEqual(['Fridge A (study drugs)', 'Fridge B (study drugs)']);
    const fridgeB = locations.find((l) => l.name === 'Fridge B (study drugs)')!;

    const cases = (await call(monitor, 'coldChain.excursions', {})) as Array<{ id: number; location: string; open: boolean; start: string; end: string | null; kitCount: number; pendingAssessment: number }>;
    const closed = cases.filter((c) => !c.open);
    const open = cases.filter((c) => c.open);
    expect(closed.map((c) => c.location)).toEqual(['Fridge A (study drugs)']);
    expect(open.map((c) => c.location)).toEqual(['Fridge B (study drugs)']);

    // The closed case: every kit has its disposition, some released and some judged damaged, and the statuses follow.
    const statuses = async (kits: string[]) => Promise.all(kits.map(async (kit) => (await t.sql<{ status: string }>('SELECT status FROM kits WHERE kit_number = ?', kit))[0]!.status));
    const closedView = (await call(monitor, 'coldChain.excursion', { excursionId: closed[0]!.id })) as { kits: Array<{ kitNumber: string; quarantined: boolean; disposition: string | null }> };
    const held = closedView.kits.filter((k) => k.quarantined);
    expect(held.every((k) => k.disposition !== null)).toBe(true);
    const damaged = held.filter((k) => k.disposition === 'damaged').map((k) => k.kitNumber);
    const released = held.filter((k) => k.disposition === 'release').map((k) => k.kitNumber);
    expect(damaged.length).toBeGreaterThan(0);
    expect(released.length).toBeGreaterThan(damaged.length);
    expect(await statuses(damaged)).toEqual(damaged.map(() => 'damaged'));

    // The open case: computed here from the kits' stays, every kit that sat in fridge B during the excursion, and
    // none other, waits in quarantine with no disposition yet.
    const startMs = Date.parse(open[0]!.start);
    const endMs = Date.parse(open[0]!.end!);
    const stays = await t.sql<{ k: string; f: number; t: number | null }>('SELECT kit_number AS k, from_ms AS f, to_ms AS t FROM kit_stays WHERE location_id = ?', fridgeB.id);
    // A dispensed kit's stay ends when it left with its patient.
    const dispensedAt = new Map((await t.sql<{ k: string; at: string }>('SELECT dk.kit_number AS k, d.dispensed_at AS at FROM dispensing_kits dk JOIN dispensings d ON d.id = dk.dispensing_id')).map((r) => [r.k, Date.parse(r.at)]));
    const inside = [...new Set(stays.filter((s) => s.f <= endMs && (s.t ?? dispensedAt.get(s.k) ?? Infinity) >= startMs).map((s) => s.k))].sort();
    const openView = (await call(monitor, 'coldChain.excursion', { excursionId: open[0]!.id })) as { kits: Array<{ kitNumber: string; quarantined: boolean; disposition: string | null }> };
    expect(inside.length).toBeGreaterThan(0);
    expect(openView.kits.map((k) => k.kitNumber).sort()).toEqual(inside);
    expect(openView.kits.every((k) => k.quarantined && k.disposition === null)).toBe(true);
    expect(await statuses(inside)).toEqual(inside.map(() => 'quarantined'));
    expect(open[0]!.pendingAssessment).toBe(inside.length);
  });
});

describe('the excursion case report for the sponsor', () => {
  it('prints the excursion, its kits with their cumulative times, the dispensed kits, the signed dispositions and the seal, audited, without an arm', async () => {
    const file = loggerFile();
    // Independently of the service: each kit's time in the fridge during the excursion, from its stays (a dispensed
    // kit's stay ends when it left with its patient), and its time out of range before this file.
    const stays = await t.sql<{ k: string; f: number; t: number | null }>('SELECT kit_number AS k, from_ms AS f, to_ms AS t FROM kit_stays WHERE location_id = 1');
    const dispensedAt = new Map((await t.sql<{ k: string; at: string }>('SELECT dk.kit_number AS k, d.dispensed_at AS at FROM dispensing_kits dk JOIN dispensings d ON d.id = dk.dispensing_id')).map((r) => [r.k, Date.parse(r.at)]));
    const expected = new Map<string, number>();
    for (const s of stays) {
      const to = s.t ?? dispensedAt.get(s.k) ?? Infinity;
      const overlap = Math.min(to, file.endMs) - Math.max(s.f, file.startMs);
      if (s.f <= file.endMs && to > file.startMs) expected.set(s.k, (expected.get(s.k) ?? 0) + overlap / 1000);
    }
    // Number(): PostgreSQL's sum of a bigint column is a numeric, which comes back as text.
    const before = new Map((await t.sql<{ k: string; s: number | string }>('SELECT kit_number AS k, sum(exposure_seconds) AS s FROM excursion_kits GROUP BY kit_number')).map((r) => [r.k, Number(r.s)]));
    // Dispensed after the excursion began and still with their patients when the file is imported: the kits the
    // investigator is to be told of (those since returned are back at the pharmacy). Every patient holds the kits of
    // their last visit, drawn by expiry from either fridge (runs found 2 to 4 of about 7 from fridge A; none would be a
    // chance of about (1/3)^7). The earlier window on 18 November counted only the 1 to 3 kits dispensed after it, and
    // failed when the draws took them all from fridge B.
    const withPatients = new Set((await t.sql<{ k: string }>("SELECT kit_number AS k FROM kits WHERE status = 'dispensed'")).map((r) => r.k));
    const dispensedThen = [...expected.keys()].filter((k) => withPatients.has(k) && (dispensedAt.get(k) ?? Infinity) > file.startMs).sort();
    expect(expected.size).toBeGreaterThan(5);
    expect(dispensedThen.length).toBeGreaterThan(0);

    const tech = await t.loginAs('pharmacy_technician');
    const pharmacist = await t.loginAs('unblinded_pharmacist');
    const monitor = await t.loginAs('monitor');
    const imported = (await call(tech, 'coldChain.importLog', { locationId: 1, fileName: 'fridge-a-27-aug.csv', content: file.content })) as { excursionIds: number[] };
    expect(imported.excursionIds).toHaveLength(1);
    const id = imported.excursionIds[0]!;
    const view = (await call(monitor, 'coldChain.excursion', { excursionId: id })) as { kits: Array<{ kitNumber: string; status: string; statusThen: string }> };
    expect(new Set(view.kits.map((k) => k.kitNumber))).toEqual(new Set(expected.keys()));
    const quarantined = view.kits.filter((k) => k.statusThen === 'available').map((k) => k.kitNumber);
    expect(quarantined.length).toBeGreaterThanOrEqual(2);
    expect(view.kits.filter((k) => quarantined.includes(k.kitNumber)).every((k) => k.status === 'quarantined')).toBe(true);

    // The mixed disposition, e-signed: one kit released, one damaged.
    const signature = { username: t.userOf('unblinded_pharmacist').username, password: t.userOf('unblinded_pharmacist').password };
    await call(pharmacist, 'coldChain.dispose', { excursionId: id, kitNumbers: [quarantined[0]], decision: 'release', reason: 'Sponsor: within the stability data', signature });
    await call(pharmacist, 'coldChain.dispose', { excursionId: id, kitNumbers: [quarantined[1]], decision: 'damaged', reason: 'Sponsor: outside the stability data', signature });

    // A blinded monitor prints it.
    const report = (await call(monitor, 'coldChain.excursionReport', { excursionId: id, format: 'pdf' })) as { fileName: string; mime: string; base64: string };
    const head = await t.core.audit.seal();
    expect(report.mime).toBe('application/pdf');
    expect(report.fileName).toBe(`excursion-${id}-sponsor-report-${t.clock.now().toISOString().slice(0, 10)}-seal-${head.seq}.pdf`);
    const last = (await t.sql<{ action: string; id: string; user: number }>('SELECT action, entity_id AS id, user_id AS "user" FROM audit_events ORDER BY seq DESC LIMIT 1'))[0]!;
    expect(last).toMatchObject({ action: 'excursion.report_printed', id: String(id) });
    // To look at it: EXCURSION_REPORT_OUT=/tmp/dir, then pdftoppm -png the PDF.
    if (process.env.EXCURSION_REPORT_OUT) writeFileSync(join(process.env.EXCURSION_REPORT_OUT, 'excursion-report.pdf'), Buffer.from(report.base64, 'base64'));
    const text = pdfText(report.base64);
    const flat = text.replace(/\s+/g, ' ');
    const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    const seconds = (file.endMs - file.startMs) / 1000;
    expect(flat).toContain('Fridge A (study drugs)');
    expect(flat).toContain('Target range 2.0 °C to 8.0 °C');
    expect(flat).toContain(`Start ${utc(file.startMs)}`);
    expect(flat).toContain(`End ${utc(file.endMs)} (first reading back in range)`);
    expect(flat).toContain(`(${seconds} s)`);
    expect(flat).toContain(`Worst value ${file.worst.toFixed(1)} °C`);
    expect(flat).toContain('fridge-a-27-aug.csv');
    expect(flat).toContain(`Audit seal: event ${head.seq}, ${head.hash}`);
    // Each kit on its line with its time in this excursion and its cumulative time, as computed above.
    for (const [kit, exposure] of expected) {
      const line = text.split('\n').find((l) => l.trim().startsWith(kit) && l.includes(`(${exposure} s)`));
      expect(line, `kit ${kit}`).toBeDefined();
      expect(line).toContain(`(${(before.get(kit) ?? 0) + exposure} s)`);
    }
    // The kits dispensed during it, to tell the investigator.
    const dispensedPart = flat.slice(flat.indexOf('Kits already dispensed during the excursion'), flat.indexOf("Sponsor's dispositions recorded"));
    expect(dispensedPart).toContain(`(${dispensedThen.length})`);
    for (const kit of dispensedThen) expect(dispensedPart).toContain(kit);
    // The dispositions with who signed and what the signature means.
    const signer = (await t.sql<{ display_name: string }>('SELECT display_name FROM users WHERE username = ?', t.userOf('unblinded_pharmacist').username))[0]!.display_name;
    const decisions = flat.slice(flat.indexOf("Sponsor's dispositions recorded"));
    expect(decisions).toContain(`${quarantined[0]} release to stock Sponsor: within the stability data ${signer} I record the sponsor's disposition`);
    expect(decisions).toContain(`${quarantined[1]} damaged Sponsor: outside the stability data ${signer} I record the sponsor's disposition`);
    expect(decisions).toContain("I record the sponsor's disposition");
    // No arm, no real lot, no real expiry date of any kit in it.
    const study = t.core.study();
    for (const arm of study.arms) for (const word of [arm.code, arm.name]) expect(text).not.toContain(word);
    const kitRows = Papa.parse<Record<string, string>>(t.demo.lists.kits.trim(), { header: true }).data.filter((r) => expected.has(r.kit_number!));
    expect(kitRows.length).toBe(expected.size);
    for (const r of kitRows) {
      expect(text).not.toContain(r.lot!);
      expect(text).not.toContain(r.expiry_date!);
    }
    expect(text).not.toMatch(/\barm\b|\blot\b|expiry/i);

    // The chart alone, as a PNG with the range band and the excursion drawn.
    const chart = (await call(monitor, 'coldChain.excursionReport', { excursionId: id, format: 'png' })) as { fileName: string; mime: string; base64: string };
    expect(chart.mime).toBe('image/png');
    expect(chart.fileName).toMatch(new RegExp(`^excursion-${id}-chart-.*\\.png$`));
    if (process.env.EXCURSION_REPORT_OUT) writeFileSync(join(process.env.EXCURSION_REPORT_OUT, 'excursion-chart.png'), Buffer.from(chart.base64, 'base64'));
    const png = PNG.sync.read(Buffer.from(chart.base64, 'base64'));
    expect([png.width, png.height]).toEqual([1200, 520]);
    const colours = new Set<string>();
    for (let i = 0; i < png.data.length; i += 4) colours.add(`${png.data[i]},${png.data[i + 1]},${png.data[i + 2]}`);
    // The range band (211,240,220), the excursion's span (255,228,200) and the red points (201,42,42) are all there.
    for (const c of ['211,240,220', '255,228,200', '201,42,42']) expect(colours.has(c), c).toBe(true);
    expect((await t.sql<{ n: number }>("SELECT count(*) AS n FROM audit_events WHERE action = 'excursion.report_printed'"))[0]!.n).toBe(2);

    // Unknown case: refused by key, nothing audited.
    const refused = await t.core.dispatch(monitor, 'coldChain.excursionReport', { excursionId: 99_999, format: 'pdf' });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('not_found');
    expect((await t.sql<{ n: number }>("SELECT count(*) AS n FROM audit_events WHERE action = 'excursion.report_printed'"))[0]!.n).toBe(2);
    // An investigator does not read the storage records.
    const investigator = await t.loginAs('investigator');
    const forbidden = await t.core.dispatch(investigator, 'coldChain.excursionReport', { excursionId: id, format: 'pdf' });
    expect(forbidden.ok ? 'ok' : forbidden.error.code).toBe('forbidden');
  }, 120_000);
});

describe('a GS1 pack code at put-away', () => {
  it('names its kit by the serial, as at receipt; the kit then put away; a serial of no kit refused by key', async () => {
    const tech = await t.loginAs('pharmacy_technician', 'gs1-tech');
    const available = new Set((await t.sql<{ k: string }>("SELECT kit_number AS k FROM kits WHERE status = 'available'")).map((r) => r.k));
    const row = Papa.parse<Record<string, string>>(t.demo.lists.kits.trim(), { header: true }).data.find((r) => r.serial && r.gtin && available.has(r.kit_number!))!;
    // As the scanner gives it: the AIM identifier, then the element string with its group separators.
    const code = `]d2${encodeGs1([
      { ai: '01', value: row.gtin! },
      { ai: '17', value: '281231' },
      { ai: '10', value: 'PACKLOT' },
      { ai: '21', value: row.serial! },
    ])}`;
    expect(await call(tech, 'coldChain.resolveKitScan', { code })).toEqual({ kitNumber: row.kit_number });
    const moved = (await call(tech, 'coldChain.putAway', { location: { barcode: 'LOC-QUARANTINE' }, kitNumbers: [row.kit_number], source: 'scanner' })) as { kitNumbers: string[] };
    expect(moved.kitNumbers).toEqual([row.kit_number]);
    const unknown = `]d2${encodeGs1([
      { ai: '01', value: row.gtin! },
      { ai: '21', value: 'NOSUCHSERIAL9' },
    ])}`;
    const refused = await t.core.dispatch(tech, 'coldChain.resolveKitScan', { code: unknown });
    expect(refused.ok ? 'ok' : [refused.error.code, refused.error.key]).toEqual(['validation', 'scans.unknownSerial']);
    // A monitor does not put kits away.
    const monitor = await t.loginAs('monitor', 'gs1-monitor');
    const forbidden = await t.core.dispatch(monitor, 'coldChain.resolveKitScan', { code });
    expect(forbidden.ok ? 'ok' : forbidden.error.code).toBe('forbidden');
  });
});
