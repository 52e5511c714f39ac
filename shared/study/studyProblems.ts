import type { z } from 'zod';
import { englishOf, type Message } from '../messages/catalogue';
import { saidOfIssue } from '../messages/zodIssues';
import { StudyConfig } from './studyConfig';

/** One problem of a study configuration: where it is (a path such as `visits.2.dayOffset`), in words and by key. */
export interface StudyProblem {
  path: string;
  /** English, for logs, the command line and the load's refusal; the screens say it by `key` in the user's language. */
  message: string;
  key?: string;
  params?: Record<string, string | number>;
}

/**
 * A study configuration's JSON checked against the study schema: the study, or each problem with where it is. Every
 * rule the schema words by key is said by key (studyFile.* in the catalogue), a field missing or of the wrong type
 * too; what zod alone words stays in its English.
 */
export function checkStudyConfig(json: unknown): { config: StudyConfig; problems: [] } | { config: null; problems: StudyProblem[] } {
  const parsed = StudyConfig.safeParse(json, {
    error: (issue) => (issue.code === 'invalid_type' ? (issue.input === undefined ? 'studyFile.missing' : 'studyFile.wrongType') : undefined),
  });
  if (parsed.success) return { config: parsed.data, problems: [] };
  return { config: null, problems: parsed.error.issues.map(problemOf) };
}

function problemOf(issue: z.core.$ZodIssue): StudyProblem {
  const path = issue.path.map(String).join('.');
  const said = saidOf(issue);
  if (said) {
    try {
      return { path, message: englishOf(said), key: said.key, ...(said.params ? { params: said.params as Record<string, string | number> } : {}) };
    } catch {
      // Not a key of the catalogue after all: zod's own words below.
    }
  }
  return { path, message: issue.message };
}

function saidOf(issue: z.core.$ZodIssue): Message | null {
  // The schema's own rules across fields give their values as the issue's params (shared/study/studyConfig.ts).
  if (issue.code === 'custom') return { key: issue.message, params: issue.params } as Message;
  if (issue.code === 'invalid_type' && issue.message === 'studyFile.wrongType') return { key: 'studyFile.wrongType', params: { expected: issue.expected } };
  return saidOfIssue(issue);
}
