import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { DelegationService } from './delegationService';

export function delegationHandlers({ delegations, callers }: { delegations: DelegationService; callers: Callers }): Handlers['delegations'] {
  return {
    log: () => delegations.log(),
    print: (_ctx, input) => delegations.print(input.format),
    grant: (ctx, input) => delegations.grant(callers.actor(ctx), ctx.signer!, input, ctx.key),
    end: async (ctx, input) => {
      await delegations.end(callers.actor(ctx), ctx.signer!, input);
      return {};
    },
  };
}
