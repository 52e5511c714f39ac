import type { Store } from '../db/store';
import type { StudyScope } from '../study/studyScope';

/** A kit as its story opens: as labelled, its sealed values (opened only with the key), and the list it came in. */
export interface KitStoryRow {
  kitNumber: string;
  kitType: string | null;
  status: string;
  blindedLot: string;
  useBefore: string;
  armSealed: string;
  lotSealed: string;
  expirySealed: string;
  importId: number;
  listFile: string;
  listImportedAt: string;
}

/**
 * The records a kit's story gathers besides its own events (issue 16, item 4): the kit, the shipments that carried it
 * and the destructions that took it, whose events are recorded against the shipment and the destruction.
 */
export class KitStoryReadModel {
  constructor(
    private readonly store: Store,
    private readonly study: StudyScope,
  ) {}

  async kit(kitNumber: string): Promise<KitStoryRow | undefined> {
    return this.store
      .q()
      .selectFrom('kits as k')
      .innerJoin('list_imports as li', 'li.id', 'k.import_id')
      .select([
        'k.kit_number as kitNumber',
        'k.kit_type as kitType',
        'k.status',
        'k.blinded_lot as blindedLot',
        'k.use_before as useBefore',
        'k.arm_sealed as armSealed',
        'k.lot_sealed as lotSealed',
        'k.expiry_sealed as expirySealed',
        'k.import_id as importId',
        'li.file_name as listFile',
        'li.imported_at as listImportedAt',
      ])
      .where('k.study_id', '=', this.study.id())
      .where('k.kit_number', '=', kitNumber)
      .executeTakeFirst();
  }

  /** The references of the shipments that listed the kit (their creation and closing, with the temperature answer). */
  async shipmentReferences(kitNumber: string): Promise<string[]> {
    const rows = await this.store
      .q()
      .selectFrom('shipment_kits as sk')
      .innerJoin('shipments as s', 's.id', 'sk.shipment_id')
      .select('s.reference')
      .where('sk.study_id', '=', this.study.id())
      .where('sk.kit_number', '=', kitNumber)
      .orderBy('s.id')
      .execute();
    return rows.map((r) => r.reference);
  }

  /** The destructions that took the kit. */
  async destructionIds(kitNumber: string): Promise<number[]> {
    const rows = await this.store.q().selectFrom('destruction_kits').select('destruction_id as id').where('study_id', '=', this.study.id()).where('kit_number', '=', kitNumber).orderBy('destruction_id').execute();
    return rows.map((r) => r.id);
  }
}
