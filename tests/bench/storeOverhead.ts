/**
 * What the async query layer costs on SQLite (issue 13: SQLite figures must stay within 1.1x of the synchronous
 * repositories). One indexed kit read, the hot read of a scan, five ways, alternated in rounds on the same file:
 *   today   - better-sqlite3, statement prepared per call (the repositories as they are)
 *   cached  - better-sqlite3, statement prepared once
 *   store   - Kysely through the Store: build, compile, run on a cached statement, awaited
 *   compiled- a query compiled once, run through the Store, awaited
 *   prepared- the same through store.prepare (how repositories write hot queries)
 *   unit    - the store read inside a unit of work (BEGIN IMMEDIATE ... COMMIT around it)
 * Prints microseconds per read (median of rounds) and each as a ratio to `today`. Run: npx tsx tests/bench/storeOverhead.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery } from 'kysely';
import { openDatabase } from '../../main/core/db/database';
import { sqliteStore } from '../../main/core/db/store';

const KITS = 5000;
const READS = 2000;
const ROUNDS = 9;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'veil-store-bench-'));
  const db = openDatabase(join(dir, 'bench.db'));
  db.exec(`INSERT INTO users (id, username, display_name, role, password_hash, created_at) VALUES (1, 'p', 'P', 'unblinded_pharmacist', 'x', 'now');
           INSERT INTO signatures (id, user_id, printed_name, meaning, signed_at_utc, record_type, record_id, record_hash) VALUES (1, 1, 'P', 'm', 'now', 't', '1', 'h');
           INSERT INTO studies (id, code, config_json, loaded_at) VALUES (1, 'S', '{}', 'now');
           INSERT INTO list_imports (id, kind, file_name, sha256, row_count, imported_at, user_id, signature_id, study_id) VALUES (1, 'kits', 'k', 's', ${KITS}, 'now', 1, 1, 1);`);
  const insert = db.prepare("INSERT INTO kits (kit_number, arm_sealed, lot_sealed, expiry_sealed, blinded_lot, use_before, status, import_id, study_id) VALUES (?, 'a', 'l', 'e', 'BL', '2027-06-30', 'available', 1, 1)");
  db.transaction(() => {
    for (let i = 0; i < KITS; i++) insert.run(String(100000 + i));
  })();
  const store = sqliteStore(db);
  const sql = 'SELECT kit_number AS kitNumber, status, blinded_lot AS blindedLot, use_before AS useBefore, serial FROM kits WHERE study_id = 1 AND kit_number = ?';
  const cached = db.prepare(sql);
  const kit = (i: number) => String(100000 + ((i * 7919) % KITS));
  const viaStore = (k: string) =>
    store.q().selectFrom('kits').select(['kit_number as kitNumber', 'status', 'blinded_lot as blindedLot', 'use_before as useBefore', 'serial']).where('study_id', '=', 1).where('kit_number', '=', k).executeTakeFirst();

  const prepared = store.prepare((q, k: string) =>
    q.selectFrom('kits').select(['kit_number as kitNumber', 'status', 'blinded_lot as blindedLot', 'use_before as useBefore', 'serial']).where('study_id', '=', 1).where('kit_number', '=', k),
  );
  const ways: Record<string, () => Promise<void> | void> = {
    today: () => {
      for (let i = 0; i < READS; i++) db.prepare(sql).get(kit(i));
    },
    cached: () => {
      for (let i = 0; i < READS; i++) cached.get(kit(i));
    },
    store: async () => {
      for (let i = 0; i < READS; i++) await viaStore(kit(i));
    },
    compiled: async () => {
      for (let i = 0; i < READS; i++) await store.q().executeQuery(CompiledQuery.raw(sql, [kit(i)]));
    },
    prepared: async () => {
      for (let i = 0; i < READS; i++) await prepared.run(kit(i));
    },
    unit: async () => {
      for (let i = 0; i < READS; i++) await store.transaction(() => viaStore(kit(i)));
    },
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((w) => [w, []]));
  for (const w of Object.keys(ways)) await ways[w]!(); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(ways)) {
      const t0 = process.hrtime.bigint();
      await run();
      samples[name]!.push(Number(process.hrtime.bigint() - t0) / 1000 / READS);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(samples.today!);
  console.log('one indexed kit read on SQLite (5,000 kits), median of', ROUNDS, 'rounds of', READS);
  for (const [name, xs] of Object.entries(samples)) console.log(`${name.padEnd(9)} ${median(xs).toFixed(2).padStart(7)} µs   ${(median(xs) / base).toFixed(2)}x today`);
  await store.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

void main();
