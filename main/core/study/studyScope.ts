import type { ExpressionBuilder } from 'kysely';
import type { VeilTables } from '../db/tables';

/**
 * The study a repository reads and writes in (issue 14, docs/multi-study-plan.md step 1): every study-owned row
 * carries its study's id, and every read of such rows asks for the scope's study only, so kit 1001 of one sponsor is
 * never taken for kit 1001 of another. The core's scope is the site's current study (SiteMemory: the first loaded,
 * until the study switcher makes it the session's, step 5); a repository test names its study with `studyScope(id)`.
 */
export interface StudyScope {
  /** The study's row id (NO_STUDY before any study is loaded). */
  id(): number;
  /** The study's code, as its audit events name it (`audit_events.study_code`, migration 18). */
  code(): string;
  /**
   * Whether the events written before events named their study (migration 18) are this study's: a database held one
   * study until then, the first loaded, so they are the first study's.
   */
  ownsUnnamedEvents(): boolean;
}

/** A scope on one study (tests, tools that work on a named study). The first study of a database has id 1. */
export function studyScope(id: number, code = 'NS-DUPI', first = id === 1): StudyScope {
  return { id: () => id, code: () => code, ownsUnnamedEvents: () => first };
}

/**
 * The scope before any study is loaded: no study has this id, so a read finds nothing (a new site's lists are empty,
 * as they were before records named their study) and a write would be refused by its foreign key. No command gets
 * that far: each one that writes a study's records asks for the loaded study first (`lists.noStudy`).
 */
export const NO_STUDY = 0;

/** The scope of whatever study `current` answers at each call; NO_STUDY while there is none. `first` is the id of the first study loaded. */
export function currentStudyScope(current: () => { id: number; code: string; first: number } | null): StudyScope {
  return {
    id: () => current()?.id ?? NO_STUDY,
    code: () => current()?.code ?? '',
    ownsUnnamedEvents: () => {
      const study = current();
      return study !== null && study.id === study.first;
    },
  };
}

/**
 * The audit events of the scope's study: those naming it, and, for the first study, those written before events named
 * a study. A site event (a login, a user created) names none either: callers ask for study actions, which are never
 * the site's (shared/audit/eventScope.ts).
 */
export function eventsOf(study: StudyScope) {
  return (eb: ExpressionBuilder<VeilTables, 'audit_events'>) =>
    study.ownsUnnamedEvents() ? eb.or([eb('audit_events.study_code', '=', study.code()), eb('audit_events.study_code', 'is', null)]) : eb('audit_events.study_code', '=', study.code());
}
