import type { StudyConfig } from '../../../shared/study/studyConfig';
import type { AuditTrail } from '../audit/auditTrail';
import type { Clock } from '../clock';
import { destructionCertificate } from '../reports/destructionCertificate';
import type { DestructionService } from './destructionService';

/** The certificate of a recorded destruction, as a PDF sealed with the audit chain's head at printing. */
export class DestructionCertificates {
  constructor(
    private readonly destruction: DestructionService,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
    private readonly study: () => StudyConfig,
    /** The site's name as printed (SiteMemory). */
    private readonly settings: { site(): string },
  ) {}

  async certificate(destructionId: number): Promise<{ fileName: string; pdfBase64: string }> {
    const pdf = await destructionCertificate(await this.destruction.get(destructionId), {
      study: this.study(),
      seal: await this.audit.seal(),
      printedAt: this.clock.now(),
      site: this.settings.site(),
    });
    return { fileName: `destruction-certificate-${destructionId}.pdf`, pdfBase64: Buffer.from(pdf).toString('base64') };
  }
}
