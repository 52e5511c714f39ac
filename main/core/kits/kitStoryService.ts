import { describeEvent } from '../../../shared/audit/describeEvent';
import { describeContent, kitTypeName } from '../../../shared/study/kitContents';
import { VeilError } from '../../../shared/errors';
import type { KitStatus } from '../../../shared/kits/kitLifecycle';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditService } from '../audit/auditService';
import type { AuditEvent, AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import { open, sealedField } from '../crypto/allocationCipher';
import type { Store } from '../db/store';
import { renderReportPdf } from '../reports/pdfReport';
import { scanRefusal, type KitScanResolver } from '../scanning/kitScanResolver';
import type { PatientRepository } from '../patients/patientRepository';
import type { KitExceptionRepository } from './kitExceptionRepository';
import type { KitStoryReadModel, KitStoryRow } from './kitStoryReadModel';

/** Who the kit was last given to, and the visit whose extra dispensing replaced it. */
type GivenTo = { patientId: number; screeningNumber: string; visitCode: string; replacedBy: string | null } | null;

/**
 * A kit's whole story (issue 16, item 4): the kit as labelled and every event of the audit trail that concerns it, in
 * the order they were recorded: its list import, the shipment that carried it (created, the kit received, closed with
 * the temperature answer), every status change with who and why (dispensing names the patient and visit and carries
 * the signature), labels, return, reconciliation comments, destruction. The trail holds no arm, real lot or real expiry
 * (DESIGN.md section 4), so the blinded story is the trail's own words; the unblinded one adds the kit's sealed values,
 * opened with the session's key.
 */
export class KitStoryService {
  constructor(
    private readonly store: Store,
    private readonly reads: KitStoryReadModel,
    private readonly dispensings: Pick<KitExceptionRepository, 'dispensingOf'>,
    private readonly replacements: Pick<PatientRepository, 'replacementOf'>,
    private readonly trail: AuditTrail,
    private readonly auditService: AuditService,
    private readonly scans: KitScanResolver,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
    private readonly site: () => string,
  ) {}

  async view(code: string) {
    const { kit, events, seal } = await this.read(code);
    return { kit: this.facts(kit), events: await this.auditService.views(events), seal };
  }

  async viewUnblinded(key: Buffer, code: string) {
    const { kit, events, seal } = await this.read(code);
    return { kit: { ...this.facts(kit), ...this.opened(key, kit) }, events: await this.auditService.views(events), seal };
  }

  async print(code: string, key: Buffer | null) {
    const { kit, events, seal } = await this.read(code);
    const printedAt = this.clock.now();
    const facts: Array<[string, string]> = [
      ['Kit', kit.kitNumber],
      ['Status', kit.status.replace('_', ' ')],
      ['Lot (blinded)', kit.blindedLot],
      ['Use before', kit.useBefore],
      ['Kit list', `${kit.listFile}, imported ${kit.listImportedAt.replace('T', ' ').slice(0, 16)} UTC`],
    ];
    if (key) {
      const opened = this.opened(key, kit);
      facts.push(['Arm', `${opened.arm} (${opened.armCode})`], ['Real lot', opened.lot], ['Expiry', opened.expiry]);
    }
    const suffix = key ? 'UNBLINDED' : 'blinded';
    const views = await this.auditService.views(events);
    const pdf = await renderReportPdf(`Kit ${kit.kitNumber}: its whole story (${suffix})`, { study: this.study(), seal, printedAt, site: this.site() }, [
      {
        heading: 'The kit',
        facts,
        table: {
          columns: [
            { title: 'Event', width: 0.5 },
            { title: 'When (UTC)', width: 1.2 },
            { title: 'What happened', width: 4 },
            { title: 'Reason', width: 1.6 },
            { title: 'Signature', width: 1.6 },
          ],
          rows: events.map((e, i) => {
            const view = views[i]!;
            return [String(e.seq), e.atUtc.replace('T', ' ').slice(0, 19), describeEvent(e), e.reason ?? '', view.signature ? `${view.signature.printedName}: ${view.signature.meaning}` : ''];
          }),
        },
      },
    ]);
    return { fileName: `kit-${kit.kitNumber}-story-${suffix.toLowerCase()}-${isoUtc(printedAt).slice(0, 10)}-seal-${seal.seq}.pdf`, mime: 'application/pdf', base64: Buffer.from(pdf).toString('base64') };
  }

  /** The kit and its events as of one moment (one unit of work), with the audit seal they were read under. */
  private async read(code: string): Promise<{ kit: KitStoryRow & { givenTo: GivenTo }; events: AuditEvent[]; seal: { seq: number; hash: string } }> {
    const resolved = await this.scans.resolve(code);
    if (!resolved.ok) throw scanRefusal(resolved);
    const kitNumber = resolved.kitNumber;
    return this.store.transaction(async () => {
      const kit = await this.reads.kit(kitNumber);
      if (!kit) throw VeilError.says('not_found', { key: 'kits.unknown', params: { kit: kitNumber } });
      const shipments = await this.reads.shipmentReferences(kitNumber);
      const destructions = await this.reads.destructionIds(kitNumber);
      const events = [...(await this.trail.query({ entityType: 'list_import', entityId: String(kit.importId), action: 'list.kits_imported' }))];
      for (const reference of shipments) events.push(...(await this.trail.query({ entityType: 'shipment', entityId: reference })));
      events.push(...(await this.trail.query({ entityType: 'kit', entityId: kitNumber })));
      for (const id of destructions) events.push(...(await this.trail.query({ entityType: 'destruction', entityId: String(id) })));
      events.sort((a, b) => a.seq - b.seq);
      return { kit: { ...kit, givenTo: await this.givenTo(kitNumber) }, events, seal: await this.trail.seal() };
    });
  }

  /**
   * The patient the kit was last given to (patient, visit) and, when the patient lost or damaged it, the visit whose
   * dispensing replaced it: what the kit's page offers to do next (record a loss, give a replacement). Names no arm.
   */
  private async givenTo(kitNumber: string): Promise<GivenTo> {
    const given = await this.dispensings.dispensingOf(kitNumber);
    if (!given) return null;
    const replacement = await this.replacements.replacementOf(kitNumber);
    return { patientId: given.patientId, screeningNumber: given.screeningNumber, visitCode: given.visitCode, replacedBy: replacement?.visitCode ?? null };
  }

  private facts(kit: KitStoryRow & { givenTo: GivenTo }) {
    return { kitNumber: kit.kitNumber, kitType: kitTypeName(this.study(), kit.kitType), status: kit.status as KitStatus, blindedLot: kit.blindedLot, useBefore: kit.useBefore, listFile: kit.listFile, listImportedAt: kit.listImportedAt, givenTo: kit.givenTo };
  }

  private opened(key: Buffer, kit: KitStoryRow) {
    const armCode = open(key, kit.armSealed, sealedField.kitArm(kit.kitNumber));
    return {
      armCode,
      // The content of its type in a study with kit types ("Bottle A: Baricitinib 4 mg tablets").
      arm: describeContent(this.study(), kit.kitType, armCode),
      lot: open(key, kit.lotSealed, sealedField.kitLot(kit.kitNumber)),
      expiry: open(key, kit.expirySealed, sealedField.kitExpiry(kit.kitNumber)),
    };
  }
}
