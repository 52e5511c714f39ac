import { defineConfig } from 'vitest/config';
import core from '../vitest.config';

/**
 * The workflow suites a second time on PostgreSQL (issue 13, item 8): every demo core of these files opens a new
 * database on the run's throw-away server instead of a SQLite file (VEIL_TEST_ENGINE, tests/helpers/core.ts).
 * tests/run-all.sh counts this run as its own suite, "core-postgres". A file belongs here when it reaches the
 * records through the channels and the Store, or plants what no channel can make through tests/helpers/plantedCopy.ts
 * (an attacker's shell on a copy of either engine's database); one about the SQLite file itself (backups, damage, a
 * power cut, the file's bytes, the legacy schema it upgrades from) runs on SQLite alone. The repositories' own tests
 * and the PostgreSQL-only ones (concurrency, the change feed, the server at rest) run inside the core suite.
 */
export const BOTH_ENGINES = [
  'tests/integration/accountability.test.ts',
  'tests/integration/reconciliationKits.test.ts',
  'tests/integration/allocationKey.test.ts',
  'tests/integration/delegations.test.ts',
  'tests/integration/delegationsVerify.test.ts',
  'tests/integration/studySwitch.test.ts',
  'tests/integration/braveAa2.test.ts',
  'tests/security/braveLeak.test.ts',
  'tests/integration/anchorAtClose.test.ts',
  'tests/integration/auditPaging.test.ts',
  'tests/integration/auditScreenCheck.test.ts',
  'tests/integration/auditTamper.test.ts',
  'tests/integration/chronology.test.ts',
  'tests/integration/auditText.test.ts',
  'tests/integration/coldChainChannels.test.ts',
  'tests/integration/contractExamples.test.ts',
  'tests/integration/credentialCheck.test.ts',
  'tests/integration/csvExports.test.ts',
  'tests/integration/doseInterval.test.ts',
  'tests/integration/emergencyUnblinding.test.ts',
  'tests/integration/excursionImpact.test.ts',
  'tests/integration/excursionReport.test.ts',
  'tests/integration/expiryExtension.test.ts',
  'tests/integration/extraDispensing.test.ts',
  'tests/integration/host.test.ts',
  'tests/integration/inputBounds.test.ts',
  'tests/integration/kitExceptions.test.ts',
  'tests/integration/kitStory.test.ts',
  'tests/integration/labelIdentity.test.ts',
  'tests/integration/labels.test.ts',
  'tests/integration/listImport.test.ts',
  'tests/integration/lotRecall.test.ts',
  'tests/integration/messagesByKey.test.ts',
  'tests/integration/messagesByKeyDispensing.test.ts',
  'tests/integration/messagesByKeyStock.test.ts',
  'tests/integration/messagesByKeyValidation.test.ts',
  'tests/integration/overLabels.test.ts',
  'tests/integration/patientsDue.test.ts',
  'tests/integration/pharmacyWorkflow.test.ts',
  'tests/integration/receiptExpiry.test.ts',
  'tests/integration/returnsVerification.test.ts',
  'tests/integration/router.test.ts',
  'tests/integration/sessions.test.ts',
  'tests/integration/siteName.test.ts',
  'tests/integration/stockForecast.test.ts',
  'tests/integration/temporaryPasswords.test.ts',
  'tests/integration/today.test.ts',
  'tests/integration/closeOut.test.ts',
  'tests/integration/studyFile.test.ts',
  'tests/integration/unsealedStock.test.ts',
  'tests/integration/useBeforeConfirmation.test.ts',
  'tests/security/blindingLeak.test.ts',
  'tests/security/coreSurface.test.ts',
  'tests/security/crossStudyLeak.test.ts',
  'tests/security/expiryHoldBlinding.test.ts',
  'tests/security/kitOrder.test.ts',
];

// Not mergeConfig: it would append this include list to the core suite's instead of replacing it.
export default defineConfig({ test: { ...core.test, include: BOTH_ENGINES, env: { VEIL_TEST_ENGINE: 'postgres' } } });
