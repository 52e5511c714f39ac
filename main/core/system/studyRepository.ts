import type { Db } from '../db/database';
import { StudyConfig } from '../../../shared/study/studyConfig';

/** The site's one study configuration. */
export class StudyRepository {
  constructor(private readonly db: Db) {}

  current(): StudyConfig | null {
    const row = this.db.prepare('SELECT config_json FROM study WHERE id = 1').get() as { config_json: string } | undefined;
    return row ? StudyConfig.parse(JSON.parse(row.config_json)) : null;
  }

  save(study: StudyConfig, loadedAt: string): void {
    this.db
      .prepare(
        `INSERT INTO study (id, code, config_json, loaded_at) VALUES (1, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET code = excluded.code, config_json = excluded.config_json, loaded_at = excluded.loaded_at`,
      )
      .run(study.code, JSON.stringify(study), loadedAt);
  }
}
