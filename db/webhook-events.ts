// Recording webhook events: the tail of a statement that makes a change, so the events that report
// it are written in the same statement (the outbox; never after, never lost), and fanned out at
// once into one message per enabled endpoint of the account subscribed to the event's type. The
// endpoint's delivery workflow (workflows/webhook-delivery/) sends them.

/**
 * The CTEs withWebhookEvents appends to a `WITH` whose `sources` (CTE names) each return rows of
 * (account_id, type, subject, dedupe_key, data). An event already recorded (same dedupe_key: a
 * retried write) is recorded and sent nothing again.
 */
function webhookEventCtes(sources: string[]): string {
  const union = sources.map((s) => `SELECT account_id, type, subject, dedupe_key, data FROM ${s}`).join(' UNION ALL ');
  return `
  new_webhook_events AS (
    INSERT INTO webhook_events (account_id, type, subject, dedupe_key, data)
    SELECT account_id, type, subject, dedupe_key, data FROM (${union}) AS reported
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id, account_id, type, subject),
  new_webhook_messages AS (
    INSERT INTO webhook_messages (endpoint_id, event_id, subject)
    SELECT e.id, ev.id, ev.subject FROM new_webhook_events ev
      JOIN webhook_endpoints e ON e.account_id = ev.account_id AND e.enabled AND e.deleted_at IS NULL AND ev.type = ANY (e.event_types)
     ORDER BY ev.id
    RETURNING 1)`;
}

/** A whole statement: the change's CTEs (`ctes`), then the events recorded from the `sources` among them. */
export function withWebhookEvents(ctes: string[], sources: string[]): string {
  return `WITH ${[...ctes, webhookEventCtes(sources)].join(',\n     ')}\n     SELECT 1`;
}

export interface WebhookEventRecord {
  accountId: string;
  type: string;
  subject: string;
  dedupeKey: string;
  data: Record<string, unknown>;
}

/** Records events that no other statement's change carries (e.g. a signup's acceptance), inside the caller's transaction. */
export async function recordWebhookEvents(q: { query: (sql: string, params: unknown[]) => Promise<unknown> }, events: WebhookEventRecord[]): Promise<void> {
  if (events.length === 0) return;
  await q.query(
    withWebhookEvents([`given AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS g(account_id text, type text, subject text, dedupe_key text, data jsonb))`], ['given']),
    [JSON.stringify(events.map((e) => ({ account_id: e.accountId, type: e.type, subject: e.subject, dedupe_key: e.dedupeKey, data: e.data })))],
  );
}
