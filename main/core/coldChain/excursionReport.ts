import { compareKitNumbers } from '../../../shared/allocation/kitOrder';
import { VeilError } from '../../../shared/errors';
import { label, type KitStatus } from '../../../shared/kits/kitLifecycle';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditTrail } from '../audit/auditTrail';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import { renderReportPdf, type ReportContext, type ReportSection } from '../reports/pdfReport';
import type { SignatureService } from '../signatures/signatureService';
import type { Actor } from './coldChainService';
import type { ColdChainRepository } from './coldChainRepository';
import { CHART_HEIGHT, CHART_WIDTH, excursionChartPng } from './excursionChart';

export type ExcursionReportFormat = 'pdf' | 'png';

const MINUTE = 60_000;
const degrees = (centi: number) => `${(centi / 100).toFixed(1)} °C`;
const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const utcText = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** A duration as a person reads it, with the exact seconds an inspector can check ("2 h 05 min (7,500 s)"). */
export function durationWords(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const words = days > 0 ? `${days} d ${hours} h ${String(rest).padStart(2, '0')} min` : hours > 0 ? `${hours} h ${String(rest).padStart(2, '0')} min` : `${minutes} min`;
  return `${words} (${seconds} s)`;
}

/**
 * The excursion case report for the sponsor (issue 15, item 3): the location and its range, the excursion (start, end,
 * duration, worst value), the logger data it came from, the chart of the readings with the range, every kit it reached
 * with its time in it and its cumulative time out of range over its life, the kits already dispensed then (the
 * investigator is to be told), the dispositions recorded so far with who signed, and the audit seal. As a PDF, or the
 * chart alone as a PNG. Kits by number only: nothing here reads an arm, a real lot or a real expiry date.
 *
 * Printing is audited: the event is appended in the unit of work that reads the case, and the seal printed is the
 * chain's head after it, so the report names the history that records its own printing.
 */
export class ExcursionReportService {
  constructor(
    private readonly store: Store,
    private readonly repo: ColdChainRepository,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
    private readonly site: () => string,
  ) {}

  async print(actor: Actor, excursionId: number, format: ExcursionReportFormat) {
    const { data, context } = await this.store.transaction(async () => {
      const data = await this.read(excursionId);
      await this.audit.append(actor, {
        action: 'excursion.report_printed',
        entityType: 'excursion',
        entityId: String(excursionId),
        after: { location: data.location.name, format, kits: data.kits.length, dispositions: data.kits.filter((k) => k.disposition !== null).length },
      });
      const context: ReportContext = { study: this.study(), seal: await this.audit.seal(), printedAt: this.clock.now(), site: this.site() };
      return { data, context };
    });
    const stem = `excursion-${excursionId}-${format === 'png' ? 'chart' : 'sponsor-report'}-${isoUtc(context.printedAt).slice(0, 10)}-seal-${context.seal.seq}`;
    const chart = excursionChartPng(this.chartInput(data));
    if (format === 'png') return { fileName: `${stem}.png`, mime: 'image/png' as const, base64: chart.toString('base64') };
    const pdf = await renderReportPdf(`Temperature excursion report for the sponsor: case no. ${excursionId}`, context, this.sections(data, chart));
    return { fileName: `${stem}.pdf`, mime: 'application/pdf' as const, base64: Buffer.from(pdf).toString('base64') };
  }

  /** Everything the report prints, read in the caller's unit of work. */
  private async read(excursionId: number) {
    const e = await this.repo.excursion(excursionId);
    if (!e) throw VeilError.says('not_found', { key: 'coldChain.noSuchExcursion', params: { id: excursionId } });
    const location = (await this.repo.location(e.locationId))!;
    const logger = e.importId !== null ? ((await this.repo.importById(e.importId)) ?? null) : null;
    const kits = (await this.repo.excursionKits(e.id)).sort((a, b) => compareKitNumbers(a.kitNumber, b.kitNumber));
    const numbers = kits.map((k) => k.kitNumber);
    const statuses = await this.repo.kitStatuses(numbers);
    const cumulative = await this.repo.cumulativeExposure(numbers);
    const dispensedAt = await this.repo.dispensedAt(numbers);
    const margin = Math.max(60 * MINUTE, e.endMs - e.startMs);
    const readings = await this.repo.readings(e.locationId, e.startMs - margin, e.endMs + margin);
    const signatures = new Map<number, NonNullable<Awaited<ReturnType<SignatureService['byId']>>>>();
    for (const id of new Set(kits.map((k) => k.dispositionSignatureId).filter((id): id is number => id !== null))) {
      const signature = await this.signatures.byId(id);
      if (signature) signatures.set(id, signature);
    }
    return { e, location, logger, kits, statuses, cumulative, dispensedAt, readings, signatures };
  }

  private chartInput(data: Awaited<ReturnType<ExcursionReportService['read']>>) {
    return {
      title: `${data.location.name}: excursion case no. ${data.e.id}`,
      readings: data.readings,
      minCenti: data.e.minCenti,
      maxCenti: data.e.maxCenti,
      excursion: { startMs: data.e.startMs, endMs: data.e.endMs },
    };
  }

  private sections(data: Awaited<ReturnType<ExcursionReportService['read']>>, chart: Buffer): ReportSection[] {
    const { e, location, logger, kits, readings } = data;
    const seconds = Math.round((e.endMs - e.startMs) / 1000);
    const bound = e.direction === 'above' ? e.maxCenti : e.minCenti;
    const outside = readings.filter((r) => r.centi < e.minCenti || r.centi > e.maxCenti);
    const sections: ReportSection[] = [];
    sections.push({
      heading: 'The excursion',
      facts: [
        ['Storage location', `${location.name} (${location.kind.replace('_', ' ')}, barcode ${location.barcode})`],
        ['Target range', `${degrees(e.minCenti)} to ${degrees(e.maxCenti)}`],
        ['Excursion', `${e.direction === 'above' ? 'Above' : 'Below'} the range (${e.direction === 'above' ? 'higher than' : 'lower than'} ${degrees(bound)})`],
        ['Start', utc(e.startMs)],
        ['End', e.ongoing ? `${utc(e.endMs)} (last reading: still out of range, ongoing)` : `${utc(e.endMs)} (first reading back in range)`],
        ['Duration', durationWords(seconds)],
        ['Worst value', `${degrees(e.worstCenti)} (${(Math.abs(e.worstCenti - bound) / 100).toFixed(1)} °C ${e.direction === 'above' ? 'above' : 'below'} the range)`],
        ['Case opened', utcText(e.createdAt)],
        ['Case state', kits.some((k) => k.quarantined && k.disposition === null) ? 'Open: kits pending assessment' : 'Closed: every quarantined kit has a disposition'],
      ],
    });
    const summary: Array<[string, string]> = logger
      ? [
          ['Source', 'Data logger export'],
          ['File', `${logger.fileName} (${logger.format} format)`],
          ['File SHA-256', logger.sha256],
          ['Readings in the file', `${logger.readingCount} from ${utc(logger.firstMs)} to ${utc(logger.lastMs)}`],
          ['Imported', utcText(logger.importedAt)],
        ]
      : [['Source', 'Hand-read min/max thermometer check (no logger readings)']];
    if (readings.length > 0) {
      const values = readings.map((r) => r.centi);
      const intervals = readings.slice(1).map((r, i) => r.atMs - readings[i]!.atMs);
      const typical = intervals.length ? intervals.sort((a, b) => a - b)[Math.floor(intervals.length / 2)]! : 0;
      summary.push(
        ['Readings charted', `${readings.length} from ${utc(readings[0]!.atMs)} to ${utc(readings[readings.length - 1]!.atMs)}${typical ? `, one every ${durationWords(typical / 1000).replace(/ \(.*\)$/, '')}` : ''}`],
        ['Lowest, highest', `${degrees(Math.min(...values))}, ${degrees(Math.max(...values))}`],
        ['Out of range', `${outside.length} of the readings charted`],
      );
    }
    sections.push({ heading: 'Logger data', facts: summary });
    sections.push({
      heading: 'Readings and target range',
      paragraphs: ['The shaded band is the target range; the orange span is the excursion; red points are readings out of range. Times in UTC.'],
      image: { png: chart, width: CHART_WIDTH, height: CHART_HEIGHT },
    });
    sections.push({
      heading: `Kits affected (${kits.length})`,
      paragraphs: ['Every kit that was in the location during the excursion, by kit number. The cumulative time out of range adds up every excursion the kit went through over its life.'],
      table: {
        columns: [
          { title: 'Kit', width: 0.8 },
          { title: 'Status when found', width: 1 },
          { title: 'Status now', width: 1 },
          { title: 'Time in this excursion', width: 1.3 },
          { title: 'Cumulative time out of range', width: 1.4 },
          { title: 'Disposition', width: 1 },
        ],
        rows: kits.map((k) => [
          k.kitNumber,
          label(k.statusThen as KitStatus),
          label((data.statuses.get(k.kitNumber) ?? k.statusThen) as KitStatus),
          durationWords(k.exposureSeconds),
          durationWords(data.cumulative.get(k.kitNumber) ?? k.exposureSeconds),
          k.disposition === 'release' ? 'released to stock' : k.disposition === 'damaged' ? 'damaged (for destruction)' : k.quarantined ? 'pending assessment' : 'not held (not quarantined)',
        ]),
      },
    });
    const dispensed = kits.filter((k) => k.statusThen === 'dispensed');
    sections.push({
      heading: `Kits already dispensed during the excursion (${dispensed.length})`,
      ...(dispensed.length
        ? {
            paragraphs: ['These kits had left with patients when the excursion was found: the investigator is to be told.'],
            table: {
              columns: [
                { title: 'Kit', width: 1 },
                { title: 'Dispensed', width: 1.5 },
                { title: 'Time in this excursion', width: 1.5 },
              ],
              rows: dispensed.map((k) => [k.kitNumber, data.dispensedAt.has(k.kitNumber) ? utcText(data.dispensedAt.get(k.kitNumber)!) : '', durationWords(k.exposureSeconds)]),
            },
          }
        : { paragraphs: ['None: no kit had been dispensed from this location during the excursion.'] }),
    });
    // The dispositions, one line per signature (kits disposed together share it).
    const bySignature = new Map<number, typeof kits>();
    for (const k of kits) if (k.disposition && k.dispositionSignatureId !== null) bySignature.set(k.dispositionSignatureId, [...(bySignature.get(k.dispositionSignatureId) ?? []), k]);
    const decided = [...bySignature.entries()].sort((a, b) => a[0] - b[0]);
    sections.push({
      heading: `Sponsor's dispositions recorded (${kits.filter((k) => k.disposition).length} of ${kits.filter((k) => k.quarantined).length} quarantined kits)`,
      ...(decided.length
        ? {
            table: {
              columns: [
                { title: 'Kits', width: 1.2 },
                { title: 'Decision', width: 0.9 },
                { title: 'Reason', width: 1.8 },
                { title: 'Signed by', width: 1.6 },
                { title: 'Meaning of the signature', width: 1.8 },
                { title: 'Signed (UTC)', width: 0.9 },
                { title: 'Record hash', width: 1 },
              ],
              rows: decided.map(([id, group]) => {
                const s = data.signatures.get(id);
                return [
                  group.map((k) => k.kitNumber).join(', '),
                  group[0]!.disposition === 'release' ? 'release to stock' : 'damaged',
                  group[0]!.dispositionReason ?? '',
                  s?.printedName ?? group[0]!.dispositionBy ?? '',
                  s?.meaning ?? '',
                  s ? s.signedAtUtc.slice(0, 16).replace('T', ' ') : (group[0]!.dispositionAt ?? ''),
                  s ? `${s.recordHash.slice(0, 16)}…` : '',
                ];
              }),
            },
          }
        : { paragraphs: ['None yet: the quarantined kits are pending assessment.'] }),
    });
    sections.push({
      paragraphs: [
        'Kits are named by kit number only. The dispositions are electronic signatures under 21 CFR Part 11, each bound to the hash of its record. The audit seal in the footer identifies the state of the audit trail when this report was printed; its printing is itself recorded there.',
      ],
    });
    return sections;
  }
}
