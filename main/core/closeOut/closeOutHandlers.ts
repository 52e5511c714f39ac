import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { CloseOutService } from './closeOutService';

/** The study's close-out channels: its state for everyone; closing and reopening, e-signed, for the unblinded pharmacist. */
export function closeOutHandlers({ closeOut, callers }: { closeOut: CloseOutService; callers: Callers }): Omit<Handlers['study'], 'checkFile' | 'load'> {
  // The service names the closing signature; the contract shows it as a SignatureView.
  const shown = async (view: Awaited<ReturnType<CloseOutService['view']>>) => ({
    ...view,
    closed: view.closed && { closedAt: view.closed.closedAt, closedBy: view.closed.closedBy, signature: await callers.signature(view.closed.signatureId) },
  });
  return {
    closure: async () => shown(await closeOut.view()),
    close: async (ctx) => shown(await closeOut.close(callers.actor(ctx), ctx.signer!)),
    reopen: async (ctx, input) => shown(await closeOut.reopen(callers.actor(ctx), ctx.signer!, input.reason)),
  };
}
