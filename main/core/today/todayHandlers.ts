import { ROLE_PERMISSIONS } from '../../../shared/roles';
import type { KeyCustodyService } from '../allocation/keyCustodyService';
import type { StudyRoles } from '../delegations/studyRole';
import type { Handlers } from '../router';
import type { SiteMemory } from '../system/siteMemory';
import type { TodayService } from './todayService';

/**
 * The Today home's channel: open to every user, it answers for each study the caller works in today (the session's
 * first), with the items their role in that study may read (the permission of the screen each links to,
 * TODAY_ITEM_PERMISSION) and that study's key only when the session holds it.
 */
export function todayHandlers({ today, studyRoles, site, custody }: { today: TodayService; studyRoles: StudyRoles; site: SiteMemory; custody: KeyCustodyService }): Handlers['today'] {
  return {
    view: async (ctx) => {
      const current = site.currentStudy()?.id;
      const studies = await studyRoles.studiesOf(ctx.user!);
      const ordered = [...studies.filter((s) => s.id === current), ...studies.filter((s) => s.id !== current)];
      return today.view(
        ordered.map((study) => ({
          studyId: study.id,
          role: study.role,
          // Read inside the study: the key is that study's, never the current one's.
          reader: () => ({ permissions: new Set(ROLE_PERMISSIONS[study.role]), key: custody.keyOf(ctx.windowId) }),
        })),
      );
    },
  };
}
