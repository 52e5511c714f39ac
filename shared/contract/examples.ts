/**
 * The words contract examples use for what differs from one database to the next. Passwords are nobody's business
 * but their owner's, and kit numbers are the sponsor's (random in every demo), so an example names them by what they
 * are; whoever runs the example puts the real one in their place. The contract test does that on the demo database
 * (tests/helpers/exampleWorld.ts, which must know every word below, or it fails) and requires each example to answer
 * ok. Ids (patient 6, shipment 3, user 8, ...) are the demo's own: its seeding is deterministic in ids.
 */
export const EXAMPLE_PASSWORD = '<the password of the user named, or yours>';
export const EXAMPLE_PASSPHRASE = '<the code-break passphrase from the sealed envelope>';

/** Kits of the demo database, by the state they are in when the example runs. */
export const EXAMPLE_KIT = {
  /** Expected in the open shipment (3), not scanned yet. */
  expected: '<a kit expected in the open shipment>',
  /** Another kit expected in the open shipment (a second command on the same shipment). */
  alsoExpected: '<another kit expected in the open shipment>',
  /** Imported from the kit list but in no shipment yet. */
  unshipped: '<a kit in no shipment yet>',
  /** Waiting in quarantine after a temperature alarm. */
  quarantined: '<a quarantined kit>',
  /** A kit dispensing.plan suggests for patient 6 at visit W2 (valid for that patient). */
  forVisit: '<a kit valid for patient 6 at visit W2>',
  /** Dispensed to a patient, its labels never printed. */
  dispensed: '<a dispensed kit>',
  /** Dispensed and not brought back yet. */
  withPatient: '<a dispensed kit not returned yet>',
  /** Returned by the patient, the return recorded but not verified by the monitor yet. */
  returnUnverified: '<a returned kit not verified yet>',
  /** A kit the reconciliation lists with a discrepancy (commented already, so the sign-off example can sign). */
  withDiscrepancy: '<a kit with a reconciliation discrepancy>',
  /** Returned and not destroyed yet: a candidate for destruction. */
  toDestroy: '<a kit waiting for destruction>',
  /** Available on the shelf, and neither suggested for a visit nor used by another example. */
  inStock: '<an available kit no other example uses>',
  /** Recorded lost at the site (a kit exception, issue 16). */
  lost: '<a kit recorded lost at the site>',
  /** Another kit dispensed and not brought back, used by no other example. */
  alsoWithPatient: '<another dispensed kit not returned yet>',
} as const;

export type ExampleKit = keyof typeof EXAMPLE_KIT;
