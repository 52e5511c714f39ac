import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { ReconciliationService } from './reconciliationService';

export function reconciliationHandlers({ reconciliation, callers }: { reconciliation: ReconciliationService; callers: Callers }): Handlers['reconciliation'] {
  return {
    view: () => reconciliation.overview(),
    comment: (ctx, input) => reconciliation.comment(callers.actor(ctx), input),
    viewUnblinded: async (ctx) => ({ reconciliation: await reconciliation.summary(ctx.key!) }),
    kits: (_ctx, input) => reconciliation.kitPage(null, input),
    kitsUnblinded: (ctx, input) => reconciliation.kitPage(ctx.key!, input),
    signOff: async (ctx) => {
      await reconciliation.signOff(ctx.signer!);
      return { signOff: await reconciliation.signOffStatus() };
    },
  };
}
