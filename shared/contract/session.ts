import { z } from 'zod';
import { messageKey } from '../messages/zodIssues';
import { PERMISSIONS } from '../roles';
import { channel } from './channel';
import { EXAMPLE_PASSWORD } from './examples';
import { Empty, Done, IsoTime, NewPassword, PrintedName, RoleSchema, UserId, Username, text } from './schemas';

export const SessionUser = z.object({
  id: UserId,
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  blinded: z.boolean(),
  mustChangePassword: z.boolean(),
});

/** A study the user works in today, with their role in it (issue 14, step 5: the study switcher). */
/** A study the user works in today, with their role there; `archived`: closed and moved out of the day's lists. */
export const StudyOfSession = z.object({ code: z.string(), title: z.string(), role: RoleSchema, archived: z.boolean() });
export type StudyOfSession = z.infer<typeof StudyOfSession>;

/** What a window knows about its session. A locked session still names its user so the lock screen can greet them. */
export const SessionState = z.discriminatedUnion('state', [
  z.object({ state: z.literal('logged_out'), needsAdministrator: z.boolean() }),
  z.object({
    state: z.literal('active'),
    user: SessionUser,
    permissions: z.array(z.enum(PERMISSIONS)),
    inactivityMinutes: z.number(),
    since: IsoTime,
    /** The study the session works in (null before any is loaded), and every study the user works in today. */
    study: StudyOfSession.nullable(),
    studies: z.array(StudyOfSession),
  }),
  z.object({
    state: z.literal('locked'),
    user: SessionUser,
    lockedAt: IsoTime,
    /** Set while too many wrong secrets keep the account locked out: the lock screen says so, and until when. */
    accountLockedUntil: IsoTime.nullable(),
  }),
]);
export type SessionState = z.infer<typeof SessionState>;

export const sessionChannels = {
  current: channel({
    kind: 'query',
    description: "This window's session: logged out, active or locked.",
    input: Empty,
    output: SessionState,
    access: 'public',
    signature: null,
    examples: [{}],
  }),
  createAdministrator: channel({
    kind: 'command',
    description: 'First start only: create the first administrator account (refused once any user exists).',
    input: z.object({ username: Username, displayName: PrintedName, password: NewPassword }).strict(),
    output: SessionState,
    access: 'public',
    signature: null,
    examples: [{ username: 'admin', displayName: 'Site Administrator', password: 'correct horse battery' }],
    refusedOnDemo: { 0: { code: 'conflict', why: 'First start only: the demo database already has its users.' } },
  }),
  login: channel({
    kind: 'command',
    description: 'Log in to this window. Five wrong passwords lock the account for a while (settings).',
    input: z.object({ username: text('username').min(1, messageKey('validation.enterUsername')), password: text('password').min(1, messageKey('validation.enterPassword')) }).strict(),
    output: SessionState,
    access: 'public',
    signature: null,
    examples: [{ username: 'pharmacist', password: EXAMPLE_PASSWORD }],
  }),
  logout: channel({
    kind: 'command',
    description: 'Log out of this window (also from the lock screen: "switch user").',
    input: Empty,
    output: SessionState,
    access: 'locked',
    signature: null,
    examples: [{}],
  }),
  lock: channel({
    kind: 'command',
    description: 'Lock this window now; only the same user can unlock it with the password.',
    input: Empty,
    output: SessionState,
    access: 'session',
    signature: null,
    examples: [{}],
  }),
  unlock: channel({
    kind: 'command',
    description: 'Unlock this window with the password of the user who locked it.',
    input: z.object({ password: text('password').min(1, messageKey('validation.enterPassword')) }).strict(),
    output: SessionState,
    access: 'locked',
    signature: null,
    examples: [{ password: EXAMPLE_PASSWORD }],
  }),
  switchStudy: channel({
    kind: 'command',
    description: 'Work in another study: one the user is delegated to today (any, for the administrator). The key of that study, if the user holds it, was opened at login.',
    input: z.object({ code: text('identifier').min(1) }).strict(),
    output: SessionState,
    access: 'session',
    signature: null,
    examples: [{ code: 'NS-DUPI' }],
  }),
  heartbeat: channel({
    kind: 'command',
    description: 'The window saw the user act (key, pointer, scan): restart the inactivity timer.',
    input: Empty,
    output: Done,
    access: 'session',
    signature: null,
    examples: [{}],
  }),
  changePassword: channel({
    kind: 'command',
    description: 'Change your own password (required after an administrator reset).',
    input: z.object({ currentPassword: text('password').min(1, messageKey('validation.enterPassword')), newPassword: NewPassword }).strict(),
    output: SessionState,
    access: 'session',
    signature: null,
    examples: [{ currentPassword: EXAMPLE_PASSWORD, newPassword: 'another long password' }],
  }),
};
