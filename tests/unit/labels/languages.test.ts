import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import study from '../../../studies/ns-dupi.json';
import { blindedLabelDataFor, cartonLabel, formatUseBefore, syringeLabel, type BlindedLabelData } from '../../../shared/labels/blindedLabel';
import { LABEL_CAPTIONS, LABEL_LANGUAGES } from '../../../shared/labels/labelCaptions';
import { labelTexts, layoutLabel, type LabelLayout } from '../../../shared/labels/layout';
import { StudyConfig, labelLanguages } from '../../../shared/study/studyConfig';
import { checkStudyConfig } from '../../../shared/study/studyProblems';
import { bwipSymbolSizer } from '../../../main/core/labels/barcodes';
import { labelFonts } from '../../../main/core/labels/fonts';
import { bitmapToPng } from '../../../main/core/labels/png';
import { renderRaster } from '../../../main/core/labels/raster';
import { renderZpl } from '../../../main/core/labels/zpl';
import { BLINDED_LOT, COMMON_USE_BEFORE, KIT_OF_ARM, NS_DUPI, outDir } from './fixtures';

/**
 * Labels in the language of the member state (EU CTR 536/2014 Annex VI; issue 11): NS-DUPI's sites are in France, so
 * its labels print in French, from the study file's French texts and the French captions; English stays available.
 * Both arms' labels stay identical but for the kit number, and the French texts fit (a layout error is raised when a
 * text does not).
 */
const fonts = labelFonts();
const carton = (data: BlindedLabelData): LabelLayout => layoutLabel(cartonLabel(data), fonts.measurer, bwipSymbolSizer);
const syringe = (data: BlindedLabelData): LabelLayout => layoutLabel(syringeLabel(data, fonts.measurer), fonts.measurer, bwipSymbolSizer);

function frenchLabel(kitNumber: string, visitCode = 'W2'): BlindedLabelData {
  return blindedLabelDataFor(NS_DUPI, {
    kitNumber,
    randomizationNumber: 'R007',
    patientInitials: 'JMH',
    visitCode,
    investigatorName: 'Prof. Juliette Mazereeuw-Hautier',
    siteName: 'CHU de Toulouse, Hôpital Larrey',
    blindedLot: BLINDED_LOT,
    useBefore: COMMON_USE_BEFORE,
    language: 'fr',
  });
}

function fieldText(layout: LabelLayout, field: string): string {
  const hit = labelTexts(layout).find((t) => t.field === field);
  if (!hit) throw new Error(`no text field ${field}`);
  return hit.text.replace(/\n/g, ' ').replace(/\u00a0/g, ' ');
}

describe('NS-DUPI labels print in French (its sites are in France), English stays available', () => {
  it('the study file says so: French first, then English', () => {
    expect(labelLanguages(NS_DUPI)).toEqual(['fr', 'en']);
  });

  const layout = carton(frenchLabel(KIT_OF_ARM.DUPI300.kitNumber));
  it.each([
    ['(a) contacts, in French, phones unchanged', 'emergencyContact', ["Urgence et levée d'aveugle :", "Levée d'aveugle NS-DUPI (investigateur d'astreinte)", 'Tél. +33 5 00 00 00 02']],
    ['(b) the product shared by both arms', 'product', ['dupilumab 300 mg/2 mL ou placebo']],
    ['(c) form, route, quantity', 'formRouteQuantity', ['Solution injectable en seringue préremplie (2 mL)', 'Voie sous-cutanée', '1 unité']],
    ['(d) and (k) lot and use-before month, French month', 'batchAndExpiry', ['Lot NSDUPI-BL1', 'À utiliser avant 08/2027 (AOÛT 2027)']],
    ['(e) trial reference', 'trialReference', ['Étude NS-DUPI', 'Protocole RC31/19/0045', 'Promoteur Toulouse University Hospital', 'Centre CHU de Toulouse']],
    ['(f) subject and visit, the visit named in French', 'subject', ['N° de traitement R007', 'Initiales JMH', 'Visite W2 (Semaine 2)']],
    ['(g) investigator', 'investigator', ['Investigateur Prof. Juliette Mazereeuw-Hautier']],
    ['(h) directions', 'directions', ["Mode d'emploi : Injection sous-cutanée selon l'investigateur"]],
    ['(i) clinical trial use', 'clinicalTrialUse', ['Pour essai clinique uniquement']],
    ['(j) storage', 'storage', ['Conservation : Entre 2 et 8 °C. Ne pas congeler.']],
    ['(l) keep out of reach of children', 'keepOutOfReach', ['Tenir hors de la vue et de la portée des enfants']],
    ['kit caption', 'kitCaption', ['Kit n°']],
  ])('carton %s', (_item, field, expected) => {
    const text = fieldText(layout, field);
    for (const piece of expected) expect(text).toContain(piece);
  });

  it('no English caption is left on the French carton or syringe', () => {
    for (const build of [carton, syringe]) {
      const all = labelTexts(build(frenchLabel('483920'))).map((t) => t.text.replace(/\u00a0/g, ' ')).join(' | ');
      for (const english of ['Use before', 'Directions', 'Storage', 'Keep out of', 'Subject', 'Visit ', 'Investigator', 'Emergency', 'Study ', 'Week', 'or placebo', 'Tel.'])
        expect(all, english).not.toContain(english);
    }
  });

  it('the syringe label carries the Annex VI A.2.2 subset in French and fits its tape', () => {
    const s = syringe(frenchLabel('483920'));
    expect(fieldText(s, 'subject')).toContain('Pat. R007');
    expect(fieldText(s, 'useBefore')).toBe('À utiliser avant 08/2027 (AOÛT 2027)');
    expect(fieldText(s, 'contactPhone')).toBe('Urgence +33 5 00 00 00 02');
    expect(fieldText(s, 'route')).toBe('Voie sous-cutanée');
    expect(s.widthMm).toBeLessThanOrEqual(80);
  });

  it('every visit, every label kind, both languages: the texts fit (no layout error) and print no missing character', () => {
    // The label data as the label service makes it for a dispensed NS-DUPI kit (6-digit kit numbers; no site name).
    for (const language of labelLanguages(NS_DUPI))
      for (const visit of NS_DUPI.visits)
        for (const build of [carton, syringe]) {
          const data = blindedLabelDataFor(NS_DUPI, { kitNumber: '999999', randomizationNumber: 'R024', patientInitials: 'ABC', visitCode: visit.code, investigatorName: 'Prof. Juliette Mazereeuw-Hautier', blindedLot: BLINDED_LOT, useBefore: '2028-12-31', language });
          const layout = build(data);
          // Laying out checks every run against the font (a missing character is a layout error too); bold as well.
          for (const t of labelTexts(layout)) for (const bold of [false, true]) expect(fonts.measurer.missingCharacters(t.text.replace(/\n/g, ''), bold), `${language} ${visit.code} ${t.field}`).toEqual([]);
        }
  });

  it('both arms get the same French label but for the kit number (text and ZPL)', () => {
    for (const build of [carton, syringe]) {
      const a = build(frenchLabel(KIT_OF_ARM.DUPI300.kitNumber));
      const b = build(frenchLabel(KIT_OF_ARM.PLACEBO.kitNumber));
      const ta = labelTexts(a);
      const tb = labelTexts(b);
      expect(ta.map((t) => t.field)).toEqual(tb.map((t) => t.field));
      expect(ta.filter((t, i) => t.text !== tb[i]!.text).map((t) => t.field)).toEqual(['kitNumber']);
      const za = renderZpl(a).split('\n');
      const zb = renderZpl(b).split('\n');
      expect(za.length).toBe(zb.length);
      const differing = za.filter((line, i) => line !== zb[i]);
      expect(differing.every((line) => line.includes(KIT_OF_ARM.DUPI300.kitNumber))).toBe(true);
    }
  });

  it('English is still there, unchanged, on request', () => {
    const english = carton(blindedLabelDataFor(NS_DUPI, { kitNumber: '483920', randomizationNumber: 'R007', visitCode: 'W2', investigatorName: 'X Y', blindedLot: BLINDED_LOT, useBefore: COMMON_USE_BEFORE, language: 'en' }));
    expect(fieldText(english, 'batchAndExpiry')).toContain('Use before 08/2027 (AUG 2027)');
    expect(fieldText(english, 'subject')).toContain('Visit W2 (Week 2)');
  });

  it('writes the French previews to tests/unit/labels/out to look at', () => {
    const dir = outDir();
    writeFileSync(path.join(dir, 'carton-fr.png'), bitmapToPng(renderRaster(layout, 300), { dpi: 300 }));
    writeFileSync(path.join(dir, 'syringe-fr.png'), bitmapToPng(renderRaster(syringe(frenchLabel('483920')), 180), { dpi: 180 }));
  });
});

describe('captions and the study file', () => {
  it('every label language has every caption and twelve months', () => {
    const keys = Object.keys(LABEL_CAPTIONS.en).sort();
    for (const language of LABEL_LANGUAGES) {
      expect(Object.keys(LABEL_CAPTIONS[language]).sort()).toEqual(keys);
      expect(LABEL_CAPTIONS[language].months).toHaveLength(12);
    }
    expect(formatUseBefore('2027-08-31', 'fr')).toBe('08/2027 (AOÛT 2027)');
    expect(formatUseBefore('2027-02-28', 'fr')).toBe('02/2027 (FÉVR 2027)');
  });

  it('refuses a study whose label language has no texts, or whose translation misses a visit or leaves a mention out', () => {
    const problems = (labels: unknown) => {
      return checkStudyConfig({ ...study, labels }).problems.map((p) => `${p.path}: ${p.message}`);
    };
    const fr = study.labels.translations.fr;
    expect(problems(study.labels)).toEqual([]);
    expect(problems({ ...study.labels, translations: {} })).toEqual(['labels.languages.0: Labels in fr need their texts in labels.translations.fr']);
    const { W14: _dropped, ...visits } = fr.visits;
    expect(problems({ ...study.labels, translations: { fr: { ...fr, visits: { ...visits, W16: 'Semaine 16' } } } })).toEqual([
      'labels.translations.fr.visits.W14: Visit W14 needs its name in fr',
      'labels.translations.fr.visits.W16: Visit W16 is not a visit of the study',
    ]);
    expect(problems({ ...study.labels, translations: { fr: { ...fr, keepOutOfReach: null } } })).toEqual(['labels.translations.fr.keepOutOfReach: keepOutOfReach is printed in en: the same in fr']);
    // A study file written before label languages: English, as it always printed.
    const { language: _l, languages: _ls, translations: _t, ...old } = study.labels;
    expect(labelLanguages(StudyConfig.parse({ ...study, labels: old }))).toEqual(['en']);
  });
});
