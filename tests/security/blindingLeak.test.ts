import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels } from '../../shared/contract';
import { ROLES, ROLE_IS_BLINDED, ROLE_PERMISSIONS } from '../../shared/roles';
import type { Handlers } from '../../main/core/router';
import { streamLogger } from '../../main/core/log';
import { demoCore, type TestCore } from '../helpers/core';
import { buildExampleWorld, disposeWorld, openWorldCopy, type ExampleWorld } from '../helpers/exampleWorld';
import { runChannelLeakHarness, type HarnessResult } from './leak/channelHarness';
import { inspect, orderingTests, type SponsorTruth } from './leak/leakDetector';

let t: TestCore;
let world: ExampleWorld;
let truth: SponsorTruth;
const logLines: string[] = [];
/** The first full run, on an untouched copy of the world (its figures are asserted on below). */
let firstRun: HarnessResult;

beforeAll(async () => {
  t = await demoCore({ history: true, logger: streamLogger((line) => logLines.push(line)) });
  world = await buildExampleWorld(t);
  const study = t.core.study();
  truth = {
    armWords: study.arms.flatMap((a) => [a.code, a.name]),
    // Words every user may read: the blinded product name on labels, in each label language ("... or placebo",
    // "... ou placebo"), and the study title ("placebo-controlled").
    sharedBlindedPhrases: [study.product.blindedName, ...Object.values(study.labels.translations ?? {}).flatMap((l) => (l ? [l.product.blindedName] : [])), study.title],
    armOf: t.armOf,
  };
}, 180_000);
afterAll(async () => {
  await disposeWorld(world);
  t?.dispose();
});

/**
 * One harness run on its own copy of the example world (every run finds the shipments open and the labels unprinted),
 * after `prepare` (a planted bug, a prior step) on that copy's core.
 */
async function harnessRun(prepare: (copy: TestCore) => Promise<void> | void = () => {}): Promise<HarnessResult> {
  const copy = await openWorldCopy(t, world, { logger: streamLogger((line) => logLines.push(line)), desktop: true });
  try {
    await prepare(copy);
    return await runChannelLeakHarness(copy, world, truth);
  } finally {
    copy.dispose();
  }
}

/** Replaces one handler of a live router, as a bug in a service would. */
function plant(core: TestCore['core'], group: keyof Handlers, name: string, wrap: (original: (...args: never[]) => unknown) => (...args: never[]) => unknown): void {
  const handlers = (core.router as unknown as { handlers: Handlers }).handlers as unknown as Record<string, Record<string, (...args: never[]) => unknown>>;
  handlers[group]![name] = wrap(handlers[group]![name]!);
}

describe('the blinding leak test over every channel', () => {
  it('finds no arm word, no arm-separating field and no arm ordering in anything a blinded role can call, nor in the log', async () => {
    firstRun = await harnessRun(async (copy) => {
      // One patient was emergency-unblinded first: nothing the others (or the investigator, later) see may show it.
      const inv = await copy.loginAs('investigator', 'emergency-before-harness');
      const unblinded = await copy.core.dispatch(inv, 'emergency.unblind', {
        patientId: (await copy.core.store.q().selectFrom('patients').select('id').where('screening_number', '=', 'S-001').executeTakeFirstOrThrow()).id,
        reason: 'Severe adverse event: hospitalisation',
        adverseEvent: true,
        passphrase: t.demo.codeBreakPassphrase,
        signature: { username: 'investigator', password: t.userOf('investigator').password },
      });
      expect(unblinded.ok).toBe(true);
      await copy.core.dispatch(inv, 'session.logout', {});
      // A lot's expiry extended from the sponsor's letter (issue 16, item 2): its events, signature and the kits' new
      // sealed dates are in everything the blinded roles read after it.
      const ph = await copy.loginAs('unblinded_pharmacist', 'extension-before-harness');
      const lot = Papa.parse<{ lot: string }>(copy.demo.lists.kits.trim(), { header: true }).data[0]!.lot;
      const extended = await copy.core.dispatch(ph, 'lots.extendExpiry', { lot, newExpiry: '2030-06-30', letterReference: 'SPN-EXT-HARNESS', signature: { username: copy.userOf('unblinded_pharmacist').username, password: copy.userOf('unblinded_pharmacist').password } });
      expect(extended.ok, JSON.stringify(extended)).toBe(true);
      await copy.core.dispatch(ph, 'session.logout', {});
    });
    const { leaks, calls, inspected, refused, unblindedProbes } = firstRun;
    // The lot channels (recall, extension, over-labels) name real lots: every blinded role is refused, arm-free.
    expect(unblindedProbes.answered).toEqual([]);
    expect([...unblindedProbes.channels].sort()).toEqual(channels.filter((c) => c.name.startsWith('lots.')).map((c) => c.name).sort());
    console.log(`blinding leak harness: ${inspected} of ${calls} calls answered ok and were inspected (${refused.length} refused); ${orderingTests.lists} lists of 10 or more tested for arm order`);
    // The harness inspects answers: a refusal shows nothing of what a blinded user really sees.
    expect(refused).toEqual([]);
    expect(leaks).toEqual([]);
    expect(inspected).toBeGreaterThan(200);
    // The windows' events were inspected too, records.changed among them (the harness's commits raise it).
    expect(firstRun.recordNotices).toBeGreaterThan(0);
    for (const line of logLines) expect(inspect('log', line, truth)).toEqual([]);
  }, 300_000);

  it('inspects an ok answer of every channel each blinded role may call', () => {
    for (const role of ROLES.filter((r) => ROLE_IS_BLINDED[r])) {
      const okCalls = firstRun.okPerChannel.get(role)!;
      for (const { name, definition } of channels) {
        const allowed = ['public', 'session'].includes(definition.access) || ROLE_PERMISSIONS[role].includes(definition.access as never);
        if (allowed && !name.startsWith('session.')) expect(okCalls.get(name) ?? 0, `${role}: ${name} was never answered ok`).toBeGreaterThan(0);
      }
    }
    // Technicians' scans are real receipts, not refusals: what a blinded technician sees at the bench is inspected.
    expect(firstRun.okPerChannel.get('pharmacy_technician')!.get('shipments.scanKit')).toBeGreaterThan(3);
  });
});

describe('the leak test fails on a planted leak', () => {
  it('catches an arm word inside a downloaded PDF report', async () => {
    const { leaks } = await harnessRun((copy) =>
      plant(copy.core, 'reports', 'render', () => async () => {
        const { renderReportPdf } = await import('../../main/core/reports/pdfReport');
        const pdf = await renderReportPdf('Planted', { study: copy.core.study(), seal: (await copy.core.audit.seal()), printedAt: new Date() }, [{ paragraphs: ['Kit 123456 is Placebo'] }]);
        return { fileName: 'x.pdf', mime: 'application/pdf', base64: Buffer.from(pdf).toString('base64') };
      }),
    );
    expect(leaks.some((l) => l.kind === 'arm_word' && l.where.includes('reports.render') && l.where.endsWith('(file)'))).toBe(true);
  }, 300_000);

  it('catches an arm word in an answer', async () => {
    const { leaks } = await harnessRun((copy) =>
      plant(copy.core, 'patients', 'get', (original) => async (...args) => {
        const patient = (await original(...args)) as { withdrawalReason: string | null };
        return { ...patient, withdrawalReason: 'Placebo non-responder' };
      }),
    );
    expect(leaks.some((l) => l.kind === 'arm_word' && l.where.includes('patients.get'))).toBe(true);
  }, 300_000);

  it('catches a list sorted by arm', async () => {
    const { leaks } = await harnessRun((copy) =>
      plant(copy.core, 'inventory', 'kits', (original) => async (...args) => {
        const kits = (await original(...args)) as Array<{ kitNumber: string }>;
        return [...kits].sort((a, b) => (t.armOf.get(a.kitNumber)! < t.armOf.get(b.kitNumber)! ? -1 : 1));
      }),
    );
    expect(leaks.some((l) => l.kind === 'arm_ordering' && l.where.includes('inventory.kits'))).toBe(true);
  }, 300_000);

  it('catches a field that takes one value per arm (the real lot shown instead of the blinded lot)', async () => {
    const lots = new Map<string, string>();
    for (const line of t.demo.lists.kits.trim().split(/\r?\n/).slice(1)) {
      const [kit, , lot] = line.split(',');
      lots.set(kit!, lot!);
    }
    const { leaks } = await harnessRun((copy) =>
      plant(copy.core, 'inventory', 'kits', (original) => async (...args) => {
        const kits = (await original(...args)) as Array<{ kitNumber: string; blindedLot: string }>;
        return kits.map((k) => ({ ...k, blindedLot: lots.get(k.kitNumber) ?? k.blindedLot }));
      }),
    );
    expect(leaks.some((l) => l.kind === 'separating_field' && l.detail.includes('blindedLot'))).toBe(true);
  }, 300_000);

  it('catches the emergency unblinding telling a wrong arm', async () => {
    const { leaks } = await harnessRun((copy) =>
      plant(copy.core, 'emergency', 'unblind', (original) => async (...args) => {
        const answer = (await original(...args)) as { armCode: string };
        return { ...answer, armCode: answer.armCode === 'PLACEBO' ? 'DUPI300' : 'PLACEBO' };
      }),
    );
    expect(leaks.some((l) => l.where.includes('emergency.unblind') && l.detail.includes('not the patient'))).toBe(true);
  }, 300_000);
});
