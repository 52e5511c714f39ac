import type { AuditActor, AuditTrail } from '../audit/auditTrail';
import type { Store } from '../db/store';
import type { SecuritySettings } from '../../../shared/contract/system';
import type { SettingsRepository } from './settingsRepository';
import type { SiteMemory } from './siteMemory';

/**
 * The site's name (issue 11): every report, accountability log and destruction certificate names the pharmacy that
 * produced it. Asked at first start and changed by the administrator; each change is in the audit trail, since papers
 * already signed carry the old name. Each change is one unit of work of the Store; the settings kept in memory are
 * loaded again once it has committed.
 */
export class SiteSettingsService {
  constructor(
    private readonly store: Store,
    private readonly settings: SettingsRepository,
    private readonly memory: SiteMemory,
    private readonly audit: AuditTrail,
  ) {}

  async rename(actor: AuditActor, name: string): Promise<{ name: string }> {
    const trimmed = name.trim();
    const saved = await this.store.transaction(async () => {
      const before = await this.settings.siteName();
      if (before !== trimmed) {
        await this.settings.setSite(trimmed);
        await this.audit.append(actor, { action: 'settings.site_changed', entityType: 'settings', entityId: 'site', before: { name: before }, after: { name: trimmed } });
      }
      return (await this.settings.siteName())!;
    });
    await this.memory.reload();
    return { name: saved };
  }

  async security(): Promise<SecuritySettings> {
    return this.settings.security();
  }

  /** The administrator changes the password and lock-out rules; the change and what it replaced are audited. */
  async updateSecurity(actor: AuditActor, settings: SecuritySettings): Promise<SecuritySettings> {
    const saved = await this.store.transaction(async () => {
      const before = await this.settings.security();
      await this.settings.setSecurity(settings);
      await this.audit.append(actor, { action: 'settings.security_changed', entityType: 'settings', entityId: 'security', before, after: settings });
      return this.settings.security();
    });
    await this.memory.reload();
    return saved;
  }
}
