import { ROLE_PERMISSIONS } from '../../../shared/roles';
import type { Handlers } from '../router';
import type { TodayService } from './todayService';

/**
 * The Today home's channel: open to every user, it answers with the items the caller's role may read (the
 * permission of the screen each links to, TODAY_ITEM_PERMISSION) and the session's key only when it holds one.
 */
export function todayHandlers({ today }: { today: TodayService }): Handlers['today'] {
  return {
    view: (ctx) => today.view({ permissions: new Set(ROLE_PERMISSIONS[ctx.user!.role]), key: ctx.key ?? null }),
  };
}
