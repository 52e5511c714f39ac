import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRAVE, loadBrave, type BraveTruth } from '../helpers/braveStudy';
import { channelCalls } from '../helpers/channels';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * BRAVE-AA2 beside NS-DUPI (issue 14, docs/multi-study-plan.md step 6): a double-dummy study of three arms at 3:2:2
 * whose visits each dispense a bottle A (baricitinib 4 mg or its placebo) and a bottle B (2 mg or its placebo). A kit
 * is valid for a patient when its content is the one the patient's arm needs for its type: the 4 mg arm takes A of
 * 4 mg and B of placebo, the 2 mg arm A of placebo and B of 2 mg, the placebo arm both placebos. So a placebo bottle B
 * serves two arms, and a placebo bottle A two others.
 *
 * The lists are the demo's generators' (tests/helpers/braveStudy.ts), read back so the test knows each kit's type and
 * content and each slot's arm as the sponsor wrote them; everything else goes through the channels.
 */
const base64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

let t: TestCore;
let ph: string;
let truth: BraveTruth;
const { call, ok, sign } = channelCalls(() => t);
const password = () => ({ password: t.userOf('unblinded_pharmacist').password });

const kitOf = (kitNumber: string) => truth.kitOf.get(kitNumber);
const needs = (arm: string, type: string) => BRAVE.arms.find((a) => a.code === arm)!.contents![type]!;
const kitsWith = (type: string, content: string) => [...truth.kitOf].filter(([, k]) => k.type === type && k.content === content).map(([n]) => n);

type KitsOfType = { type: string | null; typeName: string | null; count: number; suggestions: string[]; shortage: boolean };
type Plan = { kitsNeeded: number; suggestions: string[]; kitsByType: KitsOfType[] };
type Verdict = { ok: boolean; reason?: string; message: string; alternatives?: string[]; alternativesKitType?: string | null };

async function randomized(screeningNumber: string, stratum: string): Promise<{ id: number; randomizationNumber: string; arm: string }> {
  const p = await ok<{ id: number }>(ph, 'patients.register', { screeningNumber, initials: 'ab', yearOfBirth: 1985, investigator: 'Dr Inès Moreau', stratum });
  const r = await ok<{ patient: { id: number; randomizationNumber: string } }>(ph, 'patients.randomize', { patientId: p.id, signature: sign('unblinded_pharmacist') });
  return { id: r.patient.id, randomizationNumber: r.patient.randomizationNumber, arm: truth.slotOf.get(r.patient.randomizationNumber)!.arm };
}

beforeAll(async () => {
  t = await demoCore();
  ph = await t.loginAs('unblinded_pharmacist', 'brave-ph');
  truth = await loadBrave(t, ph);
}, 180_000);
afterAll(() => t?.dispose());

describe('the kit list of a study with kit types', () => {
  it('names each kit type and content; a list with an arm column, an unknown type or a content of another type is refused by line', async () => {
    const header = 'kit_number,kit_type,content,lot,expiry_date';
    const check = async (csv: string) => ok<{ problems: Array<{ line: number; column?: string; key?: string }> }>(ph, 'allocation.checkList', { kind: 'kits', fileName: 'k.csv', contentBase64: base64(csv) });
    expect((await check('kit_number,arm,lot,expiry_date\n990001,BARI4,L1,2028-01-31\n')).problems.map((p) => [p.key, p.column])).toEqual([
      ['lists.missingColumn', 'kit_type'],
      ['lists.missingColumn', 'content'],
      ['lists.unknownColumn', 'arm'],
    ]);
    const bad = await check(`${header}\n990001,C,BARI_4MG,L1,2028-01-31\n990002,Bottle A,BARI_2MG,L1,2028-01-31\n990003,bottle b,baricitinib 2 mg tablets,L1,2028-01-31\n`);
    expect(bad.problems.map((p) => [p.line, p.column, p.key])).toEqual([
      [2, 'kit_type', 'lists.unknownKitType'],
      [3, 'content', 'lists.unknownContent'],
    ]);
    // Every kit of the study's list carries its type, as printed on it.
    const types = await t.sql<{ kit_type: string | null; n: number }>(
      "SELECT kit_type, count(*) AS n FROM kits WHERE study_id = (SELECT id FROM studies WHERE code = 'BRAVE-AA2') GROUP BY kit_type ORDER BY kit_type",
    );
    expect(types.map((r) => [r.kit_type, Number(r.n)])).toEqual([
      ['A', 80],
      ['B', 80],
    ]);
    // NS-DUPI's kits keep the implicit type.
    expect(await t.sql("SELECT count(*) AS n FROM kits WHERE study_id = (SELECT id FROM studies WHERE code = 'NS-DUPI') AND kit_type IS NOT NULL")).toEqual([{ n: 0 }]);
  });

  it('gives each kit type its own common use-before date, the earliest of its own kits, and the labels of one type one date', async () => {
    const kits = await ok<Array<{ kitNumber: string; useBefore: string; blindedLot: string }>>(ph, 'inventory.kits', {});
    for (const type of ['A', 'B']) {
      const ofType = kits.filter((k) => kitOf(k.kitNumber)!.type === type);
      const earliest = ofType.map((k) => kitOf(k.kitNumber)!.expiry).sort()[0]!;
      expect(new Set(ofType.map((k) => k.useBefore)), `bottle ${type}`).toEqual(new Set([earliest]));
      // Lots tell contents apart within a type: one blinded lot per type.
      expect(new Set(ofType.map((k) => k.blindedLot)), `bottle ${type}`).toEqual(new Set([`BRAVEAA2${type}-BL1`]));
    }
    // The review per type proposes the date in force; a confirmation must say which type it is for.
    const review = await ok<{ proposed: string | null; byKitType: Array<{ kitType: string; kitTypeName: string; proposed: string | null; changes: unknown[] }> }>(ph, 'allocation.useBeforeReview', {});
    expect(review.proposed).toBeNull();
    expect(review.byKitType.map((r) => [r.kitType, r.kitTypeName, r.changes.length])).toEqual([
      ['A', 'Bottle A', 0],
      ['B', 'Bottle B', 0],
    ]);
    const refused = await call(ph, 'allocation.confirmUseBefore', { useBefore: review.byKitType[0]!.proposed!, signature: password() });
    expect(refused).toMatchObject({ ok: false, error: { key: 'lists.useBeforeWhichKitType' } });
  });
});

describe('dispensing a double-dummy visit', () => {
  it('asks for one bottle A and one bottle B, and suggests of each the content the patient’s arm needs', async () => {
    for (const [i, stratum] of BRAVE.strata.entries()) {
      const patient = await randomized(`BR-0${i + 1}`, stratum);
      expect(truth.slotOf.get(patient.randomizationNumber)!.stratum).toBe(stratum);
      const plan = await ok<Plan>(ph, 'dispensing.plan', { patientId: patient.id, visitCode: 'D1' });
      expect(plan.kitsNeeded).toBe(2);
      expect(plan.kitsByType.map((k) => [k.type, k.typeName, k.count, k.suggestions.length])).toEqual([
        ['A', 'Bottle A', 1, 1],
        ['B', 'Bottle B', 1, 1],
      ]);
      for (const ofType of plan.kitsByType) {
        const kit = kitOf(ofType.suggestions[0]!)!;
        expect([kit.type, kit.content]).toEqual([ofType.type, needs(patient.arm, ofType.type!)]);
      }
      expect(plan.suggestions).toEqual(plan.kitsByType.flatMap((k) => k.suggestions));
    }
  });

  it('judges each scan by the kit’s type and content: the other content of its type, a second bottle A, and both placebos where they fit', async () => {
    // One patient of each arm, so that every content is someone's and someone else's.
    const byArm = new Map<string, { id: number; arm: string }>();
    for (let i = 10; byArm.size < 3 && i < 40; i++) {
      const p = await randomized(`BR-${i}`, BRAVE.strata[i % 2]!);
      if (!byArm.has(p.arm)) byArm.set(p.arm, p);
    }
    expect([...byArm.keys()].sort()).toEqual(['BARI2', 'BARI4', 'PLACEBO']);
    const check = (patientId: number, code: string, alreadyScanned: string[] = []) =>
      ok<Verdict>(ph, 'dispensing.checkKit', { patientId, visitCode: 'D1', code, alreadyScanned, source: 'scanner' });
    for (const [arm, patient] of byArm) {
      for (const type of ['A', 'B']) {
        const mine = needs(arm, type);
        const other = BRAVE.kitTypes!.find((k) => k.code === type)!.contents.find((c) => c.code !== mine)!.code;
        expect((await check(patient.id, kitsWith(type, mine)[0]!)).ok, `${arm} ${type} ${mine}`).toBe(true);
        const wrong = await check(patient.id, kitsWith(type, other)[0]!);
        expect(wrong, `${arm} ${type} ${other}`).toMatchObject({ ok: false, reason: 'not_for_patient' });
        // The words name no arm and no content; the alternatives are kits of the type scanned, with the content needed.
        for (const word of ['BARI', 'PBO', 'aricitinib', 'lacebo', '4 mg', '2 mg']) expect(wrong.message).not.toContain(word);
        expect(wrong.alternatives!.length).toBeGreaterThan(0);
        for (const k of wrong.alternatives!) expect(kitOf(k)).toMatchObject({ type, content: mine });
        // Named by the type printed on them, so the screen says which bottle to take.
        expect(wrong.alternativesKitType).toBe(`Bottle ${type}`);
      }
    }
    // The placebo bottle B is the 4 mg arm's and the placebo arm's; the placebo bottle A the 2 mg arm's and the placebo arm's.
    const placeboB = kitsWith('B', 'PBO_2MG')[1]!;
    expect((await check(byArm.get('BARI4')!.id, placeboB)).ok).toBe(true);
    expect((await check(byArm.get('PLACEBO')!.id, placeboB)).ok).toBe(true);
    expect(await check(byArm.get('BARI2')!.id, placeboB)).toMatchObject({ ok: false, reason: 'not_for_patient' });
    // A second bottle A after one: the visit has its bottle A; the alternatives are bottles B.
    const patient = byArm.get('BARI4')!;
    const [a1, a2] = kitsWith('A', 'BARI_4MG');
    const second = await check(patient.id, a2!, [a1!]);
    expect(second).toMatchObject({ ok: false, reason: 'type_complete', message: 'Baseline (day 1) needs 1 Bottle A; it is scanned. Scan a kit of another type.' });
    for (const k of second.alternatives!) expect(kitOf(k)).toMatchObject({ type: 'B', content: 'PBO_2MG' });
    expect(second.alternativesKitType).toBe('Bottle B');
  });

  it('dispenses a bottle A and a bottle B in one signed step; two bottles A are refused and change nothing', async () => {
    const patient = await randomized('BR-50', BRAVE.strata[0]!);
    const a = kitsWith('A', needs(patient.arm, 'A'));
    const b = kitsWith('B', needs(patient.arm, 'B'));
    const available = async (k: string) => (await ok<Array<{ kitNumber: string; status: string }>>(ph, 'inventory.kits', {})).find((x) => x.kitNumber === k)!.status;
    const [a1, a2] = [a.at(-1)!, a.at(-2)!];
    const twoA = await call(ph, 'dispensing.confirm', { patientId: patient.id, visitCode: 'D1', kits: [{ kitNumber: a1, source: 'scanner' }, { kitNumber: a2, source: 'scanner' }], signature: password() });
    expect(twoA).toMatchObject({ ok: false, error: { code: 'conflict', key: 'dispensing.typeComplete' } });
    expect([await available(a1), await available(a2)]).toEqual(['available', 'available']);
    const done = await call(ph, 'dispensing.confirm', { patientId: patient.id, visitCode: 'D1', kits: [{ kitNumber: a1, source: 'scanner' }, { kitNumber: b.at(-1)!, source: 'scanner' }], signature: password() });
    expect(done.ok).toBe(true);
    expect([await available(a1), await available(b.at(-1)!)]).toEqual(['dispensed', 'dispensed']);

    // Each bottle's label prints its type's product, the same whatever the bottle holds.
    const zpl = async (kitNumber: string) => Buffer.from((await ok<{ base64: string }>(ph, 'labels.download', { kitNumber, kind: 'carton', format: 'zpl' })).base64, 'base64').toString('latin1');
    const labelA = await zpl(a1);
    const labelB = await zpl(b.at(-1)!);
    const product = (zplText: string) => /\^FX product\n\^FT[\d,]+\^A0N,\d+,\d+\^FD([^^]*)\^FS/.exec(zplText)?.[1];
    expect(product(labelA)).toBe('baricitinib 4 mg or placebo, bottle A');
    expect(product(labelB)).toBe('baricitinib 2 mg or placebo, bottle B');
    expect(labelA).toContain('35 units');

    // A return counts the tablets of a bottle: 35 at most.
    const tooMany = await call(ph, 'returns.record', { code: a1, condition: 'partly_used', unitsReturned: 36, source: 'scanner' });
    expect(tooMany).toMatchObject({ ok: false, error: { key: 'returns.tooManyUnits', params: { count: 35 } } });
    const returned = await ok<{ unitsReturned: number; unitsMissing: number }>(ph, 'returns.record', { code: a1, condition: 'partly_used', unitsReturned: 5, source: 'scanner' });
    expect(returned).toMatchObject({ unitsReturned: 5, unitsMissing: 30 });
  });
});

describe('the stock of a study with kit types', () => {
  it('forecasts per content of each type, against the visits of every arm that needs it', async () => {
    const forecast = await ok<{ arms: Array<{ armCode: string; armName: string; kitType: string | null; kitTypeName: string | null; needed: number; onHand: number }> }>(ph, 'stock.forecastUnblinded', { weeks: 4 });
    expect(forecast.arms.map((l) => [l.kitType, l.armCode])).toEqual([
      ['A', 'BARI_4MG'],
      ['A', 'PBO_4MG'],
      ['B', 'BARI_2MG'],
      ['B', 'PBO_2MG'],
    ]);
    // With v4, v2 and vp the bottles the visits of each arm's patients need: A of 4 mg = v4, A of placebo = v2 + vp,
    // B of 2 mg = v2, B of placebo = v4 + vp. Patients of every arm have visits to come (the tests above randomized them).
    const neededOf = (type: string, content: string) => forecast.arms.find((l) => l.kitType === type && l.armCode === content)!.needed;
    const [a4, aPbo, b2, bPbo] = [neededOf('A', 'BARI_4MG'), neededOf('A', 'PBO_4MG'), neededOf('B', 'BARI_2MG'), neededOf('B', 'PBO_2MG')];
    for (const needed of [a4, aPbo, b2, bPbo]) expect(needed).toBeGreaterThan(0);
    expect(aPbo - b2).toBe(bPbo - a4);
    expect(a4 + aPbo).toBe(b2 + bPbo);
    expect(forecast.arms.map((l) => l.kitTypeName)).toEqual(['Bottle A', 'Bottle A', 'Bottle B', 'Bottle B']);
  });
});

describe("Today's stock line for a study with kit types", () => {
  it('counts the arms a short content leaves uncovered: a placebo bottle B short counts two arms, a 4 mg bottle A then none more', async () => {
    type Today = { studies: Array<{ code: string; items: Array<{ kind: string; count?: number }> }> };
    const armsShort = async () => {
      const card = (await ok<Today>(ph, 'today.view', {})).studies.find((s) => s.code === BRAVE.code)!;
      return card.items.find((i) => i.kind === 'stock_arms_short')?.count;
    };
    const studyId = (await t.sql<{ id: number }>('SELECT id FROM studies WHERE code = ?', BRAVE.code))[0]!.id;
    // A content made short by taking its bottles off the shelf (set back after: the tests below dispense them).
    const offShelf = async (type: string, content: string) => {
      const numbers = kitsWith(type, content);
      const onShelf = (await t.sql<{ kit_number: string }>(`SELECT kit_number FROM kits WHERE study_id = ? AND status = 'available'`, studyId)).map((r) => r.kit_number).filter((n) => numbers.includes(n));
      for (const n of onShelf) await t.sql(`UPDATE kits SET status = 'quarantined' WHERE study_id = ? AND kit_number = ?`, studyId, n);
      return onShelf;
    };
    // Patients of every arm have visits to come (the tests above randomized them): every content is needed.
    expect(await armsShort()).toBe(0);
    const taken: string[] = [];
    try {
      // Placebo bottle B is what the 4 mg arm and the placebo arm both need: two arms uncovered, for one line short.
      taken.push(...(await offShelf('B', 'PBO_2MG')));
      expect(await armsShort()).toBe(2);
      // 4 mg bottle A: the 4 mg arm only, already counted.
      taken.push(...(await offShelf('A', 'BARI_4MG')));
      expect(await armsShort()).toBe(2);
      // 2 mg bottle B: the 2 mg arm, the third.
      taken.push(...(await offShelf('B', 'BARI_2MG')));
      expect(await armsShort()).toBe(3);
    } finally {
      for (const n of taken) await t.sql(`UPDATE kits SET status = 'available' WHERE study_id = ? AND kit_number = ?`, studyId, n);
    }
    expect(await armsShort()).toBe(0);
  });
});

describe('tablet compliance per dispensing interval', () => {
  type Compliance = { intervals: Array<{ visitCode: string; from: string; to: string | null; days: number | null; byType: Array<{ kitType: string; unitsGiven: number; unitsReturned: number; unitsTaken: number | null; unitsExpected: number | null; percent: number | null; state: string }> }> };
  it('counts the tablets taken from each bottle against one a day over the interval; an interval stays open until its bottles are back', async () => {
    const patient = await randomized('BR-60', BRAVE.strata[1]!);
    const plan = await ok<Plan>(ph, 'dispensing.plan', { patientId: patient.id, visitCode: 'D1' });
    const [bottleA, bottleB] = plan.kitsByType.map((k) => k.suggestions[0]!);
    await ok(ph, 'dispensing.confirm', { patientId: patient.id, visitCode: 'D1', kits: [{ kitNumber: bottleA, source: 'scanner' }, { kitNumber: bottleB, source: 'scanner' }], signature: password() });
    await ok(ph, 'returns.record', { code: bottleA, condition: 'partly_used', unitsReturned: 7, source: 'scanner' });
    const open = await ok<Compliance>(ph, 'returns.compliance', { patientId: patient.id });
    expect(open.intervals).toEqual([
      {
        visitCode: 'D1',
        from: expect.any(String),
        to: null,
        days: null,
        byType: [
          { kitType: 'Bottle A', kits: 1, unitsGiven: 35, unitsReturned: 7, unitsTaken: 28, unitsExpected: null, percent: null, state: 'counted' },
          { kitType: 'Bottle B', kits: 1, unitsGiven: 35, unitsReturned: 0, unitsTaken: null, unitsExpected: null, percent: null, state: 'awaiting_return' },
        ],
      },
    ]);

    // Four weeks later: bottle B comes back with 9 tablets, and week 4 is dispensed, which closes the interval.
    t.clock.travelTo(new Date(t.clock.now().getTime() + 28 * 86_400_000));
    try {
      ph = await t.loginAs('unblinded_pharmacist', 'brave-ph-w4');
      await ok(ph, 'session.switchStudy', { code: 'BRAVE-AA2' });
      await ok(ph, 'returns.record', { code: bottleB, condition: 'partly_used', unitsReturned: 9, source: 'scanner' });
      const w4 = await ok<Plan>(ph, 'dispensing.plan', { patientId: patient.id, visitCode: 'W4' });
      await ok(ph, 'dispensing.confirm', { patientId: patient.id, visitCode: 'W4', kits: w4.kitsByType.map((k) => ({ kitNumber: k.suggestions[0]!, source: 'scanner' })), signature: sign('unblinded_pharmacist') });
      const closed = await ok<Compliance>(ph, 'returns.compliance', { patientId: patient.id });
      expect(closed.intervals.map((i) => [i.visitCode, i.days])).toEqual([
        ['D1', 28],
        ['W4', null],
      ]);
      expect(closed.intervals[0]!.byType.map((b) => [b.kitType, b.unitsTaken, b.unitsExpected, b.percent, b.state])).toEqual([
        ['Bottle A', 28, 28, 100, 'counted'],
        ['Bottle B', 26, 28, 93, 'counted'],
      ]);
    } finally {
      t.clock.backToPresent();
    }
  });
});
