import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { VeilError } from '../../../shared/errors';
import { layoutLabel, LabelLayoutError, type LabelLayout } from '../../../shared/labels/layout';
import { overLabel } from '../../../shared/labels/overLabel';
import { labelLanguages, type LabelLanguage, type StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditActor, AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import type { Devices } from '../devices/devices';
import { bwipSymbolSizer } from '../labels/barcodes';
import { labelFonts } from '../labels/fonts';
import { renderPdf } from '../labels/pdf';
import { bitmapToPng } from '../labels/png';
import { renderRaster } from '../labels/raster';
import type { OverLabelRepository } from './overLabelRepository';

/** Over-labels are tape labels, like the syringe label: they print on the syringe label's printer. */
const PRINTS_AS = 'syringe' as const;
const DPI = 180;
/** A kit on the site's shelf (in stock or in quarantine): the only kits an over-label is stuck on. */
const ON_SHELF: readonly string[] = ['available', 'quarantined'];

/** Why the blinded date of kits on the shelf moved (kit numbers and dates only: blinded users read the trail). */
export type NewDateCause = { letter: string } | { useBeforeConfirmed: string } | { kitListImport: number };

export interface OverLabelItem {
  kitNumber: string;
  useBefore: string;
  queuedAt: string;
  printed: boolean;
  printedAt: string | null;
}

/**
 * Over-labels (issue 16, item 2). When the blinded use-before date of kits still on the site's shelf moves (an expiry
 * extension, a new common date confirmed, a kit list that moves it), each gets an over-label with the new date, queued
 * in the same unit of work; the pharmacist previews, downloads and prints them, and one counts as printed when a label
 * printer confirms it. An over-label carries the study, the kit number and the kit's blinded use-before date only: never an
 * arm, a real lot or a real expiry (shared/labels/overLabel.ts). After an extension whose real dates would reveal an
 * arm the blinded date does not move, and nothing is queued until the pharmacist confirms a new common date.
 */
export class OverLabelService {
  constructor(
    private readonly store: Store,
    private readonly repo: OverLabelRepository,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
    private readonly devices: () => Devices,
  ) {}

  /**
   * Inside the unit of work that moved the blinded date: an over-label for each kit on the shelf whose date changed. The
   * date moves three ways, each named in the audit event: the sponsor's extension letter, the pharmacist's confirmation
   * of a new common date, or a kit list whose import moved the common date. Kits still expected get none: their first
   * label is printed at dispensing with the date then in force.
   */
  async queueForNewDate(actor: AuditActor, signatureId: number, kits: ReadonlyArray<{ kitNumber: string; status: string; useBefore: string }>, cause: NewDateCause): Promise<string[]> {
    const due = kits.filter((k) => ON_SHELF.includes(k.status)).sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
    if (due.length === 0) return [];
    const queuedAt = isoUtc(this.clock.now());
    await this.repo.queue(due.map((k) => ({ kitNumber: k.kitNumber, useBefore: k.useBefore, signatureId, queuedAt })));
    const kitNumbers = due.map((k) => k.kitNumber);
    await this.audit.append(actor, { action: 'lot.over_labels_queued', entityType: 'study', entityId: this.study().code, after: { ...cause, kits: kitNumbers }, signatureId });
    return kitNumbers;
  }

  /** Over-labels of kits still on the shelf: to print first, then printed; each in kit-number order. */
  async list(pendingOnly = false): Promise<OverLabelItem[]> {
    const rows = (await this.repo.all()).filter((r) => ON_SHELF.includes(r.status) && r.useBefore === r.kitUseBefore);
    return rows
      .map((r) => ({ kitNumber: r.kitNumber, useBefore: r.useBefore, queuedAt: r.queuedAt, printed: r.printedAt !== null, printedAt: r.printedAt }))
      .filter((r) => !pendingOnly || !r.printed)
      .sort((a, b) => Number(a.printed) - Number(b.printed) || compareKitNumbers(a.kitNumber, b.kitNumber) || a.queuedAt.localeCompare(b.queuedAt));
  }

  /** The over-label of a kit on the shelf, with its blinded use-before date as it is now. */
  async layout(kitNumber: string, language?: LabelLanguage): Promise<{ layout: LabelLayout; useBefore: string }> {
    const kit = await this.repo.kit(kitNumber);
    if (!kit) throw VeilError.says('not_found', { key: 'lots.overLabelUnknownKit', params: { kit: kitNumber } });
    if (!ON_SHELF.includes(kit.status)) throw VeilError.says('conflict', { key: 'lots.overLabelNotOnShelf', params: { kit: kitNumber } });
    const study = this.study();
    const printed = language ?? labelLanguages(study)[0]!;
    if (!labelLanguages(study).includes(printed)) throw VeilError.says('validation', { key: 'labels.otherLanguage', params: { study: study.code, languages: labelLanguages(study).join(', '), language: printed } });
    const measurer = labelFonts().measurer;
    try {
      return { layout: layoutLabel(overLabel({ language: printed, kitNumber, studyCode: study.code, useBefore: kit.useBefore }, measurer), measurer, bwipSymbolSizer), useBefore: kit.useBefore };
    } catch (error) {
      if (error instanceof LabelLayoutError) throw new VeilError('validation', `The over-label of kit ${kitNumber} cannot be laid out: ${error.message}`);
      throw error;
    }
  }

  async preview(kitNumber: string): Promise<{ kitNumber: string; useBefore: string; pngBase64: string; widthMm: number; heightMm: number }> {
    const { layout, useBefore } = await this.layout(kitNumber);
    const png = bitmapToPng(renderRaster(layout, DPI), { dpi: DPI });
    return { kitNumber, useBefore, pngBase64: Buffer.from(png).toString('base64'), widthMm: layout.widthMm, heightMm: layout.heightMm };
  }

  /** The over-label as a file (PDF or PNG), recorded in the audit trail. A download is not a print. */
  async download(actor: AuditActor, kitNumber: string, format: 'pdf' | 'png', language?: LabelLanguage) {
    const { layout } = await this.layout(kitNumber, language);
    const bytes = format === 'pdf' ? await renderPdf(layout, { title: `Kit ${kitNumber} over-label` }) : bitmapToPng(renderRaster(layout, DPI), { dpi: DPI });
    await this.store.transaction(async () => {
      await this.audit.append(actor, { action: 'label.downloaded', entityType: 'kit', entityId: kitNumber, after: { kind: 'over_label', format, ...(language ? { language } : {}) } });
    });
    return { kitNumber, format, fileName: `over-label-${kitNumber}.${format}`, mime: format === 'pdf' ? 'application/pdf' : 'image/png', base64: Buffer.from(bytes).toString('base64') };
  }

  /**
   * Prints the kit's over-label on the syringe labels' printer. Once the printer confirms, the kit's over-labels with
   * this date are printed (audited); a printer problem is recorded and answered, nothing marked printed.
   */
  async print(actor: AuditActor, kitNumber: string): Promise<{ kitNumber: string; useBefore: string; printed: boolean; printer: string | null; error: string | null }> {
    const { layout, useBefore } = await this.layout(kitNumber);
    let printer: string;
    try {
      printer = (await this.devices().printLayout(PRINTS_AS, layout, 'over-label')).printer;
    } catch (error) {
      if (error instanceof VeilError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      await this.store.transaction(async () => {
        await this.audit.append(actor, { action: 'label.print_failed', entityType: 'kit', entityId: kitNumber, after: { kind: 'over_label', error: message } });
      });
      return { kitNumber, useBefore, printed: false, printer: null, error: message };
    }
    await this.store.transaction(async () => {
      await this.repo.markPrinted(kitNumber, useBefore, isoUtc(this.clock.now()), printer);
      await this.audit.append(actor, { action: 'label.over_label_printed', entityType: 'kit', entityId: kitNumber, after: { kind: 'over_label', printer, useBefore } });
    });
    return { kitNumber, useBefore, printed: true, printer, error: null };
  }
}
