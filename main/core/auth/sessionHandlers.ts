import type { Handlers } from '../router';
import type { AuthService } from './authService';

export function sessionHandlers({ auth }: { auth: AuthService }): Handlers['session'] {
  return {
    current: (ctx) => auth.state(ctx.windowId),
    createAdministrator: (ctx, input) => auth.createAdministrator(ctx.windowId, input),
    login: (ctx, input) => auth.login(ctx.windowId, input),
    logout: (ctx) => auth.logout(ctx.windowId),
    lock: (ctx) => auth.lock(ctx.windowId),
    unlock: (ctx, input) => auth.unlock(ctx.windowId, input.password),
    switchStudy: (ctx, input) => auth.switchStudy(ctx.windowId, ctx.user!.id, input.code),
    heartbeat: () => ({ done: true as const }),
    changePassword: (ctx, input) => auth.changePassword(ctx.windowId, ctx.user!.id, input),
  };
}
