import { addDays } from '../schedule/visitSchedule';

/**
 * Expired and short-dated kits at receipt (issue 11, item 1). A kit is short-dated when its date falls on or before
 * today plus the study's do-not-dispense margin: it could not be dispensed even for a visit due today. Such a kit is
 * held (quarantined) at receipt for the unblinded pharmacist's review instead of joining the dispensable stock, and it
 * does not count for the common blinded use-before date.
 *
 * Blinding: the technician who receives has no allocation key, so the real expiry cannot be opened at receipt. Two
 * rules decide instead, neither of which needs the key:
 * - the kit's hold flag, set when the unblinded pharmacist imported the list (with the key) because its real expiry
 *   was already short-dated on the import day;
 * - the kit's blinded use-before date (the one on its label) being short-dated on the receipt day. That date is never
 *   later than the real expiry of a dispensable kit (it is the earliest real expiry of the dispensable stock, or the
 *   kit's own), so this catches every kit that became short-dated between import and receipt; and when the date is the
 *   common one, it holds every kit sharing it alike, whatever its arm.
 * What stays visible to blinded users is only which kits are held, with one neutral reason for every held kit.
 */
export function isShortDated(date: string, today: string, marginDays: number): boolean {
  return expiryRulesOn(today, marginDays).isShortDated(date);
}

/**
 * The rules of this file for one day, with its cutoff date computed once: a 50,000-kit list asks them of every kit,
 * and the date arithmetic per kit cost more than the rest of the check.
 */
export function expiryRulesOn(today: string, marginDays: number): { isShortDated: (date: string) => boolean; countsForCommonDate: (status: string, realExpiry: string) => boolean } {
  const cutoff = addDays(today, marginDays);
  const shortDated = (date: string) => date <= cutoff;
  return { isShortDated: shortDated, countsForCommonDate: (status, realExpiry) => DATED_STATUSES.includes(status) && !shortDated(realExpiry) };
}

/** The reason recorded on every hold at receipt: the same words whatever the rule that held the kit, and no date. */
export const EXPIRY_HOLD_REASON = 'Held at receipt for the pharmacist’s expiry review';

/**
 * Statuses whose kits carry the common blinded date and count for it unless short-dated: stock still to be dispensed
 * (on its way or on the shelf) and kits in quarantine, which a release may bring back to the shelf. The issue asked
 * for "available, not quarantined" stock; a quarantined kit that is not short-dated is kept in, because its label date
 * must never be later than its real expiry once it is released. Expired and short-dated kits, held or not, are out.
 */
export const DATED_STATUSES: readonly string[] = ['expected', 'available', 'quarantined'];

/** Whether a kit counts for the common blinded date: dated status and a real expiry not short-dated today. */
export function countsForCommonDate(status: string, realExpiry: string, today: string, marginDays: number): boolean {
  return expiryRulesOn(today, marginDays).countsForCommonDate(status, realExpiry);
}
