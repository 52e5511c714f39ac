import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvFileBase64, csvParts, csvRecords, csvRows, csvTable } from '../../../main/core/csvWriter';

const read = (csv: string) => Papa.parse<string[]>(csv).data;

describe('the CSV writer', () => {
  it('writes every cell that starts with = + - @, a tab or a carriage return as quoted text with a quote prefix', () => {
    for (const cell of ['=1+2', '+A1', '-2+3', '@SUM(1)', '\t=1+2', '\r=1+2', '=HYPERLINK("http://x.example","a")\nsecond line']) {
      const csv = csvRows([['before', cell, 'after']]);
      expect(read(csv)[0], JSON.stringify(cell)).toEqual(['before', `'${cell}`, 'after']);
      expect(csv, JSON.stringify(cell)).toContain(`,"'`);
    }
  });

  it('leaves every other cell as it is, numbers included, and escapes quotes', () => {
    const rows = [['Kit 123456', 'a, b', 'say "hi"', ' =not at the start', 'x=1', ''], [-3, 0, 2.5, 'line\nbreak', 'Hôpital', '']] as const;
    expect(read(csvRows(rows))).toEqual(rows.map((r) => r.map(String)));
    expect(csvRows([[-3]])).toBe('-3');
  });

  it('writes headers and records through the same rule, CRLF line ends', () => {
    const csv = csvRecords(['reason', 'n'] as const, [{ reason: '@evil', n: 1 }]);
    expect(csv).toBe(`reason,n\r\n"'@evil",1`);
    expect(csvTable(['=header'], [['x']])).toBe(`"'=header"\r\nx`);
  });

  it('writes a long table a thousand rows at a time into the same text as in one piece, empty tables included', () => {
    const columns = ['kit', 'note', 'units'];
    const rows = Array.from({ length: 2501 }, (_, i) => [String(100000 + i), i % 7 === 0 ? `=cmd|${i}` : i % 5 === 0 ? `a, "b"\n${i}` : 'plain', i - 3]);
    const inOnePiece = (data: unknown[][]) => Papa.unparse({ fields: columns, data }, { newline: '\r\n', escapeFormulae: /^[=+\-@\t\r]/ });
    const whole = inOnePiece(rows.map((r) => [...r]));
    expect(csvTable(columns, rows)).toBe(whole);
    expect(csvRows(rows)).toBe(whole.slice(whole.indexOf('\r\n') + 2));
    for (const n of [999, 1000, 1001]) expect(read(csvTable(columns, rows.slice(0, n))).length, `${n} rows`).toBe(n + 1);
    expect(csvTable(columns, [])).toBe(inOnePiece([]));
    expect(csvRows([])).toBe('');
    // Rows made as they are written (a report's lines mapped by a generator, read once) give the same text.
    function* made() {
      for (const r of rows) yield [...r];
    }
    expect(csvTable(columns, made())).toBe(whole);
    expect([...csvParts(made(), columns)].length).toBe(3);
  });

  it('makes the same file from the text in parts as from the whole text', () => {
    const text = 'Titre,é\r\n' + 'x,'.repeat(5000) + '\r\nHôpital\r\n';
    const parts = [text.slice(0, 7), text.slice(7, 5008), text.slice(5008)];
    expect(csvFileBase64(parts)).toBe(csvFileBase64(text));
    expect(Buffer.from(csvFileBase64(parts.values()), 'base64').toString('utf8')).toBe(`\uFEFF${text}`);
  });

  it('gives a file the UTF-8 byte order mark before its text, accents intact', () => {
    const bytes = Buffer.from(csvFileBase64('Hôpital,é\r\n'), 'base64');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toBe('\uFEFFHôpital,é\r\n');
  });
});
