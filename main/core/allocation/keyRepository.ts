import type { Store } from '../db/store';
import type { PasswordSealed, UserWrap } from '../crypto/keyCustody';
import type { StudyScope } from '../study/studyScope';

export const EMERGENCY_HOLDER = 'emergency';
export const userHolder = (userId: number) => `user:${userId}`;

/**
 * All SQL about key pairs and wrapped allocation keys (user_keys, key_wraps), on the Store (issue 13). A key pair is
 * the person's, site-wide; each study has its own allocation key (migration 22), so every wrap read or written here
 * is the scope's study's, but for the two that concern the pair itself (`wrapsOfUser`, `deleteUserWraps`).
 */
export class KeyRepository {
  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {}

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
    return (await this.store.q().selectFrom('key_wraps').select('wrap_json').where('study_id', '=', this.study.id()).where('holder', '=', holder).executeTakeFirst())?.wrap_json;
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
      .values({ study_id: this.study.id(), holder, user_id: userId, wrap_json: JSON.stringify(wrap), granted_by: grantedBy, created_at: createdAt })
      .onConflict((oc) =>
        oc.columns(['study_id', 'holder']).doUpdateSet((eb) => ({ wrap_json: eb.ref('excluded.wrap_json'), granted_by: eb.ref('excluded.granted_by'), created_at: eb.ref('excluded.created_at') })),
      )
      .execute();
  }

  /**
   * The user's wraps in every study: what their key pair opens, study by study. `veil verify` also reads files from
   * before wraps named their study (migration 22), which held one study, the first (id 1 from migration 19 on): a wrap
   * naming none is that study's, hence every column read as it is (`SELECT *`).
   */
  async wrapsOfUser(userId: number): Promise<Array<{ studyId: number; wrap: UserWrap }>> {
    const rows: Array<{ study_id?: number; wrap_json: string }> = await this.store.q().selectFrom('key_wraps').selectAll().where('holder', '=', userHolder(userId)).execute();
    return rows.map((r) => ({ studyId: r.study_id ?? 1, wrap: JSON.parse(r.wrap_json) as UserWrap })).sort((a, b) => a.studyId - b.studyId);
  }

  /**
   * Deletes the user's wraps in every study (their key pair is reset or replaced: no wrap made for the old pair can be
   * opened by the new one). Returns the studies whose key they held.
   */
  async deleteUserWraps(userId: number): Promise<number[]> {
    const rows = await this.store.q().deleteFrom('key_wraps').where('holder', '=', userHolder(userId)).returning('study_id').execute();
    return rows.map((r) => r.study_id);
  }

  /** Deletes the user's wrap of the current study only; whether there was one. */
  async deleteUserWrap(userId: number): Promise<boolean> {
    const rows = await this.store.q().deleteFrom('key_wraps').where('study_id', '=', this.study.id()).where('holder', '=', userHolder(userId)).returning('holder').execute();
    return rows.length > 0;
  }

  async isSetUp(): Promise<boolean> {
    return (await this.wrapOf(EMERGENCY_HOLDER)) !== undefined;
  }

  /** The study's key holders, in the order access was given (created_at is an ISO time: its text order is its time order on both engines). */
  async holders(): Promise<Array<{ userId: number; grantedBy: number | null; createdAt: string }>> {
    const rows = await this.store.q().selectFrom('key_wraps').select(['user_id as userId', 'granted_by as grantedBy', 'created_at as createdAt'])
      .where('study_id', '=', this.study.id())
      .where('user_id', 'is not', null)
      .execute();
    return rows
      .map((r) => ({ userId: r.userId!, grantedBy: r.grantedBy, createdAt: r.createdAt }))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }
}
