import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { LotRecallService } from './lotRecallService';

export function lotHandlers({ recall, callers }: { recall: LotRecallService; callers: Callers }): Handlers['lots'] {
  return {
    recallPreview: (ctx, input) => recall.preview(ctx.key!, input.lot),
    recall: async (ctx, input) => {
      const done = await recall.recall(ctx.key!, ctx.signer!, callers.actor(ctx), input);
      return { quarantined: done.quarantined, heldAtReceipt: done.heldAtReceipt, signature: await callers.signature(done.signatureId) };
    },
  };
}
