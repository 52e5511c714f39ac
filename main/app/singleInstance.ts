import type { App, BrowserWindow } from 'electron';

/**
 * One Veil per user session: two instances would open the same database file and keep two separate session tables,
 * so one could be logged in while the other shows a lock screen for the same bench. A second launch instead brings the
 * running window to the front. Returns false when this process must quit (it has already been told to).
 */
export function acquireSingleInstance(app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'on'>, focusTarget: () => BrowserWindow | undefined): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    const window = focusTarget();
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  return true;
}
