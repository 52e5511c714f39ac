import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The study a call works in (issue 14, docs/multi-study-plan.md step 5): the study its session switched to. The router
 * runs each call of a session inside `inStudy`, so everything the call reaches (the repositories' StudyScope, the
 * study in memory, the audit trail's study code, the key the call is given) reads the session's study, while calls of
 * other windows, in other studies, interleave at every await. Outside any call (a sweep, the demo seed, a tool) there
 * is none, and the site's first study is meant, as it was when a database held one.
 */
const callStudy = new AsyncLocalStorage<number>();

/** Runs `work` in the study `studyId`; with null (no study loaded yet), in whatever study the caller was. */
export function inStudy<T>(studyId: number | null, work: () => T): T {
  return studyId === null ? work() : callStudy.run(studyId, work);
}

/** The study of the call running now, or undefined outside any. */
export function studyOfCall(): number | undefined {
  return callStudy.getStore();
}
