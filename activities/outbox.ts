// Delivering a message exactly once. Every send goes through a message_outbox row keyed by what
// the message is for (e.g. invitation, step and token generation): a transient failure is retried
// until the provider accepts the message, so none is lost; a retried, replayed or restarted
// activity finds the row already `sent` and delivers nothing twice; a row refused for good stays
// refused. The one gap a provider leaves is described in deliverOnce. Shared by every activity
// that sends email or texts.
import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import { withConnection, type Db } from '../db';
import { failureTypes } from '../domain/failures';
import type { RenderedEmail } from '../messages/html';

/** Thrown by a deliver() function: the provider refused for good, retrying cannot help. */
export class PermanentRejection extends Error {}

/** Keeps telling Temporal this attempt is alive, so a dead worker is noticed within the heartbeat timeout. */
export async function withHeartbeat<T>(work: Promise<T>): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), 1_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

export interface OutboxMessage {
  key: string;
  invitationId?: string;
  channel: 'email' | 'text';
  recipient: string;
  /** Delivers the message and answers the provider's message id; throws PermanentRejection for a final refusal. */
  deliver: () => Promise<string>;
}

export async function deliverOnce(db: Db, m: OutboxMessage): Promise<{ messageId: string; sentAt: Date }> {
  // Counted outside the transaction below, so an attempt that dies mid-send still counts.
  await db.query(
    `INSERT INTO message_outbox (key, invitation_id, channel, recipient, attempts) VALUES ($1, $2, $3, $4, 1)
     ON CONFLICT (key) DO UPDATE SET attempts = message_outbox.attempts + 1`,
    [m.key, m.invitationId ?? null, m.channel, m.recipient],
  );
  // The row stays locked from the claim until the outcome is committed, on a connection held for
  // the whole send: a second attempt of the same message (a retry while the first is still alive)
  // waits and then finds it sent, and the gap between the provider's "accepted" and our commit is
  // one round trip to the database, not a wait for a pooled connection. A worker that dies in that
  // gap leaves the row pending and the message is sent again: an email with the same Message-ID,
  // which receiving systems use to drop the repeat (the only window SMTP leaves); a text, which has
  // no such id at Twilio, twice.
  try {
    return await withConnection(db, async (tx) => {
      await tx.query('BEGIN');
      const { rows } = await tx.query<{ status: string; sent_at: Date | null; provider_message_id: string | null; last_error: string | null }>(
        `SELECT status, sent_at, provider_message_id, last_error FROM message_outbox WHERE key = $1 FOR UPDATE`,
        [m.key],
      );
      const row = rows[0]!;
      if (row.status !== 'pending') await tx.query('COMMIT');
      if (row.status === 'sent') return { messageId: row.provider_message_id!, sentAt: row.sent_at! };
      if (row.status === 'failed') throw deliveryRejected(row.last_error ?? `${m.channel} to ${m.recipient} was rejected`);

      let messageId: string;
      try {
        messageId = await withHeartbeat(m.deliver());
      } catch (err) {
        await tx.query('ROLLBACK');
        const reason = err instanceof Error ? err.message : String(err);
        if (err instanceof PermanentRejection) {
          await tx.query(`UPDATE message_outbox SET status = 'failed', last_error = $2 WHERE key = $1`, [m.key, reason]);
          throw deliveryRejected(reason);
        }
        await tx.query(`UPDATE message_outbox SET last_error = $2 WHERE key = $1`, [m.key, reason]);
        throw err; // transient: Temporal retries with backoff
      }
      try {
        const { rows: done } = await tx.query<{ sent_at: Date }>(MARK_SENT, [m.key, messageId]);
        await tx.query('COMMIT');
        return { messageId, sentAt: done[0]!.sent_at };
      } catch {
        throw new DeliveredButUnrecorded(messageId);
      }
    });
  } catch (err) {
    // The message is out; only its record failed (the database went away). Keep recording it while
    // this attempt lives, so an outage does not make the retry send it again.
    if (err instanceof DeliveredButUnrecorded) return { messageId: err.messageId, sentAt: await recordSentDespiteOutage(db, m.key, err.messageId) };
    throw err;
  }
}

/**
 * Carrier-level spacing: one text per number per `intervalSeconds`, whoever sends it (each account's
 * own limit is the API's, per account and number). A text to a number another account texted less
 * than the interval ago waits for its turn here, heartbeating, instead of failing: the other account
 * sees nothing but its invitation still sending. Called before deliverOnce, so no outbox row or
 * pooled connection is held while waiting; a message already settled in the outbox waits for nothing.
 */
export async function awaitTextTurn(db: Db, m: { key: string; recipient: string }, intervalSeconds: number): Promise<void> {
  const { rows: settled } = await db.query(`SELECT 1 FROM message_outbox WHERE key = $1 AND status <> 'pending'`, [m.key]);
  if (settled.length > 0) return;
  const ctx = Context.current();
  for (;;) {
    ctx.heartbeat();
    const { rows } = await db.query<{ wait_ms: number | null }>(
      `WITH claimed AS (
         INSERT INTO text_number_spacing (phone, last_key, last_sent_at) VALUES ($1, $2, now())
         ON CONFLICT (phone) DO UPDATE SET last_key = $2, last_sent_at = now()
           WHERE text_number_spacing.last_key = $2 OR text_number_spacing.last_sent_at <= now() - make_interval(secs => $3)
         RETURNING 1)
       SELECT CASE WHEN EXISTS (SELECT 1 FROM claimed) THEN NULL
              ELSE ceil(1000 * extract(epoch FROM (SELECT last_sent_at FROM text_number_spacing WHERE phone = $1) + make_interval(secs => $3) - now()))::int END AS wait_ms`,
      [m.recipient, m.key, intervalSeconds],
    );
    const waitMs = rows[0]?.wait_ms;
    if (waitMs === null || waitMs === undefined) return;
    // Short naps, so the heartbeat keeps going and a cancellation ends the wait at once.
    await ctx.sleep(Math.min(Math.max(waitMs, 50), 1_000));
  }
}

/** Refused for good (now, or by an earlier attempt): retrying cannot help. */
function deliveryRejected(reason: string): ApplicationFailure {
  return ApplicationFailure.create({ type: failureTypes.deliveryRejected, nonRetryable: true, message: reason });
}

/** The provider accepted the message but the database could not record it. */
class DeliveredButUnrecorded extends Error {
  constructor(readonly messageId: string) {
    super(`message ${messageId} was delivered but not recorded`);
  }
}

const MARK_SENT = `UPDATE message_outbox SET status = 'sent', provider_message_id = $2, sent_at = now(), last_error = NULL WHERE key = $1 RETURNING sent_at`;

/** Retries recording a delivered message until it sticks, heartbeating, until Temporal cancels the attempt. */
async function recordSentDespiteOutage(db: Db, key: string, messageId: string): Promise<Date> {
  const ctx = Context.current();
  for (;;) {
    ctx.heartbeat();
    try {
      const { rows } = await db.query<{ sent_at: Date }>(MARK_SENT, [key, messageId]);
      return rows[0]!.sent_at;
    } catch (err) {
      if (ctx.cancellationSignal.aborted) throw err;
      await Promise.race([new Promise((r) => setTimeout(r, 500)), ctx.cancelled.catch(() => undefined)]);
    }
  }
}

/** SMTP replies 5xx (and nodemailer's envelope errors) are final; anything else may pass on retry. */
function isPermanentSmtpFailure(err: unknown): boolean {
  const e = err as { responseCode?: number; code?: string };
  return (typeof e.responseCode === 'number' && e.responseCode >= 500) || e.code === 'EENVELOPE';
}

/**
 * Sends one email whose Message-ID derives from its outbox key (so a receiver can tell repeats
 * apart), saying its language (Content-Language; the HTML part carries the same `lang`).
 */
export function emailSender(mailer: Pick<Transporter, 'sendMail'>, mailFrom: string) {
  const mailDomain = /@([^>\s]+)/.exec(mailFrom)?.[1] ?? 'localhost';
  return async (key: string, to: string, { language, ...content }: RenderedEmail): Promise<string> => {
    const messageId = `<${createHash('sha256').update(key).digest('hex').slice(0, 40)}@${mailDomain}>`;
    try {
      await mailer.sendMail({ from: mailFrom, to, messageId, headers: { 'Content-Language': language }, ...content });
    } catch (err) {
      if (isPermanentSmtpFailure(err)) throw new PermanentRejection(`Email to ${to} was rejected: ${(err as Error).message}`);
      throw err;
    }
    return messageId;
  };
}
