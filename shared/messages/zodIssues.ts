import type { z } from 'zod';
import type { Message, MessageKey } from './catalogue';
import { en } from './en';

/**
 * zod's issues said by key (issue 17, item 2), the same on the host (main/core/router.ts) and in the forms
 * (renderer/src/common/contractForm.ts). A schema words its own rule with a key of the catalogue as its message
 * (`.min(3, 'validation.giveReason')`); an issue the schema does not word is said by its zod code (`zodIssueKey`, given
 * to safeParse). Either way the numbers come from the issue itself (its minimum or maximum), so each rule keeps its
 * numbers in one place, the schema.
 */

type RawIssue = z.core.$ZodRawIssue;

/** A schema's message that is a key of the catalogue, checked by the compiler (`.min(3, messageKey('validation.giveReason'))`). */
export function messageKey<K extends MessageKey>(key: K): K {
  return key;
}

/** The key of an issue by its zod code, for a schema that gave no message of its own; undefined keeps zod's words. */
export function zodIssueKey(issue: RawIssue): string | undefined {
  const origin = (issue as { origin?: string }).origin;
  if (issue.code === 'too_small') {
    if (origin === 'string') return Number(issue.minimum) <= 1 ? 'validation.required' : 'validation.tooShort';
    if (origin === 'number') return 'validation.numberTooSmall';
  }
  if (issue.code === 'too_big') {
    if (origin === 'string') return 'validation.tooLong';
    if (origin === 'number') return 'validation.numberTooBig';
  }
  return undefined;
}

const groups = en as unknown as Record<string, Record<string, string> | undefined>;

/** The English template of a key of the catalogue (its `_other` form for a count), or undefined when it is not one. */
function templateOf(key: string): string | undefined {
  const dot = key.indexOf('.');
  if (dot < 0) return undefined;
  const group = groups[key.slice(0, dot)];
  const name = key.slice(dot + 1);
  if (!group) return undefined;
  if (Object.hasOwn(group, name)) return group[name];
  return Object.hasOwn(group, `${name}_other`) ? group[`${name}_other`] : undefined;
}

/**
 * The parameters a key's text asks for, from the issue: a count or a bound is the issue's minimum or maximum; null
 * when the text asks for one the issue cannot give.
 */
function paramsOf(template: string, issue: z.core.$ZodIssue): Record<string, number> | null {
  const bound = issue.code === 'too_small' ? issue.minimum : issue.code === 'too_big' ? issue.maximum : undefined;
  const params: Record<string, number> = {};
  for (const [, name] of template.matchAll(/\{\{(\w+)\}\}/g)) {
    if (bound === undefined || (name !== 'count' && name !== 'min' && name !== 'max')) return null;
    params[name] = Number(bound);
  }
  return params;
}

/**
 * The message of an issue by key when its message is a key of the catalogue (the schema's own or its code's), with the
 * parameters its text needs; null for words of zod's own (a code no key says yet) or of a schema not moved yet.
 */
export function saidOfIssue(issue: z.core.$ZodIssue): Message | null {
  const template = templateOf(issue.message);
  if (template === undefined) return null;
  const params = paramsOf(template, issue);
  if (!params) return null;
  // The key arrives at run time (a schema's message): its parameters were just read from its own text.
  return (Object.keys(params).length ? { key: issue.message, params } : { key: issue.message }) as Message;
}
