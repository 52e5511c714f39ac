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
import returns_en from '../returns/locales/en.json';
import returns_fr from '../returns/locales/fr.json';
import reconciliation_en from '../reconciliation/locales/en.json';
import reconciliation_fr from '../reconciliation/locales/fr.json';
import reports_en from '../reports/locales/en.json';
import reports_fr from '../reports/locales/fr.json';
import emergency_en from '../emergency/locales/en.json';
import emergency_fr from '../emergency/locales/fr.json';
import kits_en from '../kits/locales/en.json';
import kits_fr from '../kits/locales/fr.json';
import devices_en from '../devices/locales/en.json';
import devices_fr from '../devices/locales/fr.json';
import setup_en from '../setup/locales/en.json';
import setup_fr from '../setup/locales/fr.json';
import storage_en from '../storage/locales/en.json';
import storage_fr from '../storage/locales/fr.json';
import stock_en from '../stock/locales/en.json';
import stock_fr from '../stock/locales/fr.json';
import lots_en from '../lots/locales/en.json';
import lots_fr from '../lots/locales/fr.json';
import home_en from '../home/locales/en.json';
import home_fr from '../home/locales/fr.json';
import closeOut_en from '../closeOut/locales/en.json';
import closeOut_fr from '../closeOut/locales/fr.json';
import delegations_en from '../delegations/locales/en.json';
import delegations_fr from '../delegations/locales/fr.json';
import { en as messages_en } from '../../../shared/messages/en';
import { fr as messages_fr } from '../../../shared/messages/fr';

/**
 * The translation resources: the core's messages by key (shared/messages, under `messages`),  the shell's files (./en.json, ./fr.json) plus one pair per workflow folder
 * (<workflow>/locales/*.json, each under its own top-level key), so each workflow keeps its words beside its screens.
 */
export const en = {
  ...core_en,
  ...setup_en,
  ...audit_en,
  ...receive_en,
  ...patients_en,
  ...dispense_en,
  ...returns_en,
  ...kits_en,
  ...reconciliation_en,
  ...reports_en,
  ...emergency_en,
  ...devices_en,
  ...storage_en,
  ...stock_en,
  ...lots_en,
  ...home_en,
  ...closeOut_en,
  ...delegations_en,
  messages: messages_en,
};
export const fr = {
  ...core_fr,
  ...setup_fr,
  ...audit_fr,
  ...receive_fr,
  ...patients_fr,
  ...dispense_fr,
  ...returns_fr,
  ...kits_fr,
  ...reconciliation_fr,
  ...reports_fr,
  ...emergency_fr,
  ...devices_fr,
  ...storage_fr,
  ...stock_fr,
  ...lots_fr,
  ...home_fr,
  ...closeOut_fr,
  ...delegations_fr,
  messages: messages_fr,
};
