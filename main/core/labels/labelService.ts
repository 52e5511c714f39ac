import { VeilError } from '../../../shared/errors';
import { blindedLabelDataFor, cartonLabel, syringeLabel } from '../../../shared/labels/blindedLabel';
import { layoutLabel, type LabelLayout } from '../../../shared/labels/layout';
import { labelLanguages, type LabelLanguage, type StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditActor, AuditTrail } from '../audit/auditTrail';
import type { Store } from '../db/store';
import { DeviceRepository } from '../devices/deviceRepository';
import type { StudyScope } from '../study/studyScope';
import { bwipSymbolSizer } from './barcodes';
import type { LabelRepository } from './labelRepository';
import { encodeDymoJob } from './dymo';
import { labelFonts } from './fonts';
import { renderPdf } from './pdf';
import { bitmapToPng } from './png';
import { renderRaster } from './raster';
import { renderZpl } from './zpl';

export type LabelKind = 'carton' | 'syringe';
export type LabelFormat = 'png' | 'pdf' | 'zpl' | 'dymo';

/** What each rendering is as a file. */
const LABEL_FILES: Readonly<Record<LabelFormat, { extension: string; mime: string }>> = {
  pdf: { extension: 'pdf', mime: 'application/pdf' },
  png: { extension: 'png', mime: 'image/png' },
  zpl: { extension: 'zpl', mime: 'text/plain' },
  dymo: { extension: 'dymo', mime: 'application/octet-stream' },
};

export interface LabelQueueItem {
  kitNumber: string;
  kind: LabelKind;
  patient: string;
  visit: string;
  dispensedAt: string;
  prints: number;
  lastPrintedAt: string | null;
}

/**
 * The blinded labels of dispensed kits: one layout per kit and kind, rendered for the screen (PNG), any printer (PDF),
 * Zebra (ZPL) or DYMO (HID stream). The label data comes from the study file and the dispensing only; there is no
 * arm in it to leak. Prints are the device layer's (devices/): a label is printed when a printer confirms its job,
 * and a second print of the same label is a reprint that needs a reason. A file downloaded here is not a print.
 */
export class LabelService {
  private readonly printJobs: DeviceRepository;

  constructor(
    private readonly store: Store,
    private readonly labels: LabelRepository,
    private readonly audit: AuditTrail,
    private readonly study: () => StudyConfig,
    scope: StudyScope,
  ) {
    // The prints counted in the same study as the labels' dispensed kits.
    this.printJobs = new DeviceRepository(store, scope);
  }

  /**
   * The layout of one kit's label, in the study's label language (EU CTR Annex VI: the member state's, the first of
   * the study file's labels.languages) unless another of its languages is asked for.
   */
  async layout(kitNumber: string, kind: LabelKind, language?: LabelLanguage): Promise<LabelLayout> {
    const row = await this.labels.labelSource(kitNumber);
    if (!row) throw VeilError.says('not_found', { key: 'labels.notDispensed', params: { kit: kitNumber } });
    const study = this.study();
    const printed = language ?? labelLanguages(study)[0]!;
    if (!labelLanguages(study).includes(printed)) throw VeilError.says('validation', { key: 'labels.otherLanguage', params: { study: study.code, languages: labelLanguages(study).join(', '), language: printed } });
    const data = blindedLabelDataFor(study, {
      language: printed,
      kitNumber: row.kitNumber,
      kitType: row.kitType,
      randomizationNumber: row.randomizationNumber,
      patientInitials: row.initials,
      visitCode: row.visitCode,
      investigatorName: row.investigator,
      blindedLot: row.blindedLot,
      useBefore: row.useBefore,
    });
    const fonts = labelFonts();
    const spec = kind === 'carton' ? cartonLabel(data) : syringeLabel(data, fonts.measurer);
    return layoutLabel(spec, fonts.measurer, bwipSymbolSizer);
  }

  async render(kitNumber: string, kind: LabelKind, format: LabelFormat, language?: LabelLanguage): Promise<Uint8Array> {
    const layout = await this.layout(kitNumber, kind, language);
    switch (format) {
      case 'png':
        return bitmapToPng(renderRaster(layout, kind === 'syringe' ? 180 : 300), { dpi: kind === 'syringe' ? 180 : 300 });
      case 'pdf':
        return renderPdf(layout, { title: `Kit ${kitNumber} ${kind} label` });
      case 'zpl':
        return new TextEncoder().encode(renderZpl(layout));
      case 'dymo':
        return encodeDymoJob(renderRaster(layout, 180)).bytes;
    }
  }

  /**
   * The label as a file to keep, look at or print elsewhere, recorded in the audit trail (it names a patient). A
   * download is not a print: the label counts as printed only when a label printer confirms its job (devices/).
   */
  async download(actor: AuditActor, kitNumber: string, kind: LabelKind, format: LabelFormat, language?: LabelLanguage): Promise<{ fileName: string; mime: string; bytes: Uint8Array }> {
    // Rendered before it is recorded: a label that cannot be laid out is never recorded as downloaded.
    const bytes = await this.render(kitNumber, kind, format, language);
    await this.store.transaction(async () => {
      await this.audit.append(actor, { action: 'label.downloaded', entityType: 'kit', entityId: kitNumber, after: { kind, format, ...(language ? { language } : {}) } });
    });
    return { fileName: `label-${kitNumber}-${kind}.${LABEL_FILES[format].extension}`, mime: LABEL_FILES[format].mime, bytes };
  }

  /** Dispensed kits and their labels, oldest dispensing first; `prints` 0 means still to print. */
  async queue(): Promise<LabelQueueItem[]> {
    // One unit of work: the kits and their prints as of one moment.
    return this.store.transaction(async () => {
      const prints = await this.printJobs.printsOfAllLabels();
      const items: LabelQueueItem[] = [];
      for (const r of await this.labels.dispensedKits()) {
        for (const kind of ['carton', 'syringe'] as const) {
          const p = prints.get(`${r.kitNumber} ${kind}`);
          items.push({ ...r, kind, prints: p?.count ?? 0, lastPrintedAt: p?.last ?? null });
        }
      }
      return items;
    });
  }
}
