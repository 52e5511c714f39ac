import type { SecuritySettings } from '../../../shared/contract/system';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { CloseOutRepository, StudyClosed } from '../closeOut/closeOutRepository';
import type { Store } from '../db/store';
import { studyOfCall } from '../study/callStudy';
import { DEFAULT_SECURITY_SETTINGS, SITE_NAME_NOT_SET, type SettingsRepository } from './settingsRepository';
import type { StudyRepository } from './studyRepository';

/** A study of the site as held in memory: its row id, configuration and closure in force. */
export interface StudyInMemory {
  id: number;
  config: StudyConfig;
  closed: StudyClosed | null;
}

interface Loaded {
  /** Every study, in the order loaded (the first is the owner of the events written before events named a study). */
  studies: StudyInMemory[];
  siteName: string | null;
  scanner: { gsReplacement?: string };
  security: SecuritySettings;
}

/**
 * The studies' configurations, their closures and the site settings, kept in memory (issue 13, item 2): they are read on every
 * call (the study by some fifteen services, its closure and the inactivity setting before each call, the scanner
 * setting on every scan), always synchronously, while the Store answers asynchronously. Loaded when the core opens
 * (openVeilCore); loaded again after the unit of work that changes them has committed (the service awaits `reload()`),
 * and whenever the Store says one of their tables changed, here or, on PostgreSQL, at another workstation.
 */
/** The tables SiteMemory holds in memory: a committed change to one of them reloads it. */
const MEMORY_TABLES = new Set(['studies', 'study_closures', 'settings']);

export class SiteMemory {
  private loaded: Loaded | null = null;
  private generation = 0;

  constructor(
    private readonly studyRows: StudyRepository,
    private readonly settings: SettingsRepository,
    private readonly closures: CloseOutRepository,
  ) {}

  /** Reloads after every committed change to the study or the settings (this process or another workstation). */
  async follow(store: Store): Promise<() => void> {
    return store.onChange((change) => {
      if (change.tables.some((table) => MEMORY_TABLES.has(table))) void this.reload().catch(() => undefined);
    });
  }

  /** Reads everything again from the Store; call outside a unit of work, after it committed. */
  async reload(): Promise<void> {
    const generation = ++this.generation;
    const [rows, siteName, scanner, security] = [await this.studyRows.all(), await this.settings.siteName(), await this.settings.scanner(), await this.settings.security()];
    const studies: StudyInMemory[] = [];
    for (const row of rows) studies.push({ ...row, closed: await this.closures.closedStudy(row.config.code) });
    // Reloads may finish out of order: only the latest one started is kept.
    if (generation === this.generation) this.loaded = { studies, siteName, scanner, security };
  }

  private get now(): Loaded {
    if (!this.loaded) throw new Error('The site settings are read before the core has loaded them (open the core with openVeilCore).');
    return this.loaded;
  }

  /** The study of the call running now (its session's, callStudy.ts), else the first loaded; null before any. */
  private current(): StudyInMemory | null {
    const { studies } = this.now;
    const id = studyOfCall();
    return (id !== undefined && studies.find((s) => s.id === id)) || studies[0] || null;
  }

  /** Every study of the site, in the order loaded. */
  studies(): readonly StudyInMemory[] {
    return this.now.studies;
  }

  /** The current study's configuration, or null before one is set up. */
  study(): StudyConfig | null {
    return this.current()?.config ?? null;
  }

  /**
   * The current study's row id (what its kits, patients and lists reference) and code, with the id of the site's first
   * study (the owner of the events written before events named their study); null before a study is set up.
   */
  currentStudy(): { id: number; code: string; first: number } | null {
    const study = this.current();
    return study ? { id: study.id, code: study.config.code, first: this.now.studies[0]!.id } : null;
  }

  /**
   * The current study's closure in force as last loaded, or null (also before a study is loaded). What the router asks
   * before every command; the commit itself checks the database again (CloseOutService.whileOpen).
   */
  closed(): StudyClosed | null {
    return this.current()?.closed ?? null;
  }

  /** The site's name as the administrator set it, or null when never set. */
  siteName(): string | null {
    return this.now.siteName;
  }

  /** The site's name as printed on reports; says so when the administrator has not set it yet. */
  site(): string {
    return this.now.siteName ?? SITE_NAME_NOT_SET;
  }

  scanner(): { gsReplacement?: string } {
    return this.now.scanner;
  }

  security(): SecuritySettings {
    return this.now.security ?? DEFAULT_SECURITY_SETTINGS;
  }
}
