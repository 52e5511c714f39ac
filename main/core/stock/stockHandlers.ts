import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { StockForecastService } from './stockForecastService';

/** The stock channels: the blinded forecast needs no key; the per-arm forecast and the resupply request require it (contract). */
export function stockHandlers({ stock, callers }: { stock: StockForecastService; callers: Callers }): Handlers['stock'] {
  return {
    forecast: (_ctx, input) => stock.blinded(input.weeks),
    forecastUnblinded: (ctx, input) => stock.unblinded(ctx.key!, input.weeks),
    resupplyRequest: async (ctx, input) => {
      const user = await callers.user(ctx);
      return stock.resupply(ctx.key!, { actor: callers.actor(ctx), displayName: user.displayName }, input);
    },
  };
}
