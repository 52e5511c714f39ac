import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { VeilError } from '../../../shared/errors';

/**
 * What can go wrong with the database file itself, each told in plain words with what to do (issue 10, finding 11).
 * Every fault leaves the file as it was: a write that fails rolls its transaction back, and a file Veil cannot write
 * or trust is refused before anything is written to it.
 */
export type StorageFaultKind = 'disk_full' | 'read_only' | 'folder_not_writable' | 'locked' | 'damaged' | 'io_error';

export class StorageFault extends VeilError {
  constructor(
    readonly kind: StorageFaultKind,
    message: string,
  ) {
    super('storage', message);
    this.name = 'StorageFault';
  }
}

const NOTHING_CHANGED = 'nothing was changed';

export const storageFaults = {
  diskFull: () =>
    new StorageFault('disk_full', `The disk that holds the Veil database is full, so this step could not be saved: ${NOTHING_CHANGED}. Free some space on that disk (or ask IT to), then do the step again.`),
  readOnly: (file: string) =>
    new StorageFault(
      'read_only',
      `The Veil database file ${file} is read-only, so Veil cannot save anything in it: ${NOTHING_CHANGED}. Ask IT to make the file writable for the account that runs Veil (or to move it off read-only media), then start Veil again.`,
    ),
  folderNotWritable: (file: string) =>
    new StorageFault(
      'folder_not_writable',
      `Veil cannot write in the folder ${dirname(file)}, where its database is (SQLite keeps its journal files beside the database, and Veil its audit anchors): ${NOTHING_CHANGED}. Ask IT to give the account that runs Veil write access to that folder, then start Veil again.`,
    ),
  locked: () =>
    new StorageFault(
      'locked',
      `The Veil database is in use by another program (another Veil, a backup or a copy running on the file) and stayed locked, so this step could not be saved: ${NOTHING_CHANGED}. Try again in a moment; if it persists, close the other program (or restart the workstation).`,
    ),
  damaged: (file: string, problem: string) =>
    new StorageFault(
      'damaged',
      `The Veil database file ${file} is damaged (SQLite's check found: ${problem}). Veil will not use it, so nothing more can be lost: ${NOTHING_CHANGED}. Restore the latest backup: close Veil, keep the damaged file aside for the investigation, copy the backup in its place (without any -wal or -shm file beside it), move ${file}.audit-anchors aside with the damaged file (it anchors history the backup does not have), start Veil, then run "veil verify --db ${file}". Call support if there is no backup.`,
    ),
  ioError: (file: string) =>
    new StorageFault(
      'io_error',
      `The disk refused to read or write the Veil database file ${file} (an input/output error), so this step could not be saved: ${NOTHING_CHANGED}. Check that the disk or network drive is still connected; if the error comes back, stop using this workstation and call IT.`,
    ),
};

/** SQLite's result code of an error thrown by better-sqlite3 ("SQLITE_FULL", "SQLITE_BUSY_SNAPSHOT"...), if it is one. */
function sqliteCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/** The storage fault an error from SQLite stands for, or null when it is something else (a bug: logged with a reference). */
export function storageFaultOf(error: unknown, file: string): StorageFault | null {
  if (error instanceof StorageFault) return error;
  const code = sqliteCode(error);
  if (!code) return null;
  if (code === 'SQLITE_FULL') return storageFaults.diskFull();
  if (code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_CANTOPEN_')) {
    return existsSync(file) ? storageFaults.folderNotWritable(file) : storageFaults.ioError(file);
  }
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_')) return storageFaults.readOnly(file);
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_LOCKED_')) return storageFaults.locked();
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_') || code === 'SQLITE_NOTADB') return storageFaults.damaged(file, (error as Error).message);
  if (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_')) {
    // ENOSPC on some file systems comes back as a write error rather than SQLITE_FULL.
    return /disk is full|no space/i.test((error as Error).message) ? storageFaults.diskFull() : storageFaults.ioError(file);
  }
  return null;
}

/**
 * Before SQLite touches anything: the file and its folder must be writable by this account (SQLite would otherwise
 * open the file read-only without a word, create read-only journal files, and fail at the first write).
 */
export function requireWritable(file: string): void {
  const writable = (path: string) => {
    try {
      accessSync(path, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (existsSync(file) && !writable(file)) throw storageFaults.readOnly(file);
  if (!writable(dirname(file))) throw storageFaults.folderNotWritable(file);
}
