import type { StoredAuditEvent } from './auditTrail';
import { forEachRow, type RecordedDelegation, type RecordedState, type StudyRow } from './recordedState';

/**
 * Replays the audit trail against the tables (DESIGN.md section 4; issue 10, finding 10): every change of an audited
 * row is made in the transaction that writes its event, so the events, replayed in order, must give exactly the rows
 * of today. A row whose state no event explains (a kit status, a dispensing, a return, a patient's randomization
 * number, a user's role changed with a SQLite shell) is named; so is an event that depends on a state the trail never
 * reached (a kit "returned" that was never dispensed, a return verified after the kit was destroyed: issue 11, item 11).
 *
 * Only what each entity last looked like is kept, never the events themselves, so memory follows the number of kits,
 * patients and users, not the length of the trail.
 *
 * Kit and patient numbers are unique within a study only (migration 20): kits, receipts, dispensings, returns,
 * destructions and patients are keyed by study and number. An event's study is the one it names; an event written
 * before events named their study (migration 18), and a row of a file from before rows named theirs, is the first
 * study's (a database held one study until then). Findings name the study of a number when it is not the first.
 */
export type ReplayFinding = { kind: 'state' | 'sequence'; text: string; seq: number };

interface Seen<T> {
  value: T;
  seq: number;
  at: string;
}
interface PatientState {
  status: string;
  randomizationNumber: string | null;
  baselineDate: string | null;
}
interface ReturnState {
  patient: string;
  condition: string;
  unitsReturned: number;
  verified: boolean;
}
interface DelegationState {
  role: string | null;
  startsOn: string | null;
  endsOn: string | null;
  ended: boolean;
}

interface UserState {
  role: string | null;
  active: boolean;
}

const by = (seen: { seq: number; at: string }) => `event ${seen.seq}, ${seen.at}`;
const list = (kits: readonly string[]) => (kits.length ? kits.join(', ') : 'none');
const CHANGED = 'the row was changed without its event';

function parse(json: string | null): Record<string, unknown> {
  if (json === null) return {};
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The database's studies, by id and by code; the first one loaded owns what names no study. */
export class StudiesOfRecord {
  private readonly byCode: Map<string, number>;
  private readonly byId: Map<number, string>;
  readonly first: number;

  constructor(studies: readonly StudyRow[]) {
    this.byCode = new Map(studies.map((s) => [s.code, s.id]));
    this.byId = new Map(studies.map((s) => [s.id, s.code]));
    this.first = studies.length ? Math.min(...studies.map((s) => s.id)) : 0;
  }

  /** The study an event belongs to: the one it names (an unknown code matches no row), else the first. */
  ofEvent(e: StoredAuditEvent): number {
    return e.study_code === null ? this.first : (this.byCode.get(e.study_code) ?? -1);
  }

  /** The study a row belongs to: its study, or the first for a file whose rows name none. */
  ofRow(study: number | null): number {
    return study ?? this.first;
  }

  /** The key of a number in its study. */
  key(study: number, id: string): string {
    return `${study}\u0000${id}`;
  }

  /** A number as a finding names it: with its study's code unless it is the first study's. */
  label(key: string): string {
    const cut = key.indexOf('\u0000');
    const study = Number(key.slice(0, cut));
    const id = key.slice(cut + 1);
    return study === this.first ? id : `${id} (${this.byId.get(study) ?? `study ${study}`})`;
  }
}

export class TrailReplay {
  private readonly kitStatus = new Map<string, Seen<string>>();
  private readonly receipt = new Map<string, Seen<string>>();
  private readonly dispensings = new Map<string, Seen<{ patient: string; visit: string; kits: string[] }>>();
  private readonly dispensedTo = new Map<string, Seen<string>>();
  private readonly returns = new Map<string, Seen<ReturnState>>();
  private readonly destroyedIn = new Map<string, Seen<number>>();
  private readonly patients = new Map<string, Seen<PatientState>>();
  private readonly users = new Map<string, Seen<UserState>>();
  /** Each user's delegations per study, in the order their events granted them (key: study and username). */
  private readonly delegations = new Map<string, Array<Seen<DelegationState>>>();

  constructor(
    private readonly report: (finding: ReplayFinding) => void,
    private readonly studies: StudiesOfRecord,
  ) {}

  observe(e: StoredAuditEvent): void {
    const seen = <T>(value: T): Seen<T> => ({ value, seq: e.seq, at: e.at_utc });
    const sequence = (text: string) => this.sequence(text, e.seq);
    const study = this.studies.ofEvent(e);
    // The event's entity (a kit or patient number) in its study, and as findings name it.
    const entity = this.studies.key(study, e.entity_id);
    const named = this.studies.label(entity);
    switch (e.action) {
      case 'kit.status_changed': {
        const before = text(parse(e.before_json).status);
        const after = parse(e.after_json);
        const to = text(after.status);
        const current = this.kitStatus.get(entity);
        const had = current?.value ?? 'expected';
        if (before !== null && before !== had) {
          sequence(`kit ${named}: event ${e.seq} (${e.at_utc}) changes it from "${before}", but its audit events had it "${had}"${current ? ` (${by(current)})` : ''}: an event is missing or out of order`);
        }
        if (to !== null) this.kitStatus.set(entity, seen(to));
        if (to === 'destroyed' && typeof after.destruction === 'number') this.destroyedIn.set(entity, seen(after.destruction));
        return;
      }
      case 'shipment.kit_received':
        return void this.receipt.set(entity, seen('received'));
      case 'shipment.kit_damaged':
      case 'shipment.kit_missing':
        return void this.receipt.set(entity, seen(text(parse(e.after_json).outcome) ?? e.action.slice('shipment.kit_'.length)));
      case 'dispensing.confirmed': {
        const after = parse(e.after_json);
        const visit = text(after.visit) ?? '';
        const kits = Array.isArray(after.kits) ? (after.kits.filter((k) => typeof k === 'string') as string[]).sort() : [];
        const patient = this.patients.get(entity);
        if (patient?.value.status !== 'randomized') {
          sequence(
            `patient ${named}: a dispensing is confirmed (event ${e.seq}, ${e.at_utc}) while the patient is ${patient ? `"${patient.value.status}" (${by(patient)})` : 'not registered in the trail'}`,
          );
        }
        this.dispensings.set(`${entity}\u0000${visit}`, seen({ patient: named, visit, kits }));
        for (const kit of kits) this.dispensedTo.set(this.studies.key(study, kit), seen(e.entity_id));
        return;
      }
      case 'dispensing.undone': {
        // Dispensed in error (issue 16): the dispensing row is removed with this event, its kits no longer the patient's.
        const visit = text(parse(e.after_json).visit) ?? '';
        const undone = this.dispensings.get(`${entity}\u0000${visit}`);
        this.dispensings.delete(`${entity}\u0000${visit}`);
        for (const kit of undone?.value.kits ?? []) this.dispensedTo.delete(this.studies.key(study, kit));
        return;
      }
      case 'return.recorded': {
        const after = parse(e.after_json);
        const patient = text(after.patient) ?? '';
        const dispensed = this.dispensedTo.get(entity);
        if (!dispensed) sequence(`kit ${named}: its return is recorded (event ${e.seq}, ${e.at_utc}), but the trail never dispensed it`);
        else if (dispensed.value !== patient) sequence(`kit ${named}: returned by ${patient} (event ${e.seq}), but dispensed to ${dispensed.value} (${by(dispensed)})`);
        this.returns.set(entity, seen({ patient, condition: text(after.condition) ?? '', unitsReturned: Number(after.unitsReturned), verified: false }));
        return;
      }
      case 'return.edited': {
        const current = this.returns.get(entity);
        const after = parse(e.after_json);
        if (!current) return sequence(`kit ${named}: its return is edited (event ${e.seq}, ${e.at_utc}) but was never recorded`);
        this.returns.set(entity, seen({ ...current.value, condition: text(after.condition) ?? current.value.condition, unitsReturned: Number(after.unitsReturned), verified: false }));
        return;
      }
      case 'return.verified': {
        const current = this.returns.get(entity);
        if (!current) return sequence(`kit ${named}: its return is verified (event ${e.seq}, ${e.at_utc}) but was never recorded`);
        const status = this.kitStatus.get(entity);
        if (status && (status.value === 'destroyed' || status.value === 'pending_destruction')) {
          sequence(`the return of kit ${named} is verified (event ${e.seq}) after the kit was destroyed (${by(status)}): a return cannot be checked once the kit is gone`);
        }
        this.returns.set(entity, seen({ ...current.value, verified: true }));
        return;
      }
      case 'patient.registered':
        if (this.patients.has(entity)) sequence(`patient ${named}: registered again (event ${e.seq}, ${e.at_utc})`);
        return void this.patients.set(entity, seen({ status: 'registered', randomizationNumber: null, baselineDate: null }));
      case 'patient.randomized': {
        const current = this.patients.get(entity);
        const after = parse(e.after_json);
        if (current?.value.status !== 'registered') {
          sequence(`patient ${named}: randomized (event ${e.seq}, ${e.at_utc}) while ${current ? `"${current.value.status}" (${by(current)})` : 'never registered in the trail'}`);
        }
        this.patients.set(entity, seen({ status: 'randomized', randomizationNumber: text(after.randomizationNumber), baselineDate: text(after.baselineDate) }));
        return;
      }
      case 'patient.withdrawn': {
        const current = this.patients.get(entity);
        if (!current) sequence(`patient ${named}: withdrawn (event ${e.seq}, ${e.at_utc}) but never registered in the trail`);
        this.patients.set(entity, seen({ randomizationNumber: null, baselineDate: null, ...current?.value, status: 'withdrawn' }));
        return;
      }
    }
    if (e.action === 'delegation.granted') {
      const after = parse(e.after_json);
      const list = this.delegations.get(entity) ?? [];
      list.push(seen({ role: text(after.role), startsOn: text(after.startsOn), endsOn: text(after.endsOn), ended: false }));
      this.delegations.set(entity, list);
      return;
    }
    if (e.action === 'delegation.ended') {
      const before = parse(e.before_json);
      const after = parse(e.after_json);
      // The delegation it ends: the one of that role and first day still open in the trail.
      const ending = this.delegations.get(entity)?.find((d) => !d.value.ended && d.value.role === text(before.role) && d.value.startsOn === text(before.startsOn));
      if (!ending) return sequence(`user ${named}: a delegation as ${text(before.role) ?? '?'} from ${text(before.startsOn) ?? '?'} is ended (event ${e.seq}, ${e.at_utc}) but no event granted it`);
      ending.value = { ...ending.value, endsOn: text(after.endsOn), ended: after.atOnce === true };
      return;
    }
    // A user's own events (created, deactivated, ...): a delegation's role is the study's, never the account's.
    if (e.entity_type === 'user' && e.action.startsWith('user.')) {
      const after = parse(e.after_json);
      const current = this.users.get(e.entity_id)?.value ?? { role: null, active: true };
      const next: UserState = { role: text(after.role) ?? current.role, active: typeof after.active === 'boolean' ? after.active : current.active };
      if (e.action === 'user.created' || this.users.has(e.entity_id)) this.users.set(e.entity_id, seen(next));
    }
  }

  /** After the whole trail: every row of every audited table against what the events left. */
  async compare(tables: RecordedState): Promise<void> {
    const { studies } = this;
    const keyOf = (row: { study: number | null }, id: string) => studies.key(studies.ofRow(row.study), id);
    await forEachRow(tables.kitStatuses(), (row) => {
      const key = keyOf(row, row.kit);
      const expected = this.kitStatus.get(key);
      if (row.status !== (expected?.value ?? 'expected')) {
        this.state(expected?.seq ?? 0, 
          `kit ${studies.label(key)}: its status is "${row.status}", but its audit events leave it ${expected ? `"${expected.value}" (${by(expected)})` : '"expected" (no event ever changed it)'}: ${CHANGED}`,
        );
      }
    });

    const receipts = new Set<string>();
    await forEachRow(tables.receiptOutcomes(), (row) => {
      const key = keyOf(row, row.kit);
      receipts.add(key);
      const expected = this.receipt.get(key);
      if (!expected) this.state(0, `kit ${studies.label(key)}: its receipt is recorded as "${row.outcome}", but no audit event records it: ${CHANGED}`);
      else if (expected.value !== row.outcome) this.state(expected?.seq ?? 0, `kit ${studies.label(key)}: its receipt is recorded as "${row.outcome}", but its audit event says "${expected.value}" (${by(expected)}): ${CHANGED}`);
    });
    for (const [kit, expected] of this.receipt) {
      if (!receipts.has(kit)) this.state(expected?.seq ?? 0, `kit ${studies.label(kit)}: its receipt (${expected.value}, ${by(expected)}) is no longer in the table: it was deleted without an event`);
    }

    const dispensings = new Set<string>();
    await forEachRow(tables.dispensings(), (row) => {
      const patient = keyOf(row, row.patient);
      const key = `${patient}\u0000${row.visit}`;
      dispensings.add(key);
      const expected = this.dispensings.get(key);
      const where = `dispensing of ${studies.label(patient)} visit ${row.visit}`;
      if (!expected) this.state(0, `${where}: it holds kit(s) ${list(row.kits)}, but no audit event confirms it: the row was written without its event`);
      else if (expected.value.kits.join(',') !== row.kits.join(',')) {
        this.state(expected?.seq ?? 0, `${where}: it holds kit(s) ${list(row.kits)}, but its audit event (${by(expected)}) confirmed kit(s) ${list(expected.value.kits)}: ${CHANGED}`);
      }
    });
    for (const [key, expected] of this.dispensings) {
      if (!dispensings.has(key)) {
        this.state(expected?.seq ?? 0, `dispensing of ${expected.value.patient} visit ${expected.value.visit}: confirmed by ${by(expected)} (kits ${list(expected.value.kits)}), but there is no such row: it was deleted without an event`);
      }
    }

    const returns = new Set<string>();
    await forEachRow(tables.returns(), (row) => {
      const key = keyOf(row, row.kit);
      returns.add(key);
      const expected = this.returns.get(key);
      const where = `return of kit ${studies.label(key)}`;
      if (!expected) {
        this.state(0, `${where}: in the table (${row.condition}, from ${row.patient}), but no audit event records it: the row was written without its event`);
        return;
      }
      const e = expected.value;
      const differences = [
        e.patient !== row.patient && `patient ${row.patient} instead of ${e.patient}`,
        e.condition !== row.condition && `condition "${row.condition}" instead of "${e.condition}"`,
        e.unitsReturned !== row.unitsReturned && `${row.unitsReturned} units instead of ${e.unitsReturned}`,
        e.verified !== row.verified && (row.verified ? 'verified, though no event verifies it' : 'not verified, though an event verified it'),
      ].filter(Boolean);
      if (differences.length) this.state(expected?.seq ?? 0, `${where}: the table says ${differences.join(', ')} (last event: ${by(expected)}): ${CHANGED}`);
    });
    for (const [kit, expected] of this.returns) {
      if (!returns.has(kit)) this.state(expected?.seq ?? 0, `return of kit ${studies.label(kit)}: recorded by ${by(expected)}, but there is no such row: it was deleted without an event`);
    }

    const destroyed = new Set<string>();
    await forEachRow(tables.destroyedKits(), (row) => {
      const key = keyOf(row, row.kit);
      destroyed.add(key);
      const expected = this.destroyedIn.get(key);
      if (expected?.value !== row.destruction) {
        this.state(expected?.seq ?? 0, `kit ${studies.label(key)}: listed in destruction ${row.destruction}, but ${expected ? `its audit events destroyed it in destruction ${expected.value} (${by(expected)})` : 'no audit event destroyed it'}: ${CHANGED}`);
      }
    });
    for (const [kit, expected] of this.destroyedIn) {
      if (!destroyed.has(kit)) this.state(expected?.seq ?? 0, `kit ${studies.label(kit)}: destroyed in destruction ${expected.value} (${by(expected)}), but it is no longer listed in it: it was deleted without an event`);
    }

    const patients = new Set<string>();
    await forEachRow(tables.patients(), (row) => {
      const key = keyOf(row, row.screeningNumber);
      patients.add(key);
      const expected = this.patients.get(key);
      const where = `patient ${studies.label(key)}`;
      if (!expected) {
        this.state(0, `${where}: in the table, but no audit event registers them: the row was written without its event`);
        return;
      }
      const e = expected.value;
      if (e.status !== row.status) this.state(expected?.seq ?? 0, `${where}: its status is "${row.status}", but its audit events leave it "${e.status}" (${by(expected)}): ${CHANGED}`);
      if (e.randomizationNumber !== row.randomizationNumber) {
        this.state(expected?.seq ?? 0, `${where}: its randomization number is "${row.randomizationNumber ?? 'none'}", but its audit events gave it "${e.randomizationNumber ?? 'none'}" (${by(expected)}): ${CHANGED}`);
      }
      if (e.baselineDate !== row.baselineDate) this.state(expected?.seq ?? 0, `${where}: its baseline date is "${row.baselineDate ?? 'none'}", but its audit events gave it "${e.baselineDate ?? 'none'}" (${by(expected)}): ${CHANGED}`);
    });
    for (const [screeningNumber, expected] of this.patients) {
      if (!patients.has(screeningNumber)) this.state(expected?.seq ?? 0, `patient ${studies.label(screeningNumber)}: registered by ${by(expected)}, but there is no such row: it was deleted without an event`);
    }

    await this.compareDelegations(tables);
    await forEachRow(tables.users(), (row) => {
      const expected = this.users.get(row.username);
      const where = `user ${row.username}`;
      if (!expected) {
        this.state(0, `${where}: in the table, but no audit event creates it: the row was written without its event`);
        return;
      }
      if (expected.value.role !== null && expected.value.role !== row.role) {
        this.state(expected?.seq ?? 0, `${where}: its role is "${row.role}", but its audit events leave it "${expected.value.role}" (${by(expected)}): ${CHANGED}`);
      }
      if (expected.value.active !== row.active) {
        this.state(expected?.seq ?? 0, `${where}: it is ${row.active ? 'active' : 'deactivated'}, but its audit events leave it ${expected.value.active ? 'active' : 'deactivated'} (${by(expected)}): ${CHANGED}`);
      }
    });
  }

  /** Each delegation row (those Veil wrote, not the ones carried over at the upgrade) against its events, in order. */
  private async compareDelegations(tables: RecordedState): Promise<void> {
    const { studies } = this;
    const rows = new Map<string, RecordedDelegation[]>();
    const carriedOver = new Map<string, number>();
    await forEachRow(tables.delegations(), (row) => {
      const key = studies.key(row.study, row.username);
      if (!row.carriedOver) return void rows.set(key, [...(rows.get(key) ?? []), row]);
      // No event writes these: the upgrade did, once per account, to the first study, in the account's role. A row
      // made to look like one must at least be what the upgrade would have written.
      const account = this.users.get(row.username);
      const count = (carriedOver.get(row.username) ?? 0) + 1;
      carriedOver.set(row.username, count);
      if (row.study !== studies.first || count > 1 || !account || account.value.role !== row.role) {
        this.state(0, `the delegation log of user ${studies.label(key)}: a delegation as ${row.role} from ${row.startsOn} has no grantor, signature or reason, as only the upgrade writes them, but the upgrade gives one per account, to the first study, in the account's role: it was written without its event`);
      }
    });
    for (const key of new Set([...rows.keys(), ...this.delegations.keys()])) {
      const actual = rows.get(key) ?? [];
      const expected = this.delegations.get(key) ?? [];
      const where = `the delegation log of user ${studies.label(key)}`;
      for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
        const row = actual[i];
        const e = expected[i];
        if (!e) {
          this.state(0, `${where}: a delegation as ${row!.role} from ${row!.startsOn} is in the table, but no audit event grants it: the row was written without its event`);
        } else if (!row) {
          this.state(e.seq, `${where}: ${by(e)} granted a delegation as ${e.value.role ?? '?'} from ${e.value.startsOn ?? '?'}, but there is no such row: it was deleted without an event`);
        } else if (row.role !== e.value.role || row.startsOn !== e.value.startsOn || row.endsOn !== e.value.endsOn || row.ended !== e.value.ended) {
          const shown = (d: { role: string | null; startsOn: string | null; endsOn: string | null; ended: boolean }) => `${d.role} from ${d.startsOn}${d.endsOn ? ` to ${d.endsOn}` : ''}${d.ended ? ', ended' : ''}`;
          this.state(e.seq, `${where}: the table has ${shown(row)}, but its audit events leave ${shown(e.value)} (${by(e)}): ${CHANGED}`);
        }
      }
    }
  }

  private state(seq: number, text: string): void {
    this.report({ kind: 'state', text, seq });
  }
  private sequence(text: string, seq: number): void {
    this.report({ kind: 'sequence', text, seq });
  }
}
