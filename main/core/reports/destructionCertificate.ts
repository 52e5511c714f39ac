import type { SignatureRecord } from '../signatures/signatureService';
import { renderReportPdf, type ReportContext } from './pdfReport';

/** The certificate of destruction: what, when, where, how, who destroyed and who witnessed, both signatures. */
export function destructionCertificate(
  destruction: {
    id: number;
    destroyedOn: string;
    method: string;
    place: string;
    recordedAt: string;
    kits: Array<{ kitNumber: string; blindedLot: string }>;
    signature: SignatureRecord;
    witnessSignature: SignatureRecord;
  },
  context: ReportContext,
): Promise<Uint8Array> {
  const sign = (s: SignatureRecord) => `${s.printedName} — "${s.meaning}" — signed ${s.signedAtUtc} UTC (record hash ${s.recordHash.slice(0, 16)}…)`;
  return renderReportPdf(`Certificate of destruction no. ${destruction.id}`, context, [
    {
      facts: [
        ['Investigational product', context.study.product.blindedName],
        ['Kits destroyed', String(destruction.kits.length)],
        ['Date of destruction', destruction.destroyedOn],
        ['Method', destruction.method],
        ['Place', destruction.place],
        ['Recorded in Veil', `${destruction.recordedAt} UTC`],
        ['Destroyed by', sign(destruction.signature)],
        ['Witness', sign(destruction.witnessSignature)],
      ],
    },
    {
      heading: 'Kits',
      table: {
        columns: [
          { title: 'Kit number', width: 1 },
          { title: 'Lot (as labelled)', width: 1 },
        ],
        rows: destruction.kits.map((k) => [k.kitNumber, k.blindedLot]),
      },
    },
    {
      paragraphs: [
        'The signatures above are electronic signatures under 21 CFR Part 11, each bound to the hash of this destruction record. The audit seal in the footer identifies the state of the audit trail when this certificate was printed.',
      ],
    },
  ]);
}
