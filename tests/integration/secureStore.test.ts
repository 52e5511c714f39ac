import { readFileSync, existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels } from '../../shared/contract';
import { ROLES, ROLE_IS_BLINDED, ROLE_PERMISSIONS, UNBLINDED_PERMISSIONS } from '../../shared/roles';
import { verifyChain } from '../../main/core/audit/auditTrail';
import { NS_DUPI } from '../../main/core/demo/demoSeed';
import { demoCore, type TestCore } from '../helpers/core';

let t: TestCore;
beforeAll(async () => {
  t = await demoCore();
});
afterAll(() => t.dispose());

const ARM_WORDS = NS_DUPI.arms.flatMap((a) => [a.code, a.name]);

function dbBytes(): Buffer {
  const parts = [readFileSync(t.dbFile)];
  if (existsSync(t.dbFile + '-wal')) parts.push(readFileSync(t.dbFile + '-wal'));
  return Buffer.concat(parts);
}

describe('arms at rest', () => {
  it('no arm code or name lies next to a kit or randomization number anywhere in the database file or its WAL', () => {
    const bytes = dbBytes().toString('latin1');
    const numbers = [...t.armOf.keys()];
    let armOccurrences = 0;
    for (const word of ARM_WORDS) {
      for (let at = bytes.indexOf(word); at !== -1; at = bytes.indexOf(word, at + 1)) {
        armOccurrences++;
        const around = bytes.slice(Math.max(0, at - 512), at + word.length + 512);
        for (const n of numbers) expect(around.includes(n), `${word} near ${n}`).toBe(false);
      }
    }
    // The study configuration names its arms (public protocol facts), so the words exist, only never by a kit.
    expect(armOccurrences).toBeGreaterThan(0);
    expect(numbers.length).toBeGreaterThanOrEqual(30 + 150);
  });

  it('the kit and slot tables hold no plaintext arm, lot or expiry', () => {
    const rows = JSON.stringify([...t.core.db.prepare('SELECT * FROM kits').all(), ...t.core.db.prepare('SELECT * FROM randomization_slots').all()]);
    for (const word of [...ARM_WORDS, 'DP24A117', 'DP25B042', 'PL24C009', 'PL25D021', '2027-09-30', '2028-03-31', '2028-02-29']) {
      expect(rows.includes(word), word).toBe(false);
    }
    // Lots and expiry dates are arm-specific in the demo, so every kit shows one blinded lot and one common date.
    const shown = t.core.db.prepare('SELECT DISTINCT blinded_lot, use_before FROM kits').all();
    expect(shown).toEqual([{ blinded_lot: 'NSDUPI-BL1', use_before: '2027-08-31' }]);
  });

  it('two kits of the same arm have different ciphertexts', () => {
    const kits = t.core.db.prepare('SELECT kit_number AS k, arm_sealed AS s FROM kits').all() as Array<{ k: string; s: string }>;
    const sameArm = kits.filter((k) => t.armOf.get(k.k) === 'PLACEBO');
    expect(sameArm.length).toBeGreaterThan(10);
    expect(new Set(sameArm.map((k) => k.s)).size).toBe(sameArm.length);
  });

  it('swapping two kits ciphertexts makes decryption fail loudly, naming the kit', async () => {
    const w = await t.loginAs('unblinded_pharmacist', 'swap');
    const [a, b] = t.core.db.prepare('SELECT kit_number AS k, arm_sealed AS s FROM kits LIMIT 2').all() as Array<{ k: string; s: string }>;
    const update = t.core.db.prepare('UPDATE kits SET arm_sealed = ? WHERE kit_number = ?');
    update.run(b!.s, a!.k);
    update.run(a!.s, b!.k);
    try {
      const result = await t.core.dispatch(w, 'allocation.register', { password: t.userOf('unblinded_pharmacist').password });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.message).toMatch(/Integrity failure/);
        expect(result.error.message).toContain(a!.k);
      }
    } finally {
      update.run(a!.s, a!.k);
      update.run(b!.s, b!.k);
    }
    const healed = await t.core.dispatch(w, 'allocation.register', { password: t.userOf('unblinded_pharmacist').password });
    expect(healed.ok).toBe(true);
  });
});

describe('key custody', () => {
  it('a blinded session never holds the allocation key; an unblinded one does until it locks, and the bytes are wiped', async () => {
    for (const role of ROLES.filter((r) => ROLE_IS_BLINDED[r])) {
      const w = await t.loginAs(role, `key-${role}`);
      expect(t.core.sessions.get(w)!.allocationKeys.size, role).toBe(0);
    }
    const w = await t.loginAs('unblinded_pharmacist', 'key-holder');
    const key = t.core.custody.keyOf(w)!;
    expect(key).toBeInstanceOf(Buffer);
    expect(key.some((byte) => byte !== 0)).toBe(true);
    await t.core.dispatch(w, 'session.lock', {});
    expect(key.every((byte) => byte === 0)).toBe(true);
    expect(t.core.sessions.get(w)!.allocationKeys.size).toBe(0);
    await t.core.dispatch(w, 'session.unlock', { password: t.userOf('unblinded_pharmacist').password });
    expect(t.core.custody.keyOf(w)).not.toBeNull();
    await t.core.dispatch(w, 'session.logout', {});
    expect(t.core.custody.keyOf(w)).toBeNull();
  });

  it('every channel a blinded role may call answers without an arm', async () => {
    for (const role of ROLES.filter((r) => ROLE_IS_BLINDED[r])) {
      const w = await t.loginAs(role, `leak-${role}`);
      for (const { name, definition } of channels) {
        if (['session.logout', 'session.lock', 'session.login', 'session.createAdministrator', 'session.changePassword'].includes(name)) continue;
        const access = definition.access;
        const allowed = access === 'public' || access === 'session' || access === 'locked' || ROLE_PERMISSIONS[role].includes(access as never);
        if (!allowed) continue;
        for (const example of definition.examples) {
          const text = JSON.stringify(await t.core.dispatch(w, name, example));
          for (const word of ARM_WORDS) expect(text, `${role} ${name}`).not.toContain(word);
        }
      }
    }
  });

  it('only unblinded roles hold permissions that reveal arms', () => {
    for (const role of ROLES) {
      const reveals = ROLE_PERMISSIONS[role].some((p) => (UNBLINDED_PERMISSIONS as readonly string[]).includes(p));
      if (ROLE_IS_BLINDED[role]) expect(reveals, role).toBe(false);
    }
  });

  it('a new unblinded user gets the key only through a grant; an administrator reset removes it again', async () => {
    const admin = await t.loginAs('administrator', 'grant-admin');
    const created = await t.core.dispatch(admin, 'users.create', { username: 'ulla2', displayName: 'Ulla Second', role: 'unblinded_monitor', temporaryPassword: 'temporary password 9' });
    expect(created.ok).toBe(true);
    const userId = (created as { value: { id: number } }).value.id;
    // The unblinded role is the study pharmacist's to give; under the temporary password the key waits.
    const pharmacist = await t.loginAs('unblinded_pharmacist', 'grant-ph');
    const today = ((await t.core.dispatch(pharmacist, 'today.view', {})) as { value: { today: string } }).value.today;
    const delegated = await t.core.dispatch(pharmacist, 'delegations.grant', { userId, role: 'unblinded_monitor', startsOn: today, endsOn: null, reason: 'Second monitor', signature: { username: 'pharmacist', password: t.userOf('unblinded_pharmacist').password } });
    expect(delegated).toMatchObject({ ok: true, value: { key: 'after_own_password' } });
    const w = 'grant-new';
    await t.core.dispatch(w, 'session.login', { username: 'ulla2', password: 'temporary password 9' });
    await t.core.dispatch(w, 'session.changePassword', { currentPassword: 'temporary password 9', newPassword: 'ulla second password' });
    expect(t.core.custody.keyOf(w)).toBeNull();

    const status = await t.core.dispatch(pharmacist, 'allocation.status', {});
    expect(JSON.stringify(status)).toContain('"username":"ulla2"');
    const grant = await t.core.dispatch(pharmacist, 'allocation.grantAccess', {
      userId,
      reason: 'Second monitor',
      signature: { username: 'pharmacist', password: t.userOf('unblinded_pharmacist').password },
    });
    expect(grant).toMatchObject({ ok: true, value: { signature: { meaning: expect.stringContaining('grant'), printedName: expect.stringContaining('Paula') } } });

    await t.core.dispatch(w, 'session.logout', {});
    await t.core.dispatch(w, 'session.login', { username: 'ulla2', password: 'ulla second password' });
    expect(t.core.custody.keyOf(w)).not.toBeNull();

    const reset = await t.core.dispatch(admin, 'users.resetPassword', { userId, temporaryPassword: 'temporary password 10', reason: 'Forgotten' });
    expect(reset).toMatchObject({ ok: true, value: { keyAccessRemoved: true } });
    expect(t.core.custody.keyOf(w)).toBeNull(); // the session ended with the reset
    await t.core.dispatch(w, 'session.login', { username: 'ulla2', password: 'temporary password 10' });
    expect(t.core.custody.keyOf(w)).toBeNull();

    const blindedTarget = await t.core.dispatch(pharmacist, 'allocation.grantAccess', {
      userId: (await t.core.repositories.users.byUsername('monitor'))!.id,
      reason: 'try',
      signature: { password: t.userOf('unblinded_pharmacist').password },
    });
    expect(blindedTarget).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('the emergency passphrase reveals one slot and nothing else; a wrong one reveals nothing', async () => {
    const slot = 'R007';
    const investigator = { userId: (await t.core.repositories.users.byUsername('investigator'))!.id, username: 'investigator' };
    const revealed = await t.core.codeBreak.revealSlot(investigator, t.demo.codeBreakPassphrase, slot);
    expect(revealed).toEqual({ randomizationNumber: slot, armCode: t.armOf.get(slot), armName: NS_DUPI.arms.find((a) => a.code === t.armOf.get(slot))!.name });
    expect(Object.keys(revealed)).toEqual(['randomizationNumber', 'armCode', 'armName']);
    // Typed from paper: lower case, spaces instead of dashes.
    const typed = t.demo.codeBreakPassphrase.toLowerCase().replace(/-/g, ' ');
    expect((await t.core.codeBreak.revealSlot(investigator, typed, slot)).armCode).toBe(t.armOf.get(slot));
    await expect(t.core.codeBreak.revealSlot(investigator, 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF-GGGGG-HHHHH', slot)).rejects.toThrow(/passphrase is wrong/);
  });
});

describe('e-signatures', () => {
  it('need the username at the first signing of a session and the password after; a wrong password signs and changes nothing', async () => {
    const ph = t.userOf('unblinded_pharmacist');
    const w = await t.loginAs('unblinded_pharmacist', 'sign');
    const seal = (await t.core.audit.seal());
    const csv = 'randomization_number,arm,block,stratum\nR901,PLACEBO,B90,ALL\n';
    const noUser = await t.core.dispatch(w, 'allocation.importList', { kind: 'randomization', fileName: 'extra.csv', contentBase64: Buffer.from(csv).toString('base64'), signature: { password: ph.password } });
    expect(noUser).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringContaining('username') } });
    const wrong = await t.core.dispatch(w, 'allocation.importList', { kind: 'randomization', fileName: 'extra.csv', contentBase64: Buffer.from(csv).toString('base64'), signature: { username: 'pharmacist', password: 'nope' } });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringContaining('Wrong password') } });
    const otherUser = await t.core.dispatch(w, 'allocation.importList', { kind: 'randomization', fileName: 'extra.csv', contentBase64: Buffer.from(csv).toString('base64'), signature: { username: 'unblinded.monitor', password: t.userOf('unblinded_monitor').password } });
    expect(otherUser).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringContaining('logged-in user') } });
    // Nothing signed or imported: the one new event is the wrong password, recorded by the credential check.
    const added = (await t.core.audit.query()).filter((e) => e.seq > seal.seq);
    expect(added.map((e) => [e.action, e.entityId, (e.after as { check: string; cause: string }).check, (e.after as { cause: string }).cause])).toEqual([
      ['credential.failed', 'pharmacist', 'signature', 'wrong password'],
    ]);
    expect(t.core.db.prepare("SELECT count(*) AS n FROM randomization_slots WHERE randomization_number = 'R901'").get()).toEqual({ n: 0 });

    const ok = await t.core.dispatch(w, 'allocation.importList', { kind: 'randomization', fileName: 'extra.csv', contentBase64: Buffer.from(csv).toString('base64'), signature: { username: 'pharmacist', password: ph.password } });
    expect(ok).toMatchObject({ ok: true, value: { rowCount: 1, signature: { printedName: 'Paula Lefèvre (pharmacist)', meaning: expect.stringContaining('approve') } } });
    const stored = t.core.db.prepare('SELECT * FROM signatures ORDER BY id DESC LIMIT 1').get() as { record_hash: string; meaning: string; printed_name: string };
    expect(stored.record_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(() => t.core.db.prepare('UPDATE signatures SET meaning = ?').run('changed')).toThrow(/cannot be changed/);
    // The password alone is enough for the next signature of this session.
    const csv2 = 'randomization_number,arm,block,stratum\nR902,DUPI300,B90,ALL\n';
    expect((await t.core.dispatch(w, 'allocation.importList', { kind: 'randomization', fileName: 'extra2.csv', contentBase64: Buffer.from(csv2).toString('base64'), signature: { password: ph.password } })).ok).toBe(true);
  });
});

describe('audit trail', () => {
  it('records who, when (UTC and offset), what and the file hash, and the chain holds', async () => {
    const events = (await t.core.audit.query({ action: 'list.kits_imported' }));
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.username).toBe('pharmacist');
    expect(e.atUtc).toMatch(/Z$/);
    expect(e.atOffset).toMatch(/^[+-]\d\d:\d\d$/);
    expect(e.after).toMatchObject({ rowCount: 180, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(e.signatureId).not.toBeNull();
    expect(verifyChain(t.core.db)).toMatchObject({ ok: true });
  });

  it('refuses UPDATE and DELETE through its triggers', () => {
    expect(() => t.core.db.prepare("UPDATE audit_events SET username = 'x' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => t.core.db.prepare('DELETE FROM audit_events WHERE seq = 1').run()).toThrow(/append-only/);
  });

  it('a monitor reads it in plain words and exports it as CSV with the seal; no arm appears', async () => {
    const w = await t.loginAs('monitor', 'audit-monitor');
    const list = await t.core.dispatch(w, 'audit.list', { action: 'list.kits_imported' });
    expect(list).toMatchObject({ ok: true, value: { total: 1, events: [{ signature: { printedName: expect.any(String) } }] } });
    const exported = await t.core.dispatch(w, 'audit.exportCsv', {});
    expect(exported.ok).toBe(true);
    const csv = (exported as { value: { csv: string } }).value.csv;
    const seal = (await t.core.audit.seal());
    expect(csv).toContain(seal.hash);
    expect(csv).toContain('imported the kit list');
    for (const word of ARM_WORDS) expect(csv).not.toContain(word);
  });
});
