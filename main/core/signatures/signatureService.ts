import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../shared/canonicalJson';
import { issue, VeilError } from '../../../shared/errors';
import type { CredentialCheck } from '../auth/credentialCheck';
import type { SessionTable } from '../auth/sessions';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import type { UserRepository } from '../users/userRepository';
import type { AuditTrail } from '../audit/auditTrail';
import type { SignatureRepository } from './signatureRepository';

/** A signer whose password was checked for this call; handed to the service that records the signed record. */
export interface Signer {
  userId: number;
  username: string;
  printedName: string;
  meaning: string;
}

export interface SignatureRecord {
  id: number;
  printedName: string;
  meaning: string;
  signedAtUtc: string;
  recordType: string;
  recordId: string;
  recordHash: string;
  /** The audit chain head the signature was made on (null for signatures made before heads were recorded). */
  chainSeq: number | null;
  chainHash: string | null;
}

/** The hash a signature is bound to (21 CFR 11.70): the canonical form of the signed record. */
export function recordHash(record: unknown): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}

/**
 * Electronic signatures (21 CFR 11.50, 11.70, 11.200): one mechanism for every signed command. `verify` runs in the
 * router before the command; `record` runs inside the command's transaction and binds the signature to the hash of
 * what was signed.
 */
export class SignatureService {
  constructor(
    private readonly store: Store,
    private readonly stored: SignatureRepository,
    private readonly users: UserRepository,
    private readonly sessions: SessionTable,
    private readonly clock: Clock,
    private readonly credentials: CredentialCheck,
    private readonly trail: AuditTrail,
  ) {}

  async verify(windowId: string, userId: number, meaning: string, given: { username?: string | undefined; password: string }): Promise<Signer> {
    const user = await this.users.byId(userId);
    const session = this.sessions.get(windowId);
    if (!user || !session) throw VeilError.says('unauthenticated', { key: 'signatures.notLoggedIn' });
    // 11.200(a)(1)(i): both components at the first signing of a session, the password alone after that.
    if (!session.hasSigned && !given.username) {
      throw VeilError.says('validation', { key: 'signatures.firstSignature' }, [issue(['signature', 'username'], { key: 'fields.enterUsername' })]);
    }
    if (given.username && given.username.toLowerCase() !== user.username) {
      throw VeilError.says('validation', { key: 'signatures.ownUsername' }, [issue(['signature', 'username'], { key: 'fields.notLoggedInUser' })]);
    }
    await this.credentials.ownPassword(
      windowId,
      user,
      given.password,
      'signature',
      () =>
        VeilError.says('validation', { key: 'signatures.wrongPassword' }, [issue(['signature', 'password'], { key: 'fields.wrongPassword' })]),
    );
    session.hasSigned = true;
    return { userId: user.id, username: user.username, printedName: user.displayName, meaning };
  }

  /**
   * Stores the signature bound to its record and to the audit chain head it was made on; call inside the transaction
   * that writes the record. The head ties the signature to the history as it stood: a history rewritten before it
   * no longer holds that head, and `veil verify` names the signature (issue 10, finding 10).
   */
  async record(signer: Signer, recordType: string, recordId: string, record: unknown): Promise<SignatureRecord> {
    if (!this.store.insideUnitOfWork()) throw new Error('A signature must be recorded in the unit of work of its record.');
    const signedAtUtc = isoUtc(this.clock.now());
    const hash = recordHash(record);
    const head = await this.trail.seal();
    const signature = { printedName: signer.printedName, meaning: signer.meaning, signedAtUtc, recordType, recordId, recordHash: hash, chainSeq: head.seq, chainHash: head.hash };
    const id = await this.stored.insert({ userId: signer.userId, ...signature });
    return { id, ...signature };
  }

  forRecord(recordType: string, recordId: string): Promise<SignatureRecord[]> {
    return this.stored.forRecord(recordType, recordId);
  }

  byId(id: number): Promise<SignatureRecord | undefined> {
    return this.stored.byId(id);
  }
}
