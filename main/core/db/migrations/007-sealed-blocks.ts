import { randomBytes } from 'node:crypto';
import { seal, sealedField } from '../../crypto/allocationCipher';
import { wrapTransitionKeyForUser } from '../../crypto/keyCustody';
import type { Migration } from './migration';

/** Step 7. Released: never edit (tests/integration/migrationChecksums.test.ts); add a new step instead. */
export const step07: Migration = {
  /**
   * Issue 10, finding 5: with blocks of 3 at 2:1, one emergency unblinding tells the other two arms of its block, so
   * the block is sealed like the arm (AES-256-GCM, associated data "slot:<number>:block"). The allocation key is not
   * open while a schema is upgraded, so the plain blocks of an existing database are sealed here under a one-time
   * transition key, itself wrapped for each user who holds the allocation key (to their public key, as a grant
   * does); the first of them to log in reseals the blocks under the allocation key and the transition key is
   * deleted (BlockSealing, audited). From this step on, no block is readable in the file, by anyone, and none is lost.
   * A database whose allocation key nobody holds any more (every holder reset) cannot be sealed for anyone: its
   * blocks wait, in a table no channel reads, for the first session that opens the key, rather than being destroyed.
   * The plain column is dropped with secure_delete on, and the upgrade ends with a checkpoint that empties the WAL.
   */
  description: 'randomization blocks sealed like arms; plain blocks of an upgraded database sealed for the key holders',
  sqlite(db) {
    db.pragma('secure_delete = ON');
    db.exec(`
      ALTER TABLE randomization_slots ADD COLUMN block_sealed TEXT;
      CREATE TABLE blocks_in_transition (
        randomization_number TEXT PRIMARY KEY REFERENCES randomization_slots (randomization_number),
        sealed TEXT,
        plain TEXT,
        CHECK ((sealed IS NULL) <> (plain IS NULL))
      ) STRICT;
      CREATE TABLE block_transition_wraps (
        user_id INTEGER PRIMARY KEY REFERENCES users (id),
        wrap_json TEXT NOT NULL
      ) STRICT;
    `);
    const slots = db.prepare('SELECT randomization_number AS n, block FROM randomization_slots').all() as Array<{ n: string; block: string }>;
    if (slots.length > 0) {
      const holders = db
        .prepare('SELECT w.user_id AS userId, k.public_key AS publicKey FROM key_wraps w JOIN user_keys k ON k.user_id = w.user_id WHERE w.user_id IS NOT NULL')
        .all() as Array<{ userId: number; publicKey: string }>;
      const keep = db.prepare('INSERT INTO blocks_in_transition (randomization_number, sealed, plain) VALUES (?, ?, ?)');
      if (holders.length > 0) {
        const transitionKey = randomBytes(32);
        try {
          for (const slot of slots) keep.run(slot.n, seal(transitionKey, slot.block, sealedField.slotBlock(slot.n)), null);
          const wrap = db.prepare('INSERT INTO block_transition_wraps (user_id, wrap_json) VALUES (?, ?)');
          for (const h of holders) wrap.run(h.userId, JSON.stringify(wrapTransitionKeyForUser(transitionKey, h.userId, h.publicKey)));
        } finally {
          transitionKey.fill(0);
        }
      } else {
        for (const slot of slots) keep.run(slot.n, null, slot.block);
      }
    }
    db.exec('ALTER TABLE randomization_slots DROP COLUMN block');
  },
  async postgres(client) {
    // The same step as on SQLite. PostgreSQL has no secure_delete: a dropped column's values stay in dead row versions
    // until VACUUM rewrites the table, so VACUUM FULL rewrites the table once the step has committed.
    await client.query(`
      ALTER TABLE randomization_slots ADD COLUMN block_sealed text;
      CREATE TABLE blocks_in_transition (
        randomization_number text PRIMARY KEY REFERENCES randomization_slots (randomization_number),
        sealed text,
        plain text,
        CHECK ((sealed IS NULL) <> (plain IS NULL))
      );
      CREATE TABLE block_transition_wraps (
        user_id integer PRIMARY KEY REFERENCES users (id),
        wrap_json text NOT NULL
      );
    `);
    const slots = (await client.query<{ n: string; block: string }>('SELECT randomization_number AS n, block FROM randomization_slots')).rows;
    if (slots.length > 0) {
      const holders = (
        await client.query<{ userId: number; publicKey: string }>(
          'SELECT w.user_id AS "userId", k.public_key AS "publicKey" FROM key_wraps w JOIN user_keys k ON k.user_id = w.user_id WHERE w.user_id IS NOT NULL',
        )
      ).rows;
      const keep = 'INSERT INTO blocks_in_transition (randomization_number, sealed, plain) VALUES ($1, $2, $3)';
      if (holders.length > 0) {
        const transitionKey = randomBytes(32);
        try {
          for (const slot of slots) await client.query(keep, [slot.n, seal(transitionKey, slot.block, sealedField.slotBlock(slot.n)), null]);
          for (const h of holders) {
            await client.query('INSERT INTO block_transition_wraps (user_id, wrap_json) VALUES ($1, $2)', [h.userId, JSON.stringify(wrapTransitionKeyForUser(transitionKey, h.userId, h.publicKey))]);
          }
        } finally {
          transitionKey.fill(0);
        }
      } else {
        for (const slot of slots) await client.query(keep, [slot.n, null, slot.block]);
      }
    }
    await client.query('ALTER TABLE randomization_slots DROP COLUMN block');
  },
  postgresAfterCommit: ['VACUUM FULL randomization_slots'],
};
