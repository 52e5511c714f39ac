import Papa from 'papaparse';
import { VeilError } from '../../../shared/errors';
import type { Message } from '../../../shared/messages/catalogue';

/**
 * A temperature data logger's export, read into readings (issue 15, item 2). Pure: text in, readings or a refusal
 * naming the line out. Two shapes:
 *
 * 1. plain: one reading a line, `timestamp;temperature`, the time in ISO 8601 with its UTC offset
 *    (`2026-11-02T08:00:00+01:00;5.1`), an optional header row (`timestamp;temperature`, which may state `°F`),
 *    °C unless the header says otherwise, a decimal point or comma.
 * 2. vendor: what LogTag Analyzer, Testo ComSoft or ELPRO elproCLOUD export: a block of metadata lines
 *    (`"Device","LogTag TRIX-8"`, `"Time Zone","UTC+01:00"`, `"Unit","°C"`...), then a header row naming the date and time
 *    (one `Date/Time` column or a `Date` and a `Time` column) and the temperature with its unit
 *    (`Temperature (°C)`, `Temperature [°F]`), then the readings; comma or semicolon separated (a semicolon file may
 *    write decimal commas), dates `YYYY-MM-DD` or `DD/MM/YYYY`, local time of the stated UTC offset.
 *
 * Readings are returned in hundredths of a degree Celsius (°F converted), at epoch milliseconds (UTC), strictly
 * increasing in time. A file that breaks any rule is refused whole, by key, with its line (1-based, as an editor shows).
 */
export type LoggerFormat = 'plain' | 'vendor';
export type TemperatureUnit = '°C' | '°F';

export interface LoggerReadings {
  format: LoggerFormat;
  unit: TemperatureUnit;
  /** UTC epoch milliseconds, strictly increasing. */
  atMs: number[];
  /** Hundredths of a degree Celsius, rounded. */
  centi: number[];
  /** The metadata block of a vendor file (`Device`, `Serial Number`...), as written. */
  metadata: Record<string, string>;
}

/** Where the location's range lies, to catch a file whose unit is mislabelled (°F readings under a °C header). */
export interface ExpectedRange {
  minCenti: number;
  maxCenti: number;
}

const refuse = (said: Message): never => {
  throw VeilError.says('validation', said);
};

const NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const DATE_ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_DMY = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const OFFSET = /^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i;

/** A temperature field: a decimal point, or a decimal comma where commas do not separate fields. */
function temperatureOf(raw: string, line: number, decimalComma: boolean): number {
  const value = raw.trim();
  if (!NUMBER.test(value) || (!decimalComma && value.includes(','))) return refuse({ key: 'coldChain.notATemperature', params: { line, value } });
  return Number(value.replace(',', '.'));
}

function offsetMinutes(sign: string, hours: string, minutes: string | undefined): number {
  return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes ?? 0));
}

/** Valid calendar fields (Date.UTC would roll 31 November over into December). */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return new Date(t).getUTCDate() === d ? t : null;
}

function isoTimeOf(raw: string, line: number, defaultOffset: number | null): number {
  const value = raw.trim();
  const m = ISO_TIME.exec(value);
  if (!m) return refuse({ key: 'coldChain.notATime', params: { line, value } });
  let offset = defaultOffset;
  if (m[8] === 'Z') offset = 0;
  else if (m[8]) offset = offsetMinutes(m[8][0]!, m[8].slice(1, 3), m[8].slice(-2));
  if (offset === null) return refuse({ key: 'coldChain.noOffset', params: { line, value } });
  const t = utcMs(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), Number((m[7] ?? '0').padEnd(3, '0')));
  if (t === null) return refuse({ key: 'coldChain.notATime', params: { line, value } });
  return t - offset * 60_000;
}

function dateTimeOf(dateRaw: string, timeRaw: string, line: number, offset: number | null): number {
  const date = dateRaw.trim();
  const time = timeRaw.trim();
  const value = `${date} ${time}`;
  const iso = DATE_ISO.exec(date);
  const dmy = DATE_DMY.exec(date);
  const t = TIME.exec(time);
  if ((!iso && !dmy) || !t) return refuse({ key: 'coldChain.notATime', params: { line, value } });
  if (offset === null) return refuse({ key: 'coldChain.noOffset', params: { line, value } });
  const [y, mo, d] = iso ? [Number(iso[1]), Number(iso[2]), Number(iso[3])] : [Number(dmy![3]), Number(dmy![2]), Number(dmy![1])];
  const ms = utcMs(y, mo, d, Number(t[1]), Number(t[2]), Number(t[3] ?? 0), 0);
  if (ms === null) return refuse({ key: 'coldChain.notATime', params: { line, value } });
  return ms - offset * 60_000;
}

/** The unit a header cell or a metadata value states: °C, °F, something else, or nothing. */
function unitIn(text: string): TemperatureUnit | { unknown: string } | null {
  const bracket = /[([]\s*([^)\]]*?)\s*[)\]]/.exec(text);
  const candidate = (bracket ? bracket[1]! : text.replace(/^\s*temp(?:erature)?\s*/i, '')).trim();
  if (candidate === '') return null;
  if (/^(?:°|º|deg\.?\s*)?\s*C$|^celsius$/i.test(candidate)) return '°C';
  if (/^(?:°|º|deg\.?\s*)?\s*F$|^fahrenheit$/i.test(candidate)) return '°F';
  return { unknown: candidate };
}

const toCenti = (value: number, unit: TemperatureUnit): number => Math.round((unit === '°F' ? ((value - 32) * 5) / 9 : value) * 100);

const isBlank = (line: string) => line.trim() === '';

function timeText(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * The readings in rows of fields, checked line by line: time strictly increasing, a temperature in every row, the
 * number of fields of the header. `lineOf(i)` is the file's line number of row i.
 */
function readRows(
  rows: string[][],
  lineOf: (i: number) => number,
  columns: { count: number; separator: string; other: string; time: (row: string[], line: number) => number; temperature: number; decimalComma: boolean; unit: TemperatureUnit },
): { atMs: number[]; centi: number[] } {
  const atMs: number[] = [];
  const centi: number[] = [];
  let previous = -Infinity;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.length === 1 && row[0]!.trim() === '') continue;
    const line = lineOf(i);
    if (row.length !== columns.count) {
      if (row.length === 1 && row[0]!.includes(columns.other)) refuse({ key: 'coldChain.wrongSeparator', params: { line, found: columns.other, expected: columns.separator } });
      refuse({ key: 'coldChain.wrongColumns', params: { line, count: row.length, expected: columns.count } });
    }
    const at = columns.time(row, line);
    const value = temperatureOf(row[columns.temperature]!, line, columns.decimalComma);
    if (at <= previous) refuse({ key: 'coldChain.timeBackwards', params: { line, time: timeText(at), previous: timeText(previous) } });
    previous = at;
    atMs.push(at);
    centi.push(toCenti(value, columns.unit));
  }
  return { atMs, centi };
}

/** The text from line `index` (0-based) on, without splitting the whole file into lines. */
function fromLine(text: string, index: number): string {
  let at = 0;
  for (let i = 0; i < index && at >= 0; i++) at = text.indexOf('\n', at) + 1 || -1;
  return at < 0 ? '' : text.slice(at);
}

function splitRows(text: string, delimiter: string): string[][] {
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: false, newline: '\n' });
  return parsed.data;
}

/** The plain file: `timestamp;temperature`, maybe a header row first. */
function readPlain(text: string, lines: string[], first: number): LoggerReadings {
  const head = lines[first]!;
  const hasHeader = !/^\s*"?\d/.test(head);
  let unit: TemperatureUnit = '°C';
  if (hasHeader) {
    const cells = head.split(head.includes(';') ? ';' : ',');
    if (cells.length !== 2 || !head.includes(';')) {
      if (!head.includes(';') && head.includes(',')) refuse({ key: 'coldChain.wrongSeparator', params: { line: first + 1, found: ',', expected: ';' } });
      refuse({ key: 'coldChain.noHeader', params: { line: first + 1 } });
    }
    const stated = unitIn(cells[1]!.replace(/"/g, ''));
    if (stated && typeof stated === 'object') refuse({ key: 'coldChain.unitUnknown', params: { line: first + 1, unit: stated.unknown } });
    if (typeof stated === 'string') unit = stated;
  }
  const start = hasHeader ? first + 1 : first;
  const rows = splitRows(fromLine(text, start), ';');
  const read = readRows(rows, (i) => start + i + 1, {
    count: 2,
    separator: ';',
    other: ',',
    time: (row, line) => isoTimeOf(row[0]!, line, null),
    temperature: 1,
    decimalComma: true,
    unit,
  });
  return { format: 'plain', unit, ...read, metadata: {} };
}

const DATE_TIME_HEADER = /^(?:date\s*[/ _-]?\s*time|timestamp|time\s*stamp)\b/i;
const DATE_HEADER = /^date\b/i;
const TIME_HEADER = /^time\b/i;
const TEMPERATURE_HEADER = /^temp/i;

/** The vendor export: metadata lines, a header row, the readings. */
function readVendor(text: string, lines: string[], headerIndex: number, separator: string): LoggerReadings {
  const other = separator === ';' ? ',' : ';';
  const metadata: Record<string, string> = {};
  let offset: number | null = null;
  let metaUnit: { unit: TemperatureUnit; line: number } | null = null;
  for (let i = 0; i < headerIndex; i++) {
    if (isBlank(lines[i]!)) continue;
    const cells = splitRows(lines[i]!, lines[i]!.includes(separator) ? separator : other)[0] ?? [];
    const key = (cells[0] ?? '').trim().replace(/:$/, '');
    const value = cells.slice(1).join(' ').trim();
    if (!key) continue;
    metadata[key] = value;
    if (/^(?:time\s*zone|utc\s*offset|timezone|zeitzone|fuseau\s*horaire)$/i.test(key)) {
      const m = OFFSET.exec(value.replace(/\s+/g, ''));
      if (!m && !/^(?:UTC|GMT)$/i.test(value)) refuse({ key: 'coldChain.timeZoneUnknown', params: { line: i + 1, value } });
      offset = m ? offsetMinutes(m[1]!, m[2]!, m[3]) : 0;
    }
    if (/^(?:unit|units|temperature\s*unit)$/i.test(key)) {
      const stated = unitIn(`(${value})`);
      if (!stated) continue;
      if (typeof stated === 'object') refuse({ key: 'coldChain.unitUnknown', params: { line: i + 1, unit: stated.unknown } });
      metaUnit = { unit: stated as TemperatureUnit, line: i + 1 };
    }
  }
  const headerLine = headerIndex + 1;
  const header = (splitRows(lines[headerIndex]!, separator)[0] ?? []).map((c) => c.trim());
  const temperature = header.findIndex((c) => TEMPERATURE_HEADER.test(c));
  const dateTime = header.findIndex((c) => DATE_TIME_HEADER.test(c));
  const date = header.findIndex((c) => DATE_HEADER.test(c) && !DATE_TIME_HEADER.test(c));
  const time = header.findIndex((c) => TIME_HEADER.test(c) && !DATE_TIME_HEADER.test(c));
  if (temperature < 0 || (dateTime < 0 && (date < 0 || time < 0))) refuse({ key: 'coldChain.noHeader', params: { line: headerLine } });
  const stated = unitIn(header[temperature]!);
  if (stated && typeof stated === 'object') refuse({ key: 'coldChain.unitUnknown', params: { line: headerLine, unit: stated.unknown } });
  const headerUnit = stated as TemperatureUnit | null;
  if (headerUnit && metaUnit && headerUnit !== metaUnit.unit) refuse({ key: 'coldChain.unitConflict', params: { line: metaUnit.line, unit: metaUnit.unit, other: headerUnit } });
  const unit = headerUnit ?? metaUnit?.unit ?? refuse({ key: 'coldChain.unitMissing', params: { line: headerLine } });
  const rows = splitRows(fromLine(text, headerIndex + 1), separator);
  const read = readRows(rows, (i) => headerIndex + i + 2, {
    count: header.length,
    separator,
    other,
    time: dateTime >= 0 ? (row, line) => isoTimeOf(row[dateTime]!, line, offset) : (row, line) => dateTimeOf(row[date]!, row[time]!, line, offset),
    temperature,
    decimalComma: separator === ';',
    unit,
  });
  return { format: 'vendor', unit, ...read, metadata };
}

/**
 * A unit mislabelled (issue 15: "°F mislabelled"): nearly every reading is out of the location's range as labelled,
 * and nearly every one is inside it read in the other unit. Named at the line that states the unit.
 */
function checkUnitLabel(read: LoggerReadings, expected: ExpectedRange, unitLine: number): void {
  const n = read.centi.length;
  if (n === 0) return;
  const asOther = (c: number) => {
    const labelled = c / 100;
    // The value as written in the file, then read in the other unit.
    const written = read.unit === '°F' ? (labelled * 9) / 5 + 32 : labelled;
    return Math.round((read.unit === '°F' ? written : ((written - 32) * 5) / 9) * 100);
  };
  let outAsLabelled = 0;
  let inAsOther = 0;
  for (const c of read.centi) {
    if (c < expected.minCenti || c > expected.maxCenti) outAsLabelled++;
    const o = asOther(c);
    if (o >= expected.minCenti && o <= expected.maxCenti) inAsOther++;
  }
  if (outAsLabelled >= 0.9 * n && inAsOther >= 0.9 * n) {
    const range = `${expected.minCenti / 100}–${expected.maxCenti / 100} °C`;
    refuse({ key: 'coldChain.unitMislabelled', params: { line: unitLine, unit: read.unit, other: read.unit === '°C' ? '°F' : '°C', range } });
  }
}

/** Reads a logger export (see the module comment); refuses it whole, naming the line, when anything is wrong. */
export function parseLoggerFile(content: string, expected?: ExpectedRange): LoggerReadings {
  const text = content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  // The first lines only (blank lines, metadata, the header): the readings are split by papaparse.
  const head = text.length > 65_536 ? text.slice(0, text.lastIndexOf('\n', 65_536) + 1 || 65_536) : text;
  const lines = head.split('\n');
  const first = lines.findIndex((l) => !isBlank(l));
  if (first < 0) return refuse({ key: 'coldChain.fileEmpty' });
  // A vendor file has a header row naming the temperature after (or without) metadata lines; a plain file's first
  // line is a reading or its own two-column header.
  let headerIndex = -1;
  for (let i = first; i < Math.min(lines.length, first + 60); i++) {
    const cells = lines[i]!.split(/[;,]/).map((c) => c.replace(/"/g, '').trim());
    if (cells.some((c) => TEMPERATURE_HEADER.test(c)) && cells.some((c) => DATE_TIME_HEADER.test(c) || DATE_HEADER.test(c) || TIME_HEADER.test(c))) {
      headerIndex = i;
      break;
    }
  }
  const plainHeader = headerIndex === first && /^\s*"?timestamp"?\s*[;,]\s*"?temp[^;,]*$/i.test(lines[first]!);
  let read: LoggerReadings;
  let unitLine: number;
  if (headerIndex < 0 || plainHeader) {
    if (headerIndex < 0 && !/^\s*"?\d/.test(lines[first]!)) refuse({ key: 'coldChain.noHeader', params: { line: first + 1 } });
    read = readPlain(text, lines, first);
    unitLine = first + 1;
  } else {
    const headerRow = lines[headerIndex]!;
    const separator = (headerRow.match(/;/g)?.length ?? 0) >= (headerRow.match(/,/g)?.length ?? 0) ? ';' : ',';
    read = readVendor(text, lines, headerIndex, separator);
    unitLine = headerIndex + 1;
  }
  if (read.atMs.length === 0) refuse({ key: 'coldChain.noReadings' });
  if (expected) checkUnitLabel(read, expected, unitLine);
  return read;
}
