import { VeilError } from '../../../shared/errors';
import type { AuthService } from '../auth/authService';
import type { Callers } from '../callers';
import type { SiteMemory } from '../system/siteMemory';
import type { Handlers } from '../router';
import type { AllocationRegister } from './allocationRegister';
import type { AllocationStatusService } from './allocationStatusService';
import type { KeyCustodyService } from './keyCustodyService';
import type { ListImportService } from './listImportService';
import type { UseBeforeService } from './useBeforeService';

/** The key arrives as ctx.key: the contract declares which of these channels need it, and the router enforces it. */
export function allocationHandlers(s: {
  status: AllocationStatusService;
  custody: KeyCustodyService;
  lists: ListImportService;
  useBefore: UseBeforeService;
  register: AllocationRegister;
  callers: Callers;
  auth: AuthService;
  site: SiteMemory;
}): Handlers['allocation'] {
  const { callers } = s;
  const file = (input: { contentBase64: string }) => Buffer.from(input.contentBase64, 'base64');
  return {
    status: (ctx) => s.status.status(ctx.key !== null),
    setUpKey: async (ctx) => {
      const { codeBreakPassphrase, signatureId } = await s.custody.setUp(ctx.windowId, ctx.signer!);
      return { codeBreakPassphrase, signature: await callers.signature(signatureId) };
    },
    checkList: (ctx, input) => s.lists.checkList(input.kind, file(input), ctx.key),
    importList: async (ctx, input) => {
      const summary = await s.lists.importList(input.kind, ctx.key!, ctx.signer!, input.fileName, file(input));
      return { ...summary, signature: await callers.signature(summary.signatureId) };
    },
    useBeforeReview: (ctx) => s.useBefore.review(ctx.key!),
    confirmUseBefore: async (ctx, input) => {
      const { useBefore, changes, held, signatureId } = await s.useBefore.confirm(ctx.key!, ctx.signer!, callers.actor(ctx), input.useBefore, input.kitType ?? null);
      return { useBefore, changes, held, signature: await callers.signature(signatureId) };
    },
    grantAccess: async (ctx, input) => {
      const { signatureId } = await s.custody.grant(ctx.windowId, ctx.signer!, input.userId, input.reason);
      // The key is opened with the user's own password, at login: their open windows are logged out, told why, so the
      // key they were just given is theirs at once on logging in again (as a delegation's change does).
      if (input.userId !== ctx.user?.id) await s.auth.endSessionsOf(input.userId, VeilError.says('unauthenticated', { key: 'session.keyGranted', params: { study: s.site.currentStudy()?.code ?? '' } }));
      return { signature: await callers.signature(signatureId) };
    },
    register: async (ctx, input) => s.register.open(ctx.windowId, await callers.user(ctx), input.password, ctx.key!),
  };
}
