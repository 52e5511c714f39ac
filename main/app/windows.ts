import type { BrowserWindow, BrowserWindowConstructorOptions, WebContents } from 'electron';

/**
 * The windows Veil created, by the id the core knows them by (String(webContents.id)). The IPC check asks this
 * registry whether a sender is one of ours, and core events are routed through it to the right window.
 */
export class WindowRegistry {
  private readonly byId = new Map<string, BrowserWindow>();

  add(window: BrowserWindow): string {
    const id = String(window.webContents.id);
    this.byId.set(id, window);
    return id;
  }

  remove(id: string): void {
    this.byId.delete(id);
  }

  /** True only for the web contents of a live window Veil created itself. */
  owns(contents: WebContents): boolean {
    const window = this.byId.get(String(contents.id));
    return !!window && !window.isDestroyed() && window.webContents === contents;
  }

  contentsOf(id: string): WebContents | undefined {
    const window = this.byId.get(id);
    if (!window || window.isDestroyed() || window.webContents.isDestroyed()) return undefined;
    return window.webContents;
  }

  /** Every live window's contents (events addressed to all windows). */
  allContents(): WebContents[] {
    return [...this.byId.keys()].map((id) => this.contentsOf(id)).filter((c): c is WebContents => c !== undefined);
  }

  windowOf(id: string): BrowserWindow | undefined {
    const window = this.byId.get(id);
    return window && !window.isDestroyed() ? window : undefined;
  }

  first(): BrowserWindow | undefined {
    for (const window of this.byId.values()) if (!window.isDestroyed()) return window;
    return undefined;
  }

  get size(): number {
    return this.byId.size;
  }
}

export interface OpenWindowOptions {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  options: BrowserWindowConstructorOptions;
  url: string;
  registry: WindowRegistry;
  /** Called once the window is gone, with its id, so the core ends that window's session. */
  onClosed: (id: string) => void;
}

/** Creates a window, registers it before any page loads (so its first IPC call is recognised), and loads the app. */
export function openWindow({ BrowserWindow: Window, options, url, registry, onClosed }: OpenWindowOptions): BrowserWindow {
  const window = new Window(options);
  // The id is read now: after 'closed' the webContents is destroyed and its id can no longer be asked for.
  const id = registry.add(window);
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    registry.remove(id);
    onClosed(id);
  });
  void window.loadURL(url);
  return window;
}
