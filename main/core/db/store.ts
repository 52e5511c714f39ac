import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect, sql, type Compilable, type CompiledQuery, type Dialect, type Transaction } from 'kysely';
import type pg from 'pg';
import { VeilError } from '../../../shared/errors';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database';
import { ObservedDialect, tablesWritten } from './observedDialect';
import { VeilSqliteDialect } from './sqliteDriver';
import type { VeilTables } from './tables';

export type Engine = 'sqlite' | 'postgres';

/** Tables changed by one committed unit of work, here or at another workstation (PostgreSQL). Names only: no values. */
export interface StoreChange {
  tables: string[];
  from: 'this_process' | 'another_process';
}

/**
 * Veil's one query layer over both engines (issue 13): repositories ask `q()` for the builder of the current unit of
 * work, services wrap each workflow step in `transaction()`, so a step is entirely done or not done on either engine.
 */
export interface Store {
  readonly engine: Engine;
  /** The builder for the current unit of work: the transaction open in this call chain, else the database itself. */
  q(): Kysely<VeilTables>;
  /** True in the call chain of an open unit of work (a transaction() not yet returned). */
  insideUnitOfWork(): boolean;
  /** True while any unit of work of this store is running, in this call chain or another. */
  anyUnitOfWorkOpen(): boolean;
  /**
   * Runs `work` (and what it schedules: timers, microtasks) outside the unit of work of this call chain, as if called
   * from nowhere: its queries take their turn after that unit of work and see only what is committed. For what must
   * happen after a commit but is set off from inside the unit of work (the audit chain's anchors).
   */
  outside<T>(work: () => T): T;
  /**
   * Runs `work` as one unit of work. Called inside another, it joins it (one commit or one rollback for both).
   * On SQLite, units of work take turns on the one connection. On PostgreSQL each runs SERIALIZABLE and is run again,
   * from the start, when the server reports a conflict with a concurrent one (another workstation): so `work` may run
   * more than once and must keep anything outside the database (events, caches, sounds) for after it returns.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Runs `work` so that every unit of work it commits runs `check` first, inside the transaction, after its writes and
   * just before its commit: a condition that must still hold when the writes land, not only when the call began (a
   * study closed at another workstation meanwhile). `check` throws to refuse; the unit of work then rolls back. On
   * PostgreSQL the check's reads are part of the SERIALIZABLE transaction, so a concurrent change to what it read
   * makes one of the two run again. Units of work that wrote nothing, and work sent `outside`, are not checked.
   */
  guarded<T>(check: () => Promise<void>, work: () => Promise<T>): Promise<T>;
  /**
   * A query built and compiled once, run many times with new values, in the current unit of work: for the hot paths
   * (a scan, an audit append), where building and compiling the query on every call would cost more than running it.
   * `build` names its parameters as arguments after `q` and must use each one as a value in the query.
   */
  prepare<P extends unknown[], O>(build: (q: Kysely<VeilTables>, ...params: P) => Compilable<O>): PreparedQuery<P, O>;
  /**
   * Told, after each commit, which tables changed: by this process, and on PostgreSQL by every other workstation
   * (LISTEN/NOTIFY; the notice is sent by the commit itself, so a rolled-back or retried unit of work tells nothing).
   * Returns the way to stop listening.
   */
  onChange(listener: (change: StoreChange) => void): Promise<() => void>;
  close(): Promise<void>;
}

export interface PreparedQuery<P extends unknown[], O> {
  readonly sql: string;
  run(...params: P): Promise<O[]>;
}

export interface StoreOptions {
  /** How many times a unit of work is run on PostgreSQL before a conflict is given up (default 12). */
  maxAttempts?: number;
}

/** SQLSTATEs after which running the whole unit of work again is safe and right. */
const RETRYABLE = new Set(['40001' /* serialization_failure */, '40P01' /* deadlock_detected */]);
/**
 * Unique violations after which running the unit of work again is safe and right: a key the unit of work chose by
 * reading the stored ones (the audit chain's next seq, read from the head) that a concurrent unit of work took first.
 * PostgreSQL reports most of these as serialization failures, but not all (it cannot always see that the new key came
 * from the read), and its manual advises retrying them: the next attempt reads the new head. Any other unique
 * violation (a kit number given twice) is the caller's fault and is never retried.
 */
const RETRYABLE_UNIQUE = new Set(['audit_events_pkey']);
const CHANNEL = 'veil_changes';

function retryable(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (!code) return false;
  return RETRYABLE.has(code) || (code === '23505' && constraint !== undefined && RETRYABLE_UNIQUE.has(constraint));
}

/**
 * How long to wait before attempt `attempt + 1`: random in [0, 5 ms x 2^attempt], at most 320 ms. Random, so two
 * workstations that collided do not collide again in step; growing, so that when four benches all append to the one
 * audit chain the losers spread out instead of colliding again (a fixed few milliseconds ran out of 12 attempts under
 * the 4-workstation test). Twelve attempts wait about 1.1 s in all on average, well under a scan's patience.
 */
export function backoffMs(attempt: number): number {
  return Math.random() * Math.min(320, 5 * 2 ** attempt);
}

interface UnitOfWork {
  tx: Transaction<VeilTables>;
  changed: Set<string>;
}

/**
 * What a call chain carries through the store: the unit of work it runs in, if any, and the checks of guarded() its
 * commits must pass. One AsyncLocalStorage for both: each one enabled costs every promise of the process a copy.
 */
interface CallChain {
  unit?: UnitOfWork;
  guards: ReadonlyArray<() => Promise<void>>;
}

abstract class KyselyStore implements Store {
  private readonly chain = new AsyncLocalStorage<CallChain>();
  protected readonly root: Kysely<VeilTables>;
  protected readonly listeners = new Set<(change: StoreChange) => void>();
  /** Names this process in the notices it sends, so it does not hear itself twice. */
  protected readonly origin = randomUUID();

  constructor(
    readonly engine: Engine,
    dialect: (insideUnitOfWork: () => boolean) => Dialect,
    protected readonly options: StoreOptions,
  ) {
    const observed = new ObservedDialect(dialect(() => this.unit() !== undefined), (query) => this.executed(query));
    this.root = new Kysely<VeilTables>({ dialect: observed });
  }

  q(): Kysely<VeilTables> {
    return this.unit()?.tx ?? this.root;
  }

  /** The unit of work of this call chain, if any. */
  protected unit(): UnitOfWork | undefined {
    return this.chain.getStore()?.unit;
  }

  insideUnitOfWork(): boolean {
    return this.unit() !== undefined;
  }

  outside<T>(work: () => T): T {
    return this.chain.exit(work);
  }

  guarded<T>(check: () => Promise<void>, work: () => Promise<T>): Promise<T> {
    const current = this.chain.getStore();
    // Called outside a unit of work (the router's call): the units `work` opens take the checks with them.
    return this.chain.run({ ...(current?.unit ? { unit: current.unit } : {}), guards: [...(current?.guards ?? []), check] }, work);
  }

  private running = 0;
  anyUnitOfWorkOpen(): boolean {
    return this.running > 0;
  }

  abstract transaction<T>(work: () => Promise<T>): Promise<T>;

  /** Runs work in a new transaction and returns what it changed (sending the notice before commit, on PostgreSQL). */
  protected async inTransaction<T>(builder: ReturnType<Kysely<VeilTables>['transaction']>, work: () => Promise<T>): Promise<{ result: T; changed: Set<string> }> {
    const changed = new Set<string>();
    const guards = this.chain.getStore()?.guards ?? [];
    const result = await builder.execute(async (tx) => {
      this.running++;
      try {
        const value = await this.chain.run({ unit: { tx, changed }, guards }, async () => {
          const result = await work();
          if (changed.size > 0) for (const check of guards) await check();
          return result;
        });
        if (changed.size > 0) await this.beforeCommit(tx, [...changed]);
        return value;
      } finally {
        this.running--;
      }
    });
    return { result, changed };
  }

  protected async beforeCommit(_tx: Transaction<VeilTables>, _tables: string[]): Promise<void> {}

  private executed(query: CompiledQuery): void {
    const tables = tablesWritten(query);
    if (tables.length === 0) return;
    const unit = this.unit();
    if (unit) {
      for (const t of tables) unit.changed.add(t);
    } else {
      // A statement on its own commits as it runs.
      this.committedOutsideUnit(tables);
    }
  }

  protected committedOutsideUnit(tables: string[]): void {
    this.tell({ tables, from: 'this_process' });
  }

  protected tell(change: StoreChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A listener's fault is its own: the commit has happened and the other listeners are still told.
      }
    }
  }

  prepare<P extends unknown[], O>(build: (q: Kysely<VeilTables>, ...params: P) => Compilable<O>): PreparedQuery<P, O> {
    // Built once with a marker for each parameter; the compiled parameters are then re-filled by position on each run.
    const markers = Array.from({ length: Math.max(0, build.length - 1) }, (_, i) => `\u0000veil-parameter-${i}\u0000`);
    const compiled = build(this.root, ...(markers as unknown as P)).compile();
    const slots = compiled.parameters.map((value) => markers.indexOf(value as string));
    markers.forEach((_, i) => {
      if (!slots.includes(i)) throw new Error(`Prepared query parameter ${i + 1} is not used as a value in: ${compiled.sql}`);
    });
    return {
      sql: compiled.sql,
      run: (...params: P) => this.runPrepared<O>({ ...compiled, parameters: slots.map((slot, j) => (slot >= 0 ? params[slot] : compiled.parameters[j])) }),
    };
  }

  /** One run of a prepared query, in the current unit of work. */
  protected async runPrepared<O>(query: CompiledQuery<O>): Promise<O[]> {
    return (await this.q().executeQuery(query)).rows;
  }

  async onChange(listener: (change: StoreChange) => void): Promise<() => void> {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.root.destroy();
  }
}

class SqliteStore extends KyselyStore {
  private readonly reads = new Map<string, Statement>();

  constructor(
    private readonly db: Db,
    options: StoreOptions,
  ) {
    super('sqlite', (insideUnitOfWork) => new VeilSqliteDialect(db, { onQueryOutsideUnitOfWork: insideUnitOfWork }), options);
  }

  /**
   * A prepared read runs straight on the connection when that is what taking its turn would come to: inside the unit
   * of work of this call chain (the connection is in its transaction), or when no transaction is open on it at all
   * (better-sqlite3 runs the statement to its end before anything else can). Otherwise (another unit of work holds the
   * connection) it takes its turn through Kysely, so it never sees another unit's uncommitted writes. The hot paths'
   * reads (a scan's kit, patient, slot and visits) then cost no promise chain, connection turn or result wrapping:
   * a scan allocated about 180 kB, and the young generation's collections were its slowest percentile
   * (tests/bench/atScale.ts, scan to verdict p99). Writes always go through Kysely, which reports what they changed.
   */
  protected override async runPrepared<O>(query: CompiledQuery<O>): Promise<O[]> {
    if (this.unit() || !this.db.inTransaction) {
      let statement = this.reads.get(query.sql);
      if (!statement) {
        statement = this.db.prepare(query.sql);
        this.reads.set(query.sql, statement);
      }
      // Reads only: a write that answers rows (INSERT ... RETURNING) is a reader too, and must go through Kysely to be
      // told (a dispensing's row went untold, and what follows dispensings missed it).
      if (statement.reader && statement.readonly) return statement.all(...(query.parameters as unknown[])) as O[];
    }
    return super.runPrepared(query);
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.unit()) return work();
    const { result, changed } = await this.inTransaction(this.root.transaction(), work);
    if (changed.size > 0) this.tell({ tables: [...changed], from: 'this_process' });
    return result;
  }
}

class PostgresStore extends KyselyStore {
  private listening: Promise<void> | null = null;
  private listener: pg.PoolClient | null = null;
  /** Gives the LISTEN connection back to the pool, once (see listen()). */
  private releaseListener: ((destroy: boolean) => void) | null = null;
  private closed = false;

  constructor(private readonly pool: pg.Pool, options: StoreOptions) {
    super('postgres', () => new PostgresDialect({ pool }), options);
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.unit()) return work();
    const maxAttempts = this.options.maxAttempts ?? 12;
    for (let attempt = 1; ; attempt++) {
      try {
        const { result, changed } = await this.inTransaction(this.root.transaction().setIsolationLevel('serializable'), work);
        if (changed.size > 0) this.tell({ tables: [...changed], from: 'this_process' });
        return result;
      } catch (error) {
        if (!retryable(error)) throw error;
        // Out of turns: a refusal the person can act on, never an unexpected problem (nothing was committed).
        if (attempt >= maxAttempts) throw VeilError.says('conflict', { key: 'storage.busy', params: { attempts: maxAttempts } });
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
      }
    }
  }

  /** The notice goes out with the commit: PostgreSQL delivers it only if the transaction commits. */
  protected override async beforeCommit(tx: Transaction<VeilTables>, tables: string[]): Promise<void> {
    await sql`SELECT pg_notify(${CHANNEL}, ${JSON.stringify({ origin: this.origin, tables })})`.execute(tx);
  }

  protected override committedOutsideUnit(tables: string[]): void {
    super.committedOutsideUnit(tables);
    void this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ origin: this.origin, tables })]).catch(() => undefined);
  }

  override async onChange(listener: (change: StoreChange) => void): Promise<() => void> {
    const stop = await super.onChange(listener);
    this.listening ??= this.listen();
    await this.listening;
    return stop;
  }

  /** One connection kept for LISTEN; when it drops (server restart), it is opened again a second later. */
  private async listen(): Promise<void> {
    const client = await this.pool.connect();
    this.listener = client;
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        const notice = JSON.parse(message.payload) as { origin: string; tables: string[] };
        if (notice.origin !== this.origin) this.tell({ tables: notice.tables, from: 'another_process' });
      } catch {
        // Not a notice of ours.
      }
    });
    // The connection goes back to the pool once only. The server may report an error on it after that (a restart, the
    // database dropped after the store closed) or twice in a row: the handler stays attached (an 'error' with no
    // listener would be an uncaught exception) and does nothing more; a second release would throw in pg-pool.
    let released = false;
    const release = (destroy: boolean) => {
      if (released) return;
      released = true;
      if (this.listener === client) this.listener = null;
      client.release(destroy);
    };
    this.releaseListener = release;
    client.on('error', () => {
      if (released) return;
      release(true);
      if (this.closed) return;
      setTimeout(() => {
        if (!this.closed) this.listening = this.listen().catch(() => undefined);
      }, 1000).unref();
    });
    await client.query(`LISTEN ${CHANNEL}`);
  }

  override async close(): Promise<void> {
    this.closed = true;
    this.releaseListener?.(false);
    // Kysely's PostgresDialect ends the pool it was given.
    await super.close();
  }
}

/** The store over an open SQLite database (openDatabase); closing the store leaves the handle to its owner. */
export function sqliteStore(db: Db, options: StoreOptions = {}): Store {
  return new SqliteStore(db, options);
}

/** The store over a PostgreSQL pool (openPostgres); closing the store ends the pool. */
export function postgresStore(pool: pg.Pool, options: StoreOptions = {}): Store {
  return new PostgresStore(pool, options);
}
