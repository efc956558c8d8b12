// Webhook endpoints: register, change, delete, rotate the secret (shown once; the old one keeps
// signing for 24 hours), read the delivery log, replay, send a test event. Each enabled endpoint
// has one delivery workflow (workflows/webhook-delivery/), started here when the endpoint is
// created or enabled, and whenever messages are queued again (a workflow already running is kept).
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { DEFAULT_WEBHOOK_DELIVERY, WEBHOOK_PAYLOAD_VERSION, WEBHOOK_TEST_EVENT, type WebhookEventType } from '../../../domain/webhook-events';
import { webhookDeliveryWorkflow } from '../../../workflows';
import { endpointChanged, webhookDeliveryWorkflowId } from '../../../workflows/webhook-delivery/definitions';
import { problems } from '../../problems';
import type { Caller } from '../credentials';
import type { AttemptRow, EndpointRow, MessageRow, WebhookEndpointsData } from './webhook-endpoints-data';
import { assertMayManageWebhooks, assertWebhookUrlAllowed } from './webhook-endpoints-policy';

export interface WebhookEndpointInput {
  url: string;
  eventTypes: WebhookEventType[];
  description?: string;
  enabled?: boolean;
}

export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason?: string;
  disabledAt?: string;
  /** Until when the previous secret still signs (after a rotation). */
  previousSecretExpiresAt?: string;
  failingSince?: string;
  createdAt: string;
  updatedAt: string;
}

/** A whsec_ secret: 24 random bytes, base64 (Standard Webhooks). */
const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

const iso = (d: Date | null) => (d ? d.toISOString() : undefined);
function view(r: EndpointRow): WebhookEndpointView {
  return {
    id: r.id, url: r.url, description: r.description, eventTypes: r.event_types, enabled: r.enabled,
    ...(r.disabled_reason ? { disabledReason: r.disabled_reason } : {}),
    ...(r.disabled_at ? { disabledAt: iso(r.disabled_at) } : {}),
    ...(r.previous_secret_expires_at && r.previous_secret_expires_at > new Date() ? { previousSecretExpiresAt: iso(r.previous_secret_expires_at) } : {}),
    ...(r.failing_since ? { failingSince: iso(r.failing_since) } : {}),
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  };
}
const attemptView = (a: AttemptRow) => ({
  id: a.id, messageId: a.message_id, eventType: a.event_type, eventId: a.event_id, attemptedAt: a.attempted_at.toISOString(),
  statusCode: a.status_code, latencyMs: a.latency_ms, response: a.response, succeeded: a.succeeded,
});
const messageView = (m: MessageRow) => ({
  messageId: m.message_id, eventType: m.event_type, status: m.status as 'pending' | 'delivered', attempts: m.attempts,
  nextAttemptAt: m.status === 'pending' ? m.next_attempt_at.toISOString() : undefined, deliveredAt: iso(m.delivered_at), createdAt: m.created_at.toISOString(),
});

export interface WebhookEndpointServiceDeps {
  data: WebhookEndpointsData;
  temporal: Client;
  taskQueue: string;
  allowPrivateAddresses: boolean;
}

export function createWebhookEndpointService({ data, temporal, taskQueue, allowPrivateAddresses }: WebhookEndpointServiceDeps) {
  async function found(caller: Caller, id: string): Promise<EndpointRow> {
    assertMayManageWebhooks(caller);
    const e = await data.get(caller.accountId, id);
    if (!e) throw problems.notFound(`Webhook endpoint ${id}`);
    return e;
  }

  /** The endpoint's delivery workflow, started unless it runs already, and told to look for messages. */
  async function ensureDelivery(e: EndpointRow): Promise<void> {
    if (!e.enabled) return;
    await temporal.workflow.signalWithStart(webhookDeliveryWorkflow, {
      workflowId: webhookDeliveryWorkflowId(e.id), taskQueue, args: [{ endpointId: e.id }],
      signal: endpointChanged, signalArgs: [],
      staticSummary: `Webhooks of ${e.account_id} to ${e.url}`,
    });
  }

  return {
    async create(caller: Caller, input: WebhookEndpointInput): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
      assertMayManageWebhooks(caller);
      await assertWebhookUrlAllowed(input.url, allowPrivateAddresses);
      const secret = newSecret();
      const row = await data.create(caller.accountId, `ep_${randomBytes(12).toString('hex')}`, secret, {
        url: input.url, eventTypes: [...new Set(input.eventTypes)], description: input.description ?? '', enabled: input.enabled ?? true,
      });
      await ensureDelivery(row);
      return { endpoint: view(row), secret };
    },

    async list(caller: Caller): Promise<WebhookEndpointView[]> {
      assertMayManageWebhooks(caller);
      return (await data.list(caller.accountId)).map(view);
    },

    async get(caller: Caller, id: string): Promise<WebhookEndpointView> {
      return view(await found(caller, id));
    },

    async update(caller: Caller, id: string, change: Partial<WebhookEndpointInput>): Promise<WebhookEndpointView> {
      await found(caller, id);
      if (change.url) await assertWebhookUrlAllowed(change.url, allowPrivateAddresses);
      const row = await data.update(caller.accountId, id, { ...change, ...(change.eventTypes ? { eventTypes: [...new Set(change.eventTypes)] } : {}) });
      if (!row) throw problems.notFound(`Webhook endpoint ${id}`);
      await ensureDelivery(row);
      return view(row);
    },

    async remove(caller: Caller, id: string): Promise<void> {
      await found(caller, id);
      // Its workflow sees it gone at its next look and ends.
      if (!(await data.remove(caller.accountId, id))) throw problems.notFound(`Webhook endpoint ${id}`);
    },

    async rotateSecret(caller: Caller, id: string): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
      await found(caller, id);
      const secret = newSecret();
      const row = await data.rotate(caller.accountId, id, secret, DEFAULT_WEBHOOK_DELIVERY.previousSecretTtlMs);
      if (!row) throw problems.notFound(`Webhook endpoint ${id}`);
      return { endpoint: view(row), secret };
    },

    async attempts(caller: Caller, id: string, q: { limit: number; before?: string }) {
      await found(caller, id);
      return { attempts: (await data.attempts(id, q.limit, q.before)).map(attemptView) };
    },

    async messages(caller: Caller, id: string, q: { limit: number; status?: 'pending' | 'delivered' }) {
      await found(caller, id);
      return { messages: (await data.messages(id, q.limit, q.status)).map(messageView) };
    },

    async replayMessage(caller: Caller, id: string, messageId: string): Promise<{ replayed: number }> {
      const e = await found(caller, id);
      if (!(await data.replayMessage(id, messageId))) throw problems.notFound(`Message ${messageId}`);
      await ensureDelivery(e);
      return { replayed: 1 };
    },

    async replaySince(caller: Caller, id: string, since: Date): Promise<{ replayed: number }> {
      const e = await found(caller, id);
      const replayed = await data.replaySince(e, since);
      await ensureDelivery(e);
      return { replayed };
    },

    async sendTest(caller: Caller, id: string): Promise<{ messageId: string }> {
      const e = await found(caller, id);
      const testId = `webhook-test:${e.id}:${randomBytes(8).toString('hex')}`;
      const messageId = await data.recordTest(e, testId, WEBHOOK_TEST_EVENT, { endpointId: e.id, message: 'A test event: this endpoint receives and verifies webhooks.', version: WEBHOOK_PAYLOAD_VERSION });
      await ensureDelivery(e);
      return { messageId };
    },
  };
}

export type WebhookEndpointService = ReturnType<typeof createWebhookEndpointService>;
