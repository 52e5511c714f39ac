import { z } from 'zod';
import { messageKey } from '../messages/zodIssues';
import { channel } from './channel';
import { Empty, IsoDate, IsoTime } from './schemas';

export const SystemInfo = z.object({
  application: z.literal('Veil'),
  version: z.string(),
  mode: z.enum(['desktop', 'browser']),
  study: z
    .object({
      code: z.string(),
      title: z.string(),
      sponsor: z.string(),
      /** The visit names in each language the study file gives them (its own, and its label languages'): code to name. */
      visitNames: z.record(z.string(), z.record(z.string(), z.string())),
    })
    .nullable(),
  /** The site (pharmacy) as reports name it; null until the administrator sets it (asked at first start). */
  site: z.string().nullable(),
  schemaVersion: z.number().int(),
  serverTime: IsoTime,
  /**
   * The site's date today, as the core dates the site's days (a delegation's first day, a destruction): the
   * workstation's calendar, not the reader's. In browser mode the two may be in different time zones, so forms take
   * their default and latest day from here.
   */
  siteToday: IsoDate,
});

export const SecuritySettings = z.object({
  maxFailedLogins: z.number().int().min(3).max(10),
  lockoutMinutes: z.number().int().min(1).max(1440),
  inactivityMinutes: z.number().int().min(1).max(60),
});
export type SecuritySettings = z.infer<typeof SecuritySettings>;

/** The site's name: on every report and certificate, asked at first start, changed by the administrator. */
export const SiteName = z
  .object({ name: z.string().trim().min(2, messageKey('validation.siteName')).max(100, messageKey('validation.siteNameTooLong')) })
  .strict();

/**
 * Which database a desktop workstation opens (issue 13, item 4): its own SQLite file, or the pharmacy's PostgreSQL
 * server (the address may carry the password; it is never sent back). Kept by the workstation, read at its next start.
 */
export const DatabaseChoice = z.discriminatedUnion('engine', [
  z.object({ engine: z.literal('sqlite') }).strict(),
  z
    .object({
      engine: z.literal('postgres'),
      url: z.string().trim().min(1, messageKey('validation.databaseAddress')).max(1000, messageKey('validation.databaseAddress')),
      caFile: z.string().trim().min(1).max(1000).nullable(),
    })
    .strict(),
]);
export type DatabaseChoice = z.infer<typeof DatabaseChoice>;

/** A database as the administrator's screen names it: the file, or the server without its password. */
export const DatabaseView = z.object({ engine: z.enum(['sqlite', 'postgres']), where: z.string(), caFile: z.string().nullable() });

export const DatabaseConnection = z.object({
  current: DatabaseView,
  /** What the workstation opens at its next start, when that is not the current one. */
  next: DatabaseView.nullable(),
  /** Why the choice is not made on this screen: `veil serve` was given it (browser), or VEIL_DATABASE_URL. Null: here. */
  fixedBy: z.enum(['browser', 'environment']).nullable(),
});
export type DatabaseConnection = z.infer<typeof DatabaseConnection>;

/** What a trial connection found, writing nothing: the server's Veil schema against this Veil's. */
export const DatabaseProbe = z.object({
  where: z.string(),
  schemaVersion: z.number().int(),
  knownVersion: z.number().int(),
  /** empty: Veil will create its tables at the next start; older: it will bring them up to date; current: as is. */
  state: z.enum(['empty', 'older', 'current']),
});
export type DatabaseProbe = z.infer<typeof DatabaseProbe>;

const PostgresChoice = DatabaseChoice.options[1];
const EXAMPLE_SERVER = { engine: 'postgres' as const, url: 'postgres://veil@127.0.0.1:1/pharmacy?sslmode=disable', caFile: null };

export const systemChannels = {
  info: channel({
    kind: 'query',
    description: 'Application, version, mode and study identity (shown on the login screen and in the footer).',
    input: Empty,
    output: SystemInfo,
    access: 'public',
    signature: null,
    examples: [{}],
  }),
  securitySettings: channel({
    kind: 'query',
    description: 'Login lockout and inactivity-lock settings.',
    input: Empty,
    output: SecuritySettings,
    access: 'settings.manage',
    signature: null,
    examples: [{}],
  }),
  updateSiteName: channel({
    kind: 'command',
    description: "Set the site's name as reports and certificates print it (recorded in the audit trail).",
    input: SiteName,
    output: SiteName,
    access: 'settings.manage',
    signature: null,
    examples: [{ name: 'CHU de Toulouse, pharmacie à usage intérieur' }],
  }),
  updateSecuritySettings: channel({
    kind: 'command',
    description: 'Change the login lockout and inactivity-lock settings.',
    input: SecuritySettings.strict(),
    output: SecuritySettings,
    access: 'settings.manage',
    signature: null,
    examples: [{ maxFailedLogins: 5, lockoutMinutes: 15, inactivityMinutes: 5 }],
  }),
  databaseConnection: channel({
    kind: 'query',
    description: "The database this workstation runs on, the one it opens at its next start, and whether the choice is made here.",
    input: Empty,
    output: DatabaseConnection,
    access: 'settings.manage',
    signature: null,
    examples: [{}],
  }),
  testDatabaseConnection: channel({
    kind: 'query',
    description: "Connects to a PostgreSQL server to read Veil's schema there, writing nothing: is it reachable, do the credentials work, is the schema one this Veil can use.",
    input: PostgresChoice,
    output: DatabaseProbe,
    access: 'settings.manage',
    signature: null,
    examples: [EXAMPLE_SERVER],
    refusedOnDemo: { 0: { code: 'storage', why: 'No PostgreSQL server listens at the example address: the refusal says the server does not answer.' } },
  }),
  saveDatabaseConnection: channel({
    kind: 'command',
    description: "Sets the database this desktop workstation opens at its next start (its own file or a PostgreSQL server, tried first); audited.",
    input: DatabaseChoice,
    output: DatabaseConnection,
    access: 'settings.manage',
    signature: null,
    examples: [{ engine: 'sqlite' }],
    refusedOnDemo: { 0: { code: 'conflict', why: 'The demo runs under veil serve, which is told its database on its command line: the desktop setting does not apply.' } },
  }),
};
