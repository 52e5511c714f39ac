import type { KeyObject } from 'node:crypto';
import { VeilError } from '../../../shared/errors';
import { ROLE_IS_BLINDED, type Role } from '../../../shared/roles';
import type { AuditTrail } from '../audit/auditTrail';
import type { SessionTable } from '../auth/sessions';
import { isoUtc, type Clock } from '../clock';
import {
  createUserKeyPair,
  generateCodeBreakPassphrase,
  newDataKey,
  openUserPrivateKey,
  resealUserPrivateKey,
  unwrapForEmergency,
  unwrapForUser,
  wrapForEmergency,
  wrapForUser,
  WrongSecretError,
  type PasswordSealed,
} from '../crypto/keyCustody';
import type { Db } from '../db/database';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { UserRepository } from '../users/userRepository';
import { EMERGENCY_HOLDER, KeyStore, userHolder } from './keyStore';

/** What a login or unlock of a key holder has open for a moment: their private key and the allocation key. */
export interface KeyOpened {
  userId: number;
  privateKey: KeyObject;
  publicKey: string;
  dataKey: Buffer;
}

/**
 * Who may hold the allocation data key, and the only code that wraps or unwraps it (DESIGN.md section 3.3).
 * Key pairs exist for unblinded roles only; a blinded session never unwraps anything.
 */
export class KeyCustodyService {
  constructor(
    private readonly db: Db,
    private readonly keys: KeyStore,
    private readonly users: UserRepository,
    private readonly sessions: SessionTable,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly clock: Clock,
  ) {}

  static needsKeyPair(role: Role): boolean {
    return !ROLE_IS_BLINDED[role];
  }

  /** A fresh key pair sealed under the given (possibly temporary) password; run inside the user's write transaction. */
  async prepareKeyPair(userId: number, password: string) {
    return createUserKeyPair(userId, password);
  }

  saveKeyPair(userId: number, pair: { publicKey: string; sealedPrivateKey: PasswordSealed }): void {
    this.keys.saveUserKey(userId, pair.publicKey, pair.sealedPrivateKey, isoUtc(this.clock.now()));
  }

  /**
   * After a login or unlock with the password: an unblinded user holding a wrap gets the data key in the session.
   * A user without a key pair yet (created before key custody existed) gets one now.
   */
  async openForSession(windowId: string, userId: number, role: Role, password: string): Promise<void> {
    if (!KeyCustodyService.needsKeyPair(role)) return;
    const stored = this.keys.userKey(userId);
    if (!stored) {
      this.saveKeyPair(userId, await createUserKeyPair(userId, password));
      return;
    }
    const wrap = this.keys.userWrap(userId);
    if (!wrap) return;
    const privateKey = await openUserPrivateKey(userId, password, stored.sealedPrivateKey);
    const dataKey = unwrapForUser(wrap, userId, privateKey, stored.publicKey);
    this.sessions.holdKey(windowId, dataKey);
    for (const listener of this.keyOpenedListeners) listener({ userId, privateKey, publicKey: stored.publicKey, dataKey });
  }

  private readonly keyOpenedListeners: Array<(opened: KeyOpened) => void> = [];

  /**
   * Work that needs a user's private key and the allocation key together, done the moment a login or unlock opens them
   * (sealing what an upgrade could not: see BlockSealing). The keys are not kept.
   */
  whenKeyOpened(listener: (opened: KeyOpened) => void): void {
    this.keyOpenedListeners.push(listener);
  }

  /** The user changed their own password: the private key follows it (the wrap is unchanged). */
  async resealForNewPassword(userId: number, oldPassword: string, newPassword: string) {
    const stored = this.keys.userKey(userId);
    return stored ? resealUserPrivateKey(userId, oldPassword, newPassword, stored.sealedPrivateKey) : undefined;
  }

  saveResealed(userId: number, sealed: PasswordSealed): void {
    this.keys.resealUserKey(userId, sealed);
  }

  /**
   * An administrator reset the password: the old private key is unreachable, so access is removed and a new key pair
   * is made under the temporary password; an unblinded user must grant access again. Returns whether access was lost.
   */
  revokeOnReset(userId: number, newPair: { publicKey: string; sealedPrivateKey: PasswordSealed } | null): boolean {
    const hadAccess = this.keys.deleteUserWrap(userId);
    if (newPair) this.saveKeyPair(userId, newPair);
    else this.keys.deleteUserKey(userId);
    return hadAccess;
  }

  isSetUp(): boolean {
    return this.keys.isSetUp();
  }

  hasAccess(userId: number): boolean {
    return this.keys.userWrap(userId) !== undefined;
  }

  /** The data key of this window's session, or a clear refusal. */
  requireKey(windowId: string): Buffer {
    const key = this.sessions.keyOf(windowId);
    if (key) return key;
    if (!this.keys.isSetUp()) throw new VeilError('conflict', 'The allocation key is not set up yet: set up the study first.');
    throw new VeilError(
      'forbidden',
      'This session does not hold the allocation key. If you were just granted access, log out and log in again; otherwise ask an unblinded colleague to grant you access.',
    );
  }

  /**
   * Study set-up: a new random data key, wrapped for the signer and for emergency code-break. Returns the
   * code-break passphrase, shown once for printing; Veil keeps no copy of it.
   */
  async setUp(windowId: string, signer: Signer): Promise<{ codeBreakPassphrase: string; signatureId: number }> {
    if (this.keys.isSetUp()) throw new VeilError('conflict', 'The allocation key is already set up for this study.');
    const stored = this.keys.userKey(signer.userId);
    if (!stored) throw new VeilError('conflict', 'Your key pair is missing: log out and log in again, then retry.');
    const dataKey = newDataKey();
    const passphrase = generateCodeBreakPassphrase();
    const emergency = await wrapForEmergency(dataKey, passphrase);
    const mine = wrapForUser(dataKey, signer.userId, stored.publicKey);
    const now = isoUtc(this.clock.now());
    const signatureId = this.db.transaction(() => {
      if (this.keys.isSetUp()) throw new VeilError('conflict', 'The allocation key is already set up for this study.');
      this.keys.saveWrap(EMERGENCY_HOLDER, null, emergency, signer.userId, now);
      this.keys.saveWrap(userHolder(signer.userId), signer.userId, mine, signer.userId, now);
      const record = { action: 'allocation.key_set_up', holders: [userHolder(signer.userId), EMERGENCY_HOLDER], at: now };
      const signature = this.signatures.record(signer, 'allocation_key', 'study', record);
      this.audit.append(
        { userId: signer.userId, username: signer.username },
        { action: 'allocation.key_set_up', entityType: 'allocation_key', entityId: 'study', after: { holders: record.holders }, signatureId: signature.id },
      );
      return signature.id;
    })();
    this.sessions.holdKey(windowId, dataKey);
    return { codeBreakPassphrase: passphrase, signatureId };
  }

  /** An unblinded user holding the key grants it to another unblinded user (without their password). */
  grant(windowId: string, signer: Signer, targetUserId: number, reason: string): { signatureId: number } {
    const dataKey = this.requireKey(windowId);
    const target = this.users.byId(targetUserId);
    if (!target) throw new VeilError('not_found', `There is no user with id ${targetUserId}.`);
    if (!target.active) throw new VeilError('conflict', `${target.displayName} is deactivated.`);
    if (ROLE_IS_BLINDED[target.role]) {
      throw new VeilError('forbidden', `${target.displayName} has a blinded role and can never receive the allocation key.`);
    }
    const stored = this.keys.userKey(target.id);
    if (!stored) throw new VeilError('conflict', `${target.displayName} must log in once before access can be granted.`);
    const wrap = wrapForUser(dataKey, target.id, stored.publicKey);
    const now = isoUtc(this.clock.now());
    return this.db.transaction(() => {
      const had = this.keys.userWrap(target.id) !== undefined;
      this.keys.saveWrap(userHolder(target.id), target.id, wrap, signer.userId, now);
      const signature = this.signatures.record(signer, 'key_access', String(target.id), { action: 'allocation.access_granted', to: target.username, at: now });
      this.audit.append(
        { userId: signer.userId, username: signer.username },
        {
          action: 'allocation.access_granted',
          entityType: 'user',
          entityId: target.username,
          before: { access: had },
          after: { access: true },
          reason,
          signatureId: signature.id,
        },
      );
      return { signatureId: signature.id };
    })();
  }

  /** Emergency code-break: the passphrase from the sealed envelope opens the data key for one use. */
  async openWithPassphrase(passphrase: string): Promise<Buffer> {
    const wrap = this.keys.emergencyWrap();
    if (!wrap) throw new VeilError('conflict', 'The allocation key is not set up yet.');
    try {
      return await unwrapForEmergency(wrap, passphrase);
    } catch (error) {
      if (error instanceof WrongSecretError) {
        throw new VeilError('validation', 'This code-break passphrase is wrong. Check it against the sealed envelope.', [
          { path: ['passphrase'], message: 'Wrong passphrase' },
        ]);
      }
      throw error;
    }
  }
}
