/**
 * The fixed words of a blinded label ("Use before", "Directions", "Lot"...) in each language a label can be printed
 * in. EU CTR 536/2014 Annex VI wants the label in the official language(s) of the member state; the study file says
 * which (shared/study/studyConfig.ts, labels.languages) and gives its own texts (product, directions, storage, visit
 * names) in each of them. Only captions live here: nothing that differs between studies, nothing that differs between
 * arms.
 *
 * Pure: no Node, no DOM.
 */

export const LABEL_LANGUAGES = ['en', 'fr'] as const;
export type LabelLanguage = (typeof LABEL_LANGUAGES)[number];

export interface LabelCaptions {
  /** Above the kit number on the carton. */
  kitNumber: string;
  /** Before the kit number on the syringe. */
  kit: string;
  subject: string;
  subjectShort: string;
  initials: string;
  visit: string;
  lot: string;
  useBefore: string;
  study: string;
  protocol: string;
  sponsor: string;
  site: string;
  investigator: string;
  /** Followed directly by the text (the colon and its spacing are part of the caption). */
  directions: string;
  storage: string;
  contact: string;
  emergencyContact: string;
  /** The emergency phone on the syringe. */
  emergencyShort: string;
  phone: string;
  /** Three- or four-letter month names, in capitals, for the use-before date. */
  months: readonly [string, string, string, string, string, string, string, string, string, string, string, string];
  /** The quantity of dosage units when the study does not word it: `units(1)` = "1 unit". */
  units: (count: number) => string;
}

const NBSP = '\u00a0';

export const LABEL_CAPTIONS: Readonly<Record<LabelLanguage, LabelCaptions>> = {
  en: {
    kitNumber: 'Kit no.',
    kit: 'Kit',
    subject: 'Subject/treatment no.',
    subjectShort: 'Subj.',
    initials: 'Initials',
    visit: 'Visit',
    lot: 'Lot',
    useBefore: 'Use before',
    study: 'Study',
    protocol: 'Protocol',
    sponsor: 'Sponsor',
    site: 'Site',
    investigator: 'Investigator',
    directions: 'Directions: ',
    storage: 'Storage: ',
    contact: 'Contact: ',
    emergencyContact: 'Emergency and unblinding: ',
    emergencyShort: 'Emergency',
    phone: 'Tel.',
    months: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
    units: (count) => (count === 1 ? '1 unit' : `${count} units`),
  },
  // French typography: a no-break space before a colon.
  fr: {
    kitNumber: 'Kit n°',
    kit: 'Kit',
    subject: 'N° de traitement',
    subjectShort: 'Pat.',
    initials: 'Initiales',
    visit: 'Visite',
    lot: 'Lot',
    useBefore: 'À utiliser avant',
    study: 'Étude',
    protocol: 'Protocole',
    sponsor: 'Promoteur',
    site: 'Centre',
    investigator: 'Investigateur',
    directions: `Mode d'emploi${NBSP}: `,
    storage: `Conservation${NBSP}: `,
    contact: `Contact${NBSP}: `,
    emergencyContact: `Urgence et levée d'aveugle${NBSP}: `,
    emergencyShort: 'Urgence',
    phone: 'Tél.',
    months: ['JANV', 'FÉVR', 'MARS', 'AVR', 'MAI', 'JUIN', 'JUIL', 'AOÛT', 'SEPT', 'OCT', 'NOV', 'DÉC'],
    units: (count) => (count === 1 ? '1 unité' : `${count} unités`),
  },
};
