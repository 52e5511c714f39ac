import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { App, CrashReporter, Dialog, RenderProcessGoneDetails, WebContents } from 'electron';
import type { Logger } from '../core/log';
import { VEIL_VERSION } from '../core/version';
import type { WindowRegistry } from './windows';

/**
 * What the desktop app does when a process dies, so nothing is lost silently and the pharmacist is not left in front
 * of a blank window:
 * - native crashes of any process are written as minidumps to Electron's local crashDumps folder (Crashpad) and
 *   never uploaded: a dump can hold what was on screen, and that may be unblinded;
 * - a crashed window is logged, its session ended (the allocation key it held is wiped, as at logout) and the page
 *   reloaded at the login screen; a window that keeps crashing is closed with a message instead of looping;
 * - an exception nobody caught in the main process is logged and written as a local crash report
 *   (`<userData>/crash-reports/main-<time>.json`); an uncaught one also says so on screen and quits, because the
 *   main process's state is then unknown (committed steps are safe in the database; nothing half-done is kept).
 */
export const CRASH_REPORTS_FOLDER = 'crash-reports';
/** A window that crashes this many times within RELOAD_WINDOW_MS is closed rather than reloaded again. */
export const MAX_RELOADS = 3;
export const RELOAD_WINDOW_MS = 60_000;

/** The two events of `process` the shell listens to. */
export interface ProcessEvents {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
}

export interface CrashWatchOptions {
  app: Pick<App, 'on' | 'getPath' | 'quit'>;
  dialog: Pick<Dialog, 'showErrorBox'>;
  registry: WindowRegistry;
  logger: Logger;
  /** Ends the core session of a window (its key wiped), as when the window closes. */
  endSession: (windowId: string) => void;
  /** The main process's events (process in the app; an emitter in tests). */
  processEvents: ProcessEvents;
  now?: () => number;
}

/** Starts the local crash reporter; must run before 'ready' (Electron starts Crashpad with the first processes). */
export function startCrashReporter(crashReporter: Pick<CrashReporter, 'start'>): void {
  crashReporter.start({ uploadToServer: false, compress: true });
}

/** Writes a local crash report for an error of the main process; returns its path (or null if it could not be written). */
export function writeCrashReport(userData: string, kind: string, error: unknown, at: Date): string | null {
  try {
    const folder = path.join(userData, CRASH_REPORTS_FOLDER);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const file = path.join(folder, `main-${at.toISOString().replace(/[:.]/g, '-')}.json`);
    const report = {
      time: at.toISOString(),
      version: VEIL_VERSION,
      process: 'main',
      kind,
      message: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? (error.stack ?? null) : null,
      platform: `${process.platform} ${process.arch}`,
      versions: { node: process.versions.node, electron: process.versions.electron ?? null, chrome: process.versions.chrome ?? null },
    };
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n', { mode: 0o600 });
    return file;
  } catch {
    return null;
  }
}

export function watchForCrashes(options: CrashWatchOptions): void {
  const { app, dialog, registry, logger, endSession } = options;
  const now = options.now ?? Date.now;
  const crashTimes = new Map<string, number[]>();

  app.on('render-process-gone', (_event: unknown, contents: WebContents, details: RenderProcessGoneDetails) => {
    if (details.reason === 'clean-exit') return;
    const ours = registry.owns(contents);
    const windowId = String(contents.id);
    logger.error('window crashed', { window: windowId, reason: details.reason, exitCode: details.exitCode, ours });
    if (!ours) return;
    // Whatever the page held is gone; the session must not outlive it with the key open behind a blank window.
    endSession(windowId);
    const recent = [...(crashTimes.get(windowId) ?? []), now()].filter((t) => now() - t < RELOAD_WINDOW_MS);
    crashTimes.set(windowId, recent);
    if (recent.length >= MAX_RELOADS) {
      logger.error('window closed after repeated crashes', { window: windowId, crashes: recent.length });
      dialog.showErrorBox(
        'Veil closed a window that kept failing',
        `The window crashed ${recent.length} times in a minute. Nothing that was confirmed is lost. Start Veil again; if it keeps failing, send the log and the crash reports in ${app.getPath('userData')} to your support.`,
      );
      registry.windowOf(windowId)?.close();
      return;
    }
    logger.info('window reloaded after a crash', { window: windowId });
    contents.reload();
  });

  app.on('child-process-gone', (_event: unknown, details: { type: string; reason: string; exitCode: number; name?: string }) => {
    if (details.reason === 'clean-exit') return;
    logger.error('helper process gone', { type: details.type, reason: details.reason, exitCode: details.exitCode, name: details.name ?? null });
  });

  options.processEvents.on('uncaughtException', (error: unknown) => {
    const report = writeCrashReport(app.getPath('userData'), 'uncaughtException', error, new Date(now()));
    logger.error('uncaught exception in the main process', { error: error instanceof Error ? error.message : String(error), report });
    dialog.showErrorBox('Veil must close', `An unexpected error stopped Veil. Nothing that was confirmed is lost. A report was written to ${report ?? 'the log'}.`);
    app.quit();
  });
  options.processEvents.on('unhandledRejection', (reason: unknown) => {
    const report = writeCrashReport(app.getPath('userData'), 'unhandledRejection', reason, new Date(now()));
    logger.error('unhandled rejection in the main process', { error: reason instanceof Error ? reason.message : String(reason), report });
  });
}
