import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { VeilError } from '../../../shared/errors';
import { openDatabase, schemaVersion, truncateWal, type Db } from './database';
import { guardLegacyTransactions } from './legacyTransactions';
import type { DatabaseLocation } from './location';
import { describePostgresUrl, openPostgres, postgresFaultOf, postgresSchemaVersion } from './postgres';
import { storageFaultOf } from './storageFaults';
import { postgresStore, sqliteStore, type Engine, type Store } from './store';

/**
 * The database the core runs on, whichever engine holds it (issue 13, item 4): the Store every repository speaks
 * through, and the few things that differ between an SQLite file and a PostgreSQL server, each answered here once so
 * the composition root asks no engine question.
 */
export interface OpenedDatabase {
  readonly engine: Engine;
  readonly store: Store;
  /**
   * The SQLite connection under the Store, null on PostgreSQL: for what still speaks SQLite directly (the file checks
   * of `veil verify`, tests). New code goes through the Store.
   */
  readonly sqlite: Db | null;
  /** The schema version found once the migrations ran (a newer one is refused when opening). */
  readonly schemaVersion: number;
  /**
   * The path the audit chain's anchors are named after (chainAnchors.ts, anchorLocation: `<path>.audit-anchors` and
   * the countersigning key in its folder): outside the database, so a rewritten history no longer matches them.
   */
  readonly anchorPath: string;
  /**
   * After values were sealed in place (a block's transition values), the pages that held them in plain leave the
   * write-ahead log: SQLite's WAL is truncated (secure_delete overwrote the freed pages). PostgreSQL's own WAL and old
   * row versions are the server's: nothing a client can do there, which is why no plain arm is ever sent to it.
   */
  forgetWrittenPages(): void;
  /** The fault a storage error stands for, said by key ("the disk is full", "the server does not answer"), or null. */
  faultOf(error: unknown): VeilError | null;
  /** Where the data is, for messages and logs: the file, or the server without its password. */
  readonly description: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  nativeBinding?: string;
  busyTimeoutMs?: number;
  /** PostgreSQL: a CA certificate file to trust for TLS. */
  caFile?: string;
  /**
   * PostgreSQL: the workstation's own folder (the desktop's user data, or `veil serve --data DIR`) where it keeps the
   * audit anchors it countersigns. An SQLite file keeps them beside itself.
   */
  dataFolder?: string;
}

/**
 * Where a workstation keeps the anchors of a PostgreSQL database, in its own data folder: one anchor file per server
 * and database, so a workstation that works with two databases keeps them apart.
 */
export function postgresAnchorPath(url: URL, dataFolder: string): string {
  const name = createHash('sha256').update(`${url.hostname}:${url.port}${url.pathname}`).digest('hex').slice(0, 12);
  return join(dataFolder, `postgres-${name}`);
}

export async function openDatabaseAt(location: DatabaseLocation, options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  if (location.engine === 'sqlite') {
    const file = location.file;
    const db = openDatabase(file, {
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
    });
    const store = sqliteStore(db);
    guardLegacyTransactions(db, store);
    return {
      engine: 'sqlite',
      store,
      sqlite: db,
      schemaVersion: schemaVersion(db),
      anchorPath: file,
      forgetWrittenPages: () => truncateWal(db),
      faultOf: (error) => storageFaultOf(error, file),
      description: file,
      // The file is closed before this returns (WAL checkpointed): a caller may copy or reopen it at once.
      close: () => {
        const closing = store.close();
        db.close();
        return closing;
      },
    };
  }
  const { url } = location;
  if (!options.dataFolder) throw new Error('A PostgreSQL database needs the workstation folder where its audit anchors are kept (dataFolder).');
  const pool = await openPostgres(url.href, options.caFile ? { caFile: options.caFile } : {});
  const store = postgresStore(pool);
  const found = await postgresSchemaVersion(pool);
  return {
    engine: 'postgres',
    store,
    sqlite: null,
    schemaVersion: found,
    anchorPath: postgresAnchorPath(url, options.dataFolder),
    forgetWrittenPages: () => undefined,
    faultOf: (error) => postgresFaultOf(error, url),
    description: describePostgresUrl(url),
    close: () => store.close(),
  };
}
