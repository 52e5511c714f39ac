import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { DestructionCertificates } from './destructionCertificates';
import type { DestructionService } from './destructionService';

export function destructionHandlers(s: { destruction: DestructionService; certificates: DestructionCertificates; callers: Callers }): Handlers['destruction'] {
  return {
    candidates: () => s.destruction.candidates(),
    list: () => s.destruction.list(),
    record: async (ctx, input) => s.destruction.get((await s.destruction.record(s.callers.actor(ctx), ctx.signer!, input)).destructionId),
    certificate: (_ctx, input) => s.certificates.certificate(input.destructionId),
  };
}
