import { z } from 'zod';
import { messageKey } from '../messages/zodIssues';
import { channel } from './channel';
import { EXAMPLE_PASSWORD } from './examples';
import type { ChannelName } from './index';
import { MAX_STUDY_FILE_BYTES } from './limits';
import { chosenFile, Empty, IsoTime, Reason, SignatureView, signedInput } from './schemas';

/**
 * The study's configuration file as the pharmacist chose it (issue 14, item 1): its name and its bytes in base64, so the
 * SHA-256 recorded with the signature is the one of the sponsor's file itself.
 */
const StudyFile = chosenFile(MAX_STUDY_FILE_BYTES, messageKey('validation.studyFileTooLarge'));

/** What a study file says, checked whole before anything is signed: the study it describes, or every problem in it. */
const StudyFileCheck = z.object({
  fileName: z.string(),
  sha256: z.string(),
  study: z
    .object({
      code: z.string(),
      title: z.string(),
      registry: z.string(),
      sponsor: z.string(),
      protocolNumber: z.string(),
      arms: z.number().int(),
      visits: z.number().int(),
      strata: z.number().int(),
      labelLanguages: z.array(z.string()),
      /** The kinds of kit its visits dispense, each with what it may hold (empty: one kind, holding the arm). */
      kitTypes: z.array(z.object({ code: z.string(), name: z.string(), contents: z.array(z.string()) })),
    })
    .nullable(),
  /** Why a valid file cannot be loaded into this database, said by key; null when it can. */
  cannotLoad: z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional(), message: z.string() }).nullable(),
  /** Each problem where it is in the file (a JSON path such as visits.2.dayOffset; empty for the whole file). */
  problems: z.array(z.object({ path: z.string(), message: z.string(), key: z.string().optional(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() })),
});

/** A tiny file for the examples: valid JSON, not a study (checkFile lists what it lacks). */
const EXAMPLE_STUDY_FILE = 'eyJjb2RlIjoiTlMtRFVQSSJ9';

/**
 * A study's close-out (issue 14, item 1): once closed, the study's records are read-only and still reportable; it is
 * reopened only for a reason, e-signed. What closing needs and what the closure says are blinded facts (counts, names,
 * dates): every logged-in user may read them.
 */
const ClosureView = z.object({
  code: z.string(),
  closed: z
    .object({
      closedAt: IsoTime,
      closedBy: z.string(),
      signature: SignatureView,
      /** Archived while closed: out of the switcher's studies of the day and the Today home (null: not archived). */
      archivedAt: IsoTime.nullable(),
      archivedBy: z.string().nullable(),
    })
    .nullable(),
  /** What closing needs: the monitor's sign-off of the reconciliation still holding, and no kit left with a patient. */
  readiness: z.object({ signOffHolds: z.boolean(), kitsWithPatients: z.number().int().nonnegative() }),
});

export const studyChannels = {
  checkFile: channel({
    kind: 'query',
    description: "Check a study's configuration file before loading it: the study it describes, its SHA-256, or every problem in it. Nothing is stored.",
    input: z.object(StudyFile).strict(),
    output: StudyFileCheck,
    access: 'allocation.setup',
    signature: null,
    examples: [{ fileName: 'ns-dupi.json', contentBase64: EXAMPLE_STUDY_FILE }],
  }),
  load: channel({
    kind: 'command',
    description: "Load the study from its validated configuration file (arms, visits, labels, contacts), e-signed; the file's SHA-256 is recorded with the signature. A database holds one study until studies become rows (docs/multi-study-plan.md).",
    input: signedInput(StudyFile),
    output: z.object({ code: z.string(), title: z.string(), fileName: z.string(), sha256: z.string(), loadedAt: IsoTime, signature: SignatureView }),
    access: 'allocation.setup',
    signature: 'I load this study configuration, checked against the protocol',
    examples: [{ fileName: 'ns-dupi.json', contentBase64: EXAMPLE_STUDY_FILE, signature: { username: 'pharmacist', password: EXAMPLE_PASSWORD } }],
    refusedOnDemo: { 0: { code: 'validation', why: 'the example file is not a whole study (and the demo database already holds NS-DUPI)' } },
  }),
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
  archive: channel({
    kind: 'command',
    description:
      "Archive the closed study: it leaves the study switcher's studies of the day and the Today home, and stays readable and reportable under the switcher's archived studies.",
    input: Empty,
    output: ClosureView,
    access: 'allocation.setup',
    signature: null,
    examples: [{}],
    refusedOnDemo: { 0: { code: 'conflict', why: 'the demo study is not closed' } },
  }),
  unarchive: channel({
    kind: 'command',
    description: 'Bring an archived study back into the day\'s lists (it stays closed).',
    input: Empty,
    output: ClosureView,
    access: 'allocation.setup',
    signature: null,
    examples: [{}],
    refusedOnDemo: { 0: { code: 'conflict', why: 'the demo study is not archived' } },
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
  // A closed study's staff still comes and goes: the delegation log stays open.
  'delegations.grant',
  'delegations.end',
  'allocation.grantAccess',
  'allocation.register',
  // Where a closed study is listed, not its records.
  'study.archive',
  'study.unarchive',
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
