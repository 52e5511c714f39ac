import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import type Database from 'better-sqlite3';

/**
 * Kysely over better-sqlite3, as Veil needs it (issue 13):
 * - one connection, taken by one unit of work at a time: a transaction holds it until it ends, and every other query
 *   waits for it, so an `await` inside a transaction never lets another request's statement into it;
 * - a write transaction starts with BEGIN IMMEDIATE, taking SQLite's write lock at once, so another program holding
 *   the file makes it wait (busy_timeout) instead of failing half-way when it first writes;
 * - statements are prepared once per SQL text and reused, as the repositories did by hand before.
 * Kysely's own SqliteDialect prepares every statement again and lets concurrent transactions interleave.
 */
export class VeilSqliteDialect implements Dialect {
  constructor(
    private readonly db: Database.Database,
    private readonly options: { onQueryOutsideUnitOfWork?: () => boolean } = {},
  ) {}
  createAdapter() {
    return new TurnTakingSqliteAdapter();
  }
  createDriver(): Driver {
    return new VeilSqliteDriver(this.db, this.options.onQueryOutsideUnitOfWork ?? (() => false));
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
}

/**
 * Kysely queues connections itself for an adapter that says it has one connection, before the driver is asked; the
 * driver below takes turns instead, so that it can first refuse a query made on the root from inside a unit of work
 * (which would otherwise wait for ever in that queue, behind its own transaction).
 */
class TurnTakingSqliteAdapter extends SqliteAdapter {
  override get supportsMultipleConnections(): boolean {
    return true;
  }
}

/** Turns: each waiter gets the connection when the previous holder releases it. */
class Turns {
  private tail: Promise<void> = Promise.resolve();
  take(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const before = this.tail;
    this.tail = before.then(() => mine);
    return before.then(() => release);
  }
}

class VeilSqliteDriver implements Driver {
  private readonly turns = new Turns();
  private readonly connection: VeilSqliteConnection;
  private releaseTurn: (() => void) | null = null;

  constructor(
    private readonly db: Database.Database,
    /** True when the caller is inside an open unit of work: a query on the root there would wait for itself. */
    private readonly insideUnitOfWork: () => boolean,
  ) {
    this.connection = new VeilSqliteConnection(db);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.insideUnitOfWork()) {
      throw new Error('A query was made outside the unit of work it runs in (store.q() inside store.transaction() gives the transaction); it would wait for its own transaction.');
    }
    this.releaseTurn = await this.turns.take();
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // After some errors (a full disk, an I/O error) SQLite has already rolled the transaction back itself: a second
    // ROLLBACK would fail ("no transaction is active") and hide the error that says what happened.
    if (!this.db.inTransaction) return;
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }
  async releaseConnection(): Promise<void> {
    const release = this.releaseTurn;
    this.releaseTurn = null;
    release?.();
  }
  async destroy(): Promise<void> {
    // The better-sqlite3 handle belongs to whoever opened it (openDatabase): it closes it.
  }
}

class VeilSqliteConnection implements DatabaseConnection {
  private readonly statements = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    let statement = this.statements.get(compiled.sql);
    if (!statement) {
      statement = this.db.prepare(compiled.sql);
      // Statements are few (one per query shape in the repositories); the cap only guards against a caller building
      // SQL text from values by mistake.
      if (this.statements.size < 2000) this.statements.set(compiled.sql, statement);
    }
    const parameters = compiled.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(...parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(...parameters);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Veil reads SQLite results whole; page long lists instead of streaming them.');
  }
}
