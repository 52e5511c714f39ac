import { VeilError } from '../../../shared/errors';
import { armsNeeding, contentKey, contentLines, describeContent } from '../../../shared/study/kitContents';
import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { addDays, localDate } from '../../../shared/schedule/visitSchedule';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import { open, sealedField } from '../crypto/allocationCipher';
import { csvFileBase64, csvParts, csvRows } from '../csvWriter';
import type { Store } from '../db/store';
import { renderReportPdf, type ReportContext, type ReportSection } from './pdfReport';
import type { KitLotRow, ReportReadModel } from './reportReadModel';

export const REPORTS = ['accountability', 'nci_darf', 'inventory', 'expiring', 'patient_history'] as const;
export type ReportName = (typeof REPORTS)[number];

/**
 * A report as data: one or more tables; CSV and PDF are two renderings of it. A table's rows are read once, as the file
 * is written: a long log's rows are made from its lines as they are written (a generator), never held beside them.
 */
export interface ReportData {
  title: string;
  fileStem: string;
  sections: Array<{ heading: string; columns: string[]; widths: number[]; rows: Iterable<string[]>; facts?: Array<[string, string]> }>;
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
    private readonly store: Store,
    private readonly reads: ReportReadModel,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
    private readonly site: () => string,
  ) {}

  /**
   * The drug accountability log in the NCI form's spirit: every movement of stock in date order with the running
   * balance of kits on the shelf. Patient returns are listed but never added back to the balance; destroying a
   * return does not lower it either (it left the balance when it was dispensed). Its reads are one unit of work, so
   * the movements and the balance describe one moment.
   */
  async accountabilityLines(key: Buffer | null, armFilter: string | null): Promise<AccountabilityLine[]> {
    const read = await this.store.transaction(async () => ({
      // The blinded log reads no sealed value: every kit's sealed lot and arm were read and held for nothing.
      kits: (key ? await this.reads.kitLots() : await this.reads.kitBlindedLots()) as Array<Partial<KitLotRow> & Pick<KitLotRow, 'kitNumber' | 'kitType' | 'blindedLot'>>,
      receipts: await this.reads.receipts(),
      dispensedKits: await this.reads.dispensedKits(),
      returnedKits: await this.reads.returnedKits(),
      dispensedKitNumbers: await this.reads.dispensedKitNumbers(),
      receivedKitNumbers: await this.reads.receivedKitNumbers(),
      destroyedKits: await this.reads.destroyedKits(),
      kitsLostFromShelf: await this.reads.kitsLostFromShelf(),
    }));
    // Each movement becomes its line in place (its balance set after the sort): at 138,000 lines a second copy of
    // every line was tens of megabytes more at the report's peak.
    type Movement = AccountabilityLine & { delta: number; at: string };
    const moves: Movement[] = [];
    const kits = read.kits;
    const lotOf = new Map(kits.map((k) => [k.kitNumber, key && k.lotSealed !== undefined ? open(key, k.lotSealed, sealedField.kitLot(k.kitNumber)) : k.blindedLot]));
    // A kit is the filtered arm's when its content is one the arm needs (in a study with kit types a placebo bottle B is
    // the 4 mg arm's and the placebo arm's).
    const study = this.study();
    const ofArm = (k: (typeof kits)[number]) => key !== null && k.armSealed !== undefined && armsNeeding(study, k.kitType, open(key, k.armSealed, sealedField.kitArm(k.kitNumber))).includes(armFilter!);
    const inScope = new Set(kits.filter((k) => !armFilter || ofArm(k)).map((k) => k.kitNumber));
    // A handful of recorders sign tens of thousands of lines: their initials are worked out once each.
    const initialsOf = new Map<string, string>();
    const initials = (name: string) => {
      let found = initialsOf.get(name);
      if (found === undefined) {
        found = name.split(/[\s.(]+/).filter((w) => /^[A-Za-zÀ-ÿ]/.test(w)).map((w) => w[0]!.toUpperCase()).slice(0, 3).join('');
        initialsOf.set(name, found);
      }
      return found;
    };
    const push = (m: Movement) => {
      if (inScope.has(m.kitNumber)) moves.push(m);
    };
    for (const r of read.receipts) {
      push({ at: r.at, date: r.at.slice(0, 10), kind: 'received', patientInitials: '', patientId: '', kitNumber: r.kitNumber, quantity: 1, delta: 1, lot: lotOf.get(r.kitNumber)!, recorder: initials(r.recordedBy), balance: 0 });
    }
    for (const r of read.dispensedKits) {
      push({ at: r.at, date: r.at.slice(0, 10), kind: 'dispensed', patientInitials: r.patientInitials, patientId: r.randomizationNumber, kitNumber: r.kitNumber, quantity: 1, delta: -1, lot: lotOf.get(r.kitNumber)!, recorder: initials(r.recordedBy), balance: 0 });
    }
    for (const r of read.returnedKits) {
      push({ at: r.at, date: r.at.slice(0, 10), kind: 'returned', patientInitials: r.patientInitials, patientId: r.randomizationNumber, kitNumber: r.kitNumber, quantity: 0, delta: 0, lot: lotOf.get(r.kitNumber)!, recorder: initials(r.recordedBy), balance: 0 });
    }
    const dispensed = new Set(read.dispensedKitNumbers);
    const receivedIntoStock = new Set(read.receivedKitNumbers);
    for (const r of read.destroyedKits) {
      // Only kits that were on the shelf lower it: not patient returns, nor kits refused as damaged at receipt.
      const fromShelf = !dispensed.has(r.kitNumber) && receivedIntoStock.has(r.kitNumber);
      push({ at: r.at, date: r.at.slice(0, 10), kind: 'destroyed', patientInitials: '', patientId: '', kitNumber: r.kitNumber, quantity: fromShelf ? 1 : 0, delta: fromShelf ? -1 : 0, lot: lotOf.get(r.kitNumber)!, recorder: initials(r.recordedBy), balance: 0 });
    }
    // Kits lost from the shelf (not those lost in transit, never received, nor those a patient did not bring back).
    for (const r of read.kitsLostFromShelf) {
      push({ at: r.at, date: r.at.slice(0, 10), kind: 'lost', patientInitials: '', patientId: '', kitNumber: r.kitNumber, quantity: 1, delta: -1, lot: lotOf.get(r.kitNumber)!, recorder: initials(r.recordedBy), balance: 0 });
    }
    moves.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : compareKitNumbers(a.kitNumber, b.kitNumber)));
    let balance = 0;
    for (const m of moves) {
      balance += m.delta;
      m.balance = balance;
    }
    return moves;
  }

  private async data(name: ReportName, key: Buffer | null, options: { days?: number | undefined; patientId?: number | undefined; threshold?: number | undefined }): Promise<ReportData> {
    const study = this.study();
    const unblinded = key !== null;
    const suffix = unblinded ? 'UNBLINDED' : 'blinded';
    switch (name) {
      case 'accountability': {
        const agents = unblinded ? study.arms.map((a) => ({ label: a.name, code: a.code as string | null })) : [{ label: study.product.blindedName, code: null }];
        const sections: ReportData['sections'] = [];
        for (const agent of agents) {
          sections.push({
            heading: `Agent: ${agent.label} · ${study.product.form} · ${study.product.route}`,
            columns: ['Date', 'Movement', 'Patient initials', 'Patient ID', 'Kit', 'Quantity', 'Balance', unblinded ? 'Lot' : 'Lot (blinded)', 'Recorder'],
            widths: [1.1, 1.1, 0.9, 0.9, 1, 0.8, 0.8, 1.2, 0.8],
            rows: mapRows(await this.accountabilityLines(key, agent.code), (l) => [l.date, l.kind, l.patientInitials, l.patientId, l.kitNumber, String(l.quantity), String(l.balance), l.lot, l.recorder]),
          });
        }
        return { title: `Drug accountability log (${suffix})`, fileStem: `accountability-${suffix.toLowerCase()}`, sections };
      }
      case 'nci_darf':
        return this.drugAccountabilityRecordForm(key);
      case 'inventory': {
        const kits = await this.reads.kitStock();
        const statuses = [...new Set(kits.map((k) => k.status))].sort();
        if (!unblinded) {
          return {
            title: 'Inventory (blinded totals)',
            fileStem: 'inventory-blinded',
            sections: [{ heading: 'Kits by status', columns: ['Status', 'Kits'], widths: [2, 1], rows: [...statuses.map((s) => [s.replace('_', ' '), String(kits.filter((k) => k.status === s).length)]), ['total', String(kits.length)]] }],
          };
        }
        const threshold = options.threshold ?? 10;
        const lineOf = new Map(kits.map((k) => [k.kitNumber, contentKey(k.kitType, open(key, k.armSealed, sealedField.kitArm(k.kitNumber)))]));
        return {
          title: 'Inventory per arm (UNBLINDED)',
          fileStem: 'inventory-unblinded',
          sections: [
            {
              heading: `Kits by arm and status (low-stock alert below ${threshold} available kits)`,
              columns: ['Arm', ...statuses.map((s) => s.replace('_', ' ')), 'Alert'],
              widths: [1.5, ...statuses.map(() => 1), 1.2],
              // One line per arm, or per content of each type in a study with kit types.
              rows: contentLines(study).map((line) => {
                const mine = kits.filter((k) => lineOf.get(k.kitNumber) === contentKey(line.kitType, line.code));
                const available = mine.filter((k) => k.status === 'available').length;
                return [describeContent(study, line.kitType, line.code), ...statuses.map((s) => String(mine.filter((k) => k.status === s).length)), available < threshold ? `LOW STOCK (${available})` : ''];
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
        const rows = (await this.reads.kitsOnShelfForExpiry(unblinded ? 'available_or_quarantined' : 'available'))
          .map((k) =>
            unblinded
              ? {
                  kit: k.kitNumber,
                  status: k.status,
                  date: open(key, k.expirySealed, sealedField.kitExpiry(k.kitNumber)),
                  lot: open(key, k.lotSealed, sealedField.kitLot(k.kitNumber)),
                  arm: describeContent(study, k.kitType, open(key, k.armSealed, sealedField.kitArm(k.kitNumber))),
                }
              : { kit: k.kitNumber, status: k.status, date: k.useBefore, lot: k.blindedLot, arm: '' },
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
        const patients = await this.reads.patients(options.patientId);
        if (options.patientId && patients.length === 0) throw VeilError.says('not_found', { key: 'reports.noSuchPatient', params: { id: options.patientId } });
        const sections: ReportData['sections'] = [];
        for (const p of patients) {
          sections.push({
            // The emergency flag (issue 11, item 9): the blind was broken for this patient; never which arm.
            heading: `Patient ${p.screeningNumber} (${p.initials}) · randomization no. ${p.randomizationNumber ?? '—'} · ${p.status}${p.emergencyUnblinded ? ' · UNBLINDED (EMERGENCY)' : ''}`,
            columns: ['Visit', 'Dispensed (UTC)', 'Kit', 'Outside window', 'Return', 'Units back'],
            widths: [0.8, 1.6, 1, 2, 1, 0.8],
            rows: (await this.reads.dispensingHistory(p.id)).map((l) => [
              l.visit,
              l.dispensedAt.replace('T', ' ').slice(0, 16),
              l.kitNumber,
              l.outOfWindowReason ?? '',
              l.returnCondition?.replace('_', ' ') ?? 'not yet',
              l.unitsReturned === null ? '' : String(l.unitsReturned),
            ]),
          });
        }
        return { title: 'Patient dispensing history', fileStem: options.patientId ? `patient-history-${patients[0]!.screeningNumber}` : 'patient-history', sections };
      }
    }
  }

  /**
   * The NCI Investigational Agent Accountability Record (form NIH-2564, the "DARF") for this study: its header
   * (institution, protocol, agent, dose form and strength, protocol title, dispensing area), then one line per movement
   * with the balance forward and the new balance, as the paper form is kept. One form per agent: the blinded agent
   * (every kit, blinded lots) for everyone, one per arm with the real lots in the unblinded version. Lines that are not
   * a patient's name the movement where the patient would be, as pharmacists write on paper; a patient return is
   * recorded on its line and never added back to the balance (NCI's rule, as in the accountability log).
   */
  private async drugAccountabilityRecordForm(key: Buffer | null): Promise<ReportData> {
    const study = this.study();
    const unblinded = key !== null;
    const suffix = unblinded ? 'UNBLINDED' : 'blinded';
    const agents = unblinded ? study.arms.map((a) => ({ name: a.name, code: a.code as string | null })) : [{ name: study.product.blindedName, code: null }];
    const notAPatient: Record<AccountabilityLine['kind'], string> = { received: 'Received', dispensed: '', returned: '', destroyed: 'Destroyed', lost: 'Lost' };
    const sections: ReportData['sections'] = [];
    for (const agent of agents) {
      let balanceForward = 0;
      const rows = mapRows(await this.accountabilityLines(key, agent.code), (l) => {
        const row = [
          l.date,
          l.patientInitials || notAPatient[l.kind],
          l.patientId,
          l.kind === 'dispensed' ? '1 kit' : '',
          // Unsigned, as on the paper form (the patient columns say which way it went); a leading + or - would also be
          // taken for a formula by a spreadsheet (the CSV writer defuses it with a quote).
          l.kind === 'returned' ? 'returned (not added back)' : String(l.quantity),
          String(balanceForward),
          String(l.balance),
          l.lot,
          l.recorder,
        ];
        balanceForward = l.balance;
        return row;
      });
      sections.push({
        heading: `Investigational agent accountability record: ${agent.name}`,
        facts: [
          ['Name of institution', this.site()],
          ['Protocol no.', `${study.sponsor.protocolNumber} (${study.code}, ${study.registry})`],
          ['Agent name', agent.name],
          ['Dose form and strength', `${study.product.form}; ${study.product.unitsPerKit} ${study.product.unitsPerKit === 1 ? 'unit' : 'units'} per kit; ${study.product.route}`],
          ['Protocol title', study.title],
          ['Dispensing area', this.site()],
        ],
        columns: ['Date', "Patient's initials", "Patient's ID number", 'Dose', 'Quantity dispensed or received', 'Balance forward', 'Balance', unblinded ? 'Manufacturer and lot no.' : 'Lot no. (blinded)', "Recorder's initials"],
        widths: [0.9, 1, 1.1, 0.6, 1.7, 0.9, 0.6, 1.4, 1.05],
        rows,
      });
    }
    return { title: `NCI investigational agent accountability record (${suffix})`, fileStem: `nci-darf-${suffix.toLowerCase()}`, sections };
  }

  private async context(): Promise<ReportContext> {
    return { study: this.study(), seal: await this.audit.seal(), printedAt: this.clock.now(), site: this.site() };
  }

  async render(name: ReportName, format: 'csv' | 'pdf', key: Buffer | null, options: { days?: number | undefined; patientId?: number | undefined; threshold?: number | undefined } = {}) {
    // The report's reads and the audit seal it prints in one unit of work: the figures agree with each other and with
    // the seal. The PDF is drawn after it (not the database).
    const { data, context } = await this.store.transaction(async () => ({ data: await this.data(name, key, options), context: await this.context() }));
    return reportFile(data, context, format);
  }
}

/**
 * A report's file, CSV or PDF, named by its stem, print date and audit seal: the one layout every printed record of
 * Veil shares (the title, the study, the site, the print time in UTC and the seal, then each section's table).
 */
export async function reportFile(data: ReportData, context: ReportContext, format: 'csv' | 'pdf'): Promise<{ fileName: string; mime: string; base64: string }> {
  const fileName = `${data.fileStem}-${isoUtc(context.printedAt).slice(0, 10)}-seal-${context.seal.seq}.${format}`;
  if (format === 'pdf') {
    const sections: ReportSection[] = data.sections.map((s) => ({ heading: s.heading, ...(s.facts ? { facts: s.facts } : {}), table: { columns: s.columns.map((title, i) => ({ title, width: s.widths[i]! })), rows: s.rows } }));
    return { fileName, mime: 'application/pdf', base64: Buffer.from(await renderReportPdf(data.title, context, sections)).toString('base64') };
  }
  const preamble = csvRows([
    [data.title],
    ['Study', `${context.study.code} (${context.study.registry}, protocol ${context.study.sponsor.protocolNumber})`],
    ['Site', context.site ?? ''],
    ['Printed at (UTC)', isoUtc(context.printedAt)],
    ['Audit seal (chain head)', `event ${context.seal.seq}`, context.seal.hash],
  ]);
  // The file's text in parts (a thousand rows each), turned into bytes as they come: the same bytes as the whole text.
  function* parts(): Generator<string> {
    yield `${preamble}\r\n\r\n`;
    for (const [i, s] of data.sections.entries()) {
      yield `${i > 0 ? '\r\n\r\n' : ''}${csvRows([[s.heading], ...(s.facts ?? [])])}\r\n`;
      yield* csvParts(s.rows, s.columns);
    }
    yield '\r\n';
  }
  return { fileName, mime: 'text/csv', base64: csvFileBase64(parts()) };
}

/** Rows made from lines one at a time, as a report's file is written (read once). */
function* mapRows<T>(lines: readonly T[], row: (line: T) => string[]): Generator<string[]> {
  for (const line of lines) yield row(line);
}
