import type { CompiledQuery, DatabaseConnection, Dialect, Driver, Kysely, QueryResult, RootOperationNode, TransactionSettings } from 'kysely';

/**
 * A dialect that tells the store about every statement that ran, after it ran: the store learns which tables a unit
 * of work changed without any repository having to say so, and tells the open screens (changes.ts).
 */
export class ObservedDialect implements Dialect {
  constructor(
    private readonly inner: Dialect,
    private readonly onExecuted: (query: CompiledQuery) => void,
  ) {}
  createAdapter() {
    return this.inner.createAdapter();
  }
  createDriver(): Driver {
    return new ObservedDriver(this.inner.createDriver(), this.onExecuted);
  }
  createIntrospector(db: Kysely<unknown>) {
    return this.inner.createIntrospector(db);
  }
  createQueryCompiler() {
    return this.inner.createQueryCompiler();
  }
}

class ObservedDriver implements Driver {
  private readonly wrapped = new WeakMap<DatabaseConnection, ObservedConnection>();
  constructor(
    private readonly inner: Driver,
    private readonly onExecuted: (query: CompiledQuery) => void,
  ) {}
  init() {
    return this.inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    let observed = this.wrapped.get(connection);
    if (!observed) {
      observed = new ObservedConnection(connection, this.onExecuted);
      this.wrapped.set(connection, observed);
    }
    return observed;
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    return this.inner.beginTransaction(innerOf(connection), settings);
  }
  commitTransaction(connection: DatabaseConnection) {
    return this.inner.commitTransaction(innerOf(connection));
  }
  rollbackTransaction(connection: DatabaseConnection) {
    return this.inner.rollbackTransaction(innerOf(connection));
  }
  releaseConnection(connection: DatabaseConnection) {
    return this.inner.releaseConnection(innerOf(connection));
  }
  destroy() {
    return this.inner.destroy();
  }
}

const innerOf = (connection: DatabaseConnection) => (connection instanceof ObservedConnection ? connection.inner : connection);

class ObservedConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly onExecuted: (query: CompiledQuery) => void,
  ) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.inner.executeQuery<R>(query);
    this.onExecuted(query);
    return result;
  }
  streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/** The tables a statement writes (insert, update, delete), from Kysely's tree or, for raw SQL, from its first words. */
export function tablesWritten(query: CompiledQuery): string[] {
  const node = query.query as RootOperationNode & Record<string, unknown>;
  const nameOf = (n: unknown): string | null => {
    const table = n as { kind?: string; table?: { identifier?: { name?: string } }; node?: unknown };
    if (table?.kind === 'TableNode') return table.table?.identifier?.name ?? null;
    if (table?.kind === 'AliasNode') return nameOf(table.node);
    return null;
  };
  let names: Array<string | null> = [];
  if (node.kind === 'InsertQueryNode') names = [nameOf(node.into)];
  else if (node.kind === 'UpdateQueryNode') names = [nameOf(node.table)];
  else if (node.kind === 'DeleteQueryNode') names = ((node.from as unknown as { froms?: readonly unknown[] })?.froms ?? []).map(nameOf);
  else if (node.kind === 'RawNode') {
    const raw = /^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z_][A-Za-z0-9_]*)/i.exec(query.sql);
    names = [raw?.[1] ?? null];
  }
  return names.filter((n): n is string => n !== null);
}
