import core_en from './en.json';
import core_fr from './fr.json';
import audit_en from '../audit/locales/en.json';
import audit_fr from '../audit/locales/fr.json';
import dispense_en from '../dispense/locales/en.json';
import dispense_fr from '../dispense/locales/fr.json';
import patients_en from '../patients/locales/en.json';
import patients_fr from '../patients/locales/fr.json';
import receive_en from '../receive/locales/en.json';
import receive_fr from '../receive/locales/fr.json';
import setup_en from '../setup/locales/en.json';
import setup_fr from '../setup/locales/fr.json';

/**
 * The translation resources: the shell's files (./en.json, ./fr.json) plus one pair per workflow folder
 * (<workflow>/locales/*.json, each under its own top-level key), so each workflow keeps its words beside its screens.
 */
export const en = { ...core_en, ...setup_en, ...audit_en, ...receive_en, ...patients_en, ...dispense_en };
export const fr = { ...core_fr, ...setup_fr, ...audit_fr, ...receive_fr, ...patients_fr, ...dispense_fr };
