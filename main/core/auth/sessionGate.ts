import type { KeyCustodyService } from '../allocation/keyCustodyService';
import type { SessionGate } from '../router';
import type { SignatureService } from '../signatures/signatureService';
import type { UserRepository } from '../users/userRepository';
import type { StudyRoles } from '../delegations/studyRole';
import { inSession } from '../study/callStudy';
import type { AuthService } from './authService';
import type { SessionTable } from './sessions';

/** What the router asks of sessions before a handler runs: who is calling, in which state, with which key. */
export function sessionGate(s: { auth: AuthService; sessions: SessionTable; users: UserRepository; signatures: SignatureService; custody: KeyCustodyService; studyRoles: StudyRoles }): SessionGate {
  return {
    lockIdleWindows: () => s.auth.lockIdleWindows(),
    sessionOf: async (windowId) => {
      const session = s.sessions.get(windowId);
      const user = session && (await s.users.byId(session.userId));
      // The role of this call: the delegation to the current study valid today, read now (an end takes effect at once).
      const role = user && (await s.studyRoles.of(user));
      // Read again after the awaits: the session may have ended or locked meanwhile.
      const now = s.sessions.get(windowId);
      if (!now || !user || !role || now.userId !== user.id) return undefined;
      if (!role.role) {
        // The delegation ended (or the study changed under the session): the session ends, and this call says why.
        await s.auth.endSession(windowId, role.refusal);
        return { userId: user.id, username: user.username, role: null, refusal: role.refusal, state: now.state, mustChangePassword: user.mustChangePassword };
      }
      return { userId: user.id, username: user.username, role: role.role, refusal: null, state: now.state, mustChangePassword: user.mustChangePassword };
    },
    touch: (windowId) => s.sessions.touch(windowId),
    whyEnded: (windowId) => s.sessions.takeEnding(windowId),
    verifySignature: (windowId, userId, meaning, signature) => s.signatures.verify(windowId, userId, meaning, signature),
    keyOf: (windowId) => s.custody.keyOf(windowId),
    keyInStudy: (windowId, studyId) => s.sessions.keyOf(windowId, studyId),
    inSessionStudy: (windowId, work) => {
      const session = s.sessions.get(windowId);
      return inSession({ studyId: session?.studyId ?? null, userId: session?.userId ?? null }, work);
    },
    requireKey: (windowId) => s.custody.requireKey(windowId),
  };
}
