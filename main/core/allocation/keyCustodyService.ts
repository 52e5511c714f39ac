import type { StudyRoles } from '../delegations/studyRole';
import type { KeyObject } from 'node:crypto';
import { issue, VeilError } from '../../../shared/errors';
import { ROLE_IS_BLINDED, type Role } from '../../../shared/roles';
import type { AuditActor, AuditTrail } from '../audit/auditTrail';
import type { CredentialCheck } from '../auth/credentialCheck';
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
  type UserKeyPair,
} from '../crypto/keyCustody';
import type { Store } from '../db/store';
import { inStudy } from '../study/callStudy';
import { NO_STUDY, type StudyScope } from '../study/studyScope';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { UserRepository, UserRow } from '../users/userRepository';
import { EMERGENCY_HOLDER, KeyRepository, userHolder } from './keyRepository';

/** What an unblinded user's key pair becomes when they set a password of their own. */
export type KeyPairForNewPassword = { kind: 'none' } | { kind: 'resealed'; sealed: PasswordSealed } | { kind: 'new'; pair: UserKeyPair };

/** What a login or unlock of a key holder has open for a moment: their private key and the allocation key. */
export interface KeyOpened {
  /** The study whose key was opened. */
  studyId: number;
  userId: number;
  username: string;
  privateKey: KeyObject;
  publicKey: string;
  dataKey: Buffer;
}

/**
 * Who may hold a study's allocation data key, and the only code that wraps or unwraps it (DESIGN.md section 3.3).
 * Each study has its own key (migration 22): wrapped for the unblinded users delegated to it and under its own
 * code-break passphrase; a session holds the key of each study it opened, and a call is given the current study's only.
 * Key pairs exist for unblinded roles only; a blinded session never unwraps anything. A key pair is only ever made
 * under a password the user chose (section 3, invariant 6): never under a temporary password an administrator set,
 * since that administrator could then open the key once a colleague grants access.
 */
export class KeyCustodyService {
  constructor(
    private readonly store: Store,
    private readonly keys: KeyRepository,
    private readonly users: UserRepository,
    private readonly sessions: SessionTable,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly clock: Clock,
    private readonly credentials: CredentialCheck,
    private readonly studyRoles: StudyRoles,
    private readonly study: StudyScope,
  ) {}

  /**
   * Whether the user's role in the current study today is an unblinded one: the only people the key may be granted to.
   * The account's role is not enough (an account made unblinded may be delegated a blinded role in this study).
   */
  async unblindedInStudy(user: UserRow): Promise<boolean> {
    const { role } = await this.studyRoles.of(user);
    return role !== undefined && !ROLE_IS_BLINDED[role];
  }

  static needsKeyPair(role: Role): boolean {
    return !ROLE_IS_BLINDED[role];
  }

  /**
   * After a login or unlock with the password: the session gets the data key of each study whose wrap the user holds
   * and in which they are unblinded today (an account made unblinded but delegated a blinded role in a study gets
   * none of that study). An unblinded account whose own password has no key pair yet (an account from before key
   * custody) gets one now. Under a temporary password nothing is made or opened: the router lets that session do
   * nothing but change it.
   */
  async openForSession(windowId: string, user: UserRow, password: string): Promise<void> {
    if (!KeyCustodyService.needsKeyPair(user.role) || user.mustChangePassword) return;
    const stored = await this.keys.userKey(user.id);
    if (!stored) {
      await this.saveKeyPair(user.id, await createUserKeyPair(user.id, password));
      return;
    }
    const unblindedIn = new Set((await this.studyRoles.studiesOf(user)).filter((s) => !ROLE_IS_BLINDED[s.role]).map((s) => s.id));
    const held = (await this.keys.wrapsOfUser(user.id)).filter((w) => unblindedIn.has(w.studyId));
    if (held.length === 0) return;
    const privateKey = await openUserPrivateKey(user.id, password, stored.sealedPrivateKey);
    for (const { studyId, wrap } of held) {
      const dataKey = unwrapForUser(wrap, user.id, privateKey, stored.publicKey);
      this.sessions.holdKey(windowId, studyId, dataKey);
      // The listeners work in the study whose key was opened.
      for (const listener of this.keyOpenedListeners) {
        await inStudy(studyId, () => listener({ studyId, userId: user.id, username: user.username, privateKey, publicKey: stored.publicKey, dataKey }));
      }
    }
  }

  private readonly keyOpenedListeners: Array<(opened: KeyOpened) => void | Promise<void>> = [];

  /**
   * Work that needs a user's private key and the allocation key together, done the moment a login or unlock opens them
   * (sealing what an upgrade could not: see BlockSealing). The keys are not kept.
   */
  whenKeyOpened(listener: (opened: KeyOpened) => void | Promise<void>): void {
    this.keyOpenedListeners.push(listener);
  }

  /**
   * The user sets a password of their own. Replacing a password they chose, the private key follows it (resealed; the
   * wrap is unchanged). Replacing a temporary one, this is where the key pair is made, under the new password; a pair
   * found under the temporary password (none should exist) is never carried over. Prepared before the transaction
   * (scrypt is slow); saved inside it by saveKeyPairForNewPassword.
   */
  async keyPairForNewPassword(user: UserRow, currentPassword: string, newPassword: string): Promise<KeyPairForNewPassword> {
    if (!KeyCustodyService.needsKeyPair(user.role)) return { kind: 'none' };
    const stored = await this.keys.userKey(user.id);
    if (stored && !user.mustChangePassword) {
      return { kind: 'resealed', sealed: await resealUserPrivateKey(user.id, currentPassword, newPassword, stored.sealedPrivateKey) };
    }
    return { kind: 'new', pair: await createUserKeyPair(user.id, newPassword) };
  }

  async saveKeyPairForNewPassword(userId: number, change: KeyPairForNewPassword): Promise<void> {
    if (change.kind === 'resealed') await this.keys.resealUserKey(userId, change.sealed);
    if (change.kind === 'new') {
      // A wrap made for another pair could not be opened by this one anyway, in any study.
      await this.keys.deleteUserWraps(userId);
      await this.saveKeyPair(userId, change.pair);
    }
  }

  private async saveKeyPair(userId: number, pair: UserKeyPair): Promise<void> {
    await this.keys.saveUserKey(userId, pair.publicKey, pair.sealedPrivateKey, isoUtc(this.clock.now()));
  }

  /**
   * An administrator reset the password: the key pair and every wrap made for it, in every study, are deleted, so nothing is left
   * that the temporary password or the old one could open. The user makes a new pair when they choose their own
   * password, and an unblinded colleague grants access again. Returns whether access was lost.
   */
  async revokeOnReset(userId: number): Promise<boolean> {
    const hadAccess = (await this.keys.deleteUserWraps(userId)).length > 0;
    await this.keys.deleteUserKey(userId);
    return hadAccess;
  }

  /** Access can be granted to a user only once they have a key pair made under a password of their own. */
  async canBeGranted(user: UserRow): Promise<boolean> {
    return KeyCustodyService.needsKeyPair(user.role) && !user.mustChangePassword && (await this.keys.userKey(user.id)) !== undefined;
  }

  isSetUp(): Promise<boolean> {
    return this.keys.isSetUp();
  }

  /** Whether the user holds the current study's key. */
  async hasAccess(userId: number): Promise<boolean> {
    return (await this.keys.userWrap(userId)) !== undefined;
  }

  /** The current study's data key in this window's session: never another study's. */
  keyOf(windowId: string): Buffer | null {
    return this.sessions.keyOf(windowId, this.study.id());
  }

  /** The current study's data key of this window's session, or a clear refusal. */
  async requireKey(windowId: string): Promise<Buffer> {
    const key = this.keyOf(windowId);
    if (key) return key;
    throw await this.withoutKey();
  }

  /** Why a call of the current study has no key: the study's key is not set up yet, or this session does not hold it. */
  async withoutKey(): Promise<VeilError> {
    return (await this.keys.isSetUp()) ? VeilError.says('forbidden', { key: 'allocation.sessionWithoutKey' }) : VeilError.says('conflict', { key: 'allocation.keyNotSetUp' });
  }

  /**
   * Study set-up: a new random data key for the current study, wrapped for the signer and for emergency code-break.
   * Returns the code-break passphrase, shown once for printing; Veil keeps no copy of it. A key belongs to a study, so
   * the study is loaded first.
   */
  async setUp(windowId: string, signer: Signer): Promise<{ codeBreakPassphrase: string; signatureId: number }> {
    const studyId = this.study.id();
    if (studyId === NO_STUDY) throw VeilError.says('conflict', { key: 'allocation.loadStudyFirst' });
    if (await this.keys.isSetUp()) throw VeilError.says('conflict', { key: 'allocation.keyAlreadySetUp' });
    const stored = await this.keys.userKey(signer.userId);
    if (!stored) throw VeilError.says('conflict', { key: 'allocation.keyPairMissing' });
    const dataKey = newDataKey();
    const passphrase = generateCodeBreakPassphrase();
    const emergency = await wrapForEmergency(dataKey, passphrase);
    const mine = wrapForUser(dataKey, signer.userId, stored.publicKey);
    const now = isoUtc(this.clock.now());
    const signatureId = await this.store.transaction(async () => {
      if (await this.keys.isSetUp()) throw VeilError.says('conflict', { key: 'allocation.keyAlreadySetUp' });
      await this.keys.saveWrap(EMERGENCY_HOLDER, null, emergency, signer.userId, now);
      await this.keys.saveWrap(userHolder(signer.userId), signer.userId, mine, signer.userId, now);
      const record = { action: 'allocation.key_set_up', holders: [userHolder(signer.userId), EMERGENCY_HOLDER], at: now };
      const signature = await this.signatures.record(signer, 'allocation_key', 'study', record);
      await this.audit.append(
        { userId: signer.userId, username: signer.username },
        { action: 'allocation.key_set_up', entityType: 'allocation_key', entityId: 'study', after: { holders: record.holders }, signatureId: signature.id },
      );
      return signature.id;
    });
    this.sessions.holdKey(windowId, studyId, dataKey);
    return { codeBreakPassphrase: passphrase, signatureId };
  }

  /** An unblinded user holding the study's key grants it to another user unblinded in the study (without their password). */
  async grant(windowId: string, signer: Signer, targetUserId: number, reason: string): Promise<{ signatureId: number }> {
    const dataKey = await this.requireKey(windowId);
    const target = await this.users.byId(targetUserId);
    if (!target) throw VeilError.says('not_found', { key: 'users.noSuchUser', params: { id: targetUserId } });
    if (!target.active) throw VeilError.says('conflict', { key: 'allocation.targetDeactivated', params: { name: target.displayName } });
    if (!(await this.unblindedInStudy(target))) {
      throw VeilError.says('forbidden', { key: 'allocation.blindedTarget', params: { name: target.displayName } });
    }
    // A user without a key pair of their own is refused inside (wrapFor), before anything commits.
    return this.store.transaction(async () => {
      const signature = await this.signatures.record(signer, 'key_access', String(target.id), { action: 'allocation.access_granted', to: target.username, at: isoUtc(this.clock.now()) });
      await this.wrapFor(dataKey, target, { userId: signer.userId, username: signer.username }, signature.id, reason);
      return { signatureId: signature.id };
    });
  }

  /**
   * The current study's key wrapped for a user who may hold it (own key pair), in the caller's unit of work and under
   * the caller's signature: a grant on its own, or an unblinded delegation given with its key (DelegationService).
   * Audited as a grant; a user who held it already gets a fresh wrap.
   */
  async wrapFor(dataKey: Buffer, target: UserRow, grantedBy: AuditActor & { userId: number }, signatureId: number, reason: string): Promise<void> {
    const stored = await this.keys.userKey(target.id);
    if (!stored || !(await this.canBeGranted(target))) {
      throw VeilError.says('conflict', { key: 'allocation.mustChooseOwnPassword', params: { name: target.displayName } });
    }
    const had = (await this.keys.userWrap(target.id)) !== undefined;
    await this.keys.saveWrap(userHolder(target.id), target.id, wrapForUser(dataKey, target.id, stored.publicKey), grantedBy.userId, isoUtc(this.clock.now()));
    await this.audit.append(grantedBy, {
      action: 'allocation.access_granted',
      entityType: 'user',
      entityId: target.username,
      before: { access: had },
      after: { access: true },
      reason,
      signatureId,
    });
  }

  /**
   * The wraps of the current study whose holder has no unblinded role in it today or to come: their role reached its
   * last day (a role ended early, or replaced at once, took its wrap back then). Deleted, each with an event naming the
   * study and the user, so that a former unblinded user's password opens nothing of the study, even in a copy of the
   * file. Run by the core's sweep with the expiry sweep (start-up, then hourly); returns the users' names.
   */
  async takeBackLapsed(): Promise<string[]> {
    const studyId = this.study.id();
    if (studyId === NO_STUDY) return [];
    return this.store.transaction(async () => {
      const lapsed: string[] = [];
      for (const { userId } of await this.keys.holders()) {
        if (await this.studyRoles.unblindedNowOrLater(userId, { id: studyId })) continue;
        const user = await this.users.byId(userId);
        await this.keys.deleteUserWrap(userId);
        const username = user?.username ?? `user ${userId}`;
        await this.audit.append(
          { userId: null, username: 'system' },
          { action: 'allocation.access_lapsed', entityType: 'user', entityId: username, before: { access: true }, after: { access: false }, reason: 'No unblinded role in the study any more: its delegation reached its last day', source: 'system' },
        );
        lapsed.push(username);
      }
      return lapsed;
    });
  }

  /**
   * The current study's key taken from a user whose unblinded role in it has ended (or become a blinded one), in the
   * caller's unit of work: the wrap is deleted, so a copy of the database and the user's password open nothing of this
   * study any more. Returns whether they held it (the caller's event says so).
   */
  async takeBack(userId: number): Promise<boolean> {
    return this.keys.deleteUserWrap(userId);
  }

  /**
   * Emergency code-break: the passphrase from the sealed envelope opens the data key for one use. Wrong passphrases
   * are counted for the study (whoever types them) and for the user, through the one credential check.
   */
  async openWithPassphrase(passphrase: string, by: AuditActor & { userId: number }, study: string, windowId: string | null): Promise<Buffer> {
    const wrap = await this.keys.emergencyWrap();
    if (!wrap) throw VeilError.says('conflict', { key: 'allocation.keyNotSetUp' });
    return this.credentials.codeBreakPassphrase(
      study,
      by,
      windowId,
      async () => {
        try {
          return await unwrapForEmergency(wrap, passphrase);
        } catch (error) {
          if (error instanceof WrongSecretError) return null;
          throw error;
        }
      },
      () =>
        VeilError.says('validation', { key: 'codeBreak.wrongPassphrase' }, [issue(['passphrase'], { key: 'codeBreak.wrongPassphraseShort' })]),
    );
  }
}
