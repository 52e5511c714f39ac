import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import Papa from 'papaparse';
import { EXAMPLE_KIT, EXAMPLE_PASSPHRASE, EXAMPLE_PASSWORD, type ExampleKit } from '../../shared/contract/examples';
import type { ChannelDefinition } from '../../shared/contract';
import { ROLES, ROLE_PERMISSIONS, type Role } from '../../shared/roles';
import { openVeilCoreInternals, type VeilCoreInternals } from '../../main/core/veilCore';
import type { DemoUser } from '../../main/core/demo/demoSeed';
import type { Logger } from '../../main/core/log';
import { FakeClock, type TestCore } from './core';
import { rawRows } from './rawSql';
import { copyPostgresDatabase, dropPostgresDatabase, untilPostgresDatabaseUnused } from './postgres';

/**
 * The demo database as the contract's examples find it (shared/contract/examples.ts): the demo with its history,
 * then, through the channels and as the people who would do it, what the examples act on:
 * - a list extension of 8 kits from the sponsor: 4 still expected in an open shipment (3), 1 scanned in shipment 4
 *   which waits for the temperature answer, 2 received under a temperature alarm (shipment 5, quarantined), and 1
 *   in no shipment yet;
 * - a carton label sent to a Zebra that was off: label job 1, failed;
 * - user 8 (after the demo's one user per role), an unblinded monitor who joined and chose a password, waiting for access to the allocation key;
 * - emergency unblinding 1, of patient S-001, the sponsor not yet notified;
 * - the demo's storage locations (1: Fridge A, LOC-FRIDGE-A; 2: the quarantine shelf, LOC-QUARANTINE), its closed
 *   excursion case 1 (fridge A) and open case 2 (fridge B); the quarantined kit on the shelf, and excursion case 3 (a
 *   min/max check there) holding it.
 * Each kit placeholder of the examples is resolved here to a real kit of this database.
 */
export interface ExampleWorld {
  kits: Record<ExampleKit, string>;
  /** More of the same, for tests that call a channel many times on one database (the blinding leak harness). */
  more: { expected: string[]; withPatient: string[] };
  /** The kits of the list extension and their arms (also added to the test core's armOf). */
  extension: Array<{ kitNumber: string; arm: string }>;
  /** The demo users and the world's own (user 8). */
  users: DemoUser[];
  passphrase: string;
  /**
   * What every copy starts from: an SQLite file, or on PostgreSQL the URL of a database of the suite's server that
   * nobody connects to (each copy is a CREATE DATABASE ... TEMPLATE of it).
   */
  snapshot: string;
}

/** Shipment 3 has kits still expected; shipment 4 has all its kits scanned and waits for the temperature answer. */
export const OPEN_SHIPMENT_ID = 3;
export const SCANNED_SHIPMENT_ID = 4;
export const NEW_UNBLINDED_USER = { username: 'ulla.second', password: 'ulla chose this password', role: 'unblinded_monitor' as const };

async function callAs(core: VeilCoreInternals, window: string, channel: string, input: unknown): Promise<unknown> {
  const result = await core.dispatch(window, channel, input);
  if (!result.ok) throw new Error(`example world: ${channel}: ${result.error.message}`);
  return result.value;
}

/** A TCP port nothing listens on (bound then released), for a printer that is off. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function buildExampleWorld(t: TestCore): Promise<ExampleWorld> {
  const { core } = t;
  const pharmacist = await t.loginAs('unblinded_pharmacist', 'world-pharmacist');
  const technician = await t.loginAs('pharmacy_technician', 'world-technician');
  const admin = await t.loginAs('administrator', 'world-admin');
  const signature = { username: t.userOf('unblinded_pharmacist').username, password: t.userOf('unblinded_pharmacist').password };

  // The sponsor's list extension: eight more kits, numbered like the demo's and unused, arms about the study's 2:1.
  const taken = new Set((await core.store.q().selectFrom('kits').select('kit_number').execute()).map((r) => r.kit_number));
  const numbers: string[] = [];
  while (numbers.length < 8) {
    const n = String(100000 + randomInt(900000));
    if (!taken.has(n) && !numbers.includes(n)) numbers.push(n);
  }
  const template = Papa.parse<Record<string, string>>(t.demo.lists.kits.trim(), { header: true }).data;
  const arms = ['DUPI300', 'PLACEBO', 'DUPI300', 'DUPI300', 'PLACEBO', 'DUPI300', 'DUPI300', 'PLACEBO'];
  const extension = numbers.map((kitNumber, i) => ({ kitNumber, arm: arms[i]! }));
  const rows = extension.map(({ kitNumber, arm }) => {
    const like = template.find((k) => k.arm === arm)!;
    return [kitNumber, arm, like.lot!, like.expiry_date!, like.gtin!, `SN${kitNumber}`];
  });
  const content = Papa.unparse({ fields: ['kit_number', 'arm', 'lot', 'expiry_date', 'gtin', 'serial'], data: rows }, { newline: '\r\n' }) + '\r\n';
  await callAs(core, pharmacist, 'allocation.importList', { kind: 'kits', fileName: 'NS-DUPI_kit_list_extension.csv', contentBase64: Buffer.from(content, 'utf8').toString('base64'), signature });
  for (const k of extension) t.armOf.set(k.kitNumber, k.arm);

  const [e1, e2, e3, e4, r1, q1, q2, u1] = numbers as [string, string, string, string, string, string, string, string];
  const open = (await callAs(core, technician, 'shipments.create', { reference: 'NSD-SHP-003', from: { kind: 'kits', kitNumbers: [e1, e2, e3, e4] } })) as { id: number };
  if (open.id !== OPEN_SHIPMENT_ID) throw new Error(`example world: the open shipment is ${open.id}, the examples say ${OPEN_SHIPMENT_ID}`);
  const scanned = (await callAs(core, technician, 'shipments.create', { reference: 'NSD-SHP-004', from: { kind: 'kits', kitNumbers: [r1] } })) as { id: number };
  if (scanned.id !== SCANNED_SHIPMENT_ID) throw new Error(`example world: the scanned shipment is ${scanned.id}, the examples say ${SCANNED_SHIPMENT_ID}`);
  await callAs(core, technician, 'shipments.scanKit', { shipmentId: scanned.id, code: r1, source: 'scanner' });
  const alarm = (await callAs(core, technician, 'shipments.create', { reference: 'NSD-SHP-005', from: { kind: 'kits', kitNumbers: [q1, q2] } })) as { id: number };
  for (const code of [q1, q2]) await callAs(core, technician, 'shipments.scanKit', { shipmentId: alarm.id, code, source: 'scanner' });
  await callAs(core, technician, 'shipments.close', { shipmentId: alarm.id, temperature: 'alarm', reason: 'Logger showed 8.9 °C for 40 min' });

  // Kits in the states the examples name, read from what the pharmacy's screens show.
  const patients = (await callAs(core, pharmacist, 'patients.list', {})) as Array<{ id: number; screeningNumber: string; visits: Array<{ dispensedKits: string[] }> }>;
  const dispensed = patients.flatMap((p) => p.visits.flatMap((v) => v.dispensedKits));
  const returns = (await callAs(core, pharmacist, 'returns.list', {})) as Array<{ kitNumber: string; condition: string; verifiedAt: string | null }>;
  const returned = new Set(returns.map((r) => r.kitNumber));
  const withPatient = dispensed.filter((k) => !returned.has(k));
  // A syringe that came back (a kit reported missing cannot be corrected into a returned one).
  const unverified = returns.filter((r) => r.verifiedAt === null && r.condition === 'used').map((r) => r.kitNumber);
  // Only a return the monitor verified can be destroyed (issue 11, item 7): the monitor verifies one, by scanning it.
  const monitor = await t.loginAs('monitor', 'world-monitor');
  if (!unverified[1]) throw new Error('example world: no second unverified return to verify');
  await callAs(core, monitor, 'returns.verifyScan', { code: unverified[1], source: 'scanner' });
  const candidates = ((await callAs(core, pharmacist, 'destruction.candidates', {})) as Array<{ kitNumber: string; status: string }>).filter((c) => c.status === 'returned').map((c) => c.kitNumber);
  const plan = (await callAs(core, pharmacist, 'dispensing.plan', { patientId: 6, visitCode: 'W2' })) as { suggestions: string[] };
  const returnUnverified = unverified[0]!;
  const toDestroy = candidates.find((k) => k !== returnUnverified)!;
  const [failedLabelKit, dispensedKit] = withPatient.slice(-2) as [string, string];
  const withPatientKit = withPatient.find((k) => k !== dispensedKit && k !== failedLabelKit)!;
  // The last one before those two: the harness records returns of the first of the others.
  const alsoWithPatient = withPatient.filter((k) => k !== dispensedKit && k !== failedLabelKit && k !== withPatientKit).at(-1)!;

  // Two kits on the shelf that no visit example uses: one the examples find in stock, one the technician could not
  // find at the weekly count and recorded lost at the site (issue 16, kit exceptions), e-signed.
  // In kit number order, sorted here: the engines' text orders differ (db/README.md).
  const onShelf = (await core.store.q().selectFrom('kits').select('kit_number').where('status', '=', 'available').execute())
    .map((r) => r.kit_number)
    .sort()
    .filter((k) => !plan.suggestions.includes(k));
  const [inStock, lostKit] = onShelf as [string, string];
  const technicianUser = t.userOf('pharmacy_technician');
  await callAs(core, technician, 'kitExceptions.lostAtSite', { code: lostKit, reason: 'Not in the fridge at the weekly count', signature: { username: technicianUser.username, password: technicianUser.password } });

  // A carton label sent to a Zebra that is off: job 1, failed, waiting for a retry.
  const job = (await callAs(core, technician, 'devices.printLabel', { kitNumber: failedLabelKit, kind: 'carton', printer: { type: 'zebra_tcp', host: '127.0.0.1', port: await closedPort() } })) as {
    job: { id: number; status: string };
  };
  if (job.job.id !== 1 || job.job.status !== 'failed') throw new Error(`example world: the failed label job is ${JSON.stringify(job.job)}, the examples say job 1, failed`);

  // User 8: a new unblinded monitor, created by the administrator, who logged in once and chose a password.
  const created = (await callAs(core, admin, 'users.create', { username: NEW_UNBLINDED_USER.username, displayName: 'Ulla Second', role: NEW_UNBLINDED_USER.role, temporaryPassword: 'temporary password 7' })) as { id: number };
  if (created.id !== 8) throw new Error(`example world: the new user is ${created.id}, the examples say 8`);
  // An unblinded role is the pharmacist's to delegate, not the administrator's: given before Ulla has a password of
  // her own, it waits for one to carry the key (allocation.grantAccess's example grants it).
  const today = (await callAs(core, pharmacist, 'today.view', {})) as { today: string };
  await callAs(core, pharmacist, 'delegations.grant', { userId: created.id, role: NEW_UNBLINDED_USER.role, startsOn: today.today, endsOn: null, reason: 'Second unblinded monitor', signature });
  await callAs(core, 'world-new-user', 'session.login', { username: NEW_UNBLINDED_USER.username, password: 'temporary password 7' });
  await callAs(core, 'world-new-user', 'session.changePassword', { currentPassword: 'temporary password 7', newPassword: NEW_UNBLINDED_USER.password });

  // The monitor has commented every discrepancy open now, so the sign-off example signs (issue 11, item 8).
  const reconciliation = (await callAs(core, monitor, 'reconciliation.view', {})) as {
    reconciliation: { discrepancies: Array<{ kitNumber: string; discrepancies: string[] }> };
    openDiscrepancies: string[];
  };
  for (const kitNumber of reconciliation.openDiscrepancies) await callAs(core, monitor, 'reconciliation.comment', { kitNumber, comment: 'Checked with the pharmacist against the pharmacy file' });
  // The example's kit keeps its discrepancy whatever the harness does before it: a kit damaged at receipt stays so
  // (a return's discrepancy goes away when the harness corrects that return). The first listed kit, by kit number,
  // was a different one on each random demo, and sometimes one the harness had just put right.
  const { discrepancies } = reconciliation.reconciliation;
  const withDiscrepancy = (discrepancies.find((d) => d.discrepancies.includes('damaged_at_receipt')) ?? discrepancies[0])?.kitNumber;
  if (!withDiscrepancy) throw new Error('example world: the reconciliation lists no discrepancy');

  // Unblinding 1: patient S-001's blind broken in an emergency by the investigator, the sponsor not yet notified (the
  // examples of emergency.sponsorNotice and emergency.recordSponsorNotified; issue 11, item 9).
  const investigator = await t.loginAs('investigator', 'world-investigator');
  const s001 = patients.find((p) => p.screeningNumber === 'S-001');
  if (!s001) throw new Error('example world: no patient S-001 to unblind');
  const unblinding = (await callAs(core, investigator, 'emergency.unblind', {
    patientId: s001.id,
    reason: 'Anaphylaxis after injection',
    adverseEvent: true,
    passphrase: t.demo.codeBreakPassphrase,
    signature: { username: t.userOf('investigator').username, password: t.userOf('investigator').password },
  })) as { unblindingId: number };
  if (unblinding.unblindingId !== 1) throw new Error(`example world: the emergency unblinding is ${unblinding.unblindingId}, the examples say 1`);

  // The demo's storage (issue 15): location 1 is its study fridge (LOC-FRIDGE-A), location 2 its quarantine shelf
  // (LOC-QUARANTINE), excursion cases 1 and 2 its closed and open fridge excursions. The quarantined kit goes onto the
  // shelf, and a min/max check out of range there opens excursion case 3, which holds it pending the sponsor's
  // disposition.
  await callAs(core, technician, 'coldChain.putAway', { location: { barcode: 'LOC-QUARANTINE' }, kitNumbers: [q1], source: 'scanner' });
  const check = (await callAs(core, technician, 'coldChain.recordMinMax', { locationId: 2, readAt: new Date(core.clock.now().getTime() + 1000).toISOString(), minCelsius: 3.2, maxCelsius: 9.6 })) as { excursionIds: number[] };
  if (check.excursionIds[0] !== 3) throw new Error(`example world: the excursion case is ${JSON.stringify(check.excursionIds)}, the examples say 3`);

  for (const window of [pharmacist, technician, admin, monitor, investigator, 'world-new-user']) await core.dispatch(window, 'session.logout', {});

  const kits: Record<ExampleKit, string> = {
    expected: e1,
    alsoExpected: e2,
    unshipped: u1,
    quarantined: q1,
    forVisit: plan.suggestions[0]!,
    dispensed: dispensedKit,
    withPatient: withPatientKit,
    returnUnverified,
    withDiscrepancy,
    toDestroy,
    inStock,
    lost: lostKit,
    alsoWithPatient,
  };
  for (const [name, kit] of Object.entries(kits)) if (!kit) throw new Error(`example world: no kit for "${name}"`);

  const snapshot = await takeSnapshot(t);
  const more = { expected: [e3, e4], withPatient: withPatient.filter((k) => !Object.values(kits).includes(k) && k !== failedLabelKit) };
  return { kits, more, extension, users: [...t.users, { ...NEW_UNBLINDED_USER, blinded: false }], passphrase: t.demo.codeBreakPassphrase, snapshot };
}

/**
 * The world as it stands, for the copies: an online backup of the SQLite file; on PostgreSQL, a database copied from
 * the world's while its core is closed (PostgreSQL copies only a database nobody is connected to), which no core ever
 * opens. The world's core is then opened again (`t.core`).
 */
async function takeSnapshot(t: TestCore): Promise<string> {
  if (t.database) return t.whileClosed(() => copyPostgresDatabase(t.database));
  const file = join(t.dir, 'example-world.db');
  await t.core.db.backup(file);
  return file;
}

/**
 * PostgreSQL: copies of the world made ahead, while the current copy is used. A copy (CREATE DATABASE ... TEMPLATE)
 * takes about 200 ms, nearly all of it waiting on the server's checkpoints rather than working (three at once take
 * 270 ms): made one at a time they were a third of contractExamples' 114 s on PostgreSQL. Each is still a fresh copy
 * of the untouched snapshot, used once.
 */
const COPIES_AHEAD = 2;
const copiesAhead = new WeakMap<ExampleWorld, Array<Promise<string>>>();

function nextPostgresCopy(world: ExampleWorld): Promise<string> {
  let queue = copiesAhead.get(world);
  if (!queue) copiesAhead.set(world, (queue = []));
  while (queue.length < COPIES_AHEAD + 1) {
    const copy = copyPostgresDatabase(world.snapshot);
    // A copy made ahead that fails is reported when it is taken; one never taken (the server stopping) says nothing.
    copy.catch(() => undefined);
    queue.push(copy);
  }
  return queue.shift()!;
}

/** Drops the copies of the world made ahead and not used (PostgreSQL; nothing on SQLite). */
export async function disposeWorld(world: ExampleWorld | undefined): Promise<void> {
  const queue = world ? copiesAhead.get(world) : undefined;
  if (!queue) return;
  copiesAhead.delete(world!);
  for (const copy of queue.splice(0)) await copy.then(dropPostgresDatabase, () => undefined);
}

/**
 * A core of its own on a copy of the world, with the demo's simulated devices (a virtual scanner and DYMO, a loopback
 * Zebra: `veil serve --demo`), so that no example of one channel depends on what another did first.
 */
export async function openWorldCopy(t: TestCore, world: ExampleWorld, options: { logger?: Logger; desktop?: boolean } = {}): Promise<TestCore> {
  const dir = mkdtempSync(join(tmpdir(), 'veil-world-'));
  // The copy's anchors start in a folder of its own, as a copied file's do: the copy says so in its trail
  // (audit.anchoring_started), on either engine.
  const dbFile = t.database ? '' : join(dir, 'veil.db');
  const database = t.database ? await nextPostgresCopy(world) : '';
  if (dbFile) copyFileSync(world.snapshot, dbFile);
  const location = database ? { database, dataFolder: dir } : { dbFile };
  const clock = new FakeClock(t.clock.now());
  // `desktop`: the copy also has the desktop's database setting (a database.json of its own), so that the
  // administrator's database choice answers as on a workstation rather than as under veil serve.
  const desktop = options.desktop ? { desktopDatabase: { choiceFile: join(dir, 'database.json'), ownFile: dbFile || join(dir, 'veil.db'), fromEnvironment: false } } : {};
  const open = () => openVeilCoreInternals({ ...location, mode: 'browser', clock, idleSweepMs: 0, devices: 'simulated', ...desktop, ...(options.logger ? { logger: options.logger } : {}) });
  const core = await open();
  const userOf = (role: Role) => world.users.find((u) => u.role === role)!;
  const copy: TestCore = {
    core,
    clock,
    dir,
    dbFile,
    database,
    users: world.users,
    demo: t.demo,
    armOf: t.armOf,
    userOf,
    async loginAs(role, windowId = role) {
      const user = userOf(role);
      const result = await copy.core.dispatch(windowId, 'session.login', { username: user.username, password: user.password });
      if (!result.ok) throw new Error(`login as ${role} failed: ${result.error.message}`);
      return windowId;
    },
    async whileClosed(work) {
      copy.core.close();
      try {
        if (database) await untilPostgresDatabaseUnused(database);
        return await work();
      } finally {
        copy.core = await open();
      }
    },
    sql: (text, ...params) => rawRows(copy.core.store, text, params),
    dispose() {
      copy.core.close();
      rmSync(dir, { recursive: true, force: true });
      // A hundred copies of the world would fill the suite's server: each goes with its core, in the background.
      if (database) void dropPostgresDatabase(database);
    },
  };
  return copy;
}

const KIT_OF_PLACEHOLDER = new Map<string, ExampleKit>(Object.entries(EXAMPLE_KIT).map(([name, text]) => [text, name as ExampleKit]));

/**
 * The example with the real things in place of its words: a password beside a username is that user's, any other
 * the caller's; the passphrase is the study's; each kit word is the world's kit. A word this does not know fails.
 */
export function resolveExample(example: unknown, world: ExampleWorld, caller: DemoUser | null): unknown {
  const visit = (value: unknown, siblings: Record<string, unknown> | null): unknown => {
    if (Array.isArray(value)) return value.map((v) => visit(v, null));
    if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, visit(v, o)]));
    }
    if (typeof value !== 'string') return value;
    if (value === EXAMPLE_PASSWORD) {
      const named = typeof siblings?.username === 'string' ? world.users.find((u) => u.username === siblings.username) : caller;
      if (!named) throw new Error(`an example names a password of "${String(siblings?.username ?? 'the caller')}", who is not a demo user`);
      return named.password;
    }
    if (value === EXAMPLE_PASSPHRASE) return world.passphrase;
    const kit = KIT_OF_PLACEHOLDER.get(value);
    if (kit) return world.kits[kit];
    if (/^<.*>$/.test(value)) throw new Error(`an example uses the word ${value}, which the example world does not know`);
    return value;
  };
  return visit(example, null);
}

const OPEN_ACCESS = new Set(['public', 'session', 'locked']);

/** Who runs an example: the user its signature names, else the first role allowed (none for a public channel). */
export function callerOf(definition: ChannelDefinition, example: unknown, world: ExampleWorld): DemoUser | null {
  const signer = (example as { signature?: { username?: string } } | null)?.signature?.username;
  if (signer) return world.users.find((u) => u.username === signer) ?? null;
  if (definition.access === 'public') return null;
  const role = ROLES.find((r) => OPEN_ACCESS.has(definition.access) || ROLE_PERMISSIONS[r].includes(definition.access as never))!;
  return world.users.find((u) => u.role === role)!;
}
