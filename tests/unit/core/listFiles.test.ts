import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isValidGtin, parseKitList, parseListDate, parseRandomizationList, type KitRow, type ListProblem } from '../../../main/core/allocation/listFiles';
import { NS_DUPI } from '../../../main/core/demo/demoSeed';

const NONE: ReadonlySet<string> = new Set();
/** A valid GS1 GTIN-14 (check digit 7) and the same body with a wrong check digit. */
const GTIN = '03760000000017';
const BAD_GTIN = '03760000000013';

/** A list given as text is the file a UTF-8 spreadsheet would save; bytes are passed as they are. */
const bytesOf = (content: string | Uint8Array) => (typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
const kits = (content: string | Uint8Array, existing: ReadonlySet<string> = NONE) => parseKitList(bytesOf(content), NS_DUPI, existing);
const slots = (content: string | Uint8Array, existing: ReadonlySet<string> = NONE) => parseRandomizationList(bytesOf(content), NS_DUPI, existing);
const withoutLine = <R extends { line: number }>(rows: R[]) => rows.map(({ line: _line, ...rest }) => rest);
/** Where each problem is, without its wording. */
const where = (problems: ListProblem[]) => problems.map((p) => ({ line: p.line, column: p.column }));

const KIT_HEADER = 'kit_number,arm,lot,expiry_date,gtin,serial';
const KIT_ROWS = [
  `100234,DUPI300,DP24A117,2027-09-30,${GTIN},SN100234`,
  `100007,PLACEBO,PL24C009,2027-08-31,${GTIN},SN100007`,
  `731560,DUPI300,DP25B042,2028-02-29,${GTIN},SN731560`,
];
const KIT_CSV = [KIT_HEADER, ...KIT_ROWS].join('\n') + '\n';
const EXPECTED_KITS: Array<Omit<KitRow, 'line'>> = [
  { kitNumber: '100234', kitType: null, content: 'DUPI300', lot: 'DP24A117', expiryDate: '2027-09-30', gtin: GTIN, serial: 'SN100234' },
  { kitNumber: '100007', kitType: null, content: 'PLACEBO', lot: 'PL24C009', expiryDate: '2027-08-31', gtin: GTIN, serial: 'SN100007' },
  { kitNumber: '731560', kitType: null, content: 'DUPI300', lot: 'DP25B042', expiryDate: '2028-02-29', gtin: GTIN, serial: 'SN731560' },
];

describe('kit lists as sponsors and spreadsheets really write them', () => {
  it('the plain file parses to the expected rows with their lines and the SHA-256 of the exact text', () => {
    const parsed = kits(KIT_CSV);
    expect(parsed.problems).toEqual([]);
    expect(withoutLine(parsed.rows)).toEqual(EXPECTED_KITS);
    expect(parsed.rows.map((r) => r.line)).toEqual([2, 3, 4]);
    expect(parsed.sha256).toBe(createHash('sha256').update(Buffer.from(KIT_CSV, 'utf8')).digest('hex'));
  });

  const variants: Record<string, string> = {
    'UTF-8 with a BOM': '\uFEFF' + KIT_CSV,
    'French Excel: ";" separators and CRLF': [KIT_HEADER, ...KIT_ROWS].map((l) => l.replaceAll(',', ';')).join('\r\n') + '\r\n',
    'every field quoted': [KIT_HEADER, ...KIT_ROWS].map((l) => l.split(',').map((f) => `"${f}"`).join(',')).join('\n') + '\n',
    'headers in other case and order, with spaces and padding': [
      'Serial; EXPIRY_DATE ;Kit Number;ARM;Lot;GTIN',
      ...KIT_ROWS.map((l) => {
        const [k, a, lot, e, g, s] = l.split(',');
        return [s, e, k, a, lot, g].join(';');
      }),
    ].join('\r\n'),
    'DD/MM/YYYY and DD.MM.YYYY dates': [KIT_HEADER, KIT_ROWS[0]!.replace('2027-09-30', '30/09/2027'), KIT_ROWS[1]!.replace('2027-08-31', '31.08.2027'), KIT_ROWS[2]!.replace('2028-02-29', '29/02/2028')].join('\n'),
    'arms given by name in any case': [KIT_HEADER, KIT_ROWS[0]!.replace('DUPI300', 'dupilumab 300 MG'), KIT_ROWS[1]!.replace('PLACEBO', 'placebo'), KIT_ROWS[2]!.replace('DUPI300', 'Dupi300')].join('\n'),
    'trailing blank lines, including an Excel row of empty cells': KIT_CSV + '\r\n\n,,,,,\n  \n',
    'no newline after the last row': KIT_CSV.trimEnd(),
    'old Mac spreadsheets: lone CR line endings': [KIT_HEADER, ...KIT_ROWS].join('\r') + '\r\r',
    'values padded with spaces': [KIT_HEADER, ...KIT_ROWS.map((l) => l.split(',').map((f) => ` ${f} `).join(','))].join('\n'),
  };
  for (const [name, content] of Object.entries(variants)) {
    it(`${name}: the same rows on the same lines`, () => {
      const parsed = kits(content);
      expect(parsed.problems).toEqual([]);
      expect(withoutLine(parsed.rows)).toEqual(EXPECTED_KITS);
      expect(parsed.rows.map((r) => r.line)).toEqual([2, 3, 4]);
    });
  }

  it('quoted fields keep embedded separators and doubled quotes', () => {
    const comma = kits('kit_number,arm,lot,expiry_date,serial\n1001,PLACEBO,"L,1 ""b""",2027-01-31,"S,1"\n');
    expect(comma.problems).toEqual([]);
    expect(comma.rows).toEqual([{ line: 2, kitNumber: '1001', kitType: null, content: 'PLACEBO', lot: 'L,1 "b"', expiryDate: '2027-01-31', gtin: null, serial: 'S,1' }]);
    const semicolon = kits('kit_number;arm;lot;expiry_date\r\n"1001";"Placebo";"L;1 ""b""";31/01/2027\r\n');
    expect(semicolon.problems).toEqual([]);
    expect(semicolon.rows).toEqual([{ line: 2, kitNumber: '1001', kitType: null, content: 'PLACEBO', lot: 'L;1 "b"', expiryDate: '2027-01-31', gtin: null, serial: null }]);
  });

  it('gtin and serial are optional columns; empty cells in them become null', () => {
    const parsed = kits(`kit_number,arm,lot,expiry_date,gtin,serial\n1001,PLACEBO,L1,2027-01-31,,\n1002,PLACEBO,L1,2027-01-31,${GTIN},\n`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows.map((r) => [r.gtin, r.serial])).toEqual([
      [null, null],
      [GTIN, null],
    ]);
  });

  it('a lot of exactly 20 characters is accepted (GS1 AI 10)', () => {
    const parsed = kits(`kit_number,arm,lot,expiry_date\n1001,PLACEBO,${'L'.repeat(20)},2027-01-31\n`);
    expect(parsed.problems).toEqual([]);
  });
});

describe('randomization lists', () => {
  const CSV = 'randomization_number,arm,block,stratum\r\nR001,DUPI300,B01,ALL\r\nR002,PLACEBO,B01,ALL\r\nR003,DUPI300,B01,ALL\r\n';
  const EXPECTED = [
    { randomizationNumber: 'R001', arm: 'DUPI300', block: 'B01', stratum: 'ALL' },
    { randomizationNumber: 'R002', arm: 'PLACEBO', block: 'B01', stratum: 'ALL' },
    { randomizationNumber: 'R003', arm: 'DUPI300', block: 'B01', stratum: 'ALL' },
  ];

  it('parses the plain file', () => {
    const parsed = slots(CSV);
    expect(parsed.problems).toEqual([]);
    expect(withoutLine(parsed.rows)).toEqual(EXPECTED);
    expect(parsed.rows.map((r) => r.line)).toEqual([2, 3, 4]);
  });

  it('an empty stratum means the only stratum when the study has one; arms by name in any case; BOM, ";" and other header order', () => {
    const content = '\uFEFFStratum;Block;ARM;Randomization Number\r\n;B01;dupilumab 300 mg;R001\r\n;B01;placebo;R002\r\nall;B01;DUPI300;R003\r\n\r\n';
    const parsed = slots(content);
    // "all" is not "ALL": strata are matched exactly, so that one row is refused.
    expect(where(parsed.problems)).toEqual([{ line: 4, column: 'stratum' }]);
    expect(withoutLine(parsed.rows)).toEqual(EXPECTED.slice(0, 2));
    const fixed = slots(content.replace('all;', ';'));
    expect(fixed.problems).toEqual([]);
    expect(withoutLine(fixed.rows)).toEqual(EXPECTED);
  });

  it('an empty stratum is refused when the study has several', () => {
    const study = { ...NS_DUPI, strata: ['ADULT', 'CHILD'] };
    const parsed = parseRandomizationList(bytesOf('randomization_number,arm,block,stratum\nR001,DUPI300,B01,\nR002,PLACEBO,B01,CHILD\n'), study, NONE);
    expect(where(parsed.problems)).toEqual([{ line: 2, column: 'stratum' }]);
    expect(parsed.rows.map((r) => r.randomizationNumber)).toEqual(['R002']);
  });

  it('refuses unknown arms, duplicates (naming the first line), numbers already imported and empty blocks', () => {
    const parsed = slots(
      'randomization_number,arm,block,stratum\nR001,DUPI300,B01,ALL\nR002,DUPI600,B01,ALL\nR001,PLACEBO,B01,ALL\nR009,PLACEBO,B02,ALL\nR010,PLACEBO,,ALL\n',
      new Set(['R009']),
    );
    expect(where(parsed.problems)).toEqual([
      { line: 3, column: 'arm' },
      { line: 4, column: 'randomization_number' },
      { line: 5, column: 'randomization_number' },
      { line: 6, column: 'block' },
    ]);
    expect(parsed.problems[0]!.message).toMatch(/Unknown arm "DUPI600".*DUPI300, PLACEBO/);
    expect(parsed.problems[1]!.message).toMatch(/Duplicate randomization number R001 \(first on line 2\)/);
    expect(parsed.problems[2]!.message).toMatch(/R009 is already imported/);
    expect(parsed.rows.map((r) => r.randomizationNumber)).toEqual(['R001']);
  });
});

describe('refusals, each with its line and column', () => {
  const H = 'kit_number,arm,lot,expiry_date,gtin';
  const ok = (kit: string) => `${kit},PLACEBO,L1,2027-01-31,${GTIN}`;

  it('unknown arm', () => {
    const parsed = kits([H, ok('1001'), `1002,VERUM,L1,2027-01-31,${GTIN}`].join('\n'));
    expect(where(parsed.problems)).toEqual([{ line: 3, column: 'arm' }]);
    expect(parsed.problems[0]!.message).toMatch(/Unknown arm "VERUM"/);
  });

  it('duplicate kit number, naming the line it first appeared on', () => {
    const parsed = kits([H, ok('1001'), ok('1002'), ok('1001')].join('\n'));
    expect(where(parsed.problems)).toEqual([{ line: 4, column: 'kit_number' }]);
    expect(parsed.problems[0]!.message).toMatch(/Duplicate kit number 1001 \(first on line 2\)/);
  });

  it('a kit number that is already imported', () => {
    const parsed = kits([H, ok('1001'), ok('1002')].join('\n'), new Set(['1002']));
    expect(where(parsed.problems)).toEqual([{ line: 3, column: 'kit_number' }]);
    expect(parsed.problems[0]!.message).toMatch(/1002 is already imported/);
  });

  it('an empty kit number or one with odd characters', () => {
    const parsed = kits([H, ok(''), ok('10 01'), ok('-1')].join('\n'));
    expect(where(parsed.problems)).toEqual([2, 3, 4].map((line) => ({ line, column: 'kit_number' })));
  });

  it('bad dates: 31/02/2027, 2027-13-01, "next year", 29/02/2027, 12/31/2027 (US order), empty', () => {
    const dates = ['31/02/2027', '2027-13-01', 'next year', '29/02/2027', '12/31/2027', ''];
    const parsed = kits([H, ...dates.map((d, i) => `${1001 + i},PLACEBO,L1,${d},${GTIN}`)].join('\n'));
    expect(where(parsed.problems)).toEqual(dates.map((_, i) => ({ line: i + 2, column: 'expiry_date' })));
    expect(parsed.problems[2]!.message).toContain('"next year"');
    expect(parsed.rows).toEqual([]);
  });

  it('missing column: one problem on the header line, not a complaint on every row', () => {
    const parsed = kits('kit_number,arm,lot\n1001,PLACEBO,L1\n1002,PLACEBO,L1\n');
    expect(parsed.problems).toMatchObject([{ line: 1, column: 'expiry_date', message: 'Missing column "expiry_date".' }]);
    expect(parsed.rows).toEqual([]);
  });

  it('unknown column', () => {
    const parsed = kits('kit_number,arm,lot,expiry_date,Colour\n1001,PLACEBO,L1,2027-01-31,red\n');
    expect(where(parsed.problems)).toEqual([{ line: 1, column: 'colour' }]);
    expect(parsed.problems[0]!.message).toContain('"Colour"');
  });

  it('a column given twice', () => {
    const parsed = kits('kit_number,arm,lot,expiry_date,Lot\n1001,PLACEBO,L1,2027-01-31,L2\n');
    expect(where(parsed.problems)).toEqual([{ line: 1, column: 'lot' }]);
  });

  it('wrong field count, too many or too few', () => {
    const parsed = kits([H, ok('1001') + ',extra', ok('1002'), '1003,PLACEBO,L1'].join('\r\n'));
    expect(parsed.problems).toMatchObject([
      { line: 2, message: 'Expected 5 fields, found 6.' },
      { line: 4, message: 'Expected 5 fields, found 3.' },
    ]);
  });

  it('empty file (also only a BOM and blank lines)', () => {
    for (const content of ['', '\uFEFF', '\uFEFF\r\n\r\n', '   \n']) {
      const parsed = kits(content);
      expect(parsed.problems).toMatchObject([{ line: 1, message: 'The file is empty.' }]);
      expect(parsed.rows).toEqual([]);
    }
  });

  it('header only (also followed by blank lines)', () => {
    for (const content of [H, H + '\r\n', H + '\n\n,,,,\n']) {
      expect(kits(content).problems).toMatchObject([{ line: 1, message: 'The file has a header but no rows.' }]);
    }
    expect(slots('randomization_number,arm,block,stratum\n').problems).toMatchObject([{ line: 1, message: 'The file has a header but no rows.' }]);
  });

  it('lot longer than 20 characters, and an empty lot', () => {
    const parsed = kits([H, `1001,PLACEBO,${'L'.repeat(21)},2027-01-31,${GTIN}`, `1002,PLACEBO,,2027-01-31,${GTIN}`].join('\n'));
    expect(where(parsed.problems)).toEqual([
      { line: 2, column: 'lot' },
      { line: 3, column: 'lot' },
    ]);
    expect(parsed.problems[0]!.message).toMatch(/longer than 20/);
  });

  it('GTIN with a bad check digit, or not 14 digits', () => {
    const parsed = kits([H, `1001,PLACEBO,L1,2027-01-31,${BAD_GTIN}`, `1002,PLACEBO,L1,2027-01-31,3760000000001`, ok('1003')].join('\n'));
    expect(where(parsed.problems)).toEqual([
      { line: 2, column: 'gtin' },
      { line: 3, column: 'gtin' },
    ]);
    expect(parsed.rows.map((r) => r.kitNumber)).toEqual(['1003']);
  });

  it('a serial longer than 20 characters', () => {
    const parsed = kits(`kit_number,arm,lot,expiry_date,serial\n1001,PLACEBO,L1,2027-01-31,${'S'.repeat(21)}\n`);
    expect(where(parsed.problems)).toEqual([{ line: 2, column: 'serial' }]);
  });

  it('a file with several problems lists every one of them, sorted by line', () => {
    const content = [
      'kit_number;arm;lot;expiry_date;gtin;colour', // 1: unknown column
      `2001;PLACEBO;L1;2027-01-31;${GTIN};red`, // 2: fine
      `2002;VERUM;L1;31/02/2027;${GTIN};red`, // 3: unknown arm and bad date
      `2001;PLACEBO;L1;2027-01-31;${GTIN};red`, // 4: duplicate of line 2
      '2004;PLACEBO;L1', // 5: wrong field count (found while reading, before the row checks)
      `2005;PLACEBO;${'X'.repeat(21)};2027-01-31;${BAD_GTIN};red`, // 6: long lot and bad GTIN
      `2006;PLACEBO;L1;2027-01-31;${GTIN};red`, // 7: already imported
      '', // 8: blank, ignored
    ].join('\r\n');
    const parsed = kits(content, new Set(['2006']));
    expect(where(parsed.problems)).toEqual([
      { line: 1, column: 'colour' },
      { line: 3, column: 'arm' },
      { line: 3, column: 'expiry_date' },
      { line: 4, column: 'kit_number' },
      { line: 5, column: undefined },
      { line: 6, column: 'lot' },
      { line: 6, column: 'gtin' },
      { line: 7, column: 'kit_number' },
    ]);
    expect(parsed.problems[3]!.message).toContain('first on line 2');
  });

  it('a multi-line quoted field does not shift the line numbers of later rows', () => {
    const content = [
      'kit_number,arm,lot,expiry_date,serial', // 1
      '3001,PLACEBO,L1,2027-01-31,"S1', // 2
      'continued"', // 3
      '3002,VERUM,L1,2027-01-31,S2', // 4
      '"3003",PLACEBO,L1,"2027-01-31","S3\r\n\r\nthree lines"', // 5-7
      '3004,PLACEBO,L1,2027-02-30,S4', // 8
    ].join('\r\n');
    const parsed = kits(content);
    expect(where(parsed.problems)).toEqual([
      { line: 4, column: 'arm' },
      { line: 8, column: 'expiry_date' },
    ]);
    expect(parsed.rows.map((r) => [r.line, r.kitNumber, r.serial])).toEqual([
      [2, '3001', 'S1\r\ncontinued'],
      [5, '3003', 'S3\r\n\r\nthree lines'],
    ]);
  });

  it('lone CR line endings give the right line numbers too', () => {
    const parsed = kits(['kit_number,arm,lot,expiry_date', '3001,PLACEBO,L1,2027-01-31', '3002,VERUM,L1,2027-01-31', '3003,PLACEBO,L1,2027-02-30'].join('\r'));
    expect(where(parsed.problems)).toEqual([
      { line: 3, column: 'arm' },
      { line: 4, column: 'expiry_date' },
    ]);
  });

  it('an unterminated quote is a CSV format problem on the line it starts', () => {
    const parsed = kits('kit_number,arm,lot,expiry_date\n1001,PLACEBO,L1,2027-01-31\n1002,PLACEBO,"L1,2027-01-31\n1003,PLACEBO,L1,2027-01-31\n');
    expect(parsed.problems.length).toBeGreaterThan(0);
    expect(parsed.problems.every((p) => p.line === 3)).toBe(true);
    expect(parsed.problems.some((p) => /CSV format/.test(p.message))).toBe(true);
  });
});

describe('the bytes of a list, in the encoding the spreadsheet saved it in (issue 10, finding 11)', () => {
  const fixture = (name: string) => readFileSync(join(process.cwd(), 'tests', 'fixtures', 'lists', name));
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  /** The fixtures' six kits, numbered from `first`: lots alternate, 4 DUPI300 and 2 PLACEBO, all expiring 2028-06-30. */
  const sixKits = (first: number, lots: [string, string]) =>
    ['DUPI300', 'PLACEBO', 'DUPI300', 'DUPI300', 'PLACEBO', 'DUPI300'].map((arm, i) => ({
      kitNumber: String(first + i),
      kitType: null,
      content: arm,
      lot: lots[i % 2],
      expiryDate: '2028-06-30',
      gtin: GTIN,
      serial: `SN${first + i}`,
    }));
  const ACCENTED: [string, string] = ['LOT\u00e9-1', 'LOT\u00e9-2'];

  const cases: Array<{ file: string; starts: number[]; encoding: string; first: number; lots: [string, string] }> = [
    { file: 'kits-excel-unicode-text-utf16le.txt', starts: [0xff, 0xfe, 0x6b, 0x00], encoding: 'UTF-16LE', first: 70000001, lots: ACCENTED },
    { file: 'kits-utf16be-bom.txt', starts: [0xfe, 0xff, 0x00, 0x6b], encoding: 'UTF-16BE', first: 70000201, lots: ACCENTED },
    { file: 'kits-windows1252-semicolons.csv', starts: [0x6b, 0x69], encoding: 'Windows-1252', first: 70000101, lots: ['LOT\u00e9-1', 'LOT\u0152-2'] },
    { file: 'kits-utf8-bom.csv', starts: [0xef, 0xbb, 0xbf, 0x6b], encoding: 'UTF-8 with BOM', first: 70000301, lots: ACCENTED },
    { file: 'kits-utf8.csv', starts: [0x6b, 0x69], encoding: 'UTF-8', first: 70000401, lots: ACCENTED },
  ];
  for (const { file, starts, encoding, first, lots } of cases) {
    it(`${file}: read as ${encoding}, lots intact, SHA-256 of the bytes`, () => {
      const bytes = fixture(file);
      expect([...bytes.subarray(0, starts.length)]).toEqual(starts); // the fixture is what its name says
      const parsed = kits(bytes);
      expect(parsed.problems).toEqual([]);
      expect(parsed.encoding).toBe(encoding);
      expect(withoutLine(parsed.rows)).toEqual(sixKits(first, lots));
      expect(parsed.rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7]);
      expect(parsed.sha256).toBe(sha256(bytes));
    });
  }

  it('the Windows-1252 bytes of the lots are the ones decoded (0xE9 is \u00e9, 0x8C is \u0152, not a Latin-1 control)', () => {
    const bytes = fixture('kits-windows1252-semicolons.csv');
    expect(bytes.includes(Buffer.from([0x4c, 0x4f, 0x54, 0xe9, 0x2d, 0x31]))).toBe(true);
    expect(bytes.includes(Buffer.from([0x4c, 0x4f, 0x54, 0x8c, 0x2d, 0x32]))).toBe(true);
    expect(kits(bytes).rows.map((r) => r.lot).slice(0, 2)).toEqual(['LOT\u00e9-1', 'LOT\u0152-2']);
  });

  it('a UTF-8 file with tabs is read like the comma one', () => {
    const tabs = KIT_CSV.replaceAll(',', '\t');
    expect(withoutLine(kits(tabs).rows)).toEqual(EXPECTED_KITS);
  });

  it('bytes that contradict their byte-order mark, or are not text, are refused in plain words', () => {
    const utf16 = fixture('kits-excel-unicode-text-utf16le.txt');
    const cut = kits(utf16.subarray(0, utf16.length - 1));
    expect(cut.problems).toMatchObject([{ line: 1, message: expect.stringMatching(/^The file starts as UTF-16LE text but has an odd number of bytes: it is cut or damaged\./) }]);
    expect(cut.encoding).toBeNull();
    expect(cut.sha256).toBe(sha256(utf16.subarray(0, utf16.length - 1)));
    const loneSurrogate = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('kit_number', 'utf16le'), Buffer.from([0x00, 0xd8, 0x41, 0x00])]);
    expect(kits(loneSurrogate).problems[0]!.message).toMatch(/^The file starts as UTF-16LE text but is not valid UTF-16LE/);
    const badUtf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('kit_number,arm,lot,expiry_date\n1,PLACEBO,LOT'), Buffer.from([0xe9]), Buffer.from(',2028-01-31\n')]);
    expect(kits(badUtf8).problems[0]!.message).toMatch(/^The file starts as UTF-8 text but is not valid UTF-8/);
    // UTF-16 saved without a byte-order mark is valid UTF-8 full of NULs: refused, not read as garbage.
    const noBom = kits(Buffer.from(KIT_CSV, 'utf16le'));
    expect(noBom.problems).toMatchObject([{ line: 1, message: expect.stringMatching(/^The file has a control character \(U\+0000\)/) }]);
    // 0x81 has no character in Windows-1252.
    const undefinedByte = kits(Buffer.concat([Buffer.from('kit_number,arm,lot,expiry_date\n1,PLACEBO,LOT'), Buffer.from([0x81]), Buffer.from(',2028-01-31\n')]));
    expect(undefinedByte.problems).toMatchObject([{ line: 2, message: expect.stringMatching(/^The file has a control character \(U\+0081\)/) }]);
    expect(undefinedByte.rows).toEqual([]);
  });

  it('warns, without refusing, when numeric kit numbers of several lengths look stripped of their leading zeros', () => {
    const H = 'kit_number,arm,lot,expiry_date';
    const stripped = kits([H, '998,PLACEBO,L1,2028-01-31', '999,DUPI300,L1,2028-01-31', '1000,DUPI300,L1,2028-01-31'].join('\n'));
    expect(stripped.problems).toEqual([]);
    expect(stripped.rows).toHaveLength(3);
    expect(stripped.warnings).toMatchObject([{ line: 2, column: 'kit_number', message: expect.stringMatching(/^Kit numbers have 3 to 4 digits \(998 on line 2, 1000 on line 4\) and none starts with 0: a spreadsheet may have removed leading zeros\./) }]);
    // Zeros kept, or one length only, or not numbers: nothing to warn about.
    expect(kits([H, '000998,PLACEBO,L1,2028-01-31', '001000,DUPI300,L1,2028-01-31'].join('\n')).warnings).toEqual([]);
    expect(kits([H, '0998,PLACEBO,L1,2028-01-31', '1000,DUPI300,L1,2028-01-31'].join('\n')).warnings).toEqual([]);
    expect(kits([H, '1998,PLACEBO,L1,2028-01-31', '1000,DUPI300,L1,2028-01-31'].join('\n')).warnings).toEqual([]);
    expect(kits([H, 'K998,PLACEBO,L1,2028-01-31', 'K1000,DUPI300,L1,2028-01-31'].join('\n')).warnings).toEqual([]);
  });
});

describe('parseListDate and isValidGtin', () => {
  it('accepts real calendar dates in the three forms and nothing else', () => {
    expect(parseListDate('2028-02-29')).toBe('2028-02-29');
    expect(parseListDate('29/02/2028')).toBe('2028-02-29');
    expect(parseListDate('1.3.2027')).toBe('2027-03-01');
    expect(parseListDate('05/01/2027')).toBe('2027-01-05'); // day first, always
    for (const bad of ['2027-02-29', '2027-02-30', '2027-13-01', '2027-00-10', '2027-1-5', '31/04/2027', '00/01/2027', '2027/01/05', '20270105', 'next year', '']) {
      expect(parseListDate(bad), bad).toBeNull();
    }
  });

  it('checks the GS1 mod-10 check digit over 14 digits', () => {
    expect(isValidGtin(GTIN)).toBe(true);
    expect(isValidGtin('00012345600012')).toBe(true);
    expect(isValidGtin(BAD_GTIN)).toBe(false);
    expect(isValidGtin('0376000000001')).toBe(false);
    expect(isValidGtin('0376000000001A')).toBe(false);
  });
});
