import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SITE_NAME } from '../../main/core/demo/demoSeed';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * The site's name (issue 11): reports said "Site pharmacy (name not set)". It is asked at first start (the demo sets
 * it as a site would), changed by the administrator only, audited, and every report prints the current one.
 */
let t: TestCore;
beforeAll(async () => {
  t = await demoCore();
}, 120_000);
afterAll(() => t.dispose());

async function accountabilityCsv(window: string): Promise<string> {
  const result = await t.core.dispatch(window, 'reports.render', { report: 'accountability', format: 'csv' });
  expect(result.ok).toBe(true);
  return Buffer.from((result as { value: { base64: string } }).value.base64, 'base64').toString('utf8');
}

describe('the site name', () => {
  it('is on the reports and in system.info; the administrator changes it, audited; nobody else can', async () => {
    const monitor = await t.loginAs('monitor', 'site-monitor');
    expect(await accountabilityCsv(monitor)).toContain(DEMO_SITE_NAME);
    expect(await accountabilityCsv(monitor)).not.toContain('name not set');
    expect(await t.core.dispatch('anyone', 'system.info', {})).toMatchObject({ ok: true, value: { site: DEMO_SITE_NAME } });

    expect(await t.core.dispatch(monitor, 'system.updateSiteName', { name: 'Somewhere else' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const admin = await t.loginAs('administrator', 'site-admin');
    expect(await t.core.dispatch(admin, 'system.updateSiteName', { name: ' ' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await t.core.dispatch(admin, 'system.updateSiteName', { name: '  Hôpital Larrey, PUI essais  ' })).toMatchObject({ ok: true, value: { name: 'Hôpital Larrey, PUI essais' } });
    expect(await accountabilityCsv(monitor)).toContain('Hôpital Larrey, PUI essais');
    const changes = (await t.core.audit.query({ action: 'settings.site_changed' }));
    expect(changes.map((e) => [e.before, e.after])).toEqual([
      [{ name: null }, { name: DEMO_SITE_NAME }],
      [{ name: DEMO_SITE_NAME }, { name: 'Hôpital Larrey, PUI essais' }],
    ]);
    // The same name again changes nothing and records nothing.
    await t.core.dispatch(admin, 'system.updateSiteName', { name: 'Hôpital Larrey, PUI essais' });
    expect((await t.core.audit.query({ action: 'settings.site_changed' }))).toHaveLength(2);
  });
});
