import type { SecuritySettings } from '../../../shared/contract/system';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { CloseOutRepository, StudyClosed } from '../closeOut/closeOutRepository';
import type { Store } from '../db/store';
import { DEFAULT_SECURITY_SETTINGS, SITE_NAME_NOT_SET, type SettingsRepository } from './settingsRepository';
import type { StudyRepository } from './studyRepository';

interface Loaded {
  study: StudyConfig | null;
  studyId: number | null;
  closed: StudyClosed | null;
  siteName: string | null;
  scanner: { gsReplacement?: string };
  security: SecuritySettings;
}

/**
 * The study configuration, its closure and the site settings, kept in memory (issue 13, item 2): they are read on every
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
    private readonly studies: StudyRepository,
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
    const [current, siteName, scanner, security] = [await this.studies.currentRow(), await this.settings.siteName(), await this.settings.scanner(), await this.settings.security()];
    const study = current?.config ?? null;
    const closed = await this.closures.closedStudy(study?.code);
    // Reloads may finish out of order: only the latest one started is kept.
    if (generation === this.generation) this.loaded = { study, studyId: current?.id ?? null, closed, siteName, scanner, security };
  }

  private get now(): Loaded {
    if (!this.loaded) throw new Error('The site settings are read before the core has loaded them (open the core with openVeilCore).');
    return this.loaded;
  }

  /** The loaded study, or null before one is set up. */
  study(): StudyConfig | null {
    return this.now.study;
  }

  /**
   * The current study's row id (what its kits, patients and lists reference) and code, with the id of the site's first
   * study (the owner of the events written before events named their study); null before a study is set up.
   */
  currentStudy(): { id: number; code: string; first: number } | null {
    const { study, studyId } = this.now;
    // The current study is the first loaded until the study switcher (docs/multi-study-plan.md step 5).
    return study && studyId !== null ? { id: studyId, code: study.code, first: studyId } : null;
  }

  /**
   * The study's closure in force as last loaded, or null (also before a study is loaded). What the router asks before
   * every command; the commit itself checks the database again (CloseOutService.whileOpen).
   */
  closed(): StudyClosed | null {
    return this.now.closed;
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
