import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { CHANNEL_NAMES } from '../../shared/contract';
import type { VeilErrorBody, VeilResult } from '../../shared/errors';
import { ALL_WINDOWS } from '../../shared/contract';
import type { VeilCore } from '../core/veilCore';
import type { Logger } from '../core/log';
import { IPC_EVENT, IPC_INVOKE } from '../../preload/bridge';
import { isAppUrl } from './appProtocol';
import type { WindowRegistry } from './windows';

export { IPC_EVENT, IPC_INVOKE };

type CorePort = Pick<VeilCore, 'dispatch' | 'onEvent'>;

/**
 * Who may call: the main frame of a window Veil created, showing a page of app://veil. A sub-frame (even a same-origin
 * one), a page that navigated elsewhere, or any other web contents is refused before the core hears of it. The core's
 * router still checks session and permission on top of this; this check is about the caller being our own page.
 */
export function checkSender(event: IpcMainInvokeEvent, registry: Pick<WindowRegistry, 'owns'>): VeilErrorBody | null {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame) {
    return { code: 'forbidden', message: 'Calls are only accepted from the main frame of the Veil window.' };
  }
  if (!registry.owns(event.sender)) {
    return { code: 'forbidden', message: 'Calls are only accepted from a window opened by Veil.' };
  }
  if (!isAppUrl(frame.url)) {
    return { code: 'forbidden', message: 'Calls are only accepted from the Veil application page.' };
  }
  return null;
}

/** Wires the single invoke channel to the core, and core events back to the windows. */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle'>, core: CorePort, registry: WindowRegistry, logger?: Logger): void {
  const channels = new Set(CHANNEL_NAMES);

  ipcMain.handle(IPC_INVOKE, async (event, channel: unknown, input: unknown): Promise<VeilResult<unknown>> => {
    const refused = checkSender(event, registry);
    if (refused) {
      logger?.info('ipc refused', { reason: refused.message, senderId: event.sender.id });
      return { ok: false, error: refused };
    }
    if (typeof channel !== 'string' || !channels.has(channel)) {
      return { ok: false, error: { code: 'not_found', message: `There is no channel "${String(channel)}".` } };
    }
    try {
      return await core.dispatch(String(event.sender.id), channel, input);
    } catch (error) {
      // The router maps service errors itself; anything reaching here is a bug. The page gets a typed answer, never
      // a rejected promise with an internal stack.
      logger?.error('ipc dispatch failed', { channel, error: error instanceof Error ? error.message : String(error) });
      return { ok: false, error: { code: 'internal', message: 'Veil hit an unexpected error. Please try again; if it persists, call support.' } };
    }
  });

  core.onEvent((windowId, name, payload) => {
    const targets = windowId === ALL_WINDOWS ? registry.allContents() : [registry.contentsOf(windowId)];
    for (const contents of targets) contents?.send(IPC_EVENT, name, payload);
  });
}
