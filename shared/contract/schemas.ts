import { z } from 'zod';
import { ROLES } from '../roles';

/** Small schemas reused by several channels. */
export const Username = z
  .string()
  .trim()
  .min(3, 'A username has at least 3 characters')
  .max(40, 'A username has at most 40 characters')
  .regex(/^[a-z0-9._-]+$/, 'A username uses lower-case letters, digits, dot, dash or underscore only');

/** The shortest password Veil accepts for a new password. */
export const PASSWORD_MIN_LENGTH = 10;

/** Password rules for new passwords; login accepts any string so an old password still gets a proper answer. */
export const NewPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, 'A password has at least 10 characters')
  .max(200, 'A password has at most 200 characters');

export const PrintedName = z.string().trim().min(2, 'Give the full printed name').max(100);

export const RoleSchema = z.enum(ROLES);

export const UserId = z.number().int().positive();

export const IsoTime = z.string().datetime({ offset: true });

export const Empty = z.object({}).strict();

export const Done = z.object({ done: z.literal(true) });

/**
 * The e-signature carried by every signed command (21 CFR 11.200): the password re-entered, and the username too at
 * the first signing of a session. The router checks it before the command runs; the password never reaches services.
 */
export const SignatureInput = z
  .object({
    username: z.string().trim().min(1).optional(),
    password: z.string().min(1, 'Enter your password to sign'),
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
