import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openVeilCoreInternals } from '../../main/core/veilCore';

/**
 * A new site before its study is loaded (the first start: the administrator, then the unblinded pharmacist who sets up
 * the allocation key and then loads the study). Its screens open on empty lists, as they did before records named
 * their study (migration 20): study set-up, the devices, storage, stock, patients, shipments. A scope that refused
 * "no study" broke the set-up screen itself (the e2e first-start run of stop 39).
 */
const dir = mkdtempSync(join(tmpdir(), 'veil-new-site-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a new site before its study is loaded', () => {
  it("answers the set-up, device, storage and list screens with what there is: nothing yet, not a refusal", async () => {
    const core = await openVeilCoreInternals({ dbFile: join(dir, 'veil.db'), mode: 'browser', idleSweepMs: 0 });
    try {
      const w = 'w';
      expect((await core.dispatch(w, 'session.createAdministrator', { username: 'site.admin', displayName: 'Sam Girard', password: 'pharmacy admin 2024' })).ok).toBe(true);
      expect((await core.dispatch(w, 'devices.status', {})).ok).toBe(true);
      expect((await core.dispatch(w, 'users.create', { username: 'claire.pharma', displayName: 'Claire Fontaine', role: 'unblinded_pharmacist', temporaryPassword: 'temporary password 1' })).ok).toBe(true);
      await core.dispatch(w, 'session.logout', {});
      await core.dispatch(w, 'session.login', { username: 'claire.pharma', password: 'temporary password 1' });
      expect((await core.dispatch(w, 'session.changePassword', { currentPassword: 'temporary password 1', newPassword: 'claire keeps the key' })).ok).toBe(true);
      const answers = Object.fromEntries(
        await Promise.all(
          (['allocation.status', 'devices.status', 'coldChain.locations', 'coldChain.kitLocations', 'inventory.summary', 'inventory.kits', 'patients.list', 'shipments.list', 'returns.list', 'destruction.list', 'destruction.candidates', 'labels.queue', 'lots.overLabels', 'emergency.list'] as const).map(
            async (channel) => [channel, await core.dispatch(w, channel, {})] as const,
          ),
        ),
      );
      for (const [channel, answer] of Object.entries(answers)) expect({ channel, ok: answer.ok, error: answer.ok ? null : answer.error.message }).toEqual({ channel, ok: true, error: null });
      expect(answers['inventory.summary']!.ok && answers['inventory.summary']!.value).toMatchObject({ total: 0 });
      expect(answers['patients.list']!.ok && answers['patients.list']!.value).toEqual([]);
      // Asked for a record by its number, it is simply not there.
      const patient = await core.dispatch(w, 'patients.get', { patientId: 1 });
      expect(!patient.ok && patient.error.code).toBe('not_found');
    } finally {
      core.close();
    }
  });
});
