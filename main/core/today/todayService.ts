import type { z } from 'zod';
import { armsNeeding } from '../../../shared/study/kitContents';
import type { TodayItem } from '../../../shared/contract/today';
import { expiryRulesOn } from '../../../shared/kits/expiryHold';
import type { Permission, Role } from '../../../shared/roles';
import { inStudy } from '../study/callStudy';
import { addDays, localDate, nextVisitToDispense, visitWindow } from '../../../shared/schedule/visitSchedule';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { Clock } from '../clock';
import type { CloseOutService } from '../closeOut/closeOutService';
import type { Store } from '../db/store';
import type { UnsealedStock } from '../dispensing/unsealedStock';
import type { KitRepository } from '../kits/kitRepository';
import { returnDueOf } from '../reconciliation/reconciliationService';
import type { ReconciliationService } from '../reconciliation/reconciliationService';
import type { InTreatment, StockForecastService } from '../stock/stockForecastService';
import type { TodayReadModel } from './todayReadModel';

type Item = z.infer<typeof TodayItem>;

/** How far ahead the home looks at kits' dates and at the visits the stock must cover. */
export const TODAY_HORIZON = { dateDays: 30, stockWeeks: 4 } as const;

/**
 * Who sees which item: the permission of the screen the item links to, so the home never shows a count its reader
 * could not read there. The two unblinded items also need the allocation key (checked in items()).
 */
export const TODAY_ITEM_PERMISSION: Readonly<Record<Item['kind'], Permission>> = {
  visits_in_window: 'patients.read',
  visits_overdue: 'patients.read',
  shipments_to_receive: 'shipments.receive',
  kits_quarantined: 'inventory.read',
  kits_reaching_use_before: 'inventory.read',
  kits_reaching_margin: 'reports.unblinded',
  returns_to_record: 'returns.record',
  returns_to_verify: 'returns.verify',
  reconciliation_sign_off: 'reconciliation.read',
  stock_totals: 'inventory.read',
  stock_arms_short: 'reports.unblinded',
};

/** The caller as the home weighs them: the role's permissions, and the allocation key when the session holds it. */
export interface TodayReader {
  permissions: ReadonlySet<Permission>;
  key: Buffer | null;
}

/**
 * The Today home (issue 14, item 3): each item the reader may see, counted in one unit of work so that the counts
 * describe one moment. Items come in a fixed order (the order of the day's work), never in an order the data decides.
 * A reader with the unblinded permission and the key gets the unblinded kind of the stock and expiry items in place of
 * the blinded one: the same question, answered with the real dates and per arm (counts only, no arm named: the
 * home page is read by whoever passes the screen).
 */
export class TodayService {
  constructor(
    private readonly store: Store,
    private readonly reads: TodayReadModel,
    private readonly kits: KitRepository,
    private readonly reconciliation: ReconciliationService,
    private readonly stock: StockForecastService,
    private readonly unsealed: UnsealedStock,
    private readonly closeOut: CloseOutService,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
  ) {}

  /**
   * What waits in each of the caller's studies, each read in its own study (callStudy.ts) with the caller's role and
   * key there: a user unblinded in one study and blinded in another gets arms short in the first, totals in the second.
   */
  async view(studies: ReadonlyArray<{ studyId: number; role: Role; reader: TodayReader }>) {
    const today = localDate(this.clock.now());
    const views = [];
    for (const { studyId, role, reader } of studies) views.push(await inStudy(studyId, () => this.viewOfStudy(reader, role, today)));
    return { today, studies: views };
  }

  private async viewOfStudy(reader: TodayReader, role: Role, today: string) {
    const study = this.study();
    const { closedAt, items } = await this.store.transaction(async () => {
      // A closed study is read-only: nothing in it waits for anyone.
      const closed = await this.closeOut.closedSince();
      return closed ? { closedAt: closed.closedAt, items: [] } : { closedAt: null, items: await this.items(reader, today, study) };
    });
    return { code: study.code, title: study.title, role, closedAt, items };
  }

  private async items(reader: TodayReader, today: string, study: StudyConfig): Promise<Item[]> {
    const may = (kind: Item['kind']) => reader.permissions.has(TODAY_ITEM_PERMISSION[kind]);
    const unblinded = reader.key !== null && may('stock_arms_short');
    const items: Item[] = [];
    // The patients in treatment, read once for the visits line and the stock forecast.
    let read: InTreatment | undefined;
    const inTreatment = async () => (read ??= await this.stock.inTreatment());
    if (may('visits_in_window')) {
      const { inWindow, overdue } = this.visits(today, study, await inTreatment());
      items.push({ kind: 'visits_in_window', count: inWindow }, { kind: 'visits_overdue', count: overdue });
    }
    if (may('shipments_to_receive')) items.push({ kind: 'shipments_to_receive', count: await this.reads.openShipments() });
    if (may('kits_quarantined')) items.push({ kind: 'kits_quarantined', count: await this.kits.countInStatus('quarantined') });
    const until = addDays(today, TODAY_HORIZON.dateDays);
    if (unblinded) {
      items.push({ kind: 'kits_reaching_margin', count: await this.kitsReachingMargin(reader.key!, until, study), until, marginDays: study.doNotDispenseMarginDays });
    } else if (may('kits_reaching_use_before')) {
      items.push({ kind: 'kits_reaching_use_before', count: await this.reads.availableUsedBefore(until), until });
    }
    if (may('returns_to_record')) items.push({ kind: 'returns_to_record', count: await this.returnsToRecord(today, study) });
    if (may('returns_to_verify')) items.push({ kind: 'returns_to_verify', count: await this.reads.returnsToVerify() });
    if (may('reconciliation_sign_off')) {
      const status = await this.reconciliation.signOffStatus();
      // Signed and still holding: nothing waits. Otherwise, the kits that changed since the sign-off (none before one).
      if (!status || status.voidedBy) {
        const since = await this.reconciliation.sinceLastSignOff();
        items.push({ kind: 'reconciliation_sign_off', signedBefore: status !== null, changedKits: since?.kits.length ?? 0 });
      }
    }
    if (unblinded) {
      const forecast = await this.stock.unblinded(reader.key!, TODAY_HORIZON.stockWeeks, await inTreatment());
      // The arms whose visits the stock will not cover: with kit types, every arm that needs a content running short
      // (a placebo bottle B short leaves the 4 mg and the placebo arms uncovered).
      const armsShort = new Set(forecast.arms.filter((line) => line.shortfall > 0).flatMap((line) => armsNeeding(study, line.kitType, line.armCode)));
      items.push({ kind: 'stock_arms_short', count: armsShort.size });
    } else if (may('stock_totals')) {
      const forecast = await this.stock.blinded(TODAY_HORIZON.stockWeeks, await inTreatment());
      items.push({ kind: 'stock_totals', onHand: forecast.onHand, needed: forecast.needed });
    }
    return items;
  }

  /** Randomized patients whose next visit to dispense has its window open today, and those whose window has closed. */
  private visits(today: string, study: StudyConfig, { patients, dispensed }: InTreatment): { inWindow: number; overdue: number } {
    let inWindow = 0;
    let overdue = 0;
    for (const p of patients) {
      const next = nextVisitToDispense(study, dispensed.get(p.id));
      if (!next) continue;
      const w = visitWindow(study, next, p.baselineDate);
      if (w.closes < today) overdue++;
      else if (w.opens <= today) inWindow++;
    }
    return { inWindow, overdue };
  }

  /**
   * Available kits whose real expiry reaches the do-not-dispense margin by `until`: from that day at the latest
   * dispensing refuses them (a kit must not expire within the margin of the day it is given). Kits already inside it
   * count too. The real dates come from the session's unsealed index of the stock (opened once per unblinded session,
   * wiped with its key), not from an AES open per kit on every visit to the home page.
   */
  private async kitsReachingMargin(key: Buffer, until: string, study: StudyConfig): Promise<number> {
    const { isShortDated } = expiryRulesOn(until, study.doNotDispenseMarginDays);
    return this.reads.availableAmong(await this.unsealed.expiringWhere(key, isShortDated));
  }

  /**
   * Kits with a patient that should be back: the patient has since come to a later visit of the schedule (the kit
   * comes back at the next visit; an extra dose between visits calls none back), or the day it was due back has passed
   * (the reconciliation's return_overdue).
   */
  private async returnsToRecord(today: string, study: StudyConfig): Promise<number> {
    const kits = await this.reads.kitsWithPatients(study.visits.map((v) => v.code));
    return kits.filter((k) => k.calledBack || (k.baselineDate !== null && today > returnDueOf(study, k.baselineDate, k.visitCode, localDate(new Date(k.dispensedAt))))).length;
  }
}
