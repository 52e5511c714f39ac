import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { VeilError } from '../../../shared/errors';
import { translateServerMessage } from '../i18n/serverMessages';

/**
 * Runs one call of a form: keeps it busy while it runs, keeps the VeilError it failed with (shown by <ErrorAlert>),
 * and gives each form field its validation message (issue.path[0] names the field).
 */
export function useVeilAction() {
  const { t } = useTranslation();
  const [error, setError] = useState<VeilError | null>(null);
  const [localFieldErrors, setLocalFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> => {
    setBusy(true);
    setError(null);
    setLocalFieldErrors({});
    try {
      return { ok: true, value: await action() };
    } catch (caught) {
      setError(caught instanceof VeilError ? caught : new VeilError('internal', caught instanceof Error ? caught.message : String(caught)));
      return { ok: false };
    } finally {
      setBusy(false);
    }
  }, []);

  /** A check made in the form itself (e.g. the two new passwords differ), shown like the host's. */
  const rejectField = useCallback((field: string, message: string) => {
    setError(null);
    setLocalFieldErrors({ [field]: message });
  }, []);

  const clear = useCallback(() => {
    setError(null);
    setLocalFieldErrors({});
  }, []);

  function fieldError(field: string): string | undefined {
    if (localFieldErrors[field]) return localFieldErrors[field];
    const issue = error?.issues?.find((i) => i.path[0] === field);
    return issue ? translateServerMessage(issue, t) : undefined;
  }

  return { run, busy, error, fieldError, rejectField, clear };
}
