import type { ChannelOutput } from '../../../shared/contract';

/** A patient return as the host lists it (returns.list): per kit, with its verification. No arm. */
export type ReturnRow = ChannelOutput<'returns.list'>[number];
export type ReturnCondition = ReturnRow['condition'];

/** The conditions in the order a pharmacist asks about them at the desk. */
export const RETURN_CONDITIONS: readonly ReturnCondition[] = ['used', 'partly_used', 'unused', 'damaged', 'missing'];
