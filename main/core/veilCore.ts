import { parsePostgresUrl } from './db/postgres';
import type { DatabaseLocation } from './db/location';
import { openDatabaseAt, type OpenedDatabase } from './db/openedDatabase';
import { Router } from './router';
import type { ChainAnchoring } from './audit/chainAnchors';
import { sessionGate } from './auth/sessionGate';
import type { RecordsChangedNotices } from './records/recordTopics';
import type { SiteMemory } from './system/siteMemory';
import { buildHandlers } from './wiring/handlerMap';
import { buildServices } from './wiring/coreServices';
import { startSweeps } from './wiring/coreSweeps';
import type { CoreOptions, VeilCore, VeilCoreInternals } from './veilCoreApi';
import type { PatientRepository } from './patients/patientRepository';

export type { CoreEventListener } from './coreEvents';
export type { CoreOptions, VeilCore, VeilCoreInternals } from './veilCoreApi';

/**
 * Opens Veil's core on its database for the windows, the command line and the server: the channels and the events,
 * and nothing behind them (the object handed out holds no database, repository or service).
 */
export async function openVeilCore(options: CoreOptions): Promise<VeilCore> {
  return channelsOf(await openVeilCoreInternals(options));
}

/** The channels and events of a core, as a new object: the parts behind them cannot be reached from it. */
export function channelsOf(core: VeilCore): VeilCore {
  return { dispatch: core.dispatch, onEvent: core.onEvent, windowClosed: core.windowClosed, close: core.close };
}

/**
 * Opens the core with its parts exposed (tests, the bench, the demo seed). Asynchronous, as the Store is on either
 * engine: the study and the site settings the services read synchronously are loaded into memory (SiteMemory) before
 * the core is handed out.
 */
export async function openVeilCoreInternals(options: CoreOptions): Promise<VeilCoreInternals> {
  const location: DatabaseLocation | null = options.database
    ? { engine: 'postgres', url: parsePostgresUrl(options.database) }
    : options.dbFile
      ? { engine: 'sqlite', file: options.dbFile }
      : null;
  if (!location) throw new Error('Veil needs a database: an SQLite file (dbFile) or a PostgreSQL address (database).');
  const opened = await openDatabaseAt(location, {
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
    ...(options.caFile ? { caFile: options.caFile } : {}),
    ...(options.dataFolder ? { dataFolder: options.dataFolder } : {}),
  });
  let built: ReturnType<typeof buildVeilCore>;
  try {
    built = buildVeilCore(options, opened);
  } catch (error) {
    await opened.close();
    throw error;
  }
  const { core, site, startExpirySweep, anchoring, recordNotices, patientRepository } = built;
  try {
    await anchoring.start();
    await site.reload();
    await site.follow(core.store);
    await recordNotices.follow(core.store);
    await patientRepository.follow(core.store);
    // The sweep reads the study: it starts once the study is in memory.
    startExpirySweep();
  } catch (error) {
    core.close();
    throw error;
  }
  return core;
}

/**
 * Wiring only: the services over the opened database (wiring/coreServices.ts), the router over their handlers
 * (wiring/handlerMap.ts), the timers (wiring/coreSweeps.ts), and the core object the windows, the command line and
 * the server hold.
 */
function buildVeilCore(
  options: CoreOptions,
  opened: OpenedDatabase,
): { core: VeilCoreInternals; site: SiteMemory; startExpirySweep: () => void; anchoring: ChainAnchoring; recordNotices: RecordsChangedNotices; patientRepository: PatientRepository } {
  const s = buildServices(options, opened);
  const { db, store, scope, site, clock, auth, sessions, users, audit, signatures, custody, lists, codeBreak, receiving, patients, unsealedStock } = s;
  const { dispensing, kitExceptions, labels, returns, reconciliation, destruction, emergency, reports, devices, repositories, study, events } = s;
  const gate = sessionGate({ auth, sessions, users: repositories.users, signatures, custody, studyRoles: s.studyRoles });
  const router = new Router(buildHandlers(s, options, opened), gate, s.logger, (error) => opened.faultOf(error), {
    closed: () => s.site.closed(),
    whileOpen: (work) => s.closeOut.whileOpen(work),
  });
  const sweeps = startSweeps(s, options);

  const core: VeilCoreInternals = {
    get db() {
      if (!db) throw new Error(`core.db is the SQLite connection; this core runs on PostgreSQL (${opened.description}): use core.store.`);
      return db;
    },
    store, scope, site, clock, router, auth, users, sessions, audit, signatures, custody, lists, codeBreak, receiving, patients, unsealedStock,
    dispensing, kitExceptions, labels, returns, reconciliation, destruction, emergency, reports, devices, repositories,
    study,
    dispatch: (windowId, channel, input) => router.dispatch(windowId, channel, input),
    onEvent: (listener) => events.listen(listener),
    windowClosed: (windowId) => sessions.end(windowId),
    close: () => {
      sweeps.stop();
      s.recordNotices.stop();
      void devices.close();
      // The last anchor first: on SQLite it is written here and now; on PostgreSQL it reads the head from the server,
      // so the pool ends only after it (ending it first left the steps of the last moments unanchored).
      const lastAnchor = s.anchoring.close();
      if (opened.engine === 'sqlite') void opened.close();
      else void lastAnchor.finally(() => opened.close());
    },
  };
  return { core, site, startExpirySweep: sweeps.startExpirySweep, anchoring: s.anchoring, recordNotices: s.recordNotices, patientRepository: s.patientRepository };
}
