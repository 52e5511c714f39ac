import type { VeilResult } from '../shared/errors';

/**
 * What the preload exposes as `window.veil`. It has the shape of the contract client's Transport
 * (shared/contract/client.ts), so the renderer does `createClient(window.veil)` in the desktop app.
 * The renderer may import this file as a type only (`import type { VeilBridge } from '../../preload/bridge'`);
 * it holds no Electron code.
 */
export interface VeilBridge {
  /** Calls a contract channel. Unknown channel names answer a `not_found` result without reaching the main process. */
  invoke(channel: string, input: unknown): Promise<VeilResult<unknown>>;
  /** Subscribes to a contract event; returns the function that unsubscribes. Unknown event names throw. */
  on(event: string, listener: (payload: unknown) => void): () => void;
}

/** The two IPC channel names between preload and main (main/app/ipc.ts). Not contract channels: transport only. */
export const IPC_INVOKE = 'veil:invoke';
export const IPC_EVENT = 'veil:event';

declare global {
  interface Window {
    /** Present in the desktop app only; browser mode (veil serve) talks HTTP instead. */
    readonly veil?: VeilBridge;
  }
}
