import type { Callers, SignatureSummary } from '../callers';
import type { UserRepository, UserRow } from '../users/userRepository';
import type { AllocationRepository } from './allocationRepository';
import { KeyCustodyService } from './keyCustodyService';
import type { KeyRepository } from './keyRepository';

/** The study set-up screen: is the key set up, what was imported and signed, who holds the key, who still waits for it. */
export class AllocationStatusService {
  constructor(
    private readonly allocation: AllocationRepository,
    private readonly keys: KeyRepository,
    private readonly users: UserRepository,
    private readonly custody: KeyCustodyService,
    private readonly callers: Callers,
  ) {}

  async status(sessionHoldsKey: boolean) {
    const counts = await this.allocation.counts();
    const imports = await this.allocation.imports();
    const holders = await this.keys.holders();
    const accounts = new Map((await this.users.list()).map((u) => [u.id, u]));
    const holderIds = new Set(holders.map((h) => h.userId));
    const signatures = new Map<number, SignatureSummary>();
    for (const i of imports) signatures.set(i.signatureId, await this.callers.signature(i.signatureId));
    const awaiting: UserRow[] = [];
    // Awaiting the key: active users unblinded in this study today (by their delegation, not their account) without it.
    for (const u of accounts.values()) if (u.active && KeyCustodyService.needsKeyPair(u.role) && !holderIds.has(u.id) && (await this.custody.unblindedInStudy(u))) awaiting.push(u);
    const grantable = new Map<number, boolean>();
    for (const u of awaiting) grantable.set(u.id, await this.custody.canBeGranted(u));
    return {
      keySetUp: await this.custody.isSetUp(),
      sessionHoldsKey,
      ...counts,
      imports: imports.map((i) => ({
        id: i.id,
        kind: i.kind as 'randomization' | 'kits',
        fileName: i.fileName,
        sha256: i.sha256,
        rowCount: i.rowCount,
        importedAt: i.importedAt,
        signature: signatures.get(i.signatureId)!,
      })),
      keyHolders: holders.map((h) => {
        const u = accounts.get(h.userId)!;
        return { username: u.username, displayName: u.displayName, grantedAt: h.createdAt };
      }),
      awaitingAccess: awaiting.map((u) => ({ userId: u.id, username: u.username, displayName: u.displayName, canBeGranted: grantable.get(u.id)! })),
    };
  }
}
