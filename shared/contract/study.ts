import { z } from 'zod';
import { channel } from './channel';
import { EXAMPLE_PASSWORD } from './examples';
import type { ChannelName } from './index';
import { Empty, IsoTime, Reason, SignatureView, signedInput } from './schemas';

/**
 * A study's close-out (issue 14, item 1): once closed, the study's records are read-only and still reportable; it is
 * reopened only for a reason, e-signed. What closing needs and what the closure says are blinded facts (counts, names,
 * dates): every logged-in user may read them.
 */
const ClosureView = z.object({
  code: z.string(),
  closed: z.object({ closedAt: IsoTime, closedBy: z.string(), signature: SignatureView }).nullable(),
  /** What closing needs: the monitor's sign-off of the reconciliation still holding, and no kit left with a patient. */
  readiness: z.object({ signOffHolds: z.boolean(), kitsWithPatients: z.number().int().nonnegative() }),
});

export const studyChannels = {
  closure: channel({
    kind: 'query',
    description: 'Whether the study is closed (when, by whom, under which signature) and what closing it needs.',
    input: Empty,
    output: ClosureView,
    access: 'system.read',
    signature: null,
    examples: [{}],
  }),
  close: channel({
    kind: 'command',
    description: "Close the study at its close-out: its records become read-only (reports and the emergency code-break stay open). Needs the reconciliation signed off and no kit with a patient.",
    input: signedInput({}),
    output: ClosureView,
    access: 'allocation.setup',
    signature: 'I close this study: its records become read-only',
    examples: [{ signature: { username: 'pharmacist', password: EXAMPLE_PASSWORD } }],
    refusedOnDemo: { 0: { code: 'conflict', why: "the demo's reconciliation sign-off was voided by the visits after it, and kits are with patients" } },
  }),
  reopen: channel({
    kind: 'command',
    description: 'Reopen a closed study for changes, for the reason given (a late return found, a record to correct).',
    input: signedInput({ reason: Reason }),
    output: ClosureView,
    access: 'allocation.setup',
    signature: 'I reopen this study for changes, for the reason given',
    examples: [{ reason: 'A returned kit was found after close-out', signature: { username: 'pharmacist', password: EXAMPLE_PASSWORD } }],
    refusedOnDemo: { 0: { code: 'conflict', why: 'the demo study is not closed' } },
  }),
};

/**
 * The commands a closed study still answers; every other command is refused with `study.closed` by the router, before
 * any signature is checked. What stays open is the site's, not the study's (sessions, users, settings, devices set-up,
 * storage locations and temperature records), what reads without changing a record (the allocation register, the
 * excursion report), access to the key for a new unblinded reviewer, and the emergency code-break: a patient's safety
 * outlives the study.
 */
export const OPEN_WHEN_STUDY_CLOSED: ReadonlySet<ChannelName> = new Set<ChannelName>([
  'session.createAdministrator',
  'session.login',
  'session.logout',
  'session.lock',
  'session.unlock',
  'session.heartbeat',
  'session.changePassword',
  'system.updateSiteName',
  'system.updateSecuritySettings',
  'system.saveDatabaseConnection',
  'users.create',
  'users.setActive',
  'users.resetPassword',
  'allocation.grantAccess',
  'allocation.register',
  'emergency.unblind',
  'emergency.recordSponsorNotified',
  'devices.configurePrinter',
  'devices.testPrint',
  'devices.configureKeyboardWedge',
  'devices.simulateScan',
  'coldChain.saveLocation',
  'coldChain.importLog',
  'coldChain.recordMinMax',
  'coldChain.excursionReport',
  'study.reopen',
]);
