import type { Db } from '../db/database';
import type { SecuritySettings } from '../../../shared/contract/system';

export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = { maxFailedLogins: 5, lockoutMinutes: 15, inactivityMinutes: 5 };

/** Site settings, stored as JSON per key. */
export class SettingsRepository {
  constructor(private readonly db: Db) {}

  security(): SecuritySettings {
    const row = this.db.prepare("SELECT value FROM settings WHERE key = 'security'").get() as { value: string } | undefined;
    return row ? { ...DEFAULT_SECURITY_SETTINGS, ...(JSON.parse(row.value) as Partial<SecuritySettings>) } : DEFAULT_SECURITY_SETTINGS;
  }

  /** Scanner settings: what a keyboard-wedge scanner sends instead of the GS1 group separator. */
  scanner(): { gsReplacement?: string } {
    const row = this.db.prepare("SELECT value FROM settings WHERE key = 'scanner'").get() as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as { gsReplacement?: string }) : {};
  }

  /** The site's name as the administrator set it (first start, administration), or null when never set. */
  siteName(): string | null {
    const row = this.db.prepare("SELECT value FROM settings WHERE key = 'site'").get() as { value: string } | undefined;
    const name = row ? (JSON.parse(row.value) as { name?: unknown }).name : null;
    return typeof name === 'string' && name.trim() ? name : null;
  }

  /** The site's name as printed on reports; says so when the administrator has not set it yet. */
  site(): string {
    return this.siteName() ?? 'Site pharmacy (name not set)';
  }

  setSite(name: string): void {
    this.db.prepare("INSERT INTO settings (key, value) VALUES ('site', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify({ name }));
  }

  setSecurity(settings: SecuritySettings): void {
    this.db
      .prepare("INSERT INTO settings (key, value) VALUES ('security', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .run(JSON.stringify(settings));
  }
}
