import { VeilError, type ValidationIssue } from '../../../shared/errors';
import { analyzeStudyKits, blindedValuesOf, type StudyRiskAnalysis, type TypedKitForAnalysis } from '../../../shared/allocation/studyRisk';
import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { DATED_STATUSES, expiryRulesOn } from '../../../shared/kits/expiryHold';
import { openedForAnalysis } from './openedKit';
import { localDate } from '../../../shared/schedule/visitSchedule';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import { open, seal, sealedField } from '../crypto/allocationCipher';
import type { Store } from '../db/store';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { OverLabelService } from '../lots/overLabelService';
import type { AllocationRepository } from './allocationRepository';
import { parseKitList, parseRandomizationList, type ListProblem, type ParsedList } from './listFiles';

export interface ImportSummary {
  importId: number;
  kind: 'randomization' | 'kits';
  fileName: string;
  sha256: string;
  rowCount: number;
  signatureId: number;
  risk: StudyRiskAnalysis | null;
  warnings: ListProblem[];
  /** Kits of the study still expected whose real expiry is short-dated today: quarantined when received. Unblinded. */
  expiryHolds: ExpiryHold[];
  /** Kits whose blinded use-before date this import changed (their labels change). */
  useBeforeChanged: Array<{ kitNumber: string; status: string; from: string; to: string }>;
}

export interface ExpiryHold {
  kitNumber: string;
  arm: string;
  expiryDate: string;
}

function refuse(fileName: string, problems: ListProblem[]): VeilError {
  const issues: ValidationIssue[] = problems.map((p) => ({
    path: ['line', p.line, ...(p.column ? [p.column] : [])],
    message: `Line ${p.line}${p.column ? `, ${p.column}` : ''}: ${p.message}`,
  }));
  return VeilError.says('validation', { key: 'lists.refused', params: { file: fileName, count: problems.length } }, issues);
}

/**
 * Study set-up from the sponsor's lists (unblinded pharmacist, e-signed). A file is validated whole before anything
 * is written, then written in one transaction with its SHA-256, row count, signature and audit event: all or nothing.
 */
export class ListImportService {
  constructor(
    private readonly store: Store,
    private readonly allocation: AllocationRepository,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
    private readonly overLabels: OverLabelService,
  ) {}

  /** `file` is the list's bytes as received: its SHA-256 is recorded, and its encoding is found from them. */
  async checkRandomizationList(file: Uint8Array): Promise<ParsedList<ReturnType<typeof parseRandomizationList>['rows'][number]>> {
    return parseRandomizationList(file, this.study(), await this.allocation.slotNumbers());
  }

  async checkKitList(file: Uint8Array, key: Buffer): Promise<{ parsed: ReturnType<typeof parseKitList>; risk: StudyRiskAnalysis; expiryHolds: ExpiryHold[] }> {
    const parsed = parseKitList(file, this.study(), await this.allocation.kitNumbers());
    // The analysis covers every kit of the study, with all a blinded person can see of it: what the new list adds
    // can reveal arms only in combination with the kits already on the shelf.
    const statusOf = new Map<string, string>();
    const existing: TypedKitForAnalysis[] = (await this.allocation.kits()).map((k) => {
      statusOf.set(k.kitNumber, k.status);
      return openedForAnalysis(key, k);
    });
    const all: TypedKitForAnalysis[] = [...existing, ...parsed.rows.map((row) => ({ ...row, arm: row.content }))];
    const today = localDate(this.clock.now());
    const margin = this.study().doNotDispenseMarginDays;
    const status = (k: TypedKitForAnalysis) => statusOf.get(k.kitNumber) ?? 'expected';
    const rules = expiryRulesOn(today, margin);
    // The common date comes from the stock that may still be dispensed, not short-dated today (issue 11.1): an expired
    // kit no longer drags every blinded label back to its date.
    const risk = analyzeStudyKits(all, this.study().code, { dispensable: (k) => rules.countsForCommonDate(status(k), k.expiryDate) });
    const expiryHolds = all
      .filter((k) => status(k) === 'expected' && rules.isShortDated(k.expiryDate))
      .map((k) => ({ kitNumber: k.kitNumber, arm: k.arm, expiryDate: k.expiryDate }))
      .sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
    return { parsed, risk, expiryHolds };
  }

  /**
   * The list is checked inside the unit of work that writes it: on PostgreSQL another workstation may have imported
   * numbers in the meantime, and the check must see the list as the write leaves it.
   */
  async importRandomizationList(key: Buffer, signer: Signer, fileName: string, file: Uint8Array): Promise<ImportSummary> {
    return this.store.transaction(async () => {
      const parsed = await this.checkRandomizationList(file);
      if (parsed.problems.length) throw refuse(fileName, parsed.problems);
      const importedAt = isoUtc(this.clock.now());
      const record = { kind: 'randomization', fileName, sha256: parsed.sha256, encoding: parsed.encoding, rowCount: parsed.rows.length, importedAt };
      const signature = await this.signatures.record(signer, 'list_import', parsed.sha256, record);
      const importId = await this.allocation.insertImport({ kind: 'randomization', fileName, sha256: parsed.sha256, rowCount: parsed.rows.length, importedAt, userId: signer.userId, signatureId: signature.id });
      const firstOrder = await this.allocation.nextListOrder();
      await this.allocation.insertSlots(
        parsed.rows.map((row, i) => ({
          randomizationNumber: row.randomizationNumber,
          listOrder: firstOrder + i,
          blockSealed: seal(key, row.block, sealedField.slotBlock(row.randomizationNumber)),
          stratum: row.stratum,
          armSealed: seal(key, row.arm, sealedField.slotArm(row.randomizationNumber)),
          importId,
        })),
      );
      await this.audit.append(
        { userId: signer.userId, username: signer.username },
        { action: 'list.randomization_imported', entityType: 'list_import', entityId: String(importId), after: record, source: 'file', signatureId: signature.id },
      );
      return { importId, kind: 'randomization' as const, fileName, sha256: parsed.sha256, rowCount: parsed.rows.length, signatureId: signature.id, risk: null, warnings: parsed.warnings, expiryHolds: [], useBeforeChanged: [] };
    });
  }

  /** Checked inside its unit of work, like the randomization list: the risk analysis covers the kits as written. */
  async importKitList(key: Buffer, signer: Signer, fileName: string, file: Uint8Array): Promise<ImportSummary> {
    return this.store.transaction(async () => {
      const { parsed, risk, expiryHolds } = await this.checkKitList(file, key);
      if (parsed.problems.length) throw refuse(fileName, parsed.problems);
      const importedAt = isoUtc(this.clock.now());
      const record = { kind: 'kits', fileName, sha256: parsed.sha256, encoding: parsed.encoding, rowCount: parsed.rows.length, importedAt };
      const signature = await this.signatures.record(signer, 'list_import', parsed.sha256, record);
      const importId = await this.allocation.insertImport({ kind: 'kits', fileName, sha256: parsed.sha256, rowCount: parsed.rows.length, importedAt, userId: signer.userId, signatureId: signature.id });
      // Inserted in kit-number order, so not even the row order of the database file follows the sponsor's file
      // (which may be grouped by arm).
      const rows = [...parsed.rows].sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
      await this.allocation.insertKits(
        rows.map((row) => ({
          kitNumber: row.kitNumber,
          kitType: row.kitType,
          armSealed: seal(key, row.content, sealedField.kitArm(row.kitNumber)),
          lotSealed: seal(key, row.lot, sealedField.kitLot(row.kitNumber)),
          expirySealed: seal(key, row.expiryDate, sealedField.kitExpiry(row.kitNumber)),
          gtinSealed: row.gtin === null ? null : seal(key, row.gtin, sealedField.kitGtin(row.kitNumber)),
          serial: row.serial,
          blindedLot: blindedValuesOf(risk, row.kitType).blindedLot ?? row.lot,
          useBefore: blindedValuesOf(risk, row.kitType).commonUseBefore ?? row.expiryDate,
          status: 'expected' as const,
          importId,
        })),
      );
      // A new list can create a correlation the earlier ones lacked: every kit then takes the blinded values. Only kits
      // in stock or in quarantine take a new date (a dispensed kit keeps the date its label was printed with); held
      // kits too, though their real date is earlier: they are never released (ReceivingService.decideQuarantine), and
      // one date on every kit tells blinded users nothing about which were held for their real expiry. The import is
      // signed by the unblinded pharmacist; the kits whose date changes are returned (their labels change) and
      // counted in the audit event.
      const useBeforeChanged: ImportSummary['useBeforeChanged'] = [];
      if (risk.lotsReveal || risk.expiryReveals) {
        for (const kit of await this.allocation.kits()) {
          // Each kit takes its own type's blinded values (a study without kit types has one).
          const blinded = blindedValuesOf(risk, kit.kitType);
          if (!blinded.blindedLot && !blinded.commonUseBefore) continue;
          const lot = blinded.blindedLot ?? open(key, kit.lotSealed, sealedField.kitLot(kit.kitNumber));
          const dateMayMove = DATED_STATUSES.includes(kit.status);
          const useBefore = dateMayMove ? (blinded.commonUseBefore ?? open(key, kit.expirySealed, sealedField.kitExpiry(kit.kitNumber))) : kit.useBefore;
          if (lot !== kit.blindedLot || useBefore !== kit.useBefore) await this.allocation.setBlindedLabelFields(kit.kitNumber, lot, useBefore);
          if (useBefore !== kit.useBefore && !rows.some((r) => r.kitNumber === kit.kitNumber)) {
            useBeforeChanged.push({ kitNumber: kit.kitNumber, status: kit.status, from: kit.useBefore, to: useBefore });
          }
        }
      }
      // The hold is decided here, where the key is: the technician who receives the kits cannot open their expiry.
      for (const hold of expiryHolds) await this.allocation.setExpiryHold(hold.kitNumber);
      await this.audit.append(
        { userId: signer.userId, username: signer.username },
        {
          action: 'list.kits_imported',
          entityType: 'list_import',
          entityId: String(importId),
          // Findings name arms (and lots or dates that reveal them), so the audit event records only their count and
          // kinds, which blinded readers of the trail may see.
          after: {
            ...record,
            blindingRiskFindings: risk.findings.length,
            blindingRiskKinds: [...new Set(risk.findings.map((f) => f.kind))].sort(),
            blindedLot: risk.blindedLot,
            commonUseBefore: risk.commonUseBefore,
            // A study with kit types: each type's blinded lot and date, printed on its labels (no content, no arm).
            ...(risk.byKitType ? { byKitType: risk.byKitType.map((t) => ({ kitType: t.kitType, blindedLot: t.blindedLot, commonUseBefore: t.commonUseBefore })) } : {}),
            // How many kits will be held at receipt, and how many blinded dates moved: blinded readers see both on the
            // kits themselves (held kits are quarantined when received, dates on the kit list), never their arms.
            kitsHeldForExpiryReview: expiryHolds.length,
            useBeforeChanged: useBeforeChanged.length,
          },
          source: 'file',
          signatureId: signature.id,
        },
      );
      useBeforeChanged.sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
      // Kits already on the shelf carry a label with their old date: each gets an over-label with the new one.
      await this.overLabels.queueForNewDate({ userId: signer.userId, username: signer.username }, signature.id, useBeforeChanged.map((c) => ({ kitNumber: c.kitNumber, status: c.status, useBefore: c.to })), { kitListImport: importId });
      return { importId, kind: 'kits' as const, fileName, sha256: parsed.sha256, rowCount: parsed.rows.length, signatureId: signature.id, risk, warnings: parsed.warnings, expiryHolds, useBeforeChanged };
    });
  }

  /** The check the set-up screen shows before import: problems by line, and for a kit list (key needed) the risk and expiry holds. */
  async checkList(kind: 'randomization' | 'kits', file: Uint8Array, key: Buffer | null) {
    const { parsed, risk, expiryHolds } =
      kind === 'randomization' ? { parsed: await this.checkRandomizationList(file), risk: null, expiryHolds: [] } : await this.checkKitList(file, key!);
    return { rowCount: parsed.rows.length, sha256: parsed.sha256, encoding: parsed.encoding, problems: parsed.problems, warnings: parsed.warnings, risk, expiryHolds };
  }

  async importList(kind: 'randomization' | 'kits', key: Buffer, signer: Signer, fileName: string, file: Uint8Array): Promise<ImportSummary> {
    return kind === 'randomization' ? this.importRandomizationList(key, signer, fileName, file) : this.importKitList(key, signer, fileName, file);
  }
}
