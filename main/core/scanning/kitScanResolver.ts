import { interpretScan } from '../../../shared/barcode/scan';
import { issue, VeilError } from '../../../shared/errors';
import { englishOf, type Message } from '../../../shared/messages/catalogue';
import type { Clock } from '../clock';
import { open, sealedField } from '../crypto/allocationCipher';
import type { KitRepository } from '../kits/kitRepository';

export interface PackData {
  gtin?: string | undefined;
  lot?: string | undefined;
  expiry?: string | undefined;
  serial?: string | undefined;
}

/** A code that names no kit says why: by key (`said`) when Veil words it, in the barcode reader's English otherwise. */
export type ResolvedScan = { ok: true; kitNumber: string; pack: PackData | null } | { ok: false; message: string; said?: Message };

const refused = (said: Message): ResolvedScan => ({ ok: false, message: englishOf(said), said });

/** A code that names no kit as the refusal of a channel's `code` field: by key when Veil words it. */
export function scanRefusal(resolved: { message: string; said?: Message | undefined }): VeilError {
  if (resolved.said) return VeilError.says('validation', resolved.said, [issue(['code'], resolved.said)]);
  return new VeilError('validation', resolved.message, [{ path: ['code'], message: resolved.message }]);
}

/** The pack check shown with a scan verdict: does the GS1 code on the pack agree with the kit list? */
export type PackCheck = { check: 'matches' | 'mismatch' | 'not_checked'; detail: string };

/**
 * From what the scanner (or the keyboard) gave to a kit of the kit list: a plain kit number, or a GS1 pack code whose
 * serial (AI 21) names the kit. The GS1 lot and expiry are then checked against the kit list; the real values are
 * sealed, so the check needs the allocation key and is made only in an unblinded session ("not checked" otherwise).
 */
export class KitScanResolver {
  constructor(
    private readonly kits: KitRepository,
    private readonly clock: Clock,
    private readonly gsReplacement: () => string | undefined,
    /**
     * The code of another study the caller works in that holds a kit of this number or serial while this study has
     * none, or null: a kit scanned in the wrong study is named as that study's, to its delegates only (issue 14, item 3).
     */
    private readonly elsewhere: (code: string) => Promise<string | null> = async () => null,
  ) {}

  async resolve(raw: string): Promise<ResolvedScan> {
    const replacement = this.gsReplacement();
    const scan = interpretScan(raw, { now: this.clock.now(), ...(replacement ? { gsReplacement: replacement } : {}) });
    if (scan.kind === 'invalid') return { ok: false, message: `${scan.message} (${scan.detail}).` };
    if (scan.kind === 'kit') {
      // Not this study's kit: another study of the caller's may hold it. Nothing more is said than which study.
      const study = await this.elsewhere(scan.kitNumber);
      if (study) return refused({ key: 'scans.otherStudy', params: { kit: scan.kitNumber, study } });
      return { ok: true, kitNumber: scan.kitNumber, pack: null };
    }
    const pack: PackData = { gtin: scan.gtin, lot: scan.lot, expiry: scan.expiry, serial: scan.serial };
    if (!scan.serial) return refused({ key: 'scans.packWithoutSerial', params: { hri: scan.hri } });
    const bySerial = await this.kits.kitNumberBySerial(scan.serial);
    if (bySerial !== undefined) return { ok: true, kitNumber: bySerial, pack };
    if (await this.kits.get(scan.serial)) return { ok: true, kitNumber: scan.serial, pack };
    const study = await this.elsewhere(scan.serial);
    if (study) return refused({ key: 'scans.otherStudy', params: { kit: scan.serial, study } });
    return refused({ key: 'scans.unknownSerial', params: { serial: scan.serial, hri: scan.hri } });
  }

  async checkPack(key: Buffer | null, kitNumber: string, pack: PackData | null): Promise<PackCheck | null> {
    if (!pack || (!pack.lot && !pack.expiry)) return null;
    if (!key) return { check: 'not_checked', detail: 'The lot and expiry on the pack are checked against the kit list by the unblinded pharmacist.' };
    const sealed = await this.kits.sealed(kitNumber);
    if (!sealed) return null;
    const problems: string[] = [];
    if (pack.lot && pack.lot !== open(key, sealed.lotSealed, sealedField.kitLot(kitNumber))) problems.push(`lot ${pack.lot} is not the lot of the kit list`);
    if (pack.expiry && pack.expiry !== open(key, sealed.expirySealed, sealedField.kitExpiry(kitNumber))) problems.push(`expiry ${pack.expiry} is not the expiry of the kit list`);
    return problems.length
      ? { check: 'mismatch', detail: `The pack disagrees with the kit list: ${problems.join('; ')}. Set the kit aside and tell the sponsor.` }
      : { check: 'matches', detail: 'Lot and expiry on the pack match the kit list.' };
  }
}
