import { randomInt } from 'node:crypto';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import { csvTable } from '../csvWriter';
import { hasKitTypes } from '../../../shared/study/kitContents';

/**
 * Sponsor-style lists for the demo, written as a sponsor's system would send them, then imported through the same
 * importer as real lists. Randomization: permuted blocks of 3 and 6 at the study's ratio. Kits: non-sequential
 * numbers, two lots per arm, each lot with its own expiry date (so the blinding risk analysis has something to find).
 */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export function demoRandomizationCsv(study: StudyConfig, slots = 36): string {
  const ratioBlock = study.arms.flatMap((arm) => Array<string>(arm.ratio).fill(arm.code));
  const rows: string[][] = [];
  let block = 0;
  while (rows.length < slots) {
    block++;
    const multiplier = randomInt(2) + 1; // blocks of 1x or 2x the ratio (3 or 6 for 2:1)
    const arms = shuffle(Array.from({ length: multiplier }, () => ratioBlock).flat());
    for (const arm of arms) {
      if (rows.length === slots) break;
      // Blocks of each stratum in turn (permuted blocks within strata, as a stratified list is built).
      rows.push([`R${String(rows.length + 1).padStart(3, '0')}`, arm, `B${String(block).padStart(2, '0')}`, study.strata[(block - 1) % study.strata.length]!]);
    }
  }
  return csvTable(['randomization_number', 'arm', 'block', 'stratum'], rows) + '\r\n';
}

const DEMO_LOTS: Record<string, Array<{ lot: string; expiry: string }>> = {
  DUPI300: [
    { lot: 'DP24A117', expiry: '2027-09-30' },
    { lot: 'DP25B042', expiry: '2028-03-31' },
  ],
  PLACEBO: [
    { lot: 'PL24C009', expiry: '2027-08-31' },
    { lot: 'PL25D021', expiry: '2028-02-29' },
  ],
};

/** `count` kit numbers no list of the demo uses, shuffled (100000-899999: see demoKitCsv). */
function kitNumbers(count: number): string[] {
  const numbers = new Set<string>();
  while (numbers.size < count) numbers.add(String(100000 + randomInt(800000)));
  return shuffle([...numbers]);
}

/**
 * A kit list for a study with kit types (a double-dummy design): `kit_type` and `content` columns in place of the arm.
 * The kits are shared equally between the types, and within a type between its contents in proportion to the arms
 * that need each (a placebo bottle B serves the 4 mg and the placebo arms: 5 of 7 at 3:2:2). Each content has its own
 * lot and expiry date, as packaging runs do, so the analysis finds dates that tell contents apart within a type.
 */
function demoTypedKitCsv(study: StudyConfig, kits: number): string {
  const types = study.kitTypes!;
  const pool = kitNumbers(kits);
  const rows: string[][] = [];
  const gtin = withCheckDigit('0376000000002');
  types.forEach((type, typeIndex) => {
    const ofType = typeIndex === types.length - 1 ? kits - rows.length : Math.round(kits / types.length);
    const demand = type.contents.map((c) => study.arms.filter((a) => a.contents?.[type.code] === c.code).reduce((n, a) => n + a.ratio, 0));
    const total = demand.reduce((n, d) => n + d, 0);
    const start = rows.length;
    type.contents.forEach((content, i) => {
      const count = i === type.contents.length - 1 ? ofType - (rows.length - start) : Math.round((ofType * demand[i]!) / total);
      const lot = `${type.code}${content.code.replace(/[^A-Z0-9]/g, '').slice(0, 5)}26${String(i + 1)}`;
      const expiry = `2028-0${(i % 9) + 1}-${i % 2 === 0 ? '30' : '28'}`;
      for (let k = 0; k < count; k++) {
        const kitNumber = pool[rows.length]!;
        rows.push([kitNumber, type.code, content.code, lot, expiry, gtin, `SN${kitNumber}`]);
      }
    });
  });
  return csvTable(['kit_number', 'kit_type', 'content', 'lot', 'expiry_date', 'gtin', 'serial'], rows) + '\r\n';
}

/** GS1 check digit for a 13-digit GTIN body. */
function withCheckDigit(body13: string): string {
  const sum = [...body13].map(Number).reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return body13 + String((10 - (sum % 10)) % 10);
}

export function demoKitCsv(study: StudyConfig, kits = 180): string {
  if (hasKitTypes(study)) return demoTypedKitCsv(study, kits);
  const totalRatio = study.arms.reduce((s, a) => s + a.ratio, 0);
  // 100000-899999: the 9xxxxx numbers are left for kits a test adds later (a late list, an extension), which must never
  // be the demo's by chance ("Kit 900001 is already imported" failed a test in CI once).
  const pool = kitNumbers(kits);
  const rows: string[][] = [];
  // One GTIN for every kit of the study: a per-arm GTIN would itself reveal the arm.
  const gtin = withCheckDigit('0376000000001');
  study.arms.forEach((arm, armIndex) => {
    const count = armIndex === study.arms.length - 1 ? kits - rows.length : Math.round((kits * arm.ratio) / totalRatio);
    const lots = DEMO_LOTS[arm.code] ?? [{ lot: `${arm.code.slice(0, 2)}LOT1`, expiry: '2028-01-31' }];
    for (let i = 0; i < count; i++) {
      const lot = lots[i % lots.length]!;
      const kitNumber = pool[rows.length]!;
      // Spreadsheet habit: day-first dates for the second lot, to exercise the importer.
      const expiry = i % lots.length === 1 ? lot.expiry.split('-').reverse().join('/') : lot.expiry;
      rows.push([kitNumber, arm.code, lot.lot, expiry, gtin, `SN${kitNumber}`]);
    }
  });
  // Sponsors often send kit lists grouped by arm; Veil must cope (and stores them in kit-number order).
  return csvTable(['kit_number', 'arm', 'lot', 'expiry_date', 'gtin', 'serial'], rows) + '\r\n';
}
