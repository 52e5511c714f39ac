import { existsSync } from 'node:fs';
import type { StoredAuditEvent } from './auditRepository';
import { ChainFollower, GENESIS_HASH, type ChainReport } from './auditTrail';
import { anchorSignatureHolds, readAnchorLines, type AnchorPublicKey } from './chainAnchors';
import { forEachRow, type RecordedState } from './recordedState';
import { checkSealedValues, SEALED_VALUES_CHECKED } from './sealedValueCheck';
import { StudiesOfRecord, TrailReplay } from './trailReplay';

/**
 * `veil verify`: everything a database can be checked for, in one streaming pass over the audit trail, on either engine
 * (the reader, RecordedState, is the engine's; the rules are here, once).
 * - SQLite's integrity and foreign keys (a damaged file stops here: nothing after would be trustworthy); PostgreSQL
 *   checks its own storage and keys, which the report notes;
 * - the append-only triggers are in place;
 * - the hash chain (the first broken event is named) and its dates (never going backwards: issue 11, item 11);
 * - the anchors outside the file: the last countersigned head must still be in the chain (a rewrite or a cut tail);
 * - each e-signature's chain head must still be in the chain;
 * - a printed seal (`--seal`) must be in the chain;
 * - the events replayed against the tables: a row changed without its event, an event earlier than what it needs;
 * - with the allocation key (`--user`), every sealed value authenticates.
 */
export type FindingKind = 'integrity' | 'triggers' | 'chain' | 'chronology' | 'anchors' | 'signatures' | 'seal' | 'sequence' | 'state' | 'sealed';

export interface RecordFinding {
  kind: FindingKind;
  text: string;
  /** The audit event the finding is about, when there is one. */
  seq?: number;
}

export interface RecordCheckOptions {
  /**
   * The anchor file and the public key to check it with (null: no key found, anchors checked unauthenticated);
   * `whenMissing`: what to say when there is no anchor file (where this database's anchors are kept instead).
   */
  anchors?: { anchorFile: string; publicKey: AnchorPublicKey | null; keyDescription: string; whenMissing?: string };
  /** A seal as printed on a report: the chain must hold this hash (at this event, when given). */
  seal?: { seq: number | null; hash: string };
  /** The allocation data keys held, by study id: every sealed value of those studies is opened with its study's key. */
  allocationKeys?: Map<number, Buffer>;
}

export interface RecordReport {
  ok: boolean;
  events: number;
  chain: ChainReport;
  findings: RecordFinding[];
  /** Findings left out beyond the first ones of each kind (a whole table edited would otherwise flood the report). */
  omitted: number;
  /** What was checked and found sound, one line each: anchors, seal, signatures, sealed values. */
  notes: string[];
}

const MAX_FINDINGS_PER_KIND = 25;
/**
 * A workstation clock corrected by a few seconds (NTP stepping it back) is not an impossible history: such steps are
 * counted and reported as a note. Anything further back is a finding.
 */
export const CLOCK_CORRECTION_TOLERANCE_MS = 5_000;

const short = (hash: string) => `${hash.slice(0, 16)}…`;

export async function verifyRecord(tables: RecordedState, options: RecordCheckOptions = {}): Promise<RecordReport> {
  const findings: RecordFinding[] = [];
  const perKind = new Map<FindingKind, number>();
  let omitted = 0;
  const report = (kind: FindingKind, text: string, seq?: number) => {
    const n = (perKind.get(kind) ?? 0) + 1;
    perKind.set(kind, n);
    if (n <= MAX_FINDINGS_PER_KIND) findings.push(seq === undefined ? { kind, text } : { kind, text, seq });
    else omitted++;
  };
  const notes: string[] = [];
  const done = (chain: ChainReport): RecordReport => ({ ok: findings.length === 0, events: chain.events, chain, findings, omitted, notes });

  const integrity = await tables.integrity();
  for (const problem of integrity.problems) report('integrity', problem);
  if (findings.length > 0) return done({ ok: false, events: 0 });
  if (integrity.note) notes.push(integrity.note);

  const missingTriggers = await tables.missingAppendOnlyTriggers();
  if (missingTriggers.length) {
    const who = tables.engine === 'sqlite' ? 'someone with the file' : 'someone with the rights of the database owner';
    report('triggers', `the append-only triggers ${missingTriggers.join(', ')} are missing, disabled or no longer refuse changes: ${who} removed them, so events or signatures may have been edited`);
  }

  // One pass over the trail, in the order written.
  const follower = new ChainFollower();
  const replay = new TrailReplay((f) => report(f.kind, f.text, f.seq), new StudiesOfRecord(await tables.studies()));
  let previous: { seq: number; at: string } | null = null;
  let head: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  let firstHash: string | null = null;
  let sealFound = false;
  const corrections = { count: 0, largestMs: 0 };
  let latestMs = 0;
  await forEachRow(tables.events(), (row: StoredAuditEvent) => {
    follower.follow(row);
    // A step back in time: tolerated as a clock correction only while it stays within a few seconds of the latest
    // time already seen (so small steps cannot add up to a large one).
    const behindMs = previous && row.at_utc < previous.at ? latestMs - Date.parse(row.at_utc) : 0;
    if (behindMs > 0 && behindMs <= CLOCK_CORRECTION_TOLERANCE_MS) {
      corrections.count++;
      corrections.largestMs = Math.max(corrections.largestMs, behindMs);
    } else if (previous && row.at_utc < previous.at) {
      report(
        'chronology',
        `event ${row.seq} (${row.at_utc}, ${row.action}) is earlier than event ${previous.seq} (${previous.at}): time goes backwards in the trail (the workstation clock was set back, or the history was altered)`,
        row.seq,
      );
    }
    previous = { seq: row.seq, at: row.at_utc };
    latestMs = Math.max(latestMs, Date.parse(row.at_utc) || 0);
    if (options.seal && row.hash === options.seal.hash && (options.seal.seq === null || options.seal.seq === row.seq)) sealFound = true;
    if (row.action === 'audit.anchoring_started') {
      notes.push(`Anchoring started at event ${row.seq} (${row.at_utc}): no anchor file was found beside the database then, so events up to ${row.seq - 1} were not anchored on that workstation.`);
    }
    replay.observe(row);
    firstHash ??= row.hash;
    head = { seq: row.seq, hash: row.hash };
  });
  if (corrections.count) {
    notes.push(`Clock: ${corrections.count} small step${corrections.count === 1 ? '' : 's'} back in time between events (at most ${corrections.largestMs} ms: clock corrections).`);
  }
  const chain: ChainReport = follower.broken ? { ok: false, events: follower.events, firstBroken: follower.broken } : { ok: true, events: follower.events };
  if (follower.broken) report('chain', `audit trail broken at event ${follower.broken.seq}: ${follower.broken.problem}`, follower.broken.seq);

  const hashAt = (seq: number) => tables.hashAt(seq);
  await checkSignatureHeads(tables, hashAt, head, report, notes);
  if (options.anchors) await checkAnchors(options.anchors, hashAt, head, firstHash, report, notes);

  if (options.seal) {
    const printed = `event ${options.seal.seq ?? '?'}, ${options.seal.hash}`;
    if (sealFound) notes.push(`Seal: ${printed} is in the chain${options.seal.seq !== null ? ` (${head.seq - options.seal.seq} events written since)` : ''}.`);
    else report('seal', `the seal ${printed} is not in the chain: the history printed with it was rewritten or cut`);
  }

  await replay.compare(tables);

  if (options.allocationKeys) {
    const { authenticated, unchecked } = await checkSealedValues(tables, options.allocationKeys, (text) => report('sealed', text));
    if (!perKind.get('sealed')) notes.push(`Sealed values: ${authenticated} authenticated (${SEALED_VALUES_CHECKED}).`);
    if (unchecked.length) notes.push(`Sealed values not checked: ${unchecked.map((u) => `${u.values} of ${u.study}`).join(', ')} (the key holder given holds no key of ${unchecked.length === 1 ? 'that study' : 'those studies'}).`);
  }
  return done(chain);
}

async function checkSignatureHeads(
  tables: RecordedState,
  hashAt: (seq: number) => Promise<string | undefined>,
  head: { seq: number },
  report: (kind: FindingKind, text: string, seq?: number) => void,
  notes: string[],
): Promise<void> {
  let held = 0;
  let without = 0;
  // The heads first, then their hashes: a reader may stream one list at a time.
  const heads: Array<{ id: number; printedName: string; meaning: string; signedAtUtc: string; chainSeq: number; chainHash: string }> = [];
  await forEachRow(tables.signatureHeads(), (s) => {
    if (s.chainSeq === null || s.chainHash === null) without++;
    else heads.push({ ...s, chainSeq: s.chainSeq, chainHash: s.chainHash });
  });
  for (const s of heads) {
    const who = `signature #${s.id} (${s.printedName}, "${s.meaning}", ${s.signedAtUtc})`;
    const stored = s.chainSeq === 0 ? GENESIS_HASH : await hashAt(s.chainSeq);
    if (stored === undefined) report('signatures', `${who} was made on event ${s.chainSeq}, beyond the end of the chain (event ${head.seq}): the newest events were deleted`, s.chainSeq);
    else if (stored !== s.chainHash) report('signatures', `${who} was made on event ${s.chainSeq} (hash ${short(s.chainHash)}), which the chain no longer holds: the history up to event ${s.chainSeq} was rewritten`, s.chainSeq);
    else held++;
  }
  notes.push(`Signatures: ${held} e-signatures hold the chain head they were made on${without ? ` (${without} older ones recorded no head)` : ''}.`);
}

async function checkAnchors(
  anchors: NonNullable<RecordCheckOptions['anchors']>,
  hashAt: (seq: number) => Promise<string | undefined>,
  head: { seq: number; hash: string },
  chainId: string | null,
  report: (kind: FindingKind, text: string, seq?: number) => void,
  notes: string[],
): Promise<void> {
  const unproven = 'the chain is consistent in itself, but a rewritten history or a cut tail cannot be ruled out from this copy alone';
  if (!existsSync(anchors.anchorFile)) {
    notes.push(
      `Anchors: no anchor file was found (${anchors.anchorFile}): ${unproven}. ${anchors.whenMissing ?? 'Verify on the workstation that keeps the anchors, or give --anchors FILE and --anchor-key FILE.'}`,
    );
    return;
  }
  const authenticated = anchors.publicKey !== null;
  const tag = authenticated ? '' : ' (unauthenticated)';
  let count = 0;
  let torn = 0;
  let otherChain = 0;
  let newest: { seq: number; at: string } | null = null;
  let lastMatching: { seq: number; at: string } | null = null;
  let firstMismatch: { seq: number; at: string; anchored: string; held: string } | null = null;
  let beyond: { seq: number; at: string } | null = null;
  for (const line of readAnchorLines(anchors.anchorFile)) {
    if (!line.anchor) {
      if (line.torn) torn++;
      else report('anchors', `anchor line ${line.line} is not an anchor: the anchor file was edited`);
      continue;
    }
    const a = line.anchor;
    if (anchors.publicKey && !anchorSignatureHolds(a, anchors.publicKey)) {
      report('anchors', `anchor line ${line.line} is not signed by this workstation's anchor key (${anchors.keyDescription}): the anchor file was edited`);
      continue;
    }
    count++;
    if (chainId !== null && a.chain !== chainId) {
      otherChain++;
      continue;
    }
    if (!newest || a.seq > newest.seq) newest = { seq: a.seq, at: a.at };
    const held = await hashAt(a.seq);
    if (held === undefined) {
      if (!beyond || a.seq > beyond.seq) beyond = { seq: a.seq, at: a.at };
    } else if (held !== a.hash) {
      if (!firstMismatch || a.seq < firstMismatch.seq) firstMismatch = { seq: a.seq, at: a.at, anchored: a.hash, held };
    } else if (!lastMatching || a.seq > lastMatching.seq) lastMatching = { seq: a.seq, at: a.at };
  }
  if (torn) notes.push(`Anchors: ${torn} incomplete anchor line${torn === 1 ? '' : 's'} (a crash while writing), ignored.`);
  if (otherChain) {
    report('anchors', `${otherChain} anchors${tag} name a first event that is not this database's: the history was rewritten from its first event, or the anchor file belongs to another database`);
  }
  if (beyond) {
    report(
      'anchors',
      `the chain ends at event ${head.seq}, but event ${beyond.seq} was anchored${tag} at ${beyond.at}: events ${head.seq + 1} to ${beyond.seq} were deleted (a cut tail). If this database was restored from a backup, those events are lost with it`,
      head.seq + 1,
    );
  }
  if (firstMismatch) {
    const before = lastMatching && lastMatching.seq < firstMismatch.seq ? `the last anchor that still matches is event ${lastMatching.seq}` : 'no earlier anchor matches';
    report(
      'anchors',
      `event ${firstMismatch.seq} differs from its anchor${tag} of ${firstMismatch.at} (anchored hash ${short(firstMismatch.anchored)}, the chain now holds ${short(firstMismatch.held)}): the history was rewritten at or before event ${firstMismatch.seq}; ${before}`,
      firstMismatch.seq,
    );
  }
  if (count === 0) {
    notes.push(`Anchors: the anchor file ${anchors.anchorFile} is empty: ${unproven}.`);
    return;
  }
  if (!beyond && !firstMismatch && newest) {
    const signed = authenticated ? `signed by the anchor key ${anchors.publicKey!.id} (${anchors.keyDescription})` : `not authenticated (no usable anchor key: ${anchors.keyDescription})`;
    const after = head.seq - newest.seq;
    notes.push(
      `Anchors: the last of ${count} anchors (event ${newest.seq}, ${newest.at}) is in the chain, ${signed}${after > 0 ? `; ${after} events were written after it (the last moments before a crash, or another program's)` : ''}.`,
    );
  }
}
