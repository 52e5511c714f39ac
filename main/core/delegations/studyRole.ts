import { VeilError } from '../../../shared/errors';
import { ROLE_IS_BLINDED, type Role } from '../../../shared/roles';
import { localDate } from '../../../shared/schedule/visitSchedule';
import type { Clock } from '../clock';
import type { SiteMemory } from '../system/siteMemory';
import type { DelegationRepository, DelegationRow } from './delegationRepository';

/** What a user may act as in the study of a call: a role, or the refusal that says why not. */
export type StudyRole = { role: Role; refusal?: undefined } | { role?: undefined; refusal: VeilError };

/** Whether a delegation gives its role on this day: started, not past its last day, not ended early. */
export function validOn(d: DelegationRow, today: string): boolean {
  return d.startsOn <= today && (d.endsOn === null || today <= d.endsOn) && d.endedAt === null;
}

/** The role of the latest delegation valid on this day, if any (the refusal's reason is roleInStudy's to find). */
export function delegatedRoleOn(delegations: readonly DelegationRow[], today: string): Role | undefined {
  let role: Role | undefined;
  for (const d of delegations) if (validOn(d, today)) role = d.role;
  return role;
}

/**
 * The one rule for a user's role in the study of a call (docs/multi-study-plan.md step 3):
 * - the administrator is a site role, needing no delegation (users, settings, devices; never an arm);
 * - before any study is loaded, the account's role (a new site's pharmacist sets up the key and loads the study);
 * - otherwise the role of the delegation to that study valid today; none valid, refused with the reason: not
 *   delegated, not started yet, or ended (and on which day).
 */
export function roleInStudy(accountRole: Role, study: { code: string } | null, delegations: readonly DelegationRow[], today: string): StudyRole {
  if (accountRole === 'administrator') return { role: 'administrator' };
  if (!study) return { role: accountRole };
  const role = delegatedRoleOn(delegations, today);
  if (role) return { role };
  const next = delegations.find((d) => d.startsOn > today && d.endedAt === null);
  if (next) return { refusal: VeilError.says('forbidden', { key: 'session.delegationNotStarted', params: { study: study.code, date: next.startsOn } }) };
  const last = delegations[delegations.length - 1];
  if (last) return { refusal: VeilError.says('forbidden', { key: 'session.delegationEnded', params: { study: study.code, date: last.endsOn ?? last.startsOn } }) };
  return { refusal: VeilError.says('forbidden', { key: 'session.notDelegated', params: { study: study.code } }) };
}

/** A user's role in a study today, read from the database at every call (an ended delegation stops at once). */
export class StudyRoles {
  constructor(
    private readonly delegations: DelegationRepository,
    private readonly site: SiteMemory,
    private readonly clock: Clock,
  ) {}

  /** The user's role in the study of the call (its session's). */
  of(user: { id: number; role: Role }): Promise<StudyRole> {
    return this.in(user, this.site.currentStudy());
  }

  /** The user's role in the given study (null: none loaded yet). */
  async in(user: { id: number; role: Role }, study: { id: number; code: string } | null): Promise<StudyRole> {
    if (user.role === 'administrator') return { role: 'administrator' };
    const rows = study ? await this.delegations.ofUser(user.id, study.id) : [];
    return roleInStudy(user.role, study, rows, this.today());
  }

  /**
   * The studies the user works in today, each with its role, in the order loaded: every study for the administrator
   * (the site's role), the studies of their valid delegations for everyone else. What the study switcher offers; an
   * archived study (closed, moved out of the day's lists) says so, and the switcher and Today set it apart.
   */
  async studiesOf(user: { id: number; role: Role }): Promise<Array<{ id: number; code: string; title: string; role: Role; archived: boolean }>> {
    // One read of the user's roles in every study today, whatever the number of studies in the database.
    const roles = user.role === 'administrator' ? new Map<number, Role>() : await this.delegations.rolesOn(user.id, this.today());
    const studies = [];
    for (const study of this.site.studies()) {
      // No refusal is made for the studies the user is not delegated to: only the role, where there is one.
      const role = user.role === 'administrator' ? 'administrator' : roles.get(study.id);
      if (role) studies.push({ id: study.id, code: study.config.code, title: study.config.title, role, archived: study.closed?.archivedAt != null });
    }
    return studies;
  }

  /**
   * Whether the user has an unblinded role in the study today or from a day to come: what keeps their wrap of the
   * study's key (KeyCustodyService.takeBackLapsed). A role past its last day, or ended early, keeps nothing.
   */
  async unblindedNowOrLater(userId: number, study: { id: number }): Promise<boolean> {
    const today = this.today();
    // Valid today, or waiting for its first day (as roleInStudy tells a delegation not started yet).
    return (await this.delegations.ofUser(userId, study.id)).some((d) => !ROLE_IS_BLINDED[d.role] && (validOn(d, today) || (d.startsOn > today && d.endedAt === null)));
  }

  /** The site's date today, as delegations' start and end days are written. */
  today(): string {
    return localDate(this.clock.now());
  }
}
