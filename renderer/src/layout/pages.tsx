import type { ReactNode } from 'react';
import { AdminPage } from '../admin/AdminPage';
import { AuditTrailPage } from '../audit/AuditTrailPage';
import { StudySetupPage } from '../setup/StudySetupPage';
import { DispensePage } from '../dispense/DispensePage';
import { PatientsPage } from '../patients/PatientsPage';
import { ReceivePage } from '../receive/ReceivePage';
import { ReturnsPage } from '../returns/ReturnsPage';
import { KitStoryPage } from '../kits/KitStoryPage';
import { ReconciliationPage } from '../reconciliation/ReconciliationPage';
import { ReportsPage } from '../reports/ReportsPage';
import { EmergencyUnblindingPage } from '../emergency/EmergencyUnblindingPage';
import { DevicesPage } from '../devices/DevicesPage';
import { StoragePage } from '../storage/StoragePage';
import type { WorkflowId } from './workflows';

/**
 * The page of each built workflow. A workflow folder adds its page here when it is built (and sets `built` and its
 * permissions in workflows.ts); the others open the "not available yet" page.
 */
export const WORKFLOW_PAGES: Partial<Record<WorkflowId, () => ReactNode>> = {
  admin: () => <AdminPage />,
  study: () => <StudySetupPage />,
  audit: () => <AuditTrailPage />,
  receive: () => <ReceivePage />,
  storage: () => <StoragePage />,
  patients: () => <PatientsPage />,
  dispense: () => <DispensePage />,
  returns: () => <ReturnsPage />,
  kits: () => <KitStoryPage />,
  reconciliation: () => <ReconciliationPage />,
  reports: () => <ReportsPage />,
  emergency: () => <EmergencyUnblindingPage />,
  devices: () => <DevicesPage />,
};
