import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { VeilError } from '../../../shared/errors';
import { englishOf, type Message } from '../../../shared/messages/catalogue';

/**
 * What can go wrong with the database file itself, each told in plain words with what to do (issue 10, finding 11).
 * Every fault leaves the file as it was: a write that fails rolls its transaction back, and a file Veil cannot write
 * or trust is refused before anything is written to it.
 */
export type StorageFaultKind = 'disk_full' | 'read_only' | 'folder_not_writable' | 'locked' | 'damaged' | 'io_error';

export class StorageFault extends VeilError {
  constructor(
    readonly kind: StorageFaultKind,
    said: Message,
  ) {
    super('storage', englishOf(said), undefined, said.params ? { key: said.key, params: said.params } : { key: said.key });
    this.name = 'StorageFault';
  }
}

/** Each fault said by key (shared/messages, group `storage`): the renderer shows it in the user's language. */
export const storageFaults = {
  diskFull: () => new StorageFault('disk_full', { key: 'storage.diskFull' }),
  readOnly: (file: string) => new StorageFault('read_only', { key: 'storage.readOnly', params: { file } }),
  folderNotWritable: (file: string) => new StorageFault('folder_not_writable', { key: 'storage.folderNotWritable', params: { folder: dirname(file) } }),
  locked: () => new StorageFault('locked', { key: 'storage.locked' }),
  damaged: (file: string, problem: string) => new StorageFault('damaged', { key: 'storage.damaged', params: { file, problem } }),
  ioError: (file: string) => new StorageFault('io_error', { key: 'storage.ioError', params: { file } }),
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
