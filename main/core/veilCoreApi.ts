import type { StudyScope } from './study/studyScope';
import type { StudyConfig } from '../../shared/study/studyConfig';
import type { AllocationRepository } from './allocation/allocationRepository';
import type { CodeBreakService } from './allocation/codeBreakService';
import type { KeyCustodyService } from './allocation/keyCustodyService';
import type { KeyRepository } from './allocation/keyRepository';
import type { DelegationRepository } from './delegations/delegationRepository';
import type { ListImportService } from './allocation/listImportService';
import type { AuditTrail } from './audit/auditTrail';
import type { AnchorKeyVault } from './audit/chainAnchors';
import type { AuthService } from './auth/authService';
import type { SessionTable } from './auth/sessions';
import type { Clock } from './clock';
import type { CoreEventListener } from './coreEvents';
import type { Db } from './db/database';
import type { Store } from './db/store';
import type { DestructionService } from './destruction/destructionService';
import type { Devices, DevicesOption } from './devices/devices';
import type { DispensingService } from './dispensing/dispensingService';
import type { KitExceptionService } from './kits/kitExceptionService';
import type { UnsealedStock } from './dispensing/unsealedStock';
import type { EmergencyUnblindingService } from './emergency/emergencyUnblindingService';
import type { LabelService } from './labels/labelService';
import type { Logger } from './log';
import type { PatientService } from './patients/patientService';
import type { ReceivingService } from './receiving/receivingService';
import type { ReconciliationService } from './reconciliation/reconciliationService';
import type { ReportService } from './reports/reportService';
import type { ReturnsService } from './returns/returnsService';
import type { Router } from './router';
import type { SignatureService } from './signatures/signatureService';
import type { DesktopDatabaseSetting } from './system/databaseConnectionService';
import type { SettingsRepository } from './system/settingsRepository';
import type { SiteMemory } from './system/siteMemory';
import type { StudyRepository } from './system/studyRepository';
import type { UserRepository } from './users/userRepository';
import type { UserService } from './users/userService';

/** How main/core is opened (openVeilCore in ./veilCore.ts, which wires it). */
export interface CoreOptions {
  /** The SQLite file (the default engine: one bench, the demo, the tests); one of `dbFile` and `database` is given. */
  dbFile?: string;
  /** A PostgreSQL address (postgres://user@host:port/db, sslmode in the query), used instead of `dbFile` when given. */
  database?: string;
  /** PostgreSQL: a CA certificate file to trust for TLS. */
  caFile?: string;
  /** PostgreSQL: this workstation's own folder, where it keeps the audit anchors it countersigns. */
  dataFolder?: string;
  /** The desktop's database setting, which the administrator changes on screen (absent under `veil serve`). */
  desktopDatabase?: DesktopDatabaseSetting;
  mode: 'desktop' | 'browser';
  clock?: Clock;
  logger?: Logger;
  nativeBinding?: string;
  /** How often idle sessions are swept and locked (ms); 0 disables the timer (tests drive it by hand). */
  idleSweepMs?: number;
  /**
   * How often the expiry sweep runs (ms), after its run at start-up: it expires kits whose use-before date has passed
   * (KitExceptionService). Default: hourly, or 0 (no sweep, not even at start-up) when the idle sweep is off.
   */
  expirySweepMs?: number;
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

/**
 * What the windows, the command line and the server hold: channels in, events out. Nothing else: every read and write
 * goes through the router, where the session, the role, the signature and the allocation key are checked (issue 13,
 * item 7). The database, the repositories and the services stay inside (VeilCoreInternals).
 */
export interface VeilCore {
  dispatch(windowId: string, channel: string, input: unknown): ReturnType<Router['dispatch']>;
  onEvent(listener: CoreEventListener): void;
  /** A window closed (Electron) or its page went away: end its session. */
  windowClosed(windowId: string): void;
  close(): void;
}

/**
 * The composition root's parts: one database, its repositories, services and the router over them. Only for what
 * must reach behind the channels: the tests that inspect the records, the bench, and the demo seed (which writes a
 * site's set-up as the site would have before its first login). Opened with openVeilCoreInternals.
 */
export interface VeilCoreInternals extends VeilCore {
  /** The SQLite connection under the Store (tests, the bench); reading it on a PostgreSQL core throws: use `store`. */
  readonly db: Db;
  /** The query layer the workflows are moving onto (issue 13); tests and the bench join its units of work. */
  readonly store: Store;
  /**
   * The study and the site settings as loaded in memory; reloaded after each change made through the services and
   * whenever the Store reports one. `reload()` after writing them through the repositories directly (tests, demo).
   */
  readonly site: SiteMemory;
  /** The study the study-owned records are read and written in (the site's current study). */
  readonly scope: StudyScope;
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
  /** Kit exceptions and the expiry sweep (issue 16, item 1). */
  readonly kitExceptions: KitExceptionService;
  /** Arms and expiry dates opened per unblinded session (dropped with its key). */
  readonly unsealedStock: UnsealedStock;
  readonly labels: LabelService;
  readonly returns: ReturnsService;
  readonly reconciliation: ReconciliationService;
  readonly destruction: DestructionService;
  readonly emergency: EmergencyUnblindingService;
  readonly reports: ReportService;
  readonly devices: Devices;
  readonly repositories: { users: UserRepository; settings: SettingsRepository; study: StudyRepository; allocation: AllocationRepository; keys: KeyRepository; delegations: DelegationRepository };
  /** The loaded study; throws a clear conflict when none is loaded yet. */
  study(): StudyConfig;
}
