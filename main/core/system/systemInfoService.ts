import { visitNamesByLanguage } from '../../../shared/study/studyConfig';
import { isoUtc, type Clock } from '../clock';
import { schemaVersion, type Db } from '../db/database';
import { VEIL_VERSION } from '../version';
import type { SettingsRepository } from './settingsRepository';
import type { StudyRepository } from './studyRepository';

/** What the login screen and the about box show: the application, the loaded study, the site, the schema. */
export class SystemInfoService {
  constructor(
    private readonly db: Db,
    private readonly settings: SettingsRepository,
    private readonly studies: StudyRepository,
    private readonly clock: Clock,
    private readonly mode: 'desktop' | 'browser',
  ) {}

  info() {
    const loaded = this.studies.current();
    return {
      application: 'Veil' as const,
      version: VEIL_VERSION,
      mode: this.mode,
      study: loaded && { code: loaded.code, title: loaded.title, sponsor: loaded.sponsor.name, visitNames: visitNamesByLanguage(loaded) },
      site: this.settings.siteName(),
      schemaVersion: schemaVersion(this.db),
      serverTime: isoUtc(this.clock.now()),
    };
  }
}
