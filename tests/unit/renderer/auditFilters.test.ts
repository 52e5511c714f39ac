import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { translators } from '../../helpers/translators';
import { EMPTY_FORM, validateFilter } from '../../../renderer/src/audit/auditFilters';
import { translatedError } from '../../../renderer/src/common/contractForm';
import { translateServerMessage } from '../../../renderer/src/i18n/serverMessages';

/** The audit trail's filters, validated by audit.exportCsv's schema (issue 17, item 3). */
describe('the audit trail filters from the contract', () => {
  let tFr: TFunction;
  beforeAll(async () => {
    ({ tFr } = await translators());
  });

  it("takes any filter left empty, and refuses a record number longer than the contract's, in French", () => {
    expect(validateFilter(EMPTY_FORM)).toEqual({});
    expect(validateFilter({ ...EMPTY_FORM, from: '2026-01-01', to: '2026-12-31', entityId: ' K-000123 ' })).toEqual({});
    const errors = validateFilter({ ...EMPTY_FORM, entityId: '9'.repeat(65) });
    expect(Object.keys(errors)).toEqual(['entityId']);
    expect(translatedError(errors, 'entityId', translateServerMessage, tFr)).toBe(tFr('messages.validation.identifierTooLong', { count: 64 }));
  });
});
