import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  AI_TABLE,
  CSET39,
  CSET64,
  CSET82,
  GS,
  encodeGs1,
  formatGs1,
  gs1CheckDigit,
  gs1DateToIso,
  parseGs1,
  type AiComponent,
  type AiDefinition,
  type Gs1ElementInput,
  type Gs1ParseResult,
} from '../../../shared/barcode/gs1';
import { KIT_NUMBER_PATTERN, NOT_A_KIT_OR_PACK, interpretScan } from '../../../shared/barcode/scan';

const REFERENCE_YEAR = 2026;
const opts = { referenceYear: REFERENCE_YEAR } as const;
const now = new Date(Date.UTC(REFERENCE_YEAR, 5, 15));

const CHARS: Record<AiComponent['charset'], string> = { N: '0123456789', X: CSET82, Y: CSET39, Z: CSET64 };
const pad2 = (n: number) => String(n).padStart(2, '0');
const charsOf = (set: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...set), minLength: min, maxLength: max });

/** A valid value for one component: digits with a computed check digit, a real date, or characters of its set. */
function componentArb(c: AiComponent): fc.Arbitrary<string> {
  if (c.linter === 'csum') return charsOf('0123456789', c.max - 1, c.max - 1).map((b) => b + gs1CheckDigit(b));
  if (c.linter === 'yymmd0' || c.linter === 'yymmdd') {
    const allowZero = c.linter === 'yymmd0';
    return fc
      .tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: allowZero ? 0 : 1, max: 31 }))
      .map(([y, m, d]) => `${pad2(y)}${pad2(m)}${pad2(d)}`)
      .filter((s) => gs1DateToIso(s, REFERENCE_YEAR, allowZero) !== null);
  }
  return charsOf(CHARS[c.charset], c.min, c.max);
}

function valueArb(def: AiDefinition): fc.Arbitrary<string> {
  const parts = def.components.map((c) =>
    c.optional ? fc.option(componentArb(c), { nil: '' }) : componentArb(c),
  );
  return fc.tuple(...parts).map((p) => p.join(''));
}

const AIS = [...AI_TABLE.keys()];
const elementArb = (ai: string): fc.Arbitrary<Gs1ElementInput> =>
  valueArb(AI_TABLE.get(ai) as AiDefinition).map((value) => ({ ai, value }));

/** Any AIs of the table, each at most once, in any order. */
const anyElements = fc
  .uniqueArray(fc.constantFrom(...AIS), { minLength: 1, maxLength: 10 })
  .chain((ais) => fc.tuple(...ais.map(elementArb)));

/** EU FMD pack codes: 01 + 17 + 10 + 21 (+ sometimes a national number), in any order. */
const fmdElements = fc
  .tuple(
    elementArb('01'),
    elementArb('17'),
    elementArb('10'),
    elementArb('21'),
    fc.option(fc.constantFrom('710', '711', '712', '713', '714', '715', '716').chain(elementArb), { nil: undefined }),
  )
  .map((els) => els.filter((e): e is Gs1ElementInput => e !== undefined))
  .chain((els) => fc.shuffledSubarray(els, { minLength: els.length, maxLength: els.length }));

const validElements = fc.oneof(anyElements, fmdElements);

const pairs = (r: Gs1ParseResult) => (r.ok ? r.elements.map(({ ai, value }) => ({ ai, value })) : r.error);

/** Strings near GS1 (digits, GS, letters, brackets, AIM and CR characters) reach deep into the parser. */
const gs1ish = fc.string({
  unit: fc.constantFrom(...'0123456789', GS, 'A', 'z', '(', ')', '\\', ']', 'd', 'C', '~', '\r', '\n', '#', ' '),
  maxLength: 80,
});
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.uint8Array({ maxLength: 120 }).map((bytes) => String.fromCharCode(...bytes)),
  gs1ish,
  fc.tuple(fc.constantFrom(']d2', ']C1', ']Q3', ']e0', ''), validElements, gs1ish).map(
    ([aim, els, tail]) => aim + encodeGs1(els) + tail,
  ),
);

function expectWellFormed(input: string, r: Gs1ParseResult): void {
  expect(typeof r.ok).toBe('boolean');
  if (r.ok) {
    expect(Array.isArray(r.elements)).toBe(true);
    expect(r.elements.length).toBeGreaterThan(0);
  } else {
    expect(typeof r.error.code).toBe('string');
    expect(r.error.message.length).toBeGreaterThan(0);
    expect(Number.isInteger(r.error.position)).toBe(true);
    expect(r.error.position).toBeGreaterThanOrEqual(0);
    expect(r.error.position).toBeLessThanOrEqual(input.length);
  }
}

describe('GS1 parser properties (fast-check)', () => {
  it('any valid element string round-trips: encode -> parse gives the same elements', () => {
    fc.assert(
      fc.property(validElements, (els) => {
        const r = parseGs1(encodeGs1(els), opts);
        expect(pairs(r)).toEqual(els);
        if (r.ok) for (const e of r.elements) expect(e.title).toBe(AI_TABLE.get(e.ai)?.title);
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips as a scanner sends it: AIM identifier, GS replacement, trailing CR/LF', () => {
    fc.assert(
      fc.property(
        validElements,
        fc.constantFrom(']d2', ']C1', ']Q3', ']e0', ''),
        fc.constantFrom(GS, '~', '\\x1d'),
        fc.constantFrom('', '\r', '\r\n', '\n'),
        (els, aim, sep, end) => {
          const data = encodeGs1(els).split(GS).join(sep);
          const r = parseGs1(aim + data + end, { ...opts, gsReplacement: '~' });
          expect(pairs(r)).toEqual(els);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('an encoded string uses GS only after AIs outside the predefined-length table, never at the end', () => {
    fc.assert(
      fc.property(validElements, (els) => {
        const encoded = encodeGs1(els);
        const needed = els.slice(0, -1).filter((e) => !AI_TABLE.get(e.ai)?.predefinedLength).length;
        expect(encoded.split(GS).length - 1).toBe(needed);
        expect(encoded.endsWith(GS)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('parse(format) is stable: the human-readable form parses to the same result as the element string', () => {
    fc.assert(
      fc.property(validElements, (els) => {
        const fromEncoded = parseGs1(encodeGs1(els), opts);
        const fromHri = parseGs1(formatGs1(els), opts);
        expect(fromHri).toEqual(fromEncoded);
        if (fromEncoded.ok) {
          expect(fromEncoded.hri).toBe(formatGs1(els));
          expect(parseGs1(fromEncoded.hri, opts)).toEqual(fromEncoded);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes and strings never throw and always give a well-formed result', () => {
    fc.assert(
      fc.property(anyString, fc.constantFrom(undefined, '~', '<GS>'), (input, gsReplacement) => {
        const r = parseGs1(input, gsReplacement ? { ...opts, gsReplacement } : opts);
        expectWellFormed(input, r);
      }),
      { numRuns: 3000 },
    );
  });

  it('whatever the parser accepts re-encodes and parses back to the same thing', () => {
    fc.assert(
      fc.property(anyString, (input) => {
        const r = parseGs1(input, opts);
        if (!r.ok) return;
        const again = parseGs1(encodeGs1(r.elements), opts);
        expect(again).toEqual(r);
        expect(parseGs1(r.hri, opts)).toEqual(r);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('interpretScan properties (fast-check)', () => {
  it('never throws: every scan is a pack, a kit or refused with the message', () => {
    fc.assert(
      fc.property(anyString, fc.constantFrom(undefined, '~'), (raw, gsReplacement) => {
        const s = interpretScan(raw, gsReplacement ? { now, gsReplacement } : { now });
        expect(['gs1', 'kit', 'invalid']).toContain(s.kind);
        if (s.kind === 'kit') expect(s.kitNumber).toMatch(KIT_NUMBER_PATTERN);
        if (s.kind === 'invalid') expect(s.message).toBe(NOT_A_KIT_OR_PACK);
      }),
      { numRuns: 3000 },
    );
  });

  it('a GS1 DataMatrix pack code is always read as a pack with its GTIN, lot, expiry and serial', () => {
    fc.assert(
      fc.property(fmdElements, fc.constantFrom('', '\r', '\r\n'), (els, end) => {
        const s = interpretScan(`]d2${encodeGs1(els)}${end}`, { now });
        const value = (ai: string) => els.find((e) => e.ai === ai)?.value;
        expect(s).toMatchObject({ kind: 'gs1', gtin: value('01'), lot: value('10'), serial: value('21') });
        if (s.kind === 'gs1') expect(s.expiry).toBe(gs1DateToIso(value('17') ?? '', REFERENCE_YEAR));
      }),
      { numRuns: 500 },
    );
  });

  it('a kit number, with surrounding blanks and a CR, is read as that kit number', () => {
    const kitChars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-';
    fc.assert(
      fc.property(charsOf(kitChars, 1, 30), fc.constantFrom('', ' ', '  '), fc.constantFrom('', '\r', '\r\n'), (kit, blank, end) => {
        fc.pre(!/^0[01][0-9]{14}/.test(kit));
        expect(interpretScan(`${blank}${kit}${blank}${end}`, { now })).toMatchObject({ kind: 'kit', kitNumber: kit });
      }),
      { numRuns: 500 },
    );
  });
});
