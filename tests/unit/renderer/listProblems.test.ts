import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { parseKitList } from '../../../main/core/allocation/listFiles';
import { NS_DUPI } from '../../../main/core/demo/demoSeed';
import { parseRandomizationList } from '../../../main/core/allocation/listFiles';
import { saidText } from '../../../renderer/src/i18n/serverMessages';

/** The problems and warnings the list reader really writes for files in a bad encoding, in both languages. */
describe('list problems about encodings and leading zeros, in the user language', () => {
  let tEn: TFunction;
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tEn, tFr } = await translators());
  });

  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('kit_number\tarm\tlot\texpiry_date\r\n', 'utf16le')]);
  const cases: Array<{ name: string; file: Buffer; french: RegExp; warning?: boolean }> = [
    { name: 'a UTF-16 file cut short', file: utf16.subarray(0, utf16.length - 1), french: /^Le fichier commence comme un texte UTF-16LE mais a un nombre impair d'octets/ },
    {
      name: 'bytes that are not UTF-8 after a UTF-8 byte-order mark',
      file: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('kit_number,arm,lot,expiry_date\n1,PLACEBO,L'), Buffer.from([0xe9]), Buffer.from(',2028-01-31\n')]),
      french: /^Le fichier commence comme un texte UTF-8 mais n'est pas du UTF-8 valide/,
    },
    { name: 'UTF-16 saved without a byte-order mark', file: Buffer.from('kit_number,arm,lot,expiry_date\n', 'utf16le'), french: /^Le fichier contient un caractère de contrôle \(U\+0000\)/ },
    {
      name: 'kit numbers stripped of their leading zeros',
      file: Buffer.from('kit_number,arm,lot,expiry_date\n999,PLACEBO,L1,2028-01-31\n1000,DUPI300,L1,2028-01-31\n'),
      french: /^Les numéros de kit ont de 3 à 4 chiffres \(999 ligne 2, 1000 ligne 3\) et aucun ne commence par 0/,
      warning: true,
    },
  ];
  for (const { name, file, french, warning } of cases) {
    it(name, () => {
      const parsed = parseKitList(file, NS_DUPI, new Set());
      const [problem] = warning ? parsed.warnings : parsed.problems;
      expect(problem?.key).toMatch(/^lists\./);
      expect(saidText(problem!, tFr)).toMatch(french);
      // The renderer's English from the key is the message the host wrote.
      expect(saidText(problem!, tEn)).toBe(problem!.message);
    });
  }
});

/** Issue 17, item 2: every problem a list check writes is said by key; the renderer reads no English to translate it. */
describe('every kind of list problem carries its key, shown in French from it', () => {
  let tEn: TFunction;
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tEn, tFr } = await translators());
  });
  const kits = [
    'kit_number,arm,lot,expiry_date,gtin,serial',
    '1001,PLACEBO,L1,2028-01-31,,',
    '1001,PLACEBO,L1,2028-01-31,,',
    'bad kit!,PLACEBO,L1,2028-01-31,,',
    '1002,NOPE,L1,2028-01-31,,',
    '1003,PLACEBO,,2028-01-31,,',
    '1004,PLACEBO,LOT-LONGER-THAN-TWENTY,2028-01-31,,',
    '1005,PLACEBO,L1,2028-02-30,,',
    '1006,PLACEBO,L1,2028-01-31,12345678901234,',
    '1007,PLACEBO,L1,2028-01-31,,SERIAL-LONGER-THAN-TWENTY',
    '1008,PLACEBO',
    '2001,PLACEBO,L1,2028-01-31,,',
  ].join('\n');
  const randomization = ['randomization_number,arm,block,stratum', 'R1,PLACEBO,B1,ALL', 'R1,PLACEBO,B1,ALL', 'R 2,PLACEBO,B1,ALL', 'R3,PLACEBO,,ALL', 'R4,PLACEBO,B1,NOWHERE', 'R5,PLACEBO,B1,ALL'].join('\n');

  it('a kit list and a randomization list with one of each problem', () => {
    const problems = [
      ...parseKitList(Buffer.from(kits), NS_DUPI, new Set(['2001'])).problems,
      ...parseRandomizationList(Buffer.from(randomization), NS_DUPI, new Set(['R5'])).problems,
      ...parseKitList(Buffer.from('kit_number,arm,colour\n1,PLACEBO,red\n'), NS_DUPI, new Set()).problems,
      ...parseKitList(Buffer.from('kit_number,arm,lot,expiry_date,lot\n'), NS_DUPI, new Set()).problems,
      ...parseKitList(Buffer.from('kit_number,arm,lot,expiry_date\n'), NS_DUPI, new Set()).problems,
    ];
    expect(new Set(problems.map((p) => p.key))).toEqual(
      new Set([
        'lists.duplicateKitNumber',
        'lists.badKitNumber',
        'lists.unknownArm',
        'lists.emptyLot',
        'lists.lotTooLong',
        'lists.badExpiry',
        'lists.badGtin',
        'lists.serialTooLong',
        'lists.fieldCount',
        'lists.kitImported',
        'lists.duplicateRandomizationNumber',
        'lists.badRandomizationNumber',
        'lists.emptyBlock',
        'lists.unknownStratum',
        'lists.randomizationNumberImported',
        'lists.missingColumn',
        'lists.unknownColumn',
        'lists.columnTwice',
        'lists.noRows',
      ]),
    );
    for (const p of problems) {
      expect(saidText(p, tEn)).toBe(p.message);
      const french = saidText(p, tFr)!;
      expect(french).not.toBe(p.message);
      expect(french).not.toMatch(/^messages\./);
    }
    const duplicate = problems.find((p) => p.key === 'lists.duplicateKitNumber')!;
    expect(saidText(duplicate, tFr)).toBe('Numéro de kit 1001 en double (première fois ligne 2).');
    const fields = problems.find((p) => p.key === 'lists.fieldCount')!;
    expect(saidText(fields, tFr)).toBe('Attendu : 6 champs ; nombre trouvé : 2.');
  });
});
