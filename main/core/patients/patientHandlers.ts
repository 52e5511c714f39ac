import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { PatientService } from './patientService';

export function patientHandlers({ patients, callers }: { patients: PatientService; callers: Callers }): Handlers['patients'] {
  return {
    list: () => patients.list(),
    get: (_ctx, input) => patients.view(input.patientId),
    register: (ctx, input) => patients.view(patients.register(callers.actor(ctx), input).id),
    randomize: (ctx, input) => {
      const { patient, signatureId } = patients.randomize(ctx.signer!, input.patientId);
      return { patient: patients.view(patient.id), signature: callers.signature(signatureId) };
    },
    withdraw: (ctx, input) => patients.view(patients.withdraw(callers.actor(ctx), input.patientId, input.reason).id),
  };
}
