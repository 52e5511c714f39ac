import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { VeilError } from '../../../shared/errors';

/**
 * Sealing of allocation values (arm codes, randomization blocks, real lots, real expiry dates, GTINs) with AES-256-GCM (DESIGN.md section 3.2):
 * a fresh random 96-bit nonce per value, so two kits of the same arm never share a ciphertext (equal ciphertexts
 * would expose the 2:1 groups), and associated data binding the value to its row ("kit:<number>:arm"), so a
 * ciphertext moved to another row no longer opens.
 * Stored form: "v1.<nonce>.<ciphertext+tag>" in base64url.
 */
export const DATA_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Loud by design: an altered or swapped allocation value stops the operation with a message naming the row; it is
 * never skipped or shown. (Arms are not named: the row id is what the pharmacist needs to escalate.)
 */
export class SealBrokenError extends VeilError {
  constructor(associatedData: string) {
    super(
      'internal',
      `Integrity failure: the sealed allocation value of ${associatedData.replace(/:[a-z]+$/, '').replace(':', ' ')} was altered or moved from another row. Nothing was shown or changed; report this to the sponsor and keep the database file.`,
    );
    this.name = 'SealBrokenError';
  }
}

/**
 * Nonces are cut from a pool of CSPRNG bytes filled 4,096 nonces at a time, as Node's own randomUUID does: a call into
 * the random generator per value cost 40% of a 50,000-kit import (4 sealed values per kit). Each byte of the pool is
 * handed out once (copied out, the pool refilled when spent), so nonces stay fresh and independent.
 */
const noncePool = Buffer.alloc(NONCE_BYTES * 4096);
let noncePoolUsed = noncePool.length;

function freshNonce(): Buffer {
  if (noncePoolUsed === noncePool.length) {
    randomFillSync(noncePool);
    noncePoolUsed = 0;
  }
  const nonce = Buffer.from(noncePool.subarray(noncePoolUsed, noncePoolUsed + NONCE_BYTES));
  noncePoolUsed += NONCE_BYTES;
  return nonce;
}

export function seal(key: Buffer, plaintext: string, associatedData: string): string {
  if (key.length !== DATA_KEY_BYTES) throw new Error('The allocation key must be 256 bits.');
  const nonce = freshNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `v1.${nonce.toString('base64url')}.${body.toString('base64url')}`;
}

export function open(key: Buffer, sealed: string, associatedData: string): string {
  const [version, nonceText, bodyText] = sealed.split('.');
  if (version !== 'v1' || !nonceText || !bodyText) throw new SealBrokenError(associatedData);
  const nonce = Buffer.from(nonceText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new SealBrokenError(associatedData);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SealBrokenError(associatedData);
  }
}

/** The associated data of each sealed field: one place, so writer and reader can never disagree. */
export const sealedField = {
  kitArm: (kitNumber: string) => `kit:${kitNumber}:arm`,
  kitLot: (kitNumber: string) => `kit:${kitNumber}:lot`,
  kitExpiry: (kitNumber: string) => `kit:${kitNumber}:expiry`,
  kitGtin: (kitNumber: string) => `kit:${kitNumber}:gtin`,
  slotArm: (randomizationNumber: string) => `slot:${randomizationNumber}:arm`,
  slotBlock: (randomizationNumber: string) => `slot:${randomizationNumber}:block`,
} as const;
