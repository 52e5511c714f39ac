import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { ReconciliationService } from './reconciliationService';

export function reconciliationHandlers({ reconciliation, callers }: { reconciliation: ReconciliationService; callers: Callers }): Handlers['reconciliation'] {
  return {
    view: () => reconciliation.overview(),
    comment: (ctx, input) => reconciliation.comment(callers.actor(ctx), input),
    viewUnblinded: async (ctx) => ({ reconciliation: await reconciliation.compute(ctx.key!) }),
    signOff: async (ctx) => {
      await reconciliation.signOff(ctx.signer!);
      return { signOff: await reconciliation.signOffStatus() };
    },
  };
}
