import { z } from 'zod';
import { KIT_STATUSES } from '../kits/kitLifecycle';
import { channel } from './channel';
import { EXAMPLE_KIT, EXAMPLE_PASSWORD } from './examples';
import { KitNumber, ScanCode, ScanSource } from './pharmacy';
import { Empty, IsoDate, IsoTime, Reason, SignatureView, signedInput, text } from './schemas';

/**
 * The cold chain (issue 15, items 1-3): storage locations, where each kit is, temperature records and excursion cases.
 * Kits are named by number only: no output here has a place for an arm, a real lot or a real expiry date.
 */
const LocationKind = z.enum(['fridge', 'freezer', 'cabinet', 'quarantine_shelf']);
/** A temperature in °C as a person types or a logger writes it: a plausible one for a pharmacy's storage. */
const Celsius = z.number().min(-100, 'Below -100 °C').max(100, 'Above 100 °C');
const LocationId = z.number().int().positive();
/** The largest logger file taken: a year at one reading a minute is about 20 MB in a vendor's export. */
export const MAX_LOGGER_FILE_CHARS = 40_000_000;

const LocationView = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: LocationKind,
  minCelsius: z.number(),
  maxCelsius: z.number(),
  calibrationDue: IsoDate.nullable(),
  barcode: z.string(),
});

const CaseSummary = z.object({
  id: z.number().int(),
  locationId: z.number().int(),
  location: z.string(),
  source: z.enum(['logger', 'min_max']),
  start: IsoTime,
  end: IsoTime,
  ongoing: z.boolean(),
  durationSeconds: z.number().int(),
  direction: z.enum(['above', 'below']),
  worstCelsius: z.number(),
  range: z.object({ minCelsius: z.number(), maxCelsius: z.number() }),
  openedAt: IsoTime,
  kitCount: z.number().int(),
  pendingAssessment: z.number().int(),
  open: z.boolean(),
});

const CaseKit = z.object({
  kitNumber: z.string(),
  statusThen: z.enum(KIT_STATUSES),
  status: z.enum(KIT_STATUSES),
  quarantined: z.boolean(),
  secondsInExcursion: z.number().int(),
  cumulativeSecondsOutOfRange: z.number().int(),
  disposition: z.enum(['release', 'damaged']).nullable(),
  dispositionReason: z.string().nullable(),
  dispositionAt: IsoTime.nullable(),
  dispositionBy: z.string().nullable(),
});

const CaseView = CaseSummary.extend({
  kits: z.array(CaseKit),
  readings: z.array(z.object({ at: IsoTime, celsius: z.number() })),
});

export const coldChainChannels = {
  locations: channel({
    kind: 'query',
    description: 'Storage locations with their range, calibration due date, kits now, last reading (in range or not) and open excursion cases.',
    input: Empty,
    output: z.array(LocationView.extend({ kitCount: z.number().int(), lastReading: z.object({ at: IsoTime, celsius: z.number(), inRange: z.boolean() }).nullable(), openExcursions: z.number().int() })),
    access: 'storage.read',
    signature: null,
    examples: [{}],
  }),
  saveLocation: channel({
    kind: 'command',
    description: 'Create a storage location (no id) or change one: name, kind, target range in °C, calibration due date, barcode.',
    input: z
      .object({
        id: LocationId.optional(),
        name: text('name').min(1, 'Name the location'),
        kind: LocationKind,
        minCelsius: Celsius,
        maxCelsius: Celsius,
        calibrationDue: IsoDate.nullable(),
        barcode: text('identifier').min(1, 'Give the barcode of the location'),
      })
      .strict(),
    output: LocationView,
    access: 'storage.manage',
    signature: null,
    examples: [{ name: 'Freezer D (pharmacy)', kind: 'freezer', minCelsius: -25, maxCelsius: -15, calibrationDue: '2027-06-30', barcode: 'LOC-FREEZER-D' }],
  }),
  putAway: channel({
    kind: 'command',
    description: "Put kits away into a location (its barcode scanned, or its id), or move them there: every move audited.",
    input: z
      .object({
        location: z.union([z.object({ barcode: text('scan').min(1, 'Scan the location') }).strict(), z.object({ id: LocationId }).strict()]),
        kitNumbers: z.array(KitNumber).min(1).max(500),
        source: ScanSource,
      })
      .strict(),
    output: z.object({ location: LocationView, kitNumbers: z.array(z.string()) }),
    access: 'storage.manage',
    signature: null,
    examples: [{ location: { barcode: 'LOC-QUARANTINE' }, kitNumbers: [EXAMPLE_KIT.forVisit], source: 'scanner' }],
  }),
  kitLocations: channel({
    kind: 'query',
    description: "Where each kit held at the pharmacy is (all locations, or one), since when, and its cumulative time out of range.",
    input: z.object({ locationId: LocationId.optional() }).strict(),
    output: z.array(z.object({ kitNumber: z.string(), locationId: z.number().int(), location: z.string(), since: IsoTime, secondsOutOfRange: z.number().int() })),
    access: 'storage.read',
    signature: null,
    examples: [{}, { locationId: 1 }],
  }),
  importLog: channel({
    kind: 'command',
    description:
      "Import a data logger's export for a location (plain timestamp;temperature, or a vendor export with a header block). A bad file is refused with its line and changes nothing; the same file twice adds nothing. Excursions found quarantine the kits that were there, in the same transaction.",
    input: z
      .object({
        locationId: LocationId,
        fileName: text('fileName').min(1),
        content: z.string().min(1, 'The logger file is empty').max(MAX_LOGGER_FILE_CHARS, `A logger file has at most ${MAX_LOGGER_FILE_CHARS} characters`),
      })
      .strict(),
    output: z.object({
      importId: z.number().int(),
      duplicateOf: z.object({ importedAt: IsoTime, fileName: z.string() }).nullable(),
      readings: z.number().int(),
      excursionIds: z.array(z.number().int()),
    }),
    access: 'storage.manage',
    signature: null,
    examples: [{ locationId: 1, fileName: 'fridge-a-2026-11.csv', content: 'timestamp;temperature\n2026-11-02T08:00:00+01:00;5.1\n2026-11-02T08:05:00+01:00;5.3\n' }],
  }),
  recordMinMax: channel({
    kind: 'command',
    description: 'Record a hand-read min/max thermometer check of a location; outside the range, it opens an excursion case since the previous check.',
    input: z.object({ locationId: LocationId, readAt: IsoTime, minCelsius: Celsius, maxCelsius: Celsius }).strict(),
    output: z.object({ readingId: z.number().int(), excursionIds: z.array(z.number().int()) }),
    access: 'storage.manage',
    signature: null,
    examples: [{ locationId: 1, readAt: '2026-11-02T08:00:00+01:00', minCelsius: 3.1, maxCelsius: 6.8 }],
  }),
  readings: channel({
    kind: 'query',
    description: "A location's logger readings for its chart: the last days up to its last reading (at most 2,000 points, evenly thinned), with its range.",
    input: z.object({ locationId: LocationId, days: z.number().int().min(1).max(366).optional() }).strict(),
    output: z.object({ range: z.object({ minCelsius: z.number(), maxCelsius: z.number() }), readings: z.array(z.object({ at: IsoTime, celsius: z.number() })) }),
    access: 'storage.read',
    signature: null,
    examples: [{ locationId: 1 }, { locationId: 1, days: 30 }],
  }),
  excursions: channel({
    kind: 'query',
    description: 'Excursion cases, newest first (all locations or one): start, end, duration, worst value, kits reached, kits pending assessment.',
    input: z.object({ locationId: LocationId.optional() }).strict(),
    output: z.array(CaseSummary),
    access: 'storage.read',
    signature: null,
    examples: [{}],
  }),
  excursion: channel({
    kind: 'query',
    description: 'One excursion case: the readings around it for the chart, and the kits it reached by number with their time out of range and disposition.',
    input: z.object({ excursionId: z.number().int().positive() }).strict(),
    output: CaseView,
    access: 'storage.read',
    signature: null,
    examples: [{ excursionId: 1 }, { excursionId: 2 }, { excursionId: 3 }],
  }),
  dispose: channel({
    kind: 'command',
    description: "Record the sponsor's disposition for kits of an excursion case: release to stock, or damaged (set aside for destruction).",
    input: signedInput({
      excursionId: z.number().int().positive(),
      kitNumbers: z.array(KitNumber).min(1).max(500),
      decision: z.enum(['release', 'damaged']),
      reason: Reason,
    }),
    output: z.object({ signature: SignatureView, case: CaseView }),
    access: 'quarantine.decide',
    signature: "I record the sponsor's disposition of these kits after the temperature excursion",
    key: { requiredWhen: (input) => input.decision === 'release', why: "a release checks the kits' real expiry dates" },
    examples: [{ excursionId: 3, kitNumbers: [EXAMPLE_KIT.quarantined], decision: 'damaged', reason: 'Sponsor: outside stability data', signature: { username: 'pharmacist', password: EXAMPLE_PASSWORD } }],
  }),
  excursionReport: channel({
    kind: 'command',
    description:
      "An excursion case's report for the sponsor as a PDF (location, range, the excursion, the logger data, the chart with the range, the kits reached by number with their cumulative time out of range, those already dispensed, the dispositions and who signed, the audit seal), or its chart alone as a PNG. Its printing is audited.",
    input: z.object({ excursionId: z.number().int().positive(), format: z.enum(['pdf', 'png']) }).strict(),
    output: z.object({ fileName: z.string(), mime: z.enum(['application/pdf', 'image/png']), base64: z.string() }),
    access: 'storage.read',
    signature: null,
    examples: [
      { excursionId: 1, format: 'pdf' },
      { excursionId: 1, format: 'png' },
    ],
  }),
  resolveKitScan: channel({
    kind: 'query',
    description: "The kit a code scanned at put-away names: a kit number, or a manufacturer's GS1 pack code whose serial (AI 21) names the kit, as at receipt. Only the kit number comes back.",
    input: z.object({ code: ScanCode }).strict(),
    output: z.object({ kitNumber: z.string() }),
    access: 'storage.manage',
    signature: null,
    examples: [{ code: EXAMPLE_KIT.forVisit }],
  }),
};
