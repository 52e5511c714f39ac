import type { AuditTrail } from '../audit/auditTrail';
import { open, seal, sealedField } from '../crypto/allocationCipher';
import { unwrapTransitionKeyForUser, WrongSecretError } from '../crypto/keyCustody';
import type { Store } from '../db/store';
import type { AllocationRepository } from './allocationRepository';
import type { KeyOpened } from './keyCustodyService';

/**
 * The second half of migration 5 (issue 10, finding 5): randomization blocks an upgraded database held in plain text
 * were sealed at the upgrade under a one-time transition key wrapped for each key holder, because the allocation key is
 * never open during an upgrade. The first key holder to open the allocation key afterwards (at login or unlock) reseals
 * them under it, in one audited transaction, and the transition key's wraps are deleted. Until then the register
 * cannot be opened anyway (it needs that same session), so no block is ever missing from it.
 */
export class BlockSealing {
  constructor(
    private readonly store: Store,
    private readonly allocation: AllocationRepository,
    private readonly audit: AuditTrail,
    /** After the blocks are sealed: the pages that held the transition values leave SQLite's WAL (see veilCore). */
    private readonly afterSealed: () => void = () => undefined,
  ) {}

  /**
   * Called with the session's allocation key and the private key that just opened it. Does nothing when all is sealed.
   * One unit of work from the reading of the waiting blocks to the audit event, so two key holders logging in at once
   * (two workstations) seal them once.
   */
  async completeAfterUpgrade(opened: KeyOpened & { username: string }): Promise<void> {
    const sealed = await this.store.transaction(async () => {
      const waiting = await this.allocation.blocksInTransition();
      if (waiting.length === 0) return false;
      let transitionKey: Buffer | null = null;
      if (waiting.some((b) => b.sealed !== null)) {
        const wrap = await this.allocation.blockTransitionWrap(opened.userId);
        if (!wrap) return false; // granted after the upgrade: a holder from before it reseals the blocks at their next login
        try {
          transitionKey = unwrapTransitionKeyForUser(wrap, opened.userId, opened.privateKey, opened.publicKey);
        } catch (error) {
          // A key pair replaced since the upgrade (password reset) cannot open its old wrap: another holder will.
          if (error instanceof WrongSecretError) return false;
          throw error;
        }
      }
      const key = transitionKey;
      try {
        for (const block of waiting) {
          const plain = block.sealed !== null ? open(key!, block.sealed, sealedField.slotBlock(block.randomizationNumber)) : block.plain!;
          await this.allocation.sealBlock(block.randomizationNumber, seal(opened.dataKey, plain, sealedField.slotBlock(block.randomizationNumber)));
        }
      } finally {
        key?.fill(0);
      }
      await this.allocation.deleteBlockTransitionWraps();
      await this.audit.append(
        { userId: opened.userId, username: opened.username },
        { action: 'allocation.blocks_sealed', entityType: 'allocation_register', entityId: 'study', after: { slots: waiting.length } },
      );
      return true;
    });
    if (sealed) this.afterSealed();
  }
}
