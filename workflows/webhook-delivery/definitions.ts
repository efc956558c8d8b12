// The webhook delivery workflow's id, input and query, shared by the workflow, the API (which
// starts it when an endpoint is created, enabled or replayed) and the tests.
import { defineQuery, defineSignal } from '@temporalio/workflow';

export interface WebhookDeliveryInput {
  endpointId: string;
  /** Counts carried across continue-as-new. */
  delivered?: number;
  run?: number;
}

export type WebhookDeliveryStage = 'waiting' | 'delivering' | 'disabled';

export interface WebhookDeliveryStatus {
  endpointId: string;
  stage: WebhookDeliveryStage;
  /** Messages delivered by this workflow, across its runs. */
  delivered: number;
  /** Attempts that failed and were scheduled again. */
  retried: number;
  run: number;
}

export const getWebhookDeliveryStatus = defineQuery<WebhookDeliveryStatus>('getWebhookDeliveryStatus');
/**
 * The endpoint was enabled or messages were queued again (replay, test event): sent with
 * signal-with-start, so a workflow that just found its endpoint disabled and is ending looks again
 * instead (a start alone could attach to that ending run and be lost).
 */
export const endpointChanged = defineSignal('endpointChanged');

/** One delivery workflow per endpoint. */
export const webhookDeliveryWorkflowId = (endpointId: string) => `webhook-delivery:${endpointId}`;

/** Messages taken at once (at most one per subject, so one person's events stay in order). */
export const MESSAGES_PER_ROUND = 100;
/** How long one wait for due messages lasts before the workflow looks again (an activity heartbeating meanwhile). */
export const WAIT_MS = 30_000;
/** Rounds in one run before it continues as new: each costs about a dozen history events. */
export const ROUNDS_PER_RUN = 100;
