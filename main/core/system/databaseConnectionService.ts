import { accessSync, constants } from 'node:fs';
import type { DatabaseChoice, DatabaseConnection, DatabaseProbe } from '../../../shared/contract/system';
import { VeilError } from '../../../shared/errors';
import type { AuditActor, AuditTrail } from '../audit/auditTrail';
import type { OpenedDatabase } from '../db/openedDatabase';
import { describePostgresUrl, parsePostgresUrl, probePostgres } from '../db/postgres';
import type { Store } from '../db/store';
import { readDatabaseChoice, saveDatabaseChoice } from './databaseChoice';

/** What the desktop shell tells the core about its database setting (absent under `veil serve`). */
export interface DesktopDatabaseSetting {
  /** The workstation's database.json (./databaseChoice.ts). */
  choiceFile: string;
  /** The workstation's own SQLite file: what "this workstation's file" means in a choice. */
  ownFile: string;
  /** VEIL_DATABASE_URL chose the database, and wins over the setting. */
  fromEnvironment: boolean;
}

type View = DatabaseConnection['current'];

/**
 * The administrator's database screen (issue 13, item 4): which database this workstation runs on, a trial connection
 * to a PostgreSQL server that writes nothing, and the choice for the next start, tried first and audited in the
 * records the workstation is leaving. The server's password never comes back in an answer, a log or the audit trail.
 */
export class DatabaseConnectionService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditTrail,
    private readonly opened: Pick<OpenedDatabase, 'engine' | 'description'>,
    private readonly currentCaFile: string | null,
    private readonly desktop: DesktopDatabaseSetting | null,
  ) {}

  connection(): DatabaseConnection {
    const current: View = { engine: this.opened.engine, where: this.opened.description, caFile: this.opened.engine === 'postgres' ? this.currentCaFile : null };
    const fixedBy = this.desktop === null ? 'browser' : this.desktop.fromEnvironment ? 'environment' : null;
    const saved = this.desktop && !this.desktop.fromEnvironment ? readDatabaseChoice(this.desktop.choiceFile) : null;
    const next = saved ? this.viewOf(saved) : null;
    const same = next !== null && next.engine === current.engine && next.where === current.where && next.caFile === current.caFile;
    return { current, next: same ? null : next, fixedBy };
  }

  async probe(choice: Extract<DatabaseChoice, { engine: 'postgres' }>): Promise<DatabaseProbe> {
    if (choice.caFile !== null) {
      try {
        accessSync(choice.caFile, constants.R_OK);
      } catch {
        throw VeilError.says('validation', { key: 'system.caFileUnreadable', params: { file: choice.caFile } });
      }
    }
    const found = await probePostgres(choice.url, choice.caFile !== null ? { caFile: choice.caFile } : {});
    const state = found.schemaVersion === 0 ? 'empty' : found.schemaVersion < found.knownVersion ? 'older' : 'current';
    return { ...found, state };
  }

  /** The database the workstation opens at its next start; a server is tried first, and nothing is saved if it fails. */
  async save(actor: AuditActor, choice: DatabaseChoice): Promise<DatabaseConnection> {
    const desktop = this.desktop;
    if (desktop === null) throw VeilError.says('conflict', { key: 'system.databaseFixedByBrowser' });
    if (desktop.fromEnvironment) throw VeilError.says('conflict', { key: 'system.databaseFixedByEnvironment' });
    if (choice.engine === 'postgres') await this.probe(choice);
    const before = this.connection();
    await this.store.transaction(async () => {
      await this.audit.append(actor, {
        action: 'settings.database_changed',
        entityType: 'settings',
        entityId: 'database',
        before: before.next ?? before.current,
        after: this.viewOf(choice),
      });
      // Written last in the unit of work: a file that cannot be written undoes the audit event with it.
      saveDatabaseChoice(desktop.choiceFile, choice);
    });
    return this.connection();
  }

  private viewOf(choice: DatabaseChoice): View {
    if (choice.engine === 'sqlite') return { engine: 'sqlite', where: this.desktop?.ownFile ?? '', caFile: null };
    return { engine: 'postgres', where: describePostgresUrl(parsePostgresUrl(choice.url)), caFile: choice.caFile };
  }
}
