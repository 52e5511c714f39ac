import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { ComplianceService } from './complianceService';
import type { ReturnsService } from './returnsService';

export function returnsHandlers({ returns, compliance, callers }: { returns: ReturnsService; compliance: ComplianceService; callers: Callers }): Handlers['returns'] {
  return {
    list: () => returns.list(),
    compliance: (_ctx, input) => compliance.ofPatient(input.patientId),
    record: (ctx, input) => returns.record(callers.actor(ctx), input),
    edit: (ctx, input) => returns.edit(callers.actor(ctx), input),
    lookup: (_ctx, input) => returns.lookup(input.code),
    verify: (ctx, input) => returns.verify(callers.actor(ctx), ctx.signer!, input.kitNumbers),
    verifyScan: (ctx, input) => returns.verifyScan(callers.actor(ctx), input),
  };
}
