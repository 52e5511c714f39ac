import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../main/core/db/migrations/index';

/**
 * Released schema steps are frozen (issue 13, item 3): a database somewhere was upgraded by each of them, so editing
 * one would give two databases of the same version different schemas. A new step is a new file: list it in
 * migrations/index.ts and add its checksum here in the same commit. Only a step not yet released may change, and
 * then its line here changes with it.
 */
const RELEASED: Record<string, string> = {
  '001-users-settings-study.ts': '1e6d4c720add783d05cfc7b0b2e6a908fbf6540d67b497556ca08978f17602d6',
  '002-audit-signatures-keys-kits.ts': '0b6fa181130ea0ed318e3d0ef8cb190be2a0909888e198c846d509ab73992142',
  '003-shipments-patients-dispensings.ts': 'ea8b96d8c7b223bc2594f1e1ae93ab0701494263ec88b2364317d5be40658b43',
  '004-returns-reconciliation-destruction-emergency.ts': '9ed866558ec2a0ac4c1375a43a72705918b2f6d3731a13bf3944542b1c4d593c',
  '005-temporary-password-keys-code-break-attempts.ts': 'f0bc244d983258f4bb3c8e9d110fdc4c1ef3ee1a8249a2c9b4a819d3988f6fc8',
  '006-signature-chain-head.ts': '2cd560bc645245cfb5dc8001bd6c27233ef8b2b4d46d8dd852935ac9232dc4cb',
  '007-sealed-blocks.ts': 'b81e9440b54560cd19e7800235f7e266a538ab9aaea6340f41e3a66da209b4c8',
  '008-discrepancy-comments.ts': '0e42cdfadd1779db6d28d869e421cadc181a2956ee6244d366fccf0049f3c755',
  '009-expiry-hold.ts': '4b81888daebefbdcb2511e9bf496d57da12c034ec9f46ba73f64515c7524bf4c',
  '010-audit-indexes.ts': '79bcad12cefbac38cb2a2c0fa626ed033f0b19ba67a5ebe039ea0ad49dfb15b8',
  '011-emergency-sponsor-notifications.ts': '3a2009cae7359f1849754bf1c20345ee096d4d7cb9a603f8ac0472b751dd9858',
  '012-dispensing-and-label-indexes.ts': '6e9adf1dd072691af064f06b07c69b1d2537e048daee5686953ff638301d1255',
  '013-cold-chain.ts': '536d59eff0f8d6548538e7a0da3dc34ff1e250c5365b0bbb40dbd19e2cd78a66',
  '014-extra-dispensings.ts': 'ff1a01f93f6cafe62f68f5ab8050af948f582bb3c4f594518001f93e4e1c9622',
  '015-over-labels.ts': '7accb8e0c1e96ef0160027492b6853086df30ed66c1de4f2611c0126ebd0e05d',
  '016-study-closures.ts': 'addd1c3b5c939874f6ca39931ea424ea17eb91d3233aaa767c94b5ba1000c582',
  '017-status-indexes.ts': '5e329ecd2e128777bdddb357c788748a46063020143683eac7523ac0fc7764d1',
  '018-audit-event-study.ts': '4ee32fea7235347159af3c8efdf8ea5ef12b211f7383ee7d8f918a1174f34eda',
  '019-studies-as-rows.ts': '06f0686a9c7cf14eee4e2a8e8f60b1777b7dd85b89c9b527d494a168a6bee085',
  '020-rows-name-their-study.ts': '271c8cee15940db7d7eedb7f77c2834c9f9a5f71ccc1a6b0caf5187a1ff32d17',
  '021-delegations.ts': 'e0b7ad15cad8e6d54585f6aa8bfabaef94c807379e1902d8016fd7e73558b7fa',
  '022-key-per-study.ts': '16a156095fc80f23488f5cc7c74142c5b08953a3bc7db88068c9e9f89941e8ba',
  '023-kit-types.ts': 'e2ac9b777f13e301d8d862712e5ada29fe3404a9f4af8cdeae5d66c65cb2a676',
  '024-study-archive.ts': 'cd6c4d11eb97f73d9766058ca85fc965aec289a6a321e89cf5f3dd4a8e732417',
};

const FOLDER = join(__dirname, '../../main/core/db/migrations');
const stepFiles = readdirSync(FOLDER)
  .filter((f) => /^\d{3}-.+\.ts$/.test(f))
  .sort();

describe('released migration steps are frozen', () => {
  it('has one file per step, numbered 001 upwards without gaps, each listed in order in migrations/index.ts', () => {
    expect(stepFiles.map((f) => Number(f.slice(0, 3)))).toEqual(stepFiles.map((_, i) => i + 1));
    expect(migrations.length).toBe(stepFiles.length);
    const index = readFileSync(join(FOLDER, 'index.ts'), 'utf8');
    const imported = [...index.matchAll(/from '\.\/(\d{3}-[^']+)'/g)].map((m) => `${m[1]}.ts`);
    expect(imported).toEqual(stepFiles);
  });

  it.each(stepFiles)('%s matches its released checksum', (file) => {
    const sha = createHash('sha256').update(readFileSync(join(FOLDER, file))).digest('hex');
    expect(RELEASED[file], `${file} is a new step: add its checksum to this test`).toBeDefined();
    expect(sha, `${file} is released and must not change: add a new step instead`).toBe(RELEASED[file]);
  });
});
