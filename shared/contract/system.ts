import { z } from 'zod';
import { messageKey } from '../messages/zodIssues';
import { channel } from './channel';
import { Empty, IsoTime } from './schemas';

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
};
