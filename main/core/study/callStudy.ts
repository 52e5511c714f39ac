import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The study a call works in (issue 14, docs/multi-study-plan.md step 5): the study its session switched to, and who is
 * calling. The router runs each call of a session inside `inSession`, so everything the call reaches (the
 * repositories' StudyScope, the study in memory, the audit trail's study code, the key the call is given) reads the
 * session's study, while calls of other windows, in other studies, interleave at every await. Outside any call (a
 * sweep, the demo seed, a tool) there is none, and the site's first study is meant, as it was when a database held one.
 */
interface CallOfSession {
  studyId: number | null;
  /** The user of the session making the call (a scan of another study's kit names it only to its delegates). */
  userId: number | null;
}

const call = new AsyncLocalStorage<CallOfSession>();

/** Runs `work` as a call of this session: in its study (null: none loaded yet, the first is meant), by its user. */
export function inSession<T>(session: CallOfSession, work: () => T): T {
  return call.run(session, work);
}

/** Runs `work` in the study `studyId`, by the same caller; with null (no study loaded yet), in whatever study the caller was. */
export function inStudy<T>(studyId: number | null, work: () => T): T {
  return studyId === null ? work() : call.run({ studyId, userId: call.getStore()?.userId ?? null }, work);
}

/** The study of the call running now, or undefined outside any. */
export function studyOfCall(): number | undefined {
  return call.getStore()?.studyId ?? undefined;
}

/** The user whose session makes the call running now, or undefined outside any session. */
export function callerOfCall(): number | undefined {
  return call.getStore()?.userId ?? undefined;
}
