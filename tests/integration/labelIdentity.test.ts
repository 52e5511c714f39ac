import { spawnSync } from 'node:child_process';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIT_FIELDS } from '../../shared/labels/blindedLabel';
import { mmToDots, type BoxMm, type LabelLayout, type LaidOutElement } from '../../shared/labels/layout';
import { DYMO_DPI, decodeDymoStream } from '../../main/core/labels/dymo';
import type { LabelKind } from '../../main/core/labels/labelService';
import { pngToBits } from '../../main/core/labels/png';
import { renderRaster } from '../../main/core/labels/raster';
import { demoCore, type TestCore } from '../helpers/core';

/**
 * Label identity on the real path: LabelService renders the labels of two REAL kits of different arms, dispensed at
 * the same visit to two patients of the demo (their arms read from the sponsor's lists the demo was built from, never
 * from the database). Both labels must be identical but for the kit number (text and DataMatrix) and the patient's
 * number and initials (the subject line), in every form a label takes: the PNG raster, the PDF, ZPL and the DYMO
 * stream. Every cross-arm pair of patients at baseline is compared, so no lucky pair hides a difference.
 */
const SUBJECT_FIELDS = new Set<string>([...KIT_FIELDS, 'subject']);

interface RealKit {
  kitNumber: string;
  randomizationNumber: string;
  initials: string;
  arm: string;
}

let t: TestCore;
let pairs: Array<[RealKit, RealKit]>;

beforeAll(async () => {
  t = await demoCore({ history: true });
  // One kit given at baseline (D1) to each randomized patient; the arm from the sponsor's randomization list.
  const rows = await t.sql<Omit<RealKit, 'arm'>>(
    `SELECT min(dk.kit_number) AS "kitNumber", p.randomization_number AS "randomizationNumber", p.initials
     FROM dispensing_kits dk JOIN dispensings d ON d.id = dk.dispensing_id JOIN patients p ON p.id = d.patient_id
     WHERE d.visit_code = 'D1' GROUP BY p.id, p.randomization_number, p.initials ORDER BY p.id`,
  );
  const kits = rows.map((r) => ({ ...r, arm: t.armOf.get(r.randomizationNumber)! }));
  pairs = kits.flatMap((a, i) => kits.slice(i + 1).filter((b) => b.arm !== a.arm).map((b) => [a, b] as [RealKit, RealKit]));
}, 120_000);
afterAll(() => t.dispose());

/** A label's text with the kit number, patient number and initials replaced by what they are. */
function neutral(text: string, kit: RealKit): string {
  return text.split(kit.kitNumber).join('<kit>').split(kit.randomizationNumber).join('<patient>').split(kit.initials).join('<initials>');
}

function elementsByField(layout: LabelLayout): Map<string, LaidOutElement> {
  return new Map(layout.elements.map((el, i) => [('field' in el && el.field) || `#${i}`, el]));
}

/** The fields of two layouts that differ other than by kit number, patient number and initials. */
function layoutDifferences(a: LabelLayout, b: LabelLayout, ka: RealKit, kb: RealKit): string[] {
  const out: string[] = [];
  if (a.widthMm !== b.widthMm || a.heightMm !== b.heightMm) out.push('size');
  const ea = elementsByField(a);
  const eb = elementsByField(b);
  if (JSON.stringify([...ea.keys()]) !== JSON.stringify([...eb.keys()])) out.push('elements');
  for (const [field, x] of ea) {
    const y = eb.get(field);
    if (!y) continue;
    if (!SUBJECT_FIELDS.has(field)) {
      if (JSON.stringify(x) !== JSON.stringify(y)) out.push(field);
      continue;
    }
    // The subject and kit fields: same place, same lines; their words the same but for the kit and patient.
    if (JSON.stringify('box' in x ? x.box : null) !== JSON.stringify('box' in y ? y.box : null)) out.push(`${field} (box)`);
    if (x.kind === 'text' && y.kind === 'text') {
      const text = (el: typeof x, k: RealKit) => neutral(el.lines.map((l) => l.spans.map((s) => s.text).join('')).join('\n'), k);
      if (x.lines.length !== y.lines.length || x.lines.some((l, i) => l.baselineMm !== y.lines[i]!.baselineMm)) out.push(`${field} (lines)`);
      if (text(x, ka) !== text(y, kb)) out.push(`${field} (text)`);
    } else if ('payload' in x && 'payload' in y && neutral(x.payload, ka) !== neutral(y.payload, kb)) out.push(`${field} (payload)`);
  }
  return out;
}

/** The fields of the layout whose boxes a dot (x, y) at `dpi` lies in. */
function fieldsAt(layout: LabelLayout, dpi: number, x: number, y: number): string[] {
  const inBox = (box: BoxMm) => x >= mmToDots(box.x, dpi) - 1 && x <= mmToDots(box.x + box.width, dpi) + 1 && y >= mmToDots(box.y, dpi) - 1 && y <= mmToDots(box.y + box.height, dpi) + 1;
  return layout.elements.flatMap((el) => ('box' in el && 'field' in el && el.field && inBox(el.box) ? [el.field] : []));
}

/** Bitmaps of the same size whose differing dots all lie inside the subject or kit fields; the others it names. */
function rasterDifferences(a: { width: number; height: number; data: Uint8Array }, b: { width: number; height: number; data: Uint8Array }, layout: LabelLayout, dpi: number, offsetX = 0): string[] {
  if (a.width !== b.width || a.height !== b.height) return [`size ${a.width}x${a.height} vs ${b.width}x${b.height}`];
  const outside = new Set<string>();
  let differing = 0;
  for (let y = 0; y < a.height; y++)
    for (let x = 0; x < a.width; x++) {
      const i = y * a.width + x;
      if ((a.data[i] ? 1 : 0) === (b.data[i] ? 1 : 0)) continue;
      differing++;
      const fields = fieldsAt(layout, dpi, x + offsetX, y);
      if (!fields.some((f) => SUBJECT_FIELDS.has(f))) outside.add(fields.join('+') || `dot ${x + offsetX},${y} outside every field`);
    }
  if (differing === 0) outside.add('no dot differs at all (the kit numbers should)');
  return [...outside];
}

/** ZPL lines that differ other than by kit number, patient number and initials, named by the field they draw. */
function zplDifferences(a: string, b: string, ka: RealKit, kb: RealKit): string[] {
  const la = a.split('\n');
  const lb = b.split('\n');
  if (la.length !== lb.length) return [`${la.length} lines vs ${lb.length}`];
  let field = '(header)';
  const out = new Set<string>();
  la.forEach((line, i) => {
    if (line.startsWith('^FX ')) field = line.slice(4);
    if (line === lb[i]) return;
    if (!SUBJECT_FIELDS.has(field) || neutral(line, ka) !== neutral(lb[i]!, kb)) out.add(field);
  });
  return [...out];
}

/** The objects of a PDF written by pdf-lib without object streams: number -> bytes. */
function pdfObjects(pdf: Uint8Array): Map<number, Buffer> {
  const buf = Buffer.from(pdf);
  const objects = new Map<number, Buffer>();
  for (const m of buf.toString('latin1').matchAll(/(\d+) 0 obj\n([\s\S]*?)\nendobj/g)) objects.set(Number(m[1]), buf.subarray(m.index + m[0].indexOf('\n') + 1, m.index + m[0].length - 7));
  return objects;
}

/** The marked-content sections (one per label element) of the PDF's page content, by their tag. */
function pdfSections(objects: Map<number, Buffer>): Map<string, string> {
  for (const body of objects.values()) {
    const head = body.toString('latin1', 0, 200);
    if (!head.includes('/FlateDecode') || head.includes('/Length1')) continue;
    let text: string;
    try {
      text = inflateSync(body.subarray(body.indexOf('stream\n') + 7, body.lastIndexOf('\nendstream'))).toString('latin1');
    } catch {
      continue;
    }
    if (text.includes(' BMC')) return new Map([...text.matchAll(/\/(Veil_\w+) BMC\n([\s\S]*?)\nEMC/g)].map((m, i) => [`${m[1]!}#${i}`, m[2]!]));
  }
  throw new Error('no page content stream');
}

const pdfText = (pdf: Uint8Array): string => {
  const out = spawnSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(pdf), encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`pdftotext failed: ${out.stderr}`);
  return out.stdout;
};

/** Whether this PDF object is the page content (element sections inside). */
function pdfSectionsOrNull(body: Buffer): boolean {
  try {
    return pdfSections(new Map([[0, body]])).size > 0;
  } catch {
    return false;
  }
}

/** A PDF object with its UTF-16 hex strings (the document title) read as text. */
function readable(body: Buffer): string {
  return body.toString('latin1').replace(/<FEFF((?:[0-9A-F]{4})*)>/g, (_m, hex: string) => `(${Buffer.from(hex, 'hex').swap16().toString('utf16le')})`);
}

/**
 * PDFs whose objects are byte-identical (but the document title, which names the kit) except the page content,
 * whose differing element sections are the subject and kit fields only, and whose text reads the same but for the kit
 * and the patient.
 */
function pdfDifferences(a: Uint8Array, b: Uint8Array, ka: RealKit, kb: RealKit): string[] {
  const out: string[] = [];
  const oa = pdfObjects(a);
  const ob = pdfObjects(b);
  if (JSON.stringify([...oa.keys()]) !== JSON.stringify([...ob.keys()])) return ['objects'];
  const content = [...oa.entries()].find(([, body]) => pdfSectionsOrNull(body))?.[0];
  for (const [num, body] of oa) {
    if (num === content || body.equals(ob.get(num)!)) continue;
    if (neutral(readable(body), ka) !== neutral(readable(ob.get(num)!), kb)) out.push(`object ${num}`);
  }
  const sa = pdfSections(oa);
  const sb = pdfSections(ob);
  if (JSON.stringify([...sa.keys()]) !== JSON.stringify([...sb.keys()])) return [...out, 'element sections'];
  for (const [tag, body] of sa) if (body !== sb.get(tag) && !SUBJECT_FIELDS.has(tag.replace(/^Veil_|#\d+$/g, ''))) out.push(tag);
  if (neutral(pdfText(a), ka) !== neutral(pdfText(b), kb)) out.push('text');
  return out;
}

/** Every difference between the labels of two kits, in each form, that is not the kit number, patient number or initials. */
async function differences(ka: RealKit, kb: RealKit, kind: LabelKind): Promise<Record<string, string[]>> {
  const labels = t.core.labels;
  const la = await labels.layout(ka.kitNumber, kind);
  const lb = await labels.layout(kb.kitNumber, kind);
  const dpi = kind === 'syringe' ? 180 : 300;
  const png = async (k: RealKit) => pngToBits(Buffer.from(await labels.render(k.kitNumber, kind, 'png')));
  const zpl = async (k: RealKit) => new TextDecoder().decode(await labels.render(k.kitNumber, kind, 'zpl'));
  const result: Record<string, string[]> = {
    layout: layoutDifferences(la, lb, ka, kb),
    png: rasterDifferences(await png(ka), await png(kb), la, dpi),
    zpl: zplDifferences(await zpl(ka), await zpl(kb), ka, kb),
    pdf: pdfDifferences(await labels.render(ka.kitNumber, kind, 'pdf'), await labels.render(kb.kitNumber, kind, 'pdf'), ka, kb),
  };
  if (kind === 'syringe') {
    // The DYMO stream: the same bytes but for the raster columns under the kit and subject fields.
    const sa = await labels.render(ka.kitNumber, kind, 'dymo');
    const sb = await labels.render(kb.kitNumber, kind, 'dymo');
    const da = decodeDymoStream(sa);
    const db = decodeDymoStream(sb);
    // The decoder starts at the first printed column: the DataMatrix's edge, where the layout's raster starts too.
    const raster = renderRaster(la, DYMO_DPI);
    let firstColumn = 0;
    while (firstColumn < raster.width && ![...Array(raster.height).keys()].some((y) => raster.get(firstColumn, y))) firstColumn++;
    result.dymo = [
      ...(sa.length !== sb.length ? [`${sa.length} bytes vs ${sb.length}`] : []),
      ...(JSON.stringify({ ...da, bitmap: null, rest: null }) !== JSON.stringify({ ...db, bitmap: null, rest: null }) ? ['job framing'] : []),
      ...rasterDifferences(da.bitmap, db.bitmap, la, DYMO_DPI, firstColumn),
    ];
  }
  return result;
}

describe('the labels of two real kits of different arms at the same visit', () => {
  it('the demo has patients of both arms with a baseline kit', () => {
    expect(pairs.length).toBeGreaterThan(0);
  });

  it.each(['carton', 'syringe'] as const)('%s: identical but for kit number, patient number and initials, in PNG, PDF, ZPL and (syringe) the DYMO stream', async (kind) => {
    for (const [a, b] of pairs) {
      const found = await differences(a, b, kind);
      const expected: Record<string, string[]> = { layout: [], png: [], zpl: [], pdf: [], ...(kind === 'syringe' ? { dymo: [] } : {}) };
      expect(found, `kits ${a.kitNumber} (${a.randomizationNumber}) and ${b.kitNumber} (${b.randomizationNumber})`).toEqual(expected);
    }
  }, 240_000);

  it('the comparison fails when anything else differs: a blinded lot per arm is found in every form', async () => {
    const [a, b] = pairs[0]!;
    const lot = (await t.sql<{ l: string }>('SELECT blinded_lot AS l FROM kits WHERE kit_number = ?', b.kitNumber))[0]!.l;
    await t.sql('UPDATE kits SET blinded_lot = ? WHERE kit_number = ?', `${lot}X`, b.kitNumber);
    try {
      for (const kind of ['carton', 'syringe'] as const) {
        const found = await differences(a, b, kind);
        const lotField = kind === 'carton' ? 'batchAndExpiry' : 'batch';
        expect(found.layout, kind).toContain(lotField);
        expect(found.png!.join(' '), kind).toContain(lotField);
        expect(found.zpl, kind).toContain(lotField);
        expect(found.pdf!.join(' '), kind).toMatch(new RegExp(`Veil_${lotField}|text`));
        if (kind === 'syringe') expect(found.dymo!.join(' ')).toContain(lotField);
      }
    } finally {
      await t.sql('UPDATE kits SET blinded_lot = ? WHERE kit_number = ?', lot, b.kitNumber);
    }
  }, 120_000);
});
