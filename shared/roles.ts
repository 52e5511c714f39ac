/**
 * The six roles of a trial-site pharmacy (DESIGN.md section 1) and what each may do.
 * The router enforces this table; the UI reads the same table only to hide what a user cannot use.
 */
export const ROLES = [
  'unblinded_pharmacist',
  'pharmacy_technician',
  'investigator',
  'monitor',
  'unblinded_monitor',
  'administrator',
] as const;
export type Role = (typeof ROLES)[number];

/** Permissions that reveal arms: only roles that are not blinded may ever hold them (tested). */
export const UNBLINDED_PERMISSIONS = ['allocation.setup', 'allocation.reveal', 'allocation.grant'] as const;

/** Whether people in this role may ever see a treatment arm. Administrators never do. */
export const ROLE_IS_BLINDED: Readonly<Record<Role, boolean>> = {
  unblinded_pharmacist: false,
  pharmacy_technician: true,
  investigator: true,
  monitor: true,
  unblinded_monitor: false,
  administrator: true,
};

export const PERMISSIONS = [
  'system.read', // version, database path, study identity: any logged-in user
  'users.manage', // create, deactivate, reset users
  'users.read', // list users (names and roles, for sign-off screens and admin)
  'settings.manage', // security settings (lockout, inactivity)
  'audit.read', // read and export the audit trail (arm values in it are sealed or absent)
  'allocation.setup', // set up the allocation key, import the sponsor's lists (unblinded)
  'allocation.reveal', // the unblinded allocation register (unblinded)
  'allocation.grant', // grant allocation-key access to another unblinded user (unblinded)
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  unblinded_pharmacist: ['system.read', 'users.read', 'audit.read', 'allocation.setup', 'allocation.reveal', 'allocation.grant'],
  pharmacy_technician: ['system.read'],
  investigator: ['system.read'],
  monitor: ['system.read', 'users.read', 'audit.read'],
  unblinded_monitor: ['system.read', 'users.read', 'audit.read', 'allocation.grant'],
  administrator: ['system.read', 'users.read', 'users.manage', 'settings.manage', 'audit.read'],
};

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
