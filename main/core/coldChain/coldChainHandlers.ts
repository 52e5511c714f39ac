import type { Callers } from '../callers';
import type { Handlers } from '../router';
import { scanRefusal, type KitScanResolver } from '../scanning/kitScanResolver';
import type { ColdChainService } from './coldChainService';
import type { ExcursionReportService } from './excursionReport';

export function coldChainHandlers({ coldChain, reports, scans, callers }: { coldChain: ColdChainService; reports: ExcursionReportService; scans: KitScanResolver; callers: Callers }): Handlers['coldChain'] {
  return {
    locations: () => coldChain.locations(),
    saveLocation: (ctx, input) => coldChain.saveLocation(callers.actor(ctx), input),
    putAway: (ctx, input) => coldChain.putAway(callers.actor(ctx), input),
    kitLocations: (_ctx, input) => coldChain.kitLocations(input.locationId),
    importLog: (ctx, input) => coldChain.importLog(callers.actor(ctx), input),
    recordMinMax: (ctx, input) => coldChain.recordMinMax(callers.actor(ctx), input),
    readings: (_ctx, input) => coldChain.readings(input.locationId, input.days),
    excursions: (_ctx, input) => coldChain.cases(input.locationId),
    excursion: (_ctx, input) => coldChain.excursionCase(input.excursionId),
    // A release checks the kits' real expiry: the contract requires the key for it.
    dispose: async (ctx, input) => {
      const { signatureId, case: view } = await coldChain.dispose(callers.actor(ctx), ctx.signer!, input, ctx.key);
      return { signature: await callers.signature(signatureId), case: view };
    },
    excursionReport: (ctx, input) => reports.print(callers.actor(ctx), input.excursionId, input.format),
    // A GS1 pack code at put-away names its kit as at receipt (issue 15, item 1): its serial, never its lot or expiry.
    resolveKitScan: async (_ctx, input) => {
      const resolved = await scans.resolve(input.code);
      if (!resolved.ok) throw scanRefusal(resolved);
      return { kitNumber: resolved.kitNumber };
    },
  };
}
