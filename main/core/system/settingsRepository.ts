import type { Store } from '../db/store';
import type { SecuritySettings } from '../../../shared/contract/system';

export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = { maxFailedLogins: 5, lockoutMinutes: 15, inactivityMinutes: 5 };

/** What the site's name reads as on reports while the administrator has not set it yet. */
export const SITE_NAME_NOT_SET = 'Site pharmacy (name not set)';

/** Site settings, stored as JSON per key, on the Store (issue 13, item 2). The core keeps them in memory (SiteMemory). */
export class SettingsRepository {
  constructor(private readonly store: Store) {}

  private async value(key: string): Promise<unknown> {
    const row = await this.store.q().selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row ? (JSON.parse(row.value) as unknown) : undefined;
  }

  private async put(key: string, value: unknown): Promise<void> {
    await this.store
      .q()
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value) })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
  }

  async security(): Promise<SecuritySettings> {
    const stored = (await this.value('security')) as Partial<SecuritySettings> | undefined;
    return stored ? { ...DEFAULT_SECURITY_SETTINGS, ...stored } : DEFAULT_SECURITY_SETTINGS;
  }

  /** Scanner settings: what a keyboard-wedge scanner sends instead of the GS1 group separator. */
  async scanner(): Promise<{ gsReplacement?: string }> {
    return ((await this.value('scanner')) as { gsReplacement?: string } | undefined) ?? {};
  }

  /** The site's name as the administrator set it (first start, administration), or null when never set. */
  async siteName(): Promise<string | null> {
    const name = ((await this.value('site')) as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' && name.trim() ? name : null;
  }

  async setSite(name: string): Promise<void> {
    await this.put('site', { name });
  }

  async setSecurity(settings: SecuritySettings): Promise<void> {
    await this.put('security', settings);
  }
}
