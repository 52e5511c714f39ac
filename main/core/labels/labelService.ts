import { VeilError } from '../../../shared/errors';
import { blindedLabelDataFor, cartonLabel, syringeLabel } from '../../../shared/labels/blindedLabel';
import { layoutLabel, type LabelLayout } from '../../../shared/labels/layout';
import { labelLanguages, type LabelLanguage, type StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditActor, AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import type { Db } from '../db/database';
import { bwipSymbolSizer } from './barcodes';
import { encodeDymoJob } from './dymo';
import { labelFonts } from './fonts';
import { renderPdf } from './pdf';
import { bitmapToPng } from './png';
import { renderRaster } from './raster';
import { renderZpl } from './zpl';

export type LabelKind = 'carton' | 'syringe';
export type LabelFormat = 'png' | 'pdf' | 'zpl' | 'dymo';

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
 * arm in it to leak. Every print is recorded; a second print of the same label is a reprint and needs a reason.
 */
export class LabelService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
  ) {}

  /**
   * The layout of one kit's label, in the study's label language (EU CTR Annex VI: the member state's, the first of
   * the study file's labels.languages) unless another of its languages is asked for.
   */
  layout(kitNumber: string, kind: LabelKind, language?: LabelLanguage): LabelLayout {
    const row = this.db
      .prepare(
        `SELECT k.kit_number AS kitNumber, k.blinded_lot AS blindedLot, k.use_before AS useBefore, p.randomization_number AS randomizationNumber,
           p.initials, p.investigator, d.visit_code AS visitCode
         FROM kits k JOIN dispensing_kits dk ON dk.kit_number = k.kit_number JOIN dispensings d ON d.id = dk.dispensing_id
         JOIN patients p ON p.id = d.patient_id WHERE k.kit_number = ?`,
      )
      .get(kitNumber) as { kitNumber: string; blindedLot: string; useBefore: string; randomizationNumber: string; initials: string; investigator: string; visitCode: string } | undefined;
    if (!row) throw new VeilError('not_found', `Kit ${kitNumber} is not dispensed: only dispensed kits get a patient label.`);
    const study = this.study();
    const printed = language ?? labelLanguages(study)[0]!;
    if (!labelLanguages(study).includes(printed)) throw new VeilError('validation', `Study ${study.code} prints its labels in ${labelLanguages(study).join(', ')}, not ${printed}.`);
    const data = blindedLabelDataFor(study, {
      language: printed,
      kitNumber: row.kitNumber,
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
    const layout = this.layout(kitNumber, kind, language);
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

  /** Records a print; a label already printed needs the reason for the reprint (REGULATORY: every change has one). */
  recordPrint(actor: AuditActor, kitNumber: string, kind: LabelKind, printer: string, reprintReason: string | null): { reprint: boolean } {
    return this.db.transaction(() => {
      const previous = (this.db.prepare("SELECT count(*) AS n FROM label_prints WHERE kit_number = ? AND kind = ? AND status = 'printed'").get(kitNumber, kind) as { n: number }).n;
      const reprint = previous > 0;
      if (reprint && !(reprintReason && reprintReason.trim().length >= 3)) {
        throw new VeilError('validation', `The ${kind} label of kit ${kitNumber} was already printed: give the reason for the reprint.`, [{ path: ['reprintReason'], message: 'Reason needed for a reprint' }]);
      }
      const at = isoUtc(this.clock.now());
      this.db
        .prepare("INSERT INTO label_prints (kit_number, kind, requested_at, user_id, reprint_reason, status, printer, done_at) VALUES (?, ?, ?, ?, ?, 'printed', ?, ?)")
        .run(kitNumber, kind, at, actor.userId ?? 0, reprint ? reprintReason!.trim() : null, printer, at);
      this.audit.append(actor, { action: reprint ? 'label.reprinted' : 'label.printed', entityType: 'kit', entityId: kitNumber, after: { kind, printer }, reason: reprint ? reprintReason!.trim() : null });
      return { reprint };
    })();
  }

  /** Dispensed kits and their labels, oldest dispensing first; `prints` 0 means still to print. */
  queue(): LabelQueueItem[] {
    const rows = this.db
      .prepare(
        `SELECT dk.kit_number AS kitNumber, p.screening_number AS patient, d.visit_code AS visit, d.dispensed_at AS dispensedAt
         FROM dispensing_kits dk JOIN dispensings d ON d.id = dk.dispensing_id JOIN patients p ON p.id = d.patient_id
         ORDER BY d.dispensed_at, dk.kit_number`,
      )
      .all() as Array<{ kitNumber: string; patient: string; visit: string; dispensedAt: string }>;
    const prints = this.db.prepare("SELECT count(*) AS n, max(done_at) AS last FROM label_prints WHERE kit_number = ? AND kind = ? AND status = 'printed'");
    return rows.flatMap((r) =>
      (['carton', 'syringe'] as const).map((kind) => {
        const p = prints.get(r.kitNumber, kind) as { n: number; last: string | null };
        return { ...r, kind, prints: p.n, lastPrintedAt: p.last };
      }),
    );
  }
}
