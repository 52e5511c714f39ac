import type { Statement } from 'better-sqlite3';
import type { Db } from './database';

/**
 * Prepared statements of one repository, each prepared the first time it is used and then kept: a repository method
 * on a hot path (a scan, an audit append) costs a lookup, not a parse. Statements are keyed by their text, so a
 * statement built from a bounded set of fragments (a filter's WHERE clause) is prepared once per shape.
 *
 * A statement is prepared lazily, not in the repository's constructor, so a repository can be built before the
 * migrations that create its tables have run (tests of old schemas do this).
 */
export type Statements = (sql: string) => Statement;

export function statements(db: Db): Statements {
  const prepared = new Map<string, Statement>();
  return (sql) => {
    let statement = prepared.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      prepared.set(sql, statement);
    }
    return statement;
  };
}
