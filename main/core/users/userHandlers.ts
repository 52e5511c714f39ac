import type { Handlers } from '../router';
import type { UserService } from './userService';

export function userHandlers({ users }: { users: UserService }): Handlers['users'] {
  return {
    list: () => users.list(),
    create: (ctx, input) => users.create(ctx.user!.id, input),
    setActive: (ctx, input) => users.setActive(ctx.user!.id, input),
    resetPassword: (ctx, input) => users.resetPassword(ctx.user!.id, input),
  };
}
