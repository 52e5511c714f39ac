import { z } from 'zod';
import { DYMO_12MM_PRINTABLE_MM, formatUseBefore, KIT_NUMBER, kitBarcodePayload } from './blindedLabel';
import { LABEL_CAPTIONS, LABEL_LANGUAGES, type LabelLanguage } from './labelCaptions';
import { LabelLayoutError, type LabelSpec, type StackTextItem, type TextMeasurer, type TextRun } from './layout';

/**
 * The over-label stuck over a kit's use-before date after the sponsor extended its lot's expiry (issue 16, item 2). It
 * prints on 12 mm tape like the syringe label: the kit number as text and DataMatrix, the study, and the NEW blinded
 * use-before date. Blinding by construction: the data has the study code, the kit number and the blinded date only
 * (strict schema: an `arm`, a real lot or a real expiry smuggled in is refused), so two over-labels of the same
 * extension differ by the kit number alone, whatever the arm.
 */
export const OverLabelDataSchema = z
  .object({
    language: z.enum(LABEL_LANGUAGES).default('en'),
    kitNumber: z.string().regex(KIT_NUMBER),
    studyCode: z.string().trim().min(1),
    /** The new blinded use-before date, ISO YYYY-MM-DD (printed as month and year). */
    useBefore: z.string(),
  })
  .strict();
export type OverLabelData = z.infer<typeof OverLabelDataSchema>;

/** The over-label's own words (the rest are the blinded label's captions). */
export const OVER_LABEL_CAPTIONS: Readonly<Record<LabelLanguage, { title: string }>> = {
  en: { title: 'NEW DATE' },
  fr: { title: 'NOUVELLE DATE' },
};

const NBSP = '\u00a0';
const plain = (t: string): TextRun => ({ text: t });
const bold = (t: string): TextRun => ({ text: t, bold: true });

export function overLabel(input: OverLabelData, measurer: TextMeasurer): LabelSpec {
  const parsed = OverLabelDataSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LabelLayoutError(issue.path.join('.') || 'overLabel', 'invalid', issue.message);
  }
  const d = parsed.data;
  const c = LABEL_CAPTIONS[d.language];
  const height = DYMO_12MM_PRINTABLE_MM;
  const line = (field: string, runs: TextRun[], sizePt = 5): StackTextItem => ({ kind: 'text', field, sizePt, runs, wrap: 'none', lineHeight: 1.1 });
  const items = [
    line('title', [bold(`${OVER_LABEL_CAPTIONS[d.language].title}${NBSP}· ${d.studyCode}`)]),
    line('kitNumber', [plain(`${c.kit}${NBSP}`), bold(d.kitNumber)], 6),
    line('useBefore', [plain(`${c.useBefore}${NBSP}`), bold(formatUseBefore(d.useBefore, d.language))]),
  ];
  // The column is as wide as its widest line, measured with a fixed 10-character kit number: the kit number never moves it.
  const width = (item: StackTextItem): number => item.runs.reduce((sum, r) => sum + measurer.widthMm(r.text, { sizePt: item.sizePt, bold: r.bold ?? false }), 0);
  const reserve = width({ ...items[1]!, runs: [plain(`${c.kit}${NBSP}`), bold('0000000000')] });
  const column = Math.ceil(Math.max(reserve, width(items[0]!), width(items[2]!)) * 2 + 1e-9) / 2;
  const marginX = 0.8;
  const x = marginX + height + 0.8;
  return {
    name: 'over-label',
    widthMm: Math.ceil((x + column + marginX) * 2) / 2,
    heightMm: height,
    elements: [
      { kind: 'datamatrix', field: 'kitBarcode', box: { x: marginX, y: 0, width: height, height }, payload: kitBarcodePayload(d.kitNumber) },
      { kind: 'stack', field: 'overLabelColumn', box: { x, y: 0.35, width: column, height: height - 0.7 }, items },
    ],
  };
}
