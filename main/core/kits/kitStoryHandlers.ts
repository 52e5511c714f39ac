import type { Handlers } from '../router';
import type { KitStoryService } from './kitStoryService';

export function kitStoryHandlers({ story }: { story: KitStoryService }): Handlers['kitStory'] {
  return {
    view: (_ctx, input) => story.view(input.code),
    viewUnblinded: (ctx, input) => story.viewUnblinded(ctx.key!, input.code),
    print: (_ctx, input) => story.print(input.code, null),
    printUnblinded: (ctx, input) => story.print(input.code, ctx.key!),
  };
}
