import { channels } from '../../../shared/contract';
import { EXAMPLE_PASSWORD } from '../../../shared/contract/examples';
import { ROLE_PERMISSIONS, type Role } from '../../../shared/roles';
import type { TestCore } from '../../helpers/core';
import { filesAsText } from './channelHarness';
import { inspect, type Leak, type SponsorTruth } from './leakDetector';

/**
 * Every query `role` may call, in contract order (the answers a screen would show), with its contract examples (the
 * example password replaced by `password`) and the inputs `more` adds for a channel; each answer, and each file inside
 * it, inspected against every truth. Answers the channels that answered and the leaks found.
 */
export async function readEverythingAs(
  t: TestCore,
  window: string,
  role: Role,
  options: { password: string; truths: readonly SponsorTruth[]; more?: (channel: string) => unknown[] },
): Promise<{ answered: string[]; leaks: Leak[] }> {
  const withPassword = (value: unknown): unknown => JSON.parse(JSON.stringify(value).split(EXAMPLE_PASSWORD).join(options.password));
  const answered: string[] = [];
  const leaks: Leak[] = [];
  for (const { name, definition } of channels) {
    if (definition.kind !== 'query') continue;
    if (definition.access !== 'session' && definition.access !== 'public' && !ROLE_PERMISSIONS[role].includes(definition.access as never)) continue;
    for (const input of [...definition.examples.map(withPassword), ...(options.more?.(name) ?? [])]) {
      const result = await t.core.dispatch(window, name, input);
      if (!result.ok) continue;
      answered.push(name);
      for (const truth of options.truths) {
        leaks.push(...inspect(name, result.value, truth));
        for (const text of filesAsText(result.value)) leaks.push(...inspect(`${name} (file)`, text, truth));
      }
    }
  }
  return { answered: [...new Set(answered)], leaks };
}
