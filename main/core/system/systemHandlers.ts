import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { DatabaseConnectionService } from './databaseConnectionService';
import type { SiteSettingsService } from './siteSettingsService';
import type { SystemInfoService } from './systemInfoService';

export function systemHandlers({ info, siteSettings, database, callers }: { info: SystemInfoService; siteSettings: SiteSettingsService; database: DatabaseConnectionService; callers: Callers }): Handlers['system'] {
  return {
    info: () => info.info(),
    securitySettings: () => siteSettings.security(),
    updateSiteName: (ctx, input) => siteSettings.rename(callers.actor(ctx), input.name),
    updateSecuritySettings: (ctx, input) => siteSettings.updateSecurity(callers.actor(ctx), input),
    databaseConnection: () => database.connection(),
    testDatabaseConnection: (_ctx, input) => database.probe(input),
    saveDatabaseConnection: (ctx, input) => database.save(callers.actor(ctx), input),
  };
}
