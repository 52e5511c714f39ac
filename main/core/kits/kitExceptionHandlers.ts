import type { Callers } from '../callers';
import type { CallContext, Handlers } from '../router';
import type { KitExceptionResult, KitExceptionService } from './kitExceptionService';

export function kitExceptionHandlers({ exceptions, callers }: { exceptions: KitExceptionService; callers: Callers }): Handlers['kitExceptions'] {
  const answer = async (r: KitExceptionResult) => ({ kitNumber: r.kitNumber, status: r.status, patient: r.patient, signature: r.signatureId === null ? null : await callers.signature(r.signatureId) });
  const unsigned = (exception: 'damagedAtSite' | 'damagedByPatient') => async (ctx: CallContext, input: { code: string; reason: string }) =>
    answer(await exceptions.record(callers.actor(ctx), exception, input, null));
  const signed = (exception: 'lostAtSite' | 'found' | 'lostByPatient') => async (ctx: CallContext, input: { code: string; reason: string }) =>
    answer(await exceptions.record(callers.actor(ctx), exception, input, ctx.signer!));
  return {
    damagedAtSite: unsigned('damagedAtSite'),
    lostAtSite: signed('lostAtSite'),
    found: signed('found'),
    lostByPatient: signed('lostByPatient'),
    damagedByPatient: unsigned('damagedByPatient'),
    dispensedInError: async (ctx, input) => {
      const undone = await exceptions.undoDispensing(callers.actor(ctx), ctx.signer!, input);
      return { screeningNumber: undone.screeningNumber, visitCode: undone.visitCode, kits: undone.kits, signature: await callers.signature(undone.signatureId) };
    },
  };
}
