import type { VeilClient } from '../../../shared/contract/client';

export type Patient = Awaited<ReturnType<VeilClient['patients']['get']>>;
export type PatientVisit = Patient['visits'][number];

/** The first visit not dispensed yet, for a randomized patient still in the study. */
export function nextVisit(patient: Patient): PatientVisit | null {
  if (patient.status !== 'randomized') return null;
  return patient.visits.find((v) => v.dispensedAt === null) ?? null;
}
