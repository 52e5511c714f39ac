import { z } from 'zod';
import type { StudyConfig } from '../study/studyConfig';
import { LABEL_CAPTIONS, LABEL_LANGUAGES, type LabelCaptions, type LabelLanguage } from './labelCaptions';
import {
  LabelLayoutError,
  MM_PER_INCH,
  textBlockHeightMm,
  type ElementSpec,
  type LabelSpec,
  type StackSpec,
  type StackTextItem,
  type TextMeasurer,
  type TextRun,
} from './layout';

/**
 * The blinded label of one dispensed kit (EU CTR 536/2014 Annex VI; REGULATORY.md "Blinded label content").
 *
 * Blinding by construction: `BlindedLabelData` has no arm, no real lot and no real expiry anywhere; the schema is
 * strict, so an object carrying any other key (an `arm` smuggled in by a caller) is refused, not ignored. The lot is
 * the blinded lot and the date the common use-before date that are the same for every arm.
 *
 * Only the kit number differs between the labels of two kits dispensed to the same patient at the same visit, and it
 * appears in exactly two elements: `kitNumber` (text) and `kitBarcode` (DataMatrix of `kitBarcodePayload`). Every
 * other element is a function of patient, visit, study and the blinded product data alone.
 *
 * The label speaks one language (`language`): its captions come from ./labelCaptions.ts and its texts from the study
 * file in that language (blindedLabelDataFor), the same for every kit of the study.
 */

/** Kit numbers as the kit list importer accepts them (letters, digits, . _ / -; at most 30 characters). */
export const KIT_NUMBER = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,29}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const text = z.string().trim().min(1);
const Contact = z.object({ name: text, address: text, phone: text }).strict();

function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export const BlindedLabelDataSchema = z
  .object({
    /** The language of the captions; the texts below are in it too. */
    language: z.enum(LABEL_LANGUAGES).default('en'),
    kitNumber: z.string().regex(KIT_NUMBER, 'A kit number is 1-30 letters, digits or . _ / - (starting with a letter or digit)'),
    /** The subject's randomization (treatment) number. */
    randomizationNumber: text,
    patientInitials: text.optional(),
    visit: z.object({ code: text, name: text }).strict(),
    investigatorName: text,
    siteName: text.optional(),
    study: z.object({ code: text, protocolNumber: text, sponsorName: text }).strict(),
    contacts: z.object({ sponsor: Contact, emergency: Contact }).strict(),
    product: z
      .object({
        /** Shared by both arms, e.g. "dupilumab 300 mg/2 mL or placebo". */
        blindedName: text,
        form: text,
        route: text,
        /** Quantity of dosage units, as printed (e.g. "1 prefilled syringe"). */
        quantity: text,
        directions: text,
        storage: text,
      })
      .strict(),
    blindedLot: text,
    /** Common use-before date, ISO YYYY-MM-DD; printed as month and year. */
    useBefore: z.string().refine(isIsoDate, 'The use-before date is an ISO date YYYY-MM-DD'),
    texts: z.object({ clinicalTrialUse: text, keepOutOfReach: text.nullable(), usCaution: text.nullable() }).strict(),
  })
  .strict();
export type BlindedLabelData = z.infer<typeof BlindedLabelDataSchema>;

/** The only elements allowed to differ between two kits of the same patient and visit. */
export const KIT_FIELDS = ['kitNumber', 'kitBarcode'] as const;

/**
 * The DataMatrix content of a kit's label: the plain kit number (what the scanners at dispensing and return read).
 * One function for both labels, so the barcode can depend on nothing but the kit number.
 */
export function kitBarcodePayload(kitNumber: string): string {
  if (!KIT_NUMBER.test(kitNumber)) throw new LabelLayoutError('kitBarcode', 'invalid', `"${kitNumber}" is not a kit number`);
  return kitNumber;
}

/**
 * Annex VI (k) wants the expiry as month and year, unambiguous. Printed as "09/2027 (SEP 2027)" ("09/2027 (SEPT
 * 2027)" in French): a four-digit year
 * can never be read as a day, so MM/YYYY has no US/EU day-month doubt, and the three-letter month repeats it in a form a
 * patient reads without knowing any date convention. (ISO "2027-09" is exact too but is unfamiliar to patients and
 * easily taken for a partial date.) The day is not printed: the label's date is a month, as on the sponsor's packs.
 */
export function formatUseBefore(isoDate: string, language: LabelLanguage = 'en'): string {
  if (!isIsoDate(isoDate)) throw new LabelLayoutError('useBefore', 'invalid', `"${isoDate}" is not an ISO date YYYY-MM-DD`);
  const [year, month] = isoDate.split('-') as [string, string];
  return `${month}/${year} (${LABEL_CAPTIONS[language].months[Number(month) - 1]} ${year})`;
}

function parse(data: BlindedLabelData): BlindedLabelData {
  const result = BlindedLabelDataSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new LabelLayoutError(issue.path.join('.') || 'label', 'invalid', issue.message);
  }
  return result.data;
}

const sentence = (s: string): string => (s.length > 0 ? s[0]!.toUpperCase() + s.slice(1) : s);
/** Joins a short phrase with no-break spaces so wrapping never splits it (a phone number, "subcutaneous use"). */
const keep = (s: string): string => s.replace(/ /g, NBSP);
const NBSP = '\u00a0';
const plain = (t: string): TextRun => ({ text: t });
const bold = (t: string): TextRun => ({ text: t, bold: true });

/** Subject (randomization/treatment) number, initials and visit: Annex VI (f). */
function subjectRuns(d: BlindedLabelData, c: LabelCaptions, short: boolean): TextRun[] {
  const runs: TextRun[] = [plain(`${short ? c.subjectShort : c.subject}${NBSP}`), bold(d.randomizationNumber)];
  if (d.patientInitials && !short) runs.push(plain(`${NBSP}· ${c.initials}${NBSP}`), bold(d.patientInitials));
  runs.push(plain(`${NBSP}· ${c.visit}${NBSP}`), bold(keep(short ? d.visit.code : `${d.visit.code} (${d.visit.name})`)));
  return runs;
}

const CARTON_WIDTH_MM = 100;
const CARTON_HEIGHT_MM = 50;
const MARGIN_MM = 2;

/**
 * The outer-carton label, 100 x 50 mm (a 4 x 2 inch Zebra label or a PDF): every Annex VI A.1 item (a)-(l), the kit
 * number as text and as a DataMatrix in the top-right corner.
 *
 * Annex VI A.1 item -> field:
 *   (a) main contact name, address, phone: sponsorContact, emergencyContact
 *   (b) substance and strength, shared by both arms: product
 *   (c) form, route, quantity: formRouteQuantity
 *   (d) batch/code number: batchAndExpiry (the blinded lot)
 *   (e) trial reference (trial, site, investigator, sponsor): trialReference
 *   (f) subject/treatment number and visit: subject
 *   (g) investigator: investigator
 *   (h) directions for use: directions
 *   (i) "For clinical trial use only": clinicalTrialUse
 *   (j) storage: storage
 *   (k) use-before month and year: batchAndExpiry
 *   (l) keep out of reach of children: keepOutOfReach (when the study sets it)
 *   21 CFR 312.6 caution (US sites): usCaution (when the study sets it)
 */
export function cartonLabel(input: BlindedLabelData): LabelSpec {
  const d = parse(input);
  const c = LABEL_CAPTIONS[d.language];
  const kitX = 76;
  const kitWidth = CARTON_WIDTH_MM - MARGIN_MM - kitX;
  const captionH = textBlockHeightMm(1, 6);
  const kitH = textBlockHeightMm(1, 12);
  const barcodeSize = 11;
  const barcodeY = MARGIN_MM + captionH + kitH + 0.4;
  const kitColumnBottom = barcodeY + barcodeSize;

  const trial: TextRun[] = [plain(`${c.study}${NBSP}`), bold(d.study.code), plain(`${NBSP}· ${c.protocol}${NBSP}${d.study.protocolNumber}${NBSP}· ${c.sponsor} ${d.study.sponsorName}`)];
  if (d.siteName) trial.push(plain(`${NBSP}· ${c.site} ${d.siteName}`));

  const items: StackSpec['items'] = [
    { kind: 'text', field: 'clinicalTrialUse', sizePt: 8, bold: true, runs: [plain(d.texts.clinicalTrialUse)] },
    { kind: 'text', field: 'product', sizePt: 9, bold: true, runs: [plain(d.product.blindedName)], spaceBeforeMm: 0.2 },
    { kind: 'text', field: 'formRouteQuantity', sizePt: 6.5, runs: [plain(`${sentence(d.product.form)}\n${keep(sentence(d.product.route))}\u00a0· ${keep(d.product.quantity)}`)] },
    { kind: 'rule', thicknessMm: 0.25, spaceBeforeMm: 0.4 },
    { kind: 'text', field: 'subject', sizePt: 7, runs: subjectRuns(d, c, false), spaceBeforeMm: 0.4 },
    {
      kind: 'text',
      field: 'batchAndExpiry',
      sizePt: 7,
      runs: [plain(`${c.lot}${NBSP}`), bold(d.blindedLot), plain(`${NBSP}· ${c.useBefore}${NBSP}`), bold(keep(formatUseBefore(d.useBefore, d.language)))],
    },
    { kind: 'text', field: 'trialReference', sizePt: 6, runs: trial, spaceBeforeMm: 0.3 },
    { kind: 'text', field: 'investigator', sizePt: 6, runs: [plain(`${c.investigator}${NBSP}`), bold(d.investigatorName)] },
    { kind: 'rule', thicknessMm: 0.25, spaceBeforeMm: 0.4 },
    { kind: 'text', field: 'directions', sizePt: 6, runs: [bold(c.directions), plain(d.product.directions)], spaceBeforeMm: 0.4 },
    { kind: 'text', field: 'storage', sizePt: 6, runs: [bold(c.storage), plain(d.product.storage)] },
  ];
  if (d.texts.keepOutOfReach) items.push({ kind: 'text', field: 'keepOutOfReach', sizePt: 6, bold: true, runs: [plain(d.texts.keepOutOfReach)] });
  if (d.texts.usCaution) items.push({ kind: 'text', field: 'usCaution', sizePt: 6, bold: true, runs: [plain(d.texts.usCaution)] });
  items.push(
    { kind: 'rule', thicknessMm: 0.25, spaceBeforeMm: 0.4 },
    {
      kind: 'text',
      field: 'sponsorContact',
      sizePt: 5.5,
      spaceBeforeMm: 0.5,
      runs: [bold(c.contact), plain(`${d.contacts.sponsor.name}, ${d.contacts.sponsor.address}${NBSP}· ${c.phone}${NBSP}`), bold(keep(d.contacts.sponsor.phone))],
    },
    {
      kind: 'text',
      field: 'emergencyContact',
      sizePt: 5.5,
      runs: [bold(c.emergencyContact), plain(`${d.contacts.emergency.name}, ${d.contacts.emergency.address}${NBSP}· ${c.phone}${NBSP}`), bold(keep(d.contacts.emergency.phone))],
    },
  );

  const elements: ElementSpec[] = [
    {
      kind: 'stack',
      field: 'cartonText',
      box: { x: MARGIN_MM, y: MARGIN_MM, width: CARTON_WIDTH_MM - 2 * MARGIN_MM, height: CARTON_HEIGHT_MM - 2 * MARGIN_MM },
      narrowUntil: { yMm: kitColumnBottom + 0.5, widthMm: kitX - 2.5 - MARGIN_MM },
      items,
    },
    { kind: 'text', field: 'kitCaption', box: { x: kitX, y: MARGIN_MM, width: kitWidth, height: captionH }, sizePt: 6, align: 'center', wrap: 'none', runs: [plain(c.kitNumber)] },
    {
      kind: 'text',
      field: 'kitNumber',
      box: { x: kitX, y: MARGIN_MM + captionH, width: kitWidth, height: kitH },
      sizePt: 12,
      bold: true,
      align: 'center',
      wrap: 'none',
      runs: [plain(d.kitNumber)],
    },
    {
      kind: 'datamatrix',
      field: 'kitBarcode',
      box: { x: kitX + (kitWidth - barcodeSize) / 2, y: barcodeY, width: barcodeSize, height: barcodeSize },
      payload: kitBarcodePayload(d.kitNumber),
    },
  ];
  return { name: 'carton', widthMm: CARTON_WIDTH_MM, heightMm: CARTON_HEIGHT_MM, elements };
}

/** DYMO LabelManager, 12 mm tape: 64 dots at 180 dpi across the tape (HARDWARE.md) = the label's height. */
export const DYMO_12MM_PRINTABLE_MM = (64 * MM_PER_INCH) / 180;
/** Continuous tape: the syringe label grows with its text up to this length. */
export const SYRINGE_MAX_LENGTH_MM = 80;

const SYRINGE_LINE_HEIGHT = 1.1;
const SYRINGE_PT = 5;
const SYRINGE_KIT_PT = 6;
/** Room kept for the kit number whatever it is, so that the kit number never moves the other columns. */
const SYRINGE_KIT_RESERVE = '0000000000';

/**
 * The syringe (small immediate packaging) label, Annex VI A.2.2: contact phone, route, batch, trial reference,
 * subject/treatment and visit number, expiry, plus the kit number as text and DataMatrix. It is as high as a 12 mm
 * DYMO tape prints (64 dots at 180 dpi, about 9 mm) and as long as its columns need (at most 80 mm); the same layout
 * prints on a small Zebra label. The column widths come from the measured text of every field except the kit number,
 * which has a fixed reserve, so two kits of the same patient and visit get the same geometry.
 */
export function syringeLabel(input: BlindedLabelData, measurer: TextMeasurer, options: { maxLengthMm?: number } = {}): LabelSpec {
  const d = parse(input);
  const c = LABEL_CAPTIONS[d.language];
  const maxLength = options.maxLengthMm ?? SYRINGE_MAX_LENGTH_MM;
  const height = DYMO_12MM_PRINTABLE_MM;
  const padY = 0.35;
  const line = (field: string, runs: TextRun[], sizePt = SYRINGE_PT): StackTextItem => ({ kind: 'text', field, sizePt, runs, wrap: 'none', lineHeight: SYRINGE_LINE_HEIGHT });
  const width = (item: StackTextItem): number =>
    item.runs.reduce((sum, r) => sum + r.text.split('\n').reduce((m, t) => Math.max(m, measurer.widthMm(t, { sizePt: item.sizePt, bold: r.bold ?? false })), 0), 0);

  const kit = line('kitNumber', [plain(`${c.kit}${NBSP}`), bold(d.kitNumber)], SYRINGE_KIT_PT);
  const column2 = [
    line('subject', subjectRuns(d, c, true)),
    line('batch', [plain(`${c.lot}${NBSP}`), bold(d.blindedLot)]),
    line('useBefore', [plain(`${c.useBefore}${NBSP}`), bold(formatUseBefore(d.useBefore, d.language))]),
  ];
  const column3 = [
    line('trialReference', [bold(d.study.code), plain(` ${d.study.protocolNumber}`)], SYRINGE_KIT_PT),
    line('route', [plain(sentence(d.product.route))]),
    line('contactPhone', [plain(`${c.emergencyShort}${NBSP}`), bold(d.contacts.emergency.phone)]),
    line('clinicalTrialUse', [plain(d.texts.clinicalTrialUse)]),
  ];
  const roundUp = (mm: number): number => Math.ceil(mm * 2 + 1e-9) / 2;
  const kitReserve = width({ ...kit, runs: [plain(`${c.kit}${NBSP}`), bold(SYRINGE_KIT_RESERVE)] });
  const width2 = roundUp(Math.max(kitReserve, ...column2.map(width)));
  const width3 = roundUp(Math.max(...column3.map(width)));

  const marginX = 0.8;
  const barcodeSize = height;
  const x2 = marginX + barcodeSize + 0.8;
  const x3 = x2 + width2 + 1.5;
  const length = roundUp(x3 + width3 + marginX);
  if (length > maxLength + 1e-9)
    throw new LabelLayoutError(
      'syringe',
      'text-too-long',
      `the syringe label needs ${length.toFixed(1)} mm of tape but may be at most ${maxLength} mm long (${(length - maxLength).toFixed(1)} mm too long)`,
      length - maxLength,
    );
  const stackBox = (x: number, w: number) => ({ x, y: padY, width: w, height: height - 2 * padY });
  return {
    name: 'syringe',
    widthMm: length,
    heightMm: height,
    elements: [
      { kind: 'datamatrix', field: 'kitBarcode', box: { x: marginX, y: 0, width: barcodeSize, height: barcodeSize }, payload: kitBarcodePayload(d.kitNumber) },
      { kind: 'stack', field: 'syringeColumn2', box: stackBox(x2, width2), items: [kit, ...column2] },
      { kind: 'stack', field: 'syringeColumn3', box: stackBox(x3, width3), items: column3 },
    ],
  };
}

/**
 * The label data of one kit from the study configuration (studies/*.json) and the dispensing: reads the product,
 * label texts, contacts and sponsor of the study, and never its arms. In `language` (by default the language the study
 * file is written in): the study's texts in that language (labels.translations), its captions (./labelCaptions.ts).
 */
export function blindedLabelDataFor(
  study: Pick<StudyConfig, 'code' | 'sponsor' | 'product' | 'labels' | 'contacts' | 'visits' | 'kitTypes'>,
  kit: {
    kitNumber: string;
    /**
     * The kit's type in a study with kit types: its label prints the type's product texts ("baricitinib 4 mg or
     * placebo, bottle A") and units, the same whatever the kit holds. Absent or null: the study's product.
     */
    kitType?: string | null;
    randomizationNumber: string;
    patientInitials?: string;
    visitCode: string;
    investigatorName: string;
    siteName?: string;
    blindedLot: string;
    useBefore: string;
    /** Defaults to "1 unit" / "n units" (in the label's language) from the study's units per kit. */
    quantity?: string;
    /** The label's language: one the study has texts for. */
    language?: LabelLanguage;
  },
): BlindedLabelData {
  const visit = study.visits.find((v) => v.code === kit.visitCode);
  if (!visit) throw new LabelLayoutError('visit', 'invalid', `visit ${kit.visitCode} is not in study ${study.code}`);
  const base = study.labels.language ?? 'en';
  const language = kit.language ?? base;
  const translation = language === base ? null : study.labels.translations?.[language];
  if (language !== base && !translation) throw new LabelLayoutError('language', 'invalid', `study ${study.code} has no label texts in ${language}`);
  const type = kit.kitType ? study.kitTypes?.find((t) => t.code === kit.kitType) : undefined;
  if (kit.kitType && !type) throw new LabelLayoutError('product', 'invalid', `kit type ${kit.kitType} is not in study ${study.code}`);
  const baseTexts = translation ?? { ...study.labels, product: study.product, visits: {} as Record<string, string>, contacts: undefined };
  // A kit type's own product texts, in the label's language (every translation has each type's: studyConfig.ts).
  const typeProduct = type ? (translation ? translation.kitTypes?.[type.code] : type.product) : undefined;
  const texts = typeProduct ? { ...baseTexts, product: typeProduct } : baseTexts;
  const unitsPerKit = type?.unitsPerKit ?? study.product.unitsPerKit;
  const contact = (who: 'sponsor' | 'emergency') => ({ ...study.contacts[who], ...(translation?.contacts?.[who] ?? {}) });
  const data: BlindedLabelData = {
    language,
    kitNumber: kit.kitNumber,
    randomizationNumber: kit.randomizationNumber,
    visit: { code: visit.code, name: texts.visits[visit.code] ?? visit.name },
    investigatorName: kit.investigatorName,
    study: { code: study.code, protocolNumber: study.sponsor.protocolNumber, sponsorName: study.sponsor.name },
    contacts: { sponsor: contact('sponsor'), emergency: contact('emergency') },
    product: {
      blindedName: texts.product.blindedName,
      form: texts.product.form,
      route: texts.product.route,
      quantity: kit.quantity ?? LABEL_CAPTIONS[language].units(unitsPerKit),
      directions: texts.product.directions,
      storage: texts.product.storage,
    },
    blindedLot: kit.blindedLot,
    useBefore: kit.useBefore,
    texts: { clinicalTrialUse: texts.clinicalTrialUse, keepOutOfReach: texts.keepOutOfReach, usCaution: texts.usCaution },
  };
  if (kit.patientInitials !== undefined) data.patientInitials = kit.patientInitials;
  if (kit.siteName !== undefined) data.siteName = kit.siteName;
  return parse(data);
}
