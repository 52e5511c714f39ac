import { open, sealedField } from '../crypto/allocationCipher';
import { STOCK_STATUSES } from '../../../shared/kits/kitLifecycle';
import type { KitRepository } from '../kits/kitRepository';
import { contentKey, type KitTypeCode } from '../../../shared/study/kitContents';

/**
 * The kits of one content of one kit type in stock when the index was built (shared/kits/kitLifecycle.ts,
 * STOCK_STATUSES), grouped by real expiry, earliest first: one arm's kits in a study without kit types
 * (shared/study/kitContents.ts). A kit that leaves the stock later leaves its group when a draw meets it.
 */
export interface ContentStock {
  expiries: string[];
  /** `groups[i]` holds the kits expiring on `expiries[i]`; drawByExpiry reorders each group in place. */
  groups: string[][];
}

interface Index {
  /** The kits' sealed version when the index was built (KitRepository.sealedVersion): a later import or expiry change makes it stale. */
  upTo: string;
  /** By contentKey(type, content). */
  contents: Map<string, ContentStock>;
  /** The same kits by number: the content and real expiry of one kit without opening its seals again. */
  byKit: Map<string, OpenedKit>;
}

/** A kit's type, its content (the arm, in a study without kit types) and its real expiry as opened with the key. */
export interface OpenedKit {
  kitType: KitTypeCode;
  content: string;
  expiry: string;
}

/** A kit's type, sealed content and real expiry as the kit list stores them. */
export interface SealedKit {
  kitNumber: string;
  kitType: KitTypeCode;
  armSealed: string;
  expirySealed: string;
}

/**
 * The kits' arms and real expiry dates, opened once per unblinded session instead of at every scan (issue 12: a
 * refused scan or a visit plan opened the sealed arm and expiry of every available kit, 2 AES-GCM opens per kit, so
 * its cost grew with the shelf). Both values are fixed when a kit list is imported; what changes, the kit's status,
 * is read live for each kit a suggestion draws, so the index needs no refresh when kits are received, dispensed or
 * quarantined, by this workstation or another. Only the kits in stock are opened: at 50,000 kits late in a study,
 * most have left it for good.
 *
 * Held in memory only, per allocation key (so per unblinded session: each holds its own copy of the key), and
 * dropped when the session's key is wiped (lock, logout, inactivity, session end): a locked screen keeps no
 * decrypted arm. Never written anywhere, never sent to a window.
 */
export class UnsealedStock {
  private readonly indexes = new Map<Buffer, Index>();
  /** How many times a key was dropped: an index built across a drop is not kept. */
  private drops = 0;

  constructor(private readonly kits: KitRepository) {}

  /**
   * The kits of this type holding `content` by expiry (an arm's kits, for the implicit type), from the index of this
   * key (built, or rebuilt after an import, on first use).
   */
  async ofContent(key: Buffer, type: KitTypeCode, content: string): Promise<ContentStock> {
    return (await this.indexOf(key)).contents.get(contentKey(type, content)) ?? { expiries: [], groups: [] };
  }

  /**
   * The kits of every content whose real expiry meets `expiresSoon`, a test true for every date up to some day and false
   * after it (the do-not-dispense rule's isShortDated): the groups are walked from the earliest expiry and left at the
   * first date it refuses. Kits that have left the stock since the index was built may be among them: the caller
   * reads their status. No arm in the answer.
   */
  async expiringWhere(key: Buffer, expiresSoon: (expiry: string) => boolean): Promise<string[]> {
    const kits: string[] = [];
    for (const stock of (await this.indexOf(key)).contents.values()) {
      for (let i = 0; i < stock.expiries.length && expiresSoon(stock.expiries[i]!); i++) kits.push(...stock.groups[i]!);
    }
    return kits;
  }

  /**
   * The type, content and real expiry of each of these kits, in their order: from the key's index for the kits in stock when it
   * was built, opened here for any other (a kit back in stock since, say). The stock forecast weighs every available
   * kit at each visit to the home page; at 6,000 kits on the shelf, opening each one's two seals took 100 ms.
   */
  async opened(key: Buffer, kitNumbers: readonly string[]): Promise<OpenedKit[]> {
    const { byKit } = await this.indexOf(key);
    // Only the kits outside the index are read with their seals: reading every available kit's two seals to find the
    // few it lacks cost the home page about 4 of its 35 ms at 6,000 kits on the shelf.
    const missing = kitNumbers.filter((k) => !byKit.has(k));
    const outside = new Map((await this.kits.sealedKits(missing)).map((kit) => [kit.kitNumber, openKit(key, kit)]));
    return kitNumbers.map((k) => {
      const opened = byKit.get(k) ?? outside.get(k);
      if (!opened) throw new Error(`Kit ${k} is not in the kit list.`);
      return opened;
    });
  }

  private async indexOf(key: Buffer): Promise<Index> {
    const dropsBefore = this.drops;
    const last = await this.kits.sealedVersion();
    let index = this.indexes.get(key);
    if (!index || index.upTo !== last) {
      index = this.build(key, last, await this.kits.sealedByStatus(STOCK_STATUSES));
      // A key wiped while the kits were read (lock, logout) must not leave an index behind: this answer only.
      if (this.drops === dropsBefore) this.indexes.set(key, index);
    }
    return index;
  }

  /** Forgets what was opened with this key; called as the key is wiped. */
  drop(key: Buffer): void {
    this.drops++;
    const index = this.indexes.get(key);
    if (!index) return;
    // Empty the arrays too: other references (a draw in progress) must not keep the arms alive.
    for (const stock of index.contents.values()) {
      for (const group of stock.groups) group.length = 0;
      stock.groups.length = 0;
      stock.expiries.length = 0;
    }
    index.contents.clear();
    index.byKit.clear();
    this.indexes.delete(key);
  }

  /** How many sessions hold an index (for the tests: a locked session holds none). */
  get sessionsHeld(): number {
    return this.indexes.size;
  }

  private build(key: Buffer, upTo: string, sealed: readonly SealedKit[]): Index {
    const byContent = new Map<string, Map<string, string[]>>();
    const byKit = new Map<string, OpenedKit>();
    for (const kit of sealed) {
      const opened = openKit(key, kit);
      byKit.set(kit.kitNumber, opened);
      const held = contentKey(opened.kitType, opened.content);
      let byExpiry = byContent.get(held);
      if (!byExpiry) byContent.set(held, (byExpiry = new Map()));
      const group = byExpiry.get(opened.expiry);
      if (group) group.push(kit.kitNumber);
      else byExpiry.set(opened.expiry, [kit.kitNumber]);
    }
    const contents = new Map<string, ContentStock>();
    for (const [held, byExpiry] of byContent) {
      const expiries = [...byExpiry.keys()].sort();
      contents.set(held, { expiries, groups: expiries.map((expiry) => byExpiry.get(expiry)!) });
    }
    return { upTo, contents, byKit };
  }
}

function openKit(key: Buffer, kit: SealedKit): OpenedKit {
  return { kitType: kit.kitType, content: open(key, kit.armSealed, sealedField.kitArm(kit.kitNumber)), expiry: open(key, kit.expirySealed, sealedField.kitExpiry(kit.kitNumber)) };
}
