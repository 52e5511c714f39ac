import { inStudy } from '../study/callStudy';
import type { CoreOptions } from '../veilCoreApi';
import type { CoreServices } from './coreServices';

/**
 * The core's timers: idle windows locked every idleSweepMs (default 15 s), and the expiry sweep (issue 16, item 1) at
 * start-up then every expirySweepMs, with nobody logged in. The expiry sweep is off with the idle sweep unless asked
 * for (tests and one-shot commands drive both by hand). It starts once the studies are in memory (startExpirySweep),
 * sweeps each study in turn (in it, as a call of a session working in it would be), and leaves a closed study alone.
 * The same sweep takes back the study's key from users whose unblinded role there reached its last day.
 */
export function startSweeps({ auth, kitExceptions, closeOut, custody, logger, site }: Pick<CoreServices, 'auth' | 'kitExceptions' | 'closeOut' | 'custody' | 'logger' | 'site'>, options: CoreOptions): { startExpirySweep: () => void; stop: () => void } {
  const sweepMs = options.idleSweepMs ?? 15_000;
  const timer = sweepMs > 0 ? setInterval(() => void auth.lockIdleWindows().catch(() => undefined), sweepMs) : null;
  timer?.unref();
  const expiryMs = options.expirySweepMs ?? (sweepMs > 0 ? 60 * 60_000 : 0);
  // A closed study's records are read-only (issue 14, item 1): the sweep leaves its kits as they were at close-out (and
  // its commit is refused if the study was closed meanwhile).
  const sweepStudy = (study: string) =>
    closeOut
      .closedSince()
      .then((closed) => (closed ? [] : closeOut.whileOpen(() => kitExceptions.sweepExpired())))
      .then(
        (kits) => {
          if (kits.length > 0) logger.info('kits expired by the expiry sweep', { study, count: kits.length });
        },
        (error: unknown) => logger.error('the expiry sweep failed', { study, error: error instanceof Error ? error.message : String(error) }),
      );
  // With it, the wraps of the study's key whose holder's unblinded role reached its last day (closed studies too: a key
  // is not a record of the study, and a former unblinded user should open nothing of it).
  const sweepKeys = (study: string) =>
    custody.takeBackLapsed().then(
      (users) => {
        if (users.length > 0) logger.info('allocation key taken back from users whose unblinded role lapsed', { study, count: users.length });
      },
      (error: unknown) => logger.error('the key sweep failed', { study, error: error instanceof Error ? error.message : String(error) }),
    );
  const sweepExpired = async () => {
    for (const study of site.studies()) {
      await inStudy(study.id, () => sweepStudy(study.config.code));
      await inStudy(study.id, () => sweepKeys(study.config.code));
    }
  };
  let expiryTimer: ReturnType<typeof setInterval> | null = null;
  return {
    startExpirySweep: () => {
      if (expiryMs <= 0) return;
      void sweepExpired();
      expiryTimer = setInterval(() => void sweepExpired(), expiryMs);
      expiryTimer.unref();
    },
    stop: () => {
      if (timer) clearInterval(timer);
      if (expiryTimer) clearInterval(expiryTimer);
    },
  };
}
