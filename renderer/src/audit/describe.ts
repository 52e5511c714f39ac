import type { TFunction } from 'i18next';
import { describeEvent, type DescribableEvent } from '../../../shared/audit/describeEvent';

/**
 * Audit events in plain words, in the reader's language (Annex 11 s9: an inspector reads the trail without a manual).
 * The English sentences follow shared/audit/describeEvent.ts (also used by the CSV export); an action this table does
 * not know is described by describeEvent itself, so nothing is ever hidden.
 */
type Fields = Record<string, unknown>;
type Tx = (key: string, options?: Record<string, unknown>) => string;

const str = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

function dynamic(t: TFunction): Tx {
  return t as unknown as Tx;
}

/** A kit status in words ("available", "disponible"); an unknown one as it is. */
export function kitStatusLabel(status: unknown, t: TFunction): string {
  return dynamic(t)(`setup.kitStatus.${str(status)}`, { defaultValue: str(status) });
}

/** A label kind in words ("carton", "seringue"); an unknown one as it is. */
function labelKind(kind: unknown, t: Tx): string {
  return t(`audit.labelKinds.${str(kind)}`, { defaultValue: str(kind) });
}

/** A return's condition in words, lower case ("partly used", "partiellement utilisé"). */
function returnCondition(condition: unknown, t: Tx): string {
  return t(`returns.condition.${str(condition)}`, { defaultValue: str(condition).replace('_', ' ') }).toLowerCase();
}

const SENTENCES: Record<string, (e: DescribableEvent, a: Fields, t: Tx, base: Fields) => string> = {
  'user.created': (_e, a, t, b) => t('audit.sentences.user.created', { ...b, role: t(`roles.${str(a.role)}`, { defaultValue: str(a.role) }) }),
  'user.deactivated': (_e, _a, t, b) => t('audit.sentences.user.deactivated', b),
  'user.reactivated': (_e, _a, t, b) => t('audit.sentences.user.reactivated', b),
  'user.password_reset': (_e, a, t, b) =>
    a.allocationKeyAccessRemoved ? t('audit.sentences.user.password_reset_key', b) : t('audit.sentences.user.password_reset', b),
  'user.password_changed': (_e, _a, t, b) => t('audit.sentences.user.password_changed', b),
  // failedLogins: the name in events recorded before the one credential check counted every re-entry point.
  'user.locked_out': (_e, a, t, b) => t('audit.sentences.user.locked_out', { ...b, count: Number(a.failedAttempts ?? a.failedLogins ?? 0) }),
  'code_break.locked_out': (_e, a, t, b) => t('audit.sentences.code_break.locked_out', { ...b, count: Number(a.failedAttempts ?? 0) }),
  'credential.failed': (_e, a, t, b) => {
    if (a.cause === 'locked out') return t('audit.sentences.credential.failed_locked', { ...b, check: t(`audit.sentences.credential.checks.${str(a.check)}`, { defaultValue: str(a.check) }) });
    if (a.check === 'code_break') return t('audit.sentences.credential.failed_passphrase', b);
    return t('audit.sentences.credential.failed', { ...b, check: t(`audit.sentences.credential.checks.${str(a.check)}`, { defaultValue: str(a.check) }) });
  },
  'session.login': (_e, _a, t, b) => t('audit.sentences.session.login', b),
  'session.login_failed': (_e, a, t, b) =>
    a.cause === 'unknown username'
      ? t('audit.sentences.session.login_failed_unknown', b)
      : a.cause === 'locked out'
        ? t('audit.sentences.session.login_failed_locked', b)
        : t('audit.sentences.session.login_failed', b),
  'session.logout': (_e, _a, t, b) => t('audit.sentences.session.logout', b),
  'allocation.key_set_up': (_e, _a, t, b) => t('audit.sentences.allocation.key_set_up', b),
  'allocation.access_granted': (_e, _a, t, b) => t('audit.sentences.allocation.access_granted', b),
  'allocation.access_lapsed': (_e, _a, t, b) => t('audit.sentences.allocation.access_lapsed', b),
  'allocation.blocks_sealed': (_e, a, t, b) => t('audit.sentences.allocation.blocks_sealed', { ...b, count: Number(a.slots ?? 0) }),
  'allocation.register_revealed': (_e, a, t, b) => t('audit.sentences.allocation.register_revealed', { ...b, slots: t('audit.counts.slots', { count: Number(a.slots ?? 0) }), kits: t('audit.counts.kits', { count: Number(a.kits ?? 0) }) }),
  'list.randomization_imported': (_e, a, t, b) =>
    t('audit.sentences.list.randomization_imported', { ...b, file: str(a.fileName), count: Number(a.rowCount ?? 0), sha: str(a.sha256).slice(0, 12) }),
  'kits.use_before_confirmed': (_e, a, t, b) =>
    t('audit.sentences.kits.use_before_confirmed', { ...b, date: str(a.useBefore), count: Array.isArray(a.kits) ? a.kits.length : 0 }),
  'list.kits_imported': (_e, a, t, b) =>
    t('audit.sentences.list.kits_imported', { ...b, file: str(a.fileName), count: Number(a.rowCount ?? 0), sha: str(a.sha256).slice(0, 12) }),
  'settings.security_changed': (_e, _a, t, b) => t('audit.sentences.settings.security_changed', b),
  'shipment.created': (_e, a, t, b) => t('audit.sentences.shipment.created', { ...b, count: Number(a.kits ?? 0) }),
  'shipment.kit_received': (_e, a, t, b) => t('audit.sentences.shipment.kit_received', { ...b, shipment: str(a.shipment) }),
  'shipment.kit_damaged': (_e, a, t, b) => t('audit.sentences.shipment.kit_damaged', { ...b, shipment: str(a.shipment) }),
  'shipment.kit_missing': (_e, a, t, b) => t('audit.sentences.shipment.kit_missing', { ...b, shipment: str(a.shipment) }),
  'shipment.closed': (_e, a, t, b) =>
    t('audit.sentences.shipment.closed', {
      ...b,
      available: t('audit.counts.available', { count: Number(a.available ?? 0) }),
      quarantined: t('audit.counts.quarantined', { count: Number(a.quarantined ?? 0) }),
      temperature: t(`audit.temperature.${str(a.temperature)}`, { defaultValue: str(a.temperature) }),
    }),
  'patient.registered': (_e, _a, t, b) => t('audit.sentences.patient.registered', b),
  'patient.randomized': (_e, a, t, b) => t('audit.sentences.patient.randomized', { ...b, number: str(a.randomizationNumber) }),
  'patient.withdrawn': (_e, _a, t, b) => t('audit.sentences.patient.withdrawn', b),
  'audit.anchoring_started': (_e, a, t, b) => t('audit.sentences.audit.anchoring_started', { ...b, upTo: str(a.unanchoredUpTo) }),
  'patient.emergency_unblinded': (_e, _a, t, b) => t('audit.sentences.patient.emergency_unblinded', b),
  'patient.emergency_sponsor_notified': (_e, a, t, b) =>
    a.reference ? t('audit.sentences.patient.emergency_sponsor_notified_ref', { ...b, reference: str(a.reference) }) : t('audit.sentences.patient.emergency_sponsor_notified', b),
  'label.printed': (_e, a, t, b) => t('audit.sentences.label.printed', { ...b, kind: labelKind(a.kind, t), printer: str(a.printer) }),
  'label.reprinted': (_e, a, t, b) => t('audit.sentences.label.reprinted', { ...b, kind: labelKind(a.kind, t), printer: str(a.printer) }),
  'label.print_failed': (_e, a, t, b) => t('audit.sentences.label.print_failed', { ...b, kind: labelKind(a.kind, t), printer: str(a.printer), error: str(a.error) }),
  'devices.test_printed': (_e, a, t, b) => t('audit.sentences.devices.test_printed', { ...b, kind: labelKind(a.kind, t) }),
  'return.recorded': (_e, a, t, b) => t('audit.sentences.return.recorded', { ...b, patient: str(a.patient), condition: returnCondition(a.condition, t) }),
  'return.edited': (_e, a, t, b) =>
    t(a.verificationRemoved ? 'audit.sentences.return.edited_unverified' : 'audit.sentences.return.edited', { ...b, condition: returnCondition(a.condition, t) }),
  'return.verified': (_e, a, t, b) =>
    t(a.method === 'scan' ? 'audit.sentences.return.verified_scan' : a.method === 'signed_list' ? 'audit.sentences.return.verified_signed' : 'audit.sentences.return.verified', b),
  'reconciliation.discrepancy_commented': (_e, a, t, b) => t('audit.sentences.reconciliation.discrepancy_commented', { ...b, comment: str(a.comment) }),
  'reconciliation.signed': (_e, a, t, b) => t('audit.sentences.reconciliation.signed', { ...b, discrepancies: t('audit.counts.discrepancies', { count: Number(a.discrepancies ?? 0) }) }),
  'destruction.recorded': (_e, a, t, b) =>
    t('audit.sentences.destruction.recorded', { ...b, kits: t('audit.counts.kits', { count: Number(a.kits ?? 0) }), method: str(a.method), witness: str(a.witness) }),
  'settings.printers_changed': (_e, _a, t, b) => t('audit.sentences.settings.printers_changed', b),
  'settings.scanners_changed': (_e, _a, t, b) => t('audit.sentences.settings.scanners_changed', b),
  'settings.database_changed': (_e, a, t, b) => t('audit.sentences.settings.database_changed', { ...b, where: str(a.where) }),
  'settings.site_changed': (_e, a, t, b) => t('audit.sentences.settings.site_changed', { ...b, name: str(a.name) }),
  'dispensing.confirmed': (_e, a, t, b) => {
    const kits = Array.isArray(a.kits) ? a.kits.map(str).join(', ') : str(a.kits);
    const key = a.window && a.window !== 'in_window' ? 'audit.sentences.dispensing.confirmed_out_of_window' : 'audit.sentences.dispensing.confirmed';
    return t(key, { ...b, kits, visit: str(a.visit) });
  },
  'dispensing.undone': (_e, a, t, b) => t('audit.sentences.dispensing.undone', { ...b, kits: Array.isArray(a.kits) ? a.kits.map(str).join(', ') : str(a.kits), visit: str(a.visit) }),
};

/** A label event's words: which label (carton or syringe) in the reader's language. */
const labelSentence =
  (key: string) =>
  (_e: DescribableEvent, a: Fields, t: Tx, b: Fields): string =>
    t(`audit.sentences.label.${key}`, { ...b, kind: t(`audit.labelKinds.${str(a.kind)}`, { defaultValue: str(a.kind) }), format: str(a.format).toUpperCase(), error: str(a.error) });
SENTENCES['label.downloaded'] = labelSentence('downloaded');
/** The cold chain's events (issue 15): the location by its name. */
for (const action of ['kit.put_away', 'kit.moved', 'storage_location.created', 'storage_location.changed', 'temperature_log.imported', 'temperature_minmax.recorded', 'excursion.opened', 'excursion.disposition', 'excursion.report_printed']) {
  SENTENCES[action] = (_e, a, t, b) => t(`audit.sentences.${action}`, { ...b, location: str(a.location ?? a.name) });
}
/** An excursion's kits of one study (issue 14): how many, never which arm. */
SENTENCES['excursion.kits_reached'] = (_e, a, t, b) => t('audit.sentences.excursion.kits_reached', { ...b, location: str(a.location), count: Array.isArray(a.kits) ? a.kits.length : 0 });
/** A resupply request printed (issue 16, item 3): the forecast's weeks, the buffer and the format, never an arm's figure. */
SENTENCES['stock.resupply_requested'] = (_e, a, t, b) => t('audit.sentences.stock.resupply_requested', { ...b, weeks: str(a.weeks), buffer: str(a.buffer), format: str(a.format).toUpperCase() });
/** A lot recalled or its expiry extended (issue 16, item 2): the sponsor's letter and the kits, never the real lot. */
const kitCount = (a: Fields, field: string) => (Array.isArray(a[field]) ? (a[field] as unknown[]).length : 0);
SENTENCES['lot.recalled'] = (_e, a, t, b) => t('audit.sentences.lot.recalled', { ...b, letter: str(a.letter), count: kitCount(a, 'quarantined') });
SENTENCES['lot.expiry_extended'] = (_e, a, t, b) => t('audit.sentences.lot.expiry_extended', { ...b, letter: str(a.letter), count: kitCount(a, 'kits') });
/** A study closed at its close-out, or reopened (issue 14, item 1): the reason shows in its own column. */
SENTENCES['study.loaded'] = (_e, a, t, b) => t('audit.sentences.study.loaded', { ...b, file: str(a.fileName), sha256: str(a.sha256) });
SENTENCES['study.closed'] = (_e, _a, t, b) => t('audit.sentences.study.closed', b);
/** The delegation log (issue 14, item 2): the role in the reader's language, the days as recorded. */
SENTENCES['delegation.granted'] = (_e, a, t, b) =>
  t(a.endsOn ? 'audit.sentences.delegation.granted_until' : 'audit.sentences.delegation.granted', { ...b, role: t(`roles.${str(a.role)}`, { defaultValue: str(a.role) }), from: str(a.startsOn), to: str(a.endsOn) });
SENTENCES['delegation.ended'] = (_e, a, t, b) =>
  t(a.atOnce ? (a.keyTakenBack ? 'audit.sentences.delegation.ended_now_key' : 'audit.sentences.delegation.ended_now') : 'audit.sentences.delegation.ended', { ...b, to: str(a.endsOn) });
SENTENCES['study.reopened'] = (_e, _a, t, b) => t('audit.sentences.study.reopened', b);
SENTENCES['study.archived'] = (_e, _a, t, b) => t('audit.sentences.study.archived', b);
SENTENCES['study.unarchived'] = (_e, _a, t, b) => t('audit.sentences.study.unarchived', b);
/** Over-labels queued: after the sponsor's letter, a confirmed common date, or a kit list that moved the date. */
SENTENCES['lot.over_labels_queued'] = (_e, a, t, b) => {
  const count = kitCount(a, 'kits');
  if (a.useBeforeConfirmed !== undefined) return t('audit.sentences.lot.over_labels_after_confirmation', { ...b, date: str(a.useBeforeConfirmed), count });
  if (a.kitListImport !== undefined) return t('audit.sentences.lot.over_labels_after_import', { ...b, import: str(a.kitListImport), count });
  return t('audit.sentences.lot.over_labels_queued', { ...b, letter: str(a.letter), count });
};
SENTENCES['label.over_label_printed'] = (_e, a, t, b) => t('audit.sentences.label.over_label_printed', { ...b, printer: str(a.printer) });

export function describeEventInWords(event: DescribableEvent & { before?: unknown }, t: TFunction): string {
  const tx = dynamic(t);
  const after = event.after && typeof event.after === 'object' ? (event.after as Fields) : {};
  const base: Fields = { user: event.username, id: event.entityId };
  if (event.action === 'kit.status_changed') {
    const before = event.before && typeof event.before === 'object' ? (event.before as Fields) : {};
    const from = kitStatusLabel(before.status, t);
    const to = kitStatusLabel(after.status, t);
    return after.patient
      ? tx('audit.sentences.kit.status_changed_patient', { ...base, from, to, patient: str(after.patient), visit: str(after.visit) })
      : tx('audit.sentences.kit.status_changed', { ...base, from, to });
  }
  const sentence = SENTENCES[event.action];
  return sentence ? sentence(event, after, tx, base) : describeEvent(event);
}

/** An action code in words for the filter ("user.created" → "Account created"); unknown codes as they are. */
export function actionLabel(action: string, t: TFunction): string {
  return dynamic(t)(`audit.actions.${action}`, { defaultValue: action });
}

export function entityTypeLabel(entityType: string, t: TFunction): string {
  return dynamic(t)(`audit.entityTypes.${entityType}`, { defaultValue: entityType });
}

/**
 * Every action Veil records, so the filter offers them, in words, before any has happened. A test reads the core's
 * sources for the actions it records and fails when one is missing here or has no words in either language.
 */
export const KNOWN_ACTIONS = [
  'allocation.access_granted',
  'allocation.access_lapsed',
  'allocation.blocks_sealed',
  'allocation.key_set_up',
  'allocation.register_revealed',
  'audit.anchoring_started',
  'code_break.locked_out',
  'credential.failed',
  'destruction.recorded',
  'devices.test_printed',
  'dispensing.confirmed',
  'dispensing.undone',
  'kit.status_changed',
  'kits.use_before_confirmed',
  'label.downloaded',
  'label.print_failed',
  'label.printed',
  'label.reprinted',
  'list.kits_imported',
  'list.randomization_imported',
  'patient.emergency_sponsor_notified',
  'patient.emergency_unblinded',
  'patient.randomized',
  'patient.registered',
  'patient.withdrawn',
  'reconciliation.discrepancy_commented',
  'reconciliation.signed',
  'return.edited',
  'return.recorded',
  'return.verified',
  'session.login',
  'session.login_failed',
  'session.logout',
  'settings.database_changed',
  'settings.printers_changed',
  'settings.scanners_changed',
  'settings.security_changed',
  'settings.site_changed',
  'shipment.closed',
  'shipment.created',
  'shipment.kit_damaged',
  'shipment.kit_missing',
  'shipment.kit_received',
  'user.created',
  'user.deactivated',
  'user.locked_out',
  'user.password_changed',
  'user.password_reset',
  'user.reactivated',
  // The cold chain (issue 15).
  'kit.put_away',
  'kit.moved',
  'storage_location.created',
  'storage_location.changed',
  'temperature_log.imported',
  'temperature_minmax.recorded',
  'excursion.opened',
  'excursion.kits_reached',
  'excursion.disposition',
  'excursion.report_printed',
  // Stock (issue 16, item 3).
  'stock.resupply_requested',
  'lot.recalled',
  'lot.expiry_extended',
  // Over-labels after an expiry extension (issue 16, item 2).
  'lot.over_labels_queued',
  'label.over_label_printed',
  // A study loaded from its configuration file, and its close-out (issue 14, item 1).
  'study.loaded',
  'study.closed',
  'study.reopened',
  'study.archived',
  'study.unarchived',
  // The delegation log (issue 14, item 2).
  'delegation.granted',
  'delegation.ended',
] as const;

/** Every input source an event can record (21 CFR 11.10(h)), in words in both languages. */
export const KNOWN_SOURCES = ['scanner', 'keyboard_wedge', 'manual', 'file', 'system'] as const;

/** An input source in words ("scanner (keyboard)"); an unknown one as it is. */
export function sourceLabel(source: string, t: TFunction): string {
  return dynamic(t)(`audit.source.${source}`, { defaultValue: source });
}
