import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { StudyConfig } from '../../../shared/study/studyConfig';
import { utcOffset } from '../audit/auditTrail';
import { labelFonts } from '../labels/fonts';

/**
 * One PDF shape for every report and certificate: a header an inspector checks (study, protocol, site, print time in
 * UTC and local time, the audit seal), tables that break across pages with their header repeated, and a footer with
 * the page count and the seal on every page (so a page taken out of the bundle still names the history it came from).
 */
export interface ReportContext {
  study: StudyConfig;
  seal: { seq: number; hash: string };
  printedAt: Date;
  site?: string;
}

export interface ReportSection {
  heading?: string;
  /** Lines of text before the table (label: value). */
  facts?: Array<[string, string]>;
  table?: { columns: Array<{ title: string; width: number }>; rows: Iterable<string[]> };
  paragraphs?: string[];
  /** A picture (a chart) as PNG, drawn the page's usable width at most, after the paragraphs. */
  image?: { png: Uint8Array; width: number; height: number };
}

const A4_LANDSCAPE: [number, number] = [841.89, 595.28];
const MARGIN = 36;

function fit(font: PDFFont, text: string, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  let cut = text;
  while (cut.length > 1 && font.widthOfTextAtSize(`${cut}…`, size) > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Wraps a cell's text to the column width (never silently cut: long values take more lines). */
function wrap(font: PDFFont, text: string, size: number, width: number): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) <= width) line = candidate;
    else {
      if (line) lines.push(line);
      line = font.widthOfTextAtSize(word, size) <= width ? word : fit(font, word, size, width);
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

export async function renderReportPdf(title: string, context: ReportContext, sections: ReportSection[]): Promise<Uint8Array> {
  const fonts = labelFonts();
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  doc.setTitle(title);
  doc.setProducer('Veil');
  doc.setCreator('Veil');
  doc.setCreationDate(context.printedAt);
  const regular = await doc.embedFont(fonts.regular.bytes, { subset: true });
  const bold = await doc.embedFont(fonts.bold.bytes, { subset: true });
  const [pageWidth, pageHeight] = A4_LANDSCAPE;
  const usable = pageWidth - 2 * MARGIN;
  const pages: PDFPage[] = [];
  let page!: PDFPage;
  let y = 0;

  const newPage = () => {
    page = doc.addPage(A4_LANDSCAPE);
    pages.push(page);
    y = pageHeight - MARGIN;
    page.drawText(title, { x: MARGIN, y: y - 14, size: 14, font: bold });
    y -= 22;
    const local = `${context.printedAt.toLocaleString('en-GB')} (UTC${utcOffset(context.printedAt)})`;
    const header = [
      `Study ${context.study.code} · ${context.study.registry} · Protocol ${context.study.sponsor.protocolNumber} · Sponsor ${context.study.sponsor.name}`,
      `Site: ${context.site ?? 'site pharmacy'} · Printed ${context.printedAt.toISOString()} UTC, ${local}`,
    ];
    for (const line of header) {
      page.drawText(fit(regular, line, 8.5, usable), { x: MARGIN, y: y - 9, size: 8.5, font: regular, color: rgb(0.2, 0.2, 0.2) });
      y -= 11;
    }
    page.drawLine({ start: { x: MARGIN, y: y - 3 }, end: { x: pageWidth - MARGIN, y: y - 3 }, thickness: 0.6 });
    y -= 10;
  };
  const ensure = (height: number, onBreak?: () => void) => {
    if (y - height < MARGIN + 20) {
      newPage();
      onBreak?.();
    }
  };

  newPage();
  for (const section of sections) {
    // A picture stays with its heading and words: the three start on a new page when the picture does not fit.
    if (section.image) ensure(Math.min(section.image.height * (usable / section.image.width), pageHeight - 2 * MARGIN - 80) + 18 + 15 * (section.paragraphs?.length ?? 0) + 8);
    if (section.heading) {
      ensure(30);
      page.drawText(section.heading, { x: MARGIN, y: y - 12, size: 11, font: bold });
      y -= 18;
    }
    for (const [label, value] of section.facts ?? []) {
      const lines = wrap(regular, value, 9, usable - 170);
      ensure(lines.length * 11 + 2);
      page.drawText(label, { x: MARGIN, y: y - 9, size: 9, font: bold });
      lines.forEach((l, i) => page.drawText(l, { x: MARGIN + 170, y: y - 9 - i * 11, size: 9, font: regular }));
      y -= lines.length * 11 + 2;
    }
    for (const paragraph of section.paragraphs ?? []) {
      const lines = wrap(regular, paragraph, 9, usable);
      ensure(lines.length * 11 + 4);
      lines.forEach((l, i) => page.drawText(l, { x: MARGIN, y: y - 9 - i * 11, size: 9, font: regular }));
      y -= lines.length * 11 + 4;
    }
    if (section.image) {
      const scale = Math.min(usable / section.image.width, (pageHeight - 2 * MARGIN - 80) / section.image.height);
      const width = section.image.width * scale;
      const height = section.image.height * scale;
      ensure(height + 8);
      page.drawImage(await doc.embedPng(section.image.png), { x: MARGIN, y: y - height, width, height });
      y -= height + 8;
    }
    if (section.table) {
      const total = section.table.columns.reduce((s, c) => s + c.width, 0);
      const widths = section.table.columns.map((c) => (c.width / total) * usable);
      const drawHeader = () => {
        let x = MARGIN;
        page.drawRectangle({ x: MARGIN, y: y - 13, width: usable, height: 14, color: rgb(0.9, 0.9, 0.9) });
        section.table!.columns.forEach((c, i) => {
          page.drawText(fit(bold, c.title, 8, widths[i]! - 4), { x: x + 2, y: y - 10, size: 8, font: bold });
          x += widths[i]!;
        });
        y -= 16;
      };
      ensure(40);
      drawHeader();
      for (const row of section.table.rows) {
        const cells = row.map((cell, i) => wrap(regular, cell, 8, widths[i]! - 4));
        const height = Math.max(...cells.map((c) => c.length)) * 10 + 3;
        ensure(height, drawHeader);
        let x = MARGIN;
        cells.forEach((lines, i) => {
          lines.forEach((l, j) => page.drawText(l, { x: x + 2, y: y - 8 - j * 10, size: 8, font: regular }));
          x += widths[i]!;
        });
        page.drawLine({ start: { x: MARGIN, y: y - height + 1 }, end: { x: pageWidth - MARGIN, y: y - height + 1 }, thickness: 0.2, color: rgb(0.7, 0.7, 0.7) });
        y -= height;
      }
      y -= 8;
    }
  }
  pages.forEach((p, i) => {
    const footer = `Page ${i + 1} of ${pages.length} · Audit seal: event ${context.seal.seq}, ${context.seal.hash}`;
    p.drawText(fit(regular, footer, 7.5, usable), { x: MARGIN, y: MARGIN - 12, size: 7.5, font: regular, color: rgb(0.3, 0.3, 0.3) });
  });
  return doc.save();
}
