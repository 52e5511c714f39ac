import { VeilError } from '../../../shared/errors';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import { open, sealedField } from '../crypto/allocationCipher';
import type { AllocationRepository } from './allocationRepository';
import type { KeyCustodyService } from './keyCustodyService';

/**
 * Emergency code-break (ICH E6(R3) 3.15.2(d)): the passphrase from the investigator's sealed envelope opens the data
 * key for one call, reveals one randomization slot's arm, and the key is wiped. Nothing else is decrypted.
 * The patient-facing emergency unblinding (reason, e-signature, flag, audit) builds on this.
 */
export class CodeBreakService {
  constructor(
    private readonly allocation: AllocationRepository,
    private readonly custody: KeyCustodyService,
    private readonly study: () => StudyConfig,
  ) {}

  /** `by`: the person typing the passphrase, named in the audit trail of a wrong one and counted with the study. */
  async revealSlot(by: { userId: number; username: string }, passphrase: string, randomizationNumber: string): Promise<{ randomizationNumber: string; armCode: string; armName: string }> {
    const slot = await this.allocation.slot(randomizationNumber);
    if (!slot) throw VeilError.says('not_found', { key: 'codeBreak.noSuchRandomizationNumber', params: { number: randomizationNumber } });
    const key = await this.custody.openWithPassphrase(passphrase, by, this.study().code, null);
    try {
      const armCode = open(key, slot.armSealed, sealedField.slotArm(slot.randomizationNumber));
      const arm = this.study().arms.find((a) => a.code === armCode);
      return { randomizationNumber, armCode, armName: arm?.name ?? armCode };
    } finally {
      key.fill(0);
    }
  }
}
