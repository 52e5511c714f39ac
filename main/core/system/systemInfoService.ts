import { localDate } from '../../../shared/schedule/visitSchedule';
import { visitNamesByLanguage } from '../../../shared/study/studyConfig';
import { isoUtc, type Clock } from '../clock';
import { VEIL_VERSION } from '../version';
import type { SiteMemory } from './siteMemory';

/** What the login screen and the about box show: the application, the loaded study, the site, the schema. */
export class SystemInfoService {
  constructor(
    /** The study and the site's name, as loaded in memory (SiteMemory). */
    private readonly site: SiteMemory,
    /** The schema version of the database the core opened (its engine knows how to read it). */
    private readonly schemaVersion: () => number,
    private readonly clock: Clock,
    private readonly mode: 'desktop' | 'browser',
  ) {}

  info() {
    const now = this.clock.now();
    const loaded = this.site.study();
    return {
      application: 'Veil' as const,
      version: VEIL_VERSION,
      mode: this.mode,
      study: loaded && { code: loaded.code, title: loaded.title, sponsor: loaded.sponsor.name, visitNames: visitNamesByLanguage(loaded) },
      site: this.site.siteName(),
      schemaVersion: this.schemaVersion(),
      serverTime: isoUtc(now),
      siteToday: localDate(now),
    };
  }
}
