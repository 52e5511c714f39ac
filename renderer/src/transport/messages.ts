/** Messages of failures that happen before the host answers; the i18n layer translates them like the host's. */
export const UNREACHABLE_MESSAGE = 'Veil cannot be reached. Check that `veil serve` is still running, then try again.';
export const UNREADABLE_MESSAGE = 'Veil sent an answer that could not be read. Try again; if it persists, restart Veil.';
export const NO_TOKEN_MESSAGE = 'This page was opened without its launch token. Open the full URL Veil printed at start.';
