import { describe, expect, it } from 'vitest';

import { splitAim, stripLineEnd } from '../../../shared/barcode/aim';
import {
  AI_TABLE,
  GS,
  Gs1EncodeError,
  PREDEFINED_LENGTHS,
  encodeGs1,
  formatGs1,
  gs1CheckDigit,
  gs1DateToIso,
  hasValidCheckDigit,
  parseGs1,
  resolveGs1Year,
  type Gs1ParseResult,
} from '../../../shared/barcode/gs1';
import { NOT_A_KIT_OR_PACK, interpretScan } from '../../../shared/barcode/scan';

const now = new Date('2026-06-15T10:00:00Z');
const GTIN = '09876543210982'; // check digit 2 (mod 10, weights 3-1 from the right)
const GTIN2 = '03760123456784';
/** EU FMD pack code: (01) GTIN, (17) expiry, (10) batch, GS, (21) serial. */
const FMD = `01${GTIN}17270930` + `10LOT42${GS}21SER123456`;

function ok(r: Gs1ParseResult) {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message} @${r.error.position}`);
  return r;
}
function err(r: Gs1ParseResult) {
  if (r.ok) throw new Error(`expected an error, got ${r.hri}`);
  return r.error;
}

describe('check digits', () => {
  it('computes the GS1 mod-10 check digit', () => {
    expect(gs1CheckDigit('0987654321098')).toBe(2);
    expect(gs1CheckDigit('0376012345678')).toBe(4);
    expect(gs1CheckDigit('0061414112345')).toBe(2); // GTIN 00614141123452
    expect(hasValidCheckDigit(GTIN)).toBe(true);
    expect(hasValidCheckDigit('09876543210983')).toBe(false);
    expect(hasValidCheckDigit('0987654321098x')).toBe(false);
    // SSCC example of the General Specifications.
    expect(hasValidCheckDigit('106141411234567897')).toBe(true);
  });
});

describe('the AI table', () => {
  it('is prefix-free, so an AI is read unambiguously', () => {
    const ais = [...AI_TABLE.keys()];
    const clashes = ais.flatMap((a) => ais.filter((b) => b !== a && b.startsWith(a)).map((b) => `${a}/${b}`));
    expect(clashes).toEqual([]);
  });

  it('has every assigned predefined-length AI with the table length, and nothing else skips the separator', () => {
    for (const def of AI_TABLE.values()) {
      const total = PREDEFINED_LENGTHS[def.ai.slice(0, 2)];
      expect(def.predefinedLength).toBe(total !== undefined);
      if (total !== undefined) expect(def.ai.length + def.maxLength).toBe(total);
    }
    for (const ai of ['00', '01', '02', '03', '11', '12', '13', '15', '16', '17', '20']) {
      expect(AI_TABLE.get(ai)?.predefinedLength, ai).toBe(true);
    }
    for (let n = 410; n <= 417; n++) expect(AI_TABLE.get(String(n))?.maxLength).toBe(13);
    const measures = [...AI_TABLE.keys()].filter((ai) => /^3[1-6]/.test(ai));
    expect(measures.length).toBe(53 * 6);
    for (const ai of measures) expect(AI_TABLE.get(ai)).toMatchObject({ fixedLength: true, maxLength: 6 });
    for (const ai of ['04', '14', '18', '19']) expect(AI_TABLE.has(ai)).toBe(false); // predefined length, unassigned
  });

  it('knows the pharmaceutical and common variable-length AIs with their maximum lengths', () => {
    const max = (ai: string) => AI_TABLE.get(ai)?.maxLength;
    expect(max('10')).toBe(20);
    expect(max('21')).toBe(20);
    expect(max('22')).toBe(20);
    expect(max('240')).toBe(30);
    expect(max('30')).toBe(8);
    expect(max('37')).toBe(8);
    expect(max('400')).toBe(30);
    expect(max('7003')).toBe(10);
    for (let n = 710; n <= 716; n++) expect(max(String(n))).toBe(20);
    expect(max('8006')).toBe(18);
    expect(max('8018')).toBe(18);
    expect(max('90')).toBe(30);
    for (let n = 91; n <= 99; n++) expect(max(String(n))).toBe(90);
    expect(AI_TABLE.get('7003')?.predefinedLength).toBe(false);
  });
});

describe('AIM symbology identifiers', () => {
  it('splits the identifier off and tells GS1 symbologies', () => {
    expect(splitAim(']d2010')).toMatchObject({ aim: ']d2', symbology: 'gs1-datamatrix', gs1: true, data: '010' });
    expect(splitAim(']C1x')).toMatchObject({ symbology: 'gs1-128', gs1: true });
    expect(splitAim(']C0x')).toMatchObject({ symbology: 'code128', gs1: false });
    expect(splitAim(']Q3x')).toMatchObject({ symbology: 'gs1-qr', gs1: true });
    expect(splitAim(']Q1x')).toMatchObject({ symbology: 'qr', gs1: false });
    expect(splitAim(']e0x')).toMatchObject({ symbology: 'gs1-databar', gs1: true });
    expect(splitAim(']d1x')).toMatchObject({ symbology: 'datamatrix', gs1: false });
    expect(splitAim(']E04006381333931')).toMatchObject({ aim: ']E0', symbology: 'unknown', gs1: false });
    expect(splitAim('KIT-1')).toMatchObject({ aim: null, symbology: 'none', gs1: false, data: 'KIT-1' });
    expect(splitAim(']')).toMatchObject({ aim: null, data: ']' });
  });

  it('strips a trailing CR, LF or CR LF', () => {
    expect(stripLineEnd('abc\r')).toBe('abc');
    expect(stripLineEnd('abc\r\n')).toBe('abc');
    expect(stripLineEnd('abc\n\n')).toBe('abc');
    expect(stripLineEnd('a\rbc')).toBe('a\rbc');
    expect(splitAim(']C0KIT-7\r\n').data).toBe('KIT-7');
  });
});

describe('parseGs1: EU FMD pack codes', () => {
  it('reads 01 + 17 + 10 <GS> 21', () => {
    const r = ok(parseGs1(FMD, { now }));
    expect(r.elements).toEqual([
      { ai: '01', title: 'GTIN', value: GTIN },
      { ai: '17', title: 'USE BY OR EXPIRY', value: '270930' },
      { ai: '10', title: 'BATCH/LOT', value: 'LOT42' },
      { ai: '21', title: 'SERIAL', value: 'SER123456' },
    ]);
    expect(r).toMatchObject({ gtin: GTIN, expiry: '2027-09-30', lot: 'LOT42', serial: 'SER123456' });
    expect(r.hri).toBe(`(01)${GTIN}(17)270930(10)LOT42(21)SER123456`);
  });

  it('reads the same code with an AIM identifier and a trailing CR, as HID POS and wedge scanners send it', () => {
    for (const aim of [']d2', ']C1', ']Q3', ']e0', '']) {
      for (const end of ['', '\r', '\r\n', '\n']) {
        const r = ok(parseGs1(aim + FMD + end, { now }));
        expect(r.gtin).toBe(GTIN);
        expect(r.serial).toBe('SER123456');
      }
    }
  });

  it('reads the serial-first order with a GS after each variable field, and a national number', () => {
    const code = `]d201${GTIN2}21ABC/123-x${GS}10B.7${GS}17280200` + `714${'1234567'}`;
    const r = ok(parseGs1(code, { now }));
    expect(r).toMatchObject({ gtin: GTIN2, serial: 'ABC/123-x', lot: 'B.7', expiry: '2028-02-29' });
    expect(r.nationalNumbers).toEqual([{ ai: '714', title: 'NHRN AIM', value: '1234567' }]);
  });

  it('tolerates a leading FNC1/GS, a GS after a fixed-length field and a trailing GS', () => {
    const r = ok(parseGs1(`${GS}01${GTIN}${GS}17270930${GS}10L1${GS}`, { now }));
    expect(r.elements.map((e) => e.ai)).toEqual(['01', '17', '10']);
  });

  it('reads the human-readable bracketed form, a "(" in a value written as "\\("', () => {
    const r = ok(parseGs1(`(01)${GTIN}(17)270930(10)A\\(1)(21)S`, { now }));
    expect(r).toMatchObject({ gtin: GTIN, lot: 'A(1)', serial: 'S' });
    expect(r.hri).toBe(`(01)${GTIN}(17)270930(10)A\\(1)(21)S`);
  });
});

describe('parseGs1: dates', () => {
  const expiry = (yymmdd: string, opts: { now: Date } | { referenceYear: number } = { now }) =>
    ok(parseGs1(`01${GTIN}17${yymmdd}`, opts)).expiry;

  it('DD = 00 is the last day of the month', () => {
    expect(expiry('270200')).toBe('2027-02-28');
    expect(expiry('280200')).toBe('2028-02-29');
    expect(expiry('270400')).toBe('2027-04-30');
    expect(expiry('271200')).toBe('2027-12-31');
    expect(expiry('000200')).toBe('2000-02-29');
  });

  it('takes two-digit years within -49 .. +50 of the reference year (GS1 General Specifications 7.12)', () => {
    expect(expiry('760101')).toBe('2076-01-01'); // 2026 + 50
    expect(expiry('770101')).toBe('1977-01-01'); // 2026 - 49
    expect(expiry('261231')).toBe('2026-12-31');
    expect(expiry('000101')).toBe('2000-01-01');
    expect(expiry('991231')).toBe('1999-12-31');
    expect(expiry('300101', { referenceYear: 2080 })).toBe('2130-01-01');
    expect(expiry('310101', { referenceYear: 2080 })).toBe('2031-01-01');
    expect(expiry('490101', { referenceYear: 1999 })).toBe('2049-01-01');
    expect(expiry('500101', { referenceYear: 1999 })).toBe('1950-01-01');
    const outside: string[] = [];
    for (let ref = 1950; ref <= 2150; ref++) {
      for (let yy = 0; yy < 100; yy++) {
        const y = resolveGs1Year(yy, ref);
        if (y % 100 !== yy || y < ref - 49 || y > ref + 50) outside.push(`${ref}:${yy}->${y}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('uses the year of `now`, not the clock', () => {
    expect(expiry('770101', { now: new Date('2027-03-01T00:00:00Z') })).toBe('2077-01-01');
    expect(gs1DateToIso('770101', 2026)).toBe('1977-01-01');
  });

  it('refuses impossible dates', () => {
    for (const bad of ['271301', '270001', '270231', '290229', '270431', '27093']) {
      const e = err(parseGs1(`01${GTIN}17${bad}`, { now }));
      expect(['invalid_date', 'truncated']).toContain(e.code);
    }
    const e = err(parseGs1(`01${GTIN}17271301`, { now }));
    expect(e).toMatchObject({ code: 'invalid_date', position: 18 });
    expect(ok(parseGs1(`01${GTIN}17280229`, { now })).expiry).toBe('2028-02-29');
    // DD = 00 only where the format allows it (7006 is YYMMDD without the end-of-month rule).
    expect(err(parseGs1(`01${GTIN}7006270900`, { now })).code).toBe('invalid_date');
    expect(ok(parseGs1(`01${GTIN}7006270901`, { now })).elements[1]?.value).toBe('270901');
  });

  it('needs a valid reference date', () => {
    expect(err(parseGs1(FMD, { now: new Date(Number.NaN) })).code).toBe('invalid_options');
    expect(err(parseGs1(FMD, { referenceYear: 2026.5 })).code).toBe('invalid_options');
    expect(err(parseGs1(FMD, undefined as never)).code).toBe('invalid_options');
  });
});

describe('parseGs1: errors, never exceptions', () => {
  it('refuses a wrong GTIN check digit, pointing at the digit', () => {
    const e = err(parseGs1(`]d201${'09876543210983'}17270930`, { now }));
    expect(e.code).toBe('check_digit');
    expect(e.position).toBe(3 + 2 + 13);
    expect(e.message).toMatch(/GTIN check digit/);
    expect(err(parseGs1(`02${'09876543210981'}`, { now })).code).toBe('check_digit');
  });

  it('refuses an over-long lot (X..20), pointing at the 21st character', () => {
    const e = err(parseGs1(`01${GTIN}10${'A'.repeat(21)}${GS}21S`, { now }));
    expect(e).toMatchObject({ code: 'too_long', position: 18 + 20 });
    expect(ok(parseGs1(`01${GTIN}10${'A'.repeat(20)}${GS}21S`, { now })).lot).toBe('A'.repeat(20));
    expect(err(parseGs1(`01${GTIN}21${'9'.repeat(21)}`, { now })).code).toBe('too_long');
  });

  it('refuses an unknown AI', () => {
    expect(err(parseGs1(`01${GTIN}2399`, { now }))).toMatchObject({ code: 'unknown_ai', position: 16 });
    expect(err(parseGs1(`04${'1'.repeat(16)}`, { now })).code).toBe('unknown_ai'); // reserved, predefined length
    expect(err(parseGs1(`3106123456`, { now })).code).toBe('unknown_ai'); // decimal position 6 not assigned
    expect(err(parseGs1(`AB12`, { now }))).toMatchObject({ code: 'unknown_ai', position: 0 });
    expect(err(parseGs1(`(23)1`, { now })).code).toBe('unknown_ai');
  });

  it('refuses a truncated fixed-length value', () => {
    expect(err(parseGs1(`0109876543`, { now }))).toMatchObject({ code: 'truncated', position: 10 });
    expect(err(parseGs1(`01${GTIN}172709`, { now })).code).toBe('truncated');
    // A GS inside a predefined-length value cuts it short.
    expect(err(parseGs1(`01${GTIN}172709${GS}10L`, { now }))).toMatchObject({ code: 'truncated', position: 22 });
    // Data ending in the middle of an AI.
    expect(err(parseGs1(`01${GTIN}1`, { now }))).toMatchObject({ code: 'truncated', position: 16 });
    // A fixed-length AI outside the predefined table must still have its exact length.
    expect(err(parseGs1(`01${GTIN}8005123${GS}10L`, { now })).code).toBe('too_short');
  });

  it('refuses bad characters, empty values, conflicting duplicates, other symbologies and empty input', () => {
    expect(err(parseGs1(`01${GTIN}10A#B`, { now }))).toMatchObject({ code: 'invalid_character', position: 19 });
    expect(err(parseGs1(`01${GTIN}1727O930`, { now })).code).toBe('invalid_character');
    expect(err(parseGs1(`01${GTIN}10${GS}21S`, { now })).code).toBe('too_short');
    expect(err(parseGs1(`01${GTIN}10A${GS}10B`, { now })).code).toBe('duplicate_ai');
    expect(ok(parseGs1(`01${GTIN}10A${GS}10A`, { now })).lot).toBe('A');
    expect(err(parseGs1(`]C0${FMD}`, { now })).code).toBe('not_gs1');
    expect(err(parseGs1(`]d1${FMD}`, { now })).code).toBe('not_gs1');
    expect(err(parseGs1('', { now })).code).toBe('empty');
    expect(err(parseGs1(']d2\r\n', { now })).code).toBe('empty');
    expect(err(parseGs1(GS + GS, { now })).code).toBe('empty');
    expect(err(parseGs1(null as unknown as string, { now })).code).toBe('empty');
  });
});

describe('parseGs1: GS replacement for keyboard-wedge scanners', () => {
  const base = `01${GTIN}10LOT42`;
  const expectFmd = (r: Gs1ParseResult) => expect(ok(r)).toMatchObject({ gtin: GTIN, lot: 'LOT42', serial: 'S1' });

  it('accepts a real GS and always the literal text \\x1d', () => {
    expectFmd(parseGs1(`${base}${GS}21S1`, { now }));
    expectFmd(parseGs1(`${base}\\x1d21S1`, { now }));
    expectFmd(parseGs1(`${base}\\x1D21S1`, { now }));
  });

  it('accepts the configured replacement: a character, a word, or several', () => {
    expectFmd(parseGs1(`${base}~21S1`, { now, gsReplacement: '~' }));
    expectFmd(parseGs1(`${base}<GS>21S1`, { now, gsReplacement: '<GS>' }));
    expectFmd(parseGs1(`${base}|21S1`, { now, gsReplacement: ['~', '|'] }));
    expectFmd(parseGs1(`]d2${base}~21S1\r`, { now, gsReplacement: '~' }));
  });

  it('without the replacement configured the separator is a bad character (and a missing GS runs into the lot)', () => {
    expect(err(parseGs1(`${base}~21S1`, { now })).code).toBe('invalid_character');
    expect(ok(parseGs1(`${base}21S1`, { now })).lot).toBe('LOT4221S1');
  });

  it('reports positions in the input as given, replacement text included', () => {
    const head = `]d2${base}<GS>21S1<GS>90`;
    const e = err(parseGs1(`${head}${'A'.repeat(31)}`, { now, gsReplacement: '<GS>' }));
    expect(e).toMatchObject({ code: 'too_long', position: head.length + 30 });
    const e2 = err(parseGs1(`]d2${base}<GS>21S1#`, { now, gsReplacement: '<GS>' }));
    expect(e2).toMatchObject({ code: 'invalid_character', position: `]d2${base}<GS>21S1`.length });
  });
});

describe('encodeGs1 and formatGs1', () => {
  it('puts a GS only after AIs outside the predefined-length table, and not at the end', () => {
    expect(
      encodeGs1([
        { ai: '01', value: GTIN },
        { ai: '17', value: '270930' },
        { ai: '10', value: 'LOT42' },
        { ai: '21', value: 'S1' },
      ]),
    ).toBe(`01${GTIN}1727093010LOT42${GS}21S1`);
    expect(
      encodeGs1([
        { ai: '10', value: 'L' },
        { ai: '8005', value: '000123' },
        { ai: '01', value: GTIN },
      ]),
    ).toBe(`10L${GS}8005000123${GS}01${GTIN}`);
    expect(encodeGs1([])).toBe('');
  });

  it('refuses invalid elements', () => {
    expect(() => encodeGs1([{ ai: '01', value: '09876543210983' }])).toThrow(Gs1EncodeError);
    expect(() => encodeGs1([{ ai: '23', value: 'X' }])).toThrow(/Unknown/);
    expect(() => encodeGs1([{ ai: '10', value: 'A'.repeat(21) }])).toThrow(/too long/);
    expect(() => encodeGs1([{ ai: '10', value: `A${GS}B` }])).toThrow(Gs1EncodeError);
    // Caught and asserted after the call: an encoder that accepted month 13 would fail here, not pass unseen.
    let error: unknown;
    try {
      encodeGs1([{ ai: '10', value: 'ok' }, { ai: '17', value: '271301' }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Gs1EncodeError);
    expect(error).toMatchObject({ code: 'invalid_date', index: 1 });
  });

  it('formats the human-readable interpretation', () => {
    expect(formatGs1([{ ai: '01', value: GTIN2 }, { ai: '17', value: '270930' }, { ai: '10', value: 'LOT' }])).toBe(
      `(01)${GTIN2}(17)270930(10)LOT`,
    );
  });
});

describe('interpretScan', () => {
  it('reads a GS1 pack code', () => {
    const s = interpretScan(`]d2${FMD}\r`, { now });
    expect(s).toMatchObject({
      kind: 'gs1',
      symbology: 'gs1-datamatrix',
      aim: ']d2',
      gtin: GTIN,
      lot: 'LOT42',
      expiry: '2027-09-30',
      serial: 'SER123456',
    });
  });

  it('reads a GS1 pack code from a wedge scanner without AIM output, with a GS replacement', () => {
    const s = interpretScan(`01${GTIN}1727093010LOT42~21SER1\r\n`, { now, gsReplacement: '~' });
    expect(s).toMatchObject({ kind: 'gs1', symbology: 'none', gtin: GTIN, serial: 'SER1' });
    expect(interpretScan(`01${GTIN}17270930`, { now })).toMatchObject({ kind: 'gs1', expiry: '2027-09-30' });
    expect(interpretScan(`(01)${GTIN}(10)L`, { now })).toMatchObject({ kind: 'gs1', lot: 'L' });
  });

  it('reads a kit number, trimmed', () => {
    expect(interpretScan('KIT-00042\r', { now })).toEqual({ aim: null, symbology: 'none', kind: 'kit', kitNumber: 'KIT-00042' });
    expect(interpretScan(']C0 A1.b_2/3 \r\n', { now })).toMatchObject({ kind: 'kit', kitNumber: 'A1.b_2/3', symbology: 'code128' });
    expect(interpretScan(']d1K1', { now })).toMatchObject({ kind: 'kit', kitNumber: 'K1' });
    expect(interpretScan('X'.repeat(30), { now })).toMatchObject({ kind: 'kit' });
    // Digits that only start like a GTIN stay a kit number.
    expect(interpretScan('0100000000000000099', { now })).toMatchObject({ kind: 'kit', kitNumber: '0100000000000000099' });
    expect(interpretScan('1001', { now })).toMatchObject({ kind: 'kit', kitNumber: '1001' });
  });

  it('refuses anything else with a clear message', () => {
    for (const raw of ['', '\r\n', 'hello world', 'X'.repeat(31), 'KIT#1', ']d2garbage', `]C1${FMD.replace('982', '983')}`]) {
      const s = interpretScan(raw, { now });
      expect(s.kind, raw).toBe('invalid');
      if (s.kind === 'invalid') {
        expect(s.message).toBe(NOT_A_KIT_OR_PACK);
        expect(s.detail.length).toBeGreaterThan(0);
      }
    }
    const s = interpretScan(`]d201${GTIN.slice(0, -1)}3`, { now });
    expect(s).toMatchObject({ kind: 'invalid', gs1Error: { code: 'check_digit', position: 18 } });
    const t = interpretScan(`01${GTIN}10A#B${GS}21S`, { now });
    expect(t).toMatchObject({ kind: 'invalid', gs1Error: { code: 'invalid_character' } });
  });
});
