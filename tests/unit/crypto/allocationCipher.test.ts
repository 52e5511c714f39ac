import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal, SealBrokenError, sealedField } from '../../../main/core/crypto/allocationCipher';

const key = randomBytes(32);
const nonceOf = (sealed: string) => sealed.split('.')[1]!;

describe('sealing of allocation values', () => {
  it('gives every value its own nonce, across refills of the nonce pool (10,000 seals: more than two pools)', () => {
    const sealed = Array.from({ length: 10_000 }, (_, i) => seal(key, 'DUPI300', sealedField.kitArm(String(100000 + i))));
    expect(new Set(sealed.map(nonceOf)).size).toBe(10_000);
    // Equal ciphertexts would show the 2:1 groups: two kits of one arm never share one.
    expect(new Set(sealed.map((s) => s.split('.')[2])).size).toBe(10_000);
    expect(sealed.every((s, i) => open(key, s, sealedField.kitArm(String(100000 + i))) === 'DUPI300')).toBe(true);
  });

  it('keeps a nonce handed out unchanged when the pool is refilled after it', () => {
    const first = seal(key, 'PLACEBO', sealedField.kitArm('123456'));
    for (let i = 0; i < 5_000; i++) seal(key, 'PLACEBO', sealedField.kitArm('654321'));
    expect(open(key, first, sealedField.kitArm('123456'))).toBe('PLACEBO');
  });

  it('refuses a value moved to another row', () => {
    const sealed = seal(key, 'PLACEBO', sealedField.kitArm('123456'));
    expect(() => open(key, sealed, sealedField.kitArm('123457'))).toThrow(SealBrokenError);
  });
});
