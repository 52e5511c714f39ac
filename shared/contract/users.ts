import { z } from 'zod';
import { channel } from './channel';
import { Empty, IsoTime, NewPassword, PrintedName, Reason, RoleSchema, UserId, Username } from './schemas';

export const UserSummary = z.object({
  id: UserId,
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  blinded: z.boolean(),
  active: z.boolean(),
  lockedUntil: IsoTime.nullable(),
  mustChangePassword: z.boolean(),
  createdAt: IsoTime,
});
export type UserSummary = z.infer<typeof UserSummary>;

export const usersChannels = {
  list: channel({
    kind: 'query',
    description: 'Every user account, sorted by username.',
    input: Empty,
    output: z.array(UserSummary),
    access: 'users.read',
    signature: null,
    examples: [{}],
  }),
  create: channel({
    kind: 'command',
    description: 'Create a user with a temporary password that must be changed at first login.',
    input: z
      .object({ username: Username, displayName: PrintedName, role: RoleSchema, temporaryPassword: NewPassword })
      .strict(),
    output: UserSummary,
    access: 'users.manage',
    signature: null,
    examples: [{ username: 'nurse.martin', displayName: 'Claire Martin', role: 'study_nurse', temporaryPassword: 'temporary password 1' }],
  }),
  setActive: channel({
    kind: 'command',
    description: 'Deactivate (or reactivate) a user; a deactivated user cannot log in and their open sessions end.',
    input: z.object({ userId: UserId, active: z.boolean(), reason: Reason }).strict(),
    output: UserSummary,
    access: 'users.manage',
    signature: null,
    examples: [{ userId: 2, active: false, reason: 'Left the site' }],
  }),
  resetPassword: channel({
    kind: 'command',
    description:
      'Give a user a new temporary password and clear a login lockout. An unblinded user loses access to the allocation key until an unblinded colleague grants it again.',
    input: z.object({ userId: UserId, temporaryPassword: NewPassword, reason: Reason }).strict(),
    output: UserSummary.extend({ keyAccessRemoved: z.boolean() }),
    access: 'users.manage',
    signature: null,
    examples: [{ userId: 2, temporaryPassword: 'temporary password 2', reason: 'Forgotten password' }],
  }),
};

