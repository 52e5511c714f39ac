import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { ExpiryExtensionService } from './expiryExtensionService';
import type { LotRecallService } from './lotRecallService';

export function lotHandlers({ recall, extension, callers }: { recall: LotRecallService; extension: ExpiryExtensionService; callers: Callers }): Handlers['lots'] {
  return {
    recallPreview: (ctx, input) => recall.preview(ctx.key!, input.lot),
    recall: async (ctx, input) => {
      const done = await recall.recall(ctx.key!, ctx.signer!, callers.actor(ctx), input);
      return { quarantined: done.quarantined, heldAtReceipt: done.heldAtReceipt, signature: await callers.signature(done.signatureId) };
    },
    extendExpiry: async (ctx, input) => {
      const done = await extension.extend(ctx.key!, ctx.signer!, callers.actor(ctx), input);
      return { kits: done.kits, useBeforeChanged: done.useBeforeChanged, expiryReveals: done.expiryReveals, signature: await callers.signature(done.signatureId) };
    },
  };
}
