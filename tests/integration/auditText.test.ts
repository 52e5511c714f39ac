import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../main/host/server';
import { canonicalJson } from '../../shared/canonicalJson';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * Issue 10, finding 11 (first bullet): a lone UTF-16 surrogate in audited text (a failed login's username, a
 * withdrawal reason) was accepted, hashed in one form and stored in another (SQLite keeps UTF-8, so the surrogate
 * became U+FFFD), and `veil verify` then reported the chain broken at that event for good. Text with a lone
 * surrogate is refused at the contract boundary, and the trail itself stores exactly what it hashed.
 */
let t: TestCore;
let host: Host;

beforeAll(async () => {
  t = await demoCore();
  const rendererDir = join(t.dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Veil</title>');
  host = await startHost({ core: t.core, rendererDir, port: 0 });
});
afterAll(async () => {
  await host.close();
  t.dispose();
});

/** A raw POST, body written as given: JSON escapes such as \ud800 reach the server as lone surrogates. */
function post(channel: string, body: string) {
  return new Promise<{ status: number; body: { ok: boolean; error?: { code: string; message: string } } }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, method: 'POST', path: `/rpc/${channel}`, headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as { ok: boolean; error?: { code: string; message: string } } }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const eventCount = async () =>
  (await t.core.store.q().selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
/** The chain recomputed from the first event, through the Store (either engine). */
const verifyChain = () => t.core.audit.verifyChain();

describe('lone surrogates in audited text', () => {
  it('from the login screen (browser mode): the username is refused in plain words and the chain still verifies', async () => {
    const before = await eventCount();
    const answer = await post('session.login', '{"username":"\\ud800admin","password":"whatever"}');
    expect(await verifyChain()).toEqual({ ok: true, events: await eventCount() });
    expect(answer.status).toBe(400);
    expect(answer.body.ok).toBe(false);
    expect(answer.body.error!.code).toBe('validation');
    expect(answer.body.error!.message).toMatch(/character that is not valid text/);
    expect(answer.body.error!.message).toContain('username');
    // Nothing half-written: no event with a damaged username.
    const names = (await t.core.store.q().selectFrom('audit_events').select('username').where('seq', '>', before).execute()).map((r) => r.username);
    expect(names.some((n) => n.includes('\ufffd') || /[\ud800-\udfff]/.test(n))).toBe(false);
  });

  it('a trailing high surrogate and a reversed pair are refused too; a real emoji pair is accepted text', async () => {
    for (const username of ['\\udc00', 'bob\\ud83d', '\\ude00\\ud83d']) {
      const answer = await post('session.login', `{"username":"${username}","password":"x"}`);
      expect(answer.body.error?.code, username).toBe('validation');
      expect(answer.body.error?.message, username).toMatch(/not valid text/);
    }
    const emoji = await post('session.login', '{"username":"bob\\ud83d\\ude00","password":"x"}');
    expect(emoji.body.error?.message ?? '').not.toMatch(/not valid text/);
    expect((await verifyChain()).ok).toBe(true);
  });

  it('from a reason field (withdrawal): refused through the router, nothing changed', async () => {
    const window = await t.loginAs('investigator');
    const registered = await t.core.dispatch(window, 'patients.register', { screeningNumber: 'S-901', initials: 'AB', yearOfBirth: 1980, investigator: 'Dr X' });
    expect(registered.ok).toBe(true);
    const patientId = (registered as { value: { id: number } }).value.id;
    const before = await eventCount();
    const answer = await t.core.dispatch(window, 'patients.withdraw', { patientId, reason: 'Moved abroad \udc00' });
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.error.code).toBe('validation');
    expect(!answer.ok && answer.error.message).toMatch(/reason/);
    expect(await eventCount()).toBe(before);
    expect((await t.core.patients.view(patientId)).status).toBe('registered');
    expect((await verifyChain()).ok).toBe(true);
  });

  it('a service called around the contract (CLI, demo, a future caller) still cannot break the chain: the trail stores what it hashed', async () => {
    const patient = await t.core.store.q().selectFrom('patients').select('id').where('screening_number', '=', 'S-901').executeTakeFirstOrThrow();
    await t.core.patients.withdraw({ userId: null, username: 'system\ud800' }, patient.id, 'Moved \udc00 abroad');
    expect(await verifyChain()).toEqual({ ok: true, events: await eventCount() });
    const last = (await t.core.audit.query({ limit: 1 }))[0]!;
    expect(last.username).toBe('system\ufffd');
    expect(last.reason).toBe('Moved \ufffd abroad');
  });
});

describe('canonical JSON is total', () => {
  it('gives one stable form for any string: the form survives a round trip through UTF-8 (as SQLite stores it)', () => {
    const samples = ['\ud800', 'a\udc00b', '\ud83d\ude00', '\ude00\ud83d', 'x\ud800\ud800y', '', 'plain', '\u2028', '"\\'];
    for (const s of samples) {
      const form = canonicalJson({ [s]: s, list: [s] });
      expect(Buffer.from(form, 'utf8').toString('utf8'), JSON.stringify(s)).toBe(form);
      const stored = Buffer.from(s, 'utf8').toString('utf8');
      expect(canonicalJson({ [stored]: stored, list: [stored] }), JSON.stringify(s)).toBe(form);
    }
    expect(canonicalJson('\ud800')).toBe(canonicalJson('\ufffd'));
    expect(canonicalJson('\ud83d\ude00')).toBe('"\ud83d\ude00"');
  });
});
