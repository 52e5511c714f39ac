import { AsyncLocalStorage } from 'node:async_hooks';
import { Kysely, PostgresDialect, type Compilable, type CompiledQuery, type Transaction } from 'kysely';
import type pg from 'pg';
import type { Db } from './database';
import { VeilSqliteDialect } from './sqliteDriver';
import type { VeilTables } from './tables';

export type Engine = 'sqlite' | 'postgres';

/**
 * Veil's one query layer over both engines (issue 13): repositories ask `q()` for the builder of the current unit of
 * work, services wrap each workflow step in `transaction()`, so a step is entirely done or not done on either engine.
 */
export interface Store {
  readonly engine: Engine;
  /** The builder for the current unit of work: the transaction open in this call chain, else the database itself. */
  q(): Kysely<VeilTables>;
  /**
   * Runs `work` as one unit of work. Called inside another, it joins it (one commit or one rollback for both).
   * On SQLite, units of work take turns on the one connection. On PostgreSQL each runs SERIALIZABLE and is run again,
   * from the start, when the server reports a conflict with a concurrent one (another workstation): so `work` may run
   * more than once and must keep anything outside the database (events, caches, sounds) for after it returns.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /**
   * A query built and compiled once, run many times with new values, in the current unit of work: for the hot paths
   * (a scan, an audit append), where building and compiling the query on every call would cost more than running it.
   * `build` names its parameters as arguments after `q` and must use each one as a value in the query.
   */
  prepare<P extends unknown[], O>(build: (q: Kysely<VeilTables>, ...params: P) => Compilable<O>): PreparedQuery<P, O>;
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

class KyselyStore implements Store {
  private readonly open = new AsyncLocalStorage<Transaction<VeilTables>>();
  private readonly root: Kysely<VeilTables>;

  constructor(
    readonly engine: Engine,
    makeRoot: (insideUnitOfWork: () => boolean) => Kysely<VeilTables>,
    private readonly options: StoreOptions,
    private readonly onClose: () => Promise<void>,
  ) {
    this.root = makeRoot(() => this.open.getStore() !== undefined);
  }

  q(): Kysely<VeilTables> {
    return this.open.getStore() ?? this.root;
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.open.getStore()) return work();
    if (this.engine === 'sqlite') return this.root.transaction().execute((tx) => this.open.run(tx, work));
    const maxAttempts = this.options.maxAttempts ?? 12;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.root
          .transaction()
          .setIsolationLevel('serializable')
          .execute((tx) => this.open.run(tx, work));
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (!code || !RETRYABLE.has(code) || attempt >= maxAttempts) throw error;
        // Back off a little, randomly, so two workstations that collided do not collide again in step.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
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
      run: async (...params: P) => {
        const query: CompiledQuery<O> = { ...compiled, parameters: slots.map((slot, j) => (slot >= 0 ? params[slot] : compiled.parameters[j])) };
        return (await this.q().executeQuery(query)).rows;
      },
    };
  }

  async close(): Promise<void> {
    await this.root.destroy();
    await this.onClose();
  }
}

/** The store over an open SQLite database (openDatabase); closing the store leaves the handle to its owner. */
export function sqliteStore(db: Db, options: StoreOptions = {}): Store {
  return new KyselyStore(
    'sqlite',
    (insideUnitOfWork) => new Kysely<VeilTables>({ dialect: new VeilSqliteDialect(db, { onQueryOutsideUnitOfWork: insideUnitOfWork }) }),
    options,
    async () => undefined,
  );
}

/** The store over a PostgreSQL pool (openPostgres); closing the store ends the pool. */
export function postgresStore(pool: pg.Pool, options: StoreOptions = {}): Store {
  // Kysely ends the pool it was given when destroyed.
  return new KyselyStore('postgres', () => new Kysely<VeilTables>({ dialect: new PostgresDialect({ pool }) }), options, async () => undefined);
}
