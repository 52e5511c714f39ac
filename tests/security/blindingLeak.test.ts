import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels } from '../../shared/contract';
import { ROLES, ROLE_IS_BLINDED, ROLE_PERMISSIONS } from '../../shared/roles';
import type { Handlers } from '../../main/core/router';
import { streamLogger } from '../../main/core/log';
import { demoCore, type TestCore } from '../helpers/core';
import { runChannelLeakHarness, realInputs } from './leak/channelHarness';
import { inspect, type SponsorTruth } from './leak/leakDetector';

let t: TestCore;
let truth: SponsorTruth;
const logLines: string[] = [];

beforeAll(async () => {
  t = await demoCore({ history: true, logger: streamLogger((line) => logLines.push(line)) });
  const study = t.core.study();
  truth = {
    armWords: study.arms.flatMap((a) => [a.code, a.name]),
    // Words every user may read: the blinded product name on labels, in each label language ("... or placebo",
    // "... ou placebo"), and the study title ("placebo-controlled").
    sharedBlindedPhrases: [study.product.blindedName, ...Object.values(study.labels.translations ?? {}).flatMap((l) => (l ? [l.product.blindedName] : [])), study.title],
    armOf: t.armOf,
  };
}, 120_000);
afterAll(() => t.dispose());

/** Replaces one handler of the live router, as a bug in a service would. */
function plant(group: keyof Handlers, name: string, wrap: (original: (...args: never[]) => unknown) => (...args: never[]) => unknown): () => void {
  const handlers = (t.core.router as unknown as { handlers: Handlers }).handlers as unknown as Record<string, Record<string, (...args: never[]) => unknown>>;
  const original = handlers[group]![name]!;
  handlers[group]![name] = wrap(original);
  return () => {
    handlers[group]![name] = original;
  };
}

describe('the blinding leak test over every channel', () => {
  it('finds no arm word, no arm-separating field and no arm ordering in anything a blinded role can call, nor in the log', async () => {
    // One patient was emergency-unblinded first: nothing the others (or the investigator, later) see may show it.
    const inv = await t.loginAs('investigator', 'emergency-before-harness');
    const unblinded = await t.core.dispatch(inv, 'emergency.unblind', {
      patientId: (t.core.db.prepare("SELECT id FROM patients WHERE screening_number = 'S-001'").get() as { id: number }).id,
      reason: 'Severe adverse event: hospitalisation',
      adverseEvent: true,
      passphrase: t.demo.codeBreakPassphrase,
      signature: { username: 'investigator', password: t.userOf('investigator').password },
    });
    expect(unblinded.ok).toBe(true);
    await t.core.dispatch(inv, 'session.logout', {});
    const { leaks, calls } = await runChannelLeakHarness(t, truth);
    expect(leaks).toEqual([]);
    expect(calls).toBeGreaterThan(100);
    for (const line of logLines) expect(inspect('log', line, truth)).toEqual([]);
  }, 300_000);

  it('calls every channel each blinded role may call, with real ids for every channel that takes an id', () => {
    for (const role of ROLES.filter((r) => ROLE_IS_BLINDED[r])) {
      const inputs = realInputs(t, role);
      for (const { name, definition } of channels) {
        const allowed = ['public', 'session', 'locked'].includes(definition.access) || ROLE_PERMISSIONS[role].includes(definition.access as never);
        const takesId = JSON.stringify(definition.examples).match(/Id"|kitNumber|code"|status"/);
        if (allowed && takesId && !name.startsWith('session.') && !name.startsWith('users.')) {
          expect(inputs[name as keyof typeof inputs], `${role}: ${name} needs real inputs in channelHarness.realInputs`).toBeDefined();
        }
      }
    }
  });
});

describe('the leak test fails on a planted leak', () => {
  it('catches an arm word inside a downloaded PDF report', async () => {
    const restore = plant('reports', 'render', () => async () => {
      const { renderReportPdf } = await import('../../main/core/reports/pdfReport');
      const pdf = await renderReportPdf('Planted', { study: t.core.study(), seal: t.core.audit.seal(), printedAt: new Date() }, [{ paragraphs: ['Kit 123456 is Placebo'] }]);
      return { fileName: 'x.pdf', mime: 'application/pdf', base64: Buffer.from(pdf).toString('base64') };
    });
    try {
      const { leaks } = await runChannelLeakHarness(t, truth);
      expect(leaks.some((l) => l.kind === 'arm_word' && l.where.includes('reports.render') && l.where.endsWith('(file)'))).toBe(true);
    } finally {
      restore();
    }
  }, 300_000);

  it('catches an arm word in an answer', async () => {
    const restore2 = plant('patients', 'get', (original) => (...args) => {
      const patient = original(...args) as { withdrawalReason: string | null };
      return { ...patient, withdrawalReason: 'Placebo non-responder' };
    });
    try {
      const { leaks } = await runChannelLeakHarness(t, truth);
      expect(leaks.some((l) => l.kind === 'arm_word' && l.where.includes('patients.get'))).toBe(true);
    } finally {
      restore2();
    }
  }, 300_000);

  it('catches a list sorted by arm', async () => {
    const restore = plant('inventory', 'kits', (original) => (...args) => {
      const kits = original(...args) as Array<{ kitNumber: string }>;
      return [...kits].sort((a, b) => (t.armOf.get(a.kitNumber)! < t.armOf.get(b.kitNumber)! ? -1 : 1));
    });
    try {
      const { leaks } = await runChannelLeakHarness(t, truth);
      expect(leaks.some((l) => l.kind === 'arm_ordering' && l.where.includes('inventory.kits'))).toBe(true);
    } finally {
      restore();
    }
  }, 300_000);

  it('catches a field that takes one value per arm (the real lot shown instead of the blinded lot)', async () => {
    const lots = new Map<string, string>();
    for (const line of t.demo.lists.kits.trim().split(/\r?\n/).slice(1)) {
      const [kit, , lot] = line.split(',');
      lots.set(kit!, lot!);
    }
    const restore = plant('inventory', 'kits', (original) => (...args) => {
      const kits = original(...args) as Array<{ kitNumber: string; blindedLot: string }>;
      return kits.map((k) => ({ ...k, blindedLot: lots.get(k.kitNumber)! }));
    });
    try {
      const { leaks } = await runChannelLeakHarness(t, truth);
      expect(leaks.some((l) => l.kind === 'separating_field' && l.detail.includes('blindedLot'))).toBe(true);
    } finally {
      restore();
    }
  }, 300_000);
});
