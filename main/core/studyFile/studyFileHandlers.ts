import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { StudyFileService } from './studyFileService';

/** Checking and loading the study's configuration file (unblinded pharmacist; loading is e-signed). */
export function studyFileHandlers({ studyFile, callers }: { studyFile: StudyFileService; callers: Callers }): Pick<Handlers['study'], 'checkFile' | 'load'> {
  return {
    checkFile: (_ctx, input) => studyFile.check(input.fileName, input.contentBase64),
    load: async (ctx, input) => {
      const { signatureId, ...loaded } = await studyFile.load(callers.actor(ctx), ctx.signer!, input.fileName, input.contentBase64);
      return { ...loaded, signature: await callers.signature(signatureId) };
    },
  };
}
