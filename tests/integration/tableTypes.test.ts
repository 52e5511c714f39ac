import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableTypesSource } from '../../scripts/db/tableTypes';

describe('the typed tables Kysely checks queries against', () => {
  it('are those the migrations build (else: npm run db:tables, and commit the result with the step)', () => {
    const committed = readFileSync(join(__dirname, '../../main/core/db/tables.ts'), 'utf8');
    expect(committed).toBe(tableTypesSource());
  });
});
