import { addDays, latestRefusedExpiry, localDate, visitWindow, type VisitWindow } from '../../../shared/schedule/visitSchedule';
import { contentKey, contentLines, contentNeeded, kitTypeName } from '../../../shared/study/kitContents';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditActor, AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import { open, sealedField } from '../crypto/allocationCipher';
import { csvFileBase64, csvRows, csvTable } from '../csvWriter';
import type { Store } from '../db/store';
import type { UnsealedStock } from '../dispensing/unsealedStock';
import type { PatientRepository } from '../patients/patientRepository';
import { renderReportPdf, type ReportContext } from '../reports/pdfReport';
import type { AvailableKitRow, RandomizedPatientRow, StockReadModel } from './stockReadModel';

/** The randomized patients with a visit still to dispense, and the scheduled visits each has had (by patient id). */
export interface InTreatment {
  patients: RandomizedPatientRow[];
  dispensed: Map<number, Set<string>>;
}

/** A visit still to dispense in the forecast's window, and the last expiry date a kit for it may NOT have. */
interface DueVisit {
  patientId: number;
  armSealed: string;
  randomizationNumber: string;
  due: string;
  kits: number;
  /** The visit's kits by type (one entry, type null, in a study without kit types). */
  kitsByType: VisitWindow['kitsByType'];
  overdue: boolean;
  /** A kit expiring (or labelled to be used before) on or before this date is refused for this visit. */
  refusedUpTo: string;
}

/**
 * One arm's stock against the visits of its patients in the window (unblinded only). In a study with kit types the
 * depot ships kits, not arms: one line per content of each type (bottle A of 4 mg, bottle A of its placebo...), against
 * the visits of every patient whose arm needs it (a placebo bottle B serves two arms). `armCode` and `armName` then
 * name the content, and `kitType` its type.
 */
export interface ArmForecast {
  /** The arm, or the content in a study with kit types. */
  armCode: string;
  armName: string;
  /** The kit type of the content (null in a study without kit types) and its printed name. */
  kitType: string | null;
  kitTypeName: string | null;
  /** Available kits of the arm still dispensable today (real expiry and label date after today plus the margin). */
  onHand: number;
  visits: number;
  needed: number;
  /** Kits needed that no kit on hand can serve (none left, or every one left expires before the visit plus the margin). */
  shortfall: number;
  /** The due date of the earliest visit the stock on hand does not cover; null when every visit is covered. */
  firstUncovered: string | null;
}

export interface UnblindedForecast {
  today: string;
  until: string;
  weeks: number;
  marginDays: number;
  arms: ArmForecast[];
  totals: { onHand: number; needed: number; shortfall: number };
}

/**
 * What a blinded user gets: the kits available on the shelf, the visits due in the window and the kits they need.
 *
 * Why nothing else (DESIGN.md section 3, invariants 1 and 4). Each figure here is one a blinded reader can already
 * count from what they may see: `onHand` is the inventory's count of available kits (inventory.kits), and the visits
 * and kits needed come from the patients' schedules (patients.list / patients.due) and the study's kits per visit, which
 * are the same for every arm. So the answer tells them nothing they could not work out, and in particular nothing of
 * an arm. What is withheld, and why:
 * - any "short" flag or shortfall: stock runs short per arm, so a total shortfall (or a flag raised while the total on
 *   hand exceeds the total needed) says that some arm runs low, and with the 2:1 ratio and the patients' schedules
 *   hints which patients share an arm;
 * - any count of kits that can serve a visit, which depends on the kits' real expiry dates, sealed from blinded users
 *   (the label carries the common use-before date);
 * - the first visit not covered: it names a patient whose arm runs low.
 * The blinded user compares total on hand with total needed, nothing more; the pharmacist sees the arms.
 */
export interface BlindedForecast {
  today: string;
  until: string;
  weeks: number;
  visits: number;
  overdueVisits: number;
  needed: number;
  onHand: number;
}

export interface ResupplyRequester {
  actor: AuditActor;
  displayName: string;
}

/**
 * Stock against the coming visits (issue 16, item 3): the randomized patients' visits still to dispense whose due date
 * falls before the end of the next N weeks (overdue ones included: a missed visit is dispensed before the next), the kits
 * the schedule says each needs, and the available kits that can serve them. A kit can serve a visit when its real
 * expiry and its label's use-before date are both after the visit's window end plus the do-not-dispense margin, the
 * rule dispensing applies (latestRefusedExpiry). Per arm, visits in order of that date take the earliest-expiring kit
 * still able to serve them: each kit serves a first run of those visits, so this greedy match covers as many visits
 * as any assignment could, and what it leaves uncovered is the true shortfall.
 */
export class StockForecastService {
  constructor(
    private readonly store: Store,
    private readonly reads: StockReadModel,
    private readonly patients: PatientRepository,
    private readonly unsealed: UnsealedStock,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
    private readonly site: () => string,
  ) {}

  private window(weeks: number): { today: string; until: string } {
    const today = localDate(this.clock.now());
    return { today, until: addDays(today, weeks * 7) };
  }

  /**
   * The randomized patients with a visit of the schedule still to dispense, and the visits each has had: what the
   * forecast weighs. Read in the caller's unit of work; the Today home reads it once for its visits line and the
   * forecast (about 10 ms at 5,000 randomized patients).
   */
  async inTreatment(): Promise<InTreatment> {
    const patients = await this.reads.patientsWithVisitsToDispense(this.study().visits.map((v) => v.code));
    return { patients, dispensed: await this.patients.dispensedVisits(patients.map((p) => p.id)) };
  }

  /** The visits still to dispense due on or before `until`, each with its refusal date; read in the caller's unit of work. */
  private async dueVisits(today: string, until: string, treatment?: InTreatment): Promise<DueVisit[]> {
    const study = this.study();
    const { patients, dispensed } = treatment ?? (await this.inTreatment());
    // A visit is due by `until` when the patient's baseline is on or before `until` less the visit's day: one date per
    // visit, so a patient's windows are computed only for the visits that count (all of them cost 130 ms a call at
    // 5,000 patients, on the home page of every user).
    const latestBaseline = study.visits.map((v) => addDays(until, -v.dayOffset));
    const visits: DueVisit[] = [];
    for (const p of patients) {
      const done = dispensed.get(p.id);
      for (const [i, visit] of study.visits.entries()) {
        if (done?.has(visit.code) || p.baselineDate > latestBaseline[i]!) continue;
        const w = visitWindow(study, visit, p.baselineDate);
        visits.push({
          patientId: p.id,
          armSealed: p.slotArmSealed,
          randomizationNumber: p.randomizationNumber,
          due: w.due,
          kits: w.kits,
          kitsByType: w.kitsByType,
          overdue: w.due < today,
          refusedUpTo: latestRefusedExpiry(w, today, study.doNotDispenseMarginDays),
        });
      }
    }
    return visits;
  }

  async blinded(weeks: number, treatment?: InTreatment): Promise<BlindedForecast> {
    const { today, until } = this.window(weeks);
    return this.store.transaction(async () => {
      const visits = await this.dueVisits(today, until, treatment);
      return {
        today,
        until,
        weeks,
        visits: visits.length,
        overdueVisits: visits.filter((v) => v.overdue).length,
        needed: visits.reduce((n, v) => n + v.kits, 0),
        onHand: await this.reads.availableCount(),
      };
    });
  }

  async unblinded(key: Buffer, weeks: number, treatment?: InTreatment): Promise<UnblindedForecast> {
    return this.forecast(key, weeks, await this.stockRead(weeks, treatment), []);
  }

  /**
   * What an open excursion case does to the coming visits (issue 15, item 4; unblinded): per arm, the case's kits still
   * in quarantine, the shortfall over the next `weeks` as the stock stands, and the shortfall if the sponsor released
   * them all. Unblinded only: which arm a held kit belongs to is exactly what blinded users must not learn.
   */
  async excursionImpact(key: Buffer, heldKitNumbers: readonly string[], weeks: number) {
    // One read of the stock and the visits (one unit of work), weighed twice: as it stands, and with the held kits back.
    const { held, read } = await this.store.transaction(async () => ({ held: await this.reads.quarantinedKits(heldKitNumbers), read: await this.stockRead(weeks) }));
    const [now, released] = [await this.forecast(key, weeks, read, []), await this.forecast(key, weeks, read, held)];
    const heldByLine = new Map<string, number>();
    for (const { kitType, content } of await this.unsealed.opened(key, held.map((k) => k.kitNumber))) {
      const line = contentKey(kitType, content);
      heldByLine.set(line, (heldByLine.get(line) ?? 0) + 1);
    }
    return {
      today: now.today,
      until: now.until,
      weeks,
      arms: now.arms.map((a, i) => ({
        armCode: a.armCode,
        armName: a.armName,
        kitType: a.kitType,
        kitTypeName: a.kitTypeName,
        held: heldByLine.get(contentKey(a.kitType, a.armCode)) ?? 0,
        needed: a.needed,
        shortfallNow: a.shortfall,
        firstUncoveredNow: a.firstUncovered,
        shortfallIfReleased: released.arms[i]!.shortfall,
      })),
    };
  }

  /** The visits due in the window and the available kits, read in one unit of work. */
  private async stockRead(weeks: number, treatment?: InTreatment): Promise<{ today: string; until: string; visits: DueVisit[]; kits: AvailableKitRow[] }> {
    const { today, until } = this.window(weeks);
    return this.store.transaction(async () => ({ today, until, visits: await this.dueVisits(today, until, treatment), kits: await this.reads.availableKits() }));
  }

  /** The per-arm forecast over the available kits, and `alsoCounting` (kits that may come back to stock) with them. */
  private async forecast(key: Buffer, weeks: number, read: { today: string; until: string; visits: DueVisit[]; kits: AvailableKitRow[] }, alsoCounting: readonly AvailableKitRow[]): Promise<UnblindedForecast> {
    const { today, until, visits } = read;
    const study = this.study();
    const margin = study.doNotDispenseMarginDays;
    const kits = [...read.kits, ...alsoCounting];
    const opened = await this.unsealed.opened(key, kits.map((k) => k.kitNumber));
    // A kit's last usable day is the earlier of its real expiry and its label's use-before date (dispensing refuses both).
    // Kits and visits by line: the arm in a study without kit types, each type's content otherwise (contentKey).
    const kitsOf = new Map<string, string[]>();
    for (const [i, k] of kits.entries()) {
      const { kitType, content, expiry } = opened[i]!;
      const lastDay = expiry < k.useBefore ? expiry : k.useBefore;
      const line = contentKey(kitType, content);
      const ofLine = kitsOf.get(line);
      if (ofLine) ofLine.push(lastDay);
      else kitsOf.set(line, [lastDay]);
    }
    /** A visit's need on one line: its dates and how many kits of that line. */
    type Need = { due: string; refusedUpTo: string; kits: number };
    const visitsOf = new Map<string, Need[]>();
    for (const v of visits) {
      const arm = open(key, v.armSealed, sealedField.slotArm(v.randomizationNumber));
      for (const { type, count } of v.kitsByType) {
        const line = contentKey(type, contentNeeded(study, arm, type));
        const need = { due: v.due, refusedUpTo: v.refusedUpTo, kits: count };
        const ofLine = visitsOf.get(line);
        if (ofLine) ofLine.push(need);
        else visitsOf.set(line, [need]);
      }
    }
    const dispensableToday = addDays(today, margin);
    const arms = contentLines(study).map((line): ArmForecast => {
      const lastDays = (kitsOf.get(contentKey(line.kitType, line.code)) ?? []).sort();
      const mine = (visitsOf.get(contentKey(line.kitType, line.code)) ?? []).sort((a, b) => (a.refusedUpTo < b.refusedUpTo ? -1 : a.refusedUpTo > b.refusedUpTo ? 1 : a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
      let next = 0;
      let shortfall = 0;
      let firstUncovered: string | null = null;
      for (const visit of mine) {
        for (let i = 0; i < visit.kits; i++) {
          // Kits passed over here expire before this visit's date, so before every later one too: never usable again.
          while (next < lastDays.length && lastDays[next]! <= visit.refusedUpTo) next++;
          if (next < lastDays.length) next++;
          else {
            shortfall++;
            if (firstUncovered === null || visit.due < firstUncovered) firstUncovered = visit.due;
          }
        }
      }
      return {
        armCode: line.code,
        armName: line.name,
        kitType: line.kitType,
        kitTypeName: kitTypeName(study, line.kitType),
        onHand: lastDays.filter((d) => d > dispensableToday).length,
        visits: mine.length,
        needed: mine.reduce((n, v) => n + v.kits, 0),
        shortfall,
        firstUncovered,
      };
    });
    const sum = (f: (a: ArmForecast) => number) => arms.reduce((n, a) => n + f(a), 0);
    return { today, until, weeks, marginDays: margin, arms, totals: { onHand: sum((a) => a.onHand), needed: sum((a) => a.needed), shortfall: sum((a) => a.shortfall) } };
  }

  /**
   * The resupply request the pharmacist sends to the depot (unblinded: the depot ships per arm): per arm, the shortfall
   * over the next `weeks` plus `buffer` kits. Its printing is audited in the unit of work that takes the seal, and the
   * seal printed is the chain's head after that event (as the excursion report does), so the paper names the history
   * that records it. The audit event carries the weeks, the buffer and the format only: the audit trail is read by
   * blinded monitors, and per-arm figures (or a total shortfall, or a hash of the file, guessable from small counts)
   * would tell them which arm runs low.
   */
  async resupply(key: Buffer, requester: ResupplyRequester, input: { weeks: number; buffer: number; format: 'csv' | 'pdf' }) {
    const forecast = await this.unblinded(key, input.weeks);
    const { context } = await this.store.transaction(async () => {
      await this.audit.append(requester.actor, {
        action: 'stock.resupply_requested',
        entityType: 'study',
        entityId: this.study().code,
        after: { weeks: input.weeks, buffer: input.buffer, format: input.format },
      });
      const context: ReportContext = { study: this.study(), seal: await this.audit.seal(), printedAt: this.clock.now(), site: this.site() };
      return { context };
    });
    const study = context.study;
    const title = 'Resupply request to the depot (UNBLINDED)';
    const facts: Array<[string, string]> = [
      ['Study', `${study.code} (${study.registry}, protocol ${study.sponsor.protocolNumber})`],
      ['Sponsor', study.sponsor.name],
      ['Site', context.site ?? ''],
      ['Date', forecast.today],
      ['Requested by', `${requester.displayName}, user ${requester.actor.username}`],
      ['Forecast', `visits due up to ${forecast.until} (${input.weeks} weeks), do-not-dispense margin ${forecast.marginDays} days`],
      ['Buffer per arm', `${input.buffer} kits`],
    ];
    const columns = ['Arm', 'Arm code', 'On hand', 'Needed', 'Shortfall', 'First visit not covered', 'Buffer', 'Kits requested'];
    // In a study with kit types a line is a content of a type: its type names it first ("Bottle A: Baricitinib 4 mg tablets").
    const rows = forecast.arms.map((a) => [a.kitTypeName ? `${a.kitTypeName}: ${a.armName}` : a.armName, a.armCode, String(a.onHand), String(a.needed), String(a.shortfall), a.firstUncovered ?? '', String(input.buffer), String(a.shortfall + input.buffer)]);
    const requested = forecast.arms.reduce((n, a) => n + a.shortfall + input.buffer, 0);
    rows.push(['Total', '', String(forecast.totals.onHand), String(forecast.totals.needed), String(forecast.totals.shortfall), '', '', String(requested)]);
    const fileName = `resupply-request-unblinded-${isoUtc(context.printedAt).slice(0, 10)}-seal-${context.seal.seq}.${input.format}`;
    if (input.format === 'pdf') {
      const pdf = await renderReportPdf(title, context, [
        { heading: 'Request', facts },
        { heading: 'Kits requested per arm', table: { columns: columns.map((c, i) => ({ title: c, width: i === 0 ? 1.8 : i === 5 ? 1.4 : 1 })), rows } },
        { paragraphs: ['Kits requested = shortfall + buffer. The shortfall counts the kits the visits due need that no available kit can serve: none left of the arm, or every one left expires (or reaches its label date) before the visit window ends plus the do-not-dispense margin. The audit seal in the footer identifies the audit trail when this request was printed; its printing is recorded there.'] },
      ]);
      return { fileName, mime: 'application/pdf', base64: Buffer.from(pdf).toString('base64') };
    }
    const preamble = csvRows([
      [title],
      ...facts,
      ['Printed at (UTC)', isoUtc(context.printedAt)],
      ['Audit seal (chain head)', `event ${context.seal.seq}`, context.seal.hash],
    ]);
    return { fileName, mime: 'text/csv', base64: csvFileBase64(`${preamble}\r\n\r\n${csvTable(columns, rows)}\r\n`) };
  }
}

