import { describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import {
  BlindedLabelDataSchema,
  blindedLabelDataFor,
  DYMO_12MM_PRINTABLE_MM,
  KIT_FIELDS,
  SYRINGE_MAX_LENGTH_MM,
  cartonLabel,
  formatUseBefore,
  kitBarcodePayload,
  syringeLabel,
  type BlindedLabelData,
} from '../../../shared/labels/blindedLabel';
import { LabelLayoutError, labelTexts, layoutLabel, mmToDots, type LabelLayout } from '../../../shared/labels/layout';
import { bwipSymbolSizer } from '../../../main/core/labels/barcodes';
import { labelFonts } from '../../../main/core/labels/fonts';
import { NS_DUPI, nsDupiLabel } from './fixtures';

const fonts = labelFonts();
const carton = (data: BlindedLabelData): LabelLayout => layoutLabel(cartonLabel(data), fonts.measurer, bwipSymbolSizer);
const syringe = (data: BlindedLabelData): LabelLayout => layoutLabel(syringeLabel(data, fonts.measurer), fonts.measurer, bwipSymbolSizer);

function fieldText(layout: LabelLayout, field: string): string {
  const hit = labelTexts(layout).find((t) => t.field === field);
  if (!hit) throw new Error(`no text field ${field}`);
  return hit.text.replace(/\n/g, ' ');
}
function barcodes(layout: LabelLayout): Array<{ field: string; kind: string; payload: string }> {
  return layout.elements.flatMap((el) => (el.kind === 'datamatrix' || el.kind === 'code128' ? [{ field: el.field, kind: el.kind, payload: el.payload }] : []));
}

describe('carton label: every EU CTR Annex VI A.1 item', () => {
  const data = nsDupiLabel('483920');
  const layout = carton(data);
  const c = NS_DUPI.contacts;

  it.each([
    ['(a) main contact: name, address, phone', 'sponsorContact', [c.sponsor.name, c.sponsor.address, c.sponsor.phone]],
    ['(a) emergency unblinding contact: name, address, phone', 'emergencyContact', [c.emergency.name, c.emergency.address, c.emergency.phone]],
    ['(b) substance and strength shared by both arms', 'product', ['dupilumab 300 mg/2 mL or placebo']],
    ['(c) form, route, quantity of dosage units', 'formRouteQuantity', ['Solution for injection in a prefilled syringe (2 mL)', 'Subcutaneous use', '1 prefilled syringe']],
    ['(d) batch/code number (the blinded lot)', 'batchAndExpiry', ['Lot NSDUPI-BL1']],
    ['(e) trial reference: trial, protocol, sponsor, site', 'trialReference', ['NS-DUPI', 'RC31/19/0045', 'Toulouse University Hospital', 'CHU de Toulouse, Hôpital Larrey']],
    ['(f) subject/treatment number and visit', 'subject', ['R007', 'Visit W2 (Week 2)', 'JMH']],
    ['(g) investigator', 'investigator', ['Prof. Juliette Mazereeuw-Hautier']],
    ['(h) directions for use', 'directions', [NS_DUPI.product.directions]],
    ['(i) for clinical trial use only', 'clinicalTrialUse', ['For clinical trial use only']],
    ['(j) storage conditions', 'storage', [NS_DUPI.product.storage]],
    ['(k) use-before month and year, unambiguous', 'batchAndExpiry', ['Use before 08/2027 (AUG 2027)']],
    ['(l) keep out of reach of children', 'keepOutOfReach', ['Keep out of the sight and reach of children']],
    ['kit number as text', 'kitNumber', ['483920']],
  ])('%s', (_item, field, expected) => {
    const text = fieldText(layout, field);
    for (const piece of expected) expect(text).toContain(piece);
  });

  it('carries the kit number as a DataMatrix of the plain kit number, and the label is 100 x 50 mm', () => {
    expect(barcodes(layout)).toEqual([{ field: 'kitBarcode', kind: 'datamatrix', payload: '483920' }]);
    expect([layout.widthMm, layout.heightMm]).toEqual([100, 50]);
  });

  it('shows the US caution only when the study sets it, and leaves (l) out when the study does', () => {
    const caution = 'Caution: New Drug - Limited by Federal (or United States) law to investigational use.';
    const us = carton(nsDupiLabel('483920', { texts: { clinicalTrialUse: 'For clinical trial use only', keepOutOfReach: null, usCaution: caution } }));
    expect(fieldText(us, 'usCaution')).toBe(caution);
    expect(labelTexts(us).some((t) => t.field === 'keepOutOfReach')).toBe(false);
    expect(labelTexts(layout).some((t) => t.field === 'usCaution')).toBe(false);
  });
});

describe('syringe label: the Annex VI A.2.2 subset on a 12 mm DYMO tape', () => {
  const layout = syringe(nsDupiLabel('483920'));

  it.each([
    ['contact phone', 'contactPhone', [NS_DUPI.contacts.emergency.phone]],
    ['route', 'route', ['Subcutaneous use']],
    ['batch/code number', 'batch', ['Lot NSDUPI-BL1']],
    ['trial reference', 'trialReference', ['NS-DUPI', 'RC31/19/0045']],
    ['subject/treatment and visit number', 'subject', ['R007', 'Visit W2']],
    ['expiry', 'useBefore', ['08/2027 (AUG 2027)']],
    ['kit number', 'kitNumber', ['Kit 483920']],
  ])('%s', (_item, field, expected) => {
    for (const piece of expected) expect(fieldText(layout, field)).toContain(piece);
  });

  it('is 64 dots high at 180 dpi, at most 80 mm long, with the kit number as a DataMatrix', () => {
    expect(mmToDots(layout.heightMm, 180)).toBe(64);
    expect(layout.heightMm).toBe(DYMO_12MM_PRINTABLE_MM);
    expect(layout.widthMm).toBeLessThanOrEqual(SYRINGE_MAX_LENGTH_MM);
    expect(barcodes(layout)).toEqual([{ field: 'kitBarcode', kind: 'datamatrix', payload: '483920' }]);
  });

  it('has the same geometry for any kit number: the kit number has a fixed reserve', () => {
    const other = syringe(nsDupiLabel('A-77'));
    expect(other.widthMm).toBe(layout.widthMm);
    const boxes = (l: LabelLayout) => l.elements.map((el) => ('box' in el ? { field: el.field, box: el.box } : el));
    expect(boxes(other)).toEqual(boxes(layout));
  });
});

describe('blinding by construction', () => {
  it('the label data type has no arm anywhere', () => {
    const keys: string[] = [];
    const walk = (schema: ZodType, prefix: string): void => {
      const def = (schema as unknown as { def: { type: string; shape?: Record<string, ZodType>; innerType?: ZodType } }).def;
      if (def.type === 'object' && def.shape)
        for (const [key, child] of Object.entries(def.shape)) {
          keys.push(`${prefix}${key}`);
          walk(child, `${prefix}${key}.`);
        }
      else if (def.innerType) walk(def.innerType, prefix);
    };
    walk(BlindedLabelDataSchema, '');
    expect(keys).toContain('product.blindedName');
    expect(keys.length).toBeGreaterThan(25);
    expect(keys.filter((k) => /arm|treatmentGroup|placebo|active/i.test(k))).toEqual([]);
    // @ts-expect-error -- an arm is not part of BlindedLabelData
    const withArm: BlindedLabelData = { ...nsDupiLabel('1'), arm: 'PLACEBO' };
    expect(withArm).toBeDefined();
  });

  it('refuses label data carrying any extra key (an arm smuggled in by a caller)', () => {
    const data = { ...nsDupiLabel('483920'), arm: 'DUPI300' } as BlindedLabelData;
    expect(() => cartonLabel(data)).toThrow(LabelLayoutError);
    expect(() => cartonLabel(data)).toThrow(/arm/);
    const product = { ...nsDupiLabel('483920') };
    product.product = { ...product.product, ...({ realLot: 'DP24A117' } as object) };
    expect(() => syringeLabel(product, fonts.measurer)).toThrow(/realLot/);
  });

  it('the barcode payload is the plain kit number and nothing else', () => {
    expect(kitBarcodePayload('483920')).toBe('483920');
    expect(kitBarcodePayload('K-12/A_3.b')).toBe('K-12/A_3.b');
    expect(() => kitBarcodePayload('')).toThrow(LabelLayoutError);
    expect(() => kitBarcodePayload('12 34')).toThrow(LabelLayoutError);
    expect(KIT_FIELDS).toEqual(['kitNumber', 'kitBarcode']);
  });

  it('the printed text of two kits for the same patient and visit differs only in the kit number field', () => {
    for (const build of [carton, syringe]) {
      const a = labelTexts(build(nsDupiLabel('483920')));
      const b = labelTexts(build(nsDupiLabel('172655')));
      expect(a.map((t) => t.field)).toEqual(b.map((t) => t.field));
      const differing = a.filter((t, i) => t.text !== b[i]!.text).map((t) => t.field);
      expect(differing).toEqual(['kitNumber']);
    }
  });
});

describe('use-before date', () => {
  it('prints month and year, unambiguous: MM/YYYY and the month in letters', () => {
    expect(formatUseBefore('2027-09-30')).toBe('09/2027 (SEP 2027)');
    expect(formatUseBefore('2028-02-29')).toBe('02/2028 (FEB 2028)');
    expect(formatUseBefore('2030-12-01')).toBe('12/2030 (DEC 2030)');
  });

  it('refuses a date that is not ISO or does not exist', () => {
    for (const bad of ['30/09/2027', '2027-02-30', '2027-13-01', '2027-9-30', '']) expect(() => formatUseBefore(bad)).toThrow(LabelLayoutError);
    expect(() => cartonLabel(nsDupiLabel('483920', { useBefore: '2027-02-30' }))).toThrow(/useBefore/);
  });

  it('the study helper reads the study but never its arms, and refuses an unknown visit', () => {
    const data = nsDupiLabel('483920');
    expect(JSON.stringify(data)).not.toMatch(/DUPI300|PLACEBO|Placebo"|Dupilumab 300 mg"/);
    expect(data.visit).toEqual({ code: 'W2', name: 'Week 2' });
    const kit = { kitNumber: '1', randomizationNumber: 'R1', visitCode: 'W99', investigatorName: 'X', blindedLot: 'L', useBefore: '2027-01-31' };
    expect(() => blindedLabelDataFor(NS_DUPI, kit)).toThrow(/visit W99 is not in study NS-DUPI/);
  });
});
