import type { z } from 'zod';
import { VeilError, type VeilResult } from '../errors';
import type { ChannelDefinition } from './channel';
import { contract, events, type Contract, type EventName, type EventPayload } from './index';

/** How a client reaches the main process: Electron's preload bridge or browser mode's HTTP. Both carry the same results. */
export interface Transport {
  invoke(channel: string, input: unknown): Promise<VeilResult<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

type GroupClient<G extends Record<string, ChannelDefinition>> = {
  [C in keyof G]: G[C] extends ChannelDefinition<infer I, infer O> ? (input: z.input<I>) => Promise<z.output<O>> : never;
};

/** `client.session.login({...})`: one typed method per contract channel; failures reject with a VeilError. */
export type VeilClient = { [G in keyof Contract]: GroupClient<Contract[G]> } & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export function createClient(transport: Transport): VeilClient {
  const client: Record<string, unknown> = {};
  for (const [group, defs] of Object.entries(contract)) {
    const methods: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const name of Object.keys(defs)) {
      const channelName = `${group}.${name}`;
      methods[name] = async (input: unknown) => {
        const result = await transport.invoke(channelName, input);
        if (result.ok) return result.value;
        throw VeilError.fromBody(result.error);
      };
    }
    client[group] = methods;
  }
  client.on = (event: EventName, listener: (payload: unknown) => void) => {
    const schema = events[event].payload;
    // Events are validated on arrival too: a window never acts on a malformed push.
    return transport.on(event, (payload) => {
      const parsed = schema.safeParse(payload);
      if (parsed.success) listener(parsed.data);
    });
  };
  return client as VeilClient;
}
