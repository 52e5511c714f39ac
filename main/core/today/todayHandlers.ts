import { ROLE_PERMISSIONS } from '../../../shared/roles';
import type { StudyRoles } from '../delegations/studyRole';
import type { Handlers } from '../router';
import type { SiteMemory } from '../system/siteMemory';
import type { TodayService } from './todayService';

/**
 * The Today home's channel: open to every user, it answers for each study the caller works in today (the session's
 * first), with the items their role in that study may read (the permission of the screen each links to,
 * TODAY_ITEM_PERMISSION) and that study's key only when the session holds it.
 */
export function todayHandlers({ today, studyRoles, site }: { today: TodayService; studyRoles: StudyRoles; site: SiteMemory }): Handlers['today'] {
  return {
    view: async (ctx) => {
      const current = site.currentStudy()?.id;
      // An archived study is out of the day's lists: closed, nothing waits in it.
      const studies = (await studyRoles.studiesOf(ctx.user!)).filter((s) => !s.archived);
      const ordered = [...studies.filter((s) => s.id === current), ...studies.filter((s) => s.id !== current)];
      return today.view(
        ordered.map((study) => ({
          studyId: study.id,
          role: study.role,
          // Each study with its own key (the router's, as the contract declares it), never the current study's.
          reader: { permissions: new Set(ROLE_PERMISSIONS[study.role]), key: ctx.keyInStudy?.(study.id) ?? null },
        })),
      );
    },
  };
}
