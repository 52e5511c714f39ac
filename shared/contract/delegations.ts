import { z } from 'zod';
import { channel } from './channel';
import { EXAMPLE_PASSWORD } from './examples';
import { Empty, IsoDate, IsoTime, Reason, RoleSchema, signedInput, UserId } from './schemas';

const SignatureShown = z.object({ printedName: z.string(), meaning: z.string(), signedAtUtc: IsoTime });

/** One line of a study's delegation log (ICH E6 4.1.5): who, which role, from and to which day, granted and ended by whom. */
export const DelegationLine = z.object({
  id: z.number().int(),
  userId: UserId,
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  blinded: z.boolean(),
  startsOn: IsoDate,
  endsOn: IsoDate.nullable(),
  /** Valid today: started, not past its last day, not ended (`status` is 'current'). */
  current: z.boolean(),
  /** In force today, waiting for its first day, or over (ended early or past its last day): decided by the core's today. */
  status: z.enum(['current', 'future', 'ended']),
  grantedAt: IsoTime,
  /** Null: carried over from the account's role when the database was upgraded to delegations (nobody signed it). */
  grantedBy: z.string().nullable(),
  grantSignature: SignatureShown.nullable(),
  reason: z.string().nullable(),
  endedAt: IsoTime.nullable(),
  endedBy: z.string().nullable(),
  endSignature: SignatureShown.nullable(),
  endReason: z.string().nullable(),
});
export type DelegationLine = z.infer<typeof DelegationLine>;

/**
 * The delegation log of the current study (issue 14, item 2). Blinded roles are delegated by the administrator,
 * unblinded roles by an unblinded user of the study: both hold `delegations.manage`, and the core checks which role
 * each may delegate, since one channel serves both.
 */
export const delegationsChannels = {
  log: channel({
    kind: 'query',
    description: "The current study's delegation log: every user's role in it, from and to which day, and who signed each grant and end.",
    input: Empty,
    output: z.array(DelegationLine),
    access: 'users.read',
    signature: null,
    examples: [{}],
  }),
  print: channel({
    kind: 'query',
    description: "The current study's delegation log as a CSV or PDF file, with the study, the site, the print time and the audit seal, for the investigator site file.",
    input: z.object({ format: z.enum(['csv', 'pdf']) }).strict(),
    output: z.object({ fileName: z.string(), mime: z.string(), base64: z.string() }),
    access: 'users.read',
    signature: null,
    examples: [{ format: 'csv' }, { format: 'pdf' }],
  }),
  grant: channel({
    kind: 'command',
    description:
      'Delegate a user to the current study in a role from a day (today or later), to a last day if given. A delegation in force ends the day before. Blinded roles: the administrator; unblinded roles: an unblinded user of the study.',
    input: signedInput({ userId: UserId, role: RoleSchema, startsOn: IsoDate, endsOn: IsoDate.nullable(), reason: Reason }),
    output: z.object({
      delegationId: z.number().int(),
      /**
       * An unblinded role's key: 'granted' with the delegation, under its signature; 'after_own_password' when the user
       * has not chosen a password of their own yet (an unblinded colleague grants it once they have); 'none' for a
       * blinded role.
       */
      key: z.enum(['granted', 'after_own_password', 'none']),
    }),
    access: 'delegations.manage',
    signature: 'I delegate this person to the study in this role, for these dates',
    // An unblinded role comes with the study's key, wrapped for the user in the same signed step: the granter holds it.
    // 'ifHeld' rather than required for those roles: who may delegate the role is said first (the core refuses an
    // unblinded role without the key after that).
    key: 'ifHeld',
    examples: [{ userId: 3, role: 'study_nurse', startsOn: '2030-01-07', endsOn: null, reason: 'Moves to the visit team', signature: { username: 'admin', password: EXAMPLE_PASSWORD } }],
  }),
  end: channel({
    kind: 'command',
    description: "End a delegation to the current study today: the user loses the study's role at once and their open sessions end.",
    input: signedInput({ delegationId: z.number().int().positive(), reason: Reason }),
    output: Empty,
    access: 'delegations.manage',
    signature: 'I end this delegation today',
    examples: [{ delegationId: 4, reason: 'Left the monitoring team', signature: { username: 'admin', password: EXAMPLE_PASSWORD } }],
  }),
};
