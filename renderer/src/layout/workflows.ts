import {
  IconArrowBackUp,
  IconBarcode,
  IconHistory,
  IconKey,
  IconUrgent,
  IconListCheck,
  IconPackageImport,
  IconPill,
  IconReportAnalytics,
  IconSettings,
  IconTemperature,
  IconTimeline,
  IconUsers,
  type Icon,
} from '@tabler/icons-react';
import type { Permission } from '../../../shared/roles';

/**
 * The workflows of the navigation, in the order of the pharmacy's day. A workflow names the permissions that open it
 * (any of them, from shared/roles.ts); the ones without any are not built yet and open an honest "not available yet"
 * page. When a workflow is built it gets its permission here, so the menu hides it from roles that cannot use it.
 */
export interface Workflow {
  id: WorkflowId;
  icon: Icon;
  built: boolean;
  permissions: readonly Permission[] | null;
}

export const WORKFLOW_IDS = ['study', 'receive', 'storage', 'patients', 'dispense', 'returns', 'kits', 'reconciliation', 'reports', 'audit', 'emergency', 'admin', 'devices'] as const;
export type WorkflowId = (typeof WORKFLOW_IDS)[number];

export const WORKFLOWS: readonly Workflow[] = [
  { id: 'study', icon: IconKey, built: true, permissions: ['allocation.setup', 'allocation.grant'] },
  { id: 'receive', icon: IconPackageImport, built: true, permissions: ['shipments.receive', 'quarantine.decide'] },
  { id: 'storage', icon: IconTemperature, built: true, permissions: ['storage.read'] },
  { id: 'patients', icon: IconUsers, built: true, permissions: ['patients.read'] },
  { id: 'dispense', icon: IconPill, built: true, permissions: ['dispensing.perform'] },
  { id: 'returns', icon: IconArrowBackUp, built: true, permissions: ['returns.read'] },
  { id: 'kits', icon: IconTimeline, built: true, permissions: ['inventory.read', 'reports.unblinded'] },
  { id: 'reconciliation', icon: IconListCheck, built: true, permissions: ['reconciliation.read'] },
  { id: 'reports', icon: IconReportAnalytics, built: true, permissions: ['reports.read', 'reports.unblinded'] },
  { id: 'audit', icon: IconHistory, built: true, permissions: ['audit.read'] },
  { id: 'emergency', icon: IconUrgent, built: true, permissions: ['emergency.unblind'] },
  { id: 'admin', icon: IconSettings, built: true, permissions: ['users.manage', 'settings.manage'] },
  { id: 'devices', icon: IconBarcode, built: true, permissions: ['devices.read'] },
];

export function canOpen(workflow: Workflow, permissions: readonly Permission[]): boolean {
  return workflow.permissions === null || workflow.permissions.some((p) => permissions.includes(p));
}

export function isWorkflowId(value: string): value is WorkflowId {
  return (WORKFLOW_IDS as readonly string[]).includes(value);
}
