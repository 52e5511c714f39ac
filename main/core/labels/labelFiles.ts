import type { LabelLanguage } from '../../../shared/study/studyConfig';
import type { AuditActor } from '../audit/auditTrail';
import type { LabelFormat, LabelKind, LabelService } from './labelService';

/** The label screen over LabelService: the queue it lists, a kit's label as a preview image, and label files, as the contract carries them (base64). */
export class LabelFiles {
  constructor(private readonly labels: LabelService) {}

  async queue(pendingOnly: boolean | undefined) {
    return (await this.labels.queue()).filter((l) => !pendingOnly || l.prints === 0);
  }

  async preview(kitNumber: string, kind: LabelKind) {
    const layout = await this.labels.layout(kitNumber, kind);
    const png = await this.labels.render(kitNumber, kind, 'png');
    return { kitNumber, kind, pngBase64: Buffer.from(png).toString('base64'), widthMm: layout.widthMm, heightMm: layout.heightMm };
  }

  async download(actor: AuditActor, kitNumber: string, kind: LabelKind, format: LabelFormat, language?: LabelLanguage) {
    const file = await this.labels.download(actor, kitNumber, kind, format, language);
    return { kitNumber, kind, format, fileName: file.fileName, mime: file.mime, base64: Buffer.from(file.bytes).toString('base64') };
  }
}
