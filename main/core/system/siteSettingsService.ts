import type { AuditActor, AuditTrail } from '../audit/auditTrail';
import type { Db } from '../db/database';
import type { SecuritySettings } from '../../../shared/contract/system';
import type { SettingsRepository } from './settingsRepository';

/**
 * The site's name (issue 11): every report, accountability log and destruction certificate names the pharmacy that
 * produced it. Asked at first start and changed by the administrator; each change is in the audit trail, since papers
 * already signed carry the old name.
 */
export class SiteSettingsService {
  constructor(
    private readonly db: Db,
    private readonly settings: SettingsRepository,
    private readonly audit: AuditTrail,
  ) {}

  rename(actor: AuditActor, name: string): { name: string } {
    const trimmed = name.trim();
    this.db.transaction(() => {
      const before = this.settings.siteName();
      if (before === trimmed) return;
      this.settings.setSite(trimmed);
      this.audit.append(actor, { action: 'settings.site_changed', entityType: 'settings', entityId: 'site', before: { name: before }, after: { name: trimmed } });
    })();
    return { name: this.settings.siteName()! };
  }

  security(): SecuritySettings {
    return this.settings.security();
  }

  /** The administrator changes the password and lock-out rules; the change and what it replaced are audited. */
  updateSecurity(actor: AuditActor, settings: SecuritySettings): SecuritySettings {
    this.db.transaction(() => {
      const before = this.settings.security();
      this.settings.setSecurity(settings);
      this.audit.append(actor, { action: 'settings.security_changed', entityType: 'settings', entityId: 'security', before, after: settings });
    })();
    return this.settings.security();
  }
}
