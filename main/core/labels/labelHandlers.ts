import type { Callers } from '../callers';
import type { Handlers } from '../router';
import type { LabelFiles } from './labelFiles';

export function labelHandlers({ labelFiles, callers }: { labelFiles: LabelFiles; callers: Callers }): Handlers['labels'] {
  return {
    queue: (_ctx, input) => labelFiles.queue(input.pendingOnly),
    preview: (_ctx, input) => labelFiles.preview(input.kitNumber, input.kind),
    download: (ctx, input) => labelFiles.download(callers.actor(ctx), input.kitNumber, input.kind, input.format, input.language),
  };
}
