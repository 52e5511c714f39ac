import type { Callers } from '../callers';
import type { PatientService } from '../patients/patientService';
import type { Handlers } from '../router';
import type { ExtraDispensingService } from './extraDispensingService';

/** Replacement kits and unscheduled dispensings: every channel requires the allocation key (ctx.key). */
export function extraDispensingHandlers({ extra, patients, callers }: { extra: ExtraDispensingService; patients: PatientService; callers: Callers }): Handlers['extraDispensing'] {
  return {
    plan: (ctx, input) => extra.plan(ctx.key!, input.request),
    checkKit: (ctx, input) => extra.check(ctx.key!, input.request, input.code, input.alreadyScanned),
    confirm: async (ctx, input) => {
      const done = await extra.confirm(ctx.key!, ctx.signer!, callers.actor(ctx), { ...input.request, kits: input.kits, reason: input.reason });
      return { dispensingId: done.dispensingId, visitCode: done.visitCode, kits: done.kits, patient: await patients.view(input.request.patientId), signature: await callers.signature(done.signatureId) };
    },
  };
}
