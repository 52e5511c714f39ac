import { z } from 'zod';
import { channel } from './channel';
import { Empty, IsoTime } from './schemas';

export const SystemInfo = z.object({
  application: z.literal('Veil'),
  version: z.string(),
  mode: z.enum(['desktop', 'browser']),
  study: z.object({ code: z.string(), title: z.string(), sponsor: z.string() }).nullable(),
  schemaVersion: z.number().int(),
  serverTime: IsoTime,
});

export const SecuritySettings = z.object({
  maxFailedLogins: z.number().int().min(3).max(10),
  lockoutMinutes: z.number().int().min(1).max(1440),
  inactivityMinutes: z.number().int().min(1).max(60),
});
export type SecuritySettings = z.infer<typeof SecuritySettings>;

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
