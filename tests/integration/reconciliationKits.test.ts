import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChannelOutput } from '../../shared/contract';
import { compareKitNumbers } from '../../shared/allocation/kitOrder';
import { channelCalls } from '../helpers/channels';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * The reconciliation's kit lines a page at a time (issue 12): a pharmacy's tens of thousands of kits are never sent
 * whole. Pages follow kit-number order and together hold every kit once; the filters and the search cover every kit,
 * not the page; an unfiltered page reads the facts of its own kits only; and the blinded channel never shows, nor
 * lets anyone search for, a real lot.
 */
type Page = ChannelOutput<'reconciliation.kits'>;
type View = ChannelOutput<'reconciliation.view'>;

let t: TestCore;
let monitor: string;
let pharmacist: string;
beforeAll(async () => {
  t = await demoCore({ history: true });
  monitor = await t.loginAs('monitor', 'kits-monitor');
  pharmacist = await t.loginAs('unblinded_pharmacist', 'kits-pharmacist');
}, 240_000);
afterAll(() => t?.dispose());

const { ok: call, sign } = channelCalls(() => t);

/** Every page of a filter, in order. */
async function allPages(window: string, channel: string, input: Record<string, unknown>, pageSize: number): Promise<Page[]> {
  const pages: Page[] = [];
  for (let page = 1; ; page++) {
    const answer = await call<Page>(window, channel, { ...input, page, pageSize });
    pages.push(answer);
    if (page * pageSize >= answer.matching) return pages;
  }
}

describe("the reconciliation's kit lines, a page at a time", () => {
  it('holds every kit once, in kit-number order, over pages of any size; the view only counts them', async () => {
    const view = await call<View>(monitor, 'reconciliation.view');
    const numbers = (await t.sql<{ kit_number: string }>('SELECT kit_number FROM kits')).map((r) => r.kit_number);
    expect(view.reconciliation.kitCount).toBe(numbers.length);
    expect(view.reconciliation).not.toHaveProperty('kits');
    const inOrder = [...numbers].sort(compareKitNumbers);
    for (const size of [1, 37, 100, 200]) {
      const pages = await allPages(monitor, 'reconciliation.kits', {}, size);
      expect(pages.flatMap((p) => p.kits.map((k) => k.kitNumber)), `pages of ${size}`).toEqual(inOrder);
      expect(pages.every((p) => p.total === numbers.length && p.matching === numbers.length && p.pageSize === size)).toBe(true);
    }
    // A page past the end is empty, and still says how many kits there are.
    expect(await call<Page>(monitor, 'reconciliation.kits', { page: 50, pageSize: 100 })).toMatchObject({ kits: [], matching: numbers.length, total: numbers.length, page: 50 });
  });

  it("gives each kit the same line as the whole reconciliation the sign-off hashes", async () => {
    const whole = await t.core.reconciliation.compute(null);
    const pages = await allPages(monitor, 'reconciliation.kits', {}, 64);
    expect(pages.flatMap((p) => p.kits)).toEqual(whole.kits);
  });

  it('reads the facts of the kits on the page only, unless a filter needs every line', async () => {
    const repository = (t.core.reconciliation as unknown as { repository: { kitFacts: (numbers?: readonly string[]) => Promise<unknown[]> } }).repository;
    const spy = vi.spyOn(repository, 'kitFacts');
    try {
      await call<Page>(monitor, 'reconciliation.kits', { page: 2, pageSize: 20 });
      expect(spy.mock.calls.map((c) => c[0]?.length)).toEqual([20]);
      spy.mockClear();
      await call<Page>(monitor, 'reconciliation.kits', { only: 'discrepancies', pageSize: 20 });
      expect(spy.mock.calls.map((c) => c[0])).toEqual([undefined]);
    } finally {
      spy.mockRestore();
    }
  });

  it('filters by discrepancy and by change since the sign-off, and searches kit, patient and lot, over every kit', async () => {
    const view = await call<View>(monitor, 'reconciliation.view');
    const everyLine = (await allPages(monitor, 'reconciliation.kits', {}, 200)).flatMap((p) => p.kits);

    const discrepant = (await allPages(monitor, 'reconciliation.kits', { only: 'discrepancies' }, 5)).flatMap((p) => p.kits);
    expect(discrepant.length).toBeGreaterThan(5);
    expect(discrepant.map((k) => k.kitNumber)).toEqual(view.reconciliation.discrepancies.map((d) => d.kitNumber));
    expect(discrepant.every((k) => k.discrepancies.length > 0)).toBe(true);

    // The demo's sign-off was voided by the visits after it: the kits changed since are the view's own list.
    expect(view.sinceLastSignOff!.kits.length).toBeGreaterThan(0);
    const since = (await allPages(monitor, 'reconciliation.kits', { only: 'sinceSignOff' }, 3)).flatMap((p) => p.kits);
    expect(since.map((k) => k.kitNumber)).toEqual([...view.sinceLastSignOff!.kits].sort(compareKitNumbers));

    // The last kit, far down the list, found by its number.
    const last = everyLine.at(-1)!;
    const found = await call<Page>(monitor, 'reconciliation.kits', { search: ` ${last.kitNumber} ` });
    expect(found.kits.map((k) => k.kitNumber)).toContain(last.kitNumber);
    expect(found.kits.every((k) => k.kitNumber.includes(last.kitNumber))).toBe(true);
    // A patient's kits, by their screening number in any case.
    const patient = everyLine.find((k) => k.patient)!.patient!;
    const theirs = await call<Page>(monitor, 'reconciliation.kits', { search: patient.toLowerCase(), pageSize: 200 });
    expect(theirs.kits.map((k) => k.kitNumber)).toEqual(everyLine.filter((k) => k.patient?.toLowerCase().includes(patient.toLowerCase()) || k.kitNumber.toLowerCase().includes(patient.toLowerCase()) || k.lot.toLowerCase().includes(patient.toLowerCase())).map((k) => k.kitNumber));
    expect(theirs.matching).toBeGreaterThan(0);
    // Filters combine: a patient's kits with a discrepancy.
    const both = await call<Page>(monitor, 'reconciliation.kits', { search: patient, only: 'discrepancies', pageSize: 200 });
    expect(both.kits.map((k) => k.kitNumber)).toEqual(theirs.kits.filter((k) => k.discrepancies.length > 0).map((k) => k.kitNumber));
  });

  it('shows blinded lots on the blinded channel, and a search for a real lot finds nothing there', async () => {
    const real = (await call<{ reconciliation: View['reconciliation'] }>(pharmacist, 'reconciliation.viewUnblinded')).reconciliation.lots.map((l) => l.lot);
    const blinded = (await call<View>(monitor, 'reconciliation.view')).reconciliation.lots.map((l) => l.lot);
    expect(real.length).toBeGreaterThan(0);
    expect(real.some((lot) => blinded.includes(lot))).toBe(false);

    const blindedLines = (await allPages(monitor, 'reconciliation.kits', {}, 200)).flatMap((p) => p.kits);
    expect(new Set(blindedLines.map((k) => k.lot))).toEqual(new Set(blinded));
    const text = JSON.stringify(blindedLines);
    for (const lot of real) {
      expect(text).not.toContain(lot);
      // Probing the real lot's name through the search: nothing matches, as for any word the view does not show.
      expect(await call<Page>(monitor, 'reconciliation.kits', { search: lot })).toMatchObject({ matching: 0, kits: [] });
    }

    // The unblinded channel: the real lots, and the search finds kits by them.
    const unblindedLines = (await allPages(pharmacist, 'reconciliation.kitsUnblinded', {}, 200)).flatMap((p) => p.kits);
    expect(new Set(unblindedLines.map((k) => k.lot))).toEqual(new Set(real));
    expect(unblindedLines.map((k) => k.kitNumber)).toEqual(blindedLines.map((k) => k.kitNumber));
    const byLot = await call<Page>(pharmacist, 'reconciliation.kitsUnblinded', { search: real[0], pageSize: 200 });
    expect(byLot.matching).toBe(unblindedLines.filter((k) => k.lot.toLowerCase().includes(real[0]!.toLowerCase())).length);
    expect(byLot.matching).toBeGreaterThan(0);

    // A blinded role is refused the unblinded channel before anything is read.
    const refused = await t.core.dispatch(monitor, 'reconciliation.kitsUnblinded', {});
    expect(refused.ok ? 'answered' : refused.error.code).toBe('forbidden');
  });

  it('takes kits imported after a page was read into the order of the next pages', async () => {
    const before = await call<Page>(monitor, 'reconciliation.kits', { pageSize: 1 });
    // Two kits more, from a row of the demo's own list: one that sorts first (a shorter number) and one that sorts last.
    const rows = Papa.parse<Record<string, string>>(t.demo.lists.kits.trim(), { header: true }).data;
    const added = [
      { ...rows[0]!, kit_number: '99', serial: 'SN-RECON-99' },
      { ...rows[1]!, kit_number: '99999999', serial: 'SN-RECON-99999999' },
    ];
    const csv = `${Papa.unparse(added)}\n`;
    await call(pharmacist, 'allocation.importList', { kind: 'kits', fileName: 'more-kits.csv', contentBase64: Buffer.from(csv, 'utf8').toString('base64'), signature: sign('unblinded_pharmacist') });
    const first = await call<Page>(monitor, 'reconciliation.kits', { pageSize: 1 });
    expect(first.total).toBe(before.total + 2);
    expect(first.kits.map((k) => k.kitNumber)).toEqual(['99']);
    const last = await call<Page>(monitor, 'reconciliation.kits', { pageSize: 1, page: first.total });
    expect(last.kits.map((k) => k.kitNumber)).toEqual(['99999999']);
  });

  it('refuses a page too large, a page below 1 and a search longer than a kit number can be, with a clear message', async () => {
    for (const [input, field] of [
      [{ pageSize: 201 }, 'pageSize'],
      [{ page: 0 }, 'page'],
      [{ search: 'x'.repeat(65) }, 'search'],
      [{ only: 'arm' }, 'only'],
      [{ sort: 'arm' }, ''],
    ] as const) {
      const r = await t.core.dispatch(monitor, 'reconciliation.kits', input);
      expect(r.ok, JSON.stringify(input)).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('validation');
        if (field) expect(r.error.issues?.map((i) => i.path[0])).toContain(field);
      }
    }
  });
});
