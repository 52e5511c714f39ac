import type { Callers } from '../callers';
import type { CloseOutService } from '../closeOut/closeOutService';
import type { Handlers } from '../router';
import type { StudyFileService } from './studyFileService';

/**
 * The study's own channels (issue 14, item 1): loading it from its configuration file, for the unblinded pharmacist
 * (checked, then e-signed); its closure, for everyone to read; closing and reopening it, e-signed; archiving a closed
 * study out of the day's lists and back.
 */
export function studyHandlers({ studyFile, closeOut, callers }: { studyFile: StudyFileService; closeOut: CloseOutService; callers: Callers }): Handlers['study'] {
  // The services name their signatures; the contract shows them as SignatureViews.
  const shown = async (view: Awaited<ReturnType<CloseOutService['view']>>) => ({
    ...view,
    closed: view.closed && {
      closedAt: view.closed.closedAt,
      closedBy: view.closed.closedBy,
      signature: await callers.signature(view.closed.signatureId),
      archivedAt: view.closed.archivedAt,
      archivedBy: view.closed.archivedBy,
    },
  });
  return {
    checkFile: (_ctx, input) => studyFile.check(input.fileName, input.contentBase64),
    load: async (ctx, input) => {
      const { signatureId, ...loaded } = await studyFile.load(callers.actor(ctx), ctx.signer!, input.fileName, input.contentBase64);
      return { ...loaded, signature: await callers.signature(signatureId) };
    },
    closure: async () => shown(await closeOut.view()),
    close: async (ctx) => shown(await closeOut.close(callers.actor(ctx), ctx.signer!)),
    reopen: async (ctx, input) => shown(await closeOut.reopen(callers.actor(ctx), ctx.signer!, input.reason)),
    archive: async (ctx) => shown(await closeOut.archive(callers.actor(ctx))),
    unarchive: async (ctx) => shown(await closeOut.unarchive(callers.actor(ctx))),
  };
}
