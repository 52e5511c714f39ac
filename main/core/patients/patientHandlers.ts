import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { PatientService } from './patientService';

export function patientHandlers({ patients, callers }: { patients: PatientService; callers: Callers }): Handlers['patients'] {
  return {
    list: () => patients.list(),
    due: (_ctx, input) => patients.due(input),
    get: (_ctx, input) => patients.view(input.patientId),
    register: async (ctx, input) => patients.view((await patients.register(callers.actor(ctx), input)).id),
    randomize: async (ctx, input) => {
      const { patient, signatureId } = await patients.randomize(ctx.signer!, input.patientId);
      return { patient: await patients.view(patient.id), signature: await callers.signature(signatureId) };
    },
    withdraw: async (ctx, input) => patients.view((await patients.withdraw(callers.actor(ctx), input.patientId, input.reason)).id),
  };
}
