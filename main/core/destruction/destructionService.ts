import { issue, VeilError } from '../../../shared/errors';
import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import type { Role } from '../../../shared/roles';
import { localDate } from '../../../shared/schedule/visitSchedule';
import type { AuditTrail } from '../audit/auditTrail';
import type { CredentialCheck } from '../auth/credentialCheck';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import type { KitRepository } from '../kits/kitRepository';
import type { KitStatusService } from '../kits/kitStatusService';
import type { ReturnsRepository } from '../returns/returnsRepository';
import type { Signer, SignatureService } from '../signatures/signatureService';
import type { DestructionRepository } from './destructionRepository';

type Actor = { userId: number; username: string; role: Role };

/** Kits that may be destroyed at the site: returned by patients, expired or damaged, and those already set aside. */
const DESTROYABLE = new Set(['returned', 'expired', 'damaged', 'pending_destruction']);
/** A kit that cannot be destroyed: one text per status, so no English status word travels. */
const NOT_DESTROYABLE = {
  expected: 'destruction.notDestroyableExpected',
  available: 'destruction.notDestroyableAvailable',
  quarantined: 'destruction.notDestroyableQuarantined',
  dispensed: 'destruction.notDestroyableDispensed',
  destroyed: 'destruction.notDestroyableDestroyed',
  lost: 'destruction.notDestroyableLost',
} as const;

export const WITNESS_MEANING = 'I witnessed the destruction of these kits by the stated method';

/**
 * Destruction of returned, expired or damaged kits: method, place, date, the pharmacist's e-signature and a witness's
 * e-signature (a second person, present, who re-enters their own credentials), in one transaction.
 */
export class DestructionService {
  constructor(
    private readonly store: Store,
    private readonly destructions: DestructionRepository,
    private readonly kits: KitRepository,
    private readonly kitStatus: KitStatusService,
    private readonly credentials: CredentialCheck,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly clock: Clock,
    private readonly returns: ReturnsRepository,
  ) {}

  /**
   * Kits that may be destroyed now: a patient return only once the monitor has verified it (issue 11, item 7), so
   * nothing is destroyed before someone independent has checked it against the record.
   */
  async candidates(): Promise<Array<{ kitNumber: string; status: string; blindedLot: string }>> {
    const unverified = await this.returns.unverifiedKits();
    return (await this.kits.all())
      .filter((k) => DESTROYABLE.has(k.status) && !unverified.has(k.kitNumber))
      .sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber))
      .map((k) => ({ kitNumber: k.kitNumber, status: k.status, blindedLot: k.blindedLot }));
  }

  async record(
    actor: Actor,
    signer: Signer,
    input: { kitNumbers: string[]; method: string; place: string; destroyedOn: string; witness: { username: string; password: string } },
  ): Promise<{ destructionId: number }> {
    const wrongWitness = () =>
      VeilError.says('validation', { key: 'destruction.witnessWrong' }, [issue(['witness', 'password'], { key: 'destruction.witnessWrongShort' })]);
    // The witness's password is checked (and its failures counted against the witness's account) like any other.
    const witness = await this.credentials.namedAccount(input.witness.username, input.witness.password, 'witness', { userId: signer.userId, username: signer.username }, wrongWitness);
    if (!witness.active) throw wrongWitness();
    if (witness.id === signer.userId) throw VeilError.says('validation', { key: 'destruction.witnessSelf' }, [issue(['witness', 'username'], { key: 'destruction.witnessSelfShort' })]);
    // The site's day, as the reconciliation dates a return (localDate), not UTC's: east of Greenwich, UTC's date is
    // still yesterday for the first hours of the site's day.
    if (input.destroyedOn > localDate(this.clock.now())) throw VeilError.says('validation', { key: 'destruction.dateFuture' }, [issue(['destroyedOn'], { key: 'destruction.dateFutureShort' })]);
    const kits = [...new Set(input.kitNumbers)].sort(compareKitNumbers);
    // One unit of work: the checks that decide it (status, verification) and every write (issue 13).
    return this.store.transaction(async () => {
      const unverified = await this.returns.unverifiedKits();
      for (const k of kits) {
        const kit = await this.kits.get(k);
        if (!kit) throw VeilError.says('not_found', { key: 'destruction.unknownKit', params: { kit: k } });
        if (!DESTROYABLE.has(kit.status)) throw VeilError.says('conflict', { key: NOT_DESTROYABLE[kit.status as keyof typeof NOT_DESTROYABLE], params: { kit: k } });
        if (unverified.has(k)) throw VeilError.says('conflict', { key: 'destruction.notVerified', params: { kit: k } });
      }
      const record = { action: 'destruction', kits, method: input.method, place: input.place, destroyedOn: input.destroyedOn, witness: witness.username };
      const signature = await this.signatures.record(signer, 'destruction', `${input.destroyedOn}:${kits.join(',')}`, record);
      const witnessSignature = await this.signatures.record(
        { userId: witness.id, username: witness.username, printedName: witness.displayName, meaning: WITNESS_MEANING },
        'destruction',
        `${input.destroyedOn}:${kits.join(',')}`,
        record,
      );
      const destructionId = await this.destructions.insert({
        destroyedOn: input.destroyedOn,
        method: input.method,
        place: input.place,
        recordedAt: isoUtc(this.clock.now()),
        userId: signer.userId,
        signatureId: signature.id,
        witnessId: witness.id,
        witnessSignatureId: witnessSignature.id,
      });
      for (const k of kits) {
        if ((await this.kits.get(k))!.status !== 'pending_destruction') await this.kitStatus.change(actor, k, 'pending_destruction', null, { context: { destruction: destructionId } });
        await this.kitStatus.change(actor, k, 'destroyed', null, { signatureId: signature.id, context: { destruction: destructionId, method: input.method } });
        await this.destructions.addKit(destructionId, k);
      }
      await this.audit.append(actor, {
        action: 'destruction.recorded',
        entityType: 'destruction',
        entityId: String(destructionId),
        after: { kits: kits.length, method: input.method, place: input.place, destroyedOn: input.destroyedOn, witness: witness.username },
        signatureId: signature.id,
      });
      return { destructionId };
    });
  }

  async get(destructionId: number) {
    const row = await this.destructions.byId(destructionId);
    if (!row) throw VeilError.says('not_found', { key: 'destruction.noSuchDestruction', params: { id: destructionId } });
    const kits = (await this.destructions.kitsOf(destructionId)).sort(compareKitNumbers);
    const withLots = [];
    for (const k of kits) withLots.push({ kitNumber: k, blindedLot: (await this.kits.get(k))!.blindedLot });
    return { ...row, kits: withLots, signature: (await this.signatures.byId(row.signatureId))!, witnessSignature: (await this.signatures.byId(row.witnessSignatureId))! };
  }

  async list() {
    const destructions = [];
    for (const id of await this.destructions.ids()) destructions.push(await this.get(id));
    return destructions;
  }
}
