import { VeilError } from '../../../shared/errors';
import { englishOf, type Message } from '../../../shared/messages/catalogue';
import { labelLanguages, type StudyConfig } from '../../../shared/study/studyConfig';
import { checkStudyConfig, type StudyProblem } from '../../../shared/study/studyProblems';
import { sha256Hex } from '../allocation/listFiles';
import type { DelegationService } from '../delegations/delegationService';
import type { AuditTrail } from '../audit/auditTrail';
import type { CallActor } from '../callers';
import { isoUtc, type Clock } from '../clock';
import type { Store } from '../db/store';
import type { SignatureService, Signer } from '../signatures/signatureService';
import type { SiteMemory } from '../system/siteMemory';
import type { StudyRepository } from '../system/studyRepository';

export interface CheckedStudyFile {
  fileName: string;
  sha256: string;
  config: StudyConfig | null;
  /** Each with where it is in the file (empty path: the file as a whole). */
  problems: StudyProblem[];
}

/**
 * Reads a study's configuration file as the sponsor sent it: UTF-8 JSON (RFC 8259; a byte-order mark is allowed),
 * validated whole against the study schema (shared/study/studyConfig.ts). Every problem of the file's shape is listed at
 * once with where it is (the rules across fields, such as visits in day order, once the shape holds: zod runs them on a
 * parsed object); the SHA-256 is the file's own bytes', as `sha256sum` prints it.
 */
export function readStudyFile(fileName: string, bytes: Buffer): CheckedStudyFile {
  const sha256 = sha256Hex(bytes);
  const refused = (said: Message): CheckedStudyFile => ({ fileName, sha256, config: null, problems: [{ path: '', message: englishOf(said), ...said }] });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return refused({ key: 'studyFile.notUtf8' });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return refused({ key: 'studyFile.notJson', params: { detail: error instanceof Error ? error.message : String(error) } });
  }
  return { fileName, sha256, ...checkStudyConfig(json) };
}

/**
 * Loading the study from its validated configuration file (issue 14, item 1): checked whole first (checkFile, nothing
 * stored), then loaded under the unblinded pharmacist's e-signature, which records the file's SHA-256; audited as
 * `study.loaded`. A database holds one study until studies become rows (docs/multi-study-plan.md, step 1): a second
 * one is refused, saying so, and the loaded study is never replaced (its kits, patients and dispensings follow it).
 */
export class StudyFileService {
  constructor(
    private readonly store: Store,
    private readonly studies: StudyRepository,
    private readonly site: SiteMemory,
    private readonly audit: AuditTrail,
    private readonly signatures: SignatureService,
    private readonly clock: Clock,
    private readonly delegations: DelegationService,
  ) {}

  async check(fileName: string, contentBase64: string) {
    const { config, ...checked } = readStudyFile(fileName, Buffer.from(contentBase64, 'base64'));
    const refusal = config && (await this.refusalOf(config, fileName));
    return {
      ...checked,
      cannotLoad: refusal ? { key: refusal.key!, ...(refusal.params ? { params: refusal.params } : {}), message: refusal.message } : null,
      study: config && {
        code: config.code,
        title: config.title,
        registry: config.registry,
        sponsor: config.sponsor.name,
        protocolNumber: config.sponsor.protocolNumber,
        arms: config.arms.length,
        visits: config.visits.length,
        strata: config.strata.length,
        labelLanguages: labelLanguages(config),
        kitTypes: (config.kitTypes ?? []).map((type) => ({ code: type.code, name: type.name, contents: type.contents.map((c) => c.name) })),
      },
    };
  }

  async load(actor: CallActor, signer: Signer, fileName: string, contentBase64: string) {
    const checked = readStudyFile(fileName, Buffer.from(contentBase64, 'base64'));
    const config = checked.config;
    if (!config) {
      const first = checked.problems[0]!;
      throw VeilError.says('validation', { key: 'study.fileInvalid', params: { file: fileName, problem: first.path ? `${first.path}: ${first.message}` : first.message } });
    }
    const loadedAt = isoUtc(this.clock.now());
    const signatureId = await this.store.transaction(async () => {
      const refusal = await this.refusalOf(config, fileName);
      if (refusal) throw refusal;
      const record = { action: 'study.loaded', code: config.code, fileName, sha256: checked.sha256, loadedAt };
      const signature = await this.signatures.record(signer, 'study', config.code, record);
      const first = (await this.studies.currentRow()) === null;
      const studyId = await this.studies.save(config, loadedAt);
      await this.audit.append(actor, {
        action: 'study.loaded',
        entityType: 'study',
        entityId: config.code,
        before: null,
        after: { title: config.title, fileName, sha256: checked.sha256 },
        signatureId: signature.id,
        // Not in memory until this unit of work commits: named here.
        study: config.code,
      });
      if (first) await this.delegations.atFirstLoad(actor, { id: studyId, code: config.code }, signature.id);
      else await this.delegations.atLaterLoad(actor, { id: studyId, code: config.code }, signature.id);
      return signature.id;
    });
    await this.site.reload();
    return { code: config.code, title: config.title, fileName, sha256: checked.sha256, loadedAt, signatureId };
  }

  /**
   * Why a valid study file cannot be loaded here: a study with its code is loaded already (amending a loaded study's
   * configuration is not built).
   */
  private async refusalOf(config: StudyConfig, fileName: string): Promise<VeilError | null> {
    if ((await this.studies.idOf(config.code)) !== undefined) return VeilError.says('conflict', { key: 'study.alreadyLoaded', params: { study: config.code, file: fileName } });
    return null;
  }
}
