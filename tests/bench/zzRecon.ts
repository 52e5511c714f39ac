import { performance } from 'node:perf_hooks';
import { openVeilCore } from '../../main/core/veilCore';
const [dbFile, user, pass] = process.argv.slice(2);
const core = await openVeilCore({ dbFile: dbFile!, mode: 'browser', idleSweepMs: 0 });
const r = await core.dispatch('w', 'session.login', { username: user!, password: pass! });
if (!r.ok) throw new Error(r.error.message);
for (const ch of ['patients.due', 'reconciliation.view'] as const) {
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const a = await core.dispatch('w', ch, {});
    const ms = performance.now() - t;
    console.log(ch, a.ok, Math.round(ms), 'ms', JSON.stringify(a.ok ? a.value : a.error).length, 'bytes');
  }
}
core.close();
