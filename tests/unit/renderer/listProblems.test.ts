import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { parseKitList } from '../../../main/core/allocation/listFiles';
import { NS_DUPI } from '../../../main/core/demo/demoSeed';
import { translateListProblem } from '../../../renderer/src/setup/messages';

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
      const [message] = (warning ? parsed.warnings : parsed.problems).map((p) => p.message);
      expect(message).toBeDefined();
      expect(translateListProblem(message!, tFr)).toMatch(french);
      // The English text says the same as the message the host wrote (the catalogue has no drifted copy).
      expect(translateListProblem(message!, tEn).split(/[.:]/)[0]).toBe(message!.split(/[.:]/)[0]);
    });
  }
});
