import { z } from 'zod';
import { findChannel, type ChannelName, type Contract } from '../../shared/contract';
import type { ChannelDefinition } from '../../shared/contract/channel';
import { OPEN_WHEN_STUDY_CLOSED } from '../../shared/contract/study';
import { issue, VeilError, type ValidationIssue, type VeilResult } from '../../shared/errors';
import { saidOfIssue, zodIssueKey } from '../../shared/messages/zodIssues';
import { ROLE_PERMISSIONS, type Role } from '../../shared/roles';
import { illFormedTextPath } from '../../shared/text/wellFormedText';
import { studyClosedError } from './closeOut/closeOutService';
import type { Logger } from './log';
import type { Signer } from './signatures/signatureService';
import type { StudyClosed } from './closeOut/closeOutRepository';

/** What a handler knows about the call: the window, and the logged-in user when the channel needs one. */
export interface CallContext {
  windowId: string;
  user: { id: number; role: Role; username: string } | null;
  /** Set for signed commands: the signer whose password the router checked for this very call. */
  signer: Signer | null;
  /**
   * The allocation key of the window's session, handed over by the router as the channel's contract declares
   * (ChannelDefinition.key): never null for a channel that requires it, null for a channel that declares no need.
   */
  key: Buffer | null;
  /**
   * For a channel that declares a key (`ifHeld` or `required`): the session's key of another of the caller's studies,
   * for a call that reads in several (Today across the caller's studies), or null when the session holds none of it.
   */
  keyInStudy?: (studyId: number) => Buffer | null;
}

type Handler<D> = D extends ChannelDefinition<infer I, infer O> ? (ctx: CallContext, input: z.output<I>) => z.input<O> | Promise<z.input<O>> : never;

/** One handler per contract channel; the type makes a missing channel a compile error. */
export type Handlers = { [G in keyof Contract]: { [C in keyof Contract[G]]: Handler<Contract[G][C]> } };

/** What the router asks about the study's closure: from memory before a command, from the database at its commits. */
export interface StudyClosure {
  closed(): StudyClosed | null;
  whileOpen<T>(work: () => Promise<T>): Promise<T>;
}

export interface GateSession {
  userId: number;
  username: string;
  /** The user's role in the study of the call; null when no delegation gives one today (`refusal` says why). */
  role: Role | null;
  refusal?: VeilError | null;
  state: 'active' | 'locked';
  mustChangePassword: boolean;
}

export interface SessionGate {
  /** Before any check: lock windows idle too long, so a stale session cannot slip a call through. */
  lockIdleWindows(): void | Promise<void>;
  /** The window's session, if any, with its user as the database has it now. */
  sessionOf(windowId: string): GateSession | undefined | Promise<GateSession | undefined>;
  touch(windowId: string): void;
  /** Why Veil itself ended the window's session (a delegation that ended), told once to the call that finds it gone. */
  whyEnded?(windowId: string): VeilError | undefined;
  verifySignature(windowId: string, userId: number, meaning: string, signature: { username?: string | undefined; password: string }): Promise<Signer>;
  /** The allocation key the window's session holds, or null. */
  keyOf(windowId: string): Buffer | null;
  /** The window's session's key of the given study, or null. */
  keyInStudy?(windowId: string, studyId: number): Buffer | null;
  /** Runs the call in the study of the window's session (callStudy.ts); outside a session, in the site's first study. */
  inSessionStudy?<T>(windowId: string, work: () => Promise<T>): Promise<T>;
  /** The allocation key the window's session holds, or the refusal a session without it gets (not set up / not held). */
  requireKey(windowId: string): Promise<Buffer>;
}

const ROLE_LABEL: Record<Role, string> = {
  unblinded_pharmacist: 'unblinded pharmacist',
  pharmacy_technician: 'pharmacy technician',
  investigator: 'investigator',
  monitor: 'monitor',
  unblinded_monitor: 'unblinded monitor',
  administrator: 'administrator',
  study_nurse: 'study nurse',
};

/**
 * What a session whose password must still change may call (DESIGN.md section 3, invariant 6): the password an
 * administrator chose is known to them, so it opens nothing but the way to a password of the user's own. Public
 * channels (session.current, system.info, login) need no session and stay open as for anyone.
 */
const OPEN_WHILE_PASSWORD_MUST_CHANGE: ReadonlySet<string> = new Set([
  // The one thing to do.
  'session.changePassword',
  // Leaving, also as "switch user".
  'session.logout',
  // The inactivity lock keeps working on the change-password screen; unlock re-checks the password and opens no key
  // under a temporary password (KeyCustodyService.openForSession).
  'session.lock',
  'session.unlock',
  // The renderer's activity ping for the inactivity timer; it carries nothing.
  'session.heartbeat',
]);

/** Each issue said by key (its schema's key or its zod code, with the numbers of the issue); zod's own words otherwise. */
function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((i) => {
    const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const said = saidOfIssue(i);
    return said ? issue(path, said) : { path, message: i.message };
  });
}

/**
 * Text holding half a character (a lone UTF-16 surrogate) is refused before anything sees it: it cannot be stored as
 * typed, and audited text must be stored exactly as it was hashed.
 */
export function illFormedTextRefusal(path: Array<string | number>) {
  const field = [...path].reverse().find((p): p is string => typeof p === 'string') ?? 'input';
  return VeilError.says('validation', { key: 'system.illFormedText', params: { field } }, [issue(path, { key: 'validation.illFormedText' })]).toBody();
}

/**
 * The only way into the services: validates input, checks session and permission, calls the handler, validates the
 * output (unknown keys stripped, so a service can never leak a field the contract has no place for) and turns every
 * failure into a typed error result.
 */
export class Router {
  constructor(
    private readonly handlers: Handlers,
    private readonly gate: SessionGate,
    private readonly log: Logger,
    /** Recognises a fault of the database file (full disk, read-only, locked, damaged) in an error thrown by a handler. */
    private readonly storageFault: (error: unknown) => VeilError | null = () => null,
    /** The study's closure (issue 14, item 1): a closed study answers only OPEN_WHEN_STUDY_CLOSED's commands. */
    private readonly closure: StudyClosure = { closed: () => null, whileOpen: (work) => work() },
  ) {}

  dispatch(windowId: string, channelName: string, rawInput: unknown): Promise<VeilResult<unknown>> {
    // Everything the call reaches reads its session's study: the records, the study in memory, the key it is given.
    return this.gate.inSessionStudy ? this.gate.inSessionStudy(windowId, () => this.dispatchInStudy(windowId, channelName, rawInput)) : this.dispatchInStudy(windowId, channelName, rawInput);
  }

  private async dispatchInStudy(windowId: string, channelName: string, rawInput: unknown): Promise<VeilResult<unknown>> {
    const definition = findChannel(channelName);
    if (!definition) return { ok: false, error: { code: 'not_found', message: `There is no channel "${channelName}".` } };
    try {
      const user = await this.authorize(windowId, channelName, definition);
      // A closed study's records are read-only: its commands are refused whatever their input, before any key is used or
      // signature checked (the one thing to say is that the study is closed). From memory here; their commits check the
      // database again (closure.whileOpen below), for a study closed meanwhile at another workstation.
      const studyCommand = definition.kind === 'command' && !OPEN_WHEN_STUDY_CLOSED.has(channelName as ChannelName);
      if (studyCommand) {
        const closed = this.closure.closed();
        if (closed) throw studyClosedError(closed);
      }
      const illFormed = illFormedTextPath(rawInput);
      if (illFormed) return { ok: false, error: illFormedTextRefusal(illFormed) };
      const parsed = definition.input.safeParse(rawInput ?? {}, { error: zodIssueKey });
      if (!parsed.success) {
        const issues = issuesOf(parsed.error);
        const first = issues[0];
        const where = first && first.path.length ? ` (${first.path.join('.')})` : '';
        // The first issue is also the error's message (its field named for logs and the command line) and its key.
        const said = first?.key ? { key: first.key, ...(first.params ? { params: first.params } : {}) } : {};
        return { ok: false, error: { code: 'validation', message: `${first?.message ?? 'Invalid input'}${where}`, ...said, issues } };
      }
      const [group, name] = channelName.split('.') as [keyof Handlers, string];
      const handler = (this.handlers[group] as Record<string, (ctx: CallContext, input: unknown) => unknown>)[name]!;
      let input = parsed.data;
      const key = await this.keyFor(windowId, definition, parsed.data);
      let signer: Signer | null = null;
      if (definition.signature !== null) {
        const { signature, ...rest } = parsed.data as { signature: { username?: string; password: string } };
        if (!user) throw VeilError.says('unauthenticated', { key: 'session.logInToSign' });
        signer = await this.gate.verifySignature(windowId, user.id, definition.signature, signature);
        input = rest;
      }
      const keyInStudy = definition.key !== undefined ? (studyId: number) => this.gate.keyInStudy?.(windowId, studyId) ?? null : undefined;
      const run = async () => handler({ windowId, user, signer, key, ...(keyInStudy ? { keyInStudy } : {}) }, input);
      // Closing itself writes the closure its commit would then find.
      const value = studyCommand && channelName !== 'study.close' ? await this.closure.whileOpen(run) : await run();
      const output = definition.output.safeParse(value);
      if (!output.success) {
        this.log.error('output failed its contract schema', { channel: channelName, issues: issuesOf(output.error) });
        return { ok: false, error: VeilError.says('internal', { key: 'system.outputWithheld' }).toBody() };
      }
      return { ok: true, value: output.data };
    } catch (error) {
      if (error instanceof VeilError) return { ok: false, error: error.toBody() };
      const fault = this.storageFault(error);
      if (fault) {
        this.log.error('storage fault in a channel', { channel: channelName as ChannelName, error: String(error) });
        return { ok: false, error: fault.toBody() };
      }
      const reference = Math.random().toString(36).slice(2, 10);
      // Inputs are never logged: they may hold passwords.
      this.log.error('unexpected error in a channel', { channel: channelName as ChannelName, reference, error: String(error), stack: (error as Error)?.stack });
      return { ok: false, error: VeilError.says('internal', { key: 'system.internal', params: { reference } }).toBody() };
    }
  }

  /** The key the channel's contract says it works with, or its refusal: before any signature is checked or handler runs. */
  private async keyFor(windowId: string, definition: ChannelDefinition, input: unknown): Promise<Buffer | null> {
    const need = definition.key;
    if (need === undefined) return null;
    if (need === 'ifHeld') return this.gate.keyOf(windowId);
    if (need === 'required' || need.requiredWhen(input)) return this.gate.requireKey(windowId);
    return null;
  }

  private async authorize(windowId: string, channelName: string, definition: ChannelDefinition): Promise<CallContext['user']> {
    if (definition.access === 'public') {
      const session = await this.gate.sessionOf(windowId);
      return session && session.state === 'active' && session.role ? { id: session.userId, role: session.role, username: session.username } : null;
    }
    await this.gate.lockIdleWindows();
    const session = await this.gate.sessionOf(windowId);
    if (!session) throw this.gate.whyEnded?.(windowId) ?? VeilError.says('unauthenticated', { key: 'session.notLoggedIn' });
    if (!session.role) throw session.refusal ?? VeilError.says('unauthenticated', { key: 'session.notLoggedIn' });
    if (session.mustChangePassword && !OPEN_WHILE_PASSWORD_MUST_CHANGE.has(channelName)) {
      throw VeilError.says('forbidden', { key: 'session.temporaryPassword' });
    }
    const user = { id: session.userId, role: session.role, username: session.username };
    if (definition.access === 'locked') return user;
    if (session.state === 'locked') throw VeilError.says('unauthenticated', { key: 'session.windowLocked' });
    if (definition.access !== 'session' && !ROLE_PERMISSIONS[session.role].includes(definition.access)) {
      throw VeilError.says('forbidden', { key: 'session.roleForbids', params: { role: ROLE_LABEL[session.role], what: definition.description } });
    }
    this.gate.touch(windowId);
    return user;
  }
}
