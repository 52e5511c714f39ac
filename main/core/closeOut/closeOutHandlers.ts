import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { CloseOutService } from './closeOutService';

/** The study's close-out channels: its state for everyone; closing and reopening, e-signed, for the unblinded pharmacist. */
export function closeOutHandlers({ closeOut, callers }: { closeOut: CloseOutService; callers: Callers }): Handlers['study'] {
  return {
    closure: () => closeOut.view(),
    close: (ctx) => closeOut.close(callers.actor(ctx), ctx.signer!),
    reopen: (ctx, input) => closeOut.reopen(callers.actor(ctx), ctx.signer!, input.reason),
  };
}
