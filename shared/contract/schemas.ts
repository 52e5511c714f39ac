import { z } from 'zod';
import type { MessageKey } from '../messages/catalogue';
import { messageKey } from '../messages/zodIssues';
import { base64Length } from './limits';
import { ROLES } from '../roles';

/**
 * The longest text each kind of field accepts, declared once; its message is the key `validation.<kind>TooLong` of the
 * catalogue ("A reason has at most 500 characters", shared/messages), the number this maximum. Every text a channel accepts is
 * one of these kinds (tests/unit/contract/textBounds.test.ts fails on a string without a maximum): a 300 kB reason
 * would otherwise sit in the audit trail for good, in every export and every verify.
 * The sponsor's lists (allocation.checkList and importList) have their own size limit, with the lists.
 */
export const TEXT_LIMITS = {
  /** Why something was done off the normal path: a few sentences. */
  reason: { max: 500 },
  /** A remark kept with a record (a return's note). */
  note: { max: 2000 },
  /** A person's printed name, an investigator. */
  name: { max: 100 },
  /** How and where something was done (a destruction's method and place). */
  description: { max: 200 },
  /** Kit, screening and visit numbers, references, strata, audit actions and entity ids. */
  identifier: { max: 64 },
  /** What a scanner sends: a kit number or a whole GS1 pack code. */
  scan: { max: 300 },
  username: { max: 40 },
  password: { max: 200 },
  /** The code-break passphrase from the sealed envelope. */
  passphrase: { max: 100 },
  fileName: { max: 255 },
  /** A shipment manifest (CSV of kit numbers and whatever else the sponsor's system adds). */
  manifest: { max: 5_000_000 },
  /** A printer's DNS name or IP address. */
  host: { max: 253 },
  /** An OS print queue name (CUPS allows 127 characters). */
  printQueue: { max: 127 },
} as const;
export type TextKind = keyof typeof TEXT_LIMITS;

/** The key of the message for a text of this kind that is too long (shared/messages, group `validation`); its number is the maximum above. */
export function tooLongMessage(kind: TextKind) {
  return messageKey(`validation.${kind}TooLong`);
}

/** A text field of one kind: trimmed (passwords are not: every character of a password counts), at most its maximum. */
export function text(kind: TextKind) {
  const { max } = TEXT_LIMITS[kind];
  return (kind === 'password' || kind === 'passphrase' ? z.string() : z.string().trim()).max(max, tooLongMessage(kind));
}

/** Small schemas reused by several channels. */
export const Username = text('username')
  .min(3, messageKey('validation.usernameTooShort'))
  .regex(/^[a-z0-9._-]+$/, messageKey('validation.usernameCharacters'));

/** The shortest password Veil accepts for a new password. */
export const PASSWORD_MIN_LENGTH = 10;

/** Password rules for new passwords; login accepts any string so an old password still gets a proper answer. */
export const NewPassword = text('password').min(PASSWORD_MIN_LENGTH, messageKey('validation.passwordTooShort'));

export const PrintedName = text('name').min(2, messageKey('validation.printedName'));

/** Why a change was made off the normal path (REGULATORY: every such change has one). */
export const Reason = text('reason').min(3, messageKey('validation.giveReason'));

export const RoleSchema = z.enum(ROLES);

export const UserId = z.number().int().positive();

export const IsoTime = z.string().datetime({ offset: true });

/** A calendar day, YYYY-MM-DD: the site's days (a visit, a delegation, a destruction) are written so. */
export const IsoDate = z.string().date();

export const Empty = z.object({}).strict();

export const Done = z.object({ done: z.literal(true) });

/**
 * The e-signature carried by every signed command (21 CFR 11.200): the password re-entered, and the username too at
 * the first signing of a session. The router checks it before the command runs; the password never reaches services.
 */
export const SignatureInput = z
  .object({
    username: text('username').min(1, messageKey('validation.enterUsername')).optional(),
    password: text('password').min(1, messageKey('validation.passwordToSign')),
  })
  .strict();

/** The input schema of a signed command: its own fields plus the signature. */
export function signedInput<T extends z.ZodRawShape>(shape: T) {
  return z.object({ ...shape, signature: SignatureInput }).strict();
}

/** A signature as shown with its record (21 CFR 11.50): printed name, UTC time, meaning. */
export const SignatureView = z.object({
  id: z.number().int(),
  printedName: z.string(),
  meaning: z.string(),
  signedAtUtc: IsoTime,
});

/**
 * A file as the user chose it: its name and its bytes in base64. Bytes, not text: the main process reads the file itself
 * (its encoding, its SHA-256, recorded with the signature). At most `maxBytes`, refused with `tooLarge` (each kind of
 * file says its own limit).
 */
export function chosenFile(maxBytes: number, tooLarge: MessageKey) {
  return {
    fileName: z.string().trim().min(1).max(255),
    contentBase64: z
      .string()
      .min(1, messageKey('validation.fileEmpty'))
      .max(base64Length(maxBytes), tooLarge)
      // A flat character class: a grouped repetition over 26 million characters would overflow the regex engine's stack.
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, messageKey('validation.notBase64'))
      .refine((text) => text.length % 4 === 0, messageKey('validation.notBase64')),
  };
}
