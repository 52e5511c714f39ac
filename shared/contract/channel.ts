import type { z } from 'zod';
import type { ErrorCode } from '../errors';
import type { Permission } from '../roles';

/**
 * Who may call a channel:
 * - 'public': anyone, even before login (first set-up, login, what the login screen shows);
 * - 'locked': the owner of a session, even while it is locked (unlock, log out);
 * - 'session': any logged-in, unlocked user;
 * - a Permission: an unlocked user whose role has it (shared/roles.ts).
 */
export type Access = 'public' | 'locked' | 'session' | Permission;

/**
 * Whether a channel works with the allocation key of the caller's session (the key that opens arms, real lots and
 * expiry dates). The router enforces it before the handler runs and hands the key to the handler (`ctx.key`):
 * - 'required': refused unless the session holds the key (the key is not set up yet / this session does not hold it);
 * - 'ifHeld': never refused for it; the handler gets the session's key, or null when it holds none;
 * - { requiredWhen }: 'required' for the inputs it accepts; for the others the handler gets no key;
 * - absent: the channel never sees a key.
 */
export type KeyNeed<In = unknown> =
  | 'required'
  | 'ifHeld'
  | {
      /** True for the inputs that need the key. */
      requiredWhen(input: In): boolean;
      /** For the contract listing: which inputs need it, and why. */
      why: string;
    };

export interface ChannelDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  kind: 'query' | 'command';
  description: string;
  input: I;
  output: O;
  access: Access;
  /** The meaning stated in the e-signature dialog (21 CFR 11.50), or null when the command is not signed. */
  signature: string | null;
  /** Whether the channel needs the allocation key of the session (see KeyNeed); absent: no key. */
  key?: KeyNeed<z.output<I>>;
  /**
   * At least one valid input; used by the contract listing, the CLI and the blinding leak test. Passwords and kit
   * numbers are written with the words of ./examples.ts. The contract test runs every example on the demo database
   * as a role allowed to call the channel and requires it to answer ok, unless `refusedOnDemo` says otherwise.
   */
  examples: readonly [z.input<I>, ...z.input<I>[]];
  /**
   * Examples the demo database refuses by design, by their index in `examples`: the error code expected and why.
   * Rare on purpose: an example that cannot succeed shows nothing a reader can trust.
   */
  refusedOnDemo?: Readonly<Record<number, { code: ErrorCode; why: string }>>;
}

export function channel<I extends z.ZodType, O extends z.ZodType>(definition: ChannelDefinition<I, O>): ChannelDefinition<I, O> {
  return definition;
}

/** An event the main process pushes to a window (session locked, device plugged, ...). */
export interface EventDefinition<P extends z.ZodType = z.ZodType> {
  description: string;
  payload: P;
}
