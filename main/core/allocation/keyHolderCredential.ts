import { VeilError } from '../../../shared/errors';
import { verifyPassword } from '../auth/passwords';
import { openUserPrivateKey, unwrapForUser, WrongSecretError } from '../crypto/keyCustody';
import type { Db } from '../db/database';
import { sqliteStore, type Store } from '../db/store';
import { UserRepository } from '../users/userRepository';
import { KeyRepository } from './keyRepository';

/**
 * The allocation key opened outside any session, from a key holder's username and password, for `veil verify` to
 * authenticate every sealed value of a database file (read-only: nothing is written, no session is opened). It
 * gives nothing that a copy of the file and the password would not give offline anyway; the key is the caller's to
 * wipe once done.
 */
export async function openAllocationKeyAsHolder(db: Db, username: string, password: string): Promise<Buffer> {
  const store = sqliteStore(db);
  try {
    return await openAsHolder(store, username, password);
  } finally {
    await store.close();
  }
}

/** The same, over a Store already open on the database (a read-only PostgreSQL connection: `veil verify --database`). */
export function openAllocationKeyFromStore(store: Store, username: string, password: string): Promise<Buffer> {
  return openAsHolder(store, username, password);
}

async function openAsHolder(store: Store, username: string, password: string): Promise<Buffer> {
  const user = await new UserRepository(store).byUsername(username.trim().toLowerCase());
  if (!user || !user.active || !(await verifyPassword(password, user.passwordHash))) {
    throw new VeilError('unauthenticated', 'Wrong username or password: no sealed value was checked.');
  }
  const keys = new KeyRepository(store);
  const pair = await keys.userKey(user.id);
  const wrap = await keys.userWrap(user.id);
  if (!pair || !wrap) {
    throw new VeilError('forbidden', `${user.username} does not hold the allocation key (a blinded role, or access not granted yet): give the username of an unblinded key holder.`);
  }
  try {
    const privateKey = await openUserPrivateKey(user.id, password, pair.sealedPrivateKey);
    return unwrapForUser(wrap, user.id, privateKey, pair.publicKey);
  } catch (error) {
    if (error instanceof WrongSecretError) {
      throw new VeilError('conflict', `The key of ${user.username} does not open: their sealed key pair or access wrap is damaged or was altered. Try another key holder, and report this.`);
    }
    throw error;
  }
}
