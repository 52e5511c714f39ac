import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../../main/core/db/database';
import { migrations } from '../../main/core/db/migrations';

const dir = mkdtempSync(join(tmpdir(), 'veil-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migrations', () => {
  it('bring a new database to the latest version with WAL, synchronous=FULL and foreign keys', () => {
    const db = openDatabase(join(dir, 'new.db'));
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  // Each migration N gets a case here: build version N-1 holding data, migrate, check the data survived.
  it('1: an empty file becomes version 1', () => {
    const file = join(dir, 'v0.db');
    const raw = new Database(file);
    migrate(raw, 1);
    expect(schemaVersion(raw)).toBe(1);
    raw.prepare("INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES ('a', 'A', 'monitor', 'x', 'now')").run();
    raw.close();
    const db = openDatabase(file);
    expect(db.prepare('SELECT username FROM users').all()).toEqual([{ username: 'a' }]);
    db.close();
  });

  it('refuses a database written by a newer Veil instead of damaging it', () => {
    const file = join(dir, 'future.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(/newer Veil/);
  });
});
