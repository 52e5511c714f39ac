import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { EmergencyUnblindingService } from './emergencyUnblindingService';

export function emergencyHandlers({ emergency, callers }: { emergency: EmergencyUnblindingService; callers: Callers }): Handlers['emergency'] {
  return {
    unblind: (ctx, input) => emergency.unblind(ctx.windowId, ctx.signer!, input),
    list: () => emergency.records(),
    sponsorNotice: (_ctx, input) => emergency.sponsorNotice(input.unblindingId),
    recordSponsorNotified: (ctx, input) => emergency.recordSponsorNotified(callers.actor(ctx), input),
  };
}
