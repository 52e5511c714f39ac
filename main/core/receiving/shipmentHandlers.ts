import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { ReceivingService } from './receivingService';

export function shipmentHandlers({ receiving, callers }: { receiving: ReceivingService; callers: Callers }): Handlers['shipments'] {
  return {
    get: (_ctx, input) => receiving.view(input.shipmentId),
    list: () => receiving.list(),
    create: (ctx, input) => receiving.view(receiving.createFrom(callers.actor(ctx), input.reference, input.from)),
    // The key, when the session holds one, lets the scan check the kit's real expiry.
    scanKit: (ctx, input) => ({
      verdict: receiving.scan(callers.actor(ctx), input.shipmentId, input.code, input.source, ctx.key),
      counts: receiving.counts(input.shipmentId),
    }),
    markKit: (ctx, input) => {
      receiving.mark(callers.actor(ctx), input.shipmentId, input.kitNumber, input.outcome, input.reason);
      return receiving.view(input.shipmentId);
    },
    close: (ctx, input) => {
      receiving.close(callers.actor(ctx), input.shipmentId, input.temperature, input.reason ?? null);
      return receiving.view(input.shipmentId);
    },
    // A release checks the kits' real expiry (an expired kit never goes back to stock): the contract requires the key for it.
    decideQuarantine: (ctx, input) => ({ signature: callers.signature(receiving.decideQuarantine(callers.actor(ctx), ctx.signer!, input, ctx.key).signatureId) }),
  };
}
