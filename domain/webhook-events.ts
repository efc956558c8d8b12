// The events outgoing webhooks report: stable type names (published: receivers switch on them),
// which stage entry reports which event, and the delivery rules the worker and the API share.
// Plain data: the read model's writer (db/read-model/stage-writes.ts) records them in the same
// statement as the stage, the delivery workflow sends them, the API documents them.
import type { StageRecord } from './stage-records';

export const webhookEventTypes = [
  'invitation.scheduled',
  'invitation.sent',
  'invitation.delivery_failed',
  'invitation.expired',
  'invitation.revoked',
  'invitation.accepted',
  'user.license_pending',
  'user.activated',
  'user.deactivated',
  'provisioning_request.completed',
  'invitation_batch.completed',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** Sent by "send test event" to one endpoint, whatever it subscribed to. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/** The payload's version: a change that could break a receiver makes a new one. */
export const WEBHOOK_PAYLOAD_VERSION = 1;

type StageOf<K extends StageRecord['kind']> = Extract<StageRecord, { kind: K }>['stage'];

/**
 * Which events entering a stage reports, per kind of stage record: a new kind is one line here (the
 * type requires it). `user.*` events of an invitation are recorded only when its user's onboarding
 * stage moved too (someone who signed up from it, not a user an admin added, whose provisioning
 * reports them).
 */
export const stageEvents: { [K in StageRecord['kind']]: Partial<Record<StageOf<K>, readonly WebhookEventType[]>> } = {
  invitation: {
    scheduled: ['invitation.scheduled'],
    awaiting_signup: ['invitation.sent'],
    delivery_failed: ['invitation.delivery_failed'],
    expired: ['invitation.expired'],
    revoked: ['invitation.revoked'],
    license_pending: ['user.license_pending'],
    activated: ['user.activated'],
  },
  user_provisioning: { activated: ['user.activated'] },
  provisioning_request: { completed: ['provisioning_request.completed'] },
  // Deactivated once sign-in and credentials are disabled (every offboarding passes there).
  offboarding: { releasing_license: ['user.deactivated'] },
};

export function eventsForStage(r: StageRecord): readonly WebhookEventType[] {
  const byStage = stageEvents[r.kind] as Partial<Record<string, readonly WebhookEventType[]>>;
  return byStage[r.stage] ?? [];
}

/** Delivery: how long one attempt may take, how much of an answer is read and kept, and the retry schedule. */
export interface WebhookDeliverySettings {
  /** An answer must come within this (a 2xx within it is success). */
  timeoutMs: number;
  /** Bytes of an answer read at most (the rest is dropped, the connection closed). */
  maxResponseBytes: number;
  /** First retry after this, doubling per attempt up to maxRetryDelayMs. */
  initialRetryDelayMs: number;
  maxRetryDelayMs: number;
  /** An endpoint failing every attempt for this long is disabled and its account's admins are emailed. */
  retryWindowMs: number;
  /** How long the previous secret keeps signing after a rotation. */
  previousSecretTtlMs: number;
  /** Loopback, private, link-local and metadata addresses are refused unless this is set (local development, tests). */
  allowPrivateAddresses: boolean;
  /** How often an idle endpoint's delivery workflow looks for new messages (the wait is inside one activity). */
  pollIntervalMs: number;
}

export const DEFAULT_WEBHOOK_DELIVERY: WebhookDeliverySettings = {
  timeoutMs: 10_000,
  maxResponseBytes: 64 * 1024,
  initialRetryDelayMs: 5_000,
  maxRetryDelayMs: 60 * 60_000,
  retryWindowMs: 3 * 24 * 60 * 60_000,
  previousSecretTtlMs: 24 * 60 * 60_000,
  allowPrivateAddresses: false,
  pollIntervalMs: 500,
};

/** The wait before attempt `attempts + 1`, after `attempts` failed ones. */
export function retryDelayMs(attempts: number, s: Pick<WebhookDeliverySettings, 'initialRetryDelayMs' | 'maxRetryDelayMs'>): number {
  return Math.min(s.maxRetryDelayMs, s.initialRetryDelayMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

/** What the delivery log keeps of an answer. */
export const WEBHOOK_RESPONSE_LOG_CHARS = 1_024;
