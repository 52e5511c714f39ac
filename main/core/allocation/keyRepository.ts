import type { Db } from '../db/database';
import { statements, type Statements } from '../db/statements';
import type { PasswordSealed, UserWrap } from '../crypto/keyCustody';

export const EMERGENCY_HOLDER = 'emergency';
export const userHolder = (userId: number) => `user:${userId}`;

/** All SQL about key pairs and wrapped allocation keys (user_keys, key_wraps). */
export class KeyRepository {
  private readonly sql: Statements;

  constructor(db: Db) {
    this.sql = statements(db);
  }

  userKey(userId: number): { publicKey: string; sealedPrivateKey: PasswordSealed } | undefined {
    const row = this.sql('SELECT public_key, sealed_private_key FROM user_keys WHERE user_id = ?').get(userId) as
      | { public_key: string; sealed_private_key: string }
      | undefined;
    return row && { publicKey: row.public_key, sealedPrivateKey: JSON.parse(row.sealed_private_key) as PasswordSealed };
  }

  saveUserKey(userId: number, publicKey: string, sealedPrivateKey: PasswordSealed, createdAt: string): void {
    this.sql(
        `INSERT INTO user_keys (user_id, public_key, sealed_private_key, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(user_id) DO UPDATE SET public_key = excluded.public_key, sealed_private_key = excluded.sealed_private_key,
           created_at = excluded.created_at`,
      )
      .run(userId, publicKey, JSON.stringify(sealedPrivateKey), createdAt);
  }

  resealUserKey(userId: number, sealedPrivateKey: PasswordSealed): void {
    this.sql('UPDATE user_keys SET sealed_private_key = ? WHERE user_id = ?').run(JSON.stringify(sealedPrivateKey), userId);
  }

  deleteUserKey(userId: number): void {
    this.sql('DELETE FROM user_keys WHERE user_id = ?').run(userId);
  }

  userWrap(userId: number): UserWrap | undefined {
    const row = this.sql('SELECT wrap_json FROM key_wraps WHERE holder = ?').get(userHolder(userId)) as { wrap_json: string } | undefined;
    return row && (JSON.parse(row.wrap_json) as UserWrap);
  }

  emergencyWrap(): PasswordSealed | undefined {
    const row = this.sql('SELECT wrap_json FROM key_wraps WHERE holder = ?').get(EMERGENCY_HOLDER) as { wrap_json: string } | undefined;
    return row && (JSON.parse(row.wrap_json) as PasswordSealed);
  }

  saveWrap(holder: string, userId: number | null, wrap: unknown, grantedBy: number | null, createdAt: string): void {
    this.sql(
        `INSERT INTO key_wraps (holder, user_id, wrap_json, granted_by, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(holder) DO UPDATE SET wrap_json = excluded.wrap_json, granted_by = excluded.granted_by, created_at = excluded.created_at`,
      )
      .run(holder, userId, JSON.stringify(wrap), grantedBy, createdAt);
  }

  deleteUserWrap(userId: number): boolean {
    return this.sql('DELETE FROM key_wraps WHERE holder = ?').run(userHolder(userId)).changes > 0;
  }

  isSetUp(): boolean {
    return this.emergencyWrap() !== undefined;
  }

  holders(): Array<{ userId: number; grantedBy: number | null; createdAt: string }> {
    return this.sql("SELECT user_id AS userId, granted_by AS grantedBy, created_at AS createdAt FROM key_wraps WHERE user_id IS NOT NULL ORDER BY created_at")
      .all() as Array<{ userId: number; grantedBy: number | null; createdAt: string }>;
  }
}
