import type { CallContext } from './router';
import type { SignatureService } from './signatures/signatureService';
import type { UserRepository, UserRow } from './users/userRepository';
import type { Role } from '../../shared/roles';
import { VeilError } from '../../shared/errors';

/** Who made a call, as the services record it. */
export type CallActor = { userId: number; username: string; role: Role };

/** An e-signature as the contract shows it (SignatureView). */
export type SignatureSummary = { id: number; printedName: string; meaning: string; signedAtUtc: string };

/**
 * What every handler module needs to turn a call into a service call and a service result into the contract's output:
 * the calling user as an actor, and a recorded signature as the contract shows it.
 */
export class Callers {
  constructor(
    private readonly users: UserRepository,
    private readonly signatures: SignatureService,
  ) {}

  /** The logged-in user's account, read for this call (the router only calls a handler of a non-public channel with a user). */
  async user(ctx: CallContext): Promise<UserRow> {
    const user = await this.users.byId(ctx.user!.id);
    if (!user) throw VeilError.says('unauthenticated', { key: 'session.notLoggedIn' });
    return user;
  }

  /** The caller as the router read it from the database for this very call. */
  actor(ctx: CallContext): CallActor {
    const user = ctx.user!;
    return { userId: user.id, username: user.username, role: user.role };
  }

  /** A signature just recorded by a service, as the contract's SignatureView. */
  async signature(signatureId: number): Promise<SignatureSummary> {
    const s = (await this.signatures.byId(signatureId))!;
    return { id: s.id, printedName: s.printedName, meaning: s.meaning, signedAtUtc: s.signedAtUtc };
  }
}
