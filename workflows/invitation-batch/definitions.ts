// Names and shapes of an invitation batch (or bulk action), shared by the batch workflow, its
// activities, the API and the tests. Workflow-safe: definitions and plain types only.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { BatchKind, BatchRowOutcome, BatchStage } from '../../domain/invitation-batches';

/** What the API hands the batch workflow: the batch's id, never its rows (they stay in PostgreSQL). */
export interface InvitationBatchInput {
  batchId: string;
  accountId: string;
  kind: BatchKind;
  rowCount: number;
  /** Rows per chunk (DEFAULT_BATCH_CHUNK_SIZE unless given). */
  chunkSize?: number;
  /** Carried over by continue-as-new: what the earlier runs did, and this run's number. */
  progress?: BatchProgressCounts;
  run?: number;
}

/** How many rows ended how, so far (rows still pending are not counted). */
export type BatchProgressCounts = Partial<Record<Exclude<BatchRowOutcome, 'pending' | 'starting'>, number>>;

export interface BatchProgress {
  batchId: string;
  kind: BatchKind;
  stage: BatchStage;
  rowCount: number;
  /** Rows that reached their outcome. */
  settled: number;
  counts: BatchProgressCounts;
  /** Runs of the workflow so far (it continues as new every few dozen chunks). */
  run: number;
}

/** The batch workflow as a client starts it: given to the activities that start one (see InvitationWorkflow). */
export type InvitationBatchWorkflow = (input: InvitationBatchInput) => Promise<BatchProgress>;

/** What one chunk did. */
export interface BatchChunkResult {
  /** Rows that reached their outcome in this chunk. */
  counts: BatchProgressCounts;
  /** No row is left to fan out. */
  finished: boolean;
  /** How long the account's pace asks the batch to wait before its next chunk. */
  waitMs: number;
}

export const getBatchProgress = defineQuery<BatchProgress>('getBatchProgress');
/**
 * Stops the rows not yet started, and revokes started invitations still scheduled well ahead of
 * their send time; sent invitations are left alone. Answers once the batch has stopped.
 */
export const cancelBatch = defineUpdate<BatchProgress, []>('cancelBatch');

export const invitationBatchWorkflowId = (accountId: string, batchId: string) => `invitation-batch:${accountId}:${batchId}`;
