import { ALL_WINDOWS, type EventName, type EventPayload } from '../../shared/contract';
import { VeilError } from '../../shared/errors';
import { visitNamesByLanguage, type StudyConfig } from '../../shared/study/studyConfig';
import { compareKitNumbers } from '../../shared/allocation/kitOrder';
import { KIT_STATUSES, type KitStatus } from '../../shared/kits/kitLifecycle';
import { AllocationRegister } from './allocation/allocationRegister';
import { AllocationRepository } from './allocation/allocationRepository';
import { BlockSealing } from './allocation/blockSealing';
import { CodeBreakService } from './allocation/codeBreakService';
import { KeyCustodyService } from './allocation/keyCustodyService';
import { KeyStore } from './allocation/keyStore';
import { ListImportService } from './allocation/listImportService';
import { UseBeforeService } from './allocation/useBeforeService';
import { AuditService } from './audit/auditService';
import { AuditTrail } from './audit/auditTrail';
import { anchorLocation, ChainAnchoring, type AnchorKeyVault } from './audit/chainAnchors';
import { AuthService } from './auth/authService';
import { CredentialCheck } from './auth/credentialCheck';
import { FailedAttemptsRepository } from './auth/failedAttemptsRepository';
import { SessionTable } from './auth/sessions';
import { UnsealedStock } from './dispensing/unsealedStock';
import { systemClock, isoUtc, type Clock } from './clock';
import { openDatabase, schemaVersion, type Db } from './db/database';
import { storageFaultOf } from './db/storageFaults';
import { silentLogger, type Logger } from './log';
import { Router, type CallContext, type Handlers } from './router';
import { SignatureService, type SignatureRecord } from './signatures/signatureService';
import { SettingsRepository } from './system/settingsRepository';
import { SiteSettingsService } from './system/siteSettingsService';
import { StudyRepository } from './system/studyRepository';
import { UserRepository } from './users/userRepository';
import { UserService } from './users/userService';
import { VEIL_VERSION } from './version';
import { KitRepository } from './kits/kitRepository';
import { KitStatusService } from './kits/kitStatusService';
import { ShipmentRepository } from './receiving/shipmentRepository';
import { ReceivingService } from './receiving/receivingService';
import { PatientRepository } from './patients/patientRepository';
import { PatientService } from './patients/patientService';
import { DispensingService } from './dispensing/dispensingService';
import { KitScanResolver } from './scanning/kitScanResolver';
import { LabelService } from './labels/labelService';
import { ReturnsService } from './returns/returnsService';
import { ReturnsRepository } from './returns/returnsRepository';
import { ReconciliationService } from './reconciliation/reconciliationService';
import { ReconciliationRepository } from './reconciliation/reconciliationRepository';
import { DestructionService } from './destruction/destructionService';
import { EmergencyRepository } from './emergency/emergencyRepository';
import { EmergencyUnblindingService } from './emergency/emergencyUnblindingService';
import { destructionCertificate } from './reports/destructionCertificate';
import { ReportService } from './reports/reportService';
import { Devices, type DevicesOption } from './devices/devices';

export interface CoreOptions {
  dbFile: string;
  mode: 'desktop' | 'browser';
  clock?: Clock;
  logger?: Logger;
  nativeBinding?: string;
  /** How often idle sessions are swept and locked (ms); 0 disables the timer (tests drive it by hand). */
  idleSweepMs?: number;
  /** How long a write waits for another program's lock on the database before it is refused (default 5 s). */
  busyTimeoutMs?: number;
  /**
   * Where the key that countersigns audit chain heads is kept (default: a file beside the database, owner-only); the
   * desktop shell may give the OS key store. The anchors themselves go to `<dbFile>.audit-anchors`.
   */
  anchorKeyVault?: AnchorKeyVault;
  /** Scanners and label printers: 'hardware' (node-hid; the desktop default), 'simulated' (demo), 'none' (browser-mode default), or tests' own. */
  devices?: DevicesOption;
}

export type CoreEventListener = <E extends EventName>(windowId: string, event: E, payload: EventPayload<E>) => void;

/** The composition root of main/core: one database, its repositories, services and the router over them. */
export interface VeilCore {
  readonly db: Db;
  readonly clock: Clock;
  readonly router: Router;
  readonly auth: AuthService;
  readonly users: UserService;
  readonly sessions: SessionTable;
  readonly audit: AuditTrail;
  readonly signatures: SignatureService;
  readonly custody: KeyCustodyService;
  readonly lists: ListImportService;
  readonly codeBreak: CodeBreakService;
  readonly receiving: ReceivingService;
  readonly patients: PatientService;
  readonly dispensing: DispensingService;
  /** Arms and expiry dates opened per unblinded session (dropped with its key). */
  readonly unsealedStock: UnsealedStock;
  readonly labels: LabelService;
  readonly returns: ReturnsService;
  readonly reconciliation: ReconciliationService;
  readonly destruction: DestructionService;
  readonly emergency: EmergencyUnblindingService;
  readonly reports: ReportService;
  readonly devices: Devices;
  readonly repositories: { users: UserRepository; settings: SettingsRepository; study: StudyRepository; allocation: AllocationRepository; keys: KeyStore };
  /** The loaded study; throws a clear conflict when none is loaded yet. */
  study(): StudyConfig;
  dispatch(windowId: string, channel: string, input: unknown): ReturnType<Router['dispatch']>;
  onEvent(listener: CoreEventListener): void;
  /** A window closed (Electron) or its page went away: end its session. */
  windowClosed(windowId: string): void;
  close(): void;
}

const signatureView = (s: SignatureRecord) => ({ id: s.id, printedName: s.printedName, meaning: s.meaning, signedAtUtc: s.signedAtUtc });

export function createVeilCore(options: CoreOptions): VeilCore {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const db = openDatabase(options.dbFile, {
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
  });
  const repositories = {
    users: new UserRepository(db),
    settings: new SettingsRepository(db),
    study: new StudyRepository(db),
    allocation: new AllocationRepository(db),
    keys: new KeyStore(db),
  };
  const study = (): StudyConfig => {
    const loaded = repositories.study.current();
    if (!loaded) throw new VeilError('conflict', 'No study is loaded in this database yet.');
    return loaded;
  };
  const sessions = new SessionTable(clock);
  const audit = new AuditTrail(db, clock);
  const anchoring = new ChainAnchoring(db, audit, clock, logger, anchorLocation(options.dbFile, options.anchorKeyVault));
  audit.onAppend(() => anchoring.eventAppended());
  anchoring.start();
  const credentials = new CredentialCheck(db, new FailedAttemptsRepository(db), repositories.users, repositories.settings, sessions, clock, audit);
  const signatures = new SignatureService(db, repositories.users, sessions, clock, credentials, audit);
  const custody = new KeyCustodyService(db, repositories.keys, repositories.users, sessions, audit, signatures, clock, credentials);
  const auth = new AuthService(db, repositories.users, repositories.settings, sessions, clock, audit, custody, credentials);
  const users = new UserService(db, repositories.users, auth, clock, audit, custody);
  const lists = new ListImportService(db, repositories.allocation, audit, signatures, clock, study);
  const register = new AllocationRegister(db, repositories.allocation, audit, study, credentials);
  const blockSealing = new BlockSealing(db, repositories.allocation, audit);
  custody.whenKeyOpened((opened) => blockSealing.completeAfterUpgrade({ ...opened, username: repositories.users.byId(opened.userId)!.username }));
  const codeBreak = new CodeBreakService(repositories.allocation, custody, study);
  const auditService = new AuditService(db, audit, signatures, clock, () => repositories.study.current(), () => anchoring.verificationTarget());
  const kitRepository = new KitRepository(db);
  const kitStatus = new KitStatusService(kitRepository, audit);
  const useBefore = new UseBeforeService(db, repositories.allocation, audit, signatures, kitStatus, clock, study);
  const scans = new KitScanResolver(db, kitRepository, clock, () => repositories.settings.scanner().gsReplacement);
  const receiving = new ReceivingService(db, new ShipmentRepository(db), kitRepository, kitStatus, audit, signatures, clock, scans, study);
  const patientRepository = new PatientRepository(db);
  const emergencyRepository = new EmergencyRepository(db);
  const patients = new PatientService(db, patientRepository, audit, signatures, clock, study, () => emergencyRepository.unblindedPatientIds());
  const labels = new LabelService(db, audit, study);
  const returnsRepository = new ReturnsRepository(db);
  const returns = new ReturnsService(db, returnsRepository, kitRepository, kitStatus, audit, scans, clock, study, signatures);
  const reconciliation = new ReconciliationService(db, new ReconciliationRepository(db), audit, signatures, clock, study);
  const destruction = new DestructionService(db, kitRepository, kitStatus, credentials, audit, signatures, clock, returnsRepository);
  const reports = new ReportService(db, audit, clock, study, () => repositories.settings.site());
  const siteSettings = new SiteSettingsService(db, repositories.settings, audit);
  const emergency = new EmergencyUnblindingService(db, emergencyRepository, patientRepository, repositories.allocation, custody, audit, signatures, clock, study);
  // Opened arms and expiry dates live as long as the session's key, and go with it.
  const unsealedStock = new UnsealedStock(kitRepository);
  sessions.onKeyWiped((key) => unsealedStock.drop(key));
  const dispensing = new DispensingService(db, patientRepository, kitRepository, repositories.allocation, kitStatus, audit, signatures, clock, study, scans, credentials, unsealedStock);
  const listeners: CoreEventListener[] = [];
  auth.onSessionChanged((windowId, state) => listeners.forEach((l) => l(windowId, 'session.changed', state)));
  // Scans go to every window of this process (browser mode has one): the window with a scan field takes them.
  const devices = new Devices(options.devices ?? (options.mode === 'desktop' ? 'hardware' : 'none'), {
    db,
    clock,
    logger,
    audit,
    labels,
    judgeScan: (code) => {
      const resolved = scans.resolve(code);
      return resolved.ok && kitRepository.get(resolved.kitNumber) !== undefined;
    },
    onScan: (scan) => listeners.forEach((l) => l(ALL_WINDOWS, 'devices.scan', { code: scan.code, aim: scan.aim, symbology: scan.symbology, source: 'scanner', at: isoUtc(scan.at), scanner: scan.scanner })),
    onChanged: (reason) => listeners.forEach((l) => l(ALL_WINDOWS, 'devices.changed', { reason })),
  });

  const actorOf = (ctx: CallContext) => {
    const user = repositories.users.byId(ctx.user!.id)!;
    return { userId: user.id, username: user.username, role: user.role };
  };

  const handlers: Handlers = {
    session: {
      current: (ctx) => auth.state(ctx.windowId),
      createAdministrator: (ctx, input) => auth.createAdministrator(ctx.windowId, input),
      login: (ctx, input) => auth.login(ctx.windowId, input),
      logout: (ctx) => auth.logout(ctx.windowId),
      lock: (ctx) => auth.lock(ctx.windowId),
      unlock: (ctx, input) => auth.unlock(ctx.windowId, input.password),
      heartbeat: () => ({ done: true as const }),
      changePassword: (ctx, input) => auth.changePassword(ctx.windowId, ctx.user!.id, input),
    },
    system: {
      info: () => {
        const loaded = repositories.study.current();
        return {
          application: 'Veil' as const,
          version: VEIL_VERSION,
          mode: options.mode,
          study: loaded && { code: loaded.code, title: loaded.title, sponsor: loaded.sponsor.name, visitNames: visitNamesByLanguage(loaded) },
          site: repositories.settings.siteName(),
          schemaVersion: schemaVersion(db),
          serverTime: isoUtc(clock.now()),
        };
      },
      securitySettings: () => repositories.settings.security(),
      updateSiteName: (ctx, input) => siteSettings.rename(actorOf(ctx), input.name),
      updateSecuritySettings: (ctx, input) => {
        db.transaction(() => {
          const before = repositories.settings.security();
          repositories.settings.setSecurity(input);
          audit.append(actorOf(ctx), { action: 'settings.security_changed', entityType: 'settings', entityId: 'security', before, after: input });
        })();
        return repositories.settings.security();
      },
    },
    users: {
      list: () => users.list(),
      create: (ctx, input) => users.create(ctx.user!.id, input),
      setActive: (ctx, input) => users.setActive(ctx.user!.id, input),
      resetPassword: (ctx, input) => users.resetPassword(ctx.user!.id, input),
    },
    allocation: {
      status: (ctx) => {
        const holders = repositories.keys.holders();
        const holderIds = new Set(holders.map((h) => h.userId));
        return {
          keySetUp: custody.isSetUp(),
          sessionHoldsKey: sessions.keyOf(ctx.windowId) !== null,
          ...repositories.allocation.counts(),
          imports: repositories.allocation.imports().map((i) => ({
            id: i.id,
            kind: i.kind as 'randomization' | 'kits',
            fileName: i.fileName,
            sha256: i.sha256,
            rowCount: i.rowCount,
            importedAt: i.importedAt,
            signature: signatureView(signatures.byId(i.signatureId)!),
          })),
          keyHolders: holders.map((h) => {
            const u = repositories.users.byId(h.userId)!;
            return { username: u.username, displayName: u.displayName, grantedAt: h.createdAt };
          }),
          awaitingAccess: repositories.users
            .list()
            .filter((u) => u.active && KeyCustodyService.needsKeyPair(u.role) && !holderIds.has(u.id))
            .map((u) => ({ userId: u.id, username: u.username, displayName: u.displayName, canBeGranted: custody.canBeGranted(u) })),
        };
      },
      setUpKey: async (ctx) => {
        const result = await custody.setUp(ctx.windowId, ctx.signer!);
        return { codeBreakPassphrase: result.codeBreakPassphrase, signature: signatureView(signatures.byId(result.signatureId)!) };
      },
      checkList: (ctx, input) => {
        const file = Buffer.from(input.contentBase64, 'base64');
        const { parsed, risk, expiryHolds } =
          input.kind === 'randomization' ? { parsed: lists.checkRandomizationList(file), risk: null, expiryHolds: [] } : lists.checkKitList(file, custody.requireKey(ctx.windowId));
        return { rowCount: parsed.rows.length, sha256: parsed.sha256, encoding: parsed.encoding, problems: parsed.problems, warnings: parsed.warnings, risk, expiryHolds };
      },
      importList: (ctx, input) => {
        const key = custody.requireKey(ctx.windowId);
        const file = Buffer.from(input.contentBase64, 'base64');
        const summary =
          input.kind === 'randomization'
            ? lists.importRandomizationList(key, ctx.signer!, input.fileName, file)
            : lists.importKitList(key, ctx.signer!, input.fileName, file);
        return { ...summary, signature: signatureView(signatures.byId(summary.signatureId)!) };
      },
      useBeforeReview: (ctx) => useBefore.review(custody.requireKey(ctx.windowId)),
      confirmUseBefore: (ctx, input) => {
        const result = useBefore.confirm(custody.requireKey(ctx.windowId), ctx.signer!, actorOf(ctx), input.useBefore);
        return { useBefore: result.useBefore, changes: result.changes, held: result.held, signature: signatureView(signatures.byId(result.signatureId)!) };
      },
      grantAccess: (ctx, input) => {
        const { signatureId } = custody.grant(ctx.windowId, ctx.signer!, input.userId, input.reason);
        return { signature: signatureView(signatures.byId(signatureId)!) };
      },
      register: async (ctx, input) => {
        await credentials.ownPassword(ctx.windowId, repositories.users.byId(ctx.user!.id)!, input.password, 'register', () =>
          new VeilError('validation', 'Wrong password: the register stays closed.', [{ path: ['password'], message: 'Wrong password' }]),
        );
        return register.reveal(custody.requireKey(ctx.windowId), actorOf(ctx));
      },
    },
    shipments: {
      get: (_ctx, input) => receiving.view(input.shipmentId),
      list: () => receiving.list(),
      create: (ctx, input) => {
        const kitNumbers =
          input.from.kind === 'manifest'
            ? ReceivingService.manifestKitNumbers(input.from.content)
            : input.from.kind === 'kits'
              ? input.from.kitNumbers
              : receiving.unshippedKitNumbers();
        return receiving.view(receiving.create(actorOf(ctx), { reference: input.reference, kitNumbers }));
      },
      scanKit: (ctx, input) => {
        const verdict = receiving.scan(actorOf(ctx), input.shipmentId, input.code, input.source, sessions.keyOf(ctx.windowId));
        return { verdict, counts: receiving.counts(input.shipmentId) };
      },
      markKit: (ctx, input) => {
        receiving.mark(actorOf(ctx), input.shipmentId, input.kitNumber, input.outcome, input.reason);
        return receiving.view(input.shipmentId);
      },
      close: (ctx, input) => {
        receiving.close(actorOf(ctx), input.shipmentId, input.temperature, input.reason ?? null);
        return receiving.view(input.shipmentId);
      },
      decideQuarantine: (ctx, input) => {
        // Release checks the kit's real expiry (an expired kit never goes back to stock): the key is needed for it.
        const { signatureId } = receiving.decideQuarantine(actorOf(ctx), ctx.signer!, input, input.decision === 'release' ? custody.requireKey(ctx.windowId) : null);
        return { signature: signatureView(signatures.byId(signatureId)!) };
      },
    },
    inventory: {
      summary: () => {
        // Every status, zero included: the contract's record of statuses is exhaustive (a missing key fails the output check).
        const counts = kitRepository.countsByStatus();
        const byStatus = Object.fromEntries(KIT_STATUSES.map((s) => [s, counts[s] ?? 0])) as Record<KitStatus, number>;
        return { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus };
      },
      kits: (_ctx, input) =>
        kitRepository
          .all()
          .filter((k) => !input.status || k.status === input.status)
          .sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber))
          .map((k) => ({ kitNumber: k.kitNumber, status: k.status, blindedLot: k.blindedLot, useBefore: k.useBefore })),
    },
    patients: {
      list: () => patients.list(),
      get: (_ctx, input) => patients.view(input.patientId),
      register: (ctx, input) => patients.view(patients.register(actorOf(ctx), input).id),
      randomize: (ctx, input) => {
        const { patient, signatureId } = patients.randomize(ctx.signer!, input.patientId);
        return { patient: patients.view(patient.id), signature: signatureView(signatures.byId(signatureId)!) };
      },
      withdraw: (ctx, input) => patients.view(patients.withdraw(actorOf(ctx), input.patientId, input.reason).id),
    },
    dispensing: {
      plan: (ctx, input) => dispensing.plan(custody.requireKey(ctx.windowId), input.patientId, input.visitCode),
      checkKit: (ctx, input) => dispensing.check(custody.requireKey(ctx.windowId), input.patientId, input.visitCode, input.code, input.alreadyScanned),
      confirm: async (ctx, input) => {
        const { dispensingId, signatureId } = await dispensing.confirm(custody.requireKey(ctx.windowId), ctx.signer!, actorOf(ctx).role, input);
        return { dispensingId, patient: patients.view(input.patientId), signature: signatureView(signatures.byId(signatureId)!) };
      },
    },
    labels: {
      queue: (_ctx, input) => labels.queue().filter((l) => !input.pendingOnly || l.prints === 0),
      preview: async (_ctx, input) => {
        const layout = labels.layout(input.kitNumber, input.kind);
        const png = await labels.render(input.kitNumber, input.kind, 'png');
        return { kitNumber: input.kitNumber, kind: input.kind, pngBase64: Buffer.from(png).toString('base64'), widthMm: layout.widthMm, heightMm: layout.heightMm };
      },
      download: async (ctx, input) => {
        const file = await labels.download(actorOf(ctx), input.kitNumber, input.kind, input.format, input.language);
        return { kitNumber: input.kitNumber, kind: input.kind, format: input.format, fileName: file.fileName, mime: file.mime, base64: Buffer.from(file.bytes).toString('base64') };
      },
    },
    returns: {
      list: () => returns.list(),
      record: (ctx, input) => returns.record(actorOf(ctx), input),
      edit: (ctx, input) => returns.edit(actorOf(ctx), input),
      lookup: (_ctx, input) => returns.lookup(input.code),
      verify: (ctx, input) => returns.verify(actorOf(ctx), ctx.signer!, input.kitNumbers),
      verifyScan: (ctx, input) => returns.verifyScan(actorOf(ctx), input),
    },
    reconciliation: {
      view: () => {
        const snapshot = reconciliation.compute(null);
        return { reconciliation: snapshot, signOff: reconciliation.signOffStatus(), ...reconciliation.notes(snapshot), sinceLastSignOff: reconciliation.sinceLastSignOff() };
      },
      comment: (ctx, input) => reconciliation.comment(actorOf(ctx), input),
      viewUnblinded: (ctx) => ({ reconciliation: reconciliation.compute(custody.requireKey(ctx.windowId)) }),
      signOff: (ctx) => {
        reconciliation.signOff(ctx.signer!);
        return { signOff: reconciliation.signOffStatus() };
      },
    },
    destruction: {
      candidates: () => destruction.candidates(),
      list: () => destruction.list(),
      record: async (ctx, input) => {
        const { destructionId } = await destruction.record(actorOf(ctx), ctx.signer!, input);
        return destruction.get(destructionId);
      },
      certificate: async (_ctx, input) => {
        const pdf = await destructionCertificate(destruction.get(input.destructionId), { study: study(), seal: audit.seal(), printedAt: clock.now(), site: repositories.settings.site() });
        return { fileName: `destruction-certificate-${input.destructionId}.pdf`, pdfBase64: Buffer.from(pdf).toString('base64') };
      },
    },
    emergency: {
      unblind: async (ctx, input) => {
        const result = await emergency.unblind(ctx.windowId, ctx.signer!, input);
        const user = repositories.users.byId(ctx.user!.id)!;
        // Everyone is told that the blind was broken for this patient, by whom and when; nobody but the caller learns the arm.
        listeners.forEach((l) => l(ALL_WINDOWS, 'patient.emergencyUnblinded', { screeningNumber: result.screeningNumber, by: user.displayName, at: isoUtc(clock.now()), adverseEvent: input.adverseEvent }));
        return result;
      },
      list: () => emergency.records(),
      sponsorNotice: (_ctx, input) => emergency.sponsorNotice(input.unblindingId),
      recordSponsorNotified: (ctx, input) => emergency.recordSponsorNotified(actorOf(ctx), input),
    },
    reports: {
      render: (_ctx, input) => reports.render(input.report, input.format, null, input),
      renderUnblinded: (ctx, input) => reports.render(input.report, input.format, custody.requireKey(ctx.windowId), input),
    },
    devices: {
      status: (_ctx, input) => devices.status(input.refresh ?? false),
      configurePrinter: (ctx, input) => devices.configurePrinter(actorOf(ctx), input.kind, input.choice),
      testPrint: (ctx, input) => devices.testPrint(actorOf(ctx), input.kind),
      printLabel: (ctx, input) => devices.printLabel(actorOf(ctx), input),
      retryJob: (ctx, input) => devices.retryJob(actorOf(ctx), input.jobId, input.printer),
      simulateScan: (_ctx, input) => devices.simulateScan(input.code, input.aim),
      keyboardWedge: () => devices.keyboardWedge(),
      configureKeyboardWedge: (ctx, input) => devices.configureKeyboardWedge(actorOf(ctx), input),
    },
    audit: {
      list: (_ctx, input) => auditService.list(input),
      exportCsv: (_ctx, input) => auditService.exportCsv(input),
      verify: () => auditService.verify(),
    },
  };

  const router = new Router(
    handlers,
    {
      lockIdleWindows: () => auth.lockIdleWindows(),
      sessionOf: (windowId) => {
        const session = sessions.get(windowId);
        const user = session && repositories.users.byId(session.userId);
        return session && user ? { userId: user.id, role: user.role, state: session.state, mustChangePassword: user.mustChangePassword } : undefined;
      },
      touch: (windowId) => sessions.touch(windowId),
      verifySignature: (windowId, userId, meaning, signature) => signatures.verify(windowId, userId, meaning, signature),
    },
    logger,
    (error) => storageFaultOf(error, options.dbFile),
  );

  const sweepMs = options.idleSweepMs ?? 15_000;
  const timer = sweepMs > 0 ? setInterval(() => auth.lockIdleWindows(), sweepMs) : null;
  timer?.unref();

  return {
    db,
    clock,
    router,
    auth,
    users,
    sessions,
    audit,
    signatures,
    custody,
    lists,
    codeBreak,
    receiving,
    patients,
    unsealedStock,
    dispensing,
    labels,
    returns,
    reconciliation,
    destruction,
    emergency,
    reports,
    devices,
    repositories,
    study,
    dispatch: (windowId, channel, input) => router.dispatch(windowId, channel, input),
    onEvent: (listener) => listeners.push(listener),
    windowClosed: (windowId) => sessions.end(windowId),
    close: () => {
      if (timer) clearInterval(timer);
      void devices.close();
      anchoring.close();
      db.close();
    },
  };
}
