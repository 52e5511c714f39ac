import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  scrypt as scryptCallback,
  type KeyObject,
} from 'node:crypto';
import { passphraseForReading } from '../../../shared/security/codeBreakPassphrase';

/**
 * Custody of the allocation data key (DESIGN.md section 3.3). The key itself is never stored; it is wrapped:
 * - once per unblinded user, to the user's X25519 public key (ephemeral-static ECDH, HKDF-SHA256, AES-256-GCM);
 *   the user's private key is sealed under a scrypt key derived from the password, so only that password opens it,
 *   and any unblinded user holding the data key can wrap it for a colleague without knowing their password;
 * - once for emergency code-break, under a scrypt key derived from a passphrase printed once at set-up.
 */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

export interface SealedBox {
  v: 1;
  nonce: string;
  body: string;
}
export interface PasswordSealed extends SealedBox {
  salt: string;
  N: number;
  r: number;
  p: number;
}
export interface UserWrap extends SealedBox {
  ephemeralPublicKey: string;
}

export class WrongSecretError extends Error {
  constructor(what: string) {
    super(`${what} does not open this key.`);
    this.name = 'WrongSecretError';
  }
}

function aeadSeal(key: Buffer, plaintext: Buffer, ad: string): SealedBox {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(ad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { v: 1, nonce: nonce.toString('base64'), body: body.toString('base64') };
}

function aeadOpen(key: Buffer, box: SealedBox, ad: string, what: string): Buffer {
  const body = Buffer.from(box.body, 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(box.nonce, 'base64'));
    decipher.setAAD(Buffer.from(ad));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
  } catch {
    throw new WrongSecretError(what);
  }
}

function scryptKey(secret: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(secret.normalize('NFC'), salt, 32, { ...params, maxmem: SCRYPT.maxmem }, (e, k) => (e ? reject(e) : resolve(k))),
  );
}

export async function sealWithSecret(secret: string, plaintext: Buffer, ad: string): Promise<PasswordSealed> {
  const salt = randomBytes(16);
  const key = await scryptKey(secret, salt, SCRYPT);
  try {
    return { ...aeadSeal(key, plaintext, ad), salt: salt.toString('base64'), N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p };
  } finally {
    key.fill(0);
  }
}

export async function openWithSecret(secret: string, sealed: PasswordSealed, ad: string, what: string): Promise<Buffer> {
  const key = await scryptKey(secret, Buffer.from(sealed.salt, 'base64'), sealed);
  try {
    return aeadOpen(key, sealed, ad, what);
  } finally {
    key.fill(0);
  }
}

export interface UserKeyPair {
  /** X25519 public key, SPKI DER, base64. */
  publicKey: string;
  /** PKCS#8 DER private key sealed under the password. */
  sealedPrivateKey: PasswordSealed;
}

const privateKeyAd = (userId: number) => `user:${userId}:private-key`;
const userWrapAd = (userId: number) => `wrap:user:${userId}`;
const EMERGENCY_AD = 'wrap:emergency';

export async function createUserKeyPair(userId: number, password: string): Promise<UserKeyPair> {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  try {
    return {
      publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      sealedPrivateKey: await sealWithSecret(password, der, privateKeyAd(userId)),
    };
  } finally {
    der.fill(0);
  }
}

export async function openUserPrivateKey(userId: number, password: string, sealed: PasswordSealed): Promise<KeyObject> {
  const der = await openWithSecret(password, sealed, privateKeyAd(userId), 'This password');
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
}

/** Re-seals a private key under a new password (the user changed it). */
export async function resealUserPrivateKey(userId: number, oldPassword: string, newPassword: string, sealed: PasswordSealed): Promise<PasswordSealed> {
  const der = await openWithSecret(oldPassword, sealed, privateKeyAd(userId), 'This password');
  try {
    return await sealWithSecret(newPassword, der, privateKeyAd(userId));
  } finally {
    der.fill(0);
  }
}

function wrapKey(shared: Buffer, ephemeralPublic: Buffer, recipientPublic: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeralPublic, recipientPublic]), 'veil allocation key wrap v1', 32));
}

/** ECDH from a fresh ephemeral key to the recipient's X25519 key, HKDF, AES-256-GCM over `secret` with `ad`. */
function wrapToPublicKey(secret: Buffer, ad: string, userPublicKey: string): UserWrap {
  const recipient = createPublicKey({ key: Buffer.from(userPublicKey, 'base64'), format: 'der', type: 'spki' });
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralPublic = ephemeral.publicKey.export({ format: 'der', type: 'spki' });
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient });
  const key = wrapKey(shared, ephemeralPublic, Buffer.from(userPublicKey, 'base64'));
  try {
    return { ...aeadSeal(key, secret, ad), ephemeralPublicKey: ephemeralPublic.toString('base64') };
  } finally {
    key.fill(0);
    shared.fill(0);
  }
}

function unwrapWithPrivateKey(wrap: UserWrap, ad: string, privateKey: KeyObject, userPublicKey: string): Buffer {
  const ephemeralPublic = Buffer.from(wrap.ephemeralPublicKey, 'base64');
  const shared = diffieHellman({ privateKey, publicKey: createPublicKey({ key: ephemeralPublic, format: 'der', type: 'spki' }) });
  const key = wrapKey(shared, ephemeralPublic, Buffer.from(userPublicKey, 'base64'));
  try {
    return aeadOpen(key, wrap, ad, 'This key');
  } finally {
    key.fill(0);
    shared.fill(0);
  }
}

export function wrapForUser(dataKey: Buffer, userId: number, userPublicKey: string): UserWrap {
  return wrapToPublicKey(dataKey, userWrapAd(userId), userPublicKey);
}

export function unwrapForUser(wrap: UserWrap, userId: number, privateKey: KeyObject, userPublicKey: string): Buffer {
  return unwrapWithPrivateKey(wrap, userWrapAd(userId), privateKey, userPublicKey);
}

/**
 * The one-time key under which a schema upgrade sealed values it found in plain text, when no allocation key was open
 * (migration 5: randomization blocks), wrapped for each user who held the allocation key then. Its own associated
 * data, so it can never pass for a wrap of the allocation key.
 */
const transitionWrapAd = (userId: number) => `wrap:user:${userId}:upgrade-transition`;

export function wrapTransitionKeyForUser(transitionKey: Buffer, userId: number, userPublicKey: string): UserWrap {
  return wrapToPublicKey(transitionKey, transitionWrapAd(userId), userPublicKey);
}

export function unwrapTransitionKeyForUser(wrap: UserWrap, userId: number, privateKey: KeyObject, userPublicKey: string): Buffer {
  return unwrapWithPrivateKey(wrap, transitionWrapAd(userId), privateKey, userPublicKey);
}

export function wrapForEmergency(dataKey: Buffer, passphrase: string): Promise<PasswordSealed> {
  return sealWithSecret(normalizePassphrase(passphrase), dataKey, EMERGENCY_AD);
}

export function unwrapForEmergency(sealed: PasswordSealed, passphrase: string): Promise<Buffer> {
  return openWithSecret(normalizePassphrase(passphrase), sealed, EMERGENCY_AD, 'This code-break passphrase');
}

/**
 * The alphabet of new passphrases: digits 2-9 and capitals without I, L and O, so nothing printed can be taken for
 * another character when read from paper or aloud (0/O, 1/I/L; issue 11, item 9). Passphrases issued before with
 * Crockford base32 (which had 0 and 1) still open their key: normalizePassphrase reads O as 0 and I/L as 1 as before,
 * and none of those five characters is in a new passphrase.
 */
const PASSPHRASE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** 40 characters (31 symbols, about 198 bits), printed in 10 groups of 4 for the investigator's sealed envelope. */
export function generateCodeBreakPassphrase(): string {
  const chars: string[] = [];
  while (chars.length < 40) {
    // Rejection sampling: a byte is used only below the largest multiple of the alphabet size, so no symbol is likelier.
    for (const b of randomBytes(48)) {
      if (chars.length < 40 && b < 248) chars.push(PASSPHRASE_ALPHABET[b % PASSPHRASE_ALPHABET.length]!);
    }
  }
  return passphraseForReading(chars.join(''));
}

/** What was typed from the envelope: case, spaces and dashes do not matter; O/I/L read as 0/1/1. */
export function normalizePassphrase(passphrase: string): string {
  return passphrase
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

export function newDataKey(): Buffer {
  return randomBytes(32);
}
