import type { Handlers } from '../router';
import type { ReportService } from './reportService';

export function reportHandlers({ reports }: { reports: ReportService }): Handlers['reports'] {
  return {
    render: (_ctx, input) => reports.render(input.report, input.format, null, input),
    renderUnblinded: (ctx, input) => reports.render(input.report, input.format, ctx.key!, input),
  };
}
