/**
 * Audit events in plain words (Annex 11 s9: an inspector reads the trail without a manual). One sentence per
 * action; unknown actions fall back to their code so nothing is ever hidden.
 */
export interface DescribableEvent {
  username: string;
  action: string;
  entityType: string;
  entityId: string;
  after: unknown;
}

const SENTENCES: Record<string, (e: DescribableEvent, a: Record<string, unknown>) => string> = {
  'user.created': (e, a) => `${e.username} created the account "${e.entityId}" (${String(a.role ?? 'role not recorded')}).`,
  'user.deactivated': (e) => `${e.username} deactivated the account "${e.entityId}".`,
  'user.reactivated': (e) => `${e.username} reactivated the account "${e.entityId}".`,
  'user.password_reset': (e, a) =>
    `${e.username} reset the password of "${e.entityId}"${a.allocationKeyAccessRemoved ? '; their access to the allocation key was removed' : ''}.`,
  'user.password_changed': (e) => `${e.username} changed their own password.`,
  // failedLogins: the name in events recorded before the one credential check counted every re-entry point.
  'user.locked_out': (e, a) => `The account "${e.entityId}" was locked after ${String(a.failedAttempts ?? a.failedLogins)} wrong passwords.`,
  'code_break.locked_out': (e, a) => `Code-break for study ${e.entityId} was locked after ${String(a.failedAttempts)} wrong passphrases.`,
  'credential.failed': (e, a) =>
    a.check === 'code_break'
      ? `${e.username}: a code-break passphrase for study ${e.entityId} was refused (${String(a.cause)}).`
      : `${e.username}: a password for "${e.entityId}" was refused at ${String(a.check).replace('_', ' ')} (${String(a.cause)}).`,
  'session.login': (e) => `${e.username} logged in.`,
  'session.login_failed': (e, a) => `A login as "${e.entityId}" failed (${String(a.cause ?? 'wrong password')}).`,
  'session.logout': (e) => `${e.username} logged out.`,
  'allocation.key_set_up': (e) => `${e.username} created the allocation key and the emergency code-break envelope.`,
  'allocation.access_granted': (e) => `${e.username} granted "${e.entityId}" access to the allocation key.`,
  'allocation.access_lapsed': (e) => `The allocation key was taken back from "${e.entityId}": their unblinded role in the study reached its last day.`,
  'allocation.register_revealed': (e, a) => `${e.username} opened the unblinded allocation register (${String(a.slots)} slots, ${String(a.kits)} kits).`,
  'list.randomization_imported': (e, a) => `${e.username} imported the randomization list "${String(a.fileName)}" (${String(a.rowCount)} rows, SHA-256 ${String(a.sha256).slice(0, 12)}…).`,
  'list.kits_imported': (e, a) => `${e.username} imported the kit list "${String(a.fileName)}" (${String(a.rowCount)} kits, SHA-256 ${String(a.sha256).slice(0, 12)}…).`,
  'settings.database_changed': (e, a) => `${e.username} set this workstation to open ${String(a.where)} at its next start.`,
  'settings.security_changed': (e) => `${e.username} changed the login and inactivity settings.`,
  'shipment.created': (e, a) => `${e.username} created shipment ${e.entityId} (${String(a.kits)} kits expected).`,
  'shipment.kit_received': (e, a) => `${e.username} received kit ${e.entityId} (shipment ${String(a.shipment)}).`,
  'shipment.kit_damaged': (e) => `${e.username} marked kit ${e.entityId} damaged at receipt.`,
  'shipment.kit_missing': (e) => `${e.username} marked kit ${e.entityId} missing from its shipment.`,
  'shipment.closed': (e, a) => `${e.username} closed shipment ${e.entityId} (temperature: ${String(a.temperature).replace('_', ' ')}).`,
  'kits.use_before_confirmed': (e, a) =>
    `${e.username} confirmed use-before date ${String(a.useBefore)} on the blinded labels of ${Array.isArray(a.kits) ? a.kits.length : 0} kits.`,
  'kit.status_changed': (e, a) => `Kit ${e.entityId} ${String(a.step ?? `became ${String(a.status)}`)} (${e.username}).`,
  'patient.registered': (e) => `${e.username} registered patient ${e.entityId}.`,
  'patient.randomized': (e, a) => `${e.username} randomized patient ${e.entityId} to number ${String(a.randomizationNumber)}.`,
  'patient.withdrawn': (e) => `${e.username} withdrew patient ${e.entityId}.`,
  'patient.emergency_unblinded': (e) => `${e.username} broke the blind for patient ${e.entityId} in an emergency.`,
  'patient.emergency_sponsor_notified': (e, a) => `${e.username} recorded that the sponsor was notified of the emergency unblinding of patient ${e.entityId}${a.reference ? ` (${String(a.reference)})` : ''}.`,
  'dispensing.confirmed': (e, a) => `${e.username} dispensed ${Array.isArray(a.kits) ? a.kits.join(', ') : ''} to patient ${e.entityId} for visit ${String(a.visit)}.`,
  'label.printed': (e, a) => `${e.username} printed the ${String(a.kind)} label of kit ${e.entityId}.`,
  'label.reprinted': (e, a) => `${e.username} reprinted the ${String(a.kind)} label of kit ${e.entityId}.`,
  'label.print_failed': (e, a) => `The ${String(a.kind)} label of kit ${e.entityId} did not print (${String(a.error)}).`,
  'label.downloaded': (e, a) => `${e.username} downloaded the ${String(a.kind)} label of kit ${e.entityId} as ${String(a.format).toUpperCase()} (not a print).`,
  'return.recorded': (e, a) => `${e.username} recorded the return of kit ${e.entityId} (${String(a.condition).replace('_', ' ')}).`,
  'return.edited': (e) => `${e.username} corrected the return of kit ${e.entityId}; its verification was removed.`,
  'return.verified': (e, a) =>
    `${e.username} verified the return of kit ${e.entityId}${a.method === 'scan' ? ' by scanning the kit' : a.method === 'signed_list' ? ' in a signed list' : ''}.`,
  'reconciliation.discrepancy_commented': (e, a) => `${e.username} commented the discrepancies of kit ${e.entityId}: “${String(a.comment ?? '')}”.`,
  'reconciliation.signed': (e, a) => `${e.username} signed the reconciliation (${String(a.discrepancies)} discrepancies listed).`,
  'audit.anchoring_started': (_e, a) =>
    `Veil found no anchor file beside the database and started anchoring the audit chain here (events up to ${String(a.unanchoredUpTo)} were not anchored on this workstation).`,
  'study.loaded': (e, a) => `${e.username} loaded study ${e.entityId} from ${String(a.fileName)} (SHA-256 ${String(a.sha256)}).`,
  'delegation.granted': (e, a) => `${e.username} delegated ${e.entityId} to the study as ${String(a.role)} from ${String(a.startsOn)}${a.endsOn ? ` to ${String(a.endsOn)}` : ''}.`,
  'delegation.ended': (e, a) => `${e.username} ended the delegation of ${e.entityId} to the study${a.atOnce ? ' at once' : ''}: last day ${String(a.endsOn)}.`,
  'study.closed': (e) => `${e.username} closed study ${e.entityId}: its records are read-only.`,
  'study.reopened': (e) => `${e.username} reopened study ${e.entityId}.`,
  'study.archived': (e) => `${e.username} archived the closed study ${e.entityId}.`,
  'study.unarchived': (e) => `${e.username} brought study ${e.entityId} back from the archive.`,
  'destruction.recorded': (e, a) => `${e.username} destroyed ${String(a.kits)} kits (${String(a.method)}), witnessed by ${String(a.witness)}.`,
};

export function describeEvent(event: DescribableEvent): string {
  const after = event.after && typeof event.after === 'object' ? (event.after as Record<string, unknown>) : {};
  const sentence = SENTENCES[event.action];
  return sentence ? sentence(event, after) : `${event.username}: ${event.action} on ${event.entityType} ${event.entityId}.`;
}
