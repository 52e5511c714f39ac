/**
 * Entry of the desktop app (bundled to dist/app/main.cjs by scripts/build.mjs). All behaviour lives in the small
 * modules next to this file so that it can be unit-tested with a mocked `electron`; this file only hands them the
 * real Electron objects.
 */
import { app, BrowserWindow, crashReporter, dialog, ipcMain, protocol, session } from 'electron';
import { startVeil } from './lifecycle';

startVeil({ app, BrowserWindow, protocol, session, ipcMain, dialog, crashReporter }, { resourcesPath: process.resourcesPath });
