/**
 * Which audit events belong to a study and which to the site (issue 14, item 1: "each event names its study"). Users,
 * sessions, settings, devices, storage places and the cold chain are the site's: a fridge holds kits of several
 * studies, a user works in several. Everything that happens to a study's lists, key, kits, patients, returns and
 * reconciliation names the study. Every action Veil records is listed here; a test holds the list to the actions the
 * core records, so a new action is placed deliberately.
 */
export const EVENT_SCOPE = {
  'allocation.access_granted': 'study',
  'allocation.access_lapsed': 'study',
  'allocation.blocks_sealed': 'study',
  'allocation.key_set_up': 'study',
  'allocation.register_revealed': 'study',
  'audit.anchoring_started': 'site',
  'code_break.locked_out': 'study',
  // A wrong password is the user's (a code-break passphrase tried names its study: see CredentialCheck).
  'credential.failed': 'site',
  // Who may work in a study, in which role (the delegation log): the study's, though users are the site's.
  'delegation.ended': 'study',
  'delegation.granted': 'study',
  'destruction.recorded': 'study',
  'devices.test_printed': 'site',
  'dispensing.confirmed': 'study',
  'dispensing.undone': 'study',
  // A kit's disposition is its study's; the case itself (location, times, temperatures) is the site's.
  'excursion.disposition': 'study',
  'excursion.kits_reached': 'study',
  'excursion.opened': 'site',
  'excursion.report_printed': 'site',
  'kit.moved': 'study',
  'kit.put_away': 'study',
  'kit.status_changed': 'study',
  'kits.use_before_confirmed': 'study',
  'label.downloaded': 'study',
  'label.over_label_printed': 'study',
  'label.print_failed': 'study',
  'label.printed': 'study',
  'label.reprinted': 'study',
  'list.kits_imported': 'study',
  'list.randomization_imported': 'study',
  'lot.expiry_extended': 'study',
  'lot.over_labels_queued': 'study',
  'lot.recalled': 'study',
  'patient.emergency_sponsor_notified': 'study',
  'patient.emergency_unblinded': 'study',
  'patient.randomized': 'study',
  'patient.registered': 'study',
  'patient.withdrawn': 'study',
  'reconciliation.discrepancy_commented': 'study',
  'reconciliation.signed': 'study',
  'return.edited': 'study',
  'return.recorded': 'study',
  'return.verified': 'study',
  'session.login': 'site',
  'session.login_failed': 'site',
  'session.logout': 'site',
  'settings.database_changed': 'site',
  'settings.printers_changed': 'site',
  'settings.scanners_changed': 'site',
  'settings.security_changed': 'site',
  'settings.site_changed': 'site',
  'shipment.closed': 'study',
  'shipment.created': 'study',
  'shipment.kit_damaged': 'study',
  'shipment.kit_missing': 'study',
  'shipment.kit_received': 'study',
  'stock.resupply_requested': 'study',
  'storage_location.changed': 'site',
  'storage_location.created': 'site',
  'study.closed': 'study',
  'study.loaded': 'study',
  'study.reopened': 'study',
  'study.archived': 'study',
  'study.unarchived': 'study',
  'temperature_log.imported': 'site',
  'temperature_minmax.recorded': 'site',
  'user.created': 'site',
  'user.deactivated': 'site',
  'user.locked_out': 'site',
  'user.password_changed': 'site',
  'user.password_reset': 'site',
  'user.reactivated': 'site',
} as const satisfies Record<string, 'study' | 'site'>;

/** The site's actions: their events name no study and are read by the users of every study. */
export const SITE_ACTIONS: readonly string[] = Object.entries(EVENT_SCOPE)
  .filter(([, scope]) => scope === 'site')
  .map(([action]) => action);

/**
 * Whether an action's events name the study they happen in. An action not listed is taken as the study's: hidden
 * from whoever is not delegated to it rather than shown to every user of the site.
 */
export function namesItsStudy(action: string): boolean {
  return (EVENT_SCOPE as Record<string, 'study' | 'site'>)[action] !== 'site';
}
