import { describe, expect, it } from 'vitest';
import type { DelegationRow } from '../../../main/core/delegations/delegationRepository';
import { roleInStudy, validOn } from '../../../main/core/delegations/studyRole';
import type { Role } from '../../../shared/roles';

const STUDY = { code: 'NS-DUPI' };
function delegation(role: Role, startsOn: string, endsOn: string | null = null, endedAt: string | null = null): DelegationRow {
  return { id: 1, userId: 2, studyId: 1, role, startsOn, endsOn, grantedAt: `${startsOn}T08:00:00.000Z`, grantedBy: 1, signatureId: 1, reason: null, endedAt, endedBy: endedAt ? 1 : null, endSignatureId: null, endReason: null };
}
const refusalOf = (r: ReturnType<typeof roleInStudy>) => (r.refusal ? { key: r.refusal.key, params: r.refusal.params } : { role: r.role });

describe("a user's role in the study of a call (docs/multi-study-plan.md step 3)", () => {
  it('is the delegation valid today, from its first day to its last day inclusive', () => {
    const d = delegation('investigator', '2026-12-01', '2026-12-31');
    expect(validOn(d, '2026-11-30')).toBe(false);
    expect(validOn(d, '2026-12-01')).toBe(true);
    expect(validOn(d, '2026-12-31')).toBe(true);
    expect(validOn(d, '2027-01-01')).toBe(false);
    expect(refusalOf(roleInStudy('investigator', STUDY, [d], '2026-12-15'))).toEqual({ role: 'investigator' });
  });

  it('follows the delegation, not the account: an account made unblinded is blinded where it is delegated a blinded role', () => {
    expect(refusalOf(roleInStudy('unblinded_monitor', STUDY, [delegation('monitor', '2026-12-01')], '2026-12-07'))).toEqual({ role: 'monitor' });
  });

  it('ends at once when ended early, even on its last day', () => {
    expect(validOn(delegation('monitor', '2026-12-01', '2026-12-07', '2026-12-07T10:00:00.000Z'), '2026-12-07')).toBe(false);
  });

  it('takes the one that started last when one replaces another', () => {
    const old = delegation('investigator', '2026-11-01', '2026-12-06');
    const next = delegation('study_nurse', '2026-12-07');
    expect(refusalOf(roleInStudy('investigator', STUDY, [old, next], '2026-12-06'))).toEqual({ role: 'investigator' });
    expect(refusalOf(roleInStudy('investigator', STUDY, [old, next], '2026-12-07'))).toEqual({ role: 'study_nurse' });
  });

  it('says why there is none: never delegated, not started yet, or ended (and when)', () => {
    expect(refusalOf(roleInStudy('monitor', STUDY, [], '2026-12-07'))).toEqual({ key: 'session.notDelegated', params: { study: 'NS-DUPI' } });
    expect(refusalOf(roleInStudy('monitor', STUDY, [delegation('monitor', '2026-12-10')], '2026-12-07'))).toEqual({ key: 'session.delegationNotStarted', params: { study: 'NS-DUPI', date: '2026-12-10' } });
    expect(refusalOf(roleInStudy('monitor', STUDY, [delegation('monitor', '2026-11-01', '2026-12-06')], '2026-12-07'))).toEqual({
      key: 'session.delegationEnded',
      params: { study: 'NS-DUPI', date: '2026-12-06' },
    });
  });

  it('needs no delegation for the administrator (a site role), nor before any study is loaded (a new site sets up)', () => {
    expect(refusalOf(roleInStudy('administrator', STUDY, [], '2026-12-07'))).toEqual({ role: 'administrator' });
    expect(refusalOf(roleInStudy('unblinded_pharmacist', null, [], '2026-12-07'))).toEqual({ role: 'unblinded_pharmacist' });
  });
});
