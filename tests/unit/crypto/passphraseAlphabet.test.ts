import { describe, expect, it } from 'vitest';
import { generateCodeBreakPassphrase, newDataKey, unwrapForEmergency, wrapForEmergency } from '../../../main/core/crypto/keyCustody';

/** Issue 11, item 9: the code-break passphrase is read aloud over the phone and typed back from paper. */
describe('code-break passphrase alphabet', () => {
  it('new passphrases have no look-alike characters (0/O, 1/I/L) and come in groups for reading aloud', () => {
    for (let i = 0; i < 200; i++) {
      const passphrase = generateCodeBreakPassphrase();
      expect(passphrase).toMatch(/^[2-9A-HJKMNP-Z]{5}(-[2-9A-HJKMNP-Z]{5}){7}$/);
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
