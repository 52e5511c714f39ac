import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvRecords, csvRows, csvTable } from '../../../main/core/csvWriter';

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
});
