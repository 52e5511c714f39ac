import type { TFunction } from 'i18next';
import { contract, type ChannelName } from '../../../shared/contract';
import type { ChannelDefinition } from '../../../shared/contract/channel';

/**
 * The meaning of a signed command, as the contract states it (shared/contract: each channel's `signature`), and its
 * translation. Stored signatures carry the English meaning they were signed with; `translateMeaning` shows it in the
 * user's language when Veil has a translation (setup.meanings.<group>.<name>), else exactly as stored.
 */
export function meaningOf(channel: ChannelName): string {
  const [group, name] = channel.split('.') as [keyof typeof contract, string];
  const definition = (contract[group] as Record<string, ChannelDefinition>)[name];
  if (!definition?.signature) throw new Error(`${channel} is not a signed command of the contract.`);
  return definition.signature;
}

const CHANNEL_OF_MEANING: ReadonlyMap<string, string> = new Map(
  Object.entries(contract).flatMap(([group, defs]) =>
    Object.entries(defs as Record<string, ChannelDefinition>)
      .filter(([, d]) => d.signature !== null)
      .map(([name, d]) => [d.signature!, `${group}.${name}`] as const),
  ),
);

export function translateMeaning(meaning: string, t: TFunction): string {
  const channel = CHANNEL_OF_MEANING.get(meaning);
  if (!channel) return meaning;
  const key = `setup.meanings.${channel}`;
  // A key built at run time: a channel without a translation falls back to its meaning as signed.
  return (t as unknown as (key: string, options: { defaultValue: string }) => string)(key, { defaultValue: meaning });
}
