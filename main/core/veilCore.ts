import type { EventName, EventPayload } from '../../shared/contract';
import { AuthService } from './auth/authService';
import { SessionTable } from './auth/sessions';
import { systemClock, isoUtc, type Clock } from './clock';
import { openDatabase, schemaVersion, type Db } from './db/database';
import { silentLogger, type Logger } from './log';
import { Router, type Handlers } from './router';
import { SettingsRepository } from './system/settingsRepository';
import { StudyRepository } from './system/studyRepository';
import { UserRepository } from './users/userRepository';
import { UserService } from './users/userService';
import { VEIL_VERSION } from './version';

export interface CoreOptions {
  dbFile: string;
  mode: 'desktop' | 'browser';
  clock?: Clock;
  logger?: Logger;
  nativeBinding?: string;
  /** How often idle sessions are swept and locked (ms); 0 disables the timer (tests drive it by hand). */
  idleSweepMs?: number;
}

export type CoreEventListener = <E extends EventName>(windowId: string, event: E, payload: EventPayload<E>) => void;

/** The composition root of main/core: one database, its repositories, services and the router over them. */
export interface VeilCore {
  readonly db: Db;
  readonly router: Router;
  readonly auth: AuthService;
  readonly users: UserService;
  readonly repositories: { users: UserRepository; settings: SettingsRepository; study: StudyRepository };
  dispatch(windowId: string, channel: string, input: unknown): ReturnType<Router['dispatch']>;
  onEvent(listener: CoreEventListener): void;
  /** A window closed (Electron) or its page went away: end its session. */
  windowClosed(windowId: string): void;
  close(): void;
}

export function createVeilCore(options: CoreOptions): VeilCore {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const db = openDatabase(options.dbFile, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  const repositories = { users: new UserRepository(db), settings: new SettingsRepository(db), study: new StudyRepository(db) };
  const sessions = new SessionTable(clock);
  const auth = new AuthService(db, repositories.users, repositories.settings, sessions, clock);
  const users = new UserService(db, repositories.users, auth, clock);
  const listeners: CoreEventListener[] = [];
  auth.onSessionChanged((windowId, state) => listeners.forEach((l) => l(windowId, 'session.changed', state)));

  const handlers: Handlers = {
    session: {
      current: (ctx) => auth.state(ctx.windowId),
      createAdministrator: (ctx, input) => auth.createAdministrator(ctx.windowId, input),
      login: (ctx, input) => auth.login(ctx.windowId, input),
      logout: (ctx) => auth.logout(ctx.windowId),
      lock: (ctx) => auth.lock(ctx.windowId),
      unlock: (ctx, input) => auth.unlock(ctx.windowId, input.password),
      heartbeat: () => ({ done: true as const }),
      changePassword: (ctx, input) => auth.changePassword(ctx.windowId, ctx.user!.id, input),
    },
    system: {
      info: () => {
        const study = repositories.study.current();
        return {
          application: 'Veil' as const,
          version: VEIL_VERSION,
          mode: options.mode,
          study: study && { code: study.code, title: study.title, sponsor: study.sponsor.name },
          schemaVersion: schemaVersion(db),
          serverTime: isoUtc(clock.now()),
        };
      },
      securitySettings: () => repositories.settings.security(),
      updateSecuritySettings: (_ctx, input) => {
        repositories.settings.setSecurity(input);
        return repositories.settings.security();
      },
    },
    users: {
      list: () => users.list(),
      create: (_ctx, input) => users.create(input),
      setActive: (ctx, input) => users.setActive(ctx.user!.id, input),
      resetPassword: (_ctx, input) => users.resetPassword(input),
    },
  };

  const router = new Router(
    handlers,
    {
      lockIdleWindows: () => auth.lockIdleWindows(),
      sessionOf: (windowId) => {
        const session = sessions.get(windowId);
        const user = session && repositories.users.byId(session.userId);
        return session && user ? { userId: user.id, role: user.role, state: session.state } : undefined;
      },
      touch: (windowId) => sessions.touch(windowId),
    },
    logger,
  );

  const sweepMs = options.idleSweepMs ?? 15_000;
  const timer = sweepMs > 0 ? setInterval(() => auth.lockIdleWindows(), sweepMs) : null;
  timer?.unref();

  return {
    db,
    router,
    auth,
    users,
    repositories,
    dispatch: (windowId, channel, input) => router.dispatch(windowId, channel, input),
    onEvent: (listener) => listeners.push(listener),
    windowClosed: (windowId) => sessions.end(windowId),
    close: () => {
      if (timer) clearInterval(timer);
      db.close();
    },
  };
}
