import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, writeFileSync, writeSync, type PathLike } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { canonicalJson } from '../../../shared/canonicalJson';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import type { Logger } from '../log';
import type { ChainHead } from './auditRepository';
import type { AuditTrail } from './auditTrail';

/**
 * Anchors of the audit chain, kept outside the database file (issue 10, finding 10). The hash chain proves that the
 * events in the file are consistent with each other, not that they are the events that were written: someone with
 * the file can edit an event and recompute every later hash, or cut the newest events. So the chain head is
 * countersigned, after each commit, with an Ed25519 key that is not in the database, and appended to an anchor file
 * beside the database. A rewritten or cut history no longer contains the last anchor; `veil verify` says so.
 *
 * The key lives in the application's data folder, beside the database (never inside it), readable by its owner only;
 * an AnchorKeyVault hides where, so the desktop shell can keep it in the OS key store instead.
 */

/** Where the anchor key is kept. The file vault is the default; the desktop shell may give an OS key store. */
export interface AnchorKeyVault {
  /** Where the key is, for messages ("/path/veil-audit-anchor.key", "the OS key store"). */
  readonly description: string;
  /** The Ed25519 private key as PKCS#8 PEM, or null when none was created yet. */
  read(): string | null;
  /** Stores a new key, unless one was stored meanwhile (another process): returns the key that is kept. */
  create(pem: string): string;
}

export const ANCHOR_KEY_FILE = 'veil-audit-anchor.key';
export const ANCHOR_FILE_SUFFIX = '.audit-anchors';

/** A key file readable and writable by its owner only (0600), created once; never overwritten. */
export class FileAnchorKeyVault implements AnchorKeyVault {
  constructor(private readonly file: string) {}
  get description(): string {
    return this.file;
  }
  read(): string | null {
    return existsSync(this.file) ? readFileSync(this.file, 'utf8') : null;
  }
  create(pem: string): string {
    try {
      writeFileSync(this.file, pem, { flag: 'wx', mode: 0o600 });
      chmodSync(this.file, 0o600); // the mode above is filtered by the umask
      return pem;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(this.file, 'utf8');
      throw error;
    }
  }
}

/** The anchor file and key of a database: `<db>.audit-anchors`, and the key in the same folder. */
export function anchorLocation(dbFile: string, vault?: AnchorKeyVault): { anchorFile: string; vault: AnchorKeyVault } {
  return { anchorFile: `${dbFile}${ANCHOR_FILE_SUFFIX}`, vault: vault ?? new FileAnchorKeyVault(join(dirname(dbFile), ANCHOR_KEY_FILE)) };
}

export interface AnchorPublicKey {
  id: string;
  key: KeyObject;
}

function publicKeyOf(key: KeyObject): AnchorPublicKey {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const raw = publicKey.export({ format: 'der', type: 'spki' });
  return { id: createHash('sha256').update(raw).digest('hex').slice(0, 16), key: publicKey };
}

/** A public key to check anchors with, from a PEM holding a private or a public key (`veil verify --anchor-key`). */
export function anchorPublicKeyFromPem(pem: string): AnchorPublicKey {
  return publicKeyOf(/PRIVATE KEY/.test(pem) ? createPrivateKey(pem) : createPublicKey(pem));
}

/** The public half of the vault's key, or null when the vault holds none. */
export function anchorPublicKey(vault: AnchorKeyVault): AnchorPublicKey | null {
  const pem = vault.read();
  return pem === null ? null : anchorPublicKeyFromPem(pem);
}

/** One anchor: the chain (its first event's hash), a head (seq, hash), when, by which key, and the signature. */
export interface Anchor {
  v: 1;
  chain: string;
  seq: number;
  hash: string;
  at: string;
  key: string;
  sig: string;
}

const SIGNED_PREFIX = 'veil audit anchor v1\n';
const signedBytes = (a: Omit<Anchor, 'sig'>) => Buffer.from(SIGNED_PREFIX + canonicalJson({ v: a.v, chain: a.chain, seq: a.seq, hash: a.hash, at: a.at, key: a.key }), 'utf8');

export function anchorSignatureHolds(anchor: Anchor, publicKey: AnchorPublicKey): boolean {
  if (anchor.key !== publicKey.id) return false;
  try {
    return verify(null, signedBytes(anchor), publicKey.key, Buffer.from(anchor.sig, 'base64'));
  } catch {
    return false;
  }
}

function isAnchor(value: unknown): value is Anchor {
  const a = value as Partial<Anchor> | null;
  return (
    !!a &&
    a.v === 1 &&
    typeof a.chain === 'string' &&
    Number.isInteger(a.seq) &&
    typeof a.hash === 'string' &&
    typeof a.at === 'string' &&
    typeof a.key === 'string' &&
    typeof a.sig === 'string'
  );
}

export type AnchorLine = { line: number; anchor: Anchor } | { line: number; anchor: null; torn: boolean };

/** The anchor file, line by line, without loading it whole (it grows with the study). */
export function* readAnchorLines(file: PathLike): Generator<AnchorLine> {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    let pending = '';
    let line = 0;
    const parse = (text: string, complete: boolean): AnchorLine | null => {
      if (text.trim() === '') return null;
      line++;
      try {
        const value: unknown = JSON.parse(text);
        return isAnchor(value) ? { line, anchor: value } : { line, anchor: null, torn: false };
      } catch {
        return { line, anchor: null, torn: !complete };
      }
    };
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      pending += buffer.toString('utf8', 0, read);
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const parsed = parse(pending.slice(0, newline), true);
        pending = pending.slice(newline + 1);
        if (parsed) yield parsed;
      }
    }
    const last = parse(pending, false);
    if (last) yield last;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes anchors for one database. Each append to the trail schedules one: after the commit (a microtask runs once
 * the synchronous transaction has returned), at most one per `minIntervalMs` (a burst of steps gives one anchor, the
 * rest follow on a timer), and a last one at close. Anchoring never stops the pharmacy: a failure (full disk, folder
 * not writable) is logged and retried with the next event, and `veil verify` reports the anchor that is missing.
 */
export class ChainAnchoring {
  private key: { privateKey: KeyObject; publicKey: AnchorPublicKey } | null = null;
  private chainId: string | null = null;
  private lastAnchored: { seq: number; hash: string } | null = null;
  private lastWrittenAt = 0;
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  /** The anchor being written now, if any: anchors are written one after the other, never two at once. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly trail: AuditTrail,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly location: { anchorFile: string; vault: AnchorKeyVault },
    private readonly minIntervalMs = 1000,
    /**
     * The committed head and first hash read synchronously, for the last anchor at close (which cannot wait: the
     * database is closed right after). An SQLite file gives one; without it, close anchors in the background.
     */
    private readonly committedNow: (() => { head: ChainHead | undefined; firstHash: string | undefined }) | null = null,
  ) {}

  /**
   * At open. A database that has events but no anchor file beside it (a copy brought here, a database from before
   * anchors, or an anchor file someone removed) starts anchoring from its present head, and says so in the trail
   * itself, so an inspector sees from which event on the history is anchored.
   */
  async start(): Promise<void> {
    if (existsSync(this.location.anchorFile)) return;
    try {
      await this.store.transaction(async () => {
        const head = await this.trail.seal();
        if (head.seq === 0) return;
        await this.trail.append(
          { userId: null, username: 'system' },
          {
            action: 'audit.anchoring_started',
            entityType: 'audit',
            entityId: 'anchors',
            after: { anchorFile: basename(this.location.anchorFile), unanchoredUpTo: head.seq },
            reason: 'No anchor file was found beside the database: the events up to here were not anchored on this workstation.',
            source: 'system',
          },
        );
      });
    } catch (error) {
      this.logger.error('anchoring could not be started', { error: String(error) });
    }
  }

  /** Called on every audit append (inside its unit of work): anchors once the unit of work is over. */
  eventAppended(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    const wait = this.lastWrittenAt + this.minIntervalMs - Date.now();
    // Outside the unit of work that appended: the anchor reads the head as committed, after that unit of work's turn.
    this.store.outside(() => {
      if (wait <= 0) queueMicrotask(() => this.fire());
      else {
        this.timer = setTimeout(() => this.fire(), wait);
        this.timer.unref();
      }
    });
  }

  private fire(): void {
    this.scheduled = false;
    this.timer = null;
    if (this.closed) return;
    // Counted from now, not from when the anchor is written: appends made while it waits for its turn are throttled.
    this.lastWrittenAt = Date.now();
    void this.anchorNow();
  }

  /**
   * Appends an anchor of the committed head if it moved since the last one. Never throws. The head is read outside any
   * unit of work: on SQLite it waits for the open one's turn to end, on PostgreSQL it sees only what is committed.
   */
  anchorNow(): Promise<void> {
    this.writing = this.writing.then(() =>
      this.store.outside(async () => {
        try {
          const head = await this.trail.seal();
          this.chainId ??= head.seq === 0 ? null : await this.trail.firstEventHash();
          this.write(head);
        } catch (error) {
          this.logger.error('the audit chain head could not be anchored', { file: basename(this.location.anchorFile), error: String(error) });
        }
      }),
    );
    return this.writing;
  }

  /** Writes the anchor of a committed head, if it moved since the last one. */
  private write(head: { seq: number; hash: string }): void {
    if (head.seq === 0 || (this.lastAnchored && this.lastAnchored.seq === head.seq && this.lastAnchored.hash === head.hash)) return;
    const key = this.signingKey();
    const unsigned: Omit<Anchor, 'sig'> = { v: 1, chain: this.chainId!, seq: head.seq, hash: head.hash, at: isoUtc(this.clock.now()), key: key.publicKey.id };
    const anchor: Anchor = { ...unsigned, sig: sign(null, signedBytes(unsigned), key.privateKey).toString('base64') };
    this.append(JSON.stringify(anchor));
    this.lastAnchored = head;
    this.lastWrittenAt = Date.now();
  }

  /** What `verifyRecord` needs to check this database's anchors, after anchoring the head as it stands now. */
  async verificationTarget(): Promise<{ anchorFile: string; publicKey: AnchorPublicKey | null; keyDescription: string }> {
    await this.anchorNow();
    return { anchorFile: this.location.anchorFile, publicKey: this.key?.publicKey ?? anchorPublicKey(this.location.vault), keyDescription: this.location.vault.description };
  }

  /**
   * Stops the timer and anchors the head: synchronously when a synchronous reader was given (SQLite), else by a read
   * of the server (PostgreSQL). The promise settles once the last anchor is written: the database must stay open
   * until then (openVeilCore's close ends the pool after it).
   */
  close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed) return this.writing;
    this.closed = true;
    if (!this.committedNow) return this.anchorNow();
    try {
      const { head, firstHash } = this.committedNow();
      if (!head) return this.writing;
      this.chainId ??= firstHash ?? null;
      this.write(head);
    } catch (error) {
      this.logger.error('the audit chain head could not be anchored', { file: basename(this.location.anchorFile), error: String(error) });
    }
    return this.writing;
  }

  /** The vault's key, created on first use. */
  private signingKey() {
    if (!this.key) {
      let pem = this.location.vault.read();
      if (pem === null) {
        const { privateKey } = generateKeyPairSync('ed25519');
        pem = this.location.vault.create(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
      }
      const privateKey = createPrivateKey(pem);
      this.key = { privateKey, publicKey: publicKeyOf(privateKey) };
    }
    return this.key;
  }

  /**
   * One line, appended and flushed to disk. A line torn by a crash while it was written (no newline at the end of the
   * file) is cut off first: it was never a whole anchor, and left in place it would read as an edited line.
   */
  private append(line: string): void {
    const fd = openSync(this.location.anchorFile, 'a+', 0o644);
    try {
      const size = fstatSync(fd).size;
      const whole = size === 0 ? 0 : endOfLastWholeLine(fd, size);
      if (whole < size) ftruncateSync(fd, whole);
      writeSync(fd, `${line}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** The length of the file up to and including its last newline (0 when it holds no whole line). */
function endOfLastWholeLine(fd: number, size: number): number {
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const read = readSync(fd, chunk, 0, end - start, start);
    const newline = chunk.subarray(0, read).lastIndexOf(0x0a);
    if (newline >= 0) return start + newline + 1;
    end = start;
  }
  return 0;
}
