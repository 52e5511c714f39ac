import type { ReactNode } from 'react';
import { AdminPage } from '../admin/AdminPage';
import type { WorkflowId } from './workflows';

/**
 * The page of each built workflow. A workflow folder adds its page here when it is built (and sets `built` and its
 * permissions in workflows.ts); the others open the "not available yet" page.
 */
export const WORKFLOW_PAGES: Partial<Record<WorkflowId, () => ReactNode>> = {
  admin: () => <AdminPage />,
};
