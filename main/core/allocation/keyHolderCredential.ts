import { VeilError } from '../../../shared/errors';
import { verifyPassword } from '../auth/passwords';
import { openUserPrivateKey, unwrapForUser, WrongSecretError } from '../crypto/keyCustody';
import type { Db } from '../db/database';
import { sqliteStore, type Store } from '../db/store';
import { UserRepository } from '../users/userRepository';
import { NO_STUDY, studyScope } from '../study/studyScope';
import { KeyRepository } from './keyRepository';

/**
 * The allocation keys a key holder holds, opened outside any session from their username and password, for `veil
 * verify` to authenticate every sealed value of a database file (read-only: nothing is written, no session is
 * opened). Each study has its own key (migration 22): the answer maps each study whose key they hold to that key.
 * It gives nothing that a copy of the file and the password would not give offline anyway; the keys are the
 * caller's to wipe once done.
 */
export type HeldKeys = Map<number, Buffer>;

export async function openAllocationKeysAsHolder(db: Db, username: string, password: string): Promise<HeldKeys> {
  const store = sqliteStore(db);
  try {
    return await openAsHolder(store, username, password);
  } finally {
    await store.close();
  }
}

/** The same, over a Store already open on the database (a read-only PostgreSQL connection: `veil verify --database`). */
export function openAllocationKeysFromStore(store: Store, username: string, password: string): Promise<HeldKeys> {
  return openAsHolder(store, username, password);
}

/** Zeroes every key opened. */
export function wipeHeldKeys(keys: HeldKeys | undefined): void {
  for (const key of keys?.values() ?? []) key.fill(0);
}

async function openAsHolder(store: Store, username: string, password: string): Promise<HeldKeys> {
  const user = await new UserRepository(store).byUsername(username.trim().toLowerCase());
  if (!user || !user.active || !(await verifyPassword(password, user.passwordHash))) {
    throw new VeilError('unauthenticated', 'Wrong username or password: no sealed value was checked.');
  }
  const keys = new KeyRepository(store, studyScope(NO_STUDY));
  const pair = await keys.userKey(user.id);
  const wraps = await keys.wrapsOfUser(user.id);
  if (!pair || wraps.length === 0) {
    throw new VeilError('forbidden', `${user.username} does not hold the allocation key of any study (a blinded role, or access not granted yet): give the username of an unblinded key holder.`);
  }
  const held: HeldKeys = new Map();
  try {
    const privateKey = await openUserPrivateKey(user.id, password, pair.sealedPrivateKey);
    for (const { studyId, wrap } of wraps) held.set(studyId, unwrapForUser(wrap, user.id, privateKey, pair.publicKey));
    return held;
  } catch (error) {
    wipeHeldKeys(held);
    if (error instanceof WrongSecretError) {
      throw new VeilError('conflict', `The key of ${user.username} does not open: their sealed key pair or access wrap is damaged or was altered. Try another key holder, and report this.`);
    }
    throw error;
  }
}
