import { describe, expect, it } from 'vitest';
import { generateCodeBreakPassphrase, newDataKey, unwrapForEmergency, wrapForEmergency } from '../../../main/core/crypto/keyCustody';
import { passphraseGroups, passphraseForReading } from '../../../shared/security/codeBreakPassphrase';

/** Issue 11, item 9: the code-break passphrase is read aloud over the phone and typed back from paper. */
describe('code-break passphrase alphabet', () => {
  it('new passphrases have no look-alike characters (0/O, 1/I/L) and come in groups of 4 for reading aloud', () => {
    for (let i = 0; i < 200; i++) {
      const passphrase = generateCodeBreakPassphrase();
      expect(passphrase).toMatch(/^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){9}$/);
      expect(passphrase).not.toMatch(/[01OIL]/);
    }
  });

  it('a passphrase issued with the old alphabet (0 and 1 in it) still opens the key, typed with O, I, L, spaces or lower case', async () => {
    const key = newDataKey();
    const old = '0A1B2-C3D4E-F5G6H-J7K8M-N9P0Q-R1S2T-V3W4X-Y5Z01';
    const sealed = await wrapForEmergency(key, old);
    expect((await unwrapForEmergency(sealed, 'oa1b2 c3d4e f5g6h j7k8m n9p0q r1s2t v3w4x y5zOI')).equals(key)).toBe(true);
    expect((await unwrapForEmergency(sealed, 'OALB2-C3D4E-F5G6H-J7K8M-N9POQ-RLS2T-V3W4X-Y5ZOL')).equals(key)).toBe(true);
  });
});

describe('code-break passphrase grouped for reading aloud', () => {
  it('is shown in groups of 4 characters, whatever separators it came with', () => {
    expect(passphraseGroups('7kqm3xzp-R2D2 c3po9')).toEqual(['7KQM', '3XZP', 'R2D2', 'C3PO', '9']);
    expect(passphraseForReading('7KQM3XZPR2D2')).toBe('7KQM-3XZP-R2D2');
    for (let i = 0; i < 50; i++) {
      const passphrase = generateCodeBreakPassphrase();
      const shown = passphraseForReading(passphrase);
      expect(shown).toMatch(/^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){9}$/);
      expect(shown.replace(/-/g, '')).toBe(passphrase.replace(/-/g, ''));
    }
  });

  it('opens the key typed back as shown, without separators, with spaces, or in lower case', async () => {
    const key = newDataKey();
    const passphrase = generateCodeBreakPassphrase();
    const sealed = await wrapForEmergency(key, passphrase);
    const plain = passphrase.replace(/-/g, '');
    for (const typed of [passphraseForReading(passphrase), plain, plain.toLowerCase(), passphraseGroups(passphrase).join(' '), ` ${passphraseGroups(passphrase).join('  -  ').toLowerCase()} `]) {
      expect((await unwrapForEmergency(sealed, typed)).equals(key), typed).toBe(true);
    }
    // One character wrong: refused.
    const wrong = (plain[0] === 'A' ? 'B' : 'A') + plain.slice(1);
    await expect(unwrapForEmergency(sealed, wrong)).rejects.toThrow(/passphrase/);
  });
});
