import { RECORD_TOPICS, type RecordTopic } from '../../../shared/contract/records';
import type { Store, StoreChange } from '../db/store';
import type { VeilTables } from '../db/tables';

/**
 * Which topics a committed change to each table is told to the windows as (`records.changed`, issue 13 item 5): the
 * one place where tables become topics. Typed over every table, so a new table fails to compile until it is placed.
 *
 * Blinding. The notice says only that some area of the records changed, at about what time; never which row, kit,
 * patient or arm. Two things could still teach a blinded user something, and are ruled out here:
 * - A table whose rows exist only for unblinded work (sealed arms of the randomization slots, blocks waiting for the
 *   key, wrapped keys and key pairs, code-break attempts) maps to NO topic. Otherwise a notice that changes nothing on a blinded
 *   screen would say "unblinded work was just done" (a block sealed after a key upgrade, a slot re-sealed), and its
 *   timing could be lined up with what else happened. When such work also changes something a blinded screen shows
 *   (a randomization assigns the patient a number), that other table raises the notice: the screen would show the same
 *   change on its next reload, so the notice tells nothing the screen does not.
 * - `kits` holds sealed arms, lots and expiry dates beside its blinded columns; its topic is the neutral 'kits' that
 *   every kit change raises (received, dispensed, returned, held by a real expiry date). The holds of the expiry sweep
 *   show on blinded screens as a kit that may not be dispensed, so the notice adds nothing to what the reload shows.
 * Bursts are joined (RecordsChangedNotices), so the number and the rhythm of notices do not count kits either.
 */
export const TABLE_TOPICS: { readonly [T in keyof VeilTables]: readonly RecordTopic[] } = {
  audit_events: ['audit'],
  block_transition_wraps: [],
  blocks_in_transition: [],
  code_break_attempts: [],
  // Who may work in which study, in which role: what the users screen shows.
  delegations: ['users'],
  destruction_kits: ['kits', 'reconciliation'],
  destructions: ['reconciliation'],
  discrepancy_comments: ['reconciliation'],
  dispensing_kits: ['kits', 'patients'],
  dispensings: ['kits', 'patients'],
  emergency_sponsor_notifications: ['patients'],
  emergency_unblindings: ['patients'],
  excursion_kits: ['kits', 'storage'],
  excursions: ['storage'],
  extra_dispensings: ['kits', 'patients'],
  key_wraps: [],
  kit_returns: ['kits', 'returns'],
  kit_stays: ['kits', 'storage'],
  kits: ['kits'],
  label_prints: ['labels'],
  list_imports: ['study'],
  manual_readings: ['storage'],
  // The over-label queue is shown to the unblinded pharmacist only; queueing rides on the extension's kit changes.
  over_labels: [],
  patients: ['patients'],
  randomization_slots: [],
  reconciliation_signoffs: ['reconciliation'],
  settings: ['settings'],
  shipment_kits: ['kits', 'shipments'],
  shipments: ['shipments'],
  signatures: ['audit'],
  storage_locations: ['storage'],
  studies: ['study'],
  study_closures: ['study'],
  temperature_imports: ['storage'],
  temperature_readings: ['storage'],
  // Key pairs for the allocation key: unblinded work only (the users' own rows raise 'users' when they change).
  user_keys: [],
  users: ['users'],
};

/**
 * The topics of a set of changed tables, in the contract's fixed order (never the order the tables were written in).
 * A table this Veil does not know (a newer workstation's, on a shared database) raises nothing.
 */
export function topicsOf(tables: readonly string[]): RecordTopic[] {
  const raised = new Set<RecordTopic>();
  for (const table of tables) {
    const topics = Object.prototype.hasOwnProperty.call(TABLE_TOPICS, table) ? TABLE_TOPICS[table as keyof VeilTables] : [];
    for (const topic of topics) raised.add(topic);
  }
  return RECORD_TOPICS.filter((topic) => raised.has(topic));
}

/** How long changes are gathered into one notice: a 50-kit import sends one, and a notice still arrives well within a second. */
export const RECORDS_NOTICE_GATHER_MS = 200;

/**
 * Follows the Store's changes (this process's commits and, on PostgreSQL, every other workstation's) and tells
 * `notify` the topics, at most one notice per gathering window: the first change opens the window, every change in
 * it joins, and when it closes the union goes out once.
 */
export class RecordsChangedNotices {
  private pending = new Set<RecordTopic>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopListening: (() => void) | null = null;

  constructor(
    private readonly notify: (topics: RecordTopic[]) => void,
    private readonly gatherMs = RECORDS_NOTICE_GATHER_MS,
  ) {}

  async follow(store: Store): Promise<void> {
    this.stopListening = await store.onChange((change) => this.changed(change));
  }

  changed(change: StoreChange): void {
    const topics = topicsOf(change.tables);
    if (topics.length === 0) return;
    for (const topic of topics) this.pending.add(topic);
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.gatherMs);
    this.timer.unref?.();
  }

  private flush(): void {
    this.timer = null;
    const topics = RECORD_TOPICS.filter((topic) => this.pending.has(topic));
    this.pending = new Set();
    if (topics.length > 0) this.notify(topics);
  }

  stop(): void {
    this.stopListening?.();
    this.stopListening = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = new Set();
  }
}
