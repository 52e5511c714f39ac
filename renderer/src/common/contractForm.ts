import type { FormErrors } from '@mantine/form';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import type { Said } from '../../../shared/errors';
import { englishOf } from '../../../shared/messages/catalogue';
import { saidOfIssue, zodIssueKey } from '../../../shared/messages/zodIssues';
import { saidText } from '../i18n/serverMessages';

/**
 * The messages by key behind the form errors contractValidate made, by their English (the form error itself, so a
 * screen that shows it raw still shows words): translatedError shows them in the user's language by key.
 */
const saidOfError = new Map<string, Said>();

/**
 * A form's `validate` from a channel's input schema in shared/contract (or a .pick/.omit/.extend of it), so each rule
 * lives once, in the contract: the form's values are put in the channel's shape (`toInput`: a choice not made yet
 * becomes null, which the contract refuses with its own message), the schema checks them, and each issue lands on the
 * field of its path ("witness.username"), the first issue of a field only. Each issue is said by key as the host says
 * it (shared/messages/zodIssues.ts: the schema's key or zod's code, with the issue's numbers); `translatedError` shows
 * it in the user's language.
 */
export function contractValidate<Values>(schema: z.ZodType, toInput: (values: Values) => unknown = (values) => values): (values: Values) => FormErrors {
  return (values) => {
    const result = schema.safeParse(toInput(values), { error: zodIssueKey });
    const errors: FormErrors = {};
    if (result.success) return errors;
    for (const issue of result.error.issues) {
      const path = issue.path.map(String).join('.');
      if (errors[path]) continue;
      const said = saidOfIssue(issue);
      if (!said) {
        errors[path] = issue.message;
        continue;
      }
      const message = englishOf(said);
      saidOfError.set(message, said.params ? { key: said.key, params: said.params as Record<string, string | number> } : { key: said.key });
      errors[path] = message;
    }
    return errors;
  };
}

/**
 * The contract's (or the host's) message for one field of a form, in the user's language. A message said by key is
 * first offered to `translate` by its key (a form's own wording, withWording), then shown from the catalogue; other
 * text goes through the workflow's table.
 */
export function translatedError(errors: FormErrors, path: string, translate: (message: string, t: TFunction) => string, t: TFunction): string | undefined {
  const message = errors[path];
  if (!message) return undefined;
  const said = saidOfError.get(String(message));
  if (said?.key) {
    const own = translate(said.key, t);
    return own !== said.key ? own : (saidText(said, t) ?? String(message));
  }
  return translate(String(message), t);
}

/**
 * A form's own wording for a field the contract refused, by the contract's key (or a form rule's own message): the
 * contract says `validation.giveReason` for every reason field, the withdrawal says which reason. Any other message
 * goes through the workflow's table.
 */
export function withWording(translate: (message: string, t: TFunction) => string, wording: Record<string, (t: TFunction) => string>): (message: string, t: TFunction) => string {
  return (message, t) => wording[message]?.(t) ?? translate(message, t);
}

/** The host's field issues (the same contract, checked again on the host) as form errors, for the fields the form has. */
export function issuesOnFields(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string } & Said> | undefined, fields: readonly string[]): FormErrors {
  const errors: FormErrors = {};
  for (const issue of issues ?? []) {
    const path = issue.path.map(String).join('.');
    const field = fields.find((f) => path === f || path.startsWith(`${f}.`));
    if (!field || errors[field]) continue;
    // An issue said by key stays one: translatedError shows it from the catalogue.
    if (issue.key) saidOfError.set(issue.message, issue.params ? { key: issue.key, params: issue.params } : { key: issue.key });
    errors[field] = issue.message;
  }
  return errors;
}

/**
 * A form's `validate`: the contract's (from contractValidate) plus the form's own rules, those the contract cannot
 * make (each one says why where it is written). On a field both refuse, the contract's message is shown.
 */
export function withFormRules<Values>(validate: (values: Values) => FormErrors, ...rules: Array<(values: Values) => FormErrors>): (values: Values) => FormErrors {
  return (values) => Object.assign({}, ...rules.map((rule) => rule(values)).reverse(), validate(values)) as FormErrors;
}
