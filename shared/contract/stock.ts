import { z } from 'zod';
import { channel } from './channel';

/**
 * Stock against the coming visits (issue 16, item 3). The blinded forecast gives totals a blinded reader could count
 * already (available kits, kits the scheduled visits need) and no shortfall: see BlindedForecast in
 * main/core/stock/stockForecastService.ts for why. Per-arm figures and the resupply request travel only on channels
 * that need the unblinded permission and the allocation key (DESIGN.md section 3, invariant 1).
 */
const Weeks = z.number().int().min(1).max(26).default(4);

const BlindedForecast = z
  .object({
    today: z.string(),
    until: z.string(),
    weeks: z.number().int(),
    visits: z.number().int(),
    overdueVisits: z.number().int(),
    needed: z.number().int(),
    onHand: z.number().int(),
  })
  .strip();

/** One arm's line; in a study with kit types, one content of one type (armCode and armName name the content). */
const ArmForecast = z.object({
  armCode: z.string(),
  armName: z.string(),
  kitType: z.string().nullable(),
  kitTypeName: z.string().nullable(),
  onHand: z.number().int(),
  visits: z.number().int(),
  needed: z.number().int(),
  shortfall: z.number().int(),
  firstUncovered: z.string().nullable(),
});

const UnblindedForecast = z.object({
  today: z.string(),
  until: z.string(),
  weeks: z.number().int(),
  marginDays: z.number().int(),
  arms: z.array(ArmForecast),
  totals: z.object({ onHand: z.number().int(), needed: z.number().int(), shortfall: z.number().int() }),
});

const StockFile = z.object({ fileName: z.string(), mime: z.string(), base64: z.string() });

export const stockChannels = {
  forecast: channel({
    kind: 'query',
    description: 'Stock against the visits due in the next N weeks (1 to 26, default 4), blinded: kits available and kits the visits need, in total only.',
    input: z.object({ weeks: Weeks }).strict(),
    output: BlindedForecast,
    access: 'inventory.read',
    signature: null,
    examples: [{}, { weeks: 1 }, { weeks: 26 }],
  }),
  forecastUnblinded: channel({
    kind: 'query',
    description: 'Stock per arm against the visits due in the next N weeks: on hand, needed, shortfall and the first visit not covered (unblinded).',
    input: z.object({ weeks: Weeks }).strict(),
    output: UnblindedForecast,
    access: 'reports.unblinded',
    signature: null,
    key: 'required',
    examples: [{}, { weeks: 12 }],
  }),
  excursionImpact: channel({
    kind: 'query',
    description:
      "What an excursion case's kits held in quarantine do to the visits of the next N weeks, per arm: kits held, shortfall as the stock stands and if the sponsor released them all (unblinded).",
    input: z.object({ excursionId: z.number().int().positive(), weeks: Weeks }).strict(),
    output: z.object({
      today: z.string(),
      until: z.string(),
      weeks: z.number().int(),
      arms: z.array(
        z.object({
          armCode: z.string(),
          armName: z.string(),
          kitType: z.string().nullable(),
          kitTypeName: z.string().nullable(),
          held: z.number().int(),
          needed: z.number().int(),
          shortfallNow: z.number().int(),
          firstUncoveredNow: z.string().nullable(),
          shortfallIfReleased: z.number().int(),
        }),
      ),
    }),
    access: 'reports.unblinded',
    signature: null,
    key: 'required',
    examples: [{ excursionId: 2, weeks: 4 }],
  }),
  resupplyRequest: channel({
    kind: 'command',
    description: 'The resupply request for the depot (per arm: shortfall over the next N weeks plus a buffer), as CSV or PDF with the audit seal; its printing is audited.',
    input: z.object({ weeks: Weeks, buffer: z.number().int().min(0).max(1000).default(0), format: z.enum(['csv', 'pdf']) }).strict(),
    output: StockFile,
    // The dispensing pharmacist orders stock; the unblinded monitor reads the forecast but does not order.
    access: 'dispensing.perform',
    signature: null,
    key: 'required',
    examples: [{ format: 'csv', weeks: 4, buffer: 2 }, { format: 'pdf' }],
  }),
};
