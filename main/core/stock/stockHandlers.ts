import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { ColdChainService } from '../coldChain/coldChainService';
import type { StockForecastService } from './stockForecastService';

/** The stock channels: the blinded forecast needs no key; the per-arm forecast and the resupply request require it (contract). */
export function stockHandlers({ stock, coldChain, callers }: { stock: StockForecastService; coldChain: ColdChainService; callers: Callers }): Handlers['stock'] {
  return {
    forecast: (_ctx, input) => stock.blinded(input.weeks),
    forecastUnblinded: (ctx, input) => stock.unblinded(ctx.key!, input.weeks),
    excursionImpact: async (ctx, input) => {
      // The case's kits still waiting for the sponsor's disposition, in quarantine.
      const held = (await coldChain.excursionCase(input.excursionId)).kits.filter((k) => k.quarantined && k.disposition === null && k.status === 'quarantined').map((k) => k.kitNumber);
      return stock.excursionImpact(ctx.key!, held, input.weeks);
    },
    resupplyRequest: async (ctx, input) => {
      const user = await callers.user(ctx);
      return stock.resupply(ctx.key!, { actor: callers.actor(ctx), displayName: user.displayName }, input);
    },
  };
}
