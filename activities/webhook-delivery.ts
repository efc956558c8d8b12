// Delivering webhook messages, for the endpoint's delivery workflow (workflows/webhook-delivery/):
// which messages are due (the oldest undelivered one of each subject, so one person's events
// arrive in order), one signed POST per message and attempt (Standard Webhooks, with the
// `standardwebhooks` library; the same webhook-id every time), each attempt kept for the log, the
// retry scheduled with exponential backoff. 410 Gone disables the endpoint; so does failing for the
// whole retry window, after which the account's admins are emailed once (outbox).
import { Context } from '@temporalio/activity';
import { Webhook } from 'standardwebhooks';
import type { ActivityDependencies } from './dependencies';
import { DEFAULT_WEBHOOK_DELIVERY, retryDelayMs, WEBHOOK_PAYLOAD_VERSION, WEBHOOK_RESPONSE_LOG_CHARS, type WebhookDeliverySettings } from '../domain/webhook-events';
import { renderWebhookDisabledEmail } from '../messages/webhook-disabled-email';
import { emailAccountAdmins, type NotifyAdminsResult } from './account-admins';
import { emailSender, withHeartbeat } from './outbox';
import { postWebhook } from './webhook-http';


export type DeliveryOutcome = 'delivered' | 'retry_later' | 'already_delivered' | 'endpoint_disabled';

interface MessageToSend {
  id: string;
  message_id: string;
  status: string;
  attempts: number;
  type: string;
  data: unknown;
  occurred_at: Date;
  url: string;
  enabled: boolean;
  deleted_at: Date | null;
  secret: string;
  previous_secret: string | null;
  previous_valid: boolean;
}

/** The body every attempt of a message sends, the same bytes each time. */
function webhookBody(m: { type: string; occurred_at: Date; data: unknown }): string {
  return JSON.stringify({ type: m.type, version: WEBHOOK_PAYLOAD_VERSION, timestamp: m.occurred_at.toISOString(), data: m.data });
}

/** Standard Webhooks signatures, space-separated: the current secret's, and the previous one's while it is still valid. */
function webhookSignature(secrets: string[], messageId: string, at: Date, body: string): string {
  return secrets.map((s) => new Webhook(s).sign(messageId, at, body)).join(' ');
}

export function createWebhookDeliveryActivities({ db, mailer, settings }: Pick<ActivityDependencies, 'db' | 'mailer' | 'settings'>) {
  const s: WebhookDeliverySettings = { ...DEFAULT_WEBHOOK_DELIVERY, ...settings.webhooks };
  const sendEmail = emailSender(mailer, settings.mailFrom);

  async function dueMessages(endpointId: string, limit: number): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `SELECT h.id FROM (
         SELECT DISTINCT ON (subject) id, next_attempt_at FROM webhook_messages
          WHERE endpoint_id = $1 AND status = 'pending' ORDER BY subject, id) h
        WHERE h.next_attempt_at <= now() ORDER BY h.id LIMIT $2`,
      [endpointId, limit],
    );
    return rows.map((r) => r.id);
  }

  /** A failed attempt: the next one after the backoff; an endpoint failing for the whole window is disabled. */
  async function failed(m: MessageToSend, endpointId: string, gone: boolean): Promise<DeliveryOutcome> {
    await db.query(`UPDATE webhook_messages SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2::float8 / 1000) WHERE id = $1 AND status = 'pending'`,
      [m.id, retryDelayMs(m.attempts + 1, s)]);
    const { rows } = await db.query<{ disabled: boolean }>(
      `UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, now()),
              enabled = CASE WHEN $2 OR coalesce(failing_since, now()) <= now() - make_interval(secs => $3::float8 / 1000) THEN false ELSE enabled END,
              disabled_reason = CASE WHEN $2 THEN 'The receiver answered 410 Gone'
                                     WHEN coalesce(failing_since, now()) <= now() - make_interval(secs => $3::float8 / 1000) THEN 'Every attempt failed for the retry window'
                                     ELSE disabled_reason END,
              disabled_at = CASE WHEN enabled AND ($2 OR coalesce(failing_since, now()) <= now() - make_interval(secs => $3::float8 / 1000)) THEN now() ELSE disabled_at END,
              updated_at = now()
        WHERE id = $1 RETURNING NOT enabled AS disabled`,
      [endpointId, gone, s.retryWindowMs],
    );
    return rows[0]?.disabled ? 'endpoint_disabled' : 'retry_later';
  }

  /** One attempt at one message: signed, posted, logged; delivered on a 2xx within the time limit. */
  async function deliverOne(messageId: string): Promise<DeliveryOutcome> {
    const { rows } = await db.query<MessageToSend>(
      `SELECT m.id, m.message_id, m.status, m.attempts, ev.type, ev.data, ev.occurred_at, e.url, e.enabled, e.deleted_at, e.secret, e.previous_secret,
              coalesce(e.previous_secret_expires_at > now(), false) AS previous_valid, m.endpoint_id
         FROM webhook_messages m JOIN webhook_events ev ON ev.id = m.event_id JOIN webhook_endpoints e ON e.id = m.endpoint_id
        WHERE m.id = $1`,
      [messageId],
    );
    const m = rows[0] as (MessageToSend & { endpoint_id: string }) | undefined;
    if (!m || m.status === 'delivered') return 'already_delivered';
    if (!m.enabled || m.deleted_at) return 'endpoint_disabled';
    const body = webhookBody(m);
    const now = new Date();
    const secrets = m.previous_secret && m.previous_valid ? [m.secret, m.previous_secret] : [m.secret];
    const answer = await postWebhook({
        url: m.url, body, timeoutMs: s.timeoutMs, maxResponseBytes: s.maxResponseBytes, allowPrivateAddresses: s.allowPrivateAddresses,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'provisioning-orchestrator-webhooks/1',
          'webhook-id': m.message_id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': webhookSignature(secrets, m.message_id, now, body),
        },
      });
    const ok = answer.status !== undefined && answer.status >= 200 && answer.status < 300;
    await db.query(
      `INSERT INTO webhook_attempts (message_id, endpoint_id, attempted_at, status_code, latency_ms, response, succeeded) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [m.id, m.endpoint_id, now, answer.status ?? null, answer.latencyMs, answer.text.slice(0, WEBHOOK_RESPONSE_LOG_CHARS).replace(/\0/g, ''), ok],
    );
    if (!ok) return failed(m, m.endpoint_id, answer.status === 410);
    await db.query(`UPDATE webhook_messages SET status = 'delivered', attempts = attempts + 1, delivered_at = now() WHERE id = $1`, [m.id]);
    await db.query(`UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`, [m.endpoint_id]);
    return 'delivered';
  }

  return {
    /** The messages due now (at most one per subject, oldest first); waits for some up to maxWaitMs. `gone`: the endpoint was deleted or disabled. */
    async nextWebhookMessages({ endpointId, limit, maxWaitMs }: { endpointId: string; limit: number; maxWaitMs: number }): Promise<{ gone: boolean; messageIds: string[] }> {
      const ctx = Context.current();
      const until = Date.now() + maxWaitMs;
      for (;;) {
        ctx.heartbeat();
        const { rows } = await db.query<{ active: boolean }>(`SELECT enabled AND deleted_at IS NULL AS active FROM webhook_endpoints WHERE id = $1`, [endpointId]);
        if (!rows[0]?.active) return { gone: true, messageIds: [] };
        const messageIds = await dueMessages(endpointId, limit);
        if (messageIds.length > 0 || Date.now() >= until) return { gone: false, messageIds };
        await ctx.sleep(s.pollIntervalMs);
      }
    },

    /**
     * One attempt at each message (due ones of distinct subjects), in parallel, heartbeating. Retried
     * after a crash, messages already recorded delivered are skipped; one posted but not yet recorded
     * is posted again with its same webhook-id (at least once).
     */
    async deliverWebhookMessages({ messageIds }: { messageIds: string[] }): Promise<DeliveryOutcome[]> {
      return withHeartbeat(Promise.all(messageIds.map((messageId) => deliverOne(messageId))));
    },

    /** The endpoint was disabled: each admin and Super Admin of the account is emailed once (outbox, keyed by the endpoint and when it was disabled). */
    async notifyWebhookEndpointDisabled({ endpointId }: { endpointId: string }): Promise<NotifyAdminsResult> {
      const { rows } = await db.query<{ account_id: string; url: string; disabled_reason: string | null; disabled_at: Date | null; enabled: boolean; locale: 'en' | 'fr'; company_name: string }>(
        `SELECT e.account_id, e.url, e.disabled_reason, e.disabled_at, e.enabled, a.locale, a.name AS company_name
           FROM webhook_endpoints e JOIN accounts a ON a.id = e.account_id WHERE e.id = $1`,
        [endpointId],
      );
      const e = rows[0];
      if (!e || e.enabled || !e.disabled_at) return { sent: [], failed: [] };
      const endpointUrl = `${settings.publicBaseUrl}/v1/accounts/${encodeURIComponent(e.account_id)}/webhook-endpoints/${endpointId}`;
      return emailAccountAdmins({ db, sendEmail }, e.account_id, (admin) => ({
        key: `webhook-endpoint-disabled:${endpointId}:${e.disabled_at!.getTime()}/admin/${admin.id}`,
        email: renderWebhookDisabledEmail({ locale: e.locale, adminName: admin.name, companyName: e.company_name, url: e.url, reason: e.disabled_reason ?? '', endpointUrl }),
      }));
    },
  };
}
