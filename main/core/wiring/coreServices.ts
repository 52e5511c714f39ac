import { ALL_WINDOWS } from '../../../shared/contract';
import { VeilError } from '../../../shared/errors';
import { SITE_ACTIONS } from '../../../shared/audit/eventScope';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import { AllocationRegister } from '../allocation/allocationRegister';
import { AllocationRepository } from '../allocation/allocationRepository';
import { BlockSealing } from '../allocation/blockSealing';
import { CodeBreakService } from '../allocation/codeBreakService';
import { KeyCustodyService } from '../allocation/keyCustodyService';
import { KeyRepository } from '../allocation/keyRepository';
import { ListImportService } from '../allocation/listImportService';
import { UseBeforeService } from '../allocation/useBeforeService';
import { OverLabelRepository } from '../lots/overLabelRepository';
import { OverLabelService } from '../lots/overLabelService';
import { AuditRepository, committedChainOf } from '../audit/auditRepository';
import { AuditService } from '../audit/auditService';
import { AuditTrail } from '../audit/auditTrail';
import { anchorLocation, ChainAnchoring } from '../audit/chainAnchors';
import { AuthService } from '../auth/authService';
import { CredentialCheck } from '../auth/credentialCheck';
import { FailedAttemptsRepository } from '../auth/failedAttemptsRepository';
import { SessionTable } from '../auth/sessions';
import { Callers } from '../callers';
import { ColdChainRepository } from '../coldChain/coldChainRepository';
import { ColdChainService } from '../coldChain/coldChainService';
import { ExcursionReportService } from '../coldChain/excursionReport';
import { systemClock, isoUtc } from '../clock';
import { CoreEvents } from '../coreEvents';
import { type OpenedDatabase } from '../db/openedDatabase';
import { DestructionRepository } from '../destruction/destructionRepository';
import { DestructionService } from '../destruction/destructionService';
import { Devices } from '../devices/devices';
import { DispensingService } from '../dispensing/dispensingService';
import { UnsealedStock } from '../dispensing/unsealedStock';
import { CloseOutRepository } from '../closeOut/closeOutRepository';
import { CloseOutService } from '../closeOut/closeOutService';
import { EmergencyRepository } from '../emergency/emergencyRepository';
import { EmergencyUnblindingService } from '../emergency/emergencyUnblindingService';
import { KitRepository } from '../kits/kitRepository';
import { KitStatusService } from '../kits/kitStatusService';
import { KitExceptionRepository } from '../kits/kitExceptionRepository';
import { KitExceptionService } from '../kits/kitExceptionService';
import { LabelRepository } from '../labels/labelRepository';
import { LabelService } from '../labels/labelService';
import { silentLogger } from '../log';
import { PatientRepository } from '../patients/patientRepository';
import { PatientService } from '../patients/patientService';
import { ReceivingService } from '../receiving/receivingService';
import { ShipmentRepository } from '../receiving/shipmentRepository';
import { RecordsChangedNotices } from '../records/recordTopics';
import { ReconciliationRepository } from '../reconciliation/reconciliationRepository';
import { ReconciliationService } from '../reconciliation/reconciliationService';
import { ReportReadModel } from '../reports/reportReadModel';
import { ReportService } from '../reports/reportService';
import { ReturnsRepository } from '../returns/returnsRepository';
import { ReturnsService } from '../returns/returnsService';
import { KitScanResolver } from '../scanning/kitScanResolver';
import { SignatureRepository } from '../signatures/signatureRepository';
import { SignatureService } from '../signatures/signatureService';
import { SettingsRepository } from '../system/settingsRepository';
import { SiteMemory } from '../system/siteMemory';
import { SiteSettingsService } from '../system/siteSettingsService';
import { StudyRepository } from '../system/studyRepository';
import { currentStudyScope } from '../study/studyScope';
import { callerOfCall } from '../study/callStudy';
import { UserRepository } from '../users/userRepository';
import { DelegationRepository } from '../delegations/delegationRepository';
import { StudyRoles } from '../delegations/studyRole';
import { DelegationService } from '../delegations/delegationService';
import { UserService } from '../users/userService';
import type { CoreOptions } from '../veilCoreApi';

/**
 * Every repository and service of the core, built once over the opened database: the composition root's object graph
 * (veilCore.ts hands it to the handlers and the sweeps). Order matters only where a service takes another.
 */
export function buildServices(options: CoreOptions, opened: OpenedDatabase) {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const { store } = opened;
  const db = opened.sqlite;
  // The study the study-owned records are read and written in: the site's current one (SiteMemory, below).
  const scope = currentStudyScope(() => site.currentStudy());
  const repositories = {
    users: new UserRepository(store),
    settings: new SettingsRepository(store),
    study: new StudyRepository(store),
    allocation: new AllocationRepository(store, scope),
    keys: new KeyRepository(store, scope),
    closures: new CloseOutRepository(store),
    delegations: new DelegationRepository(store),
  };
  // The study, its closure and the site settings, in memory: read synchronously on every call, loaded again after each change.
  const site = new SiteMemory(repositories.study, repositories.settings, repositories.closures);
  const study = (): StudyConfig => {
    const loaded = site.study();
    if (!loaded) throw VeilError.says('conflict', { key: 'lists.noStudy' });
    return loaded;
  };
  const sessions = new SessionTable(clock);
  const audit = new AuditTrail(store, new AuditRepository(store), clock, () => site.study()?.code ?? null);
  // The last anchor at close reads the file's head synchronously (close cannot wait; see ChainAnchoring).
  const anchoring = new ChainAnchoring(store, audit, clock, logger, anchorLocation(opened.anchorPath, options.anchorKeyVault), undefined, db ? committedChainOf(db) : undefined);
  audit.onAppend(() => anchoring.eventAppended());
  const credentials = new CredentialCheck(store, new FailedAttemptsRepository(store), repositories.users, repositories.settings, sessions, clock, audit);
  const signatures = new SignatureService(store, new SignatureRepository(store), repositories.users, sessions, clock, credentials, audit);
  // Who may act as what in the current study today: read at login and at every call.
  const studyRoles = new StudyRoles(repositories.delegations, site, clock);
  const custody = new KeyCustodyService(store, repositories.keys, repositories.users, sessions, audit, signatures, clock, credentials, studyRoles, scope);
  const auth = new AuthService(store, repositories.users, site, sessions, clock, audit, custody, credentials, studyRoles);
  const delegations = new DelegationService(store, repositories.delegations, repositories.users, site, studyRoles, auth, custody, signatures, audit, clock);
  const users = new UserService(store, repositories.users, auth, clock, audit, custody, delegations);
  // Over-labels follow every move of the blinded date on the shelf: at an import, a confirmation or an extension.
  const overLabels = new OverLabelService(store, new OverLabelRepository(store, scope), audit, clock, study, () => devices);
  const lists = new ListImportService(store, repositories.allocation, audit, signatures, clock, study, overLabels);
  const register = new AllocationRegister(store, repositories.allocation, audit, study, credentials);
  // The pages that held the transition values leave the WAL for the file (overwritten: secure_delete is on).
  const blockSealing = new BlockSealing(store, repositories.allocation, audit, () => opened.forgetWrittenPages());
  custody.whenKeyOpened((opened) => blockSealing.completeAfterUpgrade(opened));
  const codeBreak = new CodeBreakService(repositories.allocation, custody, study);
  // With several studies, a reader reads their study's events and the site's; with one, every event is its or the site's.
  const readableTrail = () => {
    const study = site.currentStudy();
    return study && site.studies().length > 1 ? { code: study.code, ownsUnnamed: study.id === study.first, siteActions: SITE_ACTIONS } : undefined;
  };
  const auditService = new AuditService(db, store, audit, signatures, clock, () => site.study(), () => anchoring.verificationTarget(), readableTrail);
  const kitRepository = new KitRepository(store, scope);
  const kitStatus = new KitStatusService(kitRepository, audit);
  const useBefore = new UseBeforeService(store, repositories.allocation, audit, signatures, kitStatus, clock, study, overLabels);
  // A kit of another study the caller works in is named as that study's; of a study they do not work in, it is unknown.
  // With one study there is nothing to look for: a scan costs no read more than it did.
  const scans = new KitScanResolver(kitRepository, clock, () => site.scanner().gsReplacement, async (code) => {
    const userId = callerOfCall();
    if (userId === undefined || site.studies().length < 2 || (await kitRepository.get(code))) return null;
    const holding = await kitRepository.otherStudiesHolding(code);
    const user = holding.length > 0 ? await repositories.users.byId(userId) : undefined;
    if (!user) return null;
    return (await studyRoles.studiesOf(user)).find((study) => holding.includes(study.id))?.code ?? null;
  });
  const receiving = new ReceivingService(store, new ShipmentRepository(store, scope), kitRepository, kitStatus, audit, signatures, clock, scans, study);
  const patientRepository = new PatientRepository(store, scope);
  const emergencyRepository = new EmergencyRepository(store, scope);
  const patients = new PatientService(store, patientRepository, audit, signatures, clock, study, () => emergencyRepository.unblindedPatientIds());
  const labels = new LabelService(store, new LabelRepository(store, scope), audit, study, scope);
  const returnsRepository = new ReturnsRepository(store, scope);
  const returns = new ReturnsService(store, returnsRepository, kitRepository, kitStatus, audit, scans, clock, study, signatures);
  const reconciliation = new ReconciliationService(store, new ReconciliationRepository(store, scope), audit, signatures, clock, study);
  const destruction = new DestructionService(store, new DestructionRepository(store, scope), kitRepository, kitStatus, credentials, audit, signatures, clock, returnsRepository);
  const reports = new ReportService(store, new ReportReadModel(store, scope), audit, clock, study, () => site.site());
  const siteSettings = new SiteSettingsService(store, repositories.settings, site, audit);
  const coldChainRepository = new ColdChainRepository(store, scope);
  const coldChain = new ColdChainService(store, coldChainRepository, audit, signatures, clock, study, () => site.studies().map((s) => s.id));
  const excursionReports = new ExcursionReportService(store, coldChainRepository, audit, signatures, clock, study, () => site.site());
  const emergency = new EmergencyUnblindingService(store, emergencyRepository, patientRepository, repositories.allocation, custody, audit, signatures, clock, study);
  // Opened arms and expiry dates live as long as the session's key, and go with it.
  const unsealedStock = new UnsealedStock(kitRepository);
  sessions.onKeyWiped((key) => unsealedStock.drop(key));
  const kitExceptionRepository = new KitExceptionRepository(store, scope);
  const kitExceptions = new KitExceptionService(store, kitExceptionRepository, kitRepository, kitStatus, signatures, scans, clock, patientRepository, audit);
  const dispensing = new DispensingService(store, patientRepository, kitRepository, repositories.allocation, kitStatus, audit, signatures, clock, study, scans, credentials, unsealedStock, studyRoles);
  const events = new CoreEvents();
  auth.onSessionChanged((windowId, state) => events.emit(windowId, 'session.changed', state));
  emergency.onUnblinded((notice) => events.emit(ALL_WINDOWS, 'patient.emergencyUnblinded', notice));
  // Every window hears which areas of the records changed, here or at another workstation (follows the Store once the
  // core is open: veilCore.ts), so open lists reload within a second.
  const recordNotices = new RecordsChangedNotices((topics) => events.emit(ALL_WINDOWS, 'records.changed', { topics }));
  // Scans go to every window of this process (browser mode has one): the window with a scan field takes them.
  const devices = new Devices(options.devices ?? (options.mode === 'desktop' ? 'hardware' : 'none'), {
    store,
    scope,
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
  const closeOut = new CloseOutService(store, repositories.closures, kitRepository, reconciliation, audit, signatures, repositories.users, clock, study, site);
  return { store, scope, clock, logger, db, repositories, site, study, sessions, audit, anchoring, credentials, signatures, custody, studyRoles, auth, delegations, users, overLabels, lists, register, blockSealing, codeBreak, auditService, kitRepository, kitStatus, useBefore, scans, receiving, patientRepository, emergencyRepository, patients, labels, returnsRepository, returns, reconciliation, destruction, reports, siteSettings, coldChainRepository, coldChain, excursionReports, emergency, unsealedStock, kitExceptionRepository, kitExceptions, dispensing, events, recordNotices, devices, callers, closeOut };
}

export type CoreServices = ReturnType<typeof buildServices>;
