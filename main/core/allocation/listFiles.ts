import { createHash } from 'node:crypto';
import Papa from 'papaparse';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import { englishOf, type Message } from '../../../shared/messages/catalogue';
import type { Said } from '../../../shared/errors';
import { decodeListFile, type ListEncoding } from './listEncoding';
import { hasKitTypes, type KitTypeCode } from '../../../shared/study/kitContents';

/**
 * Reading the sponsor's randomization and kit lists as spreadsheets really write them: the bytes of the file in UTF-8
 * (with or without BOM), UTF-16 with BOM (Excel's "Unicode text") or Windows-1252 (listEncoding.ts); "," ";" or tab
 * separators; CRLF; quoted fields; YYYY-MM-DD or DD/MM/YYYY dates; header names in any case and order. Everything is
 * validated before anything is written; every problem is reported with its line. The SHA-256 is of the bytes received,
 * so it matches `sha256sum` of the sponsor's file whatever its encoding.
 */
/** One problem of a list on one line, said by key (shared/messages, group `lists`); `message` is its English. */
export interface ListProblem extends Said {
  line: number;
  column?: string;
  message: string;
}

function problem(line: number, column: string | undefined, said: Message): ListProblem {
  return { line, ...(column ? { column } : {}), message: englishOf(said), key: said.key, ...(said.params ? { params: said.params as Record<string, string | number> } : {}) };
}

export interface RandomizationRow {
  line: number;
  randomizationNumber: string;
  arm: string;
  block: string;
  stratum: string;
}

export interface KitRow {
  line: number;
  kitNumber: string;
  /** The kit's type; null for a study without kit types (shared/study/kitContents.ts). */
  kitType: KitTypeCode;
  /** What the kit holds, sealed on import: the arm for a study without kit types, one of its type's contents otherwise. */
  content: string;
  lot: string;
  expiryDate: string;
  gtin: string | null;
  serial: string | null;
}

export interface ParsedList<Row> {
  rows: Row[];
  problems: ListProblem[];
  /** Worth a look before importing, but not wrong (e.g. kit numbers that may have lost leading zeros). */
  warnings: ListProblem[];
  sha256: string;
  /** How the bytes were read; null when they could not be. */
  encoding: ListEncoding | null;
}

/** What reading a CSV text found besides its records: its problems, and where each named column is (-1 when absent). */
interface CsvTable {
  problems: ListProblem[];
  columnOf: (name: string) => number;
}

/** Called for each record in file order: the line it starts on and its fields, trimmed, in the header's column order. */
type OnRecord = (line: number, fields: string[]) => void;
/** Called once the header is read (and usable), with where each named column is: returns what takes each record. */
type OnHeader = (columnOf: (name: string) => number) => OnRecord;

function normalizeHeader(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** Control characters have no place in a list; finding one means the bytes were not text, or not in this encoding. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}

/** The separator the header line uses most: tab (Excel's "Unicode text"), ";" (French Excel, "," being the decimal mark) or ",". */
function separatorOf(headerLine: string): string {
  const count = (separator: string) => headerLine.split(separator).length - 1;
  return ['\t', ';', ','].reduce((best, separator) => (count(separator) > count(best) ? separator : best), ',');
}

/** `field` without surrounding white space; a field that starts and ends with a printable ASCII character is kept as is (most are, and trim() would copy each). */
function trimmed(field: string): string {
  const first = field.charCodeAt(0);
  const last = field.charCodeAt(field.length - 1);
  return first > 32 && first < 127 && last > 32 && last < 127 ? field : field.trim();
}

/** Where the line starting at `start` ends (its LF, or the text's end), for a text without CR. */
function endOfLineLf(text: string, start: number): number {
  const end = text.indexOf('\n', start);
  return end === -1 ? text.length : end;
}

/** Where the line starting at `start` ends: at its LF, CRLF or lone CR (old Mac spreadsheets), or the text's end. */
function endOfLineWithCr(text: string, start: number): number {
  let end = start;
  while (end < text.length && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
  return end;
}

/**
 * Reads a CSV text in one pass: the header first, then each record handed to `onRecord` as it is read, so a
 * 50,000-row list is never held twice (as rows, then as records) before it is validated. Returns the problems of the
 * layout (header, field counts, CSV format) and where each named column is.
 */
function readCsv(text: string, required: readonly string[], optional: readonly string[], onHeader: OnHeader): CsvTable {
  const problems: ListProblem[] = [];
  const none = () => -1;
  if (text.trim().length === 0) return { problems: [problem(1, undefined, { key: 'lists.empty' })], columnOf: none };
  const control = CONTROL_CHARACTER.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return {
      columnOf: none,
      problems: [problem(lineAt(text, control.index), undefined, { key: 'lists.controlCharacter', params: { code: `U+${code}` } })],
    };
  }
  const firstLine = text.split(/\r\n|\r|\n/, 1)[0]!;
  const delimiter = separatorOf(firstLine);
  let names: string[] | null = null;
  let headerUsable = false;
  let onRecord: OnRecord = () => undefined;
  let records = 0;
  let headerLine = 1;
  const known = new Set([...required, ...optional]);
  /** Each row as read; false once the header makes the rest pointless to read. */
  const row = (line: number, fields: string[]): boolean => {
    if (names === null) {
      headerLine = line;
      const header = fields;
      const normalized = header.map(normalizeHeader);
      names = normalized;
      for (const column of required) {
        if (!normalized.includes(column)) problems.push(problem(line, column, { key: 'lists.missingColumn', params: { column } }));
      }
      normalized.forEach((name, i) => {
        if (name && !known.has(name)) problems.push(problem(line, name, { key: 'lists.unknownColumn', params: { column: header[i]! } }));
        if (name && normalized.indexOf(name) !== i) problems.push(problem(line, name, { key: 'lists.columnTwice', params: { column: name } }));
      });
      // Without a required column every row would repeat the same complaint (with an "undefined" value): the
      // header's problems are the whole story until it is fixed.
      headerUsable = required.every((column) => normalized.includes(column));
      if (headerUsable) onRecord = onHeader((name) => normalized.indexOf(name));
      return headerUsable;
    }
    let blank = true;
    for (let i = 0; i < fields.length; i++) {
      const field = trimmed(fields[i]!);
      fields[i] = field;
      if (field !== '') blank = false;
    }
    if (blank) return true; // blank lines, including the trailing one
    if (fields.length !== names.length) {
      problems.push(problem(line, undefined, { key: 'lists.fieldCount', params: { count: names.length, found: fields.length } }));
      return true;
    }
    records++;
    onRecord(line, fields);
    return true;
  };
  if (!text.includes('"')) {
    // Without a quote, a record is a line and its fields are what lies between separators: split directly, which is
    // what Papa does for such text without its per-row callback (a 50,000-kit list in half the time).
    // Line by line as found, not split into an array of every line first: what a line leaves behind (its fields'
    // arrays, values repeated on every row) is then short-lived, and the collector copies far less (see `npm run bench`).
    const lineEnd = text.includes('\r') ? endOfLineWithCr : endOfLineLf;
    let line = 0;
    for (let start = 0; start <= text.length; ) {
      const end = lineEnd(text, start);
      if (!row(++line, text.slice(start, end).split(delimiter))) break;
      start = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
    }
  } else {
    let line = 1;
    let consumed = 0;
    Papa.parse<string[]>(text, {
      delimiter,
      skipEmptyLines: false,
      step: (result, parser) => {
        const start = line;
        const cursor = result.meta.cursor;
        // A line ends with LF, CRLF or a lone CR (old Mac spreadsheets).
        for (let i = consumed; i < cursor; i++) {
          const c = text.charCodeAt(i);
          if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
        }
        consumed = cursor;
        for (const error of result.errors) problems.push(problem(start, undefined, { key: 'lists.csvFormat', params: { detail: error.message } }));
        if (!row(start, result.data)) parser.abort();
      },
    });
  }
  // Set by `row` (TypeScript does not follow assignments made inside a closure).
  const columns = names as string[] | null;
  if (columns === null) return { problems: [problem(1, undefined, { key: 'lists.noHeader' })], columnOf: none };
  if (!headerUsable) return { problems, columnOf: none };
  if (records === 0 && problems.length === 0) problems.push(problem(headerLine, undefined, { key: 'lists.noRows' }));
  return { problems, columnOf: (name) => columns.indexOf(name) };
}

/** Accepts an arm by its code or its name, in any case. */
function armResolver(study: StudyConfig): (value: string) => string | undefined {
  const byKey = new Map<string, string>();
  for (const arm of study.arms) {
    byKey.set(arm.code.toLowerCase(), arm.code);
    byKey.set(arm.name.toLowerCase(), arm.code);
  }
  return (value) => byKey.get(value.trim().toLowerCase());
}

/** YYYY-MM-DD or DD/MM/YYYY (also DD.MM.YYYY), checked against the calendar; returns ISO or null. */
export function parseListDate(value: string): string | null {
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(value))) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** GS1 mod-10 check digit over a 14-digit GTIN. */
export function isValidGtin(gtin: string): boolean {
  if (!/^\d{14}$/.test(gtin)) return false;
  const digits = [...gtin].map(Number);
  const sum = digits.slice(0, 13).reduce((acc, digit, i) => acc + digit * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === digits[13];
}

/** `check`, computing each distinct argument's answer once (a list repeats a few arms, dates and GTINs). */
function remembered<T>(check: (value: string) => T): (value: string) => T {
  const answers = new Map<string, T>();
  return (value) => {
    let answer = answers.get(value);
    if (answer === undefined) answers.set(value, (answer = check(value)));
    return answer;
  };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The file's bytes as text, or the one problem that stops the reading (with the file's hash either way). */
function readListFile(file: Uint8Array): { text: string | null; encoding: ListEncoding | null; sha256: string; problems: ListProblem[] } {
  const sha256 = sha256Hex(file);
  const decoded = decodeListFile(file);
  if (!decoded.ok) return { text: null, encoding: null, sha256, problems: [problem(1, undefined, decoded.said)] };
  return { text: decoded.text, encoding: decoded.encoding, sha256, problems: [] };
}

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,29}$/;

export function parseRandomizationList(file: Uint8Array, study: StudyConfig, existing: ReadonlySet<string>): ParsedList<RandomizationRow> {
  const { text, encoding, sha256, problems: unreadable } = readListFile(file);
  if (text === null) return { rows: [], problems: unreadable, warnings: [], sha256, encoding };
  const resolveArm = armResolver(study);
  const seen = new Map<string, number>();
  const rows: RandomizationRow[] = [];
  const rowProblems: ListProblem[] = [];
  const layout = readCsv(text, ['randomization_number', 'arm', 'block', 'stratum'], [], (columnOf) => {
    const at = { number: columnOf('randomization_number'), arm: columnOf('arm'), block: columnOf('block'), stratum: columnOf('stratum') };
    return (line, fields) => {
      const number = fields[at.number]!;
      const armValue = fields[at.arm]!;
      const block = fields[at.block]!;
      const arm = resolveArm(armValue);
      let stratum = fields[at.stratum]!;
      if (stratum === '' && study.strata.length === 1) stratum = study.strata[0]!;
      const problemsBefore = rowProblems.length;
      const firstLine = seen.get(number);
      if (!IDENTIFIER.test(number)) rowProblems.push(problem(line, 'randomization_number', { key: 'lists.badRandomizationNumber', params: { value: number } }));
      else if (firstLine !== undefined) rowProblems.push(problem(line, 'randomization_number', { key: 'lists.duplicateRandomizationNumber', params: { value: number, line: firstLine } }));
      else if (existing.has(number)) rowProblems.push(problem(line, 'randomization_number', { key: 'lists.randomizationNumberImported', params: { value: number } }));
      if (!arm) rowProblems.push(problem(line, 'arm', { key: 'lists.unknownArm', params: { value: armValue, arms: study.arms.map((a) => a.code).join(', ') } }));
      if (!block) rowProblems.push(problem(line, 'block', { key: 'lists.emptyBlock' }));
      if (!study.strata.includes(stratum)) rowProblems.push(problem(line, 'stratum', { key: 'lists.unknownStratum', params: { value: stratum, strata: study.strata.join(', ') } }));
      if (firstLine === undefined) seen.set(number, line);
      if (rowProblems.length === problemsBefore) rows.push({ line, randomizationNumber: number, arm: arm!, block, stratum });
    };
  });
  // The layout's problems first, so that on one line a wrong field count reads before what it caused (a stable sort).
  const problems = [...layout.problems, ...rowProblems];
  return { rows, problems: problems.sort((a, b) => a.line - b.line), warnings: [], sha256, encoding };
}

/**
 * Spreadsheets read "000123" as the number 123 and save it back as "123". Numeric kit numbers of several lengths of
 * which none starts with 0 are what such a list looks like (a sponsor may also really number 999 then 1000, so this
 * is a warning to compare with the sponsor's list, not a refusal).
 */
function leadingZerosWarning(rows: readonly KitRow[]): ListProblem | null {
  let shortest: KitRow | null = null;
  let longest: KitRow | null = null;
  for (const row of rows) {
    if (!/^\d+$/.test(row.kitNumber)) continue;
    if (row.kitNumber.startsWith('0')) return null;
    if (!shortest || row.kitNumber.length < shortest.kitNumber.length) shortest = row;
    if (!longest || row.kitNumber.length > longest.kitNumber.length) longest = row;
  }
  if (!shortest || !longest || shortest.kitNumber.length === longest.kitNumber.length) return null;
  return problem(shortest.line, 'kit_number', {
    key: 'lists.leadingZeros',
    params: { from: shortest.kitNumber.length, to: longest.kitNumber.length, short: shortest.kitNumber, shortLine: shortest.line, long: longest.kitNumber, longLine: longest.line },
  });
}

/**
 * What the kit list says a kit holds, by column. A study without kit types: an `arm` column, by code or name. A study
 * with kit types (a double-dummy design): a `kit_type` column (bottle A, bottle B, by code or name) and a `content`
 * column (one of that type's contents, by code or name); the content is sealed as the arm was.
 */
interface ContentColumns {
  required: string[];
  /** Given where the columns are, what reads one record's type and content (pushing its problems). */
  reader: (columnOf: (name: string) => number) => (line: number, fields: string[], problems: ListProblem[]) => { kitType: KitTypeCode; content: string } | null;
}

function contentColumns(study: StudyConfig): ContentColumns {
  if (!hasKitTypes(study)) {
    const resolveArm = remembered(armResolver(study));
    const arms = study.arms.map((a) => a.code).join(', ');
    return {
      required: ['arm'],
      reader: (columnOf) => {
        const at = columnOf('arm');
        return (line, fields, problems) => {
          const value = fields[at]!;
          const arm = resolveArm(value);
          if (!arm) problems.push(problem(line, 'arm', { key: 'lists.unknownArm', params: { value, arms } }));
          return arm ? { kitType: null, content: arm } : null;
        };
      },
    };
  }
  const types = new Map<string, NonNullable<StudyConfig['kitTypes']>[number]>();
  const contents = new Map<string, Map<string, string>>();
  for (const type of study.kitTypes!) {
    types.set(type.code.toLowerCase(), type);
    types.set(type.name.toLowerCase(), type);
    const byKey = new Map<string, string>();
    for (const c of type.contents) {
      byKey.set(c.code.toLowerCase(), c.code);
      byKey.set(c.name.toLowerCase(), c.code);
    }
    contents.set(type.code, byKey);
  }
  const typeCodes = study.kitTypes!.map((t) => t.code).join(', ');
  return {
    required: ['kit_type', 'content'],
    reader: (columnOf) => {
      const at = { type: columnOf('kit_type'), content: columnOf('content') };
      return (line, fields, problems) => {
        const typeValue = fields[at.type]!;
        const contentValue = fields[at.content]!;
        const type = types.get(typeValue.toLowerCase());
        if (!type) {
          problems.push(problem(line, 'kit_type', { key: 'lists.unknownKitType', params: { value: typeValue, types: typeCodes } }));
          return null;
        }
        const content = contents.get(type.code)!.get(contentValue.toLowerCase());
        if (!content) {
          problems.push(problem(line, 'content', { key: 'lists.unknownContent', params: { value: contentValue, type: type.name, contents: type.contents.map((c) => c.code).join(', ') } }));
          return null;
        }
        return { kitType: type.code, content };
      };
    },
  };
}

export function parseKitList(file: Uint8Array, study: StudyConfig, existing: ReadonlySet<string>): ParsedList<KitRow> {
  const { text, encoding, sha256, problems: unreadable } = readListFile(file);
  if (text === null) return { rows: [], problems: unreadable, warnings: [], sha256, encoding };
  const held = contentColumns(study);
  const dateOf = remembered(parseListDate);
  const gtinIsValid = remembered(isValidGtin);
  // A list repeats a few lots and GTINs: each row keeps the first copy of its value, so its own copy dies young.
  const shared = remembered((value: string) => value);
  const seen = new Map<string, number>();
  const rows: KitRow[] = [];
  const rowProblems: ListProblem[] = [];
  // Each record is validated as it is read (one pass over the text: a 50,000-kit list is checked in about the time
  // a CSV parser takes to read it into objects, see `npm run bench`).
  const layout = readCsv(text, ['kit_number', ...held.required, 'lot', 'expiry_date'], ['gtin', 'serial'], (columnOf) => {
    const at = { kitNumber: columnOf('kit_number'), lot: columnOf('lot'), expiry: columnOf('expiry_date'), gtin: columnOf('gtin'), serial: columnOf('serial') };
    const readContent = held.reader(columnOf);
    return (line, fields) => {
      const kitNumber = fields[at.kitNumber]!;
      const lot = shared(fields[at.lot]!);
      const expiryValue = fields[at.expiry]!;
      const expiry = dateOf(expiryValue);
      // Optional columns: absent, or an empty cell, is no value.
      const gtin = at.gtin >= 0 && fields[at.gtin] ? shared(fields[at.gtin]!) : null;
      const serial = at.serial >= 0 && fields[at.serial] ? fields[at.serial]! : null;
      // Every problem of the row is listed; the row is kept only if it has none.
      const problemsBefore = rowProblems.length;
      const firstLine = seen.get(kitNumber);
      if (!IDENTIFIER.test(kitNumber)) rowProblems.push(problem(line, 'kit_number', { key: 'lists.badKitNumber', params: { value: kitNumber } }));
      else if (firstLine !== undefined) rowProblems.push(problem(line, 'kit_number', { key: 'lists.duplicateKitNumber', params: { value: kitNumber, line: firstLine } }));
      else if (existing.has(kitNumber)) rowProblems.push(problem(line, 'kit_number', { key: 'lists.kitImported', params: { value: kitNumber } }));
      const holds = readContent(line, fields, rowProblems);
      if (!lot || lot.length > 20) rowProblems.push(problem(line, 'lot', lot ? { key: 'lists.lotTooLong', params: { value: lot } } : { key: 'lists.emptyLot' }));
      if (!expiry) rowProblems.push(problem(line, 'expiry_date', { key: 'lists.badExpiry', params: { value: expiryValue } }));
      if (gtin !== null && !gtinIsValid(gtin)) rowProblems.push(problem(line, 'gtin', { key: 'lists.badGtin', params: { value: gtin } }));
      if (serial !== null && serial.length > 20) rowProblems.push(problem(line, 'serial', { key: 'lists.serialTooLong' }));
      if (firstLine === undefined) seen.set(kitNumber, line);
      if (rowProblems.length === problemsBefore) rows.push({ line, kitNumber, kitType: holds!.kitType, content: holds!.content, lot, expiryDate: expiry!, gtin, serial });
    };
  });
  // The layout's problems first, so that on one line a wrong field count reads before what it caused (a stable sort).
  const problems = [...layout.problems, ...rowProblems];
  const zeros = leadingZerosWarning(rows);
  return { rows, problems: problems.sort((a, b) => a.line - b.line), warnings: zeros ? [zeros] : [], sha256, encoding };
}
