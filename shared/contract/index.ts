import { z } from 'zod';
import './messages';
import type { ChannelDefinition, EventDefinition } from './channel';
import { SessionState, sessionChannels } from './session';
import { systemChannels } from './system';
import { usersChannels } from './users';
import { delegationsChannels } from './delegations';
import { allocationChannels } from './allocation';
import { auditChannels } from './audit';
import { dispensingChannels, inventoryChannels, labelsChannels, patientsChannels, shipmentsChannels } from './pharmacy';
import { destructionChannels, emergencyChannels, reconciliationChannels, reportsChannels, returnsChannels } from './accountability';
import { devicesChannels, devicesEvents } from './devices';
import { kitStoryChannels } from './kitStory';
import { coldChainChannels } from './coldChain';
import { kitExceptionsChannels } from './kitExceptions';
import { extraDispensingChannels } from './extraDispensing';
import { stockChannels } from './stock';
import { lotsChannels } from './lots';
import { todayChannels } from './today';
import { studyChannels } from './study';
import { recordsEvents } from './records';

/**
 * The one contract between the renderer and the main process. Each channel is declared here once; the preload, the
 * Electron router, the browser-mode host, the typed renderer client and the CLI all derive from it.
 * A channel's name is "<group>.<name>", e.g. "session.login".
 */
export const contract = {
  session: sessionChannels,
  system: systemChannels,
  users: usersChannels,
  delegations: delegationsChannels,
  allocation: allocationChannels,
  audit: auditChannels,
  shipments: shipmentsChannels,
  inventory: inventoryChannels,
  kitStory: kitStoryChannels,
  patients: patientsChannels,
  dispensing: dispensingChannels,
  labels: labelsChannels,
  returns: returnsChannels,
  reconciliation: reconciliationChannels,
  destruction: destructionChannels,
  emergency: emergencyChannels,
  reports: reportsChannels,
  devices: devicesChannels,
  coldChain: coldChainChannels,
  kitExceptions: kitExceptionsChannels,
  extraDispensing: extraDispensingChannels,
  stock: stockChannels,
  lots: lotsChannels,
  today: todayChannels,
  study: studyChannels,
} as const;

export type Contract = typeof contract;
export type ChannelGroup = keyof Contract;
export type ChannelName = { [G in ChannelGroup]: `${G & string}.${keyof Contract[G] & string}` }[ChannelGroup];

type ChannelAt<N extends ChannelName> = N extends `${infer G}.${infer C}`
  ? G extends ChannelGroup
    ? C extends keyof Contract[G]
      ? Contract[G][C]
      : never
    : never
  : never;
export type ChannelInput<N extends ChannelName> = ChannelAt<N> extends ChannelDefinition<infer I, z.ZodType> ? z.input<I> : never;
export type ChannelOutput<N extends ChannelName> = ChannelAt<N> extends ChannelDefinition<z.ZodType, infer O> ? z.output<O> : never;

/** Every channel with its full name, in declaration order. */
export const channels: ReadonlyArray<{ name: ChannelName; definition: ChannelDefinition }> = Object.entries(contract).flatMap(
  ([group, defs]) =>
    Object.entries(defs as Record<string, ChannelDefinition>).map(([name, definition]) => ({
      name: `${group}.${name}` as ChannelName,
      definition,
    })),
);

const byName = new Map<string, ChannelDefinition>(channels.map((c) => [c.name, c.definition]));
export function findChannel(name: string): ChannelDefinition | undefined {
  return byName.get(name);
}
export const CHANNEL_NAMES: readonly string[] = channels.map((c) => c.name);

/** The window id of an event for every window (a notification everyone must see). */
export const ALL_WINDOWS = '*';

/** Events pushed from the main process to a window. */
export const events = {
  'session.changed': {
    description: "This window's session changed (locked by inactivity, logged out because the account was deactivated).",
    payload: SessionState,
  },
  'patient.emergencyUnblinded': {
    description: 'A patient was emergency-unblinded: who, when, which patient, whether for an adverse event. Never the arm.',
    payload: z.object({ screeningNumber: z.string(), by: z.string(), at: z.string(), adverseEvent: z.boolean() }),
  },
  ...devicesEvents,
  ...recordsEvents,
} as const satisfies Record<string, EventDefinition>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]['payload']>;
export const EVENT_NAMES: readonly string[] = Object.keys(events);

/** The contract as JSON (served at GET /rpc and printed by `veil contract`). */
export function describeContract(): {
  channels: Array<{
    name: string;
    kind: string;
    permission: string;
    signature: string | null;
    /** 'required', 'ifHeld' or 'when <which inputs>': whether the channel needs the session's allocation key (absent: never). */
    allocationKey?: string;
    description: string;
    input: unknown;
    output: unknown;
    examples: unknown[];
    refusedOnDemo?: Record<number, { code: string; why: string }>;
  }>;
  events: Array<{ name: string; description: string; payload: unknown }>;
} {
  return {
    channels: channels.map(({ name, definition }) => ({
      name,
      kind: definition.kind,
      permission: definition.access,
      signature: definition.signature,
      ...(definition.key ? { allocationKey: typeof definition.key === 'string' ? definition.key : `when ${definition.key.why}` } : {}),
      description: definition.description,
      input: z.toJSONSchema(definition.input, { io: 'input', unrepresentable: 'any' }),
      output: z.toJSONSchema(definition.output, { io: 'output', unrepresentable: 'any' }),
      examples: [...definition.examples],
      ...(definition.refusedOnDemo ? { refusedOnDemo: { ...definition.refusedOnDemo } } : {}),
    })),
    events: Object.entries(events).map(([name, e]) => ({
      name,
      description: e.description,
      payload: z.toJSONSchema(e.payload, { io: 'output', unrepresentable: 'any' }),
    })),
  };
}

export type { ChannelDefinition, EventDefinition, Access, KeyNeed } from './channel';
