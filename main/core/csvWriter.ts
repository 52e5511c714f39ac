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

/** Rows of cells, no header; lines end in CRLF (as spreadsheets write them), without a final line break. */
export function csvRows(rows: ReadonlyArray<ReadonlyArray<CsvCell>>): string {
  return Papa.unparse(rows.map((r) => [...r]), OPTIONS);
}

/** A table: a header row of column names, then the rows. */
export function csvTable(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<CsvCell>>): string {
  return Papa.unparse({ fields: [...columns], data: rows.map((r) => [...r]) }, OPTIONS);
}

/** A table of records: the columns in this order, each record's value for each. */
export function csvRecords<C extends string>(columns: readonly C[], records: ReadonlyArray<Record<C, CsvCell>>): string {
  return csvTable(
    columns,
    records.map((r) => columns.map((c) => r[c])),
  );
}
