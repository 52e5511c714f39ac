import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { kitTypeName } from '../../../shared/study/kitContents';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import { KIT_STATUSES, type KitStatus } from '../../../shared/kits/kitLifecycle';
import type { KitRepository } from './kitRepository';

/** The blinded stock: totals per status and the kit list, never an arm. */
export class InventoryService {
  constructor(
    private readonly kits: KitRepository,
    private readonly study: () => StudyConfig,
  ) {}

  async summary(): Promise<{ total: number; byStatus: Record<KitStatus, number> }> {
    // Every status, zero included: the contract's record of statuses is exhaustive (a missing key fails the output check).
    const counts = await this.kits.countsByStatus();
    const byStatus = Object.fromEntries(KIT_STATUSES.map((s) => [s, counts[s] ?? 0])) as Record<KitStatus, number>;
    return { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus };
  }

  async list(status?: KitStatus) {
    return (await this.kits.all())
      .filter((k) => !status || k.status === status)
      .sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber))
      .map((k) => ({ kitNumber: k.kitNumber, kitType: kitTypeName(this.study(), k.kitType), status: k.status, blindedLot: k.blindedLot, useBefore: k.useBefore }));
  }
}
