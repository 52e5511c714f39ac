import { ALL_WINDOWS } from '../../shared/contract';
import { VeilError } from '../../shared/errors';
import type { StudyConfig } from '../../shared/study/studyConfig';
import { allocationHandlers } from './allocation/allocationHandlers';
import { AllocationRegister } from './allocation/allocationRegister';
import { AllocationRepository } from './allocation/allocationRepository';
import { AllocationStatusService } from './allocation/allocationStatusService';
import { BlockSealing } from './allocation/blockSealing';
import { CodeBreakService } from './allocation/codeBreakService';
import { KeyCustodyService } from './allocation/keyCustodyService';
import { KeyRepository } from './allocation/keyRepository';
import { ListImportService } from './allocation/listImportService';
import { UseBeforeService } from './allocation/useBeforeService';
import { auditHandlers } from './audit/auditHandlers';
import { AuditRepository, committedChainOf } from './audit/auditRepository';
import { AuditService } from './audit/auditService';
import { AuditTrail } from './audit/auditTrail';
import { anchorLocation, ChainAnchoring } from './audit/chainAnchors';
import { AuthService } from './auth/authService';
import { CredentialCheck } from './auth/credentialCheck';
import { FailedAttemptsRepository } from './auth/failedAttemptsRepository';
import { sessionGate } from './auth/sessionGate';
import { sessionHandlers } from './auth/sessionHandlers';
import { SessionTable } from './auth/sessions';
import { Callers } from './callers';
import { coldChainHandlers } from './coldChain/coldChainHandlers';
import { ColdChainRepository } from './coldChain/coldChainRepository';
import { ColdChainService } from './coldChain/coldChainService';
import { ExcursionReportService } from './coldChain/excursionReport';
import { systemClock, isoUtc } from './clock';
import { CoreEvents } from './coreEvents';
import type { DatabaseLocation } from './db/location';
import { openDatabaseAt, type OpenedDatabase } from './db/openedDatabase';
import { parsePostgresUrl } from './db/postgres';
import { DestructionCertificates } from './destruction/destructionCertificates';
import { DestructionRepository } from './destruction/destructionRepository';
import { destructionHandlers } from './destruction/destructionHandlers';
import { DestructionService } from './destruction/destructionService';
import { deviceHandlers } from './devices/deviceHandlers';
import { Devices } from './devices/devices';
import { dispensingHandlers } from './dispensing/dispensingHandlers';
import { DispensingService } from './dispensing/dispensingService';
import { UnsealedStock } from './dispensing/unsealedStock';
import { emergencyHandlers } from './emergency/emergencyHandlers';
import { EmergencyRepository } from './emergency/emergencyRepository';
import { EmergencyUnblindingService } from './emergency/emergencyUnblindingService';
import { inventoryHandlers } from './kits/inventoryHandlers';
import { InventoryService } from './kits/inventoryService';
import { KitRepository } from './kits/kitRepository';
import { KitStatusService } from './kits/kitStatusService';
import { KitExceptionRepository } from './kits/kitExceptionRepository';
import { KitExceptionService } from './kits/kitExceptionService';
import { kitExceptionHandlers } from './kits/kitExceptionHandlers';
import { LotRepository } from './lots/lotRepository';
import { LotRecallService } from './lots/lotRecallService';
import { lotHandlers } from './lots/lotHandlers';
import { ExpiryExtensionService } from './lots/expiryExtensionService';
import { kitStoryHandlers } from './kits/kitStoryHandlers';
import { KitStoryReadModel } from './kits/kitStoryReadModel';
import { KitStoryService } from './kits/kitStoryService';
import { labelHandlers } from './labels/labelHandlers';
import { LabelFiles } from './labels/labelFiles';
import { LabelRepository } from './labels/labelRepository';
import { LabelService } from './labels/labelService';
import { silentLogger } from './log';
import { patientHandlers } from './patients/patientHandlers';
import { PatientRepository } from './patients/patientRepository';
import { PatientService } from './patients/patientService';
import { ReceivingService } from './receiving/receivingService';
import { shipmentHandlers } from './receiving/shipmentHandlers';
import { ShipmentRepository } from './receiving/shipmentRepository';
import { reconciliationHandlers } from './reconciliation/reconciliationHandlers';
import { ReconciliationRepository } from './reconciliation/reconciliationRepository';
import { ReconciliationService } from './reconciliation/reconciliationService';
import { reportHandlers } from './reports/reportHandlers';
import { ReportReadModel } from './reports/reportReadModel';
import { ReportService } from './reports/reportService';
import { returnsHandlers } from './returns/returnsHandlers';
import { ReturnsRepository } from './returns/returnsRepository';
import { ReturnsService } from './returns/returnsService';
import { Router } from './router';
import { KitScanResolver } from './scanning/kitScanResolver';
import { SignatureRepository } from './signatures/signatureRepository';
import { SignatureService } from './signatures/signatureService';
import { SettingsRepository } from './system/settingsRepository';
import { SiteMemory } from './system/siteMemory';
import { SiteSettingsService } from './system/siteSettingsService';
import { StudyRepository } from './system/studyRepository';
import { systemHandlers } from './system/systemHandlers';
import { SystemInfoService } from './system/systemInfoService';
import { userHandlers } from './users/userHandlers';
import { UserRepository } from './users/userRepository';
import { UserService } from './users/userService';

export type { CoreEventListener } from './coreEvents';

import type { CoreOptions, VeilCore } from './veilCoreApi';

export type { CoreOptions, VeilCore } from './veilCoreApi';

/**
 * Opens Veil's core on its database: everything the windows, the command line and the server call. Asynchronous, as
 * the Store is on either engine: the study and the site settings the services read synchronously are loaded into
 * memory (SiteMemory) before the core is handed out.
 */
export async function openVeilCore(options: CoreOptions): Promise<VeilCore> {
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
  const { core, site, startExpirySweep, anchoring } = built;
  try {
    await anchoring.start();
    await site.reload();
    await site.follow(core.store);
    // The sweep reads the study: it starts once the study is in memory.
    startExpirySweep();
  } catch (error) {
    core.close();
    throw error;
  }
  return core;
}

function buildVeilCore(options: CoreOptions, opened: OpenedDatabase): { core: VeilCore; site: SiteMemory; startExpirySweep: () => void; anchoring: ChainAnchoring } {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const { store } = opened;
  const db = opened.sqlite;
  const repositories = {
    users: new UserRepository(store),
    settings: new SettingsRepository(store),
    study: new StudyRepository(store),
    allocation: new AllocationRepository(store),
    keys: new KeyRepository(store),
  };
  // The study and the site settings, in memory: read synchronously on every call, loaded again after each change.
  const site = new SiteMemory(repositories.study, repositories.settings);
  const study = (): StudyConfig => {
    const loaded = site.study();
    if (!loaded) throw VeilError.says('conflict', { key: 'lists.noStudy' });
    return loaded;
  };
  const sessions = new SessionTable(clock);
  const audit = new AuditTrail(store, new AuditRepository(store), clock);
  // The last anchor at close reads the file's head synchronously (close cannot wait; see ChainAnchoring).
  const anchoring = new ChainAnchoring(store, audit, clock, logger, anchorLocation(opened.anchorPath, options.anchorKeyVault), undefined, db ? committedChainOf(db) : undefined);
  audit.onAppend(() => anchoring.eventAppended());
  const credentials = new CredentialCheck(store, new FailedAttemptsRepository(store), repositories.users, repositories.settings, sessions, clock, audit);
  const signatures = new SignatureService(store, new SignatureRepository(store), repositories.users, sessions, clock, credentials, audit);
  const custody = new KeyCustodyService(store, repositories.keys, repositories.users, sessions, audit, signatures, clock, credentials);
  const auth = new AuthService(store, repositories.users, site, sessions, clock, audit, custody, credentials);
  const users = new UserService(store, repositories.users, auth, clock, audit, custody);
  const lists = new ListImportService(store, repositories.allocation, audit, signatures, clock, study);
  const register = new AllocationRegister(store, repositories.allocation, audit, study, credentials);
  // The pages that held the transition values leave the WAL for the file (overwritten: secure_delete is on).
  const blockSealing = new BlockSealing(store, repositories.allocation, audit, () => opened.forgetWrittenPages());
  custody.whenKeyOpened((opened) => blockSealing.completeAfterUpgrade(opened));
  const codeBreak = new CodeBreakService(repositories.allocation, custody, study);
  const auditService = new AuditService(db, audit, signatures, clock, () => site.study(), () => anchoring.verificationTarget());
  const kitRepository = new KitRepository(store);
  const kitStatus = new KitStatusService(kitRepository, audit);
  const useBefore = new UseBeforeService(store, repositories.allocation, audit, signatures, kitStatus, clock, study);
  const scans = new KitScanResolver(kitRepository, clock, () => site.scanner().gsReplacement);
  const receiving = new ReceivingService(store, new ShipmentRepository(store), kitRepository, kitStatus, audit, signatures, clock, scans, study);
  const patientRepository = new PatientRepository(store);
  const emergencyRepository = new EmergencyRepository(store);
  const patients = new PatientService(store, patientRepository, audit, signatures, clock, study, () => emergencyRepository.unblindedPatientIds());
  const labels = new LabelService(store, new LabelRepository(store), audit, study);
  const returnsRepository = new ReturnsRepository(store);
  const returns = new ReturnsService(store, returnsRepository, kitRepository, kitStatus, audit, scans, clock, study, signatures);
  const reconciliation = new ReconciliationService(store, new ReconciliationRepository(store), audit, signatures, clock, study);
  const destruction = new DestructionService(store, new DestructionRepository(store), kitRepository, kitStatus, credentials, audit, signatures, clock, returnsRepository);
  const reports = new ReportService(store, new ReportReadModel(store), audit, clock, study, () => site.site());
  const siteSettings = new SiteSettingsService(store, repositories.settings, site, audit);
  const coldChainRepository = new ColdChainRepository(store);
  const coldChain = new ColdChainService(store, coldChainRepository, audit, signatures, clock, study);
  const excursionReports = new ExcursionReportService(store, coldChainRepository, audit, signatures, clock, study, () => site.site());
  const emergency = new EmergencyUnblindingService(store, emergencyRepository, patientRepository, repositories.allocation, custody, audit, signatures, clock, study);
  // Opened arms and expiry dates live as long as the session's key, and go with it.
  const unsealedStock = new UnsealedStock(kitRepository);
  sessions.onKeyWiped((key) => unsealedStock.drop(key));
  const kitExceptions = new KitExceptionService(store, new KitExceptionRepository(store), kitRepository, kitStatus, signatures, scans, clock, patientRepository, audit);
  const lotRecall = new LotRecallService(store, new LotRepository(store), repositories.allocation, kitStatus, signatures, audit, study);
  const expiryExtension = new ExpiryExtensionService(store, repositories.allocation, kitRepository, useBefore, signatures, audit, study);
  const dispensing = new DispensingService(store, patientRepository, kitRepository, repositories.allocation, kitStatus, audit, signatures, clock, study, scans, credentials, unsealedStock);
  const events = new CoreEvents();
  auth.onSessionChanged((windowId, state) => events.emit(windowId, 'session.changed', state));
  emergency.onUnblinded((notice) => events.emit(ALL_WINDOWS, 'patient.emergencyUnblinded', notice));
  // Scans go to every window of this process (browser mode has one): the window with a scan field takes them.
  const devices = new Devices(options.devices ?? (options.mode === 'desktop' ? 'hardware' : 'none'), {
    store,
    clock,
    logger,
    audit,
    labels,
    judgeScan: async (code) => {
      const resolved = await scans.resolve(code);
      return resolved.ok && (await kitRepository.get(resolved.kitNumber)) !== undefined;
    },
    onScan: (scan) => events.emit(ALL_WINDOWS, 'devices.scan', { code: scan.code, aim: scan.aim, symbology: scan.symbology, source: 'scanner', at: isoUtc(scan.at), scanner: scan.scanner }),
    onChanged: (reason) => events.emit(ALL_WINDOWS, 'devices.changed', { reason }),
  });

  const callers = new Callers(repositories.users, signatures);
  const allocationStatus = new AllocationStatusService(repositories.allocation, repositories.keys, repositories.users, custody, callers);
  const handlers = {
    session: sessionHandlers({ auth }),
    system: systemHandlers({ info: new SystemInfoService(site, () => opened.schemaVersion, clock, options.mode), siteSettings, callers }),
    users: userHandlers({ users }),
    allocation: allocationHandlers({ status: allocationStatus, custody, lists, useBefore, register, callers }),
    shipments: shipmentHandlers({ receiving, callers }),
    inventory: inventoryHandlers({ inventory: new InventoryService(kitRepository) }),
    kitStory: kitStoryHandlers({ story: new KitStoryService(store, new KitStoryReadModel(store), audit, auditService, scans, clock, study, () => site.site()) }),
    patients: patientHandlers({ patients, callers }),
    dispensing: dispensingHandlers({ dispensing, patients, callers }),
    labels: labelHandlers({ labelFiles: new LabelFiles(labels), callers }),
    returns: returnsHandlers({ returns, callers }),
    reconciliation: reconciliationHandlers({ reconciliation, callers }),
    destruction: destructionHandlers({ destruction, certificates: new DestructionCertificates(destruction, audit, clock, study, site), callers }),
    emergency: emergencyHandlers({ emergency, callers }),
    reports: reportHandlers({ reports }),
    devices: deviceHandlers({ devices, callers }),
    audit: auditHandlers({ auditService }),
    coldChain: coldChainHandlers({ coldChain, reports: excursionReports, scans, callers }),
    kitExceptions: kitExceptionHandlers({ exceptions: kitExceptions, callers }),
    lots: lotHandlers({ recall: lotRecall, extension: expiryExtension, callers }),
  };
  const gate = sessionGate({ auth, sessions, users: repositories.users, signatures, custody });
  const router = new Router(handlers, gate, logger, (error) => opened.faultOf(error));

  const sweepMs = options.idleSweepMs ?? 15_000;
  const timer = sweepMs > 0 ? setInterval(() => void auth.lockIdleWindows().catch(() => undefined), sweepMs) : null;
  timer?.unref();
  // The expiry sweep (issue 16, item 1): at start-up, then every expirySweepMs, with nobody logged in. Off with the
  // idle sweep unless asked for (tests and one-shot commands drive it by hand).
  const expiryMs = options.expirySweepMs ?? (sweepMs > 0 ? 60 * 60_000 : 0);
  const sweepExpired = () =>
    kitExceptions.sweepExpired().then(
      (kits) => {
        if (kits.length > 0) logger.info('kits expired by the expiry sweep', { count: kits.length });
      },
      (error: unknown) => logger.error('the expiry sweep failed', { error: error instanceof Error ? error.message : String(error) }),
    );
  let expiryTimer: ReturnType<typeof setInterval> | null = null;
  const startExpirySweep = () => {
    if (expiryMs <= 0) return;
    void sweepExpired();
    expiryTimer = setInterval(() => void sweepExpired(), expiryMs);
    expiryTimer.unref();
  };

  const core: VeilCore = {
    get db() {
      if (!db) throw new Error(`core.db is the SQLite connection; this core runs on PostgreSQL (${opened.description}): use core.store.`);
      return db;
    },
    store, site, clock, router, auth, users, sessions, audit, signatures, custody, lists, codeBreak, receiving, patients, unsealedStock,
    dispensing, kitExceptions, labels, returns, reconciliation, destruction, emergency, reports, devices, repositories,
    study,
    dispatch: (windowId, channel, input) => router.dispatch(windowId, channel, input),
    onEvent: (listener) => events.listen(listener),
    windowClosed: (windowId) => sessions.end(windowId),
    close: () => {
      if (timer) clearInterval(timer);
      if (expiryTimer) clearInterval(expiryTimer);
      void devices.close();
      anchoring.close();
      void opened.close();
    },
  };
  return { core, site, startExpirySweep, anchoring };
}
