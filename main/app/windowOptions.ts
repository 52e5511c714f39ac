import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/**
 * The renderer is treated as untrusted content: it gets no Node, runs in Chromium's OS sandbox, and reaches the main
 * process only through the preload's two functions (invoke, on). Every value is spelled out, even where it equals
 * Electron's current default, so that a default changing in a future Electron cannot loosen Veil silently, and so the
 * unit test can assert each one.
 */
export function secureWebPreferences(preloadPath: string, options: { devTools: boolean }): WebPreferences {
  return {
    preload: preloadPath,
    // The preload runs in its own JavaScript world; the page cannot reach into it or patch its built-ins.
    contextIsolation: true,
    // OS-level sandbox for the renderer process; the preload, too, only gets the sandboxed `require`.
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    // Same-origin policy stays on: the page cannot fetch arbitrary URLs or read other origins.
    webSecurity: true,
    allowRunningInsecureContent: false,
    // <webview> could embed a guest page with its own, weaker preferences.
    webviewTag: false,
    // The Chromium spellchecker may download dictionaries and would send typed patient data to a service.
    spellcheck: false,
    // Dropping a file or link on the window must not navigate it away from the app.
    navigateOnDragDrop: false,
    // A page stuck in alert() loops must not lock the pharmacist out of the window.
    safeDialogs: true,
    // DevTools would let anyone at the bench run script in the page; the packaged app closes that door.
    devTools: options.devTools,
  };
}

export function mainWindowOptions(preloadPath: string, options: { devTools: boolean }): BrowserWindowConstructorOptions {
  return {
    title: 'Veil',
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    // Shown on 'ready-to-show' so the user never sees a blank white frame.
    show: false,
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(preloadPath, options),
  };
}
