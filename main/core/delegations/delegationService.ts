import { VeilError } from '../../../shared/errors';
import { ROLE_IS_BLINDED, roleHasPermission, type Role } from '../../../shared/roles';
import type { DelegationLine } from '../../../shared/contract/delegations';
import type { AuditTrail } from '../audit/auditTrail';
import type { KeyCustodyService } from '../allocation/keyCustodyService';
import type { AuthService } from '../auth/authService';
import type { CallActor } from '../callers';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { SiteMemory } from '../system/siteMemory';
import type { UserRepository } from '../users/userRepository';
import type { DelegationRepository, DelegationRow } from './delegationRepository';
import { addDays } from '../../../shared/schedule/visitSchedule';
import { reportFile } from '../reports/reportService';
import { validOn, type StudyRoles } from './studyRole';

/** Whether an unblinded role went with the study's key: wrapped now, or once the user has chosen their own password ('none': a blinded role). */
export type DelegationKey = 'granted' | 'after_own_password' | 'none';

/**
 * The site's delegation log per study (ICH E6 4.1.5; docs/multi-study-plan.md step 3): who may work in the current
 * study, in which role, from and to which day. Blinded roles are delegated and ended by the administrator;
 * unblinded roles by an unblinded user of the study holding its key, who gives the key with the role in the same
 * signed step (ICH E6: the delegation and the access it needs, one decision). Every grant and every end is e-signed,
 * an audit event naming the study, and ends the user's open sessions so the new role (and key) applies at their next
 * login. One delegation at a time per user and study: a new one ends the one in force. An unblinded role ended at
 * once, or replaced at once by a blinded one, takes the study's key back in the same step.
 */
export class DelegationService {
  constructor(
    private readonly store: Store,
    private readonly delegations: DelegationRepository,
    private readonly users: UserRepository,
    private readonly site: SiteMemory,
    private readonly roles: StudyRoles,
    private readonly auth: AuthService,
    private readonly custody: KeyCustodyService,
    private readonly signatures: SignatureService,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
  ) {}

  /** The current study's log, oldest first. */
  async log(): Promise<DelegationLine[]> {
    const study = this.requireStudy();
    const today = this.roles.today();
    const rows = await this.delegations.ofStudy(study.id);
    const names = new Map((await this.users.list()).map((u) => [u.id, u]));
    const signatureOf = async (id: number | null) => {
      const s = id === null ? undefined : await this.signatures.byId(id);
      return s ? { printedName: s.printedName, meaning: s.meaning, signedAtUtc: s.signedAtUtc } : null;
    };
    const lines: DelegationLine[] = [];
    for (const d of rows) {
      const user = names.get(d.userId);
      const status = validOn(d, today) ? 'current' : d.startsOn > today && d.endedAt === null ? 'future' : 'ended';
      lines.push({
        id: d.id,
        userId: d.userId,
        username: user?.username ?? `user ${d.userId}`,
        displayName: user?.displayName ?? `user ${d.userId}`,
        role: d.role,
        blinded: ROLE_IS_BLINDED[d.role],
        startsOn: d.startsOn,
        endsOn: d.endsOn,
        current: status === 'current',
        status,
        grantedAt: d.grantedAt,
        grantedBy: d.grantedBy === null ? null : (names.get(d.grantedBy)?.username ?? `user ${d.grantedBy}`),
        grantSignature: await signatureOf(d.signatureId),
        reason: d.reason,
        endedAt: d.endedAt,
        endedBy: d.endedBy === null ? null : (names.get(d.endedBy)?.username ?? `user ${d.endedBy}`),
        endSignature: await signatureOf(d.endSignatureId),
        endReason: d.endReason,
      });
    }
    return lines;
  }

  /**
   * The log printed, CSV or PDF, with the study, the site, the print time and the audit seal (ICH E6 4.1.5: kept in
   * the investigator site file). Its lines and the seal are read in one unit of work, so they describe one moment.
   */
  async print(format: 'csv' | 'pdf'): Promise<{ fileName: string; mime: string; base64: string }> {
    const config = this.site.study();
    if (!config) throw VeilError.says('conflict', { key: 'lists.noStudy' });
    const { lines, seal } = await this.store.transaction(async () => ({ lines: await this.log(), seal: await this.audit.seal() }));
    const signed = (s: DelegationLine['grantSignature']) => (s ? `${s.printedName}, ${s.signedAtUtc} UTC: "${s.meaning}"` : '');
    const rows = lines.map((l) => [
      l.displayName,
      l.username,
      l.role.replace(/_/g, ' '),
      l.blinded ? 'blinded' : 'unblinded',
      l.startsOn,
      l.endsOn ?? '',
      ({ current: 'in force', future: 'starts later', ended: 'ended' } as const)[l.status],
      l.grantSignature ? signed(l.grantSignature) : l.grantedBy ? `with the account, by ${l.grantedBy} (not signed)` : l.reason ? 'not signed (written when the database was set up)' : "carried over from the account's role at the upgrade (not signed)",
      l.reason ?? '',
      signed(l.endSignature),
      l.endReason ?? '',
    ]);
    const data = {
      title: 'Delegation log',
      fileStem: `delegation-log-${config.code.toLowerCase()}`,
      sections: [
        {
          heading: 'Who may work in this study, in which role, and when',
          columns: ['Name', 'Username', 'Role', 'Blinding', 'First day', 'Last day', 'Status', 'Delegated (signature)', 'Reason', 'Ended (signature)', 'Reason for the end'],
          widths: [1.3, 0.9, 1, 0.7, 0.8, 0.8, 0.7, 2, 1.1, 2, 1.1],
          rows,
        },
      ],
    };
    return reportFile(data, { study: config, seal, printedAt: this.clock.now(), site: this.site.site() }, format);
  }

  /**
   * Delegates a user to the current study in a role, from a day (today or later) to an optional last day; e-signed.
   * An unblinded role comes with the study's key (`key`: the granter's session's, needed for these roles),
   * wrapped for the user under the same signature; a user who has not yet chosen a password of their own gets the
   * role now and the key from an unblinded colleague once they have (the key pair is only ever made under their own
   * password). Says whether the key went with it.
   */
  async grant(actor: CallActor, signer: Signer, input: { userId: number; role: Role; startsOn: string; endsOn: string | null; reason: string }, key: Buffer | null): Promise<{ delegationId: number; key: DelegationKey }> {
    const study = this.requireStudy();
    this.mayDelegate(actor, input.role);
    const today = this.roles.today();
    if (input.startsOn < today) throw VeilError.says('validation', { key: 'delegations.startsInPast', params: { date: input.startsOn } });
    if (input.endsOn !== null && input.endsOn < input.startsOn) throw VeilError.says('validation', { key: 'delegations.endsBeforeStart', params: { start: input.startsOn, end: input.endsOn } });
    const user = await this.users.byId(input.userId);
    if (!user) throw VeilError.says('not_found', { key: 'users.noSuchUser', params: { id: input.userId } });
    if (!user.active) throw VeilError.says('conflict', { key: 'delegations.userDeactivated', params: { name: user.displayName } });
    if (user.role === 'administrator') throw VeilError.says('conflict', { key: 'delegations.administratorIsSiteRole', params: { name: user.displayName } });
    if (user.id === actor.userId) throw VeilError.says('conflict', { key: 'delegations.notOwn' });
    const unblinded = !ROLE_IS_BLINDED[input.role];
    // Key pairs are made for accounts made unblinded only: a blinded account could never open the key of the role.
    if (unblinded && ROLE_IS_BLINDED[user.role]) throw VeilError.says('conflict', { key: 'delegations.unblindedNeedsUnblindedAccount', params: { name: user.displayName } });
    if (unblinded && !key) throw await this.custody.withoutKey();
    const result = await this.store.transaction(async () => {
      const now = isoUtc(this.clock.now());
      const keyWith: DelegationKey = !unblinded ? 'none' : (await this.custody.canBeGranted(user)) ? 'granted' : 'after_own_password';
      // One role per user and study at a time: a new one starting today ends the one in force at once; one starting
      // later ends it the day before (one that would start later still is ended at once: never valid).
      const startsNow = input.startsOn <= today;
      const dayBefore = addDays(input.startsOn, -1);
      const overlapping = (await this.delegations.ofUser(user.id, study.id)).filter((d) => d.endedAt === null && (d.endsOn === null || d.endsOn >= (startsNow ? today : input.startsOn)));
      for (const open of overlapping) {
        const replaced = `Replaced by a new delegation from ${input.startsOn}`;
        // Replaced at once by a blinded role: the key goes with the unblinded one (a new unblinded role re-wraps it).
        const takeKey = !unblinded && !ROLE_IS_BLINDED[open.role];
        if (startsNow || open.startsOn > dayBefore) await this.endRow(actor, signer, open, user.username, replaced, { endsOn: open.startsOn > today ? open.startsOn : today, endedAt: now }, takeKey);
        else await this.endRow(actor, signer, open, user.username, replaced, { endsOn: dayBefore, endedAt: null }, takeKey);
      }
      const record = { action: 'delegation.granted', study: study.code, user: user.username, role: input.role, startsOn: input.startsOn, endsOn: input.endsOn, ...(unblinded ? { key: keyWith } : {}) };
      const signature = await this.signatures.record(signer, 'delegation', `${study.code}/${user.username}`, record);
      const delegationId = await this.delegations.insert({ userId: user.id, studyId: study.id, role: input.role, startsOn: input.startsOn, endsOn: input.endsOn, grantedAt: now, grantedBy: actor.userId, signatureId: signature.id, reason: input.reason });
      await this.audit.append(actor, {
        action: 'delegation.granted',
        entityType: 'user',
        entityId: user.username,
        after: { role: input.role, startsOn: input.startsOn, endsOn: input.endsOn, ...(unblinded ? { key: keyWith } : {}) },
        reason: input.reason,
        signatureId: signature.id,
      });
      if (keyWith === 'granted') await this.custody.wrapFor(key!, user, actor, signature.id, input.reason);
      return { delegationId, key: keyWith };
    });
    await this.auth.endSessionsOf(user.id, VeilError.says('unauthenticated', { key: 'session.delegationChanged', params: { study: study.code } }));
    return result;
  }

  /** Ends a delegation of the current study today; e-signed. The user's sessions end with it. */
  async end(actor: CallActor, signer: Signer, input: { delegationId: number; reason: string }): Promise<void> {
    const study = this.requireStudy();
    const today = this.roles.today();
    const { userId, endsOn } = await this.store.transaction(async () => {
      const row = await this.delegations.byId(input.delegationId);
      if (!row || row.studyId !== study.id) throw VeilError.says('not_found', { key: 'delegations.noSuchDelegation', params: { id: input.delegationId } });
      this.mayDelegate(actor, row.role);
      if (row.endedAt !== null || (row.endsOn !== null && row.endsOn < today)) throw VeilError.says('conflict', { key: 'delegations.alreadyEnded', params: { date: row.endsOn ?? today } });
      if (row.userId === actor.userId) throw VeilError.says('conflict', { key: 'delegations.notOwn' });
      const user = await this.users.byId(row.userId);
      // Ends now; one that had not started yet ends before its first day (its last day is its first: never valid).
      const endsOn = row.startsOn > today ? row.startsOn : today;
      await this.endRow(actor, signer, row, user?.username ?? `user ${row.userId}`, input.reason, { endsOn, endedAt: isoUtc(this.clock.now()) }, !ROLE_IS_BLINDED[row.role]);
      return { userId: row.userId, endsOn };
    });
    await this.auth.endSessionsOf(userId, VeilError.says('forbidden', { key: 'session.delegationEnded', params: { study: study.code, date: endsOn } }));
  }

  /**
   * A user created by the administrator while a study is loaded is delegated to it in a blinded role chosen, from
   * today, in the same unit of work as the account (the delegation log shows it as granted with the account). An
   * unblinded role is not the administrator's to give: an unblinded user of the study delegates it, with the key. An
   * administrator account is the site's and gets none; before any study is loaded nobody does (the first load
   * delegates them).
   */
  async withNewAccount(actor: CallActor, user: { id: number; username: string; role: Role }): Promise<void> {
    const study = this.site.currentStudy();
    if (!study || user.role === 'administrator' || !ROLE_IS_BLINDED[user.role]) return;
    await this.insertGranted(actor, user, study, 'Delegated with the new account', null);
  }

  /**
   * The site's first study loaded: each active account with a study role is delegated to it in that role from today,
   * under the load's signature (a new site's accounts were made for this study; later studies delegate one by one).
   */
  async atFirstLoad(actor: CallActor, study: { id: number; code: string }, signatureId: number): Promise<void> {
    for (const user of await this.users.list()) {
      if (!user.active || user.role === 'administrator') continue;
      await this.insertGranted(actor, user, study, 'Account made before the study was loaded: delegated in its role when the study was loaded', signatureId);
    }
  }

  /**
   * A study loaded beside others: the pharmacist who loaded it is delegated to it in their account's role, under the
   * load's signature, to set up its key and delegate its staff. Nobody else is: each colleague is delegated on their own.
   */
  async atLaterLoad(actor: CallActor, study: { id: number; code: string }, signatureId: number): Promise<void> {
    const user = await this.users.byId(actor.userId);
    if (!user || user.role === 'administrator') return;
    await this.insertGranted(actor, user, study, 'Loaded the study: delegated to it in their role', signatureId);
  }

  private async insertGranted(actor: CallActor, user: { id: number; username: string; role: Role }, study: { id: number; code: string }, reason: string, signatureId: number | null): Promise<void> {
    const startsOn = this.roles.today();
    await this.delegations.insert({ userId: user.id, studyId: study.id, role: user.role, startsOn, endsOn: null, grantedAt: isoUtc(this.clock.now()), grantedBy: actor.userId, signatureId, reason });
    await this.audit.append(actor, {
      action: 'delegation.granted',
      entityType: 'user',
      entityId: user.username,
      after: { role: user.role, startsOn, endsOn: null },
      reason,
      ...(signatureId === null ? {} : { signatureId }),
      // Named here: a study being loaded is not in memory until its unit of work commits.
      study: study.code,
    });
  }

  /**
   * Ends a delegation: at once (`endedAt` set), or on a last day to come (`endedAt` null: valid until `endsOn`). An
   * unblinded role ended at once may take the study's key back with it (`takeKey`): its wrap is deleted, so the
   * user's password opens nothing of this study any more, even in a copy of the file. One ending on a day to come keeps
   * it until then (the core's sweep takes it back after its last day).
   */
  private async endRow(actor: CallActor, signer: Signer, row: DelegationRow, username: string, reason: string, end: { endsOn: string; endedAt: string | null }, takeKey: boolean): Promise<void> {
    const keyTakenBack = takeKey && end.endedAt !== null && (await this.custody.takeBack(row.userId));
    const record = { action: 'delegation.ended', delegation: row.id, user: username, role: row.role, endsOn: end.endsOn, atOnce: end.endedAt !== null, ...(keyTakenBack ? { keyTakenBack } : {}) };
    const signature = await this.signatures.record(signer, 'delegation', String(row.id), record);
    await this.delegations.end(row.id, { ...end, endedBy: actor.userId, signatureId: signature.id, reason });
    await this.audit.append(actor, {
      action: 'delegation.ended',
      entityType: 'user',
      entityId: username,
      before: { role: row.role, startsOn: row.startsOn, endsOn: row.endsOn },
      after: { endsOn: end.endsOn, atOnce: end.endedAt !== null, ...(keyTakenBack ? { keyTakenBack } : {}) },
      reason,
      signatureId: signature.id,
    });
  }

  /** Blinded roles are the administrator's to delegate; unblinded roles an unblinded user's of this study (who holds the key). */
  private mayDelegate(actor: CallActor, role: Role): void {
    const allowed = ROLE_IS_BLINDED[role] ? actor.role === 'administrator' : roleHasPermission(actor.role, 'allocation.grant');
    if (!allowed) throw VeilError.says('forbidden', { key: ROLE_IS_BLINDED[role] ? 'delegations.blindedByAdministrator' : 'delegations.unblindedByUnblinded' });
  }

  private requireStudy(): { id: number; code: string } {
    const study = this.site.currentStudy();
    if (!study) throw VeilError.says('conflict', { key: 'lists.noStudy' });
    return study;
  }
}
