// The webhook tables as the API sees them: endpoints (soft-deleted, so their log stays readable by
// support), the delivery log, and the statements behind replay and "send test event". Every
// statement is scoped to the caller's account.
import type { Db } from '../../../db';
import { recordWebhookEvents } from '../../../db/webhook-events';

export interface EndpointRow {
  id: string;
  account_id: string;
  url: string;
  description: string;
  event_types: string[];
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: Date | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface AttemptRow {
  id: string;
  message_id: string;
  event_type: string;
  event_id: string;
  attempted_at: Date;
  status_code: number | null;
  latency_ms: number;
  response: string;
  succeeded: boolean;
}

export interface MessageRow {
  id: string;
  message_id: string;
  event_type: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  delivered_at: Date | null;
  created_at: Date;
}

const COLUMNS = `id, account_id, url, description, event_types, enabled, disabled_reason, disabled_at, previous_secret_expires_at, failing_since, created_at, updated_at`;

export interface EndpointChange {
  url?: string;
  description?: string;
  eventTypes?: string[];
  enabled?: boolean;
}

export function createWebhookEndpointsData(db: Db) {
  return {
    async create(accountId: string, id: string, secret: string, e: Required<EndpointChange>): Promise<EndpointRow> {
      const { rows } = await db.query<EndpointRow>(
        `INSERT INTO webhook_endpoints (id, account_id, url, description, event_types, enabled, secret) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [id, accountId, e.url, e.description, e.eventTypes, e.enabled, secret],
      );
      return rows[0]!;
    },

    async list(accountId: string): Promise<EndpointRow[]> {
      const { rows } = await db.query<EndpointRow>(`SELECT ${COLUMNS} FROM webhook_endpoints WHERE account_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`, [accountId]);
      return rows;
    },

    async get(accountId: string, id: string): Promise<EndpointRow | undefined> {
      const { rows } = await db.query<EndpointRow>(`SELECT ${COLUMNS} FROM webhook_endpoints WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL`, [accountId, id]);
      return rows[0];
    },

    /** Enabling clears why it was disabled and the failing streak; disabling by hand records no reason (nobody is emailed). */
    async update(accountId: string, id: string, c: EndpointChange): Promise<EndpointRow | undefined> {
      const { rows } = await db.query<EndpointRow>(
        `UPDATE webhook_endpoints SET url = coalesce($3, url), description = coalesce($4, description), event_types = coalesce($5, event_types),
                enabled = coalesce($6, enabled),
                disabled_reason = CASE WHEN $6 IS NULL THEN disabled_reason ELSE NULL END,
                disabled_at = CASE WHEN $6 IS NULL THEN disabled_at ELSE NULL END,
                failing_since = CASE WHEN $6 THEN NULL ELSE failing_since END,
                updated_at = now()
          WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
        [accountId, id, c.url ?? null, c.description ?? null, c.eventTypes ?? null, c.enabled ?? null],
      );
      return rows[0];
    },

    async remove(accountId: string, id: string): Promise<boolean> {
      const { rowCount } = await db.query(`UPDATE webhook_endpoints SET deleted_at = now(), enabled = false WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL`, [accountId, id]);
      return (rowCount ?? 0) > 0;
    },

    /** The new secret signs from now on; the current one keeps signing too until `ttlMs` from now. */
    async rotate(accountId: string, id: string, secret: string, ttlMs: number): Promise<EndpointRow | undefined> {
      const { rows } = await db.query<EndpointRow>(
        `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = now() + make_interval(secs => $4::float8 / 1000), secret = $3, updated_at = now()
          WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
        [accountId, id, secret, ttlMs],
      );
      return rows[0];
    },

    async attempts(endpointId: string, limit: number, before?: string): Promise<AttemptRow[]> {
      const { rows } = await db.query<AttemptRow>(
        `SELECT a.id, m.message_id, ev.type AS event_type, ev.id AS event_id, a.attempted_at, a.status_code, a.latency_ms, a.response, a.succeeded
           FROM webhook_attempts a JOIN webhook_messages m ON m.id = a.message_id JOIN webhook_events ev ON ev.id = m.event_id
          WHERE a.endpoint_id = $1 AND ($3::bigint IS NULL OR a.id < $3) ORDER BY a.id DESC LIMIT $2`,
        [endpointId, limit, before ?? null],
      );
      return rows;
    },

    async messages(endpointId: string, limit: number, status?: string): Promise<MessageRow[]> {
      const { rows } = await db.query<MessageRow>(
        `SELECT m.id, m.message_id, ev.type AS event_type, m.status, m.attempts, m.next_attempt_at, m.delivered_at, m.created_at
           FROM webhook_messages m JOIN webhook_events ev ON ev.id = m.event_id
          WHERE m.endpoint_id = $1 AND ($3::text IS NULL OR m.status = $3) ORDER BY m.id DESC LIMIT $2`,
        [endpointId, limit, status ?? null],
      );
      return rows;
    },

    /** The message goes out again (same webhook-id), now. */
    async replayMessage(endpointId: string, messageId: string): Promise<boolean> {
      const { rowCount } = await db.query(
        `UPDATE webhook_messages SET status = 'pending', next_attempt_at = now() WHERE endpoint_id = $1 AND message_id = $2`,
        [endpointId, messageId],
      );
      return (rowCount ?? 0) > 0;
    },

    /** Every event of the endpoint's types since `since` goes out again: messages it had are sent again (same webhook-id), the others are made. */
    async replaySince(e: EndpointRow, since: Date): Promise<number> {
      const { rowCount } = await db.query(
        `INSERT INTO webhook_messages (endpoint_id, event_id, subject)
         SELECT $1, ev.id, ev.subject FROM webhook_events ev
          WHERE ev.account_id = $2 AND ev.occurred_at >= $3 AND ev.type = ANY ($4) ORDER BY ev.id
         ON CONFLICT (endpoint_id, event_id) DO UPDATE SET status = 'pending', next_attempt_at = now()`,
        [e.id, e.account_id, since, e.event_types],
      );
      return rowCount ?? 0;
    },

    /** A test event for this endpoint only; its own subject, so it waits behind no other message. */
    async recordTest(e: EndpointRow, testId: string, type: string, data: Record<string, unknown>): Promise<string> {
      await recordWebhookEvents(db, [{ accountId: e.account_id, type, subject: testId, dedupeKey: testId, data }]);
      const { rows } = await db.query<{ message_id: string }>(
        `INSERT INTO webhook_messages (endpoint_id, event_id, subject)
         SELECT $1, id, subject FROM webhook_events WHERE dedupe_key = $2
         ON CONFLICT (endpoint_id, event_id) DO UPDATE SET status = 'pending' RETURNING message_id`,
        [e.id, testId],
      );
      return rows[0]!.message_id;
    },
  };
}

export type WebhookEndpointsData = ReturnType<typeof createWebhookEndpointsData>;
