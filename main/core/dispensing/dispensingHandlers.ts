import type { Callers } from '../callers';
import type { PatientService } from '../patients/patientService';
import type { Handlers } from '../router';
import type { DispensingService } from './dispensingService';

/** Every dispensing channel requires the allocation key (contract): the router hands it over as ctx.key. */
export function dispensingHandlers({ dispensing, patients, callers }: { dispensing: DispensingService; patients: PatientService; callers: Callers }): Handlers['dispensing'] {
  return {
    plan: (ctx, input) => dispensing.plan(ctx.key!, input.patientId, input.visitCode),
    checkKit: (ctx, input) => dispensing.check(ctx.key!, input.patientId, input.visitCode, input.code, input.alreadyScanned),
    confirm: async (ctx, input) => {
      const { dispensingId, signatureId } = await dispensing.confirm(ctx.key!, ctx.signer!, callers.actor(ctx).role, input);
      return { dispensingId, patient: await patients.view(input.patientId), signature: await callers.signature(signatureId) };
    },
  };
}
