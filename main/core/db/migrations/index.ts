import type { Migration } from './migration';
import { step01 } from './001-users-settings-study';
import { step02 } from './002-audit-signatures-keys-kits';
import { step03 } from './003-shipments-patients-dispensings';
import { step04 } from './004-returns-reconciliation-destruction-emergency';
import { step05 } from './005-temporary-password-keys-code-break-attempts';
import { step06 } from './006-signature-chain-head';
import { step07 } from './007-sealed-blocks';
import { step08 } from './008-discrepancy-comments';
import { step09 } from './009-expiry-hold';
import { step10 } from './010-audit-indexes';
import { step11 } from './011-emergency-sponsor-notifications';
import { step12 } from './012-dispensing-and-label-indexes';
import { step13 } from './013-cold-chain';
import { step14 } from './014-extra-dispensings';
import { step15 } from './015-over-labels';
import { step16 } from './016-study-closures';
import { step17 } from './017-status-indexes';
import { step18 } from './018-audit-event-study';
import { step19 } from './019-studies-as-rows';
import { step20 } from './020-rows-name-their-study';
import { step21 } from './021-delegations';
import { step22 } from './022-key-per-study';
import { step23 } from './023-kit-types';
import { step24 } from './024-study-archive';

export type { Migration, PostgresStepClient } from './migration';

/**
 * The schema steps in order; migration N takes version N-1 to N. One file per step. Never edit a released step (the
 * checksum test freezes them): add a new file, list it here, add its checksum to
 * tests/integration/migrationChecksums.test.ts, and a test in tests/integration/migrations.test.ts that migrates a
 * database of the previous version holding data.
 */
export const migrations: readonly Migration[] = [step01, step02, step03, step04, step05, step06, step07, step08, step09, step10, step11, step12, step13, step14, step15, step16, step17, step18, step19, step20, step21, step22, step23, step24];
