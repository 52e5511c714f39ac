import { schemaResolver, type FormErrors } from '@mantine/form';
import type { TFunction } from 'i18next';
import type { z } from 'zod';

/**
 * A form's `validate` from a channel's input schema in shared/contract (or a .pick/.omit/.extend of it), so each rule
 * lives once, in the contract: the form's values are put in the channel's shape (`toInput`: a choice not made yet
 * becomes null, which the contract refuses with its own message), the schema checks them, and each issue lands on the
 * field of its path ("witness.username"). The errors stay the contract's English messages; `translatedError` shows
 * them in the user's language.
 */
export function contractValidate<Values>(schema: z.ZodType, toInput: (values: Values) => unknown = (values) => values): (values: Values) => FormErrors {
  const resolve = schemaResolver(schema, { sync: true });
  return (values) => resolve(toInput(values));
}

/** The contract's (or the host's) message for one field of a form, in the user's language through the workflow's table. */
export function translatedError(errors: FormErrors, path: string, translate: (message: string, t: TFunction) => string, t: TFunction): string | undefined {
  const message = errors[path];
  return message ? translate(String(message), t) : undefined;
}

/**
 * A form's own wording for a field the contract refused: the contract says "Give a reason" for every reason field,
 * the withdrawal says which reason. Any other message goes through the workflow's table.
 */
export function withWording(translate: (message: string, t: TFunction) => string, wording: Record<string, (t: TFunction) => string>): (message: string, t: TFunction) => string {
  return (message, t) => wording[message]?.(t) ?? translate(message, t);
}

/** The host's field issues (the same contract, checked again on the host) as form errors, for the fields the form has. */
export function issuesOnFields(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> | undefined, fields: readonly string[]): FormErrors {
  const errors: FormErrors = {};
  for (const issue of issues ?? []) {
    const path = issue.path.map(String).join('.');
    const field = fields.find((f) => path === f || path.startsWith(`${f}.`));
    if (field && !errors[field]) errors[field] = issue.message;
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
