import { describe, expect, it } from 'vitest';
import { VeilError } from '../../../shared/errors';
import { parseLoggerFile } from '../../../main/core/coldChain/loggerFile';

/** The refusal of a file: its key and parameters (the line named), as the screen receives them. */
function refusal(content: string, range?: { minCenti: number; maxCenti: number }) {
  try {
    parseLoggerFile(content, range);
  } catch (e) {
    if (e instanceof VeilError) return { code: e.code, key: e.key, params: e.params, message: e.message };
    throw e;
  }
  throw new Error('the file was accepted');
}

const FRIDGE = { minCenti: 200, maxCenti: 800 };

const VENDOR = [
  '"Device","LogTag TRIX-8"',
  '"Serial Number","A1B2C3D4"',
  '"Description","Fridge A - pharmacy"',
  '"Time Zone","UTC+01:00"',
  '"Logging Interval","00:05:00"',
  '',
  '"Date","Time","Temperature (°C)"',
  '"2026-11-02","08:00:00","5.1"',
  '"2026-11-02","08:05:00","8.4"',
  '"2026-11-02","08:10:00","-0.5"',
].join('\r\n');

describe('parseLoggerFile: the plain timestamp;temperature file', () => {
  it('reads each line at its own UTC offset, in hundredths of °C, with or without a header, decimal comma or point', () => {
    const read = parseLoggerFile('\uFEFFtimestamp;temperature\n2026-11-02T08:00:00+01:00;5.1\n2026-11-02T07:01:00Z;4,96\n2026-11-02T02:02:30-05:00;-0.04\n');
    expect(read.format).toBe('plain');
    expect(read.unit).toBe('°C');
    // 08:00+01:00 = 07:00Z; 02:02:30-05:00 = 07:02:30Z.
    expect(read.atMs).toEqual([Date.parse('2026-11-02T07:00:00Z'), Date.parse('2026-11-02T07:01:00Z'), Date.parse('2026-11-02T07:02:30Z')]);
    expect(read.centi).toEqual([510, 496, -4]);
    expect(parseLoggerFile('2026-11-02T08:00:00+01:00;5.1').centi).toEqual([510]);
  });

  it('converts °F stated in the header: 41 °F is 5 °C, 46.4 °F is 8 °C, 32 °F is 0 °C', () => {
    const read = parseLoggerFile('timestamp;temperature (°F)\n2026-11-02T08:00:00+01:00;41\n2026-11-02T08:01:00+01:00;46.4\n2026-11-02T08:02:00+01:00;32\n');
    expect(read.unit).toBe('°F');
    expect(read.centi).toEqual([500, 800, 0]);
  });

  it('refuses a comma-separated line, naming it', () => {
    expect(refusal('2026-11-02T08:00:00+01:00;5.1\n2026-11-02T08:01:00+01:00,5.2\n')).toMatchObject({ code: 'validation', key: 'coldChain.wrongSeparator', params: { line: 2, found: ',', expected: ';' } });
    expect(refusal('timestamp,temperature\n2026-11-02T08:00:00+01:00,5.1\n')).toMatchObject({ key: 'coldChain.wrongSeparator', params: { line: 1 } });
  });

  it('refuses text in the temperature column, naming the line and the text', () => {
    const r = refusal('timestamp;temperature\n2026-11-02T08:00:00+01:00;5.1\n2026-11-02T08:01:00+01:00;5.2\n2026-11-02T08:02:00+01:00;ERR\n');
    expect(r).toMatchObject({ key: 'coldChain.notATemperature', params: { line: 4, value: 'ERR' } });
    expect(r.message).toBe('Line 4: "ERR" is not a temperature.');
    expect(refusal('2026-11-02T08:00:00+01:00;\n')).toMatchObject({ key: 'coldChain.notATemperature', params: { line: 1, value: '' } });
  });

  it('refuses time going backwards or a reading repeated, naming the line', () => {
    const r = refusal('2026-11-02T08:00:00+01:00;5.1\n2026-11-02T08:05:00+01:00;5.2\n2026-11-02T07:04:00Z;5.3\n');
    expect(r).toMatchObject({ key: 'coldChain.timeBackwards', params: { line: 3, time: '2026-11-02T07:04:00Z', previous: '2026-11-02T07:05:00Z' } });
    // The same instant written at two offsets is a repeat.
    expect(refusal('2026-11-02T08:00:00+01:00;5.1\n2026-11-02T07:00:00Z;5.1\n')).toMatchObject({ key: 'coldChain.timeBackwards', params: { line: 2 } });
  });

  it('refuses a local time without its UTC offset, and a date that does not exist', () => {
    expect(refusal('2026-11-02T08:00:00+01:00;5.1\n2026-11-02T08:01:00;5.1\n')).toMatchObject({ key: 'coldChain.noOffset', params: { line: 2, value: '2026-11-02T08:01:00' } });
    expect(refusal('2026-11-31T08:00:00+01:00;5.1\n')).toMatchObject({ key: 'coldChain.notATime', params: { line: 1 } });
  });

  it('reads a file larger than the block it scans for the header whole, and names a bad line far into it', () => {
    const lines = ['timestamp;temperature'];
    for (let i = 0; i < 5000; i++) lines.push(`${new Date(Date.parse('2026-01-01T00:00:00Z') + i * 60_000).toISOString()};${(5 + (i % 10) / 10).toFixed(1)}`);
    const read = parseLoggerFile(lines.join('\n'));
    expect(read.atMs).toHaveLength(5000);
    expect(read.centi[4999]).toBe(590);
    lines[4321] = lines[4321]!.replace(';', ',');
    expect(refusal(lines.join('\n'))).toMatchObject({ key: 'coldChain.wrongSeparator', params: { line: 4322 } });
  });

  it('refuses an unknown unit in the header, and an empty file', () => {
    expect(refusal('timestamp;temperature (K)\n2026-11-02T08:00:00+01:00;278\n')).toMatchObject({ key: 'coldChain.unitUnknown', params: { line: 1, unit: 'K' } });
    expect(refusal('\n\n')).toMatchObject({ key: 'coldChain.fileEmpty' });
    expect(refusal('timestamp;temperature\n')).toMatchObject({ key: 'coldChain.noReadings' });
  });
});

describe('parseLoggerFile: a vendor export with a header block', () => {
  it('reads the metadata, the time zone of the block and the unit of the header row', () => {
    const read = parseLoggerFile(VENDOR);
    expect(read.format).toBe('vendor');
    expect(read.unit).toBe('°C');
    expect(read.metadata).toMatchObject({ Device: 'LogTag TRIX-8', 'Serial Number': 'A1B2C3D4', 'Time Zone': 'UTC+01:00' });
    expect(read.atMs).toEqual([Date.parse('2026-11-02T07:00:00Z'), Date.parse('2026-11-02T07:05:00Z'), Date.parse('2026-11-02T07:10:00Z')]);
    expect(read.centi).toEqual([510, 840, -50]);
  });

  it('reads a semicolon export with day/month/year dates, decimal commas, °F and a negative offset', () => {
    const file = ['Gerät;testo 184 T3', 'Zeitzone;UTC-03:30', 'Date;Time;Temperature [°F]', '02/11/2026;08:00;41,0', '02/11/2026;08:01;50,9'].join('\n');
    const read = parseLoggerFile(file);
    // 08:00 at UTC-03:30 is 11:30Z; 50.9 °F = 10.5 °C.
    expect(read.atMs).toEqual([Date.parse('2026-11-02T11:30:00Z'), Date.parse('2026-11-02T11:31:00Z')]);
    expect(read.centi).toEqual([500, 1050]);
  });

  it('reads one date/time column carrying its own offset', () => {
    const read = parseLoggerFile(['Logger,ELPRO LIBERO CS', 'Unit,°C', 'Date/Time,Temperature', '2026-11-02T08:00:00+02:00,4.5'].join('\n'));
    expect(read.atMs).toEqual([Date.parse('2026-11-02T06:00:00Z')]);
    expect(read.centi).toEqual([450]);
  });

  it('refuses a data line written with the other separator, naming it', () => {
    const file = VENDOR.replace('"2026-11-02","08:05:00","8.4"', '"2026-11-02";"08:05:00";"8.4"');
    expect(refusal(file)).toMatchObject({ key: 'coldChain.wrongSeparator', params: { line: 9, found: ';', expected: ',' } });
  });

  it('refuses text in the temperature column and time going backwards, naming the line', () => {
    expect(refusal(VENDOR.replace('"8.4"', '"8.4 C"'))).toMatchObject({ key: 'coldChain.notATemperature', params: { line: 9, value: '8.4 C' } });
    expect(refusal(VENDOR.replace('"08:10:00"', '"08:04:59"'))).toMatchObject({ key: 'coldChain.timeBackwards', params: { line: 10 } });
  });

  it('refuses a header without a unit, a unit the block contradicts, and a file without a time zone', () => {
    expect(refusal(VENDOR.replace('"Temperature (°C)"', '"Temperature"'))).toMatchObject({ key: 'coldChain.unitMissing', params: { line: 7 } });
    expect(refusal(VENDOR.replace('"Logging Interval","00:05:00"', '"Unit","°F"'))).toMatchObject({ key: 'coldChain.unitConflict', params: { line: 5, unit: '°F', other: '°C' } });
    const noZone = refusal(VENDOR.replace('"Time Zone","UTC+01:00"', '"Battery","OK"'));
    expect(noZone).toMatchObject({ key: 'coldChain.noOffset', params: { line: 8, value: '2026-11-02 08:00:00' } });
    expect(refusal(VENDOR.replace('UTC+01:00', 'Europe/Paris'))).toMatchObject({ key: 'coldChain.timeZoneUnknown', params: { line: 4 } });
  });

  it('refuses °F readings under a °C header (mislabelled) for a 2-8 °C location, naming the header line', () => {
    const mislabelled = ['"Time Zone","UTC+01:00"', '"Date","Time","Temperature (°C)"', '"2026-11-02","08:00:00","41.0"', '"2026-11-02","08:05:00","42.1"', '"2026-11-02","08:10:00","40.6"'].join('\n');
    const r = refusal(mislabelled, FRIDGE);
    expect(r).toMatchObject({ key: 'coldChain.unitMislabelled', params: { line: 2, unit: '°C', other: '°F', range: '2–8 °C' } });
    // Without a range to compare with, the parser cannot tell: the readings are taken as written.
    expect(parseLoggerFile(mislabelled).centi).toEqual([4100, 4210, 4060]);
    // °C readings under a °F header, the other way round.
    expect(refusal('timestamp;temperature (°F)\n2026-11-02T08:00:00+01:00;5\n2026-11-02T08:01:00+01:00;6\n', FRIDGE)).toMatchObject({ key: 'coldChain.unitMislabelled', params: { line: 1, unit: '°F', other: '°C' } });
    // A real excursion in a correctly labelled file is not a mislabel.
    expect(parseLoggerFile(VENDOR, FRIDGE).centi).toEqual([510, 840, -50]);
  });
});
