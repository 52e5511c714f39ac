import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { ReceivingService } from './receivingService';

export function shipmentHandlers({ receiving, callers }: { receiving: ReceivingService; callers: Callers }): Handlers['shipments'] {
  return {
    get: (_ctx, input) => receiving.view(input.shipmentId),
    list: () => receiving.list(),
    create: async (ctx, input) => receiving.view(await receiving.createFrom(callers.actor(ctx), input.reference, input.from)),
    // The key, when the session holds one, lets the scan check the kit's real expiry.
    scanKit: async (ctx, input) => ({
      verdict: await receiving.scan(callers.actor(ctx), input.shipmentId, input.code, input.source, ctx.key),
      counts: await receiving.counts(input.shipmentId),
    }),
    markKit: async (ctx, input) => {
      await receiving.mark(callers.actor(ctx), input.shipmentId, input.kitNumber, input.outcome, input.reason);
      return receiving.view(input.shipmentId);
    },
    close: async (ctx, input) => {
      await receiving.close(callers.actor(ctx), input.shipmentId, input.temperature, input.reason ?? null);
      return receiving.view(input.shipmentId);
    },
    // A release checks the kits' real expiry (an expired kit never goes back to stock): the contract requires the key for it.
    decideQuarantine: async (ctx, input) => ({ signature: await callers.signature((await receiving.decideQuarantine(callers.actor(ctx), ctx.signer!, input, ctx.key)).signatureId) }),
  };
}
