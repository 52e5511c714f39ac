/**
 * GS1 element strings: parse, validate, encode and format.
 *
 * An element string is a run of (Application Identifier, value) pairs, e.g. the EU FMD pack code
 * `01 09876543210982 17 270930 10 LOT42 <GS> 21 SER123`. Values of AIs whose length is predefined by their first two
 * digits take exactly that length; every other value runs to a GS (0x1D, the FNC1 separator) or to the end.
 *
 * Sources (facts, not code):
 *  - GS1 General Specifications, section 3 (the Application Identifier definitions: format, data title) and the table
 *    "Element strings with predefined length using GS1 Application Identifiers" (section 7.8.5, figure 7.8.5-1 in
 *    release 24): first two digits 00 -> 20 characters (AI + value), 01/02/03 -> 16, 04 -> 18, 11-19 -> 8, 20 -> 4,
 *    31-36 -> 10, 41 -> 16. That table is frozen by GS1: only AIs starting with these digits may omit the separator.
 *  - GS1 General Specifications, section 7.12 "Determination of century in dates": a two-digit year is taken within
 *    -49 .. +50 years of the current year.
 *  - GS1 General Specifications, section 7.9.1 "Standard check digit calculation for GS1 data structures" (mod 10,
 *    weights 3 and 1 from the right).
 *  - The GS1 Barcode Syntax Dictionary (github.com/gs1/gs1-syntax-dictionary) for the component breakdown of each AI.
 *  - AI (03) "MTO GTIN" was added in General Specifications release 24; AIs 04, 14, 18 and 19 are in the
 *    predefined-length table but not assigned, so they are refused like any other unknown AI.
 *
 * Pure: no Node, no DOM, no clock (the reference year for the century window is passed in). `parseGs1` never throws.
 */

import { splitAim, SYMBOLOGY_NAMES } from './aim';

/** The GS1 separator (ASCII 29, "group separator"): FNC1 as transmitted by a scanner. */
export const GS = '\u001d';

// ---------------------------------------------------------------------------------------------------------------------
// Character sets and check digits

type Charset = 'N' | 'X' | 'Y' | 'Z';

/** GS1 AI encodable character set 82 (General Specifications figure 7.11-1). */
export const CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
/** GS1 AI encodable character set 39 (figure 7.11-2). */
export const CSET39 = '#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** GS1 AI encodable character set 64 (file-safe base64, figure 7.11-3) plus the `=` padding. */
export const CSET64 = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz=';

const CHARSETS: Readonly<Record<Charset, { chars: ReadonlySet<string>; what: string }>> = {
  N: { chars: new Set('0123456789'), what: 'digits only' },
  X: { chars: new Set(CSET82), what: 'letters, digits and the GS1 character set 82' },
  Y: { chars: new Set(CSET39), what: 'capital letters, digits and # - /' },
  Z: { chars: new Set(CSET64), what: 'base64 characters' },
};

/** The GS1 mod-10 check digit of a string of digits (weights 3, 1, 3, ... from the right). */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = digits.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (digits.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10;
}

/** True when `digits` (all digits, at least 2) ends in its correct GS1 check digit. */
export function hasValidCheckDigit(digits: string): boolean {
  if (digits.length < 2 || !/^[0-9]+$/.test(digits)) return false;
  return gs1CheckDigit(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 48;
}

// ---------------------------------------------------------------------------------------------------------------------
// The Application Identifier table

/** Total length (AI + value) of the element strings whose AI starts with these two digits; see the header comment. */
export const PREDEFINED_LENGTHS: Readonly<Record<string, number>> = {
  '00': 20,
  '01': 16,
  '02': 16,
  '03': 16,
  '04': 18,
  '11': 8,
  '12': 8,
  '13': 8,
  '14': 8,
  '15': 8,
  '16': 8,
  '17': 8,
  '18': 8,
  '19': 8,
  '20': 4,
  '31': 10,
  '32': 10,
  '33': 10,
  '34': 10,
  '35': 10,
  '36': 10,
  '41': 16,
};

type Linter = 'csum' | 'yymmd0' | 'yymmdd';

export interface AiComponent {
  readonly charset: Charset;
  readonly min: number;
  readonly max: number;
  /** Only a final component may be optional. */
  readonly optional: boolean;
  /** csum: the component ends in a GS1 check digit; yymmd0 / yymmdd: a date (DD = 00 allowed only for yymmd0). */
  readonly linter?: Linter;
}

export interface AiDefinition {
  readonly ai: string;
  /** The GS1 data title, e.g. "BATCH/LOT". */
  readonly title: string;
  /** Format as in the General Specifications, e.g. "N14", "X..20", "N3+X..9". */
  readonly format: string;
  readonly components: readonly AiComponent[];
  readonly minLength: number;
  readonly maxLength: number;
  /** The value always has exactly maxLength characters. */
  readonly fixedLength: boolean;
  /** In the predefined-length table: never needs a GS after it. Every other AI is ended by GS unless it is last. */
  readonly predefinedLength: boolean;
}

/** [AI or range "3100-3105", components ("N6,yymmd0 [N6]"), data title]. */
type RawEntry = readonly [string, string, string];

const MEASURE_TITLES: ReadonlyArray<readonly [string, string]> = [
  ['310', 'NET WEIGHT (kg)'],
  ['311', 'LENGTH (m)'],
  ['312', 'WIDTH (m)'],
  ['313', 'HEIGHT (m)'],
  ['314', 'AREA (m²)'],
  ['315', 'NET VOLUME (l)'],
  ['316', 'NET VOLUME (m³)'],
  ['320', 'NET WEIGHT (lb)'],
  ['321', 'LENGTH (in)'],
  ['322', 'LENGTH (ft)'],
  ['323', 'LENGTH (yd)'],
  ['324', 'WIDTH (in)'],
  ['325', 'WIDTH (ft)'],
  ['326', 'WIDTH (yd)'],
  ['327', 'HEIGHT (in)'],
  ['328', 'HEIGHT (ft)'],
  ['329', 'HEIGHT (yd)'],
  ['330', 'GROSS WEIGHT (kg)'],
  ['331', 'LENGTH (m), log'],
  ['332', 'WIDTH (m), log'],
  ['333', 'HEIGHT (m), log'],
  ['334', 'AREA (m²), log'],
  ['335', 'VOLUME (l), log'],
  ['336', 'VOLUME (m³), log'],
  ['337', 'KG PER m²'],
  ['340', 'GROSS WEIGHT (lb)'],
  ['341', 'LENGTH (in), log'],
  ['342', 'LENGTH (ft), log'],
  ['343', 'LENGTH (yd), log'],
  ['344', 'WIDTH (in), log'],
  ['345', 'WIDTH (ft), log'],
  ['346', 'WIDTH (yd), log'],
  ['347', 'HEIGHT (in), log'],
  ['348', 'HEIGHT (ft), log'],
  ['349', 'HEIGHT (yd), log'],
  ['350', 'AREA (in²)'],
  ['351', 'AREA (ft²)'],
  ['352', 'AREA (yd²)'],
  ['353', 'AREA (in²), log'],
  ['354', 'AREA (ft²), log'],
  ['355', 'AREA (yd²), log'],
  ['356', 'NET WEIGHT (t oz)'],
  ['357', 'NET VOLUME (oz)'],
  ['360', 'NET VOLUME (qt)'],
  ['361', 'NET VOLUME (gal.)'],
  ['362', 'VOLUME (qt), log'],
  ['363', 'VOLUME (gal.), log'],
  ['364', 'VOLUME (in³)'],
  ['365', 'VOLUME (ft³)'],
  ['366', 'VOLUME (yd³)'],
  ['367', 'VOLUME (in³), log'],
  ['368', 'VOLUME (ft³), log'],
  ['369', 'VOLUME (yd³), log'],
];

const RAW_TABLE: readonly RawEntry[] = [
  // Predefined length (no separator needed).
  ['00', 'N18,csum', 'SSCC'],
  ['01', 'N14,csum', 'GTIN'],
  ['02', 'N14,csum', 'CONTENT'],
  ['03', 'N14,csum', 'MTO GTIN'],
  ['11', 'N6,yymmd0', 'PROD DATE'],
  ['12', 'N6,yymmd0', 'DUE DATE'],
  ['13', 'N6,yymmd0', 'PACK DATE'],
  ['15', 'N6,yymmd0', 'BEST BEFORE or BEST BY'],
  ['16', 'N6,yymmd0', 'SELL BY'],
  ['17', 'N6,yymmd0', 'USE BY OR EXPIRY'],
  ['20', 'N2', 'VARIANT'],
  // 31nn-36nn (the last digit is the decimal point position, 0-5) are generated from MEASURE_TITLES below.
  ['410', 'N13,csum', 'SHIP TO LOC'],
  ['411', 'N13,csum', 'BILL TO'],
  ['412', 'N13,csum', 'PURCHASE FROM'],
  ['413', 'N13,csum', 'SHIP FOR LOC'],
  ['414', 'N13,csum', 'LOC No.'],
  ['415', 'N13,csum', 'PAY TO'],
  ['416', 'N13,csum', 'PROD/SERV LOC'],
  ['417', 'N13,csum', 'PARTY'],

  // Separator required (variable length, or fixed length outside the predefined-length table).
  ['10', 'X..20', 'BATCH/LOT'],
  ['21', 'X..20', 'SERIAL'],
  ['22', 'X..20', 'CPV'],
  ['235', 'X..28', 'TPX'],
  ['240', 'X..30', 'ADDITIONAL ID'],
  ['241', 'X..30', 'CUST. PART No.'],
  ['242', 'N..6', 'MTO VARIANT'],
  ['243', 'X..20', 'PCN'],
  ['250', 'X..30', 'SECONDARY SERIAL'],
  ['251', 'X..30', 'REF. TO SOURCE'],
  ['253', 'N13,csum [X..17]', 'GDTI'],
  ['254', 'X..20', 'GLN EXTENSION COMPONENT'],
  ['255', 'N13,csum [N..12]', 'GCN'],
  ['30', 'N..8', 'VAR. COUNT'],
  ['37', 'N..8', 'COUNT'],
  ['3900-3909', 'N..15', 'AMOUNT'],
  ['3910-3919', 'N3 N..15', 'AMOUNT'],
  ['3920-3929', 'N..15', 'PRICE'],
  ['3930-3939', 'N3 N..15', 'PRICE'],
  ['3940-3943', 'N4', 'PRCNT OFF'],
  ['3950-3955', 'N6', 'PRICE/UoM'],
  ['400', 'X..30', 'ORDER NUMBER'],
  ['401', 'X..30', 'GINC'],
  ['402', 'N17,csum', 'GSIN'],
  ['403', 'X..30', 'ROUTE'],
  ['420', 'X..20', 'SHIP TO POST'],
  ['421', 'N3 X..9', 'SHIP TO POST'],
  ['422', 'N3', 'ORIGIN'],
  ['423', 'N..15', 'COUNTRY - INITIAL PROCESS'],
  ['424', 'N3', 'COUNTRY - PROCESS'],
  ['425', 'N..15', 'COUNTRY - DISASSEMBLY'],
  ['426', 'N3', 'COUNTRY - FULL PROCESS'],
  ['427', 'X..3', 'ORIGIN SUBDIVISION'],
  ['4300', 'X..35', 'SHIP TO COMP'],
  ['4301', 'X..35', 'SHIP TO NAME'],
  ['4302', 'X..70', 'SHIP TO ADD1'],
  ['4303', 'X..70', 'SHIP TO ADD2'],
  ['4304', 'X..70', 'SHIP TO SUB'],
  ['4305', 'X..70', 'SHIP TO LOC'],
  ['4306', 'X..70', 'SHIP TO REG'],
  ['4307', 'X2', 'SHIP TO COUNTRY'],
  ['4308', 'X..30', 'SHIP TO PHONE'],
  ['4309', 'N10 N10', 'SHIP TO GEO'],
  ['4310', 'X..35', 'RTN TO COMP'],
  ['4311', 'X..35', 'RTN TO NAME'],
  ['4312', 'X..70', 'RTN TO ADD1'],
  ['4313', 'X..70', 'RTN TO ADD2'],
  ['4314', 'X..70', 'RTN TO SUB'],
  ['4315', 'X..70', 'RTN TO LOC'],
  ['4316', 'X..70', 'RTN TO REG'],
  ['4317', 'X2', 'RTN TO COUNTRY'],
  ['4318', 'X..20', 'RTN TO POST'],
  ['4319', 'X..30', 'RTN TO PHONE'],
  ['4320', 'X..35', 'SRV DESCRIPTION'],
  ['4321', 'N1', 'DANGEROUS GOODS'],
  ['4322', 'N1', 'AUTH TO LEAVE'],
  ['4323', 'N1', 'SIG REQUIRED'],
  ['4324', 'N6,yymmd0 N4', 'NOT BEF DEL DT'],
  ['4325', 'N6,yymmd0 N4', 'NOT AFT DEL DT'],
  ['4326', 'N6,yymmdd', 'REL DATE'],
  ['4330', 'N6 [X1]', 'MAX TEMP F.'],
  ['4331', 'N6 [X1]', 'MAX TEMP C.'],
  ['4332', 'N6 [X1]', 'MIN TEMP F.'],
  ['4333', 'N6 [X1]', 'MIN TEMP C.'],
  ['7001', 'N13', 'NSN'],
  ['7002', 'X..30', 'MEAT CUT'],
  ['7003', 'N6,yymmdd N4', 'EXPIRY TIME'],
  ['7004', 'N..4', 'ACTIVE POTENCY'],
  ['7005', 'X..12', 'CATCH AREA'],
  ['7006', 'N6,yymmdd', 'FIRST FREEZE DATE'],
  ['7007', 'N6,yymmdd [N6,yymmdd]', 'HARVEST DATE'],
  ['7008', 'X..3', 'AQUATIC SPECIES'],
  ['7009', 'X..10', 'FISHING GEAR TYPE'],
  ['7010', 'X..2', 'PROD METHOD'],
  ['7011', 'N6,yymmdd [N4]', 'TEST BY DATE'],
  ['7020', 'X..20', 'REFURB LOT'],
  ['7021', 'X..20', 'FUNC STAT'],
  ['7022', 'X..20', 'REV STAT'],
  ['7023', 'X..30', 'GIAI - ASSEMBLY'],
  ['7030-7039', 'N3 X..27', 'PROCESSOR # s'],
  ['7040', 'N1 X3', 'UIC+EXT'],
  ['710', 'X..20', 'NHRN PZN'],
  ['711', 'X..20', 'NHRN CIP'],
  ['712', 'X..20', 'NHRN CN'],
  ['713', 'X..20', 'NHRN DRN'],
  ['714', 'X..20', 'NHRN AIM'],
  ['715', 'X..20', 'NHRN NDC'],
  ['716', 'X..20', 'NHRN AIC'],
  ['7230-7239', 'X2 X..28', 'CERT # s'],
  ['7240', 'X..20', 'PROTOCOL'],
  ['7241', 'N2', 'AIDC MEDIA TYPE'],
  ['7242', 'X..25', 'VCN'],
  ['8001', 'N14', 'DIMENSIONS'],
  ['8002', 'X..20', 'CMT No.'],
  ['8003', 'N14,csum [X..16]', 'GRAI'],
  ['8004', 'X..30', 'GIAI'],
  ['8005', 'N6', 'PRICE PER UNIT'],
  ['8006', 'N14,csum N4', 'ITIP'],
  ['8007', 'X..34', 'IBAN'],
  ['8008', 'N8 [N..4]', 'PROD TIME'],
  ['8009', 'X..50', 'OPTSEN'],
  ['8010', 'Y..30', 'CPID'],
  ['8011', 'N..12', 'CPID SERIAL'],
  ['8012', 'X..20', 'VERSION'],
  ['8013', 'X..25', 'GMN'],
  ['8017', 'N18,csum', 'GSRN - PROVIDER'],
  ['8018', 'N18,csum', 'GSRN - RECIPIENT'],
  ['8019', 'N..10', 'SRIN'],
  ['8020', 'X..25', 'REF No.'],
  ['8026', 'N14,csum N4', 'ITIP CONTENT'],
  ['8030', 'Z..90', 'DIGSIG'],
  ['8110', 'X..70', 'COUPON'],
  ['8111', 'N4', 'POINTS'],
  ['8112', 'X..70', 'PAPERLESS COUPON'],
  ['8200', 'X..70', 'PRODUCT URL'],
  ['90', 'X..30', 'INTERNAL'],
  ['91-99', 'X..90', 'INTERNAL'],
];

function parseComponent(spec: string, ai: string): AiComponent {
  const optional = spec.startsWith('[') && spec.endsWith(']');
  const body = optional ? spec.slice(1, -1) : spec;
  const [typeLength = '', linter] = body.split(',');
  const m = /^([NXYZ])(\.\.)?([0-9]+)$/.exec(typeLength);
  if (!m) throw new Error(`GS1 AI table: bad component "${spec}" for AI ${ai}`);
  const charset = m[1] as Charset;
  const max = Number(m[3]);
  const min = m[2] ? 1 : max;
  if (linter !== undefined && linter !== 'csum' && linter !== 'yymmd0' && linter !== 'yymmdd') {
    throw new Error(`GS1 AI table: unknown linter "${linter}" for AI ${ai}`);
  }
  return linter ? { charset, min, max, optional, linter } : { charset, min, max, optional };
}

function buildTable(): ReadonlyMap<string, AiDefinition> {
  const entries: RawEntry[] = [...RAW_TABLE];
  for (const [prefix, title] of MEASURE_TITLES) entries.push([`${prefix}0-${prefix}5`, 'N6', title]);
  const table = new Map<string, AiDefinition>();
  for (const [range, spec, rawTitle] of entries) {
    const [from = '', to = from] = range.split('-');
    for (let n = Number(from); n <= Number(to); n++) {
      const ai = String(n).padStart(from.length, '0');
      // "PROCESSOR # s" / "CERT # s": number the series (7030 -> PROCESSOR # 0, 7230 -> CERT # 1).
      const title = rawTitle.endsWith('# s')
        ? `${rawTitle.slice(0, -1)}${Number(ai.slice(-1)) + (rawTitle.startsWith('CERT') ? 1 : 0)}`
        : rawTitle;
      const components = spec.split(' ').map((c) => parseComponent(c, ai));
      const minLength = components.reduce((s, c) => s + (c.optional ? 0 : c.min), 0);
      const maxLength = components.reduce((s, c) => s + c.max, 0);
      const predefinedTotal = PREDEFINED_LENGTHS[ai.slice(0, 2)];
      const fixedLength = minLength === maxLength;
      if (predefinedTotal !== undefined && (!fixedLength || ai.length + maxLength !== predefinedTotal)) {
        throw new Error(`GS1 AI table: AI ${ai} disagrees with the predefined-length table`);
      }
      if (table.has(ai)) throw new Error(`GS1 AI table: AI ${ai} defined twice`);
      const format = components
        .map((c) => {
          const f = `${c.charset}${c.min === c.max ? '' : '..'}${c.max}`;
          return c.optional ? `[${f}]` : f;
        })
        .join('+');
      table.set(ai, {
        ai,
        title,
        format,
        components,
        minLength,
        maxLength,
        fixedLength,
        predefinedLength: predefinedTotal !== undefined,
      });
    }
  }
  return table;
}

/** Every Application Identifier this parser knows, by AI. */
export const AI_TABLE: ReadonlyMap<string, AiDefinition> = buildTable();

/** The definition of an AI, or undefined. */
export function aiDefinition(ai: string): AiDefinition | undefined {
  return AI_TABLE.get(ai);
}

// ---------------------------------------------------------------------------------------------------------------------
// Dates and the century window

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The four-digit year of a two-digit GS1 year, by the sliding window of General Specifications 7.12: the year lies
 * in referenceYear - 49 .. referenceYear + 50.
 */
export function resolveGs1Year(yy: number, referenceYear: number): number {
  const century = Math.floor(referenceYear / 100) * 100;
  const diff = yy - (referenceYear - century);
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * A GS1 date YYMMDD as an ISO date (YYYY-MM-DD), or null when it is no date. DD = 00 means the last day of the month
 * (only where `allowDayZero`). The century comes from the sliding window around `referenceYear`.
 */
export function gs1DateToIso(yymmdd: string, referenceYear: number, allowDayZero = true): string | null {
  if (!/^[0-9]{6}$/.test(yymmdd) || !Number.isInteger(referenceYear)) return null;
  const yy = Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  if (month < 1 || month > 12) return null;
  const year = resolveGs1Year(yy, referenceYear);
  const last = daysInMonth(year, month);
  if (day > last || (day === 0 && !allowDayZero)) return null;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day === 0 ? last : day, 2)}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Validation of one value

export type Gs1ErrorCode =
  | 'empty'
  | 'not_gs1'
  | 'unknown_ai'
  | 'truncated'
  | 'too_short'
  | 'too_long'
  | 'invalid_character'
  | 'check_digit'
  | 'invalid_date'
  | 'duplicate_ai'
  | 'syntax'
  | 'invalid_options';

export interface Gs1Error {
  code: Gs1ErrorCode;
  /** Written for the person at the bench. */
  message: string;
  /** Offset in the input string (as passed to the parser, AIM identifier included) where the problem is. */
  position: number;
}

interface ValueProblem {
  code: Gs1ErrorCode;
  message: string;
  /** Offset inside the value. */
  offset: number;
}

const label = (def: AiDefinition): string => `(${def.ai}) ${def.title}`;

/**
 * Checks a value against its AI: length, character set, check digit, dates. `referenceYear` decides the century of
 * dates (for 29 February); without it (encoding), a year divisible by 4 is taken as a leap year.
 */
function checkValue(def: AiDefinition, value: string, referenceYear: number | undefined): ValueProblem | null {
  if (value.length === 0) {
    return { code: 'too_short', message: `${label(def)} has no value.`, offset: 0 };
  }
  let pos = 0;
  const comps = def.components;
  for (let k = 0; k < comps.length; k++) {
    const c = comps[k] as AiComponent;
    const remaining = value.length - pos;
    if (c.optional && remaining === 0) break;
    const isLast = k === comps.length - 1;
    const take = c.min === c.max ? c.max : isLast ? Math.min(remaining, c.max) : c.max;
    if (remaining < (c.min === c.max ? c.max : c.min)) {
      return {
        code: 'too_short',
        message: `${label(def)} is too short: it needs ${def.fixedLength ? 'exactly' : 'at least'} ${def.minLength} characters, found ${value.length}.`,
        offset: value.length,
      };
    }
    const charset = CHARSETS[c.charset];
    for (let j = pos; j < pos + take; j++) {
      const ch = value[j] as string;
      if (!charset.chars.has(ch)) {
        const shown = ch === GS ? 'a GS separator' : /^[\x21-\x7e]$/.test(ch) ? `"${ch}"` : `character U+${pad(ch.charCodeAt(0), 4)}`;
        return {
          code: 'invalid_character',
          message: `${label(def)} may contain ${charset.what}; found ${shown}.`,
          offset: j,
        };
      }
    }
    const part = value.slice(pos, pos + take);
    if (c.linter === 'csum' && !hasValidCheckDigit(part)) {
      const what = def.ai === '01' || def.ai === '02' || def.ai === '03' ? 'GTIN' : def.title;
      return {
        code: 'check_digit',
        message: `${label(def)}: the ${what} check digit is wrong (${part.slice(-1)}; expected ${gs1CheckDigit(part.slice(0, -1))}). Scan again or type the code from the pack.`,
        offset: pos + take - 1,
      };
    }
    if (c.linter === 'yymmd0' || c.linter === 'yymmdd') {
      const allowZero = c.linter === 'yymmd0';
      const year = referenceYear ?? 2000 + Number(part.slice(0, 2));
      if (gs1DateToIso(part, year, allowZero) === null) {
        return {
          code: 'invalid_date',
          message: `${label(def)}: "${part}" is not a valid date (YYMMDD${allowZero ? ', DD = 00 for the end of the month' : ''}).`,
          offset: pos,
        };
      }
    }
    pos += take;
  }
  if (pos < value.length) {
    return {
      code: 'too_long',
      message: `${label(def)} is too long: at most ${def.maxLength} characters, found ${value.length}.`,
      offset: pos,
    };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------------
// Parsing

export interface Gs1Element {
  ai: string;
  title: string;
  value: string;
}

export interface Gs1Parsed {
  ok: true;
  elements: Gs1Element[];
  /** Human-readable form, e.g. (01)09876543210982(17)270930(10)LOT42. */
  hri: string;
  gtin?: string;
  /** (02) GTIN of contained trade items. */
  content?: string;
  /** (03) GTIN of a made-to-order trade item. */
  mtoGtin?: string;
  sscc?: string;
  lot?: string;
  serial?: string;
  variant?: string;
  /** (17) as an ISO date; DD = 00 is the last day of the month. */
  expiry?: string;
  productionDate?: string;
  dueDate?: string;
  packagingDate?: string;
  bestBefore?: string;
  sellBy?: string;
  /** National healthcare reimbursement numbers (710-716), in scan order. */
  nationalNumbers?: Gs1Element[];
}

export type Gs1ParseResult = Gs1Parsed | { ok: false; error: Gs1Error };

interface Gs1ParseOptionsBase {
  /**
   * What a keyboard-wedge scanner sends instead of GS (e.g. "~" or "<GS>"); replaced by GS before parsing. A real
   * GS (0x1D) and the literal text `\x1d` (backslash x 1 d) are always accepted.
   */
  gsReplacement?: string | readonly string[];
}

/** The century window needs a reference year: give `referenceYear`, or `now` (its UTC year is used). */
export type Gs1ParseOptions = Gs1ParseOptionsBase &
  ({ now: Date; referenceYear?: number } | { now?: Date; referenceYear: number });

/** Always accepted as GS: the literal text a person or a CLI argument uses for it. */
const LITERAL_GS = ['\\x1d', '\\x1D', '\\u001d', '\\u001D'];

interface Normalised {
  text: string;
  /** origin[i]: offset in the original input of text[i]; origin[text.length] is the end of the input. */
  origin: number[];
}

function normaliseGs(data: string, offset: number, replacements: readonly string[]): Normalised {
  const reps = [...new Set([...replacements.filter((r) => typeof r === 'string' && r.length > 0), ...LITERAL_GS])].sort(
    (a, b) => b.length - a.length,
  );
  let text = '';
  const origin: number[] = [];
  let i = 0;
  while (i < data.length) {
    const rep = reps.find((r) => data.startsWith(r, i));
    origin.push(offset + i);
    if (rep) {
      text += GS;
      i += rep.length;
    } else {
      text += data[i];
      i++;
    }
  }
  origin.push(offset + data.length);
  return { text, origin };
}

function fail(code: Gs1ErrorCode, message: string, position: number): { ok: false; error: Gs1Error } {
  return { ok: false, error: { code, message, position } };
}

/** The AI starting at text[i] (2, 3 or 4 digits; the table is prefix-free), or undefined. */
function lookupAi(text: string, i: number): AiDefinition | undefined {
  for (let len = 2; len <= 4; len++) {
    if (i + len > text.length) return undefined;
    const def = AI_TABLE.get(text.slice(i, i + len));
    if (def) return def;
  }
  return undefined;
}

function describeUnknownAi(text: string, i: number): { code: Gs1ErrorCode; message: string } {
  const rest = text.slice(i);
  const digits = /^[0-9]*/.exec(rest)?.[0] ?? '';
  if (digits.length === rest.length && rest.length < 4 && [...AI_TABLE.keys()].some((ai) => ai.startsWith(rest))) {
    return { code: 'truncated', message: `The code ends in the middle of an Application Identifier ("${rest}").` };
  }
  if (digits.length < 2) {
    const ch = rest[digits.length] ?? '';
    const shown = ch === GS ? 'a GS separator' : /^[\x21-\x7e]$/.test(ch) ? `"${ch}"` : `character U+${pad(ch.charCodeAt(0), 4)}`;
    return { code: 'unknown_ai', message: `Expected a GS1 Application Identifier (digits), found ${shown}.` };
  }
  const shown = digits.slice(0, 4);
  return { code: 'unknown_ai', message: `Unknown GS1 Application Identifier at "${shown}".` };
}

interface RawElement {
  def: AiDefinition;
  value: string;
  aiPosition: number;
  /** Maps an offset in the value to an offset in the input. */
  at: (offset: number) => number;
}

function parseElementString(n: Normalised): RawElement[] | { ok: false; error: Gs1Error } {
  const { text, origin } = n;
  const out: RawElement[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === GS) {
      // A leading FNC1, a separator after a predefined-length AI, or a doubled separator: harmless.
      i++;
      continue;
    }
    const def = lookupAi(text, i);
    if (!def) {
      const { code, message } = describeUnknownAi(text, i);
      return fail(code, message, origin[i] ?? 0);
    }
    const start = i + def.ai.length;
    let end: number;
    if (def.predefinedLength) {
      end = start + def.maxLength;
      const gsAt = text.indexOf(GS, start);
      const cut = gsAt >= 0 && gsAt < end ? gsAt : end > text.length ? text.length : -1;
      if (cut >= 0) {
        return fail(
          'truncated',
          `${label(def)} is cut short: it needs exactly ${def.maxLength} characters, found ${cut - start}.`,
          origin[cut] ?? 0,
        );
      }
    } else {
      const gsAt = text.indexOf(GS, start);
      end = gsAt >= 0 ? gsAt : text.length;
    }
    out.push({ def, value: text.slice(start, end), aiPosition: origin[i] ?? 0, at: (k) => origin[start + k] ?? 0 });
    i = end;
  }
  return out;
}

/** Bracketed form "(01)09876543210982(10)LOT": `(` inside a value is written `\(`. */
function parseBracketed(n: Normalised): RawElement[] | { ok: false; error: Gs1Error } {
  const { text, origin } = n;
  const out: RawElement[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '(') return fail('syntax', 'Expected "(" to start an Application Identifier.', origin[i] ?? 0);
    const close = text.indexOf(')', i + 1);
    const ai = close < 0 ? '' : text.slice(i + 1, close);
    if (!/^[0-9]{2,4}$/.test(ai)) {
      return fail('syntax', 'Expected an Application Identifier of 2 to 4 digits in brackets, e.g. (01).', origin[i] ?? 0);
    }
    const def = AI_TABLE.get(ai);
    if (!def) return fail('unknown_ai', `Unknown GS1 Application Identifier (${ai}).`, origin[i] ?? 0);
    let value = '';
    const valueOrigin: number[] = [];
    let j = close + 1;
    while (j < text.length && text[j] !== '(') {
      valueOrigin.push(origin[j] ?? 0);
      if (text[j] === '\\' && text[j + 1] === '(') {
        value += '(';
        j += 2;
      } else {
        value += text[j];
        j++;
      }
    }
    const end = origin[j] ?? 0;
    out.push({ def, value, aiPosition: origin[i] ?? 0, at: (k) => valueOrigin[k] ?? end });
    i = j;
  }
  return out;
}

function referenceYearOf(options: Gs1ParseOptions | undefined): number | null {
  if (!options || typeof options !== 'object') return null;
  if (options.referenceYear !== undefined) {
    return Number.isInteger(options.referenceYear) && options.referenceYear >= 100 && options.referenceYear <= 9899
      ? options.referenceYear
      : null;
  }
  const now = options.now;
  if (!(now instanceof Date)) return null;
  const year = now.getUTCFullYear();
  return Number.isInteger(year) && year >= 100 && year <= 9899 ? year : null;
}

const DATE_FIELDS: Readonly<Record<string, keyof Gs1Parsed>> = {
  '11': 'productionDate',
  '12': 'dueDate',
  '13': 'packagingDate',
  '15': 'bestBefore',
  '16': 'sellBy',
  '17': 'expiry',
};

/**
 * Parses a GS1 element string as scanned: an optional GS1 AIM identifier (`]d2`, `]C1`, `]Q3`, `]e0`), the element
 * string with GS separators (or the configured replacement), an optional trailing CR/LF. The bracketed human-readable
 * form "(01)...(10)..." is accepted too. Never throws: any input gives a result object.
 */
export function parseGs1(input: string, options: Gs1ParseOptions): Gs1ParseResult {
  if (typeof input !== 'string') return fail('empty', 'No barcode data.', 0);
  const referenceYear = referenceYearOf(options);
  if (referenceYear === null) {
    return fail('invalid_options', 'GS1 parser: a valid reference date (now or referenceYear) is required.', 0);
  }
  const split = splitAim(input);
  if (split.aim !== null && !split.gs1) {
    return fail(
      'not_gs1',
      `This barcode (${SYMBOLOGY_NAMES[split.symbology]}, ${split.aim}) does not carry GS1 data.`,
      0,
    );
  }
  const rawReps = options.gsReplacement;
  const replacements = typeof rawReps === 'string' ? [rawReps] : Array.isArray(rawReps) ? rawReps : [];
  const normalised = normaliseGs(split.data, split.prefixLength, replacements);
  if (normalised.text.split(GS).join('').length === 0) return fail('empty', 'The barcode holds no GS1 data.', 0);

  const parsed = normalised.text.startsWith('(') ? parseBracketed(normalised) : parseElementString(normalised);
  if (!Array.isArray(parsed)) return parsed;

  const result: Gs1Parsed = { ok: true, elements: [], hri: '' };
  const seen = new Map<string, string>();
  for (const el of parsed) {
    const problem = checkValue(el.def, el.value, referenceYear);
    if (problem) return fail(problem.code, problem.message, el.at(problem.offset));
    const before = seen.get(el.def.ai);
    if (before !== undefined && before !== el.value) {
      return fail(
        'duplicate_ai',
        `${label(el.def)} appears twice with different values ("${before}" and "${el.value}").`,
        el.aiPosition,
      );
    }
    seen.set(el.def.ai, el.value);
    const element: Gs1Element = { ai: el.def.ai, title: el.def.title, value: el.value };
    result.elements.push(element);

    const ai = el.def.ai;
    const dateField = DATE_FIELDS[ai];
    if (dateField) {
      (result as unknown as Record<string, string>)[dateField] = gs1DateToIso(el.value, referenceYear) ?? el.value;
    } else if (ai === '01') result.gtin = el.value;
    else if (ai === '02') result.content = el.value;
    else if (ai === '03') result.mtoGtin = el.value;
    else if (ai === '00') result.sscc = el.value;
    else if (ai === '10') result.lot = el.value;
    else if (ai === '21') result.serial = el.value;
    else if (ai === '20') result.variant = el.value;
    else if (/^71[0-6]$/.test(ai)) (result.nationalNumbers ??= []).push({ ...element });
  }
  result.hri = formatGs1(result.elements);
  return result;
}

// ---------------------------------------------------------------------------------------------------------------------
// Encoding and formatting

/** Thrown by encodeGs1 for an element that is not valid GS1 (a programming or data error, never scan input). */
export class Gs1EncodeError extends Error {
  readonly code: Gs1ErrorCode;
  /** Index of the offending element. */
  readonly index: number;
  constructor(code: Gs1ErrorCode, message: string, index: number) {
    super(message);
    this.name = 'Gs1EncodeError';
    this.code = code;
    this.index = index;
  }
}

export interface Gs1ElementInput {
  ai: string;
  value: string;
}

/**
 * The element string of the given elements, in the given order, with a GS only where one is needed: after an AI
 * outside the predefined-length table that is not the last element. No AIM identifier and no leading FNC1: the
 * barcode symbol (DataMatrix in GS1 mode, the printer's FNC1) carries those. Throws Gs1EncodeError on invalid data.
 */
export function encodeGs1(elements: readonly Gs1ElementInput[]): string {
  let out = '';
  elements.forEach((el, index) => {
    const def = AI_TABLE.get(el.ai);
    if (!def) throw new Gs1EncodeError('unknown_ai', `Unknown GS1 Application Identifier (${el.ai}).`, index);
    const problem = checkValue(def, el.value, undefined);
    if (problem) throw new Gs1EncodeError(problem.code, problem.message, index);
    out += def.ai + el.value;
    if (!def.predefinedLength && index < elements.length - 1) out += GS;
  });
  return out;
}

/**
 * The human-readable interpretation "(01)09876543210982(17)270930(10)LOT42". A "(" inside a value is written "\("
 * so that parseGs1 reads the text back to the same elements ("\" is outside every GS1 character set).
 */
export function formatGs1(elements: readonly Gs1ElementInput[]): string {
  return elements.map((el) => `(${el.ai})${el.value.split('(').join('\\(')}`).join('');
}
