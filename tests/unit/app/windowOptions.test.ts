import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fakeElectron')).fakeElectronModule());

import { mainWindowOptions, secureWebPreferences } from '../../../main/app/windowOptions';
import { appPaths } from '../../../main/app/paths';

describe('BrowserWindow webPreferences', () => {
  const prefs = secureWebPreferences('/app/dist/preload/preload.cjs', { devTools: false });

  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['spellcheck', false],
    ['navigateOnDragDrop', false],
    ['safeDialogs', true],
  ] as const)('sets %s to %s', (key, value) => {
    expect(prefs[key]).toBe(value);
  });

  it('uses the given preload and no other script-related switches', () => {
    expect(prefs.preload).toBe('/app/dist/preload/preload.cjs');
    expect(prefs).not.toHaveProperty('experimentalFeatures');
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
  });

  it('opens DevTools only when asked (development), never in the packaged app', () => {
    expect(secureWebPreferences('p', { devTools: false }).devTools).toBe(false);
    expect(secureWebPreferences('p', { devTools: true }).devTools).toBe(true);
  });

  it('the window uses these preferences and stays hidden until ready to show', () => {
    const options = mainWindowOptions('/x/preload.cjs', { devTools: false });
    expect(options.webPreferences).toEqual(secureWebPreferences('/x/preload.cjs', { devTools: false }));
    expect(options.show).toBe(false);
    expect(options.title).toBe('Veil');
  });
});

describe('run-time paths', () => {
  it('in development: the bundles under dist/, the Electron build of better-sqlite3 under .electron-native/', () => {
    const paths = appPaths({ appRoot: '/repo', isPackaged: false, resourcesPath: '/ignored', userData: '/home/u/.config/Veil' });
    expect(paths.preload).toBe(path.join('/repo', 'dist', 'preload', 'preload.cjs'));
    expect(paths.rendererRoot).toBe(path.join('/repo', 'dist', 'renderer'));
    expect(paths.nativeBinding).toBe(path.join('/repo', '.electron-native', 'better_sqlite3.node'));
    expect(paths.databaseFile).toBe(path.join('/home/u/.config/Veil', 'veil.db'));
  });

  it('packaged: the native addon comes from resources/native (outside the asar)', () => {
    const paths = appPaths({ appRoot: '/opt/Veil/resources/app.asar', isPackaged: true, resourcesPath: '/opt/Veil/resources', userData: '/u' });
    expect(paths.nativeBinding).toBe(path.join('/opt/Veil/resources', 'native', 'better_sqlite3.node'));
    expect(paths.preload).toBe(path.join('/opt/Veil/resources/app.asar', 'dist', 'preload', 'preload.cjs'));
  });
});
