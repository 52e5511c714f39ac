import type { VeilResult } from '../../shared/errors';
import type { Role } from '../../shared/roles';
import type { TestCore } from './core';

/**
 * Calls through a test core's router, as a window would: `call` answers the result, `ok` the value (or throws with the
 * channel's message), `sign` the signature of a demo user of a role. `of` gives the core when the call is made (it is
 * opened in a beforeAll).
 */
export function channelCalls(of: () => TestCore) {
  const call = (window: string, channel: string, input: unknown = {}) => of().core.dispatch(window, channel, input) as Promise<VeilResult<unknown>>;
  const ok = async <T>(window: string, channel: string, input: unknown = {}): Promise<T> => {
    const result = await call(window, channel, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value as T;
  };
  const sign = (role: Role) => ({ username: of().userOf(role).username, password: of().userOf(role).password });
  return { call, ok, sign };
}
