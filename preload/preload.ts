import { contextBridge, ipcRenderer, type IpcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNEL_NAMES, EVENT_NAMES } from '../shared/contract';
import { VeilError, type VeilResult } from '../shared/errors';
import { IPC_EVENT, IPC_INVOKE, type VeilBridge } from './bridge';

/**
 * The only door between the page and the main process. The page gets two functions, never ipcRenderer itself (which
 * would let it send on any IPC channel and see every IpcRendererEvent with its `sender`). Names are checked here
 * against the contract so a typo fails fast in the page, and checked again in main, which is the check that counts.
 */
export function createBridge(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): VeilBridge {
  const channels = new Set(CHANNEL_NAMES);
  const events = new Set(EVENT_NAMES);

  return Object.freeze({
    invoke(channel: string, input: unknown): Promise<VeilResult<unknown>> {
      if (typeof channel !== 'string' || !channels.has(channel)) {
        return Promise.resolve({
          ok: false,
          error: { code: 'not_found', message: `There is no channel "${String(channel)}".` },
        } satisfies VeilResult<unknown>);
      }
      return ipc.invoke(IPC_INVOKE, channel, input) as Promise<VeilResult<unknown>>;
    },

    on(event: string, listener: (payload: unknown) => void): () => void {
      if (typeof event !== 'string' || !events.has(event)) {
        throw new VeilError('not_found', `There is no event "${String(event)}".`);
      }
      if (typeof listener !== 'function') throw new TypeError('veil.on needs a listener function.');
      // Only the payload reaches the page: the IpcRendererEvent carries the sender and ports.
      const handler = (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
        if (name === event) listener(payload);
      };
      ipc.on(IPC_EVENT, handler);
      return () => {
        ipc.removeListener(IPC_EVENT, handler);
      };
    },
  });
}

contextBridge.exposeInMainWorld('veil', createBridge(ipcRenderer));
