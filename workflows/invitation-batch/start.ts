// How a batch workflow is started, by the API (uploads, admins' bulk actions) and by the
// stalled-activations sweep alike: its id, its run-once policies, its search attributes and the
// summary the Temporal UI shows. Workflow-safe: plain data only.
import type { BatchKind } from '../../domain/invitation-batches';
import { AccountId, OnboardingStage } from '../search-attributes';
import { invitationBatchWorkflowId, type InvitationBatchInput } from './definitions';

export interface BatchToStart {
  batchId: string;
  accountId: string;
  kind: BatchKind;
  rowCount: number;
  /** What the rows came from, for the summary: a CSV or JSON upload, or a job such as the stalled sweep. */
  source: string;
  /** Who or what recorded it, and where its rows are, for the details. */
  details: string;
}

export function batchStartOptions(b: BatchToStart, taskQueue: string) {
  const args: [InvitationBatchInput] = [{ batchId: b.batchId, accountId: b.accountId, kind: b.kind, rowCount: b.rowCount }];
  return {
    workflowId: invitationBatchWorkflowId(b.accountId, b.batchId),
    taskQueue,
    args,
    // A batch runs once: its id never starts a second workflow, even after the first ended.
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
    workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    typedSearchAttributes: [{ key: AccountId, value: b.accountId }, { key: OnboardingStage, value: 'fanning_out' }],
    staticSummary: `${b.kind === 'invite' ? 'Invitation batch' : `Bulk ${b.kind}`} of ${b.rowCount} rows (${b.source}) for ${b.accountId}`,
    staticDetails: `${b.details}; batch ${b.batchId}. Rows and outcomes: table invitation_batch_rows, GET /v1/accounts/${b.accountId}/invitation-batches/${b.batchId}.`,
  };
}
