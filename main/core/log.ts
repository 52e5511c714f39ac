/**
 * Structured log lines. Callers pass facts, never raw inputs (passwords) and never arm values; the blinding leak
 * test reads the log too.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function streamLogger(write: (line: string) => void): Logger {
  const emit = (level: string, message: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }) + '\n');
  return { info: (m, f) => emit('info', m, f), error: (m, f) => emit('error', m, f) };
}

export const silentLogger: Logger = { info: () => {}, error: () => {} };
