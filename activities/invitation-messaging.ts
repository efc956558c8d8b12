// Delivering invitations by email and by text. Every send goes through a message_outbox row keyed
// by invitation, step and token generation: a retried, replayed or restarted activity finds the row
// already `sent` and delivers nothing twice; the email's Message-ID is derived from the same key.
import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ActivityDependencies } from '.';
import { failureTypes, type SentMessage } from '../workflows/definitions';
import { renderInvitationEmail, type Locale } from '../messages/invitation-email';
import { renderInvitationText } from '../messages/invitation-text';
import { deriveInvitationToken, hashToken } from './invitation-tokens';

export interface SendInvitationInput {
  invitationId: string;
  tokenGeneration: number;
  /** The first message for this link, or a reminder with the same link. */
  step?: 'invite' | 'reminder';
  /** ISO time the link stops working (shown in the email). */
  expiresAt: string;
}

interface InvitationForMessage {
  invitee_email: string | null;
  invitee_phone: string | null;
  text_message: string | null;
  media_url: string | null;
  locale: Locale;
  company_name: string;
  inviter_name: string;
}

/** Thrown by a channel's deliver(): the provider refused for good, retrying cannot help. */
class PermanentRejection extends Error {}

/** Keeps telling Temporal this attempt is alive, so a dead worker is noticed within the heartbeat timeout. */
async function withHeartbeat<T>(work: Promise<T>): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), 1_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/** SMTP replies 5xx (and nodemailer's envelope errors) are final; anything else may pass on retry. */
function isPermanentSmtpFailure(err: unknown): boolean {
  const e = err as { responseCode?: number; code?: string };
  return (typeof e.responseCode === 'number' && e.responseCode >= 500) || e.code === 'EENVELOPE';
}

/** Twilio 4xx other than 429 (invalid or unreachable number, blocked content) are final. */
function isPermanentTwilioFailure(err: unknown): boolean {
  const e = err as { status?: number };
  return typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.status !== 429;
}

export function createInvitationMessagingActivities({ db, mailer, sms, settings }: ActivityDependencies) {
  const mailDomain = /@([^>\s]+)/.exec(settings.mailFrom)?.[1] ?? 'localhost';

  /**
   * The shared path: load the invitation, record the current token's hash (so the link works the
   * moment the message lands), claim the outbox row, deliver once, record the outcome.
   */
  async function sendThroughOutbox(
    input: SendInvitationInput,
    channel: 'email' | 'text',
    deliver: (m: { invitation: InvitationForMessage; recipient: string; signupUrl: string; outboxKey: string }) => Promise<string>,
  ): Promise<SentMessage> {
    const { rows } = await db.query<InvitationForMessage>(
      `SELECT i.invitee_email, i.invitee_phone, i.text_message, i.media_url, i.locale, a.name AS company_name,
              trim(u.first_name || ' ' || u.last_name) AS inviter_name
         FROM invitations i JOIN accounts a ON a.id = i.account_id JOIN users u ON u.id = i.invited_by
        WHERE i.id = $1`,
      [input.invitationId],
    );
    const invitation = rows[0];
    const recipient = channel === 'email' ? invitation?.invitee_email : invitation?.invitee_phone;
    if (!invitation || !recipient) {
      throw ApplicationFailure.nonRetryable(`Invitation ${input.invitationId} has no ${channel === 'email' ? 'email address' : 'phone number'} on record`, failureTypes.invitationNotFound);
    }
    const step = input.step ?? 'invite';
    const outboxKey = `${input.invitationId}/${step}/${input.tokenGeneration}`;
    const token = deriveInvitationToken(settings.invitationTokenSecret, input.invitationId, input.tokenGeneration);
    const tokenHash = hashToken(token);
    await db.query(`UPDATE invitations SET token_hash = $2, token_generation = $3, updated_at = now() WHERE id = $1`, [
      input.invitationId, tokenHash, input.tokenGeneration,
    ]);
    const { rows: outbox } = await db.query<{ status: string; sent_at: Date | null; provider_message_id: string | null; last_error: string | null }>(
      `INSERT INTO message_outbox (key, invitation_id, channel, recipient, attempts) VALUES ($1, $2, $3, $4, 1)
       ON CONFLICT (key) DO UPDATE SET attempts = message_outbox.attempts + 1
       RETURNING status, sent_at, provider_message_id, last_error`,
      [outboxKey, input.invitationId, channel, recipient],
    );
    const row = outbox[0]!;
    const sent = (messageId: string, sentAt: Date): SentMessage => ({ outboxKey, channel, recipient, messageId, sentAt: sentAt.toISOString(), tokenHash, step });
    if (row.status === 'sent') return sent(row.provider_message_id!, row.sent_at!);
    if (row.status === 'failed') throw ApplicationFailure.nonRetryable(row.last_error ?? `${channel} to ${recipient} was rejected`, failureTypes.deliveryRejected);

    let messageId: string;
    try {
      messageId = await withHeartbeat(deliver({ invitation, recipient, signupUrl: `${settings.publicBaseUrl}/signup/${token}`, outboxKey }));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof PermanentRejection) {
        await db.query(`UPDATE message_outbox SET status = 'failed', last_error = $2 WHERE key = $1`, [outboxKey, reason]);
        throw ApplicationFailure.nonRetryable(reason, failureTypes.deliveryRejected);
      }
      await db.query(`UPDATE message_outbox SET last_error = $2 WHERE key = $1`, [outboxKey, reason]);
      throw err; // transient: Temporal retries with backoff
    }
    const { rows: done } = await db.query<{ sent_at: Date }>(
      `UPDATE message_outbox SET status = 'sent', provider_message_id = $2, sent_at = now(), last_error = NULL WHERE key = $1 RETURNING sent_at`,
      [outboxKey, messageId],
    );
    return sent(messageId, done[0]!.sent_at);
  }

  return {
    async sendInvitationEmail(input: SendInvitationInput): Promise<SentMessage> {
      return sendThroughOutbox(input, 'email', async ({ invitation, recipient, signupUrl, outboxKey }) => {
        const messageId = `<${createHash('sha256').update(outboxKey).digest('hex').slice(0, 40)}@${mailDomain}>`;
        const email = renderInvitationEmail({
          locale: invitation.locale,
          inviterName: invitation.inviter_name || invitation.company_name,
          companyName: invitation.company_name,
          signupUrl,
          expiresAt: new Date(input.expiresAt),
          reminder: input.step === 'reminder',
        });
        try {
          await mailer.sendMail({ from: settings.mailFrom, to: recipient, messageId, ...email });
        } catch (err) {
          if (isPermanentSmtpFailure(err)) throw new PermanentRejection(`Email to ${recipient} was rejected: ${(err as Error).message}`);
          throw err;
        }
        return messageId;
      });
    },

    async sendInvitationText(input: SendInvitationInput): Promise<SentMessage> {
      return sendThroughOutbox(input, 'text', async ({ invitation, recipient, signupUrl }) => {
        const body = renderInvitationText({
          locale: invitation.locale,
          inviterName: invitation.inviter_name || invitation.company_name,
          companyName: invitation.company_name,
          customMessage: input.step === 'reminder' ? null : invitation.text_message,
          reminder: input.step === 'reminder',
          signupUrl,
        });
        try {
          const message = await sms.client.messages.create({
            to: recipient,
            from: sms.from,
            body,
            ...(invitation.media_url ? { mediaUrl: [invitation.media_url] } : {}),
          });
          return message.sid;
        } catch (err) {
          if (isPermanentTwilioFailure(err)) throw new PermanentRejection(`Text to ${recipient} was rejected: ${(err as Error).message}`);
          throw err;
        }
      });
    },
  };
}
