import type { Db } from './database';
import type { Store } from './store';

/**
 * While the workflows move onto the Store one by one (issue 13), some services still open better-sqlite3's own
 * synchronous transactions on the same connection as the Store. That is safe on one condition: a Store unit of work
 * awaits nothing but the database, so no other request runs until it ends (its awaits are promise turns, not I/O).
 * A synchronous transaction opened inside it, in its own call chain, is a nested step of it (a savepoint) and right.
 * One opened by another request while a unit of work is open would slip its writes into a transaction that is not
 * its own: this guard refuses that, loudly, rather than let a rollback take another request's work with it.
 * It goes when the last service has moved onto the Store.
 */
export function guardLegacyTransactions(db: Db, store: Store): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: never[]) => unknown) => {
    const wrapped = transaction(fn);
    const guarded = ((...args: never[]) => {
      if (store.anyUnitOfWorkOpen() && !store.insideUnitOfWork()) {
        throw new Error("A synchronous transaction started while another request's unit of work held the connection; a Store unit of work must await nothing but the database.");
      }
      return wrapped(...args);
    }) as typeof wrapped;
    return Object.assign(guarded, { deferred: wrapped.deferred, immediate: wrapped.immediate, exclusive: wrapped.exclusive });
  }) as typeof db.transaction;
}
