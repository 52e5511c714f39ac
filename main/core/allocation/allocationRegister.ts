import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { describeContent } from '../../../shared/study/kitContents';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import { issue, VeilError } from '../../../shared/errors';
import type { AuditTrail } from '../audit/auditTrail';
import type { CredentialCheck } from '../auth/credentialCheck';
import { open, sealedField } from '../crypto/allocationCipher';
import type { Store } from '../db/store';
import type { UserRow } from '../users/userRepository';
import type { AllocationRepository } from './allocationRepository';

export interface RegisterView {
  slots: Array<{ randomizationNumber: string; block: string; stratum: string; armCode: string; armName: string }>;
  kits: Array<{ kitNumber: string; kitType: string | null; armCode: string; armName: string; lot: string; expiryDate: string; blindedLot: string; useBefore: string; status: string }>;
}

/**
 * The unblinded allocation register: the one view that names arms next to slots and kits (DESIGN.md section 3.1).
 * Every reveal is an audit event. Decryption failures propagate: a swapped or altered ciphertext is never shown.
 */
export class AllocationRegister {
  constructor(
    private readonly store: Store,
    private readonly allocation: AllocationRepository,
    private readonly audit: AuditTrail,
    private readonly study: () => StudyConfig,
    private readonly credentials: CredentialCheck,
  ) {}

  /** The register opens to the logged-in user's own password, typed again (a wrong one counts as a failed attempt). */
  async open(windowId: string, user: UserRow, password: string, key: Buffer): Promise<RegisterView> {
    await this.credentials.ownPassword(windowId, user, password, 'register', () =>
      VeilError.says('validation', { key: 'allocation.registerWrongPassword' }, [issue(['password'], { key: 'fields.wrongPassword' })]),
    );
    return this.reveal(key, { userId: user.id, username: user.username });
  }

  /** What is shown and its audit event are one unit of work: the event counts exactly the rows revealed. */
  async reveal(key: Buffer, actor: { userId: number; username: string }): Promise<RegisterView> {
    return this.store.transaction(async () => {
      const names = new Map(this.study().arms.map((a) => [a.code, a.name]));
      const slots = (await this.allocation.slots()).map((s) => {
        const armCode = open(key, s.armSealed, sealedField.slotArm(s.randomizationNumber));
        // A block is sealed like the arm; null only in an upgraded database before its first key holder's login, which
        // this session's own login has already put right (BlockSealing).
        const block = s.blockSealed === null ? '' : open(key, s.blockSealed, sealedField.slotBlock(s.randomizationNumber));
        return { randomizationNumber: s.randomizationNumber, block, stratum: s.stratum, armCode, armName: names.get(armCode) ?? armCode };
      });
      const kits = (await this.allocation.kits())
        .sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber))
        .map((k) => {
          // The kit's content: its arm, or in a study with kit types what its type holds ("Bottle A: Placebo ...").
          const armCode = open(key, k.armSealed, sealedField.kitArm(k.kitNumber));
          return {
            kitNumber: k.kitNumber,
            kitType: k.kitType,
            armCode,
            armName: describeContent(this.study(), k.kitType, armCode),
            lot: open(key, k.lotSealed, sealedField.kitLot(k.kitNumber)),
            expiryDate: open(key, k.expirySealed, sealedField.kitExpiry(k.kitNumber)),
            blindedLot: k.blindedLot,
            useBefore: k.useBefore,
            status: k.status,
          };
        });
      await this.audit.append(actor, {
        action: 'allocation.register_revealed',
        entityType: 'allocation_register',
        entityId: 'study',
        after: { slots: slots.length, kits: kits.length },
      });
      return { slots, kits };
    });
  }
}
