import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { ExpiryExtensionService } from './expiryExtensionService';
import type { LotRecallService } from './lotRecallService';
import type { OverLabelService } from './overLabelService';

export function lotHandlers({ recall, extension, overLabels, callers }: { recall: LotRecallService; extension: ExpiryExtensionService; overLabels: OverLabelService; callers: Callers }): Handlers['lots'] {
  return {
    recallPreview: (ctx, input) => recall.preview(ctx.key!, input.lot),
    recall: async (ctx, input) => {
      const done = await recall.recall(ctx.key!, ctx.signer!, callers.actor(ctx), input);
      return { quarantined: done.quarantined, heldAtReceipt: done.heldAtReceipt, signature: await callers.signature(done.signatureId) };
    },
    extendExpiry: async (ctx, input) => {
      const done = await extension.extend(ctx.key!, ctx.signer!, callers.actor(ctx), input);
      return { kits: done.kits, useBeforeChanged: done.useBeforeChanged, overLabels: done.overLabels, expiryReveals: done.expiryReveals, signature: await callers.signature(done.signatureId) };
    },
    overLabels: (_ctx, input) => overLabels.list(input.pendingOnly),
    overLabelPreview: (_ctx, input) => overLabels.preview(input.kitNumber),
    overLabelDownload: (ctx, input) => overLabels.download(callers.actor(ctx), input.kitNumber, input.format, input.language),
    printOverLabel: (ctx, input) => overLabels.print(callers.actor(ctx), input.kitNumber),
  };
}
