import type { Transport } from '../../../shared/contract/client';
import type { VeilBridge } from '../../../preload/bridge';

export type { VeilBridge };

/** The preload's bridge (`window.veil`, preload/bridge.ts), when this page runs in Veil's desktop window. */
export function findDesktopBridge(): VeilBridge | null {
  const candidate: Partial<VeilBridge> | undefined = window.veil;
  return candidate && typeof candidate.invoke === 'function' && typeof candidate.on === 'function' ? (candidate as VeilBridge) : null;
}

export function createDesktopTransport(bridge: VeilBridge): Transport {
  return {
    async invoke(channel, input) {
      try {
        return await bridge.invoke(channel, input);
      } catch (error) {
        return { ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } };
      }
    },
    on: (event, listener) => bridge.on(event, listener),
  };
}
