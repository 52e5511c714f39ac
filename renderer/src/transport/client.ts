import { createClient, type Transport, type VeilClient } from '../../../shared/contract/client';
import type { VeilResult } from '../../../shared/errors';
import { createDesktopTransport, findDesktopBridge } from './desktopTransport';
import { createHttpTransport } from './httpTransport';
import { takeLaunchToken } from './launchToken';
import { noToken } from './messages';

export type ConnectionKind = 'desktop' | 'browser' | 'no-token';


function chooseTransport(): { kind: ConnectionKind; transport: Transport } {
  const bridge = findDesktopBridge();
  if (bridge) return { kind: 'desktop', transport: createDesktopTransport(bridge) };
  const token = takeLaunchToken();
  if (token) return { kind: 'browser', transport: createHttpTransport(token) };
  return {
    kind: 'no-token',
    transport: {
      invoke: async () => ({ ok: false, error: noToken() }),
      on: () => () => {},
    },
  };
}

const chosen = chooseTransport();
export const connectionKind: ConnectionKind = chosen.kind;

type RefusedListener = (channel: string) => void;
const refusedListeners = new Set<RefusedListener>();

/**
 * Called when a data call is refused as unauthenticated (the session was locked or ended on the other side): the
 * session layer then re-reads session.current. Session channels are left out: their refusals are answers
 * (wrong password), not news about the session.
 */
export function onCallRefused(listener: RefusedListener): () => void {
  refusedListeners.add(listener);
  return () => refusedListeners.delete(listener);
}

const observedTransport: Transport = {
  async invoke(channel: string, input: unknown): Promise<VeilResult<unknown>> {
    const result = await chosen.transport.invoke(channel, input);
    if (!result.ok && result.error.code === 'unauthenticated' && !channel.startsWith('session.') && connectionKind !== 'no-token') {
      for (const listener of [...refusedListeners]) listener(channel);
    }
    return result;
  },
  on: (event, listener) => chosen.transport.on(event, listener),
};

/** The typed client of the one contract (shared/contract): `client.session.login({...})`, `client.on('session.changed', ...)`. */
export const client: VeilClient = createClient(observedTransport);
