import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANCHOR_FILE_SUFFIX } from '../../main/core/audit/chainAnchors';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * The last anchor is written when the core closes, on either engine: a step done just before the workstation is shut
 * down is anchored like any other. On PostgreSQL the head is read from the server, so the pool must not end before
 * that read (it did: the anchor's query met an ended pool, and the step was left unanchored until the next start).
 */
let t: TestCore;
beforeAll(async () => {
  t = await demoCore();
}, 120_000);
afterAll(() => t.dispose());

/** The last anchor written beside the database (SQLite) or in the workstation's folder (PostgreSQL). */
function lastAnchor(): { seq: number; hash: string } {
  const files = readdirSync(t.dir).filter((f) => f.endsWith(ANCHOR_FILE_SUFFIX));
  expect(files).toHaveLength(1);
  const lines = readFileSync(join(t.dir, files[0]!), 'utf8').trim().split('\n');
  return JSON.parse(lines.at(-1)!) as { seq: number; hash: string };
}

describe('the anchor at close', () => {
  it('anchors the head as it stood when the core closed, right after a step', async () => {
    const ph = await t.loginAs('unblinded_pharmacist', 'close-ph');
    const registered = await t.core.dispatch(ph, 'patients.register', { screeningNumber: 'S-CLOSE1', initials: 'CL', yearOfBirth: 1970, investigator: 'Dr Inès Moreau' });
    expect(registered.ok).toBe(true);
    const head = await t.core.audit.seal();
    // Closed at once: the step's anchor is still waiting behind the throttle (at most one anchor per interval).
    await t.whileClosed(async () => {
      expect(lastAnchor()).toMatchObject({ seq: head.seq, hash: head.hash });
    });
  });
});
