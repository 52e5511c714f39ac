import type { Store } from '../db/store';
import { StudyConfig } from '../../../shared/study/studyConfig';

/**
 * The site's studies, one row each (migration 19), on the Store. The core keeps them in memory (SiteMemory); a call
 * works in its session's study (callStudy.ts), and outside a call the first one loaded is meant.
 */
export class StudyRepository {
  constructor(private readonly store: Store) {}

  /** The study the site works in: the first one loaded, or null before any. */
  async current(): Promise<StudyConfig | null> {
    return (await this.currentRow())?.config ?? null;
  }

  /** The study the site works in with its row's id (what the study's records reference), or null before any. */
  async currentRow(): Promise<{ id: number; config: StudyConfig } | null> {
    const row = await this.store.q().selectFrom('studies').select(['id', 'config_json']).orderBy('id').limit(1).executeTakeFirst();
    return row ? { id: Number(row.id), config: StudyConfig.parse(JSON.parse(row.config_json)) } : null;
  }

  /** Every study of the site, in the order loaded. */
  async all(): Promise<Array<{ id: number; config: StudyConfig }>> {
    const rows = await this.store.q().selectFrom('studies').select(['id', 'config_json']).orderBy('id').execute();
    return rows.map((row) => ({ id: Number(row.id), config: StudyConfig.parse(JSON.parse(row.config_json)) }));
  }

  /** The study loaded under this code, if any. */
  async idOf(code: string): Promise<number | undefined> {
    const row = await this.store.q().selectFrom('studies').select('id').where('code', '=', code).executeTakeFirst();
    return row ? Number(row.id) : undefined;
  }

  /** Adds the study, or replaces the configuration of the study with its code (the same study, saved again); answers its id. */
  async save(study: StudyConfig, loadedAt: string): Promise<number> {
    const row = await this.store
      .q()
      .insertInto('studies')
      .values({ code: study.code, config_json: JSON.stringify(study), loaded_at: loadedAt })
      .onConflict((oc) => oc.column('code').doUpdateSet((eb) => ({ config_json: eb.ref('excluded.config_json'), loaded_at: eb.ref('excluded.loaded_at') })))
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }
}
