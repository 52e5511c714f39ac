import { VeilError } from '../../../shared/errors';
import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { addDays, localDate } from '../../../shared/schedule/visitSchedule';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import { open, sealedField } from '../crypto/allocationCipher';
import { csvRows, csvTable } from '../csvWriter';
import type { Db } from '../db/database';
import { renderReportPdf, type ReportContext, type ReportSection } from './pdfReport';

export const REPORTS = ['accountability', 'inventory', 'expiring', 'patient_history'] as const;
export type ReportName = (typeof REPORTS)[number];

/** A report as data: one or more tables; CSV and PDF are two renderings of it. */
interface ReportData {
  title: string;
  fileStem: string;
  sections: Array<{ heading: string; columns: string[]; widths: number[]; rows: string[][]; facts?: Array<[string, string]> }>;
}

export interface AccountabilityLine {
  date: string;
  kind: 'received' | 'dispensed' | 'returned' | 'destroyed' | 'lost';
  patientInitials: string;
  patientId: string;
  kitNumber: string;
  quantity: number;
  balance: number;
  lot: string;
  recorder: string;
}

/**
 * The pharmacy's reports, each with the audit seal, the site, the study and the print time, as CSV and PDF.
 * Blinded versions carry no arm (blinded lots, common use-before dates, totals); unblinded versions need the
 * allocation key and split by arm with the real lots and expiry dates.
 */
export class ReportService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
    private readonly site: () => string,
  ) {}

  /**
   * The drug accountability log in the NCI form's spirit: every movement of stock in date order with the running
   * balance of kits on the shelf. Patient returns are listed but never added back to the balance; destroying a
   * return does not lower it either (it left the balance when it was dispensed).
   */
  accountabilityLines(key: Buffer | null, armFilter: string | null): AccountabilityLine[] {
    type Movement = Omit<AccountabilityLine, 'balance'> & { delta: number; at: string };
    const moves: Movement[] = [];
    const kits = this.db.prepare('SELECT kit_number AS k, blinded_lot AS b, lot_sealed AS l, arm_sealed AS a FROM kits').all() as Array<{ k: string; b: string; l: string; a: string }>;
    const lotOf = new Map(kits.map((k) => [k.k, key ? open(key, k.l, sealedField.kitLot(k.k)) : k.b]));
    const inScope = new Set(kits.filter((k) => !armFilter || (key && open(key, k.a, sealedField.kitArm(k.k)) === armFilter)).map((k) => k.k));
    const initials = (name: string) => name.split(/[\s.(]+/).filter((w) => /^[A-Za-zÀ-ÿ]/.test(w)).map((w) => w[0]!.toUpperCase()).slice(0, 3).join('');
    const push = (m: Movement) => {
      if (inScope.has(m.kitNumber)) moves.push(m);
    };
    for (const r of this.db
      .prepare(
        `SELECT sk.kit_number AS kit, s.closed_at AS at, u.display_name AS who FROM shipment_kits sk JOIN shipments s ON s.id = sk.shipment_id
         JOIN users u ON u.id = s.closed_by WHERE sk.outcome = 'received' AND s.closed_at IS NOT NULL`,
      )
      .all() as Array<{ kit: string; at: string; who: string }>) {
      push({ at: r.at, date: r.at.slice(0, 10), kind: 'received', patientInitials: '', patientId: '', kitNumber: r.kit, quantity: 1, delta: 1, lot: lotOf.get(r.kit)!, recorder: initials(r.who) });
    }
    for (const r of this.db
      .prepare(
        `SELECT dk.kit_number AS kit, d.dispensed_at AS at, p.initials, p.randomization_number AS rn, u.display_name AS who FROM dispensing_kits dk
         JOIN dispensings d ON d.id = dk.dispensing_id JOIN patients p ON p.id = d.patient_id JOIN users u ON u.id = d.user_id`,
      )
      .all() as Array<{ kit: string; at: string; initials: string; rn: string; who: string }>) {
      push({ at: r.at, date: r.at.slice(0, 10), kind: 'dispensed', patientInitials: r.initials, patientId: r.rn, kitNumber: r.kit, quantity: 1, delta: -1, lot: lotOf.get(r.kit)!, recorder: initials(r.who) });
    }
    for (const r of this.db
      .prepare(
        `SELECT r.kit_number AS kit, r.returned_at AS at, r.condition, p.initials, p.randomization_number AS rn, u.display_name AS who FROM kit_returns r
         JOIN patients p ON p.id = r.patient_id JOIN users u ON u.id = r.user_id`,
      )
      .all() as Array<{ kit: string; at: string; condition: string; initials: string; rn: string; who: string }>) {
      push({ at: r.at, date: r.at.slice(0, 10), kind: 'returned', patientInitials: r.initials, patientId: r.rn, kitNumber: r.kit, quantity: 0, delta: 0, lot: lotOf.get(r.kit)!, recorder: initials(r.who) });
    }
    const dispensed = new Set((this.db.prepare('SELECT kit_number AS k FROM dispensing_kits').all() as Array<{ k: string }>).map((r) => r.k));
    const receivedIntoStock = new Set((this.db.prepare("SELECT kit_number AS k FROM shipment_kits WHERE outcome = 'received'").all() as Array<{ k: string }>).map((r) => r.k));
    for (const r of this.db
      .prepare(
        `SELECT dk.kit_number AS kit, d.recorded_at AS at, u.display_name AS who FROM destruction_kits dk JOIN destructions d ON d.id = dk.destruction_id
         JOIN users u ON u.id = d.user_id`,
      )
      .all() as Array<{ kit: string; at: string; who: string }>) {
      // Only kits that were on the shelf lower it: not patient returns, nor kits refused as damaged at receipt.
      const fromShelf = !dispensed.has(r.kit) && receivedIntoStock.has(r.kit);
      push({ at: r.at, date: r.at.slice(0, 10), kind: 'destroyed', patientInitials: '', patientId: '', kitNumber: r.kit, quantity: fromShelf ? 1 : 0, delta: fromShelf ? -1 : 0, lot: lotOf.get(r.kit)!, recorder: initials(r.who) });
    }
    // Kits lost from the shelf (not those lost in transit, never received, nor those a patient did not bring back).
    for (const r of this.db
      .prepare(
        `SELECT entity_id AS kit, at_utc AS at, username AS who FROM audit_events
         WHERE action = 'kit.status_changed' AND json_extract(after_json, '$.status') = 'lost' AND json_extract(before_json, '$.status') = 'available'`,
      )
      .all() as Array<{ kit: string; at: string; who: string }>) {
      push({ at: r.at, date: r.at.slice(0, 10), kind: 'lost', patientInitials: '', patientId: '', kitNumber: r.kit, quantity: 1, delta: -1, lot: lotOf.get(r.kit)!, recorder: initials(r.who) });
    }
    moves.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : compareKitNumbers(a.kitNumber, b.kitNumber)));
    let balance = 0;
    return moves.map(({ delta, at: _at, ...m }) => {
      balance += delta;
      return { ...m, balance };
    });
  }

  private data(name: ReportName, key: Buffer | null, options: { days?: number | undefined; patientId?: number | undefined; threshold?: number | undefined }): ReportData {
    const study = this.study();
    const unblinded = key !== null;
    const suffix = unblinded ? 'UNBLINDED' : 'blinded';
    switch (name) {
      case 'accountability': {
        const agents = unblinded ? study.arms.map((a) => ({ label: a.name, code: a.code as string | null })) : [{ label: study.product.blindedName, code: null }];
        return {
          title: `Drug accountability log (${suffix})`,
          fileStem: `accountability-${suffix.toLowerCase()}`,
          sections: agents.map((agent) => ({
            heading: `Agent: ${agent.label} · ${study.product.form} · ${study.product.route}`,
            columns: ['Date', 'Movement', 'Patient initials', 'Patient ID', 'Kit', 'Quantity', 'Balance', unblinded ? 'Lot' : 'Lot (blinded)', 'Recorder'],
            widths: [1.1, 1.1, 0.9, 0.9, 1, 0.8, 0.8, 1.2, 0.8],
            rows: this.accountabilityLines(key, agent.code).map((l) => [l.date, l.kind, l.patientInitials, l.patientId, l.kitNumber, String(l.quantity), String(l.balance), l.lot, l.recorder]),
          })),
        };
      }
      case 'inventory': {
        const kits = this.db.prepare('SELECT kit_number AS k, status, arm_sealed AS a FROM kits').all() as Array<{ k: string; status: string; a: string }>;
        const statuses = [...new Set(kits.map((k) => k.status))].sort();
        if (!unblinded) {
          return {
            title: 'Inventory (blinded totals)',
            fileStem: 'inventory-blinded',
            sections: [{ heading: 'Kits by status', columns: ['Status', 'Kits'], widths: [2, 1], rows: [...statuses.map((s) => [s.replace('_', ' '), String(kits.filter((k) => k.status === s).length)]), ['total', String(kits.length)]] }],
          };
        }
        const threshold = options.threshold ?? 10;
        const armOf = new Map(kits.map((k) => [k.k, open(key, k.a, sealedField.kitArm(k.k))]));
        return {
          title: 'Inventory per arm (UNBLINDED)',
          fileStem: 'inventory-unblinded',
          sections: [
            {
              heading: `Kits by arm and status (low-stock alert below ${threshold} available kits)`,
              columns: ['Arm', ...statuses.map((s) => s.replace('_', ' ')), 'Alert'],
              widths: [1.5, ...statuses.map(() => 1), 1.2],
              rows: study.arms.map((arm) => {
                const mine = kits.filter((k) => armOf.get(k.k) === arm.code);
                const available = mine.filter((k) => k.status === 'available').length;
                return [arm.name, ...statuses.map((s) => String(mine.filter((k) => k.status === s).length)), available < threshold ? `LOW STOCK (${available})` : ''];
              }),
            },
          ],
        };
      }
      case 'expiring': {
        const days = options.days ?? 60;
        const today = localDate(this.clock.now());
        const until = addDays(today, days);
        // The blinded report lists the dispensable stock (available kits) by the date on their labels; quarantined kits
        // are held already and are the unblinded pharmacist's to review, with their real dates (issue 11.1).
        const statuses = unblinded ? "('available', 'quarantined')" : "('available')";
        const rows = (this.db.prepare(`SELECT kit_number AS k, status, use_before AS u, blinded_lot AS b, expiry_sealed AS e, lot_sealed AS l, arm_sealed AS a FROM kits WHERE status IN ${statuses}`).all() as Array<{ k: string; status: string; u: string; b: string; e: string; l: string; a: string }>)
          .map((k) =>
            unblinded
              ? { kit: k.k, status: k.status, date: open(key, k.e, sealedField.kitExpiry(k.k)), lot: open(key, k.l, sealedField.kitLot(k.k)), arm: study.arms.find((a) => a.code === open(key, k.a, sealedField.kitArm(k.k)))?.name ?? '' }
              : { kit: k.k, status: k.status, date: k.u, lot: k.b, arm: '' },
          )
          .filter((k) => k.date <= until)
          .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : compareKitNumbers(a.kit, b.kit)));
        return {
          title: `Kits expiring within ${days} days (${suffix})`,
          fileStem: `expiring-${days}d-${suffix.toLowerCase()}`,
          sections: [
            {
              heading: `${rows.length} kits on the shelf ${unblinded ? 'expire' : 'reach their use-before date'} by ${until}`,
              columns: unblinded ? ['Kit', 'Arm', 'Lot', 'Expiry', 'Status'] : ['Kit', 'Lot (blinded)', 'Use before', 'Status'],
              widths: unblinded ? [1, 1.5, 1, 1, 1] : [1, 1, 1, 1],
              rows: rows.map((r) => (unblinded ? [r.kit, r.arm, r.lot, r.date, r.status] : [r.kit, r.lot, r.date, r.status])),
            },
          ],
        };
      }
      case 'patient_history': {
        const patients = this.db
          .prepare(
            'SELECT id, screening_number AS s, initials, randomization_number AS rn, status, EXISTS (SELECT 1 FROM emergency_unblindings e WHERE e.patient_id = patients.id) AS unblinded FROM patients' +
              (options.patientId ? ' WHERE id = ?' : '') +
              ' ORDER BY screening_number',
          )
          .all(...(options.patientId ? [options.patientId] : [])) as Array<{ id: number; s: string; initials: string; rn: string | null; status: string; unblinded: number }>;
        if (options.patientId && patients.length === 0) throw new VeilError('not_found', `There is no patient ${options.patientId}.`);
        const lines = this.db.prepare(
          `SELECT d.visit_code AS visit, d.dispensed_at AS at, dk.kit_number AS kit, d.out_of_window_reason AS late, r.condition, r.units_returned AS units
           FROM dispensings d JOIN dispensing_kits dk ON dk.dispensing_id = d.id LEFT JOIN kit_returns r ON r.kit_number = dk.kit_number
           WHERE d.patient_id = ? ORDER BY d.dispensed_at, dk.kit_number`,
        );
        return {
          title: 'Patient dispensing history',
          fileStem: options.patientId ? `patient-history-${patients[0]!.s}` : 'patient-history',
          sections: patients.map((p) => ({
            // The emergency flag (issue 11, item 9): the blind was broken for this patient; never which arm.
            heading: `Patient ${p.s} (${p.initials}) · randomization no. ${p.rn ?? '—'} · ${p.status}${p.unblinded ? ' · UNBLINDED (EMERGENCY)' : ''}`,
            columns: ['Visit', 'Dispensed (UTC)', 'Kit', 'Outside window', 'Return', 'Units back'],
            widths: [0.8, 1.6, 1, 2, 1, 0.8],
            rows: (lines.all(p.id) as Array<{ visit: string; at: string; kit: string; late: string | null; condition: string | null; units: number | null }>).map((l) => [
              l.visit,
              l.at.replace('T', ' ').slice(0, 16),
              l.kit,
              l.late ?? '',
              l.condition?.replace('_', ' ') ?? 'not yet',
              l.units === null ? '' : String(l.units),
            ]),
          })),
        };
      }
    }
  }

  private context(): ReportContext {
    return { study: this.study(), seal: this.audit.seal(), printedAt: this.clock.now(), site: this.site() };
  }

  async render(name: ReportName, format: 'csv' | 'pdf', key: Buffer | null, options: { days?: number | undefined; patientId?: number | undefined; threshold?: number | undefined } = {}) {
    const data = this.data(name, key, options);
    const context = this.context();
    const fileName = `${data.fileStem}-${isoUtc(context.printedAt).slice(0, 10)}-seal-${context.seal.seq}.${format}`;
    if (format === 'pdf') {
      const sections: ReportSection[] = data.sections.map((s) => ({ heading: s.heading, table: { columns: s.columns.map((title, i) => ({ title, width: s.widths[i]! })), rows: s.rows } }));
      return { fileName, mime: 'application/pdf', base64: Buffer.from(await renderReportPdf(data.title, context, sections)).toString('base64') };
    }
    const preamble = csvRows([
      [data.title],
      ['Study', `${context.study.code} (${context.study.registry}, protocol ${context.study.sponsor.protocolNumber})`],
      ['Site', context.site ?? ''],
      ['Printed at (UTC)', isoUtc(context.printedAt)],
      ['Audit seal (chain head)', `event ${context.seal.seq}`, context.seal.hash],
    ]);
    const body = data.sections.map((s) => `${csvRows([[s.heading]])}\r\n${csvTable(s.columns, s.rows)}`).join('\r\n\r\n');
    return { fileName, mime: 'text/csv', base64: Buffer.from(`\uFEFF${preamble}\r\n\r\n${body}\r\n`, 'utf8').toString('base64') };
  }
}
