import type { Store } from '../db/store';
import { StudyConfig } from '../../../shared/study/studyConfig';

/** The site's one study configuration, on the Store (issue 13, item 2). The core keeps it in memory (SiteMemory). */
export class StudyRepository {
  constructor(private readonly store: Store) {}

  async current(): Promise<StudyConfig | null> {
    const row = await this.store.q().selectFrom('study').select('config_json').where('id', '=', 1).executeTakeFirst();
    return row ? StudyConfig.parse(JSON.parse(row.config_json)) : null;
  }

  async save(study: StudyConfig, loadedAt: string): Promise<void> {
    await this.store
      .q()
      .insertInto('study')
      .values({ id: 1, code: study.code, config_json: JSON.stringify(study), loaded_at: loadedAt })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({ code: eb.ref('excluded.code'), config_json: eb.ref('excluded.config_json'), loaded_at: eb.ref('excluded.loaded_at') })),
      )
      .execute();
  }
}
