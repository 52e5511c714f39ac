import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createStream } from 'rotating-file-stream';
import { streamLogger, type Logger } from '../core/log';

/**
 * The desktop app's log: JSON lines in `<userData>/logs/veil.log`, rotated like logrotate (veil.log.1 is the newest
 * old file) so a packaged app keeps its history without filling the disk. A packaged app has no terminal, so before
 * this the lines went to a stdout nobody could read. The same facts-only lines as everywhere (core/log.ts): no
 * passwords, no arm values; the blinding leak test reads them.
 */
export const LOG_FILE_NAME = 'veil.log';

export interface DesktopLogOptions {
  /** Rotate when the file reaches this size (rotating-file-stream's notation: '5M', '100K', '512B'). */
  size?: `${number}${'B' | 'K' | 'M' | 'G'}`;
  /** Old files kept beside the current one. */
  keep?: number;
  /** Also write each line to stdout (development, where the shell runs from a terminal). */
  echo?: boolean;
}

export interface DesktopLog {
  logger: Logger;
  file: string;
  /** Flushes and closes the file (on quit), resolving once every line is written. */
  close(): Promise<void>;
}

export function openDesktopLog(folder: string, options: DesktopLogOptions = {}): DesktopLog {
  // Owner-only, like the anchor key: the log names users and their actions.
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const stream = createStream(LOG_FILE_NAME, {
    path: folder,
    size: options.size ?? '5M',
    rotate: options.keep ?? 10,
    mode: 0o600,
    teeToStdout: options.echo ?? false,
  });
  // A log that cannot be written must not take the app down; the failure is said once on stderr.
  let failed = false;
  stream.on('error', (error: Error) => {
    if (!failed) process.stderr.write(`veil: the log file ${path.join(folder, LOG_FILE_NAME)} cannot be written: ${error.message}\n`);
    failed = true;
  });
  let closed = false;
  return {
    logger: streamLogger((line) => {
      if (!closed) stream.write(line);
    }),
    file: path.join(folder, LOG_FILE_NAME),
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        stream.end(() => resolve());
      }),
  };
}
