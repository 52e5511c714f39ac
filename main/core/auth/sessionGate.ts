import type { KeyCustodyService } from '../allocation/keyCustodyService';
import type { SessionGate } from '../router';
import type { SignatureService } from '../signatures/signatureService';
import type { UserRepository } from '../users/userRepository';
import type { AuthService } from './authService';
import type { SessionTable } from './sessions';

/** What the router asks of sessions before a handler runs: who is calling, in which state, with which key. */
export function sessionGate(s: { auth: AuthService; sessions: SessionTable; users: UserRepository; signatures: SignatureService; custody: KeyCustodyService }): SessionGate {
  return {
    lockIdleWindows: () => s.auth.lockIdleWindows(),
    sessionOf: async (windowId) => {
      const session = s.sessions.get(windowId);
      const user = session && (await s.users.byId(session.userId));
      // Read again after the await: the session may have ended or locked meanwhile.
      const now = s.sessions.get(windowId);
      return now && user && now.userId === user.id ? { userId: user.id, username: user.username, role: user.role, state: now.state, mustChangePassword: user.mustChangePassword } : undefined;
    },
    touch: (windowId) => s.sessions.touch(windowId),
    verifySignature: (windowId, userId, meaning, signature) => s.signatures.verify(windowId, userId, meaning, signature),
    keyOf: (windowId) => s.sessions.keyOf(windowId),
    requireKey: (windowId) => s.custody.requireKey(windowId),
  };
}
