import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ReportReadModel } from '../../main/core/reports/reportReadModel';
import Papa from 'papaparse';
import { demoCore, type TestCore } from '../helpers/core';

let t: TestCore;
beforeAll(async () => {
  t = await demoCore({ history: true });
}, 180_000);
afterAll(() => t.dispose());

async function call<T = unknown>(window: string, channel: string, input: unknown): Promise<T> {
  const r = await t.core.dispatch(window, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

describe('accountability log', () => {
  it('its balances match a hand count replayed independently from the audit trail', async () => {
    // Hand count: a kit is on the shelf from its receipt into stock until it is dispensed, lost or destroyed.
    const onShelf = new Set<string>();
    const balances: number[] = [];
    for (const e of (await t.core.audit.query({ action: 'kit.status_changed' }))) {
      const before = (e.before as { status: string }).status;
      const after = (e.after as { status: string }).status;
      if (before === 'expected' && (after === 'available' || after === 'quarantined')) onShelf.add(e.entityId);
      if (after === 'dispensed' || after === 'lost' || after === 'destroyed') onShelf.delete(e.entityId);
      balances.push(onShelf.size);
    }
    const lines = await t.core.reports.accountabilityLines(null, null);
    expect(lines.length).toBeGreaterThan(150);
    expect(lines.at(-1)!.balance).toBe(onShelf.size);
    // And the shelf itself: kits physically in stock and never given to a patient.
    const shelf = (await t.sql<{ n: number }>("SELECT count(*) AS n FROM kits WHERE status IN ('available', 'quarantined', 'expired') OR (status IN ('damaged', 'pending_destruction') AND kit_number NOT IN (SELECT kit_number FROM dispensing_kits) AND kit_number IN (SELECT kit_number FROM shipment_kits WHERE outcome = 'received'))"))[0]!.n;
    expect(lines.at(-1)!.balance).toBe(shelf);
    // Returns are listed and never raise the balance.
    const returned = lines.filter((l) => l.kind === 'returned');
    expect(returned.length).toBeGreaterThan(5);
    for (const l of returned) expect(l.quantity).toBe(0);
    // No blanks: every line has a date, a kit, a lot and a recorder.
    for (const l of lines) for (const field of [l.date, l.kitNumber, l.lot, l.recorder]) expect(field).not.toBe('');
  });

  it('the CSV carries the study, the site, the print time and the audit seal', async () => {
    const w = await t.loginAs('monitor', 'acc-csv');
    const file = await call<{ fileName: string; base64: string }>(w, 'reports.render', { report: 'accountability', format: 'csv' });
    const text = Buffer.from(file.base64, 'base64').toString('utf8');
    expect(text).toContain((await t.core.audit.seal()).hash);
    expect(text).toContain('NS-DUPI');
    expect(file.fileName).toMatch(/^accountability-blinded-\d{4}-\d{2}-\d{2}-seal-\d+\.csv$/);
    const pdf = await call<{ base64: string }>(w, 'reports.render', { report: 'accountability', format: 'pdf' });
    expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    for (const report of ['inventory', 'expiring', 'patient_history'] as const) {
      expect((await t.core.dispatch(w, 'reports.render', { report, format: 'csv' })).ok, report).toBe(true);
    }
    expect(await t.core.dispatch(w, 'reports.renderUnblinded', { report: 'inventory', format: 'csv' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('the unblinded version splits the log per arm with real lots, for the unblinded pharmacist only', async () => {
    const w = await t.loginAs('unblinded_pharmacist', 'acc-unblinded');
    const file = await call<{ base64: string }>(w, 'reports.renderUnblinded', { report: 'accountability', format: 'csv' });
    const text = Buffer.from(file.base64, 'base64').toString('utf8');
    expect(text).toContain('Agent: Dupilumab 300 mg');
    expect(text).toContain('Agent: Placebo');
    expect(text).toMatch(/DP24A117|DP25B042/);
    const inventory = Buffer.from((await call<{ base64: string }>(w, 'reports.renderUnblinded', { report: 'inventory', format: 'csv', threshold: 1000 })).base64, 'base64').toString('utf8');
    expect(inventory).toContain('LOW STOCK');
  });

  it('the blinded log reads no sealed value: only the unblinded one reads the kits with their sealed lots and arms', async () => {
    const sealedReads = vi.spyOn(ReportReadModel.prototype, 'kitLots');
    const blindedReads = vi.spyOn(ReportReadModel.prototype, 'kitBlindedLots');
    try {
      const monitor = await t.loginAs('monitor', 'acc-no-sealed');
      const blinded = Buffer.from((await call<{ base64: string }>(monitor, 'reports.render', { report: 'accountability', format: 'csv' })).base64, 'base64').toString('utf8');
      await call(monitor, 'reports.render', { report: 'nci_darf', format: 'csv' });
      expect(blindedReads).toHaveBeenCalledTimes(2);
      expect(sealedReads).not.toHaveBeenCalled();
      // The blinded lots are in it, as before.
      expect(blinded).toContain(',NSDUPI-BL1,');
      const pharmacist = await t.loginAs('unblinded_pharmacist', 'acc-sealed');
      await call(pharmacist, 'reports.renderUnblinded', { report: 'accountability', format: 'csv' });
      expect(sealedReads).toHaveBeenCalled();
    } finally {
      sealedReads.mockRestore();
      blindedReads.mockRestore();
    }
  });
});

describe('the NCI investigational agent accountability record (DARF)', () => {
  /** The form's table rows of one CSV section, after its heading and header facts, parsed as a spreadsheet would. */
  function sections(text: string): Array<{ heading: string; facts: Map<string, string>; rows: string[][] }> {
    const out: Array<{ heading: string; facts: Map<string, string>; rows: string[][] }> = [];
    const lines = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: false }).data;
    let current: (typeof out)[number] | null = null;
    let inTable = false;
    for (const line of lines) {
      if (line.length === 1 && line[0]!.startsWith('Investigational agent accountability record: ')) {
        current = { heading: line[0]!, facts: new Map(), rows: [] };
        out.push(current);
        inTable = false;
      } else if (current && line[0] === 'Date') inTable = true;
      else if (current && inTable && line.length === 9) current.rows.push(line);
      else if (current && !inTable && line.length === 2) current.facts.set(line[0]!, line[1]!);
    }
    return out;
  }
  const count = async (sql: string) => (await t.sql<{ n: number }>(sql))[0]!.n;

  it('gives the study header and one line per movement, each balance carried forward, the last one the shelf counted in the database', async () => {
    const w = await t.loginAs('monitor', 'darf-blinded');
    const file = await call<{ fileName: string; base64: string }>(w, 'reports.render', { report: 'nci_darf', format: 'csv' });
    expect(file.fileName).toMatch(/^nci-darf-blinded-\d{4}-\d{2}-\d{2}-seal-\d+\.csv$/);
    const text = Buffer.from(file.base64, 'base64').toString('utf8');
    const [form, ...others] = sections(text);
    expect(others).toEqual([]);
    expect(form!.facts.get('Protocol no.')).toBe('RC31/19/0045 (NS-DUPI, NCT04244006)');
    expect(form!.facts.get('Agent name')).toBe('dupilumab 300 mg/2 mL or placebo');
    expect(form!.facts.get('Dose form and strength')).toContain('prefilled syringe');
    expect(form!.facts.get('Name of institution')).not.toBe('');
    const rows = form!.rows;
    // Counted from the tables, not from the report's own code: every receipt into stock, dispensed kit and return.
    expect(rows.filter((r) => r[1] === 'Received')).toHaveLength(await count("SELECT count(*) AS n FROM shipment_kits WHERE outcome = 'received'"));
    expect(rows.filter((r) => r[3] === '1 kit')).toHaveLength(await count('SELECT count(*) AS n FROM dispensing_kits'));
    expect(rows.filter((r) => r[4] === 'returned (not added back)')).toHaveLength(await count('SELECT count(*) AS n FROM kit_returns'));
    let previous = 0;
    for (const [i, r] of rows.entries()) {
      expect(Number(r[5]), `line ${i + 1}: balance forward`).toBe(previous);
      // Receipts add to the shelf; dispensing, destruction from the shelf and loss take from it; returns add nothing.
      const change = r[4] === 'returned (not added back)' ? 0 : r[1] === 'Received' ? Number(r[4]) : -Number(r[4]);
      expect(Number(r[6]), `line ${i + 1}: balance`).toBe(previous + change);
      previous = Number(r[6]);
    }
    const shelf = await count("SELECT count(*) AS n FROM kits WHERE status IN ('available', 'quarantined', 'expired') OR (status IN ('damaged', 'pending_destruction') AND kit_number NOT IN (SELECT kit_number FROM dispensing_kits) AND kit_number IN (SELECT kit_number FROM shipment_kits WHERE outcome = 'received'))");
    expect(previous).toBe(shelf);
    // Patients' lines name the patient by initials and randomization number; the blinded lots only.
    const dispensed = rows.find((r) => r[3] === '1 kit')!;
    expect(dispensed[1]).toMatch(/^[A-Z]{2,3}$/);
    expect(dispensed[2]).toMatch(/^R\d+/);
    expect(text).not.toMatch(/DP24A117|DP25B042/);
    const pdf = await call<{ base64: string }>(w, 'reports.render', { report: 'nci_darf', format: 'pdf' });
    expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('has one form per arm with the real lots in the unblinded version, their balances adding up to the blinded one', async () => {
    const monitor = await t.loginAs('monitor', 'darf-blinded-2');
    const blinded = sections(Buffer.from((await call<{ base64: string }>(monitor, 'reports.render', { report: 'nci_darf', format: 'csv' })).base64, 'base64').toString('utf8'));
    expect(await t.core.dispatch(monitor, 'reports.renderUnblinded', { report: 'nci_darf', format: 'csv' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const w = await t.loginAs('unblinded_pharmacist', 'darf-unblinded');
    const text = Buffer.from((await call<{ base64: string }>(w, 'reports.renderUnblinded', { report: 'nci_darf', format: 'csv' })).base64, 'base64').toString('utf8');
    const forms = sections(text);
    expect(forms.map((f) => f.facts.get('Agent name'))).toEqual(['Dupilumab 300 mg', 'Placebo']);
    const last = (rows: string[][]) => Number(rows.at(-1)?.[6] ?? 0);
    expect(last(forms[0]!.rows) + last(forms[1]!.rows)).toBe(last(blinded[0]!.rows));
    expect(forms[0]!.rows.length + forms[1]!.rows.length).toBe(blinded[0]!.rows.length);
    expect(text).toMatch(/DP24A117|DP25B042/);
  });
});

describe('returns, reconciliation and sign-off', () => {
  it('lists every discrepancy with its kits, and a later correction voids the monitor sign-off and says so', async () => {
    const monitor = await t.loginAs('monitor', 'rec-monitor');
    const view = await call<{ reconciliation: { discrepancies: Array<{ kitNumber: string; discrepancies: string[] }>; lots: Array<{ balanced: boolean }>; patients: Array<{ screeningNumber: string; compliancePercent: number | null }> }; signOff: { voidedBy: unknown } | null }>(monitor, 'reconciliation.view', {});
    const kinds = new Set(view.reconciliation.discrepancies.flatMap((d) => d.discrepancies));
    for (const kind of ['damaged_at_receipt', 'return_missing', 'partial_dose', 'dose_not_taken', 'return_overdue']) expect(kinds, kind).toContain(kind);
    // The patient who finished at week 14 has not brought the last syringe back yet, weeks later.
    const overdue = view.reconciliation.discrepancies.filter((d) => d.discrepancies.includes('return_overdue'));
    expect(overdue.length).toBeGreaterThan(0);
    for (const lot of view.reconciliation.lots) expect(lot.balanced).toBe(true);
    expect(view.signOff).not.toBeNull(); // the demo's monitor visit signed it; later visits voided it
    expect(view.signOff!.voidedBy).not.toBeNull();

    // Each open discrepancy gets its comment first (issue 11, item 8: the sign-off passes over none).
    for (const kitNumber of (await call<{ openDiscrepancies: string[] }>(monitor, 'reconciliation.view', {})).openDiscrepancies) {
      await call(monitor, 'reconciliation.comment', { kitNumber, comment: 'Checked against the pharmacy file' });
    }
    const signed = await call<{ signOff: { voidedBy: unknown; signature: { printedName: string } } }>(monitor, 'reconciliation.signOff', { signature: { username: 'monitor', password: t.userOf('monitor').password } });
    expect(signed.signOff).toMatchObject({ voidedBy: null, signature: { printedName: 'Marc Dubois (monitor)' } });

    const tech = await t.loginAs('pharmacy_technician', 'rec-tech');
    const returns = await call<Array<{ kitNumber: string; condition: string; verifiedAt: string | null }>>(tech, 'returns.list', {});
    const verified = returns.find((r) => r.verifiedAt && r.condition === 'used')!;
    const edited = await call<{ condition: string; verifiedAt: string | null }>(tech, 'returns.edit', { kitNumber: verified.kitNumber, condition: 'partly_used', unitsReturned: 1, reason: 'Syringe re-examined: half the dose left' });
    expect(edited).toMatchObject({ condition: 'partly_used', verifiedAt: null });
    const after = await call<{ signOff: { voidedBy: { action: string; entityId: string } } }>(monitor, 'reconciliation.view', {});
    expect(after.signOff.voidedBy).toMatchObject({ action: 'return.edited', entityId: verified.kitNumber });
  });

  it('records returns only for dispensed kits, never back to stock, and checks units', async () => {
    const tech = await t.loginAs('pharmacy_technician', 'ret-tech');
    const available = (await t.sql<{ k: string }>("SELECT kit_number AS k FROM kits WHERE status = 'available' LIMIT 1"))[0]!.k;
    expect(await t.core.dispatch(tech, 'returns.record', { code: available, condition: 'used', unitsReturned: 1, source: 'scanner' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const withPatient = (await t.sql<{ k: string }>("SELECT kit_number AS k FROM kits WHERE status = 'dispensed' LIMIT 1"))[0]!.k;
    expect(await t.core.dispatch(tech, 'returns.record', { code: withPatient, condition: 'used', unitsReturned: 2, source: 'scanner' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await t.core.dispatch(tech, 'returns.record', { code: withPatient, condition: 'missing', unitsReturned: 0, source: 'scanner' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    await call(tech, 'returns.record', { code: withPatient, condition: 'unused', unitsReturned: 1, note: 'Forgot the dose', source: 'scanner' });
    const kit = await call<Array<{ kitNumber: string; status: string }>>(tech, 'inventory.kits', {});
    expect(kit.find((k) => k.kitNumber === withPatient)!.status).toBe('returned');
  });
});

describe('destruction', () => {
  it('needs a witness who is another person with the right password, and issues a certificate', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'destroy');
    // Only returns the monitor verified are destroyed (issue 11, item 7): the monitor verifies two first.
    const monitor = await t.loginAs('monitor', 'verify-before-destroy');
    const toVerify = (await t.sql<{ k: string }>("SELECT r.kit_number AS k FROM kit_returns r JOIN kits k ON k.kit_number = r.kit_number WHERE r.verified_at IS NULL AND k.status = 'returned' LIMIT 2")).map((r) => r.k);
    await call(monitor, 'returns.verify', { kitNumbers: toVerify, signature: { username: 'monitor', password: t.userOf('monitor').password } });
    const candidates = await call<Array<{ kitNumber: string; status: string }>>(ph, 'destruction.candidates', {});
    const kits = candidates.filter((c) => c.status === 'returned').slice(0, 2).map((c) => c.kitNumber);
    expect(kits).toHaveLength(2);
    const base = { kitNumbers: kits, method: 'Incineration', place: 'Pharmacy', destroyedOn: '2026-11-24' };
    const sign = { username: 'pharmacist', password: t.userOf('unblinded_pharmacist').password };
    expect(await t.core.dispatch(ph, 'destruction.record', { ...base, witness: { username: 'monitor', password: 'wrong' }, signature: sign })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await t.core.dispatch(ph, 'destruction.record', { ...base, witness: { username: 'pharmacist', password: sign.password }, signature: sign })).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringContaining('another person') } });
    expect((await call<Array<{ kitNumber: string }>>(ph, 'destruction.candidates', {})).map((c) => c.kitNumber)).toEqual(expect.arrayContaining(kits));
    const done = await call<{ id: number; kits: unknown[]; witnessSignature: { printedName: string; meaning: string } }>(ph, 'destruction.record', { ...base, witness: { username: 'monitor', password: t.userOf('monitor').password }, signature: sign });
    expect(done.kits).toHaveLength(2);
    expect(done.witnessSignature).toMatchObject({ printedName: 'Marc Dubois (monitor)', meaning: expect.stringContaining('witnessed') });
    const cert = await call<{ pdfBase64: string }>(ph, 'destruction.certificate', { destructionId: done.id });
    expect(Buffer.from(cert.pdfBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it("is dated by the site's day: in Paris at half past midnight, today is accepted though UTC's date is still yesterday", async () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Europe/Paris';
    // 23:30 UTC on 25 November is 00:30 on 26 November in Paris (UTC+1 in winter).
    t.clock.travelTo(new Date('2026-11-25T23:30:00.000Z'));
    try {
      const monitor = await t.loginAs('monitor', 'verify-at-midnight');
      const toVerify = (await t.sql<{ k: string }>("SELECT r.kit_number AS k FROM kit_returns r JOIN kits k ON k.kit_number = r.kit_number WHERE r.verified_at IS NULL AND k.status = 'returned' LIMIT 1")).map((r) => r.k);
      expect(toVerify).toHaveLength(1);
      await call(monitor, 'returns.verify', { kitNumbers: toVerify, signature: { username: 'monitor', password: t.userOf('monitor').password } });
      // The forms take their default and latest day from here (system.info is public).
      expect(await t.core.dispatch('a-window-at-midnight', 'system.info', {})).toMatchObject({ ok: true, value: { siteToday: '2026-11-26' } });
      const ph = await t.loginAs('unblinded_pharmacist', 'destroy-at-midnight');
      const base = { kitNumbers: toVerify, method: 'Incineration', place: 'Pharmacy', witness: { username: 'monitor', password: t.userOf('monitor').password }, signature: { username: 'pharmacist', password: t.userOf('unblinded_pharmacist').password } };
      expect(await t.core.dispatch(ph, 'destruction.record', { ...base, destroyedOn: '2026-11-27' })).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: ['destroyedOn'] }] } });
      const done = await t.core.dispatch(ph, 'destruction.record', { ...base, destroyedOn: '2026-11-26' });
      expect(done).toMatchObject({ ok: true, value: { destroyedOn: '2026-11-26', kits: [expect.objectContaining({ kitNumber: toVerify[0] })] } });
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
      t.clock.backToPresent();
    }
  });
});

describe('emergency unblinding', () => {
  it("reveals one patient's arm to the investigator only; the record, the audit trail and the notification carry no arm", async () => {
    const events: Array<{ window: string; event: string; payload: unknown }> = [];
    t.core.onEvent((window, event, payload) => events.push({ window, event, payload }));
    const inv = await t.loginAs('investigator', 'emergency');
    const patient = (await t.sql<{ id: number; rn: string }>("SELECT id, randomization_number AS rn FROM patients WHERE screening_number = 'S-002'"))[0]!;
    const input = { patientId: patient.id, reason: 'Anaphylactic reaction 20 minutes after the injection', adverseEvent: true, signature: { username: 'investigator', password: t.userOf('investigator').password } };
    expect(await t.core.dispatch(inv, 'emergency.unblind', { ...input, passphrase: 'ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    const revealed = await call<{ armCode: string }>(inv, 'emergency.unblind', { ...input, passphrase: t.demo.codeBreakPassphrase });
    expect(revealed.armCode).toBe(t.armOf.get(patient.rn));
    const notice = events.find((e) => e.event === 'patient.emergencyUnblinded')!;
    expect(notice.window).toBe('*');
    expect(JSON.stringify(notice.payload)).not.toMatch(/DUPI300|PLACEBO|Placebo|Dupilumab/);
    const audit = JSON.stringify((await t.core.audit.query({ action: 'patient.emergency_unblinded' })));
    expect(audit).toContain('S-002');
    expect(audit).not.toMatch(/DUPI300|PLACEBO|Placebo|Dupilumab/);
    const monitor = await t.loginAs('monitor', 'emergency-monitor');
    const p = await call<{ emergencyUnblinded: boolean }>(monitor, 'patients.get', { patientId: patient.id });
    expect(p.emergencyUnblinded).toBe(true);
    const list = await call<unknown[]>(monitor, 'emergency.list', {});
    expect(JSON.stringify(list)).not.toMatch(/DUPI300|PLACEBO|Placebo|Dupilumab/);
    for (const role of ['pharmacy_technician', 'monitor', 'administrator'] as const) {
      const w = await t.loginAs(role, `no-unblind-${role}`);
      expect(await t.core.dispatch(w, 'emergency.unblind', { ...input, passphrase: t.demo.codeBreakPassphrase })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    void Papa;
  });
});
