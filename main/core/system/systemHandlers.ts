import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { SiteSettingsService } from './siteSettingsService';
import type { SystemInfoService } from './systemInfoService';

export function systemHandlers({ info, siteSettings, callers }: { info: SystemInfoService; siteSettings: SiteSettingsService; callers: Callers }): Handlers['system'] {
  return {
    info: () => info.info(),
    securitySettings: () => siteSettings.security(),
    updateSiteName: (ctx, input) => siteSettings.rename(callers.actor(ctx), input.name),
    updateSecuritySettings: (ctx, input) => siteSettings.updateSecurity(callers.actor(ctx), input),
  };
}
