/**
 * The roles of a trial-site pharmacy (DESIGN.md section 1) and what each may do. The study nurse is a role of its own
 * (issue 11, item 9): the investigator's blinded patient work without the emergency code-break, which only the
 * investigator holds. Appended last so that the demo's user ids (one per role, in this order) stay as they were.
 * The router enforces this table; the UI reads the same table only to hide what a user cannot use.
 */
export const ROLES = [
  'unblinded_pharmacist',
  'pharmacy_technician',
  'investigator',
  'monitor',
  'unblinded_monitor',
  'administrator',
  'study_nurse',
] as const;
export type Role = (typeof ROLES)[number];

/** Permissions that reveal arms: only roles that are not blinded may ever hold them (tested). */
export const UNBLINDED_PERMISSIONS = [
  'allocation.setup',
  'allocation.reveal',
  'allocation.grant',
  'quarantine.decide',
  'dispensing.perform',
  'reconciliation.unblinded',
  'reports.unblinded',
] as const;

/** Whether people in this role may ever see a treatment arm. Administrators never do. */
export const ROLE_IS_BLINDED: Readonly<Record<Role, boolean>> = {
  unblinded_pharmacist: false,
  pharmacy_technician: true,
  investigator: true,
  monitor: true,
  unblinded_monitor: false,
  administrator: true,
  study_nurse: true,
};

export const PERMISSIONS = [
  'system.read', // version, database path, study identity: any logged-in user
  'users.manage', // create, deactivate, reset users
  'users.read', // list users (names and roles, for sign-off screens and admin)
  'delegations.manage', // delegate users to the study and end delegations, e-signed (blinded roles: the administrator; unblinded: an unblinded user)
  'settings.manage', // security settings (lockout, inactivity)
  'audit.read', // read and export the audit trail (arm values in it are sealed or absent)
  'allocation.setup', // set up the allocation key, import the sponsor's lists (unblinded)
  'allocation.reveal', // the unblinded allocation register (unblinded)
  'allocation.grant', // grant allocation-key access to another unblinded user (unblinded)
  'shipments.receive', // create shipments, scan kits in, close with the temperature answer
  'quarantine.decide', // release or reject quarantined kits (e-signed)
  'inventory.read', // kit numbers, statuses, blinded lots and totals (no arm)
  'patients.read', // patients, randomization numbers, schedules, dispensed kit numbers (no arm)
  'patients.manage', // register and withdraw patients
  'patients.randomize', // randomize a patient to the next number of the list (e-signed; needs no arm)
  'dispensing.perform', // match kits to patients by scan (unblinded: the system opens arms to compare)
  'labels.print', // print and reprint blinded labels
  'returns.read', // patient returns per kit (no arm)
  'returns.record', // record and correct patient returns
  'returns.verify', // the monitor verifies returns
  'reconciliation.read', // reconciliation per kit, patient and blinded lot; destructions
  'reconciliation.unblinded', // reconciliation with real lots (unblinded)
  'reconciliation.sign', // the monitor signs the reconciliation (e-signed)
  'destruction.perform', // destroy returned, expired or damaged kits (e-signed, witnessed)
  'emergency.unblind', // reveal one patient's arm in an emergency (the investigator only; passphrase + e-signature)
  'reports.read', // blinded reports (accountability log, inventory totals, expiring kits, patient history)
  'reports.unblinded', // unblinded reports (per arm, real lots and expiry dates)
  'devices.read', // scanners and label printers: status, errors, the label print queue
  'devices.manage', // choose printers and label stock, test print, the simulator's scan panel
  'storage.read', // storage locations, where kits are, temperature records and excursion cases (kit numbers, no arm)
  'storage.manage', // locations, putting kits away and moving them, logger imports and min/max readings
  'kits.exceptions', // record a kit damaged, lost or found again, at the site or reported by its patient (no arm)
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  unblinded_pharmacist: [
    'system.read',
    'users.read',
    'delegations.manage',
    'audit.read',
    'allocation.setup',
    'allocation.reveal',
    'allocation.grant',
    'shipments.receive',
    'quarantine.decide',
    'inventory.read',
    'patients.read',
    'patients.manage',
    'patients.randomize',
    'dispensing.perform',
    'labels.print',
    'returns.read',
    'returns.record',
    'reconciliation.read',
    'reconciliation.unblinded',
    'destruction.perform',
    'reports.read',
    'reports.unblinded',
    'devices.read',
    'devices.manage',
    'storage.read',
    'storage.manage',
    'kits.exceptions',
  ],
  pharmacy_technician: ['system.read', 'shipments.receive', 'inventory.read', 'labels.print', 'returns.read', 'returns.record', 'reports.read', 'devices.read', 'devices.manage', 'storage.read', 'storage.manage', 'kits.exceptions'],
  investigator: ['system.read', 'patients.read', 'patients.manage', 'patients.randomize', 'emergency.unblind'],
  monitor: ['system.read', 'users.read', 'audit.read', 'inventory.read', 'patients.read', 'returns.read', 'returns.verify', 'reconciliation.read', 'reconciliation.sign', 'reports.read', 'storage.read'],
  unblinded_monitor: [
    'system.read',
    'users.read',
    'delegations.manage',
    'audit.read',
    'allocation.grant',
    'inventory.read',
    'patients.read',
    'returns.read',
    'returns.verify',
    'reconciliation.read',
    'reconciliation.unblinded',
    'reconciliation.sign',
    'reports.read',
    'reports.unblinded',
    'storage.read',
  ],
  administrator: ['system.read', 'users.read', 'users.manage', 'delegations.manage', 'settings.manage', 'audit.read', 'devices.read', 'devices.manage'],
  // At a visit: looks up and registers patients, asks for randomization, sees what was dispensed (kit numbers, no arm).
  // Returns stay with the pharmacy (DESIGN.md section 1: the investigator records none either). Never the code-break.
  study_nurse: ['system.read', 'patients.read', 'patients.manage', 'patients.randomize'],
};

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
