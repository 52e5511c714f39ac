import type { Store } from '../db/store';
import type { PasswordSealed, UserWrap } from '../crypto/keyCustody';

export const EMERGENCY_HOLDER = 'emergency';
export const userHolder = (userId: number) => `user:${userId}`;

/** All SQL about key pairs and wrapped allocation keys (user_keys, key_wraps), on the Store (issue 13). */
export class KeyRepository {
  constructor(private readonly store: Store) {}

  async userKey(userId: number): Promise<{ publicKey: string; sealedPrivateKey: PasswordSealed } | undefined> {
    const row = await this.store.q().selectFrom('user_keys').select(['public_key', 'sealed_private_key']).where('user_id', '=', userId).executeTakeFirst();
    return row && { publicKey: row.public_key, sealedPrivateKey: JSON.parse(row.sealed_private_key) as PasswordSealed };
  }

  async saveUserKey(userId: number, publicKey: string, sealedPrivateKey: PasswordSealed, createdAt: string): Promise<void> {
    await this.store
      .q()
      .insertInto('user_keys')
      .values({ user_id: userId, public_key: publicKey, sealed_private_key: JSON.stringify(sealedPrivateKey), created_at: createdAt })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet((eb) => ({
          public_key: eb.ref('excluded.public_key'),
          sealed_private_key: eb.ref('excluded.sealed_private_key'),
          created_at: eb.ref('excluded.created_at'),
        })),
      )
      .execute();
  }

  async resealUserKey(userId: number, sealedPrivateKey: PasswordSealed): Promise<void> {
    await this.store.q().updateTable('user_keys').set({ sealed_private_key: JSON.stringify(sealedPrivateKey) }).where('user_id', '=', userId).execute();
  }

  async deleteUserKey(userId: number): Promise<void> {
    await this.store.q().deleteFrom('user_keys').where('user_id', '=', userId).execute();
  }

  private async wrapOf(holder: string): Promise<string | undefined> {
    return (await this.store.q().selectFrom('key_wraps').select('wrap_json').where('holder', '=', holder).executeTakeFirst())?.wrap_json;
  }

  async userWrap(userId: number): Promise<UserWrap | undefined> {
    const json = await this.wrapOf(userHolder(userId));
    return json === undefined ? undefined : (JSON.parse(json) as UserWrap);
  }

  async emergencyWrap(): Promise<PasswordSealed | undefined> {
    const json = await this.wrapOf(EMERGENCY_HOLDER);
    return json === undefined ? undefined : (JSON.parse(json) as PasswordSealed);
  }

  async saveWrap(holder: string, userId: number | null, wrap: unknown, grantedBy: number | null, createdAt: string): Promise<void> {
    await this.store
      .q()
      .insertInto('key_wraps')
      .values({ holder, user_id: userId, wrap_json: JSON.stringify(wrap), granted_by: grantedBy, created_at: createdAt })
      .onConflict((oc) =>
        oc.column('holder').doUpdateSet((eb) => ({ wrap_json: eb.ref('excluded.wrap_json'), granted_by: eb.ref('excluded.granted_by'), created_at: eb.ref('excluded.created_at') })),
      )
      .execute();
  }

  async deleteUserWrap(userId: number): Promise<boolean> {
    const result = await this.store.q().deleteFrom('key_wraps').where('holder', '=', userHolder(userId)).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async isSetUp(): Promise<boolean> {
    return (await this.wrapOf(EMERGENCY_HOLDER)) !== undefined;
  }

  /** The key holders, in the order access was given (created_at is an ISO time: its text order is its time order on both engines). */
  async holders(): Promise<Array<{ userId: number; grantedBy: number | null; createdAt: string }>> {
    const rows = await this.store.q().selectFrom('key_wraps').select(['user_id as userId', 'granted_by as grantedBy', 'created_at as createdAt']).where('user_id', 'is not', null).execute();
    return rows
      .map((r) => ({ userId: r.userId!, grantedBy: r.grantedBy, createdAt: r.createdAt }))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }
}
