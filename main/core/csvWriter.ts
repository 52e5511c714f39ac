import Papa from 'papaparse';

/**
 * The one CSV writer of Veil: every CSV it writes (the audit trail export, the reports, the demo's sponsor-style
 * lists) goes through here, so that no cell ever reaches a spreadsheet as a formula.
 *
 * CSV injection (OWASP): Excel and LibreOffice run a cell that starts with = + - @, a tab or a carriage return as a
 * formula (=HYPERLINK(...) sends data away, =cmd|... ran programs). Such a cell is written as text: prefixed with a
 * single quote and quoted. The test is on the whole cell, not on its first line (papaparse's own check misses a
 * formula followed by a line break). Numbers are written as numbers: -3 is a value, not a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvCell = string | number;

const OPTIONS = { newline: '\r\n', escapeFormulae: FORMULA_START } as const;

/**
 * Rows per papaparse call. papaparse builds its text by appending cell after cell; V8 keeps such a text as a chain of
 * millions of small pieces until it is read whole, several times the memory of the text itself (an accountability
 * log of 138,000 lines took 95 MB for 8 MB of text). Written a thousand rows at a time and joined, each chain is
 * flattened and dropped as the next begins. The text is the same: each cell is written on its own.
 */
const ROWS_PER_CALL = 1000;

/**
 * The text of rows (and a header) a thousand rows at a time, each part but the first led by its line break: the parts
 * joined are the whole text. Rows may come from any iterable (a report's lines are mapped to cells as they are
 * written, never held as a second table).
 */
export function* csvParts(rows: Iterable<ReadonlyArray<CsvCell>>, header?: readonly string[]): Generator<string> {
  let batch: CsvCell[][] = [];
  let first = true;
  const flush = () => {
    const text = first && header ? Papa.unparse({ fields: [...header], data: batch }, OPTIONS) : Papa.unparse(batch, OPTIONS);
    const part = first ? text : OPTIONS.newline + text;
    first = false;
    batch = [];
    return part;
  };
  for (const row of rows) {
    // papaparse wants its own arrays (it does not write into them; the copy is of a thousand rows at a time).
    batch.push([...row]);
    if (batch.length === ROWS_PER_CALL) yield flush();
  }
  if (batch.length > 0 || (first && header)) yield flush();
}

function unparseRows(rows: Iterable<ReadonlyArray<CsvCell>>, header?: readonly string[]): string {
  return [...csvParts(rows, header)].join('');
}

/** Rows of cells, no header; lines end in CRLF (as spreadsheets write them), without a final line break. */
export function csvRows(rows: Iterable<ReadonlyArray<CsvCell>>): string {
  return unparseRows(rows);
}

/** A table: a header row of column names, then the rows. */
export function csvTable(columns: readonly string[], rows: Iterable<ReadonlyArray<CsvCell>>): string {
  return unparseRows(rows, columns);
}

/** A table of records: the columns in this order, each record's value for each. */
export function csvRecords<C extends string>(columns: readonly C[], records: ReadonlyArray<Record<C, CsvCell>>): string {
  return csvTable(
    columns,
    records.map((r) => columns.map((c) => r[c])),
  );
}

/** UTF-8's byte order mark: spreadsheets read a CSV file that starts with it as UTF-8 (accents intact). */
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * A CSV file's bytes, with the byte order mark, in base64 (as reports travel). The mark is added as bytes: put before
 * the text as a character it made V8 copy the whole text into two bytes a character. The text may come in parts
 * (csvParts): each becomes its bytes as it comes, so the whole text is never held as one string beside its bytes.
 */
export function csvFileBase64(text: string | Iterable<string>): string {
  const parts = typeof text === 'string' ? [text] : text;
  const bytes: Buffer[] = [UTF8_BOM];
  for (const part of parts) bytes.push(Buffer.from(part, 'utf8'));
  return Buffer.concat(bytes).toString('base64');
}
