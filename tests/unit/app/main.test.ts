import * as electron from 'electron';
import { describe, expect, it, vi } from 'vitest';

// The real entry file, run against the mocked module: with the lock refused, main.ts must quit and do nothing else.
vi.mock('electron', async () => {
  const { fakeElectronModule } = await import('./fakeElectron');
  const module = fakeElectronModule();
  module.app.lockGranted = false;
  return module;
});

import type { FakeApp, fakeProtocol } from './fakeElectron';

describe('main.ts (entry)', () => {
  it('asks for the single-instance lock and quits when it is not obtained', async () => {
    await import('../../../main/app/main');
    const app = electron.app as unknown as FakeApp;
    expect(app.requestSingleInstanceLock).toHaveBeenCalledTimes(1);
    expect(app.quit).toHaveBeenCalledTimes(1);
    expect(app.enableSandbox).not.toHaveBeenCalled();
    expect((electron.protocol as unknown as ReturnType<typeof fakeProtocol>).registerSchemesAsPrivileged).not.toHaveBeenCalled();
  });
});
