import type { EventName, EventPayload } from '../../shared/contract';

export type CoreEventListener = <E extends EventName>(windowId: string, event: E, payload: EventPayload<E>) => void;

/** The events the core pushes to windows (shared/contract events), to whoever listens (the Electron shell, the browser host). */
export class CoreEvents {
  private readonly listeners: CoreEventListener[] = [];

  listen(listener: CoreEventListener): void {
    this.listeners.push(listener);
  }

  emit<E extends EventName>(windowId: string, event: E, payload: EventPayload<E>): void {
    this.listeners.forEach((l) => l(windowId, event, payload));
  }
}
