import type { Handlers } from '../router';
import type { AuditService } from './auditService';

export function auditHandlers({ auditService }: { auditService: AuditService }): Handlers['audit'] {
  return {
    list: (_ctx, input) => auditService.list(input),
    exportCsv: (_ctx, input) => auditService.exportCsv(input),
    verify: () => auditService.verify(),
  };
}
