/**
 * Hand-made stand-ins for the parts of `electron` the shell uses. Electron's runtime cannot run under vitest (nor be
 * downloaded here), so tests mock the module with these and drive the events by hand.
 */
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();
  on(name: string, listener: Listener): this {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
    return this;
  }
  once(name: string, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.removeListener(name, wrapped);
      return listener(...args);
    };
    return this.on(name, wrapped);
  }
  removeListener(name: string, listener: Listener): this {
    this.listeners.set(
      name,
      (this.listeners.get(name) ?? []).filter((l) => l !== listener),
    );
    return this;
  }
  emit(name: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) listener(...args);
  }
  count(name: string): number {
    return this.listeners.get(name)?.length ?? 0;
  }
}

/** An Electron-style event: records preventDefault. */
export function fakeEvent<T extends object>(fields: T): T & { preventDefault: ReturnType<typeof vi.fn>; defaultPrevented: () => boolean } {
  const preventDefault = vi.fn();
  return Object.assign({ preventDefault, defaultPrevented: () => preventDefault.mock.calls.length > 0 }, fields);
}

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

let nextContentsId = 1;

export class FakeWebContents extends FakeEmitter {
  readonly id = nextContentsId++;
  readonly mainFrame: FakeFrame;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly send = vi.fn();
  readonly reload = vi.fn();
  destroyed = false;
  constructor(
    url = 'app://veil/index.html',
    readonly type: 'window' | 'webview' = 'window',
  ) {
    super();
    this.mainFrame = { url, parent: null };
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakeBrowserWindow extends FakeEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loadURL = vi.fn(async (_url: string) => {});
  readonly show = vi.fn();
  readonly focus = vi.fn();
  readonly restore = vi.fn();
  minimized = false;
  destroyed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** What Electron does when the user closes the window. */
  close(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export class FakeApp extends FakeEmitter {
  lockGranted = true;
  isPackaged = false;
  appPath = '/opt/veil';
  userData = '/home/pharmacist/.config/Veil';
  private resolveReady!: () => void;
  readonly readyPromise = new Promise<void>((resolve) => (this.resolveReady = resolve));
  readonly requestSingleInstanceLock = vi.fn(() => this.lockGranted);
  readonly quit = vi.fn();
  readonly enableSandbox = vi.fn();
  readonly whenReady = vi.fn(() => this.readyPromise);
  readonly getAppPath = vi.fn(() => this.appPath);
  readonly getPath = vi.fn((name: string) => (name === 'userData' ? this.userData : `/tmp/${name}`));
  /** Fires 'ready' and waits for the continuation to run. */
  async becomeReady(): Promise<void> {
    this.resolveReady();
    await this.readyPromise;
  }
}

export function fakeSession() {
  return {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
  };
}

export function fakeProtocol() {
  return { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };
}

export function fakeIpcMain() {
  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  return {
    handlers,
    handle: vi.fn((channel: string, handler: (...args: unknown[]) => unknown) => {
      handlers.set(channel, handler);
    }),
  };
}

export function fakeIpcRenderer() {
  const emitter = new FakeEmitter();
  return {
    emitter,
    invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: 'from main' })),
    on: vi.fn((channel: string, listener: Listener) => emitter.on(channel, listener)),
    removeListener: vi.fn((channel: string, listener: Listener) => emitter.removeListener(channel, listener)),
  };
}

/** A whole fake `electron` module, for vi.mock('electron', ...). */
export function fakeElectronModule() {
  const defaultSession = fakeSession();
  return {
    app: new FakeApp(),
    BrowserWindow: FakeBrowserWindow,
    protocol: fakeProtocol(),
    session: { defaultSession },
    ipcMain: fakeIpcMain(),
    ipcRenderer: fakeIpcRenderer(),
    contextBridge: { exposeInMainWorld: vi.fn() },
    dialog: { showErrorBox: vi.fn() },
    crashReporter: { start: vi.fn() },
  };
}
